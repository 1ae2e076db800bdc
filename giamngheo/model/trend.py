"""The simplest projection: each indicator's own recent trend (least squares, at least two points).

Rates are kept within 0–100, counts and flows at or above 0. Used for indicators that no model or
assumption covers (the engine's fallback).
"""
from __future__ import annotations

import numpy as np

from giamngheo.model.projection import SeriesPath
from giamngheo.plan.indicators import Indicator

TREND_WINDOW = 5   # the last five actual years at most


def ols_slope(years: list[int], values: list[float]) -> tuple[float, float]:
    """Least-squares line through the points: (slope per year, value of the line at the last year)."""
    x = np.asarray(years, float)
    y = np.asarray(values, float)
    xm, ym = x.mean(), y.mean()
    sxx = ((x - xm) ** 2).sum()
    slope = float(((x - xm) * (y - ym)).sum() / sxx) if sxx > 0 else 0.0
    return slope, float(ym + slope * (x[-1] - xm))


def trend_path(ind: Indicator, group: str, series: dict[int, float], horizon: int,
               window: int = TREND_WINDOW, break_year: int | None = None) -> SeriesPath | None:
    """A path from the series' own trend; None when fewer than two points (one point: held flat)."""
    if not series:
        return None
    years = sorted(series)
    last = years[-1]
    values = dict(series)
    fit_years = [y for y in years if break_year is None or (y >= break_year) == (last >= break_year)][-window:]
    if len(fit_years) >= 2:
        slope, _ = ols_slope(fit_years, [series[y] for y in fit_years])
        method = f"trend_ols({fit_years[0]}–{fit_years[-1]})"
    else:
        slope = 0.0
        method = f"flat({last})"
    lo, hi = ind.bounds
    if ind.kind == "flag":
        slope = 0.0
    start = series[last]
    for y in range(last + 1, horizon + 1):
        v = start + slope * (y - last)
        values[y] = float(min(max(v, lo), hi))
    return SeriesPath(ind.id, group, values, frozenset(years), method)

"""The simplest projection: each indicator's own recent trend (least squares, at least two points).

Rates are kept within 0–100, counts and flows at or above 0. Used for indicators that no model or
assumption covers (the engine's fallback).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from giamngheo.model.projection import SeriesPath
from giamngheo.stats import ols_slope

if TYPE_CHECKING:
    from giamngheo.plan.indicators import Indicator

TREND_WINDOW = 5   # the last five actual years at most


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

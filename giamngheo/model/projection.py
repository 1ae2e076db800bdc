"""The Projection type: every indicator's path, actual years and projected years, with its method.

A path may carry Monte Carlo draws for its projected years (an array per year, one value a draw);
actual years are the same in every draw.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd


@dataclass
class SeriesPath:
    indicator: str
    group: str
    values: dict[int, float]               # year -> value (actual and projected)
    actual: frozenset[int]                 # the years that are data, not projection
    method: str                            # how the projected years were made
    draws: dict[int, np.ndarray] = field(default_factory=dict)   # projected year -> draws
    nowcast: frozenset[int] = frozenset()  # years after the data up to the current one: estimates at the defaults

    def basis(self, year: int) -> str | None:
        if year not in self.values:
            return None
        if year in self.actual:
            return "actual"
        return "nowcast" if year in self.nowcast else "projected"


class Projection:
    """All paths of one scenario, as of a year (data after ``as_of`` are ignored)."""

    def __init__(self, as_of: int, horizon: int, paths: Iterable[SeriesPath] = (), n_draws: int = 0,
                 lever_from: int | None = None):
        self.as_of = as_of
        self.horizon = horizon
        self.lever_from = lever_from if lever_from is not None else as_of + 1
        self.paths: dict[tuple[str, str], SeriesPath] = {}
        self.n_draws = n_draws
        for p in paths:
            self.add(p)

    def add(self, p: SeriesPath) -> None:
        self.paths[(p.indicator, p.group)] = p

    def path(self, indicator: str, group: str = "all") -> SeriesPath | None:
        return self.paths.get((indicator, group))

    def get(self, indicator: str, group: str, year: int) -> float | None:
        p = self.paths.get((indicator, group))
        return None if p is None else p.values.get(year)

    def getter(self, indicator: str, group: str, draws: bool = False):
        p = self.paths.get((indicator, group))
        if p is None:
            return lambda year: None
        if not draws:
            return p.values.get

        def get(year: int) -> Any:
            if year in p.draws:
                return p.draws[year]
            return p.values.get(year)
        return get

    def has_draws(self, indicator: str, group: str) -> bool:
        p = self.paths.get((indicator, group))
        return bool(p and p.draws)

    def long(self, percentiles: tuple[int, ...] = ()) -> pd.DataFrame:
        """The long table: indicator, group, year, value, basis, method (+ p10… when draws exist)."""
        rows = []
        for (ind, grp), p in self.paths.items():
            for y in sorted(p.values):
                r = {"indicator": ind, "group": grp, "year": y, "value": p.values[y], "basis": p.basis(y),
                     "method": "data" if y in p.actual else ("nowcast" if y in p.nowcast else p.method)}
                if percentiles:
                    d = p.draws.get(y)
                    for q in percentiles:
                        r[f"p{q}"] = float(np.percentile(d, q)) if d is not None else p.values[y]
                rows.append(r)
        cols = ["indicator", "group", "year", "value", "basis", "method"] + [f"p{q}" for q in percentiles]
        return pd.DataFrame(rows, columns=cols)

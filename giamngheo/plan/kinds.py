"""One evaluator per target kind.

Each evaluator measures a target on a value getter ``get(year)`` that returns the indicator's value
for a year: a float (deterministic) or a numpy array of draws (Monte Carlo), or None when missing.
It returns a :class:`Measure`: the tested quantity ``q``, the threshold it must meet and how
(``>=``, ``<=``, ``<``), and the same test in level space (base, projected level, target level) for
the UN Statistics Division progress share and the required yearly change.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from giamngheo.plan.targets import Plan, Target

Getter = Callable[[int], Any]


@dataclass
class Measure:
    q: Any                      # the tested quantity (float or array)
    threshold: float
    sense: str                  # ">=", "<=", "<"
    years: tuple[int, ...]      # the years the test reads
    level: Any = None           # the indicator level at the target year (float or array)
    target_level: Any = None    # the level that just meets the target (float or array)
    base_level: Any = None      # the level the progress share starts from
    base_year: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    flow: bool = False          # a sum over years (required change = per remaining year)

    def met(self) -> Any:
        q = self.q
        if self.sense == ">=":
            return q >= self.threshold - 1e-9
        if self.sense == "<=":
            return q <= self.threshold + 1e-9
        return q < self.threshold


class Missing(Exception):
    """A year the test needs has no value."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(year)


def _need(get: Getter, year: int) -> Any:
    v = get(year)
    if v is None:
        raise Missing(year)
    return v


def _years(a: int, b: int) -> tuple[int, ...]:
    return tuple(range(a, b + 1))


def level(plan: Plan, tg: Target, get: Getter, base: tuple[int, Any] | None) -> Measure:
    years = _years(tg.from_year, tg.year) if tg.from_year is not None else (tg.year,)
    vals = [_need(get, y) for y in years]
    stacked = np.stack([np.asarray(v, dtype=float) for v in vals])
    worst = stacked.min(axis=0) if tg.op == "at_least" else stacked.max(axis=0)
    sense = {"at_least": ">=", "below": "<", "at_most": "<="}[tg.op]
    q = worst if stacked.ndim > 1 else float(worst)
    detail: dict[str, Any] = {}
    if len(years) > 1 and stacked.ndim == 1:
        ok = [(v >= tg.value) if tg.op == "at_least" else (v < tg.value if tg.op == "below" else v <= tg.value) for v in stacked]
        detail = {"years_met": int(sum(ok)), "years": len(years)}
    return Measure(q=q, threshold=float(tg.value), sense=sense, years=years, level=q, target_level=float(tg.value),
                   base_level=base[1] if base else None, base_year=base[0] if base else None, detail=detail)


def average_change(plan: Plan, tg: Target, get: Getter, base: Any = None) -> Measure:
    b, y = tg.base_year, tg.year
    v0, v1 = _need(get, b), _need(get, y)
    n = y - b
    sign = -1.0 if tg.direction == "decrease" else 1.0
    q = sign * (np.asarray(v1, float) - v0) / n
    q = q if np.ndim(q) else float(q)
    detail: dict[str, Any] = {}
    if tg.value_high is not None and np.ndim(q) == 0:
        detail["top_of_range"] = bool(q >= tg.value_high - 1e-9)
    return Measure(q=q, threshold=float(tg.value), sense=">=", years=(b, y), level=v1,
                   target_level=v0 + sign * tg.value * n, base_level=v0, base_year=b, detail=detail)


def yearly_flow(plan: Plan, tg: Target, get: Getter, base: Any = None) -> Measure:
    years = _years(tg.from_year, tg.year)
    vals = np.stack([np.asarray(_need(get, yy), float) for yy in years])
    worst = vals.min(axis=0)
    total = vals.sum(axis=0)
    total_target = tg.total if tg.total is not None else tg.value * len(years)
    detail: dict[str, Any] = {"total_target": float(total_target)}
    if vals.ndim == 1:
        detail.update(total=float(total), years_met=int((vals >= tg.value - 1e-9).sum()), years=len(years))
        worst, total = float(worst), float(total)
    return Measure(q=worst, threshold=float(tg.value), sense=">=", years=years, level=total,
                   target_level=float(total_target), base_level=0.0, base_year=tg.from_year, detail=detail, flow=True)


def cumulative(plan: Plan, tg: Target, get: Getter, base: Any = None) -> Measure:
    years = _years(tg.from_year, tg.year)
    total = np.stack([np.asarray(_need(get, yy), float) for yy in years]).sum(axis=0)
    total = total if np.ndim(total) else float(total)
    return Measure(q=total, threshold=float(tg.value), sense=">=", years=years, level=total,
                   target_level=float(tg.value), base_level=0.0, base_year=tg.from_year, flow=True)


def relative_change(plan: Plan, tg: Target, get: Getter, base: Any = None) -> Measure:
    b = plan.resolved_base_year(tg)
    if b is None:
        raise Missing(tg.year)
    v0, v1 = _need(get, b), _need(get, tg.year)
    v0a, v1a = np.asarray(v0, float), np.asarray(v1, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        # from a zero base only zero meets v1 ≤ factor × v0
        ratio = np.where(v0a > 0, v1a / np.where(v0a > 0, v0a, 1.0), np.where(v1a > 0, np.inf, 0.0))
    q = ratio if np.ndim(ratio) else float(ratio)
    return Measure(q=q, threshold=float(tg.factor), sense="<=", years=(b, tg.year), level=v1,
                   target_level=v0a * tg.factor if np.ndim(v0a) else float(v0) * tg.factor,
                   base_level=v0, base_year=b, detail={"base_year": b})


def milestone(plan: Plan, tg: Target, get: Getter, base: Any = None) -> Measure:
    """q = the first year the flag is 1 (inf when never within the years read)."""
    last = tg.year if tg.year is not None else tg.deadline_year + 1
    first = None
    years = []
    for yy in _years(plan.period[0], max(last, tg.deadline_year + 1)):
        v = get(yy)
        if v is None:
            continue
        years.append(yy)
        reached = np.asarray(v, float) >= 0.5
        cand = np.where(reached, yy, np.inf)
        first = cand if first is None else np.minimum(first, cand)
    if first is None:
        raise Missing(tg.deadline_year)
    q = first if np.ndim(first) else float(first)
    return Measure(q=q, threshold=float(tg.deadline_year), sense="<=", years=tuple(years), level=q,
                   target_level=float(tg.deadline_year), detail={"reached_year": None if np.ndim(q) or np.isinf(q) else int(q)})


def units_share(plan: Plan, tg: Target, get: Getter, base: tuple[int, Any] | None) -> Measure:
    v = np.minimum(np.asarray(_need(get, tg.year), float), tg.units_total)   # no more units than exist
    share = v / tg.units_total
    q = share if np.ndim(share) else float(share)
    return Measure(q=q, threshold=float(tg.value), sense=">=", years=(tg.year,), level=v if np.ndim(v) else float(v),
                   target_level=float(np.ceil(tg.value * tg.units_total - 1e-9)),
                   base_level=base[1] if base else None, base_year=base[0] if base else None,
                   detail={"units_total": tg.units_total})


EVALUATORS: dict[str, Callable[..., Measure]] = {
    "level": level,
    "average_change": average_change,
    "yearly_flow": yearly_flow,
    "cumulative": cumulative,
    "relative_change": relative_change,
    "milestone": milestone,
    "units_share": units_share,
}


def measure(plan: Plan, tg: Target, get: Getter, base: tuple[int, Any] | None = None) -> Measure:
    return EVALUATORS[tg.kind](plan, tg, get, base)


def progress_share(m: Measure) -> float | None:
    """UNSD progress share P = (projected − base) / (target − base) in level space, or None."""
    if m.base_level is None or m.target_level is None or m.level is None:
        return None
    base, tgt, proj = float(np.mean(m.base_level)), float(np.mean(m.target_level)), float(np.mean(m.level))
    if abs(tgt - base) < 1e-12:
        return None
    return (proj - base) / (tgt - base)

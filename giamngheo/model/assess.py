"""A verdict for every target: achieved / missed on actual data, on_track / at_risk / off_track on a
projection (UN Statistics Division progress-chart logic), no_data otherwise; with the yearly change
that would just meet the target from the last actual year, and (given draws) the probability.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from giamngheo.plan import kinds
from giamngheo.model.projection import Projection
from giamngheo.data.observations import Observations, worst_quality
from giamngheo.plan.targets import Plan, Target

STATUSES = ("achieved", "missed", "on_track", "at_risk", "off_track", "no_data")
GOOD = ("achieved", "on_track")
P_ON_TRACK = 0.95      # UNSD: progress share at or above this is on track
P_AT_RISK = 0.10       # below this, off track


@dataclass
class Verdict:
    target: str
    number: int
    area: str
    indicator: str
    group: str
    year: int
    status: str
    basis: str | None                  # actual | projected | None
    value: float | None                # the tested quantity (level, average change, total, …)
    target_value: float | None
    sense: str | None
    level: float | None                # the indicator at the target year (a total for flows)
    target_level: float | None
    required_change: float | None      # yearly change in level that would just meet the target
    required_from: int | None          # the year the required change starts from
    progress: float | None             # UNSD progress share P
    probability: float | None
    method: str
    last_actual_year: int | None
    last_actual_value: float | None
    data_quality: str | None           # worst status among the observations read
    detail: dict[str, Any] = field(default_factory=dict)

    def as_row(self) -> dict[str, Any]:
        d = asdict(self)
        d["detail"] = dict(self.detail)
        return d


def classify(progress: float | None, met: bool) -> str:
    if met:
        return "on_track"
    if progress is None:
        return "off_track"
    p = min(progress, P_ON_TRACK - 1e-9) if progress >= 1 else progress  # level met but the kind's own test not
    if p >= P_ON_TRACK:
        return "on_track"
    if p >= P_AT_RISK:
        return "at_risk"
    return "off_track"


def _scalar(x: Any) -> float | None:
    if x is None:
        return None
    x = float(np.mean(x))
    return None if np.isnan(x) else x


def _base_for(plan: Plan, tg: Target, obs_series: dict[int, float]) -> tuple[int, float] | None:
    """The progress-share base of a level target: the first actual value in the plan window."""
    first = plan.period[0]
    cand = [y for y in sorted(obs_series) if first <= y <= tg.target_year]
    if not cand:
        cand = sorted(obs_series)
    if not cand:
        return None
    y = cand[0]
    if plan.on_new_standard(tg.indicator, tg.target_year) and not plan.on_new_standard(tg.indicator, y):
        return None
    return y, obs_series[y]


def assess_target(plan: Plan, tg: Target, proj: Projection, obs: Observations,
                  with_probability: bool = True) -> Verdict:
    as_of = proj.as_of
    actual = obs.series(tg.indicator, tg.group, as_of)
    path = proj.path(tg.indicator, tg.group)
    last_y = max(actual) if actual else None
    last_v = actual[last_y] if last_y is not None else None
    base = _base_for(plan, tg, actual)
    method = path.method if path else "none"
    common = dict(target=tg.id, number=tg.number, area=tg.area, indicator=tg.indicator, group=tg.group,
                  year=tg.target_year, last_actual_year=last_y, last_actual_value=last_v)

    # 1. On actual data alone?
    try:
        m_act = kinds.measure(plan, tg, actual.get, base)
        # a milestone is settled once its deadline has passed (reached later is still missed), or
        # once the data show it reached in time
        decided = (as_of >= tg.deadline_year or bool(m_act.met())) if tg.kind == "milestone" \
            else all(y <= as_of for y in m_act.years)
    except kinds.Missing:
        m_act, decided = None, False
    if decided and m_act is not None:
        met = bool(m_act.met())
        quality = worst_quality(q for y in m_act.years if (q := obs.quality(tg.indicator, tg.group, y)))
        return Verdict(status="achieved" if met else "missed", basis="actual", value=_scalar(m_act.q),
                       target_value=m_act.threshold, sense=m_act.sense, level=_scalar(m_act.level),
                       target_level=_scalar(m_act.target_level), required_change=None, required_from=None,
                       progress=None, probability=None, method="data", data_quality=quality,
                       detail=m_act.detail, **common)

    # 1b. A target that must hold in every year is already missed once an actual year fails it
    early = _failed_year(tg, actual, as_of)
    if early is not None:
        quality = obs.quality(tg.indicator, tg.group, early) or None
        return Verdict(status="missed", basis="actual", value=actual[early], target_value=float(tg.value),
                       sense=">=" if tg.kind == "yearly_flow" or tg.op == "at_least" else "<", level=actual[early],
                       target_level=float(tg.value), required_change=None, required_from=None, progress=None,
                       probability=None, method="data", data_quality=quality, detail={"failed_year": early}, **common)

    # 2. On the projection
    try:
        m = kinds.measure(plan, tg, proj.getter(tg.indicator, tg.group), base)
    except kinds.Missing:
        return Verdict(status="no_data", basis=None, value=None, target_value=_threshold(tg), sense=None,
                       level=None, target_level=None, required_change=None, required_from=None, progress=None,
                       probability=None, method=method, data_quality=None, **common)
    met = bool(m.met())
    progress = kinds.progress_share(m)
    status = classify(progress, met)
    req, req_from = required_change(plan, tg, m, actual, proj)
    prob = None
    if with_probability and proj.has_draws(tg.indicator, tg.group):
        try:
            mm = kinds.measure(plan, tg, proj.getter(tg.indicator, tg.group, draws=True), base)
            prob = float(np.mean(mm.met()))
        except kinds.Missing:
            prob = None
    quality = worst_quality(q for y in m.years if y <= as_of and (q := obs.quality(tg.indicator, tg.group, y)))
    quality = worst_quality([quality, last_quality(obs, tg, last_y)]) if last_y else quality
    return Verdict(status=status, basis="projected", value=_scalar(m.q), target_value=m.threshold, sense=m.sense,
                   level=_scalar(m.level), target_level=_scalar(m.target_level), required_change=req,
                   required_from=req_from, progress=progress, probability=prob, method=method,
                   data_quality=quality, detail=m.detail, **common)


def _failed_year(tg: Target, actual: dict[int, float], as_of: int) -> int | None:
    """The first actual year that already breaks an every-year target, or None."""
    every = tg.kind == "yearly_flow" or (tg.kind == "level" and tg.from_year is not None)
    if not every:
        return None
    for y in range(tg.from_year, min(tg.year, as_of) + 1):
        v = actual.get(y)
        if v is None:
            continue
        ok = v >= tg.value - 1e-9 if tg.kind == "yearly_flow" or tg.op == "at_least" else (
            v < tg.value if tg.op == "below" else v <= tg.value + 1e-9)
        if not ok:
            return y
    return None


def last_quality(obs: Observations, tg: Target, year: int) -> str:
    return obs.quality(tg.indicator, tg.group, year) or "official"


def _threshold(tg: Target) -> float | None:
    for f in ("value", "factor", "deadline_year"):
        v = getattr(tg, f)
        if v is not None:
            return float(v)
    return None


def required_change(plan: Plan, tg: Target, m: kinds.Measure, actual: dict[int, float],
                    proj: Projection) -> tuple[float | None, int | None]:
    """The yearly change (level units a year) from the last actual year that just meets the target.

    Flows: the yearly amount needed in each remaining year. Never computed across the standard break:
    when the last actual year is on the old standard and the target on the new one, it starts from
    the (re-based) first year on the new standard.
    """
    if tg.kind == "milestone" or m.target_level is None:
        return None, None
    Y = tg.target_year
    if m.flow:
        done = [y for y in m.years if y in actual]
        rest = [y for y in m.years if y not in actual]
        if not rest:
            return None, None
        need = (float(np.mean(m.target_level)) - sum(actual[y] for y in done)) / len(rest)
        if tg.kind == "yearly_flow":
            need = max(need, float(tg.value))
        return max(need, 0.0), rest[0] - 1
    if not actual:
        return None, None
    L = max(actual)
    start_y, start_v = L, actual[L]
    if plan.on_new_standard(tg.indicator, Y) and not plan.on_new_standard(tg.indicator, L):
        if m.base_year is None or m.base_level is None:
            return None, None
        start_y, start_v = m.base_year, float(np.mean(m.base_level))
    if Y <= start_y:
        return None, None
    return (float(np.mean(m.target_level)) - start_v) / (Y - start_y), start_y


def assess(plan: Plan, proj: Projection, obs: Observations, with_probability: bool = True) -> list[Verdict]:
    return [assess_target(plan, tg, proj, obs, with_probability) for tg in plan.targets]


def verdict_frame(verdicts: list[Verdict]) -> pd.DataFrame:
    return pd.DataFrame([v.as_row() for v in verdicts])


def headline(verdicts: list[Verdict]) -> tuple[int, int]:
    """(targets achieved or on track, all targets)."""
    return sum(v.status in GOOD for v in verdicts), len(verdicts)

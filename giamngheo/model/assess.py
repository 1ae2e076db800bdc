"""A verdict for every target.

- ``achieved`` / ``missed``: decided on real figures only — official, entered from a review, or
  sourced estimates (simple arithmetic on official figures). An illustrative figure never decides.
- ``awaiting_data``: the year that decides the target has passed (or is being reviewed now) but a
  figure it needs is not real yet. The verdict carries the condition that would settle it and a
  nowcast of the tested quantity (an estimate, not a conclusion) with its probability.
- ``on_track`` / ``at_risk`` / ``off_track``: a target still ahead, on the projection. On the
  central path: on track only where it meets the target; else at risk where it has made at least
  a tenth of the progress needed (the UN Statistics Division's progress share), off track below.
  With the chance of meeting it (Monte Carlo) the word never contradicts the chance
  (``agree_with_chance``): under 10 % off track; on track only with the central path meeting the
  target and a chance of at least 50 %; never off track over 90 %.
- ``no_data``: nothing to measure it on.

Each target kind (``giamngheo.plan.kinds``) says how it is measured, compared and settled.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from giamngheo.data.observations import Observations, worst_quality
from giamngheo.lru import LockedLRU
from giamngheo.model.projection import Projection
from giamngheo.plan import kinds
from giamngheo.plan.targets import Plan, Target

STATUSES = ("achieved", "missed", "awaiting_data", "on_track", "at_risk", "off_track", "no_data")
DECIDED = ("achieved", "missed")
PROJECTED = ("on_track", "at_risk", "off_track")
GOOD = ("achieved", "on_track")
P_AT_RISK = 0.10       # progress share below this: off track (UNSD)
CHANCE_OFF = 0.10      # a chance below this is off track, whatever the central path
CHANCE_ON = 0.50       # on track needs the central path to meet the target and at least this chance
CHANCE_SURE = 0.90     # over this never off track


@dataclass
class Verdict:
    target: str
    number: int
    area: str
    indicator: str
    group: str
    year: int
    status: str
    basis: str | None                  # actual | nowcast | projected | None
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
    last_actual_year: int | None       # the last real figure of the indicator
    last_actual_value: float | None
    data_quality: str | None           # worst status among the figures read
    detail: dict[str, Any] = field(default_factory=dict)
    condition: kinds.Condition | None = None   # awaiting data: what would settle it
    last_actual_quality: str | None = None     # the status of the last real figure itself
    required_to: int | None = None     # the year the required change runs to
    resulting_change: float | None = None      # the scenario's own yearly change over the same years

    def as_row(self) -> dict[str, Any]:
        d = asdict(self)
        d["detail"] = dict(self.detail)
        d["condition"] = None if self.condition is None else {"code": self.condition.code,
                                                             **{k: v for k, v in self.condition.params}}
        return d

    @property
    def decided(self) -> bool:
        return self.status in DECIDED


def classify(progress: float | None, met: bool) -> str:
    """The verdict of the central path: on track only where it meets the target; at risk with at
    least a tenth of the progress needed; else off track."""
    if met:
        return "on_track"
    if progress is not None and progress >= P_AT_RISK:
        return "at_risk"
    return "off_track"


def agree_with_chance(status: str, probability: float | None, met: bool) -> str:
    """A projected verdict made to agree with its chance of being met: under 10 % off track; on
    track only where the central path meets the target and the chance is at least 50 % (else at
    risk); over 90 % never off track. Other statuses and a missing chance are left as they are."""
    if status not in PROJECTED or probability is None or not np.isfinite(probability):
        return status
    if probability < CHANCE_OFF:
        return "off_track"
    if met and probability >= CHANCE_ON:
        return "on_track"
    if status == "off_track" and probability <= CHANCE_SURE:
        return "off_track"
    return "at_risk"


def _scalar(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x) if isinstance(x, (float, int)) else float(np.mean(x))
    return None if x != x else x


def progress_base(plan: Plan, tg: Target, real: dict[int, float]) -> tuple[int, float] | None:
    """The progress-share base of a projected target: its first actual value in the plan window
    (never one on the old standard for a target on the new one). A projection may start from any
    figure of the data in use; the verdict then carries that figure's status."""
    first = plan.period[0]
    cand = [y for y in sorted(real) if first <= y <= tg.target_year] or sorted(real)
    if not cand:
        return None
    y = cand[0]
    if plan.on_new_standard(tg.indicator, tg.target_year) and not plan.on_new_standard(tg.indicator, y):
        return None
    return y, real[y]


def real_series(obs: Observations, tg: Target, as_of: int, plan: Plan | None = None) -> dict[int, float]:
    """The target's figures that may decide it (official, review, estimate), on its own poverty
    standard only: a 2021–2025 target never reads a figure on the new standard (as value or as the
    latest), a 2030 target never an old-standard one (it reads those only through the model's
    re-basing factor)."""
    real = obs.real_series(tg.indicator, tg.group, as_of)
    if plan is None:
        return real
    new = plan.on_new_standard(tg.indicator, tg.target_year)
    return {y: v for y, v in real.items() if plan.on_new_standard(tg.indicator, y) == new}


def assess_target(plan: Plan, tg: Target, proj: Projection, obs: Observations, current_year: int | None = None,
                  with_probability: bool = True) -> Verdict:
    as_of = proj.as_of
    current_year = as_of if current_year is None else current_year
    spec = kinds.kind_of(tg)
    real = real_series(obs, tg, as_of, plan)
    path = proj.path(tg.indicator, tg.group)
    last_y = max(real) if real else None
    last_v = real[last_y] if last_y is not None else None
    base = progress_base(plan, tg, obs.series(tg.indicator, tg.group, as_of))
    method = path.method if path else "none"
    common = dict(target=tg.id, number=tg.number, area=tg.area, indicator=tg.indicator, group=tg.group,
                  year=tg.target_year, last_actual_year=last_y, last_actual_value=last_v,
                  last_actual_quality=obs.quality(tg.indicator, tg.group, last_y) if last_y is not None else None)

    def quality(years: Any) -> str | None:
        qs = [q for y in years if (q := obs.quality(tg.indicator, tg.group, y))]
        return worst_quality(qs) if qs else None

    # 1. Decided on real figures?
    try:
        m_act = spec.measure(plan, tg, real.get, base)
        early = spec.settled_early(tg, m_act, as_of)
        decided = early if early is not None else all(y <= as_of for y in m_act.years)
    except kinds.Missing:
        m_act, decided = None, False
    if decided and m_act is not None:
        met = bool(m_act.met())
        return Verdict(status="achieved" if met else "missed", basis="actual", value=_scalar(m_act.q),
                       target_value=m_act.threshold, sense=m_act.sense, level=_scalar(m_act.level),
                       target_level=_scalar(m_act.target_level), required_change=None, required_from=None,
                       progress=None, probability=None, method="data", data_quality=quality(m_act.years),
                       detail=m_act.detail, **common)

    # 1b. A target that must hold in every year is already missed once a real year fails it
    if spec.is_every_year(tg):
        for y in spec.read_years(plan, tg):
            if y <= as_of and y in real and not spec.holds_in_year(tg, real[y]):
                return Verdict(status="missed", basis="actual", value=real[y], target_value=float(tg.value),
                               sense=spec.year_sense(tg), level=real[y], target_level=float(tg.value), required_change=None,
                               required_from=None, progress=None, probability=None, method="data",
                               data_quality=quality([y]), detail={"failed_year": y}, **common)

    get = proj.getter(tg.indicator, tg.group)
    read = spec.read_years(plan, tg)

    # 2. Its deciding year has passed, or is being reviewed now, but a real figure is missing
    if tg.target_year <= current_year:
        try:
            m = spec.measure(plan, tg, get, base)
            value, level = _scalar(m.q), _scalar(m.level)
        except kinds.Missing:
            m, value, level = None, None, None
        cond = spec.condition(plan, tg, real, get)
        prob = None
        if with_probability and m is not None and proj.has_draws(tg.indicator, tg.group):
            try:
                mm = spec.measure(plan, tg, proj.getter(tg.indicator, tg.group, draws=True), base)
                prob = float(np.mean(mm.met()))
            except kinds.Missing:
                prob = None
        return Verdict(status="awaiting_data", basis="nowcast" if m is not None else None, value=value,
                       target_value=_threshold(tg), sense=m.sense if m else None, level=level,
                       target_level=_scalar(m.target_level) if m else None, required_change=None,
                       required_from=None, progress=None, probability=prob, method=method,
                       data_quality=quality(y for y in read if y <= as_of), detail=m.detail if m else {},
                       condition=cond, **common)

    # 3. A target still ahead: on the projection
    try:
        m = spec.measure(plan, tg, get, base)
    except kinds.Missing:
        return Verdict(status="no_data", basis=None, value=None, target_value=_threshold(tg), sense=None,
                       level=None, target_level=None, required_change=None, required_from=None, progress=None,
                       probability=None, method=method, data_quality=None,
                       condition=spec.condition(plan, tg, real, get), **common)
    met = bool(m.met())
    progress = kinds.progress_share(m)
    status = classify(progress, met)
    start = _required_start(plan, tg, m, real, proj)
    req, req_from = spec.required_change(plan, tg, m, real, start)
    resulting = None
    if req is not None and req_from is not None and not m.flow:
        v0, v1 = get(req_from), get(tg.target_year)
        if v0 is not None and v1 is not None:
            resulting = (float(v1) - float(v0)) / (tg.target_year - req_from)
    prob = None
    if with_probability and proj.has_draws(tg.indicator, tg.group):
        try:
            mm = spec.measure(plan, tg, proj.getter(tg.indicator, tg.group, draws=True), base)
            prob = float(np.mean(mm.met()))
        except kinds.Missing:
            prob = None
    status = agree_with_chance(status, prob, met)
    q = quality(y for y in m.years if y <= as_of)
    if last_y is not None:
        q = worst_quality([q or "official", obs.quality(tg.indicator, tg.group, last_y) or "official"])
    if m.base_year is not None:   # a relative target: the weaker of its base and its end
        q = worst_quality([q or "official", "estimate" if m.base_year not in real else
                           (obs.quality(tg.indicator, tg.group, m.base_year) or "official")])
    return Verdict(status=status, basis="projected", value=_scalar(m.q), target_value=m.threshold, sense=m.sense,
                   level=_scalar(m.level), target_level=_scalar(m.target_level), required_change=req,
                   required_from=req_from, progress=progress, probability=prob, method=method,
                   data_quality=q, detail=m.detail, required_to=tg.target_year if req is not None else None,
                   resulting_change=resulting, **common)


def _required_start(plan: Plan, tg: Target, m: kinds.Measure, real: dict[int, float],
                    proj: Projection) -> tuple[int, float] | None:
    """Where the required yearly change starts: the target's own base when it has one on the same
    standard (never across the break), else the last year no lever can change (the last real
    figure or the nowcast before the levers act)."""
    if m.base_year is not None and m.base_level is not None and kinds.kind_of(tg).relative:
        return m.base_year, kinds.mean_of(m.base_level)
    y0 = proj.lever_from - 1
    get = proj.getter(tg.indicator, tg.group)
    if plan.on_new_standard(tg.indicator, tg.target_year) and not plan.on_new_standard(tg.indicator, y0):
        if m.base_year is None or m.base_level is None:
            return None
        return m.base_year, kinds.mean_of(m.base_level)
    v0 = get(y0)
    if v0 is None:
        if not real:
            return None
        y0 = max(real)
        v0 = real[y0]
    return y0, float(v0)


def _threshold(tg: Target) -> float | None:
    for f in ("value", "factor", "deadline_year"):
        v = getattr(tg, f)
        if v is not None:
            return float(v)
    return None


def assess(plan: Plan, proj: Projection, obs: Observations, with_probability: bool = True,
           current_year: int | None = None) -> list[Verdict]:
    return [assess_target(plan, tg, proj, obs, current_year, with_probability)
            if proj.path(tg.indicator, tg.group) is not None
            else _assess_without_path(plan, tg, proj, obs, current_year, with_probability)
            for tg in plan.targets]


# A target the projection has no path for (most of the plan's: services, schools, health) reads the data alone:
# its verdict is the same for every scenario of the same data. It is worked out once and kept, by the plan, the
# target and the observations it was made from (the very objects, held while kept: a new data version is new
# objects, so a new verdict at once), and the projection's years; at most 256, the least recently used dropped.
_NO_PATH = LockedLRU(256)


def _assess_without_path(plan: Plan, tg: Target, proj: Projection, obs: Observations, current_year: int | None,
                         with_probability: bool) -> Verdict:
    key = (id(plan), id(tg), id(obs), proj.as_of, proj.lever_from, current_year, with_probability)
    got = _NO_PATH.get(key, None)
    if got is not None and got[0] is plan and got[1] is tg and got[2] is obs:
        return got[3]
    v = assess_target(plan, tg, proj, obs, current_year, with_probability)
    _NO_PATH.put(key, (plan, tg, obs, v), replace=True)   # (an id reused by new objects: the new ones)
    return v


def verdict_frame(verdicts: list[Verdict]) -> pd.DataFrame:
    return pd.DataFrame([v.as_row() for v in verdicts])


def tally(verdicts: list[Verdict]) -> dict[str, int]:
    """Real verdicts, awaiting data and projections counted separately (and each status)."""
    out = {s: 0 for s in STATUSES}
    for v in verdicts:
        out[v.status] += 1
    out["decided"] = out["achieved"] + out["missed"]
    out["projected"] = sum(out[s] for s in PROJECTED)
    return out


def headline(verdicts: list[Verdict]) -> tuple[int, int]:
    """(targets achieved or on track, all targets)."""
    return sum(v.status in GOOD for v in verdicts), len(verdicts)

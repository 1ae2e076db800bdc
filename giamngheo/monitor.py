"""The agreed path: a meeting adopts a scenario, and every later year is measured against it.

- :func:`agreed_path` computes, from the data up to the adoption's *as-of* year only, the value of
  every projected target's indicator (and, for the poverty model's indicators, of its groups) for
  each year to the plan's horizon, with its 10–90 band from the Monte Carlo
  (:mod:`giamngheo.model.uncertainty`), and for every lever the commitment it stands for. The path is
  frozen with its basis (plan digest, the digest of the data it rests on, as-of and current year,
  model version): later data never move it, since the stored numbers are the agreement.
- :func:`measure` reads a later data version against a path: per indicator, group and year after the
  as-of, the agreed value, the actual (real figures only: ``Observations.real``), the gap in the
  indicator's unit and a status (:data:`STATUSES`); per lever with a figure (jobs created, workers
  placed), done against committed; per commune where the data have communes, each commune's part of
  the agreed fall in poor households.

Tolerance (a deviation inside it is "on path"), by the indicator's kind (:func:`tolerance`):
rates :data:`TOL_RATE_PP` percentage points; counts, flows, ratios and money :data:`TOL_RELATIVE` of
the agreed value (counts and flows at least one unit); flags none. "Ahead" is better than agreed
in the target's own direction: a lower poor rate is ahead.

No Streamlit here; the app, the CLI (``python -m giamngheo monitor``) and the Word report use it.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from giamngheo.data.observations import Observations
from giamngheo.i18n import fmt_num, fmt_signed, fmt_value, t
from giamngheo.plan.indicators import Indicator, load_indicators
from giamngheo.plan.targets import Plan
from giamngheo.scenario.scenario import Scenario

FORMAT_VERSION = 1             # the stored form of an adoption (``Adoption.to_dict``)
STATUSES = ("ahead", "on_path", "behind", "awaiting_data")
TOL_RATE_PP = 0.1              # rates: a gap of at most 0.1 percentage points is on path
TOL_RELATIVE = 0.01            # counts, flows, ratios, money: at most 1 % of the agreed value
BAND = (10, 90)                # the band kept with each agreed value (percentiles of the Monte Carlo)
DEFAULT_DRAWS = 2_000          # draws for the band (the band's ends are known to about ±1 percentile)


def lever_figures(registry: Any) -> dict[str, str]:
    """The levers a reported figure measures directly: the assumption → the indicator that counts it
    (the registry's flows, from data/assumptions.toml: jobs created, workers placed abroad, of them
    ethnic minority)."""
    return {ch: ind for ind, ch in registry.flows().items()}


class MonitorError(ValueError):
    """Bad input for an agreed path (a year after the data, a plan without the indicator, …)."""


# ------------------------------------------------------------------------------------ the record

@dataclass(frozen=True)
class Basis:
    """What an agreed path was computed on: never recomputed, only compared."""

    plan_id: str
    plan_digest: str
    data_digest: str               # the digest of the data up to ``as_of`` (Observations.digest)
    as_of: int                     # the last year of data the path rests on
    current_year: int              # the year of the meeting: the levers act from the next one
    model_version: str
    horizon: int
    data_version: int | None = None   # the store's data version, when the data came from the store
    data_label: str = ""
    draws: int = 0

    @property
    def lever_from(self) -> int:
        return max(self.as_of, self.current_year) + 1


@dataclass(frozen=True)
class AgreedSeries:
    """One indicator and group: the agreed value of each year (and the band), from ``as_of`` on."""

    indicator: str
    group: str
    direction: int                 # +1: higher is better; -1: lower is better (the target's own direction)
    targets: tuple[str, ...]       # the plan's targets on this indicator and group
    values: dict[int, float]
    low: dict[int, float] = field(default_factory=dict)     # 10th percentile
    high: dict[int, float] = field(default_factory=dict)    # 90th percentile
    basis: dict[int, str] = field(default_factory=dict)     # actual / nowcast / projected


@dataclass(frozen=True)
class Commitment:
    """What a lever stands for in the agreed scenario (value in the lever's unit, a year unless said)."""

    lever: str
    section: str
    value: float
    default: float
    unit: str
    label_vi: str
    label_en: str
    indicator: str | None = None   # the reported figure that measures it, if any

    def label(self, lang: str) -> str:
        return self.label_vi if lang == "vi" else self.label_en


@dataclass(frozen=True)
class AgreedPath:
    basis: Basis
    values: dict[str, float]       # the adopted scenario's values (only those that differ from the defaults)
    series: tuple[AgreedSeries, ...]
    commitments: tuple[Commitment, ...]

    def get(self, indicator: str, group: str = "all") -> AgreedSeries | None:
        return next((s for s in self.series if s.indicator == indicator and s.group == group), None)

    def scenario(self) -> Scenario:
        return Scenario.of("", self.values)


@dataclass(frozen=True)
class Adoption:
    """A meeting's decision: this scenario is the agreed path."""

    name: str
    date: str                      # ISO date of the meeting
    who: str
    meeting_ref: str               # the resolution's or the minutes' number
    note: str
    path: AgreedPath
    id: int | None = None          # the store's id
    recorded_at: str = ""          # when it was stored
    recorded_by: str = ""          # the editor who stored it (the store sets it)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["format"] = FORMAT_VERSION
        return _json_keys(d)

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> "Adoption":
        p = d["path"]
        b = Basis(**p["basis"])
        series = tuple(AgreedSeries(indicator=s["indicator"], group=s["group"], direction=int(s["direction"]),
                                    targets=tuple(s.get("targets", ())), values=_years(s["values"]),
                                    low=_years(s.get("low", {})), high=_years(s.get("high", {})),
                                    basis={int(k): v for k, v in s.get("basis", {}).items()})
                       for s in p["series"])
        commits = tuple(Commitment(**c) for c in p["commitments"])
        path = AgreedPath(b, {k: float(v) for k, v in p["values"].items()}, series, commits)
        return Adoption(d["name"], d["date"], d["who"], d["meeting_ref"], d["note"], path, d.get("id"),
                        d.get("recorded_at", ""), d.get("recorded_by", ""))


def _years(d: Mapping[Any, Any]) -> dict[int, float]:
    return {int(k): float(v) for k, v in d.items()}


def _json_keys(x: Any) -> Any:
    """Year keys as strings (JSON objects have string keys), tuples as lists."""
    if isinstance(x, dict):
        return {str(k): _json_keys(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_json_keys(v) for v in x]
    return x


# ------------------------------------------------------------------------------- the model's version

@lru_cache(maxsize=1)
def model_version() -> str:
    """The package version and a digest of the model's code and assumption file: two paths computed
    on different models say so."""
    import giamngheo
    from giamngheo.paths import DATA_DIR
    root = Path(giamngheo.__file__).parent
    h = hashlib.sha1()
    for f in sorted((root / "model").glob("*.py")) + [Path(DATA_DIR) / "assumptions.toml"]:
        try:
            h.update(f.read_bytes())
        except OSError:
            continue
    return f"{giamngheo.__version__}+{h.hexdigest()[:10]}"


def _plan_digest(plan: Plan) -> str:
    try:
        return hashlib.sha1(Path(plan.path).read_bytes()).hexdigest()[:16]
    except (OSError, TypeError):
        return str(plan.id)


# ----------------------------------------------------------------------------------- the agreed path

def _direction(plan: Plan, tg: Any, proj: Any, obs: Observations, as_of: int, ind: Indicator) -> int:
    """+1 when a higher value of the indicator brings the target closer, -1 when a lower one does:
    read from the target's own test (its margin with the target year's value nudged up)."""
    from giamngheo.model.assess import progress_base
    from giamngheo.plan import kinds
    get = proj.getter(tg.indicator, tg.group)
    y = tg.target_year
    v = get(y)
    if v is not None:
        base = progress_base(plan, tg, obs.series(tg.indicator, tg.group, as_of))
        delta = max(abs(v) * 0.01, 1e-3)
        try:
            m0 = float(np.mean(kinds.measure(plan, tg, get, base).margin()))
            m1 = float(np.mean(kinds.measure(plan, tg, lambda yy: v + delta if yy == y else get(yy), base).margin()))
            if m1 != m0:
                return 1 if m1 > m0 else -1
        except (kinds.Missing, ZeroDivisionError, ValueError, TypeError):
            pass
    return -1 if ind.area == "poverty" else 1


def path_context(plan: Plan, obs: Observations, as_of: int, current_year: int | None = None,
                 indicators: dict[str, Indicator] | None = None):
    """The engine's context on the data up to ``as_of`` only (nothing of a later year, not even the
    household counts), the meeting in ``current_year`` (default: ``as_of``)."""
    from giamngheo.model.engine import make_context
    if len(obs.df) == 0 or as_of > obs.last_year:
        raise MonitorError(f"as-of {as_of}: the data end in {obs.last_year if len(obs.df) else '–'}")
    if as_of < int(obs.df["year"].min()):
        raise MonitorError(f"as-of {as_of}: no data in or before that year")
    view = obs.until(as_of)
    return make_context(plan, view, as_of, indicators, current_year=max(as_of, current_year or as_of))


def agreed_path(plan: Plan, obs: Observations, scenario: Scenario, as_of: int, current_year: int | None = None,
                *, indicators: dict[str, Indicator] | None = None, data_version: int | None = None,
                data_label: str = "", draws: int = DEFAULT_DRAWS, seed: int | None = None,
                ctx: Any = None) -> AgreedPath:
    """The agreed path of ``scenario`` computed on the data up to ``as_of`` (later data are not read).

    Every target whose year is after ``as_of`` and whose indicator the projection covers gives a
    series (its indicator and group; the poverty model's indicators also for each model group);
    every headline lever, and every other lever the scenario moves, a commitment. ``ctx``: a context
    already built on exactly these data (the app's), to save building it again."""
    from giamngheo.model.engine import run
    from giamngheo.model.uncertainty import DEFAULT_SEED, monte_carlo
    indicators = indicators or load_indicators()
    if ctx is None:
        ctx = path_context(plan, obs, as_of, current_year, indicators)
    as_of = ctx.as_of
    reg = ctx.registry
    unknown = [k for k, _ in scenario.values if k not in reg]
    if unknown:
        raise MonitorError(f"scenario: unknown lever {unknown[0]!r}")
    proj, _ = run(ctx, scenario)
    mc = monte_carlo(ctx, scenario, n=draws, seed=DEFAULT_SEED if seed is None else seed) if draws else None

    wanted: dict[tuple[str, str], list[str]] = {}
    for tg in plan.targets:
        if tg.target_year > as_of and proj.path(tg.indicator, tg.group) is not None:
            wanted.setdefault((tg.indicator, tg.group), []).append(tg.id)
    if not wanted:
        raise MonitorError("the plan has no target the projection covers after the as-of year")
    firsts = {}
    for tg in plan.targets:
        firsts.setdefault(tg.indicator, tg)
    # the figures that measure a lever (jobs created, workers placed) and the poor households (the
    # communes' part of the agreed fall) are kept too
    figures = lever_figures(reg)
    for ind_id in (*figures.values(), "poor_households"):
        if proj.path(ind_id, "all") is not None and ind_id in indicators:
            wanted.setdefault((ind_id, "all"), [])
    for ind_id, _ in list(wanted):           # the model's groups of the same indicator (Khmer households)
        for g in ctx.groups:
            if proj.path(ind_id, g) is not None:
                wanted.setdefault((ind_id, g), [])
    series = []
    for (ind_id, group), tids in wanted.items():
        p = proj.path(ind_id, group)
        tg = plan.target(tids[0]) if tids else firsts.get(ind_id)
        direction = _direction(plan, tg, proj, ctx.obs, as_of, indicators[ind_id]) if tg is not None \
            else (-1 if indicators[ind_id].area == "poverty" else 1)
        years = [y for y in sorted(p.values) if y >= as_of and y <= ctx.horizon]
        lo = mc.percentile(ind_id, group, BAND[0]) if mc else {}
        hi = mc.percentile(ind_id, group, BAND[1]) if mc else {}
        series.append(AgreedSeries(
            ind_id, group, direction, tuple(tids),
            {y: float(p.values[y]) for y in years},
            {y: float(lo[y]) for y in years if y in lo and y not in p.actual},
            {y: float(hi[y]) for y in years if y in hi and y not in p.actual},
            {y: p.basis(y) or "" for y in years}))
    vals = reg.resolve(scenario)
    moved = {k for k, _ in scenario.values}
    commits = []
    for a in reg:
        if a.section == "headline" or a.id in moved:
            commits.append(Commitment(a.id, a.section, float(vals[a.id]), float(a.default), a.unit,
                                      a.label_vi, a.label_en, figures.get(a.id)))
    basis = Basis(plan.id, _plan_digest(plan), basis_digest(ctx.obs, as_of), as_of, ctx.current_year, model_version(),
                  ctx.horizon, data_version, data_label, draws)
    return AgreedPath(basis, {k: float(v) for k, v in scenario.values}, tuple(series), tuple(commits))


def path_projection(path: AgreedPath):
    """The agreed path as a Projection (every year from the as-of on, none of them actual), for the
    charts that draw it as a baseline."""
    from giamngheo.model.projection import Projection, SeriesPath
    b = path.basis
    proj = Projection(b.as_of, b.horizon, lever_from=b.lever_from)
    for s in path.series:
        proj.add(SeriesPath(s.indicator, s.group, dict(s.values), frozenset(), "adopted"))
    return proj


def adopt(path: AgreedPath, name: str, who: str, meeting_ref: str = "", note: str = "",
          date: str | None = None) -> Adoption:
    """An adoption of a computed path (the store keeps it: ``Store.add_adoption``)."""
    name = (name or "").strip()
    if not name:
        raise MonitorError("an adoption needs a name")
    return Adoption(name, date or _dt.date.today().isoformat(), (who or "").strip(), (meeting_ref or "").strip(),
                    (note or "").strip(), path)


def basis_digest(obs: Observations, as_of: int) -> str:
    """The digest of the figures a path rests on: the area's rows up to ``as_of`` (a commune's rows
    never enter the model, so a commune figure added later is not a revision)."""
    from giamngheo.data.communes import is_commune_group
    df = obs.df[(obs.df["year"] <= as_of) & ~obs.df["group"].map(is_commune_group)]
    return Observations(df.reset_index(drop=True)).digest


def basis_changes(path: AgreedPath, plan: Plan, obs: Observations) -> list[str]:
    """What differs now from the path's basis (codes: ``data_revised`` — a figure up to the as-of year
    has changed since; ``plan`` — the plan file; ``model`` — the model). The path stays as agreed."""
    out = []
    b = path.basis
    if len(obs.df) and basis_digest(obs, b.as_of) != b.data_digest:
        out.append("data_revised")
    if _plan_digest(plan) != b.plan_digest:
        out.append("plan")
    if model_version() != b.model_version:
        out.append("model")
    return out


# ------------------------------------------------------------------------------------ measuring

def tolerance(ind: Indicator, agreed: float) -> float:
    """The largest gap (in the indicator's unit) that is still on path."""
    if ind.kind == "rate":
        return TOL_RATE_PP
    if ind.kind == "flag":
        return 0.0
    tol = TOL_RELATIVE * abs(agreed)
    return max(tol, 1.0) if ind.kind in ("count", "flow") else tol


def status_of(gap: float | None, direction: int, tol: float) -> str:
    if gap is None:
        return "awaiting_data"
    if abs(gap) <= tol + 1e-9:
        return "on_path"
    return "ahead" if gap * direction > 0 else "behind"


@dataclass(frozen=True)
class Reading:
    indicator: str
    group: str
    year: int
    agreed: float
    low: float | None
    high: float | None
    actual: float | None            # a real figure only (official, review, estimate)
    quality: str | None
    gap: float | None               # actual − agreed, in the indicator's unit
    tolerance: float
    status: str
    direction: int
    unit: str
    in_band: bool | None = None     # the actual within the 10–90 band

    def as_row(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "group": self.group, "year": self.year, "agreed": self.agreed,
                "low": self.low, "high": self.high, "actual": self.actual, "gap": self.gap,
                "tolerance": self.tolerance, "status": self.status, "unit": self.unit, "quality": self.quality}


@dataclass(frozen=True)
class LeverReading:
    lever: str
    indicator: str
    year: int
    committed: float
    done: float | None
    gap: float | None
    tolerance: float
    status: str


@dataclass(frozen=True)
class CommuneReading:
    """A commune's fall in poor households in a year, and its part of the agreed fall of the area."""

    group: str
    year: int
    fall: float                     # poor households of the year before − of the year
    agreed_fall: float              # the area's agreed fall that year
    share: float | None             # fall / agreed_fall
    poor_share: float | None        # the commune's share of the area's poor the year before


@dataclass(frozen=True)
class Measurement:
    adoption: Adoption | None
    path: AgreedPath
    readings: tuple[Reading, ...]
    levers: tuple[LeverReading, ...]
    communes: tuple[CommuneReading, ...]
    changes: tuple[str, ...] = ()

    def latest(self) -> Reading | None:
        """The latest year with a real figure on the first series (the plan's headline indicator)."""
        if not self.path.series:
            return None
        s = self.path.series[0]
        got = [r for r in self.readings if (r.indicator, r.group) == (s.indicator, s.group) and r.actual is not None]
        return max(got, key=lambda r: r.year) if got else None


def measure(adoption: Adoption | AgreedPath, obs: Observations, indicators: dict[str, Indicator] | None = None,
            plan: Plan | None = None) -> Measurement:
    """Every year after the as-of, agreed against actual (see the module's text for the rules)."""
    indicators = indicators or load_indicators()
    path = adoption.path if isinstance(adoption, Adoption) else adoption
    b = path.basis
    readings = []
    for s in path.series:
        ind = indicators.get(s.indicator)
        if ind is None:
            continue
        for y in sorted(s.values):
            if y <= b.as_of:
                continue
            agreed = s.values[y]
            real = obs.real(s.indicator, s.group, y)
            actual = obs.series(s.indicator, s.group).get(y) if real else None
            gap = None if actual is None else actual - agreed
            tol = tolerance(ind, agreed)
            lo, hi = s.low.get(y), s.high.get(y)
            in_band = None if actual is None or lo is None or hi is None else bool(lo - 1e-9 <= actual <= hi + 1e-9)
            readings.append(Reading(s.indicator, s.group, y, agreed, lo, hi, actual,
                                    obs.quality(s.indicator, s.group, y) if actual is not None else None,
                                    gap, tol, status_of(gap, s.direction, tol), s.direction, ind.unit, in_band))
    levers = []
    for c in path.commitments:
        if not c.indicator or c.indicator not in indicators:
            continue
        s = path.get(c.indicator, "all")
        for y in range(b.as_of + 1, b.horizon + 1):
            committed = s.values.get(y) if s else (c.value if y >= b.lever_from else c.default)
            if committed is None:
                continue
            done = obs.series(c.indicator, "all").get(y) if obs.real(c.indicator, "all", y) else None
            gap = None if done is None else done - committed
            tol = tolerance(indicators[c.indicator], committed)
            levers.append(LeverReading(c.lever, c.indicator, y, committed, done, gap, tol, status_of(gap, 1, tol)))
    return Measurement(adoption if isinstance(adoption, Adoption) else None, path, tuple(readings), tuple(levers),
                       tuple(_communes(path, obs)), tuple(basis_changes(path, plan, obs)) if plan is not None else ())


def _communes(path: AgreedPath, obs: Observations) -> list[CommuneReading]:
    """Each commune's fall in poor households against the area's agreed fall, for every year after
    the as-of where the commune has a real figure and one for the year before."""
    from giamngheo.data.communes import is_commune_group
    agreed = path.get("poor_households", "all")
    if agreed is None:
        return []
    whole = {**obs.real_series("poor_households", "all"), **{y: v for y, v in agreed.values.items()
                                                             if y > path.basis.as_of}}
    groups = sorted({g for ind, g in obs.keys() if ind == "poor_households" and is_commune_group(g)
                     and not g.endswith(":khmer")})
    out = []
    for y in range(path.basis.as_of + 1, path.basis.horizon + 1):
        prev_all = obs.real_series("poor_households", "all").get(y - 1, whole.get(y - 1))
        if prev_all is None or y not in agreed.values:
            continue
        agreed_fall = prev_all - agreed.values[y]
        for g in groups:
            s = obs.real_series("poor_households", g)
            if y in s and y - 1 in s:
                fall = s[y - 1] - s[y]
                out.append(CommuneReading(g, y, fall, agreed_fall,
                                          fall / agreed_fall if abs(agreed_fall) > 1e-9 else None,
                                          s[y - 1] / prev_all if prev_all > 0 else None))
    return out


# --------------------------------------------------------------------------------------- in words

def sentence(m: Measurement, lang: str = "vi", indicators: dict[str, Indicator] | None = None,
             name: str | None = None) -> str:
    """Where the latest year stands against the agreed path, in one sentence (``name``: the path's
    name as the caller shows it, e.g. escaped for Markdown; default: as stored)."""
    indicators = indicators or load_indicators()
    if name is None:
        name = m.adoption.name if m.adoption else ""
    r = m.latest()
    if r is None:
        s = m.path.series[0] if m.path.series else None
        nxt = m.path.basis.as_of + 1
        ind = indicators.get(s.indicator) if s else None
        return t("monitor.sentence_awaiting", lang, name=name, year=nxt,
                 indicator=_lower(ind.name_vi if lang == "vi" else ind.name_en) if ind else "",
                 agreed=value_text(ind, s.values.get(nxt), lang) if ind and s else "–")
    ind = indicators[r.indicator]
    return t(f"monitor.sentence_{r.status}", lang, name=name, year=r.year,
             indicator=_lower(ind.name_vi if lang == "vi" else ind.name_en),
             actual=value_text(ind, r.actual, lang), agreed=value_text(ind, r.agreed, lang),
             gap=gap_text(ind, abs(r.gap or 0.0), lang), tol=gap_text(ind, r.tolerance, lang))


def value_text(ind: Indicator, v: float | None, lang: str = "vi") -> str:
    """A value in words: rates with two decimals (``3,30%``), others as ``fmt_value``."""
    if v is None:
        return "–"
    return fmt_num(v, lang, 2) + "%" if ind.kind == "rate" else fmt_value(ind, v, lang)


def _lower(name: str) -> str:
    """An indicator's name inside a sentence: its first letter in lower case (not an acronym)."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def gap_text(ind: Indicator, gap: float | None, lang: str = "vi", signed: bool = False) -> str:
    """A gap in the indicator's unit: points for a rate (``0,10 điểm %``), else the unit."""
    if gap is None:
        return "–"
    if ind.kind == "rate":
        num = fmt_signed(gap, lang, 2) if signed else fmt_num(gap, lang, 2)
        return f"{num} {t('monitor.pp', lang)}"
    dec = 0 if ind.kind in ("count", "flow") else 2
    num = fmt_signed(gap, lang, dec) if signed else fmt_num(gap, lang, dec)
    return f"{num}{fmt_value(ind, 0, lang)[len(fmt_num(0, lang, dec)):]}"


def tolerance_text(lang: str = "vi") -> str:
    """The tolerance rule, as stated on the page and in the report."""
    return t("monitor.tolerance", lang, pp=fmt_num(TOL_RATE_PP, lang, 1), rel=fmt_num(TOL_RELATIVE * 100, lang, 0))

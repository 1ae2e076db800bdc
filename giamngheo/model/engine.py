"""The one entry point the CLI and the app share: load a plan and a data version, calibrate the
poverty model on the record, build the assumption registry, project a scenario and assess every
target. Results are cached by the data's identity (``Context.key``) and the scenario.

Years: the data end at the last actual year L of each series; the years after it up to the current
year are a *nowcast* at the default assumptions (estimates, labelled so); the scenario's levers act
from the year after (``Context.lever_from``). So no lever moves a year that is already history, nor
the base of a relative target set in the current year.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

import numpy as np
from scipy.optimize import brentq

from giamngheo.data.observations import Observations, load_observations
from giamngheo.lru import LockedLRU
from giamngheo.model.assess import Verdict, assess
from giamngheo.model.poverty import PARAMS, PaceScale, PovertyInputs, PovertyResult, group_pace_id, run_poverty, share_of
from giamngheo.model.projection import Projection, SeriesPath
from giamngheo.model.trend import trend_path
from giamngheo.plan.indicators import Indicator, load_indicators
from giamngheo.plan.targets import Plan, load_plan
from giamngheo.scenario.registry import AssumptionFileError, Registry, build_registry
from giamngheo.scenario.scenario import Scenario

STRUCTURE = ("households", "population")
LAM_MAX = 5.0          # the largest hazard a calibration may return (99.3 % of a stock in a year)


def today_year() -> int:
    return _dt.date.today().year


@dataclass(frozen=True)
class Calibration:
    """What the record says about the pace of exits: the hazards that reproduce the last observed
    year, from which pair of years, and how well (``fit``: year → (model, actual))."""

    lam0: float
    lam_near0: float
    years: tuple[int, int] | None
    near_years: tuple[int, int] | None
    fit: dict[str, tuple[float, float]] = field(default_factory=dict)
    clipped: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Context:
    plan: Plan
    obs: Observations
    indicators: dict[str, Indicator]
    as_of: int
    registry: Registry
    data_label: str = ""
    current_year: int = 0
    poverty: PovertyInputs | None = None
    calibration: Calibration | None = None
    key: tuple = ()
    # the whole data a cut view (a backtest) comes from: read only for the start's near-poor rate when
    # the view has none (the poor depend on it only through the few near-poor who fall back)
    frame: Observations | None = None

    # a context built without a key (by hand, in a test) is only ever equal to itself: two such
    # contexts must never share cached results. Every cached core result is looked up by the context (some
    # twenty look-ups a move): its hash is worked out once (the key, a long tuple, never changes) and kept on
    # the object, never pickled with it (a string's hash differs between processes)
    def __hash__(self) -> int:
        h = self.__dict__.get("_hash")
        if h is None:
            h = hash(self.key) if self.key else id(self)
            object.__setattr__(self, "_hash", h)
        return h

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Context):
            return False
        return other.key == self.key if self.key and other.key else other is self

    @property
    def horizon(self) -> int:
        return self.plan.horizon

    @property
    def lever_from(self) -> int:
        """The first year the scenario acts: the year after the current one (or the last data)."""
        return max(self.as_of, self.current_year) + 1

    @property
    def groups(self) -> list[str]:
        return list(self.plan.extra.get("model", {}).get("groups", []))

    @property
    def break_year(self) -> int | None:
        return self.plan.standard.break_year if self.plan.standard else None


def make_context(plan: Plan, obs: Observations, as_of: int | None = None,
                 indicators: dict[str, Indicator] | None = None, data_label: str = "",
                 current_year: int | None = None, keep: tuple[str, ...] = STRUCTURE) -> Context:
    """A context: the data up to ``as_of`` (default: all), the current year (default: today's,
    or ``as_of`` when the data are cut for a backtest), the calibrated poverty model and registry."""
    indicators = indicators or load_indicators()
    cut = as_of is not None and as_of < obs.last_year
    as_of = min(as_of, obs.last_year) if as_of is not None else obs.last_year
    # a backtest keeps the household counts of later years: they are the frame, not an outcome; the
    # near-poor of later years may start the model (``frame``) but are never a series of the view
    view = obs.until(as_of, keep=keep) if cut else obs
    if current_year is None:
        current_year = as_of if cut else max(as_of, min(today_year(), plan.horizon))
    frame = obs if cut else None
    proto = Context(plan, view, indicators, as_of, build_registry(plan, view, indicators, as_of),
                    data_label, current_year, frame=frame)
    calibrated: dict[str, float] = {}
    inp, cal = None, None
    _require_model_params(proto)
    start = poverty_start(proto, proto.registry.defaults())
    if start is not None:
        cal = calibrate(proto, start)
        inp, calibrated = _scaled_inputs(proto, start, cal)
    registry = build_registry(plan, view, indicators, as_of, calibrated=calibrated)
    key = (plan.id, plan.path, _digest(plan), view.digest, as_of, current_year, registry.digest, keep,
           obs.digest if cut else None)
    return Context(plan, view, indicators, as_of, registry, data_label, current_year, inp, cal, key, frame)


# the start constants the poverty model reads (besides every id of poverty.PARAMS)
MODEL_CONSTANTS = ("no_work_stock_share", "pace_hazard_fallback", "near_hazard_fallback")


def _require_model_params(ctx: Context) -> None:
    """Data with poor households need every parameter of the poverty model in the assumptions file:
    a missing one is a clear error naming it, never a traceback or a silent zero."""
    if not any(ctx.obs.series(k, "all") for k in ("poor_households", "poor_rate")):
        return
    have = ctx.registry.defaults()
    missing = [k for k in (*PARAMS, *MODEL_CONSTANTS) if k not in have]
    if missing:
        raise AssumptionFileError("assumptions.toml", missing[0], None,
                                  "is missing: the poverty model needs it"
                                  + (f" (also missing: {', '.join(missing[1:])})" if missing[1:] else ""))


def _digest(plan: Plan) -> str:
    try:
        with open(plan.path, "rb") as fh:
            return hashlib.sha1(fh.read()).hexdigest()[:16]
    except OSError:
        return plan.id


@lru_cache(maxsize=8)
def default_context(plan_path: str | None = None, data_path: str | None = None, as_of: int | None = None,
                    dataset: str | None = None) -> Context:
    """The embedded plan and data (``dataset``: "default", "demo"; None: the server's choice,
    ``GIAMNGHEO_DATASET``, else the default)."""
    plan = load_plan(plan_path)
    obs = load_observations(data_path) if data_path else load_observations(dataset=dataset)
    name = getattr(obs, "dataset", None)
    return make_context(plan, obs, as_of, data_label="" if name in (None, "default") else name)


# ---------------------------------------------------------------------------------- the poverty block

def _value(obs: Observations, ind: str, group: str, year: int) -> float | None:
    return obs.series(ind, group).get(year)


def _stock(obs: Observations, group: str, year: int, H: float | None = None,
           near_fallback: bool = False, near_from: Observations | None = None) -> tuple[float, float, float] | None:
    """(H, P, N) of a group in a year, from counts or rates; None when any is missing. With
    ``near_fallback`` a missing near-poor figure takes the near-poor rate of the nearest year that
    has one (the poor hardly depend on it: only through the few near-poor who fall back)."""
    H = _value(obs, "households", group, year) if H is None else H
    if H is None:
        return None
    out = [H]
    for count, rate in (("poor_households", "poor_rate"), ("near_poor_households", "near_poor_rate")):
        v = _value(obs, count, group, year)
        if v is None:
            r = _value(obs, rate, group, year)
            if r is None and count == "near_poor_households" and near_fallback:
                r = _nearest_rate(near_from or obs, group, year)
            if r is None:
                return None
            v = r / 100 * H
        out.append(v)
    return out[0], out[1], out[2]


def _nearest_rate(obs: Observations, group: str, year: int) -> float | None:
    rates = dict(obs.series("near_poor_rate", group))
    Hs = obs.series("households", group)
    for y, n in obs.series("near_poor_households", group).items():
        if y in Hs and Hs[y] > 0:
            rates.setdefault(y, 100 * n / Hs[y])
    if not rates:
        return None
    return rates[min(rates, key=lambda y: (abs(y - year), -y))]


def _households(obs: Observations, group: str, year: int, growth: float) -> float | None:
    """Households of a year: the data's, else the nearest year's moved by the assumed growth."""
    s = obs.series("households", group)
    if not s:
        return None
    if year in s:
        return s[year]
    y0 = min(s, key=lambda y: (abs(y - year), -y))
    return s[y0] * (1 + growth / 100) ** (year - y0)


@dataclass(frozen=True)
class Start:
    """The stocks the model starts from: the last year with a full stock, per group (H, W, D, N),
    and the year before it (for the calibration) when the data have one."""

    year: int
    groups: dict[str, tuple[float, float, float, float]]
    prev_year: int | None
    prev: dict[str, tuple[float, float, float, float]] | None
    sources: dict[str, str]          # what each part of the start comes from (data / assumption)


def _split(ctx: Context, vals: Mapping[str, float], year: int, H: float, P: float, N: float,
           D: float | None, sources: dict[str, str]) -> dict[str, tuple[float, float, float, float]]:
    """Per-group stocks from the totals: each named group's own data, else the assumed shares."""
    obs = ctx.obs
    if D is None:
        D = P * vals["no_work_stock_share"] / 100
    D = min(D, P)
    groups: dict[str, tuple[float, float, float, float]] = {}
    rest = np.array([H, P - D, D, N], float)
    for g in ctx.groups:
        Hg = _households(obs, g, year, vals["household_growth"])
        st = _stock(obs, g, year, Hg) if Hg is not None else None
        if Hg is None:
            continue
        if st is not None:
            _, Pg, Ng = st
            sources[g] = "data"
        else:
            Pg = P * vals.get(f"{g}_share_poor", 0.0) / 100
            Ng = N * vals.get(f"{g}_share_near_poor", 0.0) / 100
            sources[g] = "assumption"
        Pg, Ng = min(Pg, P), min(Ng, N)
        Dg = D * (Pg / P if P > 0 else 0.0)
        groups[g] = (Hg, Pg - Dg, Dg, Ng)
        rest -= np.array(groups[g])
    groups["rest"] = tuple(float(x) for x in np.maximum(rest, 0.0))  # type: ignore[assignment]
    return groups


def _year_stock(ctx: Context, vals: Mapping[str, float], y: int) -> tuple[float, float, float] | None:
    """(H, P, N) of all households in ``y`` when the data have its poor (count or rate); the near-poor
    may come from the nearest year that has them (of the whole data, for a backtest's start)."""
    obs = ctx.obs
    if _value(obs, "poor_households", "all", y) is None and _value(obs, "poor_rate", "all", y) is None:
        return None
    H = _households(obs, "all", y, vals["household_growth"])
    if H is None:
        return None
    return _stock(obs, "all", y, H, near_fallback=True, near_from=ctx.frame)


def composition_area(ctx: Context) -> str | None:
    """The area of ``data/context.csv`` whose share of poor households with nobody able to work stands
    in where the district has none (the plan's ``[plan.model] composition_area``: the province)."""
    return ctx.plan.extra.get("model", {}).get("composition_area")


def _no_work(ctx: Context, y: int, P: float) -> tuple[float, str] | None:
    """Poor households with nobody able to work in ``y``: the district's own figure, else the
    province's share of that year (context figures) applied to the district's poor."""
    D = _value(ctx.obs, "poor_households_no_work_capacity", "all", y)
    if D is not None:
        return min(float(D), P), "data"
    area = composition_area(ctx)
    if area is None or y > ctx.as_of:
        return None
    from giamngheo.data.observations import load_context
    try:
        cf = load_context()
    except Exception:  # noqa: BLE001 - the comparison figures are optional; without them the constant stands
        return None
    sel = cf[(cf["area"] == area) & (cf["group"] == "all") & (cf["year"] == y)]
    d = sel[sel["indicator"] == "poor_households_no_work_capacity"]["value"]
    p = sel[sel["indicator"] == "poor_households"]["value"]
    if len(d) and len(p) and float(p.iloc[0]) > 0:
        return P * float(d.iloc[0]) / float(p.iloc[0]), "province"
    return None


def _work_back(vals: Mapping[str, float], prev: tuple[float, float, float], D1: float) -> float:
    """The no-work stock a year before one of ``D1``, by the model's own year (exits σ, inflows ν):
    D1 = (1 − σ) D0 + ν (r_new · O0 + r_ret · N0)."""
    H, P, N = prev
    O = max(H - P - N, 0.0)
    inflow = vals["new_poor_rate"] / 100 * O + vals["returning_poor_rate"] / 100 * N
    sigma = min(vals["no_work_exit_rate"] / 100, 0.999)
    D0 = (D1 - vals["no_work_share"] / 100 * inflow) / (1 - sigma)
    return float(min(max(D0, 0.0), P))


def _same_standard(ctx: Context, y0: int, y1: int) -> bool:
    brk = ctx.break_year
    return brk is None or (y0 >= brk) == (y1 >= brk)


def _pair(ctx: Context, vals: Mapping[str, float], y: int, tot: tuple[float, float, float],
          D: tuple[float, str] | None) -> tuple[int, dict[str, tuple[float, float, float, float]]] | None:
    """The year before ``y`` split into groups, when the data have it on the same standard: its own
    no-work figure, else worked back from ``y``'s, else the stated share."""
    y0 = y - 1
    if not _same_standard(ctx, y0, y):
        return None
    ptot = _year_stock(ctx, vals, y0)
    if ptot is None:
        return None
    Dp = _no_work(ctx, y0, ptot[1])
    Dv = Dp[0] if Dp is not None else (_work_back(vals, ptot, D[0]) if D is not None else None)
    return y0, _split(ctx, vals, y0, *ptot, Dv, {})


def poverty_start(ctx: Context, vals: Mapping[str, float]) -> Start | None:
    """The last year (≤ as_of) with households, poor and near-poor for all households, and the year
    before it on the same standard when the data have it."""
    obs = ctx.obs
    lo = min(obs.df["year"]) if len(obs.df) else ctx.as_of
    for y in range(ctx.as_of, lo - 1, -1):
        tot = _year_stock(ctx, vals, y)
        if tot is None:
            continue
        sources: dict[str, str] = {}
        D = _no_work(ctx, y, tot[1])
        pair = _pair(ctx, vals, y, tot, D)
        prev_y, prev = pair if pair is not None else (None, None)
        if D is None and prev is None and y - 1 >= lo:
            # across the break (or without the year before on this standard): the last year before it
            # that has a stock, moved to ``y`` by the model (the re-basing by composition included)
            back = _year_stock(ctx, vals, y - 1)
            if back is not None:
                Db = _no_work(ctx, y - 1, back[1])
                prev_y, prev = y - 1, _split(ctx, vals, y - 1, *back, Db[0] if Db else None, {})
        sources["no_work"] = D[1] if D is not None else ("model" if prev is not None else "assumption")
        groups = _split(ctx, vals, y, *tot, D[0] if D else None, sources) if D is not None or prev is None else None
        return Start(y, groups or {}, prev_y, prev, sources)
    return None


def calibration_pair(ctx: Context, vals: Mapping[str, float], start: Start) -> tuple[int, dict, int] | None:
    """The latest pair of consecutive years with full stocks on one standard, at or before the start:
    (y0, its groups, y1). A review on the new standard with no year before it on that standard keeps
    the pace calibrated on the last old-standard pair (said on the method page)."""
    if start.prev is not None and start.prev_year is not None and _same_standard(ctx, start.prev_year, start.year):
        return start.prev_year, start.prev, start.year
    lo = min(ctx.obs.df["year"]) if len(ctx.obs.df) else start.year
    for y in range(start.year - 1, lo, -1):
        tot = _year_stock(ctx, vals, y)
        if tot is None:
            continue
        pair = _pair(ctx, vals, y, tot, _no_work(ctx, y, tot[1]))
        if pair is not None:
            return pair[0], pair[1], y
    return None


def _params(vals: Mapping[str, float], **over: float) -> dict[str, Any]:
    out = dict(vals)
    out.update(over)
    return out


def _split_flag(ctx: Context) -> dict[str, str]:
    eth = ctx.plan.extra.get("model", {}).get("ethnic_group")
    return {eth: "ethnic", "rest": "non_ethnic"} if eth and eth in ctx.groups else {}


UNIT = PaceScale(1.0, 1.0, 1.0, 1.0)    # slider values of 1 give the base hazards themselves


def _unit_params(ctx: Context, vals: Mapping[str, float], lam: float, lam_n: float) -> tuple[PaceScale, dict]:
    fg = {g: 1.0 for g in ctx.groups}
    p = _params(vals, poor_fall=1.0, near_poor_fall=1.0, **{group_pace_id(g): 1.0 for g in ctx.groups})
    return PaceScale(lam, lam_n, 1.0, 1.0, fg), p


def calibrate(ctx: Context, start: Start) -> Calibration:
    """The hazards of the work-able poor and of the near-poor that take the year before the last
    actual year to the last one, at the other assumptions' defaults (the stated fallbacks when the
    data have no such pair)."""
    vals = ctx.registry.channels(ctx.registry.defaults())
    lam_fb = vals["pace_hazard_fallback"]
    lamn_fb = vals["near_hazard_fallback"]
    pair = calibration_pair(ctx, vals, start)
    if pair is None:
        return Calibration(lam_fb, lamn_fb, None, None)
    obs = ctx.obs
    y0, prev, y1 = pair
    P1 = _year_stock(ctx, vals, y1)
    assert P1 is not None

    def step(lam: float, lam_n: float) -> PovertyResult:
        scale, p = _unit_params(ctx, vals, lam, lam_n)
        inp = PovertyInputs(y0, y1, prev, scale, y0 + 1, None, _split_flag(ctx))
        return run_poverty(inp, p)

    def total(res: PovertyResult, key: str) -> float:
        return float(sum(res.stocks[g][key][0] for g in res.stocks))

    clipped: list[str] = []

    def solve(f: Any, tag: str) -> float:
        """The hazard in [0, LAM_MAX] where f crosses zero; a bound (and its tag) when it does not."""
        if f(0.0) <= 0:
            clipped.append(f"{tag}_low")
            return 0.0
        if f(LAM_MAX) >= 0:
            clipped.append(f"{tag}_high")
            return LAM_MAX
        return brentq(f, 0.0, LAM_MAX, xtol=1e-10)

    target_P, target_N = P1[1], P1[2]
    lam = solve(lambda x: total(step(x, lamn_fb), "P") - target_P, "poor")
    has_near = all(any(obs.series(k, "all").get(y) is not None for k in ("near_poor_households", "near_poor_rate"))
                   for y in (y0, y1))
    lam_n = solve(lambda x: total(step(lam, x), "N") - target_N, "near") if has_near else lamn_fb
    near_years = (y0, y1) if has_near and not any(c.startswith("near") for c in clipped) else None
    res = step(lam, lam_n)
    fit = {"poor_households": (total(res, "P"), target_P), "near_poor_households": (total(res, "N"), target_N)}
    return Calibration(lam, lam_n, (y0, y1), near_years, fit, tuple(clipped))


def _scaled_inputs(ctx: Context, start: Start, cal: Calibration) -> tuple[PovertyInputs, dict[str, float]]:
    """The model's inputs from the last actual year, and the pace sliders' defaults: the calibrated
    hazards expressed as the share of their stock they take out a year (%)."""
    vals = ctx.registry.channels(ctx.registry.defaults())
    groups = start.groups
    if not groups:   # the start's no-work stock comes from the year before, moved one year by the model
        scale, p = _unit_params(ctx, vals, cal.lam0, cal.lam_near0)
        one = run_poverty(PovertyInputs(start.prev_year, start.year, start.prev, scale, start.year,  # type: ignore[arg-type]
                                        ctx.break_year, _split_flag(ctx)), p)
        H, P, N = _year_stock(ctx, vals, start.year)  # type: ignore[misc]
        Dm = float(sum(one.stocks[g]["D"][0] for g in one.stocks))
        Pm = float(sum(one.stocks[g]["P"][0] for g in one.stocks))
        D = min(P, Dm * (P / Pm if Pm > 0 else 1.0))    # the model's no-work share applied to the actual poor
        groups = _split(ctx, vals, start.year, H, P, N, D, dict(start.sources))
    brk = ctx.break_year
    # the pace sliders' defaults: the calibrated hazards as the share of their stock they take out a year
    f0 = round(share_of(cal.lam0), 1)
    fn0 = round(share_of(cal.lam_near0), 1)
    fg0 = {g: f0 for g in ctx.groups if g in groups and groups[g][0] > 0}
    calibrated = {"poor_fall": f0, "near_poor_fall": fn0, **{group_pace_id(g): v for g, v in fg0.items()}}
    sc = PaceScale(cal.lam0, cal.lam_near0, f0 if f0 > 0 else 1.0, fn0 if fn0 > 0 else 1.0,
                   {g: (v if v > 0 else 1.0) for g, v in fg0.items()})
    return PovertyInputs(start.year, ctx.horizon, groups, sc, ctx.lever_from, brk, _split_flag(ctx)), calibrated


def _reduce(a: Any) -> float:
    return float(a) if isinstance(a, float) else float(np.mean(a))


POVERTY_OUT = {
    "households": ("stock", "H"), "poor_households": ("stock", "P"), "near_poor_households": ("stock", "N"),
    "poor_households_no_work_capacity": ("stock", "D"),
    "poor_exits": ("flow", "exits"), "poor_exits_pace": ("flow", "exits_pace"), "poor_exits_jobs": ("flow", "exits_jobs"),
    "poor_exits_overseas": ("flow", "exits_overseas"), "poor_exits_no_work": ("flow", "exits_no_work"),
    "poor_new": ("flow", "new"), "poor_returning": ("flow", "returning"), "poor_shock": ("flow", "shock"),
    "near_poor_exits": ("flow", "near_exits"), "near_poor_new": ("flow", "near_new"),
}
RATES = {"poor_rate": "poor_households", "near_poor_rate": "near_poor_households"}
# what a Monte Carlo run keeps: the stocks and rates targets and fan charts read (no flows)
MC_OUT = ("households", "poor_households", "near_poor_households", "poor_households_no_work_capacity",
          "poor_rate", "near_poor_rate")


def poverty_paths(ctx: Context, res: PovertyResult, mc: bool, only: tuple[str, str] | None = None,
                  values_ahead: bool = True) -> list[SeriesPath]:
    """The model's result as paths (actual years from the data; nowcast and projected years from
    the model). ``only``: just one (indicator, group). Without ``values_ahead`` (a Monte Carlo's draws, whose paths
    take the deterministic run's values: uncertainty._merge) the years ahead have draws and no values."""
    inp = ctx.poverty
    assert inp is not None
    out_groups = ["all"] + [g for g in res.stocks if g != "rest"]
    nowcast = frozenset(y for y in res.years if y < inp.lever_from)

    memo: dict[tuple[str, str, str], list[Any]] = {}

    def series(group: str, kind: str, key: str) -> list[Any]:
        got = memo.get((group, kind, key))
        if got is None:
            src = res.stocks if kind == "stock" else res.flows
            # all households: the groups' values added up year by year (sum(), from 0, as it always was)
            got = [sum(t) for t in zip(*(src[g][key] for g in src))] if group == "all" else src[group][key]
            memo[(group, kind, key)] = got
        return got

    paths = []
    observed = _observed(ctx)

    def actual_of(ind: str, group: str) -> tuple[dict[int, float], frozenset[int], frozenset[int]]:
        """The data's figures of a path (never changed by a caller), their years, and the path's nowcast years."""
        key = (ind, group, nowcast)
        got = observed.get(key)
        if got is None:
            actual = ctx.obs.series(ind, group)
            years = frozenset(actual)
            got = observed[key] = (actual, years, nowcast - years)
        return got

    for group in out_groups:
        built: dict[str, list[Any]] = {}
        if only:
            wanted = [only[0]] if only[1] == group else []
        else:
            wanted = list(MC_OUT) if mc else list(POVERTY_OUT) + list(RATES)
        for ind in wanted:
            if ind in RATES:
                # over the households as shown (the data's count where it has one): every rate is the
                # count over the households of its own table
                num = series(group, "stock", POVERTY_OUT[RATES[ind]][1])
                H_known = actual_of("households", group)[0]
                H = [H_known.get(y, h) for y, h in zip(res.years, series(group, "stock", "H"))]
                built[ind] = [100 * a / b for a, b in zip(num, H)]
            elif ind in POVERTY_OUT:
                built[ind] = series(group, *POVERTY_OUT[ind])
        for ind, vals in built.items():
            actual, actual_years, path_nowcast = actual_of(ind, group)
            values = dict(actual)
            ahead = [(y, v) for y, v in zip(res.years, vals) if y not in actual]
            if mc and not values_ahead:
                paths.append(SeriesPath(ind, group, values, actual_years, "stock_flow",
                                        {y: np.asarray(v) for y, v in ahead if np.ndim(v)}, nowcast=path_nowcast))
                continue
            if not mc and not any(type(v) is np.ndarray for _, v in ahead):
                # one value a year (the deterministic run): each as a Python float
                values.update({y: float(v) if isinstance(v, float) else float(np.mean(v)) for y, v in ahead})
                paths.append(SeriesPath(ind, group, values, actual_years, "stock_flow", {}, nowcast=path_nowcast))
                continue
            if mc and ahead and all(np.ndim(v) == 1 for _, v in ahead):
                # the draws' means, every year in one call
                means = np.stack([v for _, v in ahead]).mean(axis=1)
                values.update({y: float(m) for (y, _), m in zip(ahead, means)})
                draws = {y: v for y, v in ahead}
            else:
                # the years with draws among years without (a nowcast at the defaults): their means in one call
                arrays = [(y, v) for y, v in ahead if np.ndim(v) == 1]
                means = dict(zip((y for y, _ in arrays), np.stack([v for _, v in arrays]).mean(axis=1))) \
                    if len(arrays) > 1 and len({(len(v), np.asarray(v).dtype) for _, v in arrays}) == 1 else {}
                values.update({y: float(means[y]) if y in means else _reduce(v) for y, v in ahead})
                draws = {y: np.asarray(v) for y, v in ahead if mc and np.ndim(v)}
            paths.append(SeriesPath(ind, group, values, actual_years, "stock_flow", draws, nowcast=path_nowcast))
    return paths


@lru_cache(maxsize=32)
def _observed(ctx: Context) -> dict[tuple[str, str, frozenset[int]], tuple[dict[int, float], frozenset[int], frozenset[int]]]:
    """What :func:`poverty_paths` reads of the data for a path (its figures, their years, its nowcast years), filled
    as paths are made and kept per context: the same for every run of the model (some forty paths a move, each
    read, sorted and copied again). What is kept is never changed (a path copies the figures it starts from)."""
    return {}


# --------------------------------------------------------------------------- other indicators

def change_path(ind: Indicator, group: str, actual: dict[int, float], horizon: int, change: Any,
                per_year: bool, mc: bool, method: str, lever_from: int | None = None,
                change_now: Any = None) -> SeriesPath | None:
    """From the last actual year by the assumed yearly change (flows: the assumed amount each year).

    Years before ``lever_from`` use ``change_now`` (the default: a nowcast). Rates stay within
    0–100; a coverage rate (``saturates``) closes its gap to 100 % geometrically, so the first year
    moves by the assumed change and it never reaches 100 %.
    """
    if not actual:
        return None
    L = max(actual)
    lever_from = lever_from if lever_from is not None else L + 1
    change_now = change if change_now is None else change_now
    lo, hi = ind.bounds
    values = dict(actual)
    draws = {}
    x = np.asarray(actual[L], float)
    # what depends only on whether the year is the scenario's or the nowcast's is worked out once for each
    # (the change as an array of doubles; a flow's whole value; a coverage rate's closing share), by the same
    # expressions as year by year (tests/model/test_model.py checks them equal to the last bit)
    sat = not per_year and ind.saturates and ind.kind == "rate"
    if per_year:
        zero = 0 * np.asarray(actual[L], float)
    if sat:
        gap_l = np.maximum(100.0 - np.asarray(actual[L], float), 1e-9)
    once: dict[bool, tuple[Any, ...]] = {}
    for y in range(L + 1, horizon + 1):
        lev = y >= lever_from
        c = once.get(lev)
        if c is None:
            d = np.asarray(change if lev else change_now, float)
            if per_year:         # a flow: the assumed amount each year, whatever the year before
                xx = np.clip(np.maximum(d, 0.0) + zero, lo, hi)
                if type(xx) is np.ndarray:
                    xx.setflags(write=False)       # the same draws for each of its years
                c = (xx, float(np.mean(xx)))
            elif sat:
                # the gap to 100 % closes by the same share each year: the share the first year's change
                # would close of the gap at the last actual year
                k = np.clip(d / gap_l, -np.inf, 0.999)
                c = (d, d > 0, 1 - k)
            else:
                c = (d,)
            once[lev] = c
        if per_year:
            x, values[y] = c
        else:
            if sat:
                d, up, one_k = c
                x = np.where(up, 100.0 - (100.0 - x) * one_k, x + d)
            else:
                x = x + c[0]
            x = np.clip(x, lo, hi)
            values[y] = float(np.mean(x))
        if mc and np.ndim(x):
            if type(x) is np.ndarray and x.base is None:
                x.setflags(write=False)   # a kept path is shared by projections and sessions: never written to
            draws[y] = x
    nowcast = frozenset(y for y in range(L + 1, min(lever_from, horizon + 1)))
    return SeriesPath(ind.id, group, values, frozenset(actual), method, draws, nowcast=nowcast)


_CHANGE_PATHS = LockedLRU(64)    # the paths of assumed changes, by what they are made from (:func:`_kept_change_path`;
# a Monte Carlo's up to 240 kB each: 15 MB at most)


def _made_of(x: Any) -> Any:
    """What a change path's input is, as a key: a number by its bits; an array of draws by its identity when it
    can never change (read-only and owning its data: the draws of an assumption value, kept by the Monte Carlo
    and the nowcast and shared by every scenario with that value); None (not kept) otherwise."""
    if type(x) is np.ndarray:
        return id(x) if x.base is None and not x.flags.writeable else None
    if np.ndim(x) == 0:
        return np.float64(x).tobytes()
    return None


def _kept_change_path(ctx: Context, ind_id: str, group: str, change: Any, change_now: Any, per_year: bool, mc: bool,
                      method: str) -> SeriesPath | None:
    """:func:`change_path` of an indicator's data, kept by what it is made from: after a move of levers that
    do not reach it (every headline lever but the flows), the path of the last run, not made again. A kept
    path is shared by projections and never changed (as the trends already are)."""
    a, b = _made_of(change), _made_of(change_now)
    key = (ctx, ind_id, group, a, b, per_year, mc, method) if a is not None and b is not None else None
    if key is not None:
        got = _CHANGE_PATHS.get(key, None)
        # an array's id is its own while the entry holds it (no other array can take that id meanwhile)
        if got is not None and (type(change) is not np.ndarray or got[0] is change) \
                and (type(change_now) is not np.ndarray or got[1] is change_now):
            return got[2]
    p = change_path(ctx.indicators[ind_id], group, ctx.obs.series(ind_id, group), ctx.horizon, change,
                    per_year=per_year, mc=mc, method=method, lever_from=ctx.lever_from, change_now=change_now)
    if key is not None:
        _CHANGE_PATHS.put(key, (change, change_now, p), replace=True)
    return p


def _with_nowcast(p: SeriesPath, current_year: int) -> SeriesPath:
    p.nowcast = frozenset(y for y in p.values if y not in p.actual and y <= current_year)
    return p


def poverty_mc_paths(ctx: Context) -> frozenset[tuple[str, str]]:
    """The (indicator, group) paths a Monte Carlo run takes from the poverty model (:data:`MC_OUT`, every
    group it reports); empty without the model."""
    if ctx.poverty is None:
        return frozenset()
    groups = ["all"] + [g for g in ctx.poverty.groups if g != "rest"]
    return frozenset((ind, g) for g in groups for ind in MC_OUT)


def project(ctx: Context, scenario: Scenario, params: Mapping[str, Any] | None = None,
            n_draws: int = 0, nowcast_params: Mapping[str, Any] | None = None,
            poverty: bool = True, values_ahead: bool = True) -> Projection:
    """Every path for the scenario. ``params`` (arrays of draws) override the scenario for Monte
    Carlo; ``nowcast_params`` the defaults in the nowcast years (default: the defaults themselves).
    Without ``poverty`` (a Monte Carlo only) the poverty model is not run: only the other paths, each
    the same as in a whole run (the paths the model would give, :func:`poverty_mc_paths`, are left out).
    Without ``values_ahead`` the poverty model's paths have draws and no values ahead (:func:`poverty_paths`)."""
    vals: dict[str, Any] = dict(ctx.registry.resolve(scenario))
    now: dict[str, Any] = dict(ctx.registry.defaults())
    mc = params is not None
    if params:
        vals.update(params)
    if nowcast_params:
        now.update(nowcast_params)
    proj = Projection(ctx.as_of, ctx.horizon, n_draws=n_draws, lever_from=ctx.lever_from)
    covered: set[tuple[str, str]] = set()
    # each channel's levers added up once, for the model and the other paths alike
    vals, now = ctx.registry.channels(vals), ctx.registry.channels(now)
    if not poverty:
        assert mc, "only a Monte Carlo leaves the poverty model out"
        covered = set(poverty_mc_paths(ctx))
    elif ctx.poverty is not None:
        res = run_poverty(ctx.poverty, vals, now, record_flows=not mc, keep_nowcast=True)
        for p in poverty_paths(ctx, res, mc, values_ahead=values_ahead):
            proj.add(p)
            covered.add((p.indicator, p.group))
    for path in other_paths(ctx, vals, now, mc, covered, trends=not mc, channelled=True):
        proj.add(path)
    return proj


def other_paths(ctx: Context, vals: Mapping[str, Any], now: Mapping[str, Any], mc: bool,
                covered: set[tuple[str, str]] = frozenset(), only: tuple[str, str] | None = None,  # type: ignore[assignment]
                trends: bool = True, channelled: bool = False) -> list[SeriesPath]:
    """The paths outside the poverty model: labour flows, assumed yearly changes, trends (without
    ``trends``, as in a Monte Carlo: a trend depends on no assumption, so it has no draws). ``channelled``:
    ``vals`` and ``now`` already have each channel's levers added up (:meth:`Registry.channels`)."""
    out: list[SeriesPath] = []
    covered = set(covered)

    def want(key: tuple[str, str]) -> bool:
        return key not in covered and (only is None or key == only)

    if not channelled:
        vals, now = ctx.registry.channels(vals), ctx.registry.channels(now)   # each channel's levers added up
    for ind_id, aid in ctx.registry.flows().items():
        if ctx.indicators.get(ind_id) and want((ind_id, "all")):
            p = _kept_change_path(ctx, ind_id, "all", vals[aid], now[aid], True, mc, f"assumption:{aid}")
            if p:
                out.append(p)
                covered.add((ind_id, "all"))
    for a in ctx.registry:
        if a.section != "indicators" or a.indicator is None or not want((a.indicator, a.group)):
            continue
        p = _kept_change_path(ctx, a.indicator, a.group, vals[a.id], now[a.id], a.id.endswith("_per_year"), mc,
                              f"assumption:{a.id}")
        if p:
            out.append(p)
            covered.add((a.indicator, a.group))
    if not trends:
        return out
    out += [p for key, p in _trend_paths(ctx).items() if want(key)]
    return out


@lru_cache(maxsize=32)
def _trend_paths(ctx: Context) -> dict[tuple[str, str], SeriesPath]:
    """The trend of every series in the data (no assumption reaches a trend: made once per context;
    the paths are shared by every projection and never changed)."""
    out = {}
    for ind_id, group in ctx.obs.keys():
        if ind_id not in ctx.indicators:
            continue
        p = trend_path(ctx.indicators[ind_id], group, ctx.obs.series(ind_id, group), ctx.horizon,
                       break_year=ctx.break_year)
        if p:
            out[(ind_id, group)] = _with_nowcast(p, ctx.current_year)
    return out


def poverty_run(ctx: Context, vals: Mapping[str, Any], flows: bool = False) -> PovertyResult:
    """One run of the poverty model over ``vals`` (every id's value; arrays run value by value), the nowcast
    years at the defaults; ``flows``: keep the flows too."""
    reg = ctx.registry
    assert ctx.poverty is not None
    return run_poverty(ctx.poverty, reg.channels(vals), reg.channels(reg.defaults()), record_flows=flows, keep_nowcast=True)


def _reads(indicator: str) -> tuple[str, tuple[str, ...]] | None:
    """What :func:`poverty_paths` reads of a run for the indicator: ("stock" or "flow", the keys); None when
    the indicator is not the poverty model's."""
    if indicator in RATES:       # a rate: its count over the households
        return "stock", ("H", POVERTY_OUT[RATES[indicator]][1])
    if indicator in POVERTY_OUT:
        kind, key = POVERTY_OUT[indicator]
        return kind, (key,)
    return None


def poverty_one(ctx: Context, res: PovertyResult, indicator: str, group: str, n: int,
                part: slice | None = None) -> Projection | None:
    """The poverty model's path of (indicator, group) alone from a run, as a projection of ``n`` values
    (None when the path is not the model's). ``part``: the values of one search in a run of several searches'
    values side by side (goalseek._measure_batch), only what the path reads taken."""
    reads = _reads(indicator)
    if reads is None:
        return None
    if part is not None:
        kind, keys = reads
        src = res.stocks if kind == "stock" else res.flows
        cut = {g: {k: [v[part] if np.ndim(v) else v for v in d[k]] for k in keys} for g, d in src.items()}
        res = PovertyResult(res.years, cut if kind == "stock" else {}, cut if kind == "flow" else {}, {},
                            res.rebased_at)
    proj = Projection(ctx.as_of, ctx.horizon, n_draws=n, lever_from=ctx.lever_from)
    for p in poverty_paths(ctx, res, True, only=(indicator, group)):
        proj.add(p)
    return proj if proj.path(indicator, group) is not None else None


def project_one(ctx: Context, scenario: Scenario, indicator: str, group: str,
                params: Mapping[str, Any]) -> Projection:
    """One (indicator, group) path with ``params`` (arrays) over the scenario: what goal seek needs,
    without building every other path."""
    vals: dict[str, Any] = dict(ctx.registry.resolve(scenario))
    vals.update(params)
    n = max((np.size(v) for v in params.values()), default=0)
    reads = _reads(indicator)
    if ctx.poverty is not None and reads is not None:
        proj = poverty_one(ctx, poverty_run(ctx, vals, flows=reads[0] == "flow"), indicator, group, n)
        if proj is not None:
            return proj
    proj = Projection(ctx.as_of, ctx.horizon, n_draws=n, lever_from=ctx.lever_from)
    for p in other_paths(ctx, vals, ctx.registry.defaults(), True, only=(indicator, group)):
        proj.add(p)
    return proj


@lru_cache(maxsize=64)
def _run_cached(ctx: Context, scenario: Scenario) -> tuple[Projection, list[Verdict]]:
    proj = project(ctx, scenario)
    return proj, assess(ctx.plan, proj, ctx.obs, current_year=ctx.current_year)


def run(ctx: Context, scenario: Scenario) -> tuple[Projection, list[Verdict]]:
    """The deterministic projection and verdicts of a scenario (cached by the data's identity and scenario)."""
    return _run_cached(ctx, scenario)




# ---------------------------------------------------------------------------------------- backtest

@dataclass(frozen=True)
class Backtest:
    """The model as it stood with the data up to ``as_of``, at its defaults, against what came later."""

    as_of: int
    year: int
    indicator: str
    projected: float | None
    actual: float
    quality: str | None
    calibration: Calibration | None
    reason: str = ""             # why it could not run ("" when it did)

    @property
    def error(self) -> float | None:
        return None if self.projected is None else self.projected - self.actual

    @property
    def relative(self) -> float | None:
        return None if self.projected is None or not self.actual else self.projected / self.actual - 1


def backtest(ctx: Context, as_of: int, indicator: str = "poor_households", year: int | None = None) -> Backtest | None:
    """Project from the data up to ``as_of`` exactly as ``project --as-of`` does (``make_context``: the
    household counts and, only to start the model, the nearest near-poor rate are kept) and compare
    with the real figure of ``year`` (default: the last real year). None: nothing to compare."""
    real = {y: v for y, v in ctx.obs.series(indicator, "all").items() if ctx.obs.real(indicator, "all", y)}
    later = [y for y in real if y > as_of]
    if not later:
        return None
    year = year if year is not None else max(later)
    bt = make_context(ctx.plan, ctx.obs, as_of, ctx.indicators)
    if bt.poverty is None:
        return Backtest(as_of, year, indicator, None, real[year], ctx.obs.quality(indicator, "all", year), None,
                        "no_start")
    proj, _ = run(bt, Scenario())
    return Backtest(as_of, year, indicator, proj.get(indicator, "all", year), real[year],
                    ctx.obs.quality(indicator, "all", year), bt.calibration)

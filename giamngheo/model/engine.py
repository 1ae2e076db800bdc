"""The one entry point the CLI and the app share: load a plan and a data version, build the
assumption registry, project a scenario and assess every target. Results are cached by scenario.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

import numpy as np

from giamngheo.model.assess import Verdict, assess
from giamngheo.scenario.assumptions import Registry, Scenario, build_registry
from giamngheo.plan.indicators import Indicator, load_indicators
from giamngheo.model.poverty import PovertyInputs, PovertyResult, run_poverty
from giamngheo.model.projection import Projection, SeriesPath
from giamngheo.model.trend import trend_path
from giamngheo.data.observations import Observations, load_observations
from giamngheo.plan.targets import Plan, load_plan

POVERTY_STOCKS = ("households", "poor_households", "near_poor_households")
LABOUR_FLOWS = {"jobs_created": "jobs", "workers_abroad": "overseas", "workers_abroad_ethnic": "overseas_ethnic"}


@dataclass(frozen=True, eq=False)
class Context:
    plan: Plan
    obs: Observations
    indicators: dict[str, Indicator]
    as_of: int
    registry: Registry
    data_label: str = ""

    @property
    def horizon(self) -> int:
        return self.plan.horizon

    @property
    def groups(self) -> list[str]:
        return list(self.plan.extra.get("model", {}).get("groups", []))


def make_context(plan: Plan, obs: Observations, as_of: int | None = None,
                 indicators: dict[str, Indicator] | None = None, data_label: str = "") -> Context:
    indicators = indicators or load_indicators()
    as_of = min(as_of, obs.last_year) if as_of is not None else obs.last_year
    view = obs.until(as_of) if as_of < obs.last_year else obs
    return Context(plan, view, indicators, as_of, build_registry(plan, view, indicators, as_of), data_label)


@lru_cache(maxsize=4)
def default_context(plan_path: str | None = None, data_path: str | None = None, as_of: int | None = None) -> Context:
    plan = load_plan(plan_path)
    obs = load_observations(data_path)
    return make_context(plan, obs, as_of)


# ---------------------------------------------------------------------------------- the poverty block

def _stock_at(obs: Observations, group: str, year: int) -> tuple[float, float, float] | None:
    H = obs.series("households", group).get(year)
    if H is None:
        return None
    out = [H]
    for count, rate in (("poor_households", "poor_rate"), ("near_poor_households", "near_poor_rate")):
        v = obs.series(count, group).get(year)
        if v is None:
            r = obs.series(rate, group).get(year)
            if r is None:
                return None
            v = r / 100 * H
        out.append(v)
    return tuple(out)  # type: ignore[return-value]


def poverty_start(ctx: Context) -> tuple[int, dict[str, tuple[float, float, float]]] | None:
    """The last year (≤ as_of) with a full stock for all households and every named group."""
    for y in range(ctx.as_of, ctx.plan.period[0] - 6, -1):
        tot = _stock_at(ctx.obs, "all", y)
        if tot is None:
            continue
        groups: dict[str, tuple[float, float, float]] = {}
        rest = np.array(tot, float)
        ok = True
        for gname in ctx.groups:
            st = _stock_at(ctx.obs, gname, y)
            if st is None:
                ok = False
                break
            groups[gname] = st
            rest = rest - np.array(st)
        if not ok:
            groups = {}
            rest = np.array(tot, float)
        groups["rest"] = tuple(float(x) for x in np.maximum(rest, 0.0))  # type: ignore[assignment]
        return y, groups
    return None


def poverty_inputs(ctx: Context) -> PovertyInputs | None:
    start = poverty_start(ctx)
    if start is None:
        return None
    year, groups = start
    eth = ctx.plan.extra.get("model", {}).get("ethnic_group")
    split = {}
    if eth and eth in groups:
        split = {eth: "ethnic", "rest": "non_ethnic"}
    reg = ctx.registry
    ref = lambda k, d: reg[k].default if k in reg and reg[k].default_basis == "plan" else d  # noqa: E731
    return PovertyInputs(
        start_year=year, horizon=ctx.horizon, groups=groups,
        break_year=ctx.plan.standard.break_year if ctx.plan.standard else None,
        overseas_split=split, ref_jobs=ref("jobs", 3000.0), ref_overseas=ref("overseas", 350.0),
        ref_overseas_ethnic=ref("overseas_ethnic", 210.0))


def _reduce(a: np.ndarray) -> float:
    return float(np.mean(a))


def _poverty_paths(ctx: Context, inp: PovertyInputs, res: PovertyResult, mc: bool) -> list[SeriesPath]:
    paths = []
    method = "stock_flow"
    out_groups = ["all"] + [g for g in res.stocks if g != "rest"]

    def total(key: str, kind: str, i: int) -> np.ndarray:
        src = res.stocks if kind == "stock" else res.flows
        return sum(src[g][key][i] for g in src)

    def series(group: str, key: str, kind: str = "stock") -> list[np.ndarray]:
        n = len(res.years)
        if group == "all":
            return [total(key, kind, i) for i in range(n)]
        src = res.stocks if kind == "stock" else res.flows
        return src[group][key]

    for group in out_groups:
        H = series(group, "H")
        built = {
            "households": H,
            "poor_households": series(group, "P"),
            "near_poor_households": series(group, "N"),
        }
        built["poor_rate"] = [100 * p / h for p, h in zip(built["poor_households"], H)]
        built["near_poor_rate"] = [100 * p / h for p, h in zip(built["near_poor_households"], H)]
        for key, fk in (("poor_exits", "exits"), ("poor_exits_jobs", "exits_jobs"),
                        ("poor_exits_overseas", "exits_overseas"), ("poor_exits_base", "exits_base"),
                        ("poor_new", "new"), ("poor_returning", "returning"), ("poor_shock", "shock"),
                        ("poor_exit_room", "room")):
            built[key] = series(group, fk, "flow")
        for ind, vals in built.items():
            actual = ctx.obs.series(ind, group)
            values = {y: v for y, v in actual.items()}
            values.update({y: _reduce(v) for y, v in zip(res.years, vals)})
            draws = {y: np.asarray(v) for y, v in zip(res.years, vals)} if mc else {}
            paths.append(SeriesPath(ind, group, values, frozenset(actual), method, draws))
    return paths


# --------------------------------------------------------------------------- other indicators

def change_path(ind: Indicator, group: str, actual: dict[int, float], horizon: int, change: Any,
                per_year: bool, mc: bool, method: str) -> SeriesPath | None:
    """From the last actual year by the assumed yearly change (flows: the assumed amount each year).

    Rates stay within 0–100; a coverage rate (``saturates``) closes its gap to 100 % geometrically,
    so the first year moves by the assumed change and it never reaches 100 %.
    """
    if not actual:
        return None
    L = max(actual)
    v = np.asarray(actual[L], float)
    d = np.asarray(change, float)
    lo, hi = ind.bounds
    values = dict(actual)
    draws = {}
    for y in range(L + 1, horizon + 1):
        if per_year:
            x = np.maximum(d, 0.0) + 0 * v
        elif ind.saturates and ind.kind == "rate":
            gap0 = np.maximum(100.0 - v, 1e-9)
            k = np.clip(d / gap0, -np.inf, 0.999)
            x = np.where(d > 0, 100.0 - gap0 * (1 - k) ** (y - L), v + d * (y - L))
        else:
            x = v + d * (y - L)
        x = np.clip(x, lo, hi)
        values[y] = float(np.mean(x))
        if mc and np.ndim(x):
            draws[y] = x
    return SeriesPath(ind.id, group, values, frozenset(actual), method, draws)


def project(ctx: Context, scenario: Scenario, params: Mapping[str, Any] | None = None,
            n_draws: int = 0) -> Projection:
    """Every path for the scenario. ``params`` (arrays of draws) override the scenario for Monte Carlo."""
    vals: dict[str, Any] = dict(ctx.registry.resolve(scenario))
    mc = params is not None
    if params:
        vals.update(params)
    proj = Projection(ctx.as_of, ctx.horizon, n_draws=n_draws)
    covered: set[tuple[str, str]] = set()
    inp = poverty_inputs(ctx)
    if inp is not None:
        res = run_poverty(inp, vals)
        for p in _poverty_paths(ctx, inp, res, mc):
            proj.add(p)
            covered.add((p.indicator, p.group))
    for ind_id, aid in LABOUR_FLOWS.items():
        if aid in ctx.registry and ctx.indicators.get(ind_id):
            amount = vals[aid] if aid != "overseas_ethnic" else np.minimum(vals[aid], vals["overseas"])
            p = change_path(ctx.indicators[ind_id], "all", ctx.obs.series(ind_id, "all"), ctx.horizon, amount,
                            per_year=True, mc=mc, method=f"assumption:{aid}")
            if p:
                proj.add(p)
                covered.add((ind_id, "all"))
    for a in ctx.registry:
        if a.section != "indicators" or a.indicator is None or (a.indicator, a.group) in covered:
            continue
        p = change_path(ctx.indicators[a.indicator], a.group, ctx.obs.series(a.indicator, a.group), ctx.horizon,
                        vals[a.id], per_year=a.id.endswith("_per_year"), mc=mc, method=f"assumption:{a.id}")
        if p:
            proj.add(p)
            covered.add((a.indicator, a.group))
    brk = ctx.plan.standard.break_year if ctx.plan.standard else None
    for ind_id, group in ctx.obs.keys():
        if (ind_id, group) in covered or ind_id not in ctx.indicators:
            continue
        p = trend_path(ctx.indicators[ind_id], group, ctx.obs.series(ind_id, group), ctx.horizon, break_year=brk)
        if p:
            proj.add(p)
    return proj


def exit_cap_years(proj: Projection, group: str = "all", tol: float = 0.5) -> list[int]:
    """Projected years in which the assumed fall asks for more exits than the households able to work
    (and the slow exits of the others) can give: there, more jobs or placements change nothing."""
    p = proj.path("poor_exit_room", group)
    if p is None:
        return []
    return [y for y, v in sorted(p.values.items()) if y not in p.actual and v < tol]


@lru_cache(maxsize=64)
def _run_cached(ctx: Context, scenario: Scenario) -> tuple[Projection, list[Verdict]]:
    proj = project(ctx, scenario)
    return proj, assess(ctx.plan, proj, ctx.obs)


def run(ctx: Context, scenario: Scenario) -> tuple[Projection, list[Verdict]]:
    """The deterministic projection and verdicts of a scenario (cached by context and scenario)."""
    return _run_cached(ctx, scenario)

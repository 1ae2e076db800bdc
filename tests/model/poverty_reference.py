"""The poverty model's year loop, and the other indicators' yearly change, as first written (every parameter read
per year and group, every year worked out in full, nothing kept between runs): the slow reference that
tests/model/test_poverty_reference.py compares the model with, to the last bit, over many random inputs. Not
used by the app."""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from giamngheo.model.poverty import FLOW_KEYS, GroupState, PovertyInputs, PovertyResult, group_pace_id, rebase_stocks


def _min(a: Any, b: Any) -> Any:
    """np.minimum that keeps Python floats Python floats (a float64 numpy scalar would turn float32 draws into float64)."""
    if isinstance(a, float) and isinstance(b, float):
        return min(a, b)
    return min(a, b) if np.ndim(a) == 0 and np.ndim(b) == 0 else np.minimum(a, b)


def _max(a: Any, b: Any) -> Any:
    if isinstance(a, float) and isinstance(b, float):
        return max(a, b)
    return max(a, b) if np.ndim(a) == 0 and np.ndim(b) == 0 else np.maximum(a, b)


def _get(p: Mapping[str, Any], k: str) -> Any:
    """A parameter: a Python float for one value (so that draws in float32 stay float32), else the array."""
    try:
        v = p[k]
    except KeyError:
        raise KeyError(f"poverty model: parameter {k!r} is missing") from None
    return float(v) if np.ndim(v) == 0 else np.asarray(v)


def _reader(p: Mapping[str, Any]) -> Any:
    """``_get`` on ``p``, each parameter read once (the year loop reads the same ones for every group)."""
    memo: dict[str, Any] = {}

    def get(k: str) -> Any:
        try:
            return memo[k]
        except KeyError:
            v = memo[k] = _get(p, k)
            return v
    return get


def hazard(share_pct: Any) -> Any:
    """The yearly hazard λ of a share (%) of a stock leaving in a year: share = 1 − e^(−λ)."""
    if not np.ndim(share_pct):
        return -float(np.log1p(-min(max(float(share_pct) / 100, 0.0), 0.999999)))
    a = np.asarray(share_pct)
    a = a if a.dtype == np.float32 else a.astype(float)      # draws stay in their single precision
    return -np.log1p(-np.clip(a / a.dtype.type(100), 0.0, 0.999999))


def _pace_ratio(v: Any, v0: float) -> Any:
    """A pace slider's value (a share leaving a year, %) as a multiple of its default's hazard."""
    if v0 <= 0:
        return 1.0
    r = hazard(v) / hazard(v0)
    return r.astype(v.dtype, copy=False) if isinstance(v, np.ndarray) and v.dtype == np.float32 else r


def run_poverty_reference(inp: PovertyInputs, p: Mapping[str, Any], nowcast: Mapping[str, Any] | None = None,
                record_flows: bool = True) -> PovertyResult:
    """Project the stocks from ``inp.start_year + 1`` to the horizon.

    ``p`` maps assumption ids to scalars or arrays of draws (shape (n,)): the scenario, used from
    ``inp.lever_from``; ``nowcast`` the same for the years before (default: ``p``). Without
    ``record_flows`` (the Monte Carlo) only the stocks are kept."""
    nowcast = p if nowcast is None else nowcast
    named = [k for k in inp.groups if k != "rest"]
    state = {k: GroupState(*(float(x) for x in inp.groups[k])) for k in inp.groups}
    years = list(range(inp.start_year + 1, inp.horizon + 1))
    stocks = {k: {s: [] for s in ("H", "P", "W", "D", "N")} for k in state}
    flows = {k: {f: [] for f in FLOW_KEYS} for k in state}
    hazards = {k: {h: [] for h in ("pace", "jobs", "overseas", "near")} for k in state}
    sc = inp.scale
    rebased_at = None
    on_new = inp.break_year is not None and inp.start_year >= inp.break_year
    get_p, get_now = _reader(p), _reader(nowcast)
    ratios: dict[tuple[bool, str], Any] = {}

    def pace(g: Any, k: str, v0: float) -> Any:
        """A pace slider's multiple of its default hazard, once per parameter set (not per year and group)."""
        key = (g is get_p, k)
        if key not in ratios:
            ratios[key] = _pace_ratio(g(k), v0)
        return ratios[key]

    for y in years:
        q = p if y >= inp.lever_from else nowcast
        g = get_p if y >= inp.lever_from else get_now
        # the first review on the new standard: the year's flows on the old standard (the end-of-year
        # nowcast on the old line), then the stocks re-based by composition (no flows across it)
        rebase = inp.break_year is not None and y == inp.break_year and not on_new
        k_new = get_p("rebase_factor") if on_new else 1.0
        k_near = get_p("rebase_factor_near") if on_new else 1.0
        growth = g("household_growth") / 100
        r_new, r_ret, r_nn = g("new_poor_rate") / 100 * k_new, g("returning_poor_rate") / 100, g("near_new_rate") / 100 * k_near
        s_near, nu = g("exit_to_near_poor") / 100, g("no_work_share") / 100
        sigma, kappa = _min(g("no_work_exit_rate") / 100, 1.0), g("near_no_work_share") / 100
        m_all = pace(g, "poor_fall", sc.f0)
        m_near = pace(g, "near_poor_fall", sc.fn0)
        jobs, ov = g("jobs"), g("overseas")
        ov_eth = g("overseas_ethnic")
        ov = _max(ov, ov_eth)            # the ethnic placements are part of all placements
        H_tot = sum(st.H for st in state.values())
        lam_jobs = jobs * g("job_priority") * (g("job_lift") / 100) / H_tot
        sy, shh = g("shock_year"), g("shock_households")
        shock = (shh if sy == y else 0.0) if np.ndim(sy) == 0 else np.where(sy == y, shh, 0.0)
        if rebase:
            f_p, f_d, f_n = get_p("rebase_factor"), get_p("rebase_factor_no_work"), get_p("rebase_factor_near")
        for k, st in state.items():
            H, W, D, N, O = st.H, st.W, st.D, st.N, st.O
            if k in named and group_pace_id(k) in q and sc.fg0.get(k, 0) > 0:
                m_g = pace(g, group_pace_id(k), sc.fg0[k])
            else:
                m_g = 1.0
            split = inp.overseas_split.get(k)
            ov_g = ov_eth if split == "ethnic" else (ov - ov_eth if split == "non_ethnic" else ov * H / H_tot)
            lam_ov = ov_g * g("overseas_priority") * (g("overseas_lift") / 100) / _max(H, 1e-9)
            lam_pace = sc.lam0 * m_all * m_g
            lam_w = lam_pace + lam_jobs + lam_ov
            lam_n = sc.lam_near0 * m_near * m_all * m_g
            new = _min(r_new * O, O)
            ret = r_ret * N
            sh = _min(shock * H / H_tot, _max(O - new, 0.0))
            x_w = W * -np.expm1(-lam_w)
            x_d = sigma * D
            n_left = N - ret
            x_n = n_left * ((1 - kappa) * -np.expm1(-(lam_n + lam_jobs + lam_ov)) + kappa * -np.expm1(-lam_n))
            near_new = _min(r_nn * O, _max(O - new - sh, 0.0))
            to_near = s_near * (x_w + x_d)
            inflow = new + ret
            W2 = W - x_w + (1 - nu) * inflow + sh
            D2 = D - x_d + nu * inflow
            N2 = n_left - x_n + to_near + near_new
            H2 = H * (1 + growth)
            if rebase:
                W2, D2, N2 = rebase_stocks(H2, W2, D2, N2, f_p, f_d, f_n)
            st.H, st.W, st.D, st.N = H2, W2, D2, N2
            for s, v in (("H", H2), ("P", W2 + D2), ("W", W2), ("D", D2), ("N", N2)):
                stocks[k][s].append(v)
            if not record_flows:
                continue
            with np.errstate(invalid="ignore", divide="ignore"):
                share = np.where(lam_w > 0, x_w / np.where(lam_w > 0, lam_w, 1.0), 0.0)
            for f, v in (("exits", x_w + x_d), ("exits_pace", share * lam_pace), ("exits_jobs", share * lam_jobs),
                         ("exits_overseas", share * lam_ov), ("exits_no_work", x_d), ("new", new),
                         ("returning", ret), ("shock", sh), ("near_exits", x_n), ("near_new", near_new),
                         ("to_near", to_near)):
                flows[k][f].append(np.broadcast_to(v, np.shape(W2)) if np.ndim(W2) else v)
            for h, v in (("pace", lam_pace), ("jobs", lam_jobs), ("overseas", lam_ov), ("near", lam_n)):
                hazards[k][h].append(v)
        if rebase:
            rebased_at, on_new = y, True
    return PovertyResult(years, stocks, flows, hazards, rebased_at)


def change_path_reference(ind: Any, group: str, actual: dict[int, float], horizon: int, change: Any,
                          per_year: bool, mc: bool, method: str, lever_from: int | None = None,
                          change_now: Any = None) -> Any:
    """``giamngheo.model.engine.change_path`` as it was first written (every year worked out in full)."""
    from giamngheo.model.projection import SeriesPath
    if not actual:
        return None
    L = max(actual)
    lever_from = lever_from if lever_from is not None else L + 1
    change_now = change if change_now is None else change_now
    lo, hi = ind.bounds
    values = dict(actual)
    draws = {}
    x = np.asarray(actual[L], float)
    for y in range(L + 1, horizon + 1):
        d = np.asarray(change if y >= lever_from else change_now, float)
        if per_year:
            x = np.maximum(d, 0.0) + 0 * np.asarray(actual[L], float)
        elif ind.saturates and ind.kind == "rate":
            gap_l = np.maximum(100.0 - np.asarray(actual[L], float), 1e-9)
            k = np.clip(d / gap_l, -np.inf, 0.999)
            x = np.where(d > 0, 100.0 - (100.0 - x) * (1 - k), x + d)
        else:
            x = x + d
        x = np.clip(x, lo, hi)
        values[y] = float(np.mean(x))
        if mc and np.ndim(x):
            draws[y] = x
    nowcast = frozenset(y for y in range(L + 1, min(lever_from, horizon + 1)))
    return SeriesPath(ind.id, group, values, frozenset(actual), method, draws, nowcast=nowcast)


def poverty_paths_reference(ctx: Any, res: PovertyResult, mc: bool, only: tuple[str, str] | None = None) -> list:
    """``giamngheo.model.engine.poverty_paths`` as it was first written."""
    from giamngheo.model.engine import MC_OUT, POVERTY_OUT, RATES, _reduce
    from giamngheo.model.projection import SeriesPath
    inp = ctx.poverty
    assert inp is not None
    out_groups = ["all"] + [g for g in res.stocks if g != "rest"]
    n = len(res.years)
    nowcast = frozenset(y for y in res.years if y < inp.lever_from)

    memo: dict[tuple[str, str, str], list[Any]] = {}

    def series(group: str, kind: str, key: str) -> list[Any]:
        got = memo.get((group, kind, key))
        if got is None:
            src = res.stocks if kind == "stock" else res.flows
            got = [sum(src[g][key][i] for g in src) for i in range(n)] if group == "all" else src[group][key]
            memo[(group, kind, key)] = got
        return got

    paths = []
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
                H_known = ctx.obs.series("households", group)
                H = [H_known.get(y, h) for y, h in zip(res.years, series(group, "stock", "H"))]
                built[ind] = [100 * a / b for a, b in zip(num, H)]
            elif ind in POVERTY_OUT:
                built[ind] = series(group, *POVERTY_OUT[ind])
        for ind, vals in built.items():
            actual = ctx.obs.series(ind, group)
            values = dict(actual)
            ahead = [(y, v) for y, v in zip(res.years, vals) if y not in actual]
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
            paths.append(SeriesPath(ind, group, values, frozenset(actual), "stock_flow", draws,
                                    nowcast=nowcast - frozenset(actual)))
    return paths

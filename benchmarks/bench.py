"""How fast: medians over repeats of the work a slider move costs.

    python benchmarks/bench.py [--repeats 9] [--draws 10000] [--no-apptest] [--pages]

Measures
- the full deterministic assessment (projection of every indicator + a verdict for every target);
- the Monte Carlo for all targets (draws, the vectorised projection, the probability of each
  projected target), and the same array work written directly in bare numpy as a floor
  (the normal draws, the stock–flow recurrence, the other indicators' paths, the target tests);
- goal seek for every projected target (uncached) and with the cache after a slider move;
- one overview rerun in AppTest, unchanged (everything cached) and after a slider move;
- chart specs (the poverty page's two line charts; the overview itself draws no chart):
  building the spec against drawing from a spec computed before (only the JSON to send).
Prints the machine (cores, CPU model, Python, numpy) and the load average, since another busy
process on a 2-core machine moves every figure.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from giamngheo.model.assess import assess
from giamngheo.model.engine import default_context, project, run
from giamngheo.model.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED, draw_params, monte_carlo, sd_of
from giamngheo.scenario.scenario import Scenario


def cpu_faults(fn: Callable[[], Any], repeats: int, warmup: int = 2) -> tuple[float, int]:
    """(median process CPU ms, median minor page faults) of a call."""
    import resource
    for _ in range(warmup):
        fn()
    ts, fs = [], []
    for _ in range(repeats):
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        t = time.process_time()
        out = fn()
        ts.append(1e3 * (time.process_time() - t))
        fs.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0)
        del out
    return statistics.median(ts), int(statistics.median(fs))


def median_ms(fn: Callable[[], Any], repeats: int, warmup: int = 1) -> tuple[float, float, float]:
    """(median, min, max) wall time in milliseconds. The result is freed after the clock stops, as
    the app keeps it (cached) rather than dropping it at once."""
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        ts.append(1e3 * (time.perf_counter() - t))
        del out
    return statistics.median(ts), min(ts), max(ts)


def machine() -> dict[str, str]:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    import altair
    import streamlit
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return {"cores (nproc)": str(cores), "cpu": cpu or "?", "python": platform.python_version(),
            "numpy": np.__version__, "streamlit": streamlit.__version__, "altair": altair.__version__,
            "os": f"{platform.system()} {platform.release()}", "load average (1, 5, 15 min)": load}


# ------------------------------------------------------------------------------- the numpy floor

def numpy_floor(ctx, scenario: Scenario, n: int, seed: int, deterministic: bool = False) -> Callable[..., dict[str, float]]:
    """The Monte Carlo's array work written directly: one function with no objects, no dicts of
    paths and no generic target evaluators. Set-up (reading the registry and the start stocks) is
    done once, outside the timed function. The same equations as giamngheo.model.poverty, in float32.

    Honest about caching: what the core makes once and keeps (giamngheo.model.uncertainty: the seed's
    standard normals, ``_normals``, and the draws around the defaults that the nowcast years use,
    ``_nowcast_draws``) the floor makes once too, outside the timed function; what the core makes per
    scenario (the draws around the scenario's values) the floor makes per call, but for the assumptions whose
    values did not move (their draws and assumed-change paths are kept, as the core keeps them). (An earlier version drew
    the standard normals and the defaults' draws on every call, work the core does not do: the floor
    was slow and the core's ratio to it flattering.) ``go(values)`` runs it for other values of the
    assumptions (a dict id -> value, e.g. after a slider move), ``go()`` for the scenario's own.
    ``deterministic``: one "draw" at the values themselves (the deterministic projection a move also
    needs, as the core's engine.run does before its draws)."""
    reg = ctx.registry
    vals = reg.resolve(scenario)
    defaults = reg.defaults()
    items = [a for a in reg if sd_of(a) > 0]
    sd = np.array([sd_of(a) for a in items], np.float32)[:, None]
    lo = np.array([a.min for a in items], np.float32)[:, None]
    hi = np.array([a.max for a in items], np.float32)[:, None]
    whole = np.array([a.integer for a in items])
    mean_sc = np.array([vals[a.id] for a in items], np.float32)[:, None]
    mean_df = np.array([defaults[a.id] for a in items], np.float32)[:, None]
    idx = {a.id: i for i, a in enumerate(items)}
    inp = ctx.poverty
    sc = inp.scale
    groups = {k: tuple(float(x) for x in v) for k, v in inp.groups.items()}
    years = list(range(inp.start_year + 1, inp.horizon + 1))
    brk, lf = inp.break_year, inp.lever_from
    split = inp.overseas_split
    others = []
    for a in reg:
        if a.section == "indicators" and a.indicator and a.id in idx:
            s = ctx.obs.series(a.indicator, a.group)
            if s:
                ind = ctx.indicators[a.indicator]
                others.append((idx[a.id], max(s), s[max(s)], ind.bounds, ind.saturates and ind.kind == "rate",
                               a.id.endswith("_per_year")))
    verdicts = {v.target: v for v in run(ctx, scenario)[1]}
    tests = [tg for tg in ctx.plan.targets if verdicts[tg.id].basis == "projected"]
    hor = inp.horizon

    def draws(X: np.ndarray, mean: np.ndarray) -> np.ndarray:
        Y = X * sd
        Y += mean
        np.clip(Y, lo, hi, out=Y)
        Y[whole] = np.rint(Y[whole])
        return Y

    X = (np.zeros((len(items), 1), np.float32) if deterministic     # kept, as the core keeps its normals
         else np.random.default_rng(seed).standard_normal((len(items), n), dtype=np.float32))
    XD = draws(X, mean_df)                                                                # the nowcast's, kept
    base_vals = vals

    members: dict[str, list[str]] = {}
    for a in reg:
        if a.channel:
            members.setdefault(a.channel, []).append(a.id)
    parts = [(reg[a.part_of].channel or a.part_of, a.channel or a.id) for a in reg.parts()]
    H_known = ctx.obs.series("households", "all")

    def hz(x: Any) -> Any:                       # share leaving a year (%) -> hazard, in the input's precision
        return -np.log1p(-np.clip(x / np.float32(100) if np.ndim(x) else x / 100, 0.0, 0.999999))

    kept_now: list = []
    # an assumption's draws and its assumed-change path are kept from one call to the next while its value is the
    # same, as the core keeps them (giamngheo.model.uncertainty draw_params, engine._kept_change_path)
    kept_draws: list = []
    int_rows = whole
    kept_others: dict[int, tuple[Any, dict]] = {}

    def go(values: dict | None = None) -> dict[str, float]:
        vals = base_vals if values is None else values
        mean = mean_sc if values is None else np.array([vals[a.id] for a in items], np.float32)[:, None]
        if kept_draws:
            XS, m0 = kept_draws
            moved = np.flatnonzero(mean[:, 0] != m0[:, 0])
            if len(moved):
                Y = X[moved] * sd[moved]
                Y += mean[moved]
                np.clip(Y, lo[moved], hi[moved], out=Y)
                Y[int_rows[moved]] = np.rint(Y[int_rows[moved]])
                XS = XS.copy()
                XS[moved] = Y
        else:
            XS = draws(X, mean)
        kept_draws[:] = [XS, mean]
        rows = {}
        for src, M in (("p", XS), ("now", XD)):
            r = {k: (M[idx[k]] if k in idx else float((vals if src == "p" else defaults)[k]))
                 for k in (vals if src == "p" else defaults)}
            for ch, ids in members.items():
                r[ch] = sum((r[i] for i in ids[1:]), r[ids[0]])
            for whole, part in parts:
                r[whole] = np.maximum(r[whole], r[part])
            # the pace sliders as multiples of their defaults' hazards: once per call, as the core does
            r["_m_all"] = hz(r["poor_fall"]) / hz(sc.f0)
            r["_m_near"] = hz(r["near_poor_fall"]) / hz(sc.fn0)
            for k in groups:
                if f"{k}_poor_fall" in r and sc.fg0.get(k, 0) > 0:
                    r[f"_m_{k}"] = hz(r[f"{k}_poor_fall"]) / hz(sc.fg0[k])
            rows[src] = r
        st = {k: list(g) for k, g in groups.items()}
        keep: dict[Any, np.ndarray] = {}
        on_new = brk is not None and inp.start_year >= brk
        # the nowcast years depend on the nowcast's draws and the scenario's re-basing factors only: kept from
        # one call to the next when those are the same values, as the core keeps them (giamngheo.model.poverty
        # run_poverty keep_nowcast, comparing the values)
        reb = tuple(np.asarray(rows["p"][k]) for k in ("rebase_factor", "rebase_factor_no_work", "rebase_factor_near"))
        todo = years
        if kept_now and all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(kept_now[0], reb)):
            _, st0, keep0, on_new = kept_now
            st = {k: list(g) for k, g in st0.items()}
            keep.update(keep0)
            todo = [y for y in years if y >= lf]
        for y in todo:
            v = rows["p"] if y >= lf else rows["now"]
            vp = rows["p"]
            rebase = brk is not None and y == brk and not on_new
            k_new = vp["rebase_factor"] if on_new else 1.0
            k_near = vp["rebase_factor_near"] if on_new else 1.0
            Ht = sum(g[0] for g in st.values())
            lam_j = v["jobs"] * v["job_priority"] * (v["job_lift"] / 100) / Ht
            ov_e = v["overseas_ethnic"]
            ov = np.maximum(v["overseas"], ov_e)
            sigma = np.minimum(v["no_work_exit_rate"] / 100, 1.0)
            kap, nu = v["near_no_work_share"] / 100, v["no_work_share"] / 100
            shock = np.where(v["shock_year"] == y, v["shock_households"], 0.0)
            for k, (H, W, D, N) in st.items():
                m_g = v.get(f"_m_{k}", 1.0)
                split_k = split.get(k)
                ov_g = ov_e if split_k == "ethnic" else (ov - ov_e if split_k == "non_ethnic" else ov * H / Ht)
                lam_o = ov_g * v["overseas_priority"] * (v["overseas_lift"] / 100) / max(H, 1e-9) if np.ndim(H) == 0 \
                    else ov_g * v["overseas_priority"] * (v["overseas_lift"] / 100) / np.maximum(H, 1e-9)
                lam_p = sc.lam0 * v["_m_all"] * m_g
                lam_n = sc.lam_near0 * v["_m_near"] * v["_m_all"] * m_g
                O = H - W - D - N
                new = np.minimum(v["new_poor_rate"] / 100 * k_new * O, O)
                ret = v["returning_poor_rate"] / 100 * N
                sh = np.minimum(shock * H / Ht, np.maximum(O - new, 0.0))
                x_w = W * -np.expm1(-(lam_p + lam_j + lam_o))
                x_d = sigma * D
                n_left = N - ret
                x_n = n_left * ((1 - kap) * -np.expm1(-(lam_n + lam_j + lam_o)) + kap * -np.expm1(-lam_n))
                near_new = np.minimum(v["near_new_rate"] / 100 * k_near * O, np.maximum(O - new - sh, 0.0))
                inflow = new + ret
                W2 = W - x_w + (1 - nu) * inflow + sh
                D2 = D - x_d + nu * inflow
                N2 = n_left - x_n + v["exit_to_near_poor"] / 100 * (x_w + x_d) + near_new
                H2 = H * (1 + v["household_growth"] / 100)
                if rebase:
                    P = np.minimum((W2 + D2) * vp["rebase_factor"], H2)
                    D2 = np.minimum(D2 * vp["rebase_factor_no_work"], P)
                    W2 = P - D2
                    N2 = np.minimum(N2 * vp["rebase_factor_near"], H2 - P)
                st[k] = [H2, W2, D2, N2]
            if rebase:
                on_new = True
            Hs = H_known.get(y, sum(g[0] for g in st.values()))
            keep[("poor_rate", y)] = 100 * sum(g[1] + g[2] for g in st.values()) / Hs
            keep[("near_poor_households", y)] = sum(g[3] for g in st.values())
            if y == lf - 1 and todo is years:
                kept_now[:] = [tuple(x.copy() for x in reb), {k: list(g) for k, g in st.items()}, dict(keep), on_new]
        for i, last, v0, (blo, bhi), sat, per_year in others:
            got = kept_others.get(i)
            if got is not None and got[0] == mean[i, 0]:
                keep.update(got[1])
                continue
            d = XS[i]
            x = np.float32(v0)
            gap = max(100.0 - v0, 1e-9)
            path = {}
            for y in range(last + 1, hor + 1):
                if per_year:
                    x = np.maximum(d, 0.0)
                elif sat:
                    x = np.where(d > 0, 100.0 - (100.0 - x) * (1 - np.minimum(d / gap, 0.999)), x + d)
                else:
                    x = x + d
                path[(i, y)] = np.clip(x, blo, bhi)
            kept_others[i] = (mean[i, 0], path)
            keep.update(path)
        out = {}
        for tg in tests:
            if tg.kind == "relative_change" and tg.indicator == "poor_rate":
                q = keep[("poor_rate", hor)] / keep[("poor_rate", brk)]
            elif tg.kind == "relative_change":
                q = keep[("near_poor_households", hor)] / keep[("near_poor_households", brk)]
            else:
                i = next((o[0] for o in others if items[o[0]].indicator == tg.indicator), None)
                if i is None:
                    continue
                q = keep[(i, tg.target_year)]
                q = np.minimum(q, tg.units_total) / tg.units_total if tg.kind == "units_share" else q
            thr = tg.factor if tg.kind == "relative_change" else tg.value
            out[tg.id] = float(np.mean(q <= thr + 1e-9 if tg.kind == "relative_change" else q >= thr - 1e-9))
        return out
    return go


# ------------------------------------------------------------------------------------- AppTest

def apptest_overview(repeats: int) -> dict[str, tuple[float, float, float]]:
    from streamlit.testing.v1 import AppTest
    os.environ.setdefault("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", "full")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()                                    # app.py's default page is the overview
    from benchmarks.pages import wait_for_warm_up
    wait_for_warm_up()                          # not the background template build's CPU
    at.run()
    unchanged = median_ms(at.run, repeats, warmup=1)
    values = iter(np.linspace(3010, 7990, 10 * repeats + 10).round())

    def moved() -> None:
        at.session_state["jobs"] = int(next(values))   # a new scenario each time: nothing cached
        at.run()
    slider = median_ms(moved, repeats, warmup=1)
    return {"overview rerun in AppTest, nothing changed": unchanged,
            "overview rerun in AppTest after a slider move (jobs)": slider}


# -------------------------------------------------------------------------------------- Altair

def altair_specs(ctx, scenario: Scenario, repeats: int) -> dict[str, tuple[float, float, float]]:
    from giamngheo.model.uncertainty import monte_carlo_cached
    from giamngheo.report import charts
    mc = monte_carlo_cached(ctx, scenario)
    brk = ctx.plan.standard.break_year if ctx.plan.standard else None
    groups = ["all"] + ctx.groups

    def build() -> list[dict]:
        specs = []
        for ind in ("poor_rate", "near_poor_rate"):
            df = charts.path_frame(mc.projection, [(ind, g, g) for g in groups], "vi", break_year=brk,
                                   from_year=ctx.plan.period[0], bands=True)
            specs.append(charts.line_chart(df, ind, "vi", break_year=brk))
        return specs
    cached = build()

    def templates() -> list[str]:
        return [json.dumps({k: v for k, v in s.items() if k != "datasets"}) for s in cached]
    return {"2 fan charts (poverty page): frame + spec (cached template + data)": median_ms(build, repeats),
            "the same 2 charts: template JSON only (data go as Arrow)": median_ms(templates, repeats)}


# ----------------------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python benchmarks/bench.py", description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=9)
    ap.add_argument("--draws", type=int, default=DEFAULT_DRAWS)
    ap.add_argument("--no-apptest", action="store_true", help="skip the AppTest rerun (slowest part)")
    ap.add_argument("--pages", action="store_true",
                    help="also every page's rerun CPU against the floor page (benchmarks/pages.py)")
    a = ap.parse_args(argv)
    import logging
    logging.getLogger("streamlit").setLevel(logging.ERROR)   # "missing ScriptRunContext" outside a session
    r, n = a.repeats, a.draws
    ctx = default_context()
    sc = Scenario()
    results: dict[str, tuple[float, float, float]] = {}

    # the core: assessment + 10,000 draws, CPU and page faults, with glibc's default allocator
    # thresholds, then with the app's (tune_allocator: freed heap kept); and the numpy floor
    from giamngheo.model.uncertainty import tune_allocator
    moves = iter(range(3000, 8000, 10))

    def core() -> Any:
        # what a slider move costs the core: monte_carlo runs the scenario's deterministic projection and
        # assessment (engine.run, a new scenario each call so never cached) and then the draws. (An
        # earlier version also called assess(project(...)) beside it: the assessment counted twice.)
        s = sc.with_values(jobs=float(next(moves)))
        return monte_carlo(ctx, s, n, DEFAULT_SEED)
    core_default = cpu_faults(core, r)
    tuned = tune_allocator()
    core_tuned = cpu_faults(core, r)
    floor_fn = numpy_floor(ctx, sc, n, DEFAULT_SEED)
    floor_cpu = cpu_faults(floor_fn, r)
    # the floor after a move: the same new values as core() gets (jobs moved), the draws around them and the
    # deterministic projection at them, as the core's monte_carlo does (engine.run, then the draws)
    floor_det = numpy_floor(ctx, sc, n, DEFAULT_SEED, deterministic=True)
    base = dict(ctx.registry.resolve(sc))
    floor_moves = iter(range(3000, 8000, 10))

    def floor_move() -> None:
        v = {**base, "jobs": float(next(floor_moves))}
        floor_det(v)
        floor_fn(v)
    floor_move_cpu = cpu_faults(floor_move, r)
    # the Monte Carlo of an unchanged scenario (its deterministic run cached by the engine): the draws alone
    mc_same_cpu = cpu_faults(lambda: monte_carlo(ctx, sc, n, DEFAULT_SEED), r)

    def det() -> None:
        assess(ctx.plan, project(ctx, sc), ctx.obs)
    results["deterministic assessment (project + verdicts), uncached"] = median_ms(det, r)

    results[f"Monte Carlo, {n:,} draws, all targets"] = median_ms(lambda: monte_carlo(ctx, sc, n, DEFAULT_SEED), r)
    results["  of which: the draws"] = median_ms(lambda: draw_params(ctx.registry, sc, n, DEFAULT_SEED), r)
    params = draw_params(ctx.registry, sc, n, DEFAULT_SEED)
    results["  of which: the vectorised projection"] = median_ms(lambda: project(ctx, sc, params=params, n_draws=n), r)
    floor = numpy_floor(ctx, sc, n, DEFAULT_SEED)
    results[f"numpy floor, same array work, {n:,} draws"] = median_ms(floor, r)

    from giamngheo.model import goalseek as gs

    def seek_cold() -> None:
        gs._seek.cache_clear()
        gs.requirements(ctx, sc)
    results["goal seek, every projected target, uncached"] = median_ms(seek_cold, r)
    fall = iter(np.linspace(0.5, 2.5, 10 * r + 10))

    def seek_move() -> None:
        s = sc.with_values(jobs=float(round(next(fall) * 1000)))
        run(ctx, s)
        gs.requirements(ctx, s)
    results["goal seek after a jobs slider move (cache by scenario)"] = median_ms(seek_move, r)
    # the tornado and the gap attribution share one run of the model (goalseek._what_it_takes_run): each timed
    # with that run made again, and both together as Mức cần đạt asks for them on a move
    def one_run_then(fn):
        def go() -> Any:
            gs._what_it_takes_run.cache_clear()
            return fn()
        return go
    results["gap attribution (8 lever combinations, its run made again)"] = median_ms(
        one_run_then(lambda: gs.gap_attribution.__wrapped__(ctx, sc)), r)
    results["tornado (all poverty assumptions, both ends, its run made again)"] = median_ms(
        one_run_then(lambda: gs._tornado.__wrapped__(ctx, sc, ctx.horizon, 2.0, ())), r)
    results["tornado and gap attribution, one run of the model for both"] = median_ms(
        one_run_then(lambda: (gs.gap_attribution.__wrapped__(ctx, sc), gs._tornado.__wrapped__(ctx, sc, ctx.horizon,
                                                                                               2.0, ()))), r)
    results.update(altair_specs(ctx, sc, r))
    if not a.no_apptest:
        results.update(apptest_overview(max(3, r // 2)))

    # check the floor computes the same probabilities as the core (same seed, same draws)
    mc = monte_carlo(ctx, sc, n, DEFAULT_SEED)
    got = floor()
    agree = all(abs(got[k] - mc.probability(k)) <= 2 / n for k in got)   # float32 ties aside

    print("giamngheo benchmark — medians over", r, "repeats (min–max), milliseconds")
    for k, v in machine().items():
        print(f"  {k}: {v}")
    print()
    w = max(len(k) for k in results)
    for k, (med, lo, hi) in results.items():
        print(f"  {k:<{w}}  {med:9.1f}   ({lo:.1f}–{hi:.1f})")
    mc_ms = results[f"Monte Carlo, {n:,} draws, all targets"][0]
    fl_ms = results[f"numpy floor, same array work, {n:,} draws"][0]
    print()
    print(f"  core (assessment + Monte Carlo {n:,} draws), process CPU ms / minor page faults a call:")
    print(f"    glibc default thresholds: {core_default[0]:.1f} ms / {core_default[1]:,} faults")
    print(f"    freed heap kept (tune_allocator{'' if tuned else ': NOT APPLIED'}): "
          f"{core_tuned[0]:.1f} ms / {core_tuned[1]:,} faults")
    print(f"    numpy floor after a move (deterministic projection + draws at new values): {floor_move_cpu[0]:.1f} ms"
          f" / {floor_move_cpu[1]:,} faults  →  core ÷ floor {core_tuned[0] / floor_move_cpu[0]:.2f}×   (aim: ≤ 2×)")
    print(f"  Monte Carlo of an unchanged scenario (the draws alone), process CPU ms: core {mc_same_cpu[0]:.1f}, "
          f"numpy floor {floor_cpu[0]:.1f}  →  {mc_same_cpu[0] / floor_cpu[0]:.2f}×   (aim: ≤ 2×)")
    print(f"  Monte Carlo / numpy floor (wall): {mc_ms / fl_ms:.1f}×")
    print(f"  the floor's probabilities equal the core's: {'yes' if agree else 'NO'} "
          f"({', '.join(f'{k} {v:.4f}' for k, v in got.items())})")
    if a.pages:
        print()
        from benchmarks import pages
        return pages.main(["--repeats", str(max(3, r // 2))])
    return 0


if __name__ == "__main__":
    sys.exit(main())

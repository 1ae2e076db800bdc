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

from giamngheo.model.assess import assess  # noqa: E402
from giamngheo.scenario.assumptions import Scenario
from giamngheo.model.engine import default_context, poverty_inputs, project, run
from giamngheo.model.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED, draw_params, monte_carlo, sd_of  # noqa: E402



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

def numpy_floor(ctx, scenario: Scenario, n: int, seed: int) -> Callable[[], dict[str, float]]:
    """The Monte Carlo's array work written directly: one function with no objects, no dicts of
    paths and no generic target evaluators. Set-up (reading the registry and the start stocks) is
    done once, outside the timed function."""
    reg = ctx.registry
    vals = reg.resolve(scenario)
    items = [a for a in reg if sd_of(a) > 0]
    mean = np.array([vals[a.id] for a in items])
    sd = np.array([sd_of(a) for a in items])
    lo = np.array([a.min for a in items])[:, None]
    hi = np.array([a.max for a in items])[:, None]
    whole = np.array([a.integer for a in items])
    sd32, mean32 = sd.astype(np.float32)[:, None], mean.astype(np.float32)[:, None]
    lo32, hi32 = lo.astype(np.float32), hi.astype(np.float32)
    idx = {a.id: i for i, a in enumerate(items)}
    inp = poverty_inputs(ctx)
    groups = {k: np.array(v, float) for k, v in inp.groups.items()}
    named = [k for k in groups if k != "rest"]
    years = list(range(inp.start_year + 1, inp.horizon + 1))
    brk = inp.break_year
    split = inp.overseas_split
    # the other indicators: last actual value, bounds, saturating or not, per-year flow or change
    others = []
    for a in reg:
        if a.section == "indicators" and a.indicator and a.id in idx:
            s = ctx.obs.series(a.indicator, a.group)
            if s:
                ind = ctx.indicators[a.indicator]
                others.append((idx[a.id], max(s), s[max(s)], ind.bounds, ind.saturates and ind.kind == "rate",
                               a.id.endswith("_per_year")))
    flows = [(idx[k], k) for k in ("jobs", "overseas", "overseas_ethnic") if k in idx]
    tests = [tg for tg, v in zip(ctx.plan.targets, run(ctx, scenario)[1]) if v.basis == "projected"]
    hor = inp.horizon

    def const(k: str) -> Any:
        return vals.get(k, 0.0)

    def go() -> dict[str, float]:
        rng = np.random.default_rng(seed)
        # the core's draws: float32 normals, scaled, shifted and clipped in float32, then the model's
        # arithmetic in float64 (as giamngheo.model.poverty does)
        X = rng.standard_normal((len(items), n), dtype=np.float32)
        X *= sd32
        X += mean32
        np.clip(X, lo32, hi32, out=X)
        X[whole] = np.rint(X[whole])
        X = X.astype(np.float64)
        v = lambda k: X[idx[k]] if k in idx else const(k)  # noqa: E731
        growth = v("household_growth") / 100
        s_near, no_work = v("exit_to_near_poor") / 100, v("no_work_share") / 100
        jobs, ov = v("jobs"), v("overseas")
        ov_eth = np.minimum(v("overseas_ethnic"), ov)
        r_new, r_ret = v("new_poor_rate") / 100, v("returning_poor_rate") / 100
        r_near_new = v("near_new_rate") / 100
        nw_exit, near_nw = v("no_work_exit_rate") / 100, v("near_no_work_share") / 100
        reach_j, lift_j = v("job_reach_poor") / 100, v("job_lift") / 100
        reach_o, lift_o = v("overseas_reach_poor") / 100, v("overseas_lift") / 100
        f_all, fn_all = v("poor_fall"), v("near_poor_fall")
        H = {k: g[0] for k, g in groups.items()}
        P = {k: g[1] for k, g in groups.items()}
        N = {k: g[2] for k, g in groups.items()}
        keep: dict[tuple[str, int], np.ndarray] = {}
        for y in years:
            if brk is not None and y == brk and inp.start_year < brk:
                for k in groups:
                    P[k] = np.minimum(P[k] * v("rebase_factor"), H[k])
                    N[k] = np.minimum(N[k] * v("rebase_factor_near"), H[k] - P[k])
            Ht = sum(H.values())
            fk = {k: (v(f"{k}_poor_fall") if f"{k}_poor_fall" in vals else f_all, fn_all) for k in named}
            fk["rest"] = (np.maximum((f_all * Ht - sum(fk[k][0] * H[k] for k in named)) / H["rest"], 0.0),
                          np.maximum((fn_all * Ht - sum(fk[k][1] * H[k] for k in named)) / H["rest"], 0.0))
            shock = np.where(v("shock_year") == y, v("shock_households"), 0.0)
            for k in groups:
                h, p, nn = H[k], P[k], N[k]
                o = h - p - nn
                hn = h * (1 + growth)
                share = h / Ht
                new, ret = np.minimum(r_new * o, o), np.minimum(r_ret * nn, nn)
                sh = np.minimum(shock * share, np.maximum(o - new, 0.0))
                p_star = np.maximum(0.0, (p / h - fk[k][0] / 100) * hn)
                n_star = np.maximum(0.0, (nn / h - fk[k][1] / 100) * hn)
                e0 = np.maximum(p + new + ret - p_star, 0.0)
                pl = ov_eth if split.get(k) == "ethnic" else ov - ov_eth if split.get(k) == "non_ethnic" else ov * share
                pl_ref = (inp.ref_overseas_ethnic if split.get(k) == "ethnic" else
                          inp.ref_overseas - inp.ref_overseas_ethnic if split.get(k) == "non_ethnic" else
                          inp.ref_overseas * share)
                js = float(np.mean(share))
                cj, co = jobs * js * reach_j * lift_j, pl * reach_o * lift_o
                cap = p * (1 - no_work)
                c = np.minimum(cj + co, cap)
                c_ref = np.minimum(inp.ref_jobs * js * reach_j * lift_j + pl_ref * reach_o * lift_o, cap)
                e_max = p * (1 - no_work + no_work * nw_exit)
                e = np.clip(e0 - c_ref + c, 0.0, e_max)
                with np.errstate(invalid="ignore", divide="ignore"):
                    chs = np.where(cj + co > 0, c / (cj + co), 0.0)
                ej = np.minimum(cj * chs, e)
                keep[("exits_jobs", y, k)] = ej                               # type: ignore[index]
                keep[("exits_overseas", y, k)] = np.minimum(co * chs, e - ej)  # type: ignore[index]
                p_next = p + new + ret + sh - e
                near_new = np.minimum(r_near_new * o, np.maximum(o - new - sh, 0.0))
                x = np.clip(nn - ret + s_near * np.clip(e0, 0.0, e_max) + near_new - n_star, 0.0,
                            (nn - ret + s_near * e) * (1 - near_nw + near_nw * nw_exit))
                n_next = np.minimum(np.maximum(nn - ret + s_near * e + near_new - x, 0.0), hn - p_next)
                H[k], P[k], N[k] = hn, p_next, n_next
            keep[("poor_rate", y)] = 100 * sum(P.values()) / sum(H.values())
            keep[("near_poor_households", y)] = sum(N.values())
            for k in named:
                keep[(f"poor_rate_{k}", y)] = 100 * P[k] / H[k]
        # the other indicators and the labour flows
        for i, last, v0, (blo, bhi), sat, per_year in others:
            d = X[i]
            for y in range(last + 1, hor + 1):
                if per_year:
                    x = np.maximum(d, 0.0)
                elif sat:
                    gap0 = max(100.0 - v0, 1e-9)
                    x = np.where(d > 0, 100.0 - gap0 * (1 - np.minimum(d / gap0, 0.999)) ** (y - last), v0 + d * (y - last))
                else:
                    x = v0 + d * (y - last)
                keep[(i, y)] = np.clip(x, blo, bhi)
        for i, _k in flows:
            keep[(i, "flow")] = np.maximum(X[i], 0.0)
        # the target tests: the share of draws meeting each projected target
        out = {}
        for tg in tests:
            if tg.kind == "relative_change" and tg.indicator == "poor_rate":
                q = keep[("poor_rate", hor)] / keep[("poor_rate", brk)]
            elif tg.kind == "relative_change":
                q = keep[("near_poor_households", hor)] / keep[("near_poor_households", brk)]
            else:
                i = next(o[0] for o in others if reg.items[items[o[0]].id].indicator == tg.indicator)
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
    from giamngheo.report import charts
    from giamngheo.model.uncertainty import monte_carlo_cached
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
    return {"2 fan charts (poverty page): frame + spec (cached template + data)": median_ms(build, repeats),
            "the same 2 charts: template JSON only (data go as Arrow)": median_ms(lambda: [json.dumps({k: v for k, v in s.items() if k != "datasets"}) for s in cached],
                                                                                repeats)}


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
        s = sc.with_values(jobs=float(next(moves)))
        return assess(ctx.plan, project(ctx, s), ctx.obs), monte_carlo(ctx, s, n, DEFAULT_SEED)
    core_default = cpu_faults(core, r)
    tuned = tune_allocator()
    core_tuned = cpu_faults(core, r)
    floor_fn = numpy_floor(ctx, sc, n, DEFAULT_SEED)
    floor_cpu = cpu_faults(floor_fn, r)

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
    results["gap attribution (8 lever combinations, one vectorised run)"] = median_ms(
        lambda: gs.gap_attribution.__wrapped__(ctx, sc), r)
    results["tornado (all poverty assumptions, both ends, one vectorised run)"] = median_ms(
        lambda: gs._tornado.__wrapped__(ctx, sc, ctx.horizon, 2.0, ()), r)
    results.update(altair_specs(ctx, sc, r))
    if not a.no_apptest:
        results.update(apptest_overview(max(3, r // 2)))

    # check the floor computes the same probabilities as the core (same seed, same draws)
    mc = monte_carlo(ctx, sc, n, DEFAULT_SEED)
    got = floor()
    agree = all(abs(got[k] - mc.probability(k)) < 1e-12 for k in got)

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
    print(f"    numpy floor: {floor_cpu[0]:.1f} ms / {floor_cpu[1]:,} faults  →  core ÷ floor "
          f"{core_tuned[0] / floor_cpu[0]:.2f}×   (issue 16 aim: ≤ 20 ms and ≤ 2×)")
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

"""The core's work of a lever move, as the pages ask for it: each call's thread CPU.

A move is what the load script does (``scripts/load_test.py``): one of the headline levers, chosen at random,
to a random value on its grid that makes a scenario not asked for before; then the calls a page makes on that
fresh scenario, in the order a rerun makes them: the deterministic run and verdicts (``engine.run``), the
sidebar's goal seeks (``goalseek.lever_requirements``), the page's own requirements (cached by then), the
Monte Carlo of the chances shown (``uncertainty.monte_carlo_cached``), and Mức cần đạt's gap attribution and
tornado. Every page pays the first four; Mức cần đạt pays all six. Prints the mean of each and of the
whole, over ``--moves`` moves after ten to warm up, and the machine's load average.

Taken in turns against another checkout (the same script run from each tree), the difference is what a change
to the core saves on a move; ``--seed`` gives another sequence of moves.

``--one-run`` asks instead what one run of the poverty model for all of a move's rows would save against the
separate runs a move makes (each row is worked out alone, so one run could hold them all): the deterministic
run (with its flows), a round of the goal seeks (the 2 × 1,160 lever values of the 2030 poverty targets' first
round after a small step) and the tornado's and gap attribution's 55 rows, each alone and all in one run (with
the flows, as the deterministic run needs them, and without); the Monte Carlo's draws are single precision and
cannot share a run with them.

    python benchmarks/core_move.py --moves 300
    (cd /path/to/other/checkout && python /path/to/this/benchmarks/core_move.py --moves 300)
    python benchmarks/core_move.py --one-run
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path.cwd()          # the checkout measured: the one the script is run from
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--moves", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", help="append the result (one JSON object a line) to this file")
    ap.add_argument("--one-run", action="store_true", help="the separate runs of a move against one run for all")
    a = ap.parse_args()
    if a.one_run:
        return one_run(a)

    from giamngheo.model import goalseek
    from giamngheo.model.engine import default_context, run
    from giamngheo.model.uncertainty import monte_carlo_cached, tune_allocator
    from giamngheo.scenario.scenario import Scenario
    tune_allocator()                       # as the app does
    ctx = default_context()
    heads = list(ctx.registry.section("headline"))
    rng = random.Random(a.seed)
    vals: dict[str, float] = {}
    seen: set = set()
    times: dict[str, list[float]] = {}

    def timed(name, fn):
        t = time.thread_time()
        fn()
        times.setdefault(name, []).append(1e3 * (time.thread_time() - t))

    load = os.getloadavg()
    for i in range(a.moves + 10):
        if i == 10:
            times.clear()
        lever = rng.choice(heads)
        k = int(round((lever.max - lever.min) / lever.step))
        for _ in range(50):
            v = round(lever.min + lever.step * rng.randint(0, k), 6)
            key = tuple(sorted({**vals, lever.id: v}.items()))
            if key not in seen:
                break
        seen.add(key)
        vals[lever.id] = v
        sc = Scenario.of("", vals)
        timed("run", lambda: run(ctx, sc))
        timed("lever_requirements", lambda: goalseek.lever_requirements(ctx, sc))
        timed("requirements", lambda: goalseek.requirements(ctx, sc))
        timed("monte_carlo", lambda: monte_carlo_cached(ctx, sc))
        timed("gap_attribution", lambda: goalseek.gap_attribution(ctx, sc))
        timed("tornado", lambda: goalseek.tornado(ctx, sc))
    every_page = [sum(x) for x in zip(*(times[k] for k in ("run", "lever_requirements", "requirements",
                                                              "monte_carlo")))]
    whole = [sum(x) for x in zip(*times.values())]
    out = {"checkout": str(ROOT), "moves": a.moves, "seed": a.seed,
           "loadavg_before": " ".join(f"{x:.2f}" for x in load),
           "loadavg_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
           "mean_ms": {k: round(statistics.mean(v), 3) for k, v in times.items()},
           "every_page_mean_ms": round(statistics.mean(every_page), 3),
           "muc_can_dat_mean_ms": round(statistics.mean(whole), 3),
           "muc_can_dat_median_ms": round(statistics.median(whole), 3)}
    print(json.dumps(out, ensure_ascii=False))
    if a.json:
        with open(a.json, "a", encoding="utf-8") as f:
            f.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 0


def one_run(a) -> int:
    import numpy as np

    from giamngheo.model import goalseek as gs
    from giamngheo.model.engine import default_context, poverty_run
    from giamngheo.model.uncertainty import tune_allocator
    from giamngheo.scenario.scenario import Scenario
    tune_allocator()
    ctx = default_context()
    reg = ctx.registry
    vals = dict(reg.resolve(Scenario.of("", {"jobs": 3100.0})))
    seek = dict(vals)                                   # two searches side by side, 1,160 values each
    for i, lever in enumerate(("poor_fall", "near_poor_fall")):
        lo, hi = reg[lever].min, reg[lever].max
        parts = [np.full(1160, float(vals[lever])), np.full(1160, float(vals[lever]))]
        parts[i] = np.linspace(lo, hi, 1160)
        seek[lever] = np.concatenate(parts)
    items, _, t_cols = gs._tornado_columns(ctx, vals, 2.0, ())
    _, subsets, g_cols = gs._gap_columns(ctx, vals)
    n_t, n_g = 2 * len(items) + 1, len(subsets)
    rows = dict(vals)
    for k in {**t_cols, **g_cols}:
        rows[k] = np.concatenate([t_cols[k] if k in t_cols else np.full(n_t, float(vals[k])),
                                  g_cols[k] if k in g_cols else np.full(n_g, float(vals[k]))])
    together = dict(vals)
    for k in set(seek) | set(rows):
        if np.ndim(seek[k]) or np.ndim(rows[k]):
            together[k] = np.concatenate([np.atleast_1d(np.asarray(vals[k], float)),
                                          np.broadcast_to(np.asarray(seek[k], float), (2320,)),
                                          np.broadcast_to(np.asarray(rows[k], float), (n_t + n_g,))])

    def ms(fn, repeat=300) -> float:
        xs = []
        for _ in range(repeat):
            t = time.thread_time()
            fn()
            xs.append(1e3 * (time.thread_time() - t))
        return round(statistics.median(xs), 3)

    load = os.getloadavg()
    out: dict = {"rows": {"deterministic": 1, "goal_seeks": 2320, "tornado_and_gap": n_t + n_g}}
    for r in range(3):
        got = {"deterministic_with_flows": ms(lambda: poverty_run(ctx, vals, flows=True)),
               "goal_seeks": ms(lambda: poverty_run(ctx, seek)),
               "tornado_and_gap": ms(lambda: poverty_run(ctx, rows)),
               "one_run_without_flows": ms(lambda: poverty_run(ctx, together)),
               "one_run_with_flows": ms(lambda: poverty_run(ctx, together, flows=True))}
        got["separate_total"] = round(got["deterministic_with_flows"] + got["goal_seeks"] + got["tornado_and_gap"], 3)
        out[f"pass_{r + 1}_median_ms"] = got
    out["loadavg_before"] = " ".join(f"{x:.2f}" for x in load)
    out["loadavg_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if a.json:
        with open(a.json, "a", encoding="utf-8") as f:
            f.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

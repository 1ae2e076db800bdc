"""Where a page's rerun after a lever move spends its script thread's CPU, by section, without a profiler.

The page runs in Streamlit's AppTest, each rerun as the browser asks for it (the overview's and meeting mode's
fragment alone: ``benchmarks/apptest_rerun.py``), scripts compiled once as on the server. Each move sets one
headline lever, chosen at random, to a value on its grid not asked for before (a fresh scenario: nothing of the
core is cached), as the load script moves them. Around the calls a rerun makes (wrapped before the first run, so
the fragment's function sees the wrappers), the thread CPU of each section is summed; a section that calls itself
again, or is called inside another section, is counted in both (the sections are not a partition: "mc core" holds
"det run", "render_levers" holds "goal seeks"; meeting mode calls "render_lever" and the goal seeks itself).
cProfile would double the Python's cost and move the shares; these are the plain figures. The rest of a run (the
script's own Streamlit calls and the fragment's machinery) is "script run" less the outer sections. A function
a module bound by ``from ... import`` before the wrapping keeps its own name unwrapped: such calls (e.g. a
deterministic run ``giamngheo.ui.session`` makes itself) are counted in their caller's section only.

    python benchmarks/fragment_sections.py --page tong-quan --moves 60
    python benchmarks/fragment_sections.py --page cuoc-hop --moves 60 --json out.json
"""
from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path.cwd()          # the checkout measured: the one the script is run from
sys.path.insert(0, str(ROOT))

# (module, function, section): what a rerun of the overview or meeting mode calls, outer sections first
SECTIONS = [
    ("giamngheo.ui.session", "context", "context()"),
    ("giamngheo.ui.session", "mc_results", "mc_results (Monte Carlo, its compaction, the deterministic run)"),
    ("giamngheo.model.uncertainty", "monte_carlo", "  mc core (with the deterministic run)"),
    ("giamngheo.model.engine", "run", "    det run (deterministic run and verdicts)"),
    ("giamngheo.ui.levers", "render_levers", "render_levers (the headline levers)"),
    ("giamngheo.ui.levers", "lever_needs", "  goal seeks (lever_needs)"),
    ("giamngheo.ui.levers", "render_lever", "  one lever's widgets and note, all levers (render_lever)"),
    ("giamngheo.ui.levers", "need_text", "  need text"),
    ("giamngheo.ui.main_chart", "main_chart_slot", "main chart"),
    ("giamngheo.ui.main_chart", "cached_spec", "  main chart spec, data and Arrow"),
    ("giamngheo.report.board", "board", "board rows"),
    ("giamngheo.ui.board_view", "render_boards", "board HTML and its elements"),
    ("giamngheo.ui.board_view", "kept_html", "board rows' and chips' HTML"),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--page", default="tong-quan", help="a page's slug (tong-quan, cuoc-hop, ...)")
    ap.add_argument("--moves", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", help="write the figures here too")
    a = ap.parse_args()

    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
    from streamlit.testing.v1 import AppTest

    from benchmarks.apptest_rerun import rerun_as_browser, server_script_cache
    from benchmarks.pages import wait_for_warm_up

    spent: dict[str, float] = {}
    inside: set[str] = set()

    def wrap(module: str, name: str, label: str) -> None:
        mod = importlib.import_module(module)
        f = getattr(mod, name)

        @functools.wraps(f)
        def timed(*args, **kw):        # noqa: ANN002, ANN003, ANN202 - any function's signature
            if label in inside:
                return f(*args, **kw)
            inside.add(label)
            t = time.thread_time()
            try:
                return f(*args, **kw)
            finally:
                spent[label] = spent.get(label, 0.0) + time.thread_time() - t
                inside.discard(label)
        setattr(mod, name, timed)

    for module, name, label in SECTIONS:
        wrap(module, name, label)
    run_script = ScriptRunner._run_script

    def timed_run(self, *args, **kw):   # noqa: ANN001, ANN002, ANN003, ANN202 - Streamlit's own signature
        t = time.thread_time()
        try:
            return run_script(self, *args, **kw)
        finally:
            spent["script run (all)"] = spent.get("script run (all)", 0.0) + time.thread_time() - t
    ScriptRunner._run_script = timed_run

    files = {p.name.split("_", 1)[1].replace("_", "-").removesuffix(".py"): p
             for p in (ROOT / "app_pages").glob("*.py")}
    rng = random.Random(a.seed)
    from giamngheo.model.engine import default_context
    reg = default_context().registry
    levers = [x for x in reg.section("headline")]
    seen: set[tuple] = set()
    values = {x.id: x.default for x in levers}

    def move(at: AppTest) -> None:
        while True:
            x = rng.choice(levers)
            step = x.step or (1.0 if x.integer else 0.1)
            k = rng.randint(0, max(1, round((x.max - x.min) / step)))
            v = x.clamp(x.min + k * step)
            v = int(round(v)) if x.integer else round(v, 6)
            key = tuple(sorted({**values, x.id: v}.items()))
            if v != values[x.id] and key not in seen:
                break
        seen.add(key)
        values[x.id] = v
        at.session_state[x.id] = v
        rerun_as_browser(at, x.id)

    load_before = os.getloadavg()
    with server_script_cache():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.run()
        if a.page != "tong-quan":
            at.switch_page(str(files[a.page].relative_to(ROOT))).run()
        wait_for_warm_up()
        at.run()
        for _ in range(8):      # warm: the first moves build what every later one reuses
            move(at)
        spent.clear()
        t = time.process_time()
        for _ in range(a.moves):
            move(at)
        process = time.process_time() - t
    ScriptRunner._run_script = run_script
    out = {"page": a.page, "moves": a.moves, "seed": a.seed, "checkout": ROOT.name,
           "loadavg_before": " ".join(f"{x:.2f}" for x in load_before),
           "loadavg_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
           "process_cpu_ms_per_move": round(1e3 * process / a.moves, 2),
           "sections_thread_cpu_ms_per_move": {k: round(1e3 * v / a.moves, 2)
                                               for k, v in sorted(spent.items(), key=lambda kv: -kv[1])}}
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if a.json:
        Path(a.json).write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

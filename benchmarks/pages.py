"""Rerun cost of every page against a floor page, measured side by side in one run.

    python benchmarks/pages.py [--repeats 7] [--pages tong-quan,giam-ngheo] [--json out.json]

Each page runs in Streamlit's AppTest inside the app (app.py: navigation, language, the sidebar with
its 39 sliders and goal-seek captions), as a user sees it. What is measured is the process CPU time
(``time.process_time``: every thread, so the script thread's work whatever the wall clock does) of
one rerun:

- after the jobs slider moves (a new value each time, never one seen before, so no core cache hits), as
  the browser asks for it: where the slider is drawn inside a fragment (the overview), the rerun of that
  fragment, as the server runs it; the whole app's rerun after a move is printed beside it;
- after nothing changed (a rerun of the whole app with the same values).

As on the server, each script is compiled once (benchmarks/apptest_rerun.py: AppTest compiles app.py
and the page on every run, which the server's runtime never does); floor and pages alike. The app's
background warm-up thread (chart templates) is waited for before a page is measured: process CPU time
counts every thread.

The floor page (benchmarks/floor_page.py) has the same kinds of elements drawn from ready numbers:
39 sidebar sliders, 14 ready Vega-Lite specs and a 28-row table. Its rerun is Streamlit's own cost
for such a page; a page's ratio to it is what the page's own work adds. Targets (issue 16): at most
3× for every page and 2× for the overview. The load average is printed with the figures: on a
shared machine every figure moves, the ratios much less.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_PAGE, TARGET_OVERVIEW = 3.0, 2.0


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class Mover:
    """New jobs values on the slider's grid (step 10), never repeated within a run."""

    def __init__(self) -> None:
        self.v = 3000

    def __call__(self) -> int:
        self.v = 3010 + (self.v - 3000) % 4900 + 10
        return self.v


def wait_for_warm_up() -> None:
    """The app's first run starts a background thread (giamngheo.ui.main_chart.warm_up_in_background) that freezes the
    garbage collector's objects and, after 10 s with no run, builds the other chart templates; process CPU time counts
    every thread, so a page measured while it runs would be charged for it: it is waited for (about 11 s)."""
    import threading

    from giamngheo.ui.main_chart import WARM_UP_THREAD
    for t in threading.enumerate():
        if t.name == WARM_UP_THREAD:
            t.join()


def cpu_ms(run) -> float:
    t = time.process_time()
    run()
    return 1e3 * (time.process_time() - t)


def measure_page(slug: str | None, file: Path | None, repeats: int, mover: Mover) -> dict:
    from streamlit.testing.v1 import AppTest

    from benchmarks.apptest_rerun import rerun_as_browser, widget_fragment
    if slug is None:       # the floor page, alone
        at = AppTest.from_file(str(file), default_timeout=300)
        at.run()
    else:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.run()
        if file is not None:
            at.switch_page(str(file.relative_to(ROOT))).run()
    if at.exception:
        raise RuntimeError(f"{slug}: {[e.value for e in at.exception][:1]}")
    wait_for_warm_up()
    at.run()
    fragment = widget_fragment(at, "jobs")
    moved, same, whole = [], [], []
    for i in range(repeats + 1):
        at.session_state["jobs"] = mover()
        m = cpu_ms(lambda: rerun_as_browser(at, "jobs"))
        if at.exception:
            raise RuntimeError(f"{slug}: {[e.value for e in at.exception][:1]}")
        s = cpu_ms(at.run)
        if fragment:               # the whole app's rerun after a move too, for comparison
            at.session_state["jobs"] = mover()
            w = cpu_ms(at.run)
        if i:                      # the first round warms up
            moved.append(m)
            same.append(s)
            if fragment:
                whole.append(w)
    if at.exception:
        raise RuntimeError(f"{slug}: {[e.value for e in at.exception][:1]}")
    out = {"moved_ms": statistics.median(moved), "same_ms": statistics.median(same),
           "moved_min": min(moved), "moved_max": max(moved)}
    if whole:
        out["whole_app_moved_ms"] = statistics.median(whole)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python benchmarks/pages.py", description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--pages", default="", help="comma-separated slugs (default: every page)")
    ap.add_argument("--json")
    a = ap.parse_args(argv)
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    os.environ.setdefault("GIAMNGHEO_DATA_DIR", "/tmp/giamngheo-bench-store")   # never the real store
    from benchmarks.apptest_rerun import server_script_cache
    from giamngheo.ui.pages import discover
    pages = discover(ROOT / "app_pages")
    wanted = [p for p in a.pages.split(",") if p]
    mover = Mover()
    load_before = loadavg()
    rows = []
    with server_script_cache():
        floor = measure_page(None, ROOT / "benchmarks" / "floor_page.py", a.repeats, mover)
        for i, (file, _, slug) in enumerate(pages):
            if wanted and slug not in wanted:
                continue
            r = measure_page(slug, None if i == 0 else file, a.repeats, mover)
            rows.append((slug, r))
        floor2 = measure_page(None, ROOT / "benchmarks" / "floor_page.py", a.repeats, mover)   # drift check
    fl = (floor["moved_ms"] + floor2["moved_ms"]) / 2
    fl_same = (floor["same_ms"] + floor2["same_ms"]) / 2
    out = {"load_before": load_before, "load_after": loadavg(), "repeats": a.repeats,
           "floor_ms": round(fl, 1), "floor_same_ms": round(fl_same, 1),
           "floor_first_last_ms": [round(floor["moved_ms"], 1), round(floor2["moved_ms"], 1)], "pages": {}}
    print(f"rerun CPU per page, medians of {a.repeats} (ms); load average before {load_before}, after {loadavg()}")
    print(f"  floor page: {fl:.1f} after a move, {fl_same:.1f} unchanged "
          f"(first {floor['moved_ms']:.1f}, last {floor2['moved_ms']:.1f})")
    print(f"  {'page':<14}{'moved ms':>10}{'× floor':>9}{'same ms':>10}{'× floor':>9}  target")
    bad = 0
    for slug, r in rows:
        ratio, ratio_same = r["moved_ms"] / fl, r["same_ms"] / fl_same
        target = TARGET_OVERVIEW if slug == pages[0][2] else TARGET_PAGE
        ok = ratio <= target
        bad += not ok
        whole = f"  (the whole app after a move: {r['whole_app_moved_ms'] / fl:.2f}×)" if "whole_app_moved_ms" in r else ""
        print(f"  {slug:<14}{r['moved_ms']:>10.1f}{ratio:>9.2f}{r['same_ms']:>10.1f}{ratio_same:>9.2f}  "
              f"≤ {target:g}× {'ok' if ok else 'OVER'}{whole}")
        out["pages"][slug] = {**{k: round(v, 1) for k, v in r.items()}, "ratio": round(ratio, 2),
                              "ratio_same": round(ratio_same, 2), "target": target}
        if "whole_app_moved_ms" in r:
            out["pages"][slug]["ratio_whole_app"] = round(r["whole_app_moved_ms"] / fl, 2)
    if a.json:
        Path(a.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())

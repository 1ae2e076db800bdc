"""A chart's download buttons: ``st.download_button`` against ``giamngheo.ui.chart.download_button`` (the same
element and widget, without Streamlit's checks of arguments that never change), in one AppTest process, the two
ways in turns, a run drawing 8 PNG buttons each in its horizontal box as ``show_chart`` does. Prints the medians
of the script's CPU a run and the difference a button.

    python benchmarks/download_buttons.py --runs 1000
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _script() -> None:
    import streamlit as st

    from giamngheo.ui.chart import download_button
    mine = st.session_state.get("mine")
    for i in range(8):
        box = st.container(horizontal=True, gap="small")
        with box:
            if mine:
                download_button(box, "PNG", lambda: b"x", help="Tải ảnh PNG của biểu đồ", file_name=f"c{i}.png",
                                mime="image/png", key=f"png-{i}")
            else:
                st.download_button("PNG", data=lambda: b"x", help="Tải ảnh PNG của biểu đồ", file_name=f"c{i}.png",
                                   mime="image/png", key=f"png-{i}", on_click="ignore", icon=":material/download:",
                                   type="tertiary", width="content")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--json")
    a = ap.parse_args()
    from streamlit.testing.v1 import AppTest
    apps = {}
    for mine in (False, True):
        at = AppTest.from_function(_script, default_timeout=60)
        at.session_state["mine"] = mine
        at.run()
        at.run()
        apps[mine] = at
    ms: dict[bool, list[float]] = {False: [], True: []}
    for i in range(a.runs):
        mine = i % 2 == 1
        t0 = time.process_time()
        apps[mine].run()
        ms[mine].append(1e3 * (time.process_time() - t0))
    out = {"st_download_button_ms_a_run": round(statistics.median(ms[False]), 3),
           "chart_download_button_ms_a_run": round(statistics.median(ms[True]), 3), "buttons_a_run": 8,
           "runs_each": a.runs // 2}
    out["us_less_a_button"] = round(1e3 * (out["st_download_button_ms_a_run"] - out["chart_download_button_ms_a_run"]) / 8)
    text = json.dumps(out, indent=1)
    if a.json:
        Path(a.json).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

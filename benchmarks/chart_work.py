"""The chart work of a lever move, as the server does it, with the cheaper path and with the plain one.

For each of ``--moves`` fresh scenarios (the jobs lever moved at random, its Monte Carlo, gap attribution
and tornado worked out first), in a new thread each (as Streamlit runs each rerun), the charts' data,
specs and Arrow, and the message Streamlit builds of each (its spec JSON made stable), for Giảm nghèo's
three charts, Mức cần đạt's four and the overview's main chart: once with the app's path (the fans'
percentiles from a sort, Arrow written without the stream writer, small datasets, the spec JSON and the
stable JSON kept: ``giamngheo/ui/chart.py``, ``giamngheo/report/charts.py``), once with the plain one
(``np.percentile``, pyarrow's stream writer, Streamlit's own ``json`` and stabiliser), in turns. Prints
the medians (thread CPU) and whether both gave the same messages, byte for byte.

    python benchmarks/chart_work.py --moves 80
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--moves", type=int, default=60)
    ap.add_argument("--json")
    a = ap.parse_args()

    import numpy as np
    from streamlit.elements import vega_charts as vc
    from streamlit.proto.VegaLiteChart_pb2 import VegaLiteChart

    import giamngheo.ui.chart as ch
    from giamngheo.i18n import t
    from giamngheo.model import goalseek
    from giamngheo.model.engine import default_context
    from giamngheo.model.uncertainty import monte_carlo_cached
    from giamngheo.report import charts, views, what_it_takes
    from giamngheo.scenario.registry import Scenario

    ctx = default_context()
    L, plan = "vi", ctx.plan
    brk = plan.standard.break_year if plan.standard else None
    groups = ["all"] + list(ctx.groups)
    kept = (charts._linear_percentiles, ch.columns_arrow, vc._stabilize_vega_json_spec, vc.json)
    plain = (lambda v: np.percentile(v, charts.QS, axis=1).T, ch._stream_bytes,
             getattr(vc._stabilize_vega_json_spec, "__wrapped__", vc._stabilize_vega_json_spec), json)

    def use(path: tuple) -> None:
        charts._linear_percentiles, ch.columns_arrow, vc._stabilize_vega_json_spec, vc.json = path

    def sent(spec: dict) -> bytes:
        """What st.vega_lite_chart makes of a spec (its data and its stable JSON), as bytes."""
        proto = VegaLiteChart()
        s = vc._prepare_vega_lite_spec(ch._arrow(spec), True)
        vc._marshall_chart_data(proto, s, None)
        proto.spec = vc._stabilize_vega_json_spec(vc.json.dumps(s))
        return proto.SerializeToString()

    def poverty(sc, mc) -> list[bytes]:
        out = []
        for ind in ("poor_rate", "near_poor_rate"):
            items = [(ind, g, t(f"group.{g}", L)) for g in groups]
            rows = charts.path_rows(mc.projection, items, L, break_year=brk, from_year=plan.period[0], bands=True)
            marks = [m for g in groups for m in views.target_marks(plan, mc.verdicts, ind, g, L)]
            out.append(sent(charts.line_chart(rows, "x", L, targets=marks, break_year=brk)))
        flows = [r for r in views.channel_rows(mc.projection, L) if r["year"] > ctx.as_of]
        return out + [sent(charts.flow_balance_chart(flows, "h", L))]

    def needs(sc, mc) -> list[bytes]:
        out = []
        for att in goalseek.gap_attribution(ctx, sc):
            rows = what_it_takes.attribution_rows(att, L)
            out.append(sent(charts.gap_chart(rows, "x", L, threshold=100 * att.threshold, threshold_label="t")))
        tn = goalseek.tornado(ctx, sc)
        for g, _ in (tn.bars if tn else ()):
            base, _b = tn.for_group(g)
            out.append(sent(charts.tornado_chart(what_it_takes.tornado_rows(ctx, tn, g, L), "x", L, base=base)))
        return out

    def overview(sc, mc) -> list[bytes]:
        rows = views.main_chart_rows(ctx, sc, mc, lang=L)
        return [sent(charts.main_chart(rows, L, break_year=brk, height=290, keep_baseline_layer=True))]

    pages = {"giam-ngheo": poverty, "muc-can-dat": needs, "tong-quan": overview}
    ms: dict[tuple[str, str], list[float]] = {(p, w): [] for p in pages for w in ("kept", "plain")}
    same = True
    rng = np.random.default_rng(7)
    jobs = ctx.registry["jobs"]
    for i in range(a.moves):
        sc = Scenario.of("", {"jobs": float(jobs.clamp(jobs.default + int(rng.integers(-400, 400))))})
        mc = monte_carlo_cached(ctx, sc)
        goalseek.gap_attribution(ctx, sc)
        goalseek.tornado(ctx, sc)
        got = {}
        for which in (("plain", "kept") if i % 2 else ("kept", "plain")):
            for page, f in pages.items():
                box: list = []

                def run(which=which, f=f) -> None:
                    use(kept if which == "kept" else plain)
                    t0 = time.thread_time()
                    box.append(f(sc, mc))
                    box.append(time.thread_time() - t0)
                th = threading.Thread(target=run)
                th.start()
                th.join()
                got[page, which] = box[0]
                if i >= 2:                         # the first moves build the templates
                    ms[page, which].append(1e3 * box[1])
        use(kept)
        same &= all(got[p, "kept"] == got[p, "plain"] for p in pages)
    out = {p: {w: round(statistics.median(ms[p, w]), 3) for w in ("kept", "plain")} for p in pages}
    out["same_messages"] = same
    out["moves"] = a.moves
    text = json.dumps(out, indent=1)
    if a.json:
        Path(a.json).write_text(text, encoding="utf-8")
    print(text)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""The charts' data go to Arrow as pyarrow's stream writer writes them, and Streamlit's stable spec JSON is
the same when kept (giamngheo/ui/chart.py)."""
import json

import altair as alt
import pandas as pd

from giamngheo.model.engine import default_context
from giamngheo.model.uncertainty import monte_carlo_cached
from giamngheo.report import charts, views
from giamngheo.scenario.registry import Scenario
from giamngheo.ui import chart


def _real_specs() -> list[dict]:
    ctx = default_context()
    plan, brk = ctx.plan, ctx.plan.standard.break_year
    specs = []
    for sc in (Scenario(), Scenario.of("", {"jobs": ctx.registry["jobs"].default + 250})):
        mc = monte_carlo_cached(ctx, sc)
        for lang in ("vi", "en"):
            for ind in ("poor_rate", "near_poor_rate"):
                items = [(ind, g, g) for g in ["all"] + ctx.groups]
                rows = charts.path_rows(mc.projection, items, lang, break_year=brk, from_year=plan.period[0],
                                        bands=True)
                marks = [m for g in ["all"] + ctx.groups for m in views.target_marks(plan, mc.verdicts, ind, g, lang)]
                specs.append(charts.line_chart(rows, "x", lang, targets=marks, break_year=brk))
            specs.append(charts.flow_balance_chart(views.channel_rows(mc.projection, lang), "h", lang))
            specs.append(charts.main_chart(views.main_chart_rows(ctx, sc, mc, lang=lang), lang, break_year=brk,
                                           keep_baseline_layer=True))
    return specs


def test_a_charts_columns_are_the_stream_writers_bytes():
    datasets = [d for s in _real_specs() for d in s["datasets"].values() if isinstance(d, dict)]
    assert len(datasets) > 40 and any(not next(iter(d.values())) for d in datasets)     # the empty baseline too
    odd = [{"a": [1, 2], "b": ["x", None]}, {"a": []}, {}, {"a": [None, None]}, {"a": [1, 2.5]},
           {"a": [float("nan"), 1.0]}, {"a": [True, False]}, {"a": [-0.0]}, {"a": [0.0]}, {"a": [1]}, {"a": [1.0]},
           {"a": [True]}, {"a": [None]}, {"a": [], "b": []}, {"x": list(range(9)), "y": ["é"] * 9},
           {"p": [None] * 5 + [0.5, float("nan"), -0.0, 1e308, float("inf")], "s": [None, "a"] * 5,
            "i": [None, 2 ** 40] * 5, "m": [1, 2.5, None, 3, 4.0] * 2, "b": [True, None] * 5}]
    for d in datasets + odd:
        for _ in range(2):                                   # converted, then (a small one) kept
            assert chart.columns_arrow(d) == chart._stream_bytes(d), d


def test_a_small_dataset_is_kept_by_its_values_and_their_types():
    # equal in Python, not in Arrow: each its own bytes, whichever was converted first
    for a, b in (([1], [1.0]), ([1], [True]), ([0.0], [-0.0]), (["1"], [1])):
        for x, y in ((a, b), (b, a)):
            chart._SMALL.clear()
            bx, by = chart.columns_arrow({"v": x}), chart.columns_arrow({"v": y})
            assert bx == chart._stream_bytes({"v": x}) and by == chart._stream_bytes({"v": y}) and bx != by
    kept = chart.columns_arrow({"year": [2023], "text": ["Chuẩn mới"]})
    assert chart.columns_arrow({"year": [2023], "text": ["Chuẩn mới"]}) is kept
    big = {"v": list(range(chart.SMALL_ROWS + 1))}
    assert chart.columns_arrow(big) is not chart.columns_arrow(big)      # a larger one is not kept


def test_the_stable_spec_json_is_streamlits_own():
    from streamlit.elements import vega_charts as vc
    assert chart.keep_stable_specs() and vc._stabilize_vega_json_spec._kept_by_giamngheo
    own = vc._stabilize_vega_json_spec.__wrapped__
    sel = alt.selection_point(fields=["a"])                 # Altair's counted names: param_N, view_N
    picked = alt.layer(alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a").add_params(sel),
                       alt.Chart(pd.DataFrame({"a": [2]})).mark_line().encode(x="a")).to_dict()
    texts = [json.dumps({k: v for k, v in s.items() if k != "datasets"}) for s in _real_specs()[:6]]
    texts.append(json.dumps(picked))
    assert '"param_' in texts[-1] and '"view_' in texts[-1]
    for text in texts:
        first = vc._stabilize_vega_json_spec(text)
        assert first == own(text)
        assert vc._stabilize_vega_json_spec(text) is first                  # kept
    long = json.dumps({"data": {"values": [{"a": i} for i in range(chart.STABLE_MAX_CHARS // 8)]}, "mark": "point"})
    assert vc._stabilize_vega_json_spec(long) == own(long)
    assert long not in vc._stabilize_vega_json_spec.kept.keys() and texts[0] in vc._stabilize_vega_json_spec.kept.keys()

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


def test_the_spec_json_is_jsons_own_and_kept_only_for_the_same_parts():
    from streamlit.elements import vega_charts as vc
    assert isinstance(vc.json, chart.SpecJson)
    for spec in _real_specs()[:6]:
        # as Streamlit writes it: the spec without its data, with an ``autosize`` it may add, made anew each call
        # (a copy of the template: Streamlit changes a null legend title in place before it writes a template)
        drawn = {**json.loads(json.dumps({k: v for k, v in spec.items() if k != "datasets"})),
                 "autosize": {"type": "fit", "contains": "padding"}}
        first = vc.json.dumps(drawn)
        assert first == json.dumps(drawn)
        again = {**drawn, "autosize": {"type": "fit", "contains": "padding"}}
        assert vc.json.dumps(again) is first                                    # kept
        for part in ("layer", "encoding", "config"):                           # the same content, other objects
            if part in drawn:
                assert vc.json.dumps({**drawn, part: json.loads(json.dumps(drawn[part]))}) == first
        changed = {**drawn, "height": 123, "autosize": {"type": "pad", "contains": "padding"}}
        assert vc.json.dumps(changed) == json.dumps(changed) != first
    # equal in Python, not in JSON
    for a, b in ((1, 1.0), (1, True), (0.0, -0.0), ({"x": 1}, {"x": True})):
        for x, y in ((a, b), (b, a)):
            tpl = [{"mark": "point"}]
            assert vc.json.dumps({"layer": tpl, "v": x}) == json.dumps({"layer": tpl, "v": x})
            assert vc.json.dumps({"layer": tpl, "v": y}) == json.dumps({"layer": tpl, "v": y})
    assert vc.json.dumps({"a": 1}, sort_keys=True) == json.dumps({"a": 1}, sort_keys=True)
    assert vc.json.dumps([1, 2]) == "[1, 2]" and vc.json.loads("[1]") == [1]


def test_streamlit_sends_the_same_chart_with_the_kept_json_as_without():
    from streamlit.elements import vega_charts as vc
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from giamngheo.model.engine import default_context
        from giamngheo.model.uncertainty import monte_carlo_cached
        from giamngheo.report import charts, views
        from giamngheo.scenario.registry import Scenario
        from giamngheo.ui.chart import cached_spec
        ctx = default_context()
        sc = Scenario()
        mc = monte_carlo_cached(ctx, sc)
        rows = views.channel_rows(mc.projection, "vi")
        for _draw in range(2):                      # drawn twice: the second from what is kept
            spec, _ = cached_spec("test-flows", ("k",), lambda: charts.flow_balance_chart(rows, "h", "vi"))
            st.vega_lite_chart(spec, width="stretch")
            spec, _ = cached_spec("test-main", ("k",), lambda: charts.main_chart(
                views.main_chart_rows(ctx, sc, mc), "vi", break_year=ctx.plan.standard.break_year))
            st.vega_lite_chart(spec, width="stretch")

    def sent() -> list[bytes]:
        at = AppTest.from_function(script, default_timeout=120).run()
        assert not at.exception
        protos = [e.proto for e in at.get("vega_lite_chart")]
        assert len(protos) == 4
        return [p.SerializeToString() for p in protos]

    kept = sent()
    json_kept, stable_kept = vc.json, vc._stabilize_vega_json_spec
    vc.json, vc._stabilize_vega_json_spec = json, stable_kept.__wrapped__
    try:
        plain = sent()
    finally:
        vc.json, vc._stabilize_vega_json_spec = json_kept, stable_kept
    assert kept == plain and kept[0] == kept[2] and kept[1] == kept[3]

"""The floor page of the rerun benchmark (benchmarks/pages.py): the same kinds of elements the app's
pages draw, from ready numbers: 39 sidebar sliders, 14 ready Vega-Lite specs and a 28-row table.
Nothing is computed on a rerun; what it costs is Streamlit's own work for such a page."""
import numpy as np
import pandas as pd
import streamlit as st


@st.cache_resource
def ready():
    rng = np.random.default_rng(1)
    specs = []
    for _ in range(14):
        df = pd.DataFrame({"year": np.repeat(np.arange(2021, 2031), 2), "series": ["a", "b"] * 10,
                           "value": rng.random(20) * 10, "basis": ["actual"] * 10 + ["projected"] * 10})
        specs.append({"datasets": {"main": df}, "height": 180,
                      "layer": [{"data": {"name": "main"}, "mark": {"type": "line", "strokeWidth": 3},
                                 "encoding": {"x": {"field": "year", "type": "ordinal"},
                                              "y": {"field": "value", "type": "quantitative",
                                                    "axis": {"format": ",.1f"}},
                                              "color": {"field": "series", "type": "nominal"},
                                              "strokeDash": {"field": "basis", "type": "nominal"}}},
                                {"data": {"name": "main"}, "mark": {"type": "point", "filled": True},
                                 "encoding": {"x": {"field": "year", "type": "ordinal"},
                                              "y": {"field": "value", "type": "quantitative"},
                                              "color": {"field": "series", "type": "nominal"}}}],
                      "config": {"locale": {"number": {"decimal": ",", "thousands": ".", "grouping": [3],
                                                       "currency": ["", ""]}}}})
    table = pd.DataFrame({"Số": range(1, 29), "Chỉ tiêu": [f"Chỉ tiêu {i}" for i in range(1, 29)],
                          "Mới nhất": [f"{x:,.2f}" for x in rng.random(28) * 100],
                          "Mục tiêu": [f"{x:,.1f}" for x in rng.random(28) * 100],
                          "Đánh giá": ["Đúng hướng"] * 28})
    return specs, table


specs, table = ready()
with st.sidebar:
    st.slider("Việc làm mới mỗi năm", 0, 8000, 3000, 10, key="jobs")
    for i in range(38):
        st.slider(f"Giả định {i}", 0.0, 10.0, 1.0, 0.01, key=f"a{i}")
st.title("Sàn")
cols = st.columns(2)
for i, spec in enumerate(specs):
    cols[i % 2].vega_lite_chart(spec, width="stretch")
st.dataframe(table, hide_index=True, width="stretch")

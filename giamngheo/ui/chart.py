"""Draw a chart with its downloads: the picture as PNG and the data as CSV."""
from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any, Callable

import altair as alt
import pandas as pd
import streamlit as st

from giamngheo.report import export_png
from giamngheo.ui import safe
from giamngheo.ui.state import tr


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "chart"


SPEC_CACHE = "_gn_chart_specs"
SPEC_CACHE_SIZE = 48


def _cached_spec(name: str, key: Any, build: Callable[[], alt.TopLevelMixin]) -> dict:
    """The chart's Vega-Lite spec for (name, key), built once: a rerun that did not change the
    scenario, the language or the data (a page visited again, a download) draws it from here instead
    of building and validating the Altair spec again (~15 ms a chart, ~90 ms a fan chart)."""
    cache: OrderedDict = st.session_state.setdefault(SPEC_CACHE, OrderedDict())
    k = (name, key)
    if k in cache:
        cache.move_to_end(k)
        return cache[k]
    spec = build().to_dict()
    cache[k] = spec
    while len(cache) > SPEC_CACHE_SIZE:
        cache.popitem(last=False)
    return spec


def show_chart(chart: alt.TopLevelMixin | Callable[[], alt.TopLevelMixin], data: pd.DataFrame, name: str,
               target: Any = st, key: Any = None) -> None:
    """The chart plus two small download buttons (PNG, CSV) under it. With ``key`` (e.g. the
    scenario, language and data version: ``state.view_key()``) and a builder, the spec is cached."""
    if key is not None and callable(chart) and not isinstance(chart, alt.TopLevelMixin):
        spec = _cached_spec(name, key, chart)
        target.vega_lite_chart(spec=spec, width="stretch")
        chart = spec
    else:
        chart = chart() if callable(chart) and not isinstance(chart, alt.TopLevelMixin) else chart
        target.altair_chart(chart, width="stretch")
    slug = _slug(name)
    with target.container(horizontal=True, gap="small"):
        st.download_button("PNG", data=lambda: export_png.chart_png(chart), help=tr("chart.download_png"),
                           file_name=f"{slug}.png", mime="image/png", key=f"png-{slug}", on_click="ignore",
                           icon=":material/download:", type="tertiary", width="content")
        st.download_button("CSV", data=safe.csv_bytes(data), help=tr("chart.download_csv"),
                           file_name=f"{slug}.csv", mime="text/csv", key=f"csv-{slug}", on_click="ignore",
                           icon=":material/download:", type="tertiary", width="content")

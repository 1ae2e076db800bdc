"""Draw a chart with its downloads: the picture as PNG and the data as CSV."""
from __future__ import annotations

import re
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from .. import export_png
from .state import lang, tr


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "chart"


def show_chart(chart: alt.TopLevelMixin, data: pd.DataFrame, name: str, target: Any = st) -> None:
    """``st.altair_chart`` plus two small download buttons (PNG, CSV) under it."""
    target.altair_chart(chart, width="stretch")
    slug = _slug(name)
    c1, c2, _ = target.columns([1, 1, 4])
    with c1:
        st.download_button(tr("chart.download_png"), data=lambda: export_png.chart_png(chart),
                           file_name=f"{slug}.png", mime="image/png", key=f"png-{slug}", on_click="ignore",
                           width="content")
    with c2:
        st.download_button(tr("chart.download_csv"), data=data.to_csv(index=False).encode("utf-8-sig"),
                           file_name=f"{slug}.csv", mime="text/csv", key=f"csv-{slug}", on_click="ignore",
                           width="content")

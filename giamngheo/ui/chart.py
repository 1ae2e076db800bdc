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
    with target.container(horizontal=True, gap="small"):
        st.download_button("PNG", data=lambda: export_png.chart_png(chart), help=tr("chart.download_png"),
                           file_name=f"{slug}.png", mime="image/png", key=f"png-{slug}", on_click="ignore",
                           icon=":material/download:", type="tertiary", width="content")
        st.download_button("CSV", data=data.to_csv(index=False).encode("utf-8-sig"), help=tr("chart.download_csv"),
                           file_name=f"{slug}.csv", mime="text/csv", key=f"csv-{slug}", on_click="ignore",
                           icon=":material/download:", type="tertiary", width="content")

"""Draw a chart with its downloads: the picture as PNG and the data as CSV.

Charts arrive as Vega-Lite dicts (``giamngheo.report.charts``: cached templates plus the data). With
a ``key`` (what the chart's data depend on) and a builder, the finished spec and its data are kept in a
process-wide LRU: a rerun that did not change what the chart depends on does no chart work at all,
whichever session it is. Specs are plain dicts that nobody changes (Streamlit copies before it
marshals), so sharing them between sessions is safe; no Altair object is ever drawn.
"""
from __future__ import annotations

import re
import threading
import weakref
from collections import OrderedDict
from typing import Any, Callable, Hashable

import pandas as pd
import streamlit as st

from giamngheo.report import charts, export_png
from giamngheo.ui import safe
from giamngheo.ui.state import lang, tr


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "chart"


SPEC_CACHE_SIZE = 256
_SPECS: "OrderedDict[Hashable, tuple[dict, pd.DataFrame | None]]" = OrderedDict()
_LOCK = threading.Lock()


def ref(obj: Any) -> Any:
    """A cache-key part for a core result (e.g. a Monte Carlo): equal while it is the same object,
    without keeping it alive."""
    try:
        return weakref.ref(obj)
    except TypeError:
        return id(obj)


def cached_spec(name: str, key: Hashable, build: Callable[[], Any]) -> tuple[dict, pd.DataFrame | None]:
    """(spec, data) for (name, key, language), built once; ``build`` returns a spec or (spec, data)."""
    k = (name, key, lang())
    with _LOCK:
        got = _SPECS.get(k)
        if got is not None:
            _SPECS.move_to_end(k)
            return got
    out = build()
    got = out if isinstance(out, tuple) else (out, None)
    got = (_arrow(got[0]), got[1])
    with _LOCK:
        _SPECS[k] = got
        while len(_SPECS) > SPEC_CACHE_SIZE:
            _SPECS.popitem(last=False)
    return got


def _arrow(spec: dict) -> dict:
    """The spec with its datasets already in Arrow IPC bytes, what Streamlit sends: a cached chart is
    converted once, not on every rerun that draws it."""
    ds = spec.get("datasets")
    if not ds:
        return spec
    from streamlit import dataframe_util
    return {**spec, "datasets": {k: v if isinstance(v, bytes) else dataframe_util.convert_anything_to_arrow_bytes(v)
                                 for k, v in ds.items()}}


def show_chart(chart: Any, data: pd.DataFrame | None, name: str, target: Any = st, key: Hashable = None) -> None:
    """The chart plus two small download buttons (PNG, CSV) under it.

    ``chart``: a Vega-Lite dict; or, with ``key``, a builder giving a dict or (dict, data), called only
    when nothing is cached for (name, key, language); an Altair chart from elsewhere is converted once."""
    if callable(chart) and not hasattr(chart, "to_dict"):
        if key is not None:
            spec, d = cached_spec(name, key, chart)
        else:
            out = chart()
            spec, d = out if isinstance(out, tuple) else (out, None)
        data = d if d is not None else data
    elif isinstance(chart, dict):
        spec = chart
    else:   # an Altair chart built outside report.charts
        spec = charts.altair_spec(chart, lang())
    target.vega_lite_chart(spec, width="stretch")
    slug = _slug(name)
    with target.container(horizontal=True, gap="small"):
        st.download_button("PNG", data=lambda: export_png.chart_png(spec), help=tr("chart.download_png"),
                           file_name=f"{slug}.png", mime="image/png", key=f"png-{slug}", on_click="ignore",
                           icon=":material/download:", type="tertiary", width="content")
        if data is not None:
            st.download_button("CSV", data=lambda: safe.csv_bytes(data), help=tr("chart.download_csv"),
                               file_name=f"{slug}.csv", mime="text/csv", key=f"csv-{slug}", on_click="ignore",
                               icon=":material/download:", type="tertiary", width="content")

"""Chart specs: data in, Vega-Lite dict out (no Streamlit).

Every chart is a *template* (marks, encodings, titles, colours: everything but the numbers) and its
*datasets* (named tables the template refers to). Templates are built with Altair once per process
for each set of settings they depend on (language, titles, series, whether there are bands, targets or
a standard break, …), converted with ``to_dict`` under a lock, and cached as plain dicts; a chart is
then ``{**template, "datasets": {...}}``. So a rerun whose data changed only rebuilds the data, no
Altair object is built on the rerun path, and none is ever shared between sessions (Altair's global
data-transformer registry is touched only under :data:`_LOCK`).

Numbers follow the language through Vega's own number locale (``config.locale``): axes use a plain
d3 format (``,.1f`` reads 1.234,5 in Vietnamese), labels and tooltips are pre-formatted text. The
locale is inside the spec, so a PNG made by vl-convert has it too.

Actual years are solid, projected years dashed. A chart has one y-axis: where it crosses the
poverty-standard break, the series re-bases, so the line stops before the break and starts again after
it on the same axis (the jump is drawn, not hidden behind a second scale), with the break as a dotted
rule and its label. Targets are one mark whatever data are loaded: a red diamond, named in the legend.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable, Sequence

import altair as alt
import numpy as np
import pandas as pd

from giamngheo.i18n import fmt_num, t
from giamngheo.model.projection import Projection
from giamngheo.report.fonts import FONT_FAMILY

PALETTE = ["#1f4e79", "#e67e22", "#2e9d5b", "#8e44ad", "#7f8c8d", "#c0392b"]
TARGET_RED = "#c0392b"
QS = (10, 25, 75, 90)
_QKEYS = tuple(f"p{q}" for q in QS)
_NO_BANDS = dict.fromkeys(_QKEYS)

# d3-format locales (https://github.com/d3/d3-format/tree/main/locale): vi-VN groups with "." and
# uses "," for decimals. Percent signs are added as text, as in the app's tables ("2,33%").
NUMBER_LOCALES: dict[str, dict[str, Any]] = {
    "vi": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", "\u00a0₫"], "minus": "−"},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""], "minus": "−"},
}


def number_locale(lang: str) -> dict[str, Any]:
    return NUMBER_LOCALES.get(lang, NUMBER_LOCALES["vi"])


def locale_config(lang: str) -> dict[str, Any]:
    """The ``config.locale`` of a Vega-Lite spec in this language."""
    return {"number": number_locale(lang)}


def localise(spec: dict, lang: str) -> dict:
    """A spec with the language's number locale and the project's font (every text: axes, legends,
    titles, text marks; see :mod:`giamngheo.report.fonts`) (a shallow copy; the input is not changed)."""
    cfg = dict(spec.get("config") or {})
    cfg["locale"] = locale_config(lang)
    cfg["font"] = FONT_FAMILY
    return {**spec, "config": cfg}


def label_expr(fmt: str, lang: str = "", suffix: str = "") -> str:
    """A Vega expression formatting ``datum.value``; the spec's number locale gives the language's
    marks (``lang`` is kept for callers that pass it)."""
    base = f"format(datum.value, '{fmt}')"
    return base + (f" + '{suffix}'" if suffix else "")


def int_label_expr() -> str:
    """Whole-number ticks only (a count of schools never reads "0, 1, 1"): other ticks get no label."""
    return "datum.value % 1 ? '' : format(datum.value, ',.0f')"


def value_label(v: Any, lang: str, percent: bool = False, decimals: int | None = None) -> str:
    """A value as text for labels and tooltips: up to 2 decimals without trailing zeros (99,8%, not
    99,80), the percent sign for percentages."""
    s = fmt_num(v, lang, decimals)
    return s + "%" if percent and s not in ("–", "") else s


# ------------------------------------------------------------------------------------ the caches

_LOCK = threading.RLock()
_TEMPLATES: "OrderedDict[Hashable, dict]" = OrderedDict()
TEMPLATE_CACHE_SIZE = 512


def template(key: Hashable, build: Callable[[], alt.TopLevelMixin], lang: str,
             finish: Callable[[dict], dict] | None = None) -> dict:
    """The Vega-Lite dict of ``build()`` for ``key`` (which must hold every setting the template
    depends on), built and validated once per process, with the language's number locale (and then
    ``finish``, which ``key`` must name too)."""
    k = (key, lang)
    # a template already made is read without the lock (a dict read is atomic in CPython): a session
    # never waits while another thread builds a template it does not need (the background warm-up
    # builds four, 150-300 ms each, under the lock, in the gaps between script runs)
    spec = _TEMPLATES.get(k)
    if spec is not None:
        if _LOCK.acquire(blocking=False):       # the least-recently-used order, when free to
            try:
                if k in _TEMPLATES:
                    _TEMPLATES.move_to_end(k)
            finally:
                _LOCK.release()
        return spec
    with _LOCK:
        spec = _TEMPLATES.get(k)
        if spec is not None:
            _TEMPLATES.move_to_end(k)
            return spec
        spec = build().to_dict()
        spec.pop("datasets", None)
        spec = stack_top_legends(localise(spec, lang))
        if finish is not None:
            spec = finish(spec)
        _TEMPLATES[k] = spec
        while len(_TEMPLATES) > TEMPLATE_CACHE_SIZE:
            _TEMPLATES.popitem(last=False)
        return spec


def stack_top_legends(spec: dict) -> dict:
    """The legends above a plot one under the other, each in a row of its own (side by side they ran past a
    half-width column at 1024 px: the line-style legend's "dự báo" was cut). Vega's legend layout, which
    Vega-Lite's schema types only as an expression but passes on to Vega."""
    cfg = dict(spec.get("config") or {})
    # tight rows: Streamlit's theme pads each legend by 8 px and puts 16 px between a symbol and its label
    cfg["legend"] = {**cfg.get("legend", {}), "padding": 2, "labelPadding": 5, "columnPadding": 12,
                     "layout": {"top": {"direction": "vertical", "anchor": "start", "margin": 2}}}
    return {**spec, "config": cfg}


def _has_rows(dataset: str) -> str:
    """A Vega expression: whether the named dataset has rows now (it follows the data the browser is given)."""
    return f"length(data('{dataset}')) > 0"


def _legend_while_rows(dataset: str) -> Callable[[dict], dict]:
    """The baseline layer's legend (the layers that read ``dataset``, their ``opacity`` legend) above the plot
    while ``dataset`` has rows, out of the layout without them (Vega's orient "none": it has no entry then, and a
    legend in the layout takes its padding and a margin even with no entry), so the other legends stay where
    they are without the layer."""
    def finish(spec: dict) -> dict:
        def walk(node: Any) -> Any:
            if not isinstance(node, dict):
                return node
            if "layer" in node:
                return {**node, "layer": [walk(x) for x in node["layer"]]}
            if (node.get("data") or {}).get("name") != dataset:
                return node
            enc = dict(node["encoding"])
            op = dict(enc["opacity"])
            op["legend"] = {**op["legend"], "orient": {"signal": f"{_has_rows(dataset)} ? 'top' : 'none'"}}
            enc["opacity"] = op
            return {**node, "encoding": enc}
        return walk(spec)
    return finish


def _faint_series_legend(order: Sequence[str], keep: bool) -> alt.Legend | None:
    """The series' legend as the main chart's baseline layer gives it (:func:`series_legend`). Vega-Lite draws
    its symbols with the opacity of the first layer's mark: the baseline's (0.55) when it is drawn, the
    points' (0.7) without it. With ``keep`` (the layer is in the spec with or without rows) the symbols'
    opacity follows the baseline's rows, so they look as they do without the layer while it has none."""
    legend = series_legend(order)
    if legend is None or not keep:
        return legend
    return alt.Legend(**{**legend.to_dict(), "symbolOpacity": alt.ExprRef(f"{_has_rows('baseline')} ? 0.55 : 0.7")})


def with_data(tpl: dict, **datasets: pd.DataFrame) -> dict:
    """The template with its named datasets (a new top-level dict; the template is not changed)."""
    return {**tpl, "datasets": datasets}


def spec_records(spec: dict) -> dict:
    """The spec with its datasets as JSON records (for vl-convert and for inspection)."""
    ds = spec.get("datasets") or {}
    out = {}
    for name, d in ds.items():
        if isinstance(d, (bytes, bytearray)):    # Arrow IPC (a spec as the UI caches it)
            import pyarrow as pa
            d = pa.ipc.open_stream(d).read_all().to_pandas()
        if isinstance(d, pd.DataFrame):
            d = records(d)
        elif isinstance(d, dict):                # columns (see :func:`columns`)
            n = len(next(iter(d.values()), []))
            d = [{c: v[i] for c, v in d.items()} for i in range(n)]
        out[name] = d
    return {**spec, "datasets": out}


KEPT_EMPTY = ("baseline",)   # datasets a screen's spec keeps with no rows (main_chart's keep_baseline_layer)


def drop_empty_layers(spec: dict) -> dict:
    """The spec without the layers that read a dataset of :data:`KEPT_EMPTY` with no rows, and without those
    datasets: a screen's spec keeps such a layer so that its structure does not change with the data (:func:`main_chart`),
    and a picture (vl-convert) is drawn without it, as a spec built without the layer is (vl-convert lays out
    an empty legend at an infinite offset). An expression that reads such a dataset's length
    (:func:`_has_rows`) reads 0. Every other layer is kept, an empty one too (a chart whose bars have no rows keeps
    its axes and legend as built); the spec given is not changed."""
    ds = spec.get("datasets") or {}

    def rows(d: Any) -> int | None:
        if isinstance(d, (bytes, bytearray)):        # Arrow IPC (a spec as the UI caches it)
            import pyarrow as pa
            return pa.ipc.open_stream(d).read_all().num_rows
        if isinstance(d, pd.DataFrame):
            return len(d)
        if isinstance(d, dict):                      # columns (see :func:`columns`)
            return len(next(iter(d.values()), []))
        if isinstance(d, (list, tuple)):
            return len(d)
        return None

    empty = {name for name, d in ds.items() if name in KEPT_EMPTY and rows(d) == 0}
    if not empty:
        return spec
    lengths = {f"length(data('{name}'))": "0" for name in empty}

    def reads_empty(layer: Any) -> bool:
        data = layer.get("data") if isinstance(layer, dict) else None
        return isinstance(data, dict) and "layer" not in layer and data.get("name") in empty

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            for k, v in lengths.items():
                node = node.replace(k, v)
            return node
        if isinstance(node, list):
            return [walk(x) for x in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v) for k, v in node.items() if k != "layer"}
        if isinstance(node.get("layer"), list):
            kept = [x for x in node["layer"] if not reads_empty(x)]
            out["layer"] = [walk(x) for x in (kept or node["layer"])]   # nothing but empty layers: kept whole
        return out

    out = walk({k: v for k, v in spec.items() if k != "datasets"})
    out["datasets"] = {k: v for k, v in ds.items() if k not in empty}
    return out


def _data(name: str) -> alt.Data:
    return alt.Data(name=name)


def _finish(chart: alt.TopLevelMixin, height: int | None = None, plot: bool = False) -> alt.TopLevelMixin:
    """The app's axis and legend type sizes (readable on a projector); legends never cut short.

    ``plot``: ``height`` is that of the plot, the legends come on top of it (autosize fit-x: the chart
    fills the column's width only), so a chart with several legends keeps a readable plot."""
    if height is not None:
        chart = chart.properties(height=height)
    if plot:
        chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return chart.configure_axis(labelFontSize=13, titleFontSize=13) \
        .configure_legend(labelFontSize=13, labelLimit=0, titleLimit=0)


def scaled_type(spec: dict, per_height: float = 22.0, per_width: float = 30.0, low: float = 14.0,
                high: float = 26.0) -> dict:
    """The spec with its type sizes following the box the page gives it (meeting mode sizes it from the
    screen), so that axis, legend and label text grow with the screen like the rest of the page: the
    smaller of the box's height / ``per_height`` and width / ``per_width``, kept within ``low``–``high``
    px. The box is Vega's ``containerSize()`` (the element's size, known before the layout, so the
    layout makes room for the larger text); where there is no element (vl-convert: a PNG, the tests)
    the plot's own size stands in for it."""
    size = (f"clamp(min((containerSize()[0] || width * 1.2) / {per_width:g}, "
            f"(containerSize()[1] || height * 1.3) / {per_height:g}), {low:g}, {high:g})")
    fs = {"expr": size}
    cfg = dict(spec.get("config") or {})
    cfg["axis"] = {**cfg.get("axis", {}), "labelFontSize": fs, "titleFontSize": fs}
    cfg["legend"] = {**cfg.get("legend", {}), "labelFontSize": fs, "titleFontSize": fs,
                     "symbolSize": {"expr": f"{size} * 12"}}
    cfg["text"] = {**cfg.get("text", {}), "fontSize": fs}
    return {**spec, "config": cfg}


# Streamlit's theme gives a chart's config these sizes in rem (1.67, ``CustomTheme``), turned into px by the page's
# root font size when the browser first reads the spec; a spec that sets them itself does not depend on it
THEME_REM_SIZES = {"axis": {"titlePadding": 1.0, "labelPadding": 1.0, "labelSeparation": 0.25},
                   "legend": {"titlePadding": 0.5, "rowPadding": 0.25, "symbolStrokeWidth": 0.25}}
# the theme's rem sizes of what the app's charts never draw (a chart title, facet headers, bars' bin spacing), at 16 px
THEME_UNDRAWN_SIZES = {"title": {"fontSize": 16}, "header": {"titleFontSize": 16, "labelFontSize": 12},
                       "bar": {"binSpacing": 4}}


def root_sized(spec: dict, root_px: str) -> dict:
    """The spec with the sizes Streamlit's theme would give in rem set in it, from ``root_px`` (a Vega expression
    for the page's root font size in px), where the spec does not set them already.

    On a page that sets its root font size in CSS (meeting mode: from the screen), the theme's values
    depend on whether that CSS was applied when the browser first read the spec, and Streamlit's front end
    embeds the chart anew when they change: on the first move after a first read before the CSS (the row
    counts change, the spec is read again), in a race with the page's own style. Set here, they are the same
    whenever the spec is read, and the chart is updated in place."""
    cfg = dict(spec.get("config") or {})
    for part, sizes in THEME_REM_SIZES.items():
        cfg[part] = {**{k: {"expr": f"({root_px}) * {v:g}"} for k, v in sizes.items()}, **cfg.get(part, {})}
    for part, sizes in THEME_UNDRAWN_SIZES.items():
        cfg[part] = {**sizes, **cfg.get(part, {})}
    return {**spec, "config": cfg}


def legends_in_rows(node: Any) -> Any:
    """A copy of a spec whose legends below the plot (the targets) run in one row instead of a column, so
    they take one line of the box's height and never the plot's width (meeting mode: the plot keeps the
    box's full width, and the break's label never runs into a legend at the right)."""
    if isinstance(node, dict):
        out = {k: (legends_in_rows(v) if k != "datasets" else v) for k, v in node.items()}
        leg = out.get("legend")
        if isinstance(leg, dict) and leg.get("orient") == "bottom":
            out["legend"] = {**{k: v for k, v in leg.items() if k != "columns"}, "direction": "horizontal"}
        return out
    if isinstance(node, list):
        return [legends_in_rows(v) for v in node]
    return node


# ------------------------------------------------------------------------------------ line charts

def path_rows(proj: Projection, items: Sequence[tuple[str, str, str]], lang: str, break_year: int | None = None,
              from_year: int | None = None, bands: bool = False, percent: bool | None = None) -> list[dict[str, Any]]:
    """Rows for line charts: one per (series, year) with basis and segment; the last actual point is
    repeated in the projected segment so the dashed line starts where the solid one ends.

    With ``bands``, the 10th, 25th, 75th and 90th percentiles of each projected year's draws, worked out
    for all the series' years at once (:func:`_percentiles`: ``np.percentile``'s numbers)."""
    rows: list[dict[str, Any]] = []
    lab_actual, lab_proj = t("basis.actual", lang), t("basis.projected", lang)
    series = []
    for ind, group, label in items:
        p = proj.path(ind, group)
        if p is None:
            continue
        years = sorted(y for y in p.values if from_year is None or y >= from_year)
        dy = [y for y in years if p.draws.get(y) is not None and np.ndim(p.draws[y])] if bands else []
        series.append((ind, label, p, years, dy))
    qs = _percentiles([[np.asarray(p.draws[y]) for y in dy] for _, _, p, _, dy in series]) if bands else []
    for i, (ind, label, p, years, dy) in enumerate(series):
        pct = percent if percent is not None else ind.endswith("_rate")
        last_actual = max((y for y in years if y in p.actual), default=None)
        qv = dict(zip(dy, qs[i])) if bands else {}       # each year's percentiles as Python floats
        for y in years:
            seg = "new" if break_year is not None and y >= break_year else "old"
            basis = "actual" if y in p.actual else "projected"
            v = p.values[y]
            r = {"series": label, "year": y, "value": v, "basis": basis, "segment": seg,
                 "label": value_label(v, lang, pct), "basis_label": lab_actual if basis == "actual" else lab_proj}
            if bands:
                q = qv.get(y)
                if q is None:
                    r.update(_NO_BANDS)
                else:
                    for k, x in zip(_QKEYS, q):
                        r[k] = x
            rows.append(r)
            if y == last_actual and any(yy > y for yy in years) and (
                    break_year is None or (y + 1 >= break_year) == (y >= break_year)):
                rows.append({**r, "basis": "projected", "basis_label": lab_proj})
    return rows


def _percentiles(blocks: list[list[np.ndarray]]) -> list[list[list[float]]]:
    """For each series (the arrays of its years' draws), each year's percentiles ``QS`` as Python floats. One
    table of the years of every series when all the arrays are alike (1-D, one dtype, one length), its rows'
    percentiles by :func:`_linear_percentiles` (``np.percentile``'s bits): each row's are worked out from that
    row alone, so they are the numbers one call per series gives; else ``np.percentile`` once per series."""
    arrays = [a for b in blocks for a in b]
    if arrays and all(a.ndim == 1 and a.dtype == arrays[0].dtype and a.shape == arrays[0].shape for a in arrays):
        rows = _linear_percentiles(np.vstack(arrays)).tolist()
        out, k = [], 0
        for b in blocks:
            out.append(rows[k:k + len(b)])
            k += len(b)
        return out
    return [np.percentile(np.vstack(b), QS, axis=1).T.tolist() if b else [] for b in blocks]


_Q = np.true_divide(QS, 100)            # the quantiles as np.percentile has them (float64)


def _linear_percentiles(v: np.ndarray) -> np.ndarray:
    """``np.percentile(v, QS, axis=1).T``: each row's percentiles ``QS`` by numpy's own "linear" method, the
    same operations on the same values in the same precision (numpy 2's ``_quantile``: the virtual index
    ``(n - 1) q``, the values at its two neighbours, numpy's ``_lerp`` from the nearer end), with the values
    found by a sort instead of numpy's partition (a third of the time on draws never seen before). A table
    that is not real floats, or holds a NaN, is left to ``np.percentile`` itself;
    ``tests/report/test_percentiles.py`` checks the bits are the same."""
    if v.ndim != 2 or v.dtype.kind != "f" or v.shape[1] == 0 or np.isnan(v).any():
        return np.percentile(v, QS, axis=1).T
    n = v.shape[1]
    vi = (n - 1) * _Q
    prev = np.floor(vi)
    nxt = prev + 1
    above = vi >= n - 1              # at or past the last value: the last value (numpy's -1)
    prev[above] = -1
    nxt[above] = -1
    prev, nxt = prev.astype(np.intp), nxt.astype(np.intp)
    gamma = vi - prev
    if ((v == 0) & np.signbit(v)).any():
        # -0.0 and 0.0 are equal but not the same bits: which one stands at an index is the partition's
        # choice, so it is numpy's own partition, at numpy's indices
        part = np.partition(v, np.unique(np.concatenate(([0, -1], prev, nxt))), axis=1)
    else:
        # equal values (no -0.0, no NaN) are the same bits, so a sorted row holds at each index the very
        # value numpy's partition puts there; and numpy's sort (vectorised, without branches) takes a
        # quarter of the time its partition does on draws never seen before
        part = np.sort(v, axis=1)
    a, b = part[:, prev], part[:, nxt]
    diff = b - a
    out = np.add(a, diff * gamma)
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5, casting="unsafe", dtype=type(out.dtype))
    return out


def path_frame(proj: Projection, items: Sequence[tuple[str, str, str]], lang: str, break_year: int | None = None,
               from_year: int | None = None, bands: bool = False, percent: bool | None = None) -> pd.DataFrame:
    """:func:`path_rows` as a table."""
    return pd.DataFrame(path_rows(proj, items, lang, break_year, from_year, bands, percent))


def records(data: pd.DataFrame | Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A chart's rows as dicts (a table's missing values as None)."""
    if isinstance(data, pd.DataFrame):
        return [{k: _none(v) for k, v in r.items()} for r in data.to_dict("records")]
    return list(data)


def columns(rows: Sequence[dict[str, Any]], cols: Sequence[str] | None = None) -> dict[str, list[Any]]:
    """Rows as a dataset of columns (name → values; missing ones None): what a chart's ``datasets`` hold
    for the charts on the rerun path, turned into Arrow without pandas (giamngheo/ui/chart.py)."""
    if cols is None:
        cols = list(dict.fromkeys(k for r in rows for k in r))
    out = {}
    for c in cols:
        vals = [r.get(c) for r in rows]
        # _none on each value only in a column that has one it would change (a NaN, a numpy or pandas
        # value): most columns hold plain str, int, float and None, which it gives back as they are
        for v in vals:
            tv = type(v)
            if tv is str or tv is int or v is None or tv is bool or (tv is float and v == v):
                continue
            vals = [_none(x) for x in vals]
            break
        out[c] = vals
    return out


def _none(v: Any) -> Any:
    """A missing value (NaN, pandas' NA) as None; numpy numbers as Python numbers."""
    if isinstance(v, float):
        return None if v != v else float(v)
    if v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def _band_columns(rows: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """The projected rows with their percentiles; the fan opens at the last actual point (no draws
    there: the value itself)."""
    band = [r for r in rows if r.get("basis") == "projected"]
    out: dict[str, list[Any]] = {"band_series": [r["series"] for r in band]}
    for c in ("year", "segment", "value"):
        out[c] = [r[c] for r in band]
    for q in QS:
        out[f"p{q}"] = [float(r[f"p{q}"]) if _none(r.get(f"p{q}")) is not None else float(r["value"]) for r in band]
    return out


def _target_columns(targets: Sequence[dict[str, Any]], break_year: int | None) -> dict[str, list[Any]]:
    rows = [{"year": m["year"], "value": m["value"], "text": m.get("label", ""),
             "segment": "new" if break_year is not None and m["year"] >= break_year else "old"} for m in targets]
    return columns(rows, ["year", "value", "text", "segment"])


def series_legend(order: Sequence[str]) -> alt.Legend | None:
    """The series' legend above the plot: two short names in one row ("Toàn huyện", "Hộ Khmer"), else one under
    the other (a half-width column at 1024 px has about 200 px above its plot); none for one series."""
    if len(order) < 2:
        return None
    if len(order) == 2 and sum(len(str(x)) for x in order) <= 24:
        return alt.Legend(orient="top", direction="horizontal")
    return alt.Legend(orient="top", columns=1)


def _line_layers(x: alt.X, y_title: str, lang: str, *, order: list[str], colors: list[str], fmt: str,
                 suffix: str, zero: bool, has_band: bool, has_targets: bool, seg: str | None, axis_orient: str,
                 axis_color: str | None, dash_legend: bool, extra_series: Sequence[str] = (),
                 legend: alt.Legend | None | Any = alt.Undefined) -> alt.LayerChart:
    """The marks of one y-scale: points and lines of the series, the fan, the target diamonds (``legend``:
    the series' legend, :func:`series_legend` when not given)."""
    flt = f"datum.segment == '{seg}'" if seg else None

    def src(name: str) -> alt.Chart:
        c = alt.Chart(_data(name))
        return c.transform_filter(flt) if flt else c

    # ticks never closer than the labels' last decimal (99,65–99,92 % at ".1f" read 99,8 % three times)
    dec = re.search(r"\.(\d+)f", fmt)
    y = alt.Y("value:Q", title=y_title,
              axis=alt.Axis(labelExpr=label_expr(fmt, lang, suffix), tickCount=5, orient=axis_orient,
                            tickMinStep=10 ** -int(dec.group(1)) if dec else alt.Undefined,
                            titleColor=axis_color or alt.Undefined, labelColor=axis_color or alt.Undefined),
              scale=alt.Scale(zero=bool(zero)))
    # the series and the line styles at the top, the targets at the bottom: two short rows, never one
    # row too wide for a half-width column
    color = alt.Color("series:N", title=None, legend=series_legend(order) if legend is alt.Undefined else legend,
                      scale=alt.Scale(domain=order, range=colors), sort=order)
    layers: list[alt.Chart] = []
    layers.append(src("main").mark_point(filled=True, size=40).encode(x=x, y=y, color=color))
    layers.append(src("main").mark_line(strokeWidth=3).encode(
        x=x, y=y, color=color,
        strokeDash=alt.StrokeDash("basis_label:N", title=None,
                                  scale=alt.Scale(domain=[t("basis.actual", lang), t("basis.projected", lang)],
                                                  range=[[1, 0], [6, 4]]),
                                  legend=alt.Legend(orient="top", direction="horizontal", symbolType="stroke", symbolStrokeColor="#444",
                                                    symbolStrokeWidth=2.5, symbolSize=400) if dash_legend else None),
        detail=alt.Detail(["segment:N", "basis:N"]),
        tooltip=[alt.Tooltip("series:N", title=t("chart.series", lang)), alt.Tooltip("year:O", title=t("chart.year", lang)),
                 alt.Tooltip("label:N", title=y_title or t("chart.value", lang)),
                 alt.Tooltip("basis_label:N", title=t("chart.basis", lang))]))
    if has_band:
        # the fill channel (not color) so the bands add no swatches to the series legend
        fill = alt.Fill("band_series:N", legend=None, scale=alt.Scale(domain=order, range=colors))
        layers.append(src("band").mark_area(opacity=0.15).encode(x=x, y="p10:Q", y2="p90:Q", fill=fill,
                                                                  detail="segment:N"))
        layers.append(src("band").mark_area(opacity=0.25).encode(x=x, y="p25:Q", y2="p75:Q", fill=fill,
                                                                  detail="segment:N"))
    if has_targets:
        # targets as red marks named in their own legend: never a label drawn over the lines
        layers.append(src("targets").mark_point(filled=True, size=200, color=TARGET_RED, opacity=1).encode(
            x=x, y="value:Q",
            # one shape for every target (the legend names each): a target's mark never depends on which
            # other targets the data put on the chart
            shape=alt.Shape("text:N", title=None, scale=alt.Scale(range=["diamond"]),
                            legend=alt.Legend(orient="bottom", columns=1, symbolFillColor=TARGET_RED,
                                              symbolStrokeColor=TARGET_RED, symbolSize=160,
                                              # a label may run on two lines (meeting mode: the target's
                                              # name, then its level and verdict)
                                              labelExpr="split(datum.label, '\\n')")),
            tooltip=[alt.Tooltip("text:N", title=t("chart.target", lang))]))
    return alt.layer(*layers)


def plot_height(height: int) -> int:
    """The plot's height for a chart of about ``height`` pixels with its axis and a legend row."""
    return max(100, height - 70)


def break_text(lang: str) -> str:
    """The break's label on two lines ("Chuẩn nghèo|mới", "New poverty|standard"; split at "|" in the chart), so
    that it is narrow enough for a small plot."""
    words = t("chart.break", lang).split()
    if len(words) < 2:
        return " ".join(words)
    # the narrowest two lines (the second carries " →"); on a tie the later cut ("Chuẩn nghèo" / "mới →")
    cut = min(range(1, len(words)), key=lambda i: (max(len(" ".join(words[:i])), len(" ".join(words[i:])) + 2), -i))
    return " ".join(words[:cut]) + "|" + " ".join(words[cut:])


def _break_layers(x: alt.X) -> list[alt.Chart]:
    """The poverty-standard break: a dotted rule and its label "… →" (dataset ``brk``)."""
    return [alt.Chart(_data("brk")).mark_rule(strokeDash=[2, 2], color="#555", strokeWidth=2).encode(x=x),
            # the label starts at the rule, in the new standard's years, at the top of the plot (after the
            # re-basing the rates there sit well below the old first years'), on two lines: one line ran past
            # the axis labels on a 1024 px meeting screen, and at the foot it crossed the lines
            alt.Chart(_data("brk")).transform_calculate(label="split(datum.text + ' →', '|')").mark_text(
                align="left", dx=4, dy=2, color="#555", baseline="top", y=0, fontWeight="bold").encode(
                x=x, text="label:N")]


def line_chart(df: "pd.DataFrame | Sequence[dict[str, Any]]", y_title: str, lang: str, *, targets: Sequence[dict[str, Any]] = (),
               break_year: int | None = None, percent: bool = True, height: int = 320,
               y_format: str = ",.1f", zero: bool = True, split: bool = True) -> dict:
    """Series over the years (a :func:`path_frame`, or its :func:`path_rows`), the fan of their draws when it has percentiles,
    the target levels (``targets``: year, value, label), the standard break: one y-axis (``split`` is
    accepted and ignored; a second axis for the years after the break misled more than it helped)."""
    rows = records(df)
    if not rows:
        return template(("empty",), lambda: alt.Chart(pd.DataFrame({"x": []})).mark_point(), lang)
    suffix = "%" if percent else ""
    order = list(dict.fromkeys(r["series"] for r in rows))
    colors = PALETTE[:len(order)] if len(order) <= len(PALETTE) else PALETTE * (len(order) // len(PALETTE) + 1)
    colors = colors[:len(order)]
    years = {r["year"] for r in rows}
    has_break = break_year is not None and break_year in years
    has_band = any(_none(r.get("p10")) is not None for r in rows)
    tdf = _target_columns(targets, break_year)
    has_targets = bool(tdf["year"])
    data = {"main": columns(rows)}
    if has_band:
        data["band"] = _band_columns(rows)
    if has_targets:
        data["targets"] = tdf
    if has_break:
        data["brk"] = {"year": [break_year], "text": [break_text(lang)]}
    key = ("line", y_title, tuple(order), percent, height, y_format, zero, has_band, has_targets, has_break, break_year)

    def build() -> alt.TopLevelMixin:
        x = alt.X("year:O", title=t("chart.year", lang), axis=alt.Axis(labelAngle=0))
        main = _line_layers(x, y_title, lang, seg=None, axis_orient="left", axis_color=None, dash_legend=True,
                            has_targets=has_targets, order=order, colors=colors, fmt=y_format, suffix=suffix, zero=zero,
                            has_band=has_band)
        chart = alt.layer(main, *_break_layers(x)) if has_break else main
        return _finish(chart, plot_height(height), plot=True)
    return with_data(template(key, build, lang), **data)


# ------------------------------------------------------------------------------------ the leader's chart

def main_chart(frame: pd.DataFrame, lang: str, *, break_year: int | None, height: int = 340,
               y_title: str | None = None, keep_baseline_layer: bool = False) -> dict:
    """The leader's main chart: the poor rate (all households and Khmer) over the plan's years.

    ``frame`` is :func:`giamngheo.report.views.main_chart_frame`: rows with ``role`` = "scenario"
    (the current scenario: actual solid, projection dashed, percentiles p10–p90 on projected years),
    "baseline" (the default scenario's projection, drawn faint under the current one) and "target"
    (the targets, red diamonds named in the legend). One y-axis: the series re-bases on the new standard
    at ``break_year``, so its line stops before the break and starts again after it; the break is a dotted
    rule with its label.

    ``keep_baseline_layer`` (the screen): the baseline's layer is in the spec even with no baseline rows (at
    the default scenario), so a move away from the defaults changes only the data and the browser updates the
    drawn chart instead of embedding a new one. Its legend's domain comes from the data: with no rows it has
    no entry. A picture (vl-convert) takes the spec without it (:func:`drop_empty_layers`)."""
    y_title = y_title if y_title is not None else t("poverty.poor_chart", lang)
    rows = records(frame)
    cur = [r for r in rows if r["role"] == "scenario"]
    if not cur:
        return template(("empty",), lambda: alt.Chart(pd.DataFrame({"x": []})).mark_point(), lang)
    cols = [c for c in rows[0] if c != "role"]
    base = [r for r in rows if r["role"] == "baseline"]
    tg = [r for r in rows if r["role"] == "target"]
    order = list(dict.fromkeys(r["series"] for r in cur))
    colors = PALETTE[:len(order)]
    years = {r["year"] for r in cur}
    has_break = break_year is not None and break_year in years
    has_band = any(_none(r.get("p10")) is not None for r in cur)
    data = {"main": columns(cur, cols), "baseline": columns(base, cols)}
    if has_band:
        data["band"] = _band_columns(cur)
    if tg:
        data["targets"] = columns([{"year": r["year"], "value": r["value"], "text": r["label"], "segment": r["segment"]}
                                   for r in tg])
    if has_break:
        data["brk"] = {"year": [break_year], "text": [break_text(lang)]}
    with_base = bool(base) or keep_baseline_layer
    key = ("main", y_title, tuple(order), height, has_band, bool(tg), has_break, with_base, keep_baseline_layer,
           break_year)

    def build() -> alt.TopLevelMixin:
        x = alt.X("year:O", title=t("chart.year", lang), axis=alt.Axis(labelAngle=0))
        common = dict(order=order, colors=colors, fmt=",.1f", suffix="%", zero=True, has_band=has_band)

        def faint(seg: str | None) -> list[alt.Chart]:
            if not with_base:
                return []
            c = alt.Chart(_data("baseline"))
            if seg:
                c = c.transform_filter(f"datum.segment == '{seg}'")
            return [c.mark_line(strokeWidth=2, strokeDash=[2, 3], opacity=0.55).encode(
                x=x, y="value:Q", detail=alt.Detail(["series:N", "segment:N"]),
                color=alt.Color("series:N", title=None, sort=order, scale=alt.Scale(domain=order, range=colors),
                                legend=_faint_series_legend(order, keep_baseline_layer)),
                opacity=alt.Opacity("role_label:N", title=None, scale=alt.Scale(range=[0.55]),
                                    legend=alt.Legend(orient="top", direction="horizontal", symbolType="stroke", symbolStrokeColor="#888",
                                                      symbolDash=[2, 3], symbolStrokeWidth=2, symbolSize=400)),
                tooltip=[alt.Tooltip("role_label:N", title=" "), alt.Tooltip("series:N", title=t("chart.series", lang)),
                         alt.Tooltip("year:O", title=t("chart.year", lang)), alt.Tooltip("label:N", title=y_title)])]
        main = _line_layers(x, y_title, lang, seg=None, axis_orient="left", axis_color=None, dash_legend=True,
                            has_targets=bool(tg), legend=_faint_series_legend(order, keep_baseline_layer), **common)
        chart = alt.layer(*faint(None), main, *(_break_layers(x) if has_break else []))
        return _finish(chart, plot_height(height), plot=True)
    return with_data(template(key, build, lang, _legend_while_rows("baseline") if keep_baseline_layer else None),
                     **data)


# ------------------------------------------------------------------------------------ bars

def _target_rule_layers(value_field: str = "v") -> list[alt.Chart]:
    """A horizontal dashed red rule at a yearly target (dataset ``rule``), its label in red above the
    plot's top-left corner, so it is never drawn over the bars."""
    return [alt.Chart(_data("rule")).mark_rule(color=TARGET_RED, strokeDash=[6, 3], strokeWidth=2).encode(
                y=f"{value_field}:Q"),
            alt.Chart(_data("rule")).mark_text(align="left", baseline="bottom", dx=2, dy=-4, color=TARGET_RED,
                                               fontWeight="bold", x=0, y=0).encode(text="text:N")]


def bar_chart(df: pd.DataFrame, x: str, y: str, color: str, y_title: str, lang: str, *, stack: bool = True,
              rule: float | None = None, rule_label: str = "", height: int = 300, y_format: str = ",.0f",
              integer: bool = True) -> dict:
    if color == "basis_label":   # actual dark, projected light
        domain = [t("basis.actual", lang), t("basis.projected", lang)]
        rng = ["#1f4e79", "#9ec5e8"]
    else:
        domain = list(dict.fromkeys(df[color])) if color in df.columns else []
        rng = PALETTE[:len(domain)]
    has_label = "label" in df.columns
    data = {"main": df}
    if rule is not None:
        data["rule"] = pd.DataFrame({"v": [rule], "text": [rule_label]})
    key = ("bar", x, y, color, y_title, stack, rule is not None, height, y_format, integer, tuple(domain), has_label)

    def build() -> alt.TopLevelMixin:
        scale = alt.Scale(domain=domain, range=rng) if domain else alt.Undefined
        enc_color = alt.Color(f"{color}:N", title=None, legend=alt.Legend(orient="bottom"), scale=scale)
        chart = alt.Chart(_data("main")).mark_bar().encode(
            x=alt.X(f"{x}:O", title=t("chart.year", lang), axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{y}:Q", title=y_title, stack=stack or None,
                    axis=alt.Axis(labelExpr=int_label_expr() if integer and y_format == ",.0f"
                                  else label_expr(y_format, lang), tickMinStep=1 if integer else alt.Undefined)),
            color=enc_color, xOffset=alt.XOffset(f"{color}:N") if not stack else alt.Undefined,
            tooltip=[alt.Tooltip(f"{color}:N", title=" "), alt.Tooltip(f"{x}:O", title=t("chart.year", lang)),
                     alt.Tooltip("label:N", title=y_title or t("chart.value", lang))] if has_label else alt.Undefined)
        layers = [chart] + (_target_rule_layers() if rule is not None else [])
        return _finish(alt.layer(*layers), plot_height(height), plot=True)
    return with_data(template(key, build, lang), **data)


def flow_balance_chart(df: "pd.DataFrame | Sequence[dict[str, Any]]", y_title: str, lang: str,
                       height: int = 300) -> dict:
    """Per year, two stacked bars side by side: households leaving poverty (by channel) and entering it.
    ``df``: a :func:`giamngheo.report.views.channel_frame`, or its rows."""
    rows = records(df)
    order = list(dict.fromkeys(r["flow"] for r in rows))
    colors = ["#2e9d5b", "#1f4e79", "#5dade2", "#8e44ad", "#e67e22", "#c0392b", "#7d1f16"]
    key = ("flows", y_title, tuple(order), height)

    def build() -> alt.TopLevelMixin:
        return _finish(alt.Chart(_data("main")).mark_bar().encode(
            x=alt.X("year:O", title=t("chart.year", lang), axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("side:N"),
            y=alt.Y("value:Q", title=y_title, stack=True, axis=alt.Axis(labelExpr=label_expr(",.0f", lang))),
            color=alt.Color("flow:N", title=None, scale=alt.Scale(domain=order, range=colors[:len(order)]),
                            legend=alt.Legend(orient="bottom", columns=3)),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("side:N", title=" "), alt.Tooltip("flow:N", title=" "),
                     alt.Tooltip("year:O", title=t("chart.year", lang)), alt.Tooltip("label:N", title=y_title)],
        ), height)
    return with_data(template(key, build, lang), main=columns(rows))


# ------------------------------------------------------- issue 4: fan bars, gap waterfall, tornado

def bar_fan_chart(df: "pd.DataFrame | Sequence[dict[str, Any]]", y_title: str, lang: str, *,
                  rule: float | None = None, rule_label: str = "", height: int = 300, y_format: str = ",.0f") -> dict:
    """Bars a year (actual and projected) with whiskers on the projected ones: 10–90 thin, 25–75 thick.

    ``df`` is a :func:`path_frame` of one series with ``bands=True`` (one row a year), or its rows."""
    rows = records(df)
    cols = list(df.columns) if isinstance(df, pd.DataFrame) else None
    band = [r for r in rows if _none(r.get("p10")) is not None]
    has_band = bool(band)
    data: dict[str, Any] = {"main": columns(rows, cols)}
    if has_band:
        data["band"] = columns(band, cols)
    if rule is not None:
        data["rule"] = {"v": [rule], "text": [rule_label]}
    key = ("barfan", y_title, has_band, rule is not None, height, y_format)

    def build() -> alt.TopLevelMixin:
        x = alt.X("year:O", title=t("chart.year", lang), axis=alt.Axis(labelAngle=0))
        order = [t("basis.actual", lang), t("basis.projected", lang)]
        layers: list[alt.Chart] = [alt.Chart(_data("main")).mark_bar().encode(
            x=x, y=alt.Y("value:Q", title=y_title, axis=alt.Axis(
                labelExpr=int_label_expr() if y_format == ",.0f" else label_expr(y_format, lang), tickMinStep=1)),
            color=alt.Color("basis_label:N", title=None, scale=alt.Scale(domain=order, range=[PALETTE[0], "#8fb3d9"]),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("year:O", title=t("chart.year", lang)), alt.Tooltip("label:N", title=y_title),
                     alt.Tooltip("basis_label:N", title=t("chart.basis", lang))])]
        if has_band:
            layers.append(alt.Chart(_data("band")).mark_rule(color="#333", strokeWidth=1.5).encode(
                x=x, y="p10:Q", y2="p90:Q"))
            layers.append(alt.Chart(_data("band")).mark_rule(color="#333", strokeWidth=5).encode(
                x=x, y="p25:Q", y2="p75:Q"))
        if rule is not None:
            layers += _target_rule_layers()
        return _finish(alt.layer(*layers), height)
    return with_data(template(key, build, lang), **data)


def _wrapped(label: str) -> str:
    """A label in lines ("\\n" between them), only the words' placement changed, never a word: a value's number on
    a line of its own and its unit in two lines of about equal length ("−10,6 / điểm / phần trăm"); a text in two
    such lines ("Chỉ tiêu: / ≤ 50%")."""
    def two(words: list[str]) -> list[str]:
        if len(words) < 2:
            return words
        cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
        return [" ".join(words[:cut]), " ".join(words[cut:])]
    words = label.split()
    if words and re.match(r"[−+\-\d]", words[0]):
        return "\n".join([words[0]] + two(words[1:]))
    return "\n".join(two(words))


GAP_FONT = 13           # the labels' largest type size (px), one line where the column has room for it
GAP_MIN_FONT = 9        # the smallest, for the wrapped labels in a phone's column
GAP_CHAR = 0.52         # a bold character's width per px of type size (a bound for the project's font)
GAP_AXIS_ROOM = 80      # px of the box the y-axis takes (its title and labels)
# a little more room above the plot than Vega's layout gives its top text (it cut the top line by 1–4 px)
GAP_PADDING = {"top": 10, "left": 5, "right": 5, "bottom": 5}


def gap_chart(df: "pd.DataFrame | Sequence[dict[str, Any]]", y_title: str, lang: str, *, threshold: float, threshold_label: str,
              height: int = 320) -> dict:
    """A waterfall: the tested quantity with no lever, what each lever takes off, the scenario.

    ``df``: step (" / " breaks the axis label into lines), order, start, end, kind (total | down | up |
    scenario), label.

    Every text stays in its own column, so no label runs across a bar or another label at any width: a
    value label reads on one line where its column has room for it at 13 px, else in lines
    (:func:`_wrapped`) at the type size the column allows (9–13 px); the axis' names shrink the same way.
    The scenario's value is written inside the top of its bar (white) when the bar is tall, so the
    target's label, in the scenario's column above the target line (or above the scenario's bar where it
    is higher), never covers it; a label the target line would run through stands on the line. The sizes
    follow the element's box, known before Vega's layout, which then makes room above the plot for the top
    bar's lines."""
    colors = {"total": "#7f8c8d", "down": "#2e9d5b", "up": "#c0392b", "scenario": PALETTE[0]}
    rows = records(df)
    steps = [r["step"] for r in sorted(rows, key=lambda r: r["order"])]
    n = max(1, len(steps))
    top_all = max((max(r["start"], r["end"]) for r in rows), default=0.0)
    scen = next((r for r in rows if r["kind"] == "scenario"), None)
    # inside its bar when the bar is at least a quarter of the plot's height (room for a line of type)
    inside = scen is not None and max(scen["start"], scen["end"]) >= 0.25 * top_all
    wrap = [_wrapped(r["label"]) for r in rows]
    t_wrap = _wrapped(threshold_label)
    chars = max(len(x) for w in wrap + [t_wrap] for x in w.split("\n"))
    d = columns([{**r, "top": max(r["start"], r["end"]), "thr": float(threshold), "lines": w, "n": w.count("\n") + 1,
                  "chars": chars, "inside": inside and r["kind"] == "scenario"} for r, w in zip(rows, wrap)])
    # the target's label above its line, or above the scenario's bar where that is higher
    at = max(float(threshold), max(scen["start"], scen["end"]) if scen is not None else float(threshold))
    axis_chars = max((len(x) for s in steps for x in s.split(" / ")), default=1)
    key = ("gap", y_title, tuple(steps), height, axis_chars)
    # a column's width: from the element's box where there is one (known before Vega's layout, so the
    # layout makes room for the labels it sizes: from the plot's own width they were sized after it and ran
    # off the top when the window grew), from the plot's width in vl-convert
    col = f"((containerSize()[0] ? containerSize()[0] - {GAP_AXIS_ROOM} + 0 * width : width) / {n})"

    def fits(text: str, size: float) -> str:
        return f"{col} >= {GAP_CHAR * size:g} * length({text}) + 6"

    # one line at 13 px where it fits its column, else its lines at the size the widest line allows; the text's
    # top is set above the point it labels by the block's own height (a bottom baseline lifts only one line)
    one = fits("datum.label", GAP_FONT)
    fs = f"({one} ? {GAP_FONT} : clamp(({col} - 6) / ({GAP_CHAR} * datum.chars), {GAP_MIN_FONT}, {GAP_FONT}))"
    txt = {"expr": f"{one} ? datum.label : datum.lines"}
    size, line = {"expr": fs}, {"expr": f"1.15 * {fs}"}
    up = f"(-2 - 2 * {fs} - ({one} ? 0 : datum.n - 1) * 1.15 * {fs})"
    lift = {"expr": up}
    # a block the target line would run through goes up to stand on the line
    gap = "(scale('y', datum.thr) - scale('y', datum.top))"
    clear = {"expr": f"{up} + ({gap} > {up} - 2 && {gap} < 2 ? {gap} - 2 : 0)"}

    def build() -> alt.TopLevelMixin:
        x = alt.X("step:N", title=None, sort=steps,
                  axis=alt.Axis(labelAngle=0, labelOverlap=False, labelExpr="split(datum.label, ' / ')",
                                labelFontSize={"expr": f"clamp(({col} - 4) / ({0.48} * {axis_chars}), 10, 13)"}))
        bars = alt.Chart(_data("main")).mark_bar(size=46).encode(
            x=x, y=alt.Y("start:Q", title=y_title, axis=alt.Axis(labelExpr=label_expr(",.0f", lang, "%"))),
            y2="end:Q", color=alt.Color("kind:N", scale=alt.Scale(domain=list(colors), range=list(colors.values())),
                                        legend=None),
            tooltip=[alt.Tooltip("step:N", title=" "), alt.Tooltip("label:N", title=y_title)])
        text = {"baseline": "top", "fontWeight": "bold", "lineBreak": "\n", "text": txt, "fontSize": size,
                "lineHeight": line}
        above = alt.Chart(_data("main")).transform_filter("!datum.inside").mark_text(dy=clear, **text).encode(
            x=x, y="top:Q")
        within = alt.Chart(_data("main")).transform_filter("datum.inside").mark_text(dy=4, color="white", **text).encode(
            x=x, y="top:Q")
        rule = alt.Chart(_data("rule")).mark_rule(color=TARGET_RED, strokeDash=[6, 3], strokeWidth=2).encode(y="v:Q")
        rtext = alt.Chart(_data("rule")).mark_text(dy=lift, color=TARGET_RED, **text).encode(x=x, y="at:Q")
        return alt.layer(bars, rule, above, within, rtext).properties(height=height, padding=GAP_PADDING) \
            .configure_axis(labelFontSize=13, titleFontSize=13)
    rule = {"v": [float(threshold)], "label": [threshold_label], "lines": [t_wrap],
            "n": [t_wrap.count("\n") + 1], "chars": [chars], "at": [at], "step": [steps[-1] if steps else ""]}
    return with_data(template(key, build, lang), main=d, rule=rule)


def tornado_chart(df: "pd.DataFrame | Sequence[dict[str, Any]]", x_title: str, lang: str, *, base: float, height: int | None = None) -> dict:
    """Horizontal bars from the scenario's outcome to the outcome with one assumption at each end of
    its range, the two ends side by side in each row. ``df``: assumption, rank, end (label), value,
    range (text), label (text).

    The rows are drawn in the order of their ``rank`` (the widest bar first), read from the data: one
    template serves every order of the assumptions, so a move that reorders the bars builds no chart."""
    rows = records(df)
    n = len(dict.fromkeys(r["assumption"] for r in rows))
    ends = list(dict.fromkeys(r["end"] for r in rows))
    h = height or max(160, 34 * n)
    key = ("tornado", x_title, tuple(ends), h)

    def build() -> alt.TopLevelMixin:
        # the assumptions' names take at most 340 px, and at most 40% of the chart's box: on a phone (a 340 px
        # box) a 340 px label left the bars no room at all; where there is no box (vl-convert) 340 px
        y = alt.Y("assumption:N", title=None, sort=alt.EncodingSortField(field="rank", op="min", order="ascending"),
                  axis=alt.Axis(labelLimit={"expr": "min(340, (containerSize()[0] || 1000) * 0.4)"},
                                labelOverlap=False, labelFontSize=13))
        bars = alt.Chart(_data("main")).mark_bar(opacity=0.95).encode(
            y=y, yOffset=alt.YOffset("end:N", sort=ends),
            x=alt.X("base:Q", title=x_title, axis=alt.Axis(labelExpr=label_expr(",.2f", lang, "%")),
                    scale=alt.Scale(zero=False)),
            x2="value:Q", color=alt.Color("end:N", title=None, sort=ends,
                                          scale=alt.Scale(domain=ends, range=["#5dade2", "#e67e22"]),
                                          # the two ends one under the other in a box narrower than 500 px
                                          legend=alt.Legend(orient="bottom", labelLimit=0, columns={
                                              "expr": "(containerSize()[0] || 1000) < 500 ? 1 : 2"})),
            tooltip=[alt.Tooltip("assumption:N", title=" "), alt.Tooltip("end:N", title=" "),
                     alt.Tooltip("range:N", title=" "), alt.Tooltip("label:N", title=x_title)])
        rule = alt.Chart(_data("rule")).mark_rule(color="#222", strokeWidth=2).encode(x="v:Q")
        return _finish(alt.layer(bars, rule), h)
    main = columns(rows)
    if rows:
        main["base"] = [float(base)] * len(rows)
    return with_data(template(key, build, lang), main=main, rule={"v": [float(base)]})


# ------------------------------------------------------------------ comparing scenarios (issue 5)

def compare_frame(runs: Sequence[tuple[str, Projection]], indicator: str, group: str, lang: str, *,
                  from_year: int | None = None, break_year: int | None = None) -> pd.DataFrame:
    """One indicator under several scenarios: the actual years once (series = "actual"), then each
    scenario's projected years, starting from the last actual point (not across a standard break)."""
    rows: list[dict[str, Any]] = []
    actual_label = t("compare.actual", lang)
    pct = indicator.endswith("_rate")
    for i, (label, proj) in enumerate(runs):
        p = proj.path(indicator, group)
        if p is None:
            continue
        years = sorted(y for y in p.values if from_year is None or y >= from_year)
        last_actual = max((y for y in years if y in p.actual), default=None)

        def row(series: str, y: int, basis: str) -> dict[str, Any]:
            return {"series": series, "year": y, "value": p.values[y], "basis": basis,
                    "segment": "new" if break_year is not None and y >= break_year else "old",
                    "label": value_label(p.values[y], lang, pct), "basis_label": t(f"basis.{basis}", lang)}
        if i == 0:
            rows += [row(actual_label, y, "actual") for y in years if y in p.actual]
        joins = last_actual is not None and (break_year is None or (last_actual + 1 >= break_year) == (last_actual >= break_year))
        rows += [row(label, y, "projected") for y in years
                 if y not in p.actual or (joins and y == last_actual)]
    return pd.DataFrame(rows)


def compare_chart(df: pd.DataFrame, y_title: str, lang: str, *, break_year: int | None = None, percent: bool = True,
                  height: int = 320, y_format: str = ",.1f") -> dict:
    """Overlaid scenario paths: the actual years solid and dark, each scenario dashed in its colour; one
    y-axis, the standard break a dotted rule (the lines re-base there)."""
    if df.empty:
        return template(("empty",), lambda: alt.Chart(pd.DataFrame({"x": []})).mark_point(), lang)
    actual_label = t("compare.actual", lang)
    order = list(dict.fromkeys(df["series"]))
    colors = ["#333333" if s == actual_label else PALETTE[(i - (actual_label in order)) % len(PALETTE)]
              for i, s in enumerate(order)]
    years = set(df["year"])
    has_break = break_year is not None and break_year in years
    data = {"main": df}
    if has_break:
        data["brk"] = pd.DataFrame({"year": [break_year], "text": [break_text(lang)]})
    key = ("compare", y_title, tuple(order), percent, height, y_format, has_break, break_year)

    def build() -> alt.TopLevelMixin:
        x = alt.X("year:O", title=t("chart.year", lang), axis=alt.Axis(labelAngle=0))
        color = alt.Color("series:N", title=None, sort=order, scale=alt.Scale(domain=order, range=colors),
                          legend=alt.Legend(orient="bottom", columns=2, labelLimit=0))

        def lines(seg: str | None, orient: str, title: str) -> alt.Chart:
            c = alt.Chart(_data("main"))
            if seg:
                c = c.transform_filter(f"datum.segment == '{seg}'")
            y = alt.Y("value:Q", title=title, scale=alt.Scale(zero=False),
                      axis=alt.Axis(labelExpr=label_expr(y_format, lang, "%" if percent else ""), orient=orient,
                                    titleColor="#555" if orient == "right" else alt.Undefined,
                                    labelColor="#555" if orient == "right" else alt.Undefined))
            return c.mark_line(point=True, strokeWidth=3).encode(
                x=x, y=y, color=color,
                strokeDash=alt.condition(alt.datum.basis == "actual", alt.value([1, 0]), alt.value([6, 4])),
                detail=alt.Detail(["segment:N", "series:N"]),
                tooltip=[alt.Tooltip("series:N", title=t("chart.series", lang)),
                         alt.Tooltip("year:O", title=t("chart.year", lang)),
                         alt.Tooltip("label:N", title=y_title), alt.Tooltip("basis_label:N", title=t("chart.basis", lang))])
        chart = alt.layer(lines(None, "left", y_title), *(_break_layers(x) if has_break else []))
        return _finish(chart, plot_height(height), plot=True)
    return with_data(template(key, build, lang), **data)

"""Draw a chart with its downloads: the picture as PNG and the data as CSV.

Charts arrive as Vega-Lite dicts (``giamngheo.report.charts``: cached templates plus the data). With
a ``key`` (what the chart's data depend on) and a builder, the finished spec and its data are kept in a
process-wide LRU: a rerun that did not change what the chart depends on does no chart work at all,
whichever session it is. Specs are plain dicts that nobody changes (Streamlit copies before it
marshals), so sharing them between sessions is safe; no Altair object is ever drawn. The charts on the
rerun path hold their datasets as columns, which go to Arrow without pandas (:func:`columns_arrow`).
"""
from __future__ import annotations

import json
import re
import weakref
from typing import Any, Callable, Hashable

import pandas as pd
import streamlit as st

from giamngheo.lru import LockedLRU
from giamngheo.report import export_png
from giamngheo.ui import safe
from giamngheo.ui.binding import arrow_bytes
from giamngheo.ui.session import lang, tr


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "chart"


SPEC_CACHE_SIZE = 256
_SPECS = LockedLRU(SPEC_CACHE_SIZE)     # (name, key, language) → (spec, data)


class _Ref:
    """Equal while it is the same living object, hashed by identity (works for unhashable objects,
    e.g. a DataFrame); keeps nothing alive."""

    __slots__ = ("w", "i")

    def __init__(self, obj: Any) -> None:
        self.w, self.i = weakref.ref(obj), id(obj)

    def __hash__(self) -> int:
        return self.i

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Ref) or other.i != self.i:
            return False
        a = self.w()
        return a is not None and a is other.w()


def ref(obj: Any) -> Any:
    """A cache-key part for a core result (a Monte Carlo, the data in use): equal while it is the same
    object, without keeping it alive."""
    try:
        return _Ref(obj)
    except TypeError:
        return id(obj)


def cached_spec(name: str, key: Hashable, build: Callable[[], Any]) -> tuple[dict, pd.DataFrame | None]:
    """(spec, data) for (name, key, language), built once; ``build`` returns a spec or (spec, data)."""
    k = (name, key, lang())
    got = _SPECS.get(k, None)
    if got is not None:
        return got
    out = build()
    got = out if isinstance(out, tuple) else (out, None)
    return _SPECS.put(k, (_arrow(got[0]), got[1]))


def _arrow(spec: dict) -> dict:
    """The spec with its datasets already in Arrow IPC bytes, what Streamlit sends: a cached chart is
    converted once, not on every rerun that draws it. A dataset of columns (``charts.columns``) goes
    straight to Arrow, without pandas (a quarter of the time for the small tables charts have)."""
    ds = spec.get("datasets")
    if not ds:
        return spec
    def one(v: Any) -> bytes:
        if isinstance(v, bytes):
            return v
        if isinstance(v, dict):
            return columns_arrow(v)
        return arrow_bytes(v)
    return {**spec, "datasets": {k: one(v) for k, v in ds.items()}}


SMALL_ROWS = 4                          # a dataset of at most this many rows is kept by its content
_SMALL = LockedLRU(512)                 # (column, value types, values) → Arrow bytes
_EOS = b"\xff\xff\xff\xff\x00\x00\x00\x00"    # an Arrow IPC stream's end: continuation marker, length 0


def _content_key(cols: dict[str, list]) -> Hashable | None:
    """What a small dataset's Arrow bytes depend on: each column's name, and each value with its type (1, 1.0
    and True are equal in Python, not in Arrow); a float by its bits (0.0 == -0.0). None when a value is not
    a plain str, int, float, bool or None (kept out of the cache)."""
    key = []
    for k, v in cols.items():
        vals = []
        for x in v:
            tx = type(x)
            if tx is float:
                vals.append((tx, x.hex()))
            elif tx is str or tx is int or tx is bool or x is None:
                vals.append((tx, x))
            else:
                return None
        key.append((k, tuple(vals)))
    return tuple(key)


def columns_arrow(cols: dict[str, list]) -> bytes:
    """Columns (name → values) as Arrow IPC stream bytes, as Streamlit's own conversion writes them: the
    schema's message, the one record batch's, the stream's end (what ``pyarrow.ipc.new_stream`` writes for a
    table of one batch, without the writer's own cost; :func:`_stream_bytes` is that writer, and
    ``tests/ui/test_chart_arrow.py`` checks the bytes are the same). A small dataset (a target, the standard's
    break, a rule: the same on most moves) is converted once per content."""
    n = len(next(iter(cols.values()), ()))
    key = _content_key(cols) if n <= SMALL_ROWS else None
    if key is not None:
        got = _SMALL.get(key, None)
        if got is not None:
            return got
    import pyarrow as pa
    arrays = [pa.array(v, from_pandas=True) for v in cols.values()]
    if not arrays or n == 0:
        out = _stream_bytes(cols)
    else:
        batch = pa.RecordBatch.from_arrays(arrays, names=list(cols))
        out = batch.schema.serialize().to_pybytes() + batch.serialize().to_pybytes() + _EOS
    return _SMALL.put(key, out) if key is not None else out


def _stream_bytes(cols: dict[str, list]) -> bytes:
    """The columns through pyarrow's stream writer (a table with no column or no row, and the reference
    the tests compare :func:`columns_arrow` with)."""
    import pyarrow as pa
    table = pa.table({k: pa.array(v, from_pandas=True) for k, v in cols.items()})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return sink.getvalue().to_pybytes()


STABLE_SPECS = 128                   # specs' JSON kept stabilised (a chart's template without its data)
STABLE_MAX_CHARS = 65536             # a longer JSON (data inline in the spec) is stabilised every time


def keep_stable_specs() -> bool:
    """Streamlit turns every Vega-Lite spec it draws into stable JSON (``_stabilize_vega_json_spec``: the
    JSON read back, Altair's counted names rewritten, written again) on every rerun, though it depends on
    the JSON alone and a cached chart's template (its data are sent apart, as Arrow) is the same JSON move
    after move: the stable JSON is kept per JSON text, the same string Streamlit would make; and the JSON
    itself is kept per template (:class:`SpecJson`). False (and Streamlit left as it is) when that function
    is not where it is expected."""
    try:
        from streamlit.elements import vega_charts as vc
    except ImportError:
        return False
    f = getattr(vc, "_stabilize_vega_json_spec", None)
    if not callable(f):
        return False
    if getattr(f, "_kept_by_giamngheo", False):
        return True
    kept = LockedLRU(STABLE_SPECS)

    def stabilized(vega_spec: str) -> str:
        if not isinstance(vega_spec, str) or len(vega_spec) > STABLE_MAX_CHARS:
            return f(vega_spec)
        got = kept.get(vega_spec, None)
        return got if got is not None else kept.put(vega_spec, f(vega_spec))

    stabilized._kept_by_giamngheo = True        # type: ignore[attr-defined]
    stabilized.__wrapped__ = f                   # type: ignore[attr-defined]
    stabilized.kept = kept                       # type: ignore[attr-defined]
    vc._stabilize_vega_json_spec = stabilized
    if getattr(vc, "json", None) is json:
        vc.json = SpecJson(json, STABLE_SPECS)
    return True


_SCALARS = (str, int, float, bool, type(None))


def _flat(v: Any) -> Any:
    """A JSON value of plain scalars (or a dict of them) as a key that is equal only where the JSON is the
    same (1, 1.0 and True differ; a float by its repr, so 0.0 and -0.0 differ); None for anything else."""
    tv = type(v)
    if tv in _SCALARS:
        return (tv, repr(v) if tv is float else v)
    if tv is dict and all(type(x) in _SCALARS and type(k) is str for k, x in v.items()):
        return (dict, tuple((k, type(x), repr(x) if type(x) is float else x) for k, x in v.items()))
    return None


class SpecJson:
    """The ``json`` module as Streamlit's Vega-Lite chart sees it (``vega_charts.json``), with ``dumps`` of a
    spec kept while its parts are the same. Streamlit writes the spec it draws to JSON on every call (without
    its data, which go apart as Arrow): for a cached chart that is the same template, the same objects (a
    template is never changed once made: ``report/charts.py``), move after move. The text is kept with the
    spec's keys and parts, and given again only when the keys are the same and each part is the same: a
    plain value (or a dict of plain values, as the ``autosize`` Streamlit adds) equal as JSON, anything else
    the very object it was made from (kept, so its id stays its own). Anything else (other arguments, a part
    made anew) is written by ``json`` itself. Every other name is ``json``'s."""

    def __init__(self, module: Any, size: int) -> None:
        self._json = module
        self.kept = LockedLRU(size)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._json, name)

    def dumps(self, obj: Any, *args: Any, **kwargs: Any) -> str:
        if args or kwargs or type(obj) is not dict:
            return self._json.dumps(obj, *args, **kwargs)
        flat = [_flat(v) for v in obj.values()]
        objects = tuple(v for v, f in zip(obj.values(), flat) if f is None)
        key = (tuple(obj), tuple(flat), tuple(map(id, objects)))
        got = self.kept.get(key, None)
        if got is not None and all(a is b for a, b in zip(got[0], objects)):
            return got[1]
        text = self._json.dumps(obj)
        if len(text) <= STABLE_MAX_CHARS:
            self.kept.put(key, (objects, text), replace=True)
        return text


keep_stable_specs()


class _Download:
    """What a chart's download button needs of Streamlit 1.67 to send the button ``st.download_button`` sends
    (:func:`download_button`); ``ok`` False (then ``st.download_button`` itself) unless every part is there as
    the test saw it: Streamlit 1.67, the functions with the keywords this passes, the layout made. Decided once,
    before any widget is registered: a part that moved fails here, not halfway through a button."""

    _WANT = {"compute_and_register_element_id": {"user_key", "key_as_main_identity", "dg"},
             "marshall_file": {"coordinates", "data", "proto_download_button", "mimetype", "file_name", "disabled",
                               "element_id"},
             "register_widget": {"element_id", "deserializer", "serializer", "ctx", "value_type"},
             "save_for_app_testing": {"ctx", "k", "v"}}

    def __init__(self) -> None:
        self.ok = False
        try:
            import inspect

            import streamlit
            from streamlit.elements.lib import agent_spec
            from streamlit.elements.lib.layout_utils import LayoutConfig
            from streamlit.elements.lib.utils import compute_and_register_element_id, save_for_app_testing
            from streamlit.elements.widgets.button import ButtonSerde, marshall_file
            from streamlit.proto.ButtonLikeIconPosition_pb2 import ButtonLikeIconPosition
            from streamlit.proto.DownloadButton_pb2 import DownloadButton
            from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
            from streamlit.runtime.state import register_widget
            from streamlit.string_util import to_help_str, validate_icon_or_emoji
            if not streamlit.__version__.startswith("1.67."):
                return
            for f in (compute_and_register_element_id, marshall_file, register_widget, save_for_app_testing):
                if not self._WANT[f.__name__] <= set(inspect.signature(f).parameters):
                    return
            layout = LayoutConfig(width="content")
            fields = set(DownloadButton.DESCRIPTOR.fields_by_name)
            if not {"id", "label", "default", "type", "disabled", "help", "icon", "icon_position",
                    "ignore_rerun"} <= fields:
                return
        except Exception:  # noqa: BLE001 - moved in a Streamlit upgrade: st.download_button as it is
            return
        self.ok = True
        self.layout, self.element_id, self.marshall_file = layout, compute_and_register_element_id, marshall_file
        self.left, self.proto = ButtonLikeIconPosition.LEFT, DownloadButton
        self.help, self.icon = to_help_str, validate_icon_or_emoji
        self.register, self.serde, self.run_ctx, self.for_testing = register_widget, ButtonSerde(), get_script_run_ctx, save_for_app_testing
        self.recording = agent_spec.is_recording     # a session Streamlit's agent API records: its own button
        self.texts: dict[tuple[bool, str], str] = {}

    def checked(self, is_help: bool, value: str) -> str:
        """A help text dedented (``is_help``) or an icon checked, once per text (the same str Streamlit makes)."""
        got = self.texts.get((is_help, value))
        if got is None:
            got = self.texts.setdefault((is_help, value), (self.help if is_help else self.icon)(value))
        return got


_DOWNLOAD: _Download | None = None


def download_button(target: Any, label: str, data: Callable[[], Any], *, file_name: str, mime: str, key: str,
                    help: str, icon: str = ":material/download:") -> None:
    """A download button whose file is made when it is clicked (``data``: a function), which never reruns the
    app (``on_click="ignore"``): what ``st.download_button`` does for it (the same protobuf, the same id, the
    same widget registered in the session's state, the same deferred file; ``tests/ui/test_chart_download.py``
    compares them), without what ``st.download_button`` checks again on every run for arguments that never
    change here (the callback policies and mode, the help text's dedent, the icon's name, the width, the
    agent's description, the usage metrics' wrapper): 6 to 8 such buttons on every move of the chart pages."""
    global _DOWNLOAD
    if _DOWNLOAD is None:
        _DOWNLOAD = _Download()
    d = _DOWNLOAD
    if not d.ok or d.recording():
        st.download_button(label, data=data, help=help, file_name=file_name, mime=mime, key=key, on_click="ignore",
                           icon=icon, type="tertiary", width="content")
        return
    dg = (st._main if target is st else target)._active_dg     # the `with` block's container, as Streamlit's
    eid = d.element_id("download_button", user_key=key, key_as_main_identity=True, dg=dg, label=label, icon=icon,
                       file_name=file_name, mime=mime, help=help, type="tertiary", width="content",
                       icon_position="left", shortcut=None)
    p = d.proto()
    p.id = eid
    p.label = label
    p.default = False
    p.type = "tertiary"
    p.disabled = False
    d.marshall_file(dg._get_delta_path_str(), data, p, mime, file_name, disabled=False, element_id=eid)
    p.help = d.checked(True, help)
    p.icon = d.checked(False, icon)
    p.icon_position = d.left
    p.ignore_rerun = True
    ctx = d.run_ctx()
    state = d.register(eid, deserializer=d.serde.deserialize, serializer=d.serde.serialize, ctx=ctx,
                       value_type="trigger_value")
    if ctx:
        d.for_testing(ctx, eid, state.value)
    dg._enqueue("download_button", p, layout_config=d.layout)


def show_chart(chart: Any, data: pd.DataFrame | None, name: str, target: Any = st, key: Hashable = None) -> None:
    """The chart plus two small download buttons (PNG, CSV) under it.

    ``chart``: a Vega-Lite dict (``giamngheo.report.charts``); or, with ``key``, a builder giving a dict
    or (dict, data), called only when nothing is cached for (name, key, language). ``data`` (the CSV's
    table) may be a function giving it: made only when the CSV is downloaded."""
    if callable(chart):
        if key is not None:
            spec, d = cached_spec(name, key, chart)
        else:
            out = chart()
            spec, d = out if isinstance(out, tuple) else (out, None)
        data = d if d is not None else data
    else:
        spec = chart
    target.vega_lite_chart(spec, width="stretch")
    slug = _slug(name)
    box = target.container(horizontal=True, gap="small")
    with box:
        download_button(box, "PNG", lambda: export_png.chart_png(spec), help=tr("chart.download_png"),
                        file_name=f"{slug}.png", mime="image/png", key=f"png-{slug}")
        if data is not None:
            download_button(box, "CSV", lambda: safe.csv_bytes(data() if callable(data) else data),
                            help=tr("chart.download_csv"), file_name=f"{slug}.csv", mime="text/csv", key=f"csv-{slug}")

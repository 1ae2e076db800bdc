"""Tables that fit a 1366 px laptop without sideways scrolling and without cut text.

``st.dataframe`` cannot wrap a header, but it wraps the text in its cells when rows are taller than one
line (``row_height``); the widths below share the main area (about 880 px at 1366 px with the sidebar
open) between the columns, so that no column is pushed out of view.
"""
from __future__ import annotations

from typing import Any, Callable, Hashable, Iterable, Mapping

import streamlit as st

from giamngheo.lru import LockedLRU

MAIN_WIDTH = 880          # px: the main area at 1366×768 with the sidebar open
ROW_WRAP = 66             # px: Streamlit wraps the cells' text only in rows taller than 4rem (64 px)


def widths(columns: Iterable[str], fixed: Mapping[str, int] | None = None, total: int = MAIN_WIDTH,
           labels: Mapping[str, str] | None = None, minimum: int = 70) -> dict[str, Any]:
    """Column config giving each column in ``fixed`` its width and sharing what is left of ``total``
    equally between the others (at least ``minimum``). ``labels``: a shorter header shown instead of the
    column's name (the full name stays the column's help)."""
    cols = list(columns)
    fixed = dict(fixed or {})
    labels = dict(labels or {})
    rest = [c for c in cols if c not in fixed]
    share = max(minimum, (total - sum(fixed.get(c, 0) for c in cols)) // max(1, len(rest)))
    out: dict[str, Any] = {}
    for c in cols:
        w = int(fixed.get(c, share))
        if c in labels:
            out[c] = st.column_config.Column(label=labels[c], help=str(c), width=w)
        else:
            out[c] = st.column_config.Column(width=w)
    return out


def height(rows: int, row: int = ROW_WRAP, header: int = 38) -> int:
    """The height that shows every row of a table with rows of ``row`` px (no inner scrolling)."""
    return header + row * rows + 3


def data_table(name: str, ctx: Any, key: Any, build: Callable[[], Any]) -> Any:
    """A table that depends on the data in use alone (not on the sliders), for ``st.dataframe``: built and
    converted to Arrow once per data version and ``key`` (the language, and whatever else it depends on;
    ``giamngheo.ui.memo.per_context``), so a lever move neither builds it nor converts it again."""
    from giamngheo.ui.binding import arrow_table
    from giamngheo.ui.memo import per_context
    return per_context(f"table:{name}", ctx, key, lambda: arrow_table(build()))


class CellStyles:
    """A table and the CSS text of each cell of some of its columns, worked out once (see :func:`cell_styles`);
    nothing in it is changed afterwards, so it may be kept and shared. :func:`styler` makes the pandas Styler
    Streamlit reads from it, a new one on every call."""

    __slots__ = ("df", "css", "translated")

    def __init__(self, df: Any, css: dict[str, list[str]], translated: dict | None) -> None:
        self.df, self.css, self.translated = df, css, translated


def cell_styles(df: Any, css: Mapping[str, Iterable[str]]) -> CellStyles:
    """``css``: for each of its columns the CSS text of every cell (one per row; "" for none). The styles are
    grouped by cell as pandas groups them (the same props in the same order, cells row by row), which is what
    Streamlit reads of a Styler besides the display values (the cells as text): so pandas' HTML rendering is
    never run (8 ms a rerun for the comparison's table, about a quarter of that so). A table with a float
    column (pandas formats those), a repeated index or column, or an empty cell is left to pandas itself."""
    from pandas.io.formats.style_render import maybe_convert_css_to_tuples

    css = {k: list(v) for k, v in css.items()}
    floats = any(df[c].dtype.kind in "fc" or (df[c].dtype == object and any(isinstance(v, (float, complex))
                                                                            for v in df[c]))
                 for c in df.columns)
    if floats or not df.index.is_unique or not df.columns.is_unique or df.isna().to_numpy().any():
        return CellStyles(df, css, None)
    ctx: dict[tuple[int, int], list] = {}
    for k, vals in css.items():
        j = df.columns.get_loc(k)
        for i, c in enumerate(vals):
            if c:
                ctx.setdefault((i, j), []).extend(maybe_convert_css_to_tuples(c))
    cells: dict[tuple, list[str]] = {}
    for i, j in sorted(ctx):
        if ctx[i, j]:
            cells.setdefault(tuple(ctx[i, j]), []).append(f"row{i}_col{j}")
    return CellStyles(df, css, {"table_styles": [], "caption": None, "body": [],
                                "cellstyle": [{"props": list(p), "selectors": s} for p, s in cells.items()]})


def _by_pandas(cs: CellStyles) -> Any:
    """``df.style.apply(f, axis=None)``, ``f`` giving each cell its CSS text: pandas' own Styler."""
    import pandas as pd
    frame = pd.DataFrame("", index=cs.df.index, columns=cs.df.columns)
    for k, v in cs.css.items():
        frame[k] = v
    return cs.df.style.apply(lambda _: frame, axis=None)


def styler(cs: CellStyles) -> Any:
    """The Styler ``st.dataframe`` reads for ``cs``: a new one on every call (Streamlit and pandas keep state
    in a Styler, so one is never kept between runs or shared between sessions). Made by
    :func:`giamngheo.ui.binding.styler_of` from the styles worked out, else by pandas.
    ``tests/ui/test_tables.py`` checks that Streamlit sends the same bytes either way."""
    if cs.translated is None:
        return _by_pandas(cs)
    from giamngheo.ui.binding import styler_of
    return styler_of(cs.df, cs.translated, lambda: _by_pandas(cs))


def rows_table(rows: Iterable[Mapping[str, Any]], columns: Iterable[str] | None = None) -> Any:
    """Rows (column name → cell) as the Arrow table ``st.dataframe`` sends as it is, made column by column
    without pandas: a table of text made anew on every move (the year table, the goal seeks) costs a tenth of
    what Streamlit's conversion of a pandas table does. A column of text (or None) is large text, as pandas'
    own text columns go to Arrow; any other column has the type Arrow gives its values (whole numbers, floats;
    NaN and None empty). Columns: ``columns``, else the first row's, then any other in the order met."""
    import pyarrow as pa
    rows = list(rows)
    cols = list(columns) if columns is not None else []
    if columns is None:
        seen = set()
        for r in rows:
            for c in r:
                if c not in seen:
                    seen.add(c)
                    cols.append(c)
    data = {}
    for c in cols:
        vals = [r.get(c) for r in rows]
        if all(v is None or isinstance(v, str) for v in vals):
            data[c] = pa.array(vals, type=pa.large_string())
        else:
            try:
                data[c] = pa.array(vals, from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError):       # mixed kinds: Streamlit's own conversion
                import pandas as pd

                from giamngheo.ui.binding import arrow_table
                return arrow_table(pd.DataFrame(rows, columns=cols))
    return pa.table(data) if cols else pa.table({})



# ---------------------------------------------------------------------------- a table's element kept
KEPT_SIZE = 48          # tables' elements kept (a styled comparison of 28 targets: about 40 KB each)


class _Recorder:
    """Stands where ``st.dataframe`` writes: keeps the element it would send (its type, protobuf and layout)
    instead of sending it. ``path``: the place on the page the element goes to (the Styler's default id is
    made from it)."""

    def __init__(self, path: str) -> None:
        self.path, self.got = path, None

    @property
    def dg(self) -> "_Recorder":
        return self

    def _get_delta_path_str(self) -> str:
        return self.path

    def _enqueue(self, delta_type: str, element_proto: Any, layout_config: Any = None, **kw: Any) -> None:
        self.got = (delta_type, element_proto, layout_config, kw)


_ELEMENTS = LockedLRU(KEPT_SIZE)      # (key, place on the page) -> the element, shared by the sessions


def _elements() -> LockedLRU:
    return _ELEMENTS


def _has_widgets(kwargs: Mapping[str, Any]) -> bool:
    """A column that is or may be a widget of its own (a button column; with a key Streamlit makes it an object
    of its own that registers a widget per session, so any column that is not a plain setting counts): such a
    table is never kept, since a kept element would carry the first session's widgets to the others."""
    config = kwargs.get("column_config") or {}
    if not isinstance(config, Mapping):
        return True
    for c in config.values():
        if c is None or isinstance(c, str):
            continue
        if not isinstance(c, Mapping) or (c.get("type_config") or {}).get("type") == "button":
            return True
    return False


def dataframe(key: Hashable, data: Callable[[], Any], **kwargs: Any) -> None:
    """``st.dataframe(data(), **kwargs)`` in the current container, the element Streamlit makes of it kept by
    ``key`` (and its place on the page): a rerun that shows the same table (a lever move that does not reach it)
    sends the same element again without building it again (a styled table's cells to Arrow twice, its
    styles to CSS: most of what the comparison page paid for its table). ``key`` must name everything the
    element is made of: ``data()``'s content and ``kwargs`` (the table is shared between sessions). Only for
    a display table (no ``key=``, no ``on_select``); when Streamlit's internals are not as expected, or a
    session records for Streamlit's agent, the ordinary ``st.dataframe``. ``tests/ui/test_tables.py`` checks
    that the element sent is the one ``st.dataframe`` sends."""
    try:
        from streamlit.delta_generator_singletons import get_dg_singleton_instance
        from streamlit.elements.arrow import ArrowMixin
        from streamlit.elements.lib import agent_spec
        if agent_spec.is_recording() or "key" in kwargs or "on_select" in kwargs or _has_widgets(kwargs):
            raise LookupError
        dg = get_dg_singleton_instance().main_dg
        path = dg._get_delta_path_str()
        enqueue = dg._enqueue
    except Exception:  # noqa: BLE001 - the internals moved: Streamlit's own way
        st.dataframe(data(), **kwargs)
        return
    kept = _elements().get((key, path), None)
    if kept is None:
        rec = _Recorder(path)
        try:
            ArrowMixin.dataframe(rec, data(), **kwargs)
        except Exception:  # noqa: BLE001 - said by Streamlit's own call below, as without this
            rec.got = None
        if rec.got is None or rec.got[0] != "dataframe" or rec.got[1].HasField("lazy_data") \
                or rec.got[1].id or rec.got[1].form_id or rec.got[1].button_click_widgets:
            st.dataframe(data(), **kwargs)
            return
        kept = _elements().put((key, path), rec.got)
    delta_type, proto, layout_config, kw = kept
    enqueue(delta_type, proto, layout_config=layout_config, **kw)

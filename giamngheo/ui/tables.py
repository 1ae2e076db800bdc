"""Tables that fit a 1366 px laptop without sideways scrolling and without cut text.

``st.dataframe`` cannot wrap a header, but it wraps the text in its cells when rows are taller than one
line (``row_height``); the widths below share the main area (about 880 px at 1366 px with the sidebar
open) between the columns, so that no column is pushed out of view.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import streamlit as st

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


def styled(df: Any, css: Mapping[str, Iterable[str]]) -> Any:
    """``df.style.apply(f, axis=None)`` where ``f`` gives each cell of the columns in ``css`` its CSS text (a
    list per column, one per row; "" for none), as ``st.dataframe`` reads it (the cell styles and the display
    values), made without pandas' HTML rendering: Streamlit only reads the styles grouped by cell, which are
    worked out here as pandas groups them (the same props in the same order, cells row by row), and the
    display values, which are the cells as text. 8 ms a rerun for the comparison's table, about a quarter of
    that so. A table with a float column (pandas formats those) is styled by pandas itself.
    ``tests/ui/test_tables.py`` checks that Streamlit sends the same bytes either way."""
    import pandas as pd
    from pandas.io.formats.style_render import maybe_convert_css_to_tuples

    css = {k: list(v) for k, v in css.items()}
    floats = any(df[c].dtype.kind in "fc" or (df[c].dtype == object and any(isinstance(v, (float, complex))
                                                                            for v in df[c]))
                 for c in df.columns)
    if floats or not df.index.is_unique or not df.columns.is_unique or df.isna().to_numpy().any():
        frame = pd.DataFrame("", index=df.index, columns=df.columns)
        for k, v in css.items():
            frame[k] = v
        return df.style.apply(lambda _: frame, axis=None)
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
    done = {"table_styles": [], "caption": None, "body": [],
            "cellstyle": [{"props": list(p), "selectors": s} for p, s in cells.items()]}
    sty = df.style
    sty._compute = lambda: sty                      # what Streamlit calls before reading the styles
    sty._translate = lambda *a, **k: done
    return sty


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


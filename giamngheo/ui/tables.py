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

"""Draw the verdict board (the overview and the meeting view share it)."""
from __future__ import annotations

from html import escape
from typing import Callable, Hashable

import streamlit as st

from giamngheo.i18n import catalogue
from giamngheo.lru import LockedLRU
from giamngheo.report.board import BoardRow
from giamngheo.ui.binding import html, run_once
from giamngheo.ui.headline import badge_html, chance_text
from giamngheo.ui.session import lang, tr

CSS = """
<style>
.gn-board {width:100%; border-collapse:collapse; font-size:var(--gn-size, 1rem); margin:0 0 1rem 0;}
.gn-board-wrap {overflow-x:auto; max-width:100%;}
.gn-board-wrap:last-child > .gn-board {margin-bottom:0;}
h4.gn-board-h {font-size:1.25rem; font-weight:600; line-height:1.2; padding:.6rem 0 .3rem 0; margin:0;}
.gn-board tr {border-top:1px solid rgba(26,26,26,.1);}
.gn-board th, .gn-board td {border:1px solid rgba(26,26,26,.1);}
.gn-board th {text-align:left; border-bottom:2px solid #888; padding:.35em .5em; font-weight:600;}
.gn-board td {border-bottom:1px solid #ddd; padding:.35em .5em; vertical-align:top;}
.gn-board td.num {white-space:nowrap; text-align:right;}
.gn-board td.val {text-align:right;}
.gn-board td.text {min-width:12em; width:36%;}
.gn-board td.verdict {min-width:7.5em;}
.gn-badge {display:inline-block; border-radius:.4em; padding:.1em .55em; font-weight:700; white-space:nowrap;}
.gn-mark {color:#8a4500; font-weight:700; cursor:help;}
.gn-sub {color:#555; font-size:.85em;}
.gn-chance {color:#222; font-size:.85em; font-weight:600;}
</style>
"""


def ensure_css() -> None:
    st.markdown(CSS, unsafe_allow_html=True)


def badge(status: str, label: str, probability: float | None = None) -> str:
    """The verdict (icon and word in its colour) and, apart from it and labelled, the chance of meeting it."""
    chance = chance_text(probability)
    return badge_html(status, label) + (f' <span class="gn-chance">{escape(chance)}</span>' if chance else "")


def mark(row: BoardRow) -> str:
    if row.official:
        return ""
    q = tr(f"quality.{row.latest_quality}") if row.latest_quality and f"quality.{row.latest_quality}" in catalogue() \
        else (row.latest_quality or "")
    return f' <span class="gn-mark" title="{escape(q)}" aria-label="{escape(q)}">◇</span>'


def render_boards(parts: list[tuple[str, list[BoardRow]]], cols: list[tuple[str, str]], compact: bool = False,
                  size: str = "1rem") -> None:
    """Boards (a heading and its rows each: the overview's areas) in one element, every element being a
    message to the browser: one row per target, a verdict column per period with the result under the badge.

    As HTML (``st.html``: sanitised and set as the element's HTML at once), not Markdown: Streamlit's Markdown
    parses 25 KB of table into a syntax tree, again through an HTML parser (rehype-raw), and builds a React
    element for each of its thousands of nodes, the largest single piece of the browser's work on a first
    visit to the overview and on every move there."""
    css = CSS if run_once("board_css") else ""
    for group in _groups(parts):
        html(css, "".join(board_html(rows, cols, compact, size, heading) for heading, rows in group))
        css = ""


def moves(rows: list[BoardRow]) -> bool:
    """Whether a board's rows may change with the levers: a projected verdict (a verdict on a measured year, or
    on a year before the levers act estimated from the data, does not move with them)."""
    return any(r.basis == "projected" for r in rows)


def _groups(parts: list[tuple[str, list[BoardRow]]]) -> list[list[tuple[str, list[BoardRow]]]]:
    """The boards in runs of neighbours that move with the levers or do not (:func:`moves`), in order: one
    element each. A lever move changes the HTML of the boards that move with it alone; the browser cleans
    (DOMPurify) and lays out again only the element they are in, and the others' element, unchanged, is sent
    as a reference to the one the browser has (Streamlit's message cache) and not drawn again."""
    out: list[list[tuple[str, list[BoardRow]]]] = []
    last = None
    for part in parts:
        m = moves(part[1])
        if not out or m != last:
            out.append([])
        out[-1].append(part)
        last = m
    return out


def board_html(rows: list[BoardRow], cols: list[tuple[str, str]], compact: bool = False, size: str = "1rem",
               heading: str = "") -> str:
    """The HTML of one board (every value escaped), its heading above it."""
    top = f'<h4 class="gn-board-h">{escape(heading)}</h4>' if heading else ""
    head = [tr("board.col_number"), tr("board.col_target"), tr("board.col_latest"), tr("board.col_goal")]
    head += [label for _, label in cols]
    if not compact:
        head.append(tr("board.col_required"))
    out = [f'<table class="gn-board" style="--gn-size:{size}"><thead><tr>'
           + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    col_keys = tuple(key for key, _ in cols)
    out += [_row_html(r, col_keys, compact) for r in rows]
    out.append("</tbody></table>")
    # on a phone the table scrolls sideways in its own box, never the whole page
    return top + '<div class="gn-board-wrap">' + "".join(out) + "</div>"


# A row's HTML depends on the row, the board's verdict columns, compactness and the language. The board's rows
# are kept by the core's board (giamngheo.report.board: the same object while the target's verdict is the same),
# so on a lever move the rows of the targets it does not change (most of the board) are found here, by the very
# row object (held while kept), not written again.
_ROW_HTML = LockedLRU(1024)


def kept_html(kind: Hashable, r: BoardRow, make: Callable[[], str]) -> str:
    """A row's HTML of one ``kind`` (a board's row, meeting mode's chip) in the session's language: the one made
    for this very row before, else ``make()``, kept."""
    key = (kind, id(r), lang())
    got = _ROW_HTML.get(key, None)
    if got is not None and got[0] is r:
        return got[1]
    html = make()
    _ROW_HTML.put(key, (r, html), replace=True)
    return html


def _row_html(r: BoardRow, col_keys: tuple[str, ...], compact: bool) -> str:
    return kept_html(("board", col_keys, compact), r, lambda: _row_html_made(r, col_keys, compact))


def _row_html_made(r: BoardRow, col_keys: tuple[str, ...], compact: bool) -> str:
    cells = [f'<td class="num">{r.number}</td>',
             f'<td class="text" title="{escape(r.reading)}">{escape(r.text)}<div class="gn-sub">{escape(r.indicator_name)}</div></td>',
             f'<td class="val">{escape(r.latest)}{mark(r)}</td>', f"<td>{escape(r.goal)}</td>"]
    for key in col_keys:
        if r.column != key:
            cells.append("<td></td>")
            continue
        basis = tr(f"basis.{r.basis}") if r.basis and f"basis.{r.basis}" in catalogue() else (r.basis or "")
        # one format: what was measured or projected, and on what basis; a part that is not there is left
        # out (never a lone "–" or a stray " · ")
        sub_text = " · ".join(x for x in (r.result, basis) if x and x.strip() not in ("–", "-"))
        sub = "" if compact or not sub_text else f'<div class="gn-sub">{escape(sub_text)}</div>'
        chance = chance_text(r.probability)
        if chance and r.status == "awaiting_data":       # a nowcast: an estimate, not a conclusion
            chance += f" ({tr('cond.nowcast')})"
        chance = f'<div class="gn-chance">{escape(chance)}</div>' if chance else ""
        # what would settle a target that awaits data (or has none yet), in words
        cond = f'<div class="gn-sub gn-cond">{escape(r.condition)}</div>' if r.condition and not compact else ""
        cells.append(f'<td class="verdict">{badge_html(r.status, r.status_label)}{chance}{sub}{cond}</td>')
    if not compact:
        cells.append(f'<td class="val">{escape(r.required)}</td>')
    return "<tr>" + "".join(cells) + "</tr>"

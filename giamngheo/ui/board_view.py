"""Draw the verdict board (the overview and the meeting view share it)."""
from __future__ import annotations

from html import escape

import streamlit as st

from giamngheo.report.board import BoardRow
from giamngheo.ui.state import pct, tr

COLORS = {
    "achieved": ("#0b6b3a", "#ffffff"), "on_track": ("#2e9d5b", "#ffffff"), "at_risk": ("#f2b705", "#1a1a1a"),
    "off_track": ("#c0392b", "#ffffff"), "missed": ("#7d1f16", "#ffffff"), "no_data": ("#9aa0a6", "#1a1a1a"),
}

CSS = """
<style>
.gn-board {width:100%; border-collapse:collapse; font-size:var(--gn-size, 1rem);}
.gn-board th {text-align:left; border-bottom:2px solid #888; padding:.35em .5em; font-weight:600;}
.gn-board td {border-bottom:1px solid #ddd; padding:.35em .5em; vertical-align:top;}
.gn-board td.num {white-space:nowrap; text-align:right;}
.gn-board td.text {min-width:12em; width:36%;}
.gn-board td.verdict {min-width:7.5em;}
.gn-badge {display:inline-block; border-radius:.4em; padding:.1em .55em; font-weight:700; white-space:nowrap;}
.gn-mark {color:#b35c00; font-weight:700; cursor:help;}
.gn-sub {color:#666; font-size:.85em;}
</style>
"""


def ensure_css() -> None:
    st.markdown(CSS, unsafe_allow_html=True)


def badge(status: str, label: str, probability: float | None = None) -> str:
    bg, fg = COLORS.get(status, ("#999", "#fff"))
    prob = f" · {pct(probability * 100, 0)}" if probability is not None else ""
    return f'<span class="gn-badge" style="background:{bg};color:{fg}">{escape(label)}{escape(prob)}</span>'


def mark(row: BoardRow) -> str:
    if row.official:
        return ""
    q = tr(f"quality.{row.latest_quality}") if row.latest_quality else ""
    return f' <span class="gn-mark" title="{escape(q)}">◇</span>'


def render_board(rows: list[BoardRow], cols: list[tuple[str, str]], compact: bool = False, size: str = "1rem") -> None:
    """One row per target; a verdict column per period, with the result under the badge."""
    st.markdown(CSS, unsafe_allow_html=True)
    head = [tr("board.col_number"), tr("board.col_target"), tr("board.col_latest"), tr("board.col_goal")]
    head += [label for _, label in cols]
    if not compact:
        head.append(tr("board.col_required"))
    out = [f'<table class="gn-board" style="--gn-size:{size}"><thead><tr>'
           + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    for r in rows:
        cells = [f'<td class="num">{r.number}</td>',
                 f'<td class="text" title="{escape(r.reading)}">{escape(r.text)}<div class="gn-sub">{escape(r.indicator_name)}</div></td>',
                 f'<td class="num">{escape(r.latest)}{mark(r)}</td>', f"<td>{escape(r.goal)}</td>"]
        for key, _ in cols:
            if r.column != key:
                cells.append("<td></td>")
                continue
            basis = tr(f"basis.{r.basis}") if r.basis else ""
            sub = "" if compact else f'<div class="gn-sub">{escape(r.result)} · {escape(basis)}</div>'
            cells.append(f'<td class="verdict">{badge(r.status, r.status_label, r.probability)}{sub}</td>')
        if not compact:
            cells.append(f'<td class="num">{escape(r.required)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    st.markdown("".join(out), unsafe_allow_html=True)

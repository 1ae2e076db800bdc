"""Chế độ họp: for a projector — the headline, the verdict board and the key sliders on one screen, large."""
from html import escape
from pathlib import Path

import streamlit as st

from giamngheo.report.board import board, columns, summary
from giamngheo.ui import sidebar
from giamngheo.ui.board_view import COLORS, render_board
from giamngheo.ui.pages import discover
from giamngheo.ui.state import context, lang, mc_results, tr

st.set_page_config(initial_sidebar_state="collapsed")
# page-local style: it goes when the page does
st.markdown("""<style>
[data-testid='stHeader'] {background:transparent;}
[data-testid='stMainBlockContainer'] {padding-top:.8rem; padding-bottom:0; max-width:100%;}
.gn-meet-head {display:flex; align-items:baseline; gap:1.2rem; flex-wrap:wrap; margin:0 0 .3rem 0;}
.gn-meet-big {font-size:3.2rem; font-weight:800; line-height:1;}
.gn-meet-sub {font-size:1.35rem; color:#444;}
.gn-meet-chips {font-size:1.1rem; line-height:1.9; margin:.2rem 0 .4rem 0;}
.gn-meet-chips .gn-chip {display:inline-block; min-width:2.1em; text-align:center; border-radius:.35em;
  padding:0 .35em; margin:0 .15em; font-weight:700; cursor:help;}
.gn-meet-h {font-size:1.3rem; font-weight:700; margin:.25rem 0 .1rem 0;}
[data-testid='stMainBlockContainer'] [data-testid='stSlider'] label p {font-size:1.25rem; line-height:1.3;}
table.gn-board td.text {width:auto; min-width:0;}
table.gn-board td.text .gn-sub {display:none;}
table.gn-board td.num {white-space:normal;}
table.gn-board td, table.gn-board th {padding:.2em .45em;}
[data-testid='stMainBlockContainer'] [data-testid='stCaptionContainer'] p {font-size:1rem;}
</style>""", unsafe_allow_html=True)

ctx = context()
mc = mc_results()          # the verdicts with the probability of meeting each projected target
verdicts = mc.verdicts
L = lang()
rows = board(ctx.plan, ctx.indicators, verdicts, L)
s = summary(rows)

left, right = st.columns([2.7, 1], gap="medium")
with left:
    counts = " · ".join(f"{tr('status.' + k)} {n}" for k, n in s["counts"].items() if n)
    st.markdown(f'<div class="gn-meet-head"><span class="gn-meet-big">{s["good"]}/{s["total"]}</span>'
                f'<span class="gn-meet-sub">{escape(tr("meeting.headline"))}</span></div>'
                f'<div class="gn-meet-sub" style="font-size:1.05rem">{escape(counts)}</div>', unsafe_allow_html=True)

    # every target settled on actual data as a numbered chip in its verdict's colour (hover: the wording)
    decided = [r for r in rows if r.basis == "actual"]
    if decided:
        parts = []
        for status in ("achieved", "missed"):
            chips = []
            for r in (r for r in decided if r.status == status):
                bg, fg = COLORS[status]
                chips.append(f'<span class="gn-chip" style="background:{bg};color:{fg}" '
                             f'title="{escape(r.text)}">{r.number}</span>')
            if chips:
                parts.append(f"<b>{escape(tr('status.' + status))}</b>: " + "".join(chips))
        st.markdown(f'<div class="gn-meet-h">{escape(tr("meeting.decided"))}</div>'
                    f'<div class="gn-meet-chips">{" &nbsp; ".join(parts)}</div>', unsafe_allow_html=True)

    # the targets the sliders can still move, on the board
    open_rows = [r for r in rows if r.basis != "actual"]
    st.markdown(f'<div class="gn-meet-h">{escape(tr("meeting.open"))}</div>', unsafe_allow_html=True)
    if open_rows:
        # only the verdict columns that hold a verdict (the open targets are often all 2030 ones)
        cols = [c for c in columns(ctx.plan, L) if any(r.column == c[0] for r in open_rows)]
        render_board(open_rows, cols, compact=True, size="1.2rem")
    else:
        st.info(tr("meeting.none_open"))

with right:
    st.markdown(f'<div class="gn-meet-h">{escape(tr("meeting.sliders"))}</div>', unsafe_allow_html=True)
    sidebar.render_sliders(sidebar.MEETING_IDS, st.container())
    first_page = discover(Path(__file__).resolve().parent)[0][0]
    st.page_link(str(first_page), label=tr("meeting.exit"), icon=":material/logout:")
    st.caption(tr("meeting.hint"))

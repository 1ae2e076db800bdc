"""Chế độ họp: for a projector — the headline, the main chart, the headline levers, every target as a
chip (number, name, verdict, status mark) and the notices, on one screen from 1024×768 to 1920×1080.

Type sizes follow the screen: the page sets the root font size from the viewport (CSS clamp of vw
and vh), and everything Streamlit draws is sized in rem, so the whole page grows with the screen."""
from html import escape
from pathlib import Path

import streamlit as st

from giamngheo.i18n import catalogue
from giamngheo.report.board import board, status_label, summary
from giamngheo.ui import agreed, levers
from giamngheo.ui.levers import COLORS, STATUS_ICON, UNKNOWN_COLOR
from giamngheo.ui.pages import discover
from giamngheo.ui.sidebar import notices
from giamngheo.ui.state import context, lang, mc_results, tr

st.set_page_config(initial_sidebar_state="collapsed")
levers.ensure_css()
# page-local style: it goes when the page does
st.markdown("""<style>
html {font-size: clamp(12px, calc(0.55vw + 0.85vh), 28px);}
.st-key-gn_meet_chart {height:40vh;}
[data-testid='stMainBlockContainer'] {padding:3.1rem 1.4rem 0 1.4rem; max-width:100%;}
[data-testid='stMainBlockContainer'] [data-testid='stVerticalBlock'] {gap:.45rem;}
.gn-head-num {font-size:2.6rem;}
.gn-meet-top {display:flex; align-items:center; gap:1rem; justify-content:space-between;}
.gn-meet-tally {font-size:1.05rem; font-weight:700; line-height:1.2; padding-bottom:1rem;}
.gn-meet-h {font-size:1rem; font-weight:700; margin:.1rem 0 0 0;}
.gn-chips {display:flex; flex-wrap:wrap; gap:.25rem .3rem; font-size:.9rem; line-height:1.35;}
.gn-chip {display:inline-flex; align-items:baseline; gap:.3em; border-radius:.35em; padding:.05em .45em;
  max-width:25em; white-space:nowrap; overflow:hidden; text-overflow:ellipsis;}
.gn-chip b {font-weight:800;}
.gn-chip .gn-chip-text {overflow:hidden; text-overflow:ellipsis;}
.gn-meet-group {font-weight:700; font-size:.85rem; margin-right:.2rem; align-self:center;}
.gn-meet-chipbox {padding-bottom:1.1rem;}
.gn-meet-note {font-size:.8rem; color:#5c3c00; background:#fff6dc; border-radius:.3rem; padding:.2rem .5rem;}
[data-testid='stMainBlockContainer'] [data-testid='stSlider'] label p {font-size:.95rem; line-height:1.2;}
.gn-lever-note {font-size:.78rem; margin:0 0 .3rem 0;}
</style>""", unsafe_allow_html=True)

ctx = context()
mc = mc_results()          # the verdicts with the chance of meeting each projected target
verdicts = mc.verdicts
L = lang()
rows = board(ctx.plan, ctx.indicators, verdicts, L)
s = summary(rows)

top_l, top_r = st.columns([5, 1], vertical_alignment="center")
with top_l:
    st.markdown(levers.headline_html(verdicts), unsafe_allow_html=True)
with top_r:
    tally = tr("screen.tally3", decided=s["decided"], awaiting=s["awaiting"], projected=s["projected"], total=s["total"])
    st.markdown(f'<div class="gn-meet-tally">{escape(tally)}</div>', unsafe_allow_html=True)
    first_page = discover(Path(__file__).resolve().parent)[0][0]
    st.page_link(str(first_page), label=tr("meeting.exit"), icon=":material/logout:")
agreed.sentence_line()     # where the latest year stands against the adopted path (none adopted: nothing)

left, right = st.columns([1, 1.25], gap="medium")
with left, st.container(key="gn_meet_chart"):
    levers.main_chart_slot(mc, height="stretch")
with right:
    ids = levers.headline_ids()
    needs = levers.lever_needs()
    reg = ctx.registry
    grid = st.columns(2, gap="medium")
    for i, aid in enumerate(ids):
        with grid[i % 2]:
            levers.render_lever(reg[aid], needs)


def chip(r) -> str:
    bg, fg = COLORS.get(r.status, UNKNOWN_COLOR)
    mark = "" if r.official else ' <span aria-label="{0}" title="{0}">◇</span>'.format(
        escape(tr(f"quality.{r.latest_quality}") if f"quality.{r.latest_quality}" in catalogue() else ""))
    chance = levers.chance_text(r.probability)
    title = f"{r.number}. {r.text} — {r.status_label}" + (f" · {chance}" if chance else "")
    extra = f" · {escape(chance)}" if chance else ""
    return (f'<span class="gn-chip" style="background:{bg};color:{fg}" title="{escape(title)}">'
            f'<b>{r.number}</b><span class="gn-chip-text">{escape(r.text)}</span>{mark}{extra}</span>')


# every target as a chip, grouped by verdict: icon and word for each group, the target's number and name,
# ◇ when a figure it rests on is not official, and the chance of meeting it for a projected one
order = list(dict.fromkeys([k for k in s["counts"]] + [r.status for r in rows]))
parts = []
for status in order:
    group = [r for r in rows if r.status == status]
    if not group:
        continue
    head = f'<span class="gn-meet-group">{STATUS_ICON.get(status, "•")} {escape(status_label(status, L))} ({len(group)}):</span>'
    parts.append(f'<div class="gn-chips">{head}{"".join(chip(r) for r in group)}</div>')
st.markdown(f'<div class="gn-meet-chipbox"><div class="gn-meet-h">{escape(tr("screen.board"))} · '
            f'{escape(tr("app.data_note"))}</div>' + "".join(parts) + "</div>", unsafe_allow_html=True)

for text in notices():
    st.markdown(f'<div class="gn-meet-note">⚠️ {escape(text)}</div>', unsafe_allow_html=True)

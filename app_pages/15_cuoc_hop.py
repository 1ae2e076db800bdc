"""Chế độ họp: for a projector — the headline, the main chart, the headline levers, every target as a
chip (number, name, verdict, status mark) and the notices, on one screen from 1024×768 to 1920×1080.

Type sizes follow the screen: the page sets the root font size from the viewport (CSS clamp of vw
and vh), and everything Streamlit draws is sized in rem, so the whole page grows with the screen."""
from html import escape

import streamlit as st

from giamngheo.i18n import catalogue
from giamngheo.report.board import board, status_label, summary
from giamngheo.report.palette import status_colors
from giamngheo.ui import agreed, binding, headline, levers, safe
from giamngheo.ui.board_view import kept_html
from giamngheo.ui.main_chart import main_chart_slot, meeting_root_css
from giamngheo.ui.pages import discover
from giamngheo.ui.session import context, field, lang, mc_results, tr
from giamngheo.ui.sidebar import notices

st.set_page_config(initial_sidebar_state="collapsed")
headline.ensure_css()
# page-local style: it goes when the page does
st.markdown("<style>\nhtml {font-size: " + meeting_root_css() + ";}\n" + """
/* the page is one screen high; the row of the chart and the levers takes what the headline and the chips
   leave, and the chart fills its side of it (at least 16rem) */
[data-testid='stMainBlockContainer'] > [data-testid='stVerticalBlock'] {min-height:calc(100vh - 4.4rem);}
/* the page's body is a fragment (a lever reruns it alone), which Streamlit draws in a block of its own:
   that block takes the height left, and its rows share it as the page's did */
[data-testid='stMainBlockContainer'] > [data-testid='stVerticalBlock'] > [data-testid='stLayoutWrapper']:has(.st-key-gn_meet_chart)
  {flex:1 1 auto; display:flex; flex-direction:column;}
[data-testid='stMainBlockContainer'] > [data-testid='stVerticalBlock'] > [data-testid='stLayoutWrapper']:has(.st-key-gn_meet_chart)
  > [data-testid='stVerticalBlock'] {flex:1 1 auto;}
[data-testid='stLayoutWrapper']:has(> [data-testid='stHorizontalBlock'] .st-key-gn_meet_chart),
[data-testid='stLayoutWrapper']:has(> .st-key-gn_meet_chart) {flex:1 1 auto;}
.st-key-gn_meet_chart {flex:1 1 auto; min-height:16rem;}
/* a phone: the columns stack and the page scrolls, so the chart takes the height its plot needs */
@media (max-width: 640px) {.st-key-gn_meet_chart {min-height:30rem;}}
.st-key-gn_meet_chart > div, .st-key-gn_meet_chart [data-testid='stVegaLiteChart'] {height:100%;}
[data-testid='stMainBlockContainer'] {padding:3.1rem 1.2rem 0 1.2rem; max-width:100%;}
[data-testid='stMainBlockContainer'] [data-testid='stVerticalBlock'] {gap:.3rem;}
/* a markdown element's box ends 1rem above its text (Streamlit's margin for paragraphs): pad it back */
.gn-heads {margin:0 0 1rem 0;}
.gn-head {padding:.15rem .7rem;}
.gn-head {gap:.2rem .7rem;}
.gn-head-num {font-size:2.3rem;}
.gn-head-label, .gn-head-goal {font-size:1.05rem;}
.gn-head .gn-badge, .gn-head-chance {font-size:1.2rem;}
.gn-meet-tally {font-weight:400;}
.st-key-gn_meet_exit {position:fixed; top:.45rem; right:3.2rem; z-index:999991; width:auto;}
/* which scenario the sliders show, in the top bar's free middle (fixed: it takes no line of the screen) */
.gn-meet-scen {position:fixed; top:.5rem; left:50%; transform:translateX(-50%); z-index:999990; max-width:30vw;
  font-size:1rem; line-height:1.15; color:#333; text-align:center; overflow-wrap:anywhere;}
@media (max-width: 700px) {.gn-meet-scen {position:static; transform:none; max-width:none; text-align:left;}}   /* a phone scrolls */
[data-testid='stMainBlockContainer'] [data-testid='stPageLink'] p {font-size:1.1rem;}
.gn-meet-h {font-size:1.05rem; font-weight:700; margin:0 0 .15rem 0; line-height:1.25;}
.gn-chips {display:flex; flex-wrap:wrap; gap:.15rem .3rem; font-size:1.3rem; line-height:1.2; margin-bottom:.05rem;}
.gn-chip {display:inline-flex; align-items:baseline; gap:.3em; border-radius:.35em; padding:0 .4em; max-width:100%;}
.gn-chip b {font-weight:800;}
.gn-meet-group {font-weight:700; margin-right:.2rem; align-self:center;}
.gn-meet-note {font-size:1.1rem; color:#5c3c00; background:#fff6dc; border-radius:.3rem; padding:.1rem .5rem;}
[data-testid='stMainBlockContainer'] [data-testid='stSlider'] label p {font-size:1rem; line-height:1.15;}
[data-testid='stMainBlockContainer'] [class*='st-key-gn_lever_'] [data-testid='stTextInput'] input {font-size:1.15rem;}
[data-testid='stMainBlockContainer'] [class*='st-key-gn_lever_'] {row-gap:.3rem;}   /* the note under its row */
.gn-lever-note {font-size:1rem; margin:0 0 .2rem 0;}
.gn-agreed-line {font-size:1rem !important; margin-bottom:1rem;}
</style>""", unsafe_allow_html=True)

# the verdicts' icons on screen ("awaiting data": a clock face, not "…")
ICON = headline.SCREEN_ICON


def chip(r) -> str:
    """A target: its number, its short name, its verdict's icon (the group says the word) and colour; ◇ when a
    figure it rests on is not official; the chance of meeting it for a projected one. Nothing is cut short:
    the whole name and verdict are in the chip (and in its title, read aloud). Kept by the row (the core's
    board keeps a target's row while its verdict is the same) and the language: a move writes the chips of the
    targets it changed."""
    return kept_html("chip", r, lambda: _chip(r))


def _chip(r) -> str:
    bg, fg = status_colors(r.status)
    quality = tr(f"quality.{r.latest_quality}") if f"quality.{r.latest_quality}" in catalogue() else ""
    mark = "" if r.official else f' <span aria-label="{escape(quality)}" title="{escape(quality)}">◇</span>'
    chance = headline.chance_text(r.probability)
    title = f"{r.number}. {r.text} — {r.status_label}" + (f" · {chance}" if chance else "")
    extra = f" · {escape(chance)}" if chance else ""
    icon = ICON.get(r.status, "•")
    return (f'<span class="gn-chip" style="background:{bg};color:{fg}" title="{escape(title)}" '
            f'data-status="{escape(r.status)}" data-target="{escape(r.target)}"><span aria-hidden="true">{icon}</span><b>{r.number}</b>'
            f'<span class="gn-chip-text">{escape(r.short)}</span>{mark}{extra}</span>')


@st.fragment
def meeting() -> None:
    """Everything below the page's style: a lever moved here reruns this alone (a fragment: the browser asks
    for it), not app.py and the collapsed sidebar, which do not change with it (which scenario the sliders
    show is said here, in the top bar, not in the sidebar)."""
    levers.fragment_start()
    ctx = context()
    mc = mc_results()          # the verdicts with the chance of meeting each projected target
    verdicts = mc.verdicts
    L = lang()
    rows = board(ctx.plan, ctx.indicators, verdicts, L)
    s = summary(rows)

    st.markdown(headline.headline_html(verdicts), unsafe_allow_html=True)
    agreed.sentence_line()     # where the latest year stands against the adopted path (none adopted: nothing)

    # the chart takes the height of the levers beside it (the columns stretch to the taller one)
    left, right = st.columns([1, 1.9], gap="medium")
    with left, st.container(key="gn_meet_chart"):
        main_chart_slot(mc, height="stretch")
    with right:
        ids = levers.headline_ids()          # as many as the registry's headline section holds
        needs = levers.lever_needs()
        reg = ctx.registry
        grid = st.columns(2, gap="small")
        # two columns of about the same height: each lever goes to the shorter one, its height guessed from the
        # length of its label and whether a target's need is written under it
        load = [0.0, 0.0]
        for aid in ids:
            col = 0 if load[0] <= load[1] else 1
            load[col] += 3 + len(field(reg[aid], "label")) / 30 + (1.5 if needs.get(aid) else 0)
            with grid[col]:
                levers.render_lever(reg[aid], needs, range_note=False)

    # every target as a chip, grouped by verdict: icon and word for each group, the target's number and name,
    # ◇ when a figure it rests on is not official, and the chance of meeting it for a projected one
    order = list(dict.fromkeys([k for k in s["counts"]] + [r.status for r in rows]))
    parts = []
    for status in order:
        group = [r for r in rows if r.status == status]
        if not group:
            continue
        head = f'<span class="gn-meet-group">{ICON.get(status, "•")} {escape(status_label(status, L))} ({len(group)}):</span>'
        parts.append(f'<div class="gn-chips">{head}{"".join(chip(r) for r in group)}</div>')
    tally = tr("screen.tally3", decided=s["decided"], awaiting=s["awaiting"], projected=s["projected"], total=s["total"])
    # HTML (st.html: sanitised and set at once), not Markdown: the browser's Markdown pipeline is not run on
    # every chip on every move
    binding.html("", f'<div class="gn-meet-chipbox"><div class="gn-meet-h">{escape(tally)} · '
                 f'<span class="gn-meet-tally">{escape(tr("app.data_note"))}</span></div>'
                 # which scenario the sliders show: in the top bar (fixed, it takes no line of the screen)
                 f'<div class="gn-meet-scen">{safe.html_text(levers.scenario_line(), 200)}</div>'
                 + "".join(parts) + "</div>")

    for text in notices():
        st.markdown(f'<div class="gn-meet-note">⚠️ {escape(text)}</div>', unsafe_allow_html=True)
    levers.fragment_end()


# the way out, in the top bar beside the menu (the page's CSS places it), outside the fragment: it does not
# change with a lever, and a page link is made against the navigation of a whole run
with st.container(key="gn_meet_exit"):
    st.page_link(str(discover()[0].file), label=tr("meeting.exit"), icon=":material/logout:")
meeting()

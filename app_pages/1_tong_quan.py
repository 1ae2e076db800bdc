"""Tổng quan: the question in one screen — the 2030 poor rate against its target, the verdict and the
chance of meeting it, the main chart and the headline levers; the other assumptions in groups below;
then every target with its verdict for 2025 and 2030."""
import streamlit as st

from giamngheo.report import explain, needs
from giamngheo.report.board import board, columns, status_label, summary
from giamngheo.ui import agreed, headings, headline, levers
from giamngheo.ui.board_view import render_boards
from giamngheo.ui.main_chart import OVERVIEW_CHART_HEIGHT, main_chart_slot
from giamngheo.ui.session import context, field, lang, mc_results, scenario, tr
from giamngheo.ui.sidebar import notices

# The headline levers in a grid beside the chart, as many columns as fit (2 on a 1024 px laptop, 3 at 1366 px,
# 4 at 1920 px): all of them, however many the registry's headline section holds, in the first screen with
# the headline and the chart.
headline.ensure_css()
# the page's own rules in an element of their own (a second <style> on the line where the first ends would be
# read as Markdown)
st.markdown("""<style>
[data-testid='stMainBlockContainer'] {padding-top:3.9rem;}   /* clear of the top navigation (3.75rem) */
[data-testid='stMainBlockContainer'] h1 {font-size:1.45rem; padding:0 0 .1rem 0;}
.st-key-gn_overview_levers {display:grid !important; grid-template-columns:repeat(auto-fill, minmax(12.5rem, 1fr));
  column-gap:1rem; row-gap:.35rem; align-items:start;}
.st-key-gn_overview_levers [data-testid='stSlider'] label p {font-size:.85rem; line-height:1.15;}
.st-key-gn_overview_levers .gn-lever-note {font-size:.75rem; line-height:1.2;}
.st-key-gn_overview_levers [class*='st-key-gn_lever_'] > [data-testid='stElementContainer']:has([data-testid='stSlider']) {flex-basis:0;}
.st-key-gn_overview_levers [data-testid='stTextInput'] {width:5.2rem !important; min-width:5.2rem; flex:0 0 auto;}
.st-key-gn_overview_levers [data-testid='stSlider'] [data-testid='stWidgetLabel'] {width:calc(100% + 5.7rem); max-width:none;}
</style>""", unsafe_allow_html=True)
headings.title(tr("overview.title"))


@st.fragment
def answer() -> None:
    """Everything below the title. A lever moved here reruns this alone (a fragment: the browser asks for
    it), not app.py and the sidebar, which do not change with it (which scenario the sliders show is said
    here, beside them, not in the sidebar)."""
    levers.fragment_start()
    ctx = context()
    sc = scenario()
    mc = mc_results()          # the verdicts with the chance of meeting each projected target (cached by scenario)
    verdicts = mc.verdicts
    rows = board(ctx.plan, ctx.indicators, verdicts, lang())
    s = summary(rows)
    # which scenario the sliders show, in the answer (the sidebar does not say it here: a move reruns this alone)
    st.markdown(headline.headline_html(verdicts, scenario=levers.scenario_line()), unsafe_allow_html=True)
    agreed.sentence_line(link=True)   # where the latest year stands against the adopted path (none adopted: nothing)

    left, right = st.columns([1, 1.45], gap="medium")
    with left:
        st.markdown(f"**{tr('screen.chart_title')}**")
        main_chart_slot(mc, height=OVERVIEW_CHART_HEIGHT)
    with right:
        st.markdown(f"**{tr('screen.levers')}**")
        levers.render_levers(levers.headline_ids(), st.container(key="gn_overview_levers", gap=None))
    for text in notices():
        st.warning(text, icon="⚠️")
    # one "needed" figure per 2030 poverty target, the same as on every page; and where the 2026 base comes
    # from (one caption, a line each: every element is a message to the browser)
    lines = [needs.need_line(ctx, sc, tg, v, lang()) for tg in ctx.plan.targets
             for v in [next(x for x in verdicts if x.target == tg.id)]
             if tg.area == "poverty" and v.basis == "projected" and v.required_change is not None]
    st.caption("  \n".join([*lines, explain.base_note(ctx, sc, lang())]))

    headings.subheader(tr("screen.board"))
    st.caption(f"{field(ctx.plan, 'title')} — {field(ctx.plan, 'issuer')}. {tr('app.as_of', year=ctx.as_of)}. "
               + tr("screen.tally3", decided=s["decided"], awaiting=s["awaiting"], projected=s["projected"],
                    total=s["total"]) + " · "
               + " · ".join(f"{headline.status_icon(k)} {status_label(k, lang())} {n}"
                            for k, n in s["counts"].items() if n)
               + "  \n" + tr("app.data_note") + " " + tr("overview.hover"))
    parts = []                 # every area's board in one element (an element is a message to the browser)
    for area in ctx.plan.areas:
        area_rows = [r for r in rows if r.area == area]
        parts.append((f"{tr('area.' + area)} · {sum(r.good for r in area_rows)}/{len(area_rows)}", area_rows))
    render_boards(parts, columns(ctx.plan, lang()))
    levers.fragment_end()


answer()
# the other assumptions below the board, outside the fragment: a headline lever's move (a fragment rerun)
# does not redraw their 17 sliders, which do not change with it (13 % of the overview's rerun); moving one
# of them reruns the whole page, the answer above included
st.markdown(f"**{tr('screen.other_levers')}**")
levers.render_other_groups(skip=levers.headline_ids())

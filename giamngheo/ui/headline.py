"""The headline (the 2030 poor rate against its target, its verdict and, apart, the chance of meeting it)
and the verdict's badge: views that only draw (HTML strings; the page puts them on the screen)."""
from __future__ import annotations

from html import escape

import streamlit as st

from giamngheo.i18n import fmt_pct
from giamngheo.report.palette import STATUS_ICON, status_colors
from giamngheo.ui import safe
from giamngheo.ui.session import context, lang, tr


def headline_targets() -> list:
    """The targets the headline answers: the poor rate in the plan's horizon year (all households first)."""
    plan = context().plan
    tgs = [tg for tg in plan.targets if tg.indicator == "poor_rate" and tg.year == plan.horizon]
    return sorted(tgs, key=lambda tg: (tg.group != "all", tg.number))


def headline_html(verdicts: list, big: bool = True, scenario: str = "") -> str:
    """The 2030 poor rate projected against its target, the verdict, and separately the chance of meeting it;
    ``scenario`` (plain text): which scenario the sliders show, at the end of the first box."""
    from giamngheo.report.board import status_label
    L = lang()
    by_id = {v.target: v for v in verdicts}
    parts = []
    scen = f'<span class="gn-head-scen">{safe.html_text(scenario, 200)}</span>' if scenario else ""
    for tg in headline_targets():
        v = by_id.get(tg.id)
        if v is None:
            continue
        first = not parts
        who = tr("screen.headline_all") if tg.group == "all" else tr(f"group.{tg.group}")
        level = fmt_pct(v.level, L, 2) if v.level is not None else "–"
        goal = fmt_pct(v.target_level, L, 2) if v.target_level is not None else "–"
        basis = tr(f"basis.{v.basis}") if v.basis else ""
        chance = (tr("screen.chance", p=fmt_pct(100 * v.probability, L, 0)) if v.probability is not None
                  else tr("screen.chance", p=tr("prob.none")))
        cls = "gn-head-main" if first else "gn-head-side"
        parts.append(
            f'<div class="gn-head {cls}" data-target="{escape(tg.id)}">'
            f'<div class="gn-head-label">{escape(tr("screen.headline_label", year=v.year, who=who))}'
            f'<br><span class="gn-head-basis">{escape(basis)}</span></div>'
            f'<span class="gn-head-num" data-testid="gn-headline-value">{escape(level)}</span>'
            f'<span class="gn-head-goal">{escape(tr("screen.headline_goal", n=tg.number, v=goal))}</span>'
            f'{badge_html(v.status, status_label(v.status, L))}'
            f'<span class="gn-head-chance">{escape(chance)}</span>'
            + (scen if first else "") + '</div>')
    if not parts and scen:             # no headline target drawn: the scenario line in a box of its own
        parts.append(f'<div class="gn-head gn-head-main">{scen}</div>')
    return f'<div class="gn-heads">{"".join(parts)}</div>'


# the verdicts' icons on screen: "awaiting data" gets a clock face, since the palette's "…" reads as text cut
# short ("… Chờ số liệu"); the exports keep the palette's
SCREEN_ICON = {**STATUS_ICON, "awaiting_data": "◷"}


def status_icon(status: str) -> str:
    return SCREEN_ICON.get(status, "•")


def badge_html(status: str, label: str) -> str:
    """The verdict: its icon and its word in its colour (never the colour alone)."""
    bg, fg = status_colors(status)
    icon = status_icon(status)
    return (f'<span class="gn-badge" data-status="{escape(status)}" style="background:{bg};color:{fg}">'
            f'<span aria-hidden="true">{icon}</span> {escape(label)}</span>')


def chance_text(probability: float | None) -> str:
    """The chance of meeting a target, labelled as a chance ("khả năng đạt 85 %"), or '' when none."""
    if probability is None:
        return ""
    return tr("screen.chance", p=fmt_pct(100 * probability, lang(), 0))


CSS = """<style>
.gn-heads {display:flex; gap:.8rem; flex-wrap:wrap; margin:0 0 .3rem 0;}
.gn-head {border:1px solid #d0d4d9; border-radius:.5rem; padding:.3rem .8rem; background:#f8f9fb;
  display:flex; align-items:center; gap:.3rem .8rem; flex-wrap:wrap;}
.gn-head .gn-badge {font-size:1.1rem;}
.gn-head-main {flex:1 1 22rem;}
.gn-head-side {flex:1 1 16rem;}
.gn-head-label {font-size:.95rem; color:#333; font-weight:600; line-height:1.25;}
.gn-head-basis {font-weight:400; color:#555;}
.gn-head-num {font-size:2.1rem; font-weight:800; line-height:1.1; color:#111;}
.gn-head-side .gn-head-num {font-size:1.6rem;}
.gn-head-goal {font-size:1rem; color:#333;}
.gn-head-chance {font-size:1.05rem; color:#222; font-weight:600;}
.gn-head-scen {margin-left:auto; font-size:.85rem; color:#444;}
.gn-badge {display:inline-block; border-radius:.4em; padding:.1em .55em; font-weight:700; white-space:nowrap;}
.gn-lever-note {font-size:.82rem; color:#444; margin:-.25rem 0 -.2rem 0; line-height:1.25;}
[data-testid='stMarkdownContainer']:has(> .gn-lever-note) {margin-bottom:0 !important;}
[class*='st-key-gn_lever_'] {row-gap:0;}
[class*='st-key-gn_lever_'] > [data-testid='stElementContainer']:has(.gn-lever-note) {flex:1 0 100%;}
[class*='st-key-gn_lever_'] [data-testid='stTextInput'] input {padding-left:.3rem; padding-right:.4rem;}
[class*='st-key-gn_lever_'] [data-testid='stSlider'] label p {font-weight:600;}
[class*='st-key-gn_lever_'] [data-testid='stSliderThumbValue'],
[class*='st-key-gn_lever_'] [data-testid='stSliderTickBar'] {display:none;}
[class*='st-key-gn_lever_'] [data-testid='stTextInput'] input {text-align:right; font-weight:700;}
</style>"""


def ensure_css(extra: str = "") -> None:
    """The levers' and headline's style sheet, with a page's own rules (``extra``) in the same element."""
    st.markdown(CSS + extra, unsafe_allow_html=True)

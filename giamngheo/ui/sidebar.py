"""The assumptions sidebar: the preset picker, every lever's slider (bound to the URL) in calm groups, the
notices, the reset. A view: its sliders are the binding layer's (``giamngheo.ui.levers.sidebar_slider``)."""
from __future__ import annotations

from typing import Iterable

import streamlit as st

from giamngheo.i18n import fmt_num
from giamngheo.scenario.registry import SECTIONS, Assumption
from giamngheo.ui.binding import forget_group_labels, group_label, lever_group, state_values
from giamngheo.ui.levers import lever_needs, need_text, sidebar_slider
from giamngheo.ui.scenarios import preset_picker
from giamngheo.ui.session import context, field, lang, tr


def notices() -> list[str]:
    """The notices about the current assumptions (the sidebar shows them; the overview and meeting mode too):
    ethnic placements above all placements raise the total."""
    from giamngheo.ui.session import scenario
    reg = context().registry
    vals = reg.resolve(scenario())     # the sliders' values (the run's one scenario; defaults filled in)
    out = []
    for a in reg.parts():          # a lever that is a part of another (assumptions.toml ``part_of``) above it
        if vals[a.id] > vals[a.part_of]:
            out.append(tr("notice.more_than_total", id=field(a, "label"), value="", shown=fmt_num(vals[a.id], lang())))
    return out


def _need_caption(a: Assumption, reqs: list, value: float) -> None:
    """Under a headline slider: the value its targets need, and whether the current value (``value``, what the
    slider took) is enough (the same phrase as under the body's levers, starting the line)."""
    text = need_text(a, reqs, float(value))
    if text:
        st.caption(text[:1].upper() + text[1:])


HIDE_THUMB = """<style>
/* the slider's own numbers (thumb value, min and max on hover or focus) are in the browser's format, not the
   page's language: the label carries the value and a note the range, both in the page's format */
[data-testid="stSliderThumbValue"], [data-testid="stSliderTickBar"] {display:none;}
/* captions on the sidebar's grey: dark enough for WCAG AA (4.5:1) */
[data-testid="stSidebar"] [data-testid="stCaptionContainer"] {opacity:1;}
[data-testid="stSidebar"] [data-testid="stCaptionContainer"] p {color:#4a4d50;}
</style>"""


def render(skip: Iterable[str] = (), line: bool = True) -> None:
    """The sidebar; ``skip``: ids a page draws in its body (``giamngheo.ui.levers.body_ids``); ``line``: the
    scenario line under the preset picker (``giamngheo.ui.scenarios.preset_picker``)."""
    skip = set(skip)
    reg = context().registry
    with st.sidebar:
        st.markdown(HIDE_THUMB, unsafe_allow_html=True)
        preset_picker(line)
        # every slider's value for its label, read in one pass after the preset picker (which may set them);
        # drawing a slider changes no other's
        ids = [a.id for a in reg if a.id not in skip]
        values = dict(zip(ids, state_values(ids)))
        heads = [a for a in reg.section("headline") if a.id not in skip]
        if heads:
            st.markdown(f"**{tr('section.headline')}**")
            needs = lever_needs()
            for a in heads:
                took = sidebar_slider(a, current=values[a.id])
                _need_caption(a, needs.get(a.id, []), took)
            for text in notices():
                st.warning(text, icon="⚠️")
        for sec in SECTIONS[1:]:
            items = [a for a in reg.section(sec) if a.id not in skip]
            if not items:
                continue
            # drawn only when opened (a closed group's sliders keep their values in the session and the link)
            group = lever_group(group_label(tr(f"section.{sec}"), items, values, lang()), key=f"gn_side_{sec}")
            if group.open:
                with group:
                    for a in items:
                        sidebar_slider(a, current=values[a.id])
        st.button(tr("notice.reset"), key="reset_defaults", on_click=reset_defaults)


def reset_defaults() -> None:
    """The reset button's callback: every assumption back to its default. A callback runs before the script, so
    before any slider of this run is drawn (after a slider is drawn its value can no longer be set in the run);
    the link follows (a drawn slider writes its default, that is no parameter; an undrawn one's parameter is
    removed by ``giamngheo.ui.binding.keep_in_link`` at the end of the run). A saved scenario's id leaves the
    link too, as opening a preset does: the link would reopen that scenario, not the defaults."""
    for a in context().registry:
        st.session_state[a.id] = int(a.default) if a.integer else a.default
    forget_group_labels()
    try:
        del st.query_params["scenario"]
    except KeyError:
        pass

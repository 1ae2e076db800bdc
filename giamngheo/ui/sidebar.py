"""The assumptions sidebar: one widget per registry entry, bound to the URL, in calm groups."""
from __future__ import annotations

import streamlit as st

from ..assumptions import SECTIONS, Assumption
from ..i18n import fmt_num
from .state import context, field, lang, tr


def _slider(a: Assumption) -> None:
    kind = int if a.integer else float
    label = field(a, "label")
    unit = tr(f"unit.{a.unit}") if _has_unit(a.unit) else ""
    help_text = field(a, "help")
    default_note = tr("sidebar.default", value=fmt_num(a.default, lang()), unit=unit)
    # the value in the language's number format (the slider's own label cannot be localised)
    current = st.session_state.get(a.id, a.default)
    try:
        shown = fmt_num(float(current), lang(), 0 if a.integer else 2)
    except (TypeError, ValueError):
        shown = fmt_num(a.default, lang())
    label = f"{label}: **{shown}**"
    st.slider(label, min_value=kind(a.min), max_value=kind(a.max), value=kind(a.default), step=kind(a.step),
              key=a.id, help=f"{help_text}\n\n{default_note}", bind="query-params")


def _has_unit(unit: str) -> bool:
    from ..i18n import catalogue
    return f"unit.{unit}" in catalogue()


HIDE_THUMB = """<style>
[data-testid="stSliderThumbValue"], [data-testid="stSliderTickBarMin"], [data-testid="stSliderTickBarMax"] {display:none;}
</style>"""


def render() -> None:
    reg = context().registry
    with st.sidebar:
        st.markdown(HIDE_THUMB, unsafe_allow_html=True)
        st.markdown(f"**{tr('section.headline')}**")
        for a in reg.section("headline"):
            _slider(a)
        for sec in SECTIONS[1:]:
            items = reg.section(sec)
            if not items:
                continue
            with st.expander(tr(f"section.{sec}")):
                for a in items:
                    _slider(a)
        if st.button(tr("notice.reset"), key="reset_defaults"):
            for a in reg:
                if a.id in st.session_state:
                    st.session_state[a.id] = int(a.default) if a.integer else a.default
            st.rerun()

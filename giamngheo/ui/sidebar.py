"""The assumptions sidebar: one widget per registry entry, bound to the URL, in calm groups."""
from __future__ import annotations

from typing import Any, Iterable

import streamlit as st

from giamngheo.i18n import fmt_num
from giamngheo.scenario.assumptions import SECTIONS, Assumption
from giamngheo.ui.state import context, field, lang, tr


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
    label = f"{label}: {shown}"
    st.slider(label, min_value=kind(a.min), max_value=kind(a.max), value=kind(a.default), step=kind(a.step),
              key=a.id, help=f"{help_text}\n\n{default_note}", bind="query-params",
              format="localized")   # what a screen reader says follows the browser's locale (1,2 in vi-VN)


def notices() -> list[str]:
    """The notices about the current assumptions (the sidebar shows them; the overview and meeting mode too):
    ethnic placements above all placements raise the total; a pace so fast that the work-able poor are gone
    each year leaves the rest to the households with nobody able to work."""
    reg = context().registry
    vals = reg.resolve(_current(reg))
    out = []
    if vals.get("overseas_ethnic", 0) > vals.get("overseas", float("inf")):
        out.append(tr("notice.more_than_total", id=field(reg["overseas_ethnic"], "label") if "overseas_ethnic" in reg
                      else "overseas_ethnic", value="", shown=fmt_num(vals["overseas_ethnic"], lang())))
    return out


def _lever_needs() -> dict:
    """Lever id → the requirements of the projected targets it is the main lever of (the body's levers' own)."""
    from giamngheo.ui.levers import lever_needs
    return lever_needs()


def _need_caption(a: Assumption, reqs: list) -> None:
    """Under a headline slider: the value its targets need, and whether the current value is enough
    (the same phrase as under the body's levers, starting the line)."""
    from giamngheo.ui.levers import need_text
    text = need_text(a, reqs, float(st.session_state.get(a.id, a.default)))
    if text:
        st.caption(text[:1].upper() + text[1:])


def _current(reg):
    from giamngheo.scenario.assumptions import Scenario
    return Scenario.of("", {a.id: float(st.session_state[a.id]) for a in reg if a.id in st.session_state})


def _has_unit(unit: str) -> bool:
    from giamngheo.i18n import catalogue
    return f"unit.{unit}" in catalogue()


HIDE_THUMB = """<style>
/* the slider's own numbers (thumb value, min and max on hover or focus) are in the browser's format, not the
   page's language: the label carries the value and a note the range, both in the page's format */
[data-testid="stSliderThumbValue"], [data-testid="stSliderTickBar"] {display:none;}
/* captions on the sidebar's grey: dark enough for WCAG AA (4.5:1) */
[data-testid="stSidebar"] [data-testid="stCaptionContainer"] {opacity:1;}
[data-testid="stSidebar"] [data-testid="stCaptionContainer"] p {color:#4a4d50;}
</style>"""


# The meeting page (app_pages/15_cuoc_hop.py) draws these sliders in its body, large; on that page the
# sidebar leaves them out, since a widget key can be drawn only once a run.
MEETING_PAGE = "cuoc-hop"
MEETING_IDS = ("poor_fall", "khmer_poor_fall", "near_poor_fall", "jobs", "overseas", "overseas_ethnic")


def render_sliders(ids: Iterable[str], container: Any, captions: bool = True) -> None:
    """The sidebar's own widgets (same key, URL binding, label and help) for ``ids``, drawn in ``container``,
    each with the caption of what its targets need (as in the sidebar)."""
    reg = context().registry
    needs = _lever_needs() if captions else {}
    with container:
        for aid in ids:
            if aid in reg:
                _slider(reg[aid])
                if captions:
                    _need_caption(reg[aid], needs.get(aid, []))


def render(skip: Iterable[str] = ()) -> None:
    """The sidebar; ``skip``: ids a page draws itself (see :func:`render_sliders`)."""
    skip = set(skip)
    reg = context().registry
    with st.sidebar:
        st.markdown(HIDE_THUMB, unsafe_allow_html=True)
        from giamngheo.ui.scenarios import preset_picker  # issue 5: presets at the top of the sidebar
        preset_picker()
        heads = [a for a in reg.section("headline") if a.id not in skip]
        if heads:
            st.markdown(f"**{tr('section.headline')}**")
            needs = _lever_needs()
            for a in heads:
                _slider(a)
                _need_caption(a, needs.get(a.id, []))
            for text in notices():
                st.warning(text, icon="⚠️")
        for sec in SECTIONS[1:]:
            items = [a for a in reg.section(sec) if a.id not in skip]
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

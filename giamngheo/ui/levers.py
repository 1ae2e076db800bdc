"""The levers in a page body: the overview's and meeting mode's headline levers, the other assumptions in
groups. A view that only draws: the slider and its number box come from the binding layer
(``giamngheo.ui.binding.lever_slider`` / ``lever_box``: the same key, bounds and URL binding as the
sidebar's, so links keep working), the words from the session.

The overview and meeting mode draw the headline levers here instead of the sidebar (a widget key can be
drawn once a run: app.py tells the sidebar to leave them out on those pages, :func:`body_ids`).
"""
from __future__ import annotations

from html import escape
from typing import Any, Iterable

import streamlit as st

from giamngheo.i18n import catalogue, fmt_num
from giamngheo.scenario.registry import SECTIONS, Assumption
from giamngheo.ui import binding, scenarios
from giamngheo.ui.binding import fmt_lever
from giamngheo.ui.session import context, field, lang, tr

# The pages (url paths) whose body draws the headline levers; the default page's path is "".
OVERVIEW_PAGES = ("", "tong-quan")
MEETING_PAGES = ("cuoc-hop",)


def headline_ids() -> list[str]:
    return [a.id for a in context().registry.section("headline")]


def body_ids(url_path: str) -> set[str]:
    """The assumption ids a page draws in its body (the sidebar leaves them out there)."""
    reg = context().registry
    if url_path in OVERVIEW_PAGES:
        return {a.id for a in reg}               # headline levers on top, the rest in groups below
    if url_path in MEETING_PAGES:
        return set(headline_ids())
    return set()


def in_fragment(url_path: str) -> bool:
    """Whether a page draws its levers in a fragment (a move there reruns the fragment alone, not the sidebar:
    the page says which scenario the sliders show, beside them)."""
    return url_path in OVERVIEW_PAGES or url_path in MEETING_PAGES


def unit(a: Assumption) -> str:
    return tr(f"unit.{a.unit}") if f"unit.{a.unit}" in catalogue() else ""


# A lever's help reads the same for every session and run (the assumption and the language): made once per
# process, by the assumption object itself (held, so a new registry, a new data version, is new texts).
_HELP: dict[tuple[int, str], tuple[Assumption, str]] = {}


def slider_help(a: Assumption) -> str:
    """A lever's help: what it does, and its default."""
    L = lang()
    got = _HELP.get((id(a), L))
    if got is not None and got[0] is a:
        return got[1]
    text = f"{field(a, 'help')}\n\n" + tr("sidebar.default", value=fmt_num(a.default, L), unit=unit(a))
    if len(_HELP) > 512:          # registries of data versions come and go: keep it bounded
        _HELP.clear()
    _HELP[(id(a), L)] = (a, text)
    return text


_UNREAD = object()


def sidebar_label(a: Assumption, current: Any = _UNREAD) -> str:
    """A lever's label with its value in the language's number format (the slider's own numbers cannot be
    localised), as the sidebar and the overview's groups show it. ``current``: its value as already read in
    this run (None: not set), else read here."""
    if current is _UNREAD:
        current = st.session_state.get(a.id, a.default)
    elif current is None:
        current = a.default
    try:
        shown = fmt_lever(a, float(current), lang())          # as its number box writes it (the step's decimals)
    except (TypeError, ValueError):
        shown = fmt_num(a.default, lang())
    return f"{field(a, 'label')}: {shown}"


def sidebar_slider(a: Assumption, scoped: bool = False, current: Any = _UNREAD) -> Any:
    """The slider of ``a`` as the sidebar draws it (its label carries its value); returns the value it took."""
    return binding.lever_slider(a, sidebar_label(a, current), slider_help(a), scoped=scoped)


def fragment_start() -> None:
    """At the top of a page's fragment (the overview's answer and levers): what a whole run would do first.

    The scenario's name follows the sliders (a preset is "changed" once a lever moves). Every move stays a
    fragment rerun: the line saying which scenario the sliders show is drawn by the page beside them
    (:func:`scenario_line`), not by the sidebar. (A whole-app rerun asked for from the fragment, on the first
    move away from the defaults, raced the browser's next moves of a held key: now and then the slider came
    back drawn afresh at its default while the server and the link kept the value.)"""
    if binding.fragment_run():
        scenarios.sync_name()


def scenario_line() -> str:
    """Plain text: which scenario the sliders show (defaults, unnamed, a preset or a saved one, changed or not)."""
    return tr("scenarios.showing", what=scenarios.short_label())


def fragment_end() -> None:
    """At the end of a page's fragment: remember the values, as app.py does at the end of a whole run."""
    binding.fragment_end(context().registry)


def need_text(a: Assumption, reqs: list, current: float) -> str:
    """What the lever's targets need (goal seek), one phrase per target, with ✓/✗ for the current value."""
    ctx = context()
    plan = ctx.plan
    sc = None                   # the run's scenario, read once for this lever's targets (not once per target)
    out = []
    for r in reqs:
        n = plan.target(r.target).number
        if r.outcome == "found" and r.value is not None:
            ok = "✓" if r.meets(current) else "✗"
            key = "screen.need_ge" if r.sense == ">=" else "screen.need_le"
            out.append(tr(key, n=n, v=fmt_lever(a, r.value, lang()), ok=ok))
            # what the scenario does to the target, so a share leaving a year is not read as the fall it gives
            from giamngheo.report.needs import resulting_text
            if sc is None:
                from giamngheo.ui.session import scenario
                sc = scenario()
            res = resulting_text(ctx, sc, r.target, lang())
            if res:
                out[-1] += f" ({res})"
        elif r.outcome in ("always", "never"):
            out.append(tr(f"seek.sidebar_{r.outcome}", n=n))
    return " · ".join(out)


def lever_needs() -> dict:
    """Lever id → the requirements of the projected targets it is the main lever of (goal seek, core-cached)."""
    from giamngheo.model.goalseek import lever_requirements
    from giamngheo.ui.session import scenario
    try:
        return lever_requirements(context(), scenario())
    except Exception:  # noqa: BLE001 - a caption must never break the page
        return {}


def render_lever(a: Assumption, needs: dict, range_note: bool = True) -> None:
    """One headline lever: its name and value, the slider, the number box, the range (unless ``range_note`` is
    False: meeting mode, where the room needs the room) and what its targets need."""
    L = lang()
    err = binding.box_error(a)      # said once, under what was typed
    note = binding.box_note(a)      # how a typed value was taken when not as written (said once)
    # one container: the slider and its number box in a row, what its targets need on a line of its own below
    # them (the style sheet gives the note the row's whole width). One container, not a column holding a row:
    # every element is drawn again by the browser on a move
    with st.container(key=f"gn_lever_{a.id}", gap="small", horizontal=True, vertical_alignment="bottom"):
        # the value the slider took (a link's value is seeded when it is drawn)
        cur = float(binding.lever_slider(a, field(a, "label"), slider_help(a), scoped=True))
        binding.lever_box(a, cur, L, tr("screen.box_label", name=field(a, "label")), refused=err is not None)
        need = need_text(a, needs.get(a.id, []), cur)
        rng = tr("screen.range", lo=fmt_lever(a, a.min, L), hi=fmt_lever(a, a.max, L), unit=unit(a))
        line = " · ".join(x for x in (rng if range_note else "", need) if x)
        if err is not None:
            line = "⚠️ " + tr("screen.box_invalid", value=err) + " · " + line
        elif note:
            line = "ℹ️ " + note + (" · " + line if line else "")
        if line:
            st.markdown(f'<div class="gn-lever-note">{escape(line)}</div>', unsafe_allow_html=True)


def render_levers(ids: Iterable[str], container: Any = None) -> None:
    reg = context().registry
    needs = lever_needs()
    with (container or st.container(gap="small")):
        for aid in ids:
            if aid in reg:
                render_lever(reg[aid], needs)


def render_other_groups(skip: Iterable[str] = ()) -> None:
    """The rest of the assumptions in collapsible groups (the sidebar's sliders, in the page body)."""
    skip = set(skip)
    reg = context().registry
    groups = [(sec, [a for a in reg.section(sec) if a.id not in skip]) for sec in SECTIONS[1:]]
    groups = [(sec, items) for sec, items in groups if items]
    cols = st.columns(min(3, max(1, len(groups))))
    values = dict(zip((a.id for _, items in groups for a in items),
                      binding.state_values([a.id for _, items in groups for a in items])))   # one pass
    for i, (sec, items) in enumerate(groups):
        # drawn only when opened (a closed group's sliders keep their values in the session and the link)
        group = binding.lever_group(binding.group_label(tr(f"section.{sec}"), items, values, lang()),
                                    key=f"gn_body_{sec}", container=cols[i % len(cols)])
        if group.open:
            with group:
                for a in items:
                    sidebar_slider(a, scoped=True, current=values[a.id])

"""The leader's screen: the headline, the main chart slot and the headline levers in the page body.

The overview and meeting mode draw the headline levers here, in the page, instead of the sidebar
(a widget key can be drawn once a run: app.py tells the sidebar to leave them out on those pages).
Each lever is the sidebar's own slider (same key, bounds and URL binding, so links keep working)
plus a number box in the language's number format, kept in sync with it: typing in the box sets
the slider (and so the link); moving the slider, a preset, a link or the reset rewrites the box.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from html import escape
from typing import Any, Iterable

import streamlit as st

from giamngheo.i18n import catalogue, fmt_num, fmt_pct
from giamngheo.scenario.assumptions import SECTIONS, Assumption
from giamngheo.ui.state import context, field, lang, tr

# The pages (url paths) whose body draws the headline levers; the default page's path is "".
OVERVIEW_PAGES = ("", "tong-quan")
MEETING_PAGES = ("cuoc-hop",)
BOX = "_gn_box_{}"             # the number box of lever id
BOX_ERR = "_gn_box_err_{}"      # what was typed in it that is not a number (shown under it)
BOX_WRITTEN = "_gn_box_written_{}"   # the last texts the page wrote into the box of lever id
BOX_WRITTEN_KEEP = 8
BOX_WIDTH = 100                 # px: the number box beside its slider (12 characters, "1.234.567,89")


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


# ------------------------------------------------------------------------------------ numbers

_GROUPED = re.compile(r"^[+-]?\d{1,3}([.,]\d{3})+$")


def parse_number(text: Any, lang: str) -> float | None:
    """A number as a person types it: ``1.234,5`` / ``0,8`` (Vietnamese) or ``1,234.5`` / ``0.8``.

    Either separator is taken as the decimal one when it is the only one and is not followed by
    groups of exactly three digits (``5.000`` is five thousand in Vietnamese, ``5,000`` in English).
    """
    s = str(text or "").strip().replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
    s = s.rstrip("%").strip()
    if not s:
        return None
    dec, grp = (",", ".") if lang == "vi" else (".", ",")
    if dec in s and grp in s:
        s = s.replace(grp, "").replace(dec, ".")
    elif grp in s:
        s = s.replace(grp, "") if _GROUPED.match(s) else (s.replace(grp, ".") if s.count(grp) == 1 else "x")
    elif dec in s:
        s = s.replace(dec, ".") if s.count(dec) == 1 else "x"
    try:
        v = float(s)
    except ValueError:
        return None
    return v if v == v and abs(v) != float("inf") else None


def decimals(a: Assumption) -> int:
    if a.integer:
        return 0
    step = f"{a.step:.6f}".rstrip("0")
    return max(1, len(step.split(".")[1])) if "." in step else 0


def fmt_lever(a: Assumption, v: float, lang: str) -> str:
    return fmt_num(float(v), lang, decimals(a))


def snap(a: Assumption, v: float) -> float:
    """Into the lever's range, on its step."""
    v = a.clamp(v)
    n = round((v - a.min) / a.step)
    v = a.clamp(a.min + n * a.step)
    return float(round(v, 6))


def unit(a: Assumption) -> str:
    return tr(f"unit.{a.unit}") if f"unit.{a.unit}" in catalogue() else ""


# ------------------------------------------------------------------------------------ the levers

def _on_box(aid: str) -> None:
    a = context().registry[aid]
    raw = st.session_state.get(BOX.format(aid), "")
    if _slider_moved_in_this_request(aid) and raw in st.session_state.get(BOX_WRITTEN.format(aid), ()):
        # The browser sends every widget's value with a rerun. In a quick series of slider moves (an arrow key
        # held down) it sends the box's text as it showed it before drawing the previous move's number: a text
        # the page wrote, not typed, which would put the slider back. The slider moved in this request: it
        # wins. (Both must hold: a text never written here is typing, whatever the slider did.)
        st.session_state.pop(BOX_ERR.format(aid), None)
        st.session_state[BOX.format(aid)] = fmt_lever(a, float(st.session_state[aid]), lang())
        return
    v = parse_number(raw, lang())
    if v is None:
        st.session_state[BOX_ERR.format(aid)] = str(raw)[:40]
        return
    st.session_state.pop(BOX_ERR.format(aid), None)
    v = snap(a, v)
    st.session_state[aid] = int(v) if a.integer else v
    st.session_state[BOX.format(aid)] = fmt_lever(a, v, lang())


@contextmanager
def app_scoped():
    """Draw a URL-bound widget as if app.py drew it, though a page does.

    Streamlit ties a query-parameter binding to the script that drew the widget and, on a page switch,
    drops the parameters bound to another page's widgets: a lever drawn by the overview would leave
    the link when the user moves to the poverty page. The sidebar's sliders, drawn by app.py, do not;
    inside this block the page's sliders are bound the same way (the same widget on every page).
    Uses ``ScriptRunContext.run_with_active_hash`` (Streamlit 1.67); elsewhere a no-op."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    try:
        scope = ctx.run_with_active_hash(ctx.pages_manager.main_script_hash) if ctx is not None else None
    except AttributeError:
        scope = None
    if scope is None:
        yield
    else:
        with scope:
            yield


MEMORY = "_gn_values"            # every assumption's value at the end of the last run, and its page


def _note_written(aid: str, text: str) -> None:
    """Keep the last few texts the page wrote into lever ``aid``'s box (what the browser may send back late)."""
    key = BOX_WRITTEN.format(aid)
    seen = [x for x in st.session_state.get(key, ()) if x != text]
    st.session_state[key] = (*seen[-(BOX_WRITTEN_KEEP - 1):], text)


def _slider_moved_in_this_request(aid: str) -> bool:
    """Whether lever ``aid`` has another value than at the end of the last run (the value came with this
    request). Typing in the box comes in a request of its own, in which the slider has not moved."""
    last = st.session_state.get(MEMORY)
    if not last or aid not in last[1] or aid not in st.session_state:
        return False
    try:
        return float(st.session_state[aid]) != float(last[1][aid])
    except (TypeError, ValueError):
        return False


def remember_values(url_path: str) -> None:
    """At the end of a run: the assumptions' values and the page they were set on."""
    reg = context().registry
    vals = {a.id: st.session_state[a.id] for a in reg if a.id in st.session_state}
    st.session_state[MEMORY] = (url_path, vals)


def fragment_run() -> bool:
    """True in a rerun of a fragment only (a widget inside it changed): app.py and the sidebar did not run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "fragment_ids_this_run", None))


def fragment_start() -> None:
    """At the top of a page's fragment (the overview's answer and levers): what a whole run would do first.

    The scenario's name follows the sliders (a preset is "changed" once a lever moves). When the line the
    sidebar shows under the preset picker would now read differently, the whole app reruns, so that the
    sidebar never says something the sliders no longer show: the first move away from the defaults or
    from a preset; every later move stays a fragment rerun."""
    if not fragment_run():
        return
    from giamngheo.ui import scenarios
    scenarios.sync_name()
    drawn = st.session_state.get(scenarios.LABEL_DRAWN)
    if drawn is not None and drawn != scenarios.current_label():
        st.rerun(scope="app")


def fragment_end() -> None:
    """At the end of a page's fragment: remember the values, as app.py does at the end of a whole run."""
    if fragment_run():
        last = st.session_state.get(MEMORY)
        remember_values(last[0] if last else "")


def carry_over_page_switch(url_path: str) -> None:
    """On a page switch, before any slider is drawn: put back the values the switch dropped.

    A slider drawn in a page's body (the overview's levers) is unmounted when the user moves to another
    page; the browser then leaves its parameter out of the new page's address and Streamlit resets the
    widget, so the scenario would be lost. Setting the remembered value again (a value set in code)
    keeps it, and Streamlit writes it back to the address bar. Going back in the browser's history is
    left to the address, as Streamlit does."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    last = st.session_state.get(MEMORY)
    if not last or last[0] == url_path:
        return
    ctx = get_script_run_ctx()
    if ctx is not None and getattr(ctx, "is_history_navigation", False):
        return
    reg = context().registry
    for aid, v in last[1].items():
        if aid in reg and aid not in st.query_params and v != reg[aid].default:
            st.session_state[aid] = v


def _slider(a: Assumption, label_visibility: str = "visible") -> float:
    """The sidebar's slider for ``a`` (same key, bounds and binding: the same widget on every page)."""
    kind = int if a.integer else float
    default_note = tr("sidebar.default", value=fmt_num(a.default, lang()), unit=unit(a))
    with app_scoped():
        return st.slider(field(a, "label"), min_value=kind(a.min), max_value=kind(a.max), value=kind(a.default),
                         step=kind(a.step), key=a.id, help=f"{field(a, 'help')}\n\n{default_note}",
                         bind="query-params", label_visibility=label_visibility, format="localized")


def need_text(a: Assumption, reqs: list, current: float) -> str:
    """What the lever's targets need (goal seek), one phrase per target, with ✓/✗ for the current value."""
    plan = context().plan
    out = []
    for r in reqs:
        n = plan.target(r.target).number
        if r.outcome == "found" and r.value is not None:
            ok = "✓" if r.meets(current) else "✗"
            key = "screen.need_ge" if r.sense == ">=" else "screen.need_le"
            out.append(tr(key, n=n, v=fmt_lever(a, r.value, lang()), ok=ok))
        elif r.outcome in ("always", "never"):
            out.append(tr(f"seek.sidebar_{r.outcome}", n=n))
    return " · ".join(out)


def lever_needs() -> dict:
    """Lever id → the requirements of the projected targets it is the main lever of (goal seek, core-cached)."""
    from giamngheo.model.goalseek import lever_requirements
    from giamngheo.ui.state import scenario
    try:
        return lever_requirements(context(), scenario())
    except Exception:  # noqa: BLE001 - a caption must never break the page
        return {}


def render_lever(a: Assumption, needs: dict, range_note: bool = True) -> None:
    """One headline lever: its name and value, the slider, the number box, the range (unless ``range_note`` is
    False: meeting mode, where the room needs the room) and what its targets need."""
    L = lang()
    box = BOX.format(a.id)
    err = st.session_state.pop(BOX_ERR.format(a.id), None)   # said once, under what was typed
    with st.container(key=f"gn_lever_{a.id}", gap=None):
        # one row: the slider and its number box (a horizontal container: one element, where columns are three)
        with st.container(gap="small", horizontal=True, vertical_alignment="bottom"):
            cur = float(_slider(a))       # the value the slider took (a link's value is seeded when it is drawn)
            # the box shows the slider's value (written every run: a page switch drops an undrawn box's value),
            # unless it holds what was just typed and refused
            if err is None:
                st.session_state[box] = text = fmt_lever(a, cur, L)
                _note_written(a.id, text)
            st.text_input(tr("screen.box_label", name=field(a, "label")), key=box, on_change=_on_box,
                          args=(a.id,), label_visibility="collapsed", max_chars=12,
                          help=tr("screen.box_help"), width=BOX_WIDTH)
        need = need_text(a, needs.get(a.id, []), cur)
        rng = tr("screen.range", lo=fmt_lever(a, a.min, L), hi=fmt_lever(a, a.max, L), unit=unit(a))
        line = " · ".join(x for x in (rng if range_note else "", need) if x)
        if err is not None:
            line = "⚠️ " + tr("screen.box_invalid", value=err) + " · " + line
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
    from giamngheo.ui import sidebar
    skip = set(skip)
    reg = context().registry
    groups = [(sec, [a for a in reg.section(sec) if a.id not in skip]) for sec in SECTIONS[1:]]
    groups = [(sec, items) for sec, items in groups if items]
    cols = st.columns(min(3, max(1, len(groups))))
    for i, (sec, items) in enumerate(groups):
        with cols[i % len(cols)].expander(tr(f"section.{sec}")), app_scoped():
            for a in items:
                sidebar._slider(a)


# ------------------------------------------------------------------------------------ the headline

STATUS_ICON = {"achieved": "✓", "on_track": "↗", "at_risk": "⚠", "off_track": "↘", "missed": "✗",
               "awaiting_data": "…", "no_data": "–"}


def headline_targets() -> list:
    """The targets the headline answers: the poor rate in the plan's horizon year (all households first)."""
    plan = context().plan
    tgs = [tg for tg in plan.targets if tg.indicator == "poor_rate" and tg.year == plan.horizon]
    return sorted(tgs, key=lambda tg: (tg.group != "all", tg.number))


def headline_html(verdicts: list, big: bool = True) -> str:
    """The 2030 poor rate projected against its target, the verdict, and separately the chance of meeting it."""
    from giamngheo.report.board import status_label
    L = lang()
    by_id = {v.target: v for v in verdicts}
    parts = []
    for i, tg in enumerate(headline_targets()):
        v = by_id.get(tg.id)
        if v is None:
            continue
        who = tr("screen.headline_all") if tg.group == "all" else tr(f"group.{tg.group}")
        level = fmt_pct(v.level, L, 2) if v.level is not None else "–"
        goal = fmt_pct(v.target_level, L, 2) if v.target_level is not None else "–"
        basis = tr(f"basis.{v.basis}") if v.basis else ""
        chance = (tr("screen.chance", p=fmt_pct(100 * v.probability, L, 0)) if v.probability is not None
                  else tr("screen.chance", p=tr("prob.none")))
        cls = "gn-head-main" if i == 0 else "gn-head-side"
        parts.append(
            f'<div class="gn-head {cls}" data-target="{escape(tg.id)}">'
            f'<div class="gn-head-label">{escape(tr("screen.headline_label", year=v.year, who=who))}'
            f'<br><span class="gn-head-basis">{escape(basis)}</span></div>'
            f'<span class="gn-head-num" data-testid="gn-headline-value">{escape(level)}</span>'
            f'<span class="gn-head-goal">{escape(tr("screen.headline_goal", n=tg.number, v=goal))}</span>'
            f'{badge_html(v.status, status_label(v.status, L))}'
            f'<span class="gn-head-chance">{escape(chance)}</span></div>')
    return f'<div class="gn-heads">{"".join(parts)}</div>'


# contrast checked against WCAG AA (≥ 4.5:1 for the badge text; tests/ui/test_pages.py computes it)
COLORS = {
    "achieved": ("#0b6b3a", "#ffffff"), "on_track": ("#1d6f42", "#ffffff"), "at_risk": ("#f2b705", "#1a1a1a"),
    "off_track": ("#b0301f", "#ffffff"), "missed": ("#7d1f16", "#ffffff"), "no_data": ("#d5d8dc", "#1a1a1a"),
    "awaiting_data": ("#3d5a80", "#ffffff"),
}
UNKNOWN_COLOR = ("#5f6368", "#ffffff")


def badge_html(status: str, label: str) -> str:
    """The verdict: its icon and its word in its colour (never the colour alone)."""
    bg, fg = COLORS.get(status, UNKNOWN_COLOR)
    icon = STATUS_ICON.get(status, "•")
    return (f'<span class="gn-badge" data-status="{escape(status)}" style="background:{bg};color:{fg}">'
            f'<span aria-hidden="true">{icon}</span> {escape(label)}</span>')


def chance_text(probability: float | None) -> str:
    """The chance of meeting a target, labelled as a chance ("khả năng đạt 85 %"), or '' when none."""
    if probability is None:
        return ""
    return tr("screen.chance", p=fmt_pct(100 * probability, lang(), 0))


# ------------------------------------------------------------------------------------ the main chart

OVERVIEW_CHART_HEIGHT = 290     # px: the overview's main chart (a meeting's fills its box)


def _main_chart_specs(ctx: Any, sc: Any, mc: Any, L: str, h: int, stretch: bool) -> dict:
    """The main chart's spec (the overview's; meeting mode's one-panel version with ``stretch``)."""
    from giamngheo.i18n import t
    from giamngheo.report import charts, views
    brk = ctx.plan.standard.break_year if ctx.plan.standard else None
    if not stretch:
        from giamngheo.ui import agreed
        rows = views.main_chart_rows(ctx, sc, mc, lang=L, **agreed.chart_baseline())   # the adopted path, if any
        return charts.main_chart(rows, L, break_year=brk, height=h, y_title=t("screen.chart_y", L))
    # meeting mode fills a container sized by the viewport: one panel, which a "container" height fits
    groups = ["all"] + list(ctx.groups)
    items = [("poor_rate", g, t(f"group.{g}", L)) for g in groups]
    rows = charts.path_rows(mc.projection, items, L, break_year=brk, from_year=ctx.plan.period[0], bands=True)
    marks = [m for g in groups for m in views.target_marks(ctx.plan, mc.verdicts, "poor_rate", g, L)]
    return charts.line_chart(rows, t("screen.chart_y", L), L, targets=marks, break_year=brk, height=h)


def warm_up(ctx: Any) -> None:
    """Build the main chart's templates (both languages; the default scenario and a moved one, which
    draws the baseline) once, so that the first person to move a slider does not wait for them (about
    1 s each). Run in a background thread when the process starts (app.py)."""
    from giamngheo.i18n import LANGS
    from giamngheo.model.uncertainty import monte_carlo_cached
    from giamngheo.scenario.assumptions import Scenario
    for sc in (Scenario(), Scenario.of("", {"jobs": ctx.registry["jobs"].default + 10} if "jobs" in ctx.registry else {})):
        mc = monte_carlo_cached(ctx, sc)
        for L in LANGS:
            _main_chart_specs(ctx, sc, mc, L, OVERVIEW_CHART_HEIGHT, False)
            _main_chart_specs(ctx, sc, mc, L, 300, True)


def main_chart_slot(mc: Any, height: int | str = 300, target: Any = None) -> None:
    """The main chart (``giamngheo.report.charts.main_chart``): the poor rate, all households and Khmer,
    from the plan's start to its horizon; actual solid, projection dashed, the band, the default
    scenario as a faint baseline, the targets, and its own axis after the standard break."""
    from giamngheo.report import charts
    from giamngheo.ui.chart import cached_spec, ref
    from giamngheo.ui.state import scenario
    ctx = context()
    L = lang()
    stretch = height == "stretch"     # fill a container whose height the page's CSS sets (meeting mode: vh)
    h = 300 if stretch else int(height)

    def build():
        return _main_chart_specs(ctx, scenario(), mc, L, h, False)

    def build_simple():
        return _main_chart_specs(ctx, scenario(), mc, L, h, True)

    from giamngheo.ui.agreed import current
    adopted = current()
    spec, _ = cached_spec("main-chart-stretch" if stretch else "main-chart",
                          (ref(mc), ctx.key, h, adopted.id if adopted else None),
                          build_simple if stretch else build)
    spec = dict(spec)
    spec["width"] = "container"
    if stretch:
        # the targets' legend in one row below the plot: the plot keeps the box's width
        spec = charts.scaled_type(charts.legends_in_rows(spec))   # its text grows with the screen, as the page's does
        spec["height"] = "container"
        spec["autosize"] = {"type": "fit", "contains": "padding"}   # axes and legends inside the box
        (target or st).vega_lite_chart(spec=spec, width="stretch", height="stretch")
    else:
        (target or st).vega_lite_chart(spec=spec, width="stretch")


# ------------------------------------------------------------------------------------ style

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
.gn-badge {display:inline-block; border-radius:.4em; padding:.1em .55em; font-weight:700; white-space:nowrap;}
.gn-lever-note {font-size:.82rem; color:#444; margin:-.25rem 0 -.2rem 0; line-height:1.25;}
[data-testid='stMarkdownContainer']:has(> .gn-lever-note) {margin-bottom:0 !important;}
[class*='st-key-gn_lever_'] [data-testid='stTextInput'] input {padding-left:.3rem; padding-right:.4rem;}
[class*='st-key-gn_lever_'] [data-testid='stSlider'] label p {font-weight:600;}
[class*='st-key-gn_lever_'] [data-testid='stSliderThumbValue'],
[class*='st-key-gn_lever_'] [data-testid='stSliderTickBar'] {display:none;}
[class*='st-key-gn_lever_'] [data-testid='stTextInput'] input {text-align:right; font-weight:700;}
</style>"""


def ensure_css(extra: str = "") -> None:
    """The levers' and headline's style sheet, with a page's own rules (``extra``) in the same element."""
    st.markdown(CSS + extra, unsafe_allow_html=True)


# ------------------------------------------------------------------------------------ a number box

def number_field(container: Any, label: str, key: str, value: float, lo: float, hi: float, decimals: int = 2,
                 help: str | None = None) -> float:
    """A number box in the language's number format (0,75 / 1.234,5; st.number_input can only show 0.75):
    what is typed is read as people write it, kept within lo–hi; text that is not a number is said and
    the last good value kept. Returns the value."""
    L = lang()
    good_key = f"{key}__value"
    current = st.session_state.get(key)
    if isinstance(current, (int, float)) and not isinstance(current, bool):   # set as a number (tests, code)
        st.session_state[good_key] = min(max(float(current), lo), hi)
        st.session_state[key] = fmt_num(st.session_state[good_key], L, decimals)
    elif current is None:
        st.session_state[good_key] = float(value)
        st.session_state[key] = fmt_num(float(value), L, decimals)
    raw = container.text_input(label, key=key, help=help or tr("screen.box_help"))
    v = parse_number(raw, L)
    if v is None:
        container.caption("⚠️ " + tr("screen.box_invalid", value=str(raw)[:40]))
        return float(st.session_state.get(good_key, value))
    v = min(max(v, lo), hi)
    st.session_state[good_key] = v
    return v

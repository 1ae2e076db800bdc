"""The agreed path in the app: the adoption in force (the store's newest for the plan), the data in use
measured against it (``giamngheo.monitor``), the one sentence the overview and meeting mode show, and
the adopt form (editor only: the right is checked here, on the server, when the form is submitted).

Every name, reference and note a user typed is shown as text (``giamngheo.ui.safe``)."""
from __future__ import annotations

import datetime as _dt
import logging
import threading
import time
from pathlib import Path
from typing import Any

import streamlit as st

from giamngheo.data.observations import Observations
from giamngheo.monitor import Adoption, Measurement, MonitorError, adopt, agreed_path, measure, sentence
from giamngheo.report.palette import PATH_COLORS
from giamngheo.store import MAX_AUTHOR, MAX_NAME, MAX_NOTE, BadInput, StoreError
from giamngheo.ui import auth, safe
from giamngheo.ui.binding import run_memo
from giamngheo.ui.session import (
    _existing_store,
    context,
    data_frame,
    data_version_id,
    demo_active,
    lang,
    scenario,
    store,
    tr,
)

log = logging.getLogger(__name__)
PAGE_FILE = Path(__file__).resolve().parents[2] / "app_pages" / "12_lo_trinh.py"
VIEW_KEY = "_gn_adoption_view"      # the id of an older adoption the page shows (None: the one in force)
FLASH_KEY = "_gn_adopt_flash"
MAX_REF = 200
# the status cells' colours (background, text), contrast ≥ 4.5:1 like the verdict badges
COLOURS = PATH_COLORS


# The adoptions are read from the store at most every ADOPTIONS_TTL seconds per process, as the latest data
# version is (session._latest_id): the overview asks on every lever move, and the answer changes only when a
# meeting adopts a path. This process forgets them when it adopts one (shown at once); another replica's
# adoption is seen within the TTL.
ADOPTIONS_TTL = 2.0
_ADOPTIONS: dict[tuple[str, str], tuple[float, list]] = {}
_ADOPTIONS_LOCK = threading.Lock()


def forget_adoptions() -> None:
    with _ADOPTIONS_LOCK:
        _ADOPTIONS.clear()
    run_memo().pop("adoptions", None)


def adoptions() -> list[Adoption]:
    """The plan's adoptions, newest first (none when there is no store yet or it cannot be reached)."""
    memo = run_memo()
    got = memo.get("adoptions")
    if got is None:
        db = _existing_store()
        got = []
        if db is not None:
            key = (db.url, context().plan.id)
            with _ADOPTIONS_LOCK:
                held = _ADOPTIONS.get(key)
            if held is not None and time.monotonic() - held[0] < ADOPTIONS_TTL:
                got = held[1]
            else:
                try:
                    got = db.list_adoptions(key[1])
                    with _ADOPTIONS_LOCK:
                        _ADOPTIONS[key] = (time.monotonic(), got)
                except StoreError as exc:       # not kept: asked again on the next run
                    log.log(logging.WARNING, "adoptions could not be read: %s", exc)
        memo["adoptions"] = got
    return got


def current() -> Adoption | None:
    a = adoptions()
    return a[0] if a else None


def observations() -> Observations:
    """The data in use with the communes' rows (the district's series are the same as the context's)."""
    memo = run_memo()
    obs = memo.get("monitor_obs")
    if obs is None:
        ctx = context()
        df = data_frame()
        obs = memo["monitor_obs"] = ctx.obs if df is ctx.obs.df else Observations(df, ctx.obs.sources, ctx.obs.label)
    return obs


def measurement(adoption: Adoption | None = None) -> Measurement | None:
    a = adoption or current()
    if a is None:
        return None
    memo = run_memo()
    key = ("measure", a.id)
    got = memo.get(key)
    if got is None:
        ctx = context()
        got = memo[key] = measure(a, observations(), ctx.indicators, ctx.plan)
    return got


def chart_baseline() -> dict[str, Any]:
    """The main chart's baseline: the adopted path in force under its name (none adopted: {}, and the
    chart keeps the default scenario as its baseline)."""
    from giamngheo.monitor import path_projection
    a = current()
    if a is None:
        return {}
    return {"baseline": path_projection(a.path), "baseline_label": tr("monitor.chart_label")}


def sentence_text(m: Measurement) -> str:
    """The sentence as Markdown: the path's name shown as text."""
    name = safe.text(m.adoption.name, 80) if m.adoption else ""
    return sentence(m, lang(), context().indicators, name=name)


def status_of(m: Measurement) -> str:
    r = m.latest()
    return r.status if r else "awaiting_data"


def tolerance_line() -> str:
    from giamngheo.monitor import tolerance_text
    return tolerance_text(lang())


def sentence_line(link: bool = False) -> None:
    """The one sentence on where the latest year stands against the adopted path, as a compact line
    (the overview and meeting mode must keep their first screen), its status as the colour of its left
    border; with ``link``, the way to the page "Lộ trình" beside it. Nothing when no path is adopted."""
    from html import escape
    m = measurement()
    if m is None:
        return
    status = status_of(m)
    bg, _ = COLOURS.get(status, COLOURS["awaiting_data"])
    text = sentence(m, lang(), context().indicators)      # escaped whole below: the name is shown as text
    html = (f'<div class="gn-agreed-line" data-status="{status}" style="border-left:.35rem solid {bg};'
            f'padding:.15rem .5rem;font-size:.9rem;line-height:1.3;background:#f6f7f9;border-radius:.2rem">'
            f'<b>{escape(tr(f"monitor.status.{status}"))}</b> · {escape(text)}</div>')
    if link and PAGE_FILE.exists():
        left, right = st.columns([5, 1], vertical_alignment="center", gap="small")
        left.markdown(html, unsafe_allow_html=True)
        right.page_link(str(PAGE_FILE), label=tr("monitor.to_page"), icon=":material/route:")
    else:
        st.markdown(html, unsafe_allow_html=True)


# ------------------------------------------------------------------------------------ adopting

def _do_adopt(name: str, date: _dt.date, who: str, ref: str, note: str) -> None:
    """Compute the path of the current scenario on the data in use and store it. The editor right is
    checked here, on the server, whatever the page showed."""
    if not auth.can_edit():
        st.session_state[FLASH_KEY] = ("error", tr("monitor.adopt_denied"))
        return
    if demo_active():          # illustrative figures are never the basis of an agreement
        st.session_state[FLASH_KEY] = ("error", tr("monitor.adopt_demo"))
        return
    ctx = context()
    sc = scenario()
    try:
        path = agreed_path(ctx.plan, ctx.obs, sc, ctx.as_of, ctx.current_year, indicators=ctx.indicators,
                           data_version=data_version_id(), data_label=ctx.data_label, ctx=ctx)
        a = adopt(path, name, who or auth.editor_name(), ref, note, date=date.isoformat())
        saved = store().add_adoption(a, recorded_by=auth.editor_name())
    except BadInput as exc:
        st.session_state[FLASH_KEY] = ("error", tr("monitor.adopt_bad", field=tr(f"monitor.field.{exc.field}")
                                                  if f"monitor.field.{exc.field}" in _keys() else exc.field))
        return
    except MonitorError as exc:
        st.session_state[FLASH_KEY] = ("error", tr("monitor.adopt_failed", reason=safe.plain(str(exc), 200)))
        return
    except StoreError as exc:
        log.log(logging.WARNING, "adoption not stored: %s", exc)
        st.session_state[FLASH_KEY] = ("error", tr("scenarios.store_unavailable"))
        return
    st.session_state.pop(VIEW_KEY, None)
    forget_adoptions()          # this run and every session of this process see it at once
    st.session_state[FLASH_KEY] = ("success", tr("monitor.adopted_ok", name=safe.text(saved.name, 80)))


def _keys() -> Any:
    from giamngheo.i18n import catalogue
    return catalogue()


def today_vn() -> _dt.date:
    """Today in Vietnam (UTC+7), the meeting's calendar, whatever the server's zone."""
    from zoneinfo import ZoneInfo
    return _dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def adopt_form() -> None:
    """The adopt form (the editor's sign-in box first when not signed in)."""
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        getattr(st, flash[0])(flash[1])
    if demo_active():
        st.warning(tr("monitor.adopt_demo"))
        return
    if not auth.panel("gn_adopt_auth"):
        return
    ctx = context()
    sc = scenario()
    changed = ", ".join(f"{safe.text(ctx.registry[k].label_vi if lang() == 'vi' else ctx.registry[k].label_en)}"
                        for k, _ in sc.values if k in ctx.registry)
    st.caption(tr("monitor.adopt_what", as_of=ctx.as_of, lever_from=ctx.lever_from,
                  changed=changed or tr("monitor.defaults")))
    with st.form("gn_adopt_form", border=True):
        name = st.text_input(tr("monitor.field.name"), max_chars=MAX_NAME, key="gn_adopt_name")
        c1, c2 = st.columns(2)
        date = c1.date_input(tr("monitor.field.date"), value=today_vn(), key="gn_adopt_date",
                             format="DD/MM/YYYY")
        ref = c2.text_input(tr("monitor.field.meeting_ref"), max_chars=MAX_REF, key="gn_adopt_ref")
        who = st.text_input(tr("monitor.field.who"), max_chars=MAX_AUTHOR, key="gn_adopt_who",
                            value=auth.editor_name())
        note = st.text_area(tr("monitor.field.note"), max_chars=MAX_NOTE, key="gn_adopt_note", height=80)
        if st.form_submit_button(tr("monitor.adopt"), type="primary"):
            if not (name or "").strip():
                st.error(tr("monitor.adopt_bad", field=tr("monitor.field.name")))
            else:
                _do_adopt(name, date, who, ref, note)
                st.rerun()

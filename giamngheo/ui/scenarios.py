"""Streamlit glue for scenarios: put values into the sidebar, open saved scenarios and presets, the
``?scenario=ID`` short link, share links, messages that survive a rerun. User text goes through
``giamngheo/ui/safe.py`` (``md`` here is its ``text``).

Setting a slider: its value is assigned to ``st.session_state[<assumption id>]`` *before* the
widget is created in a run: from an ``on_click``/``on_change`` callback (callbacks run before the
script), or from ``app.py`` before ``sidebar.render()`` (the short link on the first run).
"""
from __future__ import annotations

import logging
import math
import re
import unicodedata
from functools import lru_cache
from typing import Any, Mapping
from urllib.parse import urlencode

import streamlit as st

from giamngheo.i18n import catalogue, fmt_num
from giamngheo.paths import observations_path
from giamngheo.scenario.presets import get_preset, resolve
from giamngheo.scenario.registry import Registry
from giamngheo.scenario.scenario import Scenario
from giamngheo.store import DataDrift, SavedScenario, Store, StoreError, content_hash, data_drift, fmt_time, short_hash
from giamngheo.ui import binding, safe
from giamngheo.ui.pages import discover
from giamngheo.ui.session import context, data_version_id, lang, page_url, scenario, store, tr

ORIGIN = "_gn_origin"          # what the sliders were last loaded from: {"kind", "id", "name", "values"}
FLASH = "_gn_flash"            # messages to show on the next run: [(level, text)]
LINK_DONE = "_gn_link_scenario"
PICK = "_gn_preset_pick"
SAVE_NAME = "_gn_save_name"    # the name field of the save form (app_pages/6_kich_ban.py)
log = logging.getLogger("giamngheo.ui")


# ------------------------------------------------------------------------------------------ text

def md(text: Any, limit: int = safe.LIMIT) -> str:
    """Outside text as Markdown that shows it as typed (``giamngheo.ui.safe.text``)."""
    return safe.text(text, limit)


def store_problem(exc: BaseException) -> str:
    """A plain message for a store error; the error itself (which can name the database file or
    server and quote the driver) goes to the server log only."""
    log.log(logging.WARNING, "store error shown to a user as a plain message: %s: %s", exc.__class__.__name__, exc)
    return tr("scenarios.store_unavailable")


def slug(name: str) -> str:
    s = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()[:60] or "kich-ban"


def flash(level: str, text: str, where: str = "top") -> None:
    """A message for the next run, shown by ``show_flash(where)`` (near the action that caused it)."""
    st.session_state.setdefault(FLASH, []).append((level, text, where))


def show_flash(where: str = "top") -> None:
    keep, show = [], []
    for item in st.session_state.get(FLASH, []):
        (show if item[2] == where else keep).append(item)
    if show:
        st.session_state[FLASH] = keep
    for level, text, _ in show:
        getattr(st, level, st.info)(text)


# ------------------------------------------------------------------------------------------ store

def store_or_stop() -> Store:
    """The store, or an error message in the user's language and the end of the page."""
    try:
        return store()
    except StoreError as exc:
        st.error(store_problem(exc))
        st.stop()
        raise  # unreachable; for type checkers


@lru_cache(maxsize=4)
def _file_hash(path: str, _mtime: int) -> str:
    with open(path, "rb") as fh:
        return content_hash(fh.read())


def current_data_ref() -> tuple[int | None, str]:
    """(store data version id or None, content hash) of the observations the app uses now: the
    store's data version in use (``session.data_version_id``) when there is one, else the embedded file."""
    vid = data_version_id()
    if vid is not None:
        try:
            return vid, _version_hash(store().url, vid)
        except StoreError:
            pass
    p = observations_path()
    try:
        h = _file_hash(str(p), p.stat().st_mtime_ns)
    except OSError:
        return None, ""
    try:
        v = store().find_data_version(h)
    except StoreError:
        v = None
    return (v.id if v else None), h


@lru_cache(maxsize=64)
def _version_hash(url: str, vid: int) -> str:
    """A data version's content hash (versions never change, so this is cached for good)."""
    v = store().get_data_version(vid)
    return v.content_hash if v else ""


def data_label(version: int | None, hash_: str, db: Store | None = None) -> str:
    if version is not None:
        when = ""
        try:
            v = (db or store()).get_data_version(version)
            when = fmt_time(v.created_at, lang()) if v else ""
        except StoreError:
            pass
        return tr("scenarios.data_version", id=version, when=when) if when else tr("scenarios.data_version_plain", id=version)
    if hash_:
        return tr("scenarios.data_hash", hash=short_hash(hash_))
    return tr("scenarios.data_unknown")


def drift_text(d: DataDrift) -> str:
    return tr(f"scenarios.drift_{d.kind}", saved=data_label(d.saved_version, d.saved_hash),
              now=data_label(d.current_version, d.current_hash))


def drift_of(saved: SavedScenario) -> DataDrift | None:
    vid, h = current_data_ref()
    return data_drift(saved, vid, h)


# ------------------------------------------------------------------------------------------ values

def lenient(reg: Registry, values: Mapping[str, Any], name: str = "") -> tuple[Scenario, list[tuple[str, str, Any, Any]]]:
    """A scenario from stored values for the current registry: unknown ids are dropped and values out
    of bounds clamped, each with a notice (code, id, value given, value used)."""
    clean: dict[str, float] = {}
    notices: list[tuple[str, str, Any, Any]] = []
    for k, v in values.items():
        if k not in reg:
            notices.append(("unknown", k, v, None))
            continue
        try:
            f = float(v)
        except (TypeError, ValueError):
            notices.append(("not_number", k, v, reg[k].default))
            continue
        c = reg[k].clamp(f)
        if c != f:
            notices.append(("clamped", k, v, c))
        if c != reg[k].default:
            clean[k] = c
    return Scenario.of(name, clean), notices


def apply_values(values: Mapping[str, Any], name: str, kind: str, sid: str = "") -> list[tuple[str, str, Any, Any]]:
    """Set every slider to the scenario's value (defaults for the rest). Call before the sidebar renders."""
    reg = context().registry
    sc, notices = lenient(reg, values, name)
    given = sc.as_dict()
    for a in reg:
        v = given.get(a.id, a.default)
        st.session_state[a.id] = int(round(v)) if a.integer else float(v)
    binding.forget_group_labels()                # an open group's count follows the new values
    st.session_state["scenario_name"] = name
    st.session_state[ORIGIN] = {"kind": kind, "id": sid, "name": name, "values": given}
    st.session_state[SAVE_NAME] = name if kind in ("saved", "import") else ""
    return notices


def notice_texts(notices: list[tuple[str, str, Any, Any]]) -> list[str]:
    L = lang()
    out = []
    for code, k, raw, used in notices:
        out.append(tr(f"scenarios.open_{code}", id=md(k), value=md(str(raw)[:40]),
                      used=fmt_num(used, L) if isinstance(used, (int, float)) else ""))
    return out


def origin() -> dict[str, Any] | None:
    return st.session_state.get(ORIGIN)


def is_modified(current: Scenario | None = None) -> bool:
    o = origin()
    if not o:
        return False
    cur = (current or scenario()).as_dict()
    base = o.get("values", {})
    keys = set(cur) | set(base)
    reg = context().registry
    return any(abs(float(cur.get(k, reg[k].default if k in reg else 0)) -
                   float(base.get(k, reg[k].default if k in reg else 0))) > 1e-9 for k in keys)


def sync_name() -> None:
    """Keep the scenario's name honest: "<name> (changed)" once a slider moved after opening it,
    nothing once every slider is back at its default. Runs before the sliders are drawn."""
    o = origin()
    if not o:
        return
    cur = scenario()
    if not cur.values and o.get("values"):
        st.session_state.pop(ORIGIN, None)
        st.session_state["scenario_name"] = ""
    elif is_modified(cur):
        st.session_state["scenario_name"] = tr("scenarios.modified_name", name=o["name"])
    else:
        st.session_state["scenario_name"] = o["name"]


def current_label() -> str:
    """Markdown: what the sliders show now (its name escaped)."""
    o = origin()
    if not o:
        return tr("scenarios.now_unnamed") if scenario().values else tr("scenarios.now_defaults")
    key = "scenarios.now_modified" if is_modified() else "scenarios.now_named"
    return tr(key, name=md(o["name"]), kind=tr(f"scenarios.kind_{o['kind']}"))


def short_label() -> str:
    """Plain text, a few words: what the sliders show now, for a page that draws the line beside its levers."""
    o = origin()
    if not o:
        return tr("scenarios.short_unnamed") if scenario().values else tr("scenarios.short_defaults")
    key = "scenarios.short_modified" if is_modified() else "scenarios.short_named"
    return tr(key, name=safe.plain(o["name"], 60), kind=tr(f"scenarios.kind_{o['kind']}"))


def preset_name(pid: str) -> str:
    p = get_preset(pid)
    return p.name(lang()) if p else pid


# ------------------------------------------------------------------------------------------ callbacks

def open_preset(pid: str) -> None:
    p = get_preset(pid)
    if p is None:
        return
    sc, _ = resolve(context(), p)
    apply_values(sc.as_dict(), p.name(lang()), "preset", pid)
    try:
        del st.query_params["scenario"]
    except KeyError:
        pass
    flash("success", tr("scenarios.opened_preset", name=md(p.name(lang()))))


def open_saved(sid: str, where: str = "list") -> None:
    try:
        saved = store().get_scenario(sid)
    except StoreError as exc:
        flash("error", store_problem(exc), where)
        return
    if saved is None:
        flash("warning", tr("scenarios.not_found", id=md(sid)), where)
        return
    notices = apply_values(saved.values, saved.name, "saved", saved.id)
    st.query_params["scenario"] = saved.id
    flash("success", tr("scenarios.opened", name=md(saved.name)), where)
    d = drift_of(saved)
    if d:
        flash("info", drift_text(d), where)
    for txt in notice_texts(notices):
        flash("warning", txt, where)


def open_values(values: Mapping[str, Any], name: str, where: str = "import") -> None:
    """Open values that came from an imported file."""
    notices = apply_values(values, name, "import")
    try:
        del st.query_params["scenario"]
    except KeyError:
        pass
    flash("success", tr("scenarios.opened", name=md(name)), where)
    for txt in notice_texts(notices):
        flash("warning", txt, where)


def _on_preset_pick() -> None:
    pid = st.session_state.get(PICK)
    if pid:
        open_preset(pid)
    st.session_state[PICK] = None


def preset_picker(line: bool = True) -> None:
    """A preset selector for the top of the sidebar; the sliders take the preset's values. ``line``: the
    scenario line under it (what the sliders show now); False on a page whose levers are in a fragment, where
    the page draws that line beside them (:func:`short_label`): a move there reruns the fragment alone, and a
    line in the sidebar would no longer say what the sliders show."""
    from giamngheo.scenario.presets import load_presets
    sync_name()
    presets = {p.id: p for p in load_presets()}
    if not presets:
        return
    st.selectbox(tr("scenarios.preset_label"), list(presets), index=None, key=PICK,
                 format_func=lambda pid: presets[pid].name(lang()), placeholder=tr("scenarios.preset_placeholder"),
                 on_change=_on_preset_pick, help=tr("scenarios.preset_help"))
    if line:
        st.caption(current_label())


# ------------------------------------------------------------------------------------------ links

_ASCII_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
MAX_LINK_NOTICES = 3           # more unknown parameters than this: one summary notice
LINK_EXTRA = "link_extra"      # notices of screen_link, shown with the registry's link report


def _python_reads_as_number(v: str) -> bool:
    """``float()`` (and the slider's URL binding) takes ``５０００``, ``٥٠٠٠`` and ``5_000``."""
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


def _seed_link(key: str, value: str | None) -> None:
    """What the URL-bound slider ``key`` takes from the link on the first load (``binding.seed_link``);
    if Streamlit's internals moved, the refusal still holds for the core and the notice is still shown."""
    if not binding.seed_link(key, value):
        log.log(logging.WARNING, "could not replace the link's value of %r for the slider", key)


def screen_link() -> dict[str, list[str]]:
    """Once, on the first run, before the sliders exist: the link's parameters as the core may read
    them. A value of an assumption that is not written with ASCII digits (``５０００``, ``٥٠٠٠``,
    ``5_000``, ``1e400``) is refused, taken out of the address (so the URL-bound slider cannot
    read it either) and named in a notice. A repeated ``lang`` is named too."""
    reg = context().registry
    raw = {k: st.query_params.get_all(k) for k in st.query_params}
    extra: list[tuple[str, str, Any, Any]] = []
    from giamngheo.scenario.link import renames_for
    renames = renames_for(raw)
    for k in list(raw):
        kid = renames.get(k, k)
        if kid not in reg or not raw[k]:
            continue
        v = str(raw[k][0]).strip()
        if not _ASCII_NUMBER.fullmatch(v) and _python_reads_as_number(v):   # the rest: "not a number"
            extra.append(("link_not_ascii_number", k, raw[k][0], None))
            del raw[k]
            try:
                del st.query_params[k]
            except KeyError:
                pass
            _seed_link(k, None)
    langs = raw.get("lang") or []
    if len(langs) > 1:
        extra.append(("link_lang_repeated", "lang", langs, None))
    st.session_state[LINK_EXTRA] = extra
    return raw


def snap_to_step(values: Mapping[str, float]) -> dict[str, float]:
    """Link values on their slider's step (``jobs=5050`` with a step of 100 → 5,100): the link report
    then names each one as rounded. Rounded values also replace the link's in the address."""
    reg = context().registry
    out = {}
    for k, v in values.items():
        a = reg[k]
        if a.step:
            n = math.floor((float(v) - a.min) / a.step + 0.5)       # half up: 5050 → 5100
            snapped = a.clamp(round(a.min + n * a.step, 10))
            if abs(snapped - float(v)) > 1e-9:
                shown = str(int(snapped)) if float(snapped).is_integer() else repr(float(snapped))
                st.query_params[k] = shown
                _seed_link(k, shown)
            v = snapped
        out[k] = v
    return out


def link_notice_texts(report: list[tuple[str, str, Any, Any]]) -> list[str]:
    """The link's notices as Markdown, every outside key and value shown as text; many unknown
    parameters in one summary."""
    L = lang()
    reg = context().registry
    items = list(st.session_state.get(LINK_EXTRA, [])) + list(report)
    unknown = [it for it in items if it[1] == "ignored_unknown" or it[0] == "ignored_unknown"]
    out: list[str] = []
    for pid, code, raw, used in items:
        if code == "ignored_unknown" and len(unknown) > MAX_LINK_NOTICES:
            continue
        if pid == "link_not_ascii_number":
            out.append(tr("notice.link_not_ascii_number", id=md(code, 40), value=md(raw, 40)))
        elif pid == "link_lang_repeated":
            out.append(tr("notice.link_lang_repeated", values=md(", ".join(map(str, raw)), 60)))
        elif code == "clamped" and pid in reg:
            # the box's rule: the nearest bound, said with the range (from 0 to 8.000 jobs a year)
            a = reg[pid]
            side = "above" if float(used) >= a.max else "below"
            rng = tr("screen.range", lo=binding.fmt_lever(a, a.min, L), hi=binding.fmt_lever(a, a.max, L),
                     unit=tr(f"unit.{a.unit}") if f"unit.{a.unit}" in catalogue() else "").strip()
            out.append(tr(f"notice.clamped_{side}", id=md(pid, 40), value=md(raw, 40), range=rng,
                          shown=binding.fmt_lever(a, float(used), L)))
        else:
            out.append(tr(f"notice.{code}", id=md(pid, 40), value=md(raw, 40),
                          shown=fmt_num(used, L) if used is not None else ""))
    if len(unknown) > MAX_LINK_NOTICES:
        out.append(tr("notice.link_many_unknown", n=len(unknown),
                      examples=", ".join(md(it[0], 30) for it in unknown[:3])))
    return out


def load_from_link() -> None:
    """Once per session, before the sidebar renders: ``?scenario=ID`` puts the saved scenario's
    values into the sliders. If the link also carries assumption values (the scenario was changed
    after opening), those win and only the name is kept."""
    if LINK_DONE in st.session_state:
        return
    sid = st.query_params.get("scenario", "")
    st.session_state[LINK_DONE] = sid
    if not sid:
        return
    try:
        saved = store().get_scenario(sid)
    except StoreError as exc:
        flash("error", store_problem(exc))
        return
    ctx = context()
    if saved is None or saved.plan_id != ctx.plan.id:
        flash("warning", tr("scenarios.link_not_found", id=md(sid[:40])))
        try:
            del st.query_params["scenario"]
        except KeyError:
            pass
        return
    if any(k in ctx.registry for k in st.query_params.keys()):
        sc, _ = lenient(ctx.registry, saved.values, saved.name)
        st.session_state["scenario_name"] = saved.name
        st.session_state[ORIGIN] = {"kind": "saved", "id": saved.id, "name": saved.name, "values": sc.as_dict()}
    else:
        for txt in notice_texts(apply_values(saved.values, saved.name, "saved", saved.id)):
            flash("warning", txt)
    flash("info", tr("scenarios.opened_link", name=md(saved.name)))
    d = drift_of(saved)
    if d:
        flash("info", drift_text(d))


def base_url() -> str | None:
    """The app's address without the page path, from the browser (None in tests)."""
    url = page_url()
    if not url:
        return None
    slugs = {s for _, _, s in discover()}
    url = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    head, _, last = url.rpartition("/")
    if last in slugs and head.count("/") >= 2:
        url = head
    return url + "/"


def share_url(query: Mapping[str, str]) -> str:
    qs = urlencode(dict(query))
    base = base_url() or "/"
    return base + ("?" + qs if qs else "")

"""The binding layer: the only code that bends Streamlit to the app's needs.

- **Streamlit internals**, each behind one function (:func:`run_context`, :func:`run_memo`,
  :func:`fragment_run`, :func:`history_navigation`, :func:`app_scoped`, :func:`seed_link`, :func:`not_on_screen`,
  :func:`keep_in_link`, :func:`state_values`, :func:`arrow_table`, :func:`arrow_bytes`, :func:`script_running`; and pandas' Styler as Streamlit
  reads it, :func:`styler_of`). Each has a quiet fallback for the app, and :func:`internals_report` says
  whether each still works: ``tests/ui/test_binding.py`` fails when a Streamlit upgrade moves one.
- **The per-run memo**: what is worked out once per script run (the language, the context, the scenario).
- **Fragments**: whether this run is a fragment's, and what a page's fragment does first and last.
- **URL binding**: the one slider builder (every lever's slider, in the sidebar or a page body, is the
  same URL-bound widget), the groups of levers drawn only when opened and the link of the sliders a run
  did not draw, the values carried over a page switch.
- **Number boxes**: a lever's box kept in sync with its slider, and a free number field; what is
  typed is read by :func:`giamngheo.data.ingest.numbers.read_number` (the one number reader: the box, the link and the upload).

It knows nothing of the session (it is given the registry and the language) and draws nothing else.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

import streamlit as st

from giamngheo.data.ingest.numbers import fit, read_number
from giamngheo.i18n import fmt_num, t

if TYPE_CHECKING:
    from giamngheo.scenario.registry import Assumption, Registry


# ====================================================================== Streamlit internals
# Streamlit 1.67. Each internal is used here and nowhere else; :func:`internals_report` checks them.

try:       # imported once: a function-level import costs more than the lookup itself (some 200 reads a run)
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx as _get_run_ctx
except Exception:  # noqa: BLE001 - moved in a Streamlit upgrade: no run context (internals_report says so)
    _get_run_ctx = None


def run_context() -> Any:
    """The running script's ``ScriptRunContext`` (None outside a Streamlit run: a bare import, a script)."""
    try:
        return _get_run_ctx(suppress_warning=True)  # type: ignore[misc]
    except Exception:  # noqa: BLE001 - no Streamlit run
        return None


_RUN_MEMO = "_gn_run_memo"


def run_memo() -> dict:
    """A dict that lives as long as this script run (empty and thrown away outside a run).

    A run is told apart by the ScriptRunContext's cursor dict, which Streamlit replaces at the start of
    every run (we keep a reference to it, so a new run's dict can never be the same object)."""
    rctx = run_context()
    if rctx is None:
        return {}
    held = getattr(rctx, _RUN_MEMO, None)
    if held is None or held[0] is not rctx.cursors:
        held = (rctx.cursors, {})
        setattr(rctx, _RUN_MEMO, held)
    return held[1]


def fragment_run() -> bool:
    """True in a rerun of a fragment only (a widget inside it changed): app.py and the sidebar did not run."""
    ctx = run_context()
    return bool(ctx is not None and getattr(ctx, "fragment_ids_this_run", None))


def history_navigation() -> bool:
    """Whether this run comes from the browser's back/forward buttons."""
    ctx = run_context()
    return bool(ctx is not None and getattr(ctx, "is_history_navigation", False))


@contextmanager
def app_scoped() -> Iterator[None]:
    """Draw a URL-bound widget as if app.py drew it, though a page does.

    Streamlit ties a query-parameter binding to the script that drew the widget and, on a page switch,
    drops the parameters bound to another page's widgets: a lever drawn by the overview would leave
    the link when the user moves to the poverty page. The sidebar's sliders, drawn by app.py, do not;
    inside this block the page's sliders are bound the same way (the same widget on every page).
    Uses ``ScriptRunContext.run_with_active_hash``; elsewhere a no-op."""
    ctx = run_context()
    try:
        scope = ctx.run_with_active_hash(ctx.pages_manager.main_script_hash) if ctx is not None else None
    except AttributeError:
        scope = None
    if scope is None:
        yield
    else:
        with scope:
            yield


def seed_link(key: str, value: str | None) -> bool:
    """What a URL-bound widget takes from the link on the first load: ``value``, or nothing.

    On the first load Streamlit seeds such a widget from the query string the browser sent, even
    over a value the script assigned, and removing the parameter from ``st.query_params`` does not
    change that copy. So a refused or rounded link value is replaced in the copy too
    (``QueryParams._initial_query_params``). False when the internals moved (the refusal still holds
    for the core and the notice is still shown)."""
    try:
        qp = run_context().session_state._state.query_params
        if value is None:
            qp._initial_query_params.pop(key, None)
        else:
            qp._initial_query_params[key] = [value]
        return True
    except Exception:  # noqa: BLE001 - see above
        return False


def not_on_screen(key: str) -> bool:
    """Whether the browser sent no value for the URL-bound widget of ``key`` in this request (it was not on the
    screen: never drawn, or its group was closed). Drawing it now, Streamlit seeds it from the address unless
    code set its key in this very run (``SessionState._handle_query_param_binding``: the widget's id not in the
    new widget states); a value set in code in an earlier run loses to the address. True when the internals
    moved (seeding the link with the session's value, as :func:`lever_slider` then does, is harmless)."""
    try:
        state = run_context().session_state._state
        wid = state._key_id_mapper.get_id_from_key(key, None)
        return wid is None or wid not in state._new_widget_state
    except Exception:  # noqa: BLE001 - see above
        return True


_UNSET = object()


def state_values(keys: Iterable[str]) -> tuple:
    """The session-state values of ``keys`` (None for a key not set), read in one pass.

    Every ``st.session_state[k]`` (and every ``k in st.session_state``, which reads the value too) goes
    through the proxy, the script run's context, a lock and a check for a stop request; the scenario reads
    every lever several times a run. Here the session's ``SessionState`` is read under its lock once
    (``SafeSessionState._state``, the same values and presenters); elsewhere the ordinary reads."""
    try:
        safe = run_context().session_state
        lock, state = safe._lock, safe._state
    except Exception:  # noqa: BLE001 - no run, or the internals moved: the ordinary reads
        ss = st.session_state
        return tuple(v if (v := ss.get(k, _UNSET)) is not _UNSET else None for k in keys)
    out = []
    with lock:
        for k in keys:
            try:
                out.append(state[k])
            except KeyError:
                out.append(None)
    return tuple(out)


def arrow_bytes(obj: Any) -> bytes:
    """A table as the Arrow IPC bytes Streamlit sends for a chart's dataset (its own conversion)."""
    from streamlit import dataframe_util
    return dataframe_util.convert_anything_to_arrow_bytes(obj)


class _CleanHtml:
    """HTML text that ``st.html`` takes as it is: an object with ``_repr_html_`` (Streamlit's public rule: its
    ``_repr_html_()`` is the element's body, not dedented)."""
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def _repr_html_(self) -> str:
        return self.text


_CLEAN_PREFIX: dict[str, str] = {}


def html(prefix: str, body: str) -> None:
    """``st.html(prefix + body)``: the same element, without Streamlit dedenting the whole text on every run (its
    ``clean_text``: ``textwrap.dedent`` and ``strip``, a regular expression tried at every character: about 0.5
    ms for the overview's 25 KB of boards). When ``body`` is one line with no space at either end, what
    ``clean_text`` makes of ``prefix + body`` is what it makes of ``prefix + "x"`` with ``body`` in the place of
    the ``x`` (the margin and the whitespace-only lines are decided by ``prefix``'s lines and a line that starts
    with neither a space nor a tab; the strip stops at either end of ``body``): worked out once per ``prefix``
    (a style sheet), and sent through ``_repr_html_``. Otherwise Streamlit's own path."""
    text = clean_html(prefix, body)
    st.html(prefix + body if text is None else _CleanHtml(text))


def clean_html(prefix: str, body: str) -> str | None:
    """What Streamlit's ``clean_text`` makes of ``prefix + body``, worked out as :func:`html` says; None when
    ``body`` is not one line without a space at either end (or Streamlit's ``clean_text`` moved)."""
    if not body or "\n" in body or body[0].isspace() or body[-1].isspace():
        return None
    head = _CLEAN_PREFIX.get(prefix)
    if head is None:
        try:
            from streamlit.string_util import clean_text
        except ImportError:      # moved in a Streamlit upgrade: Streamlit's own path (tests/ui/test_clean_html.py)
            return None
        head = clean_text(prefix + "x")[:-1]
        if len(_CLEAN_PREFIX) > 64:
            _CLEAN_PREFIX.clear()
        _CLEAN_PREFIX[prefix] = head
    return head + body


def arrow_table(df: Any) -> Any:
    """A table as ``st.dataframe`` converts it (Streamlit's own conversion: the same Arrow data, the index in
    the schema's metadata as Streamlit leaves it), for a table kept and shown again: ``st.dataframe`` sends a
    ``pyarrow.Table`` as it is, where a pandas table is converted on every call."""
    from streamlit import dataframe_util
    return dataframe_util.convert_pandas_df_to_arrow_table(df)


def styler_of(df: Any, translated: dict, fallback: Callable[[], Any]) -> Any:
    """A new pandas Styler of ``df`` whose styles are ``translated`` (what ``Styler._translate`` gives: the
    cell styles grouped as pandas groups them), so that Streamlit, which calls the private ``_compute`` and
    ``_translate`` to read a Styler, skips pandas' own work. A new Styler on every call: Streamlit sets its
    uuid and pandas keeps its state in it, so one is never kept or shared between sessions. When pandas'
    Styler no longer has those two methods, ``fallback()`` (a Styler made by pandas itself)."""
    from pandas.io.formats.style import Styler
    if not (callable(getattr(Styler, "_compute", None)) and callable(getattr(Styler, "_translate", None))):
        return fallback()
    sty = df.style
    sty._compute = lambda: sty                       # what Streamlit calls before reading the styles
    sty._translate = lambda *a, **k: {**translated, "cellstyle": [dict(c) for c in translated["cellstyle"]]}
    return sty


_SCRIPT_THREAD = "ScriptRunner.scriptThread"   # Streamlit's name for the thread of a session's run


def script_running() -> bool:
    """Whether a session's script run (a fragment's included) is in progress in this process: Streamlit runs
    each in a thread of its own under one name, which ends with the run (a session waiting for its next rerun
    has none)."""
    import threading
    return any(th.name == _SCRIPT_THREAD for th in threading.enumerate())


def internals_report() -> dict[str, bool]:
    """Whether each internal the app leans on is where it is expected (call inside a Streamlit run)."""
    ctx = run_context()
    out = {"run_context": ctx is not None}
    out["run_memo"] = ctx is not None and isinstance(getattr(ctx, "cursors", None), dict)
    out["fragment_run"] = ctx is not None and hasattr(ctx, "fragment_ids_this_run")
    out["history_navigation"] = ctx is not None and hasattr(ctx, "is_history_navigation")
    out["script_running"] = script_running()    # called in a run: its own thread counts
    try:
        out["app_scoped"] = callable(ctx.run_with_active_hash) and bool(ctx.pages_manager.main_script_hash)
    except AttributeError:
        out["app_scoped"] = False
    try:
        out["seed_link"] = isinstance(ctx.session_state._state.query_params._initial_query_params, dict)
    except AttributeError:
        out["seed_link"] = False
    try:
        state = ctx.session_state._state
        out["not_on_screen"] = (callable(state._key_id_mapper.get_id_from_key)
                                and hasattr(state._new_widget_state, "__contains__"))
    except AttributeError:
        out["not_on_screen"] = False
    try:
        qp = ctx.session_state._state.query_params
        out["keep_in_link"] = (callable(qp.get_binding_for_param) and callable(qp.unbind_widget)
                               and callable(qp.get_all) and hasattr(ctx.session_state._lock, "__enter__"))
    except AttributeError:
        out["keep_in_link"] = False
    try:
        safe = ctx.session_state
        out["state_values"] = hasattr(safe._lock, "__enter__") and hasattr(safe._state, "__getitem__")
    except AttributeError:
        out["state_values"] = False
    try:
        import pandas as pd
        out["arrow_table"] = arrow_table(pd.DataFrame({"a": [1]})).num_rows == 1
    except Exception:  # noqa: BLE001
        out["arrow_table"] = False
    try:
        out["arrow_bytes"] = isinstance(arrow_bytes({"a": [1]}), bytes)
    except Exception:  # noqa: BLE001
        out["arrow_bytes"] = False
    try:     # a Styler made by styler_of is sent as pandas' own Styler with the same cell styles is
        import pandas as pd
        from streamlit.elements.lib.pandas_styler_utils import marshall_styler
        from streamlit.proto.Dataframe_pb2 import Dataframe

        df = pd.DataFrame({"a": ["x", "y"], "b": ["z", "w"]})
        css = "background-color: #e3f4e9"
        made = {"table_styles": [], "caption": None, "body": [],
                "cellstyle": [{"props": [("background-color", "#e3f4e9")], "selectors": ["row0_col1", "row1_col0"]}]}
        sent = []
        for sty in (styler_of(df, made, lambda: None),
                    df.style.apply(lambda _: pd.DataFrame([["", css], [css, ""]], columns=df.columns), axis=None)):
            proto = Dataframe()
            sty.set_uuid("u")
            marshall_styler(proto.arrow_data, sty, "u")
            sent.append(proto.SerializeToString())
        out["styler_of"] = sent[0] == sent[1] and b"row0_col1" in sent[0]
    except Exception:  # noqa: BLE001
        out["styler_of"] = False
    return out


# ====================================================================== once per script run

def run_once(name: str) -> bool:
    """True the first time ``name`` is asked for in a script run (e.g. a style sheet drawn once a run)."""
    memo = run_memo()       # (no Streamlit run, e.g. a bare import: a new dict, so every time)
    done = memo.setdefault("_once", set())
    if name in done:
        return False
    done.add(name)
    return True


def forget_run_memo() -> None:
    """Drop what this run memoised (after saving a data version, or a change of the sliders in a run)."""
    run_memo().clear()


# ====================================================================== fragments

# ====================================================================== levers: sliders and the link

MEMORY = "_gn_values"            # every assumption's value at the end of the last run, and its page
_DRAWN = "_gn_drawn"             # (run memo) the ids whose slider this run drew


def lever_decimals(a: "Assumption") -> int:
    return a.decimals


def fmt_lever(a: "Assumption", v: float, lang: str) -> str:
    return fmt_num(float(v), lang, lever_decimals(a))


def snap(a: "Assumption", v: float) -> float:
    """Into the lever's range, on its step."""
    v = a.clamp(v)
    n = round((v - a.min) / a.step)
    v = a.clamp(a.min + n * a.step)
    return float(round(v, 6))


def lever_slider(a: "Assumption", label: str, help: str, label_visibility: str = "visible",
                 scoped: bool = False) -> float:
    """The slider of lever ``a`` (key = its id, its bounds, bound to the link): the same widget wherever it
    is drawn. ``scoped``: drawn by a page, bound as if app.py drew it (:func:`app_scoped`)."""
    kind = int if a.integer else float
    run_memo().setdefault(_DRAWN, set()).add(a.id)      # drawn in this run (the others' link: keep_in_link)
    if not_on_screen(a.id) and not history_navigation():
        # Not on the screen before (a group opened, for the first time or again): Streamlit seeds it from the
        # link as the request's address holds it, over the session. A run that stopped early (st.stop(), an
        # error) did not bring a closed group's value into the link (keep_in_link), so the address may hold an
        # older one: the seed is the session's value. (Back/forward: the address wins, as Streamlit has it.)
        v = state_values((a.id,))[0]
        want = None if v is None or float(v) == float(a.default) else link_text(v)
        _unbind((a.id,))            # the address too, as keep_in_link writes it (the slider then binds to it)
        try:
            if want is None:
                st.query_params.pop(a.id, None)
            elif st.query_params.get_all(a.id) != [want]:
                st.query_params[a.id] = want
        except Exception:  # noqa: BLE001 - still bound (internals moved): the slider's own binding writes it
            pass
        seed_link(a.id, want)
    with app_scoped() if scoped else _nothing():
        # format "localized": what a screen reader says follows the browser's locale (1,2 in vi-VN)
        return st.slider(label, min_value=kind(a.min), max_value=kind(a.max), value=kind(a.default),
                         step=kind(a.step), key=a.id, help=help, bind="query-params",
                         label_visibility=label_visibility, format="localized")


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def lever_group(label: str, key: str, container: Any = None) -> Any:
    """A group of levers that is drawn only when open: an expander that tracks whether it is open
    (``.open``) and reruns the app when it is opened or closed. A closed group's sliders are not drawn
    (the browser would draw them, hidden, on every run: most of the overview's first paint), so their values
    live in the session state and the link without a widget (:func:`keep_in_link`).

    Streamlit takes an expander's label and ``expanded`` into its identity: a new label (it says how many of
    the group's values are not at their defaults) is a new widget, which starts at ``expanded``. So it starts
    as the group was, open or closed. And while the group is open its label stays as it was when it was opened
    (in the same language): a new one would remount the group, and a keyboard user's slider inside it would
    lose the focus at the first step away from a default. The count is brought up to date when it is closed."""
    held = _GROUP_LABEL.format(key)
    was_open, kept = state_values((key, held))      # one pass over the session state
    was_open = bool(was_open)
    if was_open and kept is not None and kept.split(" · ")[0] == label.split(" · ")[0]:
        label = kept
    if kept != label:                               # written only when it changed (most runs: no write)
        st.session_state[held] = label
    return (container or st).expander(label, expanded=was_open, key=key, on_change="rerun")


_GROUP_LABEL = "_gn_group_label_{}"   # the label a group was drawn with in the last run


def forget_group_labels() -> None:
    """After values are set from elsewhere (a preset, a saved scenario, the reset): an open group's label is
    brought up to date at the next draw (it stays open). The focus is on the button or the picker then, not on
    a slider inside the group."""
    prefix = _GROUP_LABEL.format("")
    for k in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[k]


def group_label(name: str, items: Iterable["Assumption"], values: dict, lang: str) -> str:
    """A group's name, and how many of its values are not at their defaults (none: the name alone)."""
    n = sum(1 for a in items if values.get(a.id) is not None and float(values[a.id]) != float(a.default))
    return f"{name} · {t('section.changed', lang, n=n)}" if n else name


def link_text(v: float) -> str:
    """A lever's value as the link writes it, as a URL-bound slider writes it (5.0 → "5", 0.6 → "0.6")."""
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def _unbind(ids: Iterable[str]) -> None:
    """Drop the binding of the params ``ids`` to a slider not drawn in this run (``QueryParams.unbind_widget``:
    the value is still kept, under the key), so that the app may write them."""
    try:
        qp = run_context().session_state._state.query_params
        for aid in ids:
            b = qp.get_binding_for_param(aid)
            if b is not None:
                qp.unbind_widget(b.widget_id)
    except Exception:  # noqa: BLE001 - the internals moved (internals_report says so): the ordinary writes only
        pass


def keep_in_link(reg: "Registry") -> None:
    """At the end of a whole run: every assumption whose slider this run did not draw (a closed group) keeps its
    value in the link, as a drawn slider's binding does.

    Streamlit keeps an undrawn URL-bound slider's value in the session state, but takes its parameter out of the
    address at the end of the run (``QueryParams.remove_stale_bindings``), and a slider never drawn writes
    nothing. So the stale binding is dropped here first (``QueryParams.unbind_widget``: the value is still kept,
    under the key) and the parameter written as the slider would write it, or removed at the default. When the
    group is opened again the slider is seeded from the address, which holds the same value."""
    if fragment_run():                  # a fragment draws only its own sliders; the others are still on screen
        return
    drawn = run_memo().get(_DRAWN, set())
    ids = [a.id for a in reg if a.id not in drawn]
    if not ids:
        return
    put: dict[str, str] = {}
    drop: list[str] = []
    for aid, v, have in zip(ids, *_unbound_link(ids)):
        a = reg[aid]
        want = None if v is None or float(v) == float(a.default) else link_text(v)
        if want is None:
            if have:
                drop.append(aid)
        elif have != [want]:
            put[aid] = want
    try:
        for aid in drop:
            del st.query_params[aid]
        if put:
            st.query_params.update(put)          # one message to the browser
    except Exception:  # noqa: BLE001 - still bound (internals moved): Streamlit's own handling stays
        pass


def _unbound_link(ids: list[str]) -> tuple[list[Any], list[list[str]]]:
    """For :func:`keep_in_link`: the stale bindings of ``ids`` dropped, then their session values and what the
    address holds for each, in one pass under the session state's lock (``SafeSessionState._lock``: the same
    lock every ``st.session_state`` and ``st.query_params`` read takes, once instead of some 50 times a run).
    Elsewhere the ordinary reads, one by one."""
    try:
        safe = run_context().session_state
        lock, state = safe._lock, safe._state
        qp = state.query_params
        bound, unbind, get_all = qp.get_binding_for_param, qp.unbind_widget, qp.get_all
    except Exception:  # noqa: BLE001 - no run, or the internals moved: the ordinary reads
        _unbind(ids)
        return list(state_values(ids)), [st.query_params.get_all(aid) for aid in ids]
    vals: list[Any] = []
    haves: list[list[str]] = []
    with lock:
        for aid in ids:
            b = bound(aid)
            if b is not None:
                unbind(b.widget_id)
            try:
                vals.append(state[aid])
            except KeyError:
                vals.append(None)
            haves.append(get_all(aid))
    return vals, haves


def remember_values(reg: "Registry", url_path: str) -> None:
    """At the end of a run: the assumptions' values and the page they were set on; and, at the end of a whole
    run, the link of those whose slider was not drawn (:func:`keep_in_link`)."""
    keep_in_link(reg)
    ids = [a.id for a in reg]
    vals = {k: v for k, v in zip(ids, state_values(ids)) if v is not None}
    st.session_state[MEMORY] = (url_path, vals)


def fragment_end(reg: "Registry") -> None:
    """At the end of a page's fragment: remember the values, as app.py does at the end of a whole run."""
    if fragment_run():
        last = st.session_state.get(MEMORY)
        remember_values(reg, last[0] if last else "")


def carry_over_page_switch(reg: "Registry", url_path: str) -> None:
    """On a page switch, before any slider is drawn: put back the values the switch dropped.

    A slider drawn in a page's body (the overview's levers) is unmounted when the user moves to another
    page; the browser then leaves its parameter out of the new page's address and Streamlit resets the
    widget, so the scenario would be lost. Setting the remembered value again (a value set in code)
    keeps it, and Streamlit writes it back to the address bar. Going back or forward in the browser's
    history is left to the address for the sliders drawn (Streamlit's rule); a closed group's values stay as
    the session holds them and :func:`keep_in_link` writes them into the restored address (the entry a page
    switch leaves holds no closed group's parameter, so taking them from it would set them to the defaults)."""
    if history_navigation():
        return
    last = st.session_state.get(MEMORY)
    if not last or last[0] == url_path:
        return
    for aid, v in last[1].items():
        if aid in reg and aid not in st.query_params and v != reg[aid].default:
            st.session_state[aid] = v


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


# ====================================================================== levers: the number box

BOX = "_gn_box_{}"             # the number box of lever id
BOX_ERR = "_gn_box_err_{}"      # what was typed in it that is not a number (shown under it)
BOX_NOTE = "_gn_box_note_{}"     # how a typed value was taken when not as written (shown under it once)
BOX_WRITTEN = "_gn_box_written_{}"   # the last texts the page wrote into the box of lever id
BOX_WRITTEN_KEEP = 8
BOX_WIDTH = 100                 # px: the number box beside its slider (12 characters, "1.234.567,89")


def _note_written(aid: str, text: str) -> None:
    """Keep the last few texts the page wrote into lever ``aid``'s box (what the browser may send back late)."""
    key = BOX_WRITTEN.format(aid)
    seen = [x for x in st.session_state.get(key, ()) if x != text]
    st.session_state[key] = (*seen[-(BOX_WRITTEN_KEEP - 1):], text)


def _on_box(a: "Assumption", lang: str) -> None:
    aid = a.id
    raw = st.session_state.get(BOX.format(aid), "")
    if _slider_moved_in_this_request(aid) and raw in st.session_state.get(BOX_WRITTEN.format(aid), ()):
        # The browser sends every widget's value with a rerun. In a quick series of slider moves (an arrow key
        # held down) it sends the box's text as it showed it before drawing the previous move's number: a text
        # the page wrote, not typed, which would put the slider back. The slider moved in this request: it
        # wins. (Both must hold: a text never written here is typing, whatever the slider did.)
        st.session_state.pop(BOX_ERR.format(aid), None)
        st.session_state[BOX.format(aid)] = fmt_lever(a, float(st.session_state[aid]), lang)
        return
    # the one number reader: 8,000 jobs on a Vietnamese page is 8.000 (a whole number), said; a value out of
    # the range is brought to its bound, said; one between steps is rounded to the step, said
    reading = read_number(raw, "," if lang == "vi" else ".", whole=bool(a.integer), lo=a.min, hi=a.max)
    if reading.value is None:
        st.session_state[BOX_ERR.format(aid)] = str(raw)[:40]
        return
    st.session_state.pop(BOX_ERR.format(aid), None)
    v, done = fit(reading.value, a.min, a.max, a.step)
    v = snap(a, v)
    st.session_state[aid] = int(v) if a.integer else v
    st.session_state[BOX.format(aid)] = shown = fmt_lever(a, v, lang)
    typed = str(raw).strip()[:40]
    if done in ("above", "below"):
        bound = fmt_lever(a, a.max if done == "above" else a.min, lang)
        st.session_state[BOX_NOTE.format(aid)] = t(f"screen.box_{done}", lang, value=typed, bound=bound)
    elif done == "rounded":
        st.session_state[BOX_NOTE.format(aid)] = t("screen.box_rounded", lang, value=typed, shown=shown)
    elif reading.how:
        st.session_state[BOX_NOTE.format(aid)] = t("screen.box_read_as", lang, value=typed, shown=shown)


def box_note(a: "Assumption") -> str | None:
    """How what was typed in lever ``a``'s box was taken when not as written (read as thousands, clamped to
    a bound, rounded to the step), said once under the box (None: nothing)."""
    return st.session_state.pop(BOX_NOTE.format(a.id), None)


def box_error(a: "Assumption") -> str | None:
    """What was typed in lever ``a``'s box and refused, said once (None: nothing)."""
    return st.session_state.pop(BOX_ERR.format(a.id), None)


def lever_box(a: "Assumption", current: float, lang: str, label: str, refused: bool) -> None:
    """Lever ``a``'s number box in the language's number format, kept in sync with its slider: typing in
    it sets the slider (and so the link); the slider's value (``current``) is written into it every run
    (a page switch drops an undrawn box's value), unless it holds what was just typed and ``refused``."""
    box = BOX.format(a.id)
    if not refused:
        st.session_state[box] = text = fmt_lever(a, current, lang)
        _note_written(a.id, text)
    st.text_input(label, key=box, on_change=_on_box, args=(a, lang), label_visibility="collapsed", max_chars=12,
                  help=t("screen.box_help", lang), width=BOX_WIDTH)


def number_field(container: Any, label: str, key: str, value: float, lo: float, hi: float, lang: str,
                 decimals: int = 2, help: str | None = None) -> float:
    """A number box in the language's number format (0,75 / 1.234,5; st.number_input can only show 0.75):
    what is typed is read as people write it, kept within lo–hi; text that is not a number is said and
    the last good value kept. Returns the value."""
    good_key = f"{key}__value"
    current = st.session_state.get(key)
    if isinstance(current, (int, float)) and not isinstance(current, bool):   # set as a number (tests, code)
        st.session_state[good_key] = min(max(float(current), lo), hi)
        st.session_state[key] = fmt_num(st.session_state[good_key], lang, decimals)
    elif current is None:
        st.session_state[good_key] = float(value)
        st.session_state[key] = fmt_num(float(value), lang, decimals)
    raw = container.text_input(label, key=key, help=help or t("screen.box_help", lang))
    reading = read_number(raw, "," if lang == "vi" else ".", lo=lo, hi=hi)
    if reading.value is None:
        container.caption("⚠️ " + t("screen.box_invalid", lang, value=str(raw)[:40]))
        return float(st.session_state.get(good_key, value))
    v, done = fit(reading.value, lo, hi)
    if done:
        bound = fmt_num(hi if done == "above" else lo, lang, decimals)
        container.caption("ℹ️ " + t(f"screen.box_{done}", lang, value=str(raw).strip()[:40], bound=bound))
    st.session_state[good_key] = v
    return v

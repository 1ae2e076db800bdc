"""Server-side limits that Streamlit's settings cannot express, installed once per server process
(``install()``, from app.py): an upload budget enforced where the bytes arrive, and session ids
kept out of Streamlit's log.

Uploads. Streamlit takes ``PUT /_stcore/upload_file/<session>/<file>`` from anyone who knows a live
session id, up to ``server.maxUploadSize`` each, and keeps every file in memory until the session
reruns or ends: one session could fill the server's memory. The upload route is wrapped (the same
Starlette route object, its ASGI app replaced; nothing of Streamlit is copied) so that, before a
byte of the body is read:

* a session without the editor right (``note_session``, refreshed on every run by ``auth``) may
  send files of at most ``VIEWER_FILE_BYTES`` (the scenario JSON import) and keep at most
  ``VIEWER_SESSION_BYTES``; an editor's session at most ``EDITOR_SESSION_BYTES``;
* every session and every client address (the same address the sign-in counts) may start at most
  ``SESSION_STARTS`` / ``CLIENT_STARTS`` uploads a minute and have ``CLIENT_IN_FLIGHT`` under way;
* a request without a ``Content-Length`` (chunked) is refused: the budget needs the size first.

A refusal is an HTTP status (403, 411, 413, 429) with a short text; the widget shows its own error.
The files a session keeps are counted again when Streamlit stores one (``add_file``), so the budget
holds even if the size were not known up front. When the route cannot be found (another server,
a test) only that second check applies.

Fair share. Every script run (a whole rerun or a fragment's) passes a gate (``FairGate``): at most
``RUN_SLOTS`` runs at once in this process, and when more wait, the one whose session wanted the server
least lately goes first: the time its runs waited and ran, decaying with a half-life of
``USAGE_HALF_LIFE`` seconds (a flooding session is always waiting or running, however many there are). Sixteen
sessions sending slider values as fast as the server answers them mostly wait for each other; a
visitor who moves a slider now and then goes ahead of them. The gate wraps the function Streamlit
runs each script attempt with (``exec_func_with_error_handling`` as the script runner calls it).

``clear_cache``: Streamlit lets any client's message clear the caches of the whole process (every
user's, the store's database connection with them). Here it clears the sender's own session state
only.

Logs. Streamlit writes session ids in some warnings (a reconnect, a stale message); a session id is
all it takes to reach a session, so they are replaced by ``<session>`` in every ``streamlit.*``
log record. deploy/nginx.conf keeps them out of the proxy's access log.
"""
from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections import defaultdict, deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

MB = 1024 * 1024
VIEWER_FILE_BYTES = 1 * MB + 64 * 1024     # the JSON import's 1 MB, plus the form's framing
VIEWER_SESSION_BYTES = 2 * MB
EDITOR_SESSION_BYTES = 32 * MB             # three annual reviews at the 10 MB limit
CLIENT_BYTES = 64 * MB                     # kept by all sessions of one client address
SESSION_STARTS = 12                        # uploads a session may start per WINDOW
CLIENT_STARTS = 30
CLIENT_IN_FLIGHT = 3
WINDOW = 60.0
MAX_TRACKED = 10_000                       # sessions remembered (the oldest are forgotten)

log = logging.getLogger("giamngheo.guard")


@dataclass
class _Session:
    editor: bool = False
    client: str = ""
    seen: float = 0.0
    starts: deque = field(default_factory=deque)


_lock = threading.Lock()
_sessions: dict[str, _Session] = {}
_client_starts: dict[str, deque] = defaultdict(deque)
_client_flight: dict[str, int] = defaultdict(int)
_installed: dict[str, bool] = {}
_refused: dict[str, int] = defaultdict(int)     # reason -> count, for tests and benchmarks


def note_session(session_id: str | None, editor: bool | None = None, client: str | None = None) -> None:
    """Record what this session may upload: called on every run (``auth.can_edit``, app.py)."""
    if not session_id:
        return
    with _lock:
        s = _sessions.get(session_id)
        if s is None:
            if len(_sessions) >= MAX_TRACKED:
                for sid, _ in sorted(_sessions.items(), key=lambda kv: kv[1].seen)[: MAX_TRACKED // 10]:
                    _sessions.pop(sid, None)
            s = _sessions[session_id] = _Session()
        if editor is not None:
            s.editor = bool(editor)
        if client is not None:
            s.client = str(client)[:100]
        s.seen = time.monotonic()


def current_session_id() -> str | None:
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
        ctx = get_script_run_ctx()
        return ctx.session_id if ctx is not None else None
    except Exception:  # noqa: BLE001
        return None


def refused() -> dict[str, int]:
    with _lock:
        return dict(_refused)


def _stored(mgr: Any, session_ids: list[str]) -> int:
    storage = getattr(mgr, "file_storage", None)
    if storage is None:
        return 0
    lock = getattr(mgr, "_lock", None)
    with lock if lock is not None else threading.Lock():
        return sum(len(f.data) for sid in session_ids for f in (storage.get(sid) or {}).values())


def _sessions_of(client: str) -> list[str]:
    return [sid for sid, s in _sessions.items() if s.client == client]


def _decide(session_id: str, peer: str, length: int | None, mgr: Any, now: float) -> tuple[tuple[int, str] | None, str]:
    """(None, client): let the upload in (counted as started and under way for ``client``); else
    ((status, reason), client)."""
    with _lock:
        s = _sessions.get(session_id) or _Session(client=peer)
        client = s.client or peer
        if length is None:
            return (411, "length"), client
        if not s.editor and length > VIEWER_FILE_BYTES:
            return (413, "viewer_size"), client
        starts = s.starts
        while starts and starts[0] < now - WINDOW:
            starts.popleft()
        cstarts = _client_starts[client]
        while cstarts and cstarts[0] < now - WINDOW:
            cstarts.popleft()
        if len(starts) >= SESSION_STARTS or len(cstarts) >= CLIENT_STARTS:
            return (429, "rate"), client
        if _client_flight[client] >= CLIENT_IN_FLIGHT:
            return (429, "in_flight"), client
        siblings = _sessions_of(client)
    budget = EDITOR_SESSION_BYTES if s.editor else VIEWER_SESSION_BYTES
    if _stored(mgr, [session_id]) + length > budget:
        return (413, "session_budget"), client
    if _stored(mgr, siblings or [session_id]) + length > CLIENT_BYTES:
        return (413, "client_budget"), client
    with _lock:
        if session_id in _sessions:
            starts.append(now)
        cstarts.append(now)
        _client_flight[client] += 1
    return None, client


def _wrap_upload_app(inner: Any, mgr: Any) -> Any:
    async def guarded(scope, receive, send):
        if scope.get("type") != "http" or scope.get("method") != "PUT":
            return await inner(scope, receive, send)
        sid = str((scope.get("path_params") or {}).get("session_id") or "")
        peer = str((scope.get("client") or ("unknown",))[0])
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        try:
            length = int(headers["content-length"]) if "content-length" in headers else None
        except ValueError:
            length = None
        verdict, client = _decide(sid, peer, length, mgr, time.monotonic())
        if verdict is not None:
            status, reason = verdict
            with _lock:
                _refused[reason] += 1
            log.log(logging.INFO, "upload refused (%s, %s)", status, reason)
            body = f"upload refused: {reason}\n".encode()
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode()),
                                    (b"connection", b"close")]})
            await send({"type": "http.response.body", "body": body})
            return None
        try:
            return await inner(scope, receive, send)
        finally:
            with _lock:
                _client_flight[client] = max(0, _client_flight[client] - 1)
    guarded.__gn_guard__ = True
    return guarded


def _find_upload_routes() -> list[Any]:
    """The Starlette route objects of Streamlit's upload endpoint in this process."""
    import gc
    try:
        from starlette.applications import Starlette
        from starlette.routing import Route
    except ImportError:
        return []
    found = []
    # objects frozen out of the collector (main_chart.freeze_process_objects, once the process has warmed up) are
    # not in gc.get_objects(): should the guard be installed after that, they are let back in for the search
    frozen = gc.get_freeze_count()
    if frozen:
        gc.unfreeze()
    try:
        objects = gc.get_objects()
    finally:
        if frozen:
            gc.freeze()
    for obj in objects:
        if isinstance(obj, Starlette):
            for r in getattr(obj.router, "routes", []):
                if isinstance(r, Route) and "upload_file" in r.path and "PUT" in (r.methods or set()):
                    found.append(r)
    return found


def _guard_add_file(mgr: Any) -> None:
    """The backstop where Streamlit stores a file: the session's budget, counted again."""
    if getattr(mgr.add_file, "__gn_guard__", False):
        return
    original = mgr.add_file

    def add_file(session_id: str, file: Any) -> None:
        with _lock:
            s = _sessions.get(session_id) or _Session()
        size = len(getattr(file, "data", b""))
        storage = getattr(mgr, "file_storage", {}) or {}
        old = (storage.get(session_id) or {}).get(getattr(file, "file_id", None))
        have = _stored(mgr, [session_id]) - (len(old.data) if old is not None else 0)
        budget = EDITOR_SESSION_BYTES if s.editor else VIEWER_SESSION_BYTES
        if (not s.editor and size > VIEWER_FILE_BYTES) or have + size > budget:
            with _lock:
                _refused["stored_budget"] += 1
            from starlette.exceptions import HTTPException
            raise HTTPException(status_code=413, detail="upload budget")
        return original(session_id, file)

    add_file.__gn_guard__ = True
    mgr.add_file = add_file


_SESSION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def redact(text: str) -> str:
    return _SESSION_ID.sub("<session>", text)


def _install_log_redaction() -> None:
    previous = logging.getLogRecordFactory()
    if getattr(previous, "__gn_guard__", False):
        return

    def factory(*args, **kwargs):
        rec = previous(*args, **kwargs)
        if rec.name.startswith("streamlit"):
            try:
                msg = rec.getMessage()
            except Exception:  # noqa: BLE001 - a broken record stays as it was
                return rec
            if _SESSION_ID.search(msg):
                rec.msg, rec.args = redact(msg), ()
        return rec

    factory.__gn_guard__ = True
    logging.setLogRecordFactory(factory)


RUN_SLOTS = int(os.environ.get("GIAMNGHEO_RUN_SLOTS", "2") or 2)
USAGE_HALF_LIFE = 10.0
MAX_GATE_WAIT = 30.0          # a run waits at most this long for its turn, then goes anyway


class FairGate:
    """At most ``slots`` runs at once; the waiting run of the session with the least recent usage first."""

    def __init__(self, slots: int = RUN_SLOTS, half_life: float = USAGE_HALF_LIFE):
        self.slots, self.half_life = max(1, slots), half_life
        self.cv = threading.Condition()
        self.running = 0
        self.waiting: dict[int, str] = {}
        self.usage: dict[str, tuple[float, float]] = {}     # session -> (seconds, when)
        self.ticket = 0
        self.local = threading.local()

    def _used(self, sid: str, now: float) -> float:
        v, t = self.usage.get(sid, (0.0, now))
        return v * 0.5 ** ((now - t) / self.half_life)

    def enter(self, sid: str) -> float:
        """Wait for a turn; the seconds waited."""
        depth = getattr(self.local, "depth", 0)
        self.local.depth = depth + 1
        if depth:                                    # already inside a run of this thread
            return 0.0
        t0 = time.monotonic()
        self.local.asked = t0
        with self.cv:
            self.ticket += 1
            me = self.ticket
            self.waiting[me] = sid
            try:
                while True:
                    now = time.monotonic()
                    if self.running < self.slots:
                        first = min(self.waiting, key=lambda k: (self._used(self.waiting[k], now), k))
                        if first == me:
                            break
                    if now - t0 > MAX_GATE_WAIT:
                        break
                    self.cv.wait(0.25)
            finally:
                self.waiting.pop(me, None)
            self.running += 1
        self.local.start = time.monotonic()
        return self.local.start - t0

    def leave(self, sid: str) -> None:
        self.local.depth = getattr(self.local, "depth", 1) - 1
        if self.local.depth:
            return
        now = time.monotonic()
        with self.cv:
            self.running -= 1
            # the time this run wanted the server: its wait and its run (a session that floods the
            # server is always waiting or running; a visitor who moves a slider now and then is not)
            self.usage[sid] = (self._used(sid, now) + (now - getattr(self.local, "asked", now)), now)
            if len(self.usage) > MAX_TRACKED:
                for k in sorted(self.usage, key=lambda k: self.usage[k][1])[: MAX_TRACKED // 10]:
                    self.usage.pop(k, None)
            self.cv.notify_all()


GATE = FairGate()


@contextmanager
def outside_gate():
    """A run that waits for something else (a worker process checking a file) gives its turn back
    for that wait and queues again after it: a slow check never holds the others up."""
    depth = getattr(GATE.local, "depth", 0)
    if not depth or not _installed.get("fair"):
        yield
        return
    sid = current_session_id() or ""
    GATE.local.depth = 1
    GATE.leave(sid)
    try:
        yield
    finally:
        GATE.enter(sid)
        GATE.local.depth = depth


def _install_fair_share() -> bool:
    from streamlit.runtime.scriptrunner import script_runner
    original = getattr(script_runner, "exec_func_with_error_handling", None)
    if original is None:
        return False
    if getattr(original, "__gn_guard__", False):
        return True

    def gated(func, ctx, *args, **kwargs):
        sid = str(getattr(ctx, "session_id", "") or "")
        GATE.enter(sid)
        try:
            return original(func, ctx, *args, **kwargs)
        finally:
            GATE.leave(sid)

    gated.__gn_guard__ = True
    script_runner.exec_func_with_error_handling = gated
    return True


def _install_clear_cache_guard() -> bool:
    from streamlit.runtime.app_session import AppSession
    if getattr(AppSession._handle_clear_cache_request, "__gn_guard__", False):
        return True

    def own_state_only(self) -> None:
        with _lock:
            _refused["clear_cache"] += 1
        self._session_state.clear()

    own_state_only.__gn_guard__ = True
    AppSession._handle_clear_cache_request = own_state_only
    return True


def install() -> None:
    """Once per process (cheap after the first call): the upload guard, the fair share of runs,
    clear_cache kept to the sender's session, and the log redaction."""
    if _installed.get("done"):
        return
    with _lock:
        if _installed.get("busy"):
            return
        _installed["busy"] = True
    try:
        _install_log_redaction()
        from streamlit import runtime
        if not runtime.exists() or type(runtime.get_instance()) is not runtime.Runtime:   # AppTest: no server
            return
        _installed["fair"] = _install_fair_share()
        _installed["clear_cache"] = _install_clear_cache_guard()
        mgr = runtime.get_instance().uploaded_file_mgr
        _guard_add_file(mgr)
        routes = _find_upload_routes()
        for r in routes:
            if not getattr(r.app, "__gn_guard__", False):
                r.app = _wrap_upload_app(r.app, mgr)
        _installed["routes"] = bool(routes)
        if not routes:
            log.log(logging.WARNING, "the upload route was not found: only the stored-file budget applies")
    except Exception as exc:  # noqa: BLE001 - never stop the app for a guard; say so in the log
        log.log(logging.ERROR, "upload guard not installed: %s", exc)
    finally:
        _installed["done"] = True


def upload_route_guarded() -> bool:
    return bool(_installed.get("routes"))


__all__ = ["install", "note_session", "current_session_id", "refused", "redact", "upload_route_guarded"]

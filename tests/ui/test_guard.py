"""The upload budget where the bytes arrive (giamngheo/ui/guard.py) and session ids out of the log.

The numbers: a session without the editor right may send a file of at most 1 MB (+ 64 kB of form
framing) and keep 2 MB; an editor's session keeps 32 MB; one client address keeps 64 MB over all
its sessions, starts 30 uploads a minute (a session 12) and has 3 under way."""
from __future__ import annotations

import asyncio
import logging
import types
from pathlib import Path

import pytest

from giamngheo.ui import guard

MB = 1024 * 1024


def _run_async(coro):
    """asyncio.run in a thread of its own: a browser test's Playwright (sync API) may keep an event loop
    running in this thread when the whole suite runs, and asyncio.run refuses to nest in it."""
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


class Mgr:
    """Streamlit's MemoryUploadedFileManager as far as the guard reads it."""

    def __init__(self):
        self.file_storage = {}

    def keep(self, sid, fid, size):
        self.file_storage.setdefault(sid, {})[fid] = types.SimpleNamespace(file_id=fid, data=b"x" * size)

    def add_file(self, session_id, file):
        self.file_storage.setdefault(session_id, {})[file.file_id] = file


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setattr(guard, "_sessions", {})
    monkeypatch.setattr(guard, "_client_starts", guard.defaultdict(guard.deque))
    monkeypatch.setattr(guard, "_client_flight", guard.defaultdict(int))


def test_a_visitor_sends_small_files_only_and_keeps_little():
    mgr = Mgr()
    guard.note_session("v", editor=False, client="203.0.113.1")
    assert guard._decide("v", "p", int(9.9 * MB), mgr, 0.0)[0] == (413, "viewer_size")   # before the body
    assert guard._decide("v", "p", None, mgr, 0.0)[0] == (411, "length")                  # no size: no upload
    assert guard._decide("v", "p", MB, mgr, 0.0) == (None, "203.0.113.1")                 # the JSON import fits
    mgr.keep("v", "a", MB)
    mgr.keep("v", "b", MB // 2)
    assert guard._decide("v", "p", MB // 2, mgr, 1.0)[0] is None                          # 1.5 + 0.5 = 2 MB
    mgr.keep("v", "c", MB // 2)
    assert guard._decide("v", "p", 1, mgr, 2.0)[0] == (413, "session_budget")             # 2 MB kept


def test_an_editor_keeps_more_but_not_without_bound():
    mgr = Mgr()
    guard.note_session("e", editor=True, client="198.51.100.2")
    assert guard._decide("e", "p", int(9.9 * MB), mgr, 0.0)[0] is None
    for i in range(3):
        mgr.keep("e", f"f{i}", 10 * MB)
    assert guard._decide("e", "p", 2 * MB, mgr, 1.0)[0] is None                            # 30 + 2 = 32 MB
    assert guard._decide("e", "p", 2 * MB + 1, mgr, 1.0)[0] == (413, "session_budget")
    # the same client's editor sessions share 64 MB
    guard.note_session("e2", editor=True, client="198.51.100.2")
    guard.note_session("e3", editor=True, client="198.51.100.2")
    for i in range(3):
        mgr.keep("e2", f"g{i}", 10 * MB)                                                   # 30 + 30 = 60 MB kept
    guard._client_flight.clear()
    assert guard._decide("e3", "p", 4 * MB, mgr, 1.0)[0] is None                           # 60 + 4 = 64 MB
    guard._client_flight.clear()
    assert guard._decide("e3", "p", 4 * MB + 1, mgr, 1.0)[0] == (413, "client_budget")
    guard.note_session("x", editor=True, client="192.0.2.9")                               # another client
    assert guard._decide("x", "p", 4 * MB + 1, mgr, 1.0)[0] is None


def test_rates_and_uploads_under_way():
    mgr = Mgr()
    guard.note_session("s", editor=True, client="c")
    for i in range(guard.CLIENT_IN_FLIGHT):
        assert guard._decide("s", "p", 10, mgr, float(i))[0] is None
    assert guard._decide("s", "p", 10, mgr, 5.0)[0] == (429, "in_flight")                # three under way
    guard._client_flight["c"] = 0                                                         # they finished
    for i in range(guard.SESSION_STARTS - guard.CLIENT_IN_FLIGHT):
        assert guard._decide("s", "p", 10, mgr, 10.0 + i)[0] is None
        guard._client_flight["c"] = 0
    assert guard._decide("s", "p", 10, mgr, 30.0)[0] == (429, "rate")                    # 12 in a minute
    assert guard._decide("s", "p", 10, mgr, 0.0 + guard.WINDOW + 3)[0] is None             # the oldest left the window


def test_the_stored_file_backstop():
    mgr = Mgr()
    guard._guard_add_file(mgr)
    guard.note_session("v", editor=False, client="c")
    mgr.add_file("v", types.SimpleNamespace(file_id="ok", data=b"x" * 1000))
    from starlette.exceptions import HTTPException
    with pytest.raises(HTTPException):
        mgr.add_file("v", types.SimpleNamespace(file_id="big", data=b"x" * (2 * MB)))
    assert list(mgr.file_storage["v"]) == ["ok"]


def test_session_ids_are_kept_out_of_streamlits_log():
    import io
    guard._install_log_redaction()
    sid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    lg = logging.getLogger("streamlit.runtime.websocket_session_manager")
    lg.addHandler(handler)
    try:
        lg.warning("Session with id %s is already connected! Reconnecting to existing session.", sid)
        logging.getLogger("giamngheo.other").warning("not Streamlit's: %s", sid)    # others untouched
    finally:
        lg.removeHandler(handler)
    assert out.getvalue() == "Session with id <session> is already connected! Reconnecting to existing session.\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app served on loopback with an editor password (benchmarks/hostile.py starts it)."""
    import os
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import socket

    from benchmarks import hostile
    with socket.socket() as sock:                       # a port of the system's choosing: no other run's
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc, base = hostile.start_server(tmp_path_factory.mktemp("served"), hostile.ROOT, port)
    try:
        yield hostile, base, hostile.pid_listening_on(int(base.rsplit(":", 1)[1])) or proc.pid
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(30)


def test_one_anonymous_session_cannot_fill_the_servers_memory(served):
    """The attack of the benchmark, smaller: 20 PUTs of 9.9 MB from one session that is not an
    editor (the server has a password) are refused before their body; the server's memory barely
    moves. (The same 100-PUT attack on the code before the guard: +998 MB.) A small JSON still goes in."""
    hostile, base, pid = served
    big = _run_async(hostile.attack_uploads(types.SimpleNamespace(mb=9.9, puts=20, parallel=4), base, pid))
    assert big["status_codes"] == {"413": 20}, big
    assert big["rss_growth_mb"] < 50, big
    small = _run_async(hostile.attack_uploads(types.SimpleNamespace(mb=0.01, puts=2, parallel=1), base, pid))
    assert small["status_codes"] == {"204": 2}, small


def test_a_replayed_session_id_resumes_the_session_without_the_editor_right(served):
    """Over real websockets: the editor signs in and can save; a second connection resuming that
    session by its id gets the session (Streamlit allows it) but neither the sign-in nor saving."""
    hostile, base, pid = served
    r = _run_async(hostile.attack_replay(types.SimpleNamespace(password=hostile.PASSWORD), base, pid))
    assert r["editor_signed_in"] and r["editor_save_enabled"], r
    assert r["replayed_session_resumed"], r
    assert not r["replay_signed_in"] and not r["replay_save_enabled"], r


def test_the_fair_gate_lets_a_light_session_go_before_heavy_ones():
    """12 sessions running back to back (50 ms a run) and one that runs every 150 ms, two slots: the
    light one waits at most about one run (a scheduling margin for a shared machine); first come,
    first served it would wait for six."""
    import statistics
    import threading
    import time
    gate = guard.FairGate(slots=2, half_life=10.0)
    stop = threading.Event()
    heavy_waits, light_waits = [], []

    def run(sid, waits, pause):
        while not stop.is_set():
            waits.append(gate.enter(sid))
            time.sleep(0.05)
            gate.leave(sid)
            time.sleep(pause)

    threads = [threading.Thread(target=run, args=(f"h{i}", heavy_waits, 0.0)) for i in range(12)]
    for t in threads:
        t.start()
    time.sleep(0.5)                                   # the heavy ones have used the gate a while
    light = threading.Thread(target=run, args=("visitor", light_waits, 0.15))
    light.start()
    time.sleep(3.0)
    stop.set()
    for t in [*threads, light]:
        t.join(5)
    assert len(light_waits) >= 8
    light_p95 = sorted(light_waits)[int(0.95 * (len(light_waits) - 1))]
    assert light_p95 < 0.15, light_waits                # at most one heavy run (50 ms) and some scheduling
    assert statistics.mean(heavy_waits[-40:]) > 0.2     # they wait for each other (12 on 2 slots)
    assert gate.running == 0 and not gate.waiting


def test_a_run_inside_a_run_does_not_wait_for_itself():
    gate = guard.FairGate(slots=1)
    gate.enter("s")
    assert gate.running == 1
    assert gate.enter("s") == 0.0                     # nested (a fragment inside the script): no second slot
    gate.leave("s")
    gate.leave("s")
    assert gate.running == 0


def test_clear_cache_from_a_client_touches_no_one_else(served):
    """Streamlit's clear_cache message, 300 times from one session: the caches of the process (every
    user's, the store's connection) stay; no database file is opened again and again; another
    session still reruns."""
    hostile, base, pid = served
    r = _run_async(hostile.attack_clear_cache(types.SimpleNamespace(n=300), base, pid))
    # the store's own pool may open a connection more; every cleared cache used to open a new one
    # (the same 300 messages with 12 reruns on the code before: +11 database files; 750: +13 to +20)
    assert r["db_fds_after"] <= r["db_fds_before"] + 4, r
    assert r["open_fds_after"] <= r["open_fds_before"] + 6, r
    assert r["victim_rerun_s"] < 30, r


def test_the_streamlit_internals_the_guard_holds_are_there():
    """The guard wraps four things of Streamlit 1.67 (giamngheo/ui/guard.py); an upgrade that moves
    one fails here (the served tests above show they work)."""
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web.server.starlette import starlette_routes
    assert callable(script_runner.exec_func_with_error_handling)
    assert callable(AppSession._handle_clear_cache_request)
    assert isinstance(MemoryUploadedFileManager("/x").file_storage, dict)
    assert "{session_id}" in starlette_routes._ROUTE_UPLOAD_FILE


def test_a_run_waiting_for_a_worker_gives_its_turn_back(monkeypatch):
    import threading
    gate = guard.FairGate(slots=1)
    monkeypatch.setattr(guard, "GATE", gate)
    monkeypatch.setitem(guard._installed, "fair", True)
    gate.enter("slow")
    got = []
    other = threading.Thread(target=lambda: (got.append(gate.enter("quick")), gate.leave("quick")))
    with guard.outside_gate():
        other.start()
        other.join(2)                                  # the quick one runs while the slow one waits
        assert got and got[0] < 1.0 and not other.is_alive()
    assert gate.running == 1 and gate.local.depth == 1   # the slow one has its turn again
    gate.leave("slow")
    assert gate.running == 0

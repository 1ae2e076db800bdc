"""Reruns in Streamlit's AppTest as the server runs them (the rerun benchmark and the fragment tests use it).

Two things the server does that AppTest (Streamlit 1.67) does not:

- **A widget inside a fragment reruns only that fragment.** The browser sends the fragment's id with the
  new value (the id is on the widget's element) and the server runs that function alone: not app.py, not
  the sidebar. AppTest always runs the whole script. :func:`rerun_as_browser` asks for the rerun the
  browser would ask for, the fragment read from the widget's own metadata (the id the server keeps for it).
- **The server compiles each script once per process** (one ``ScriptCache`` in its runtime); AppTest
  compiles app.py and the page on every run. :func:`server_script_cache` shares one cache, so that a
  measured rerun does not count a compilation the server never does.
"""
from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from typing import Any, Iterator


def widget_fragment(at: Any, key: str) -> str | None:
    """The fragment the widget with user key ``key`` was drawn in (None: drawn by the whole script)."""
    state = at.session_state
    while not hasattr(type(state), "get_widget_id_from_key"):   # AppTest's wrapper, the thread-safe wrapper
        state = object.__getattribute__(state, "_state")
    wid = state.get_widget_id_from_key(key)
    meta = state.get_widget_metadata(wid) if wid is not None else None
    return getattr(meta, "fragment_id", None) or None


@contextmanager
def fragment_run(fragment_id: str | None) -> Iterator[None]:
    """Inside this block, AppTest's runs are reruns of ``fragment_id`` (None: of the whole script)."""
    if not fragment_id:
        yield
        return
    from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequests
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner
    orig = LocalScriptRunner.request_rerun

    def request_rerun(self, rerun_data):      # noqa: ANN001, ANN202 - Streamlit's own signature
        # AppTest's runner is made with a pending whole run, into which a fragment request would be folded
        # (the whole run wins): here the browser's request is the only one, as on the server
        self._requests = ScriptRequests()
        return orig(self, dataclasses.replace(rerun_data, fragment_id=fragment_id))

    LocalScriptRunner.request_rerun = request_rerun
    try:
        yield
    finally:
        LocalScriptRunner.request_rerun = orig


def rerun_as_browser(at: Any, key: str) -> Any:
    """Rerun after the widget ``key`` changed, as the browser asks for it: its fragment only, if it has one.
    (After a fragment rerun, AppTest's element tree holds what that rerun sent: the fragment's elements.)"""
    with fragment_run(widget_fragment(at, key)):
        return at.run()


@contextmanager
def server_script_cache() -> Iterator[None]:
    """Every AppTest run in this block reads compiled scripts from one cache, as the server's runtime does."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    shared = ScriptCache()
    orig = ScriptCache.get_bytecode

    def get_bytecode(self, script_path: str) -> Any:   # noqa: ARG001 - every instance reads the shared one
        return orig(shared, script_path)

    ScriptCache.get_bytecode = get_bytecode
    try:
        yield
    finally:
        ScriptCache.get_bytecode = orig

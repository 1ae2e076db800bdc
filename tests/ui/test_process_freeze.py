"""After the process's warm-up, what it built once is left out of the garbage collector's full passes
(giamngheo.ui.main_chart.freeze_process_objects); what sessions make later is still collected."""
from __future__ import annotations

import gc
import threading
import weakref

import pytest

from giamngheo.ui import main_chart


def _join_warm_up() -> None:
    """A warm-up thread an earlier test's app run started (once per process) finishes first: it freezes too."""
    for t in threading.enumerate():
        if t.name == main_chart.WARM_UP_THREAD:
            t.join(120)


@pytest.fixture
def unfrozen():
    _join_warm_up()
    gc.unfreeze()
    yield
    gc.unfreeze()        # the rest of the test run as it was


class Node:
    def __init__(self) -> None:
        self.other = None


def _cycle() -> weakref.ref:
    """A reference cycle nothing else holds: only the garbage collector frees it."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_objects_built_before_leave_the_full_passes_and_later_garbage_is_still_collected(unfrozen):
    kept = [Node() for _ in range(1000)]          # long-lived objects of the process, built once
    gc.collect()                                  # what earlier tests left as garbage (up to 13 % of the objects
    before = len(gc.get_objects())                # in a full test run) is not what the process holds
    old_garbage = _cycle()
    main_chart.freeze_process_objects()
    assert old_garbage() is None                  # garbage is collected first, not frozen
    assert gc.get_freeze_count() >= 0.9 * before  # everything else the process held is frozen...
    tracked = {id(o) for o in gc.get_objects()}
    assert not any(id(o) in tracked for o in kept)   # ...and a full pass no longer walks it
    assert len(tracked) < before / 10
    new_garbage = _cycle()                        # a session's cycle after the freeze
    assert new_garbage() is not None
    gc.collect()
    assert new_garbage() is None


def test_the_warm_up_thread_freezes_before_the_chart_templates_and_not_after(unfrozen, monkeypatch):
    order = []
    monkeypatch.setattr(main_chart, "warm_up", lambda ctx, pause: pause() and not order.append("templates"))
    monkeypatch.setattr(main_chart, "embedded_context", lambda: None)
    monkeypatch.setattr(main_chart, "freeze_process_objects", lambda: order.append("freeze"))
    monkeypatch.setattr(main_chart, "script_running", lambda: False)
    monkeypatch.setattr(main_chart, "FREEZE_QUIET", 0.1)
    monkeypatch.setattr(main_chart, "TEMPLATE_QUIET", 0.2)
    main_chart.warm_up_in_background.clear()
    try:
        assert main_chart.warm_up_in_background()
        assert gc.get_freeze_count() > 0          # what the imports made, at once, in the run that started it
        _join_warm_up()
        assert order == ["freeze", "templates"]
    finally:
        main_chart.warm_up_in_background.clear()


def test_the_warm_up_waits_for_the_runs_and_builds_templates_only_in_a_long_quiet(unfrozen, monkeypatch):
    """Nothing is done while a session's run is in progress (the first page's run), the collection comes in the
    first gap, the templates (and the data's context they need) only after a long time with no run; a process
    never idle that long never builds them (the pages build what they need). Each run lasts three of the
    thread's looks (0.1 s apart), each gap is well under the quiet it waits for: a late look cannot miss a run."""
    import time
    running = threading.Event()
    running.set()
    order = []
    monkeypatch.setattr(main_chart, "script_running", running.is_set)
    monkeypatch.setattr(main_chart, "embedded_context", lambda: order.append("context"))
    monkeypatch.setattr(main_chart, "freeze_process_objects", lambda: order.append("freeze"))
    monkeypatch.setattr(main_chart, "FREEZE_QUIET", 0.1)
    monkeypatch.setattr(main_chart, "TEMPLATE_QUIET", 1.0)
    monkeypatch.setattr(main_chart, "TEMPLATE_WAIT", 2.5)
    monkeypatch.setattr(main_chart, "warm_up", lambda ctx, pause: order.append("templates"))
    main_chart.warm_up_in_background.clear()
    try:
        main_chart.warm_up_in_background()
        time.sleep(0.4)
        assert order == []            # the first page's run is still going
        running.clear()
        time.sleep(0.6)
        assert order == ["freeze"]    # then at once
        for _ in range(8):            # runs never more than 0.3 s apart, for longer than it waits: no template
            running.set()
            time.sleep(0.3)
            running.clear()
            time.sleep(0.3)
        _join_warm_up()
        assert order == ["freeze"]
    finally:
        main_chart.warm_up_in_background.clear()


def test_after_one_quiet_spell_the_templates_follow_one_another(unfrozen, monkeypatch):
    """Each template waits only while a run is in progress: one quiet spell for all four, not one each. No freeze
    after them: by then many sessions may be open, and their objects frozen would keep their cycles for good."""
    import time
    freezes = []
    monkeypatch.setattr(main_chart, "script_running", lambda: False)
    monkeypatch.setattr(main_chart, "embedded_context", lambda: None)
    monkeypatch.setattr(main_chart, "freeze_process_objects", lambda: freezes.append(time.monotonic()))
    monkeypatch.setattr(main_chart, "FREEZE_QUIET", 0.0)
    monkeypatch.setattr(main_chart, "TEMPLATE_QUIET", 0.5)
    built = []
    monkeypatch.setattr(main_chart, "warm_up", lambda ctx, pause: all(pause() and not built.append(time.monotonic())
                                                                     for _ in range(4)))
    main_chart.warm_up_in_background.clear()
    try:
        t0 = time.monotonic()
        main_chart.warm_up_in_background()
        _join_warm_up()
        assert len(built) == 4
        assert built[0] - t0 >= 0.5 and built[-1] - built[0] < 0.3
        assert len(freezes) == 1 and freezes[0] < built[0]        # the first run's collection only
    finally:
        main_chart.warm_up_in_background.clear()


def test_the_upload_guard_finds_its_route_after_the_freeze(unfrozen):
    """The upload guard looks for Streamlit's upload route among the collector's objects; a route made before the
    freeze is found after it too (gc.get_objects() alone leaves frozen objects out), and the freeze holds."""
    from starlette.applications import Starlette
    from starlette.routing import Route

    from giamngheo.ui import guard

    async def put(request):   # pragma: no cover - never called
        return None

    app = Starlette(routes=[Route("/_stcore/upload_file/{sid}/{fid}", put, methods=["PUT"])])
    gc.freeze()
    assert not any(o is app for o in gc.get_objects())            # the case the search must handle
    found = guard._find_upload_routes()
    assert any(r is app.router.routes[0] for r in found)
    assert gc.get_freeze_count() > 0 and not any(o is app for o in gc.get_objects())

"""The adoptions in force are read from the store at most once per ADOPTIONS_TTL in a process (the overview
asks on every lever move), forgotten at once when this process adopts a path (giamngheo/ui/agreed.py)."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from giamngheo.monitor import adopt, agreed_path
from giamngheo.plan.targets import load_plan
from giamngheo.scenario.scenario import Scenario
from giamngheo.store import Store
from tests.monitor.monitor_data import make_obs


def _script() -> None:
    import streamlit as st

    from giamngheo.ui import agreed
    st.session_state["names"] = [a.name for a in agreed.adoptions()]
    st.session_state["names_again"] = [a.name for a in agreed.adoptions()]     # the same run: the run's memo


def test_read_once_per_ttl_and_forgotten_when_adopting(tmp_path, monkeypatch):
    from giamngheo.ui import agreed
    url = f"sqlite:///{tmp_path / 'agreed.db'}"
    monkeypatch.setenv("GIAMNGHEO_DB_URL", url)
    s = Store(url)
    path = agreed_path(load_plan(), make_obs(status="review"), Scenario(), 2026, draws=0)
    s.add_adoption(adopt(path, "Lộ trình A", "x", "NQ 1", ""))
    calls = []
    cls = type(s)
    orig = cls.list_adoptions

    def counted(self, plan_id=None):
        calls.append(plan_id)
        return orig(self, plan_id)
    monkeypatch.setattr(cls, "list_adoptions", counted)
    monkeypatch.setattr(agreed, "ADOPTIONS_TTL", 60.0)
    agreed.forget_adoptions()
    at = AppTest.from_function(_script).run()
    assert not at.exception, at.exception
    assert at.session_state["names"] == at.session_state["names_again"] == ["Lộ trình A"]
    AppTest.from_function(_script).run()                      # another session, within the TTL
    assert len(calls) == 1
    s.add_adoption(adopt(path, "Lộ trình B", "y", "NQ 2", ""))   # stored elsewhere (another replica)
    at = AppTest.from_function(_script).run()
    assert at.session_state["names"] == ["Lộ trình A"] and len(calls) == 1   # not seen before the TTL ends
    agreed.forget_adoptions()                                 # what adopting in this process does
    at = AppTest.from_function(_script).run()
    assert at.session_state["names"] == ["Lộ trình B", "Lộ trình A"] and len(calls) == 2
    monkeypatch.setattr(agreed, "ADOPTIONS_TTL", 0.0)         # the TTL over: read again
    AppTest.from_function(_script).run()
    assert len(calls) == 3
    s.dispose()

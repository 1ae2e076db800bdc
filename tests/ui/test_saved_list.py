"""The saved scenarios' list the comparison and scenario pages show on every rerun: read again after a write from
this process at once, after SAVED_TTL otherwise, never another store's or plan's."""
from __future__ import annotations

from pathlib import Path

from giamngheo.store import Store
from giamngheo.ui import session


def test_kept_between_reruns_read_again_after_a_write_or_the_ttl(tmp_path, monkeypatch):
    db = Store(f"sqlite:///{tmp_path / 'a.db'}")
    reads = []
    real = type(db).list_scenarios

    def counted(self, plan_id=None):
        reads.append(plan_id)
        return real(self, plan_id)
    monkeypatch.setattr(type(db), "list_scenarios", counted)
    clock = [1000.0]
    monkeypatch.setattr(session, "_clock", lambda: clock[0])
    assert session.saved_scenarios(db, "p") == []
    assert session.saved_scenarios(db, "p") == [] and len(reads) == 1          # the next rerun: kept
    s = db.save_scenario("p", "Một", {"jobs": 4000.0}, author="x")             # a save here: read again at once
    assert [x.id for x in session.saved_scenarios(db, "p")] == [s.id] and len(reads) == 2
    assert session.saved_scenarios(db, "q") == [] and len(reads) == 3          # another plan: its own list
    other = Store(f"sqlite:///{tmp_path / 'a.db'}")      # another store object on the same database (a save
    t = other.save_scenario("p", "Hai", {"jobs": 5000.0}, author="x")          # from this process): at once
    assert {x.id for x in session.saved_scenarios(db, "p")} == {s.id, t.id} and len(reads) == 4
    # a write this process did not make (another replica): seen once the kept list is SAVED_TTL old
    with other.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM scenarios WHERE id = ?", (t.id,))
    clock[0] += session.SAVED_TTL / 2
    assert len(session.saved_scenarios(db, "p")) == 2 and len(reads) == 4
    clock[0] += session.SAVED_TTL
    assert [x.id for x in session.saved_scenarios(db, "p")] == [s.id] and len(reads) == 5
    got = session.saved_scenarios(db, "p")
    got.clear()                                           # a caller's list is its own
    assert len(session.saved_scenarios(db, "p")) == 1


def test_the_latest_data_version_at_once_after_a_save_here_else_within_the_ttl(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'v.db'}"
    clock = [50.0]
    monkeypatch.setattr(session, "_clock", lambda: clock[0])
    db = session._store(url)
    assert session._store(url) is db                      # one Store a database
    assert session._latest_id(url) is None
    text = (Path(__file__).resolve().parents[2] / "data" / "observations.csv").read_text(encoding="utf-8-sig")
    v1 = db.save_data_version(text, author="An")            # a save from this process: at once
    assert session._latest_id(url) == v1.id
    with db.engine.begin() as conn:                          # another replica's version (no write from here)
        conn.exec_driver_sql("UPDATE data_versions SET id = id + 100")
    assert session._latest_id(url) == v1.id                  # kept for LATEST_TTL
    clock[0] += session.LATEST_TTL
    assert session._latest_id(url) == v1.id + 100

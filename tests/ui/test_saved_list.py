"""The saved scenarios' list the comparison and scenario pages show on every rerun: read again after a write from
this process at once, after SAVED_TTL otherwise, never another store's or plan's."""
from __future__ import annotations

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
    monkeypatch.setattr(session.time, "monotonic", lambda: clock[0])
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

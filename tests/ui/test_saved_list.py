"""The saved scenarios' list the comparison and scenario pages show on every rerun: read again after a write from
this process at once, after SAVED_TTL otherwise, never another store's or plan's."""
from __future__ import annotations

from pathlib import Path

from giamngheo.store import Store
from giamngheo.ui import session


def _counting(monkeypatch, db, method: str) -> list:
    """Count the store's reads of ``method`` (its arguments); a store with ``_broken`` set fails them."""
    from giamngheo.store import StoreError
    reads: list = []
    real = getattr(type(db), method)

    def counted(self, *args, **kwargs):
        reads.append(args)
        if getattr(self, "_broken", False):
            raise StoreError("down")
        return real(self, *args, **kwargs)
    monkeypatch.setattr(type(db), method, counted)
    return reads


def _clock(monkeypatch, start: float) -> list:
    """The session's clock held at ``start``; the test moves it by changing the list's one value."""
    clock = [start]
    monkeypatch.setattr(session, "_clock", lambda: clock[0])
    return clock


def test_kept_between_reruns_read_again_after_a_write_or_the_ttl(tmp_path, monkeypatch):
    db = Store(f"sqlite:///{tmp_path / 'a.db'}")
    reads = _counting(monkeypatch, db, "list_scenarios")
    clock = _clock(monkeypatch, 1000.0)
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
    clock = _clock(monkeypatch, 50.0)
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


def test_the_report_issuer_read_again_after_a_save_here_else_within_the_ttl_and_an_error_not_kept(tmp_path, monkeypatch):
    from giamngheo.report import issuer as issuer_mod
    db = Store(f"sqlite:///{tmp_path / 'i.db'}")
    reads = _counting(monkeypatch, db, "latest")
    clock = _clock(monkeypatch, 2000.0)
    file_default = issuer_mod.load_issuer()
    assert session.issuer_in_force(None) == file_default and reads == []          # no store: the file's
    assert session.issuer_in_force(db) == file_default and len(reads) == 1       # nothing saved: the file's
    assert session.issuer_in_force(db) == file_default and len(reads) == 1       # the next rerun: kept
    mine = issuer_mod.with_kind(file_default, next(k for k in issuer_mod.KINDS if k != file_default.kind))
    issuer_mod.save_issuer(db, mine, author="x")                                   # a save here: read at once
    assert session.issuer_in_force(db) == mine == issuer_mod.current_issuer(db) and len(reads) == 3
    # another replica's save (no write from this process): seen once the kept read is ISSUER_TTL old
    other = issuer_mod.with_kind(file_default, file_default.kind)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM data_versions WHERE dataset = ?", (issuer_mod.STORE_DATASET,))
    clock[0] += session.ISSUER_TTL / 2
    assert session.issuer_in_force(db) == mine and len(reads) == 3
    clock[0] += session.ISSUER_TTL
    assert session.issuer_in_force(db) == other and len(reads) == 4
    # a store that cannot be read: the file's settings, and asked again at the next run (the error not kept)
    clock[0] += session.ISSUER_TTL
    db._broken = True
    assert session.issuer_in_force(db) == file_default and len(reads) == 5
    assert session.issuer_in_force(db) == file_default and len(reads) == 6


def test_the_data_versions_listed_again_after_a_save_here_else_within_the_ttl(tmp_path, monkeypatch):
    db = Store(f"sqlite:///{tmp_path / 'l.db'}")
    reads = _counting(monkeypatch, db, "list_data_versions")
    clock = _clock(monkeypatch, 3000.0)
    assert session.data_versions(db) == [] and session.data_versions(db) == [] and len(reads) == 1   # kept
    text = (Path(__file__).resolve().parents[2] / "data" / "observations.csv").read_text(encoding="utf-8-sig")
    v1 = db.save_data_version(text, author="An")                          # a save here: listed at once
    assert [v.id for v in session.data_versions(db)] == [v1.id] == [v.id for v in db.list_data_versions()]
    n = len(reads)
    with db.engine.begin() as conn:                                       # another replica's version
        conn.exec_driver_sql("UPDATE data_versions SET id = id + 100")
    clock[0] += session.LATEST_TTL / 2
    assert [v.id for v in session.data_versions(db)] == [v1.id] and len(reads) == n
    clock[0] += session.LATEST_TTL
    assert [v.id for v in session.data_versions(db)] == [v1.id + 100] and len(reads) == n + 1
    got = session.data_versions(db)
    got.clear()                                                           # a caller's list is its own
    assert len(session.data_versions(db)) == 1

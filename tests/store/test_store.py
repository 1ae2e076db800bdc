"""The store (giamngheo/store.py): saved scenarios and data versions, on SQLite and, when
GIAMNGHEO_TEST_PG_URL is set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test), on PostgreSQL:
every test that takes ``url`` runs on both.

Round trip; names unique per plan and never overwritten silently; 20 threads saving at once lose
nothing; a process killed in the middle of writing leaves a readable store; names with quotes,
HTML, a leading "=" or SQL are stored exactly; migrations are ordered and idempotent.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from giamngheo.store import (
    SCHEMA_VERSION,
    BadInput,
    NameTaken,
    Store,
    content_hash,
    data_drift,
    name_key,
    resolve_url,
    summarize_change,
)
from giamngheo.store import migrations as store_mod

ROOT = Path(__file__).resolve().parents[2]
PG_ENV = "GIAMNGHEO_TEST_PG_URL"
AWKWARD = [
    'Kịch bản "Tăng tốc" của phòng LĐ-TB&XH',
    "<script>alert('x')</script><b>đậm</b>",
    '=HYPERLINK("http://example.invalid","bấm")',
    "+1-2 @SUM(A1)",
    "'; DROP TABLE scenarios; --",
    "**đậm** _nghiêng_ [liên kết](http://example.invalid) :red[đỏ] $x$",
    "Trà Cú – 2030 ✓ ☆",
]


def _pg_admin(url: str):
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path, monkeypatch):
    monkeypatch.delenv("GIAMNGHEO_DB_URL", raising=False)
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} not set: no PostgreSQL to test on")
    schema = "gn_test_" + uuid.uuid4().hex[:10]
    admin = _pg_admin(base)
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    u = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    yield u.render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def db(url):
    s = Store(url)
    yield s
    s.dispose()


# ------------------------------------------------------------------------------------------ scenarios

def test_round_trip_keeps_every_field(db):
    vals = {"poor_fall": 1.5, "jobs": 3600, "overseas": 420.0}
    saved = db.save_scenario("plan-a", "Tích cực 2026", vals, author="Nguyễn Văn A", note="dòng 1\ndòng 2",
                             data_version=None, data_hash="sha256:abc")
    got = db.get_scenario(saved.id)
    assert got == saved
    assert got.values == {"poor_fall": 1.5, "jobs": 3600.0, "overseas": 420.0}
    assert (got.name, got.author, got.note, got.plan_id) == ("Tích cực 2026", "Nguyễn Văn A", "dòng 1\ndòng 2", "plan-a")
    assert got.data_hash == "sha256:abc" and got.data_version is None
    assert got.created_at == got.updated_at and got.created_at.endswith("Z")
    assert [s.id for s in db.list_scenarios("plan-a")] == [saved.id]
    assert db.list_scenarios("plan-b") == []
    assert db.find_scenario("plan-a", "  tích CỰC   2026 ") == saved
    # the export is the CLI's --scenario format
    assert json.loads(saved.to_json()) == {"name": "Tích cực 2026", "values": {"jobs": 3600, "overseas": 420,
                                                                               "poor_fall": 1.5}}
    assert db.get_scenario("nope") is None and db.get_scenario("") is None


def test_export_is_read_by_the_cli(db, tmp_path):
    from giamngheo.cli import main
    saved = db.save_scenario("tra-cu-05-nq-tu", "CLI", {"poor_fall": 45.5, "jobs": 4000})
    f = tmp_path / "s.json"
    f.write_text(saved.to_json(), encoding="utf-8")
    assert main(["assess", "--scenario", str(f), "--format", "json"]) == 0


def test_names_are_unique_per_plan_and_never_overwritten_silently(db):
    first = db.save_scenario("p1", "Kịch bản A", {"poor_fall": 1.2}, author="An")
    for same in ("Kịch bản A", "kịch bản a", "  Kịch   bản A "):
        with pytest.raises(NameTaken) as exc:
            db.save_scenario("p1", same, {"poor_fall": 2.0})
        assert exc.value.existing.id == first.id
        assert exc.value.suggestion.endswith("(2)")
    assert db.get_scenario(first.id).values == {"poor_fall": 1.2}        # untouched
    other = db.save_scenario("p2", "Kịch bản A", {"jobs": 1})               # another plan: allowed
    assert other.id != first.id
    # explicit overwrite keeps the id (short links) and the creation time
    time.sleep(0.002)
    over = db.save_scenario("p1", "kịch bản a", {"poor_fall": 2.0}, author="Bình", overwrite=True)
    assert over.id == first.id and over.created_at == first.created_at and over.updated_at > first.updated_at
    assert over.values == {"poor_fall": 2.0} and over.name == "kịch bản a" and over.author == "Bình"
    # save as new: the free name
    assert db.free_name("p1", "Kịch bản A") == "Kịch bản A (2)"
    db.save_scenario("p1", "Kịch bản A (2)", {})
    assert db.free_name("p1", "Kịch bản A") == "Kịch bản A (3)"
    assert db.free_name("p1", "Kịch bản A (2)") == "Kịch bản A (3)"
    assert db.free_name("p1", "Mới") == "Mới"
    assert len(db.list_scenarios("p1")) == 2


def test_name_key_treats_composed_and_decomposed_vietnamese_alike():
    import unicodedata
    s = "Giảm nghèo Trà Cú"
    assert name_key(unicodedata.normalize("NFD", s)) == name_key(s.upper())


def test_duplicate_and_delete(db):
    src = db.save_scenario("p", "Gốc", {"jobs": 3500}, author="An", note="n")
    c1 = db.duplicate_scenario(src.id, "Bản sao của Gốc")
    c2 = db.duplicate_scenario(src.id, "Bản sao của Gốc")
    assert (c1.name, c2.name) == ("Bản sao của Gốc", "Bản sao của Gốc (2)")
    assert c1.values == src.values and c1.id not in (src.id, c2.id)
    assert db.duplicate_scenario(src.id).name == "Gốc (2)"
    assert db.delete_scenario(c1.id) is True
    assert db.get_scenario(c1.id) is None
    assert db.delete_scenario(c1.id) is False
    assert {s.name for s in db.list_scenarios("p")} == {"Gốc", "Bản sao của Gốc (2)", "Gốc (2)"}


@pytest.mark.parametrize("name", AWKWARD)
def test_awkward_names_are_stored_exactly_as_text(db, name):
    saved = db.save_scenario("p", name, {"jobs": 1}, author=name, note=name)
    got = db.get_scenario(saved.id)
    assert (got.name, got.author, got.note) == (name, name, name)
    assert json.loads(got.to_json())["name"] == name
    assert [s.name for s in db.list_scenarios("p")] == [name]


def test_bad_input_is_refused_with_the_field_named(db):
    for name, reason in (("", "empty"), ("   ", "empty"), ("x" * 81, "too_long"), ("a\x00b", "control_chars"),
                         ("abc\u202etxt.exe", "bidi_controls"), ("x\u2066y", "bidi_controls"),
                         (None, "not_text")):
        with pytest.raises(BadInput) as exc:
            db.save_scenario("p", name, {})
        assert (exc.value.field, exc.value.reason) == ("name", reason)
    for bad in (float("nan"), float("inf"), "abc", True, None):
        with pytest.raises(BadInput) as exc:
            db.save_scenario("p", "ok", {"jobs": bad})
        assert exc.value.field == "values"
    with pytest.raises(BadInput):
        db.save_scenario("p", "ok", {}, note="x" * 2001)
    assert db.list_scenarios("p") == []


# ------------------------------------------------------------------------------------------ concurrency

def _run_threads(n, fn):
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def work(i):
        barrier.wait()
        try:
            results[i] = ("ok", fn(i))
        except Exception as exc:  # noqa: BLE001 - collected and checked below
            results[i] = ("err", exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_twenty_threads_saving_at_once_lose_nothing(db):
    res = _run_threads(20, lambda i: db.save_scenario("p", f"Luồng {i:02d}", {"jobs": 100 * i, "poor_fall": i / 10}))
    assert [r[0] for r in res] == ["ok"] * 20, [r[1] for r in res if r[0] != "ok"]
    saved = {s.name: s for s in db.list_scenarios("p")}
    assert len(saved) == 20
    for i in range(20):
        assert saved[f"Luồng {i:02d}"].values == {"jobs": 100.0 * i, "poor_fall": i / 10}
    assert len({s.id for s in saved.values()}) == 20


def test_twenty_threads_racing_for_one_name_exactly_one_wins(db):
    res = _run_threads(20, lambda i: db.save_scenario("p", "Cùng tên", {"jobs": i}))
    ok = [r[1] for r in res if r[0] == "ok"]
    errs = [r[1] for r in res if r[0] == "err"]
    assert len(ok) == 1
    assert len(errs) == 19 and all(isinstance(e, NameTaken) for e in errs)
    assert all(e.existing.id == ok[0].id for e in errs)
    assert [s.values for s in db.list_scenarios("p")] == [ok[0].values]


def test_twenty_threads_adding_data_versions_make_one_chain(db):
    res = _run_threads(20, lambda i: db.save_data_version(f"indicator,group,year,value\njobs,all,2025,{i}\n",
                                                          author=f"t{i}"))
    assert [r[0] for r in res] == ["ok"] * 20, [r[1] for r in res if r[0] != "ok"]
    versions = db.list_data_versions()
    assert len(versions) == 20
    ids = sorted(v.id for v in versions)
    parents = {v.id: v.parent_id for v in versions}
    # each version's parent is the one saved just before it: a single chain, nothing lost
    assert parents[ids[0]] is None
    assert [parents[i] for i in ids[1:]] == ids[:-1]
    assert sorted(int(db.get_data_version(i).csv_text.strip().rsplit(",", 1)[1]) for i in ids) == list(range(20))


# ------------------------------------------------------------------------------------------ a killed writer

WRITER = """
import sys
from giamngheo.store import Store
url, big = sys.argv[1], int(sys.argv[2])
s = Store(url)
payload = "indicator,group,year,value\\n" + "".join(f"x{i},all,2020,{i}\\n" for i in range(big))
i = 0
while True:                     # scenarios and large data versions, for ever; a line after each commit
    s.save_scenario("p", f"c{i}", {"jobs": i})
    s.save_data_version(payload + f"last,all,2020,{i}\\n", author="child")
    i += 1
    print(i, flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_process_killed_mid_write_leaves_a_readable_store(url):
    """A separate Python process writes in a loop and is killed with SIGKILL in the middle of it.

    (A subprocess rather than multiprocessing: a spawned child would re-run whatever script the
    test process last ran as __main__, and AppTests run page scripts.)"""
    Store(url).dispose()                      # schema first, so the child only writes rows
    proc = subprocess.Popen([sys.executable, "-c", WRITER, url, "40000"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        seen = [proc.stdout.readline() for _ in range(3)]       # three whole iterations committed
        assert all(line.strip() for line in seen), proc.stderr.read()
        time.sleep(0.037)                      # then somewhere inside a write
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    committed = max(int(x) for x in seen + proc.stdout.read().split() if str(x).strip())
    proc.stdout.close()
    proc.stderr.close()
    s = Store(url)
    assert s.schema_version() == SCHEMA_VERSION
    names = {sc.name for sc in s.list_scenarios("p")}
    assert {f"c{i}" for i in range(committed)} <= names
    versions = s.list_data_versions()
    assert len(versions) >= committed
    for v in versions:                         # every version whole: its text matches its hash
        full = s.get_data_version(v.id)
        assert content_hash(full.csv_text) == v.content_hash
        assert full.csv_text.count("\n") == 40_002
    if url.startswith("sqlite"):
        with sqlite3.connect(url[len("sqlite:///"):]) as c:
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    after = s.save_scenario("p", "after the crash", {"jobs": 1})
    assert s.get_scenario(after.id).values == {"jobs": 1.0}
    s.dispose()


# ------------------------------------------------------------------------------------------ schema

def test_migrations_are_ordered_and_idempotent(url, monkeypatch):
    first_only = store_mod.MIGRATIONS[:1]
    monkeypatch.setattr(store_mod, "MIGRATIONS", first_only)
    old = Store(url)
    assert old.schema_version() == 1
    kept = old.save_scenario("p", "made on schema 1", {"jobs": 5})
    old.dispose()
    monkeypatch.undo()
    s = Store(url)
    assert s.schema_version() == SCHEMA_VERSION == len(store_mod.MIGRATIONS)
    for _ in range(3):
        assert s.migrate() == SCHEMA_VERSION
    Store(url).dispose()
    applied = s.migrations_applied()
    assert [v for v, _ in applied] == [v for v, _, _ in store_mod.MIGRATIONS]     # each once, in order
    assert s.get_scenario(kept.id).values == {"jobs": 5.0}
    indexes = {ix["name"] for ix in sa.inspect(s.engine).get_indexes("scenarios")}
    assert "ix_scenarios_plan_updated" in indexes
    s.dispose()


def test_sqlite_default_location_wal_and_busy_timeout(tmp_path, monkeypatch):
    monkeypatch.delenv("GIAMNGHEO_DB_URL", raising=False)
    monkeypatch.setenv("GIAMNGHEO_DATA_DIR", str(tmp_path / "data dir"))
    s = Store()
    assert s.path == (tmp_path / "data dir" / "giamngheo.db").resolve()
    assert s.path.exists()
    with s.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    s.dispose()


def test_url_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("GIAMNGHEO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GIAMNGHEO_DB_URL", raising=False)
    assert resolve_url() == f"sqlite:///{(tmp_path / 'giamngheo.db').resolve()}"
    assert resolve_url(secret_url="postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("GIAMNGHEO_DB_URL", "sqlite:////env.db")
    assert resolve_url(secret_url="postgresql+psycopg://u@h/db") == "sqlite:////env.db"
    assert resolve_url("sqlite:////given.db", secret_url="x") == "sqlite:////given.db"


def test_an_unreachable_server_is_a_clear_error():
    from giamngheo.store import StoreUnavailable
    with pytest.raises(StoreUnavailable):
        Store("sqlite:////proc/no/such/dir/x.db")
    with pytest.raises(StoreUnavailable):
        Store("not a url")


# ------------------------------------------------------------------------------------------ data versions

V1 = "indicator,group,year,value\npoor_rate,all,2023,2.33\npoor_rate,all,2024,1.8\njobs_created,all,2024,3350\n"
# 2024 poor rate corrected, jobs 2024 removed, 2025 added
V2 = "\ufeffindicator,group,year,value\r\npoor_rate,all,2023,2.33\r\npoor_rate,all,2024,1.85\r\npoor_rate,all,2025,1.19\r\n"


def test_data_versions_round_trip_summary_latest_and_revert(db):
    assert db.latest() is None and db.list_data_versions() == []
    v1 = db.save_data_version(V1, author="An", note="rà soát 2024")
    v2 = db.save_data_version(V2, author="Bình", note="sửa 2024")
    assert (v1.parent_id, v2.parent_id) == (None, v1.id)
    assert v1.n_rows == 3 and v2.n_rows == 3
    assert v1.summary["first"] is True and v1.summary["added"] == 3
    assert {k: v2.summary[k] for k in ("added", "removed", "changed")} == {"added": 1, "removed": 1, "changed": 1}
    ex = {e["key"]: e for e in v2.summary["examples"]}
    assert ex["poor_rate/all/2024"] == {"key": "poor_rate/all/2024", "change": "changed", "old": "1.8", "new": "1.85"}
    assert ex["jobs_created/all/2024"]["change"] == "removed"
    assert db.latest().id == v2.id and db.latest().csv_text == V2
    listed = db.list_data_versions()
    assert [v.id for v in listed] == [v2.id, v1.id] and all(v.csv_text is None for v in listed)
    assert db.get_data_version(v1.id).csv_text == V1 and db.get_data_version(999) is None
    v3 = db.revert_data_version(v1.id, author="An")
    assert v3.csv_text == V1 and v3.parent_id == v2.id and v3.content_hash == v1.content_hash
    assert db.get_data_version(v1.id).csv_text == V1                # nothing overwritten
    assert db.find_data_version(v1.content_hash).id == v3.id        # the newest with that content
    assert db.data_ref(V1) == (v3.id, v1.content_hash)
    assert db.data_ref("a,b\n1,2\n") == (None, content_hash("a,b\n1,2\n"))
    # an explicit parent and summary are kept
    v4 = db.save_data_version(V2, parent_id=v1.id, summary={"note": "given"}, author="x")
    assert v4.parent_id == v1.id and v4.summary == {"note": "given"}


def test_content_hash_ignores_bom_and_line_endings_only():
    text = "indicator,group,year,value\na,all,2020,1\n"
    assert content_hash(text) == "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    assert content_hash("\ufeff" + text.replace("\n", "\r\n")) == content_hash(text)
    assert content_hash(text.encode("utf-8-sig")) == content_hash(text)
    assert content_hash(text.replace("1\n", "2\n")) != content_hash(text)


def test_summary_of_the_first_version_counts_rows():
    s = summarize_change(None, V1)
    assert (s["rows"], s["added"], s["removed"], s["changed"]) == (3, 3, 0, 0)
    rows = list(csv.DictReader(io.StringIO(V1)))
    assert s["rows"] == len(rows)


def test_opening_against_other_data_says_how():
    from giamngheo.store import SavedScenario
    sc = SavedScenario("id", "p", "x", {}, "", "", 2, "sha256:old", "t", "t")
    assert data_drift(sc, 2, "sha256:old") is None
    assert data_drift(sc, 5, "sha256:new").kind == "newer"
    assert data_drift(sc, 1, "sha256:new").kind == "older"
    assert data_drift(sc, None, "sha256:new").kind == "different"
    unversioned = SavedScenario("id", "p", "x", {}, "", "", None, "sha256:old", "t", "t")
    assert data_drift(unversioned, None, "sha256:old") is None
    assert data_drift(unversioned, 3, "sha256:new").kind == "different"


# ------------------------------------------------------------------------------------------ N writer processes

MANY_WRITER = """
import sys
from giamngheo.store import Store
url, me, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = Store(url)
payload = "indicator,group,year,value\\n" + "".join(f"x{i},all,2020,{i}\\n" for i in range(2000))
for i in range(n):                 # a line after each commit: that write is acknowledged
    s.save_scenario("p", f"{me}-{i}", {"jobs": i})
    if i % 5 == 0:
        s.save_data_version(payload + f"{me},all,2020,{i}\\n", author=me)
    print(i, flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_many_writer_processes_one_killed_lose_no_acknowledged_write(url):
    """Six processes write at once; one is killed with SIGKILL while writing. Every write a process
    acknowledged (printed after its commit) is in the store, nothing else is, and the file is whole."""
    Store(url).dispose()
    n_proc, n_writes = 6, 40
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", MANY_WRITER, url, f"w{k}", str(n_writes if k else 10_000)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
             for k in range(n_proc)]
    victim = procs[0]
    acked: dict[str, list[int]] = {}
    try:
        first = [victim.stdout.readline() for _ in range(8)]        # the victim is well into its loop
        assert all(line.strip() for line in first), victim.stderr.read()
        time.sleep(0.013)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(10)
        acked["w0"] = [int(x) for x in first + victim.stdout.read().split() if str(x).strip()]
        for k, p in enumerate(procs[1:], start=1):
            out, err = p.communicate(timeout=240)
            assert p.returncode == 0, err
            acked[f"w{k}"] = [int(x) for x in out.split()]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            for f in (p.stdout, p.stderr):
                if f and not f.closed:
                    f.close()
    assert victim.returncode == -signal.SIGKILL
    s = Store(url)
    names = {sc.name for sc in s.list_scenarios("p")}
    for k in range(1, n_proc):                                       # the survivors: all of it
        assert acked[f"w{k}"] == list(range(n_writes))
        assert {f"w{k}-{i}" for i in range(n_writes)} <= names
    last = max(acked["w0"])
    assert {f"w0-{i}" for i in range(last + 1)} <= names            # the victim: every acknowledged write
    extra = {n for n in names if n.startswith("w0-")} - {f"w0-{i}" for i in range(last + 1)}
    assert extra <= {f"w0-{last + 1}"}                               # at most the one it was writing
    assert len(names) == (n_proc - 1) * n_writes + last + 1 + len(extra)
    for v in s.list_data_versions():                                 # every version whole
        full = s.get_data_version(v.id)
        assert content_hash(full.csv_text) == v.content_hash and full.csv_text.count("\n") == 2002
    if url.startswith("sqlite"):
        with sqlite3.connect(url[len("sqlite:///"):]) as c:
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    s.dispose()


# ------------------------------------------------------------------------------------------ schema as shipped

def test_live_tables_match_the_migrated_schema(url):
    """The tables the code queries (schema.py) are the ones the frozen migrations build."""
    from giamngheo.store import schema
    s = Store(url)
    insp = sa.inspect(s.engine)
    for table in (schema.scenarios, schema.data_versions, schema.login_failures, schema.adoptions):
        got = {c["name"]: c["nullable"] for c in insp.get_columns(table.name)}
        assert got == {c.name: c.nullable for c in table.columns}, table.name
    s.dispose()


def test_migration_one_is_frozen_not_built_from_the_live_tables(tmp_path, monkeypatch):
    """Adding a column to a live table must not change what migration 1 builds."""
    from giamngheo.store import schema
    monkeypatch.setattr(store_mod, "MIGRATIONS", store_mod.MIGRATIONS[:1])
    extra = sa.Column("added_later", sa.Text)
    schema.scenarios.append_column(extra)
    try:
        s = Store(f"sqlite:///{tmp_path / 'm1.db'}")
        cols = [c["name"] for c in sa.inspect(s.engine).get_columns("scenarios")]
        s.dispose()
    finally:
        schema.scenarios._columns.remove(extra)
    assert cols == ["id", "plan_id", "name", "name_key", "values_json", "author", "note", "data_version",
                    "data_hash", "created_at", "updated_at"]
    assert "added_later" not in [c.name for c in schema.scenarios.columns]


# ------------------------------------------------------------------------------------------ sign-in lockout

def _wrong():
    return False


def _right():
    return True


def test_lockout_per_client_with_backoff(db):
    from giamngheo.store import lockout as lk
    t0 = 1_000_000.0
    for i in range(lk.CLIENT_FREE):                 # five wrong attempts are judged and counted
        assert db.attempt_login("1.2.3.4", _wrong, now=t0 + i) == (False, 0.0)
    ok, wait = db.attempt_login("1.2.3.4", _right, now=t0 + 5)
    assert not ok and wait == pytest.approx(60 - 1)                           # 60 s after the 5th, at t0+4
    assert db.login_failure_count("1.2.3.4") == 5                             # a refused attempt is not counted
    assert db.attempt_login("5.6.7.8", _wrong, now=t0 + 5) == (False, 0.0)    # another address is not locked
    assert db.attempt_login("1.2.3.4", _wrong, now=t0 + 4 + 60) == (False, 0.0)  # the wait is over: a 6th try ...
    assert db.login_wait("1.2.3.4", now=t0 + 64) == pytest.approx(120)        # ... then twice as long
    assert db.login_wait("1.2.3.4", now=t0 + 64 + 121) == 0
    assert db.attempt_login("1.2.3.4", _right, now=t0 + 64 + 121) == (True, 0.0)  # a right password clears it
    assert db.login_failure_count("1.2.3.4") == 0 and db.login_failure_count("5.6.7.8") == 1
    assert lk.client_wait(5 + 20) == lk.CLIENT_MAX_WAIT                     # capped


def test_a_right_password_is_never_counted(db):
    """The comparison runs inside the transaction: right attempts leave nothing behind, so any
    number of them in a row (or at once) all succeed."""
    t0 = 3_000_000.0
    for i in range(20):
        assert db.attempt_login("local", _right, now=t0 + i * 0.001) == (True, 0.0)
    assert db.login_failure_count() == 0


def test_the_server_slows_down_but_never_locks(db):
    from giamngheo.store import lockout as lk
    t0 = 2_000_000.0
    for i in range(lk.SERVER_FREE):                 # 30 addresses, one guess each: none alone is locked
        assert db.login_delay(now=t0 + i) == 0
        assert db.attempt_login(f"10.0.0.{i}", _wrong, now=t0 + i) == (False, 0.0)
    last = t0 + lk.SERVER_FREE - 1
    assert db.login_delay(now=last + 1) == lk.SERVER_BASE_DELAY                # a slowdown for everyone ...
    assert db.login_wait("192.168.1.1", now=last + 1) == 0                    # ... but no lock:
    assert db.attempt_login("192.168.1.1", _right, now=last + 1) == (True, 0.0)   # the right password signs in
    for i in range(lk.SERVER_STEP):
        db.attempt_login(f"10.0.1.{i}", _wrong, now=last + 2 + i)
    assert db.login_delay(now=last + 20) == 2 * lk.SERVER_BASE_DELAY           # doubling for each 10 more
    assert lk.server_delay(10_000) == lk.SERVER_MAX_DELAY
    # after the window the server's count is forgotten
    assert db.login_delay(now=last + 20 + lk.SERVER_WINDOW) == 0

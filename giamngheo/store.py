"""Saved scenarios and data versions, in one database (SQLAlchemy Core; no Streamlit here).

Where it lives, first match wins:
  1. the ``url`` given to :class:`Store` in code (tests);
  2. the environment variable ``GIAMNGHEO_DB_URL`` (a deployment, CI);
  3. ``secret_url``: the app passes ``[store] url`` from Streamlit secrets;
  4. SQLite: ``$GIAMNGHEO_DATA_DIR/giamngheo.db`` (default ``./var/giamngheo.db``), created on first use.

A server database is any SQLAlchemy URL, e.g. ``postgresql+psycopg://user:pass@host/db``.

SQLite runs in WAL mode with a busy timeout; every write takes the write lock at its start
(``BEGIN IMMEDIATE``), so concurrent writers queue instead of failing, and a process killed in the
middle of a write leaves the last committed state. The schema is versioned: ``schema_version``
records each migration applied, in order; running them again does nothing.

Rules kept here, not in the pages:
- a scenario's name is unique within its plan (compared without case and surrounding or repeated
  spaces); saving under a taken name raises :class:`NameTaken` unless ``overwrite=True``;
  :meth:`Store.free_name` gives the "save as new" name;
- a saved scenario records the plan and the data version it was made on: the store's data
  version id when the data came from the store, and always the content hash of the observations CSV;
- data versions are never changed or deleted: an upload, an edit or a revert adds a version.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import secrets
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping

from sqlalchemy import (Column, ForeignKey, Integer, MetaData, String, Table, Text, UniqueConstraint,
                        create_engine, event, func, insert, select, text, update, delete)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.pool import StaticPool

ENV_URL = "GIAMNGHEO_DB_URL"
ENV_DIR = "GIAMNGHEO_DATA_DIR"
DB_FILE = "giamngheo.db"
DATASET = "observations"
MAX_NAME = 120
MAX_AUTHOR = 80
MAX_NOTE = 2000
BUSY_TIMEOUT_MS = 30_000
_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"    # no 0/o, 1/l/i: easy to read aloud from a link
_LATEST: Any = object()

# ------------------------------------------------------------------------------------------ errors


class StoreError(Exception):
    """Any problem of the store; ``code`` is a message key suffix for the pages."""

    code = "store_error"


class StoreUnavailable(StoreError):
    code = "unavailable"


class BadInput(StoreError, ValueError):
    """A name, author, note or value the store does not accept (``field`` names it)."""

    code = "bad_input"

    def __init__(self, field: str, reason: str, value: Any = None):
        self.field, self.reason, self.value = field, reason, value
        super().__init__(f"{field}: {reason}")


class NameTaken(StoreError):
    """The plan already has a scenario of that name (``existing``); ``suggestion`` is free."""

    code = "name_taken"

    def __init__(self, name: str, existing: "SavedScenario", suggestion: str):
        self.name, self.existing, self.suggestion = name, existing, suggestion
        super().__init__(f"a scenario named {name!r} already exists (id {existing.id}); free: {suggestion!r}")


class NotFound(StoreError, KeyError):
    code = "not_found"


# ------------------------------------------------------------------------------------------ schema

metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("applied_at", String(32), nullable=False),
)

scenarios = Table(
    "scenarios", metadata,
    Column("id", String(16), primary_key=True),
    Column("plan_id", String(200), nullable=False),
    Column("name", String(400), nullable=False),
    Column("name_key", String(400), nullable=False),
    Column("values_json", Text, nullable=False),
    Column("author", String(200), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("data_version", Integer, nullable=True),
    Column("data_hash", String(80), nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    UniqueConstraint("plan_id", "name_key", name="uq_scenarios_plan_name"),
)

data_versions = Table(
    "data_versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset", String(50), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("author", String(200), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("parent_id", Integer, ForeignKey("data_versions.id"), nullable=True),
    Column("content_hash", String(80), nullable=False),
    Column("n_rows", Integer, nullable=False, default=0),
    Column("summary_json", Text, nullable=False, default="{}"),
    Column("csv_text", Text, nullable=False),
)


def _m1_tables(conn: Connection) -> None:
    metadata.create_all(conn, tables=[scenarios, data_versions], checkfirst=True)


def _m2_indexes(conn: Connection) -> None:
    # plain DDL (both databases know IF NOT EXISTS): Index objects would attach to the shared tables
    for name, table, cols in (("ix_scenarios_plan_updated", "scenarios", "plan_id, updated_at"),
                              ("ix_data_versions_dataset", "data_versions", "dataset, id"),
                              ("ix_data_versions_hash", "data_versions", "content_hash")):
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({cols})"))


# (version, what it does, how): applied in order, each once; never edit one that has shipped
MIGRATIONS: tuple[tuple[int, str, Any], ...] = (
    (1, "scenarios and data_versions tables", _m1_tables),
    (2, "indexes for listing and hash look-up", _m2_indexes),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]

# ------------------------------------------------------------------------------------------ values


@dataclass(frozen=True)
class SavedScenario:
    id: str
    plan_id: str
    name: str
    values: dict[str, float]
    author: str
    note: str
    data_version: int | None
    data_hash: str
    created_at: str
    updated_at: str

    def to_json(self) -> str:
        """The CLI's ``--scenario`` format: ``{"name": ..., "values": {id: number}}``."""
        return json.dumps({"name": self.name, "values": {k: _plain(v) for k, v in sorted(self.values.items())}},
                          ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class DataVersion:
    id: int
    dataset: str
    created_at: str
    author: str
    note: str
    parent_id: int | None
    content_hash: str
    n_rows: int
    summary: dict[str, Any] = field(default_factory=dict)
    csv_text: str | None = None          # None in lists (load one version for its text)


def _plain(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


def now_iso() -> str:
    """UTC, ISO 8601 with microseconds: sorts as text on every database."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


VN_TZ = timezone(timedelta(hours=7))     # Việt Nam has no daylight saving


def fmt_time(iso: str, lang: str = "vi") -> str:
    """A stored time in Việt Nam time: ``28/11/2025 16:05`` (vi) or ``2025-11-28 16:05`` (en)."""
    try:
        dt = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).astimezone(VN_TZ)
    except (TypeError, ValueError):
        return str(iso or "")
    return dt.strftime("%d/%m/%Y %H:%M" if lang == "vi" else "%Y-%m-%d %H:%M")


def name_key(name: str) -> str:
    """What makes two names the same: Unicode NFC, case folded, spaces collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip().casefold()


def clean_name(name: Any) -> str:
    if not isinstance(name, str):
        raise BadInput("name", "not_text", name)
    s = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip()
    if not s:
        raise BadInput("name", "empty", name)
    if len(s) > MAX_NAME:
        raise BadInput("name", "too_long", name)
    if any(unicodedata.category(ch) == "Cc" for ch in s):
        raise BadInput("name", "control_chars", name)
    return s


def _clean_text(value: Any, field_name: str, limit: int) -> str:
    s = "" if value is None else str(value)
    s = unicodedata.normalize("NFC", s).strip()
    if len(s) > limit:
        raise BadInput(field_name, "too_long", value)
    return s


def _clean_values(values: Mapping[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for k, v in dict(values).items():
        if not isinstance(k, str) or not k:
            raise BadInput("values", "bad_id", k)
        if isinstance(v, bool):
            raise BadInput("values", "not_number", v)
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise BadInput("values", "not_number", v) from None
        if not math.isfinite(f):
            raise BadInput("values", "not_number", v)
        out[k] = f
    return out


def content_hash(text: str | bytes) -> str:
    """``sha256:<hex>`` of a CSV's content, the same whatever its byte-order mark or line endings."""
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    t = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not t.endswith("\n"):
        t += "\n"
    return "sha256:" + hashlib.sha256(t.encode("utf-8")).hexdigest()


def short_hash(h: str) -> str:
    return h.split(":", 1)[-1][:12]


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def _row_key(r: Mapping[str, str]) -> str:
    if all(k in r for k in ("indicator", "group", "year")):
        return f"{(r['indicator'] or '').strip()}/{(r['group'] or '').strip()}/{(r['year'] or '').strip()}"
    return json.dumps(sorted((k or "", v or "") for k, v in r.items()), ensure_ascii=False)


def summarize_change(old_text: str | None, new_text: str, examples: int = 20) -> dict[str, Any]:
    """What changed between two CSV versions, row by row (key: indicator/group/year)."""
    new = {_row_key(r): r for r in _csv_rows(new_text)}
    if old_text is None:
        return {"rows": len(new), "added": len(new), "removed": 0, "changed": 0, "first": True, "examples": []}
    old = {_row_key(r): r for r in _csv_rows(old_text)}
    added = [k for k in new if k not in old]
    removed = [k for k in old if k not in new]
    changed = [k for k in new if k in old and {a: (b or "").strip() for a, b in new[k].items()}
               != {a: (b or "").strip() for a, b in old[k].items()}]
    ex: list[dict[str, Any]] = []
    for kind, keys in (("changed", changed), ("added", added), ("removed", removed)):
        for k in keys:
            if len(ex) >= examples:
                break
            item: dict[str, Any] = {"key": k, "change": kind}
            if kind != "added":
                item["old"] = (old[k].get("value") or "").strip()
            if kind != "removed":
                item["new"] = (new[k].get("value") or "").strip()
            ex.append(item)
    return {"rows": len(new), "added": len(added), "removed": len(removed), "changed": len(changed),
            "first": False, "examples": ex}


def new_id(n: int = 8) -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(n))


# ------------------------------------------------------------------------------------------ where


def data_dir() -> Path:
    return Path(os.environ.get(ENV_DIR) or "var")


def resolve_url(url: str | None = None, secret_url: str | None = None) -> str:
    """The database URL in force: ``url`` (given in code), else ``GIAMNGHEO_DB_URL``, else
    ``secret_url`` (Streamlit secrets ``[store] url``), else SQLite under the data directory."""
    for cand in (url, os.environ.get(ENV_URL), secret_url):
        if cand and str(cand).strip():
            return str(cand).strip()
    return f"sqlite:///{(data_dir() / DB_FILE).resolve()}"


def describe_url(url: str) -> str:
    """The URL without its password, for display."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for display
        return "?"


# ------------------------------------------------------------------------------------------ the store


class Store:
    """Saved scenarios and data versions in one database."""

    def __init__(self, url: str | None = None, *, secret_url: str | None = None, migrate: bool = True):
        self.url = resolve_url(url, secret_url)
        try:
            u = make_url(self.url)
        except Exception as exc:  # noqa: BLE001
            raise StoreUnavailable(f"not a database URL: {describe_url(self.url)}") from exc
        self.dialect = u.get_backend_name()
        self.path: Path | None = None
        try:
            self.engine = self._make_engine(u)
        except Exception as exc:  # noqa: BLE001 - a missing driver, a bad option
            raise StoreUnavailable(f"{describe_url(self.url)}: {exc.__class__.__name__}: {exc}") from exc
        if migrate:
            self.migrate()

    # -- engine

    def _make_engine(self, u) -> Engine:
        if self.dialect != "sqlite":
            return create_engine(u, pool_pre_ping=True, future=True)
        db = u.database
        if db in (None, "", ":memory:"):
            eng = create_engine(u, poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            self.path = Path(db)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            eng = create_engine(u, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
                                pool_size=5, max_overflow=20, pool_timeout=60)

        @event.listens_for(eng, "connect")
        def _on_connect(dbapi_conn, _record):  # noqa: ANN001
            dbapi_conn.isolation_level = None          # we issue BEGIN ourselves (see _on_begin)
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.close()

        @event.listens_for(eng, "begin")
        def _on_begin(conn):  # noqa: ANN001
            # a write takes the lock up front: no deadlock between two readers turning writers
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("gn_write") else "BEGIN")

        return eng

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def where(self) -> str:
        """For display: the SQLite file, or the server URL without its password."""
        return str(self.path) if self.path else describe_url(self.url)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self.engine.connect().execution_options(gn_write=True) as conn:
                with conn.begin():
                    if self.dialect == "postgresql":
                        conn.execute(text("SET LOCAL lock_timeout = '30s'"))
                    yield conn
        except (IntegrityError, StoreError):
            raise
        except OperationalError as exc:
            raise StoreUnavailable(str(exc).splitlines()[0]) from exc

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                with conn.begin():
                    yield conn
        except StoreError:
            raise
        except OperationalError as exc:
            raise StoreUnavailable(str(exc).splitlines()[0]) from exc

    # -- schema

    def migrate(self) -> int:
        """Apply the migrations not yet applied, in order; returns the schema version. Idempotent."""
        with self._write() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(20211008)"))   # one migrator at a time
            metadata.create_all(conn, tables=[schema_version], checkfirst=True)
            done = {r[0] for r in conn.execute(select(schema_version.c.version))}
            for version, name, fn in MIGRATIONS:
                if version in done:
                    continue
                fn(conn)
                conn.execute(insert(schema_version).values(version=version, name=name, applied_at=now_iso()))
        return self.schema_version()

    def schema_version(self) -> int:
        with self._read() as conn:
            v = conn.execute(select(func.max(schema_version.c.version))).scalar()
        return int(v or 0)

    def migrations_applied(self) -> list[tuple[int, str]]:
        with self._read() as conn:
            return [(int(r.version), r.name) for r in
                    conn.execute(select(schema_version).order_by(schema_version.c.version))]

    # -- scenarios

    @staticmethod
    def _scenario(r: Any) -> SavedScenario:
        return SavedScenario(id=r.id, plan_id=r.plan_id, name=r.name, values=json.loads(r.values_json),
                             author=r.author or "", note=r.note or "", data_version=r.data_version,
                             data_hash=r.data_hash or "", created_at=r.created_at, updated_at=r.updated_at)

    def _find(self, conn: Connection, plan_id: str, name: str) -> SavedScenario | None:
        r = conn.execute(select(scenarios).where(scenarios.c.plan_id == plan_id,
                                                 scenarios.c.name_key == name_key(name))).first()
        return self._scenario(r) if r else None

    def _free_name(self, conn: Connection, plan_id: str, name: str) -> str:
        taken = {r[0] for r in conn.execute(select(scenarios.c.name_key).where(scenarios.c.plan_id == plan_id))}
        if name_key(name) not in taken:
            return name
        m = re.fullmatch(r"(.*?)\s*\((\d{1,4})\)", name)
        stem, n = (m.group(1), int(m.group(2))) if m else (name, 1)
        for i in range(n + 1, n + 10_000):
            cand = f"{stem} ({i})"
            if len(cand) > MAX_NAME:
                stem = stem[: MAX_NAME - len(f" ({i})")].rstrip()
                cand = f"{stem} ({i})"
            if name_key(cand) not in taken:
                return cand
        return f"{stem[:MAX_NAME - 9]} ({new_id(5)})"

    def free_name(self, plan_id: str, name: str) -> str:
        """``name`` if no scenario of the plan has it, else ``name (2)``, ``name (3)``, … (save as new)."""
        name = clean_name(name)
        with self._read() as conn:
            return self._free_name(conn, plan_id, name)

    def save_scenario(self, plan_id: str, name: str, values: Mapping[str, Any], *, author: str = "",
                      note: str = "", data_version: int | None = None, data_hash: str = "",
                      overwrite: bool = False) -> SavedScenario:
        """Save a scenario; raises NameTaken when the plan has one of that name and not ``overwrite``.

        Overwriting keeps the scenario's id (so its short link still works) and creation time.
        """
        name = clean_name(name)
        author = _clean_text(author, "author", MAX_AUTHOR)
        note = _clean_text(note, "note", MAX_NOTE)
        vals = _clean_values(values)
        plan_id = _clean_text(plan_id, "plan_id", 200)
        if not plan_id:
            raise BadInput("plan_id", "empty")
        payload = dict(values_json=json.dumps(vals, sort_keys=True), author=author, note=note,
                       data_version=data_version, data_hash=data_hash or "")
        last_exc: Exception | None = None
        for _ in range(4):
            try:
                with self._write() as conn:
                    now = now_iso()
                    existing = self._find(conn, plan_id, name)
                    if existing is not None:
                        if not overwrite:
                            raise NameTaken(name, existing, self._free_name(conn, plan_id, name))
                        conn.execute(update(scenarios).where(scenarios.c.id == existing.id)
                                     .values(name=name, updated_at=now, **payload))
                        sid = existing.id
                    else:
                        sid = new_id()
                        conn.execute(insert(scenarios).values(id=sid, plan_id=plan_id, name=name,
                                                              name_key=name_key(name), created_at=now,
                                                              updated_at=now, **payload))
                    r = conn.execute(select(scenarios).where(scenarios.c.id == sid)).first()
                    return self._scenario(r)
            except IntegrityError as exc:     # another writer took the name (or, once in 10^12, the id)
                last_exc = exc
                continue
        raise StoreUnavailable(f"could not save after retries: {last_exc}")

    def get_scenario(self, sid: str) -> SavedScenario | None:
        if not isinstance(sid, str) or not sid or len(sid) > 16:
            return None
        with self._read() as conn:
            r = conn.execute(select(scenarios).where(scenarios.c.id == sid)).first()
        return self._scenario(r) if r else None

    def find_scenario(self, plan_id: str, name: str) -> SavedScenario | None:
        with self._read() as conn:
            return self._find(conn, plan_id, name)

    def list_scenarios(self, plan_id: str | None = None) -> list[SavedScenario]:
        """Newest change first."""
        q = select(scenarios).order_by(scenarios.c.updated_at.desc(), scenarios.c.name)
        if plan_id is not None:
            q = q.where(scenarios.c.plan_id == plan_id)
        with self._read() as conn:
            return [self._scenario(r) for r in conn.execute(q)]

    def duplicate_scenario(self, sid: str, name: str | None = None, *, author: str | None = None) -> SavedScenario:
        """A copy under ``name`` (made free with " (2)", … if taken), or under the source's name made free."""
        src = self.get_scenario(sid)
        if src is None:
            raise NotFound(sid)
        for _ in range(5):
            want = self.free_name(src.plan_id, name or src.name)
            try:
                return self.save_scenario(src.plan_id, want, src.values, author=src.author if author is None else author,
                                          note=src.note, data_version=src.data_version, data_hash=src.data_hash)
            except NameTaken:      # taken between the two steps: try the next free name
                continue
        raise StoreUnavailable("could not find a free name")

    def delete_scenario(self, sid: str) -> bool:
        with self._write() as conn:
            return conn.execute(delete(scenarios).where(scenarios.c.id == sid)).rowcount > 0

    # -- data versions

    @staticmethod
    def _version(r: Any, with_text: bool) -> DataVersion:
        return DataVersion(id=int(r.id), dataset=r.dataset, created_at=r.created_at, author=r.author or "",
                           note=r.note or "", parent_id=r.parent_id, content_hash=r.content_hash,
                           n_rows=int(r.n_rows or 0), summary=json.loads(r.summary_json or "{}"),
                           csv_text=r.csv_text if with_text else None)

    def save_data_version(self, csv_text: str, *, author: str = "", note: str = "", parent_id: Any = _LATEST,
                          summary: Mapping[str, Any] | None = None, dataset: str = DATASET) -> DataVersion:
        """Add a version of a dataset (the observations CSV by default). Nothing is ever overwritten.

        ``parent_id`` defaults to the latest version of the dataset at the moment of saving (None: no
        parent); ``summary`` (what changed) defaults to a row-by-row comparison with the parent.
        """
        if not isinstance(csv_text, str) or not csv_text.strip():
            raise BadInput("csv_text", "empty")
        author = _clean_text(author, "author", MAX_AUTHOR)
        note = _clean_text(note, "note", MAX_NOTE)
        n_rows = len(_csv_rows(csv_text))
        with self._write() as conn:
            if self.dialect == "postgresql":   # one writer per dataset: "the latest" is then well defined
                conn.execute(text("SELECT pg_advisory_xact_lock(20211009, :k)"),
                             {"k": int(hashlib.sha256(dataset.encode()).hexdigest()[:7], 16)})
            if parent_id is _LATEST:
                parent = conn.execute(select(data_versions.c.id, data_versions.c.csv_text)
                                      .where(data_versions.c.dataset == dataset)
                                      .order_by(data_versions.c.id.desc()).limit(1)).first()
            elif parent_id is None:
                parent = None
            else:
                parent = conn.execute(select(data_versions.c.id, data_versions.c.csv_text)
                                      .where(data_versions.c.id == int(parent_id))).first()
                if parent is None:
                    raise NotFound(f"data version {parent_id}")
            summ = dict(summary) if summary is not None else summarize_change(parent.csv_text if parent else None,
                                                                               csv_text)
            res = conn.execute(insert(data_versions).values(
                dataset=dataset, created_at=now_iso(), author=author, note=note,
                parent_id=parent.id if parent else None, content_hash=content_hash(csv_text), n_rows=n_rows,
                summary_json=json.dumps(summ, ensure_ascii=False, default=str), csv_text=csv_text))
            vid = int(res.inserted_primary_key[0])
            r = conn.execute(select(data_versions).where(data_versions.c.id == vid)).first()
            return self._version(r, True)

    def list_data_versions(self, dataset: str = DATASET) -> list[DataVersion]:
        """Newest first, without the CSV text."""
        cols = [c for c in data_versions.c if c.name != "csv_text"]
        with self._read() as conn:
            rows = conn.execute(select(*cols).where(data_versions.c.dataset == dataset)
                                .order_by(data_versions.c.id.desc())).all()
        return [self._version(r, False) for r in rows]

    def get_data_version(self, vid: int) -> DataVersion | None:
        try:
            vid = int(vid)
        except (TypeError, ValueError):
            return None
        with self._read() as conn:
            r = conn.execute(select(data_versions).where(data_versions.c.id == vid)).first()
        return self._version(r, True) if r else None

    def latest(self, dataset: str = DATASET) -> DataVersion | None:
        """The newest version of the dataset, with its CSV text; None when there is none yet."""
        with self._read() as conn:
            r = conn.execute(select(data_versions).where(data_versions.c.dataset == dataset)
                             .order_by(data_versions.c.id.desc()).limit(1)).first()
        return self._version(r, True) if r else None

    latest_data_version = latest

    def find_data_version(self, hash_: str, dataset: str = DATASET) -> DataVersion | None:
        """The newest version whose content has this hash (without its text)."""
        cols = [c for c in data_versions.c if c.name != "csv_text"]
        with self._read() as conn:
            r = conn.execute(select(*cols).where(data_versions.c.dataset == dataset,
                                                 data_versions.c.content_hash == hash_)
                             .order_by(data_versions.c.id.desc()).limit(1)).first()
        return self._version(r, False) if r else None

    def revert_data_version(self, vid: int, *, author: str = "", note: str = "") -> DataVersion:
        """A new version with the content of version ``vid`` (its parent: the latest)."""
        old = self.get_data_version(vid)
        if old is None:
            raise NotFound(f"data version {vid}")
        return self.save_data_version(old.csv_text or "", author=author, note=note or f"revert to {vid}",
                                      dataset=old.dataset)

    # -- data reference of a saved scenario

    def data_ref(self, csv_text: str | bytes, dataset: str = DATASET) -> tuple[int | None, str]:
        """(store version id or None, content hash) of the data a scenario is made on."""
        h = content_hash(csv_text)
        v = self.find_data_version(h, dataset)
        return (v.id if v else None), h


@dataclass(frozen=True)
class DataDrift:
    """How the data a scenario was saved on relate to the data in use now."""

    kind: str                       # "newer" | "older" | "different"
    saved_version: int | None
    saved_hash: str
    current_version: int | None
    current_hash: str


def data_drift(saved: SavedScenario, current_version: int | None, current_hash: str) -> DataDrift | None:
    """None when the scenario is opened on the data it was made on."""
    if saved.data_hash and saved.data_hash == current_hash:
        return None
    if saved.data_version is not None and current_version is not None and saved.data_version == current_version:
        return None
    if not saved.data_hash and saved.data_version is None:
        kind = "different"
    elif saved.data_version is not None and current_version is not None:
        kind = "newer" if current_version > saved.data_version else "older"
    else:
        kind = "different"
    return DataDrift(kind, saved.data_version, saved.data_hash, current_version, current_hash)


__all__ = ["Store", "StoreError", "StoreUnavailable", "BadInput", "NameTaken", "NotFound", "SavedScenario",
           "DataVersion", "DataDrift", "data_drift", "content_hash", "summarize_change", "resolve_url",
           "describe_url", "name_key", "clean_name", "fmt_time", "MIGRATIONS", "SCHEMA_VERSION"]

"""Where the store lives and how it talks to its database: the URL in force, the engine (SQLite in
WAL mode with a busy timeout and ``BEGIN IMMEDIATE`` for writes; PostgreSQL with a lock timeout),
read and write transactions, and the schema migrations run on opening."""
from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.pool import StaticPool

from giamngheo.store import migrations
from giamngheo.store.errors import StoreError, StoreUnavailable
from giamngheo.store.schema import schema_version
from giamngheo.store.values import now_iso

ENV_URL = "GIAMNGHEO_DB_URL"
ENV_DIR = "GIAMNGHEO_DATA_DIR"
DB_FILE = "giamngheo.db"
BUSY_TIMEOUT_MS = 30_000
log = logging.getLogger("giamngheo.store")


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
    """The URL without its password, for the server log (never for visitors)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for display
        return "?"


def _unavailable(exc: BaseException, where: str) -> StoreUnavailable:
    """The driver's error, logged on the server; the exception keeps it for the log and tests."""
    first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
    log.warning("store unavailable (%s): %s", where, first)
    return StoreUnavailable(f"{where}: {first}")


_WRITES: dict[str, int] = {}       # database URL → writes made to it from this process (:meth:`StoreBase.writes`)
_WRITES_LOCK = threading.Lock()    # sessions' threads write at once: no count may be lost (a lost one would show stale)


class StoreBase:
    """The engine, transactions and schema; the scenario, data-version and lockout methods are mixins."""

    def __init__(self, url: str | None = None, *, secret_url: str | None = None, migrate: bool = True):
        self.url = resolve_url(url, secret_url)
        try:
            u = make_url(self.url)
        except Exception as exc:  # noqa: BLE001
            raise _unavailable(exc, "not a database URL") from exc
        self.dialect = u.get_backend_name()
        self.path: Path | None = None
        try:
            self.engine = self._make_engine(u)
        except Exception as exc:  # noqa: BLE001 - a missing driver, a bad option
            raise _unavailable(exc, describe_url(self.url)) from exc
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
        """For the server log and the command line: the SQLite file, or the server URL without its
        password. Never shown to visitors (``kind`` says what it is in words)."""
        return str(self.path) if self.path else describe_url(self.url)

    @property
    def kind(self) -> str:
        """``"sqlite"`` (a file on the app's server) or ``"server"`` (a database server)."""
        return "sqlite" if self.dialect == "sqlite" else "server"

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
            raise _unavailable(exc, "write") from exc
        finally:
            with _WRITES_LOCK:
                _WRITES[self.url] = _WRITES.get(self.url, 0) + 1

    def writes(self) -> int:
        """How many writes (or attempts) any store of this process has made to this database: a reader that keeps
        something it read (giamngheo/ui/session.py ``saved_scenarios``) reads again when this has changed."""
        return _WRITES.get(self.url, 0)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                with conn.begin():
                    yield conn
        except StoreError:
            raise
        except OperationalError as exc:
            raise _unavailable(exc, "read") from exc

    # -- schema

    def migrate(self) -> int:
        """Apply the migrations not yet applied, in order; returns the schema version. Idempotent."""
        with self._write() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(20211008)"))   # one migrator at a time
            migrations.run(conn, now_iso(), migrations.MIGRATIONS)
        return self.schema_version()

    def schema_version(self) -> int:
        with self._read() as conn:
            v = conn.execute(select(func.max(schema_version.c.version))).scalar()
        return int(v or 0)

    def migrations_applied(self) -> list[tuple[int, str]]:
        with self._read() as conn:
            return [(int(r.version), r.name) for r in
                    conn.execute(select(schema_version).order_by(schema_version.c.version))]

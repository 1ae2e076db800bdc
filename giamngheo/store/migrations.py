"""The schema's history: numbered steps, applied in order, each once, recorded in ``schema_version``.

Every step is frozen as it shipped: migration 1 builds its tables from its own copies of the table
definitions below (not from the live ones in ``schema.py``), so changing a live table can never
rewrite a migration a database has already run. A schema change is a new step at the end. This is
a small runner on purpose (a few steps, two databases); adopt alembic when a column first has to
change in place (ALTER on SQLite needs table rebuilds that alembic's batch mode does well).
"""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Connection

# ------------------------------------------------------------------ the runner's own table (frozen)
_runner = MetaData()
_schema_version = Table(
    "schema_version", _runner,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("applied_at", String(32), nullable=False),
)

# ------------------------------------------------------------------ migration 1, as shipped (frozen)
_m1 = MetaData()
_m1_scenarios = Table(
    "scenarios", _m1,
    Column("id", String(16), primary_key=True),
    Column("plan_id", String(200), nullable=False),
    Column("name", String(400), nullable=False),
    Column("name_key", String(400), nullable=False),
    Column("values_json", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("note", Text, nullable=False),
    Column("data_version", Integer, nullable=True),
    Column("data_hash", String(80), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    UniqueConstraint("plan_id", "name_key", name="uq_scenarios_plan_name"),
)
_m1_data_versions = Table(
    "data_versions", _m1,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset", String(50), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("author", String(200), nullable=False),
    Column("note", Text, nullable=False),
    Column("parent_id", Integer, ForeignKey("data_versions.id"), nullable=True),
    Column("content_hash", String(80), nullable=False),
    Column("n_rows", Integer, nullable=False),
    Column("summary_json", Text, nullable=False),
    Column("csv_text", Text, nullable=False),
)


def _m1_tables(conn: Connection) -> None:
    _m1.create_all(conn, checkfirst=True)


def _m2_indexes(conn: Connection) -> None:
    for name, table, cols in (("ix_scenarios_plan_updated", "scenarios", "plan_id, updated_at"),
                              ("ix_data_versions_dataset", "data_versions", "dataset, id"),
                              ("ix_data_versions_hash", "data_versions", "content_hash")):
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({cols})"))


# ------------------------------------------------------------------ migration 3 (frozen)
_m3 = MetaData()
_m3_login_failures = Table(
    "login_failures", _m3,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client", String(100), nullable=False),
    Column("at", Float, nullable=False),
)


def _m3_login_failures_table(conn: Connection) -> None:
    _m3.create_all(conn, checkfirst=True)
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_login_failures_client_at ON login_failures (client, at)"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_login_failures_at ON login_failures (at)"))


# ------------------------------------------------------------------ migration 4 (frozen)
_m4 = MetaData()
_m4_adoptions = Table(
    "adoptions", _m4,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_id", String(200), nullable=False),
    Column("name", String(400), nullable=False),
    Column("meeting_date", String(32), nullable=False),
    Column("who", String(200), nullable=False),
    Column("meeting_ref", String(400), nullable=False),
    Column("note", Text, nullable=False),
    Column("as_of", Integer, nullable=False),
    Column("data_version", Integer, nullable=True),
    Column("data_hash", String(80), nullable=False),
    Column("model_version", String(80), nullable=False),
    Column("format", Integer, nullable=False),
    Column("path_json", Text, nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", String(32), nullable=False),
)


def _m4_adoptions_table(conn: Connection) -> None:
    _m4.create_all(conn, checkfirst=True)
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_adoptions_plan_id ON adoptions (plan_id, id)"))


# (version, what it does, how): applied in order, each once; never edit one that has shipped
MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], Any]], ...] = (
    (1, "scenarios and data_versions tables", _m1_tables),
    (2, "indexes for listing and hash look-up", _m2_indexes),
    (3, "login_failures: the editor sign-in lockout, per client and across the server", _m3_login_failures_table),
    (4, "adoptions: the agreed paths a meeting adopted, kept with their history", _m4_adoptions_table),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def run(conn: Connection, now: str, steps: tuple | None = None) -> None:
    """Apply the steps not yet recorded, in order (inside the caller's write transaction)."""
    _runner.create_all(conn, checkfirst=True)
    done = {r[0] for r in conn.execute(select(_schema_version.c.version))}
    for version, name, fn in (MIGRATIONS if steps is None else steps):
        if version in done:
            continue
        fn(conn)
        conn.execute(insert(_schema_version).values(version=version, name=name, applied_at=now))

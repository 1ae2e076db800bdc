"""The tables as the code uses them today (queries are built from these).

What a database holds is decided by the migrations (``migrations.py``), each frozen as it shipped;
``tests/store/test_store.py`` checks that these live definitions and the migrated schema agree. A change
here needs a new migration that makes it, never an edit of one that shipped.
"""
from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Integer, MetaData, String, Table, Text, UniqueConstraint

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

# one row per failed editor sign-in: who (the client's address, or "local") and when (epoch seconds)
login_failures = Table(
    "login_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client", String(100), nullable=False),
    Column("at", Float, nullable=False),
)

# an agreed path adopted by a meeting (giamngheo/monitor.py): never changed or deleted; the newest of a
# plan is the one in force, the older ones stay readable. ``path_json`` is the whole frozen record.
adoptions = Table(
    "adoptions", metadata,
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

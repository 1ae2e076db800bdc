"""Saved scenarios, data versions, the sign-in lockout and adopted paths, in one database (SQLAlchemy Core; no
Streamlit here). The rooms:

- ``engine.py``: where the store lives (:func:`resolve_url`), the engine, transactions, migrating;
- ``migrations.py``: the schema's history, each step frozen as it shipped (``schema.py``: the live tables);
- ``values.py``: saved scenarios and data versions as plain data, name rules, hashes, change summaries;
- ``scenarios.py``, ``versions.py``, ``lockout.py``, ``adoptions.py``: the methods of :class:`Store` for each.

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
  :meth:`Store.free_name` gives the "save as new" name; names refuse control and bidi characters;
- a saved scenario records the plan and the data version it was made on: the store's data
  version id when the data came from the store, and always the content hash of the observations CSV;
- data versions are never changed or deleted: an upload, an edit or a revert adds a version.

An error's text (:class:`StoreError`) may name the database and quote the driver: it is for the
server log; pages show a plain message.
"""
from __future__ import annotations

from giamngheo.store.adoptions import AdoptionsMixin
from giamngheo.store.engine import BUSY_TIMEOUT_MS, DB_FILE, ENV_DIR, ENV_URL, StoreBase, data_dir, describe_url, resolve_url
from giamngheo.store.errors import BadInput, NameTaken, NotFound, StoreError, StoreUnavailable
from giamngheo.store.lockout import LockoutMixin
from giamngheo.store.migrations import MIGRATIONS, SCHEMA_VERSION
from giamngheo.store.scenarios import ScenariosMixin
from giamngheo.store.values import (
    BIDI_CONTROLS,
    MAX_AUTHOR,
    MAX_NAME,
    MAX_NOTE,
    DataDrift,
    DataVersion,
    SavedScenario,
    clean_name,
    content_hash,
    data_drift,
    fmt_time,
    name_key,
    new_id,
    now_iso,
    short_hash,
    summarize_change,
)
from giamngheo.store.versions import DATASET, VersionsMixin


class Store(ScenariosMixin, VersionsMixin, LockoutMixin, AdoptionsMixin, StoreBase):
    """Saved scenarios, data versions, the sign-in lockout and adopted paths in one database."""


__all__ = ["Store", "StoreError", "StoreUnavailable", "BadInput", "NameTaken", "NotFound", "SavedScenario",
           "DataVersion", "DataDrift", "data_drift", "content_hash", "short_hash", "summarize_change",
           "resolve_url", "describe_url", "name_key", "clean_name", "fmt_time", "now_iso", "new_id",
           "data_dir", "MIGRATIONS", "SCHEMA_VERSION", "MAX_NAME", "MAX_AUTHOR", "MAX_NOTE", "DATASET",
           "BIDI_CONTROLS", "ENV_URL", "ENV_DIR", "DB_FILE", "BUSY_TIMEOUT_MS"]

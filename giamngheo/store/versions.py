"""Data versions: every upload, edit or revert adds a version (who, when, what changed); nothing
is ever changed or deleted."""
from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping

from sqlalchemy import insert, select, text

from giamngheo.store.errors import BadInput, NotFound
from giamngheo.store.schema import data_versions
from giamngheo.store.values import (
    MAX_AUTHOR,
    MAX_NOTE,
    DataVersion,
    _clean_text,
    _csv_rows,
    content_hash,
    now_iso,
    summarize_change,
)

DATASET = "observations"
_LATEST: Any = object()


class VersionsMixin:
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

"""Adopted paths (giamngheo/monitor.py): added, never changed or deleted. The newest adoption of a
plan is the one in force; every older one stays readable (its frozen record in ``path_json``, read
by ``Adoption.from_dict``, which reads every format that has shipped). Who may adopt is the app's
decision (``giamngheo/ui/auth.py``: the editor right, checked on the server before this is called)."""
from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import insert, select

from giamngheo.store.errors import BadInput
from giamngheo.store.schema import adoptions
from giamngheo.store.values import MAX_AUTHOR, MAX_NOTE, _clean_text, clean_name, now_iso

MAX_REF = 200
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


class AdoptionsMixin:
    # -- adoptions

    @staticmethod
    def _adoption(r: Any):
        from giamngheo.monitor import Adoption
        d = json.loads(r.path_json)
        d.update(id=r.id, recorded_at=r.recorded_at, recorded_by=r.recorded_by)
        return Adoption.from_dict(d)

    def add_adoption(self, adoption: Any, *, recorded_by: str = ""):
        """Store an adoption (``giamngheo.monitor.Adoption``); returns it with its id and time."""
        name = clean_name(adoption.name)
        who = _clean_text(adoption.who, "who", MAX_AUTHOR)
        ref = _clean_text(adoption.meeting_ref, "meeting_ref", MAX_REF)
        note = _clean_text(adoption.note, "note", MAX_NOTE)
        by = _clean_text(recorded_by, "recorded_by", MAX_AUTHOR)
        if not DATE_RE.fullmatch(str(adoption.date or "")):
            raise BadInput("date", "not_date", adoption.date)
        b = adoption.path.basis
        if not b.plan_id:
            raise BadInput("plan_id", "empty")
        d = adoption.to_dict()
        d.update(name=name, who=who, meeting_ref=ref, note=note, id=None, recorded_at="", recorded_by=by)
        with self._write() as conn:
            now = now_iso()
            res = conn.execute(insert(adoptions).values(
                plan_id=b.plan_id, name=name, meeting_date=adoption.date, who=who, meeting_ref=ref, note=note,
                as_of=b.as_of, data_version=b.data_version, data_hash=b.data_digest, model_version=b.model_version,
                format=d["format"], path_json=json.dumps(d, ensure_ascii=False, sort_keys=True), recorded_by=by,
                recorded_at=now))
            aid = res.inserted_primary_key[0]
            r = conn.execute(select(adoptions).where(adoptions.c.id == aid)).first()
            return self._adoption(r)

    def get_adoption(self, aid: int):
        try:
            aid = int(aid)
        except (TypeError, ValueError):
            return None
        with self._read() as conn:
            r = conn.execute(select(adoptions).where(adoptions.c.id == aid)).first()
        return self._adoption(r) if r else None

    def list_adoptions(self, plan_id: str | None = None) -> list:
        """Newest first (the first is the one in force)."""
        q = select(adoptions).order_by(adoptions.c.id.desc())
        if plan_id is not None:
            q = q.where(adoptions.c.plan_id == plan_id)
        with self._read() as conn:
            return [self._adoption(r) for r in conn.execute(q)]

    def current_adoption(self, plan_id: str):
        """The adoption in force for the plan (the newest), or None."""
        q = select(adoptions).where(adoptions.c.plan_id == plan_id).order_by(adoptions.c.id.desc()).limit(1)
        with self._read() as conn:
            r = conn.execute(q).first()
        return self._adoption(r) if r else None

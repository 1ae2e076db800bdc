"""Saved scenarios: save (a name unique within its plan, never overwritten unless asked), open,
list, duplicate, delete. Who may overwrite or delete is the app's decision (``giamngheo/ui/auth.py``)."""
from __future__ import annotations

import json
import re
from typing import Any, Mapping

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from giamngheo.store.errors import BadInput, NameTaken, NotFound, StoreUnavailable
from giamngheo.store.schema import scenarios
from giamngheo.store.values import (
    MAX_AUTHOR,
    MAX_NAME,
    MAX_NOTE,
    SavedScenario,
    _clean_text,
    _clean_values,
    clean_name,
    name_key,
    new_id,
    now_iso,
)


class ScenariosMixin:
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

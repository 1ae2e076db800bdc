"""The values the store keeps and the rules for them: saved scenarios and data versions as plain
data, names and their keys, text limits, content hashes, change summaries, times."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from giamngheo.store.errors import BadInput

MAX_NAME = 80          # a name is a label in a sidebar caption, a table and a file name
MAX_AUTHOR = 80
MAX_NOTE = 2000
_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"    # no 0/o, 1/l/i: easy to read aloud from a link
# bidirectional controls: embeddings, overrides (U+202E turns the text around it), isolates, marks
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


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
    if any(ch in BIDI_CONTROLS for ch in s):
        raise BadInput("name", "bidi_controls", name)
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

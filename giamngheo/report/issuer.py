"""Who issues a report: a settings record (``data/issuer.toml`` by default; editors change it on the
Reports page and every change is a version in the store), not code.

The kind of body decides the layout of the Word report's first and last lines:

- ``party`` (a Party committee, Hướng dẫn 36-HD/VPTW): the body, under the body above it if any, with
  "*" below and "Số 12-BC/TU"; on the right ĐẢNG CỘNG SẢN VIỆT NAM. Never the state motto.
- ``state`` (a state body, Nghị định 30/2020/NĐ-CP): the body under the body above it, "Số: 12/BC-UBND";
  on the right the Quốc hiệu and the tiêu ngữ.

Everything here is user text: it is shown as text, bounded in length, never interpreted."""
from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from giamngheo.paths import DATA_DIR

ISSUER_FILE = DATA_DIR / "issuer.toml"
KINDS = ("party", "state")
STORE_DATASET = "issuer"         # the store's versions of the settings (JSON text)
MAX_TEXT = 200
MAX_RECIPIENTS = 20
TEXT_FIELDS = ("body_vi", "body_en", "above_vi", "above_en", "place_vi", "place_en", "number", "symbol",
               "signer_for_vi", "signer_for_en", "signer_title_vi", "signer_title_en", "signer_name",
               "plan_issuer_vi", "plan_issuer_en")
REQUIRED = ("body_vi", "place_vi", "symbol")


class IssuerError(ValueError):
    """A settings value that cannot be used: ``field`` names it, ``reason`` says why (a translation key)."""

    def __init__(self, field_name: str, reason: str, value: Any = None):
        self.field, self.reason, self.value = field_name, reason, value
        super().__init__(f"issuer.{field_name}: {reason}")


@dataclass(frozen=True)
class Issuer:
    kind: str = "party"
    body_vi: str = ""
    body_en: str = ""
    above_vi: str = ""
    above_en: str = ""
    place_vi: str = ""
    place_en: str = ""
    number: str = ""
    symbol: str = ""
    recipients_vi: tuple[str, ...] = field(default_factory=tuple)
    recipients_en: tuple[str, ...] = field(default_factory=tuple)
    signer_for_vi: str = ""
    signer_for_en: str = ""
    signer_title_vi: str = ""
    signer_title_en: str = ""
    signer_name: str = ""
    plan_issuer_vi: str = ""
    plan_issuer_en: str = ""

    def get(self, name: str, lang: str) -> Any:
        """A bilingual field in ``lang`` (the Vietnamese one when the English is empty)."""
        v = getattr(self, f"{name}_{lang}", None)
        return v if v else getattr(self, f"{name}_vi")

    def number_line(self, lang: str) -> str:
        """``Số 12-BC/TU`` (Party) or ``Số: 12/BC-UBND`` (state); a blank to fill in by hand when the
        number is not given yet."""
        n = self.number.strip() or "\u00a0" * 6
        word = "Số" if lang == "vi" else "No."
        if self.kind == "party":
            return f"{word} {n}-{self.symbol}"
        return f"{word}: {n}/{self.symbol}"

    def to_json(self) -> str:
        d = asdict(self)
        d["recipients_vi"], d["recipients_en"] = list(self.recipients_vi), list(self.recipients_en)
        return json.dumps(d, ensure_ascii=False, indent=1, sort_keys=True)


def _text(name: str, v: Any) -> str:
    if v is None:
        return ""
    if not isinstance(v, str):
        raise IssuerError(name, "not_text", v)
    v = " ".join(v.split())          # one line: no tabs, no line breaks
    if len(v) > MAX_TEXT:
        raise IssuerError(name, "too_long", v)
    return v


def parse_issuer(raw: Mapping[str, Any]) -> Issuer:
    """Settings from a mapping (the TOML table ``[issuer]``, the store's JSON, the page's form),
    checked: the kind is one of :data:`KINDS`, required fields are given, every text is one bounded line."""
    if not isinstance(raw, Mapping):
        raise IssuerError("issuer", "not_table")
    unknown = sorted(set(raw) - {"kind", "recipients_vi", "recipients_en", *TEXT_FIELDS})
    if unknown:
        raise IssuerError(unknown[0], "unknown")
    kind = raw.get("kind", "party")
    if kind not in KINDS:
        raise IssuerError("kind", "bad_kind", kind)
    vals: dict[str, Any] = {"kind": kind}
    for name in TEXT_FIELDS:
        vals[name] = _text(name, raw.get(name, ""))
    for name in REQUIRED:
        if not vals[name]:
            raise IssuerError(name, "required")
    for name in ("recipients_vi", "recipients_en"):
        items = raw.get(name, []) or []
        if isinstance(items, str):
            items = items.splitlines()
        if not isinstance(items, (list, tuple)):
            raise IssuerError(name, "not_text", items)
        items = [x for x in (_text(name, i) for i in items) if x]
        if len(items) > MAX_RECIPIENTS:
            raise IssuerError(name, "too_many", len(items))
        vals[name] = tuple(items)
    return Issuer(**vals)


def load_issuer(path: str | Path | None = None) -> Issuer:
    """The default settings: ``data/issuer.toml`` (or ``path``). Read again when the file changes (its
    modification time), not on every call: the report page asks on every rerun."""
    p = Path(path) if path else ISSUER_FILE
    return _load_issuer(str(p), p.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _load_issuer(path: str, _mtime: int) -> Issuer:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return parse_issuer(data.get("issuer", {}))


@lru_cache(maxsize=16)
def from_json(text: str) -> Issuer:
    """Settings saved as JSON (an Issuer is frozen: the same text gives the one object, parsed once)."""
    return parse_issuer(json.loads(text))


def current_issuer(store: Any = None, path: str | Path | None = None, latest: Any = None) -> Issuer:
    """The settings in force: the store's latest version when there is one (and it still reads), else the file.
    ``latest``: how the store's latest version of a dataset is read (default ``store.latest``; the app passes
    a read it keeps for a moment, giamngheo/ui/session.py ``issuer_in_force``)."""
    default = load_issuer(path)
    if store is None:
        return default
    try:
        v = (latest or store.latest)(STORE_DATASET)
    except Exception:       # the store unreachable: the file's settings, never no report
        return default
    if v is None or not v.csv_text:
        return default
    try:
        return from_json(v.csv_text)
    except (IssuerError, ValueError):
        return default


def save_issuer(store: Any, issuer: Issuer, *, author: str = "", note: str = "") -> Any:
    """A new version of the settings in the store (nothing overwritten; who and when recorded)."""
    issuer = parse_issuer(json.loads(issuer.to_json()))        # checked again, whatever built it
    return store.save_data_version(issuer.to_json(), author=author, note=note, dataset=STORE_DATASET,
                                   summary={"kind": issuer.kind, "body": issuer.body_vi})


def with_kind(issuer: Issuer, kind: str) -> Issuer:
    if kind not in KINDS:
        raise IssuerError("kind", "bad_kind", kind)
    return replace(issuer, kind=kind)


def plan_issuer(issuer: Issuer, plan: Any, lang: str) -> str:
    """How the plan itself is named as issued: the settings' wording; a settings file without one takes
    the default file's (the former district, as it was on the plan's date); else the plan's own issuer."""
    own = issuer.get("plan_issuer", lang)
    if own:
        return own
    try:
        default = load_issuer().get("plan_issuer", lang)
    except (OSError, IssuerError, ValueError):
        default = ""
    from giamngheo.i18n import field as data_field
    return default or data_field(plan, "issuer", lang)

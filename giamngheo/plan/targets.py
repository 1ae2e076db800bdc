"""The plan as data: Plan and Target types and the loader for data/plans/*.toml.

A malformed file raises PlanError naming the file, the target and the field. The evaluators for
each target kind live in :mod:`giamngheo.kinds`.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from giamngheo.paths import default_plan_path
from giamngheo.plan.indicators import Indicator, load_indicators
from giamngheo.plan.kinds import KINDS, FieldSpec, Kind

AREAS = ("poverty", "labour", "education", "health", "utilities", "new_rural")

COMMON_REQUIRED = ("id", "number", "section", "area", "text_vi", "text_en", "indicator", "group", "kind")
COMMON_OPTIONAL = ("reading_vi", "reading_en", "short_vi", "short_en", "unit", "lever")
# every kind-specific field name (a target of another kind reads None for it)
KIND_FIELD_NAMES = frozenset(f for k in KINDS.values() for f in k.fields)


class PlanError(ValueError):
    """A problem in a plan file: ``file``, ``target`` (id or None) and ``field`` say where."""

    def __init__(self, file: str, target: str | None, field_name: str | None, message: str):
        self.file, self.target, self.field, self.message = file, target, field_name, message
        where = file + (f": target {target}" if target else "") + (f": field {field_name!r}" if field_name else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Target:
    """One target of the plan: the fields every target has, and its kind's own fields in ``params``
    (read as attributes: ``tg.value``; a field of another kind reads None)."""

    id: str
    number: int
    section: str
    area: str
    text_vi: str
    text_en: str
    indicator: str
    group: str
    kind: str
    reading_vi: str = ""
    reading_en: str = ""
    short_vi: str = ""          # a few words for a chip (meeting mode); the indicator's name when empty
    short_en: str = ""
    unit: str = ""
    lever: str = ""
    params: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        by_name = dict(self.params)
        object.__setattr__(self, "_by_name", by_name)   # the kind's fields, read by name
        # and each kind field an attribute of its own (None where this kind has none): read some hundred times a
        # move, an attribute is found at once where a missing one went through __getattr__ after a failed look-up
        for name in KIND_FIELD_NAMES:
            object.__setattr__(self, name, by_name.get(name))

    def __getattr__(self, name: str) -> Any:
        if name in KIND_FIELD_NAMES:
            return object.__getattribute__(self, "_by_name").get(name)
        raise AttributeError(name)

    @classmethod
    def make(cls, **kw: Any) -> "Target":
        """A target from flat fields (the common ones and its kind's), as a plan file gives them."""
        kind = KINDS[kw["kind"]]
        params = tuple((f, kw.pop(f)) for f in list(kind.fields) if f in kw)
        stray = [f for f in kw if f in KIND_FIELD_NAMES]
        if stray:
            raise TypeError(f"{stray[0]!r} is not a field of kind {kind.name!r}")
        return cls(**kw, params=params)

    def with_fields(self, **kw: Any) -> "Target":
        """A copy with some fields changed (common or the kind's)."""
        from dataclasses import replace
        common = {k: v for k, v in kw.items() if k not in KIND_FIELD_NAMES}
        params = dict(self.params)
        params.update({k: v for k, v in kw.items() if k in KIND_FIELD_NAMES})
        return replace(self, **common, params=tuple(params.items()))

    @property
    def spec(self) -> Kind:
        return KINDS[self.kind]

    @property
    def target_year(self) -> int:
        # asked some forty times a move (verdicts, goal seeks, chances): worked out once, a target never changes
        y = self.__dict__.get("_target_year")
        if y is None:
            y = self.spec.target_year(self)
            object.__setattr__(self, "_target_year", y)
        return y


@dataclass(frozen=True)
class PovertyStandard:
    break_year: int
    indicators: tuple[str, ...]
    old_vi: str = ""
    old_en: str = ""
    new_vi: str = ""
    new_en: str = ""
    reasoning_vi: str = ""
    reasoning_en: str = ""


@dataclass(frozen=True)
class Plan:
    id: str
    title_vi: str
    title_en: str
    issuer_vi: str
    issuer_en: str
    implements_vi: str
    implements_en: str
    locality_vi: str
    locality_en: str
    period: tuple[int, int]
    horizon: int
    targets: tuple[Target, ...]
    standard: PovertyStandard | None = None
    source: str = ""
    path: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def target(self, target_id: str) -> Target:
        for tg in self.targets:
            if tg.id == target_id:
                return tg
        raise KeyError(target_id)

    @property
    def areas(self) -> tuple[str, ...]:
        seen: list[str] = []
        for tg in self.targets:
            if tg.area not in seen:
                seen.append(tg.area)
        return tuple(a for a in AREAS if a in seen) + tuple(a for a in seen if a not in AREAS)

    def resolved_base_year(self, tg: Target) -> int | None:
        """The base year of a target: ``base_year``, or ``base`` with "break" read as the first year on the new standard."""
        if tg.base_year is not None:
            return int(tg.base_year)
        if tg.base == "break":
            return self.standard.break_year if self.standard else None
        if isinstance(tg.base, int):
            return tg.base
        return None

    def on_new_standard(self, indicator: str, year: int) -> bool:
        return bool(self.standard and indicator in self.standard.indicators and year >= self.standard.break_year)


def _num(file: str, tid: str | None, name: str, v: Any, *, integer: bool = False) -> Any:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise PlanError(file, tid, name, f"must be a number, got {v!r}")
    if integer and int(v) != v:
        raise PlanError(file, tid, name, f"must be a whole number (a year), got {v!r}")
    return int(v) if integer else float(v)


def _field(file: str, tid: str | None, name: str, spec: FieldSpec, v: Any) -> Any:
    if spec.type in ("year", "int"):
        return _num(file, tid, name, v, integer=True)
    if spec.type == "number":
        return _num(file, tid, name, v)
    if spec.type == "choice":
        if v not in spec.choices:
            raise PlanError(file, tid, name, f"must be one of {spec.choices}, got {v!r}")
        return v
    if spec.type == "year_or_break":
        if v != "break" and not (isinstance(v, int) and not isinstance(v, bool)):
            raise PlanError(file, tid, name, f"must be a year or \"break\", got {v!r}")
        return v
    raise PlanError(file, tid, name, f"unknown field type {spec.type!r}")


def parse_target(file: str, d: dict[str, Any], indicators: dict[str, Indicator]) -> Target:
    tid = str(d.get("id")) if d.get("id") is not None else None
    for f in COMMON_REQUIRED:
        if f not in d or d[f] in ("", None):
            raise PlanError(file, tid, f, "is missing")
    kind = KINDS.get(d["kind"])
    if kind is None:
        raise PlanError(file, tid, "kind", f"unknown kind {d['kind']!r}; known: {', '.join(KINDS)}")
    for f, spec in kind.fields.items():
        if spec.required and f not in d:
            raise PlanError(file, tid, f, f"is required for kind {kind.name!r}")
    allowed = set(COMMON_REQUIRED) | set(COMMON_OPTIONAL) | set(kind.fields)
    for f in d:
        if f not in allowed:
            raise PlanError(file, tid, f, f"is not a field of kind {kind.name!r}")
    if d["indicator"] not in indicators:
        raise PlanError(file, tid, "indicator", f"unknown indicator {d['indicator']!r} (not in indicators.toml)")
    kw: dict[str, Any] = {f: d[f] for f in COMMON_REQUIRED + COMMON_OPTIONAL if f in d}
    kw["number"] = _num(file, tid, "number", d["number"], integer=True)
    params = tuple((f, _field(file, tid, f, spec, d[f])) for f, spec in kind.fields.items() if f in d)
    tg = Target(**kw, params=params)
    for f, msg in kind.check(tg):
        raise PlanError(file, tid, f, msg)
    return tg


def load_plan(path: Path | str | None = None, indicators: dict[str, Indicator] | None = None) -> Plan:
    path = Path(path) if path else default_plan_path()
    if indicators is not None:
        return _parse_plan(str(path), indicators)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = None
    return _load_plan(str(path), mtime)


@lru_cache(maxsize=8)
def _load_plan(path: str, _mtime: Any) -> Plan:
    return _parse_plan(path, load_indicators())


def _parse_plan(path: str, indicators: dict[str, Indicator]) -> Plan:
    file = Path(path).name
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise PlanError(file, None, None, "file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(file, None, None, f"not valid TOML: {exc}") from None
    meta = raw.get("plan")
    if not isinstance(meta, dict):
        raise PlanError(file, None, "plan", "the [plan] table is missing")
    for f in ("id", "title_vi", "period", "horizon"):
        if f not in meta:
            raise PlanError(file, None, f"plan.{f}", "is missing")
    period = meta["period"]
    if not (isinstance(period, list) and len(period) == 2 and all(isinstance(y, int) for y in period) and period[0] < period[1]):
        raise PlanError(file, None, "plan.period", f"must be [first_year, last_year], got {period!r}")
    standard = None
    if "poverty_standard" in meta:
        s = meta["poverty_standard"]
        if "break_year" not in s:
            raise PlanError(file, None, "plan.poverty_standard.break_year", "is missing")
        standard = PovertyStandard(
            break_year=_num(file, None, "plan.poverty_standard.break_year", s["break_year"], integer=True),
            indicators=tuple(s.get("indicators", ())),
            **{k: s.get(k, "") for k in ("old_vi", "old_en", "new_vi", "new_en", "reasoning_vi", "reasoning_en")},
        )
    raw_targets = raw.get("targets")
    if not isinstance(raw_targets, list) or not raw_targets:
        raise PlanError(file, None, "targets", "no [[targets]] in the file")
    targets = []
    seen: set[str] = set()
    for d in raw_targets:
        tg = parse_target(file, d, indicators)
        if tg.id in seen:
            raise PlanError(file, tg.id, "id", "is used twice")
        seen.add(tg.id)
        targets.append(tg)
    g = lambda k: str(meta.get(k, ""))
    return Plan(
        id=str(meta["id"]), title_vi=g("title_vi"), title_en=g("title_en") or g("title_vi"),
        issuer_vi=g("issuer_vi"), issuer_en=g("issuer_en"), implements_vi=g("implements_vi"),
        implements_en=g("implements_en"), locality_vi=g("locality_vi"), locality_en=g("locality_en"),
        period=(period[0], period[1]), horizon=int(meta["horizon"]), targets=tuple(targets),
        standard=standard, source=g("source"), path=path,
        extra={k: v for k, v in meta.items() if k not in Plan.__dataclass_fields__},
    )

"""The URL codec: a link carries only the values that differ from the defaults, under readable ids
and a version (``v``); reading one says what became of each parameter (ignored, clamped, rounded,
repeated), and ids renamed since older versions are carried over. A link's value is read by the rules of
the number box (one number reader): a value out of the lever's range is brought to the nearest bound and
said, as the box does."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Mapping

from giamngheo.data.ingest.numbers import Reading, read_number
from giamngheo.scenario.scenario import value_number

if TYPE_CHECKING:   # pragma: no cover
    from giamngheo.scenario.registry import Registry
    from giamngheo.scenario.scenario import Scenario

URL_VERSION = 1
RESERVED_PARAMS = ("v", "lang", "scenario", "page", "as_of", "embed", "embed_options", "dataset")
# ids renamed since earlier link versions: {version: {old id: new id}}
RENAMED: dict[int, dict[str, str]] = {}


def migrate(reg: "Registry", raw: Mapping[str, Any]) -> dict[str, float]:
    """Values of a link made by an older version whose ids have since been renamed: {new id: value}."""
    out: dict[str, float] = {}
    for old, new in renames_for(raw).items():
        if old in raw and new in reg.items:
            v = value_number(_first(raw[old]))
            if v is not None:
                out[new] = reg.items[new].clamp(v)
    return out

def from_link(reg: "Registry", raw: Mapping[str, Any]) -> dict[str, float]:
    """The values a link sets, as the sliders will take them: numbers under their current ids (renamed ids
    carried over), read by the one number reader (``?jobs=8.000`` is 8000 jobs: a whole number). A value out
    of the lever's range is brought to the nearest bound, as the number box does (``?jobs=9000`` is 8000,
    the maximum); non-numbers and repeated parameters are left to the defaults; :func:`link_report` says
    what was done."""
    out = migrate(reg, raw)
    for k, v in raw.items():
        a = reg.items.get(k)
        if a is None or _repeated(v):
            continue
        num = _link_number(a, _first(v))
        if num is None:
            continue
        out[k] = a.clamp(num)
    return out

def link_numbers(reg: "Registry", raw: Mapping[str, Any]) -> dict[str, float]:
    """Each lever value of a link as the number reader reads it, before it is brought into the range or onto
    the step (``?poor_fall=0,8`` → 0.8): what the link said, to be written back with a decimal point."""
    out: dict[str, float] = {}
    for k, v in raw.items():
        a = reg.items.get(k)
        if a is not None and not _repeated(v):
            num = _link_number(a, _first(v))
            if num is not None:
                out[k] = num
    return out


def link_report(reg: "Registry", raw: Mapping[str, Any], actual: Mapping[str, Any]) -> list[tuple[str, str, Any, Any]]:
    """What became of each parameter of a link, given the values the widgets ended up with.

    ``raw`` maps a parameter to its value or its list of values (a repeated parameter). Returns
    (param, code, raw value, value used) for every parameter not taken as given:
    ``ignored_unknown``, ``ignored_not_number``, ``ignored_repeated`` (the default was kept), ``clamped``
    (out of the range: the nearest bound was used), ``rounded`` (to the step) or ``read_as`` (a separator that
    could mean two things, ``8.000``, read as the value shown).
    Ethnic placements above all placements are said live by the sidebar, not here.
    """
    out: list[tuple[str, str, Any, Any]] = []
    renames = renames_for(raw)
    for k, v in raw.items():
        if k in RESERVED_PARAMS:
            continue
        raw1 = _first(v)
        kid = renames.get(k, k)
        a = reg.items.get(kid)
        if a is None:
            out.append((k, "ignored_unknown", raw1, None))
            continue
        used = actual.get(kid, a.default)
        if _repeated(v):
            out.append((k, "ignored_repeated", raw1, used))
            continue
        reading = _link_reading(a, raw1)
        num = reading.value
        if num is None:
            out.append((k, "ignored_not_number", raw1, used))
        elif not (a.min <= num <= a.max):
            out.append((k, "clamped", raw1, used))
        elif abs(float(used) - num) > 1e-9:
            out.append((k, "rounded", raw1, used))
        elif reading.how:
            out.append((k, "read_as", raw1, used))
    return out

def to_query(reg: "Registry", scenario: Scenario) -> dict[str, str]:
    q = {k: _fmt_query(v) for k, v in scenario.values if k in reg.items and v != reg.items[k].default}
    if q:
        q["v"] = str(URL_VERSION)
    return q



def renames_for(params: Mapping[str, Any]) -> dict[str, str]:
    """The id renames that apply to a link of the version it carries (``v``; no ``v``: version 1)."""
    version = value_number(_first(params.get("v", 1))) or 1
    renames: dict[str, str] = {}
    for ver, table in sorted(RENAMED.items()):
        if version < ver:
            renames.update(table)
    return renames


def _repeated(v: Any) -> bool:
    return isinstance(v, (list, tuple)) and len(v) > 1


def _link_reading(a: Any, raw: Any) -> Reading:
    """A link's value read by the one number reader (giamngheo.data.ingest.numbers.read_number): the app
    writes links with a decimal point; a hand-written ``0,8`` is a decimal comma; ``8.000`` for a whole
    number is eight thousand."""
    return read_number(raw, ".", whole=bool(a.integer), lo=a.min, hi=a.max)


def _link_number(a: Any, raw: Any) -> float | None:
    v = _link_reading(a, raw).value
    return v if v is not None and math.isfinite(v) else None


def _strict_number(raw: Any) -> float | None:
    """A number as a link carries it, without a lever to read it for: a decimal point, or one decimal comma
    (``0,8``); no thousands separators."""
    text = str(raw).strip()
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        v = float(text)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _first(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return v[0] if v else None
    return v


def _fmt_query(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(round(v, 6))



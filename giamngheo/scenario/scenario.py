"""The immutable Scenario: a named set of assumption values (only those that differ from the
defaults), hashable so that results can be cached by it; its JSON form."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:   # pragma: no cover
    from giamngheo.scenario.registry import Registry



def value_number(raw: Any) -> float | None:
    """An assumption's value as a file or a link gives it: a number, or a text with a point or a comma
    (``0,8``); None when it is not a finite number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        v = float(raw)
    else:
        try:
            v = float(str(raw).strip().replace(",", "."))
        except (TypeError, ValueError):
            return None
    return v if math.isfinite(v) else None



class ScenarioError(ValueError):
    """Raised for an unknown id or an out-of-range value; ``id`` names the assumption."""

    def __init__(self, id: str, code: str, value: Any = None, **params: Any):
        self.id, self.code, self.value, self.params = id, code, value, params
        super().__init__(f"{id}: {code}" + (f" ({value!r})" if value is not None else "")
                         + (f" {params}" if params else ""))


@dataclass(frozen=True)
class Scenario:
    """A named set of assumption values (only those that differ from the defaults)."""

    name: str = ""
    values: tuple[tuple[str, float], ...] = ()

    @staticmethod
    def of(name: str = "", values: Mapping[str, float] | None = None) -> "Scenario":
        return Scenario(name, tuple(sorted((k, float(v)) for k, v in (values or {}).items())))

    def as_dict(self) -> dict[str, float]:
        return dict(self.values)

    def get(self, id: str, default: float | None = None) -> float | None:
        return self.as_dict().get(id, default)

    def with_values(self, **changes: float) -> "Scenario":
        d = self.as_dict()
        d.update({k: float(v) for k, v in changes.items()})
        return Scenario.of(self.name, d)

    def to_json(self) -> str:
        return json.dumps({"name": self.name, "values": {k: _plain(v) for k, v in self.values}},
                          ensure_ascii=False, indent=2)


def _plain(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


MAX_NUMBER_CHARS = 40      # a lever's value is a few digits; 5,001 digits is an attack on int()


class JsonNumberError(ValueError):
    """A number in a scenario file written with more than ``MAX_NUMBER_CHARS`` characters."""

    def __init__(self, text: str):
        super().__init__(f"a number of {len(text)} characters (at most {MAX_NUMBER_CHARS})")
        self.n = len(text)


def _number(convert):
    def parse(text: str):
        if len(text) > MAX_NUMBER_CHARS:
            raise JsonNumberError(text)
        return convert(text)
    return parse


def json_loads(text: str):
    """``json.loads`` for a scenario file from outside: a number longer than ``MAX_NUMBER_CHARS``
    raises :class:`JsonNumberError` before Python converts it (``int()`` of 5,001 digits raises a
    bare ValueError, and a long one costs time)."""
    return json.loads(text, parse_int=_number(int), parse_float=_number(float))


def load_scenario_file(path: Path | str, registry: Registry) -> Scenario:
    """Read a scenario JSON ``{"name": ..., "values": {...}}``; raises ScenarioError or ValueError."""
    try:
        raw = json_loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{Path(path).name}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    except JsonNumberError as exc:
        raise ValueError(f"{Path(path).name}: {exc}") from None
    return scenario_from_json_obj(raw, registry)


def scenario_from_json_obj(raw: Any, registry: Registry) -> Scenario:
    if not isinstance(raw, dict) or not isinstance(raw.get("values", {}), dict):
        raise ValueError('a scenario is {"name": "...", "values": {"id": number, ...}}')
    return registry.validate(raw.get("values", {}), name=str(raw.get("name", "")))

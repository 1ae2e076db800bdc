"""The indicator registry (data/indicators.toml): what an observation or a target may measure."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from giamngheo.paths import indicators_path

KINDS = ("rate", "count", "flow", "ratio", "flag", "money")


@dataclass(frozen=True)
class Indicator:
    id: str
    name_vi: str
    name_en: str
    unit: str
    kind: str
    area: str
    saturates: bool = False
    numerator: str | None = None
    denominator: str | None = None

    @property
    def is_rate(self) -> bool:
        return self.kind == "rate"

    @property
    def is_flow(self) -> bool:
        return self.kind == "flow"

    @property
    def bounds(self) -> tuple[float, float]:
        if self.kind == "rate":
            return (0.0, 100.0)
        if self.kind == "flag":
            return (0.0, 1.0)
        return (0.0, float("inf"))


class IndicatorError(ValueError):
    pass


def load_indicators(path: Path | str | None = None) -> dict[str, Indicator]:
    path = Path(path) if path else indicators_path()
    return _load(str(path))


@lru_cache(maxsize=8)
def _load(path: str) -> dict[str, Indicator]:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    out: dict[str, Indicator] = {}
    for key, d in raw.items():
        missing = [f for f in ("name_vi", "name_en", "unit", "kind", "area") if f not in d]
        if missing:
            raise IndicatorError(f"{Path(path).name}: indicator {key!r}: missing field {missing[0]!r}")
        if d["kind"] not in KINDS:
            raise IndicatorError(f"{Path(path).name}: indicator {key!r}: field 'kind': {d['kind']!r} is not one of {KINDS}")
        out[key] = Indicator(id=key, **{k: d[k] for k in d if k in Indicator.__dataclass_fields__})
    return out

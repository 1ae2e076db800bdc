"""The target kinds: one class a kind, one module a class. ``KINDS`` maps a plan file's ``kind`` to
its class; an unknown kind is an error when the plan loads, never an empty cell later.

Each evaluator measures a target on a value getter ``get(year)`` that returns the indicator's value
for a year: a float (deterministic) or a numpy array of draws (Monte Carlo), or None when missing.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from giamngheo.plan.kinds.base import Condition, FieldSpec, Getter, Kind, Measure, Missing, compare, mean_of, sense_symbol, years_text


def _discover() -> dict[str, Kind]:
    """Every Kind subclass in this package's modules, by its ``name`` (in the order the plan format
    lists them): a new kind is one module here plus its strings."""
    for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if m.name != "base":
            importlib.import_module(f"{__name__}.{m.name}")
    found: dict[str, Kind] = {}
    stack = list(Kind.__subclasses__())
    while stack:
        cls = stack.pop(0)
        stack.extend(cls.__subclasses__())
        if cls.name:
            if cls.name in found:
                raise ValueError(f"two target kinds are named {cls.name!r}")
            found[cls.name] = cls()
    return {k: found[k] for k in sorted(found, key=lambda k: (found[k].order, k))}


KINDS: dict[str, Kind] = _discover()

__all__ = ["KINDS", "Condition", "FieldSpec", "Getter", "Kind", "Measure", "Missing", "compare", "kind_of", "mean_of", "measure",
           "progress_share", "sense_symbol", "years_text"]


def kind_of(tg: Any) -> Kind:
    try:
        return KINDS[tg.kind]
    except KeyError:
        raise KeyError(f"target {tg.id}: unknown kind {tg.kind!r}; known: {', '.join(KINDS)}") from None


def measure(plan: Any, tg: Any, get: Getter, base: tuple[int, Any] | None = None) -> Measure:
    return kind_of(tg).measure(plan, tg, get, base)


def progress_share(m: Measure) -> float | None:
    """UNSD progress share P = (projected − base) / (target − base) in level space, or None."""
    if m.base_level is None or m.target_level is None or m.level is None:
        return None
    base, tgt, proj = mean_of(m.base_level), mean_of(m.target_level), mean_of(m.level)
    if abs(tgt - base) < 1e-12:
        return None
    return (proj - base) / (tgt - base)

"""The target kinds: one class a kind, one module a class. ``KINDS`` maps a plan file's ``kind`` to
its class; an unknown kind is an error when the plan loads, never an empty cell later.

Each evaluator measures a target on a value getter ``get(year)`` that returns the indicator's value
for a year: a float (deterministic) or a numpy array of draws (Monte Carlo), or None when missing.
"""
from __future__ import annotations

from typing import Any

from giamngheo.plan.kinds.average_change import AverageChange
from giamngheo.plan.kinds.base import Condition, FieldSpec, Getter, Kind, Measure, Missing, compare, sense_symbol, years_text
from giamngheo.plan.kinds.cumulative import Cumulative
from giamngheo.plan.kinds.level import Level
from giamngheo.plan.kinds.milestone import Milestone
from giamngheo.plan.kinds.relative_change import RelativeChange
from giamngheo.plan.kinds.units_share import UnitsShare
from giamngheo.plan.kinds.yearly_flow import YearlyFlow

KINDS: dict[str, Kind] = {k.name: k for k in (Level(), AverageChange(), YearlyFlow(), Cumulative(), RelativeChange(),
                                               Milestone(), UnitsShare())}

__all__ = ["KINDS", "Condition", "FieldSpec", "Getter", "Kind", "Measure", "Missing", "compare", "kind_of", "measure",
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
    import numpy as np
    if m.base_level is None or m.target_level is None or m.level is None:
        return None
    base, tgt, proj = float(np.mean(m.base_level)), float(np.mean(m.target_level)), float(np.mean(m.level))
    if abs(tgt - base) < 1e-12:
        return None
    return (proj - base) / (tgt - base)

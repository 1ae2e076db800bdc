"""A kind carries what the rest of the code needs to know of it (giamngheo/plan/kinds/base.py: order,
chart, yearly, steady_change, relative): no code outside ``giamngheo/plan/kinds/`` compares a target's
kind to a kind's name."""
from __future__ import annotations

import ast
from pathlib import Path

from giamngheo.plan.kinds import KINDS, Kind

ROOT = Path(__file__).resolve().parents[2]


def _names(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return set().union(*(_names(e) for e in node.elts)) if node.elts else set()
    return set()


def kind_switches(source: str) -> list[int]:
    """Lines comparing ``<x>.kind`` to a target kind's name (``==``, ``!=``, ``in``, ``not in``)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and node.left.attr == "kind":
            if any(_names(c) & set(KINDS) for c in node.comparators):
                out.append(node.lineno)
    return out


def test_the_finder_finds_a_switch_on_a_kind_name():
    assert kind_switches('if tg.kind == "milestone":\n    pass\n') == [1]
    assert kind_switches('x = tg.kind in ("yearly_flow", "cumulative")\n') == [1]
    assert kind_switches('x = dflt.kind == "calibrated"\nx = kind_of(tg).relative\n') == []


def test_no_code_outside_the_kinds_switches_on_a_kind_name():
    files = [p for p in (ROOT / "giamngheo").rglob("*.py") if "kinds" not in p.relative_to(ROOT).parts[:3]]
    files += list((ROOT / "app_pages").glob("*.py")) + [ROOT / "app.py"]
    found = {str(p.relative_to(ROOT)): lines for p in files if (lines := kind_switches(p.read_text(encoding="utf-8")))}
    assert found == {}


def test_the_kinds_are_listed_in_their_own_order_and_their_metadata_is_known():
    assert list(KINDS) == sorted(KINDS, key=lambda k: (KINDS[k].order, k))
    assert list(KINDS)[:2] == ["level", "average_change"]            # the plan format's order, written by hand
    for k in KINDS.values():
        assert k.chart in ("line", "bars", "bars_rule", "none"), k.name
        assert isinstance(k.yearly, bool) and isinstance(k.relative, bool) and isinstance(k.steady_change, bool)
    assert {k.name for k in KINDS.values() if k.draws_bars} == {"yearly_flow", "cumulative"}
    assert {k.name for k in KINDS.values() if k.relative} == {"relative_change"}
    assert Kind.chart == "line" and not Kind.yearly          # a new kind's defaults

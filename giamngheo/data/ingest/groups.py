"""Groups against the registry: ``all``, the plan's model groups, and the communes of data/communes.csv."""
from __future__ import annotations

from typing import Any

from giamngheo.data import communes as cm
from giamngheo.data.observations import LINE_KEY, Problem


def group_problems(rows: list[dict[str, Any]], file: str, communes: cm.Communes,
                   plan_groups: tuple[str, ...] | None = None) -> list[Problem]:
    """A problem for each row whose group the registry does not know (row, column «group», reason)."""
    groups = cm.plan_groups() if plan_groups is None else plan_groups
    out = []
    for i, r in enumerate(rows):
        g = str(r.get("group") or "").strip() or "all"
        bad = cm.group_problem(g, communes, groups)
        if bad:
            line = r.get(LINE_KEY, i + 1)
            out.append(Problem(file, int(line), "group", g, bad[0], tuple(bad[1].items())))
    return out

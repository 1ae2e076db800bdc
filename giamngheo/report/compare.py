"""Side-by-side comparison of 2–4 scenarios as plain tables (no Streamlit): the verdict of every
target under each scenario, with the cells that differ from the first scenario marked (▲ better
verdict, ▼ worse, ● same verdict on a different result), and the assumptions whose values differ."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pandas as pd

from giamngheo.i18n import catalogue, field, fmt_num, t
from giamngheo.model.assess import Verdict
from giamngheo.plan.indicators import Indicator
from giamngheo.plan.targets import Plan
from giamngheo.report.board import board
from giamngheo.scenario.registry import Registry
from giamngheo.scenario.scenario import Scenario

# how good a verdict is, for marking a change as better (▲) or worse (▼)
RANK = {"achieved": 3, "on_track": 3, "at_risk": 2, "off_track": 1, "missed": 1, "no_data": 0}
BETTER, WORSE, OTHER = "▲", "▼", "●"


@dataclass
class VerdictTable:
    table: pd.DataFrame          # what is shown: number, target, then one column per scenario
    status: pd.DataFrame         # the status code behind each scenario cell (same shape as the scenario columns)
    changed: pd.DataFrame        # True where the verdict or its result differs from the first scenario's
    good: list[int]              # targets achieved or on track, per scenario
    scenario_columns: list[str]


def mark(ref: str, status: str, ref_result: str = "", result: str = "") -> str:
    """▲ a better verdict than the reference, ▼ a worse one, ● the same verdict on a different
    result (or a different verdict of the same rank), "" the same cell."""
    if status == ref:
        return OTHER if result != ref_result else ""
    r0, r1 = RANK.get(ref, 0), RANK.get(status, 0)
    return BETTER if r1 > r0 else WORSE if r1 < r0 else OTHER


def verdict_table(plan: Plan, indicators: dict[str, Indicator], runs: Sequence[tuple[str, list[Verdict]]],
                  lang: str) -> VerdictTable:
    """Rows: the plan's targets; one column per scenario: "mark verdict · result"."""
    col_no, col_target = t("compare.col_number", lang), t("compare.col_target", lang)
    boards = [(label, board(plan, indicators, verdicts, lang)) for label, verdicts in runs]
    ref = boards[0][1]
    # column by column (a table from a list of row dicts costs pandas three times as much, on every move)
    table: dict[str, list] = {col_no: [tg.number for tg in plan.targets],
                              col_target: [f"{field(tg, 'text', lang)} ({ref[i].year})" for i, tg in enumerate(plan.targets)]}
    status: dict[str, list[str]] = {}
    changed: dict[str, list[bool]] = {}
    for label, rows_b in boards:
        cells, st, ch = [], [], []
        for i in range(len(plan.targets)):
            b = rows_b[i]
            m = mark(ref[i].status, b.status, ref[i].result, b.result)
            cells.append((f"{m} " if m else "") + b.status_label + (f" · {b.result}" if b.result and b.result != "–" else ""))
            st.append(b.status)
            ch.append(bool(m))
        table[label], status[label], changed[label] = cells, st, ch
    labels = [label for label, _ in boards]
    good = [sum(1 for b in rows_b if b.good) for _, rows_b in boards]
    return VerdictTable(pd.DataFrame(table), pd.DataFrame(status, columns=labels),
                        pd.DataFrame(changed, columns=labels), good, labels)


def differing_rows(registry: Registry, scenarios: Sequence[tuple[str, Scenario]], lang: str) -> list[dict[str, str]]:
    """The assumptions whose values are not the same in every scenario, one row each (text cells; what the
    page sends as they are)."""
    resolved = [(label, registry.resolve(sc)) for label, sc in scenarios]
    rows = []
    for a in registry:
        vals = [r[a.id] for _, r in resolved]
        if max(vals) - min(vals) <= 1e-12:
            continue
        unit_key = f"unit.{a.unit}"
        row: dict[str, object] = {t("compare.col_assumption", lang): field(a, "label", lang),
                                  t("compare.col_unit", lang): t(unit_key, lang) if unit_key in catalogue() else a.unit}
        for (label, _), v in zip(resolved, vals):
            row[label] = fmt_num(v, lang, 0 if a.integer else None)
        rows.append(row)
    return rows

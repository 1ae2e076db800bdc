"""A level at a year, or in every year of a span: ``op`` (at_least / below / at_most) ``value``."""
from __future__ import annotations

from typing import Any

import numpy as np

from giamngheo.i18n import fmt_value, t
from giamngheo.plan.kinds.base import Condition, FieldSpec, Kind, Measure, need, sense_symbol, span

SENSE = {"at_least": ">=", "below": "<", "at_most": "<="}


class Level(Kind):
    name = "level"
    order = 0
    fields = {"op": FieldSpec("choice", choices=tuple(SENSE)), "value": FieldSpec("number"),
              "year": FieldSpec("year"), "from_year": FieldSpec("year", required=False)}

    def check(self, tg):
        if tg.from_year is not None and tg.from_year > tg.year:
            return [("from_year", "must not be after 'year'")]
        return []

    def is_every_year(self, tg) -> bool:
        return tg.from_year is not None

    def read_years(self, plan, tg):
        return span(tg.from_year, tg.year) if tg.from_year is not None else (tg.year,)

    def year_sense(self, tg) -> str:
        return SENSE[tg.op]

    def measure(self, plan, tg, get, base):
        years = self.read_years(plan, tg)
        stacked = np.stack([np.asarray(need(get, y), dtype=float) for y in years])
        worst = stacked.min(axis=0) if tg.op == "at_least" else stacked.max(axis=0)
        q = worst if stacked.ndim > 1 else float(worst)
        detail: dict[str, Any] = {}
        if len(years) > 1 and stacked.ndim == 1:
            detail = {"years_met": int(sum(self.holds_in_year(tg, v) for v in stacked)), "years": len(years)}
        return Measure(q=q, threshold=float(tg.value), sense=SENSE[tg.op], years=years, level=q,
                       target_level=float(tg.value), base_level=base[1] if base else None,
                       base_year=base[0] if base else None, detail=detail)

    def condition(self, plan, tg, known, nowcast):
        missing = [y for y in self.read_years(plan, tg) if y not in known]
        sym = sense_symbol(SENSE[tg.op])
        if tg.from_year is not None:
            return Condition("level_every", (("years", missing), ("sym", sym), ("v", float(tg.value))))
        return Condition("level", (("year", tg.year), ("sym", sym), ("v", float(tg.value))))

    def goal_text(self, plan, tg, ind, lang):
        s = f"{sense_symbol(SENSE[tg.op])} {fmt_value(ind, tg.value, lang)}"
        return s + (" " + t("board.every_year", lang, a=tg.from_year, b=tg.year) if tg.from_year else "")

    def result_text(self, tg, ind, v, lang):
        if v.value is None:
            return "–"
        if v.detail.get("failed_year"):
            return t("board.res_level_failed", lang, v=fmt_value(ind, v.value, lang), y=v.detail["failed_year"])
        return fmt_value(ind, v.value, lang)

"""A yearly amount in every year of a span (and, optionally, a total over it)."""
from __future__ import annotations

from typing import Any

import numpy as np

from giamngheo.i18n import fmt_num, t
from giamngheo.plan.kinds.base import Condition, FieldSpec, Kind, Measure, need, span


class YearlyFlow(Kind):
    name = "yearly_flow"
    order = 2
    chart = "bars_rule"
    yearly = True
    fields = {"value": FieldSpec("number"), "from_year": FieldSpec("year"), "year": FieldSpec("year"),
              "total": FieldSpec("number", required=False)}

    def check(self, tg):
        return [("from_year", "must not be after 'year'")] if tg.from_year > tg.year else []

    def is_every_year(self, tg) -> bool:
        return True

    def read_years(self, plan, tg):
        return span(tg.from_year, tg.year)

    def measure(self, plan, tg, get, base):
        years = self.read_years(plan, tg)
        vals = np.stack([np.asarray(need(get, yy), float) for yy in years])
        worst = vals.min(axis=0)
        total = vals.sum(axis=0)
        total_target = tg.total if tg.total is not None else tg.value * len(years)
        detail: dict[str, Any] = {"total_target": float(total_target)}
        if vals.ndim == 1:
            detail.update(total=float(total), years_met=int((vals >= tg.value - 1e-9).sum()), years=len(years))
            worst, total = float(worst), float(total)
        return Measure(q=worst, threshold=float(tg.value), sense=">=", years=years, level=total,
                       target_level=float(total_target), base_level=0.0, base_year=tg.from_year, detail=detail,
                       flow=True)

    def required_change(self, plan, tg, m, known, start):
        rest = [y for y in m.years if y not in known]
        if not rest:
            return None, None
        need_ = (float(np.mean(m.target_level)) - sum(known[y] for y in m.years if y in known)) / len(rest)
        return max(need_, float(tg.value), 0.0), rest[0] - 1

    def condition(self, plan, tg, known, nowcast):
        missing = [y for y in self.read_years(plan, tg) if y not in known]
        return Condition("flow", (("years", missing), ("v", float(tg.value))))

    def goal_text(self, plan, tg, ind, lang):
        return t("board.flow", lang, v=fmt_num(tg.value, lang, 0), a=tg.from_year, b=tg.year)

    def result_text(self, tg, ind, v, lang):
        if v.value is None:
            return "–"
        if v.detail.get("failed_year"):
            return t("board.res_flow_failed", lang, v=fmt_num(v.value, lang, 0), y=v.detail["failed_year"])
        return t("board.res_flow", lang, v=fmt_num(v.value, lang, 0), total=fmt_num(v.level, lang, 0))

    def required_text(self, tg, ind, v, lang):
        if v.required_change is None:
            return ""
        return t("board.req_flow", lang, v=fmt_num(v.required_change, lang, 0 if v.required_change >= 10 else 1))

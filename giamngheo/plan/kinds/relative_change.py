"""A level at a year no more than ``factor`` times its level at a base year (a year, or the first year
on a new poverty standard: ``base = "break"``)."""
from __future__ import annotations

import numpy as np

from giamngheo.i18n import fmt_pct, t
from giamngheo.plan.kinds.base import Condition, FieldSpec, Kind, Measure, Missing, need


class RelativeChange(Kind):
    name = "relative_change"
    order = 4
    relative = True
    fields = {"factor": FieldSpec("number"), "base": FieldSpec("year_or_break"), "year": FieldSpec("year")}

    def check(self, tg):
        return [] if tg.factor > 0 else [("factor", "must be positive")]

    def base_year(self, plan, tg):
        return plan.resolved_base_year(tg)

    def read_years(self, plan, tg):
        b = self.base_year(plan, tg)
        return (b, tg.year) if b is not None else (tg.year,)

    def measure(self, plan, tg, get, base):
        b = self.base_year(plan, tg)
        if b is None:
            raise Missing(tg.year)
        v0, v1 = need(get, b), need(get, tg.year)
        v0a, v1a = np.asarray(v0, float), np.asarray(v1, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            # from a zero base only zero meets v1 ≤ factor × v0
            pos = v0a > 0
            if pos.all():
                # every base above zero (a rate's draws, a goal seek's grid): the quotient the choice below
                # would take everywhere, without the two arrays it would throw away
                ratio = v1a / v0a
            else:
                ratio = np.where(pos, v1a / np.where(pos, v0a, 1.0), np.where(v1a > 0, np.inf, 0.0))
        q = ratio if np.ndim(ratio) else float(ratio)
        return Measure(q=q, threshold=float(tg.factor), sense="<=", years=(b, tg.year), level=v1,
                       target_level=v0a * tg.factor if np.ndim(v0a) else float(v0) * tg.factor,
                       base_level=v0, base_year=b, detail={"base_year": b})

    def condition(self, plan, tg, known, nowcast):
        b = self.base_year(plan, tg)
        if b is not None and b in known and tg.year not in known:
            return Condition("relative_end", (("year", tg.year), ("v", known[b] * tg.factor), ("b", b)))
        return Condition("relative", (("year", tg.year), ("b", b), ("pct", float(tg.factor))))

    def goal_text(self, plan, tg, ind, lang):
        return t("board.relative", lang, v=fmt_pct(tg.factor * 100, lang, 0), base=plan.resolved_base_year(tg))

    def result_text(self, tg, ind, v, lang):
        if v.value is None:
            return "–"
        return t("board.res_relative", lang, v=fmt_pct(v.value * 100, lang, 0))

"""A flag reached by a deadline: reached in ``deadline_year`` or before; reached later is missed."""
from __future__ import annotations

import numpy as np

from giamngheo.i18n import t
from giamngheo.plan.kinds.base import Condition, FieldSpec, Kind, Measure, Missing, span


class Milestone(Kind):
    name = "milestone"
    order = 5
    chart = "none"
    fields = {"deadline_year": FieldSpec("year"), "year": FieldSpec("year", required=False)}

    def target_year(self, tg):
        return int(tg.year if tg.year is not None else tg.deadline_year)

    def read_years(self, plan, tg):
        last = tg.year if tg.year is not None else tg.deadline_year + 1
        return span(plan.period[0], max(last, tg.deadline_year + 1))

    def measure(self, plan, tg, get, base):
        """q = the first year the flag is 1 (inf when never within the years read)."""
        first = None
        years = []
        for yy in self.read_years(plan, tg):
            v = get(yy)
            if v is None:
                continue
            years.append(yy)
            reached = np.asarray(v, float) >= 0.5
            cand = np.where(reached, yy, np.inf)
            first = cand if first is None else np.minimum(first, cand)
        if first is None:
            raise Missing(tg.deadline_year)
        q = first if np.ndim(first) else float(first)
        return Measure(q=q, threshold=float(tg.deadline_year), sense="<=", years=tuple(years), level=q,
                       target_level=float(tg.deadline_year),
                       detail={"reached_year": None if np.ndim(q) or np.isinf(q) else int(q)})

    def settled_early(self, tg, m, as_of):
        # settled once the deadline has passed (reached later is still missed), or once reached in time
        return as_of >= tg.deadline_year or bool(m.met())

    def required_change(self, plan, tg, m, known, start):
        return None, None

    def condition(self, plan, tg, known, nowcast):
        return Condition("milestone", (("year", tg.deadline_year + 1),))

    def goal_text(self, plan, tg, ind, lang):
        return t("board.milestone", lang, y=tg.deadline_year + 1)

    def result_text(self, tg, ind, v, lang):
        ry = v.value
        return t("board.res_milestone", lang, y=int(ry)) if ry and ry != float("inf") else t("board.res_not_reached", lang)

"""A count summed over a span (schools built over the period)."""
from __future__ import annotations

import numpy as np

from giamngheo.i18n import fmt_num, t, unit_suffix
from giamngheo.plan.kinds.base import Condition, FieldSpec, Kind, Measure, need, span


class Cumulative(Kind):
    name = "cumulative"
    order = 3
    chart = "bars"
    fields = {"value": FieldSpec("number"), "from_year": FieldSpec("year"), "year": FieldSpec("year")}

    def check(self, tg):
        return [("from_year", "must not be after 'year'")] if tg.from_year > tg.year else []

    def read_years(self, plan, tg):
        return span(tg.from_year, tg.year)

    def measure(self, plan, tg, get, base):
        years = self.read_years(plan, tg)
        total = np.stack([np.asarray(need(get, yy), float) for yy in years]).sum(axis=0)
        total = total if np.ndim(total) else float(total)
        return Measure(q=total, threshold=float(tg.value), sense=">=", years=years, level=total,
                       target_level=float(tg.value), base_level=0.0, base_year=tg.from_year, flow=True)

    def settled_early(self, tg, m, as_of):
        return None

    def required_change(self, plan, tg, m, known, start):
        rest = [y for y in m.years if y not in known]
        if not rest:
            return None, None
        need_ = (float(tg.value) - sum(known[y] for y in m.years if y in known)) / len(rest)
        return max(need_, 0.0), rest[0] - 1

    def condition(self, plan, tg, known, nowcast):
        years = self.read_years(plan, tg)
        missing = [y for y in years if y not in known]
        done = sum(known[y] for y in years if y in known)
        if done >= tg.value:
            return Condition("cumulative_done", (("n", float(done)),))   # formatted in the reader's language
        return Condition("cumulative", (("years", missing), ("more", float(tg.value - done)),
                                        ("total", float(tg.value)), ("a", tg.from_year), ("b", tg.year)))

    def goal_text(self, plan, tg, ind, lang):
        # with its unit: "≥ 12 trường (2021–2025)", never a bare count
        return t("board.cumulative", lang, v=fmt_num(tg.value, lang, 0) + unit_suffix(ind, lang), a=tg.from_year,
                 b=tg.year)

    def result_text(self, tg, ind, v, lang):
        if v.value is None:
            return "–"
        return fmt_num(v.value, lang, 0) + unit_suffix(ind, lang)

    def required_text(self, tg, ind, v, lang):
        if v.required_change is None:
            return ""
        return t("board.req_flow", lang, v=fmt_num(v.required_change, lang, 0 if v.required_change >= 10 else 1))

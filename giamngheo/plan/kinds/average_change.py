"""The average yearly change of a rate over a span (in points a year), optionally a range."""
from __future__ import annotations

from typing import Any

import numpy as np

from giamngheo.i18n import fmt_num, t
from giamngheo.plan.kinds.base import Condition, FieldSpec, Kind, Measure, need


class AverageChange(Kind):
    name = "average_change"
    order = 1
    yearly = True
    steady_change = True
    fields = {"direction": FieldSpec("choice", choices=("decrease", "increase")), "value": FieldSpec("number"),
              "value_high": FieldSpec("number", required=False), "base_year": FieldSpec("year"),
              "year": FieldSpec("year")}

    def check(self, tg):
        out = []
        if tg.base_year >= tg.year:
            out.append(("base_year", "must be before 'year'"))
        if tg.value_high is not None and tg.value_high < tg.value:
            out.append(("value_high", "must not be below 'value'"))
        return out

    def base_year(self, plan, tg):
        return tg.base_year

    def read_years(self, plan, tg):
        return (tg.base_year, tg.year)

    def _sign(self, tg) -> float:
        return -1.0 if tg.direction == "decrease" else 1.0

    def measure(self, plan, tg, get, base):
        b, y = tg.base_year, tg.year
        v0, v1 = need(get, b), need(get, y)
        n = y - b
        sign = self._sign(tg)
        q = sign * (np.asarray(v1, float) - v0) / n
        q = q if np.ndim(q) else float(q)
        detail: dict[str, Any] = {}
        if tg.value_high is not None and np.ndim(q) == 0:
            detail["top_of_range"] = bool(q >= tg.value_high - 1e-9)
        return Measure(q=q, threshold=float(tg.value), sense=">=", years=(b, y), level=v1,
                       target_level=v0 + sign * tg.value * n, base_level=v0, base_year=b, detail=detail)

    def condition(self, plan, tg, known, nowcast):
        b, y = tg.base_year, tg.year
        n = y - b
        sign = self._sign(tg)
        end_sym, base_sym = ("≤", "≥") if sign < 0 else ("≥", "≤")
        if b in known and y not in known:
            return Condition("avg_end", (("year", y), ("sym", end_sym), ("v", known[b] + sign * tg.value * n),
                                         ("b", b)))
        if y in known and b not in known:
            return Condition("avg_base", (("year", b), ("sym", base_sym), ("v", known[y] - sign * tg.value * n)))
        now = nowcast(y)
        if now is not None:
            return Condition("avg_base_about", (("year", b), ("sym", base_sym),
                                                ("v", float(np.mean(now)) - sign * tg.value * n), ("end", y)))
        return Condition("need_years", (("years", [b, y]),))

    def goal_text(self, plan, tg, ind, lang):
        rng = fmt_num(tg.value, lang) + (f"–{fmt_num(tg.value_high, lang)}" if tg.value_high else "")
        return t(f"board.avg_{tg.direction}", lang, v=rng, a=tg.base_year, b=tg.year)

    def result_text(self, tg, ind, v, lang):
        if v.value is None:
            return "–"
        return t(f"board.res_avg_{tg.direction}", lang, v=fmt_num(v.value, lang, 2))

"""A share of units (communes, hamlets) reaching a status by a year."""
from __future__ import annotations

import numpy as np

from giamngheo.i18n import fmt_num, fmt_pct, t
from giamngheo.plan.kinds.base import Condition, FieldSpec, Kind, Measure, need


class UnitsShare(Kind):
    name = "units_share"
    order = 6
    fields = {"units_total": FieldSpec("int"), "value": FieldSpec("number"), "year": FieldSpec("year")}

    def check(self, tg):
        return [] if 0 < tg.value <= 1 else [("value", "is a share and must lie in (0, 1]")]

    def measure(self, plan, tg, get, base):
        v = np.minimum(np.asarray(need(get, tg.year), float), tg.units_total)   # no more units than exist
        share = v / tg.units_total
        q = share if np.ndim(share) else float(share)
        return Measure(q=q, threshold=float(tg.value), sense=">=", years=(tg.year,),
                       level=v if np.ndim(v) else float(v),
                       target_level=float(np.ceil(tg.value * tg.units_total - 1e-9)),
                       base_level=base[1] if base else None, base_year=base[0] if base else None,
                       detail={"units_total": tg.units_total})

    def condition(self, plan, tg, known, nowcast):
        n = int(np.ceil(tg.value * tg.units_total - 1e-9))
        return Condition("units", (("year", tg.year), ("n", n), ("total", tg.units_total)))

    def goal_text(self, plan, tg, ind, lang):
        return t("board.units_share", lang, v=fmt_pct(tg.value * 100, lang, 0), n=tg.units_total)

    def result_text(self, tg, ind, v, lang):
        if v.value is None:
            return "–"
        return t("board.res_units", lang, n=fmt_num(v.level, lang, 0), total=tg.units_total)

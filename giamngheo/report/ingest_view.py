"""Text and tables for the data-entry pages: a problem as one line, problems and an upload's
changes as tables (headers in the user's language), group labels."""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from giamngheo.data import communes as cm
from giamngheo.data.ingest.merge import Merge
from giamngheo.data.observations import Problem
from giamngheo.i18n import fmt_num, t
from giamngheo.plan.indicators import Indicator, load_indicators


def describe(p: Problem, lang: str = "vi") -> str:
    """One line: ``Dòng 5, cột «Thoát nghèo»: «12,5» — số hộ phải là số nguyên``."""
    reason = t(f"problem.{p.code}", lang, **dict(p.params))
    if p.row is not None and p.column:
        where = t("ingest.where_row_col", lang, row=p.row, column=p.column)
    elif p.row is not None:
        where = t("ingest.where_row", lang, row=p.row)
    elif p.column:
        where = t("ingest.where_col", lang, column=p.column)
    else:
        where = t("ingest.where_file", lang, file=p.file)
    value = " ".join(p.value.split())
    shown = value if len(value) <= 40 else value[:37] + "…"
    return f"{where}: «{shown}» — {reason}" if shown != "" else f"{where}: {reason}"


def problems_frame(problems: Sequence[Problem], lang: str = "vi") -> pd.DataFrame:
    """Row, column, value, reason: for a table on screen (headers in the user's language)."""
    return pd.DataFrame({
        t("ingest.col_row", lang): [p.row if p.row is not None else "" for p in problems],
        t("ingest.col_column", lang): [p.column or "" for p in problems],
        t("ingest.col_value", lang): [p.value for p in problems],
        t("ingest.col_reason", lang): [t(f"problem.{p.code}", lang, **dict(p.params)) for p in problems],
    }).astype(str)


def group_label(group: str, lang: str = "vi", communes: cm.Communes | None = None) -> str:
    """``all`` → "Toàn huyện", ``khmer`` → "Hộ Khmer", ``xa:ham-tan:khmer`` → "Hàm Tân – Hộ Khmer"."""
    if group in ("all", "khmer"):
        return t(f"group.{group}", lang)
    p = cm.parse_group(group)
    if p is None:
        return group
    units = (communes or cm.load_communes()).by_group()
    u = units.get(f"{p[0]}:{p[1]}")
    name = (u.name + (" (2025)" if p[0] == cm.NEW else "")) if u else group
    return f"{name} – {t('group.khmer', lang)}" if p[2] else name


def diff_frame(m: Merge, lang: str = "vi", indicators: dict[str, Indicator] | None = None) -> pd.DataFrame:
    """What an upload would change, for a table on screen: the district's rows first (what the model
    reads), then each commune's."""
    indicators = indicators if indicators is not None else load_indicators()
    name = lambda i: (getattr(indicators.get(i), "name_en" if lang == "en" else "name_vi", i) if i in indicators else i)
    rows = [(t("ingest.change_changed" if o != n else "ingest.change_meta", lang), name(i), g, y, fmt_num(o, lang),
             fmt_num(n, lang)) for i, g, y, o, n in m.changed]
    rows += [(t("ingest.change_added", lang), name(i), g, y, "", "") for i, g, y in m.added]
    new_vals = {(str(r["indicator"]), str(r["group"]), int(r["year"])): r["value"] for r in m.rows}
    rows = [(a, b, group_label(c, lang), str(d), e, f if f else fmt_num(new_vals.get((ind, c, d)), lang),
             cm.is_commune_group(c))
            for (a, b, c, d, e, f), ind in zip(rows, [x[0] for x in m.changed] + [x[0] for x in m.added])]
    rows = [r[:6] for r in sorted(rows, key=lambda r: r[6])]          # stable: the order within each part stays
    return pd.DataFrame(rows, columns=[t("ingest.col_change", lang), t("ingest.col_indicator", lang),
                                       t("ingest.col_group", lang), t("ingest.col_year", lang),
                                       t("ingest.col_old", lang), t("ingest.col_new", lang)]).astype(str)

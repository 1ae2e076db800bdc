"""The verdict board: what the overview, the meeting view and the reports show for each target,
as plain data in the chosen language (no Streamlit here)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from giamngheo.i18n import field, fmt_value, t
from giamngheo.model.assess import GOOD, STATUSES, Verdict, tally
from giamngheo.plan.indicators import Indicator
from giamngheo.plan.kinds import kind_of
from giamngheo.plan.targets import Plan, Target


@dataclass
class BoardRow:
    target: str
    number: int
    area: str
    text: str
    reading: str
    indicator_name: str
    latest: str                 # latest actual value with its year
    latest_quality: str | None
    goal: str                   # the target, formatted
    year: int
    column: str                 # "period" (the plan period) or "horizon" (the orientation year)
    status: str
    status_label: str
    basis: str | None
    result: str                 # the tested quantity, formatted
    required: str               # required yearly change, formatted ('' when decided)
    probability: float | None
    official: bool              # every figure read is official
    condition: str = ""         # awaiting data: what would settle it
    short: str = ""             # a few words naming it (the plan's short name, else the indicator's name)

    @property
    def good(self) -> bool:
        return self.status in GOOD


def fmt_goal(plan: Plan, tg: Target, ind: Indicator, lang: str) -> str:
    return kind_of(tg).goal_text(plan, tg, ind, lang)


def fmt_result(tg: Target, ind: Indicator, v: Verdict, lang: str) -> str:
    if v.value is None:
        return "–"
    return kind_of(tg).result_text(tg, ind, v, lang)


def fmt_required(tg: Target, ind: Indicator, v: Verdict, lang: str) -> str:
    return kind_of(tg).required_text(tg, ind, v, lang)


def fmt_condition(v: Verdict, ind: Indicator, lang: str) -> str:
    """What would settle a target awaiting data, in words ('' when none)."""
    return v.condition.text(lang, ind) if v.condition is not None else ""


# A target's row depends only on the plan, the indicators, its verdict and the language. A lever move changes
# the verdicts of a few projected targets; the decided ones (most of the board) come back equal, so their rows
# are kept: per (plan, indicators, language, target) the last few (verdict, row) pairs, the plan and indicators
# held to tell them apart by identity, at most ROW_MEMO_SIZE keys. Rows are never changed after they are made.
ROW_MEMO_SIZE = 1024
ROW_MEMO_PER_TARGET = 4
_ROWS: "OrderedDict[tuple, tuple[Plan, dict, list[tuple[Verdict, BoardRow]]]]" = OrderedDict()
_ROWS_LOCK = threading.Lock()


def board(plan: Plan, indicators: dict[str, Indicator], verdicts: list[Verdict], lang: str) -> list[BoardRow]:
    rows = []
    by_id = {v.target: v for v in verdicts}
    for tg in plan.targets:
        v = by_id[tg.id]
        key = (id(plan), id(indicators), lang, tg.id)
        with _ROWS_LOCK:
            held = _ROWS.get(key)
            if held is not None and (held[0] is not plan or held[1] is not indicators):
                held = None
            row = next((r for hv, r in held[2] if _same(hv, v)), None) if held is not None else None
            if row is not None:
                _ROWS.move_to_end(key)
        if row is None:
            row = _row(plan, tg, indicators[tg.indicator], v, lang)
            with _ROWS_LOCK:
                got = _ROWS.get(key)
                pairs = got[2] if got is not None and got[0] is plan and got[1] is indicators else []
                _ROWS[key] = (plan, indicators, [*pairs[-(ROW_MEMO_PER_TARGET - 1):], (v, row)])
                _ROWS.move_to_end(key)
                while len(_ROWS) > ROW_MEMO_SIZE:
                    _ROWS.popitem(last=False)
        rows.append(row)
    return rows


def _same(a: Verdict, b: Verdict) -> bool:
    """Equal verdicts (a detail that cannot be compared, e.g. an array, counts as different: made anew)."""
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _row(plan: Plan, tg: Target, ind: Indicator, v: Verdict, lang: str) -> BoardRow:
    """One target's row of the board."""
    latest = "–"
    if v.last_actual_year is not None:
        if ind.kind == "flag" and v.last_actual_value is not None and v.last_actual_value >= 0.5:
            # a recognition: the year it came, in the words the verdict cell uses ("công nhận năm 2023")
            latest = t("board.flag_latest", lang, y=v.last_actual_year)
        else:
            latest = f"{fmt_value(ind, v.last_actual_value, lang)} ({v.last_actual_year})"
    return BoardRow(
        target=tg.id, number=tg.number, area=tg.area, text=field(tg, "text", lang),
        reading=field(tg, "reading", lang), indicator_name=field(ind, "name", lang) + (
            "" if tg.group == "all" else f" — {t('group.' + tg.group, lang)}"),
        latest=latest, latest_quality=v.last_actual_quality or v.data_quality, goal=fmt_goal(plan, tg, ind, lang), year=v.year,
        column="period" if v.year <= plan.period[1] else "horizon",
        status=v.status, status_label=status_label(v.status, lang), basis=v.basis,
        result=fmt_result(tg, ind, v, lang), required=fmt_required(tg, ind, v, lang),
        probability=v.probability, official=(v.data_quality in (None, "official", "review")),
        condition=fmt_condition(v, ind, lang),
        short=field(tg, "short", lang) or field(ind, "name", lang))


STATUS_ORDER = ("achieved", "missed", "awaiting_data", "on_track", "at_risk", "off_track", "no_data")


def status_label(status: str, lang: str) -> str:
    """The verdict's word; a status this file does not know yet still gets a readable word."""
    from giamngheo.i18n import catalogue
    for key in (f"status.{status}", f"screen.status_{status}"):
        if key in catalogue():
            return t(key, lang)
    return str(status).replace("_", " ")


def columns(plan: Plan, lang: str) -> list[tuple[str, str]]:
    """The verdict columns of the board: the plan period and the orientation year."""
    return [("period", f"{plan.period[0]}–{plan.period[1]}"), ("horizon", str(plan.horizon))]


def summary(rows: list[BoardRow]) -> dict[str, Any]:
    """The tally: real verdicts, awaiting data and projections counted separately."""
    counts = {s: 0 for s in STATUSES}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    return {"good": counts["achieved"] + counts["on_track"], "total": len(rows), "counts": counts,
            "decided": counts["achieved"] + counts["missed"], "awaiting": counts["awaiting_data"],
            "projected": counts["on_track"] + counts["at_risk"] + counts["off_track"]}


__all__ = ["BoardRow", "board", "columns", "fmt_condition", "fmt_goal", "fmt_required", "fmt_result", "fmt_value",
           "summary", "tally"]

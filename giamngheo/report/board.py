"""The verdict board: what the overview, the meeting view and the reports show for each target,
as plain data in the chosen language (no Streamlit here)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from giamngheo.model.assess import GOOD, Verdict
from giamngheo.i18n import field, fmt_num, fmt_pct, fmt_signed, t
from giamngheo.plan.indicators import Indicator
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

    @property
    def good(self) -> bool:
        return self.status in GOOD


def _unit(ind: Indicator, lang: str) -> str:
    if ind.unit == "percent":
        return "%"
    u = t(f"unit.{ind.unit}", lang) if ind.unit != "flag" else ""
    return u if u.startswith("/") or not u else " " + u


def fmt_value(ind: Indicator, v: float | None, lang: str) -> str:
    if v is None:
        return "–"
    if ind.unit == "percent":
        return fmt_num(v, lang) + "%"
    if ind.kind == "flag":
        return t("board.flag_yes" if v >= 0.5 else "board.flag_no", lang)
    dec = 0 if ind.kind in ("count", "flow") else 2
    return fmt_num(v, lang, dec if dec == 0 else None) + _unit(ind, lang)


def fmt_goal(plan: Plan, tg: Target, ind: Indicator, lang: str) -> str:
    k = tg.kind
    if k == "level":
        sym = {"at_least": "≥", "below": "<", "at_most": "≤"}[tg.op]
        s = f"{sym} {fmt_value(ind, tg.value, lang)}"
        return s + (" " + t("board.every_year", lang, a=tg.from_year, b=tg.year) if tg.from_year else "")
    if k == "average_change":
        rng = fmt_num(tg.value, lang) + (f"–{fmt_num(tg.value_high, lang)}" if tg.value_high else "")
        return t(f"board.avg_{tg.direction}", lang, v=rng, a=tg.base_year, b=tg.year)
    if k == "yearly_flow":
        return t("board.flow", lang, v=fmt_num(tg.value, lang, 0), a=tg.from_year, b=tg.year)
    if k == "cumulative":
        return t("board.cumulative", lang, v=fmt_num(tg.value, lang, 0), a=tg.from_year, b=tg.year)
    if k == "relative_change":
        return t("board.relative", lang, v=fmt_pct(tg.factor * 100, lang, 0), base=plan.resolved_base_year(tg))
    if k == "milestone":
        return t("board.milestone", lang, y=tg.deadline_year + 1)
    if k == "units_share":
        return t("board.units_share", lang, v=fmt_pct(tg.value * 100, lang, 0), n=tg.units_total)
    return ""


def fmt_result(tg: Target, ind: Indicator, v: Verdict, lang: str) -> str:
    if v.value is None:
        return "–"
    k = tg.kind
    if k == "average_change":
        return t(f"board.res_avg_{tg.direction}", lang, v=fmt_num(v.value, lang, 2))
    if k == "yearly_flow":
        if v.detail.get("failed_year"):
            return t("board.res_flow_failed", lang, v=fmt_num(v.value, lang, 0), y=v.detail["failed_year"])
        tot = v.level
        return t("board.res_flow", lang, v=fmt_num(v.value, lang, 0), total=fmt_num(tot, lang, 0))
    if k == "relative_change":
        return t("board.res_relative", lang, v=fmt_pct(v.value * 100, lang, 0))
    if k == "milestone":
        ry = v.value
        return t("board.res_milestone", lang, y=int(ry)) if ry and ry != float("inf") else t("board.res_not_reached", lang)
    if k == "units_share":
        return t("board.res_units", lang, n=fmt_num(v.level, lang, 0), total=tg.units_total)
    if k == "cumulative":
        return fmt_num(v.value, lang, 0) + _unit(ind, lang)
    if k == "level" and v.detail.get("failed_year"):
        return t("board.res_level_failed", lang, v=fmt_value(ind, v.value, lang), y=v.detail["failed_year"])
    return fmt_value(ind, v.value, lang)


def fmt_required(tg: Target, ind: Indicator, v: Verdict, lang: str) -> str:
    if v.required_change is None:
        return ""
    if tg.kind in ("yearly_flow", "cumulative"):
        return t("board.req_flow", lang, v=fmt_num(v.required_change, lang, 0 if v.required_change >= 10 else 1))
    if ind.unit == "percent":
        return f"{fmt_signed(v.required_change, lang, 2)} {t('unit.pp_year', lang)}"
    dec = 0 if ind.kind in ("count", "flow") and abs(v.required_change) >= 10 else 2
    return f"{fmt_signed(v.required_change, lang, dec)}{_unit(ind, lang)}{t('board.per_year', lang)}"


def board(plan: Plan, indicators: dict[str, Indicator], verdicts: list[Verdict], lang: str) -> list[BoardRow]:
    rows = []
    for tg, v in zip(plan.targets, verdicts):
        ind = indicators[tg.indicator]
        latest = "–"
        if v.last_actual_year is not None:
            latest = f"{fmt_value(ind, v.last_actual_value, lang)} ({v.last_actual_year})"
        rows.append(BoardRow(
            target=tg.id, number=tg.number, area=tg.area, text=field(tg, "text", lang),
            reading=field(tg, "reading", lang), indicator_name=field(ind, "name", lang) + (
                "" if tg.group == "all" else f" — {t('group.' + tg.group, lang)}"),
            latest=latest, latest_quality=v.data_quality, goal=fmt_goal(plan, tg, ind, lang), year=v.year,
            column="period" if v.year <= plan.period[1] else "horizon",
            status=v.status, status_label=status_label(v.status, lang), basis=v.basis,
            result=fmt_result(tg, ind, v, lang), required=fmt_required(tg, ind, v, lang),
            probability=v.probability, official=(v.data_quality in (None, "official"))))
    return rows


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
    counts = {s: 0 for s in STATUS_ORDER}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    return {"good": counts["achieved"] + counts["on_track"], "total": len(rows), "counts": counts}

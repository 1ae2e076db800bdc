"""What both reports share: the report's metadata, dates in the Vietnamese manner, the changed
assumptions, the key charts, file names, and the neutralising of text that would start a formula."""
from __future__ import annotations

import calendar
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime, timedelta, timezone
from typing import Any

import pandas as pd

from giamngheo.i18n import field, fmt_num, t
from giamngheo.model.assess import STATUSES, Verdict
from giamngheo.model.engine import Context, run
from giamngheo.model.projection import Projection
from giamngheo.plan.kinds import kind_of
from giamngheo.report import charts, views
from giamngheo.scenario.scenario import Scenario

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FMT_COUNT = "#,##0"
FMT_DEC = "#,##0.00"
FMT_YEAR = "0"
FMT_PROB = "0%"
FMT_DATETIME = "dd/mm/yyyy hh:mm"
DOC_FONT = "Times New Roman"
KEY_ASSUMPTIONS = ("poor_fall", "khmer_poor_fall", "jobs", "overseas")

STATUS_ORDER = STATUSES
ADMIN_PREFIXES = ("thành phố", "thị xã", "thị trấn", "huyện", "quận", "tỉnh", "xã", "phường")
VN_TZ = timezone(timedelta(hours=7))     # the date on a report is the date in Việt Nam, wherever the server is


def is_demo_data(ctx: Context) -> bool:
    """Whether the data in use are the demo dataset (illustrative figures): every export says so."""
    from giamngheo.paths import is_demo
    ds = getattr(ctx.obs, "dataset", None)
    return bool(ds) and is_demo(ds)


def now_vn() -> datetime:
    """Now in Việt Nam (UTC+7, no daylight saving), as a naive datetime for Excel and Word."""
    return datetime.now(VN_TZ).replace(tzinfo=None, microsecond=0)


# ------------------------------------------------------------------------------------------ helpers

def starts_formula(value: Any) -> bool:
    """Would a spreadsheet read this text as a formula (it starts with ``= + - @``, tab or CR)?"""
    return isinstance(value, str) and value.startswith(FORMULA_START)


# zero-width (non-)joiners build emoji and some scripts: they stay; every other format character goes
_KEEP_FORMAT = {"\u200c", "\u200d"}


def clean_text(value: Any) -> Any:
    """The one cleaning of every text an export writes (Excel cells, CSV, Word): bidirectional
    controls (U+202E turns the text around it, U+2066–2069 isolates) and every other invisible
    format character are removed, control characters too except line break and tab; a line or
    paragraph separator becomes a line break. Anything that is not a string is returned as it is."""
    if not isinstance(value, str) or value.isascii() and value.isprintable():
        return value
    out = []
    for ch in value:
        cat = unicodedata.category(ch)
        if cat == "Cc":
            if ch in "\n\t":
                out.append(ch)
            elif ch == "\r":
                continue
        elif cat in ("Zl", "Zp"):
            out.append("\n")
        elif cat == "Cf" and ch not in _KEEP_FORMAT:
            continue
        else:
            out.append(ch)
    return "".join(out)


def safe_text(value: Any) -> Any:
    """A string that cannot be read as a formula in a CSV file: a leading ``'`` before ``= + - @``
    (tab, CR), and cleaned (``clean_text``). The workbook does not need the quote: its cells are
    typed as text (see ``xlsx.put``)."""
    value = clean_text(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass
class ReportMeta:
    """What a report says about its scenario besides the numbers (all optional, all user text)."""

    scenario_name: str = ""
    author: str = ""
    note: str = ""
    saved_at: str = ""
    data_version: str = ""
    generated: datetime = dc_field(default_factory=now_vn)

    @classmethod
    def of_saved(cls, saved: Any, lang: str = "vi", **kw: Any) -> "ReportMeta":
        """From a saved scenario (a ``store.SavedScenario``): its name, author, note and when it was saved
        (with the data version it was made on; the report's own figures are those of the data in use)."""
        from giamngheo.store import fmt_time

        when = getattr(saved, "updated_at", "") or ""
        saved_at = fmt_time(when, lang) if when else ""
        dv = getattr(saved, "data_version", None)
        if dv is not None:
            saved_at += " · " + t("export.saved_on_version", lang, v=dv)
        return cls(scenario_name=getattr(saved, "name", ""), author=getattr(saved, "author", ""),
                   note=getattr(saved, "note", ""), saved_at=saved_at, **kw)


def place_name(plan: Any) -> str:
    """The place in the date line: ``place_vi`` from the plan file, else the locality without its
    administrative word ("Huyện Trà Cú, tỉnh Trà Vinh" -> "Trà Cú")."""
    explicit = plan.extra.get("place_vi") if isinstance(plan.extra, dict) else None
    if explicit:
        return str(explicit)
    first = (plan.locality_vi or plan.locality_en or "").split(",")[0].strip()
    low = first.lower()
    for p in ADMIN_PREFIXES:
        if low.startswith(p + " "):
            return first[len(p) + 1:].strip()
    return first


def date_words(d: datetime, lang: str) -> str:
    """``ngày 05 tháng 6 năm 2025`` (a day below 10 and months 1–2 with a leading zero) or ``5 June 2025``."""
    if lang == "vi":
        day = f"{d.day:02d}"
        month = f"{d.month:02d}" if d.month < 3 else str(d.month)
        return t("export.date_words", lang, d=day, m=month, y=d.year)
    return t("export.date_words", lang, d=d.day, m=calendar.month_name[d.month], y=d.year)


def place_date(plan: Any, d: datetime, lang: str) -> str:
    return f"{place_name(plan)}, {date_words(d, lang)}"


def generated_text(d: datetime, lang: str) -> str:
    return d.strftime("%d/%m/%Y %H:%M") if lang == "vi" else d.strftime("%Y-%m-%d %H:%M")


def scenario_label(meta: ReportMeta, lang: str) -> str:
    return meta.scenario_name.strip() or t("export.current_scenario", lang)


def headline_targets_of(plan: Any) -> list:
    """The targets the headline answers: the poor rate in the horizon year (all households first)."""
    tgs = [tg for tg in plan.targets if tg.indicator == "poor_rate" and tg.year == plan.horizon]
    return sorted(tgs, key=lambda tg: (tg.group != "all", tg.number))


def headline_lines(plan: Any, verdicts: list[Verdict], lang: str) -> list[str]:
    """«Năm 2030, tỷ lệ hộ nghèo toàn địa bàn (dự báo) là 2,50%, mục tiêu không quá 1,77% (chỉ tiêu 24):
    Có nguy cơ; khả năng đạt 23%.» — one sentence per headline target, numbers in the language's format."""
    from giamngheo.i18n import fmt_pct
    from giamngheo.report.board import status_label

    L, out = lang, []
    by_id = {v.target: v for v in verdicts}
    for tg in headline_targets_of(plan):
        v = by_id.get(tg.id)
        if v is None:
            continue
        who = t("reports.who_all", L) if tg.group == "all" else t(f"group.{tg.group}", L)
        chance = (t("need.chance", L, p=fmt_pct(100 * v.probability, L, 0)) if v.probability is not None
                  else t("reports.no_chance", L))
        level = fmt_pct(v.level, L, 2) if v.level is not None else "–"
        out.append(t("reports.headline", L, year=v.year, who=who, basis=t(f"basis.{v.basis}", L) if v.basis else "",
                     level=level, goal=fmt_pct(v.target_level, L, 2) if v.target_level is not None else "–",
                     n=tg.number, status=status_label(v.status, L), chance=chance))
    return out


def changed_values(ctx: Context, scenario: Scenario, lang: str) -> list[tuple[str, str]]:
    """(label, "value (default d)") of every assumption the scenario moves from its default."""
    out = []
    for aid, v in scenario.values:
        if aid not in ctx.registry or v == ctx.registry[aid].default:
            continue
        a = ctx.registry[aid]
        out.append((field(a, "label", lang), t("export.changed_value", lang, v=fmt_num(v, lang),
                                                d=fmt_num(a.default, lang))))
    return out


def _source_ids(src: str) -> list[str]:
    return [s for s in str(src).split("+") if s]


def _number_format(kind: str | None, unit: str | None) -> str:
    if kind in ("count", "flow") or unit in ("households", "people", "workers", "schools", "communes"):
        return FMT_COUNT
    return FMT_DEC


def _results(ctx: Context, scenario: Scenario, proj: Projection | None,
             verdicts: list[Verdict] | None) -> tuple[Projection, list[Verdict]]:
    if proj is None or verdicts is None:
        return run(ctx, scenario)
    return proj, verdicts


# ------------------------------------------------------------------------------------------ Excel

def _group(g: str, lang: str) -> str:
    return t(f"group.{g}", lang) if views._has(f"group.{g}") else g


def unit_label(unit: str | None, lang: str) -> str:
    """A unit in the reader's language ("lần", "điểm %/năm"); a unit no locale names is left blank,
    never shown as its code."""
    if not unit:
        return ""
    if unit == "percent":
        return "%"
    return t(f"unit.{unit}", lang) if views._has(f"unit.{unit}") else ""


def _unit(ind: Any, lang: str) -> str:
    return "" if ind is None else unit_label(ind.unit, lang)


# the model's own series (not indicators of the plan): their names in the reader's language
SERIES_NAMES = {"poor_exits_pace": "poverty.ch_base", "poor_exits_jobs": "poverty.ch_jobs",
                "poor_exits_overseas": "poverty.ch_overseas", "poor_exits_no_work": "poverty.ch_no_work",
                "poor_shock": "reports.series_poor_shock", "poor_new": "poverty.in_new",
                "poor_returning": "poverty.in_returning"}


def series_name(ctx: Context, ind_id: str, lang: str) -> str:
    """An indicator's or a model series' name, never its code (a series nobody named: "–")."""
    if ind_id in ctx.indicators:
        return field(ctx.indicators[ind_id], "name", lang)
    key = SERIES_NAMES.get(ind_id)
    return t(key, lang) if key and views._has(key) else "–"


def series_unit(ctx: Context, ind_id: str, lang: str) -> str:
    if ind_id in ctx.indicators:
        return _unit(ctx.indicators[ind_id], lang)
    return t("unit.households", lang) if ind_id in SERIES_NAMES else ""


def method_label(method: str | None, ctx: Context, lang: str) -> str:
    """How a value was obtained, in words: data, estimate, the household model, an assumption, a trend."""
    import re

    m = str(method or "")
    if m in ("data", "nowcast", "stock_flow"):
        return t(f"reports.method_{m}", lang)
    if m.startswith("assumption:"):
        aid = m.split(":", 1)[1]
        label = field(ctx.registry[aid], "label", lang) if aid in ctx.registry else ""
        return t("reports.method_assumption", lang, a=label)
    if (g := re.fullmatch(r"trend_ols\((\d{4})\D(\d{4})\)", m)):
        return t("reports.method_trend", lang, a=g.group(1), b=g.group(2))
    if (g := re.fullmatch(r"flat\((\d{4})\)", m)):
        return t("reports.method_flat", lang, y=g.group(1))
    return t("reports.method_model", lang)


@dataclass
class KeyChart:
    name: str           # file-name slug
    title: str
    chart: Any          # a Vega-Lite dict (giamngheo.report.charts)
    data: pd.DataFrame


def key_chart_count(ctx: Context, proj: Projection) -> int:
    """How many charts :func:`key_charts` gives, without building any (the report page says it)."""
    n = sum(proj.path(ind, "all") is not None for ind in ("poor_rate", "near_poor_rate"))
    n += proj.path("jobs_created", "all") is not None and "jobs_created" in ctx.indicators
    n += any(i in ctx.indicators and proj.path(i, "all") is not None
             for i in ("trained_labour_rate", "certified_labour_rate"))
    return int(n)


def key_charts(ctx: Context, proj: Projection, verdicts: list[Verdict], lang: str) -> list[KeyChart]:
    """The charts a report shows: poor and near-poor rates (all vs the named groups, with the targets and
    the standard break), jobs created against the yearly target, trained and certified labour."""
    plan, L = ctx.plan, lang
    brk = plan.standard.break_year if plan.standard else None
    groups = ["all"] + ctx.groups
    out: list[KeyChart] = []
    for ind, key in (("poor_rate", "poverty.poor_chart"), ("near_poor_rate", "poverty.near_chart")):
        if proj.path(ind, "all") is None:
            continue
        items = [(ind, g, t(f"group.{g}", L)) for g in groups]
        df = charts.path_frame(proj, items, L, break_year=brk, from_year=plan.period[0])
        marks = [m for g in groups for m in views.target_marks(plan, verdicts, ind, g, L)]
        out.append(KeyChart(ind, t(key, L), charts.line_chart(df, t(key, L), L, targets=marks, break_year=brk), df))
    ind = "jobs_created"
    if proj.path(ind, "all") is not None and ind in ctx.indicators:
        name = field(ctx.indicators[ind], "name", L)
        df = charts.path_frame(proj, [(ind, "all", name)], L, from_year=plan.period[0]).drop_duplicates(["year"])
        tg = next((x for x in plan.targets if x.indicator == ind and kind_of(x).chart == "bars_rule"), None)
        chart = charts.bar_chart(df, "year", "value", "basis_label", t("unit.workers", L), L,
                                 rule=tg.value if tg else None,
                                 rule_label=f"{t('chart.target', L)}: {fmt_num(tg.value, L, 0)}" if tg else "")
        out.append(KeyChart(ind, name, chart, df))
    items = [(i, "all", field(ctx.indicators[i], "name", L)) for i in ("trained_labour_rate", "certified_labour_rate")
             if i in ctx.indicators and proj.path(i, "all") is not None]
    if items:
        df = charts.path_frame(proj, items, L, from_year=plan.period[0])
        marks = [m for i, _, _ in items for m in views.target_marks(plan, verdicts, i, "all", L)]
        out.append(KeyChart("trained-labour", t("labour.trained", L), charts.line_chart(df, "%", L, targets=marks), df))
    return out


# ------------------------------------------------------------------------------------------ Word

def file_name(plan: Any, kind: str, d: datetime, lang: str = "vi", report: str = "review") -> str:
    """``bao-cao-<plan>-<yyyymmdd>.xlsx`` (``-en`` before the extension for an English report); the final
    review is ``bao-cao-tong-ket-<plan>-<yyyymmdd>.docx``."""
    ext = {"xlsx": "xlsx", "docx": "docx"}[kind]
    stem = "bao-cao-tong-ket" if report == "final" else "bao-cao"
    return f"{stem}-{plan.id}-{d:%Y%m%d}{'' if lang == 'vi' else '-' + lang}.{ext}"

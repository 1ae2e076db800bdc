"""The reports staff hand in: an Excel workbook and a Word report of a scenario, in Vietnamese or English.

No Streamlit here: ``workbook_bytes`` and ``docx_bytes`` take the context, the scenario and its results
and return the file's bytes, so the app, the CLI and the tests make the same files.

Excel (openpyxl)
- Numbers are written as numbers, never as formatted text, so they sum and chart. Their display format
  is the *invariant* Excel code (``#,##0`` for counts, ``#,##0.00`` for rates, ``0%`` for probabilities,
  ``0`` for years): in a format code ``,`` means "thousands separator" and ``.`` "decimal point", and
  Excel (and LibreOffice) draw them with the separators of the reader's regional setting. Under a
  Vietnamese setting ``43369`` shows as ``43.369`` and ``2.33`` as ``2,33``; writing the code as
  ``#.##0,0`` would be wrong (Excel would read the ``.`` as the decimal point). The "About" sheet says so.
- Text that would start a formula is neutralised: any string cell beginning with ``=``, ``+``, ``-``,
  ``@`` (or a tab / carriage return) is written with a leading apostrophe ``'`` and as a string cell.
  The apostrophe is the OWASP advice for spreadsheet formula injection: it stays visible and harmless
  in Excel, in LibreOffice and in a CSV saved from either (a zero-width character would be invisible
  and survive a save as CSV just as well, but looks identical to the original and confuses a search).
  Every string cell goes through the same check, not only user text (scenario name, author, note,
  source notes), so a new column cannot forget it.

Word (python-docx), in the manner of a Vietnamese administrative report (Nghị định 30/2020/NĐ-CP):
the issuing body and the national motto side by side, place and date ("Trà Cú, ngày 05 tháng 6 năm
2025": a day below 10 and the months 1 and 2 take a leading zero), the title, then I. summary,
II. a table per area, III. the key charts as PNG images (vl-convert, font Noto Sans, which has the
Vietnamese diacritics), IV. the scenario's assumptions, V. the sources, and the statement that ◇
figures are not official. Text is Times New Roman 13 pt, the usual font of Vietnamese documents.
"""
from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass, field as dc_field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Sequence

import pandas as pd

from giamngheo.report import board as board_mod
from giamngheo.report import charts, views
from giamngheo.model.assess import STATUSES, Verdict
from giamngheo.scenario.assumptions import Scenario
from giamngheo.model.engine import Context, run
from giamngheo.i18n import field, fmt_num, fmt_pct, t
from giamngheo.model.projection import Projection

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

STATUS_FILL = {   # the board's colours (ui/board_view.COLORS), background and text
    "achieved": ("0B6B3A", "FFFFFF"), "on_track": ("2E9D5B", "FFFFFF"), "at_risk": ("F2B705", "1A1A1A"),
    "off_track": ("C0392B", "FFFFFF"), "missed": ("7D1F16", "FFFFFF"), "no_data": ("9AA0A6", "1A1A1A"),
}
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

def safe_text(value: Any) -> Any:
    """A string that cannot be read as a formula: a leading ``'`` before ``= + - @`` (tab, CR)."""
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

SHEETS = ("about", "verdicts", "projection_long", "projection_wide", "assumptions", "observations", "sources")


def sheet_names(lang: str) -> list[str]:
    return [t(f"export.sheet_{s}", lang) for s in SHEETS]


class _Sheet:
    """A thin writer over an openpyxl sheet: a header row, typed cells, formats, widths."""

    def __init__(self, ws: Any, header: Sequence[str], widths: Sequence[int] | None = None):
        from openpyxl.styles import Alignment, Font, PatternFill

        self.ws = ws
        self.row = 1
        for c, h in enumerate(header, 1):
            cell = ws.cell(row=1, column=c, value=safe_text(h))
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F4E79")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for c, w in enumerate(widths or [], 1):
            ws.column_dimensions[_col(c)].width = w
        ws.freeze_panes = "A2"
        self.ncols = len(header)

    def add(self, values: Sequence[Any], formats: dict[int, str] | None = None) -> int:
        self.row += 1
        for c, v in enumerate(values, 1):
            put(self.ws, self.row, c, v, (formats or {}).get(c))
        return self.row

    def finish(self) -> None:
        if self.row > 1:
            self.ws.auto_filter.ref = f"A1:{_col(self.ncols)}{self.row}"


def _col(n: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(n)


def put(ws: Any, row: int, col: int, value: Any, number_format: str | None = None) -> Any:
    """Write one cell: numbers as numbers (with ``number_format``), strings neutralised and typed as text."""
    from openpyxl.styles import Alignment

    if isinstance(value, float) and value != value:  # NaN: an empty cell
        value = None
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"            # never a formula, whatever the text
        if len(value) > 40:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    else:
        cell.value = value
        if number_format and isinstance(value, (int, float)) and not isinstance(value, bool):
            cell.number_format = number_format
    return cell


def workbook_bytes(ctx: Context, scenario: Scenario, lang: str, meta: ReportMeta | None = None,
                   proj: Projection | None = None, verdicts: list[Verdict] | None = None) -> bytes:
    """The scenario's workbook: about, verdicts, projection (long, wide), assumptions, observations, sources."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    meta = meta or ReportMeta(scenario_name=scenario.name)
    proj, verdicts = _results(ctx, scenario, proj, verdicts)
    plan, L = ctx.plan, lang
    rows = board_mod.board(plan, ctx.indicators, verdicts, L)
    names = sheet_names(L)
    wb = Workbook()
    ws_about = wb.active
    ws_about.title = names[0]
    sheets = {"about": ws_about}
    for key, name in zip(SHEETS[1:], names[1:]):
        sheets[key] = wb.create_sheet(name)

    # -- verdicts
    has_prob = any(v.probability is not None for v in verdicts)
    head = [t(f"export.col_{c}", L) for c in ("number", "id", "area", "target", "indicator", "latest", "latest_year",
                                               "unit", "latest_status", "goal", "year", "period", "status", "basis",
                                               "result", "required", "condition")]
    if has_prob:
        head.append(t("export.col_probability", L))
    head.append(t("export.col_mark", L))
    sh = _Sheet(sheets["verdicts"], head, [5, 6, 18, 48, 28, 12, 8, 12, 14, 26, 8, 11, 14, 10, 26, 22, 40, 11, 5][:len(head)])
    by_id = {v.target: v for v in verdicts}
    for tg, r in zip(plan.targets, rows):
        v = by_id[tg.id]
        ind = ctx.indicators[tg.indicator]
        unit = "%" if ind.unit == "percent" else (t(f"unit.{ind.unit}", L) if views._has(f"unit.{ind.unit}") else ind.unit)
        period = dict(board_mod.columns(plan, L))[r.column]
        values: list[Any] = [tg.number, tg.id, t(f"area.{tg.area}", L), r.text, r.indicator_name,
                             v.last_actual_value, v.last_actual_year, unit,
                             t(f"quality.{r.latest_quality}", L) if r.latest_quality else "", r.goal, r.year, period,
                             r.status_label, t(f"basis.{r.basis}", L) if r.basis else "", r.result, r.required,
                             r.condition]
        if has_prob:
            values.append(r.probability)
        values.append("" if r.official else "◇")
        n = sh.add(values, {1: FMT_YEAR, 6: _number_format(ind.kind, ind.unit), 7: FMT_YEAR, 11: FMT_YEAR,
                            18: FMT_PROB})
        bg, fg = STATUS_FILL.get(r.status, ("FFFFFF", "000000"))
        cell = sh.ws.cell(row=n, column=13)
        cell.fill = PatternFill("solid", fgColor=bg)
        cell.font = Font(bold=True, color=fg)
    sh.finish()

    # -- projection, long
    pct = (10, 50, 90) if proj.n_draws else ()
    long = proj.long(pct)
    head = [t(f"export.col_{c}", L) for c in ("indicator_id", "indicator", "group", "year", "value", "unit",
                                               "basis", "method")] + [f"P{q}" for q in pct]
    sh = _Sheet(sheets["projection_long"], head, [24, 36, 18, 8, 14, 12, 10, 24] + [12] * len(pct))
    for r in long.itertuples(index=False):
        ind = ctx.indicators.get(r.indicator)
        fmt = _number_format(ind.kind if ind else None, ind.unit if ind else None)
        vals = [r.indicator, field(ind, "name", L) if ind else r.indicator, _group(r.group, L), int(r.year),
                float(r.value), _unit(ind, L), t(f"basis.{r.basis}", L), r.method]
        vals += [float(getattr(r, f"p{q}")) for q in pct]
        sh.add(vals, {4: FMT_YEAR, 5: fmt, **{9 + i: fmt for i in range(len(pct))}})
    sh.finish()

    # -- projection, wide (projected years in italics on a pale fill)
    years = sorted({int(y) for y in long["year"]}) if not long.empty else []
    head = [t("export.col_indicator", L), t("export.col_group", L), t("export.col_unit", L)] + [str(y) for y in years]
    sh = _Sheet(sheets["projection_wide"], head, [36, 18, 12] + [10] * len(years))
    pale = PatternFill("solid", fgColor="EAF1FB")
    for (ind_id, grp), p in proj.paths.items():
        ind = ctx.indicators.get(ind_id)
        fmt = _number_format(ind.kind if ind else None, ind.unit if ind else None)
        n = sh.add([field(ind, "name", L) if ind else ind_id, _group(grp, L), _unit(ind, L)]
                   + [p.values.get(y) for y in years], {4 + i: fmt for i in range(len(years))})
        for i, y in enumerate(years):
            if y in p.values and y not in p.actual:
                c = sh.ws.cell(row=n, column=4 + i)
                c.font = Font(italic=True, color="1F4E79")
                c.fill = pale
    sh.finish()

    # -- assumptions (the method page's table, with the numbers as numbers)
    arows = views.assumption_rows(ctx, scenario, L)
    resolved = ctx.registry.resolve(scenario)
    items = list(ctx.registry)
    col_value, col_default = t("assumptions.col_value", L), t("assumptions.col_default", L)
    sh = _Sheet(sheets["assumptions"], list(arows.columns), [20, 40, 10, 10, 14, 16, 70])
    for a, (_, r) in zip(items, arows.iterrows()):
        vals = []
        for col in arows.columns:
            if col == col_value:
                vals.append(float(resolved[a.id]))
            elif col == col_default:
                vals.append(float(a.default))
            else:
                vals.append(str(r[col]))
        fmt = FMT_COUNT if a.integer else "#,##0.0##"
        n = sh.add(vals, {i + 1: fmt for i, col in enumerate(arows.columns) if col in (col_value, col_default)})
        if resolved[a.id] != a.default:
            for c in range(1, len(vals) + 1):
                sh.ws.cell(row=n, column=c).font = Font(bold=True)
    sh.finish()

    # -- observations with their sources and statuses
    sources = ctx.obs.sources
    head = [t(f"export.col_{c}", L) for c in ("indicator_id", "indicator", "group", "year", "value", "unit",
                                               "obs_status", "source", "source_title", "link", "note")]
    sh = _Sheet(sheets["observations"], head, [24, 36, 18, 8, 14, 12, 20, 22, 44, 30, 60])
    for r in ctx.obs.df.itertuples(index=False):
        ind = ctx.indicators.get(r.indicator)
        ids = _source_ids(r.source)
        title = "; ".join(str(sources.get(s, {}).get("title", s)) for s in ids)
        url = sources.get(ids[0], {}).get("url", "") if ids else ""
        status = ("" if r.status in ("official", "review") else "◇ ") + t(f"quality.{r.status}", L)
        n = sh.add([r.indicator, field(ind, "name", L) if ind else r.indicator, _group(r.group, L), int(r.year),
                    float(r.value), _unit(ind, L), status, r.source, title, url, r.note or r.inputs],
                   {4: FMT_YEAR, 5: _number_format(ind.kind if ind else None, ind.unit if ind else None)})
        if url:
            sh.ws.cell(row=n, column=10).hyperlink = url
    sh.finish()

    # -- sources
    sh = _Sheet(sheets["sources"], [t(f"export.col_{c}", L) for c in ("source", "source_title", "issuer", "date",
                                                                       "link")], [24, 60, 30, 12, 50])
    for sid, s in sources.items():
        n = sh.add([sid, str(s.get("title", "")), str(s.get("issuer", "")), str(s.get("date", "")),
                    str(s.get("url", ""))])
        if s.get("url"):
            sh.ws.cell(row=n, column=5).hyperlink = str(s["url"])
    sh.finish()

    _about_sheet(ws_about, ctx, scenario, L, meta, rows, names)
    wb.move_sheet(ws_about, offset=-(len(wb.sheetnames) - 1))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _group(g: str, lang: str) -> str:
    return t(f"group.{g}", lang) if views._has(f"group.{g}") else g


def _unit(ind: Any, lang: str) -> str:
    if ind is None:
        return ""
    if ind.unit == "percent":
        return "%"
    return t(f"unit.{ind.unit}", lang) if views._has(f"unit.{ind.unit}") else ind.unit


def _about_sheet(ws: Any, ctx: Context, scenario: Scenario, L: str, meta: ReportMeta, rows: list,
                 names: list[str]) -> None:
    from openpyxl.styles import Alignment, Font

    plan = ctx.plan
    s = board_mod.summary(rows)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 110
    put(ws, 1, 1, t("export.about_title", L)).font = Font(bold=True, size=14)
    if is_demo_data(ctx):
        put(ws, 1, 2, t("data.demo_banner", L)).font = Font(bold=True, size=14, color="B3261E")
    lines: list[tuple[str, Any]] = [
        (t("export.about_plan", L), field(plan, "title")),
        (t("export.about_issuer", L), field(plan, "issuer")),
        (t("export.about_implements", L), field(plan, "implements")),
        (t("export.about_locality", L), field(plan, "locality")),
        (t("export.about_period", L), t("export.period_text", L, a=plan.period[0], b=plan.period[1], h=plan.horizon)),
        (t("export.about_scenario", L), scenario_label(meta, L)),
    ]
    for label, text in changed_values(ctx, scenario, L):
        lines.append(("  · " + label, text))
    if not scenario.values:
        lines.append(("", t("export.all_defaults", L)))
    if meta.author:
        lines.append((t("export.about_author", L), meta.author))
    if meta.note:
        lines.append((t("export.about_note", L), meta.note))
    if meta.saved_at:
        lines.append((t("export.about_saved", L), meta.saved_at))
    lines += [
        (t("export.about_data", L), meta.data_version or ctx.data_label or t("export.data_default", L)),
        (t("export.about_as_of", L), ctx.as_of),
        (t("export.about_headline", L), t("export.headline", L, good=s["good"], total=s["total"])),
        (t("export.about_generated", L), meta.generated.replace(microsecond=0)),
        ("", ""),
        (t("export.about_numbers", L), t("export.numbers_note", L)),
        (t("export.about_mark", L), t("export.mark_note", L)),
        (t("export.about_wide", L), t("export.wide_note", L)),
        ("", ""),
        (t("export.about_sheets", L), ""),
    ]
    lines += [(n, t(f"export.sheet_{k}_desc", L)) for k, n in zip(SHEETS, names)]
    r = 2
    for label, value in lines:
        r += 1
        put(ws, r, 1, label).font = Font(bold=True)
        c = put(ws, r, 2, value, FMT_YEAR if isinstance(value, int) else None)
        if isinstance(value, datetime):
            c.number_format = FMT_DATETIME
            c.alignment = Alignment(horizontal="left")
        elif isinstance(value, int):
            c.alignment = Alignment(horizontal="left")
        else:
            c.alignment = Alignment(wrap_text=True, vertical="top")


# ------------------------------------------------------------------------------------------ charts

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
        tg = next((x for x in plan.targets if x.indicator == ind and x.kind == "yearly_flow"), None)
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

def _docx_font(doc: Any) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for name in ("Normal", "Table Grid", "Caption"):
        try:
            st = doc.styles[name]
        except KeyError:
            continue
        st.font.name = DOC_FONT
        rpr = st.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), DOC_FONT)
        if name == "Normal":
            st.font.size = Pt(13)


def _run(par: Any, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
         color: str | None = None) -> Any:
    from docx.shared import Pt, RGBColor

    r = par.add_run(text)
    r.bold, r.italic = bold or None, italic or None
    if size:
        r.font.size = Pt(size)
    if color:
        r.font.color.rgb = RGBColor.from_string(color)
    return r


def _para(container: Any, text: str = "", *, align: str = "left", bold: bool = False, italic: bool = False,
          size: float | None = None, space_after: float = 4, indent_first: bool = False, keep: bool = False) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    p = container.add_paragraph()
    p.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                   "justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    if bold and not italic and align == "left" or keep:
        p.paragraph_format.keep_with_next = True
    if indent_first:
        p.paragraph_format.first_line_indent = Cm(1)
    if text:
        _run(p, text, bold=bold, italic=italic, size=size)
    return p


def _shade(cell: Any, hex_bg: str) -> None:
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    shd = tcpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): hex_bg})
    tcpr.append(shd)


def _no_borders(table: Any) -> None:
    from docx.oxml.ns import qn

    tblpr = table._tbl.tblPr
    borders = tblpr.makeelement(qn("w:tblBorders"), {})
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(borders.makeelement(qn(f"w:{side}"), {qn("w:val"): "nil"}))
    tblpr.append(borders)


def _cell_text(cell: Any, text: str, *, bold: bool = False, italic: bool = False, size: float = 11,
               align: str = "left", color: str | None = None) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = cell.paragraphs[0]
    p.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                   "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    p.paragraph_format.space_after = Pt(0)
    _run(p, text, bold=bold, italic=italic, size=size, color=color)
    return p


def _table(doc: Any, header: Sequence[str], rows: Iterable[Sequence[str]], widths_cm: Sequence[float],
           size: float = 10.5) -> Any:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for i, h in enumerate(header):
        c = table.rows[0].cells[i]
        _cell_text(c, h, bold=True, size=size, align="center")
        _shade(c, "DCE6F1")
    for r in rows:
        cells = table.add_row().cells
        for i, v in enumerate(r):
            _cell_text(cells[i], str(v), size=size, align="right" if i and _numeric(str(v)) else "left")
    _widths(table, widths_cm)
    _repeat_header(table)
    return table


def _widths(table: Any, widths_cm: Sequence[float]) -> None:
    """Fixed column widths that Word and LibreOffice both respect (grid columns, cells, fixed layout)."""
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table.autofit = False
    tblpr = table._tbl.tblPr
    layout = tblpr.makeelement(qn("w:tblLayout"), {qn("w:type"): "fixed"})
    tblpr.append(layout)
    for i, w in enumerate(widths_cm):
        table.columns[i].width = Cm(w)
    for row in table.rows:
        for i, w in enumerate(widths_cm):
            row.cells[i].width = Cm(w)


def _numeric(s: str) -> bool:
    return bool(re.fullmatch(r"[−+\-]?[\d.,]+%?", s.strip()))


def _repeat_header(table: Any) -> None:
    from docx.oxml.ns import qn

    trpr = table.rows[0]._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))


def _page_number(section: Any) -> None:
    """The page number, centred in the header (Nghị định 30/2020: from the second page on)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        else:
            el = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = text
        run._r.append(el)


def docx_bytes(ctx: Context, scenario: Scenario, lang: str, meta: ReportMeta | None = None,
               proj: Projection | None = None, verdicts: list[Verdict] | None = None, with_charts: bool = True,
               png: Callable[[Any], bytes] | None = None) -> bytes:
    """The Word report of a scenario. ``png`` turns an Altair chart into PNG bytes (default: vl-convert)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm

    meta = meta or ReportMeta(scenario_name=scenario.name)
    proj, verdicts = _results(ctx, scenario, proj, verdicts)
    plan, L = ctx.plan, lang
    rows = board_mod.board(plan, ctx.indicators, verdicts, L)
    s = board_mod.summary(rows)

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Cm(2), Cm(2), Cm(3), Cm(2)
    _docx_font(doc)
    _page_number(sec)
    doc.core_properties.title = t("export.doc_title", L)
    doc.core_properties.subject = field(plan, "title", L)
    doc.core_properties.author = meta.author or field(plan, "issuer", L)
    doc.core_properties.language = "vi-VN" if L == "vi" else "en-GB"

    # -- title block: issuing body | national name and motto; place and date under the motto
    head = doc.add_table(rows=1, cols=2)
    _no_borders(head)
    _widths(head, [6.5, 9.5])
    left, right = head.rows[0].cells
    _cell_text(left, field(plan, "issuer", L).upper(), bold=True, size=12, align="center")
    _para(left, "―" * 8, align="center", size=10, space_after=0)
    _cell_text(right, t("export.nation", L), bold=True, size=12, align="center")
    _para(right, t("export.motto", L), align="center", bold=True, size=13, space_after=0)
    _para(right, "―" * 16, align="center", size=10, space_after=2)
    _para(right, place_date(plan, meta.generated, L), align="center", italic=True, size=13, space_after=0)
    _para(doc, "", space_after=6)
    _para(doc, t("export.doc_title", L).upper(), align="center", bold=True, size=14, space_after=2)
    _para(doc, t("export.doc_subtitle", L, plan=field(plan, "title", L)), align="center", bold=True, size=13,
          space_after=2)
    _para(doc, t("export.doc_scenario", L, name=scenario_label(meta, L), year=ctx.as_of,
                 date=generated_text(meta.generated, L)), align="center", italic=True, size=12, space_after=10)

    if is_demo_data(ctx):
        _run(_para(doc, align="center", space_after=8), t("data.demo_banner", L), bold=True, size=13, color="B3261E")

    # -- I. summary
    _para(doc, t("export.h_summary", L), bold=True, space_after=4)
    _para(doc, t("export.summary_text", L, total=s["total"], decided=s["decided"], awaiting=s["awaiting"],
                 projected=s["projected"], achieved=s["counts"]["achieved"], on_track=s["counts"]["on_track"],
                 year=ctx.as_of), align="justify", indent_first=True)
    _table(doc, [t("export.col_status", L), t("export.col_count", L)],
           [(t(f"status.{k}", L), str(s["counts"][k])) for k in STATUS_ORDER if s["counts"][k]], [8, 3])
    area_line = "; ".join(f"{t('area.' + a, L)} {sum(r.good for r in rows if r.area == a)}/"
                          f"{sum(1 for r in rows if r.area == a)}" for a in plan.areas)
    _para(doc, t("export.by_area", L, areas=area_line), align="justify", indent_first=True, space_after=4)
    changed = changed_values(ctx, scenario, L)
    if changed:
        _para(doc, t("export.changed_intro", L) + " " + "; ".join(f"{a}: {b}" for a, b in changed) + ".",
              align="justify", indent_first=True)
    else:
        _para(doc, t("export.all_defaults", L), align="justify", indent_first=True)
    if meta.note:
        _para(doc, f"{t('export.about_note', L)}: {meta.note}", align="justify", indent_first=True)

    # -- II. a table per area
    _para(doc, t("export.h_areas", L), bold=True, space_after=4)
    cols = dict(board_mod.columns(plan, L))
    for i, area in enumerate(plan.areas, 1):
        area_rows = [r for r in rows if r.area == area]
        good = sum(r.good for r in area_rows)
        _para(doc, f"{i}. {t('area.' + area, L)} ({good}/{len(area_rows)})", bold=True, italic=True, space_after=2,
              keep=True)
        table = _table(doc, [t("board.col_number", L), t("board.col_target", L), t("board.col_latest", L),
                             t("board.col_goal", L), t("export.col_verdict", L)],
                       [(str(r.number), r.text, r.latest + ("" if r.official else " ◇"), r.goal, "") for r in area_rows],
                       [1.0, 6.2, 2.6, 2.8, 3.4], size=10)
        for row_cells, r in zip(table.rows[1:], area_rows):
            cell = row_cells.cells[4]
            bg, fg = STATUS_FILL.get(r.status, ("FFFFFF", "000000"))
            p = cell.paragraphs[0]
            _run(p, f" {r.status_label} ", bold=True, size=10, color=fg)
            for text_run in p.runs:
                rpr = text_run._r.get_or_add_rPr()
                rpr.append(rpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto",
                                                         qn("w:fill"): bg}))
            basis = t(f"basis.{r.basis}", L) if r.basis else ""
            _para(cell, f"{cols[r.column]} · {r.result}" + (f" · {basis}" if basis else ""), size=9, space_after=0)
            if r.probability is not None:
                _para(cell, t("need.chance", L, p=fmt_pct(r.probability * 100, L, 0))
                      + (f" ({t('cond.nowcast', L)})" if r.status == "awaiting_data" else ""), size=9, space_after=0)
            if r.required:
                _para(cell, f"{t('board.col_required', L)}: {r.required}", size=9, space_after=0)
            if r.condition:
                _para(cell, r.condition, size=9, italic=True, space_after=0)
        _para(doc, "", space_after=4)

    # -- III. charts
    if with_charts:
        from giamngheo.report import export_png
        png = png or export_png.chart_png
        _para(doc, t("export.h_charts", L), bold=True, space_after=4)
        for n, kc in enumerate(key_charts(ctx, proj, verdicts, L), 1):
            image = png(kc.chart)
            doc.add_picture(io.BytesIO(image), width=Cm(16))
            doc.paragraphs[-1].alignment = 1
            doc.paragraphs[-1].paragraph_format.keep_with_next = True
            _para(doc, t("export.figure", L, n=n, title=kc.title), align="center", italic=True, size=11,
                  space_after=8)
        _para(doc, t("export.chart_note", L), italic=True, size=11, align="justify")

    # -- IV. assumptions
    _para(doc, t("export.h_assumptions", L), bold=True, space_after=4)
    _para(doc, t("export.assumptions_intro", L), align="justify", indent_first=True)
    resolved = ctx.registry.resolve(scenario)
    arows = []
    for a in ctx.registry:
        unit = t(f"unit.{a.unit}", L) if views._has(f"unit.{a.unit}") else a.unit
        v = fmt_num(resolved[a.id], L)
        mark = " *" if resolved[a.id] != a.default else ""
        arows.append((field(a, "label", L), v + mark, fmt_num(a.default, L), unit,
                      t(f"assumptions.basis_{a.default_basis}", L)))
    _table(doc, [t("assumptions.col_label", L), t("assumptions.col_value", L), t("assumptions.col_default", L),
                 t("assumptions.col_unit", L), t("assumptions.col_basis", L)], arows, [6.6, 2.2, 2.2, 2.6, 2.4],
           size=9.5)
    _para(doc, t("export.changed_mark", L), italic=True, size=10, space_after=8)

    # -- V. sources
    _para(doc, t("export.h_sources", L), bold=True, space_after=4)
    used = {sid for src in ctx.obs.df["source"] for sid in _source_ids(src)}
    for sid, src in ctx.obs.sources.items():
        if sid not in used:
            continue
        bits = [str(src.get("title", sid))]
        for k in ("issuer", "date"):
            if src.get(k):
                bits.append(str(src[k]))
        p = _para(doc, f"[{sid}] " + ". ".join(bits) + ".", size=11, space_after=2)
        if src.get("url"):
            _run(p, " " + str(src["url"]), size=10, color="1F4E79")
    counts = ctx.obs.df["status"].value_counts()
    _para(doc, t("export.obs_counts", L, n=len(ctx.obs.df), official=int(counts.get("official", 0)),
                 other=int(len(ctx.obs.df) - counts.get("official", 0))), align="justify", size=11, space_after=8)

    # -- the statement on ◇ figures, and when the report was made
    p = _para(doc, "", align="justify", space_after=4)
    _run(p, t("export.not_official", L), bold=True, italic=True, size=12)
    if meta.author:
        _para(doc, f"{t('export.about_author', L)}: {meta.author}", size=12)
    _para(doc, t("export.generated_line", L, date=generated_text(meta.generated, L)), italic=True, size=11)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def file_name(plan: Any, kind: str, d: datetime, lang: str = "vi") -> str:
    """``bao-cao-<plan>-<yyyymmdd>.xlsx`` (``-en`` before the extension for an English report)."""
    ext = {"xlsx": "xlsx", "docx": "docx"}[kind]
    return f"bao-cao-{plan.id}-{d:%Y%m%d}{'' if lang == 'vi' else '-' + lang}.{ext}"

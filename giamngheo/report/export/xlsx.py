"""The Excel workbook of a scenario (openpyxl): numbers as numbers with invariant display formats,
every row and column named in the reader's language with its unit (no internal code), every string
cell typed as text (never a formula, and no visible apostrophe); one sheet per part, each ready to
print on A4 (fit to the page's width, the header row repeated on every page, frozen on screen)."""
from __future__ import annotations

import io
from datetime import datetime
from typing import Any, Sequence

from giamngheo.i18n import field, t
from giamngheo.model.assess import Verdict
from giamngheo.model.engine import Context
from giamngheo.model.projection import Projection
from giamngheo.report import board as board_mod
from giamngheo.report.export.common import (
    FMT_COUNT,
    FMT_DATETIME,
    FMT_PROB,
    FMT_YEAR,
    ReportMeta,
    _group,
    _number_format,
    _results,
    _source_ids,
    _unit,
    changed_values,
    clean_text,
    headline_lines,
    is_demo_data,
    method_label,
    scenario_label,
    series_name,
    series_unit,
    starts_formula,
    unit_label,
)
from giamngheo.report.issuer import Issuer, load_issuer, plan_issuer
from giamngheo.report.palette import status_fill
from giamngheo.scenario.scenario import Scenario

SHEETS = ("about", "verdicts", "projection_long", "projection_wide", "assumptions", "observations", "sources")


def sheet_names(lang: str) -> list[str]:
    return [t(f"export.sheet_{s}", lang) for s in SHEETS]


class _Sheet:
    """A thin writer over an openpyxl sheet: a header row, typed cells, formats, widths."""

    def __init__(self, ws: Any, header: Sequence[str], widths: Sequence[int] | None = None, lang: str = "vi",
                 freeze: str = "A2"):
        from openpyxl.styles import Alignment, Font, PatternFill

        self.ws = ws
        self.row = 1
        for c, h in enumerate(header, 1):
            cell = put(ws, 1, c, h)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F4E79")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for c, w in enumerate(widths or [], 1):
            ws.column_dimensions[_col(c)].width = w
        ws.freeze_panes = freeze
        self.ncols = len(header)
        print_setup(ws, lang, landscape=sum(widths or [10] * len(header)) > 110)

    def add(self, values: Sequence[Any], formats: dict[int, str] | None = None) -> int:
        self.row += 1
        for c, v in enumerate(values, 1):
            put(self.ws, self.row, c, v, (formats or {}).get(c))
        fit_height(self.ws, self.row)
        return self.row

    def finish(self) -> None:
        if self.row > 1:
            self.ws.auto_filter.ref = f"A1:{_col(self.ncols)}{self.row}"


def _col(n: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(n)


def print_setup(ws: Any, lang: str, landscape: bool = False, title_rows: str | None = "1:1") -> None:
    """A4, fit to the page's width (as many pages down as it takes), the header row printed on every
    page, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = t("reports.print_footer", lang)
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.5


def fit_height(ws: Any, row: int, line: float = 15.0) -> None:
    """The row's height for its longest wrapped text (Excel grows a row itself; LibreOffice, printing a
    file it did not write, does not): the lines a text needs at its column's width."""
    import math

    lines = 1
    for cell in ws[row]:
        if isinstance(cell.value, str) and cell.alignment.wrap_text:
            width = ws.column_dimensions[cell.column_letter].width or 10
            chars = max(width * 1.15 - 1, 4)
            lines = max(lines, sum(math.ceil(max(len(part), 1) / chars) for part in cell.value.split("\n")))
    if lines > 1:
        ws.row_dimensions[row].height = line * min(lines, 30)


def put(ws: Any, row: int, col: int, value: Any, number_format: str | None = None) -> Any:
    """Write one cell: numbers as numbers (with ``number_format``), strings as text cells.

    A text that a spreadsheet would read as a formula (``= + - @``, tab, CR first) is typed as a
    string and marked "quote prefix" (Excel's own "this is text" flag, the apostrophe it shows only
    in the formula bar): the cell shows the text as written and is never computed, even when edited."""
    from openpyxl.styles import Alignment

    if isinstance(value, float) and value != value:  # NaN: an empty cell
        value = None
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        value = clean_text(value)      # no bidi or other invisible controls from an uploaded note
        cell.value = value
        cell.data_type = "s"            # never a formula, whatever the text
        if starts_formula(value):
            cell.quotePrefix = True
        cell.alignment = Alignment(wrap_text=len(value) > 40, vertical="top")
    else:
        cell.alignment = Alignment(vertical="top")
        cell.value = value
        if number_format and isinstance(value, (int, float)) and not isinstance(value, bool):
            cell.number_format = number_format
    return cell


def workbook_bytes(ctx: Context, scenario: Scenario, lang: str, meta: ReportMeta | None = None,
                   proj: Projection | None = None, verdicts: list[Verdict] | None = None,
                   issuer: Issuer | None = None) -> bytes:
    """The scenario's workbook: about, verdicts, projection (long, wide), assumptions, observations, sources."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    meta = meta or ReportMeta(scenario_name=scenario.name)
    proj, verdicts = _results(ctx, scenario, proj, verdicts)
    issuer = issuer or load_issuer()
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
    cols = ["number", "area", "target", "indicator", "latest", "latest_year", "unit", "latest_status", "goal", "year",
            "period", "status", "basis", "result", "required", "condition"]
    head = [t(f"export.col_{c}", L) for c in cols]
    widths = [5, 16, 48, 28, 12, 7, 10, 14, 24, 7, 11, 14, 10, 24, 22, 40]
    if has_prob:
        head.append(t("export.col_probability", L))
        widths.append(11)
    head.append(t("export.col_mark", L))
    widths.append(5)
    sh = _Sheet(sheets["verdicts"], head, widths, L, freeze="D2")
    by_id = {v.target: v for v in verdicts}
    rows_by_id = {r.target: r for r in rows}
    at = {c: i + 1 for i, c in enumerate(cols)}
    for tg in plan.targets:
        v, r = by_id[tg.id], rows_by_id[tg.id]
        ind = ctx.indicators[tg.indicator]
        period = dict(board_mod.columns(plan, L))[r.column]
        values: list[Any] = [tg.number, t(f"area.{tg.area}", L), r.text, r.indicator_name,
                             v.last_actual_value, v.last_actual_year, unit_label(ind.unit, L),
                             t(f"quality.{r.latest_quality}", L) if r.latest_quality else "", r.goal, r.year, period,
                             r.status_label, t(f"basis.{r.basis}", L) if r.basis else "", r.result, r.required,
                             r.condition]
        if has_prob:
            values.append(r.probability)
        values.append("" if r.official else "◇")
        n = sh.add(values, {at["number"]: FMT_YEAR, at["latest"]: _number_format(ind.kind, ind.unit),
                            at["latest_year"]: FMT_YEAR, at["year"]: FMT_YEAR, len(cols) + 1: FMT_PROB})
        bg, fg = status_fill(r.status)
        cell = sh.ws.cell(row=n, column=at["status"])
        cell.fill = PatternFill("solid", fgColor=bg)
        cell.font = Font(bold=True, color=fg)
    sh.finish()

    # -- projection, long: one row per series, group and year, named and with its unit
    pct = (10, 50, 90) if proj.n_draws else ()
    long = proj.long(pct)
    head = ([t(f"export.col_{c}", L) for c in ("indicator", "group", "year", "value", "unit", "basis")]
            + [t("reports.col_method", L)] + [t("reports.col_percentile", L, q=q) for q in pct])
    sh = _Sheet(sheets["projection_long"], head, [40, 16, 7, 12, 12, 10, 34] + [12] * len(pct), L, freeze="B2")
    for r in long.itertuples(index=False):
        ind = ctx.indicators.get(r.indicator)
        fmt = _number_format(ind.kind if ind else "count", ind.unit if ind else None)
        vals = [series_name(ctx, r.indicator, L), _group(r.group, L), int(r.year), float(r.value),
                series_unit(ctx, r.indicator, L), t(f"basis.{r.basis}", L), method_label(r.method, ctx, L)]
        vals += [float(getattr(r, f"p{q}")) for q in pct]
        sh.add(vals, {3: FMT_YEAR, 4: fmt, **{8 + i: fmt for i in range(len(pct))}})
    sh.finish()

    # -- projection, wide (projected years in italics on a pale fill)
    years = sorted({int(y) for y in long["year"]}) if not long.empty else []
    head = [t("export.col_indicator", L), t("export.col_group", L), t("export.col_unit", L)] + [str(y) for y in years]
    sh = _Sheet(sheets["projection_wide"], head, [40, 16, 10] + [9] * len(years), L, freeze="D2")
    pale = PatternFill("solid", fgColor="EAF1FB")
    for (ind_id, grp), p in proj.paths.items():
        ind = ctx.indicators.get(ind_id)
        fmt = _number_format(ind.kind if ind else "count", ind.unit if ind else None)
        n = sh.add([series_name(ctx, ind_id, L), _group(grp, L), series_unit(ctx, ind_id, L)]
                   + [p.values.get(y) for y in years], {4 + i: fmt for i in range(len(years))})
        for i, y in enumerate(years):
            if y in p.values and y not in p.actual:
                c = sh.ws.cell(row=n, column=4 + i)
                c.font = Font(italic=True, color="1F4E79")
                c.fill = pale
    sh.finish()

    # -- assumptions (the method page's table, with the numbers as numbers, without the ids)
    resolved = ctx.registry.resolve(scenario)
    head = [t(f"assumptions.col_{c}", L) for c in ("label", "value", "default", "unit", "basis", "help")]
    sh = _Sheet(sheets["assumptions"], head, [44, 10, 10, 16, 16, 70], L, freeze="B2")
    for a in ctx.registry:
        fmt = FMT_COUNT if a.integer else "#,##0.0##"
        n = sh.add([field(a, "label", L), float(resolved[a.id]), float(a.default), unit_label(a.unit, L),
                    t(f"assumptions.basis_{a.default_basis}", L), field(a, "help", L)], {2: fmt, 3: fmt})
        if resolved[a.id] != a.default:
            for c in range(1, 7):
                sh.ws.cell(row=n, column=c).font = Font(bold=True)
    sh.finish()

    # -- observations with their sources and statuses (the source's key is the Sources sheet's first column)
    sources = ctx.obs.sources
    head = [t(f"export.col_{c}", L) for c in ("indicator", "group", "year", "value", "unit", "obs_status", "source",
                                               "source_title", "link", "note")]
    sh = _Sheet(sheets["observations"], head, [36, 16, 7, 12, 10, 20, 20, 44, 30, 60], L, freeze="B2")
    for r in ctx.obs.df.itertuples(index=False):
        ind = ctx.indicators.get(r.indicator)
        ids = _source_ids(r.source)
        title = "; ".join(field(sources[s], "title", L) if s in sources else s for s in ids)
        url = sources.get(ids[0], {}).get("url", "") if ids else ""
        status = ("" if r.status in ("official", "review") else "◇ ") + t(f"quality.{r.status}", L)
        n = sh.add([series_name(ctx, r.indicator, L), _group(r.group, L), int(r.year), float(r.value),
                    _unit(ind, L), status, r.source, title, url,
                    field({"note": r.note, "note_en": getattr(r, "note_en", "")}, "note", L) or r.inputs],
                   {3: FMT_YEAR, 4: _number_format(ind.kind if ind else None, ind.unit if ind else None)})
        if url:
            sh.ws.cell(row=n, column=9).hyperlink = url
    sh.finish()

    # -- sources
    sh = _Sheet(sheets["sources"], [t(f"export.col_{c}", L) for c in ("source", "source_title", "issuer", "date",
                                                                       "link")], [22, 60, 30, 12, 50], L)
    for sid, s in sources.items():
        n = sh.add([sid, field(s, "title", L), field(s, "issuer", L), str(s.get("date", "")),
                    str(s.get("url", ""))])
        if s.get("url"):
            sh.ws.cell(row=n, column=5).hyperlink = str(s["url"])
    sh.finish()

    _about_sheet(ws_about, ctx, scenario, L, meta, rows, names, issuer, verdicts)
    wb.move_sheet(ws_about, offset=-(len(wb.sheetnames) - 1))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _about_sheet(ws: Any, ctx: Context, scenario: Scenario, L: str, meta: ReportMeta, rows: list,
                 names: list[str], issuer: Issuer | None = None, verdicts: list[Verdict] | None = None) -> None:
    from openpyxl.styles import Alignment, Font

    plan = ctx.plan
    issuer = issuer or load_issuer()
    verdicts = verdicts or []
    s = board_mod.summary(rows)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 100
    print_setup(ws, L, title_rows=None)
    put(ws, 1, 1, t("export.about_title", L)).font = Font(bold=True, size=14)
    if is_demo_data(ctx):
        put(ws, 1, 2, t("data.demo_banner", L)).font = Font(bold=True, size=14, color="B3261E")
    lines: list[tuple[str, Any]] = [(t("reports.h_answer", L), line) for line in headline_lines(plan, verdicts, L)]
    lines += [
        (t("reports.about_body", L), issuer.get("body", L)),
        (t("export.about_plan", L), field(plan, "title", L)),
        (t("export.about_issuer", L), plan_issuer(issuer, plan, L)),
        (t("export.about_implements", L), field(plan, "implements", L)),
        (t("export.about_locality", L), field(plan, "locality", L)),
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
            c.alignment = Alignment(horizontal="left", vertical="top")
        elif isinstance(value, int):
            c.alignment = Alignment(horizontal="left", vertical="top")
        else:
            c.alignment = Alignment(wrap_text=True, vertical="top")
        fit_height(ws, r)


# ------------------------------------------------------------------------------------------ charts


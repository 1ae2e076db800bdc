"""The Excel workbook of a scenario (openpyxl): numbers as numbers with invariant display formats,
every string cell neutralised against formula injection; one sheet per part."""
from __future__ import annotations

import io
from datetime import datetime
from typing import Any, Sequence

from giamngheo.i18n import field, t
from giamngheo.model.assess import Verdict
from giamngheo.model.engine import Context
from giamngheo.model.projection import Projection
from giamngheo.report import board as board_mod
from giamngheo.report import views
from giamngheo.report.export.common import (
    FMT_COUNT,
    FMT_DATETIME,
    FMT_PROB,
    FMT_YEAR,
    STATUS_FILL,
    ReportMeta,
    _group,
    _number_format,
    _results,
    _source_ids,
    _unit,
    changed_values,
    is_demo_data,
    safe_text,
    scenario_label,
)
from giamngheo.scenario.assumptions import Scenario

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
    widths = [5, 6, 18, 48, 28, 12, 8, 12, 14, 26, 8, 11, 14, 10, 26, 22, 40, 11, 5]
    sh = _Sheet(sheets["verdicts"], head, widths[:len(head)])
    by_id = {v.target: v for v in verdicts}
    rows_by_id = {r.target: r for r in rows}
    for tg in plan.targets:
        v, r = by_id[tg.id], rows_by_id[tg.id]
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
        title = "; ".join(field(sources[s], "title", L) if s in sources else s for s in ids)
        url = sources.get(ids[0], {}).get("url", "") if ids else ""
        status = ("" if r.status in ("official", "review") else "◇ ") + t(f"quality.{r.status}", L)
        n = sh.add([r.indicator, field(ind, "name", L) if ind else r.indicator, _group(r.group, L), int(r.year),
                    float(r.value), _unit(ind, L), status, r.source, title, url,
                    field({"note": r.note, "note_en": getattr(r, "note_en", "")}, "note", L) or r.inputs],
                   {4: FMT_YEAR, 5: _number_format(ind.kind if ind else None, ind.unit if ind else None)})
        if url:
            sh.ws.cell(row=n, column=10).hyperlink = url
    sh.finish()

    # -- sources
    sh = _Sheet(sheets["sources"], [t(f"export.col_{c}", L) for c in ("source", "source_title", "issuer", "date",
                                                                       "link")], [24, 60, 30, 12, 50])
    for sid, s in sources.items():
        n = sh.add([sid, field(s, "title", L), field(s, "issuer", L), str(s.get("date", "")),
                    str(s.get("url", ""))])
        if s.get("url"):
            sh.ws.cell(row=n, column=5).hyperlink = str(s["url"])
    sh.finish()

    _about_sheet(ws_about, ctx, scenario, L, meta, rows, names)
    wb.move_sheet(ws_about, offset=-(len(wb.sheetnames) - 1))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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


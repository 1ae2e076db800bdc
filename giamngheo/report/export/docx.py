"""The Word report of a scenario (python-docx), in the manner of a Vietnamese administrative report."""
from __future__ import annotations

import io
import re
from typing import Any, Callable, Iterable, Sequence

from giamngheo.i18n import field, fmt_num, fmt_pct, t
from giamngheo.model.assess import Verdict
from giamngheo.model.engine import Context
from giamngheo.model.projection import Projection
from giamngheo.report import board as board_mod
from giamngheo.report import views
from giamngheo.report.export.common import (
    DOC_FONT,
    STATUS_FILL,
    STATUS_ORDER,
    ReportMeta,
    _results,
    _source_ids,
    changed_values,
    generated_text,
    is_demo_data,
    key_charts,
    place_date,
    scenario_label,
)
from giamngheo.scenario.assumptions import Scenario


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
        bits = [field(src, "title", L) or sid]
        for k in ("issuer", "date"):
            if src.get(k):
                bits.append(field(src, k, L))
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



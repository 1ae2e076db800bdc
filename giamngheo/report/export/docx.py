"""The Word report of a scenario (python-docx), in the manner of a Vietnamese administrative report:
the header of its issuer's kind (a Party committee: Hướng dẫn 36-HD/VPTW; a state body: Nghị định
30/2020/NĐ-CP), the answer first, then the tables, the charts, the assumptions, the sources, and the
recipients and signature. Two kinds: the progress review and the final review of the plan period.

The report is a sequence of section functions (:data:`SECTIONS`), each writing its part into the
document through a :class:`DocxReport`; a new part is a new function in the list. Part headings are
numbered in the order they are written."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from giamngheo.i18n import field, fmt_num, fmt_pct, t
from giamngheo.model.assess import Verdict
from giamngheo.model.engine import Context
from giamngheo.model.projection import Projection
from giamngheo.report import board as board_mod
from giamngheo.report.export.common import (
    DOC_FONT,
    STATUS_ORDER,
    ReportMeta,
    _results,
    _source_ids,
    changed_values,
    clean_text,
    date_words,
    generated_text,
    headline_lines,
    headline_targets_of,
    is_demo_data,
    key_charts,
    scenario_label,
    unit_label,
)
from giamngheo.report.issuer import Issuer, load_issuer
from giamngheo.report.issuer import plan_issuer as plan_issuer_of
from giamngheo.report.needs import need_line
from giamngheo.report.palette import status_fill
from giamngheo.scenario.scenario import Scenario


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


def clean_document(doc: Any) -> None:
    """Every text of the document (body, tables, headers, footers) and its properties cleaned by the
    exports' one rule (``common.clean_text``): no bidi or other invisible control from outside text."""
    from docx.oxml.ns import qn

    parts = [doc.element.body]
    for section in doc.sections:
        for hf in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            parts.append(hf._element)
    for part in parts:
        for el in part.iter(qn("w:t")):
            if el.text:
                el.text = clean_text(el.text)
    cp = doc.core_properties
    for name in ("title", "subject", "author", "comments", "keywords", "category"):
        v = getattr(cp, name, None)
        if isinstance(v, str) and v:
            setattr(cp, name, clean_text(v))


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
    """The header row repeated on every page the table runs over; no row split across two pages."""
    from docx.oxml.ns import qn

    trpr = table.rows[0]._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
    for row in table.rows:
        trpr = row._tr.get_or_add_trPr()
        trpr.append(trpr.makeelement(qn("w:cantSplit"), {qn("w:val"): "true"}))


def _field_run(par: Any, instr: str, size: float | None = None) -> None:
    """A Word field (``PAGE``) in a paragraph: Word and LibreOffice fill it in on every page."""
    from docx.oxml.ns import qn

    run = _run(par, "", size=size)
    for kind, text in (("begin", None), (None, instr), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
            run._r.append(el)
        elif text == instr:
            el = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = f" {instr} "
            run._r.append(el)
        else:
            t_el = run._r.makeelement(qn("w:t"), {})
            t_el.text = text
            run._r.append(t_el)


def _page_number(section: Any, kind: str) -> None:
    """Page numbers, centred: a state body's report has them in the top margin from the second page
    on (Nghị định 30/2020/NĐ-CP, Phụ lục I); a Party committee's at the foot of every page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if kind == "state":
        section.different_first_page_header_footer = True
        p = section.header.paragraphs[0]
    else:
        p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field_run(p, "PAGE", size=13)


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
KINDS = ("review", "final")


@dataclass
class DocxReport:
    """What every section of the Word report reads, and the document it writes into. A section is a
    function taking this object (:data:`SECTIONS`): adding one is adding a function to the list."""

    doc: Any
    ctx: Context
    scenario: Scenario
    lang: str
    meta: ReportMeta
    proj: Projection
    verdicts: list[Verdict]
    rows: list
    summary: dict
    issuer: Issuer
    kind: str = "review"
    with_charts: bool = True
    png: Callable[[Any], bytes] | None = None
    n_heading: int = 0
    n_figure: int = 0
    follow_up: Any = None          # the adopted path measured (giamngheo.monitor.Measurement), if there is one

    def heading(self, key: str, **kw: Any) -> Any:
        """A numbered part heading ("I. …", "II. …"): numbered in the order the sections write them."""
        self.n_heading += 1
        return _para(self.doc, f"{ROMAN[self.n_heading - 1]}. {t(key, self.lang, **kw).upper()}", bold=True,
                     space_after=4, keep=True)

    def text(self, body: str, **kw: Any) -> Any:
        return _para(self.doc, body, align="justify", indent_first=True, **kw)

    @property
    def by_id(self) -> dict[str, Verdict]:
        return {v.target: v for v in self.verdicts}

    def period_rows(self) -> list:
        return [r for r in self.rows if r.year <= self.ctx.plan.period[1]]

    def horizon_rows(self) -> list:
        return [r for r in self.rows if r.year > self.ctx.plan.period[1]]


# ------------------------------------------------------------------------------------------ sections

def sec_header(r: DocxReport) -> None:
    """The first lines: the issuing body (under the body above it) and the document number on the
    left; on the right the Party's name (Party committee) or the Quốc hiệu and tiêu ngữ (state body),
    then place and date."""
    L, iss = r.lang, r.issuer
    head = r.doc.add_table(rows=1, cols=2)
    _no_borders(head)
    # the Quốc hiệu (12 pt bold) needs a 10 cm column to stay on one line
    _widths(head, [7.0, 9.0] if iss.kind == "party" else [6.0, 10.0])
    left, right = head.rows[0].cells
    above = iss.get("above", L)
    if above:
        _cell_text(left, above.upper(), size=13, align="center")
        _para(left, iss.get("body", L).upper(), align="center", bold=True, size=13, space_after=0)
    else:
        _cell_text(left, iss.get("body", L).upper(), bold=True, size=13, align="center")
    _para(left, "*" if iss.kind == "party" else "―" * 6, align="center", size=13, space_after=0)
    _para(left, iss.number_line(L), align="center", size=13, space_after=0)
    if iss.kind == "party":
        p = _cell_text(right, t("reports.party_title", L), bold=True, size=15 if L == "vi" else 13, align="center")
        p.runs[0].underline = True
        _para(right, "", size=6, space_after=0)
    else:
        _cell_text(right, t("export.nation", L), bold=True, size=12, align="center")
        p = _para(right, t("export.motto", L), align="center", bold=True, size=13, space_after=0)
        p.runs[0].underline = True
        _para(right, "", size=6, space_after=0)
    _para(right, f"{iss.get('place', L)}, {date_words(r.meta.generated, L)}", align="center", italic=True,
          size=13, space_after=0)
    _para(r.doc, "", space_after=6)


def sec_title(r: DocxReport) -> None:
    """The kind of document and what it is about; the plan named as issued by the former district."""
    L, plan = r.lang, r.ctx.plan
    _para(r.doc, t("export.doc_title", L).upper(), align="center", bold=True, size=14, space_after=2)
    key = "reports.subtitle_final" if r.kind == "final" else "reports.subtitle_review"
    plan_issuer = plan_issuer_of(r.issuer, plan, L)
    _para(r.doc, t(key, L, plan=field(plan, "title", L), issuer=plan_issuer, a=plan.period[0], b=plan.period[1],
                   h=plan.horizon), align="center", bold=True, size=13, space_after=2)
    _para(r.doc, "―" * 10, align="center", size=10, space_after=2)
    _para(r.doc, t("export.doc_scenario", L, name=scenario_label(r.meta, L), year=r.ctx.as_of,
                   date=generated_text(r.meta.generated, L)), align="center", italic=True, size=12, space_after=10)
    if is_demo_data(r.ctx):
        _run(_para(r.doc, align="center", space_after=8), t("data.demo_banner", L), bold=True, size=13, color="B3261E")


def headline_targets(r: DocxReport) -> list:
    return headline_targets_of(r.ctx.plan)


def headline_sentences(r: DocxReport) -> list[str]:
    return headline_lines(r.ctx.plan, r.verdicts, r.lang)


def sec_answer(r: DocxReport) -> None:
    """The answer first: the 2030 headline in words, the tally (decided, awaiting data, projected), what
    it would take; in the final review the 2021–2025 period's own tally before it."""
    L, s, plan = r.lang, r.summary, r.ctx.plan
    r.heading("reports.h_answer")
    if r.kind == "final":
        pr = r.period_rows()
        c = {k: sum(1 for x in pr if x.status == k) for k in ("achieved", "missed", "awaiting_data", "no_data")}
        r.text(t("reports.period_tally", L, a=plan.period[0], b=plan.period[1], n=len(pr), achieved=c["achieved"],
                 missed=c["missed"], awaiting=c["awaiting_data"] + c["no_data"]))
    for sentence in headline_sentences(r):
        p = r.text("")
        _run(p, sentence, bold=True)
    c = s["counts"]
    r.text(t("reports.tally", L, total=s["total"], decided=s["decided"], achieved=c["achieved"], missed=c["missed"],
             awaiting=s["awaiting"], projected=s["projected"], on_track=c["on_track"], at_risk=c["at_risk"],
             off_track=c["off_track"], no_data=c.get("no_data", 0), year=r.ctx.as_of))
    for tg in headline_targets(r):
        v = r.by_id.get(tg.id)
        if v is None or v.basis != "projected":
            continue
        r.text(t("reports.takes", L) + " " + need_line(r.ctx, r.scenario, tg, v, L) + ".")
    _table(r.doc, [t("export.col_status", L), t("export.col_count", L)],
           [(board_mod.status_label(k, L), str(c[k])) for k in STATUS_ORDER if c.get(k)], [8, 3])
    _para(r.doc, "", size=6, space_after=0)
    area_line = "; ".join(f"{t('area.' + a, L)} {sum(x.good for x in r.rows if x.area == a)}/"
                          f"{sum(1 for x in r.rows if x.area == a)}" for a in plan.areas)
    r.text(t("export.by_area", L, areas=area_line), space_after=4)
    changed = changed_values(r.ctx, r.scenario, L)
    if changed:
        r.text(t("export.changed_intro", L) + " " + "; ".join(f"{a}: {b}" for a, b in changed) + ".")
    else:
        r.text(t("export.all_defaults", L))
    if r.meta.note:
        r.text(f"{t('export.about_note', L)}: {r.meta.note}")


def _verdict_cell(r: DocxReport, cell: Any, row: Any, cols: dict, *, final: bool = False) -> None:
    """The verdict in its colour, then its basis, the chance, what it needs and, awaiting data, what
    would settle it and the estimate (never a conclusion)."""
    from docx.oxml.ns import qn

    L = r.lang
    bg, fg = status_fill(row.status)
    p = cell.paragraphs[0]
    _run(p, f" {row.status_label} ", bold=True, size=10, color=fg)
    for text_run in p.runs:
        rpr = text_run._r.get_or_add_rPr()
        rpr.append(rpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): bg}))
    basis = t(f"basis.{row.basis}", L) if row.basis else ""
    if final and row.status == "awaiting_data":
        if row.result and row.result != "–":
            _para(cell, t("reports.nowcast_value", L, v=row.result), size=9, space_after=0)
    elif row.result and row.result != "–":
        _para(cell, f"{cols[row.column]} · {row.result}" + (f" · {basis}" if basis else ""), size=9, space_after=0)
    if row.probability is not None:
        _para(cell, t("need.chance", L, p=fmt_pct(row.probability * 100, L, 0))
              + (f" ({t('cond.nowcast', L)})" if row.status == "awaiting_data" else ""), size=9, space_after=0)
    if row.required:
        _para(cell, f"{t('board.col_required', L)}: {row.required}", size=9, space_after=0)
    if row.condition:
        _para(cell, row.condition, size=9, italic=True, space_after=0)


def _target_table(r: DocxReport, rows: list, *, final: bool = False) -> None:
    L = r.lang
    cols = dict(board_mod.columns(r.ctx.plan, L))
    table = _table(r.doc, [t("board.col_number", L), t("board.col_target", L), t("board.col_latest", L),
                           t("board.col_goal", L), t("export.col_verdict", L)],
                   [(str(x.number), x.text, x.latest + ("" if x.official else " ◇"), x.goal, "") for x in rows],
                   [1.1, 5.3, 2.4, 2.6, 4.6], size=10)
    for row_cells, row in zip(table.rows[1:], rows):
        _verdict_cell(r, row_cells.cells[4], row, cols, final=final)
    _para(r.doc, "", space_after=4)


def sec_areas(r: DocxReport) -> None:
    """Every target, a table per area (the progress review)."""
    L = r.lang
    r.heading("reports.h_areas")
    for i, area in enumerate(r.ctx.plan.areas, 1):
        area_rows = [x for x in r.rows if x.area == area]
        good = sum(x.good for x in area_rows)
        _para(r.doc, f"{i}. {t('area.' + area, L)} ({good}/{len(area_rows)})", bold=True, italic=True, space_after=2,
              keep=True)
        _target_table(r, area_rows)


def sec_period_targets(r: DocxReport) -> None:
    """The final review: each 2021–2025 target with its final verdict on real figures, or awaiting data
    with the condition that would settle it and the estimate."""
    L, plan = r.lang, r.ctx.plan
    r.heading("reports.h_period", a=plan.period[0], b=plan.period[1])
    r.text(t("reports.period_intro", L))
    _target_table(r, r.period_rows(), final=True)


def official_series(r: DocxReport) -> list[tuple[str, dict[int, tuple[float, str]]]]:
    """The period's real figures (official or review) of the poverty indicators, by series."""
    plan, L = r.ctx.plan, r.lang
    df = r.ctx.obs.df
    df = df[df["status"].isin(("official", "review")) & df["year"].between(plan.period[0] - 1, plan.period[1])]
    out = []
    for ind in ("poor_rate", "poor_households", "near_poor_rate", "near_poor_households"):
        if ind not in r.ctx.indicators:
            continue
        for g in ["all"] + list(r.ctx.groups):
            sub = df[(df["indicator"] == ind) & (df["group"] == g)]
            if sub.empty:
                continue
            name = field(r.ctx.indicators[ind], "name", L) + ("" if g == "all" else f" — {t('group.' + g, L)}")
            out.append((name, {int(y): (float(v), ind) for y, v in zip(sub["year"], sub["value"])}))
    return out


def sec_period_achieved(r: DocxReport) -> None:
    """What the period achieved, on the official series only (estimates and projections left out)."""
    L, plan = r.lang, r.ctx.plan
    r.heading("reports.h_achieved", a=plan.period[0], b=plan.period[1])
    series = official_series(r)
    if not series:
        r.text(t("reports.no_official", L))
        return
    years = sorted({y for _, d in series for y in d})
    body = []
    for name, d in series:
        cells = []
        for y in years:
            if y not in d:
                cells.append("–")
                continue
            v, ind = d[y]
            cells.append(fmt_pct(v, L, 2) if ind.endswith("_rate") else fmt_num(v, L, 0))
        body.append((name, *cells))
    first = series[0]
    ys = sorted(first[1])
    if len(ys) >= 2:
        a, b = first[1][ys[0]][0], first[1][ys[-1]][0]
        pct = first[1][ys[0]][1].endswith("_rate")
        f = (lambda x: fmt_pct(x, L, 2)) if pct else (lambda x: fmt_num(x, L, 0))
        r.text(t("reports.achieved_line", L, name=first[0], y0=ys[0], v0=f(a), y1=ys[-1], v1=f(b),
                 d=fmt_num(abs(a - b), L, 2), unit=t("unit.pp", L) if pct else ""))
    width = 16.0 - 5.0
    _table(r.doc, [t("export.col_indicator", L)] + [str(y) for y in years], body,
           [5.0] + [width / len(years)] * len(years), size=9.5)
    _para(r.doc, t("reports.official_note", L), italic=True, size=10, space_after=8)


def sec_horizon_targets(r: DocxReport) -> None:
    """The final review: the 2030 targets' projection and what it takes."""
    L, plan = r.lang, r.ctx.plan
    r.heading("reports.h_horizon", h=plan.horizon)
    for tg in headline_targets(r):
        v = r.by_id.get(tg.id)
        if v is not None and v.basis == "projected":
            r.text(t("reports.takes", L) + " " + need_line(r.ctx, r.scenario, tg, v, L) + ".")
    _target_table(r, r.horizon_rows())


def sec_charts(r: DocxReport) -> None:
    if not r.with_charts:
        return
    from docx.shared import Cm

    from giamngheo.report import export_png
    png = r.png or export_png.chart_png
    L = r.lang
    r.heading("reports.h_charts")
    for kc in key_charts(r.ctx, r.proj, r.verdicts, L):
        r.n_figure += 1
        r.doc.add_picture(io.BytesIO(png(kc.chart)), width=Cm(16))
        r.doc.paragraphs[-1].alignment = 1
        r.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        _para(r.doc, t("export.figure", L, n=r.n_figure, title=kc.title), align="center", italic=True, size=11,
              space_after=8)
    _para(r.doc, t("export.chart_note", L), italic=True, size=11, align="justify")


def sec_assumptions(r: DocxReport) -> None:
    L = r.lang
    r.heading("reports.h_assumptions")
    r.text(t("export.assumptions_intro", L))
    resolved = r.ctx.registry.resolve(r.scenario)
    arows = []
    for a in r.ctx.registry:
        v = fmt_num(resolved[a.id], L)
        mark = " *" if resolved[a.id] != a.default else ""
        arows.append((field(a, "label", L), v + mark, fmt_num(a.default, L), unit_label(a.unit, L),
                      t(f"assumptions.basis_{a.default_basis}", L)))
    _table(r.doc, [t("assumptions.col_label", L), t("assumptions.col_value", L), t("assumptions.col_default", L),
                   t("assumptions.col_unit", L), t("assumptions.col_basis", L)], arows, [6.6, 2.2, 2.2, 2.6, 2.4],
           size=9.5)
    _para(r.doc, t("export.changed_mark", L), italic=True, size=10, space_after=8)


def sec_sources(r: DocxReport) -> None:
    """The sources cited (each title as it was published), the count of figures by status, the
    statement on figures that are not official, who prepared it and when."""
    L, ctx, doc = r.lang, r.ctx, r.doc
    r.heading("reports.h_sources")
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
    p = _para(doc, "", align="justify", space_after=4)
    _run(p, t("export.not_official", L), bold=True, italic=True, size=12)
    if r.meta.author:
        _para(doc, f"{t('export.about_author', L)}: {r.meta.author}", size=12)
    _para(doc, t("export.generated_line", L, date=generated_text(r.meta.generated, L)), italic=True, size=11,
          keep=True)                                       # the last lines stay with the signature


def sec_signature(r: DocxReport) -> None:
    """Nơi nhận on the left, the signature block on the right (the signer's authority, title, a space
    to sign, the name)."""
    L, iss = r.lang, r.issuer
    _para(r.doc, "", space_after=6, keep=True)
    table = r.doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [8.0, 8.0])
    left, right = table.rows[0].cells
    p = _cell_text(left, t("reports.recipients", L), bold=True, italic=True, size=12)
    p.runs[0].underline = iss.kind == "party"       # 36-HD/VPTW underlines it; 30/2020/NĐ-CP does not
    items = list(iss.get("recipients", L))
    for i, x in enumerate(items):
        _para(left, f"- {x}" + ("." if i == len(items) - 1 else ","), size=11, space_after=0)
    first = True
    for line in (iss.get("signer_for", L), iss.get("signer_title", L)):
        if not line:
            continue
        if first:
            _cell_text(right, line.upper(), bold=True, size=13, align="center")
            first = False
        else:
            _para(right, line.upper(), align="center", bold=True, size=13, space_after=0)
    _para(right, "", size=13, space_after=60)             # the space to sign and seal
    _para(right, iss.signer_name or "", align="center", bold=True, size=13, space_after=0)


def sec_follow_up(r: DocxReport) -> None:
    """Results against the agreed path (giamngheo.report.follow_up): what was adopted, where the latest
    year stands in one sentence, the targets' agreed and actual values, each lever's commitment and
    what was done, the communes' part of the fall, the tolerance. Nothing when no path is adopted."""
    if r.follow_up is None:
        return
    from giamngheo.report.follow_up import follow_up
    L = r.lang
    f = follow_up(r.follow_up, L, r.ctx.indicators)
    r.heading("monitor.title")
    r.text(f.adopted)
    r.text(f.sentence, bold=True)
    for c in f.changes:
        r.text(c, italic=True)
    for key, tbl, widths in (("monitor.h_readings", f.readings, [3.4, 1.9, 1.1, 2.2, 1.8, 1.6, 2.0, 2.0]),
                             ("monitor.h_levers", f.levers, [4.0, 2.6, 1.4, 2.4, 3.2, 2.4]),
                             ("monitor.h_communes", f.communes, [3.0, 1.2, 2.4, 3.2, 2.6, 3.6])):
        if tbl is None or not tbl.rows:
            continue
        _para(r.doc, t(key, L), bold=True, space_after=2, keep=True)
        _table(r.doc, tbl.header, tbl.rows, widths, size=9.5)
        _para(r.doc, "", space_after=2)
    _para(r.doc, f.tolerance, italic=True, size=10, align="justify", space_after=8)


SECTIONS: dict[str, list[Callable[[DocxReport], None]]] = {
    "review": [sec_header, sec_title, sec_answer, sec_follow_up, sec_areas, sec_charts, sec_assumptions, sec_sources,
               sec_signature],
    "final": [sec_header, sec_title, sec_answer, sec_period_targets, sec_period_achieved, sec_horizon_targets,
              sec_follow_up, sec_charts, sec_assumptions, sec_sources, sec_signature],
}


def docx_bytes(ctx: Context, scenario: Scenario, lang: str, meta: ReportMeta | None = None,
               proj: Projection | None = None, verdicts: list[Verdict] | None = None, with_charts: bool = True,
               png: Callable[[Any], bytes] | None = None, *, kind: str = "review", issuer: Issuer | None = None,
               sections: Sequence[Callable[[DocxReport], None]] | None = None, follow_up: Any = None) -> bytes:
    """The Word report of a scenario: ``kind`` "review" (progress on every target) or "final" (the
    2021–2025 final review, then the 2030 targets). ``issuer``: who issues it (default: the settings
    file). ``png`` turns a chart into PNG bytes (default: vl-convert). ``sections``: the parts, in
    order (default :data:`SECTIONS` of the kind). ``follow_up``: the adopted path measured
    (``giamngheo.monitor.measure``), written as its own part; None: no such part."""
    from docx import Document
    from docx.shared import Cm

    if kind not in KINDS:
        raise ValueError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    meta = meta or ReportMeta(scenario_name=scenario.name)
    proj, verdicts = _results(ctx, scenario, proj, verdicts)
    issuer = issuer or load_issuer()
    plan, L = ctx.plan, lang
    rows = board_mod.board(plan, ctx.indicators, verdicts, L)

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Cm(2), Cm(2), Cm(3), Cm(2)
    _docx_font(doc)
    _page_number(sec, issuer.kind)
    title_key = "reports.core_title_final" if kind == "final" else "reports.core_title_review"
    doc.core_properties.title = t(title_key, L)
    doc.core_properties.subject = field(plan, "title", L)
    doc.core_properties.author = meta.author or issuer.get("body", L)
    doc.core_properties.language = "vi-VN" if L == "vi" else "en-GB"

    report = DocxReport(doc=doc, ctx=ctx, scenario=scenario, lang=L, meta=meta, proj=proj, verdicts=verdicts,
                        rows=rows, summary=board_mod.summary(rows), issuer=issuer, kind=kind,
                        with_charts=with_charts, png=png, follow_up=follow_up)
    for section in (sections if sections is not None else SECTIONS[kind]):
        section(report)
    clean_document(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()

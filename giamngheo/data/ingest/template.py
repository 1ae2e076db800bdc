"""Blank files to fill in: the review (one row per unit of the year's era) and the long shape."""
from __future__ import annotations

import csv
import io
from typing import Any, Sequence

from giamngheo.data import communes as cm
from giamngheo.data.ingest.headers import FORMATS, REVIEW_COLUMNS, REVIEW_FORM_COLUMNS, SHAPES
from giamngheo.data.ingest.review import standard_of
from giamngheo.data.observations import COLUMNS
from giamngheo.i18n import t


def _long_template_rows(year: int) -> list[list[Any]]:
    return [[ind, grp, year, "", unit, "", "", "", ""]       # value, status, source, note, note_en blank
            for ind, grp, unit in (("households", "all", "households"), ("poor_households", "all", "households"),
                                   ("near_poor_households", "all", "households"), ("poor_exits", "all", "households"),
                                   ("poor_returning", "all", "households"), ("poor_new", "all", "households"),
                                   ("households", "khmer", "households"), ("poor_households", "khmer", "households"),
                                   ("near_poor_households", "khmer", "households"))]


def template(shape: str, fmt: str = "csv", lang: str = "vi", year: int = 2025,
             communes: cm.Communes | None = None, break_year: int | None = None) -> bytes:
    """A blank file of ``shape`` to fill in: CSV (UTF-8 with a byte-order mark, for Excel) or XLSX.

    The review template lists the units of the year's era (17 before the merger, 6 after) with the
    year filled in and every figure blank. From the first year on a new poverty standard
    (``break_year``, the plan's, default 2026) it is the summary form (:data:`REVIEW_FORM_COLUMNS`:
    households; poor and near-poor, of them ethnic-minority, Khmer and with nobody able to work;
    leaving, returning, newly poor), with a title that names the standard; before, the review with
    the start of the year and the flows (:data:`REVIEW_COLUMNS`). The long template lists the
    poverty indicators of the year with the value, source and note blank. A blank template does not
    pass the check."""
    if shape not in SHAPES or fmt not in FORMATS:
        raise ValueError(f"shape must be one of {SHAPES}, format one of {FORMATS}")
    communes = communes or cm.load_communes()
    if shape == "long":
        header = list(COLUMNS)
        body = _long_template_rows(year)
        if fmt == "csv":
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\r\n")
            w.writerow(header)
            w.writerows(body)
            return ("\ufeff" + buf.getvalue()).encode("utf-8")
        return _xlsx([header], body, t("ingest.sheet_long", lang), [], lang)
    form = standard_of(year, break_year) == "nd351_2025"
    cols = REVIEW_FORM_COLUMNS if form else REVIEW_COLUMNS
    units = communes.units(cm.era_of_year(year))
    body = [[u.name, year] + [""] * (len(cols) - 2) for u in units]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow([c.header(lang) for c in cols])
        w.writerows(body)
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    top = [(c.group_en if lang == "en" else c.group_vi) or c.header(lang) for c in cols]
    sub = [(c.sub_en if lang == "en" else c.sub_vi) if (c.group_vi or c.group_en) else "" for c in cols]
    total = [t("ingest.total_row", lang), year] + [("sum", j) for j in range(2, len(cols))]
    if not form:
        return _xlsx([top, sub], body, t("ingest.sheet_review", lang), total, lang)
    std = t(f"ingest.standard.{standard_of(year, break_year)}", lang)
    titles = [t("ingest.form_title", lang, year=year), t("ingest.form_subtitle", lang, standard=std),
              t("ingest.form_area", lang, n=len(units))]
    return _xlsx([top, sub], body, t("ingest.sheet_review", lang), total, lang, titles, numbering=True)


def _xlsx(header_rows: list[list[Any]], body: list[list[Any]], title: str, total: list[Any], lang: str,
          title_lines: Sequence[str] = (), numbering: bool = False) -> bytes:
    """A sheet: title lines (merged across the table), one or two header rows (a group cell merged over
    its sub-columns, as Excel writes them), an optional numbering row "(1) (2) …", the body, a total row
    of SUM formulas."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title[:31]
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8F0EA")
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")
    n = len(header_rows[0])
    for i, line in enumerate(title_lines, start=1):
        ws.append([line])
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=n)
        ws.cell(i, 1).font = Font(bold=i == 1, size=13 if i == 1 else 11)
        ws.cell(i, 1).alignment = Alignment(horizontal="center", wrap_text=True)
    h0 = len(title_lines) + 1                # the first header row
    for r in header_rows:
        ws.append(r)
    if len(header_rows) == 2:               # merge: vertical where there is no sub-header, horizontal over a group
        top, sub = header_rows
        j = 0
        while j < n:
            if not sub[j]:
                ws.merge_cells(start_row=h0, start_column=j + 1, end_row=h0 + 1, end_column=j + 1)
                j += 1
                continue
            k = j
            while k + 1 < n and sub[k + 1] and top[k + 1] == top[j]:
                k += 1
            if k > j:
                ws.merge_cells(start_row=h0, start_column=j + 1, end_row=h0, end_column=k + 1)
            j = k + 1
    if numbering:
        ws.append([f"({j})" for j in range(1, n + 1)])
    for row in ws.iter_rows(min_row=h0, max_row=ws.max_row):
        for c in row:
            c.font, c.fill, c.alignment = bold, fill, wrap
    first = ws.max_row + 1
    for r in body:
        ws.append(r)
    if total:
        last = first + len(body) - 1
        vals = [v if not (isinstance(v, tuple) and v[0] == "sum")
                else f"=SUM({get_column_letter(v[1] + 1)}{first}:{get_column_letter(v[1] + 1)}{last})" for v in total]
        ws.append(vals)
        for c in ws[ws.max_row]:
            c.font = bold
    for j in range(1, n + 1):
        ws.column_dimensions[get_column_letter(j)].width = 22 if j == 1 else 14
    ws.freeze_panes = ws.cell(row=first, column=2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_name(shape: str, fmt: str, year: int) -> str:
    return f"mau-{'ra-soat' if shape == 'review' else 'so-lieu'}-{year}.{fmt}"

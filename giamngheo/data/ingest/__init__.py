"""Read, check and map the files the district's offices produce (no Streamlit here).

Modules: ``read`` (cells of a CSV or a workbook, within limits), ``numbers``, ``headers`` (the columns
and the header row), ``long`` and ``review`` (the two shapes), ``check`` (either shape), ``merge``
(rows of a data version, merging, the change summary), ``template`` (blank files). Text and tables
for pages are in :mod:`giamngheo.report.ingest_view`.

Two shapes, each as CSV or Excel (.xlsx):

* ``long``: the observation format of ``data/observations.csv`` (``indicator, group, year, value,
  unit, status, source, note``); Vietnamese headers (``chỉ tiêu, nhóm, năm, giá trị, …``) and
  statuses (``chính thức, ước tính, minh họa``) are accepted too.
* ``review``: the annual poverty-review summary as the offices keep it, one row per commune or
  town and year (:data:`REVIEW_COLUMNS`): total households, poor at the start of the year, leaving
  poverty, returning, newly poor, poor at the end (the same for near-poor), with Khmer columns.

What is accepted, as offices produce it: UTF-8 with or without a byte-order mark, UTF-16 from
Excel's "Unicode text" (tab-separated), Windows-1258; comma, semicolon or tab separators (and a
first line ``sep=;``); decimal comma with thousands dot (``1.234,5``) as well as ``1,234.5`` (the
convention is found per file from the cells that are unambiguous; a whole-number column reads
``43.369`` and ``43,369`` as thousands); ``-`` for zero; ``%`` after a rate; headers with or
without diacritics, any case; title rows above the header (a year in the title, "… năm 2024", is
used when there is no year column); a two-row header where a group cell spans its sub-columns
("Hộ nghèo" over "Đầu năm | Thoát nghèo | …"), as Excel writes merged cells; a numbering row
("(1) (2) (3)") under the header; a total row ("Tổng cộng", "Toàn huyện"), which is checked
against the sum of the communes and otherwise not used.

Every problem is an :class:`~giamngheo.data.observations.Problem`: row (the file's line or Excel row),
column (the header as written in the file), value (as written) and a reason (message key
``problem.<code>``; this module's codes start with ``in_`` and live in ``locales/ingest.toml``).

Mapping a review to observations (:func:`review_to_rows`): each valid commune row gives the
commune's own rows, in the group of its unit (``xa:<slug>``, ``xa2025:<slug>``, ``…:khmer``; see
:mod:`giamngheo.communes`); a year whose valid rows cover every unit of one era (17 before the
merger, 6 after) also gives the district's totals (group ``all`` and ``khmer``), as sums.
Rates are not stored: the core derives them from the counts.
"""
from __future__ import annotations

from giamngheo.data.ingest.check import check_file, detect_shape
from giamngheo.data.ingest.guard import check_file_isolated
from giamngheo.data.ingest.headers import (
    ALL_REVIEW,
    FORMATS,
    LONG_ALIASES,
    NEAR_BLOCK,
    POOR_BLOCK,
    REVIEW_COLUMNS,
    REVIEW_FORM_COLUMNS,
    REVIEW_TO_INDICATOR,
    SHAPES,
    Col,
    classify_long,
    classify_review,
)
from giamngheo.data.ingest.long import long_to_rows
from giamngheo.data.ingest.merge import (
    Merge,
    change_summary,
    check_table_rows,
    csv_to_rows,
    merge,
    rows_to_csv,
    stored_rows,
    version_frames,
)
from giamngheo.data.ingest.numbers import parse_number
from giamngheo.data.ingest.read import LIMITS, Limits, ReadError, Table, read_table
from giamngheo.data.ingest.result import Checked, Mapped, Note, Record
from giamngheo.data.ingest.review import plan_break_year, review_to_rows, standard_of, start_notes
from giamngheo.data.ingest.template import template, template_name
from giamngheo.data.observations import COLUMNS


def to_rows(checked: Checked, status: str = "official", source: str = "") -> Mapped:
    return long_to_rows(checked) if checked.shape == "long" else review_to_rows(checked, status, source)


__all__ = ["ALL_REVIEW", "COLUMNS", "FORMATS", "LIMITS", "LONG_ALIASES", "NEAR_BLOCK", "POOR_BLOCK",
           "REVIEW_COLUMNS", "REVIEW_FORM_COLUMNS", "REVIEW_TO_INDICATOR", "SHAPES", "plan_break_year",
           "Checked", "Col", "Limits", "Mapped", "Merge", "Note", "ReadError", "Record", "Table",
           "change_summary", "check_file", "check_file_isolated", "check_table_rows", "classify_long",
           "classify_review", "csv_to_rows", "detect_shape", "long_to_rows", "merge", "parse_number", "read_table",
           "review_to_rows", "rows_to_csv", "standard_of", "start_notes", "stored_rows", "template",
           "template_name", "to_rows", "version_frames"]

"""Read, check and map the files the district's offices produce (no Streamlit here).

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

Every problem is an :class:`~giamngheo.observations.Problem`: row (the file's line or Excel row),
column (the header as written in the file), value (as written) and a reason (message key
``problem.<code>``; this module's codes start with ``in_`` and live in ``locales/ingest.toml``).

Mapping a review to observations (:func:`review_to_rows`): each valid commune row gives the
commune's own rows, in the group of its unit (``xa:<slug>``, ``xa2025:<slug>``, ``…:khmer``; see
:mod:`giamngheo.communes`); a year whose valid rows cover every unit of one era (17 before the
merger, 6 after) also gives the district's totals (group ``all`` and ``khmer``), as sums.
Rates are not stored: the core derives them from the counts.
"""
from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Sequence

import pandas as pd

from giamngheo.data import communes as cm
from giamngheo.i18n import fmt_num, t
from giamngheo.plan.indicators import Indicator, load_indicators
from giamngheo.data.observations import COLUMNS, LINE_KEY, STATUSES, Problem, validate_rows

SHAPES = ("long", "review")
FORMATS = ("csv", "xlsx")
MAX_HEADER_SCAN = 15
RATE_TOLERANCE = 0.05          # points: a stated rate may differ this much from count / households × 100
DASHES = {"-", "–", "—", "−"}
FILE_CODES = {"missing_column", "in_duplicate_column", "in_no_header", "in_unreadable", "in_old_xls", "no_rows"}


# ------------------------------------------------------------------------------------------ columns


@dataclass(frozen=True)
class Col:
    id: str
    vi: str
    en: str
    kind: str                     # "text" | "year" | "count" | "rate"
    required: bool = False
    group_vi: str = ""            # the two-row template: the group cell above, and the sub-header
    group_en: str = ""
    sub_vi: str = ""
    sub_en: str = ""

    def header(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


def _c(id_, vi, en, kind="count", req=False, gvi="", gen="", svi="", sen=""):
    return Col(id_, vi, en, kind, req, gvi, gen, svi or vi, sen or en)


# The review template, in order. Required: commune, year (or a year in the title), households and
# the five poor-household columns. The near-poor block is optional as a whole, but once one of its
# columns is there the four of its identity must be (returning near-poor may be left out: 0).
REVIEW_COLUMNS: tuple[Col, ...] = (
    _c("commune", "Xã, thị trấn", "Commune or town", "text", True),
    _c("year", "Năm", "Year", "year", True),
    _c("households", "Tổng số hộ", "Total households", "count", True, "Tổng số hộ", "Total households", "Tổng số", "Total"),
    _c("households_khmer", "Tổng số hộ – trong đó Khmer", "Total households – of which Khmer", "count", False,
       "Tổng số hộ", "Total households", "trong đó Khmer", "of which Khmer"),
    _c("poor_start", "Hộ nghèo đầu năm", "Poor households at the start of the year", "count", True,
       "Hộ nghèo", "Poor households", "Đầu năm", "Start of the year"),
    _c("poor_exits", "Thoát nghèo", "Leaving poverty", "count", True, "Hộ nghèo", "Poor households", "Thoát nghèo",
       "Leaving poverty"),
    _c("poor_returning", "Tái nghèo", "Returning to poverty", "count", True, "Hộ nghèo", "Poor households", "Tái nghèo",
       "Returning to poverty"),
    _c("poor_new", "Nghèo phát sinh", "Newly poor", "count", True, "Hộ nghèo", "Poor households", "Phát sinh mới",
       "Newly poor"),
    _c("poor_end", "Hộ nghèo cuối năm", "Poor households at the end of the year", "count", True, "Hộ nghèo",
       "Poor households", "Cuối năm", "End of the year"),
    _c("poor_rate", "Tỷ lệ hộ nghèo cuối năm (%)", "Poor-household rate at the end of the year (%)", "rate", False,
       "Hộ nghèo", "Poor households", "Tỷ lệ cuối năm (%)", "Rate at the end of the year (%)"),
    _c("poor_end_khmer", "Hộ nghèo cuối năm – trong đó Khmer", "Poor households at the end of the year – of which Khmer",
       "count", False, "Hộ nghèo", "Poor households", "Cuối năm – trong đó Khmer", "End of the year – of which Khmer"),
    _c("near_poor_start", "Hộ cận nghèo đầu năm", "Near-poor households at the start of the year", "count", False,
       "Hộ cận nghèo", "Near-poor households", "Đầu năm", "Start of the year"),
    _c("near_poor_exits", "Thoát cận nghèo", "Leaving near-poverty", "count", False, "Hộ cận nghèo",
       "Near-poor households", "Thoát cận nghèo", "Leaving near-poverty"),
    _c("near_poor_returning", "Tái cận nghèo", "Returning to near-poverty", "count", False, "Hộ cận nghèo",
       "Near-poor households", "Tái cận nghèo", "Returning to near-poverty"),
    _c("near_poor_new", "Cận nghèo phát sinh", "Newly near-poor", "count", False, "Hộ cận nghèo",
       "Near-poor households", "Phát sinh mới", "Newly near-poor"),
    _c("near_poor_end", "Hộ cận nghèo cuối năm", "Near-poor households at the end of the year", "count", False,
       "Hộ cận nghèo", "Near-poor households", "Cuối năm", "End of the year"),
    _c("near_poor_rate", "Tỷ lệ hộ cận nghèo cuối năm (%)", "Near-poor rate at the end of the year (%)", "rate", False,
       "Hộ cận nghèo", "Near-poor households", "Tỷ lệ cuối năm (%)", "Rate at the end of the year (%)"),
    _c("near_poor_end_khmer", "Hộ cận nghèo cuối năm – trong đó Khmer",
       "Near-poor households at the end of the year – of which Khmer", "count", False, "Hộ cận nghèo",
       "Near-poor households", "Cuối năm – trong đó Khmer", "End of the year – of which Khmer"),
)
# Recognised too, though not in the template: the Khmer part of every flow and stock, and Khmer rates.
_EXTRA = tuple(
    _c(f"{b}_khmer", f"{v} – trong đó Khmer", f"{e} – of which Khmer", "rate" if b.endswith("rate") else "count")
    for b, v, e in (("poor_start", "Hộ nghèo đầu năm", "Poor households at the start of the year"),
                    ("poor_exits", "Thoát nghèo", "Leaving poverty"),
                    ("poor_returning", "Tái nghèo", "Returning to poverty"),
                    ("poor_new", "Nghèo phát sinh", "Newly poor"),
                    ("poor_rate", "Tỷ lệ hộ nghèo cuối năm (%)", "Poor-household rate at the end of the year (%)"),
                    ("near_poor_start", "Hộ cận nghèo đầu năm", "Near-poor households at the start of the year"),
                    ("near_poor_exits", "Thoát cận nghèo", "Leaving near-poverty"),
                    ("near_poor_returning", "Tái cận nghèo", "Returning to near-poverty"),
                    ("near_poor_new", "Cận nghèo phát sinh", "Newly near-poor"),
                    ("near_poor_rate", "Tỷ lệ hộ cận nghèo cuối năm (%)", "Near-poor rate at the end of the year (%)")))
ALL_REVIEW = {c.id: c for c in REVIEW_COLUMNS + _EXTRA}
POOR_BLOCK = ("poor_start", "poor_exits", "poor_returning", "poor_new", "poor_end")
NEAR_BLOCK = ("near_poor_start", "near_poor_exits", "near_poor_new", "near_poor_end")   # + optional returning

# review column → (indicator, Khmer group?) of the observations it becomes
REVIEW_TO_INDICATOR: dict[str, tuple[str, bool]] = {}
for _b, _ind in (("households", "households"), ("poor_end", "poor_households"), ("poor_exits", "poor_exits"),
                 ("poor_returning", "poor_returning"), ("poor_new", "poor_new"),
                 ("near_poor_end", "near_poor_households"), ("near_poor_exits", "near_poor_exits"),
                 ("near_poor_new", "near_poor_new")):
    REVIEW_TO_INDICATOR[_b] = (_ind, False)
    REVIEW_TO_INDICATOR[f"{_b}_khmer"] = (_ind, True)

LONG_ALIASES = {
    "indicator": ("indicator", "chi tieu", "ma chi tieu"),
    "group": ("group", "nhom", "nhom ho"),
    "year": ("year", "nam"),
    "value": ("value", "gia tri", "so lieu"),
    "unit": ("unit", "don vi", "don vi tinh", "dvt"),
    "status": ("status", "trang thai", "tinh trang"),
    "source": ("source", "nguon", "nguon so lieu"),
    "note": ("note", "ghi chu"),
}
STATUS_ALIASES = {"official": "official", "chinh thuc": "official", "estimate": "estimate", "uoc tinh": "estimate",
                  "illustrative": "illustrative", "minh hoa": "illustrative"}
GROUP_ALIASES = {"all": "all", "toan huyen": "all", "tat ca": "all", "khmer": "khmer", "ho khmer": "khmer"}

_COMMUNE_HEADERS = {"xa", "xa thi tran", "ten xa", "ten xa thi tran", "don vi", "ten don vi", "dia ban",
                    "xa phuong thi tran", "don vi hanh chinh", "commune", "commune or town", "communes", "unit",
                    "xa thi tran don vi", "ten dia ban"}
_YEAR_HEADERS = {"nam", "year", "nam ra soat", "ky ra soat"}
_SKIP_HEADERS = {"stt", "tt", "so tt", "so thu tu", "no", "ghi chu", "note", "notes"}
_TOTAL_NAMES = ("tong cong", "tong", "cong", "toan huyen", "tong so", "total", "huyen tra cu", "tong toan huyen",
                "ca huyen", "all")


def classify_review(header: Any) -> str | None:
    """The review column a header means (``"skip"`` for a number or note column), or None."""
    f = cm.fold(header)
    if not f:
        return None
    toks = set(f.split())
    if f in _COMMUNE_HEADERS:
        return "commune"
    if f in _YEAR_HEADERS:
        return "year"
    if f in _SKIP_HEADERS:
        return "skip"
    khmer = "khmer" in toks or "dtts" in toks or "dan toc" in f or "ethnic" in toks
    near = "can ngheo" in f or ("near" in toks and bool(toks & {"poor", "poverty"}))
    poor = not near and bool(toks & {"ngheo", "poor", "poverty"})
    rate = "ty le" in f or "rate" in toks or "%" in f
    start = "dau nam" in f or "dau ky" in f or "start" in toks or "beginning" in toks
    end = "cuoi nam" in f or "cuoi ky" in f or "end" in toks
    suffix = "_khmer" if khmer else ""
    if not (near or poor):
        if rate:
            return None
        if "so ho" in f or "tong ho" in f or "households" in toks or "ho dan" in f:
            return "households" + suffix
        return None
    base = "near_poor" if near else "poor"
    if rate:
        return None if start else f"{base}_rate{suffix}"
    if start:
        item = "start"
    elif end:
        item = "end"
    elif toks & {"thoat", "leaving", "exits", "exit", "left"}:
        item = "exits"
    elif toks & {"tai", "returning", "return", "returned"}:
        item = "returning"
    elif "phat sinh" in f or toks & {"moi", "new", "newly"}:
        item = "new"
    else:
        return None
    return f"{base}_{item}{suffix}"


def classify_long(header: Any) -> str | None:
    f = cm.fold(header)
    for key, aliases in LONG_ALIASES.items():
        if f in aliases:
            return key
    return None


# ------------------------------------------------------------------------------------------ notes


@dataclass(frozen=True)
class Note:
    """Something the reader did or noticed that is not a problem (message key ``ingest.note.<code>``)."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    def message(self, lang: str = "vi") -> str:
        return t(f"ingest.note.{self.code}", lang, **dict(self.params))


def describe(p: Problem, lang: str = "vi") -> str:
    """One line: ``Dòng 5, cột «Thoát nghèo»: «12,5» — số hộ phải là số nguyên``."""
    reason = t(f"problem.{p.code}", lang, **dict(p.params))
    if p.row is not None and p.column:
        where = t("ingest.where_row_col", lang, row=p.row, column=p.column)
    elif p.row is not None:
        where = t("ingest.where_row", lang, row=p.row)
    elif p.column:
        where = t("ingest.where_col", lang, column=p.column)
    else:
        where = t("ingest.where_file", lang, file=p.file)
    value = " ".join(p.value.split())
    shown = value if len(value) <= 40 else value[:37] + "…"
    return f"{where}: «{shown}» — {reason}" if shown != "" else f"{where}: {reason}"


def problems_frame(problems: Sequence[Problem], lang: str = "vi") -> pd.DataFrame:
    """Row, column, value, reason: for a table on screen (headers in the user's language)."""
    return pd.DataFrame({
        t("ingest.col_row", lang): [p.row if p.row is not None else "" for p in problems],
        t("ingest.col_column", lang): [p.column or "" for p in problems],
        t("ingest.col_value", lang): [p.value for p in problems],
        t("ingest.col_reason", lang): [t(f"problem.{p.code}", lang, **dict(p.params)) for p in problems],
    }).astype(str)


# ------------------------------------------------------------------------------------------ reading


@dataclass
class Table:
    rows: list[list[Any]]
    lines: list[int]                  # the file's line (CSV) or Excel row of each row
    kind: str                         # "csv" | "xlsx"
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""


class ReadError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.code)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    head = data[:4000]
    if head and head.count(b"\x00") > len(head) // 4:       # UTF-16 without its mark
        enc = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        return data.decode(enc), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    import unicodedata
    return unicodedata.normalize("NFC", data.decode("cp1258")), "cp1258"


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()][:30]
    best, best_score = ",", (-1, -1)
    for d in (",", ";", "\t"):
        counts = [len(r) for r in csv.reader(lines, delimiter=d)]
        if not counts:
            continue
        mode, n = Counter(c for c in counts if c > 1).most_common(1)[0] if any(c > 1 for c in counts) else (1, 0)
        score = (n, mode)
        if score > best_score:
            best, best_score = d, score
    return best


def read_table(data: bytes, filename: str) -> Table:
    """Cells of the first sheet (xlsx) or of the CSV text; raises ReadError for a file it cannot read."""
    name = filename or "file"
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, name)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(Problem(name, None, None, "", "in_old_xls"))
    if not data.strip(b"\x00\r\n\t \xef\xbb\xbf\xff\xfe"):
        raise ReadError(Problem(name, None, None, "", "no_rows"))
    try:
        text, enc = _decode(data)
    except (UnicodeDecodeError, LookupError):
        raise ReadError(Problem(name, None, None, "", "in_unreadable")) from None
    text = text.lstrip("\ufeff")
    first_line = 1
    m = re.match(r"\s*sep=(.)\s*\r?\n", text)
    delimiter = None
    if m:
        delimiter = m.group(1)
        text = text[m.end():]
        first_line = 2
    delimiter = delimiter or _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, lines = [], []
    prev = 0
    try:
        for r in reader:
            rows.append(r)
            lines.append(prev + first_line)
            prev = reader.line_num
    except csv.Error:
        raise ReadError(Problem(name, prev + first_line, None, "", "in_unreadable")) from None
    return Table(rows, lines, "csv", enc, delimiter)


def _read_xlsx(data: bytes, name: str) -> Table:
    try:
        import openpyxl
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:   # a zip that is not a workbook
        raise ReadError(Problem(name, None, None, "", "in_unreadable")) from exc
    best: Table | None = None
    for ws in wb.worksheets:
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        for rng in ws.merged_cells.ranges:     # Excel keeps a merged value in its top-left cell only
            v = ws.cell(rng.min_row, rng.min_col).value
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if r - 1 < len(grid):
                        row = grid[r - 1]
                        while len(row) < c:
                            row.append(None)
                        row[c - 1] = v
        tbl = Table(grid, list(range(1, len(grid) + 1)), "xlsx", "xlsx", "", ws.title)
        if best is None:
            best = tbl
        if _find_header(tbl, "review") or _find_header(tbl, "long"):
            return tbl
    return best or Table([], [], "xlsx")


# ------------------------------------------------------------------------------------------ numbers


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _num_text(s: str) -> str:
    s = str(s).strip()
    for ch in ("\u00a0", "\u202f", "\u2009", " ", "'"):
        s = s.replace(ch, "")
    s = s.replace("−", "-").replace("–", "-")
    if s.endswith("%"):
        s = s[:-1]
    return s


def _vote(s: str) -> str | None:
    """Which convention an unambiguous number text shows: "," (decimal comma) or "." — or None."""
    b = _num_text(s).lstrip("+-")
    if not re.fullmatch(r"[0-9.,]+", b) or not re.search(r"\d", b):
        return None
    dots, commas = b.count("."), b.count(",")
    if dots and commas:
        return "," if b.rfind(",") > b.rfind(".") else "."
    if dots + commas == 0:
        return None
    c = "." if dots else ","
    if dots + commas > 1:
        return "," if c == "." else "."           # repeated: thousands
    after = len(b) - b.index(c) - 1
    if after == 3:
        return None                                # 1.234 / 1,234: ambiguous
    return "," if c == "," else "."


def parse_number(v: Any, decimal: str = ",", whole: bool = False) -> float | None:
    """A number from a cell: Excel numbers as they are; text as ``1.234,5``/``1,234.5``/``2,33%``.

    ``decimal`` is the file's decimal mark for ambiguous texts; ``whole`` reads ``1.234`` and
    ``1,234`` as thousands whatever the mark (a count cannot be 1,234 households). Returns None
    when the cell is not a number."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v) if math.isfinite(v) else None
    s = _num_text(v)
    if s in DASHES or s == "":
        return 0.0 if s else None
    m = re.fullmatch(r"([+-]?)([0-9.,]+)", s)
    if not m or not re.search(r"\d", m.group(2)):
        return None
    sign, b = (-1.0 if m.group(1) == "-" else 1.0), m.group(2)
    dots, commas = b.count("."), b.count(",")
    if dots and commas:
        dec = "," if b.rfind(",") > b.rfind(".") else "."
        th = "." if dec == "," else ","
        ip, _, fp = b.rpartition(dec)
        if not re.fullmatch(r"\d{1,3}(" + re.escape(th) + r"\d{3})*", ip) or not fp.isdigit():
            return None
        return sign * float(ip.replace(th, "") + "." + fp)
    if dots + commas == 0:
        return sign * float(b)
    c = "." if dots else ","
    if dots + commas > 1:
        if not re.fullmatch(r"\d{1,3}(" + re.escape(c) + r"\d{3})+", b):
            return None
        return sign * float(b.replace(c, ""))
    ip, _, fp = b.partition(c)
    if not fp.isdigit() or (ip and not ip.isdigit()):
        return None
    if len(fp) == 3 and ip and len(ip) <= 3 and (whole or c != decimal):
        return sign * float(ip + fp)              # thousands
    return sign * float((ip or "0") + "." + fp)


def _shown(v: Any, lang: str) -> str:
    """A cell as the user sees it: text as written; an Excel number in the user's format."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        f = float(v)
        if f.is_integer():
            return fmt_num(f, lang, 0)
        s = repr(f)
        return s.replace(".", ",") if lang == "vi" else s
    return str(v).strip()


# ------------------------------------------------------------------------------------------ header


@dataclass
class Header:
    index: int                     # the row (0-based in Table.rows) of the last header row
    nrows: int                     # 1 or 2
    columns: dict[int, str]        # cell index → column id
    display: dict[int, str]        # cell index → the header as written ("Hộ nghèo – Thoát nghèo")
    unknown: list[str]             # headers not recognised


def _ffill(row: Sequence[Any]) -> list[str]:
    out, last = [], ""
    for v in row:
        s = "" if _is_blank(v) else str(v).strip()
        last = s or last
        out.append(last)
    return out


def _map_row(cells: Sequence[str], shape: str) -> tuple[dict[int, str], dict[int, str], list[str]]:
    cols: dict[int, str] = {}
    disp: dict[int, str] = {}
    unknown: list[str] = []
    classify = classify_review if shape == "review" else classify_long
    for j, h in enumerate(cells):
        if not h:
            continue
        cid = classify(h)
        if cid is None:
            unknown.append(h)
        elif cid != "skip":
            cols[j] = cid
            disp[j] = h
    return cols, disp, unknown


def _find_header(tbl: Table, shape: str) -> Header | None:
    best: tuple[tuple[int, int], Header] | None = None
    key_col = "commune" if shape == "review" else "indicator"
    for i in range(min(MAX_HEADER_SCAN, len(tbl.rows))):
        top = ["" if _is_blank(v) else " ".join(str(v).split()) for v in tbl.rows[i]]
        cands = [(1, top)]
        if i + 1 < len(tbl.rows):
            below = ["" if _is_blank(v) else " ".join(str(v).split()) for v in tbl.rows[i + 1]]
            filled = _ffill(top)
            width = max(len(top), len(below))
            comb = []
            for j in range(width):
                b = below[j] if j < len(below) else ""
                b = "" if parse_number(b) is not None else b
                a = filled[j] if j < len(filled) else ""
                own = top[j] if j < len(top) else ""
                if b and a and b != a:
                    comb.append(f"{a} – {b}")
                else:
                    comb.append(b or own)
            if any(below) and any(_is_text_header(x) for x in below):
                cands.append((2, comb))
        for nrows, cells in cands:
            cols, disp, unknown = _map_row(cells, shape)
            if key_col not in cols.values():
                continue
            score = (len(set(cols.values())), -nrows)
            if len(set(cols.values())) < 3:
                continue
            if best is None or score > best[0]:
                best = (score, Header(i + nrows - 1, nrows, cols, disp, unknown))
    return best[1] if best else None


def _is_text_header(s: str) -> bool:
    return bool(s) and parse_number(s) is None and not re.fullmatch(r"\(?[0-9a-zA-Z]{1,2}\)?", s.strip())


def _is_numbering_row(row: Sequence[Any]) -> bool:
    cells = [str(v).strip() for v in row if not _is_blank(v)]
    if len(cells) < 3:
        return False
    if not all(re.fullmatch(r"\(?[0-9a-zA-Z]{1,2}\)?", c) for c in cells):
        return False
    nums = [int(re.sub(r"\D", "", c)) for c in cells if re.sub(r"\D", "", c)]
    return len(nums) >= 2 and all(b > a for a, b in zip(nums, nums[1:]))


def _title_year(tbl: Table, upto: int) -> int | None:
    for r in tbl.rows[:upto]:
        for v in r:
            m = re.search(r"\b(?:nam|year)\s+(19\d\d|20\d\d)\b", cm.fold(v))
            if m:
                return int(m.group(1))
    return None


# ------------------------------------------------------------------------------------------ checking


@dataclass
class Record:
    line: int
    kind: str                        # "unit" | "total" | "row" (long)
    year: int | None = None
    unit: cm.Unit | None = None
    values: dict[str, float | None] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Checked:
    """The result of checking a file: every problem, notes, and the rows as read."""

    shape: str
    file: str
    problems: list[Problem]
    notes: list[Note]
    records: list[Record]
    columns: dict[str, str]          # column id → header as written
    meta: dict[str, Any] = field(default_factory=dict)
    clean_long: list[dict[str, Any]] = field(default_factory=list)   # the long shape: rows that passed

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def file_level(self) -> bool:
        """A problem of the file as a whole (unreadable, a missing column): no row can be used."""
        return any(p.row is None or p.code in FILE_CODES for p in self.problems)

    @property
    def bad_lines(self) -> set[int]:
        return {p.row for p in self.problems if p.row is not None}

    def valid_records(self) -> list[Record]:
        if self.file_level:
            return []
        bad = self.bad_lines
        return [r for r in self.records if r.line not in bad]

    @property
    def n_rows(self) -> int:
        return sum(1 for r in self.records if r.kind != "total")

    @property
    def n_valid(self) -> int:
        return sum(1 for r in self.valid_records() if r.kind != "total") if self.shape == "review" else \
            (0 if self.file_level else len(self.clean_long))


def detect_shape(tbl: Table) -> str:
    long_h, rev_h = _find_header(tbl, "long"), _find_header(tbl, "review")
    if long_h and (not rev_h or len(set(long_h.columns.values())) >= 4):
        return "long"
    return "review"


def check_file(data: bytes, filename: str, shape: str | None = None, *, lang: str = "vi",
               indicators: dict[str, Indicator] | None = None, communes: cm.Communes | None = None,
               sources: dict[str, Any] | None = None, year: int | None = None) -> Checked:
    """Read and check a file of either shape (``None``: find out from its header)."""
    name = filename or "file"
    try:
        tbl = read_table(data, name)
    except ReadError as exc:
        return Checked(shape or "review", name, [exc.problem], [], [], {})
    if shape is None:
        shape = detect_shape(tbl)
    if shape == "long":
        return _check_long(tbl, name, lang, indicators if indicators is not None else load_indicators(), sources)
    return _check_review(tbl, name, lang, communes or cm.load_communes(), year)


def _decimal_of(tbl: Table, start: int, cols: Iterable[int]) -> tuple[str, Counter]:
    votes: Counter = Counter()
    cols = list(cols)
    for r in tbl.rows[start:]:
        for j in cols:
            if j < len(r) and isinstance(r[j], str):
                v = _vote(r[j])
                if v:
                    votes[v] += 1
    dec = "." if votes["."] > votes[","] else ","
    return dec, votes


def _meta(tbl: Table, hdr: Header | None, decimal: str) -> dict[str, Any]:
    return {"format": tbl.kind, "encoding": tbl.encoding, "delimiter": tbl.delimiter, "sheet": tbl.sheet,
            "header_rows": hdr.nrows if hdr else 0, "decimal": decimal,
            "header_line": tbl.lines[hdr.index] if hdr and tbl.lines else 0}


# -- the long shape


def _check_long(tbl: Table, name: str, lang: str, indicators: dict[str, Indicator],
                sources: dict[str, Any] | None) -> Checked:
    hdr = _find_header(tbl, "long")
    if hdr is None:
        return Checked("long", name, [Problem(name, tbl.lines[0] if tbl.lines else None, None, "", "in_no_header",
                                              (("expected", ", ".join(LONG_ALIASES)),))], [], [], {})
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for j, cid in sorted(hdr.columns.items()):
        if cid in seen:
            problems.append(Problem(name, tbl.lines[hdr.index], hdr.display[j], "", "in_duplicate_column",
                                    (("first", hdr.display[seen[cid]]),)))
        else:
            seen[cid] = j
    display = {cid: hdr.display[j] for cid, j in seen.items()}
    for c in ("indicator", "group", "year", "value", "status", "source"):
        if c not in seen and c != "group":
            problems.append(Problem(name, tbl.lines[hdr.index], c, "", "missing_column"))
    decimal, _ = _decimal_of(tbl, hdr.index + 1, [seen[c] for c in ("value", "year") if c in seen])
    meta = _meta(tbl, hdr, decimal)
    if problems:
        return Checked("long", name, problems, [], [], display, meta)
    notes: list[Note] = []
    rows, records = [], []
    for r, line in zip(tbl.rows[hdr.index + 1:], tbl.lines[hdr.index + 1:]):
        if all(_is_blank(v) for v in r):
            continue
        cell = lambda c: r[seen[c]] if c in seen and seen[c] < len(r) else None  # noqa: E731
        d: dict[str, Any] = {LINE_KEY: line}
        raw: dict[str, Any] = {}
        for c in LONG_ALIASES:
            v = cell(c)
            raw[c] = _shown(v, lang)
            d[c] = "" if _is_blank(v) else (str(v).strip() if not isinstance(v, (int, float)) else v)
        for c, kind in (("value", "value"), ("year", "year")):
            v = cell(c)
            if _is_blank(v):
                d[c] = ""
                continue
            ind = indicators.get(str(d["indicator"]).strip())
            whole = kind == "year" or (ind is not None and ind.kind in ("count", "flow"))
            x = parse_number(v, decimal, whole)
            d[c] = raw[c] if x is None else repr(x)
        st = cm.fold(d["status"])
        d["status"] = STATUS_ALIASES.get(st, str(d["status"]))
        g = str(d.get("group") or "").strip()
        d["group"] = GROUP_ALIASES.get(cm.fold(g), g) if g and not cm.is_commune_group(g) else g
        for c in ("indicator", "unit", "source", "note"):
            d[c] = str(d[c]).strip()
        rows.append(d)
        records.append(Record(line, "row", raw=raw))
    clean, probs = validate_rows(rows, name, indicators, None)
    by_line = {rec.line: rec for rec in records}
    for p in probs:
        rec = by_line.get(p.row or -1)
        shown = rec.raw.get(p.column or "", p.value) if rec else p.value
        problems.append(replace(p, column=display.get(p.column or "", p.column), value=str(shown)))
    if not rows:
        problems.append(Problem(name, None, None, "", "no_rows"))
    if sources is not None:
        unknown = sorted({r["source"] for r in clean} - set(sources))
        for s in unknown:
            notes.append(Note("unknown_source", (("source", s),)))
    return Checked("long", name, problems, notes, records, display, meta, clean)


# -- the review shape


def _check_review(tbl: Table, name: str, lang: str, communes: cm.Communes, year_param: int | None) -> Checked:
    hdr = _find_header(tbl, "review")
    if hdr is None:
        return Checked("review", name, [Problem(name, None, None, "", "in_no_header",
                                                (("expected", ", ".join(c.header(lang) for c in REVIEW_COLUMNS[:3])),))],
                       [], [], {})
    hline = tbl.lines[hdr.index]
    problems: list[Problem] = []
    notes: list[Note] = []
    seen: dict[str, int] = {}
    for j, cid in sorted(hdr.columns.items()):
        if cid in seen:
            problems.append(Problem(name, hline, hdr.display[j], "", "in_duplicate_column",
                                    (("first", hdr.display[seen[cid]]),)))
        else:
            seen[cid] = j
    display = {cid: hdr.display[j] for cid, j in seen.items()}
    title_year = None
    if "year" not in seen:
        title_year = year_param or _title_year(tbl, hdr.index - hdr.nrows + 1)
        if title_year is not None:
            notes.append(Note("year_from_title" if year_param is None else "year_given", (("year", title_year),)))
    need = [c for c in REVIEW_COLUMNS if c.required and not (c.id == "year" and title_year is not None)]
    if any(c in seen for c in NEAR_BLOCK + ("near_poor_returning",)):
        need += [ALL_REVIEW[c] for c in NEAR_BLOCK]
    for c in need:
        if c.id not in seen:
            problems.append(Problem(name, hline, c.header(lang), "", "missing_column"))
    if hdr.unknown:
        notes.append(Note("ignored_columns", (("columns", ", ".join(f"«{u}»" for u in hdr.unknown)),)))
    if "near_poor_returning" not in seen and "near_poor_start" in seen:
        notes.append(Note("no_near_returning"))
    num_cols = [j for cid, j in seen.items() if cid not in ("commune", "year")]
    decimal, votes = _decimal_of(tbl, hdr.index + 1, num_cols)
    meta = _meta(tbl, hdr, decimal)
    meta["year_from_title"] = title_year
    if problems:
        return Checked("review", name, problems, notes, [], display, meta)

    def err(line: int, cid: str | None, value: Any, code: str, **params: Any) -> None:
        problems.append(Problem(name, line, display.get(cid, cid) if cid else None,
                                _shown(value, lang) if not isinstance(value, str) else value, code,
                                tuple(params.items())))

    records: list[Record] = []
    start = hdr.index + 1
    if start < len(tbl.rows) and _is_numbering_row(tbl.rows[start]):
        start += 1
    dash_used = False
    for r, line in zip(tbl.rows[start:], tbl.lines[start:]):
        if all(_is_blank(v) for v in r):
            continue
        cell = lambda c: r[seen[c]] if c in seen and seen[c] < len(r) else None  # noqa: E731
        name_cell = cell("commune")
        numeric_empty = all(_is_blank(cell(c)) for c in seen if c not in ("commune", "year"))
        folded = cm.fold(name_cell)
        is_total = folded in _TOTAL_NAMES or folded.startswith(("tong cong", "toan huyen", "cong toan"))
        if numeric_empty and (is_total or _is_blank(name_cell) or (communes.resolve(name_cell, cm.OLD) is None
                                                                    and communes.resolve(name_cell, cm.NEW) is None)):
            notes.append(Note("skipped_row", (("row", line),)))      # a footer, a signature, an empty total
            continue
        rec = Record(line, "total" if is_total else "unit")
        rec.raw = {c: cell(c) for c in seen}
        # year
        if "year" in seen:
            yv = cell("year")
            y = parse_number(yv, decimal, True)
            if _is_blank(yv) and is_total:
                pass                                   # a total row's year: the year of its communes
            elif _is_blank(yv):
                err(line, "year", "", "empty")
            elif y is None or y != int(y):
                err(line, "year", yv, "not_year")
            elif not 1990 <= y <= 2100:
                err(line, "year", yv, "year_range", lo=1990, hi=2100)
            else:
                rec.year = int(y)
        else:
            rec.year = title_year
        # commune
        if not is_total and _is_blank(name_cell):
            err(line, "commune", "", "empty")
        # numbers
        for cid, j in seen.items():
            if cid in ("commune", "year"):
                continue
            col = ALL_REVIEW[cid]
            v = cell(cid)
            if _is_blank(v):
                rec.values[cid] = None
                if not is_total and (col.required or cid in NEAR_BLOCK and "near_poor_start" in seen):
                    err(line, cid, "", "empty")
                continue
            if isinstance(v, str) and _num_text(v) in DASHES:
                dash_used = True
            x = parse_number(v, decimal, col.kind == "count")
            if x is None:
                err(line, cid, v, "not_number")
            elif x < 0:
                err(line, cid, v, "negative")
            elif col.kind == "count" and x != int(x):
                err(line, cid, v, "not_whole")
            elif col.kind == "rate" and not 0 <= x <= 100:
                err(line, cid, v, "rate_range")
            else:
                rec.values[cid] = x
        records.append(rec)
        _row_identities(rec, err, lang)
    if dash_used:
        notes.append(Note("dash_is_zero"))
    unit_years = {r.year for r in records if r.kind == "unit"}
    for r in records:
        if r.kind == "total" and r.year is None and len(unit_years) == 1:
            r.year = next(iter(unit_years))
    _resolve_units(records, communes, err, lang)
    _cross_rows(records, communes, err, lang, seen)
    if not any(r.kind == "unit" for r in records):
        problems.append(Problem(name, None, None, "", "no_rows"))
    problems.sort(key=lambda p: (p.row if p.row is not None else -1))
    return Checked("review", name, problems, notes, records, display, meta)


def _row_identities(rec: Record, err, lang: str) -> None:
    v = rec.values
    g = lambda k: v.get(k)  # noqa: E731
    f = lambda x: fmt_num(x, lang, 0)  # noqa: E731
    for sfx in ("", "_khmer"):
        s, x, rt, n, e = (g(f"poor_{k}{sfx}") for k in ("start", "exits", "returning", "new", "end"))
        if None not in (s, x, rt, n, e):
            calc = s - x + rt + n
            if calc != e:
                err(rec.line, f"poor_end{sfx}", e, "in_identity", start=f(s), exits=f(x), returning=f(rt), new=f(n),
                    calc=f(calc))
        s, x, n, e = (g(f"near_poor_{k}{sfx}") for k in ("start", "exits", "new", "end"))
        rt = g(f"near_poor_returning{sfx}") or 0.0
        if None not in (s, x, n, e):
            calc = s - x + rt + n
            if calc != e:
                err(rec.line, f"near_poor_end{sfx}", e, "in_identity_near", start=f(s), exits=f(x), returning=f(rt),
                    new=f(n), calc=f(calc))
    # the Khmer part is never more than the whole
    for cid in list(v):
        if cid.endswith("_khmer") and not cid.endswith("rate_khmer"):
            base = cid[: -len("_khmer")]
            if v[cid] is not None and v.get(base) is not None and v[cid] > v[base]:
                err(rec.line, cid, v[cid], "in_khmer_gt_total", total=f(v[base]))
    # households hold the poor and the near-poor
    for sfx in ("", "_khmer"):
        H = g(f"households{sfx}")
        if H is None:
            continue
        for k in ("poor_start", "poor_end", "near_poor_start", "near_poor_end"):
            x = g(f"{k}{sfx}")
            if x is not None and x > H:
                err(rec.line, f"{k}{sfx}", x, "in_more_than_households", households=f(H))
        p, nn = g(f"poor_end{sfx}"), g(f"near_poor_end{sfx}")
        if p is not None and nn is not None and p <= H and nn <= H and p + nn > H:
            err(rec.line, f"near_poor_end{sfx}", nn, "in_poor_near_gt_households", poor=f(p), households=f(H))
        # a stated rate agrees with its counts
        for rate_id, count_id in ((f"poor_rate{sfx}", f"poor_end{sfx}"), (f"near_poor_rate{sfx}", f"near_poor_end{sfx}")):
            r_, c_ = g(rate_id), g(count_id)
            if r_ is not None and c_ is not None and H > 0:
                calc = c_ / H * 100
                if abs(calc - r_) > RATE_TOLERANCE:
                    err(rec.line, rate_id, r_ if not isinstance(rec.raw.get(rate_id), str) else rec.raw[rate_id],
                        "in_rate_mismatch", count=f(c_), households=f(H), calc=fmt_num(calc, lang, 2))


def _resolve_units(records: list[Record], communes: cm.Communes, err, lang: str) -> None:
    """Give each commune row its unit: old (17) or new (6), one era per year, by the names used."""
    by_year: dict[int | None, list[Record]] = {}
    for r in records:
        if r.kind == "unit":
            by_year.setdefault(r.year, []).append(r)
    for year, recs in by_year.items():
        named = [r for r in recs if not _is_blank(r.raw.get("commune"))]
        era = cm.era_of_year(year) if year is not None else cm.OLD
        alt = cm.NEW if era == cm.OLD else cm.OLD
        only_alt = [r for r in named if communes.resolve(r.raw["commune"], alt) and
                    not communes.resolve(r.raw["commune"], era)]
        if len(only_alt) * 2 > len(named):          # most names exist only in the other era: the file uses it
            era = alt
        other = cm.NEW if era == cm.OLD else cm.OLD
        for r in named:
            u = communes.resolve(r.raw["commune"], era)
            if u is not None:
                r.unit = u
                continue
            o = communes.resolve(r.raw["commune"], other)
            if o is not None:
                code = "in_commune_old_in_new" if era == cm.NEW else "in_commune_new_in_old"
                err(r.line, "commune", str(r.raw["commune"]).strip(), code,
                    merged_into=o.merged_into or o.name, n=len(communes.units(era)))
            else:
                err(r.line, "commune", str(r.raw["commune"]).strip(), "in_unknown_commune",
                    known=", ".join(u.name for u in communes.units(era)))


_SUMMABLE = tuple(c for c in ALL_REVIEW if ALL_REVIEW[c].kind == "count")


def _cross_rows(records: list[Record], communes: cm.Communes, err, lang: str, seen: dict[str, int]) -> None:
    first: dict[tuple[int | None, str], int] = {}
    for r in records:
        if r.kind != "unit" or r.unit is None:
            continue
        key = (r.year, r.unit.group)
        if key in first:
            err(r.line, "commune", str(r.raw.get("commune", "")).strip(), "in_duplicate_commune", first=first[key])
        else:
            first[key] = r.line
    by_year: dict[int | None, dict[str, Record]] = {}
    for r in records:
        if r.kind == "unit" and r.unit is not None:
            by_year.setdefault(r.year, {}).setdefault(r.unit.group, r)
    # totals: a total row must equal the sum of the unit rows of its year
    for r in records:
        if r.kind != "total":
            continue
        units = [u for u in by_year.get(r.year, {}).values()]
        for cid in _SUMMABLE:
            if cid not in seen or r.values.get(cid) is None:
                continue
            parts = [u.values.get(cid) for u in units]
            if not parts or any(p is None for p in parts):
                continue
            s = sum(parts)  # type: ignore[arg-type]
            if s != r.values[cid]:
                err(r.line, cid, r.values[cid], "in_total_mismatch", sum=fmt_num(s, lang, 0), n=len(parts))


# ------------------------------------------------------------------------------------------ mapping


@dataclass
class Mapped:
    rows: list[dict[str, Any]]                 # long observations (COLUMNS)
    notes: list[Note]


def _plain(x: float) -> float | int:
    return int(x) if float(x).is_integer() else float(x)


def review_to_rows(checked: Checked, status: str, source: str, indicators: dict[str, Indicator] | None = None,
                   communes: cm.Communes | None = None) -> Mapped:
    """The valid rows of a checked review as long observations (communes and, where complete, the district)."""
    if checked.shape != "review":
        raise ValueError("not a review file")
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    indicators = indicators if indicators is not None else load_indicators()
    communes = communes or cm.load_communes()
    rows: list[dict[str, Any]] = []
    notes: list[Note] = []
    per_year: dict[tuple[int, str], list[Record]] = {}
    for r in checked.valid_records():
        if r.kind != "unit" or r.unit is None or r.year is None:
            continue
        per_year.setdefault((r.year, r.unit.era), []).append(r)
        for cid, (ind, khmer) in REVIEW_TO_INDICATOR.items():
            v = r.values.get(cid)
            if v is None:
                continue
            rows.append({"indicator": ind, "group": r.unit.khmer_group() if khmer else r.unit.group, "year": r.year,
                         "value": _plain(v), "unit": indicators[ind].unit if ind in indicators else "",
                         "status": status, "source": source,
                         "note": f"{checked.file}, dòng {r.line}: {str(r.raw.get('commune', '')).strip()}"})
    for (year, era), recs in sorted(per_year.items()):
        n_total = len(communes.units(era))
        have = {r.unit.group for r in recs if r.unit}
        if len(have) < n_total:
            notes.append(Note("partial_year", (("year", year), ("n", len(have)), ("total", n_total))))
            continue
        for cid, (ind, khmer) in REVIEW_TO_INDICATOR.items():
            vals = [r.values.get(cid) for r in recs]
            if any(v is None for v in vals):
                continue
            rows.append({"indicator": ind, "group": "khmer" if khmer else "all", "year": year,
                         "value": _plain(sum(vals)), "unit": indicators[ind].unit if ind in indicators else "",  # type: ignore[arg-type]
                         "status": status, "source": source,
                         "note": f"= tổng {n_total} xã ({checked.file})"})
        notes.append(Note("district_total", (("year", year), ("n", n_total))))
    return Mapped(rows, notes)


def start_notes(checked: Checked, current: Iterable[dict[str, Any]], lang: str = "vi",
                communes: cm.Communes | None = None) -> list[Note]:
    """Where a review's start of the year (summed over every unit) differs from the end of the year
    before in the current data: a note, not a problem (the standard or the households may have changed)."""
    communes = communes or cm.load_communes()
    cur = {(str(r["indicator"]), str(r["group"]), int(r["year"])): float(r["value"]) for r in current}
    per_year: dict[tuple[int, str], list[Record]] = {}
    for r in checked.valid_records():
        if r.kind == "unit" and r.unit is not None and r.year is not None:
            per_year.setdefault((r.year, r.unit.era), []).append(r)
    out = []
    for (year, era), recs in sorted(per_year.items()):
        if len({r.unit.group for r in recs if r.unit}) < len(communes.units(era)):
            continue
        for cid, ind in (("poor_start", "poor_households"), ("near_poor_start", "near_poor_households")):
            vals = [r.values.get(cid) for r in recs]
            before = cur.get((ind, "all", year - 1))
            if any(v is None for v in vals) or before is None:
                continue
            total = sum(vals)  # type: ignore[arg-type]
            if total != before:
                out.append(Note("start_differs", (("column", ALL_REVIEW[cid].header(lang)), ("year", year),
                                                  ("sum", fmt_num(total, lang, 0)), ("prev", year - 1),
                                                  ("before", fmt_num(before, lang, 0)))))
    return out


def long_to_rows(checked: Checked) -> Mapped:
    """The rows of a checked long file that passed, as long observations."""
    rows = [{c: r.get(c, "") for c in COLUMNS} for r in (checked.clean_long if not checked.file_level else [])]
    for r in rows:
        r["value"] = _plain(float(r["value"]))
    return Mapped(rows, [])


def to_rows(checked: Checked, status: str = "official", source: str = "") -> Mapped:
    return long_to_rows(checked) if checked.shape == "long" else review_to_rows(checked, status, source)


# ------------------------------------------------------------------------------------------ versions


def stored_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of an observations frame that a data version stores (derived rates are recomputed)."""
    d = df[df["status"] != "derived"] if "status" in df else df
    out = []
    for r in d.to_dict("records"):
        out.append({c: ("" if pd.isna(r.get(c)) else r.get(c)) if c != "value" else _plain(float(r["value"]))
                    for c in COLUMNS})
        out[-1]["year"] = int(out[-1]["year"])
    return out


def rows_to_csv(rows: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({c: ("" if r.get(c) is None else (_plain(r[c]) if c == "value" else r[c])) for c in COLUMNS})
    return buf.getvalue()


def csv_to_rows(text: str) -> list[dict[str, Any]]:
    """The rows of a stored version (or the embedded file), as written: value a number, year an int."""
    out = []
    for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        d = {c: (r.get(c) or "").strip() for c in COLUMNS}
        try:
            d["year"] = int(float(d["year"]))
            d["value"] = _plain(float(d["value"]))
        except ValueError:
            pass
        out.append(d)
    return out


def check_table_rows(rows: list[dict[str, Any]], others: list[dict[str, Any]], file: str,
                     indicators: dict[str, Indicator] | None = None) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Check rows edited in a table (row numbers: 1, 2, … as on screen) together with the rows kept
    outside it (a duplicate of one of those is reported on the edited row, «first» = 0)."""
    indicators = indicators if indicators is not None else load_indicators()

    def text(v: Any) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        if isinstance(v, float):
            return repr(int(v)) if v.is_integer() else repr(v)
        return str(v).strip()

    mine = [{**{c: text(r.get(c)) for c in COLUMNS}, LINE_KEY: i + 1} for i, r in enumerate(rows)]
    clean, problems = validate_rows(mine, file, indicators, None)
    # a duplicate of a row kept outside the table: the outside rows carry line -1, shown as 0
    outside = [{**{c: text(r.get(c)) for c in COLUMNS}, LINE_KEY: -1} for r in others]
    _, both = validate_rows(outside + mine, file, indicators, None)
    problems += [replace(p, params=tuple((k, 0 if k == "first" else v) for k, v in p.params)) for p in both
                 if p.code == "duplicate" and (p.row or 0) > 0 and dict(p.params).get("first") == -1]
    out = sorted(problems, key=lambda p: p.row or 0)
    return [{c: r[c] for c in COLUMNS} for r in clean], out


def change_summary(old: Iterable[dict[str, Any]] | None, new: Iterable[dict[str, Any]], examples: int = 20) -> dict[str, Any]:
    """What changed between two versions' rows, comparing values as numbers (``72.0`` = ``72``);
    the same form as the store's row-by-row summary."""
    def key(r: dict[str, Any]) -> str:
        return f"{str(r['indicator']).strip()}/{str(r['group']).strip()}/{int(float(r['year']))}"

    def num(v: Any) -> Any:
        try:
            return float(v)
        except (TypeError, ValueError):
            return str(v).strip()

    def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return num(a.get("value")) == num(b.get("value")) and all(
            str(a.get(c) or "").strip() == str(b.get(c) or "").strip() for c in ("unit", "status", "source", "note"))

    nw = {key(r): r for r in new}
    if old is None:
        return {"rows": len(nw), "added": len(nw), "removed": 0, "changed": 0, "first": True, "examples": []}
    od = {key(r): r for r in old}
    added = [k for k in nw if k not in od]
    removed = [k for k in od if k not in nw]
    changed = [k for k in nw if k in od and not same(nw[k], od[k])]
    ex: list[dict[str, Any]] = []
    for kind, keys in (("changed", changed), ("added", added), ("removed", removed)):
        for k in keys[: max(0, examples - len(ex))]:
            item: dict[str, Any] = {"key": k, "change": kind}
            if kind != "added":
                item["old"] = str(_plain(float(od[k]["value"])))
            if kind != "removed":
                item["new"] = str(_plain(float(nw[k]["value"])))
            ex.append(item)
    return {"rows": len(nw), "added": len(added), "removed": len(removed), "changed": len(changed),
            "first": False, "examples": ex}


@dataclass
class Merge:
    rows: list[dict[str, Any]]
    added: list[tuple[str, str, int]]
    changed: list[tuple[str, str, int, float, float]]
    unchanged: int

    def summary(self) -> dict[str, Any]:
        ex = [{"key": f"{i}/{g}/{y}", "change": "changed", "old": str(_plain(o)), "new": str(_plain(n))}
              for i, g, y, o, n in self.changed[:20]]
        ex += [{"key": f"{i}/{g}/{y}", "change": "added"} for i, g, y in self.added[: max(0, 20 - len(ex))]]
        return {"rows": len(self.rows), "added": len(self.added), "removed": 0, "changed": len(self.changed),
                "first": False, "examples": ex}


def merge(current: Iterable[dict[str, Any]], new: Iterable[dict[str, Any]]) -> Merge:
    """The current rows with the new ones put in: a new row replaces the current one of the same
    (indicator, group, year); every other current row is kept, in its place; new keys go at the end."""
    cur = list(current)
    idx = {(str(r["indicator"]), str(r["group"]), int(r["year"])): i for i, r in enumerate(cur)}
    out = [dict(r) for r in cur]
    added, changed, same = [], [], 0
    for r in new:
        k = (str(r["indicator"]), str(r["group"]), int(r["year"]))
        if k in idx:
            old = out[idx[k]]
            if float(old["value"]) != float(r["value"]) or any(str(old.get(c, "")) != str(r.get(c, ""))
                                                               for c in ("status", "source")):
                changed.append((*k, float(old["value"]), float(r["value"])))
            else:
                same += 1
            out[idx[k]] = dict(r)
        else:
            idx[k] = len(out)
            out.append(dict(r))
            added.append(k)
    return Merge(out, added, changed, same)


def group_label(group: str, lang: str = "vi", communes: cm.Communes | None = None) -> str:
    """``all`` → "Toàn huyện", ``khmer`` → "Hộ Khmer", ``xa:ham-tan:khmer`` → "Hàm Tân – Hộ Khmer"."""
    if group in ("all", "khmer"):
        return t(f"group.{group}", lang)
    p = cm.parse_group(group)
    if p is None:
        return group
    units = (communes or cm.load_communes()).by_group()
    u = units.get(f"{p[0]}:{p[1]}")
    name = (u.name + (" (2025)" if p[0] == cm.NEW else "")) if u else group
    return f"{name} – {t('group.khmer', lang)}" if p[2] else name


def diff_frame(m: Merge, lang: str = "vi", indicators: dict[str, Indicator] | None = None) -> pd.DataFrame:
    """What an upload would change, for a table on screen."""
    indicators = indicators if indicators is not None else load_indicators()
    name = lambda i: (getattr(indicators.get(i), "name_en" if lang == "en" else "name_vi", i) if i in indicators else i)  # noqa: E731
    rows = [(t("ingest.change_changed" if o != n else "ingest.change_meta", lang), name(i), g, y, fmt_num(o, lang),
             fmt_num(n, lang)) for i, g, y, o, n in m.changed]
    rows += [(t("ingest.change_added", lang), name(i), g, y, "", "") for i, g, y in m.added]
    new_vals = {(str(r["indicator"]), str(r["group"]), int(r["year"])): r["value"] for r in m.rows}
    rows = [(a, b, group_label(c, lang), str(d), e, f if f else fmt_num(new_vals.get((ind, c, d)), lang))
            for (a, b, c, d, e, f), ind in zip(rows, [x[0] for x in m.changed] + [x[0] for x in m.added])]
    return pd.DataFrame(rows, columns=[t("ingest.col_change", lang), t("ingest.col_indicator", lang),
                                       t("ingest.col_group", lang), t("ingest.col_year", lang),
                                       t("ingest.col_old", lang), t("ingest.col_new", lang)]).astype(str)


def version_frames(csv_text: str, label: str = "", indicators: dict[str, Indicator] | None = None):
    """(the district's Observations, the whole frame with the communes) of a stored data version.

    The version is checked again by the core's parser (raises ObservationError); sources are not
    required to be in sources.toml (an upload may cite its own), but are attached for links."""
    from giamngheo.data.observations import Observations, load_sources, parse_observations
    indicators = indicators if indicators is not None else load_indicators()
    obs = parse_observations(csv_text, label or "data", indicators, None)
    district, _ = cm.split_frame(obs.df)
    try:
        sources = load_sources()
    except OSError:
        sources = {}
    return Observations(district, sources, label), obs.df


# ------------------------------------------------------------------------------------------ templates


def _long_template_rows(year: int) -> list[list[Any]]:
    return [[ind, grp, year, "", unit, "", "", ""]
            for ind, grp, unit in (("households", "all", "households"), ("poor_households", "all", "households"),
                                   ("near_poor_households", "all", "households"), ("poor_exits", "all", "households"),
                                   ("poor_returning", "all", "households"), ("poor_new", "all", "households"),
                                   ("households", "khmer", "households"), ("poor_households", "khmer", "households"),
                                   ("near_poor_households", "khmer", "households"))]


def template(shape: str, fmt: str = "csv", lang: str = "vi", year: int = 2025,
             communes: cm.Communes | None = None) -> bytes:
    """A blank file of ``shape`` to fill in: CSV (UTF-8 with a byte-order mark, for Excel) or XLSX.

    The review template lists the units of the year's era (17 before the merger, 6 after) with the
    year filled in and every figure blank; the long template lists the poverty indicators of the
    year with the value, source and note blank. A blank template does not pass the check."""
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
    cols = REVIEW_COLUMNS
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
    return _xlsx([top, sub], body, t("ingest.sheet_review", lang), total, lang)


def _xlsx(header_rows: list[list[Any]], body: list[list[Any]], title: str, total: list[Any], lang: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title[:31]
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8F0EA")
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for r in header_rows:
        ws.append(r)
    n = len(header_rows[0])
    if len(header_rows) == 2:               # merge: vertical where there is no sub-header, horizontal over a group
        top, sub = header_rows
        j = 0
        while j < n:
            if not sub[j]:
                ws.merge_cells(start_row=1, start_column=j + 1, end_row=2, end_column=j + 1)
                j += 1
                continue
            k = j
            while k + 1 < n and sub[k + 1] and top[k + 1] == top[j]:
                k += 1
            if k > j:
                ws.merge_cells(start_row=1, start_column=j + 1, end_row=1, end_column=k + 1)
            j = k + 1
    for row in ws.iter_rows(min_row=1, max_row=len(header_rows)):
        for c in row:
            c.font, c.fill, c.alignment = bold, fill, wrap
    first = len(header_rows) + 1
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

"""The columns of the two shapes and how a header row is found and mapped (one or two rows)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from giamngheo.data import communes as cm
from giamngheo.data.ingest.numbers import _is_blank, parse_number

if TYPE_CHECKING:
    from giamngheo.data.ingest.read import Table

SHAPES = ("long", "review")
FORMATS = ("csv", "xlsx")
MAX_HEADER_SCAN = 15
RATE_TOLERANCE = 0.05          # points: a stated rate may differ this much from count / households × 100


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


# The review template, in order. Required: commune, year (or a year in the title), households, the
# poor households at the end of the year and the three flows (leaving, returning, newly poor). The
# start of the year is optional (the first review on a new standard starts afresh: no identity to
# check); when it is there, start − leaving + returning + new = end is checked. The near-poor block is
# optional as a whole, but once one of its flows or its start is there the four of its identity must
# be (returning near-poor may be left out: 0).
REVIEW_COLUMNS: tuple[Col, ...] = (
    _c("commune", "Xã, thị trấn", "Commune or town", "text", True),
    _c("year", "Năm", "Year", "year", True),
    _c("households", "Tổng số hộ", "Total households", "count", True, "Tổng số hộ", "Total households", "Tổng số", "Total"),
    _c("households_khmer", "Tổng số hộ – trong đó Khmer", "Total households – of which Khmer", "count", False,
       "Tổng số hộ", "Total households", "trong đó Khmer", "of which Khmer"),
    _c("poor_start", "Hộ nghèo đầu năm", "Poor households at the start of the year", "count", False,
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
# The columns of the summary forms that the first review on a new standard adds: ethnic-minority
# households (DTTS, of which the Khmer are part) and households with nobody able to work.
_FORM_EXTRA = (
    _c("households_ethnic", "Tổng số hộ – trong đó DTTS", "Total households – of which ethnic minority", "count"),
    _c("poor_end_ethnic", "Hộ nghèo cuối năm – trong đó DTTS",
       "Poor households at the end of the year – of which ethnic minority", "count"),
    _c("poor_no_work", "Hộ nghèo cuối năm – trong đó không có khả năng lao động",
       "Poor households at the end of the year – of which with no member able to work", "count"),
    _c("near_poor_end_ethnic", "Hộ cận nghèo cuối năm – trong đó DTTS",
       "Near-poor households at the end of the year – of which ethnic minority", "count"),
    _c("near_poor_no_work", "Hộ cận nghèo cuối năm – trong đó không có khả năng lao động",
       "Near-poor households at the end of the year – of which with no member able to work", "count"),
)
ALL_REVIEW = {c.id: c for c in REVIEW_COLUMNS + _EXTRA + _FORM_EXTRA}
NEAR_FLOWS = ("near_poor_start", "near_poor_exits", "near_poor_new", "near_poor_returning")


def _f(id_, gvi, gen, svi, sen) -> Col:
    base = ALL_REVIEW[id_] if id_ in ALL_REVIEW else None
    return Col(id_, base.vi if base else svi, base.en if base else sen, base.kind if base else "count",
               base.required if base else False, gvi, gen, svi, sen)


# The template of the annual review summary (one row per commune), in the shape of the summary forms
# of Thông tư 07/2021/TT-BLĐTBXH (Phụ lục; forms revised by Thông tư 02/2022/TT-BLĐTBXH): total
# households; poor and near-poor households at the end of the year, of them ethnic-minority and
# Khmer, of them with nobody able to work; households leaving poverty, returning and newly poor.
REVIEW_FORM_COLUMNS: tuple[Col, ...] = (
    Col("commune", "Xã", "Commune", "text", True),
    Col("year", "Năm", "Year", "year", True),
    _f("households", "Tổng số hộ dân cư", "Total households", "Tổng số", "Total"),
    _f("households_ethnic", "Tổng số hộ dân cư", "Total households", "trong đó DTTS", "of which ethnic minority"),
    _f("households_khmer", "Tổng số hộ dân cư", "Total households", "trong đó Khmer", "of which Khmer"),
    _f("poor_end", "Hộ nghèo cuối năm", "Poor households at the end of the year", "Số hộ", "Number"),
    _f("poor_end_ethnic", "Hộ nghèo cuối năm", "Poor households at the end of the year", "trong đó DTTS",
       "of which ethnic minority"),
    _f("poor_end_khmer", "Hộ nghèo cuối năm", "Poor households at the end of the year", "trong đó Khmer",
       "of which Khmer"),
    _f("poor_no_work", "Hộ nghèo cuối năm", "Poor households at the end of the year",
       "trong đó không có khả năng lao động", "of which with no member able to work"),
    _f("near_poor_end", "Hộ cận nghèo cuối năm", "Near-poor households at the end of the year", "Số hộ", "Number"),
    _f("near_poor_end_ethnic", "Hộ cận nghèo cuối năm", "Near-poor households at the end of the year",
       "trong đó DTTS", "of which ethnic minority"),
    _f("near_poor_end_khmer", "Hộ cận nghèo cuối năm", "Near-poor households at the end of the year",
       "trong đó Khmer", "of which Khmer"),
    _f("near_poor_no_work", "Hộ cận nghèo cuối năm", "Near-poor households at the end of the year",
       "trong đó không có khả năng lao động", "of which with no member able to work"),
    _f("poor_exits", "Biến động hộ nghèo trong năm", "Poor households: changes in the year", "Thoát nghèo",
       "Leaving poverty"),
    _f("poor_returning", "Biến động hộ nghèo trong năm", "Poor households: changes in the year", "Tái nghèo",
       "Returning to poverty"),
    _f("poor_new", "Biến động hộ nghèo trong năm", "Poor households: changes in the year", "Phát sinh mới",
       "Newly poor"),
)
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
REVIEW_TO_INDICATOR["poor_no_work"] = ("poor_households_no_work_capacity", False)
REVIEW_TO_INDICATOR["near_poor_no_work"] = ("near_poor_households_no_work_capacity", False)
# Ethnic-minority counts are checked and kept in the notes of the Khmer rows: the plan's model has no
# "ethnic" group (data/plans/*.toml, [plan.model] groups), so they are not stored as a series.
ETHNIC_COLUMNS = ("households_ethnic", "poor_end_ethnic", "near_poor_end_ethnic")

LONG_ALIASES = {
    "indicator": ("indicator", "chi tieu", "ma chi tieu"),
    "group": ("group", "nhom", "nhom ho"),
    "year": ("year", "nam"),
    "value": ("value", "gia tri", "so lieu"),
    "unit": ("unit", "don vi", "don vi tinh", "dvt"),
    "status": ("status", "trang thai", "tinh trang"),
    "source": ("source", "nguon", "nguon so lieu"),
    "note": ("note", "ghi chu"),
    "note_en": ("note_en", "note (english)", "ghi chu tieng anh"),
}
STATUS_ALIASES = {"official": "official", "chinh thuc": "official", "estimate": "estimate", "uoc tinh": "estimate",
                  "illustrative": "illustrative", "minh hoa": "illustrative", "review": "review",
                  "review figures": "review", "so lieu ra soat": "review", "ra soat": "review"}
# A group as written in a long file: its id, or the plan's name for it written exactly (NFC, with or
# without diacritics, the first letter in either case). Nothing is folded: "+all", "@all", "KHMER" or
# "all" followed by an invisible control are not these groups and are refused with the list.
GROUP_ALIASES = {"all": "all", "khmer": "khmer",
                 "Toàn huyện": "all", "toàn huyện": "all", "toan huyen": "all", "Toan huyen": "all",
                 "Tất cả": "all", "tất cả": "all", "tat ca": "all", "Tat ca": "all",
                 "Hộ Khmer": "khmer", "hộ Khmer": "khmer", "hộ khmer": "khmer", "ho khmer": "khmer",
                 "Ho khmer": "khmer", "Ho Khmer": "khmer"}

_COMMUNE_HEADERS = {"xa", "xa thi tran", "ten xa", "ten xa thi tran", "don vi", "ten don vi", "dia ban",
                    "xa phuong thi tran", "don vi hanh chinh", "commune", "commune or town", "communes", "unit",
                    "xa thi tran don vi", "ten dia ban"}
_YEAR_HEADERS = {"nam", "year", "nam ra soat", "ky ra soat"}
_SKIP_HEADERS = {"stt", "tt", "so tt", "so thu tu", "no", "ghi chu", "note", "notes", "note_en", "ghi chu tieng anh"}
_TOTAL_NAMES = ("tong cong", "tong", "cong", "toan huyen", "tong so", "total", "tong toan huyen",
                "ca huyen", "all")


def classify_review(header: Any) -> str | None:
    """The review column a header means (``"skip"`` for a number or note column), or None."""
    cid = _classify_review(header)
    return cid if cid in (None, "commune", "year", "skip") or cid in ALL_REVIEW else None


def _classify_review(header: Any) -> str | None:
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
    khmer = "khmer" in toks
    ethnic = not khmer and ("dtts" in toks or "dan toc" in f or "ethnic" in toks)
    no_work = "kha nang lao dong" in f or ({"able", "work"} <= toks) or "work capacity" in f
    near = "can ngheo" in f or ("near" in toks and bool(toks & {"poor", "poverty"}))
    poor = not near and bool(toks & {"ngheo", "poor", "poverty"})
    rate = "ty le" in f or "rate" in toks or "%" in f
    start = "dau nam" in f or "dau ky" in f or "start" in toks or "beginning" in toks
    end = "cuoi nam" in f or "cuoi ky" in f or "end" in toks
    suffix = "_khmer" if khmer else "_ethnic" if ethnic else ""
    if not (near or poor):
        if rate:
            return None
        if "so ho" in f or "tong ho" in f or "households" in toks or "ho dan" in f:
            return "households" + suffix
        return None
    base = "near_poor" if near else "poor"
    if no_work:
        return None if (suffix or rate or start) else f"{base}_no_work"
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

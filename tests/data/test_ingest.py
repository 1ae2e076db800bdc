"""Reading and checking uploaded files (giamngheo/ingest.py): encodings, separators, number formats,
Excel files and merged headers, every validation rule with a bad file, the review's identities,
and the mapping of a review to observations.

The review figures below are made up for the tests (every identity holds by construction); the
expected values are worked out from them here, independently of the reader.
"""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from giamngheo.data import communes as cm
from giamngheo.data import ingest as ig
from giamngheo.data.ingest import check_file, parse_number
from giamngheo.i18n import fmt_num
from giamngheo.report.ingest_view import describe

C = cm.load_communes()
OLD_NAMES = [u.name for u in C.old]
NEW_NAMES = [u.name for u in C.new]
IDS = [c.id for c in ig.REVIEW_COLUMNS]
VI = [c.vi for c in ig.REVIEW_COLUMNS]


def review_rows(year: int = 2024, names: list[str] | None = None) -> list[dict]:
    """One consistent row per unit (test figures): end = start − exits + returning + new."""
    names = names or (OLD_NAMES if year < 2025 else NEW_NAMES)
    out = []
    for i, name in enumerate(names):
        H = 1800 + 173 * i
        s, x, r, n = 40 + 3 * i, 12 + i, i % 3, 2 + i % 4
        e = s - x + r + n
        ns, nx, nr, nn = 60 + 2 * i, 15 + i % 5, i % 2, 5 + i % 3
        ne = ns - nx + nr + nn
        out.append({"commune": name, "year": year, "households": H, "households_khmer": H * 6 // 10,
                    "poor_start": s, "poor_exits": x, "poor_returning": r, "poor_new": n, "poor_end": e,
                    "poor_rate": round(e / H * 100, 2), "poor_end_khmer": e * 7 // 10,
                    "near_poor_start": ns, "near_poor_exits": nx, "near_poor_returning": nr, "near_poor_new": nn,
                    "near_poor_end": ne, "near_poor_rate": round(ne / H * 100, 2), "near_poor_end_khmer": ne * 6 // 10})
    return out


def fmt(v, decimal=".", thousands=""):
    if isinstance(v, float):
        s = f"{v:.2f}"
        return s.replace(".", decimal)
    if isinstance(v, int):
        s = f"{v:,}"
        return s.replace(",", thousands)
    return str(v)


def to_csv(rows, headers=VI, delimiter=",", decimal=".", thousands="", encoding="utf-8", pre=(), post=()) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for p in pre:
        w.writerow(p)
    w.writerow(headers)
    for r in rows:
        w.writerow([fmt(r[i], decimal, thousands) for i in IDS])
    for p in post:
        w.writerow(p)
    return buf.getvalue().encode(encoding)


def line_of(res, unit_name):
    return next(r.line for r in res.records if r.unit and r.unit.name == unit_name)


def codes(res):
    return [p.code for p in res.problems]


# ------------------------------------------------------------------------------------------ numbers


@pytest.mark.parametrize("text, decimal, whole, expected", [
    ("1.234", ",", False, 1234.0),        # thousands dot
    ("1,234", ",", False, 1.234),         # decimal comma
    ("1,234", ",", True, 1234.0),         # a count cannot be 1.234 households
    ("1,234", ".", False, 1234.0),        # English thousands
    ("2,33", ",", False, 2.33),
    ("2.33", ",", False, 2.33),           # unambiguous even in a decimal-comma file
    ("1.234,5", ".", False, 1234.5),
    ("1,234.5", ",", False, 1234.5),
    ("12.345.678", ",", False, 12345678.0),
    ("2,33%", ",", False, 2.33),
    ("1 234", ",", True, 1234.0),
    ("-", ",", True, 0.0),
    ("−5", ",", False, -5.0),
    ("abc", ",", False, None),
    ("1,2,3", ",", False, None),
    ("", ",", False, None),
])
def test_parse_number(text, decimal, whole, expected):
    assert parse_number(text, decimal, whole) == expected


# ------------------------------------------------------------------------------------------ inputs that pass


def assert_reads_as(res, rows):
    assert res.ok, [describe(p) for p in res.problems]
    units = [r for r in res.records if r.kind == "unit"]
    assert len(units) == len(rows)
    for rec, want in zip(units, rows):
        assert rec.unit.name == want["commune"]
        for cid in IDS[2:]:
            assert rec.values[cid] == pytest.approx(want[cid]), (rec.line, cid)


def test_plain_csv_passes_and_maps_to_communes_and_district_totals():
    rows = review_rows(2024)
    res = check_file(to_csv(rows), "rasoat.csv")
    assert res.shape == "review"
    assert_reads_as(res, rows)
    mapped = ig.review_to_rows(res, "official", "qd-test")
    got = {(r["indicator"], r["group"], r["year"]): r["value"] for r in mapped.rows}
    # district totals are the sums over the 17 units, worked out here from the test rows
    assert got[("households", "all", 2024)] == sum(r["households"] for r in rows)
    assert got[("poor_households", "all", 2024)] == sum(r["poor_end"] for r in rows)
    assert got[("poor_exits", "all", 2024)] == sum(r["poor_exits"] for r in rows)
    assert got[("near_poor_households", "khmer", 2024)] == sum(r["near_poor_end_khmer"] for r in rows)
    # each commune keeps its own figures, in its unit's group
    assert got[("poor_households", "xa:tt-dinh-an", 2024)] == rows[OLD_NAMES.index("Thị trấn Định An")]["poor_end"]
    assert got[("households", "xa:dinh-an:khmer", 2024)] == rows[OLD_NAMES.index("Định An")]["households_khmer"]
    assert all(r["status"] == "official" and r["source"] == "qd-test" for r in mapped.rows)
    # rates are not stored (the core derives them); returning near-poor has no indicator
    assert not any(r["indicator"].endswith("rate") for r in mapped.rows)
    assert any(n.code == "district_total" for n in mapped.notes)


def test_decimal_comma_thousands_dot_and_semicolons():
    rows = review_rows(2024)
    data = to_csv(rows, delimiter=";", decimal=",", thousands=".")
    assert b"2.319" in data or b"1.973" in data          # the households really carry a thousands dot
    res = check_file(data, "vn.csv")
    assert res.meta["delimiter"] == ";" and res.meta["decimal"] == ","
    assert_reads_as(res, rows)


def test_utf8_with_bom():
    rows = review_rows(2024)
    data = b"\xef\xbb\xbf" + to_csv(rows)
    res = check_file(data, "bom.csv")
    assert res.meta["encoding"] == "utf-8-sig"
    assert res.columns["commune"] == "Xã, thị trấn"          # the mark is not part of the first header
    assert_reads_as(res, rows)


def test_utf16_unicode_text_from_excel():
    rows = review_rows(2024)
    text = to_csv(rows, delimiter="\t", decimal=",").decode("utf-8")
    data = text.encode("utf-16")                              # with its byte-order mark, as Excel saves it
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    res = check_file(data, "unicode.txt")
    assert res.meta["delimiter"] == "\t"
    assert_reads_as(res, rows)


def to_cp1258(text: str) -> bytes:
    """As Vietnamese Windows saves "CSV (Comma delimited)": base letters with their shape (â, ơ, …)
    precomposed, tone marks as separate combining characters."""
    import unicodedata
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        base, marks = d[0], d[1:]
        tone = [m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323"]
        shape = "".join(m for m in marks if m not in tone)
        out += unicodedata.normalize("NFC", base + shape).encode("cp1258") + "".join(tone).encode("cp1258")
    return out


def test_windows_1258_csv():
    rows = review_rows(2024)
    data = to_cp1258(to_csv(rows).decode("utf-8"))
    res = check_file(data, "ansi.csv")
    assert res.meta["encoding"] == "cp1258"
    assert_reads_as(res, rows)


def test_headers_without_diacritics_any_case():
    rows = review_rows(2024)
    plain = [cm.fold(h).upper() for h in VI]
    res = check_file(to_csv(rows, headers=plain), "khongdau.csv")
    assert_reads_as(res, rows)
    wrapped = [h.replace(" ", "\n", 1) for h in VI]          # Alt+Enter inside an Excel header cell
    res = check_file(to_csv(rows, headers=wrapped), "xuongdong.csv")
    assert_reads_as(res, rows)
    assert res.columns["poor_start"] == "Hộ nghèo đầu năm"
    en = [c.en for c in ig.REVIEW_COLUMNS]
    assert_reads_as(check_file(to_csv(rows, headers=en), "english.csv", lang="en"), rows)


def _xlsx(rows_of_cells, merges=()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows_of_cells:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_single_header_numbers_as_numbers():
    rows = review_rows(2024)
    data = _xlsx([VI] + [[r[i] for i in IDS] for r in rows])
    res = check_file(data, "rasoat.xlsx")
    assert res.meta["format"] == "xlsx"
    assert_reads_as(res, rows)


def test_xlsx_two_row_merged_header_with_title_numbering_and_total():
    rows = review_rows(2024)
    cols = ig.REVIEW_COLUMNS
    top = [c.group_vi or c.vi for c in cols]
    sub = [c.sub_vi if c.group_vi else None for c in cols]
    # the group cells are merged over their sub-columns; "Xã, thị trấn" and "Năm" over both header rows
    top_cells = []
    for j in range(len(cols)):
        top_cells.append(top[j] if j == 0 or top[j] != top[j - 1] else None)
    title = ["KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024"]
    numbering = [f"({j + 1})" for j in range(len(cols))]
    body = [[r[i] for i in IDS] for r in rows]
    total = ["Tổng cộng", 2024] + [sum(r[i] for r in rows) if ig.ALL_REVIEW[i].kind == "count" else None
                                   for i in IDS[2:]]
    merges = ["A2:A3", "B2:B3", "C2:D2", "E2:K2", "L2:R2"]
    data = _xlsx([title, top_cells, sub, numbering] + body + [total, [], ["Người lập biểu"]], merges)
    res = check_file(data, "merged.xlsx")
    assert res.meta["header_rows"] == 2
    assert res.columns["poor_exits"] == "Hộ nghèo – Thoát nghèo"
    assert_reads_as(res, rows)
    assert [r.kind for r in res.records].count("total") == 1


def test_csv_two_row_header_as_excel_exports_merged_cells_and_year_from_title():
    rows = review_rows(2023)
    cols = [c for c in ig.REVIEW_COLUMNS if c.id != "year"]
    top, prev = [], None
    for c in cols:
        g = c.group_vi or c.vi
        top.append(g if g != prev else "")                   # Excel writes a merged value in its first cell only
        prev = g
    sub = [c.sub_vi if c.group_vi else "" for c in cols]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")
    w.writerow(["UBND HUYỆN TRÀ CÚ"])
    w.writerow(["Biểu tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo năm 2023"])
    w.writerow(top)
    w.writerow(sub)
    for r in rows:
        w.writerow([fmt(r[c.id], ",", ".") for c in cols])
    res = check_file(buf.getvalue().encode("utf-8-sig"), "hai-dong.csv")
    assert res.ok, [describe(p) for p in res.problems]
    assert res.meta["header_rows"] == 2 and res.meta["year_from_title"] == 2023
    assert {r.year for r in res.records} == {2023}
    assert any(n.code == "year_from_title" for n in res.notes)


def test_filled_xlsx_template_passes_and_blank_template_does_not():
    for shape in ig.SHAPES:
        for f in ig.FORMATS:
            blank = check_file(ig.template(shape, f, "vi", 2024), f"mau.{f}")
            assert blank.shape == shape and not blank.ok        # a template is not data
    rows = review_rows(2025)
    wb = openpyxl.load_workbook(io.BytesIO(ig.template("review", "xlsx", "vi", 2025)))
    ws = wb.active
    assert [ws.cell(3 + i, 1).value for i in range(6)] == NEW_NAMES
    for i, r in enumerate(rows):
        for j, cid in enumerate(IDS):
            ws.cell(3 + i, 1 + j).value = r[cid]
    buf = io.BytesIO()
    wb.save(buf)
    res = check_file(buf.getvalue(), "mau-da-dien.xlsx")
    assert_reads_as(res, rows)
    mapped = ig.review_to_rows(res, "official", "test")
    assert ("households", "xa2025:dai-an", 2025) in {(r["indicator"], r["group"], r["year"]) for r in mapped.rows}


def test_review_csv_template_has_the_documented_headers():
    text = ig.template("review", "csv", "vi", 2024).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    for h in ("Xã, thị trấn", "Tổng số hộ", "Hộ nghèo đầu năm", "Thoát nghèo", "Tái nghèo", "Nghèo phát sinh",
              "Hộ nghèo cuối năm", "Hộ cận nghèo đầu năm", "Hộ cận nghèo cuối năm", "Tổng số hộ – trong đó Khmer"):
        assert h in header
    en = next(csv.reader(io.StringIO(ig.template("review", "csv", "en", 2024).decode("utf-8-sig"))))
    assert "Leaving poverty" in en


# ------------------------------------------------------------------------------------------ every rule, a bad file


def bad(mutate, year=2024, **kw):
    rows = review_rows(year)
    mutate(rows)
    return check_file(to_csv(rows, **kw), "bad.csv")


def test_identity_start_minus_leaving_plus_returning_plus_new_is_end():
    res = bad(lambda rows: rows[4].update(poor_end=rows[4]["poor_end"] + 1))
    assert codes(res) == ["in_identity"]
    p = res.problems[0]
    r = review_rows(2024)[4]
    assert p.row == 6 and p.column == "Hộ nghèo cuối năm" and p.value == str(r["poor_end"] + 1)
    calc = r["poor_start"] - r["poor_exits"] + r["poor_returning"] + r["poor_new"]
    assert f"= {calc}," in describe(p)
    assert describe(p).startswith("Dòng 6, cột «Hộ nghèo cuối năm»:")


def test_identity_for_near_poor():
    res = bad(lambda rows: rows[0].update(near_poor_exits=rows[0]["near_poor_exits"] + 2))
    assert codes(res) == ["in_identity_near"]
    assert res.problems[0].column == "Hộ cận nghèo cuối năm"


def test_khmer_not_more_than_total():
    res = bad(lambda rows: rows[2].update(poor_end_khmer=rows[2]["poor_end"] + 1))
    assert codes(res) == ["in_khmer_gt_total"] and res.problems[0].row == 4
    res = bad(lambda rows: rows[2].update(households_khmer=rows[2]["households"] + 5))
    assert codes(res) == ["in_khmer_gt_total"]


def test_rate_within_0_100_and_agreeing_with_counts():
    res = bad(lambda rows: rows[1].update(poor_rate=120.0))
    assert codes(res) == ["rate_range"]
    res = bad(lambda rows: rows[1].update(poor_rate=rows[1]["poor_rate"] + 0.5))
    assert codes(res) == ["in_rate_mismatch"]


def test_counts_whole_and_not_negative():
    res = bad(lambda rows: rows[3].update(poor_exits="12,5"))
    assert "not_whole" in codes(res)
    p = next(p for p in res.problems if p.code == "not_whole")
    assert describe(p) == "Dòng 5, cột «Thoát nghèo»: «12,5» — số hộ, số người phải là số nguyên"
    assert describe(p, "en") == "Row 5, column «Thoát nghèo»: «12,5» — a count must be a whole number"
    res = bad(lambda rows: rows[3].update(poor_new=-2))
    assert "negative" in codes(res)
    res = bad(lambda rows: rows[3].update(households="nhiều"))
    assert codes(res) == ["not_number"]


def test_empty_required_cell_and_missing_column():
    res = bad(lambda rows: rows[0].update(poor_returning=""))
    assert codes(res) == ["empty"] and res.problems[0].column == "Tái nghèo"
    rows = review_rows(2024)
    hdr = [h if h != "Thoát nghèo" else "Ghi chú khác" for h in VI]
    res = check_file(to_csv(rows, headers=hdr), "thieu.csv")
    assert ("missing_column", "Thoát nghèo") in [(p.code, p.column) for p in res.problems]
    assert res.file_level and res.valid_records() == []


def test_poor_not_more_than_households():
    res = bad(lambda rows: rows[0].update(households=10, households_khmer=5, poor_rate=None, near_poor_rate=None))
    assert "in_more_than_households" in codes(res)


def test_unknown_commune_duplicate_and_year():
    res = bad(lambda rows: rows[0].update(commune="Xã Không Có"))
    assert codes(res) == ["in_unknown_commune"]
    res = bad(lambda rows: rows[1].update(commune=rows[0]["commune"]))
    assert codes(res) == ["in_duplicate_commune"] and dict(res.problems[0].params)["first"] == 2
    res = bad(lambda rows: rows[5].update(year="2024,5"))
    assert codes(res) == ["not_year"]


def test_old_unit_in_a_year_after_the_merger():
    rows = review_rows(2025)
    rows[0]["commune"] = "Kim Sơn"                          # merged into Hàm Giang on 1 July 2025
    res = check_file(to_csv(rows), "2025.csv")
    p = next(p for p in res.problems if p.code == "in_commune_old_in_new")
    assert dict(p.params)["merged_into"] == "Hàm Giang" and p.value == "Kim Sơn"


def test_a_year_after_the_merger_may_still_be_given_by_the_17_old_units():
    rows = review_rows(2025, OLD_NAMES)
    res = check_file(to_csv(rows), "2025-cu.csv")
    assert res.ok and {r.unit.era for r in res.records} == {cm.OLD}
    assert C.resolve("Thị trấn Trà Cú", cm.NEW) is None           # a town is not the new commune of its name
    assert C.resolve("Trà Cú", cm.NEW).name == "Trà Cú"


def test_total_row_must_equal_the_sum():
    rows = review_rows(2024)
    tot = {c: sum(r[c] for r in rows) if ig.ALL_REVIEW[c].kind == "count" else "" for c in IDS[2:]}
    tot["households"] += 1
    post = [["Tổng cộng", 2024] + [tot[c] for c in IDS[2:]]]
    res = check_file(to_csv(rows, post=post), "tong.csv")
    assert codes(res) == ["in_total_mismatch"]
    assert res.problems[0].row == len(rows) + 2
    assert dict(res.problems[0].params)["sum"] == fmt_num(tot["households"] - 1, "vi", 0)
    # the commune rows are still good: accepting the valid rows keeps all 17
    assert len([r for r in res.valid_records() if r.kind == "unit"]) == 17


def test_unreadable_and_old_excel_files():
    assert codes(check_file(b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "cu.xls")) == ["in_old_xls"]
    assert codes(check_file(b"PK\x03\x04garbage", "hong.xlsx")) == ["in_unreadable"]
    assert codes(check_file(b"", "rong.csv")) == ["no_rows"]
    assert codes(check_file("chỉ là một câu\n".encode(), "x.csv")) == ["in_no_header"]


def test_accepting_only_valid_rows_drops_the_bad_ones_and_the_district_total():
    rows = review_rows(2024)
    rows[7]["poor_start"] += 3
    res = check_file(to_csv(rows), "mot-dong-sai.csv")
    assert len(res.problems) == 1 and not res.file_level
    mapped = ig.review_to_rows(res, "official", "test")
    groups = {r["group"] for r in mapped.rows}
    assert cm.load_communes().old[7].group not in groups
    assert "all" not in groups                               # 16 of 17: no district total
    assert any(n.code == "partial_year" and dict(n.params)["n"] == 16 for n in mapped.notes)


# ------------------------------------------------------------------------------------------ the long shape


def test_long_shape_vietnamese_headers_statuses_and_decimal_comma():
    text = ("chỉ tiêu;nhóm;năm;giá trị;đơn vị;trạng thái;nguồn;ghi chú\n"
            "poor_rate;toàn huyện;2025;1,25;percent;chính thức;qd-1;\n"
            "households;all;2025;43.730;households;ước tính;qd-1;\n")
    res = check_file(text.encode("utf-8"), "dai.csv")
    assert res.shape == "long" and res.ok, [describe(p) for p in res.problems]
    got = {(r["indicator"], r["group"]): (r["value"], r["status"]) for r in res.clean_long}
    assert got[("poor_rate", "all")] == (1.25, "official")
    assert got[("households", "all")] == (43730.0, "estimate")


def test_long_shape_problems_name_the_files_columns():
    text = ("indicator,group,year,value,unit,status,source,note\n"
            "poor_rate,all,2025,130,percent,official,s,\n"
            "nope,all,2025,1,x,official,s,\n"
            "households,all,2025,10.5,households,maybe,s,\n")
    res = check_file(text.encode(), "dai.csv")
    assert [(p.row, p.column, p.code) for p in res.problems] == [
        (2, "value", "rate_range"), (3, "indicator", "unknown_indicator"), (4, "value", "not_whole"),
        (4, "status", "bad_status")]
    assert ig.long_to_rows(res).rows == []


def test_merge_replaces_same_key_and_adds_new():
    cur = [{"indicator": "households", "group": "all", "year": 2024, "value": 100, "unit": "households",
            "status": "official", "source": "a", "note": ""},
           {"indicator": "poor_households", "group": "all", "year": 2024, "value": 5, "unit": "households",
            "status": "official", "source": "a", "note": ""}]
    new = [dict(cur[0], value=120), dict(cur[1]), dict(cur[0], year=2025, value=130)]
    m = ig.merge(cur, new)
    assert [r["value"] for r in m.rows] == [120, 5, 130]
    assert m.changed == [("households", "all", 2024, 100.0, 120.0)]
    assert m.added == [("households", "all", 2025)] and m.unchanged == 1
    back = ig.check_file(ig.rows_to_csv(m.rows).encode(), "m.csv")
    assert back.ok and len(back.clean_long) == 3


def test_start_of_year_compared_with_the_end_of_the_year_before():
    rows = review_rows(2024)
    res = check_file(to_csv(rows), "r.csv")
    start = sum(r["poor_start"] for r in rows)
    cur = [{"indicator": "poor_households", "group": "all", "year": 2023, "value": start}]
    assert ig.start_notes(res, cur) == []
    cur[0]["value"] = start + 5
    notes = ig.start_notes(res, cur)
    assert len(notes) == 1 and dict(notes[0].params)["sum"] == fmt_num(start, "vi", 0)
    assert notes[0].message().startswith("Cột «Hộ nghèo đầu năm» năm 2024 cộng lại là ")


def test_table_rows_checked_with_the_rows_outside_the_table():
    row = {"indicator": "households", "group": "all", "year": 2024, "value": 100.0, "unit": "households",
           "status": "official", "source": "s", "note": "", "note_en": ""}
    clean, probs = ig.check_table_rows([dict(row, group="khmer")], [row], "bảng")
    assert probs == [] and clean == [dict(row, group="khmer", value=100.0)]
    clean, probs = ig.check_table_rows([dict(row, value=5.0)], [row], "bảng")        # same key as an outside row
    assert [(p.row, p.code, dict(p.params)["first"]) for p in probs] == [(1, "duplicate", 0)]
    _, probs = ig.check_table_rows([dict(row, value=float("nan"), year=1800)], [], "bảng")
    assert sorted(p.code for p in probs) == ["not_number", "year_range"]


def test_ingestion_does_not_import_altair_or_streamlit():
    """Reading and checking data is core: no chart library, no Streamlit (checked in a fresh interpreter)."""
    import subprocess
    import sys
    code = ("import sys; import giamngheo.data.ingest, giamngheo.data.communes, giamngheo.data.versions; "
            "print(sorted(m for m in ('altair', 'streamlit') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"

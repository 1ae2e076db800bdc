"""The end-2026 review (issue 12 §4): the downloadable form for the six communes, filled in with figures
made up here, uploaded, summed into the former district's area, stored as a new data version with the
status «review». Every expected sum below was added up by hand from the table in FIGURES."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from giamngheo.data import ingest as ig
from giamngheo.data.ingest import csv_to_rows
from giamngheo.data.observations import QUALITY_ORDER, STATUSES
from giamngheo.data.versions import SAVED, DataVersions

# commune: households (total, DTTS, Khmer); poor (number, DTTS, Khmer, nobody able to work);
# near-poor (the same four); leaving poverty, returning, newly poor
FIGURES = {
    "Trà Cú":         (9000, 5200, 5100, 210, 150, 148, 120, 330, 200, 195, 80, 60, 2, 15),
    "Đại An":         (8000, 3000, 2900, 180, 100, 99, 100, 300, 150, 140, 70, 50, 1, 10),
    "Lưu Nghiệp Anh": (7000, 4000, 3950, 160, 120, 118, 90, 280, 180, 175, 60, 40, 0, 12),
    "Hàm Giang":      (6000, 4500, 4480, 200, 170, 169, 110, 250, 200, 198, 50, 45, 3, 9),
    "Long Hiệp":      (5000, 3500, 3450, 150, 110, 108, 80, 200, 130, 128, 40, 30, 1, 8),
    "Tập Sơn":        (5500, 2500, 2400, 100, 60, 58, 50, 150, 80, 77, 30, 20, 0, 6),
}
SLUG = {"Trà Cú": "tra-cu", "Đại An": "dai-an", "Lưu Nghiệp Anh": "luu-nghiep-anh", "Hàm Giang": "ham-giang",
        "Long Hiệp": "long-hiep", "Tập Sơn": "tap-son"}
# the sums, added by hand
ALL_2026 = {"households": 40500, "poor_households": 1000, "near_poor_households": 1510,
            "poor_households_no_work_capacity": 550, "near_poor_households_no_work_capacity": 330,
            "poor_exits": 245, "poor_returning": 7, "poor_new": 60}
KHMER_2026 = {"households": 22280, "poor_households": 700, "near_poor_households": 913}
ETHNIC_2026 = {"households": "22.700", "poor_households": "710", "near_poor_households": "940"}


def filled_form(year: int = 2026, lang: str = "vi", figures=FIGURES) -> bytes:
    """The downloaded form, filled in as an office would: figures typed into columns C…P of each commune."""
    wb = openpyxl.load_workbook(io.BytesIO(ig.template("review", "xlsx", lang, year)))
    ws = wb.active
    for row in ws.iter_rows(min_row=1):
        name = row[0].value
        if name in figures:
            for j, v in enumerate(figures[name]):
                row[2 + j].value = v
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_the_form_has_one_row_per_commune_and_the_columns_of_the_summary_forms():
    wb = openpyxl.load_workbook(io.BytesIO(ig.template("review", "xlsx", "vi", 2026)))
    ws = wb.active
    cells = [tuple(r) for r in ws.iter_rows(values_only=True)]
    assert "CUỐI NĂM 2026" in cells[0][0]
    assert "Nghị định 351/2025/NĐ-CP" in cells[1][0] and "Thông tư 07/2021/TT-BLĐTBXH" in cells[1][0] \
        and "Thông tư 02/2022/TT-BLĐTBXH" in cells[1][0]
    top, sub = cells[3], cells[4]
    assert top[:3] == ("Xã", "Năm", "Tổng số hộ dân cư") and top[5] == "Hộ nghèo cuối năm" \
        and top[9] == "Hộ cận nghèo cuối năm" and top[13] == "Biến động hộ nghèo trong năm"
    assert sub[2:] == ("Tổng số", "trong đó DTTS", "trong đó Khmer",
                       "Số hộ", "trong đó DTTS", "trong đó Khmer", "trong đó không có khả năng lao động",
                       "Số hộ", "trong đó DTTS", "trong đó Khmer", "trong đó không có khả năng lao động",
                       "Thoát nghèo", "Tái nghèo", "Phát sinh mới")
    communes = [r[0] for r in cells[6:12]]
    assert communes == ["Trà Cú", "Đại An", "Lưu Nghiệp Anh", "Hàm Giang", "Long Hiệp", "Tập Sơn"]
    assert all(r[1] == 2026 for r in cells[6:12])
    assert "F4:I4" in {str(m) for m in ws.merged_cells.ranges}            # «Hộ nghèo cuối năm» over its four
    en = openpyxl.load_workbook(io.BytesIO(ig.template("review", "xlsx", "en", 2026))).active
    assert "Decree 351/2025/ND-CP" in en["A2"].value and en["F5"].value == "Number"


def test_a_blank_form_does_not_pass_and_names_the_empty_cells():
    res = ig.check_file(ig.template("review", "xlsx", "vi", 2026), "mau.xlsx")
    assert res.problems and res.n_valid == 0
    assert (res.problems[0].row, res.problems[0].column, res.problems[0].code) == \
        (7, "Tổng số hộ dân cư – Tổng số", "empty")


def test_before_2026_the_form_is_the_review_with_the_start_of_the_year_on_the_old_standard():
    assert ig.standard_of(2025) == "nd07_2021" and ig.standard_of(2026) == "nd351_2025"
    assert ig.standard_of(2026, break_year=2027) == "nd07_2021"
    ws = openpyxl.load_workbook(io.BytesIO(ig.template("review", "xlsx", "vi", 2025))).active
    assert ws["A1"].value == "Xã, thị trấn"


def test_the_filled_form_sums_the_six_communes_into_the_former_district():
    res = ig.check_file(filled_form(), "ra-soat-2026.xlsx")
    assert res.shape == "review" and res.problems == []
    assert res.n_valid == 6
    mapped = ig.review_to_rows(res, "review", "BC rà soát 2026")
    rows = {(r["indicator"], r["group"], r["year"]): r for r in mapped.rows}
    for ind, v in ALL_2026.items():
        assert rows[(ind, "all", 2026)]["value"] == v, ind
    for ind, v in KHMER_2026.items():
        assert rows[(ind, "khmer", 2026)]["value"] == v, ind
    # ethnic minority: no «ethnic» group in the plan, so the counts go into the Khmer rows' notes
    for ind, v in ETHNIC_2026.items():
        assert f"trong đó DTTS (gồm cả Khmer): {v}" in rows[(ind, "khmer", 2026)]["note"]
    assert not any(g.startswith("ethnic") for (_, g, _) in rows)
    # each commune keeps its own rows
    for name, f in FIGURES.items():
        g = f"xa2025:{SLUG[name]}"
        assert rows[("households", g, 2026)]["value"] == f[0]
        assert rows[("poor_households", g, 2026)]["value"] == f[3]
        assert rows[("poor_households", f"{g}:khmer", 2026)]["value"] == f[5]
        assert rows[("poor_households_no_work_capacity", g, 2026)]["value"] == f[6]
        assert rows[("near_poor_households_no_work_capacity", g, 2026)]["value"] == f[10]
        assert rows[("poor_new", g, 2026)]["value"] == f[13]
    assert {r["status"] for r in mapped.rows} == {"review"}
    assert all("Nghị định 351/2025/NĐ-CP" in r["note"] for r in mapped.rows)
    messages = [n.message("vi") for n in mapped.notes]
    assert "Số liệu năm 2026 theo chuẩn nghèo đa chiều giai đoạn 2026–2030 (Nghị định 351/2025/NĐ-CP)." in messages
    assert any(n.code == "district_total" for n in mapped.notes)
    assert "Decree 351/2025/ND-CP" in next(n for n in mapped.notes if n.code == "standard").message("en")


def test_the_form_checks_the_parts_against_their_wholes():
    bad = dict(FIGURES)
    f = list(bad["Hàm Giang"])
    f[5] = f[4] + 1            # more Khmer poor than ethnic-minority poor
    f[6] = f[3] + 1            # more poor with nobody able to work than poor
    bad["Hàm Giang"] = tuple(f)
    res = ig.check_file(filled_form(figures=bad), "sai.xlsx")
    got = {(p.row, p.column, p.code) for p in res.problems}
    assert got == {(10, "Hộ nghèo cuối năm – trong đó Khmer", "in_khmer_gt_ethnic"),
                   (10, "Hộ nghèo cuối năm – trong đó không có khả năng lao động", "in_no_work_gt_total")}
    assert res.n_valid == 5
    mapped = ig.review_to_rows(res, "review", "x")
    assert not any(r["group"] == "all" for r in mapped.rows)          # 5 of 6: no district total


def test_the_review_status_is_a_real_figure_ranked_next_to_official():
    assert "review" in STATUSES and QUALITY_ORDER[:2] == ("official", "review")


def test_the_upload_is_stored_as_a_new_version_with_the_sums(db):
    res = ig.check_file(filled_form(), "ra-soat-2026.xlsx")
    mapped = ig.review_to_rows(res, "review", "BC rà soát 2026")
    dv = DataVersions(db, base_note="gốc")
    base_id, base = dv.base()
    merged = ig.merge(base, mapped.rows)
    out = dv.save(merged.rows, author="Chị Lan", note="rà soát 2026", base_id=base_id)
    assert out.status == SAVED, out.problems
    saved = {(r["indicator"], r["group"], int(r["year"])): r
             for r in csv.DictReader(io.StringIO(db.get_data_version(out.version.id).csv_text))}
    for ind, v in ALL_2026.items():
        assert float(saved[(ind, "all", 2026)]["value"]) == v and saved[(ind, "all", 2026)]["status"] == "review"
    for ind, v in KHMER_2026.items():
        assert float(saved[(ind, "khmer", 2026)]["value"]) == v
    assert float(saved[("poor_households", "xa2025:tap-son", 2026)]["value"]) == 100
    n_2026 = sum(1 for k in saved if k[2] == 2026)
    assert out.summary["added"] == n_2026 - sum(1 for r in base if int(r["year"]) == 2026)
    # the district's data (what the model reads) now hold the 2026 figures, on the review status
    district, _ = ig.version_frames(db.get_data_version(out.version.id).csv_text)
    assert district.series("poor_households", "all")[2026] == 1000
    rate = district.df[(district.df["indicator"] == "poor_rate") & (district.df["group"] == "all")
                       & (district.df["year"] == 2026)]
    assert rate["value"].iloc[0] == pytest.approx(1000 / 40500 * 100)
    assert set(csv_to_rows(db.get_data_version(out.version.id).csv_text)[0]) >= {"indicator", "status"}


def test_the_preview_lists_the_district_sums_before_the_communes():
    from giamngheo.data.ingest import csv_to_rows as rows_of_text
    from giamngheo.data.versions import embedded_text
    from giamngheo.report.ingest_view import diff_frame
    res = ig.check_file(filled_form(), "ra-soat-2026.xlsx")
    m = ig.merge(rows_of_text(embedded_text()), ig.review_to_rows(res, "review", "x").rows)
    d = diff_frame(m, "vi")
    groups = list(d["Nhóm"])
    first_commune = next(i for i, g in enumerate(groups) if "(2025)" in g)
    assert set(groups[:first_commune]) == {"Toàn huyện", "Hộ Khmer"}
    assert all("(2025)" in g for g in groups[first_commune:])
    top = d[(d["Nhóm"] == "Toàn huyện") & (d["Chỉ tiêu"] == "Số hộ nghèo")]
    assert top.iloc[0]["Giá trị mới"] == "1.000"

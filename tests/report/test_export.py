"""The Excel and Word reports (giamngheo/export.py) and chart pictures (giamngheo/export_png.py), opened
again with openpyxl and python-docx and checked against the plan file and data/observations.csv."""
from __future__ import annotations

import csv
import io
import struct
import tomllib
import unicodedata
from datetime import datetime

import docx
import openpyxl
import pytest
from conftest import DATA, DEMO, PLAN_FILE

from giamngheo.model.engine import default_context, run
from giamngheo.model.uncertainty import monte_carlo_cached
from giamngheo.report import export, export_png
from giamngheo.scenario.scenario import Scenario

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WHEN = datetime(2025, 2, 5, 14, 30)
# user text that a spreadsheet would otherwise run as a formula
NAME = '=HYPERLINK("http://example.com","bấm")'
AUTHOR = "@SUM(1+1)"
NOTE = "-2+3 hộ ghi chú"


@pytest.fixture(scope="module")
def ctx():
    return default_context()


@pytest.fixture(scope="module")
def plan_raw():
    with open(PLAN_FILE, "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def meta():
    return export.ReportMeta(scenario_name=NAME, author=AUTHOR, note=NOTE, generated=WHEN)


@pytest.fixture(scope="module")
def xlsx_vi(ctx, meta):
    data = export.workbook_bytes(ctx, Scenario.of(NAME), "vi", meta)
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def xlsx_en(ctx, meta):
    data = export.workbook_bytes(ctx, Scenario.of(NAME), "en", meta)
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def docx_vi(ctx, meta):
    return docx.Document(io.BytesIO(export.docx_bytes(ctx, Scenario.of(NAME), "vi", meta)))


def rows_of(ws):
    """The sheet as dicts keyed by the header row."""
    it = ws.iter_rows(values_only=True)
    head = list(next(it))
    return [dict(zip(head, row)) for row in it]


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"                      # the first chunk, always
    return struct.unpack(">II", data[16:24])


# ------------------------------------------------------------------------------------------ Excel

def test_sheet_names_in_both_languages(xlsx_vi, xlsx_en):
    assert xlsx_vi.sheetnames == ["Giới thiệu", "Đánh giá chỉ tiêu", "Dự báo (dạng dọc)", "Dự báo (theo năm)",
                                  "Giả định", "Số liệu", "Nguồn"]
    assert xlsx_en.sheetnames == ["About", "Verdicts", "Projection (long)", "Projection (by year)", "Assumptions",
                                  "Observations", "Sources"]


def test_known_verdict_t23_missed(xlsx_vi, xlsx_en, plan_raw):
    # T23: "a new-rural district before 2023" (deadline 2022); Quyết định 288/QĐ-TTg recognised Trà Cú for 2023
    t23 = next(t for t in plan_raw["targets"] if t["id"] == "T23")
    assert t23["deadline_year"] == 2022
    with open(DATA / "observations.csv", encoding="utf-8-sig") as fh:
        recognised = [int(r["year"]) for r in csv.DictReader(fh)
                      if r["indicator"] == "ntm_district_recognised" and r["value"] == "1"]
    assert min(recognised) == 2023 > t23["deadline_year"]
    row = next(r for r in rows_of(xlsx_vi["Đánh giá chỉ tiêu"]) if r["TT"] == 23)
    assert row["Kết quả đánh giá"] == "Không đạt"
    # decided on the data (an official figure); nothing is labelled "thực tế" (issue 12)
    assert row["Căn cứ"] == "số liệu"
    assert all(r["Căn cứ"] != "thực tế" for r in rows_of(xlsx_vi["Đánh giá chỉ tiêu"]))
    assert row["Chỉ tiêu (theo Kế hoạch)"] == t23["text_vi"]      # the plan's wording, diacritics intact
    assert row["TT"] == 23 and isinstance(row["TT"], int)
    row_en = next(r for r in rows_of(xlsx_en["Verdicts"]) if r["No."] == 23)
    assert row_en["Verdict"] == "Missed"
    assert row_en["Target (plan wording)"] == t23["text_en"]


def test_every_target_has_a_row_with_the_plan_wording(xlsx_vi, plan_raw):
    rows = rows_of(xlsx_vi["Đánh giá chỉ tiêu"])
    assert [r["TT"] for r in rows] == [t["number"] for t in plan_raw["targets"]]
    for r, t in zip(rows, plan_raw["targets"]):
        assert r["Chỉ tiêu (theo Kế hoạch)"] == t["text_vi"]
        assert unicodedata.is_normalized("NFC", r["Chỉ tiêu (theo Kế hoạch)"])


def test_known_number_stays_a_number(xlsx_vi):
    # data/observations.csv: households,all,2023,43369,...,official,tracu-ntm-2023
    with open(DATA / "observations.csv", encoding="utf-8-sig") as fh:
        src = next(r for r in csv.DictReader(fh)
                   if (r["indicator"], r["group"], r["year"]) == ("households", "all", "2023"))
    assert src["value"] == "43369" and src["status"] == "official"
    ws = xlsx_vi["Số liệu"]
    head = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(head)}
    hit = [row for row in ws.iter_rows(min_row=2)
           if row[col["Chỉ số"]].value == "Tổng số hộ" and row[col["Năm"]].value == 2023
           and row[col["Nhóm"]].value == "Toàn huyện"]
    assert len(hit) == 1
    value = hit[0][col["Giá trị"]]
    assert value.data_type == "n" and value.value == 43369
    assert value.number_format == "#,##0"          # Excel shows 43.369 under a Vietnamese regional setting
    assert hit[0][col["Năm"]].number_format == "0"   # a year is never shown as 2.023
    assert hit[0][col["Trạng thái"]].value == "chính thức"
    assert hit[0][col["Mã nguồn"]].value == "tracu-ntm-2023"
    assert hit[0][col["Đường dẫn"]].hyperlink is not None


def test_projection_sheets_hold_the_actual_figure_and_the_projection(xlsx_vi, ctx):
    proj, _ = run(ctx, Scenario())
    long = rows_of(xlsx_vi["Dự báo (dạng dọc)"])
    h2023 = [r for r in long if r["Chỉ số"] == "Tổng số hộ" and r["Nhóm"] == "Toàn huyện" and r["Năm"] == 2023]
    assert len(h2023) == 1 and h2023[0]["Giá trị"] == 43369 and h2023[0]["Căn cứ"] == "số liệu"
    assert all(r["Căn cứ"] != "thực tế" for r in long)
    # the years after the data up to the current one are estimates (a nowcast), the rest projections
    poor = ctx.indicators["poor_rate"].name_vi
    basis = {r["Năm"]: r["Căn cứ"] for r in long if r["Chỉ số"] == poor and r["Nhóm"] == "Toàn huyện"}
    path = proj.path("poor_rate", "all")
    for y in path.nowcast:
        assert basis[y] == "ước tính", y
    assert path.nowcast and 2030 not in path.nowcast
    horizon = [r for r in long if r["Chỉ số"] == poor and r["Nhóm"] == "Toàn huyện" and r["Năm"] == 2030]
    assert horizon[0]["Căn cứ"] == "dự báo"
    assert horizon[0]["Giá trị"] == pytest.approx(proj.get("poor_rate", "all", 2030))
    wide = xlsx_vi["Dự báo (theo năm)"]
    head = [c.value for c in wide[1]]
    assert head[3:] == [str(y) for y in range(int(head[3]), 2031)]
    row = next(r for r in wide.iter_rows(min_row=2) if r[0].value == "Tổng số hộ" and r[1].value == "Toàn huyện")
    cell = row[head.index("2023")]
    assert cell.value == 43369 and not cell.font.italic        # actual: upright
    assert row[head.index("2030")].font.italic                 # projected: italic


def test_assumptions_sheet_has_numbers_and_marks_changes(ctx):
    sc = Scenario.of("", {"poor_fall": 1.5})
    wb = openpyxl.load_workbook(io.BytesIO(export.workbook_bytes(ctx, sc, "vi")))
    rows = list(wb["Giả định"].iter_rows(min_row=2))
    assert len(rows) == len(list(ctx.registry))
    pf = next(r for r in rows if r[0].value == ctx.registry["poor_fall"].label_vi)
    assert pf[1].value == 1.5 and pf[1].data_type == "n"
    assert pf[2].value == ctx.registry["poor_fall"].default
    assert pf[0].font.bold
    other = next(r for r in rows if r[0].value == ctx.registry["jobs"].label_vi)
    assert not other[0].font.bold


def test_user_text_cannot_run_as_a_formula(xlsx_vi):
    about = {r[0].value: r[1] for r in xlsx_vi["Giới thiệu"].iter_rows(min_row=2) if r[0].value}
    for label, text in (("Kịch bản", NAME), ("Người lập", AUTHOR), ("Ghi chú", NOTE)):
        cell = about[label]
        assert cell.value == text                  # as written: no visible apostrophe
        assert cell.data_type == "s" and cell.quotePrefix      # a text cell, flagged as text for Excel
    for ws in xlsx_vi:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not c.value.startswith("'"), (ws.title, c.coordinate, c.value)
                    if c.value.startswith(("=", "+", "-", "@")):
                        assert c.quotePrefix, (ws.title, c.coordinate, c.value)


@pytest.mark.parametrize("text, safe", [
    ("=1+1", "'=1+1"), ("+84 90", "'+84 90"), ("-5 hộ", "'-5 hộ"), ("@A1", "'@A1"), ("\t=x", "'\t=x"),
    ("a=b", "a=b"), ("Hộ nghèo", "Hộ nghèo"), ("", ""), ("−0,5", "−0,5"),   # U+2212 minus is text already
])
def test_safe_text(text, safe):
    assert export.safe_text(text) == safe


def test_safe_text_leaves_numbers_alone():
    assert export.safe_text(-3) == -3 and export.safe_text(2.5) == 2.5 and export.safe_text(None) is None


def test_about_sheet_says_plan_scenario_data_and_date(xlsx_vi, ctx):
    about = {r[0].value: r[1].value for r in xlsx_vi["Giới thiệu"].iter_rows(min_row=2) if r[0].value}
    assert about["Kế hoạch"] == ctx.plan.title_vi
    assert about["Cơ quan lập báo cáo"] == "Tỉnh ủy Vĩnh Long"
    assert about["Cơ quan ban hành Kế hoạch"].startswith("Ban Thường vụ Huyện ủy Trà Cú (huyện Trà Cú, tỉnh Trà Vinh trước")
    assert about["Ngày giờ lập"] == WHEN
    assert about["Số liệu đến năm"] == ctx.as_of
    assert "data/observations.csv" in about["Phiên bản số liệu"]


def test_probability_column_when_the_verdicts_carry_one(ctx):
    mc = monte_carlo_cached(ctx, Scenario())
    expected = {v.target: v.probability for v in mc.verdicts if v.probability is not None}
    assert expected, "the Monte Carlo gives a probability for the projected targets"
    wb = openpyxl.load_workbook(io.BytesIO(export.workbook_bytes(ctx, Scenario(), "en", proj=mc.projection,
                                                                 verdicts=mc.verdicts)))
    ws = wb["Verdicts"]
    head = [c.value for c in ws[1]]
    pcol = head.index("Probability of meeting")
    for row in ws.iter_rows(min_row=2):
        tid = f"T{row[head.index('No.')].value:02d}"
        cell = row[pcol]
        if tid in expected:
            assert cell.value == pytest.approx(expected[tid]) and cell.number_format == "0%"
        else:
            assert cell.value is None
    long_head = [c.value for c in wb["Projection (long)"][1]]
    assert long_head[-3:] == ["10th percentile", "50th percentile", "90th percentile"]


def test_no_probability_column_without_draws(xlsx_en):
    assert "Probability of meeting" not in [c.value for c in xlsx_en["Verdicts"][1]]


# ------------------------------------------------------------------------------------------ dates and places

def test_place_and_date_in_the_administrative_form(ctx):
    plan = ctx.plan
    assert export.place_name(plan) == "Trà Cú"          # from "Huyện Trà Cú, tỉnh Trà Vinh"
    # Nghị định 30/2020/NĐ-CP: a day below 10 and the months 1 and 2 take a leading zero
    assert export.place_date(plan, datetime(2025, 2, 5), "vi") == "Trà Cú, ngày 05 tháng 02 năm 2025"
    assert export.place_date(plan, datetime(2025, 11, 20), "vi") == "Trà Cú, ngày 20 tháng 11 năm 2025"
    assert export.place_date(plan, datetime(2025, 3, 9), "vi") == "Trà Cú, ngày 09 tháng 3 năm 2025"
    assert export.place_date(plan, datetime(2025, 2, 5), "en") == "Trà Cú, 5 February 2025"


# ------------------------------------------------------------------------------------------ Word

def test_docx_charts_are_png_images(meta):
    # the demo dataset (illustrative rows) has a series for every key chart
    ctx = default_context(data_path=str(DEMO))
    docx_vi = docx.Document(io.BytesIO(export.docx_bytes(ctx, Scenario.of(NAME), "vi", meta)))
    proj, verdicts = run(ctx, Scenario())
    n_charts = len(export.key_charts(ctx, proj, verdicts, "vi"))
    assert n_charts == 4
    images = [r for r in docx_vi.part.rels.values() if "image" in r.reltype]
    assert len(images) == n_charts == len(docx_vi.inline_shapes)
    for rel in images:
        w, h = png_size(rel.target_part.blob)
        assert 1200 <= w <= 4000 and 300 <= h <= 2000
    assert "Hình 1. Tỷ lệ hộ nghèo (%)" in all_text(docx_vi)


# ------------------------------------------------------------------------------------------ PNG

def test_chart_png_signature_size_and_vietnamese_font(ctx):
    proj, verdicts = run(ctx, Scenario())
    kc = export.key_charts(ctx, proj, verdicts, "vi")[0]
    data = export_png.chart_png(kc.chart)
    w, h = png_size(data)
    assert 1800 <= w <= 2400          # width 900 at scale 2, plus the axis and legend
    assert 500 <= h <= 1400
    spec = kc.chart
    assert "Tỷ lệ hộ nghèo (%)" in str(spec)          # the labels in Vietnamese
    assert spec["config"]["locale"]["number"]["decimal"] == ","   # the numbers in the Vietnamese format 1.234,5


def test_file_names(ctx):
    d = datetime(2025, 2, 5)
    assert export.file_name(ctx.plan, "xlsx", d) == "bao-cao-tra-cu-05-nq-tu-20250205.xlsx"
    assert export.file_name(ctx.plan, "docx", d, "en") == "bao-cao-tra-cu-05-nq-tu-20250205-en.docx"


def test_meta_of_a_saved_scenario():
    from giamngheo.store import SavedScenario
    s = SavedScenario(id="abc", plan_id="p", name="Giảm chậm", values={"poor_fall": 0.5}, author="A", note="-n",
                      data_version=3, data_hash="h", created_at="2025-02-05T07:30:00.000000Z",
                      updated_at="2025-02-05T07:30:00.000000Z")
    m = export.ReportMeta.of_saved(s, "vi")
    assert (m.scenario_name, m.author, m.note) == ("Giảm chậm", "A", "-n")
    assert m.saved_at == "05/02/2025 14:30 · lập trên phiên bản số liệu v3"     # 07:30 UTC is 14:30 in Việt Nam


# ------------------------------------------------------------------------------------------ the font

def _ocr(png: bytes, tmp_path) -> str:
    """The text tesseract (Vietnamese) reads from a picture; skipped without it, except in CI."""
    import os
    import shutil
    import subprocess
    if not shutil.which("tesseract") or "vie" not in subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("tesseract-ocr with Vietnamese is missing (scripts/ci_services.sh installs it)")
        pytest.skip("tesseract-ocr with Vietnamese is not installed")
    f = tmp_path / "chart.png"
    f.write_bytes(png)
    out = subprocess.run(["tesseract", str(f), "-", "-l", "vie", "--psm", "11"], capture_output=True, text=True,
                         timeout=120)
    return unicodedata.normalize("NFC", out.stdout)


def test_chart_picture_text_reads_back(ctx, tmp_path):
    """The poor-rate chart as the report draws it: its years, the axis title "Năm" and the target's label
    read back from the pixels (the font ships with the project, registered with vl-convert). The same
    chart asking for a font nobody has draws no text at all: the check can fail."""
    proj, verdicts = run(ctx, Scenario())
    kc = export.key_charts(ctx, proj, verdicts, "vi")[0]
    assert kc.chart["config"]["font"].startswith("Source Sans Pro")
    import re
    text = _ocr(export_png.chart_png(kc.chart), tmp_path)
    words = re.sub(r"(?<=\d) (?=\d)", "", text).split()      # OCR may space a tick's digits: "2 027"
    assert "Năm" in words
    years = {y for y in range(2021, 2031) if str(y) in words}
    assert len(years) >= 6, text                     # 2021, 2023–2030 are ticks (no 2022 figure)
    t24 = next(v for v in verdicts if v.target == "T24")
    goal = f"{t24.target_level:.2f}".replace(".", ",")      # half the 2026 rate, by the model
    assert "Mục tiêu" in text and f"{goal}%" in text  # a target's label, in the Vietnamese number format

    missing = {**kc.chart, "config": {**kc.chart["config"], "font": "Giamngheo No Such Font"}}
    control = _ocr(export_png.chart_png(missing), tmp_path).split()
    assert "Năm" not in control and not any(str(y) in control for y in range(2021, 2031))


# ------------------------------------------------------------------------------------------ a workbook staff can print

def test_no_internal_code_in_the_workbook(ctx, xlsx_vi, xlsx_en):
    """Rows and columns are named in the reader's language: no indicator, series or assumption id, no
    method code (poor_exits_pace, assumption:jobs, trend_ols(…)) in any cell."""
    import re
    codes = set(ctx.indicators) | {a.id for a in ctx.registry} | set(export.SERIES_NAMES)
    for wb in (xlsx_vi, xlsx_en):
        for ws in wb:
            for row in ws.iter_rows(values_only=True):
                for v in row:
                    if not isinstance(v, str) or v.startswith("http"):
                        continue
                    assert wb is xlsx_en or v not in codes, (ws.title, v)   # "households" is also an English word
                    assert not re.search(r"\b[a-z]+_[a-z_]+\b|assumption:|trend_ols|flat\(", v), (ws.title, v)
    # the model's own series have names and a unit
    long = rows_of(xlsx_vi["Dự báo (dạng dọc)"])
    pace = [r for r in long if r["Chỉ số"] == "Thoát nghèo: các chính sách khác"]
    assert pace and all(r["Đơn vị"] == "hộ" for r in pace)
    assert {r["Cách tính"] for r in long} >= {"số liệu"}
    wide = rows_of(xlsx_en["Projection (by year)"])
    assert any(r["Indicator"] == "Households falling into poverty from the shock" and r["Unit"] == "households"
               for r in wide)


def test_every_sheet_prints_on_a4_fit_to_width_with_titles(xlsx_vi):
    for ws in xlsx_vi:
        assert int(ws.page_setup.paperSize) == 9, ws.title                 # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
        assert "&P" in ws.oddFooter.center.text
        if ws.title != "Giới thiệu":
            assert ws.print_title_rows == "$1:$1", ws.title          # the header row on every page
            assert ws.freeze_panes and ws.freeze_panes[-1] == "2", ws.title   # frozen under the header
    assert xlsx_vi["Dự báo (theo năm)"].page_setup.orientation == "landscape"


def test_units_and_the_assumptions_in_vietnamese(xlsx_vi, ctx):
    rows = rows_of(xlsx_vi["Giả định"])
    assert list(rows[0]) == ["Giả định", "Giá trị", "Mặc định", "Đơn vị", "Căn cứ mặc định", "Ghi chú, nguồn"]
    times = [a for a in ctx.registry if a.unit == "times"]
    assert times
    for a in times:
        r = next(r for r in rows if r["Giả định"] == a.label_vi)
        assert r["Đơn vị"] == "lần"
    assert all(r["Đơn vị"] not in ("times", "pp_year", "pct_year", "workers_year") for r in rows)


def test_about_sheet_opens_with_the_answer(xlsx_vi, ctx):
    ws = xlsx_vi["Giới thiệu"]
    assert ws["A3"].value == "Kết quả chính"                  # the first line under the title
    _, verdicts = run(ctx, Scenario())
    v = next(v for v in verdicts if v.target == "T24")
    level = f"{v.level:.2f}".replace(".", ",")
    goal = f"{v.target_level:.2f}".replace(".", ",")
    assert ws["B3"].value.startswith(f"Năm 2030, tỷ lệ hộ nghèo toàn địa bàn (dự báo) là {level}%, mục tiêu không quá {goal}%")

"""AppTest of the data page, app_pages/9_du_lieu.py: the dataset in use, the count of figures by status
(counted here from the CSV files, with the derived rates found independently), every figure with its
status and source as text, the other readings, the province and national figures and what is missing."""
from __future__ import annotations

import csv
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.headings_read import headings

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "app_pages" / "9_du_lieu.py")
DATA = ROOT / "data"
VI = {"official": "chính thức", "estimate": "◇ ước tính", "derived": "◇ tính từ số liệu khác",
      "illustrative": "◇ minh họa"}


def page(**state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def expected_counts(path: Path) -> Counter:
    """Rows by status, plus the rates the core derives: a poor (near-poor) rate for a group and year
    with the count and the households but no rate of its own."""
    rs = rows(path)
    c = Counter(r["status"] for r in rs)
    keys = {(r["indicator"], r["group"], r["year"]) for r in rs}
    for count, rate in (("poor_households", "poor_rate"), ("near_poor_households", "near_poor_rate")):
        for (i, g, y) in keys:
            if i == count and ("households", g, y) in keys and (rate, g, y) not in keys:
                c["derived"] += 1
    return c


def table(at: AppTest, first: str, second: str):
    return next(d.value for d in at.dataframe if list(d.value.columns)[:2] == [first, second])


def test_default_dataset_its_counts_and_every_figure_with_its_source():
    at = page()
    assert not at.exception
    assert headings(at, 1)[0] == "Dữ liệu và nguồn"
    assert headings(at, 3)[0] == "Bộ số liệu đang dùng: Mặc định — số liệu chính thức và ước tính có nguồn"
    counts = {m.label: m.value for m in at.metric}
    want = expected_counts(DATA / "observations.csv")
    assert "illustrative" not in want and want["official"] > 0 and want["estimate"] > 0
    assert counts == {VI[s]: f"{n:,}".replace(",", ".") for s, n in want.items()}
    figures = table(at, "Chỉ tiêu", "Nhóm")
    assert len(figures) == sum(want.values())
    # Vietnamese number format; the status and the source's title as text; links only from sources.toml
    with open(DATA / "sources.toml", "rb") as fh:
        src = tomllib.load(fh)
    hh = figures[(figures["Chỉ tiêu"] == "Tổng số hộ") & (figures["Năm"] == "2023")].iloc[0]
    assert hh["Giá trị"] == "43.369" and hh["Tình trạng"] == "chính thức"
    assert hh["Nguồn"] == src["tracu-ntm-2023"]["title"] and hh["Liên kết"] == src["tracu-ntm-2023"]["url"]
    rate = figures[(figures["Chỉ tiêu"] == "Tỷ lệ hộ nghèo") & (figures["Năm"] == "2023")].iloc[0]
    assert rate["Giá trị"] == "2,33"
    urls = {s.get("url") for s in src.values()} | {""}
    assert set(figures["Liên kết"]) <= urls


def test_other_readings_beside_the_used_figure():
    at = page()
    alt = next(d.value for d in at.dataframe if "Số đang dùng" in d.value.columns)
    assert len(alt) == len(rows(DATA / "alternatives.csv"))
    first = alt.iloc[0]
    assert (first["Chỉ tiêu"], first["Năm"], first["Số đang dùng"], first["Cách đọc khác"]) == (
        "Tỷ lệ hộ nghèo", "2023", "2,33", "2,43")
    hh = alt[(alt["Chỉ tiêu"] == "Số hộ nghèo") & (alt["Năm"] == "2023")]
    assert set(hh["Số đang dùng"]) == {"1.010"} and set(hh["Cách đọc khác"]) == {"1.058", "1.057"}


def test_context_figures_and_what_is_missing():
    at = page()
    cx = table(at, "Địa bàn", "Chỉ tiêu")
    assert len(cx) == len(rows(DATA / "context.csv"))
    line = cx[(cx["Địa bàn"] == "Tỉnh Vĩnh Long (mới, sau sáp nhập)") & (cx["Chỉ tiêu"] == "Tỷ lệ hộ nghèo")
              & (cx["Năm"] == "2024")].iloc[0]
    assert line["Giá trị"] == "1,23" and line["Nhóm"] == "Tất cả các hộ"    # not "Toàn huyện": not the district
    rural = cx[cx["Chỉ tiêu"] == "Chuẩn nghèo nông thôn (thu nhập)"].iloc[0]
    assert rural["Giá trị"] == "2.200.000" and rural["Đơn vị"] == "đồng/người/tháng"
    md = "\n".join(m.value for m in at.markdown)
    assert "Số hộ nghèo, hộ cận nghèo dân tộc Khmer của huyện" in md
    assert "Kết quả rà soát chính thức cuối năm 2021, 2022 và 2025" in md


def test_demo_dataset_is_named_and_its_illustrative_rows_counted(demo_dataset):
    at = page()
    assert not at.exception
    assert headings(at, 3)[0].startswith("Bộ số liệu đang dùng: Minh họa")
    counts = {m.label: m.value for m in at.metric}
    want = expected_counts(DATA / "demo" / "observations.csv")
    assert want["illustrative"] > 0 and want["derived"] > 0
    assert counts == {VI[s]: f"{n:,}".replace(",", ".") for s, n in want.items()}


def test_english():
    at = page(lang="en")
    assert not at.exception
    assert headings(at, 3)[0] == "Dataset in use: Default — official figures and sourced estimates"
    counts = {m.label: m.value for m in at.metric}
    want = expected_counts(DATA / "observations.csv")
    assert counts == {
        {"official": "official", "estimate": "◇ estimate"}[s]: str(n) for s, n in want.items()}
    figures = table(at, "Indicator", "Group")
    hh = figures[(figures["Indicator"] == "Households") & (figures["Year"] == "2024")].iloc[0]
    assert hh["Value"] == "43,556" and hh["Status"] == "◇ estimate"
    headers = headings(at, 2)
    assert "Where sources disagree" in headers and "Not found in published sources" in headers


def test_a_broken_alternatives_file_is_listed_as_text_not_a_traceback(monkeypatch):
    import giamngheo.data.observations as O

    def broken(*a, **k):
        raise O.ObservationError([O.Problem("alternatives.csv", 3, "alternative_to", "**poor**/all/2019", "no_used_row")])

    monkeypatch.setattr(O, "load_alternatives", broken)
    at = page()
    assert not at.exception
    assert "Không đọc được tệp số liệu này" in at.warning[0].value
    problems = next(d.value for d in at.dataframe if list(d.value.columns) == ["Lỗi"])
    msg = problems.iloc[0]["Lỗi"]
    assert "alternatives.csv" in msg and "3" in msg and "alternative_to" in msg and "**poor**" in msg   # as text
    # the rest of the page still draws
    assert any("Địa bàn" in d.value.columns for d in at.dataframe)


ENGLISH = re.compile(r"\b(the|of|and|about|rising|households?|from|with|a year|plus|minus|published)\b", re.I)
# common Vietnamese words (place names such as Trà Cú keep their diacritics in English)
VIETNAMESE = re.compile(r"\b(hộ|nghèo|năm|của|và|các|được|giảm|tăng|khoảng|ước tính|số|tỷ lệ|trong đó)\b", re.I)


def _unquoted(s: str) -> str:
    """A note without what it quotes from a source ("…", «…»): a citation stays in its language."""
    return re.sub(r"\"[^\"]*\"|“[^”]*”|«[^»]*»|'[^']*'", " ", s)


@pytest.mark.parametrize("dataset", ["default", "demo"])
def test_notes_are_in_the_pages_language(dataset, request):
    """Issue 13: the data files' notes are in Vietnamese on the Vietnamese page (no English working notes
    such as «rising ~0.6 a year») and in English on the English page: every note of the CSV files, in its
    column for the language, and none of them reads in the other language."""
    if dataset == "demo":
        request.getfixturevalue("demo_dataset")
    path = DATA / ("demo" if dataset == "demo" else "") / "observations.csv"
    rs = rows(path)
    for lang, col, first in (("vi", "note", "Chỉ tiêu"), ("en", "note_en", "Indicator")):
        at = page(lang=lang)
        assert not at.exception
        shown = set(table(at, first, "Nhóm" if lang == "vi" else "Group").iloc[:, -1])
        want = {r[col] for r in rs if r[col]}
        assert want and want <= shown, sorted(want - shown)[:3]
        for note in want:
            text = _unquoted(note)
            if lang == "vi":
                assert not ENGLISH.search(text), note
            else:
                assert not VIETNAMESE.search(text), note
        other = [d.value for d in at.dataframe]
        for df in other:        # the other readings, the context figures and the sources: same rule
            for c in df.columns:
                if c in ("Ghi chú", "Cách tính, trích dẫn", "Vì sao không dùng", "Note", "Working or quotation", "Why not used"):
                    for note in df[c]:
                        if note:
                            bad = ENGLISH if lang == "vi" else VIETNAMESE
                            assert not bad.search(_unquoted(str(note))), (c, note)

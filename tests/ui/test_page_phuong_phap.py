"""The method page on the default data: the model in words, its fit to the record, the backtests
(with their error), the first lever year's arithmetic, the start's constants and T26's reading."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from giamngheo.model.engine import backtest, default_context

ROOT = Path(__file__).resolve().parents[2]


# the page's sections (folded expanders that track whether they are open: a section's content is drawn only then)
SECTIONS = ("gn_method_verdicts", "gn_method_readings", "gn_method_statuses", "gn_method_model", "gn_method_presets")


def method(open_sections: bool) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "8_phuong_phap.py"), default_timeout=90)
    for k in SECTIONS if open_sections else ():
        at.session_state[k] = True
    return at.run()


@pytest.fixture(scope="module")
def method_page():
    return method(True)


@pytest.fixture(scope="module")
def folded_page():
    return method(False)


def _frames(at):
    return [d.value for d in at.dataframe]


def test_it_renders_without_an_exception(method_page):
    assert not method_page.exception


def test_the_fit_to_2024_is_shown(method_page):
    fit = next(df for df in _frames(method_page) if "Sai lệch" in df.columns and "Các năm" in df.columns)
    row = fit[fit["Các năm"] == "2023 → 2024"].iloc[0]
    assert row["Số liệu"] == "784" and row["Mô hình"] == "784" and row["Sai lệch"] == "0,0%"


def test_the_backtests_are_shown_with_their_error(method_page):
    bt = next(df for df in _frames(method_page) if "Số liệu đến năm" in df.columns)
    # every later real figure of poor households: as of 2022 against 2023 and 2024, as of 2023 against 2024
    assert list(zip(bt["Số liệu đến năm"], bt["So với năm"])) == [("2022", "2023"), ("2022", "2024"), ("2023", "2024")]
    ctx = default_context()
    for _, r in bt.iterrows():
        year = int(r["So với năm"])
        b = backtest(ctx, int(r["Số liệu đến năm"]), year=year)
        actual = ctx.obs.series("poor_households", "all")[year]
        assert r["Số liệu"].startswith(f"{actual:,.0f}".replace(",", "."))
        # the error column is the relative error of the projection, rounded to whole percent
        expected = round(100 * (b.projected / actual - 1))
        shown = int(r["Sai lệch"].replace("%", "").replace("−", "-"))
        assert shown == expected


def test_the_start_constants_carry_their_evidence(method_page):
    consts = next(df for df in _frames(method_page) if "Căn cứ" in df.columns and "Giá trị" in df.columns
                  and len(df) == 5)
    assert any("634" in e for e in consts["Căn cứ"])          # 60 % of the poor: 634 households, start of 2024
    assert any("84,3%" in e for e in consts["Căn cứ"])        # the Khmer share, from the province's end-2022 review


def test_the_break_and_t26_readings(method_page):
    text = "\n".join(m.value for m in method_page.markdown)
    assert "rà soát cuối năm 2026 là lần đầu theo Nghị định 351/2025" in text
    assert "ít nhất 5 trong 6 xã" in text
    assert "Chờ số liệu" in text                              # the verdict rules name the new status
    # the calibration sentence: the default pace in points at the 2026 start level
    assert "2023 đến đúng số liệu năm 2024" in text


def test_the_page_opens_short_with_the_details_folded(folded_page, method_page):
    """The one-screen summary first; every detail section folded in an expander (closed), its tables inside.
    Folded, a section's content is not drawn at all (a lever move on the page then sends and works out none of
    it: the model section's placements run the model twice); opened, it is."""
    labels = ["Cách đánh giá", "Các chỉ tiêu và cách hiểu được kiểm tra", "Mức độ tin cậy của số liệu",
              "Mô hình dự báo", "Các kịch bản mẫu"]
    at = folded_page
    assert not at.exception
    assert [e.label for e in at.expander] == labels
    assert all(not e.proto.expanded for e in at.expander)
    assert at.info[0].value.startswith("**Tóm tắt.**")        # the summary, outside the sections
    assert len(at.dataframe) == 0 and all(len(e.children) == 0 for e in at.expander)
    at = method_page
    assert [e.label for e in at.expander] == labels
    inside = sum(len(e.dataframe) for e in at.expander)
    assert inside == len(at.dataframe) and inside >= 5          # every table is in a section

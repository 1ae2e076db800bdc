"""AppTests of app_pages/11_xa.py (Xã, thị trấn): the ranking, the distance to the target, the note where
the communes' sum disagrees with the district's own figure, and the old → new mapping.

Commune figures are made up for the tests and stored as a data version in a temporary store; the
expected ranks and sums are worked out here from them."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from giamngheo.data import communes as cm
from giamngheo.data.ingest import csv_to_rows, rows_to_csv
from giamngheo.store import Store
from tests.ui.headings_read import headings

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "app_pages" / "11_xa.py")
EMBEDDED = (ROOT / "data" / "demo" / "observations.csv").read_text(encoding="utf-8-sig")
C = cm.load_communes()


# the hand-worked figures here come from illustrative rows: the demo dataset
pytestmark = pytest.mark.usefixtures("demo_dataset_module")

@pytest.fixture
def db_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'xa.db'}"
    monkeypatch.setenv("GIAMNGHEO_DB_URL", url)
    return url


def page(**state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def table(at, first_column):
    return next(d.value for d in at.dataframe if len(d.value.columns) and d.value.columns[0] == first_column)


# unit 0: 1 000 households, 50 poor (5 %); unit 1: 5 000 and 150 (3 %); the other 15: 2 000 and 40 (2 %)
HH = [1000, 5000] + [2000] * 15
POOR = [50, 150] + [40] * 15


def seed(db_url: str) -> None:
    rows = csv_to_rows(EMBEDDED)
    for u, h, p in zip(C.old, HH, POOR):
        for ind, v in (("households", h), ("poor_households", p)):
            rows.append({"indicator": ind, "group": u.group, "year": 2024, "value": v, "unit": "households",
                         "status": "official", "source": "thu", "note": ""})
    Store(db_url).save_data_version(rows_to_csv(rows), author="test", note="xã 2024", parent_id=None)


def test_without_commune_data_shows_reference_rates_and_the_mapping(db_url):
    at = page()
    assert not at.exception
    assert headings(at, 1)[0] == "Xã, thị trấn"
    assert "Chưa có số liệu theo xã" in at.info[0].value
    ranking = table(at, "Hạng")
    assert ranking["Xã, thị trấn"].tolist()[:3] == ["Định An", "Hàm Giang", "Long Hiệp"]   # 3,44 > 3,42 > 3,12
    assert ranking.iloc[0]["Tỷ lệ hộ nghèo"] == "3,44%"
    assert ranking.iloc[0]["Trạng thái số liệu"] == "◇ tham khảo"
    # no counts by commune: no share of the area's poor is made up from a rate, and the page says what it needs
    assert "Phần trong số hộ nghèo của địa bàn" not in ranking.columns
    assert "cần số hộ nghèo theo xã" in "\n".join(c.value for c in at.caption)
    # the default target: the end-2021 rate, 8,42 % (the sourced estimate 3 650 / 43 369), less 1 point a year for 3 years
    base = 8.42
    assert f"{base - 3:.2f}".replace(".", ",") + "%" in "\n".join(c.value for c in at.caption)
    assert ranking.iloc[0]["So với mục tiêu (điểm %)"] == f"−{base - 3 - 3.44:.2f}".replace(".", ",")
    mapping = table(at, "Xã, thị trấn trước 01/7/2025")
    assert len(mapping) == 17
    assert mapping.set_index("Xã, thị trấn trước 01/7/2025").loc["Kim Sơn", "Xã mới (từ 01/7/2025)"] == "Hàm Giang"
    groups = table(at, "Xã mới")
    assert len(groups) == 6 and groups["Số đơn vị cũ"].astype(int).sum() == 17


def test_ranked_by_rate_and_by_households_to_lift_with_a_target(db_url):
    seed(db_url)
    at = page(**{"xa_target_2024": 1.0})
    assert not at.exception
    ranking = table(at, "Hạng")
    assert len(ranking) == 17
    assert ranking.iloc[0]["Xã, thị trấn"] == C.old[0].name and ranking.iloc[0]["Tỷ lệ hộ nghèo"] == "5,00%"
    assert ranking.iloc[1]["Xã, thị trấn"] == C.old[1].name and ranking.iloc[1]["Tỷ lệ hộ nghèo"] == "3,00%"
    assert ranking.iloc[0]["So với mục tiêu (điểm %)"] == "+4,00"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Đơn vị có số liệu"] == "17/17" and metrics["Cao hơn mức của cả địa bàn"] == "17/17"
    # by households to lift to 1 %: unit 1 needs 150 − 50 = 100, unit 0 needs 50 − 10 = 40, others 40 − 20 = 20
    at.radio(key="xa_rank_by").set_value("need").run()
    ranking = table(at, "Hạng")
    assert ranking["Xã, thị trấn"].tolist()[:2] == [C.old[1].name, C.old[0].name]
    assert ranking["Hộ cần thoát nghèo"].tolist()[:3] == ["100", "40", "20"]


def test_each_units_share_of_the_areas_poor_households(db_url):
    """Every unit has a count: shares of the units' own sum, 50 + 150 + 15 × 40 = 800 (so they add up to
    100 %), with two decimals as the rates: 50 / 800 = 6,25 %, 150 / 800 = 18,75 %, 40 / 800 = 5,00 %; the caption names the
    total, the year and the source."""
    seed(db_url)
    at = page(**{"xa_target_2024": 1.0})
    assert not at.exception
    ranking = table(at, "Hạng").set_index("Xã, thị trấn")
    col = "Phần trong số hộ nghèo của địa bàn"
    assert ranking.loc[C.old[0].name, col] == "6,25%" and ranking.loc[C.old[1].name, col] == "18,75%"
    assert set(ranking.loc[[u.name for u in C.old[2:]], col]) == {"5,00%"}
    caps = "\n".join(c.value for c in at.caption)
    assert "hộ nghèo của đơn vị ÷ 800 hộ nghèo, tổng của cả 17 đơn vị năm 2024 (nguồn: thu)" in caps


def test_with_some_units_only_the_share_is_of_the_areas_own_count(db_url):
    """Two units with counts: shares of the area's own 784 poor households of 2024 (official, vietnamnet-2024):
    50 / 784 = 6,377… → 6,38 %, 150 / 784 = 19,132… → 19,13 %, and said not to add up to 100 %."""
    rows = csv_to_rows(EMBEDDED)
    for u, h, p in zip(C.old[:2], HH, POOR):
        for ind, v in (("households", h), ("poor_households", p)):
            rows.append({"indicator": ind, "group": u.group, "year": 2024, "value": v, "unit": "households",
                         "status": "official", "source": "thu", "note": ""})
    Store(db_url).save_data_version(rows_to_csv(rows), author="test", note="2 xã", parent_id=None)
    at = page()
    assert not at.exception
    ranking = table(at, "Hạng").set_index("Xã, thị trấn")
    col = "Phần trong số hộ nghèo của địa bàn"
    assert ranking.loc[C.old[0].name, col] == "6,38%" and ranking.loc[C.old[1].name, col] == "19,13%"
    caps = "\n".join(c.value for c in at.caption)
    assert "÷ 784 hộ nghèo của cả địa bàn năm 2024 (số của địa bàn, nguồn: vietnamnet-2024;" in caps
    assert "không cộng đủ 100%" in caps


def test_the_communes_sum_against_the_districts_own_figure(db_url):
    seed(db_url)
    at = page()
    poor_sum = sum(POOR)                               # 50 + 150 + 15 × 40 = 800
    assert poor_sum == 800
    district = 784                                     # data/observations.csv: poor households 2024 (official)
    warn = "\n".join(w.value for w in at.warning)
    assert ("Năm 2024, Số hộ nghèo (Toàn huyện): tổng của 17 xã là 800, khác số của huyện 784 (chênh +16)."
            in warn)
    totals = table(at, "Năm")
    row = totals[totals["Chỉ tiêu"] == "Số hộ nghèo"].iloc[0]
    assert (row["Tổng các xã"], row["Số đơn vị"], row["Số của huyện"], row["Chênh lệch"]) == \
           ("800", "17/17", f"{district}", "+16")
    assert "không khớp" in row["Ghi chú"]


def test_english(db_url):
    at = page(lang="en")
    assert not at.exception
    assert headings(at, 1)[0] == "Communes and towns"
    assert "Commune or town before 1 July 2025" in table(at, "Commune or town before 1 July 2025").columns


def test_an_unknown_commune_group_in_the_data_is_named_not_ignored(db_url):
    """A version saved before groups were checked may hold a commune that does not exist: the page
    says so (and which), instead of leaving it out without a word."""
    rows = csv_to_rows(EMBEDDED)
    for ind, v in (("households", 900), ("poor_households", 45)):
        rows.append({"indicator": ind, "group": "xa2025:khong-co", "year": 2025, "value": v, "unit": "households",
                     "status": "official", "source": "thu", "note": ""})
    Store(db_url).save_data_version(rows_to_csv(rows), author="test", note="xã lạ", parent_id=None)
    at = page()
    assert not at.exception
    warn = "\n".join(w.value for w in at.warning)
    assert "1 nhóm theo xã không có trong danh mục" in warn and "`xa2025:khong-co`" in warn


def test_the_end_2026_review_ranks_the_six_communes_as_review_figures(db_url):
    """The form of tests/data/test_review_form.py, uploaded as a version: the six communes ranked by their
    rates (worked out by hand: Hàm Giang 200/6 000 = 3,33 %, Long Hiệp 150/5 000 = 3,00 %, Trà Cú
    210/9 000 = 2,33 %, Lưu Nghiệp Anh 160/7 000 = 2,29 %, Đại An 180/8 000 = 2,25 %, Tập Sơn
    100/5 500 = 1,82 %), marked as review figures, not with the ◇ of a figure that is not real."""
    from giamngheo.data import ingest as ig
    from tests.data.test_review_form import filled_form
    res = ig.check_file(filled_form(), "ra-soat-2026.xlsx")
    rows = ig.merge(csv_to_rows(EMBEDDED), ig.review_to_rows(res, "review", "BC rà soát 2026").rows).rows
    Store(db_url).save_data_version(rows_to_csv(rows), author="test", note="rà soát 2026", parent_id=None)
    at = page(xa_year=2026)
    assert not at.exception
    ranking = table(at, "Hạng")
    assert ranking["Xã, thị trấn"].tolist() == ["Hàm Giang", "Long Hiệp", "Trà Cú", "Lưu Nghiệp Anh", "Đại An",
                                                "Tập Sơn"]
    assert ranking["Tỷ lệ hộ nghèo"].tolist() == ["3,33%", "3,00%", "2,33%", "2,29%", "2,25%", "1,82%"]
    assert set(ranking["Trạng thái số liệu"]) == {"số liệu rà soát"}
    assert not any(w for w in at.warning if "không có trong danh mục" in w.value)

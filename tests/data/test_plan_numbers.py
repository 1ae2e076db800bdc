"""This plan's numbers come from its data files, not from code: the merger's date and the reference
rates' year from communes.csv, the standard's break year and the district's name from the plan file."""
from __future__ import annotations

import pytest

from giamngheo.data import communes as cm
from giamngheo.data.ingest.review import _plan_district, plan_break_year, standard_of
from giamngheo.plan.targets import load_plan

HEAD = "commune,kind,merged_into_2025,merged_on,poor_rate_{y},note\n"


def _file(tmp_path, body: str, year: int = 2024):
    p = tmp_path / "communes.csv"
    p.write_text(HEAD.format(y=year) + body, encoding="utf-8")
    return p


def test_the_merger_and_the_reference_year_are_read_from_the_file(tmp_path):
    c = cm.load_communes(_file(tmp_path, "Hàm Tân,commune,Hàm Giang,2026-01-01,2.5,\nHàm Giang,commune,Hàm Giang,2026-01-01,,\n",
                               year=2023))
    assert (c.merged_on, c.merger_year, c.reference_year) == ("2026-01-01", 2026, 2023)
    assert cm.era_of_year(2025, c) == cm.OLD and cm.era_of_year(2026, c) == cm.NEW
    assert c.old[0].poor_rate_2024 == 2.5          # the reference rate, whatever its year
    real = cm.load_communes()                      # data/communes.csv: 1 July 2025
    assert (real.merged_on, real.merger_year, real.reference_year) == ("2025-07-01", 2025, 2024)
    assert cm.era_of_year(2024) == cm.OLD and cm.era_of_year(2025) == cm.NEW


def test_two_merger_dates_are_an_error_naming_the_column(tmp_path):
    with pytest.raises(cm.CommuneFileError, match="merged_on"):
        cm.load_communes(_file(tmp_path, "A,commune,B,2025-07-01,,\nB,commune,B,2025-08-01,,\n"))


def test_the_break_year_and_the_district_come_from_the_plan():
    plan = load_plan()
    assert plan_break_year() == plan.standard.break_year == 2026
    assert standard_of(2025) == "nd07_2021" and standard_of(2026) == "nd351_2025"
    assert _plan_district() == "huyen tra cu"       # "Huyện Trà Cú, tỉnh Trà Vinh" up to its comma, folded
    assert plan.extra["app_title_vi"] == "Giảm nghèo Trà Cú"

"""The uncertainty editor's table and its reading (giamngheo/report/what_it_takes.sd_table / read_sd): one
number format (the page's), a unit on every figure, the spread read by the one number reader. Figures from
data/assumptions.toml, written out by hand."""
from __future__ import annotations

import pytest

from giamngheo.model.engine import default_context
from giamngheo.report import what_it_takes as w
from giamngheo.scenario.scenario import Scenario


@pytest.fixture(scope="module")
def reg():
    return default_context().registry


def rows(reg, lang, current=None):
    items = [reg["jobs"], reg["poor_fall"], reg["new_poor_rate"], reg["rebase_factor"]]
    return items, w.sd_table(items, reg.resolve(Scenario()), current or {}, lang)


def test_one_format_and_a_unit_on_every_figure(reg):
    # jobs: 3.000 a year, sd 400, 0–8.000; poor_fall: its calibrated 52,1 %/năm, sd 5; new_poor_rate 0,1 sd 0,03;
    # the re-basing factor 2,15 sd 0,18 (1–4)
    items, tb = rows(reg, "vi")
    assert list(tb.columns) == ["Giả định", "Giá trị", "Độ lệch chuẩn", "Mặc định", "Giới hạn"]
    assert list(tb["Giá trị"]) == ["3.000 lao động/năm", "52,1 %/năm", "0,1 %/năm", "2,15 lần"]
    assert list(tb["Độ lệch chuẩn"]) == ["400 lao động/năm", "5 %/năm", "0,03 %/năm", "0,18 lần"]
    assert list(tb["Mặc định"]) == list(tb["Độ lệch chuẩn"])
    assert list(tb["Giới hạn"]) == ["0 – 8.000 lao động/năm", "10 – 95 %/năm", "0 – 2 %/năm", "1 – 4 lần"]
    _, en = rows(reg, "en", {"jobs": 1250.0})
    assert list(en["Value"])[0] == "3,000 workers a year" and list(en["Standard deviation"])[0] == "1,250 workers a year"
    assert list(en["Default"])[0] == "400 workers a year"


def test_the_spread_is_read_as_people_write_it(reg):
    items, tb = rows(reg, "vi")
    same = list(tb["Độ lệch chuẩn"])
    assert w.read_sd(items, same, {}, "vi") == ({}, [])                   # nothing edited: no override
    # "1.200" jobs is twelve hundred (a whole number); "6,5 %/năm" is 6.5 with its unit; "0,03" is the default
    got = w.read_sd(items, ["1.200", "6,5 %/năm", "0,03", "0,2 lần"], {}, "vi")
    assert got == ({"jobs": 1200.0, "poor_fall": 6.5, "rebase_factor": 0.2}, [])
    # English page: "1,200" and "6.5"
    assert w.read_sd(items, ["1,200", "6.5", "0.03 % a year", "0.18"], {}, "en")[0] == {"jobs": 1200.0, "poor_fall": 6.5}
    # not a number, or below zero: said by row (from 1), the default used
    ov, bad = w.read_sd(items, ["abc", "-1", "0,03", ""], {}, "vi")
    assert ov == {} and [(i, a.id) for i, a in bad] == [(1, "jobs"), (2, "poor_fall"), (4, "rebase_factor")]
    # an edited spread shown again as the page writes it is kept as it is
    items, tb = rows(reg, "vi", {"new_poor_rate": 0.0125})
    assert list(tb["Độ lệch chuẩn"])[2] == "0,013 %/năm"
    assert w.read_sd(items, list(tb["Độ lệch chuẩn"]), {"new_poor_rate": 0.0125}, "vi")[0] == {"new_poor_rate": 0.0125}

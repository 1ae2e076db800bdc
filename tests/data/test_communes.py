"""giamngheo/communes.py: the 17 units before 1 July 2025 and the 6 after, names, groups, ranking,
distance to the target, and district totals from the communes. Expected values are worked out by
hand from data/communes.csv or from the small frames built here."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from giamngheo.data import communes as cm
from giamngheo.data.ingest import rows_to_csv, version_frames
from giamngheo.plan.targets import load_plan

C = cm.load_communes()


def test_seventeen_units_become_six_communes():
    assert len(C.old) == 17 and len(C.new) == 6
    assert sum(u.kind == "town" for u in C.old) == 2
    members = {u.name: sorted(m.name for m in C.members(u)) for u in C.new}
    assert members["Lưu Nghiệp Anh"] == ["An Quảng Hữu", "Lưu Nghiệp Anh"]
    assert members["Đại An"] == sorted(["Thị trấn Định An", "Đại An", "Định An"])
    assert members["Hàm Giang"] == sorted(["Hàm Giang", "Hàm Tân", "Kim Sơn"])
    assert sum(len(v) for v in members.values()) == 17
    mp = C.mapping()
    assert mp.loc[mp["old"] == "Kim Sơn", "new"].item() == "Hàm Giang"


def test_names_are_matched_without_case_or_diacritics_and_towns_are_kept_apart():
    assert C.resolve("thị trấn định an", cm.OLD).slug == "tt-dinh-an"
    assert C.resolve("TT Dinh An", cm.OLD).slug == "tt-dinh-an"
    assert C.resolve("Định An", cm.OLD).slug == "dinh-an"
    assert C.resolve("Xã Ngãi Xuyên", cm.OLD).name == "Ngãi Xuyên"
    assert C.resolve("Trà Cú", cm.OLD).name == "Thị trấn Trà Cú"        # the only unit of that bare name
    assert C.resolve("Đại An", cm.NEW).group == "xa2025:dai-an"
    assert C.resolve("Đại An", cm.OLD).group == "xa:dai-an"             # the same name, another unit
    assert C.resolve("Kim Sơn", cm.NEW) is None
    assert C.resolve("", cm.OLD) is None


def test_groups_parse_and_split():
    assert cm.parse_group("xa:ham-tan:khmer") == ("xa", "ham-tan", True)
    assert cm.parse_group("xa2025:tap-son") == ("xa2025", "tap-son", False)
    assert cm.parse_group("all") is None and cm.parse_group("khmer") is None
    df = pd.DataFrame({"indicator": ["households"] * 3, "group": ["all", "xa:kim-son", "khmer"],
                       "year": [2024] * 3, "value": [1.0, 2.0, 3.0]})
    district, communes = cm.split_frame(df)
    assert list(district["group"]) == ["all", "khmer"] and list(communes["group"]) == ["xa:kim-son"]


def test_rank_reference_rates_and_gap_to_a_target():
    ref = cm.reference_table(C)
    r = cm.rank(ref, target_rate=3.0)
    # communes.csv: Định An 3.44, Hàm Giang 3.42, Long Hiệp 3.12, An Quảng Hữu 2.44, Hàm Tân 2.05, Tân Hiệp 2.02
    assert list(r["unit"]) == ["Định An", "Hàm Giang", "Long Hiệp", "An Quảng Hữu", "Hàm Tân", "Tân Hiệp"]
    assert list(r["rank"]) == [1, 2, 3, 4, 5, 6]
    assert r["gap"].round(2).tolist() == [0.44, 0.42, 0.12, -0.56, -0.95, -0.98]


def test_households_to_target():
    t = pd.DataFrame({"poor": [50.0, 10.0, math.nan], "households": [2000.0, 1000.0, 500.0]})
    need = cm.households_to_target(t, 2.0)
    assert need.iloc[0] == 10          # 50 − 2 % of 2 000
    assert need.iloc[1] == 0           # 10 < 20: already below
    assert math.isnan(need.iloc[2])


def _commune_rows(year=2024, poor=lambda i: 30 + i, era=cm.OLD):
    rows = []
    for i, u in enumerate(C.units(era)):
        rows.append({"indicator": "households", "group": u.group, "year": year, "value": 2000 + 10 * i,
                     "unit": "households", "status": "official", "source": "t", "note": ""})
        rows.append({"indicator": "poor_households", "group": u.group, "year": year, "value": poor(i),
                     "unit": "households", "status": "official", "source": "t", "note": ""})
    return rows


def test_totals_agree_disagree_and_partial():
    rows = _commune_rows()
    poor_sum = sum(30 + i for i in range(17))                          # 30 + … + 46 = 646
    assert poor_sum == 646
    rows.append({"indicator": "poor_households", "group": "all", "year": 2024, "value": 650, "unit": "households",
                 "status": "official", "source": "d", "note": ""})
    rows.append({"indicator": "households", "group": "all", "year": 2024, "value": sum(2000 + 10 * i for i in range(17)),
                 "unit": "households", "status": "official", "source": "d", "note": ""})
    _, full = version_frames(rows_to_csv(rows))
    tot = {(x.indicator, x.year): x for x in cm.totals(full, C)}
    p = tot[("poor_households", 2024)]
    assert p.complete and p.commune_sum == 646 and p.district == 650 and p.difference == -4 and p.agrees is False
    assert tot[("households", 2024)].agrees is True
    # a unit left out: a partial sum, nothing to compare
    part = [r for r in rows if r["group"] != C.old[0].group]
    _, full = version_frames(rows_to_csv(part))
    p = {(x.indicator, x.year): x for x in cm.totals(full, C)}[("poor_households", 2024)]
    assert p.units_with_data == 16 and not p.complete and p.agrees is None


def test_commune_table_derives_rates_from_counts():
    _, full = version_frames(rows_to_csv(_commune_rows(2025, era=cm.NEW)))
    t = cm.commune_table(full, C, 2025)
    assert list(t["unit"]) == [u.name for u in C.new]
    first = t.iloc[0]
    assert first["poor_rate"] == pytest.approx(30 / 2000 * 100)
    assert cm.years_with_data(full) == [2025]


def test_target_rate_on_the_plans_minimum_path():
    plan = load_plan()
    tg = plan.target("T01")                      # falls ≥ 1.0 point a year from the end-2021 review
    assert tg.value == 1.0 and plan.resolved_base_year(tg) == 2021
    assert cm.target_rate(plan, {2021: 8.0}, 2024) == (pytest.approx(5.0), "T01")
    assert cm.target_rate(plan, {2021: 8.0}, 2025)[0] == pytest.approx(4.0)   # 8 − 4 × 1.0, the plan's last year
    # 2026 is the first year on the new standard (the end-2026 review, break_year = 2026): no comparison
    assert plan.standard.break_year == 2026
    assert cm.target_rate(plan, {2021: 8.0}, 2026) is None
    assert cm.target_rate(plan, {2021: 8.0}, 2027) is None
    assert cm.target_rate(plan, {}, 2024) is None


def test_the_group_registry_knows_all_the_plans_groups_and_every_unit():
    groups = cm.plan_groups(load_plan())
    assert groups == ("khmer",)                     # [plan.model] groups in the plan file
    ok = ["all", "khmer", "xa:ham-tan", "xa:ham-tan:khmer", "xa:tt-dinh-an", "xa2025:dai-an", "xa2025:tap-son:khmer"]
    assert [g for g in ok if cm.group_problem(g, C, groups) is not None] == []
    assert cm.group_problem("khmr", C, groups)[0] == "in_unknown_group"
    assert cm.group_problem("=1+1", C, groups)[0] == "in_unknown_group"
    assert cm.group_problem("xa2025:khong-co", C, groups)[0] == "in_unknown_commune_group"
    assert cm.group_problem("xa2025:ham-tan", C, groups)[0] == "in_unknown_commune_group"   # Hàm Tân: before 2025 only
    assert cm.group_problem("xa:ham-tan:khmr", C, groups)[0] == "in_unknown_group"
    assert cm.group_problem("khmer", C, ())[0] == "in_unknown_group"                       # a plan without Khmer
    # every one of the 23 units has its group, and nothing else
    known = {u.group for u in C.old + C.new}
    assert len(known) == 23
    df = pd.DataFrame({"group": ["all", "xa2025:dai-an", "xa2025:khong-co", "khmr"]})
    assert cm.unknown_groups(df, C, groups) == ["khmr", "xa2025:khong-co"]

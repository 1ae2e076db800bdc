"""The plan loader: the embedded plan, malformed files, and a second district's plan."""
from __future__ import annotations

import tomllib

import pytest
from conftest import DATA, PLAN_FILE, make_plan, plan_toml, target, write

from giamngheo.plan.targets import AREAS, PlanError, load_plan

LEVEL = dict(id="B1", number=1, indicator="trained_labour_rate", kind="level", op="at_least", value=70.0, year=2025)
FLOW = dict(id="B2", number=2, indicator="jobs_created", kind="yearly_flow", value=3000, from_year=2021, year=2025)


# ------------------------------------------------------------------------------ the embedded plan

def test_embedded_plan_has_28_targets_numbered_1_to_28(plan_raw):
    plan = load_plan(PLAN_FILE)
    assert len(plan.targets) == 28
    assert [t.number for t in plan.targets] == list(range(1, 29))
    assert [t.id for t in plan.targets] == [f"T{i:02d}" for i in range(1, 29)]
    # the loader keeps what the file says (read independently with tomllib)
    assert len(plan_raw["targets"]) == 28
    for tg, raw in zip(plan.targets, plan_raw["targets"]):
        assert tg.id == raw["id"] and tg.kind == raw["kind"] and tg.indicator == raw["indicator"]
        for f in ("value", "year", "from_year", "base_year", "factor", "deadline_year", "units_total", "op"):
            if f in raw:
                assert getattr(tg, f) == raw[f], (tg.id, f)


def test_default_plan_is_the_embedded_one():
    assert load_plan().id == "tra-cu-05-nq-tu"


def test_every_target_indicator_is_registered():
    with open(DATA / "indicators.toml", "rb") as fh:
        registered = set(tomllib.load(fh))
    plan = load_plan(PLAN_FILE)
    assert {t.indicator for t in plan.targets} <= registered


def test_embedded_plan_areas_in_canonical_order():
    plan = load_plan(PLAN_FILE)
    # T01 poverty, T05 labour, T11 education, T17 health, T20 utilities, T23 new_rural: all six areas
    assert plan.areas == ("poverty", "labour", "education", "health", "utilities", "new_rural")
    assert plan.areas == AREAS
    by_area = {a: [t.id for t in plan.targets if t.area == a] for a in plan.areas}
    assert by_area["health"] == ["T17", "T18", "T19"]
    assert by_area["new_rural"] == ["T23", "T26"]


def test_embedded_plan_standard_break():
    """A year's figure is that year's end-of-year review. Nghị định 351/2025 is dated 30/12/2025 and its
    criteria apply from 2027, so, as the end-2021 review was the first on Nghị định 07/2021, its first
    review is the end-2026 one: the data's first year on the new standard is 2026."""
    plan = load_plan(PLAN_FILE)
    assert plan.period == (2021, 2025) and plan.horizon == 2030
    assert plan.standard is not None and plan.standard.break_year == 2026
    assert "351/2025" in plan.standard.new_vi and plan.standard.reasoning_vi and plan.standard.reasoning_en
    assert plan.resolved_base_year(plan.target("T24")) == 2026      # base = "break"
    assert plan.resolved_base_year(plan.target("T25")) == 2026
    assert plan.resolved_base_year(plan.target("T01")) == 2021      # base_year = 2021
    assert plan.on_new_standard("poor_rate", 2026)
    assert not plan.on_new_standard("poor_rate", 2025)
    assert not plan.on_new_standard("trained_labour_rate", 2030)
    assert plan.extra["model"]["groups"] == ["khmer"]
    with pytest.raises(KeyError):
        plan.target("T99")


def test_t26_is_read_on_the_six_merged_communes():
    """Since 1 July 2025 the district's area is six communes; the 15 former ones no longer exist."""
    t26 = load_plan(PLAN_FILE).target("T26")
    assert t26.kind == "units_share" and t26.year == 2030
    assert t26.units_total == 6 and t26.indicator == "advanced_ntm_communes_merged"
    # "basically reached" read as at least 5 of the 6: the smallest share that 5 meets and 4 does not
    assert 4 / 6 < t26.value <= 5 / 6
    for name in ("Trà Cú", "Đại An", "Lưu Nghiệp Anh", "Hàm Giang", "Long Hiệp", "Tập Sơn"):
        assert name in t26.reading_vi and name in t26.reading_en


# ------------------------------------------------------------------------------ malformed plan files

def _error(tmp_path, targets, name="bad.toml") -> PlanError:
    with pytest.raises(PlanError) as ei:
        load_plan(write(tmp_path, name, plan_toml(targets)))
    return ei.value


def _names(err: PlanError, file: str, target: str | None, field: str | None) -> None:
    msg = str(err)
    assert err.file == file and file in msg
    assert err.target == target
    if target:
        assert f"target {target}" in msg
    assert err.field == field
    if field:
        assert repr(field) in msg


def test_a_valid_two_target_file_loads(tmp_path):
    plan = make_plan(tmp_path, [LEVEL, FLOW])
    assert [t.id for t in plan.targets] == ["B1", "B2"]
    assert plan.target("B2").value == 3000.0 and isinstance(plan.target("B2").value, float)
    assert plan.target("B2").total is None


@pytest.mark.parametrize("missing", ["indicator", "kind", "text_vi", "group"])
def test_missing_common_field(tmp_path, missing):
    err = _error(tmp_path, [LEVEL, {**FLOW, missing: None}])
    _names(err, "bad.toml", "B2", missing)


@pytest.mark.parametrize("kind_field", ["from_year", "value", "year"])
def test_missing_kind_field(tmp_path, kind_field):
    err = _error(tmp_path, [LEVEL, {**FLOW, kind_field: None}])
    _names(err, "bad.toml", "B2", kind_field)
    assert "yearly_flow" in str(err)


def test_missing_op_of_a_level(tmp_path):
    _names(_error(tmp_path, [{**LEVEL, "op": None}]), "bad.toml", "B1", "op")


def test_unknown_kind(tmp_path):
    _names(_error(tmp_path, [LEVEL, {**FLOW, "kind": "ratio_change"}]), "bad.toml", "B2", "kind")


def test_unknown_indicator(tmp_path):
    err = _error(tmp_path, [LEVEL, {**FLOW, "indicator": "happiness_index"}])
    _names(err, "bad.toml", "B2", "indicator")
    assert "happiness_index" in str(err)


@pytest.mark.parametrize("field,value", [("value", "3000"), ("value", True), ("year", 2025.5), ("number", "2"),
                                         ("from_year", "2021")])
def test_non_number_value(tmp_path, field, value):
    _names(_error(tmp_path, [LEVEL, {**FLOW, field: value}]), "bad.toml", "B2", field)


def test_duplicate_id(tmp_path):
    _names(_error(tmp_path, [LEVEL, {**FLOW, "id": "B1"}]), "bad.toml", "B1", "id")


def test_bad_op(tmp_path):
    _names(_error(tmp_path, [{**LEVEL, "op": "greater_than"}]), "bad.toml", "B1", "op")


def test_field_of_another_kind(tmp_path):
    # "op" belongs to level, not to yearly_flow
    _names(_error(tmp_path, [LEVEL, {**FLOW, "op": "at_least"}]), "bad.toml", "B2", "op")


@pytest.mark.parametrize("bad,field", [
    (dict(id="C1", number=1, indicator="poor_rate", kind="average_change", direction="down", value=1.0,
          base_year=2021, year=2025), "direction"),
    (dict(id="C1", number=1, indicator="poor_rate", kind="average_change", direction="decrease", value=1.0,
          base_year=2025, year=2025), "base_year"),
    (dict(id="C1", number=1, indicator="poor_rate", kind="average_change", direction="decrease", value=1.5,
          value_high=1.0, base_year=2021, year=2025), "value_high"),
    (dict(id="C1", number=1, indicator="poor_rate", kind="relative_change", factor=0.5, base="start", year=2030),
     "base"),
    (dict(id="C1", number=1, indicator="poor_rate", kind="relative_change", factor=0.0, base=2027, year=2030),
     "factor"),
    (dict(id="C1", number=1, indicator="advanced_ntm_communes", kind="units_share", units_total=15, value=90,
          year=2030), "value"),
    (dict(id="C1", number=1, indicator="jobs_created", kind="cumulative", value=10, from_year=2026, year=2025),
     "from_year"),
])
def test_inconsistent_kind_fields(tmp_path, bad, field):
    _names(_error(tmp_path, [bad]), "bad.toml", "C1", field)


def test_invalid_toml_names_the_file(tmp_path):
    p = write(tmp_path, "broken.toml", plan_toml([LEVEL]) + "\n[[targets]\nid = \n")
    with pytest.raises(PlanError) as ei:
        load_plan(p)
    assert ei.value.file == "broken.toml" and "broken.toml" in str(ei.value)
    assert "TOML" in str(ei.value)


def test_missing_file_and_missing_plan_table(tmp_path):
    with pytest.raises(PlanError) as ei:
        load_plan(tmp_path / "nowhere.toml")
    assert "nowhere.toml" in str(ei.value)
    p = write(tmp_path, "noplan.toml", plan_toml([LEVEL]).replace("[plan]", "[plan_meta]"))
    with pytest.raises(PlanError) as ei:
        load_plan(p)
    assert ei.value.file == "noplan.toml" and ei.value.field == "plan"


def test_bad_period(tmp_path):
    p = write(tmp_path, "period.toml", plan_toml([LEVEL], first=2025, last=2021))
    with pytest.raises(PlanError) as ei:
        load_plan(p)
    assert ei.value.field == "plan.period"


# ------------------------------------------------------------------------------ another district

INVENTED = """\
[plan]
id = "xa-mau-2024"
title_vi = "Kế hoạch giảm nghèo huyện Mẫu Sơn"
title_en = "Poverty-reduction plan of Mau Son district"
locality_vi = "Huyện Mẫu Sơn"
locality_en = "Mau Son district"
period = [2020, 2024]
horizon = 2026

[[targets]]
id = "MS1"
number = 1
section = "A"
area = "poverty"
text_vi = "Giảm một nửa số hộ cận nghèo"
text_en = "Halve near-poor households"
indicator = "near_poor_households"
group = "all"
kind = "relative_change"
factor = 0.5
base = 2021
year = 2024

[[targets]]
id = "MS2"
number = 2
section = "A"
area = "health"
text_vi = "Có 8 bác sĩ/vạn dân"
text_en = "8 doctors per 10,000"
indicator = "doctors_per_10k"
group = "all"
kind = "level"
op = "at_least"
value = 8
year = 2024
"""


def test_an_invented_district_loads_without_code_change(tmp_path):
    plan = load_plan(write(tmp_path, "mau-son.toml", INVENTED))
    assert plan.id == "xa-mau-2024" and plan.locality_en == "Mau Son district"
    assert plan.title_en.startswith("Poverty-reduction plan")
    assert plan.period == (2020, 2024) and plan.horizon == 2026
    assert plan.standard is None
    assert [t.id for t in plan.targets] == ["MS1", "MS2"]
    assert plan.areas == ("poverty", "health")
    assert plan.resolved_base_year(plan.target("MS1")) == 2021
    assert plan.target("MS2").value == 8.0
    assert not plan.on_new_standard("near_poor_households", 2024)


def test_break_base_without_a_standard_resolves_to_none(tmp_path):
    plan = make_plan(tmp_path, [dict(id="R1", number=1, indicator="poor_rate", kind="relative_change",
                                     factor=0.5, base="break", year=2030)])
    assert plan.resolved_base_year(plan.target("R1")) is None
    plan2 = make_plan(tmp_path, [dict(id="R1", number=1, indicator="poor_rate", kind="relative_change",
                                      factor=0.5, base="break", year=2030)], name="p2.toml", break_year=2027)
    assert plan2.resolved_base_year(plan2.target("R1")) == 2027


def test_a_targets_year_is_its_kinds_and_a_changed_copy_has_its_own():
    tg = target("level", op="at_least", value=70.1, year=2025)
    assert tg.target_year == tg.spec.target_year(tg) == 2025 and tg.target_year == 2025    # (asked twice: kept)
    later = tg.with_fields(year=2030)
    assert later.target_year == 2030 and tg.target_year == 2025
    assert later == tg.with_fields(year=2030) and hash(later) == hash(tg.with_fields(year=2030))


def test_a_targets_kind_fields_read_as_attributes_and_another_kinds_as_none():
    from giamngheo.plan.targets import KIND_FIELD_NAMES
    tg = target("relative_change", indicator="poor_rate", factor=0.5, base="break", year=2030)
    assert (tg.factor, tg.base, tg.year) == (0.5, "break", 2030)
    assert all(getattr(tg, f) is None for f in KIND_FIELD_NAMES - {"factor", "base", "year"})
    moved = tg.with_fields(factor=0.4)
    assert moved.factor == 0.4 and tg.factor == 0.5 and moved.params != tg.params
    with pytest.raises(AttributeError):
        _ = tg.no_such_field

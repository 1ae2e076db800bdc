"""The evaluators of kinds.py on hand-worked numbers, scalar and numpy draws."""
from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import make_plan, target, tiny_plan

from giamngheo.plan import kinds
from giamngheo.plan.kinds import Missing, measure, progress_share


def getter(d):
    return d.get


def series(first, values):
    return {first + i: v for i, v in enumerate(values)}


# ------------------------------------------------------------------------------ level

def test_level_at_least_single_year():
    tg = target("level", op="at_least", value=70.1, year=2025)
    plan = tiny_plan(tg)
    m = measure(plan, tg, getter({2024: 10.0, 2025: 70.1}))
    assert m.q == pytest.approx(70.1) and m.sense == ">=" and m.years == (2025,)
    assert m.met()
    assert not measure(plan, tg, getter({2025: 70.0})).met()          # 70.0 < 70.1


def test_level_below_in_every_year_from_toml(tmp_path):
    plan = make_plan(tmp_path, [dict(id="U1", number=1, indicator="unemployment_rate", kind="level", op="below",
                                     value=2.0, from_year=2021, year=2025)])
    tg = plan.target("U1")
    ok = series(2021, [1.9, 1.95, 1.8, 1.99, 1.7])
    m = measure(plan, tg, getter(ok))
    # the worst year of a "below" test is the highest: 1.99 < 2.0
    assert m.q == pytest.approx(1.99) and m.sense == "<" and m.years == (2021, 2022, 2023, 2024, 2025)
    assert m.met() and m.detail == {"years_met": 5, "years": 5}
    bad = {**ok, 2023: 2.0}                                            # 2.0 is not below 2.0
    m = measure(plan, tg, getter(bad))
    assert m.q == 2.0 and not m.met() and m.detail["years_met"] == 4
    # the last year alone would pass; every year is read
    assert bad[2025] < 2.0


def test_level_at_least_every_year_reads_the_minimum():
    tg = target("level", op="at_least", value=3.0, from_year=2022, year=2024)
    m = measure(tiny_plan(tg), tg, getter(series(2022, [3.5, 2.9, 4.0])))
    assert m.q == 2.9 and not m.met() and m.detail["years_met"] == 2


def test_level_at_most_is_inclusive():
    tg = target("level", op="at_most", value=2.0, year=2025)
    assert measure(tiny_plan(tg), tg, getter({2025: 2.0})).met()
    assert not measure(tiny_plan(tg), tg, getter({2025: 2.01})).met()


def test_level_missing_year_raises():
    tg = target("level", op="below", value=2.0, from_year=2021, year=2023)
    with pytest.raises(Missing) as ei:
        measure(tiny_plan(tg), tg, getter({2021: 1.0, 2023: 1.0}))
    assert ei.value.year == 2022


# ------------------------------------------------------------------------------ average_change

def _avg(direction="decrease", value=1.0, value_high=None):
    return target("average_change", indicator="poor_rate", direction=direction, value=value,
                  value_high=value_high, base_year=2021, year=2025)


def test_average_change_decrease_exactly_meets():
    tg = _avg(value_high=1.5)
    m = measure(tiny_plan(tg), tg, getter({2021: 8.0, 2025: 4.0}))
    # (8.0 − 4.0) / (2025 − 2021) = 1.0 a year: meets 1.0, not the top of the range 1.5
    assert m.q == pytest.approx(1.0) and m.met()
    assert m.detail["top_of_range"] is False
    assert m.target_level == pytest.approx(8.0 - 1.0 * 4)            # 4.0
    assert m.base_level == 8.0 and m.base_year == 2021 and m.years == (2021, 2025)


def test_average_change_top_of_range_and_short():
    tg = _avg(value_high=1.5)
    m = measure(tiny_plan(tg), tg, getter({2021: 8.0, 2025: 2.0}))
    assert m.q == pytest.approx(1.5) and m.detail["top_of_range"] is True   # (8 − 2) / 4
    m = measure(tiny_plan(tg), tg, getter({2021: 8.0, 2025: 4.4}))
    assert m.q == pytest.approx(0.9) and not m.met()                        # (8 − 4.4) / 4
    # a rate that rises is a negative fall
    m = measure(tiny_plan(tg), tg, getter({2021: 8.0, 2025: 9.0}))
    assert m.q == pytest.approx(-0.25) and not m.met()


def test_average_change_increase():
    tg = _avg(direction="increase")
    m = measure(tiny_plan(tg), tg, getter({2021: 72.0, 2025: 77.4}))
    # (77.4 − 72.0) / 4 = 1.35 ≥ 1.0; target level 72 + 1.0 × 4 = 76
    assert m.q == pytest.approx(1.35) and m.met()
    assert m.target_level == pytest.approx(76.0)
    assert progress_share(m) == pytest.approx(5.4 / 4.0)            # (77.4 − 72) / (76 − 72)


def test_average_change_needs_both_years():
    tg = _avg()
    with pytest.raises(Missing) as ei:
        measure(tiny_plan(tg), tg, getter({2025: 4.0}))
    assert ei.value.year == 2021


# ------------------------------------------------------------------------------ yearly_flow, cumulative

def test_yearly_flow_min_year_and_total():
    tg = target("yearly_flow", indicator="jobs_created", value=3000.0, from_year=2021, year=2025, total=15000.0)
    vals = series(2021, [3100, 2900, 3200, 3300, 3500])
    m = measure(tiny_plan(tg), tg, getter(vals))
    # every year must reach 3000: 2022 has 2900, so not met although the total 16000 ≥ 15000
    assert m.q == 2900 and not m.met()
    assert m.level == 16000.0                      # 3100 + 2900 + 3200 + 3300 + 3500
    assert m.detail["total"] == 16000.0 and m.detail["total_target"] == 15000.0
    assert m.detail["years_met"] == 4 and m.detail["years"] == 5
    assert m.flow
    vals[2022] = 3000
    assert measure(tiny_plan(tg), tg, getter(vals)).met()


def test_yearly_flow_default_total_is_value_times_years():
    tg = target("yearly_flow", indicator="workers_abroad", value=350.0, from_year=2021, year=2025)
    m = measure(tiny_plan(tg), tg, getter(series(2021, [350] * 5)))
    assert m.met() and m.target_level == 350.0 * 5 and m.detail["total_target"] == 1750.0


def test_cumulative():
    tg = target("cumulative", indicator="national_standard_schools_new", value=12.0, from_year=2021, year=2025)
    m = measure(tiny_plan(tg), tg, getter(series(2021, [2, 3, 2, 3, 3])))
    assert m.q == 13.0 and m.met()                                 # 2 + 3 + 2 + 3 + 3
    m = measure(tiny_plan(tg), tg, getter(series(2021, [2, 3, 2, 3, 1])))
    assert m.q == 11.0 and not m.met()
    assert progress_share(m) == pytest.approx(11 / 12)              # (11 − 0) / (12 − 0)


# ------------------------------------------------------------------------------ relative_change

def _rel(base="break"):
    return target("relative_change", indicator="poor_rate", factor=0.5, base=base, year=2030)


def test_relative_change_base_break_resolves_to_the_break_year():
    tg = _rel()
    plan = tiny_plan(tg, break_year=2027)
    # 0.9 / 2.0 = 0.45 ≤ 0.5: met
    m = measure(plan, tg, getter({2026: 99.0, 2027: 2.0, 2030: 0.9}))
    assert m.q == pytest.approx(0.45) and m.met()
    assert m.years == (2027, 2030) and m.detail["base_year"] == 2027
    assert m.target_level == pytest.approx(1.0)                     # 0.5 × 2.0
    # 1.1 / 2.0 = 0.55 > 0.5: not met
    m = measure(plan, tg, getter({2027: 2.0, 2030: 1.1}))
    assert m.q == pytest.approx(0.55) and not m.met()
    # exactly half meets ("at least half")
    assert measure(plan, tg, getter({2027: 2.0, 2030: 1.0})).met()


def test_relative_change_year_base_and_missing_standard():
    tg = _rel(base=2026)
    assert measure(tiny_plan(tg), tg, getter({2026: 4.0, 2030: 1.0})).q == pytest.approx(0.25)
    with pytest.raises(Missing):
        measure(tiny_plan(_rel()), _rel(), getter({2027: 2.0, 2030: 0.9}))    # "break" with no standard


def test_relative_change_from_a_zero_base():
    # v[2030] ≤ factor × v[base] (docs/data-format.md): 0 ≤ 0.5 × 0 holds; 5 ≤ 0.5 × 0 does not
    tg = _rel(base=2027)
    plan = tiny_plan(tg)
    assert measure(plan, tg, getter({2027: 0.0, 2030: 0.0})).met()
    assert not measure(plan, tg, getter({2027: 0.0, 2030: 5.0})).met()
    m = measure(plan, tg, getter({2027: np.array([0.0, 0.0, 2.0]), 2030: np.array([0.0, 5.0, 0.9])}))
    assert m.met().tolist() == [True, False, True]


def _ratio_by_choice(v0, v1):
    """The relative test's quotient as first written: a choice over every value (its fast path must equal it)."""
    v0a, v1a = np.asarray(v0, float), np.asarray(v1, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(v0a > 0, v1a / np.where(v0a > 0, v0a, 1.0), np.where(v1a > 0, np.inf, 0.0))
    return r if np.ndim(r) else float(r)


def test_relative_change_quotient_is_the_choice_over_every_value_to_the_bit():
    tg = _rel(base=2027)
    plan = tiny_plan(tg)
    rng = np.random.default_rng(7)
    special = np.array([0.0, -0.0, 1e-300, 5e-324, -1.0, np.inf, -np.inf, np.nan, 1e308, 3.0])
    cases = [(2.0, 0.9), (0.0, 0.0), (0.0, 5.0), (-1.0, 2.0), (np.nan, 1.0), (2.0, np.nan), (np.inf, np.inf),
             (5e-324, 1.0), (2.0, -0.0)]
    with np.errstate(over="ignore"):    # 1e308 in single precision, 1 / 5e-324: infinities, as in the model
        for n in (1, 2, 7, 1000):
            for dtype in (np.float64, np.float32):
                pos = (rng.random(n) * 20 + 1e-3).astype(dtype)           # every base above zero: the quick path
                any_ = rng.choice(special, n).astype(dtype) if n > 2 else special[:n].astype(dtype)
                cases += [(pos, (rng.random(n) * 20).astype(dtype)), (pos, any_), (any_, pos), (any_, any_),
                          (pos, float(rng.random())), (float(rng.random() + 0.1), pos)]
        for v0, v1 in cases:
            got = measure(plan, tg, getter({2027: v0, 2030: v1})).q
            want = _ratio_by_choice(v0, v1)
            assert type(got) is type(want) and np.shape(got) == np.shape(want)
            assert np.asarray(got).tobytes() == np.asarray(want).tobytes(), (v0, v1)


# ------------------------------------------------------------------------------ milestone

def _ms():
    return target("milestone", indicator="ntm_district_recognised", deadline_year=2022)


def test_milestone_reached_the_year_after_the_deadline_is_missed():
    tg = _ms()
    m = measure(tiny_plan(tg), tg, getter({2021: 0, 2022: 0, 2023: 1}))
    assert m.q == 2023 and m.detail["reached_year"] == 2023 and not m.met()


def test_milestone_reached_in_time_is_achieved():
    tg = _ms()
    m = measure(tiny_plan(tg), tg, getter({2021: 0, 2022: 1, 2023: 1}))
    assert m.q == 2022 and m.met()
    m = measure(tiny_plan(tg), tg, getter({2021: 1}))
    assert m.q == 2021 and m.met()


def test_milestone_never_reached_and_no_data():
    tg = _ms()
    m = measure(tiny_plan(tg), tg, getter({2021: 0, 2022: 0, 2023: 0}))
    assert math.isinf(m.q) and m.detail["reached_year"] is None and not m.met()
    with pytest.raises(Missing):
        measure(tiny_plan(tg), tg, getter({}))


# ------------------------------------------------------------------------------ units_share

def test_units_share():
    tg = target("units_share", indicator="advanced_ntm_communes", units_total=15, value=0.9, year=2030)
    m = measure(tiny_plan(tg), tg, getter({2030: 14}))
    assert m.q == pytest.approx(14 / 15) and m.met()               # 0.933 ≥ 0.9
    assert m.target_level == 14.0                                   # ceil(0.9 × 15 = 13.5)
    m = measure(tiny_plan(tg), tg, getter({2030: 13}))
    assert m.q == pytest.approx(13 / 15) and not m.met()            # 0.867 < 0.9
    m = measure(tiny_plan(tg), tg, getter({2030: 13}), base=(2023, 2.0))
    assert progress_share(m) == pytest.approx((13 - 2) / (14 - 2))


# ------------------------------------------------------------------------------ numpy draws

def test_draws_give_element_wise_verdicts():
    a = np.array
    lv = target("level", op="at_least", value=70.0, year=2025)
    assert measure(tiny_plan(lv), lv, getter({2025: a([69.0, 70.0, 71.0])})).met().tolist() == [False, True, True]

    every = target("level", op="at_least", value=70.0, from_year=2024, year=2025)
    m = measure(tiny_plan(every), every, getter({2024: a([71.0, 69.0, 72.0]), 2025: a([70.0, 71.0, 69.5])}))
    assert m.q.tolist() == [70.0, 69.0, 69.5]                      # the minimum of each draw
    assert m.met().tolist() == [True, False, False]

    avg = _avg()
    m = measure(tiny_plan(avg), avg, getter({2021: 8.0, 2025: a([4.0, 5.0, 2.0])}))
    assert m.q.tolist() == pytest.approx([1.0, 0.75, 1.5])
    assert m.met().tolist() == [True, False, True]

    flow = target("yearly_flow", indicator="jobs_created", value=3000.0, from_year=2024, year=2025)
    m = measure(tiny_plan(flow), flow, getter({2024: a([3000.0, 2999.0]), 2025: a([3100.0, 4000.0])}))
    assert m.met().tolist() == [True, False] and m.level.tolist() == [6100.0, 6999.0]

    cum = target("cumulative", indicator="national_standard_schools_new", value=5.0, from_year=2024, year=2025)
    assert measure(tiny_plan(cum), cum, getter({2024: a([2.0, 3.0]), 2025: a([2.0, 3.0])})).met().tolist() == [False, True]

    rel = _rel()
    m = measure(tiny_plan(rel, break_year=2027), rel, getter({2027: a([2.0, 2.0]), 2030: a([0.9, 1.1])}))
    assert m.met().tolist() == [True, False]

    ms = _ms()
    m = measure(tiny_plan(ms), ms, getter({2021: a([0, 0, 0]), 2022: a([1, 0, 0]), 2023: a([1, 1, 0])}))
    assert m.q[:2].tolist() == [2022, 2023] and math.isinf(m.q[2])
    assert m.met().tolist() == [True, False, False]

    us = target("units_share", indicator="advanced_ntm_communes", units_total=15, value=0.9, year=2030)
    assert measure(tiny_plan(us), us, getter({2030: a([13, 14, 15])})).met().tolist() == [False, True, True]


# ------------------------------------------------------------------------------ UNSD progress share

def test_progress_share_level():
    tg = target("level", op="at_least", value=70.0, year=2025)
    m = measure(tiny_plan(tg), tg, getter({2025: 66.0}), base=(2021, 60.0))
    assert progress_share(m) == pytest.approx(0.6)                  # (66 − 60) / (70 − 60)
    # with draws, the mean draw: mean(64, 66, 68) = 66
    m = measure(tiny_plan(tg), tg, getter({2025: np.array([64.0, 66.0, 68.0])}), base=(2021, 60.0))
    assert progress_share(m) == pytest.approx(0.6)


def test_progress_share_decrease():
    tg = _avg()
    m = measure(tiny_plan(tg), tg, getter({2021: 8.0, 2025: 5.0}))
    # target level 8 − 4 = 4; P = (5 − 8) / (4 − 8) = 0.75
    assert progress_share(m) == pytest.approx(0.75)


def test_progress_share_undefined():
    tg = target("level", op="at_least", value=70.0, year=2025)
    assert progress_share(measure(tiny_plan(tg), tg, getter({2025: 66.0}))) is None          # no base
    assert progress_share(measure(tiny_plan(tg), tg, getter({2025: 66.0}), base=(2021, 70.0))) is None  # base = target
    ms = _ms()
    assert progress_share(measure(tiny_plan(ms), ms, getter({2022: 1}))) is None


# ------------------------------------------------------------------------------ the kinds as classes

# one well-formed target of every kind (a new kind adds its sample here, or the first test fails)
SAMPLES = {
    "level": dict(indicator="trained_labour_rate", op="at_least", value=70.0, year=2025),
    "average_change": dict(indicator="poor_rate", direction="decrease", value=1.0, value_high=1.5, base_year=2021,
                           year=2025),
    "yearly_flow": dict(indicator="jobs_created", value=3000.0, from_year=2021, year=2025),
    "cumulative": dict(indicator="national_standard_schools_new", value=1200.0, from_year=2021, year=2025),
    "relative_change": dict(indicator="poor_rate", factor=0.5, base="break", year=2030),
    "milestone": dict(indicator="ntm_district_recognised", deadline_year=2023),
    "units_share": dict(indicator="advanced_ntm_communes_merged", units_total=6, value=1.0, year=2025),
}


def test_every_kind_is_a_registered_class():
    from giamngheo.plan.kinds.base import Kind

    assert set(kinds.KINDS) == set(SAMPLES)
    for name, k in kinds.KINDS.items():
        assert isinstance(k, Kind) and k.name == name and type(k) is not Kind
        assert k.fields and all(isinstance(f, kinds.FieldSpec) for f in k.fields.values())
        tg = target(name, id="K1", **SAMPLES[name])
        assert kinds.kind_of(tg) is k and tg.spec is k
        # the kind's own fields read as attributes, a field of another kind reads None
        for f, v in SAMPLES[name].items():
            if f != "indicator":
                assert getattr(tg, f) == v
    assert target("level", op="at_least", value=1.0, year=2025).units_total is None


def test_kind_of_an_unknown_kind_names_the_target():
    from dataclasses import replace

    tg = replace(target("level", op="at_least", value=1.0, year=2025, id="Z9"), kind="trend")
    with pytest.raises(KeyError) as ei:
        kinds.kind_of(tg)
    assert "Z9" in str(ei.value) and "trend" in str(ei.value)


def test_target_make_rejects_a_field_of_another_kind():
    with pytest.raises(TypeError) as ei:
        target("level", op="at_least", value=1.0, year=2025, factor=0.5)
    assert "factor" in str(ei.value)


def test_compare_is_the_one_comparison():
    a = np.array([1.0, 2.0, 3.0])
    assert list(kinds.compare(a, ">=", 2.0)) == [False, True, True]
    assert list(kinds.compare(a, "<=", 2.0)) == [True, True, False]
    assert list(kinds.compare(a, "<", 2.0)) == [True, False, False]
    assert kinds.compare(2.0 - 1e-12, ">=", 2.0)          # within the tolerance of a float
    with pytest.raises(ValueError):
        kinds.compare(a, "==", 2.0)


class _Spy(dict):
    """The string catalogue, recording every key read."""

    def __init__(self, base):
        super().__init__(base)
        self.read = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)


@pytest.fixture
def spy(monkeypatch):
    from giamngheo import i18n

    s = _Spy(i18n.catalogue())
    monkeypatch.setattr(i18n, "catalogue", lambda: s)
    return s


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_kind_has_goal_and_condition_text_in_both_languages(name, spy):
    from giamngheo.i18n import catalogue
    from giamngheo.plan.indicators import load_indicators

    tg = target(name, id="K1", **SAMPLES[name])
    plan = tiny_plan(tg, break_year=2026)
    ind = load_indicators()[tg.indicator]
    k = kinds.kind_of(tg)
    texts = {lang: k.goal_text(plan, tg, ind, lang) for lang in ("vi", "en")}
    cond = k.condition(plan, tg, {}, getter({}))
    assert isinstance(cond, kinds.Condition)
    ctexts = {lang: cond.text(lang, ind) for lang in ("vi", "en")}
    for lang in ("vi", "en"):
        assert texts[lang].strip() and ctexts[lang].strip() and "{" not in ctexts[lang] + texts[lang]
    # every string it read exists in both languages (no silent fall-back to Vietnamese)
    assert f"cond.{cond.code}" in spy.read
    for key in spy.read:
        entry = catalogue().get(key)
        assert entry and entry.get("vi") and entry.get("en"), key
    # the words differ between the languages (a bare "≥ 70%" is the same in both only for a level)
    if name != "level":
        assert texts["vi"] != texts["en"]
    assert ctexts["vi"] != ctexts["en"]


def test_condition_numbers_follow_the_language():
    """A cumulative target already reached on its figures says so with the number in the reader's format."""
    tg = target("cumulative", indicator="national_standard_schools_new", value=1200.0, from_year=2021, year=2025)
    cond = kinds.kind_of(tg).condition(tiny_plan(tg), tg, {2021: 700.0, 2022: 734.0}, getter({}))
    assert cond.code == "cumulative_done"
    # 700 + 734 = 1434 ≥ 1200
    assert "1.434" in cond.text("vi") and "1,434" in cond.text("en")


def test_an_unknown_kind_in_a_plan_file_names_file_target_and_field(tmp_path):
    from giamngheo.plan.targets import PlanError

    with pytest.raises(PlanError) as ei:
        make_plan(tmp_path, [dict(id="Q1", number=1, indicator="trained_labour_rate", kind="trend", value=1.0,
                                  year=2025)], name="odd.toml")
    e = ei.value
    assert (e.file, e.target, e.field) == ("odd.toml", "Q1", "kind")
    assert "trend" in str(e) and "level" in str(e)          # the known kinds are listed


@pytest.mark.parametrize("fields,bad", [
    (dict(kind="level", op="at_least", value="seventy", year=2025), "value"),
    (dict(kind="level", op="at_least", value=True, year=2025), "value"),
    (dict(kind="level", op="more_than", value=70.0, year=2025), "op"),
    (dict(kind="level", op="at_least", value=70.0, year=2025.5), "year"),
    (dict(kind="level", op="at_least", value=70.0), "year"),                         # required
    (dict(kind="level", op="at_least", value=70.0, year=2025, factor=0.5), "factor"),  # another kind's
    (dict(kind="level", op="at_least", value=70.0, year=2025, from_year=2026), "from_year"),
    (dict(kind="relative_change", factor=0.5, base="brk", year=2030), "base"),
    (dict(kind="relative_change", factor=-0.5, base=2026, year=2030), "factor"),
    (dict(kind="units_share", units_total=15.5, value=1.0, year=2025), "units_total"),
    (dict(kind="units_share", units_total=15, value=100, year=2025), "value"),
    (dict(kind="average_change", direction="down", value=1.0, base_year=2021, year=2025), "direction"),
    (dict(kind="average_change", direction="decrease", value=1.0, base_year=2025, year=2025), "base_year"),
])
def test_a_kinds_fields_are_checked_when_the_plan_loads(tmp_path, fields, bad):
    from giamngheo.plan.targets import PlanError

    with pytest.raises(PlanError) as ei:
        make_plan(tmp_path, [dict(id="F1", number=1, indicator="trained_labour_rate", **fields)], name="f.toml")
    assert (ei.value.file, ei.value.target, ei.value.field) == ("f.toml", "F1", bad), str(ei.value)


def test_mean_of_is_numpys_mean_to_the_bit():
    from giamngheo.plan.kinds import mean_of
    values = [0.0, -0.0, 1.5, -2.25, float("nan"), float("inf"), 1e308, 5e-324, np.float64(-0.0), np.float64(0.1),
              np.float32(0.1), 3, np.array(2.5), np.array([0.1, 0.2, 0.4]), np.array([1.0, -1.0], dtype=np.float32)]
    for x in values:
        got, want = mean_of(x), float(np.mean(x))
        assert type(got) is float and np.float64(got).tobytes() == np.float64(want).tobytes(), x

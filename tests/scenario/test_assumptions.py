"""The assumption registry and the immutable Scenario: defaults, strict and lenient reads, links."""
from __future__ import annotations

import dataclasses
import json

import pytest
from conftest import DEMO, PLAN_FILE

from giamngheo.data.observations import load_observations
from giamngheo.model.engine import make_context
from giamngheo.plan.targets import load_plan
from giamngheo.scenario.link import URL_VERSION
from giamngheo.scenario.scenario import Scenario, ScenarioError, load_scenario_file, scenario_from_json_obj

# the labour levers and the plan target whose number is their default
PLAN_DEFAULTS = {"jobs": "T07", "overseas": "T08", "overseas_ethnic": "T09"}
# the pace sliders: calibrated on the record, not the plan's 2021–2025 numbers
CALIBRATED = ("poor_fall", "khmer_poor_fall", "near_poor_fall")


@pytest.fixture(scope="module")
def reg():
    return make_context(load_plan(PLAN_FILE), load_observations(DEMO)).registry


# ------------------------------------------------------------------------------ the registry

def test_labour_levers_default_to_the_plan_numbers(reg, plan_raw):
    values = {t["id"]: t["value"] for t in plan_raw["targets"] if "value" in t}
    for aid, tid in PLAN_DEFAULTS.items():
        assert aid in reg
        assert reg[aid].default == float(values[tid]), aid
        assert reg[aid].default_basis == "plan"
    # the plan's numbers, as the plan file states them: 3000, 350, 210
    assert [values[PLAN_DEFAULTS[a]] for a in PLAN_DEFAULTS] == [3000, 350, 210]


def test_pace_sliders_are_calibrated_with_their_evidence(reg):
    for aid in CALIBRATED:
        a = reg[aid]
        assert a.default_basis == "calibrated", aid
        assert a.min <= a.default <= a.max and a.default > 0, aid
        assert a.evidence_vi and a.evidence_en, aid
        # not the plan's 2021–2025 figures (1.0, 1.2 and 1.0 points a year)
    assert (reg["poor_fall"].default, reg["khmer_poor_fall"].default) != (1.0, 1.2)


def test_default_pace_reproduces_the_official_2023_2024_fall():
    """The calibrated pace, put through the model's equations by hand for one year from the end-2023
    stocks of the default (official) data, gives the official 784 poor households of 2024 within 10 %.

    End-2023: H = 43,369, P = 1,010, of them D = 634 with nobody able to work (so W = 376), N = 1,219
    near-poor; O = H − P − N. At the defaults: newly poor 0.1 % of O, returning 1 % of N, the no-work
    stock leaves at 10 % a year; jobs reach with hazard J·θ·ℓ/H = 3000 × 4 × 0.40 / H, placements
    350 × 1 × 0.90 / H (one group: a small approximation of the Khmer/other split)."""
    import math

    from giamngheo.model.engine import default_context

    ctx = default_context()
    reg_ = ctx.registry
    a = reg_["poor_fall"]
    assert a.default_basis == "calibrated" and ctx.calibration.years == (2023, 2024)
    lam_pace = ctx.calibration.lam0
    # the slider's default is the pace that gives the calibrated hazard (a factor of exactly 1)
    assert ctx.poverty.scale.f0 == a.default
    d = reg_.defaults()
    H, P, D, N = 43369, 1010, 634, 1219
    W, O = P - D, H - P - N
    lam = (lam_pace + d["jobs"] * d["job_priority"] * d["job_lift"] / 100 / H
           + d["overseas"] * d["overseas_priority"] * d["overseas_lift"] / 100 / H)
    P2024 = (P - W * (1 - math.exp(-lam)) - D * d["no_work_exit_rate"] / 100
             + O * d["new_poor_rate"] / 100 + N * d["returning_poor_rate"] / 100)
    assert P2024 == pytest.approx(784, rel=0.10)
    # and the change itself: 1,010 → 784 is a fall of 226 households
    assert P - P2024 == pytest.approx(1010 - 784, rel=0.10)


def test_pace_default_is_the_calibrated_share_of_work_able_poor_leaving():
    """f₀ = 100 (1 − e^(−λ₀)): the share of poor households with a worker that the calibrated pace
    takes out of poverty in a year; checked on the projection's own exits through that channel."""
    import math

    from giamngheo.model.engine import default_context
    from giamngheo.model.poverty import run_poverty

    ctx = default_context()
    f0 = ctx.registry["poor_fall"].default
    assert f0 == pytest.approx(100 * (1 - math.exp(-ctx.calibration.lam0)), abs=0.05)   # on the slider's step, 0,1
    # with jobs and placements at zero, the pace alone takes f0 % of the work-able poor out in the first year
    vals = ctx.registry.resolve(Scenario.of("", {"jobs": 0, "overseas": 0, "overseas_ethnic": 0}))
    res = run_poverty(ctx.poverty, vals, vals)
    W0 = sum(g[1] for g in ctx.poverty.groups.values())
    exits = sum(float(res.flows[g]["exits_pace"][0]) for g in res.flows)
    assert exits / W0 == pytest.approx(f0 / 100, abs=5e-4)


def test_generic_change_assumptions_follow_the_trend(reg):
    a = reg["trained_labour_rate_change"]
    # 2021–2025: 64.0, 65.5, 66.9, 68.2, 69.4; least squares with x − x̄ = −2..2, ȳ = 66.8:
    # (−2)(−2.8) + (−1)(−1.3) + 0 + (1)(1.4) + (2)(2.6) = 13.5; / 10 = 1.35 points a year
    assert a.default == pytest.approx(1.35) and a.default_basis == "history" and a.indicator == "trained_labour_rate"
    # a yearly flow gets "<indicator>_per_year" with the mean of the latest years: (2+3+2+3+3)/5 = 2.6 → 3 schools
    f = reg["national_standard_schools_new_per_year"]
    assert f.default == 3.0 and f.integer
    # the modelled indicators have none
    assert "poor_rate_change" not in reg and "jobs_created_per_year" not in reg


def test_household_growth_from_history(reg):
    # mean of the yearly growth factors of 43024, 43196, 43369, 43556, 43730, in %, to 2 decimals
    h = [43024, 43196, 43369, 43556, 43730]
    g = sum(b / a - 1 for a, b in zip(h, h[1:])) / 4 * 100
    assert reg["household_growth"].default == round(g, 2) == 0.41


def test_resolve_fills_the_defaults(reg):
    vals = reg.resolve(Scenario.of("x", {"jobs": 4000, "not_an_id": 1}))
    assert vals["jobs"] == 4000.0 and vals["poor_fall"] == reg["poor_fall"].default and "not_an_id" not in vals
    # the start constants come along (the model reads them), but are not sliders
    assert vals["no_work_stock_share"] == 60.0 and "no_work_stock_share" not in reg


# ------------------------------------------------------------------------------ Scenario

def test_scenario_is_immutable_and_hashable():
    a = Scenario.of("s", {"jobs": 4000, "poor_fall": 45.5})
    b = Scenario.of("s", {"poor_fall": 45.5, "jobs": 4000.0})        # order and int/float do not matter
    assert a == b and hash(a) == hash(b)
    assert {a: 1}[b] == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.name = "t"  # type: ignore[misc]
    c = a.with_values(jobs=5000)
    assert a.get("jobs") == 4000.0 and c.get("jobs") == 5000.0 and c != a
    assert Scenario.of("s", {"jobs": 4000}) != Scenario.of("t", {"jobs": 4000})


def test_scenario_json_round_trip(reg, tmp_path):
    sc = Scenario.of("cao", {"jobs": 4000, "poor_fall": 45.5})
    p = tmp_path / "s.json"
    p.write_text(sc.to_json(), encoding="utf-8")
    assert json.loads(p.read_text())["values"] == {"jobs": 4000, "poor_fall": 45.5}
    assert load_scenario_file(p, reg) == sc


# ------------------------------------------------------------------------------ strict validation

def test_validate_unknown_id(reg):
    with pytest.raises(ScenarioError) as ei:
        reg.validate({"jobs": 4000, "happiness": 3})
    assert ei.value.id == "happiness" and ei.value.code == "unknown_id" and "happiness" in str(ei.value)


@pytest.mark.parametrize("aid,value", [("jobs", 8001), ("jobs", -1), ("poor_fall", 95.5), ("rebase_factor", 0.5)])
def test_validate_out_of_range(reg, aid, value):
    with pytest.raises(ScenarioError) as ei:
        reg.validate({aid: value})
    assert ei.value.id == aid and ei.value.code == "out_of_range" and aid in str(ei.value)
    assert ei.value.params == {"min": reg[aid].min, "max": reg[aid].max}


@pytest.mark.parametrize("raw,code", [("abc", "not_number"), (float("nan"), "not_number"), (True, "not_number"),
                                      (3000.5, "not_whole")])
def test_validate_bad_values(reg, raw, code):
    with pytest.raises(ScenarioError) as ei:
        reg.validate({"jobs": raw})
    assert (ei.value.id, ei.value.code) == ("jobs", code)


def test_validate_keeps_only_changes_and_checks_consistency(reg):
    sc = reg.validate({"jobs": 3000, "poor_fall": "45,5"}, name="n")   # 3000 is the default; "45,5" is 45.5
    assert sc == Scenario.of("n", {"poor_fall": 45.5})
    with pytest.raises(ScenarioError) as ei:
        reg.validate({"overseas": 100})                               # the default 210 ethnic > 100 in all
    assert (ei.value.id, ei.value.code) == ("overseas_ethnic", "more_than_total")
    assert reg.validate({"overseas": 100, "overseas_ethnic": 100}).get("overseas_ethnic") == 100.0


def test_scenario_json_shape(reg):
    with pytest.raises(ValueError):
        scenario_from_json_obj([1, 2], reg)
    with pytest.raises(ValueError):
        scenario_from_json_obj({"values": [1]}, reg)
    assert scenario_from_json_obj({"name": "x"}, reg) == Scenario.of("x", {})


# ------------------------------------------------------------------------------ links
# from_link: what a link sets before the sliders exist; link_report: what became of each parameter,
# given the values the URL-bound sliders took (Streamlit ignores out-of-range and non-numbers).

def test_from_link_takes_only_what_the_sliders_accept(reg):
    raw = {"jobs": ["4200"], "poor_fall": ["41,5"], "overseas": ["-5"], "near_poor_fall": ["1e309"],
           "unknown": ["1"], "khmer_poor_fall": ["50", "55"], "overseas_ethnic": ["100.5"], "lang": ["en"]}
    # 4200 is in 0–8000; "41,5" is 41.5 (a decimal comma, as Vietnamese users write it); −5 placements is
    # below 0: brought to the minimum 0, as the number box does (link_report says so); 1e309 is not finite and a
    # repeated parameter is left to the default; 100.5 workers is rounded to a whole number (and said)
    assert reg.from_link(raw) == {"jobs": 4200.0, "poor_fall": 41.5, "overseas": 0.0, "overseas_ethnic": 100.0}
    assert ("overseas", "clamped", "-5", 0) in reg.link_report(raw, {"overseas": 0})
    assert ("overseas_ethnic", "rounded", "100.5", 100) in reg.link_report(raw, {"overseas_ethnic": 100})
    # both separators: the last is the decimal mark (1.234,5 → 1234.5 %, above the 95 % maximum: 95); "1,2,3"
    # is no number (the default is kept)
    assert reg.from_link({"poor_fall": ["1.234,5"]}) == {"poor_fall": 95.0}
    assert reg.from_link({"poor_fall": ["1,2,3"]}) == {}
    assert reg.from_link({"poor_fall": ["41.500"]}) == {"poor_fall": 41.5}       # 41500 % is no share
    # a decimal comma taken as given is not reported
    assert reg.link_report({"poor_fall": ["40,5"]}, {"poor_fall": 40.5}) == []
    # a link made before the pace became a share leaving a year (points: 0–3) is below the new range: 0,8 is
    # 0.8 % a year, under the 10 % minimum of poor_fall, so 10; 1.2 is under near_poor_fall's 5 % minimum, so 5;
    # each said as brought to the minimum
    old = {"poor_fall": ["0,8"], "near_poor_fall": ["1.2"]}
    assert reg.from_link(old) == {"poor_fall": 10.0, "near_poor_fall": 5.0}
    assert reg.link_report(old, {"poor_fall": 10.0, "near_poor_fall": 5.0}) == [
        ("poor_fall", "clamped", "0,8", 10.0), ("near_poor_fall", "clamped", "1.2", 5.0)]


def test_link_report_names_each_parameter_not_taken(reg):
    raw = {"jobs": ["-5"], "poor_fall": ["1e309"], "near_poor_fall": ["abc"], "unknown": ["1"],
           "overseas": ["4000.7"], "khmer_poor_fall": ["0.5", "0.7"], "v": ["1"], "lang": ["en"]}
    actual = {"jobs": 0, "poor_fall": 50.0, "near_poor_fall": 20.0, "overseas": 1500, "khmer_poor_fall": 52.0}
    got = {r[0]: r[1] for r in reg.link_report(raw, actual)}
    assert got == {"jobs": "clamped",                       # −5 < 0: the slider took its minimum 0
                   "poor_fall": "ignored_not_number", "near_poor_fall": "ignored_not_number",
                   "unknown": "ignored_unknown",
                   "overseas": "clamped",                    # 4000.7 > 1500: the slider took its maximum
                   "khmer_poor_fall": "ignored_repeated"}
    # a value taken as given is not reported; one rounded to the step is
    assert reg.link_report({"jobs": ["4000"]}, {"jobs": 4000}) == []
    assert reg.link_report({"jobs": ["4000.4"]}, {"jobs": 4000}) == [("jobs", "rounded", "4000.4", 4000)]


def test_a_link_is_read_by_the_one_number_reader(reg):
    """?jobs=8.000 is eight thousand jobs (a whole number: never 8, rounded to 0), said as read; ?jobs=9000 is
    above the maximum 8000: brought to 8000 and said, as the number box does; ?poor_fall=41.500 is 41,5 %
    (41.500 % would be out of the 10–95 range) and taken as given."""
    assert reg.from_link({"jobs": ["8.000"]}) == {"jobs": 8000.0}
    assert reg.link_report({"jobs": ["8.000"]}, {"jobs": 8000}) == [("jobs", "read_as", "8.000", 8000)]
    assert reg.from_link({"jobs": ["8,000"]}) == {"jobs": 8000.0}
    assert reg.from_link({"jobs": ["9000"]}) == {"jobs": 8000.0}
    assert reg.link_report({"jobs": ["9000"]}, {"jobs": 8000}) == [("jobs", "clamped", "9000", 8000)]
    assert reg.from_link({"jobs": ["-5"]}) == {"jobs": 0.0}
    assert reg.from_link({"poor_fall": ["41.500"]}) == {"poor_fall": 41.5}
    assert reg.link_report({"poor_fall": ["41.500"]}, {"poor_fall": 41.5}) == []


def test_query_round_trip(reg):
    sc = Scenario.of("", {"jobs": 4200, "poor_fall": 41.5, "shock_year": 2027, "shock_households": 500})
    q = reg.to_query(sc)
    assert q == {"jobs": "4200", "poor_fall": "41.5", "shock_households": "500", "shock_year": "2027",
                 "v": str(URL_VERSION)}
    back = reg.from_link(q)
    assert Scenario.of("", back) == sc
    assert reg.link_report(q, back) == []
    # defaults are left out of links
    assert reg.to_query(Scenario.of("", {"jobs": 3000})) == {}


ONE = """\
[{id}]
section = "poverty"
label_vi = "x"
label_en = "x"
unit = "pct"
min = 0.0
max = 10.0
step = 0.1
default = {default}
sd = {sd}
{extra}
"""


def assumptions_file(tmp_path, name="a.toml", id="my_rate", default="1.0", sd="0.1", extra=""):
    p = tmp_path / name
    p.write_text(ONE.format(id=id, default=default, sd=sd, extra=extra), encoding="utf-8")
    return p


def registry_from(path):
    from giamngheo.model.engine import default_context
    from giamngheo.scenario.registry import build_registry

    ctx = default_context(data_path=str(DEMO))
    return build_registry(ctx.plan, ctx.obs, ctx.indicators, ctx.as_of, path=path)


def test_a_rate_spread_is_its_relative_spread_scaled_to_the_latest_level(tmp_path):
    """sd = "history:poor_rate" takes the poor rate's yearly changes divided by the level they start
    from (a fall of 4 points from 8.5 % is as large as 0.6 from 1.8 %), their sd, times the latest
    rate. Worked from the demo CSV's counts (the 2023 and 2024 official rates where published)."""
    import csv
    import statistics

    rows = list(csv.DictReader(open(DEMO, encoding="utf-8")))
    val = {(r["indicator"], r["group"], int(r["year"])): float(r["value"]) for r in rows}
    rate = {}
    for y in range(2021, 2026):
        rate[y] = val.get(("poor_rate", "all", y)) or val[("poor_households", "all", y)] / val[("households", "all", y)] * 100
    rel = [(rate[y] - rate[y - 1]) / rate[y - 1] for y in range(2022, 2026)]
    expected = statistics.stdev(rel) * rate[2025]
    reg_ = registry_from(assumptions_file(tmp_path, sd='"history:poor_rate"'))
    assert reg_["my_rate"].sd == pytest.approx(expected, rel=1e-9)


# ------------------------------------------------------------------------------ the file, checked at load

@pytest.mark.parametrize("kw,field,words", [
    (dict(extra='colour = "red"'), "colour", "not a field"),
    (dict(default='"plna:T07"'), "default", "plna:T07"),                   # a misspelt code
    (dict(default='"history:househld_growth"', extra="fallback = 0.4"), "default", "househld_growth"),
    (dict(default='"calibrated"'), "fallback", "calibrated"),               # a calibrated default needs a fallback
    (dict(sd='"histroy:poor_rate"'), "sd", "histroy:poor_rate"),            # a misspelt sd code
    (dict(sd='"history:poor_ratee"'), "sd", "poor_ratee"),                  # an unknown indicator in it
    (dict(sd="-1"), "sd", "negative"),
])
def test_a_bad_assumptions_file_names_the_id_and_the_field(tmp_path, kw, field, words):
    from giamngheo.scenario.registry import AssumptionFileError

    p = assumptions_file(tmp_path, name=f"bad_{field}.toml", **kw)
    with pytest.raises(AssumptionFileError) as ei:
        registry_from(p)
    e = ei.value
    assert (e.file, e.id, e.field) == (p.name, "my_rate", field)
    assert words in str(e) and "my_rate" in str(e) and p.name in str(e)


def test_a_plan_code_naming_a_target_not_in_the_plan_is_an_error(tmp_path):
    from giamngheo.scenario.registry import AssumptionFileError

    p = assumptions_file(tmp_path, default='"plan:T99"')
    with pytest.raises(AssumptionFileError) as ei:
        registry_from(p)
    assert (ei.value.id, ei.value.field) == ("my_rate", "default") and "T99" in str(ei.value)


def test_a_good_small_file_loads(tmp_path):
    reg_ = registry_from(assumptions_file(tmp_path, default='"plan:T07"', extra="fallback = 2.0"))
    # T07 is 3000 a year, above this slider's maximum 10: kept within bounds
    assert reg_["my_rate"].default == 10.0 and reg_["my_rate"].default_basis == "plan"


def test_start_constants_are_loaded_with_their_evidence(reg):
    c = reg.constants
    # data/assumptions.toml: 634 of the poor had nobody able to work at the start of 2024: 60 %
    assert c["no_work_stock_share"].value == 60.0 and c["no_work_stock_share"].basis == "official"
    assert c["no_work_stock_share"].source == "vietnamnet-2024"
    # 3.3 × 61.9 / (3.3 × 61.9 + 38.1), as the evidence works it out
    assert c["khmer_share_poor"].value == pytest.approx(100 * 3.3 * 61.9 / (3.3 * 61.9 + 38.1), abs=0.1)
    assert c["khmer_share_near_poor"].value == pytest.approx(100 * 2.05 * 61.9 / (2.05 * 61.9 + 38.1), abs=0.1)
    for cid, k in c.items():
        assert k.evidence_vi and k.evidence_en and k.label_vi and k.label_en, cid
        assert k.basis in ("official", "estimate", "assumed"), cid


def test_a_bad_start_constant_is_named(tmp_path):
    from giamngheo.scenario.registry import AssumptionFileError

    p = assumptions_file(tmp_path, extra='\n[_start.share]\nvalue = "sixty"\n')
    with pytest.raises(AssumptionFileError) as ei:
        registry_from(p)
    assert (ei.value.id, ei.value.field) == ("_start.share", "value")
    p = assumptions_file(tmp_path, name="b.toml", extra='\n[_start.share]\nvalue = 1.0\nevidense_vi = "x"\n')
    with pytest.raises(AssumptionFileError) as ei:
        registry_from(p)
    assert (ei.value.id, ei.value.field) == ("_start.share", "evidense_vi")

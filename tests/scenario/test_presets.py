"""Presets (data/presets.toml, giamngheo/presets.py): each value checked against arithmetic done here
on the rows of data/observations.csv and the plan file, not read back from the code."""
from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest
from conftest import DATA, DEMO, obs_from_rows, target, tiny_plan

from giamngheo.model.engine import default_context, make_context
from giamngheo.scenario.presets import PresetError, get_preset, load_presets, resolve

ROOT = Path(__file__).resolve().parents[2]


def rows() -> list[dict[str, str]]:
    with open(DEMO, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def value(indicator: str, group: str, year: int) -> float:
    for r in rows():
        if (r["indicator"], r["group"], int(r["year"])) == (indicator, group, year):
            return float(r["value"])
    raise KeyError((indicator, group, year))


def plan_number(tid: str, field: str = "value") -> float:
    with open(DATA / "plans" / "tra-cu-05-nq-tu.toml", "rb") as fh:
        plan = tomllib.load(fh)
    return float(next(t for t in plan["targets"] if t["id"] == tid)[field])


@pytest.fixture(scope="module")
def ctx():
    return default_context(data_path=str(DEMO))


def test_the_four_presets_in_order():
    assert [(p.id, p.name_vi) for p in load_presets()] == [
        ("plan", "Kế hoạch"), ("trend", "Xu hướng"), ("optimistic", "Tích cực"), ("cautious", "Thận trọng")]
    assert all(p.about_vi and p.about_en and p.name_en for p in load_presets())


def test_plan_preset_is_the_defaults(ctx):
    """The plan preset sets nothing: the calibrated pace and the plan's jobs and placements."""
    sc, how = resolve(ctx, get_preset("plan"))
    assert sc.values == () and how == []
    assert ctx.registry.resolve(sc) == ctx.registry.defaults()
    vals = ctx.registry.resolve(sc)
    assert vals["jobs"] == plan_number("T07") == 3000
    assert vals["overseas"] == plan_number("T08") == 350 and vals["overseas_ethnic"] == plan_number("T09") == 210
    assert ctx.registry["poor_fall"].default_basis == "calibrated"


def test_trend_preset_is_the_districts_own_recent_averages(ctx):
    sc, how = resolve(ctx, get_preset("trend"))
    v = sc.as_dict()
    last = max(int(r["year"]) for r in rows() if r["indicator"] == "jobs_created")
    years = (last - 2, last - 1, last)
    jobs = sum(value("jobs_created", "all", y) for y in years) / 3
    assert v.get("jobs", 3000.0) == round(jobs)
    abroad = sum(value("workers_abroad", "all", y) for y in years) / 3
    assert v.get("overseas", 350.0) == round(abroad)
    eth = sum(value("workers_abroad_ethnic", "all", y) for y in years) / 3
    assert v.get("overseas_ethnic", 210.0) == round(eth)
    # the pace of every other policy stays as calibrated on the last observed year (the default)
    assert "poor_fall" not in v and "near_poor_fall" not in v
    # every value says how it was computed, and that its inputs are not all official
    texts = {h.id: h.explain("vi") for h in how}
    assert f"{last - 2}–{last}" in texts["jobs"]
    assert "◇" in texts["jobs"]                        # the demo's recent job counts are illustrative


# the factors the presets' descriptions state (about_vi / about_en), applied to the defaults
# (the Khmer and near-poor paces follow the general pace in proportion, so the presets leave them alone)
OPTIMISTIC = {"poor_fall": 1.25, "jobs": 1.2, "overseas": 1.2,
              "overseas_ethnic": 1.2, "new_poor_rate": 0.75, "returning_poor_rate": 0.75, "no_work_exit_rate": 1.25}
CAUTIOUS = {"poor_fall": 0.75, "jobs": 0.8, "overseas": 0.8,
            "overseas_ethnic": 0.8, "new_poor_rate": 1.25, "returning_poor_rate": 1.25, "no_work_exit_rate": 0.75}


@pytest.mark.parametrize("pid,factors", [("optimistic", OPTIMISTIC), ("cautious", CAUTIOUS)])
def test_optimistic_and_cautious_are_the_documented_factors(ctx, pid, factors):
    p = get_preset(pid)
    got = ctx.registry.resolve(resolve(ctx, p)[0])
    for aid, f in factors.items():
        a = ctx.registry[aid]
        assert got[aid] == pytest.approx(min(max(f * a.default, a.min), a.max), abs=0.0006), aid
    # the percentages in the words are the factors: 25 % for paces and inflows, 20 % for jobs and placements
    assert "25%" in p.about_vi and "20%" in p.about_vi and "25 %" in p.about_en and "20 %" in p.about_en
    # the whole numbers stay whole: 3000 × 1.2 = 3600, 350 × 1.2 = 420, 210 × 1.2 = 252 (× 0.8: 2400, 280, 168)
    expect = {"optimistic": (3600, 420, 252), "cautious": (2400, 280, 168)}[pid]
    assert (got["jobs"], got["overseas"], got["overseas_ethnic"]) == expect
    # everything else keeps its default
    for aid, dv in ctx.registry.defaults().items():
        if aid not in factors:
            assert got[aid] == dv, aid


def test_presets_order_the_2030_poverty_result(ctx):
    """More exits (optimistic) leave fewer poor households in 2030 than fewer exits (cautious)."""
    from giamngheo.model.engine import run
    end = {}
    for pid in ("optimistic", "plan", "cautious"):
        proj, _ = run(ctx, resolve(ctx, get_preset(pid))[0])
        end[pid] = proj.get("poor_households", "all", 2030)
    assert end["optimistic"] < end["plan"] < end["cautious"]


def test_thin_data_keeps_the_default_and_bounds_are_kept(tmp_path):
    plan = tiny_plan(target("level", indicator="poor_rate", op="at_most", value=1.0, year=2025))
    obs = obs_from_rows([("households", "all", 2024, 1000), ("poor_households", "all", 2024, 50),
                         ("near_poor_households", "all", 2024, 30), ("jobs_created", "all", 2024, 900000)])
    c = make_context(plan, obs)
    f = tmp_path / "p.toml"
    f.write_text('[t]\nname_vi = "T"\n[t.values]\npoor_fall = "fall:poor_rate"\njobs = "mean:jobs_created"\n'
                 'overseas = 5000\n', encoding="utf-8")
    sc, how = resolve(c, load_presets(f)[0])
    by = {h.id: h for h in how}
    assert by["poor_fall"].fallback and "poor_fall" not in sc.as_dict()       # one year only: default kept
    assert by["jobs"].clamped and by["jobs"].value == c.registry["jobs"].max == 8000    # 900.000 a year
    assert by["overseas"].clamped and sc.as_dict()["overseas"] == c.registry["overseas"].max == 1500
    assert "giữ giá trị mặc định" in by["poor_fall"].explain("vi")


@pytest.mark.parametrize("rule", ['"bogus:x"', '"default*abc"', '"target:T99:value"', "true"])
def test_a_bad_rule_is_a_clear_error(tmp_path, ctx, rule):
    f = tmp_path / "bad.toml"
    f.write_text(f'[x]\nname_vi = "X"\n[x.values]\npoor_fall = {rule}\n', encoding="utf-8")
    with pytest.raises(PresetError) as exc:
        resolve(ctx, load_presets(f)[0])
    assert "poor_fall" in str(exc.value)

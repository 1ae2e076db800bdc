"""Presets (data/presets.toml, giamngheo/presets.py): each value checked against arithmetic done here
on the rows of data/observations.csv and the plan file, not read back from the code."""
from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest

from giamngheo.model.engine import default_context, make_context
from giamngheo.scenario.presets import PresetError, get_preset, load_presets, resolve
from conftest import DATA, DEMO, obs_from_rows, tiny_plan, target

ROOT = Path(__file__).resolve().parents[1]


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


def test_plan_preset_is_the_plans_own_numbers(ctx):
    sc, how = resolve(ctx, get_preset("plan"))
    assert sc.values == () and how == []
    vals = ctx.registry.resolve(sc)
    assert vals["poor_fall"] == plan_number("T01") == 1.0
    assert vals["jobs"] == plan_number("T07") == 3000
    assert vals["overseas"] == plan_number("T08") and vals["overseas_ethnic"] == plan_number("T09")


def test_trend_preset_is_the_districts_own_recent_averages(ctx):
    sc, how = resolve(ctx, get_preset("trend"))
    v = sc.as_dict()
    last = max(int(r["year"]) for r in rows() if r["indicator"] == "poor_households")
    first = last - 3

    def rate(group: str, ind: str, year: int) -> float:
        return 100 * value(ind, group, year) / value("households", group, year)

    fall = (rate("all", "poor_households", first) - rate("all", "poor_households", last)) / 3
    assert v["poor_fall"] == pytest.approx(fall, abs=0.0006)             # kept to 3 decimals
    kfall = (rate("khmer", "poor_households", first) - rate("khmer", "poor_households", last)) / 3
    assert v["khmer_poor_fall"] == pytest.approx(kfall, abs=0.0006)
    nfall = (rate("all", "near_poor_households", first) - rate("all", "near_poor_households", last)) / 3
    assert v["near_poor_fall"] == pytest.approx(nfall, abs=0.0006)
    jobs = sum(value("jobs_created", "all", y) for y in (last - 2, last - 1, last)) / 3
    assert v["jobs"] == round(jobs)
    abroad = sum(value("workers_abroad", "all", y) for y in (last - 2, last - 1, last)) / 3
    assert v.get("overseas", 350.0) == round(abroad)
    # every value says how it was computed, and that its inputs are not all official
    texts = {h.id: h.explain("vi") for h in how}
    assert f"{first}–{last}" in texts["poor_fall"] and "/ 3 năm" in texts["poor_fall"]
    assert "◇" in texts["jobs"]                        # the 2023–2025 job counts are illustrative


def test_optimistic_and_cautious_are_the_documented_factors(ctx):
    opt = resolve(ctx, get_preset("optimistic"))[0].as_dict()
    assert opt["poor_fall"] == plan_number("T01", "value_high") == 1.5
    assert opt["khmer_poor_fall"] == pytest.approx(1.25 * plan_number("T02"))
    assert opt["jobs"] == 1.2 * 3000 and opt["overseas"] == 1.2 * 350 and opt["overseas_ethnic"] == 1.2 * 210
    caut = resolve(ctx, get_preset("cautious"))[0].as_dict()
    assert caut["poor_fall"] == 0.75 and caut["jobs"] == 2400 and caut["overseas"] == 280
    base_new = ctx.registry["new_poor_rate"].default
    assert caut["new_poor_rate"] == pytest.approx(base_new * 1.25, abs=0.0006)
    assert opt["new_poor_rate"] == pytest.approx(base_new * 0.75, abs=0.0006)


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

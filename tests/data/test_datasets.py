"""The embedded datasets: the default holds official figures and sourced estimates only; the demo holds
them unchanged plus illustrative rows; other readings (alternatives.csv) and province and national
figures (context.csv) load with their sources. Expected figures are worked out by hand from the
published numbers quoted in the notes, and the files are read here with csv, not through the loader."""
from __future__ import annotations

import csv
import tomllib

import pytest
from conftest import DATA, DEMO, write

from giamngheo.data.observations import ObservationError, load_alternatives, load_context, load_observations
from giamngheo.paths import DATASETS, get_dataset, is_demo, observations_path

DEFAULT = DATA / "observations.csv"
ALT = DATA / "alternatives.csv"
CONTEXT = DATA / "context.csv"


def rows(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def keyed(path) -> dict[tuple[str, str, int], dict[str, str]]:
    return {(r["indicator"], r["group"], int(r["year"])): r for r in rows(path)}


def sources() -> dict:
    with open(DATA / "sources.toml", "rb") as fh:
        return tomllib.load(fh)


# ------------------------------------------------------------------------------ the default dataset

def test_default_has_official_figures_and_sourced_estimates_only():
    statuses = {r["status"] for r in rows(DEFAULT)}
    assert statuses == {"official", "estimate"}
    assert "illustrative" not in {r["source"] for r in rows(DEFAULT)}
    # an estimate shows its working: the note has an arithmetic sign or says what was added
    for r in rows(DEFAULT):
        if r["status"] == "estimate":
            assert any(c in r["note"] for c in "×/+") or "plus" in r["note"], r


def test_every_source_used_is_listed_with_title_issuer_and_where_to_find_it():
    src = sources()
    used = {r["source"] for path in (DEFAULT, DEMO, ALT, CONTEXT) for r in rows(path)}
    for sid in used:
        assert sid in src, sid
        s = src[sid]
        assert s.get("title") and s.get("issuer"), sid
        assert s.get("url") or s.get("document") or s.get("note"), sid   # an address, a document number or how to find it
        if s.get("url"):
            assert s["url"].startswith(("https://", "http://")), sid


def test_start_of_2024_lists_are_the_end_2023_review():
    """'Đầu năm 2024' is the list the end-2023 review produced, so 634 and 276 are filed under 2023."""
    for path in (DEFAULT, DEMO):
        k = keyed(path)
        assert k[("poor_households_no_work_capacity", "all", 2023)]["value"] == "634"
        assert k[("near_poor_households_no_work_capacity", "all", 2023)]["value"] == "276"
        assert k[("poor_households_no_work_capacity", "all", 2023)]["status"] == "official"
        assert ("poor_households_no_work_capacity", "all", 2024) not in k
        assert ("near_poor_households_no_work_capacity", "all", 2024) not in k


def test_estimates_checked_by_hand():
    k = keyed(DEFAULT)
    v = {key: float(r["value"]) for key, r in k.items()}
    # households 2024: 784 poor are 1.8 % → 784 / 0.018 = 43 555.6
    assert v[("households", "all", 2024)] == 43556 == round(784 / 0.018)
    assert v[("poor_households", "all", 2024)] == 784 and v[("poor_rate", "all", 2024)] == 1.8
    # near-poor rate end-2023: 2.58 at end-2024 plus the 0.23 point fall of 2024
    assert v[("near_poor_rate", "all", 2023)] == pytest.approx(2.58 + 0.23)
    # near-poor households end-2023: 2.81 % of 43 369 = 1 218.7
    assert v[("near_poor_households", "all", 2023)] == 1219 == round(0.0281 * 43369)
    # poor households end-2023 from the published 2.33 %: 0.0233 × 43 369 = 1 010.5
    assert v[("poor_households", "all", 2023)] == 1010 == int(0.0233 * 43369)
    # end-2022: the end-2023 count plus the 927 that left in 2023
    assert v[("poor_households", "all", 2022)] == 1010 + 927
    # the 2023 plan: 927 was 125.15 % of it
    assert v[("poor_households_reduction_planned", "all", 2023)] == round(927 / 1.2515)


def test_official_flows_of_2023_and_2024():
    k = keyed(DEFAULT)
    assert (k[("poor_households_reduced", "all", 2023)]["value"], k[("poor_households_reduced", "all", 2024)]["value"]) \
        == ("927", "274")
    assert float(k[("poor_rate_reduced", "all", 2024)]["value"]) == 0.63
    assert float(k[("near_poor_households_reduced", "all", 2024)]["value"]) == 100
    assert float(k[("near_poor_rate_reduced", "all", 2024)]["value"]) == 0.23
    for key in (("poor_households_reduced", "all", 2023), ("poor_rate_reduced", "all", 2024)):
        assert k[key]["status"] == "official"


# ------------------------------------------------------------------------------ the demo dataset

def test_demo_contains_every_default_row_unchanged():
    demo = rows(DEMO)
    for r in rows(DEFAULT):
        assert r in demo, r
    assert len({(r["indicator"], r["group"], r["year"]) for r in demo}) == len(demo)   # one value per key


def test_every_extra_demo_row_is_illustrative_with_a_note():
    default = rows(DEFAULT)
    extra = [r for r in rows(DEMO) if r not in default]
    assert extra
    for r in extra:
        assert r["status"] == "illustrative" and r["source"] == "illustrative" and r["note"].strip(), r


def test_demo_has_no_household_without_work_capacity_leaving_half_in_a_year():
    """The end-2023 list holds 634 poor households with nobody able to work; no illustrative figure
    may imply that half of them left poverty within a year (the old 2025 value 322 did)."""
    k = keyed(DEMO)
    series = {y: float(r["value"]) for (i, g, y), r in k.items()
              if i == "poor_households_no_work_capacity" and g == "all"}
    for y, v in series.items():
        if y - 1 in series:
            assert v >= 0.6 * series[y - 1], (y, v)
        if y - 2 in series:
            assert v >= 0.6 ** 2 * series[y - 2], (y, v)
        poor = k.get(("poor_households", "all", y))
        assert poor is None or v <= float(poor["value"])


def test_datasets_are_chosen_by_name():
    assert set(DATASETS) == {"default", "demo"}
    assert observations_path("default") == DEFAULT and observations_path("demo") == DEMO
    assert not is_demo("default") and is_demo("demo") and get_dataset("demo").banner
    with pytest.raises(KeyError):
        get_dataset("nope")
    d, m = load_observations(dataset="default"), load_observations(dataset="demo")
    assert (d.dataset, m.dataset) == ("default", "demo")
    assert len(d.df[d.df["status"] != "derived"]) == len(rows(DEFAULT))
    assert len(m.df[m.df["status"] != "derived"]) == len(rows(DEMO))
    assert "illustrative" in set(m.df["status"]) and "illustrative" not in set(d.df["status"])
    with pytest.raises(ValueError):
        load_observations(DEFAULT, dataset="demo")


def test_server_may_start_on_the_demo_and_nothing_else(monkeypatch):
    monkeypatch.setenv("GIAMNGHEO_DATASET", "demo")
    assert observations_path() == DEMO and is_demo()
    monkeypatch.setenv("GIAMNGHEO_DATASET", "../../etc/passwd")   # an unknown name falls back to the default
    assert observations_path() == DEFAULT and not is_demo()
    monkeypatch.delenv("GIAMNGHEO_DATASET")
    assert observations_path() == DEFAULT


# ------------------------------------------------------------------------------ other readings

def test_alternatives_load_and_each_names_a_used_row():
    alt = load_alternatives()
    raw = rows(ALT)
    used = keyed(DEFAULT)
    assert len(alt) == len(raw) >= 4
    for r, (_, a) in zip(raw, alt.iterrows()):
        ind, grp, year = r["alternative_to"].split("/")
        u = used[(ind, grp, int(year))]
        assert a["used_value"] == float(u["value"]) and a["used_status"] == u["status"]
        assert float(r["value"]) != float(u["value"])           # a real disagreement
        assert r["status"] in ("official", "estimate") and r["why_not_used"].strip() and r["note"].strip()


def test_the_end_2023_readings_by_hand():
    alt = {(r["indicator"], float(r["value"])) for r in rows(ALT) if r["year"] == "2023"}
    assert ("poor_rate", round(1.8 + 0.63, 2)) in alt                 # implied by the 2024 article
    assert ("poor_households", 784 + 274) in alt
    assert ("poor_households", round(634 / 0.60)) in alt              # 1 056.7
    assert ("near_poor_households", 1125 + 100) in alt
    assert ("near_poor_households", round(276 / 0.22)) in alt         # 1 254.5


def test_an_alternative_to_nothing_is_named_by_row_and_column(tmp_path):
    head = "indicator,group,year,value,unit,status,source,note,alternative_to,why_not_used\n"
    p = write(tmp_path, "alt.csv", head
              + "poor_rate,all,2023,2.43,percent,estimate,vietnamnet-2024,x,poor_rate/all/2023,because\n"
              + "poor_rate,all,2019,5,percent,estimate,vietnamnet-2024,x,poor_rate/all/2019,because\n"
              + "poor_rate,all,2023,2.5,percent,illustrative,illustrative,x,poor_rate/all/2023,\n")
    with pytest.raises(ObservationError) as ei:
        load_alternatives(p)
    got = {(x.row, x.column, x.code) for x in ei.value.problems}
    assert got == {(3, "alternative_to", "no_used_row"), (4, "status", "bad_status"), (4, "why_not_used", "empty")}


# ------------------------------------------------------------------------------ province and national figures

def test_context_loads_with_its_columns_and_sources():
    cx = load_context()
    assert list(cx.columns) == ["area", "indicator", "group", "year", "value", "unit", "status", "source", "note", "note_en"]
    assert len(cx) == len(rows(CONTEXT))
    assert set(cx["area"]) == {"tra_vinh", "vinh_long_merged", "vietnam"}
    got = {(r.area, r.indicator, r.group, r.year): r.value for r in cx.itertuples()}
    assert got[("vinh_long_merged", "poor_rate", "all", 2024)] == 1.23
    assert got[("vietnam", "poverty_line_rural", "all", 2027)] == 2_200_000


def test_context_is_never_part_of_the_district_series():
    d = load_observations(dataset="default")
    assert d.series("poor_rate") == {2021: 8.42, 2023: 2.33, 2024: 1.8}
    assert "area" not in d.df.columns


def test_a_bad_context_row_is_named(tmp_path):
    p = write(tmp_path, "cx.csv", "area,indicator,group,year,value,unit,status,source,note\n"
              "vietnam,poor_rate,all,2023,2.93,percent,official,gso-national,\n"
              "vietnam,poor_rate,all,20x3,abc,percent,rumour,nowhere,\n")
    with pytest.raises(ObservationError) as ei:
        load_context(p)
    assert {(x.row, x.column, x.code) for x in ei.value.problems} == {
        (3, "year", "not_year"), (3, "value", "not_number"), (3, "status", "bad_status"), (3, "source", "unknown_source")}

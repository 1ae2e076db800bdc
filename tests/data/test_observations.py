"""Observation files: validation problems (file, row, column, code), derived rates, the embedded data."""
from __future__ import annotations

import csv

import pytest
from conftest import DATA, DEMO, OBS_HEADER, write

from giamngheo.data.observations import ALL_STATUSES, ObservationError, load_observations, parse_observations, worst_quality
from giamngheo.plan.indicators import load_indicators

SOURCES = {"src": {"title": "a source"}, "illustrative": {"title": "placeholders"}}
GOOD = "households,all,2023,1000,households,official,src,\n"


def problems(text: str, file: str = "obs.csv", sources=SOURCES):
    with pytest.raises(ObservationError) as ei:
        parse_observations(text, file, load_indicators(), sources)
    return ei.value.problems


def where(ps):
    return [(p.file, p.row, p.column, p.code) for p in ps]


# ------------------------------------------------------------------------------ one problem at a time
# The header is row 1, so the n-th data line is row n + 1.

@pytest.mark.parametrize("line,column,code", [
    ("happiness,all,2023,5,,official,src,\n", "indicator", "unknown_indicator"),
    ("poor_rate,all,2023,abc,percent,official,src,\n", "value", "not_number"),
    ("poor_rate,all,2023,,percent,official,src,\n", "value", "not_number"),
    ("poor_rate,all,2023,inf,percent,official,src,\n", "value", "not_number"),
    ("poor_rate,all,2023,100.5,percent,official,src,\n", "value", "rate_range"),
    ("poor_rate,all,2023,-0.1,percent,official,src,\n", "value", "rate_range"),
    ("poor_households,all,2023,-3,households,official,src,\n", "value", "negative"),
    ("poor_households,all,2023,2.5,households,official,src,\n", "value", "not_whole"),
    ("ntm_district_recognised,all,2023,2,flag,official,src,\n", "value", "flag_range"),
    ("households,all,2023.5,1000,households,official,src,\n", "year", "not_year"),
    ("households,all,1899,1000,households,official,src,\n", "year", "year_range"),
    ("households,all,2024,1000,households,nope,src,\n", "status", "bad_status"),
    ("households,all,2024,1000,households,derived,src,\n", "status", "bad_status"),   # only the core derives
    ("households,all,2024,1000,households,official,gossip,\n", "source", "unknown_source"),
    ("households,all,2024,1000,households,official,,\n", "source", "empty"),
])
def test_a_bad_row_names_file_row_column_and_code(line, column, code):
    ps = problems(OBS_HEADER + GOOD + GOOD.replace("2023", "2022") + line, file="my-data.csv")
    assert where(ps) == [("my-data.csv", 4, column, code)]


def test_duplicate_indicator_group_year():
    text = OBS_HEADER + GOOD + "poor_households,all,2023,25,households,official,src,\n" + GOOD.replace("1000", "1001")
    ps = problems(text)
    assert where(ps) == [("obs.csv", 4, "year", "duplicate")]
    assert dict(ps[0].params)["first"] == 2
    # an empty group is "all", so it duplicates too; another group does not
    ps = problems(OBS_HEADER + GOOD + "households,,2023,1000,households,official,src,\n")
    assert where(ps) == [("obs.csv", 3, "year", "duplicate")]
    ok = parse_observations(OBS_HEADER + GOOD + GOOD.replace(",all,", ",khmer,"), "obs.csv", load_indicators(), SOURCES)
    assert ok.series("households", "khmer") == {2023: 1000.0}


def test_missing_columns_are_reported_on_the_header_row():
    ps = problems("indicator,group,year,value,unit,note\nhouseholds,all,2023,1000,households,\n")
    assert where(ps) == [("obs.csv", 1, "status", "missing_column"), ("obs.csv", 1, "source", "missing_column")]


def test_every_problem_is_listed_with_its_row():
    text = (OBS_HEADER
            + "happiness,all,2023,5,,official,src,\n"                      # row 2
            + GOOD                                                         # row 3
            + "poor_rate,all,2023,120,percent,weird,src,\n")               # row 4: two problems
    assert where(problems(text)) == [("obs.csv", 2, "indicator", "unknown_indicator"),
                                     ("obs.csv", 4, "value", "rate_range"),
                                     ("obs.csv", 4, "status", "bad_status")]


def test_row_is_the_line_of_the_file_after_blank_lines_and_multi_line_notes():
    text = (OBS_HEADER                                                      # line 1
            + GOOD                                                         # line 2
            + "\n"                                                         # line 3 (blank, skipped)
            + 'poor_households,all,2023,25,households,official,src,"a note\non two lines"\n'   # lines 4-5
            + "poor_rate,all,2023,120,percent,official,src,\n")            # line 6
    assert where(problems(text)) == [("obs.csv", 6, "value", "rate_range")]


def test_unknown_sources_are_not_checked_without_a_source_list():
    obs = parse_observations(OBS_HEADER + GOOD.replace(",src,", ",gossip,"), "obs.csv", load_indicators(), None)
    assert obs.series("households") == {2023: 1000.0}


def test_no_rows_and_missing_file(tmp_path):
    assert [p.code for p in problems(OBS_HEADER)] == ["no_rows"]
    with pytest.raises(ObservationError) as ei:
        load_observations(tmp_path / "absent.csv")
    assert [(p.file, p.code) for p in ei.value.problems] == [("absent.csv", "file_not_found")]


def test_error_message_names_file_and_row():
    with pytest.raises(ObservationError) as ei:
        parse_observations(OBS_HEADER + GOOD + "poor_rate,all,2023,120,percent,official,src,\n", "my-data.csv",
                           load_indicators(), SOURCES)
    msg = str(ei.value)
    assert "my-data.csv" in msg and "3" in msg and "120" in msg


# ------------------------------------------------------------------------------ derived rates

def test_poor_rate_derived_from_counts():
    text = (OBS_HEADER
            + "households,all,2023,1000,households,illustrative,illustrative,\n"
            + "poor_households,all,2023,25,households,official,src,\n")
    obs = parse_observations(text, "obs.csv", load_indicators(), SOURCES)
    assert obs.series("poor_rate") == {2023: pytest.approx(2.5)}           # 25 / 1000 × 100
    row = obs.row("poor_rate", "all", 2023)
    assert row["status"] == "derived"
    assert "poor_households" in row["inputs"] and "households" in row["inputs"]
    assert "official" in row["inputs"] and "illustrative" in row["inputs"]
    # as good as its weakest input: official and illustrative → illustrative
    assert row["quality"] == "illustrative" == obs.quality("poor_rate", "all", 2023)
    assert obs.status("poor_rate", "all", 2023) == "derived"
    # no near-poor count, no near-poor rate
    assert obs.series("near_poor_rate") == {}


def test_derived_quality_of_official_inputs_and_an_existing_rate_wins():
    text = (OBS_HEADER
            + "households,all,2023,1000,households,official,src,\n"
            + "poor_households,all,2023,25,households,estimate,src,\n"
            + "near_poor_households,all,2023,40,households,official,src,\n"
            + "households,all,2024,800,households,official,src,\n"
            + "poor_households,all,2024,20,households,official,src,\n"
            + "poor_rate,all,2024,2.4,percent,official,src,\n")
    obs = parse_observations(text, "obs.csv", load_indicators(), SOURCES)
    assert obs.quality("poor_rate", "all", 2023) == "estimate"            # worst of estimate, official
    assert obs.quality("near_poor_rate", "all", 2023) == "official"
    assert obs.series("near_poor_rate")[2023] == pytest.approx(4.0)      # 40 / 1000 × 100
    # 2024 has its own published rate (2.4); the counts would give 20 / 800 = 2.5, which must not replace it
    assert obs.series("poor_rate")[2024] == 2.4 and obs.status("poor_rate", "all", 2024) == "official"


def test_worst_quality_order():
    assert worst_quality(["official", "estimate"]) == "estimate"
    assert worst_quality(["derived", "official"]) == "derived"
    assert worst_quality(["estimate", "illustrative", "official"]) == "illustrative"
    assert worst_quality([]) == "official"


def test_series_as_of_and_until():
    text = OBS_HEADER + "".join(f"jobs_created,all,{y},{v},workers,official,src,\n"
                                for y, v in ((2021, 10), (2022, 20), (2023, 30)))
    obs = parse_observations(text, "obs.csv", load_indicators(), SOURCES)
    assert obs.series("jobs_created", as_of=2022) == {2021: 10.0, 2022: 20.0}
    assert obs.until(2021).series("jobs_created") == {2021: 10.0}
    assert obs.last_year == 2023 and obs.until(2022).last_year == 2022


# ------------------------------------------------------------------------------ the embedded data

def test_embedded_data_load_cleanly_with_provenance():
    for path in (DATA / "observations.csv", DEMO):
        obs = load_observations(path)
        with open(path, encoding="utf-8") as fh:
            raw = list(csv.DictReader(fh))
        assert set(obs.df["status"]) <= set(ALL_STATUSES)
        assert set(obs.df["quality"]) <= set(ALL_STATUSES)
        # every row of the file is kept, and the core only adds derived rows
        assert len(obs.df[obs.df["status"] != "derived"]) == len(raw)
        derived = obs.df[obs.df["status"] == "derived"]
        assert (derived["inputs"] != "").all()
        assert set(derived["indicator"]) <= {"poor_rate", "near_poor_rate"}
        # a published rate is kept as published (2023: 2.33 % official)
        counts = {(r["indicator"], r["group"], int(r["year"])): float(r["value"]) for r in raw}
        assert obs.series("poor_rate")[2023] == counts[("poor_rate", "all", 2023)] == 2.33


def test_demo_rate_derived_from_illustrative_counts():
    obs = load_observations(DEMO)
    with open(DEMO, encoding="utf-8") as fh:
        counts = {(r["indicator"], r["group"], int(r["year"])): float(r["value"]) for r in csv.DictReader(fh)}
    # the 2022 poor rate is not in the file; it is 1937 / 43196 × 100 from the counts in it
    assert ("poor_rate", "all", 2022) not in counts
    assert counts[("poor_households", "all", 2022)] == 1937 and counts[("households", "all", 2022)] == 43196
    assert obs.series("poor_rate")[2022] == pytest.approx(1937 / 43196 * 100)
    assert obs.row("poor_rate", "all", 2022)["quality"] == "illustrative"     # households 2022 is illustrative
    # a rate the file gives is never replaced by one derived from its counts: 2021 is the sourced estimate
    assert counts[("poor_rate", "all", 2021)] == 8.42 and obs.series("poor_rate")[2021] == 8.42


def test_embedded_sources_cover_every_row():
    import tomllib
    with open(DATA / "sources.toml", "rb") as fh:
        sources = tomllib.load(fh)
    for path in (DATA / "observations.csv", DEMO, DATA / "alternatives.csv", DATA / "context.csv"):
        with open(path, encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                assert r["source"] in sources, (path.name, r)


def test_embedded_file_validates_through_the_public_parser(tmp_path):
    # the same text written elsewhere validates too (no dependence on the cache)
    for path, last in ((DATA / "observations.csv", 2024), (DEMO, 2025)):
        p = write(tmp_path, "copy.csv", path.read_text(encoding="utf-8"))
        obs = load_observations(p, DATA / "sources.toml")
        assert obs.last_year == last


def test_parts_never_exceed_the_households_they_belong_to():
    """Row 3: 120 poor households where row 2 says the group has 100; row 5: 10 near-poor Khmer
    households with 25 poor (row 6) of 30 Khmer households (row 4): 35 > 30; row 8: 200 Khmer
    households in 2024 where all households number 100 (row 2)."""
    ps = problems(OBS_HEADER
                  + "households,all,2024,100,households,official,src,\n"
                  + "poor_households,all,2024,120,households,official,src,\n"
                  + "households,khmer,2023,30,households,official,src,\n"
                  + "near_poor_households,khmer,2023,10,households,official,src,\n"
                  + "poor_households,khmer,2023,25,households,official,src,\n"
                  + "households,all,2023,100,households,official,src,\n"
                  + "households,khmer,2024,200,households,official,src,\n")
    got = {(p.row, p.column, p.code) for p in ps}
    assert (3, "value", "exceeds_households") in got
    assert (5, "value", "poor_near_exceed") in got
    assert (8, "value", "group_exceeds_all") in got
    assert len(ps) == 3

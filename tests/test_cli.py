"""The command line, run as a user runs it: python -m giamngheo ... in the repository."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from conftest import DATA, ROOT, write

KEYS = ["target", "year", "status", "basis", "value", "target_value", "required_change", "method"]
STATUSES = {"achieved", "missed", "on_track", "at_risk", "off_track", "no_data"}


def cli(*args, env=None):
    e = dict(os.environ)
    e.pop("GIAMNGHEO_DATA", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "giamngheo", *map(str, args)], cwd=ROOT, env=e,
                          capture_output=True, text=True, timeout=120)


def ok(*args, env=None) -> str:
    r = cli(*args, env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout


def fails_cleanly(*args, env=None) -> str:
    r = cli(*args, env=env)
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


@pytest.fixture(scope="module")
def assess_json():
    return json.loads(ok("assess", "--dataset", "demo", "--format", "json"))


# ------------------------------------------------------------------------------ output formats

def test_assess_json_has_28_rows(assess_json):
    rows = assess_json
    assert len(rows) == 28
    assert [r["target"] for r in rows] == [f"T{i:02d}" for i in range(1, 29)]
    for r in rows:
        assert set(KEYS) <= set(r)
        assert r["status"] in STATUSES and r["basis"] in ("actual", "projected", None)
    by = {r["target"]: r for r in rows}
    # T01 by hand: (3650/43024 − 520/43730) × 100 / 4 = (8.4836 − 1.1891) / 4 = 1.8236
    assert by["T01"]["value"] == pytest.approx((3650 / 43024 - 520 / 43730) * 100 / 4)
    assert by["T23"]["status"] == "missed" and by["T23"]["value"] == 2023
    assert by["T24"]["basis"] == "projected" and by["T24"]["year"] == 2030


def test_assess_csv_header_and_rows(assess_json):
    text = ok("assess", "--dataset", "demo", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    header = text.splitlines()[0].split(",")
    assert set(KEYS) <= set(header)
    assert header == list(assess_json[0])                  # the same columns as the JSON, in the same order
    assert len(rows) == 28 and rows[22]["target"] == "T23" and rows[22]["status"] == "missed"


def test_assess_table_default():
    text = ok("assess")
    lines = text.splitlines()
    assert lines[0].split() == KEYS and len(lines) == 29


def test_project_csv_columns():
    text = ok("project", "--dataset", "demo", "--format", "csv")
    assert text.splitlines()[0] == "indicator,group,year,value,basis"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["basis"] for r in rows} == {"actual", "projected"}
    got = {(r["indicator"], r["group"], int(r["year"])): r for r in rows}
    assert float(got[("poor_households", "all", 2025)]["value"]) == 520.0           # data/demo/observations.csv
    assert got[("poor_households", "all", 2025)]["basis"] == "actual"
    assert got[("poor_households", "all", 2030)]["basis"] == "projected"
    # the totals are the sum of the groups: households 2025 = 43730 (all), 27099 Khmer
    assert float(got[("households", "khmer", 2025)]["value"]) == 27099.0


def test_project_json():
    rows = json.loads(ok("project", "--format", "json"))
    assert set(rows[0]) == {"indicator", "group", "year", "value", "basis"}


def test_as_of_option():
    rows = {r["target"]: r for r in json.loads(ok("assess", "--dataset", "demo", "--format", "json", "--as-of", "2023"))}
    # 2021–2023 trend 1.45 a year, closing the gap to 100 %: 100 − 31.65² / 33.1 = 69.7365 (see test_assess)
    assert rows["T05"]["basis"] == "projected"
    assert rows["T05"]["value"] == pytest.approx(100 - 31.65 ** 2 / 33.1)
    assert rows["T05"]["required_change"] == pytest.approx((70.1 - 66.9) / 2)


# ------------------------------------------------------------------------------ scenarios

def test_a_scenario_changes_a_projected_value(tmp_path):
    low = write(tmp_path, "low.json", json.dumps({"name": "low", "values": {"poor_fall": 0.2}}))
    high = write(tmp_path, "high.json", json.dumps({"name": "high", "values": {"poor_fall": 2.0}}))
    t24 = {}
    poor = {}
    for name, f in (("low", low), ("high", high)):
        rows = {r["target"]: r for r in json.loads(ok("assess", "--dataset", "demo", "--format", "json", "--scenario", f))}
        t24[name] = rows["T24"]
        proj = list(csv.DictReader(io.StringIO(ok("project", "--dataset", "demo", "--scenario", f))))
        poor[name] = {int(r["year"]): float(r["value"]) for r in proj
                      if r["indicator"] == "poor_households" and r["group"] == "all"}
    assert t24["low"]["basis"] == t24["high"]["basis"] == "projected"
    assert t24["low"]["value"] != pytest.approx(t24["high"]["value"])
    # in the first projected year the stocks are the same, so a faster assumed fall means fewer poor households
    assert poor["high"][2026] < poor["low"][2026]
    assert poor["high"][2025] == poor["low"][2025] == 520.0


# ------------------------------------------------------------------------------ errors: one line, exit 2

def test_bad_plan_path(tmp_path):
    line = fails_cleanly("assess", "--plan", tmp_path / "no-such-plan.toml")
    assert "no-such-plan.toml" in line


def test_malformed_plan(tmp_path):
    p = write(tmp_path, "broken.toml", "[plan]\nid = \n")
    assert "broken.toml" in fails_cleanly("assess", "--plan", p)


def test_malformed_scenario_json(tmp_path):
    p = write(tmp_path, "bad.json", '{"values": {"jobs": 4000,')
    assert "bad.json" in fails_cleanly("assess", "--scenario", p)


def test_unknown_scenario_id(tmp_path):
    p = write(tmp_path, "unknown.json", json.dumps({"values": {"happiness": 1}}))
    assert "happiness" in fails_cleanly("assess", "--scenario", p)


def test_out_of_range_scenario_value(tmp_path):
    p = write(tmp_path, "range.json", json.dumps({"values": {"jobs": 99999}}))
    assert "jobs" in fails_cleanly("project", "--scenario", p)


def test_unknown_subcommand_and_missing_files():
    assert "frobnicate" in fails_cleanly("frobnicate")
    fails_cleanly()
    assert "no-such.json" in fails_cleanly("assess", "--scenario", "no-such.json")
    assert "no-such.csv" in fails_cleanly("assess", "--data", "no-such.csv")
    fails_cleanly("assess", "--format", "xml")
    fails_cleanly("assess", "--as-of", "1980")


def test_bad_data_file(tmp_path):
    p = write(tmp_path, "bad.csv", "indicator,group,year,value,unit,status,source,note\n"
                                   "poor_rate,all,2023,120,percent,official,illustrative,\n")
    line = fails_cleanly("assess", "--data", p)
    assert "bad.csv" in line


def test_another_plan_with_the_embedded_assumptions_runs(tmp_path):
    """The embedded assumptions name Trà Cú's targets (plan:T01 …); another plan has other ids, so the
    defaults fall back to a target on the same indicator, then to the data's own pace."""
    p = write(tmp_path, "other.toml", """\
        [plan]
        id = "other"
        title_vi = "Khác"
        period = [2021, 2025]
        horizon = 2030

        [[targets]]
        id = "A1"
        number = 1
        section = "1"
        area = "labour"
        text_vi = "x"
        text_en = "x"
        indicator = "trained_labour_rate"
        group = "all"
        kind = "level"
        op = "at_least"
        value = 70.0
        year = 2025
        """)
    out = subprocess.run([sys.executable, "-m", "giamngheo", "assess", "--plan", p, "--format", "json"],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["target"] for r in rows] == ["A1"]
    assert rows[0]["target_value"] == 70.0


# ------------------------------------------------------------------------------ another district, no code change

def test_an_invented_district_is_assessed_from_its_own_data_dir(tmp_path):
    d = tmp_path / "data"
    (d / "plans").mkdir(parents=True)
    (d / "indicators.toml").write_text((DATA / "indicators.toml").read_text(encoding="utf-8"), encoding="utf-8")
    write(d, "sources.toml", '[survey]\ntitle = "Điều tra thử"\nissuer = "huyện"\n')
    write(d, "assumptions.toml", """\
        [poor_fall]
        section = "headline"
        label_vi = "Giảm tỷ lệ hộ nghèo"
        label_en = "Fall in the poor rate"
        unit = "pp_year"
        min = 0.0
        max = 3.0
        step = 0.05
        default = "plan:P1"
        """)
    write(d, "observations.csv", """\
        indicator,group,year,value,unit,status,source,note
        households,all,2020,1000,households,official,survey,
        households,all,2022,1000,households,official,survey,
        poor_households,all,2020,100,households,official,survey,
        poor_households,all,2022,80,households,official,survey,
        near_poor_households,all,2022,50,households,official,survey,
        trained_labour_rate,all,2020,50,percent,official,survey,
        trained_labour_rate,all,2021,52,percent,official,survey,
        trained_labour_rate,all,2022,54,percent,official,survey,
        """)
    write(d / "plans", "mau-son.toml", """\
        [plan]
        id = "mau-son"
        title_vi = "Kế hoạch giảm nghèo huyện Mẫu Sơn"
        period = [2020, 2024]
        horizon = 2026

        [[targets]]
        id = "P1"
        number = 1
        section = "1"
        area = "poverty"
        text_vi = "Giảm tỷ lệ hộ nghèo 2 điểm mỗi năm"
        text_en = "The poor rate falls 2 points a year"
        indicator = "poor_rate"
        group = "all"
        kind = "average_change"
        direction = "decrease"
        value = 2.0
        base_year = 2020
        year = 2024

        [[targets]]
        id = "L1"
        number = 2
        section = "1"
        area = "labour"
        text_vi = "Lao động qua đào tạo đạt 60%"
        text_en = "Trained labour reaches 60%"
        indicator = "trained_labour_rate"
        group = "all"
        kind = "level"
        op = "at_least"
        value = 60.0
        year = 2024
        """)
    rows = {r["target"]: r for r in json.loads(ok("assess", "--format", "json", env={"GIAMNGHEO_DATA": str(d)}))}
    assert list(rows) == ["P1", "L1"]
    p1, l1 = rows["P1"], rows["L1"]
    # P1: from 80 poor of 1000 in 2022 the rate falls the assumed 2 points a year (60, then 40 households;
    # the exits, 20 a year, stay under the cap 80 × 0.46 and 60 × 0.46). Average fall (10 % − 4 %) / 4 = 1.5 < 2;
    # target level 10 − 2 × 4 = 2 %, P = (4 − 10) / (2 − 10) = 0.75: at risk; needs (2 − 8) / 2 = −3 points a year
    assert p1["basis"] == "projected" and p1["method"] == "stock_flow"
    assert p1["value"] == pytest.approx(1.5)
    assert p1["progress"] == pytest.approx(0.75) and p1["status"] == "at_risk"
    assert p1["required_change"] == pytest.approx(-3.0)
    # L1: trend 2 points a year, closing the gap: 100 − 46 × (44/46)² = 100 − 44²/46 = 57.913;
    # P = (57.913 − 50) / (60 − 50) = 0.7913; needs (60 − 54) / 2 = 3 points a year
    assert l1["value"] == pytest.approx(100 - 44 ** 2 / 46)
    assert l1["progress"] == pytest.approx((100 - 44 ** 2 / 46 - 50) / 10) and l1["status"] == "at_risk"
    assert l1["required_change"] == pytest.approx(3.0)

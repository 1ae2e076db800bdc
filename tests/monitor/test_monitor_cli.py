"""python -m giamngheo monitor, run as a user runs it."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from tests.monitor.monitor_data import ROOT, write_csv


def cli(*args, env=None):
    e = dict(os.environ)
    e.pop("GIAMNGHEO_DATA", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "giamngheo", *map(str, args)], cwd=ROOT, env=e,
                          capture_output=True, text=True, timeout=180)


def ok(*args) -> str:
    r = cli(*args)
    assert r.returncode == 0, r.stderr
    return r.stdout


def fails_cleanly(*args) -> str:
    r = cli(*args)
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


@pytest.fixture
def scenario(tmp_path):
    p = tmp_path / "s.json"
    p.write_text(json.dumps({"name": "Lộ trình", "values": {"jobs": 3500}}), encoding="utf-8")
    return p


def rows_of(out: str, ind="poor_rate", group="all"):
    return {r["year"]: r for r in json.loads(out) if (r["indicator"], r["group"]) == (ind, group)}


def test_monitor_behind_ahead_and_the_agreed_value_does_not_move(tmp_path, scenario):
    (tmp_path / "a").mkdir()
    base = write_csv(tmp_path / "a" / "obs.csv")
    before = rows_of(ok("monitor", "--scenario", scenario, "--as-of", 2026, "--data", base, "--format", "json",
                        "--draws", 200))
    assert sorted(before) == [2027, 2028, 2029, 2030]
    agreed = before[2027]["agreed"]
    assert before[2027]["actual"] is None and before[2027]["status"] == "awaiting_data"
    for sub, delta, status in (("b", 1.0, "behind"), ("c", -1.0, "ahead")):
        (tmp_path / sub).mkdir()
        data = write_csv(tmp_path / sub / "obs.csv", [("poor_rate", "all", 2027, round(agreed + delta, 6))])
        after = rows_of(ok("monitor", "--scenario", scenario, "--as-of", 2026, "--data", data, "--format", "json",
                           "--draws", 200))
        r = after[2027]
        assert r["agreed"] == agreed                          # the later figure does not move the agreement
        assert r["low"] == before[2027]["low"] and r["high"] == before[2027]["high"]
        assert r["actual"] == pytest.approx(agreed + delta, abs=1e-6)
        assert r["gap"] == pytest.approx(delta, abs=1e-6)
        assert r["status"] == status and r["tolerance"] == 0.1
        assert after[2028]["status"] == "awaiting_data"


def test_monitor_csv_and_table(tmp_path, scenario):
    data = write_csv(tmp_path / "obs.csv", [("jobs_created", "all", 2027, 3400)])
    out = ok("monitor", "--scenario", scenario, "--as-of", 2026, "--data", data, "--format", "csv", "--draws", 0)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["indicator", "group", "year", "agreed", "low", "high", "actual", "gap", "tolerance",
                             "status", "unit", "quality", "lever"]
    jobs = next(r for r in rows if r["indicator"] == "jobs_created" and r["year"] == "2027")
    # committed 3.500 a year from 2027, done 3.400: 100 short, behind (tolerance 1 % = 35)
    assert (float(jobs["agreed"]), float(jobs["actual"]), float(jobs["gap"]), jobs["status"], jobs["lever"]) == \
        (3500.0, 3400.0, -100.0, "behind", "jobs")
    table = ok("monitor", "--scenario", scenario, "--as-of", 2026, "--data", data, "--draws", 0)
    assert "jobs_created" in table and "behind" in table and "Tolerance: a gap of at most 0.1 pp" in table


def test_monitor_bad_input_is_one_line_exit_2(tmp_path, scenario):
    assert "no-such.json" in fails_cleanly("monitor", "--scenario", tmp_path / "no-such.json", "--as-of", 2024)
    # the embedded data end in 2024
    assert "2026" in fails_cleanly("monitor", "--scenario", scenario, "--as-of", 2026)
    fails_cleanly("monitor", "--scenario", scenario)                    # no --as-of
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"values": {"happiness": 1}}), encoding="utf-8")
    assert "happiness" in fails_cleanly("monitor", "--scenario", bad, "--as-of", 2024)
    # a plan whose only target is an indicator the data and projection do not have
    plan = tmp_path / "plan.toml"
    plan.write_text('[plan]\nid = "p"\ntitle_vi = "p"\ntitle_en = "p"\nlocality_vi = "x"\nlocality_en = "x"\n'
                    'period = [2021, 2025]\nhorizon = 2030\n\n[[targets]]\nid = "X1"\nnumber = 1\nsection = "1"\n'
                    'area = "labour"\ntext_vi = "t"\ntext_en = "t"\nindicator = "certified_labour_rate"\ngroup = "all"\n'
                    'kind = "level"\nop = "at_least"\nvalue = 37.0\nyear = 2030\n', encoding="utf-8")
    assert "plan" in fails_cleanly("monitor", "--scenario", scenario, "--as-of", 2024, "--plan", plan)


def test_the_report_command_writes_the_follow_up_of_the_adoption_in_force(tmp_path):
    """python -m giamngheo report: the app's store holds an adopted path, so the Word report has its part."""
    import docx

    from giamngheo.data.observations import load_observations
    from giamngheo.monitor import adopt, agreed_path
    from giamngheo.plan.targets import load_plan
    from giamngheo.scenario.scenario import Scenario
    from giamngheo.store import Store
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    s = Store(f"sqlite:///{data_dir / 'giamngheo.db'}")
    s.add_adoption(adopt(agreed_path(load_plan(), load_observations(dataset="default"), Scenario(), 2024, draws=0),
                         "Lộ trình thử", "A", "NQ 1", date="2026-12-20"))
    s.dispose()
    out = tmp_path / "r.docx"
    r = cli("report", "--format", "docx", "--out", out, env={"GIAMNGHEO_DATA_DIR": str(data_dir)})
    assert r.returncode == 0, r.stderr
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "KẾT QUẢ THỰC HIỆN SO VỚI LỘ TRÌNH ĐÃ THỐNG NHẤT" in text and "«Lộ trình thử»" in text
    # without a store, no such part (and nothing is created)
    empty = tmp_path / "empty"
    empty.mkdir()
    r = cli("report", "--format", "docx", "--out", tmp_path / "r2.docx", env={"GIAMNGHEO_DATA_DIR": str(empty)})
    assert r.returncode == 0, r.stderr
    assert "LỘ TRÌNH ĐÃ THỐNG NHẤT" not in "\n".join(p.text for p in docx.Document(str(tmp_path / "r2.docx")).paragraphs)
    assert list(empty.iterdir()) == []

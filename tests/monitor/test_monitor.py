"""The agreed path and the measuring against it, with numbers worked by hand."""
from __future__ import annotations

import json

import pytest

from giamngheo.monitor import (
    TOL_RATE_PP,
    Adoption,
    MonitorError,
    adopt,
    agreed_path,
    basis_changes,
    measure,
    sentence,
    status_of,
    tolerance,
)
from giamngheo.plan.indicators import load_indicators
from giamngheo.plan.targets import load_plan
from giamngheo.scenario.scenario import Scenario
from tests.monitor.monitor_data import REVIEWS, make_obs

PLAN = load_plan()
IND = load_indicators()
SC = Scenario.of("", {"jobs": 3500})


@pytest.fixture
def obs_2026():
    return make_obs()


def path_2026(obs, draws=200):
    return agreed_path(PLAN, obs, SC, 2026, draws=draws)


def reading(m, ind, group, year):
    return next(r for r in m.readings if (r.indicator, r.group, r.year) == (ind, group, year))


def test_one_point_above_is_behind_below_is_ahead_and_the_agreed_value_stays(obs_2026):
    p = path_2026(obs_2026)
    agreed = p.get("poor_rate").values[2027]
    assert p.basis.as_of == 2026 and p.basis.lever_from == 2027
    for delta, status in ((1.0, "behind"), (-1.0, "ahead"), (0.05, "on_path")):
        later = make_obs([("poor_rate", "all", 2027, round(agreed + delta, 6))])
        # the path computed again with the later data in the file: the same numbers (the data after
        # the as-of year are never read)
        p2 = path_2026(later)
        assert p2.get("poor_rate").values == p.get("poor_rate").values
        assert p2.basis.data_digest == p.basis.data_digest
        r = reading(measure(adopt(p, "KH 2027", "Ban chỉ đạo"), later), "poor_rate", "all", 2027)
        assert r.agreed == agreed
        assert r.actual == pytest.approx(agreed + delta, abs=1e-6)
        assert r.gap == pytest.approx(delta, abs=1e-6)
        assert r.status == status
        assert r.tolerance == TOL_RATE_PP


def test_years_without_a_real_figure_await_data_and_illustrative_ones_do_not_count(obs_2026):
    p = path_2026(obs_2026)
    agreed = p.get("poor_rate").values[2027]
    later = make_obs([("poor_rate", "all", 2027, round(agreed + 2, 6))], status="illustrative")
    m = measure(p, later)
    r = reading(m, "poor_rate", "all", 2027)
    assert r.actual is None and r.status == "awaiting_data"
    assert [x.year for x in m.readings if (x.indicator, x.group) == ("poor_rate", "all")] == [2027, 2028, 2029, 2030]


def test_tolerance_by_unit_and_direction():
    rate, count, flow = IND["poor_rate"], IND["near_poor_households"], IND["jobs_created"]
    assert tolerance(rate, 3.0) == 0.1
    assert tolerance(count, 1500.0) == 15.0          # 1 % of 1.500
    assert tolerance(count, 40.0) == 1.0             # at least one household
    assert status_of(0.1, -1, 0.1) == "on_path"      # at the edge: inside
    assert status_of(0.11, -1, 0.1) == "behind"      # a higher poor rate than agreed
    assert status_of(-0.11, -1, 0.1) == "ahead"
    assert status_of(40.0, +1, tolerance(flow, 3500.0)) == "ahead"     # 40 jobs more than 3.500 (tol 35)
    assert status_of(None, 1, 1.0) == "awaiting_data"


def test_directions_come_from_the_targets(obs_2026):
    p = path_2026(obs_2026)
    assert p.get("poor_rate").direction == -1
    assert p.get("near_poor_households").direction == -1
    assert p.get("jobs_created").direction == +1
    assert p.get("poor_rate", "khmer") is not None          # the model's group is kept too


def test_levers_committed_against_done(obs_2026):
    p = path_2026(obs_2026)
    c = {x.lever: x for x in p.commitments}
    assert c["jobs"].value == 3500 and c["jobs"].indicator == "jobs_created"
    headline = {a.id for a in __import__("giamngheo.model.engine", fromlist=["x"]).make_context(
        PLAN, obs_2026.until(2026), 2026, current_year=2026).registry if a.section == "headline"}
    assert headline <= set(c)
    later = make_obs([("jobs_created", "all", 2027, 3400)])
    lr = next(x for x in measure(p, later).levers if x.lever == "jobs" and x.year == 2027)
    # committed 3.500 from 2027 (the lever acts from the year after the meeting), done 3.400: 100 short
    assert lr.committed == 3500 and lr.done == 3400 and lr.gap == -100 and lr.status == "behind"


def test_communes_share_of_the_agreed_fall(obs_2026):
    p = path_2026(obs_2026)
    a27 = p.get("poor_households").values[2027]
    later = make_obs([("poor_households", "xa2025:dai-an", 2026, 300), ("poor_households", "xa2025:dai-an", 2027, 240)],
                     status="review")
    rows = [c for c in measure(p, later).communes if c.group == "xa2025:dai-an"]
    assert len(rows) == 1
    c = rows[0]
    # the area had 1.500 poor households at end-2026 (review); the agreed fall is 1.500 − a27
    assert c.fall == 60 and c.agreed_fall == pytest.approx(1500 - a27)
    assert c.share == pytest.approx(60 / (1500 - a27))
    assert c.poor_share == pytest.approx(300 / 1500)


def test_bands_hold_the_agreed_value(obs_2026):
    p = path_2026(obs_2026, draws=500)
    s = p.get("poor_rate")
    for y in range(2027, 2031):
        assert s.low[y] <= s.high[y] and s.low[y] < s.high[y]
    assert 2026 not in s.low          # an actual year has no band


def test_adoption_round_trips_through_json(obs_2026):
    a = adopt(path_2026(obs_2026), "Lộ trình 2027–2030", "Nguyễn Văn A", "NQ 12-NQ/ĐU", "thông qua")
    back = Adoption.from_dict(json.loads(json.dumps(a.to_dict())))
    assert back == a


def test_bad_input(obs_2026):
    with pytest.raises(MonitorError, match="2027"):
        agreed_path(PLAN, obs_2026, SC, 2027)              # after the data (they end in 2026)
    with pytest.raises(MonitorError):
        adopt(path_2026(obs_2026), " ", "x")
    with pytest.raises(MonitorError, match="unknown lever"):
        agreed_path(PLAN, obs_2026, Scenario.of("", {"nope": 1}), 2026, draws=0)


def test_basis_changes_name_a_revised_figure(obs_2026):
    p = path_2026(obs_2026, draws=0)
    assert basis_changes(p, PLAN, make_obs([("poor_rate", "all", 2027, 3.0)])) == []
    # a commune's figure of an earlier year is not a revision of what the path rests on
    assert basis_changes(p, PLAN, make_obs([("poor_households", "xa2025:dai-an", 2026, 300)])) == []
    revised = make_obs(reviews=[(i, g, y, v + (5 if (i, y) == ("poor_households", 2026) else 0))
                                for i, g, y, v in REVIEWS])
    assert basis_changes(p, PLAN, revised) == ["data_revised"]


def test_sentence_says_where_the_latest_year_stands(obs_2026):
    p = path_2026(obs_2026, draws=0)
    agreed = p.get("poor_rate").values[2027]
    a = adopt(p, "KH", "x")
    m = measure(a, make_obs([("poor_rate", "all", 2027, round(agreed + 1, 6))]))
    vi, en = sentence(m, "vi"), sentence(m, "en")
    assert "2027" in vi and "chậm 1,00 điểm % so với" in vi
    assert "behind" in en and "1.00 pp" in en
    assert "chưa có số liệu" in sentence(measure(a, obs_2026), "vi")


def test_the_main_chart_draws_the_adopted_path_as_its_baseline(obs_2026):
    from giamngheo.model.engine import make_context
    from giamngheo.model.uncertainty import monte_carlo
    from giamngheo.monitor import path_projection
    from giamngheo.report.views import main_chart_rows
    p = path_2026(obs_2026, draws=0)
    ctx = make_context(PLAN, obs_2026, 2026, current_year=2026)
    mc = monte_carlo(ctx, Scenario(), n=50)
    rows = main_chart_rows(ctx, Scenario(), mc, baseline=path_projection(p), baseline_label="Lộ trình đã thống nhất")
    base = {(r["group"], r["year"]): r["value"] for r in rows if r["role"] == "baseline"}
    assert {r["role_label"] for r in rows if r["role"] == "baseline"} == {"Lộ trình đã thống nhất"}
    # drawn although the current scenario is the default one, with the agreed values themselves
    assert base[("all", 2027)] == pytest.approx(p.get("poor_rate").values[2027])
    assert base[("khmer", 2030)] == pytest.approx(p.get("poor_rate", "khmer").values[2030])
    assert not [r for r in main_chart_rows(ctx, Scenario(), mc) if r["role"] == "baseline"]

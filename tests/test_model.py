"""The household stock–flow model of poverty: hand-worked years, conservation, monotonic responses,
the standard break, and totals as the sum of the groups."""
from __future__ import annotations

import numpy as np
import pytest

from giamngheo.scenario.assumptions import Scenario
from giamngheo.model.engine import make_context, poverty_inputs, poverty_start, project
from giamngheo.model.poverty import PovertyInputs, run_poverty
from giamngheo.data.observations import load_observations
from giamngheo.plan.targets import load_plan

from conftest import DATA, DEMO, PLAN_FILE


def quiet(**over):
    """No inflows, no channels beyond the reference, nobody unable to work: only the assumed falls act."""
    p = dict(poor_fall=2.0, near_poor_fall=1.0, household_growth=0.0, new_poor_rate=0.0, returning_poor_rate=0.0,
             exit_to_near_poor=60.0, no_work_share=0.0, no_work_exit_rate=10.0, near_no_work_share=25.0,
             jobs=3000.0, overseas=350.0, overseas_ethnic=210.0, job_reach_poor=5.0, job_lift=40.0,
             overseas_reach_poor=4.6, overseas_lift=90.0, shock_year=0.0, shock_households=0.0,
             rebase_factor=1.0, rebase_factor_near=1.0)
    p.update(over)
    return p


def one_group(H=1000.0, P=100.0, N=50.0, start=2025, horizon=2028, **kw):
    return PovertyInputs(start_year=start, horizon=horizon, groups={"rest": (H, P, N)}, **kw)


def col(res, group, key):
    return [float(x) for x in res.stocks[group][key]]


def total(res, key):
    return np.array([sum(np.asarray(res.stocks[g][key][i], float) for g in res.stocks) for i in range(len(res.years))])


# ------------------------------------------------------------------------------ worked by hand

def test_three_years_by_hand():
    res = run_poverty(one_group(), quiet())
    assert res.years == [2026, 2027, 2028]
    # P* = (P/H − 2.0/100) × H: (0.10 − 0.02) × 1000 = 80, then 60, then 40; exits 20 a year ≤ E_max = P
    assert col(res, "rest", "P") == pytest.approx([80.0, 60.0, 40.0])
    assert col(res, "rest", "H") == pytest.approx([1000.0] * 3)
    assert [float(e) for e in res.flows["rest"]["exits"]] == pytest.approx([20.0] * 3)
    # near-poor: 60 % of the 20 exits (12) join it; its target (N/H − 1 %) × H = N − 10, so it falls 10 a year
    assert col(res, "rest", "N") == pytest.approx([40.0, 30.0, 20.0])
    assert res.rebased_at is None


def test_household_growth_keeps_the_rate_fall():
    res = run_poverty(one_group(), quiet(household_growth=1.0))
    H = [1000 * 1.01, 1000 * 1.01 ** 2, 1000 * 1.01 ** 3]            # 1010, 1020.1, 1030.301
    assert col(res, "rest", "H") == pytest.approx(H)
    # P' = (P/H − 0.02) × H': 0.08 × 1010 = 80.8; 0.06 × 1020.1 = 61.206; 0.04 × 1030.301 = 41.21204
    assert col(res, "rest", "P") == pytest.approx([80.8, 61.206, 41.21204])
    rates = [p / h for p, h in zip(col(res, "rest", "P"), H)]
    assert rates == pytest.approx([0.08, 0.06, 0.04])


def test_exits_are_capped_by_households_unable_to_work():
    # fall 8 points: P* = (0.10 − 0.08) × 1000 = 20, so E0 = 80; but 60 % cannot work and leave at 10 %:
    # E_max = 100 × (1 − 0.6 + 0.6 × 0.1) = 46, so P' = 100 − 46 = 54
    res = run_poverty(one_group(horizon=2026), quiet(poor_fall=8.0, no_work_share=60.0, no_work_exit_rate=10.0))
    assert col(res, "rest", "P") == pytest.approx([54.0])
    assert float(res.flows["rest"]["exits"][0]) == pytest.approx(46.0)


def test_inflows_are_absorbed_by_the_calibrated_exits_until_the_cap():
    # new = 1 % of O = 1 % × (1000 − 100 − 50) = 8.5; returning = 10 % of N = 5. E0 = 100 + 8.5 + 5 − 80 = 33.5
    res = run_poverty(one_group(horizon=2026), quiet(new_poor_rate=1.0, returning_poor_rate=10.0))
    assert float(res.flows["rest"]["new"][0]) == pytest.approx(8.5)
    assert float(res.flows["rest"]["returning"][0]) == pytest.approx(5.0)
    assert float(res.flows["rest"]["exits"][0]) == pytest.approx(33.5)
    assert col(res, "rest", "P") == pytest.approx([80.0])


def test_jobs_above_the_plan_number_add_exits():
    base = dict(poor_fall=1.0, job_reach_poor=10.0, job_lift=50.0, overseas_reach_poor=0.0)
    inp = one_group(horizon=2026, ref_jobs=300.0)
    # E0 = 100 − (0.10 − 0.01) × 1000 = 10; channel exits: jobs × 1 (one group) × 10 % × 50 % = jobs × 0.05
    # jobs 500: E = 10 − 300 × 0.05 + 500 × 0.05 = 10 − 15 + 25 = 20 → P = 80
    res = run_poverty(inp, quiet(jobs=500.0, **base))
    assert col(res, "rest", "P") == pytest.approx([80.0])
    assert float(res.flows["rest"]["exits_jobs"][0]) == pytest.approx(20.0)    # min(25, E = 20)
    # jobs 0: E = 10 − 15 + 0 < 0 → 0 exits → P = 100
    assert col(run_poverty(inp, quiet(jobs=0.0, **base)), "rest", "P") == pytest.approx([100.0])
    # jobs at the plan number: the assumed fall alone, 10 exits
    assert col(run_poverty(inp, quiet(jobs=300.0, **base)), "rest", "P") == pytest.approx([90.0])


def test_two_groups_total_falls_by_the_headline():
    inp = PovertyInputs(start_year=2025, horizon=2026,
                        groups={"khmer": (600.0, 60.0, 30.0), "rest": (400.0, 40.0, 20.0)})
    res = run_poverty(inp, quiet(poor_fall=1.0, khmer_poor_fall=1.5))
    # khmer: (0.10 − 0.015) × 600 = 51; rest falls by (1.0 × 1000 − 1.5 × 600) / 400 = 0.25 points:
    # (0.10 − 0.0025) × 400 = 39; total 90 = 100 − 1.0 % × 1000
    assert col(res, "khmer", "P") == pytest.approx([51.0])
    assert col(res, "rest", "P") == pytest.approx([39.0])
    assert total(res, "P")[0] == pytest.approx(90.0)


# ------------------------------------------------------------------------------ the standard break

def test_break_multiplies_the_stocks_by_the_rebase_factors():
    inp = one_group(start=2025, horizon=2029, break_year=2027)
    res = run_poverty(inp, quiet(poor_fall=0.0, near_poor_fall=0.0, rebase_factor=2.33, rebase_factor_near=1.5))
    # no fall, no flows: the stocks stand still, except at 2027, the first year on the new standard
    assert col(res, "rest", "P") == pytest.approx([100.0, 233.0, 233.0, 233.0])
    assert col(res, "rest", "N") == pytest.approx([50.0, 75.0, 75.0, 75.0])
    assert res.rebased_at == 2027


def test_break_then_fall():
    inp = one_group(start=2025, horizon=2027, break_year=2027)
    res = run_poverty(inp, quiet(poor_fall=2.0, rebase_factor=2.0))
    # 2026: 100 → 80; 2027: re-based 80 × 2 = 160, then (0.16 − 0.02) × 1000 = 140
    assert col(res, "rest", "P") == pytest.approx([80.0, 140.0])


def test_no_rebase_when_the_data_are_already_on_the_new_standard():
    res = run_poverty(one_group(start=2027, horizon=2029, break_year=2027), quiet(poor_fall=0.0, rebase_factor=3.0))
    assert res.rebased_at is None and col(res, "rest", "P") == pytest.approx([100.0, 100.0])


# ------------------------------------------------------------------------------ random draws

N_DRAWS = 4000
RANGES = dict(poor_fall=(0, 3), khmer_poor_fall=(0, 4), near_poor_fall=(0, 3), jobs=(0, 8000),
              overseas=(0, 1500), overseas_ethnic=(0, 1500), household_growth=(0, 3), new_poor_rate=(0, 2),
              returning_poor_rate=(0, 10), exit_to_near_poor=(0, 100), no_work_share=(0, 100),
              no_work_exit_rate=(0, 50), near_no_work_share=(0, 100), job_reach_poor=(0, 50), job_lift=(0, 100),
              overseas_reach_poor=(0, 50), overseas_lift=(0, 100), shock_households=(0, 3000),
              rebase_factor=(1, 4), rebase_factor_near=(0.5, 4))

TWO_GROUPS = PovertyInputs(start_year=2025, horizon=2030, break_year=2027,
                           groups={"khmer": (27099.0, 354.0, 604.0), "rest": (16631.0, 166.0, 402.0)},
                           overseas_split={"khmer": "ethnic", "rest": "non_ethnic"})


def draws(seed, **fixed):
    rng = np.random.default_rng(seed)
    p = {k: rng.uniform(lo, hi, N_DRAWS) for k, (lo, hi) in RANGES.items()}
    p["shock_year"] = rng.integers(2026, 2031, N_DRAWS).astype(float)
    p.update({k: np.full(N_DRAWS, float(v)) for k, v in fixed.items()})
    return p


def test_the_ranges_are_the_registry_ranges():
    ctx = make_context(load_plan(PLAN_FILE), load_observations(DEMO))
    for k, (lo, hi) in RANGES.items():
        assert (ctx.registry[k].min, ctx.registry[k].max) == (lo, hi), k


@pytest.mark.parametrize("seed", [1, 2])
def test_households_are_conserved_in_every_year_and_group(seed):
    p = draws(seed)
    res = run_poverty(TWO_GROUPS, p)
    for g, (H0, _, _) in TWO_GROUPS.groups.items():
        for i in range(len(res.years)):
            H, P, N = (np.asarray(res.stocks[g][k][i]) for k in "HPN")
            assert H.shape == (N_DRAWS,)
            assert np.allclose(H, H0 * (1 + p["household_growth"] / 100) ** (i + 1))
            assert (P >= -1e-9).all() and (N >= -1e-9).all()
            assert (H - P - N >= -1e-9).all()                                   # O = H − P − N ≥ 0
            for f in ("exits", "new", "returning", "shock"):
                assert (np.asarray(res.flows[g][f][i]) >= -1e-9).all()


@pytest.mark.parametrize("lever", ["jobs", "overseas"])
def test_more_jobs_or_placements_never_raise_poverty(lever):
    # with the inflows that depend on the non-poor stocks switched off (see the report: with them, more exits
    # now can mean more returning later)
    p = draws(3, new_poor_rate=0.0, returning_poor_rate=0.0)
    more = dict(p)
    more[lever] = p[lever] + np.random.default_rng(4).uniform(0, 1000, N_DRAWS)
    r0, r1 = run_poverty(TWO_GROUPS, p), run_poverty(TWO_GROUPS, more)
    for g in TWO_GROUPS.groups:
        assert (np.array(r1.stocks[g]["P"]) <= np.array(r0.stocks[g]["P"]) + 1e-9).all(), g
    d = total(r1, "P") - total(r0, "P")
    assert (d <= 1e-9).all() and (d < -1e-6).any()          # never up, and down somewhere


def test_more_jobs_never_raise_poverty_at_the_embedded_defaults():
    ctx = make_context(load_plan(PLAN_FILE), load_observations(DEMO))
    inp, vals = poverty_inputs(ctx), ctx.registry.resolve(Scenario())
    for lever, grid in (("jobs", np.arange(0.0, 8001.0, 250.0)), ("overseas", np.arange(0.0, 1501.0, 50.0))):
        res = run_poverty(inp, {**vals, lever: grid})
        P = total(res, "P")                                  # year × grid point
        assert (np.diff(P, axis=1) <= 1e-9).all(), lever
    # (at these defaults the exit cap binds in 2026 for both groups, so the grid barely moves: see the report)


def test_a_shock_adds_poor_households_from_its_year_on():
    inp = one_group(horizon=2029)
    base = run_poverty(inp, quiet(poor_fall=1.0))
    shocked = run_poverty(inp, quiet(poor_fall=1.0, shock_year=2027.0, shock_households=30.0))
    P0, P1 = col(base, "rest", "P"), col(shocked, "rest", "P")
    # 90, 80, 70, 60 without; the shock year adds its 30 households on top of the year's fall: 110;
    # the next years fall 1 point (10) from the higher stock: 100, 90
    assert P0 == pytest.approx([90.0, 80.0, 70.0, 60.0])
    assert P1 == pytest.approx([90.0, 110.0, 100.0, 90.0])
    assert [float(x) for x in shocked.flows["rest"]["shock"]] == pytest.approx([0.0, 30.0, 0.0, 0.0])


def test_a_shock_is_shared_by_households_and_never_lowers_poverty():
    p = draws(5, new_poor_rate=0.0, returning_poor_rate=0.0, shock_households=0.0)
    shocked = {**p, "shock_households": np.random.default_rng(6).uniform(1, 3000, N_DRAWS)}
    r0, r1 = run_poverty(TWO_GROUPS, p), run_poverty(TWO_GROUPS, shocked)
    d = total(r1, "P") - total(r0, "P")
    years = np.array(r0.years)[:, None]
    Y = p["shock_year"][None, :]
    assert np.abs(d[years < Y]).max() == 0.0                 # nothing before the shock year
    assert (d[years >= Y] >= -1e-9).all()                    # never lower from it on
    assert (d[years == Y] > 0).all()                         # and higher in it
    # shared in proportion to households: 27099 / 43730 of it to the Khmer group
    i = r0.years.index(2026)
    first = shocked["shock_year"] == 2026
    sh = np.asarray(r1.flows["khmer"]["shock"][i])[first]
    assert sh == pytest.approx(shocked["shock_households"][first] * 27099 / 43730)


# ------------------------------------------------------------------------------ the engine's poverty block

@pytest.fixture(scope="module")
def ctx():
    return make_context(load_plan(PLAN_FILE), load_observations(DEMO))


def test_start_stocks_rest_is_all_minus_khmer(ctx):
    year, groups = poverty_start(ctx)
    assert year == 2025
    # data/observations.csv, 2025: households 43730 (Khmer 27099), poor 520 (354), near-poor 1006 (604)
    assert groups["khmer"] == (27099.0, 354.0, 604.0)
    assert groups["rest"] == pytest.approx((43730 - 27099, 520 - 354, 1006 - 604))
    inp = poverty_inputs(ctx)
    assert inp.break_year == 2027 and inp.overseas_split == {"khmer": "ethnic", "rest": "non_ethnic"}
    assert (inp.ref_jobs, inp.ref_overseas, inp.ref_overseas_ethnic) == (3000.0, 350.0, 210.0)


def test_totals_are_the_sum_of_the_groups(ctx):
    proj = project(ctx, Scenario())
    res = run_poverty(poverty_inputs(ctx), ctx.registry.resolve(Scenario()))
    assert res.years == [2026, 2027, 2028, 2029, 2030]
    for i, y in enumerate(res.years):
        for ind, key in (("households", "H"), ("poor_households", "P"), ("near_poor_households", "N")):
            khmer = proj.get(ind, "khmer", y)
            rest = float(res.stocks["rest"][key][i])
            assert khmer == pytest.approx(float(res.stocks["khmer"][key][i]))
            assert proj.get(ind, "all", y) == pytest.approx(khmer + rest), (ind, y)
        assert proj.get("poor_rate", "all", y) == pytest.approx(
            100 * proj.get("poor_households", "all", y) / proj.get("households", "all", y))
    # the actual years stay actual
    p = proj.path("poor_households", "all")
    assert p.basis(2025) == "actual" and p.values[2025] == 520.0 and p.basis(2026) == "projected"
    assert p.method == "stock_flow"


def test_ethnic_placements_never_exceed_all_placements():
    # the model reads min(ethnic, all): 210 ethnic of 100 in all acts as 100 of 100
    p = quiet(poor_fall=0.5, overseas=100.0, overseas_reach_poor=20.0, overseas_lift=90.0)
    inp = PovertyInputs(start_year=2025, horizon=2026, groups={"khmer": (600.0, 60.0, 30.0), "rest": (400.0, 40.0, 20.0)},
                        overseas_split={"khmer": "ethnic", "rest": "non_ethnic"}, ref_overseas=100.0,
                        ref_overseas_ethnic=50.0)
    a = run_poverty(inp, {**p, "overseas_ethnic": 210.0})
    b = run_poverty(inp, {**p, "overseas_ethnic": 100.0})
    for g in ("khmer", "rest"):
        assert col(a, g, "P") == pytest.approx(col(b, g, "P"))
    # by hand, a placement lifts 20 % × 90 % = 0.18 households, a job 5 % × 40 % = 0.02 × the group's share.
    # Khmer (share 0.6): E0 = 60 − (0.10 − 0.005) × 600 = 3; jobs 3000 × 0.6 × 0.02 = 36; reference placements
    #   50 × 0.18 = 9, so C_ref = 45. 100 ethnic: C = 36 + 18 = 54, E = 3 − 45 + 54 = 12, P = 48.
    #   0 ethnic: C = 36, E = 3 − 45 + 36 < 0 → 0, P = 60.
    # Rest (share 0.4, falls (0.5 × 1000 − 0.5 × 600) / 400 = 0.5 points): E0 = 40 − 0.095 × 400 = 2; jobs 24;
    #   reference non-ethnic 100 − 50 = 50 → 9, C_ref = 33. 100 ethnic leaves 0: C = 24, E < 0 → P = 40.
    #   0 ethnic gives 100: C = min(24 + 18, cap 40) = 40, E = 2 − 33 + 40 = 9, P = 31.
    c = run_poverty(inp, {**p, "overseas_ethnic": 0.0})
    assert (col(b, "khmer", "P"), col(b, "rest", "P")) == (pytest.approx([48.0]), pytest.approx([40.0]))
    assert (col(c, "khmer", "P"), col(c, "rest", "P")) == (pytest.approx([60.0]), pytest.approx([31.0]))


def test_newly_near_poor_stay_near_poor_in_their_first_year():
    """H = 1000, P = 0, N = 100, O = 900; no growth, no poor flows; the near-poor rate is assumed to fall
    by 10 points (to 0 %), nobody lacks work capacity. Newly near-poor: 2 % × 900 = 18 households.
    Exits may take every near-poor household of the start (100) but not the 18 who just entered, so
    N' = 100 + 18 − 100 = 18 (and O' = 1000 − 0 − 18 = 982: households conserved)."""
    from giamngheo.model.poverty import PovertyInputs, run_poverty

    inp = PovertyInputs(start_year=2025, horizon=2026, groups={"rest": (1000.0, 0.0, 100.0)})
    res = run_poverty(inp, {"poor_fall": 0.0, "near_poor_fall": 10.0, "near_new_rate": 2.0,
                            "near_no_work_share": 0.0, "no_work_share": 0.0, "jobs": 3000, "overseas": 350,
                            "overseas_ethnic": 210})
    assert float(res.stocks["rest"]["N"][0]) == pytest.approx(18.0)
    assert float(res.stocks["rest"]["P"][0]) == pytest.approx(0.0)
    assert float(res.stocks["rest"]["H"][0]) == pytest.approx(1000.0)


def test_trend_path_fallback_by_hand():
    """10, 12, 14 (2021–2023): least-squares slope 2 a year → 16 in 2024, 18 in 2025. A rate 96, 98,
    99.5: slope (−1·−1.83 + 0 + 1·1.67)/2 = 1.75 → 101.25 in 2024, kept at 100."""
    from giamngheo.plan.indicators import load_indicators
    from giamngheo.model.trend import trend_path

    ind = load_indicators()
    p = trend_path(ind["population"], "all", {2021: 10.0, 2022: 12.0, 2023: 14.0}, 2025)
    assert p.values[2024] == pytest.approx(16.0) and p.values[2025] == pytest.approx(18.0)
    assert p.actual == frozenset({2021, 2022, 2023}) and p.method == "trend_ols(2021–2023)"
    r = trend_path(ind["electricity_rate"], "all", {2021: 96.0, 2022: 98.0, 2023: 99.5}, 2025)
    assert r.values[2024] == 100.0 and r.values[2025] == 100.0
    one = trend_path(ind["population"], "all", {2023: 5.0}, 2025)      # one point: held flat
    assert one.values[2025] == 5.0 and one.method == "flat(2023)"

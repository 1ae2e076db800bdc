"""Monte Carlo: probabilities, reproducibility, direction, bands, and a case with a closed form."""
from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest
from conftest import DEMO, PLAN_FILE, obs_from_rows, target, tiny_plan
from scipy import stats

from giamngheo import cli
from giamngheo.data.observations import load_observations
from giamngheo.model.engine import Context, make_context, run
from giamngheo.model.uncertainty import (
    COMPACT_DRAWS,
    PROB_AT_RISK,
    PROB_ON_TRACK,
    draw_params,
    monte_carlo,
    monte_carlo_cached,
    probability_status,
    sd_of,
    value_range,
)
from giamngheo.plan import kinds
from giamngheo.plan.indicators import load_indicators
from giamngheo.plan.targets import load_plan
from giamngheo.scenario.registry import Assumption, Registry
from giamngheo.scenario.scenario import Scenario

N = 4000


@pytest.fixture(scope="module")
def ctx():
    return make_context(load_plan(PLAN_FILE), load_observations(DEMO))


@pytest.fixture(scope="module")
def base(ctx):
    return monte_carlo(ctx, Scenario(), n=N, seed=7)


# ------------------------------------------------------------------------------- the embedded plan

def test_probabilities_for_projected_and_nowcast_targets_only(ctx, base):
    """A chance of meeting the target for a target still ahead (projected) and for one awaiting data
    with a nowcast; none for one decided on real figures or with nothing to measure."""
    projected = [v for v in base.verdicts if v.basis == "projected"]
    nowcast = [v for v in base.verdicts if v.status == "awaiting_data" and v.basis == "nowcast"]
    assert len(projected) >= 3 and nowcast
    for v in base.verdicts:
        if v.basis in ("projected", "nowcast"):
            assert v.probability is not None and 0.0 <= v.probability <= 1.0, v.target
        else:
            assert v.probability is None, v.target
    assert {v.status for v in base.verdicts if v.basis == "actual"} <= {"achieved", "missed"}


def test_verdicts_stay_the_deterministic_ones(ctx, base):
    """The verdict of a projected target is the UNSD one on the scenario's own path; only the
    probability is added."""
    det = run(ctx, Scenario())[1]
    for a, b in zip(det, base.verdicts):
        assert (a.target, a.status, a.value, a.progress) == (b.target, b.status, b.value, b.progress)


def test_the_same_seed_repeats_exactly_and_another_seed_differs(ctx, base):
    again = monte_carlo(ctx, Scenario(), n=N, seed=7)
    assert [v.probability for v in again.verdicts] == [v.probability for v in base.verdicts]
    p1, p2 = base.projection.path("poor_rate", "all"), again.projection.path("poor_rate", "all")
    assert all(np.array_equal(p1.draws[y], p2.draws[y]) for y in p1.draws)
    other = monte_carlo(ctx, Scenario(), n=N, seed=8)
    p3 = other.projection.path("poor_rate", "all")
    assert not np.array_equal(p1.draws[ctx.horizon], p3.draws[ctx.horizon])


def test_more_jobs_never_lower_the_chance_of_halving_poverty(ctx):
    """Common random numbers (same seed): each draw differs only in jobs, and more jobs never raise
    poverty in the model, so the share of draws meeting T24 cannot fall."""
    probs = [monte_carlo(ctx, Scenario.of("", {"jobs": j}), n=N, seed=3).probability("T24") for j in (0, 3000, 8000)]
    assert probs[0] <= probs[1] <= probs[2]
    assert probs[2] > probs[0]                      # and the lever does move it


def test_a_faster_trend_raises_the_chance_of_a_level_target(ctx):
    lo = monte_carlo(ctx, Scenario.of("", {"trained_labour_rate_change": 0.2}), n=N, seed=3).probability("T27")
    hi = monte_carlo(ctx, Scenario.of("", {"trained_labour_rate_change": 0.4}), n=N, seed=3).probability("T27")
    assert lo < hi


def test_draws_are_clipped_to_bounds_and_whole_numbers_rounded(ctx):
    sc = Scenario.of("", {"poor_fall": 11.0, "jobs": 7900})
    p = draw_params(ctx.registry, sc, n=5000, seed=1)
    a = ctx.registry["poor_fall"]
    assert p["poor_fall"].min() == a.min and p["poor_fall"].max() <= a.max
    # a normal around 11 with the registry's sd falls below the bound 10 with probability Φ((10 − 11)/sd);
    # every such draw is clipped to the bound
    from scipy.stats import norm
    assert (p["poor_fall"] == a.min).mean() == pytest.approx(norm.cdf((a.min - 11.0) / a.sd), abs=0.02)
    assert np.array_equal(p["jobs"], np.round(p["jobs"])) and p["jobs"].max() == ctx.registry["jobs"].max
    assert "shock_year" not in p                              # no spread: not drawn
    assert set(p) == {x.id for x in ctx.registry if sd_of(x) > 0}


def test_sd_overrides_switch_the_spread_off(ctx):
    """With every spread set to zero, every draw is the scenario: each probability is 0 or 1 and agrees
    with the deterministic verdict's own test."""
    zero = {a.id: 0.0 for a in ctx.registry}
    r = monte_carlo(ctx, Scenario(), n=200, seed=1, overrides=zero)
    proj = run(ctx, Scenario())[0]
    for tg, v in zip(ctx.plan.targets, r.verdicts):
        if v.basis == "projected":
            met = bool(kinds.measure(ctx.plan, tg, proj.getter(tg.indicator, tg.group)).met())
            assert v.probability == (1.0 if met else 0.0), tg.id


def test_bands_and_the_compact_result(ctx, base):
    b = base.bands("poor_rate", "all")
    proj = b[b["basis"] == "projected"]
    assert (proj["p10"] <= proj["p25"]).all() and (proj["p25"] <= proj["p50"]).all()
    assert (proj["p50"] <= proj["p75"]).all() and (proj["p75"] <= proj["p90"]).all()
    assert b[b["basis"] == "actual"]["p10"].isna().all()
    d = base.projection.path("poor_rate", "all").draws[ctx.horizon]
    assert base.percentile("poor_rate", "all", 25)[ctx.horizon] == pytest.approx(float(np.percentile(d, 25)))
    c = base.compacted(keep=1000)
    assert [v.probability for v in c.verdicts] == [v.probability for v in base.verdicts]
    assert len(c.projection.path("poor_rate", "all").draws[ctx.horizon]) == 1000
    # the kept draws are a random sample: their median is close to the full run's
    spread = float(np.percentile(d, 90) - np.percentile(d, 10))
    assert abs(c.percentile("poor_rate", "all", 50)[ctx.horizon] - float(np.median(d))) < 0.1 * spread


def test_the_compact_draws_are_the_first_draws_copied_to_the_bit(ctx, base):
    c = base.compacted(keep=1000)
    assert c.projection.paths.keys() == base.projection.paths.keys()
    n = 0
    for key, p in base.projection.paths.items():
        q = c.projection.path(*key)
        assert q.values is p.values and list(q.draws) == list(p.draws)
        for y, d in p.draws.items():
            want = np.array(d[:1000])         # the way the compact result was first made, year by year
            got = q.draws[y]
            assert type(got) is np.ndarray and got.dtype == want.dtype and got.shape == want.shape
            assert got.tobytes() == want.tobytes() and not np.shares_memory(got, d)
            n += 1
    assert n > 50


def test_the_cached_result_is_reused(ctx):
    a = monte_carlo_cached(ctx, Scenario.of("", {"jobs": 3500}), n=3000, seed=2)
    b = monte_carlo_cached(ctx, Scenario.of("", {"jobs": 3500}), n=3000, seed=2)
    assert a is b and a.compact
    assert len(a.projection.path("poor_rate", "all").draws[ctx.horizon]) == min(3000, COMPACT_DRAWS)


def test_probability_thresholds():
    assert probability_status(PROB_ON_TRACK) == "on_track"
    assert probability_status(PROB_ON_TRACK - 1e-6) == "at_risk"
    assert probability_status(PROB_AT_RISK) == "at_risk"
    assert probability_status(PROB_AT_RISK - 1e-6) == "off_track"
    assert probability_status(None) is None
    assert 0 < PROB_AT_RISK < PROB_ON_TRACK < 1


def test_value_range_is_two_sd_clipped_or_the_whole_bounds(ctx):
    a = ctx.registry["household_growth"]                     # sd 0.1 stated
    assert value_range(a, 0.41) == pytest.approx((0.41 - 0.2, 0.41 + 0.2))
    pf = ctx.registry["poor_fall"]
    assert value_range(pf, 50.0) == pytest.approx((50.0 - 2 * pf.sd, 50.0 + 2 * pf.sd))
    assert value_range(pf, pf.min + 1.0)[0] == pf.min         # 1 above the minimum − 2 sd: clipped
    s = ctx.registry["shock_households"]                     # no spread: its whole range
    assert value_range(s, 0.0) == (s.min, s.max)


def test_cli_assess_gains_probabilities():
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = cli.main(["assess", "--dataset", "demo", "--draws", "500", "--seed", "1", "--format", "json"])
    assert code == 0
    out = json.loads(buf.getvalue())
    probs = {r["target"]: r["probability"] for r in out}
    assert all(0 <= probs[t] <= 1 for t in ("T24", "T25", "T27"))
    status = {r["target"]: r["status"] for r in out}
    assert status["T23"] == "missed" and probs["T23"] is None          # decided on official figures
    # T01 awaits data; its nowcast rests on the demo's fixed 2025 figure (520 of 43,730 households), not on
    # a draw: (8.42 − 520/43730 × 100) / 4 = 1.81 ≥ 1.0 in every draw, so a chance of 1
    assert status["T01"] == "awaiting_data" and (8.42 - 520 / 43730 * 100) / 4 >= 1.0
    assert probs["T01"] == 1.0


# ------------------------------------------------------------------------------------ a closed form

def _linear_context(mu: float, sd: float) -> Context:
    """One indicator with five actual years (ending at 3.5 in 2025) and one assumption: its yearly
    change, drawn normal(mu, sd) and held for 2026–2030."""
    plan = tiny_plan(
        target("level", indicator="unemployment_rate", id="U1", op="at_most", value=2.6, year=2030),
        target("average_change", indicator="unemployment_rate", id="U2", direction="decrease", value=0.25,
               base_year=2025, year=2030),
        target("level", indicator="unemployment_rate", id="U3", op="at_least", value=2.2, year=2030))
    obs = obs_from_rows([("unemployment_rate", "all", y, v) for y, v in
                         zip(range(2021, 2026), (4.3, 4.0, 3.9, 3.6, 3.5))])
    a = Assumption(id="unemployment_rate_change", section="indicators", label_vi="x", label_en="x", unit="pp_year",
                   min=-5.0, max=5.0, step=0.05, default=mu, sd=sd, indicator="unemployment_rate")
    return Context(plan, obs, load_indicators(), 2025, Registry([a]))


def test_closed_form_normal_change_gives_a_normal_level():
    """Level in 2030 = 3.5 + 5·d with d ~ N(μ, σ): normal with mean 3.5 + 5μ and sd 5σ. The chance of
    each target against scipy.stats, within four standard errors of a 20,000-draw estimate."""
    mu, sd, n = -0.2, 0.12, 20_000
    r = monte_carlo(_linear_context(mu, sd), Scenario(), n=n, seed=11)
    level = stats.norm(loc=3.5 + 5 * mu, scale=5 * sd)
    expected = {
        "U1": level.cdf(2.6),                          # level ≤ 2.6
        "U2": stats.norm(mu, sd).cdf(-0.25),           # −(level − 3.5)/5 ≥ 0.25  ⇔  d ≤ −0.25
        "U3": level.sf(2.2),                           # level ≥ 2.2
    }
    for tid, p in expected.items():
        se = np.sqrt(p * (1 - p) / n)
        assert abs(r.probability(tid) - p) < 4 * se + 1e-9, (tid, r.probability(tid), p)
    d = r.projection.path("unemployment_rate", "all").draws[2030]
    assert float(np.mean(d)) == pytest.approx(level.mean(), abs=4 * level.std() / np.sqrt(n))
    assert float(np.std(d)) == pytest.approx(level.std(), rel=0.03)


def test_each_draw_is_the_deterministic_model_at_that_draws_values(ctx):
    """An independent route for the vectorised Monte Carlo: every draw, run on its own through the
    scalar projection with that draw's values (the scenario's from the first lever year, the defaults'
    draws in the nowcast years), gives the same path; the chance of each target is the share of those
    single runs that meet it."""
    from giamngheo.model.engine import project
    from giamngheo.model.uncertainty import draw_params

    sc, n, seed = Scenario.of("", {"poor_fall": 0.5, "jobs": 4000}), 24, 7
    mc = monte_carlo(ctx, sc, n=n, seed=seed)
    params = draw_params(ctx.registry, sc, n, seed)
    now = draw_params(ctx.registry, Scenario(), n, seed)
    draws = mc.projection.path("poor_rate", "all").draws
    met = {"T24": [], "T25": []}
    for i in range(n):
        one = project(ctx, sc, params={k: float(v[i]) for k, v in params.items()},
                      nowcast_params={k: float(v[i]) for k, v in now.items()})
        for y in (2026, 2030):
            # the Monte Carlo runs in single precision (float32 draws): equal to about 7 digits
            assert one.get("poor_rate", "all", y) == pytest.approx(float(draws[y][i]), rel=1e-5), (i, y)
        for tid in met:
            tg = ctx.plan.target(tid)
            met[tid].append(bool(kinds.measure(ctx.plan, tg, one.getter(tg.indicator, tg.group)).met()))
    for tid, hits in met.items():
        assert mc.probability(tid) == pytest.approx(sum(hits) / n), tid


@pytest.mark.parametrize("ctx_name", ["demo", "real"])
def test_the_run_outside_the_poverty_model_is_the_whole_runs_to_the_last_bit(ctx, ctx_name):
    """The labour page's Monte Carlo (``poverty=False``) skips the poverty model's runs: every path it has draws
    for and every verdict it gives are the whole run's, bit for bit (the same draws: an independent route, the
    whole run, gives the numbers); the model's paths keep only their central values, and the targets on them
    are left out, never shown with a chance the run did not work out."""
    from giamngheo.model.engine import default_context, poverty_mc_paths
    c = ctx if ctx_name == "demo" else default_context()
    model = poverty_mc_paths(c)
    assert model and ("poor_rate", "all") in model
    for sc in (Scenario(), Scenario.of("", {"jobs": 5200.0, "overseas": 90.0, "poor_fall": 30.5}),
               Scenario.of("", {"jobs": 0.0, "trained_labour_rate_per_year": 0.5} if "trained_labour_rate_per_year"
                           in c.registry else {"jobs": 0.0})):
        whole = monte_carlo(c, sc, n=N)
        part = monte_carlo(c, sc, n=N, poverty=False)
        assert part.poverty is False and whole.poverty is True
        outside = [k for k, p in whole.projection.paths.items() if k not in model and p.draws]
        assert outside, "no path outside the poverty model has draws: nothing compared"
        for key in outside:
            a, b = whole.projection.paths[key], part.projection.paths[key]
            assert a.values == b.values and a.actual == b.actual and a.method == b.method
            assert set(a.draws) == set(b.draws)
            for y in a.draws:
                assert np.array_equal(a.draws[y], b.draws[y]) and a.draws[y].dtype == b.draws[y].dtype
        for key in model:     # the model's paths: the central values, no draws
            p = part.projection.paths.get(key)
            if p is not None:
                assert not p.draws and p.values == whole.projection.paths[key].values
        targets = {t.id: t for t in c.plan.targets}
        kept = {v.target: v for v in part.verdicts}
        expected = [v for v in whole.verdicts if (targets[v.target].indicator, targets[v.target].group) not in model]
        assert [kept.get(v.target) for v in expected] == expected
        assert set(kept) == {v.target for v in expected}
        assert any(v.probability is not None for v in expected)
        # the compact results, as the app caches them
        pc, wc = part.compacted(), whole.compacted()
        assert pc.poverty is False
        for key in outside:
            for y in wc.projection.paths[key].draws:
                assert np.array_equal(wc.projection.paths[key].draws[y], pc.projection.paths[key].draws[y])


def test_the_cache_keeps_the_two_runs_apart(ctx):
    sc = Scenario.of("", {"jobs": 4100.0})
    part = monte_carlo_cached(ctx, sc, poverty=False)
    whole = monte_carlo_cached(ctx, sc)
    assert part.poverty is False and whole.poverty is True
    assert monte_carlo_cached(ctx, sc, poverty=False) is part and monte_carlo_cached(ctx, sc) is whole


# ------------------------------------------------------------------ what a fresh scenario makes again

def _moves(ctx, seed: int, n: int) -> list[tuple[Scenario, dict]]:
    """n scenarios, each one move from the last: a headline lever or an indicator's assumed change anywhere on its
    grid, now and then a spread override."""
    import random
    rng = random.Random(seed)
    levers = [a for a in ctx.registry if a.section in ("headline", "indicators")]
    vals: dict = {}
    sds: dict = {}
    out = []
    for i in range(n):
        a = rng.choice(levers)
        vals[a.id] = round(a.min + a.step * rng.randint(0, int(round((a.max - a.min) / a.step))), 6)
        if i % 5 == 4:
            sds = {} if sds else {a.id: float(sd_of(a)) * 2 or 1.0}
        out.append((Scenario.of("", dict(vals)), dict(sds)))
    return out


def _same_paths(a, b) -> None:
    assert a.paths.keys() == b.paths.keys()
    for key, p in a.paths.items():
        q = b.paths[key]
        assert (p.values, p.actual, p.method, p.nowcast) == (q.values, q.actual, q.method, q.nowcast), key
        assert p.draws.keys() == q.draws.keys(), key
        for y, d in p.draws.items():
            assert np.asarray(d).dtype == np.asarray(q.draws[y]).dtype
            assert np.array_equal(d, q.draws[y]), (key, y)


def test_a_fresh_scenarios_kept_draws_and_paths_are_what_nothing_kept_makes(ctx):
    """Over moves of every headline lever and indicator assumption (and spread overrides), a scenario's deterministic
    projection and Monte Carlo, made with the draws and assumed-change paths kept from earlier scenarios, are
    bit for bit those made with nothing kept: every path's values and draws, every probability and verdict."""
    from giamngheo.model import engine, uncertainty

    def fresh():
        engine._CHANGE_PATHS.clear()
        uncertainty._ROWS.clear()
        uncertainty._nowcast_draws.cache_clear()
        engine._run_cached.cache_clear()

    fresh()
    kept_hits = 0
    for sc, sds in _moves(ctx, 3, 24):
        before = len(engine._CHANGE_PATHS.keys())
        det, mc = run(ctx, sc)[0], monte_carlo(ctx, sc, 2000, 5, sds)
        kept_hits += len(engine._CHANGE_PATHS.keys()) - before < 19
        fresh()
        det2, mc2 = run(ctx, sc)[0], monte_carlo(ctx, sc, 2000, 5, sds)
        _same_paths(det, det2)
        _same_paths(mc.projection, mc2.projection)
        assert mc.verdicts == mc2.verdicts
        run(ctx, sc)
        monte_carlo(ctx, sc, 2000, 5, sds)          # kept again, for the next move
    assert kept_hits >= 12                            # the paths were taken from what was kept, not all made again


def test_draws_kept_are_shared_read_only_and_only_the_moved_levers_drawn_again(ctx):
    a = draw_params(ctx.registry, Scenario.of("", {"jobs": 3000}), 500, 9)
    b = draw_params(ctx.registry, Scenario.of("", {"jobs": 3100}), 500, 9)
    assert a.keys() == b.keys() and "jobs" in a
    assert all(a[k] is b[k] for k in a if k != "jobs") and a["jobs"] is not b["jobs"]
    assert not any(x.flags.writeable for x in b.values())
    # the kept draws are the formula's: normal around the value, clipped, rounded (by hand for jobs)
    from giamngheo.model.uncertainty import _normals, uncertain
    items = uncertain(ctx.registry)
    z = _normals(len(items), 500, 9, np.dtype(np.float32))[[i.id for i in items].index("jobs")]
    jobs = ctx.registry["jobs"]
    want = np.rint(np.clip(z * np.float32(sd_of(jobs)) + np.float32(3100), jobs.min, jobs.max))
    assert np.array_equal(b["jobs"], want)


def test_a_kept_change_paths_draws_cannot_be_written(ctx):
    """A kept assumed-change path is shared by every later projection and session: a Monte Carlo's draws in it,
    of every year and kind of path (a level, a flow, a share closing its gap to 100 %), refuse a write."""
    from giamngheo.model import engine
    engine._CHANGE_PATHS.clear()
    monte_carlo(ctx, Scenario.of("", {"jobs": 4321}), 500, 7)
    kept = [v[2] for k in engine._CHANGE_PATHS.keys() if (v := engine._CHANGE_PATHS.get(k, None)) is not None]
    arrays = [d for p in kept for d in p.draws.values() if type(d) is np.ndarray]
    assert len(arrays) >= 10
    for d in arrays:
        with pytest.raises(ValueError):
            d[0] = 0.0


def test_a_change_path_of_an_array_that_can_change_is_never_kept(ctx):
    """Lever values a goal seek passes (a writable array) are never taken for the same values later: the same
    array changed in place gives the path of its new values."""
    from giamngheo.model.engine import other_paths
    reg = ctx.registry
    xs = np.array([-1.0, 0.0, 1.0])
    key = ("trained_labour_rate", "all")
    first = other_paths(ctx, {**reg.defaults(), "trained_labour_rate_change": xs}, reg.defaults(), True, only=key)[0]
    y = max(first.draws)
    xs += 2.0
    again = other_paths(ctx, {**reg.defaults(), "trained_labour_rate_change": xs}, reg.defaults(), True, only=key)[0]
    assert np.all(again.draws[y] > first.draws[y])


@pytest.mark.parametrize("poverty", [True, False])
def test_the_draws_paths_without_their_means_merge_into_the_same_result(ctx, poverty):
    """The Monte Carlo's own paths skip the draws' yearly means (the result takes the deterministic run's values
    and the draws only): the merged projection is, path by path and draw by draw, the one made from paths with
    their means."""
    from giamngheo.model.engine import project
    from giamngheo.model.uncertainty import DEFAULT_SEED, _merge, _nowcast_draws, overrides_key
    for sc, sds in _moves(ctx, 8, 6):
        mc = monte_carlo(ctx, sc, 1500, DEFAULT_SEED, sds, poverty=poverty)
        with_means = project(ctx, sc, params=draw_params(ctx.registry, sc, 1500, DEFAULT_SEED, sds), n_draws=1500,
                             nowcast_params=_nowcast_draws(ctx.registry, 1500, DEFAULT_SEED, overrides_key(sds)),
                             poverty=poverty)
        assert any(p.draws and set(p.draws) <= set(p.values) for p in with_means.paths.values())
        _same_paths(mc.projection, _merge(run(ctx, sc)[0], with_means))

"""Goal seek, gap attribution and the tornado: results fed back through the full projection, hand
cases, and sums that must add up."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import DEMO, PLAN_FILE, obs_from_rows, target, tiny_plan

from giamngheo.data.observations import load_observations
from giamngheo.model import goalseek as gs
from giamngheo.model.engine import Context, make_context, project, run
from giamngheo.plan import kinds
from giamngheo.plan.indicators import load_indicators
from giamngheo.plan.targets import load_plan
from giamngheo.scenario.registry import Assumption, Registry
from giamngheo.scenario.scenario import Scenario


@pytest.fixture(scope="module")
def ctx():
    return make_context(load_plan(PLAN_FILE), load_observations(DEMO))


def _met(ctx, tid: str, scenario: Scenario) -> bool:
    """The target's own test on the full deterministic projection of the scenario."""
    tg = ctx.plan.target(tid)
    proj = project(ctx, scenario)
    return bool(kinds.measure(ctx.plan, tg, proj.getter(tg.indicator, tg.group)).met())


def test_main_levers(ctx):
    lever = {tid: gs.main_lever(ctx, ctx.plan.target(tid)) for tid in
             ("T01", "T02", "T03", "T07", "T08", "T09", "T24", "T25", "T27", "T28")}
    assert lever == {"T01": "poor_fall", "T02": "khmer_poor_fall", "T03": "near_poor_fall", "T07": "jobs",
                     "T08": "overseas", "T09": "overseas_ethnic", "T24": "poor_fall", "T25": "near_poor_fall",
                     "T27": "trained_labour_rate_change", "T28": "certified_labour_rate_change"}


def _ends(ctx, r, sc):
    """Whether the full projection meets the target at the lever's lowest and highest values."""
    return (_met(ctx, r.target, sc.with_values(**{r.lever: r.lo})),
            _met(ctx, r.target, sc.with_values(**{r.lever: r.hi})))


def _just(ctx, r, sc):
    """A found requirement meets its target when fed back, and a little less of the lever does not."""
    a = ctx.registry[r.lever]
    assert a.min <= r.value <= a.max
    assert _met(ctx, r.target, sc.with_values(**{r.lever: r.value})), r          # meets it …
    delta = 1.0 if a.integer else a.step / 50
    below = r.value - delta if r.sense == ">=" else r.value + delta
    if a.min <= below <= a.max:
        assert not _met(ctx, r.target, sc.with_values(**{r.lever: below})), r    # … just
    assert r.checked


def test_every_projected_target_gets_a_requirement_checked_on_the_full_projection(ctx):
    sc = Scenario()
    reqs = gs.requirements(ctx, sc)
    projected = [v.target for v in run(ctx, sc)[1] if v.basis == "projected"]
    assert [r.target for r in reqs] == projected and projected
    for r in reqs:
        assert r.outcome in ("found", "never", "always"), r
        if r.outcome == "found":
            _just(ctx, r, sc)
        else:       # "never": neither end of the lever's range meets it; "always": both do
            assert _ends(ctx, r, sc) == ((False, False) if r.outcome == "never" else (True, True)), r


def test_t24_out_of_reach_of_the_pace_alone_when_the_no_work_households_hardly_leave(ctx):
    """With the households with nobody able to work doubling at the new standard and leaving at 2 % a
    year, whatever the pace of the others the rate cannot halve by 2030 (a floor worked by hand), and
    goal seek says so."""
    slow = Scenario.of("", {"no_work_exit_rate": 2, "rebase_factor_no_work": 2.0})
    proj = project(ctx, slow)
    b = ctx.plan.resolved_base_year(ctx.plan.target("T24"))
    P, D = (proj.get(k, "all", b) for k in ("poor_households", "poor_households_no_work_capacity"))
    g = ctx.registry["household_growth"].default / 100
    # a floor on the 2030 / base ratio of rates: only the no-work stock, leaving at 2 % a year, no inflows
    floor = D * (1 - 0.02) ** (2030 - b) / (P * (1 + g) ** (2030 - b))
    assert floor > 0.5
    r = gs.goal_seek(ctx, slow, "T24")
    assert r.lever == "poor_fall" and r.outcome == "never" and r.meets(r.hi) is False
    assert not _met(ctx, "T24", slow.with_values(poor_fall=ctx.registry["poor_fall"].max))


# the households with nobody able to work leave twice as fast: then the pace can meet T24
FASTER_NO_WORK = Scenario.of("", {"no_work_exit_rate": 20})


def test_goal_seek_on_t24_finds_the_pace_that_just_meets_it(ctx):
    r = gs.goal_seek(ctx, FASTER_NO_WORK, "T24")
    assert r.lever == "poor_fall" and r.outcome == "found" and r.sense == ">="
    _just(ctx, r, FASTER_NO_WORK)


def test_requirement_under_another_scenario(ctx):
    """Fewer jobs: T24 needs a faster pace, and that pace meets the target when fed back."""
    sc = FASTER_NO_WORK.with_values(jobs=500)
    r = gs.goal_seek(ctx, sc, "T24")
    assert r.outcome == "found" and r.sense == ">="
    assert _met(ctx, "T24", sc.with_values(poor_fall=r.value))
    assert r.value > gs.goal_seek(ctx, FASTER_NO_WORK, "T24").value      # fewer jobs, more pace needed


def test_decided_targets_are_not_sought(ctx):
    assert gs.goal_seek(ctx, Scenario(), "T01").outcome == "not_projected"


def test_moving_the_lever_itself_reuses_the_answer(ctx):
    a = gs.goal_seek(ctx, FASTER_NO_WORK.with_values(poor_fall=40.0), "T24")
    b = gs.goal_seek(ctx, FASTER_NO_WORK.with_values(poor_fall=80.0), "T24")
    assert a is b
    # a trend lever of another target does not touch a poverty requirement either
    c = gs.goal_seek(ctx, FASTER_NO_WORK.with_values(trained_labour_rate_change=0.1), "T24")
    assert c is gs.goal_seek(ctx, FASTER_NO_WORK, "T24")
    assert a.outcome == "found" and a.meets(a.value) and not a.meets(a.value - 0.01)


# ------------------------------------------------------------------------------ hand-worked cases

def _linear(op: str, value: float, lo: float = -5.0, hi: float = 5.0) -> Context:
    """Unemployment 3.5 % in 2025; the yearly change is the lever. Level 2030 = 3.5 + 5·d."""
    plan = tiny_plan(target("level", indicator="unemployment_rate", id="U1", op=op, value=value, year=2030))
    obs = obs_from_rows([("unemployment_rate", "all", y, v) for y, v in
                         zip(range(2021, 2026), (4.3, 4.0, 3.9, 3.6, 3.5))])
    a = Assumption(id="unemployment_rate_change", section="indicators", label_vi="x", label_en="x", unit="pp_year",
                   min=lo, max=hi, step=0.05, default=-0.2, sd=0.1, indicator="unemployment_rate")
    return Context(plan, obs, load_indicators(), 2025, Registry([a]))


def test_linear_requirement_by_hand():
    # at most 2.6 in 2030: 3.5 + 5d ≤ 2.6  ⇔  d ≤ −0.18
    r = gs.goal_seek(_linear("at_most", 2.6), Scenario(), "U1")
    assert r.outcome == "found" and r.sense == "<=" and r.lever == "unemployment_rate_change"
    assert r.value == pytest.approx(-0.18, abs=1e-3) and r.value <= -0.18 + 1e-9
    # at least 4.0: d ≥ 0.1
    r = gs.goal_seek(_linear("at_least", 4.0), Scenario(), "U1")
    assert r.sense == ">=" and r.value == pytest.approx(0.1, abs=1e-3) and r.value >= 0.1 - 1e-9


def test_no_value_in_range_and_every_value_in_range():
    # the change can go no lower than −0.1: 3.5 − 0.5 = 3.0 > 2.6, never met
    r = gs.goal_seek(_linear("at_most", 2.6, lo=-0.1), Scenario(), "U1")
    assert r.outcome == "never" and r.value is None and (r.lo, r.hi) == (-0.1, 5.0)
    assert r.meets(-0.1) is False
    # at most 40: met anywhere in −5…5 (3.5 + 25 = 28.5)
    r = gs.goal_seek(_linear("at_most", 40.0), Scenario(), "U1")
    assert r.outcome == "always" and r.meets(5.0) is True


# -------------------------------------------------------------------------------- gap attribution

def test_gap_attribution_adds_up(ctx):
    atts = gs.gap_attribution(ctx, Scenario())
    assert [a.group for a in atts] == ["all", "khmer"]
    for a in atts:
        assert [n for n, _ in a.contributions] == ["rate", "jobs", "placements"]
        total = sum(c for _, c in a.contributions)
        assert total == pytest.approx(a.without - a.scenario, abs=1e-12)      # Shapley values are efficient
        assert a.threshold == 0.5 and a.year == 2030
    # the scenario's q is the one the verdict tests
    v = next(v for v in run(ctx, Scenario())[1] if v.target == "T24")
    assert atts[0].scenario == pytest.approx(v.value)
    assert atts[0].end_rate / atts[0].start_rate == pytest.approx(v.value)


def test_gap_attribution_without_levers_is_the_scenario_without_them(ctx):
    reg = ctx.registry
    off = Scenario.of("", {"poor_fall": reg["poor_fall"].min, "khmer_poor_fall": reg["khmer_poor_fall"].min, "jobs": 0,
                           "overseas": 0, "overseas_ethnic": 0})
    a = gs.gap_attribution(ctx, off)[0]
    assert a.without == pytest.approx(a.scenario)
    assert all(c == pytest.approx(0.0) for _, c in a.contributions)
    # and it equals T24's tested ratio computed by the full projection with every lever off
    v = next(v for v in run(ctx, off)[1] if v.target == "T24")
    assert gs.gap_attribution(ctx, Scenario())[0].without == pytest.approx(v.value)


def test_shapley_of_an_additive_game_is_each_part():
    players = ["a", "b", "c"]
    w = {"a": 1.0, "b": 2.5, "c": -0.5}
    from itertools import combinations
    values = {frozenset(s): sum(w[p] for p in s) for k in range(4) for s in combinations(players, k)}
    assert gs._shapley(values, players) == pytest.approx(w)


# ----------------------------------------------------------------------------------------- tornado

def test_tornado_bars_are_one_assumption_moved_in_the_full_projection(ctx):
    tn = gs.tornado(ctx, Scenario())
    base, bars = tn.for_group("all")
    proj = run(ctx, Scenario())[0]
    assert base == pytest.approx(proj.get("poor_rate", "all", 2030))
    assert [b.id for b in bars][:1] and all(b.swing >= 0 for b in bars)
    by_id = {b.id: b for b in bars}
    for aid in ("rebase_factor", "new_poor_rate"):
        b = by_id[aid]
        for x, out in ((b.low, b.at_low), (b.high, b.at_high)):
            p = run(ctx, Scenario.of("", {aid: x}))[0]
            assert out == pytest.approx(p.get("poor_rate", "all", 2030)), aid
    assert by_id["rebase_factor"].at_high > by_id["rebase_factor"].at_low   # a larger re-basing raises the rate
    _, kb = tn.for_group("khmer")
    assert kb and all(np.isfinite(b.at_low) and np.isfinite(b.at_high) for b in kb)
    assert not set(tn.no_effect) & {b.id for b in bars}


# ------------------------------------------------------------------ several searches in one run of the model

BATCH_SCENARIOS = [
    {}, {"jobs": 4000}, {"jobs": 1000, "poor_fall": 30.0}, {"near_poor_fall": 60.0, "overseas": 900},
    {"no_work_exit_rate": 3.0, "khmer_poor_fall": 70.0}, {"household_growth": 1.5, "shock_year": 2028},
]


def _jobs(ctx, sc: Scenario, pairs) -> list:
    return [(gs._strip(ctx, sc, ctx.plan.target(tid), lever), tid, lever) for tid, lever in pairs]


@pytest.mark.parametrize("values", BATCH_SCENARIOS)
def test_searches_run_together_find_what_each_finds_alone(ctx, values):
    """The searches of several targets measured in one run of the poverty model (every search's lever values
    side by side, each with its own scenario) give exactly the requirements of each search run alone on its
    own projection (project_one): the same values to the last bit, the same outcome."""
    sc = Scenario.of("", values)
    pairs = [("T24", "poor_fall"), ("T25", "near_poor_fall"), ("T24", "no_work_exit_rate"), ("T01", "jobs")]
    jobs = _jobs(ctx, sc, pairs)
    together = gs._seek_batch(ctx, jobs)
    gs._seek.cache_clear()
    alone = [gs._seek(ctx, *job) for job in jobs]
    assert together == alone
    assert any(r.outcome == "found" for r in alone)


@pytest.mark.parametrize("values", BATCH_SCENARIOS[:3])
def test_one_run_for_several_searches_measures_each_as_its_own_run(ctx, values):
    """Each search's slice of the shared run is, value by value, the measure of its own run (not just the same
    verdict): the tested quantity q equal to the last bit, met the same."""
    sc = Scenario.of("", values)
    jobs = _jobs(ctx, sc, [("T24", "poor_fall"), ("T25", "near_poor_fall"), ("T24", "jobs")])
    grids = [np.linspace(10, 95, 257), np.linspace(5, 95, 129), np.unique(np.round(np.linspace(0, 20000, 200)))]
    shared = gs._measure_batch(ctx, list(zip(jobs, grids)))
    for (s, tid, lever), xs, m in zip(jobs, grids, shared):
        own = gs._measure_fn(ctx, s, ctx.plan.target(tid), lever)(xs)
        assert np.array_equal(np.asarray(m.q, float), np.asarray(own.q, float))
        assert np.array_equal(np.broadcast_to(m.met(), xs.shape), np.broadcast_to(own.met(), xs.shape))


@pytest.fixture
def model_runs(monkeypatch):
    """The runs of the poverty model from here on: each run's number of values (one call of run_poverty, however
    many values it takes side by side)."""
    from giamngheo.model import engine
    runs: list[int] = []
    real = engine.run_poverty

    def counted(inp, vals, now, **kw):
        runs.append(max((np.size(v) for v in vals.values()), default=1))
        return real(inp, vals, now, **kw)
    monkeypatch.setattr(engine, "run_poverty", counted)
    return runs


@pytest.mark.parametrize("values", BATCH_SCENARIOS[:3])
def test_searches_run_together_run_the_model_once_a_round(ctx, values, model_runs):
    """Searched together, four searches run the poverty model once a round for all of them: as many runs as the
    longest search alone takes, not the sum of the searches' runs, and each run takes every search's values."""
    sc = Scenario.of("", values)
    run(ctx, Scenario())          # the default projection every search reads its route from, made beforehand
    jobs = _jobs(ctx, sc, [("T24", "poor_fall"), ("T25", "near_poor_fall"), ("T24", "no_work_exit_rate"),
                           ("T01", "jobs")])
    alone = []
    for job in jobs:
        model_runs.clear()
        gs._seek_batch(ctx, [job], guess=False)
        alone.append(list(model_runs))
    assert sum(len(a) > 1 for a in alone) >= 2    # at least two searches refine their brackets
    model_runs.clear()
    gs._seek_batch(ctx, jobs, guess=False)
    assert len(model_runs) == max(len(a) for a in alone) < sum(len(a) for a in alone)
    # the first round: every search's whole grid in the one run
    assert model_runs[0] == sum(a[0] for a in alone)


def test_requirements_search_the_poverty_targets_together(ctx, model_runs):
    """requirements() runs the poverty model for the searches of the poverty model's targets together: the
    longest of them alone, plus what the other targets' searches take alone."""
    sc = Scenario.of("", {"jobs": 3300, "poor_fall": 35.0})
    run(ctx, Scenario())
    run(ctx, sc)
    projected = [v.target for v in run(ctx, sc)[1] if v.basis == "projected"]
    batched, other = [], 0
    for tid in projected:
        gs._seek.cache_clear()
        model_runs.clear()
        gs.goal_seek(ctx, sc, tid)
        tg = ctx.plan.target(tid)
        if gs.main_lever(ctx, tg) is not None and gs._batchable(ctx, tg):
            batched.append(len(model_runs))
        else:
            other += len(model_runs)
    assert len(batched) >= 2
    gs._seek.cache_clear()
    model_runs.clear()
    gs.requirements(ctx, sc)
    assert len(model_runs) == max(batched) + other < sum(batched) + other


def test_requirements_batch_only_what_is_not_cached_and_reuse_it(ctx):
    """requirements() gives the same list as asking each target's goal seek alone, and a second call hands
    back the same cached objects."""
    sc = Scenario.of("", {"jobs": 3500, "overseas": 700})
    gs._seek.cache_clear()
    alone = [gs.goal_seek(ctx, sc, v.target) for v in run(ctx, sc)[1] if v.basis == "projected"]
    gs._seek.cache_clear()
    together = gs.requirements(ctx, sc)
    assert together == alone
    again = gs.requirements(ctx, sc)
    assert all(a is b for a, b in zip(again, together))


# ------------------------------------------------------------------ searches that guess their finer grids

SEEK_PAIRS = [("T24", "poor_fall"), ("T25", "near_poor_fall"), ("T24", "no_work_exit_rate"), ("T24", "jobs"),
              ("T25", "overseas"), ("T01", "jobs"), ("T27", "trained_labour_rate_change")]


def _headline_moves(ctx, seed: int, n: int, small: bool) -> list[Scenario]:
    """n scenarios, each one move of a random headline lever from the last: anywhere on its grid, or one step."""
    import random
    rng = random.Random(seed)
    heads = [a for a in ctx.registry if a.section == "headline"]
    vals: dict = {}
    out = []
    for _ in range(n):
        a = rng.choice(heads)
        k = int(round((a.max - a.min) / a.step))
        cur = vals.get(a.id, ctx.registry.resolve(Scenario())[a.id])
        v = cur + a.step * rng.choice((-1, 1)) if small else a.min + a.step * rng.randint(0, k)
        vals[a.id] = round(float(min(max(v, a.min), a.max)), 6)
        out.append(Scenario.of("", dict(vals)))
    return out


@pytest.mark.parametrize("small", [False, True])
def test_guessed_grids_give_the_plain_searchs_answers(ctx, small, model_runs):
    """After each move of a headline lever (anywhere on its grid, or one step), the searches that measure the grids
    they guess (the last search's chain, the grids next to the crossing read from the tested quantity) find exactly
    what the plain search finds (value, sense, monotone, checked, lo, hi, outcome), searched together or one at a
    time, integer and real levers, 'found', 'always' and 'never' alike; and they run the model fewer times."""
    gs._seek.cache_clear()
    outcomes, levers = set(), set()
    plain_runs = guessed_runs = 0
    for sc in _headline_moves(ctx, 11 if small else 7, 40, small):
        jobs = _jobs(ctx, sc, SEEK_PAIRS)
        model_runs.clear()
        plain = gs._seek_batch(ctx, jobs, guess=False)
        plain_runs += len(model_runs)
        model_runs.clear()
        guessed = gs._seek_batch(ctx, jobs)
        guessed_runs += len(model_runs)
        assert guessed == plain, sc
        alone = [gs._seek_batch(ctx, [job])[0] for job in jobs[:2]]
        assert alone == plain[:2]
        outcomes |= {r.outcome for r in plain}
        levers |= {(r.lever, ctx.registry[r.lever].integer) for r in plain if r.outcome == "found"}
    assert {"found", "always", "never"} <= outcomes
    if not small:
        assert {integer for _, integer in levers} == {True, False}      # an integer lever's answer among them
    assert guessed_runs < 0.8 * plain_runs


def test_a_search_that_guessed_its_whole_chain_runs_the_model_once(ctx, model_runs):
    """The same search again (its scenario not cached): its coarse grid and every finer grid it went through last
    time are measured in one run of the model, with the same answer."""
    sc = Scenario.of("", {"jobs": 3100, "overseas": 650})
    job = _jobs(ctx, sc, [("T24", "poor_fall")])[0]
    model_runs.clear()
    plain = gs._seek_batch(ctx, [job], guess=False)
    assert len(model_runs) == 3 and plain[0].outcome == "found"       # a grid, then two finer ones
    gs._seek.cache_clear()
    gs._seek_batch(ctx, [job])                                            # records the chain
    model_runs.clear()
    assert gs._seek_batch(ctx, [job]) == plain
    assert len(model_runs) == 1


def test_a_wrong_guess_is_never_taken_for_the_right_grid(ctx, model_runs):
    """A guessed chain that differs from the grids the search asks for, by a whole bracket or by one ulp in one value,
    leaves the answer as the plain search's: a guess is used only where it is the asked grid value for value."""
    sc = Scenario.of("", {"jobs": 2600, "near_poor_fall": 55.0})
    job = _jobs(ctx, sc, [("T24", "poor_fall")])[0]
    plain = gs._seek_batch(ctx, [job], guess=False)
    gs._seek.cache_clear()
    gs._seek_batch(ctx, [job])
    right = gs._CHAINS.get(("T24", "poor_fall"))
    assert len(right) == 2
    one_ulp = right[0].copy()
    one_ulp[64] = np.nextafter(one_ulp[64], np.inf)
    shifted = right[0] + (right[0][-1] - right[0][0])
    for chain in [(one_ulp, right[1]), (shifted, right[1] + 1.0), (np.linspace(0, 1, 7),), (right[1], right[0])]:
        gs._CHAINS.put(("T24", "poor_fall"), chain, replace=True)
        gs._ANSWERS.clear()
        model_runs.clear()
        assert gs._seek_batch(ctx, [job]) == plain
        # the first finer grid measured again unless guessed value for value (the last: the right grids, listed
        # in the wrong order, still are)
        assert len(model_runs) == 1 if len(chain) == 2 and chain[1] is right[0] else len(model_runs) >= 2
        got = gs._CHAINS.get(("T24", "poor_fall"))
        assert len(got) == 2 and all(a.tobytes() == b.tobytes() for a, b in zip(got, right))


@pytest.mark.parametrize("lever,step", [("jobs", 1), ("khmer_poor_fall", -1), ("overseas", 1)])
def test_a_held_key_ends_each_search_in_one_run_with_the_plain_answers(ctx, lever, step, model_runs):
    """A lever moved one step at a time in one direction (a held arrow key, a slow drag): the answers move by about
    the same each time, so the grids around the next answer along that line, measured beside the coarse grid, are
    the ones the searches ask for: after the first moves nearly every search ends in its first run of the model,
    with the plain search's answers (integer and real levers)."""
    gs._seek.cache_clear()
    a = ctx.registry[lever]
    x0 = ctx.registry.resolve(Scenario())[lever]
    pairs = [("T24", "poor_fall"), ("T25", "near_poor_fall"), ("T24", "jobs")]
    rounds = []
    for i in range(1, 16):
        sc = Scenario.of("", {lever: round(x0 + step * a.step * i, 6)})
        jobs = _jobs(ctx, sc, pairs)
        plain = gs._seek_batch(ctx, jobs, guess=False)
        model_runs.clear()
        assert gs._seek_batch(ctx, jobs) == plain
        rounds.append(len(model_runs))
        assert any(r.outcome == "found" for r in plain)
    assert sum(r == 1 for r in rounds[3:]) >= 10, rounds


# ------------------------------------------------------------------ the tornado and the gap attribution in one run

@pytest.mark.parametrize("data", ["demo", "embedded"])
def test_tornado_and_gap_attribution_from_one_run_are_each_their_own_runs(ctx, data):
    """Made from one run of the poverty model with both parts side by side, the tornado's bars and base rates and
    the gap attribution's quantities and shares are, to the last bit, those of each part's own run (the tornado's
    2m+1 values alone; the gap's lever combinations alone), over moves, spread overrides and another k."""
    import random

    from giamngheo.model.engine import default_context, poverty_run
    c = ctx if data == "demo" else default_context()
    rng = random.Random(4)
    heads = [a for a in c.registry if a.section == "headline"]
    vals: dict = {}
    checked = 0
    for i in range(8):
        a = rng.choice(heads)
        vals[a.id] = round(a.min + a.step * rng.randint(0, int(round((a.max - a.min) / a.step))), 6)
        sc = Scenario.of("", dict(vals))
        k, ov = (2.0, ()) if i % 3 else (1.5, ((a.id, float(a.step) * 3),))
        gs._what_it_takes_run.cache_clear()
        tn = gs.tornado(c, sc, k=k, overrides=dict(ov))
        gaps = gs.gap_attribution.__wrapped__(c, sc)
        rv = c.registry.resolve(sc)
        # the tornado's own run, as it was made before
        items, ranges, cols = gs._tornado_columns(c, rv, k, tuple(sorted(ov)))
        own = poverty_run(c, {**rv, **cols})
        rates = gs._rates(own, [g for g, _ in tn.bars], tn.year)
        assert tn.base == tuple((g, float(rates[g][-1])) for g, _ in tn.bars)
        pos = {x.id: j for j, x in enumerate(items)}
        for g, bars in tn.bars:
            assert bars
            for b in bars:
                j = pos[b.id]
                assert (b.low, b.high) == ranges[j]
                assert (b.at_low, b.at_high) == (float(rates[g][2 * j]), float(rates[g][2 * j + 1]))
        # the gap attribution's own run
        names, subsets, gcols = gs._gap_columns(c, rv)
        own = poverty_run(c, {**rv, **gcols})
        for att in gaps:
            tg = c.plan.target(att.target.split("-")[0])
            tg = tg if att.group == "all" else gs.replace(tg, id=att.target, group=att.group)
            paths = gs.poverty_paths(c, own, True, only=(tg.indicator, att.group))
            proj = gs.Projection(c.as_of, c.horizon, paths, n_draws=len(subsets), lever_from=c.lever_from)
            q = np.asarray(kinds.measure(c.plan, tg, proj.getter(tg.indicator, att.group, draws=True)).q, float)
            assert (att.without, att.scenario) == (float(q[0]), float(q[-1]))
            want = gs._shapley({s: float(q[0] - q[j]) for j, s in enumerate(subsets)}, names)
            assert att.contributions == tuple((nm, want[nm]) for nm in names)
            checked += 1
    assert checked >= 8

"""The poverty model's year loop against the loop as it was first written (tests/model/poverty_reference.py: every
parameter read per year and group, nothing kept between runs): the same numbers to the last bit, of the same
types, over many random inputs: one value, single-precision draws (the Monte Carlo), double-precision grids
(the goal seeks), with and without flows, with and without a shock, a standard break before, inside or after the
nowcast, named groups with or without their own pace and placements; and the nowcast years kept from one run
and taken by the next (``keep_nowcast``) whatever the scenario."""
from __future__ import annotations

import numpy as np
import pytest
from poverty_reference import run_poverty_reference

from giamngheo.model import poverty
from giamngheo.model.engine import default_context, poverty_run, project
from giamngheo.model.poverty import PARAMS, PaceScale, PovertyInputs, run_poverty
from giamngheo.model.uncertainty import DEFAULT_SEED, _nowcast_draws, draw_params, overrides_key
from giamngheo.scenario.scenario import Scenario


def same(a, b) -> bool:
    """Equal to the last bit, and of the same kind (a Python float, a numpy scalar or an array of one dtype)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))
    return a == b or (a != a and b != b)


def assert_same(got, want) -> None:
    assert got.years == want.years and got.rebased_at == want.rebased_at
    for part in ("stocks", "flows", "hazards"):
        g, w = getattr(got, part), getattr(want, part)
        assert g.keys() == w.keys()
        for grp in w:
            assert g[grp].keys() == w[grp].keys()
            for k in w[grp]:
                assert len(g[grp][k]) == len(w[grp][k]), (part, grp, k)
                for i, (x, y) in enumerate(zip(g[grp][k], w[grp][k])):
                    assert same(x, y), (part, grp, k, got.years[i], x, y)


def random_params(rng: np.random.Generator, n: int | None, dtype=np.float32, shock: bool = False) -> dict:
    """Every parameter the model reads: one value each (``n`` None) or ``n`` of them (some stay one value, as
    the assumptions without a spread do in the Monte Carlo)."""
    lo_hi = {"poor_fall": (5, 60), "near_poor_fall": (5, 60), "khmer_poor_fall": (5, 60), "jobs": (0, 6000),
             "overseas": (0, 600), "overseas_ethnic": (0, 300), "household_growth": (0, 3), "new_poor_rate": (0, 3),
             "returning_poor_rate": (0, 20), "near_new_rate": (0, 5), "exit_to_near_poor": (0, 80),
             "no_work_share": (0, 60), "no_work_exit_rate": (0, 120), "near_no_work_share": (0, 40),
             "job_priority": (0.5, 3), "job_lift": (0, 100), "overseas_priority": (0.5, 3), "overseas_lift": (0, 100),
             "rebase_factor": (1, 2.5), "rebase_factor_no_work": (0.9, 1.3), "rebase_factor_near": (0.8, 1.6)}
    out: dict = {"shock_year": 0.0, "shock_households": 0.0}
    for k, (lo, hi) in lo_hi.items():
        if n is None or rng.random() < 0.3:
            out[k] = float(rng.uniform(lo, hi))
        else:
            out[k] = rng.uniform(lo, hi, n).astype(dtype)
    if shock:
        out["shock_year"] = float(rng.integers(2025, 2031))
        out["shock_households"] = float(rng.uniform(0, 500)) if n is None or rng.random() < 0.5 \
            else rng.uniform(0, 500, n).astype(dtype)
        if n is not None and rng.random() < 0.3:     # a shock year that differs between draws
            out["shock_year"] = rng.integers(2025, 2031, n).astype(dtype)
    return out


def random_inputs(rng: np.random.Generator) -> PovertyInputs:
    start = int(rng.integers(2022, 2026))
    horizon = int(rng.integers(start + 1, 2032))
    lever_from = int(rng.integers(start + 1, horizon + 2))
    brk = [None, int(rng.integers(start - 2, horizon + 2))][int(rng.integers(0, 2))]
    groups = {"rest": (20000.0, 900.0, 500.0, 1200.0)}
    fg0: dict[str, float] = {}
    split: dict[str, str] = {}
    if rng.random() < 0.7:
        groups = {"khmer": (12000.0, 700.0, 350.0, 900.0), "rest": (18000.0, 300.0, 200.0, 700.0)}
        if rng.random() < 0.6:
            fg0 = {"khmer": float(rng.uniform(5, 40))}
        if rng.random() < 0.6:
            split = {"khmer": "ethnic", "rest": "non_ethnic"}
    scale = PaceScale(float(rng.uniform(0.05, 0.6)), float(rng.uniform(0.05, 0.5)), float(rng.uniform(5, 40)),
                      float(rng.uniform(5, 40)), fg0)
    return PovertyInputs(start, horizon, groups, scale, lever_from, brk, split)


@pytest.mark.parametrize("seed", range(40))
def test_the_year_loop_equals_the_reference_to_the_last_bit(seed):
    rng = np.random.default_rng(seed)
    inp = random_inputs(rng)
    kind = seed % 4          # one value; single-precision draws; double-precision grids; draws with their nowcast
    n = None if kind == 0 else int(rng.integers(2, 50))
    dtype = np.float64 if kind == 2 else np.float32
    p = random_params(rng, n, dtype, shock=seed % 3 == 0)
    if "khmer" in inp.groups and rng.random() < 0.8:
        p["khmer_poor_fall"] = p.pop("khmer_poor_fall", 20.0)
    else:
        p.pop("khmer_poor_fall", None)
    now = None
    if kind in (1, 3) or rng.random() < 0.5:
        now = random_params(rng, n if kind == 3 else None, dtype, shock=seed % 5 == 0)
        now["khmer_poor_fall"] = p.get("khmer_poor_fall", 20.0)
        for k in ("rebase_factor", "rebase_factor_no_work", "rebase_factor_near"):
            now[k] = p[k]
    for flows in (True, False):
        want = run_poverty_reference(inp, p, now, record_flows=flows)
        assert_same(run_poverty(inp, p, now, record_flows=flows), want)
        # the nowcast years kept, then taken by a run of another scenario with the same nowcast and re-basing
        poverty.PREFIXES.clear()
        first = run_poverty(inp, p, now, record_flows=flows, keep_nowcast=True)
        assert_same(first, want)
        if now is not None:
            p2 = random_params(rng, n, dtype, shock=seed % 3 == 0)
            for k in ("rebase_factor", "rebase_factor_no_work", "rebase_factor_near", "khmer_poor_fall"):
                if k in p:
                    p2[k] = p[k]
            if "khmer_poor_fall" not in p:
                p2.pop("khmer_poor_fall", None)
            want2 = run_poverty_reference(inp, p2, now, record_flows=flows)
            second = run_poverty(inp, p2, now, record_flows=flows, keep_nowcast=True)
            assert_same(second, want2)
            if inp.lever_from > inp.start_year + 1:       # the nowcast years were taken from the first run
                assert all(a is b for y, a, b in zip(first.years, first.stocks["rest"]["P"], second.stocks["rest"]["P"])
                           if y < inp.lever_from)
        # kept nowcast years are never changed by what a later run does
        assert_same(run_poverty(inp, p, now, record_flows=flows, keep_nowcast=True), want)
    poverty.PREFIXES.clear()


def test_a_kept_nowcast_is_not_taken_when_the_re_basing_or_the_nowcast_differs():
    inp = PovertyInputs(2024, 2030, {"rest": (20000.0, 900.0, 500.0, 1200.0)}, PaceScale(0.3, 0.2, 20.0, 20.0),
                        lever_from=2027, break_year=2026)
    rng = np.random.default_rng(1)
    p = random_params(rng, None)
    now = dict(p)
    poverty.PREFIXES.clear()
    run_poverty(inp, p, now, keep_nowcast=True)
    for k, v in (("rebase_factor", p["rebase_factor"] * 1.1), ("rebase_factor_near", p["rebase_factor_near"] * 0.9)):
        p2 = {**p, k: v}
        assert_same(run_poverty(inp, p2, now, keep_nowcast=True), run_poverty_reference(inp, p2, now))
    now2 = {**now, "new_poor_rate": now["new_poor_rate"] * 1.5}
    assert_same(run_poverty(inp, p, now2, keep_nowcast=True), run_poverty_reference(inp, p, now2))
    # a missing parameter is still an error naming it, kept nowcast or not
    bad = {k: v for k, v in now.items() if k != "near_new_rate"}
    with pytest.raises(KeyError, match="near_new_rate"):
        run_poverty(inp, p, bad, keep_nowcast=True)
    assert set(PARAMS) <= set(p)
    poverty.PREFIXES.clear()


@pytest.fixture(scope="module")
def ctx():
    return default_context()


@pytest.mark.parametrize("seed", range(12))
def test_the_engines_runs_equal_the_reference_on_the_embedded_data(ctx, seed):
    """The runs a lever move makes (the deterministic projection, the Monte Carlo's draws around the scenario with
    the nowcast's around the defaults, a goal seek's grid), one scenario after another as the app makes them
    (the nowcast kept from the first), each equal to the reference's."""
    rng = np.random.default_rng(100 + seed)
    reg = ctx.registry
    values = {}
    for a in reg:
        if a.section in ("headline", "poverty", "channels", "standard") and rng.random() < 0.5:
            v = rng.uniform(a.min, a.max)
            values[a.id] = float(round(v)) if a.integer else float(v)
    sc = Scenario.of("", values)
    vals, now = dict(reg.resolve(sc)), dict(reg.defaults())
    # deterministic
    want = run_poverty_reference(ctx.poverty, reg.channels(vals), reg.channels(now))
    assert_same(run_poverty(ctx.poverty, reg.channels(vals), reg.channels(now), keep_nowcast=True), want)
    # Monte Carlo (fewer draws than the app's 10,000: the same arithmetic)
    n = 500
    draws = draw_params(reg, sc, n, DEFAULT_SEED)
    nd = _nowcast_draws(reg, n, DEFAULT_SEED, overrides_key(None))
    mv, mn = {**vals, **draws}, {**now, **nd}
    want = run_poverty_reference(ctx.poverty, reg.channels(mv), reg.channels(mn), record_flows=False)
    assert_same(run_poverty(ctx.poverty, reg.channels(mv), reg.channels(mn), record_flows=False, keep_nowcast=True),
                want)
    # a goal seek's grid of one lever
    grid = np.linspace(reg["poor_fall"].min, reg["poor_fall"].max, 257)
    want = run_poverty_reference(ctx.poverty, reg.channels({**vals, "poor_fall": grid}), reg.channels(now),
                                 record_flows=False)
    assert_same(poverty_run(ctx, {**vals, "poor_fall": grid}), want)


def test_the_projection_is_the_same_with_the_nowcast_kept_or_worked_out_again(ctx):
    sc = Scenario.of("", {"jobs": 4321.0, "poor_fall": 31.5})
    first = project(ctx, sc)
    poverty.PREFIXES.clear()
    again = project(ctx, sc)
    for key, p in first.paths.items():
        q = again.paths[key]
        assert p.values == q.values and p.actual == q.actual and p.nowcast == q.nowcast


@pytest.mark.parametrize("seed", range(30))
def test_an_assumed_yearly_change_equals_the_reference_to_the_last_bit(seed):
    """A flow (the amount each year), a rate moved by so many points a year, a coverage rate closing its gap to
    100 %: one value, draws of either precision, nowcast years at other values, or none."""
    from dataclasses import replace as dc_replace

    from poverty_reference import change_path_reference

    from giamngheo.model.engine import change_path
    from giamngheo.plan.indicators import load_indicators
    rng = np.random.default_rng(500 + seed)
    inds = load_indicators()
    ind = inds[sorted(inds)[int(rng.integers(0, len(inds)))]]
    kind = seed % 3
    if kind == 2:
        ind = dc_replace(ind, kind="rate", saturates=True) if hasattr(ind, "__dataclass_fields__") else ind
    per_year = kind == 0
    last = int(rng.integers(2020, 2026))
    actual = {y: float(rng.uniform(1, 95)) for y in range(last - 3, last + 1)}
    horizon = int(rng.integers(last, 2032))
    n = [None, 7, 300][int(rng.integers(0, 3))]
    dtype = [np.float32, np.float64][int(rng.integers(0, 2))]

    def val(lo, hi):
        return float(rng.uniform(lo, hi)) if n is None else rng.uniform(lo, hi, n).astype(dtype)
    change = val(-6, 6) if not per_year else val(-100, 5000)
    change_now = [None, val(-6, 6)][int(rng.integers(0, 2))]
    lever_from = [None, int(rng.integers(last, horizon + 2))][int(rng.integers(0, 2))]
    mc = n is not None and rng.random() < 0.8
    got = change_path(ind, "all", actual, horizon, change, per_year, mc, "m", lever_from, change_now)
    want = change_path_reference(ind, "all", actual, horizon, change, per_year, mc, "m", lever_from, change_now)
    assert got.values == want.values and got.actual == want.actual and got.nowcast == want.nowcast
    assert all(type(got.values[y]) is type(want.values[y]) for y in want.values)
    assert got.draws.keys() == want.draws.keys()
    assert all(same(got.draws[y], want.draws[y]) for y in want.draws)


def _same_paths(got, want) -> None:
    assert [(p.indicator, p.group) for p in got] == [(p.indicator, p.group) for p in want]
    for p, q in zip(got, want):
        assert p.values == q.values and p.actual == q.actual and p.nowcast == q.nowcast and p.method == q.method
        assert all(type(p.values[y]) is type(q.values[y]) for y in q.values)
        assert p.draws.keys() == q.draws.keys() and all(same(p.draws[y], q.draws[y]) for y in q.draws)


@pytest.mark.parametrize("seed", range(6))
def test_the_models_paths_equal_the_reference(ctx, seed):
    """The deterministic run's paths (flows and stocks), the Monte Carlo's, and one path of a goal seek's grid, as
    the engine reads them from a run, equal to the last bit to the paths read as they were first read."""
    from poverty_reference import poverty_paths_reference

    from giamngheo.model.engine import poverty_paths
    rng = np.random.default_rng(900 + seed)
    reg = ctx.registry
    sc = Scenario.of("", {a.id: float(round(rng.uniform(a.min, a.max))) if a.integer else float(rng.uniform(a.min, a.max))
                          for a in reg if a.section == "headline" and rng.random() < 0.6})
    vals, now = dict(reg.resolve(sc)), dict(reg.defaults())
    det = run_poverty(ctx.poverty, reg.channels(vals), reg.channels(now), keep_nowcast=True)
    _same_paths(poverty_paths(ctx, det, False), poverty_paths_reference(ctx, det, False))
    n = 300
    draws = draw_params(reg, sc, n, DEFAULT_SEED)
    nd = _nowcast_draws(reg, n, DEFAULT_SEED, overrides_key(None))
    res = run_poverty(ctx.poverty, reg.channels({**vals, **draws}), reg.channels({**now, **nd}), record_flows=False,
                      keep_nowcast=True)
    _same_paths(poverty_paths(ctx, res, True), poverty_paths_reference(ctx, res, True))
    grid = poverty_run(ctx, {**vals, "poor_fall": np.linspace(0, 60, 129)})
    for only in (("poor_rate", "all"), ("near_poor_households", "all"), ("poor_rate", "khmer")):
        _same_paths(poverty_paths(ctx, grid, True, only=only), poverty_paths_reference(ctx, grid, True, only=only))
    flows = poverty_run(ctx, {**vals, "jobs": np.linspace(0, 6000, 33)}, flows=True)
    _same_paths(poverty_paths(ctx, flows, False), poverty_paths_reference(ctx, flows, False))


def test_the_models_min_max_and_reader_give_what_they_gave_before_their_quick_paths():
    """_min, _max and _get take two Python floats (or one) straight through: the same value and kind as the
    general rule, for every kind of value the model meets."""
    from giamngheo.model.poverty import _get, _max, _min

    def min_before(a, b):
        if (type(a) is np.ndarray and a.ndim) or (type(b) is np.ndarray and b.ndim):
            return np.minimum(a, b)
        return min(a, b) if np.ndim(a) == 0 and np.ndim(b) == 0 else np.minimum(a, b)

    def max_before(a, b):
        if (type(a) is np.ndarray and a.ndim) or (type(b) is np.ndarray and b.ndim):
            return np.maximum(a, b)
        return max(a, b) if np.ndim(a) == 0 and np.ndim(b) == 0 else np.maximum(a, b)

    def get_before(v):
        return float(v) if np.ndim(v) == 0 else np.asarray(v)

    def _same_kind(got, want):       # the same kind, and the same bits (-0.0 is not 0.0, a NaN is a NaN)
        assert type(got) is type(want) and np.asarray(got).dtype == np.asarray(want).dtype
        assert np.shape(got) == np.shape(want) and np.asarray(got).tobytes() == np.asarray(want).tobytes()

    values = [0.0, -0.0, 1.5, -2.25, float("nan"), float("inf"), 3, np.float64(0.5), np.float32(0.25),
              np.array(1.75), np.array([0.5, -0.0, 2.0]), np.array([1.0, np.nan, -1.0], dtype=np.float32), [1.0, 2.0]]
    for a in values:
        _same_kind(_get({"k": a}, "k"), get_before(a))
        for b in values:
            if isinstance(a, list) or isinstance(b, list):
                continue
            _same_kind(_min(a, b), min_before(a, b))
            _same_kind(_max(a, b), max_before(a, b))

"""What it takes: the value of each projected target's main lever that just meets it, how much of
the 2030 poverty gap each lever closes, and how far the projected 2030 poor rate moves over each
assumption's range (a tornado).

Every evaluation runs the same model as the projection, vectorised over lever values: a grid of
values in one call brackets the crossing, finer grids inside the bracket (one call each) narrow it to
a hundredth of the lever's step; the answer is confirmed on the target's path and, where that path
is not the poverty model's or the lever's own, once on the full projection. (A root finder
such as Brent's needs some ten calls one value at a time; two or three vectorised calls cost less.)
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import combinations
from math import factorial
from typing import Any, Generator, Mapping

import numpy as np

from giamngheo.lru import LockedLRU
from giamngheo.model.assess import progress_base
from giamngheo.model.engine import POVERTY_OUT, RATES, Context, poverty_one, poverty_paths, poverty_run, project, project_one, run
from giamngheo.model.projection import Projection
from giamngheo.model.uncertainty import value_range
from giamngheo.plan import kinds
from giamngheo.plan.targets import Target
from giamngheo.scenario.registry import Assumption
from giamngheo.scenario.scenario import Scenario

GRID = 257                      # lever values tried at once to bracket the crossing
REFINE = 129                    # and in each finer grid inside the bracket
POVERTY_SECTIONS = ("headline", "poverty", "channels", "shock", "standard")
OUTCOMES = ("found", "always", "never", "no_lever", "not_projected")


# ------------------------------------------------------------------------------------- the levers

def main_lever(ctx: Context, tg: Target) -> str | None:
    """The assumption that drives a target most directly (the plan file may name it: ``lever``)."""
    reg = ctx.registry
    if tg.lever and tg.lever in reg:
        return tg.lever
    ind, g = tg.indicator, tg.group
    # the levers that serve the indicator (assumptions.toml ``serves``): the group's own first, then the district's
    cands = [a.id for a in reg if ind in a.serves and a.group == g] + [a.id for a in reg if ind in a.serves and a.group == "all"]
    cands += [a.id for a in reg if a.indicator == ind and a.group == g]
    return next(iter(cands), None)


def _base(ctx: Context, tg: Target) -> tuple[int, float] | None:
    return progress_base(ctx.plan, tg, ctx.obs.series(tg.indicator, tg.group, ctx.as_of))


def _measure_fn(ctx: Context, scenario: Scenario, tg: Target, lever: str):
    """Lever values (an array) → the target's measure for each, on the target's own path only."""
    base = _base(ctx, tg)

    def measure(xs: Any) -> kinds.Measure:
        xs = np.atleast_1d(np.asarray(xs, float))
        proj = project_one(ctx, scenario, tg.indicator, tg.group, {lever: xs})
        return kinds.measure(ctx.plan, tg, proj.getter(tg.indicator, tg.group, draws=True), base)
    return measure


# ------------------------------------------------------------------------------------- goal seek

@dataclass(frozen=True)
class Requirement:
    """The lever value that just meets a target.

    ``outcome``: ``found`` (``value`` with ``sense``: ">=" the lever at or above it meets the
    target, "<=" at or below), ``always`` (met anywhere in the lever's range), ``never`` (no value
    in the range meets it), ``no_lever`` or ``not_projected``. ``lo``–``hi`` is the range searched.
    """

    target: str
    lever: str | None
    outcome: str
    value: float | None = None
    sense: str | None = None
    lo: float | None = None
    hi: float | None = None
    monotone: bool = True          # one crossing only in the range
    checked: bool = False          # confirmed on the full projection

    def meets(self, x: float) -> bool | None:
        """Whether the lever at ``x`` meets the target, by this requirement (None when unknown)."""
        if self.outcome == "always":
            return True
        if self.outcome == "never":
            return False
        if self.outcome != "found" or self.value is None:
            return None
        return x >= self.value - 1e-9 if self.sense == ">=" else x <= self.value + 1e-9


def _search_range(ctx: Context, scenario: Scenario, a: Assumption) -> tuple[float, float]:
    lo, hi = a.min, a.max
    if a.part_of in ctx.registry:   # a part never more than its whole (the ethnic placements: all placements)
        hi = min(hi, ctx.registry.resolve(scenario)[a.part_of])
    return float(lo), float(hi)


def _route(ctx: Context, tg: Target, lever: str) -> str:
    """Which part of the model the target's path comes from: "poverty", "own" or "full"."""
    det, _ = run(ctx, Scenario())
    path = det.path(tg.indicator, tg.group)
    method = path.method if path is not None else ""
    if method == "stock_flow" and lever in ctx.registry and ctx.registry[lever].section in POVERTY_SECTIONS:
        return "poverty"
    if method == f"assumption:{lever}":
        return "own"
    return "full"


def _strip(ctx: Context, scenario: Scenario, tg: Target, lever: str) -> Scenario:
    """The part of the scenario the requirement depends on: never the lever's own value; for a
    poverty target only the poverty model's assumptions; for a target on its own path nothing
    (but the placements total for the ethnic placements). A slider that cannot change the answer
    then finds it cached."""
    route = _route(ctx, tg, lever)
    reg = ctx.registry

    def keep(k: str) -> bool:
        if k == lever or k not in reg:
            return False
        if route == "poverty":
            return reg[k].section in POVERTY_SECTIONS
        if route == "own":
            return reg[lever].part_of == k
        return True
    return Scenario.of("", {k: v for k, v in scenario.values if keep(k)})


def _seek_steps(ctx: Context, scenario: Scenario, target_id: str, lever: str) -> Generator[Any, Any, Requirement]:
    """The goal seek, step by step: yields the lever values (an array) to measure on the target's path and is
    sent their measure (or thrown ``kinds.Missing``); returns the requirement. One search, whoever measures:
    :func:`_seek` one target at a time, :func:`_seek_batch` several in one run of the model."""
    tg = ctx.plan.target(target_id)
    a = ctx.registry[lever]
    lo, hi = _search_range(ctx, scenario, a)
    if a.integer:
        grid = np.unique(np.round(np.linspace(lo, hi, GRID)))
    else:
        grid = np.linspace(lo, hi, GRID)
    try:
        m = yield grid
    except kinds.Missing:
        return Requirement(target_id, lever, "no_lever", lo=lo, hi=hi)
    met = np.broadcast_to(np.asarray(m.met(), bool), grid.shape)
    if met.all():
        return Requirement(target_id, lever, "always", lo=lo, hi=hi)
    if not met.any():
        return Requirement(target_id, lever, "never", lo=lo, hi=hi)
    flips = np.flatnonzero(met[1:] != met[:-1])
    up = [i for i in flips if met[i + 1]]        # from not met to met going up
    i = int(up[0]) if up else int(flips[-1])
    sense = ">=" if met[i + 1] else "<="
    a_x, b_x = float(grid[i]), float(grid[i + 1])
    # narrow the bracket with finer grids, each one vectorised call (a grid of 129 narrows it 128×), until
    # it is a hundredth of the lever's step (whole-number levers: one unit; one pass is usually enough);
    # the answer is its end on the meeting side, a value the model has been run at and found to meet the target
    xtol = 1.0 if a.integer else max(a.step, 1e-9) / 100
    for _ in range(12):
        if b_x - a_x <= xtol:
            break
        fine = np.linspace(a_x, b_x, REFINE)
        if a.integer:
            fine = np.unique(np.round(fine))
        ok = np.broadcast_to(np.asarray((yield fine).met(), bool), fine.shape)
        if sense == ">=":      # not met below the crossing, met above: the first met value
            j = int(np.argmax(ok)) if ok.any() else len(fine) - 1
            a_x, b_x = float(fine[max(j - 1, 0)]), float(fine[j])
        else:                  # met below, not met above: the last met value
            j = int(len(ok) - 1 - np.argmax(ok[::-1])) if ok.any() else 0
            a_x, b_x = float(fine[j]), float(fine[min(j + 1, len(fine) - 1)])
        if a_x == b_x:
            break
    x = b_x if sense == ">=" else a_x       # a grid value at which the model met the target
    x = float(min(max(x, lo), hi))
    # the value was confirmed above on the target's own path; where that path is the poverty model's or the
    # lever's own, it is the full projection's path by construction; otherwise it is run once in full
    checked = True if _route(ctx, tg, lever) in ("poverty", "own") else _check(ctx, scenario, tg, lever, x)
    return Requirement(target_id, lever, "found", value=x, sense=sense, lo=lo, hi=hi,
                       monotone=len(flips) == 1, checked=checked)


def _step(gen: Generator[Any, Any, Requirement], got: Any) -> tuple[Any, Requirement | None]:
    """Send a measure (or throw ``kinds.Missing``) into a search: (the next values to measure, None) or (None,
    the requirement found)."""
    try:
        return (gen.throw(got) if isinstance(got, kinds.Missing) else gen.send(got)), None
    except StopIteration as stop:
        return None, stop.value


def _measure_safe(measure: Any, xs: Any) -> Any:
    try:
        return measure(xs)
    except kinds.Missing as exc:
        return exc


_SEEKS = LockedLRU(256)   # the goal seeks found, by (context, the scenario without the lever's own value, target, lever)
# the finer grids the last search of a (target, lever) measured after its coarse grid, in order: a guess of the next
# search's (process-wide, any context or scenario: a guess that fails costs only the values measured in vain)
_CHAINS = LockedLRU(256)
_ANSWERS = LockedLRU(256)     # (target, lever) -> the last two answers found (a guess of the next one's)
_LAST = LockedLRU(256)        # (target, lever) -> the (stripped) scenario its last search ran on
NEAR_STEPS = 3                # a move of at most this many of a lever's steps is a small one (see _near)
AHEAD = 1      # the finer grids guessed each side of the one the crossing is read to fall in (see _next_grids)


class _Met:
    """A search's share of a measure taken on more values than it asked for: what the search reads (met) and
    what the next guess reads (q, threshold)."""
    __slots__ = ("_met", "q", "threshold")

    def __init__(self, met: np.ndarray, q: np.ndarray, threshold: float) -> None:
        self._met, self.q, self.threshold = met, q, threshold

    def met(self) -> np.ndarray:
        return self._met


def _shares(m: Any, parts: tuple[np.ndarray, ...]) -> list[Any]:
    """One measure of several arrays of lever values side by side → each array's share, in order."""
    if isinstance(m, kinds.Missing):
        return [m]
    n = sum(len(x) for x in parts)
    met = np.broadcast_to(np.asarray(m.met(), bool), (n,))
    q = np.broadcast_to(np.asarray(m.q, float), (n,))
    if len(parts) == 1:
        return [_Met(met, q, m.threshold)]
    cuts = np.cumsum([len(x) for x in parts[:-1]])
    return [_Met(a, b, m.threshold) for a, b in zip(np.split(met, cuts), np.split(q, cuts))]


def _finer(lever: Any, a: float, b: float) -> np.ndarray:
    """The finer grid a search asks for inside the bracket a–b (as :func:`_seek_steps` builds it)."""
    fine = np.linspace(a, b, REFINE)
    return np.unique(np.round(fine)) if lever.integer else fine


def _around(lever: Any, grid: np.ndarray, x: float) -> tuple[np.ndarray, ...]:
    """The finer grids a search whose crossing is at ``x`` asks for after ``grid``, level by level down to the
    lever's tolerance, each with :data:`AHEAD` neighbours each side (a guess from earlier answers)."""
    xtol = 1.0 if lever.integer else max(lever.step, 1e-9) / 100
    out: list[np.ndarray] = []
    cur = grid
    for _ in range(12):
        if len(cur) < 2:
            break
        k = min(max(int(np.searchsorted(cur, x)) - 1, 0), len(cur) - 2)     # (np.clip on one number, in Python)
        nxt = None
        for j in range(max(k - AHEAD, 0), min(k + AHEAD, len(cur) - 2) + 1):
            if cur[j + 1] - cur[j] > xtol:
                out.append(_finer(lever, float(cur[j]), float(cur[j + 1])))
                if j == k:
                    nxt = out[-1]
        if nxt is None:
            break
        cur = nxt
    return tuple(out)


def _near(ctx: Context, a: Scenario | None, b: Scenario) -> bool:
    """Are two scenarios a small step apart (one value differs, by at most :data:`NEAR_STEPS` of its steps)? After
    a jump the last search's finer grids are seldom the next one's: not worth their values in the model's run."""
    if a is None:
        return False
    if a == b:
        return True
    da, db = dict(a.values), dict(b.values)
    diff = [k for k in da.keys() | db.keys() if da.get(k) != db.get(k)]
    if len(diff) != 1 or diff[0] not in ctx.registry:
        return False
    k = diff[0]
    x, y = ctx.registry.resolve(a)[k], ctx.registry.resolve(b)[k]
    return abs(float(x) - float(y)) <= NEAR_STEPS * float(ctx.registry[k].step) + 1e-12


def _first_guesses(lever: Any, key: tuple[str, str], grid: np.ndarray, near: bool = True) -> tuple[np.ndarray, ...]:
    """What a search measures beside its coarse grid: the chain its (target, lever) last went through (when the
    scenario is ``near`` the last search's), and the grids around the answer the last two answers point to (the
    next one along the same line: a lever held or dragged moves the answer by about the same each time), each
    grid once."""
    # (a chain from another data version or scenario may leave this search's range: nothing it asks for)
    out = {x.tobytes(): x for x in _CHAINS.get(key, ()) if grid[0] <= x[0] and x[-1] <= grid[-1]} if near else {}
    got = _ANSWERS.get(key, None)
    # only after a small step (the last two answers within two intervals of the grid): after a jump the next
    # answer is anywhere, and the grids would be measured in vain
    if got is not None and got[0] is not None and len(grid) > 1 and abs(got[1] - got[0]) <= 2 * (grid[1] - grid[0]):
        x = 2 * got[1] - got[0]
        for g in _around(lever, grid, float(min(max(x, grid[0]), grid[-1]))):
            out.setdefault(g.tobytes(), g)
    return tuple(out.values())


def _next_grids(lever: Any, prev: np.ndarray, share: Any, xs: np.ndarray) -> tuple[np.ndarray, ...]:
    """A guess of the finer grid the search will ask for after ``xs``: ``xs`` narrows the bracket (its ends) that
    ``prev``'s measure found; the tested quantity read linearly between the bracket's ends says where in ``xs``
    the crossing falls; the grids inside that interval of ``xs`` and :data:`AHEAD` each side (as the search
    builds them) are the guess. Nothing when the search will not narrow further or the reading fails."""
    if not isinstance(share, _Met) or len(xs) < 2:
        return ()
    xtol = 1.0 if lever.integer else max(lever.step, 1e-9) / 100
    ia, ib = np.searchsorted(prev, xs[0]), np.searchsorted(prev, xs[-1])
    if ib >= len(prev) or prev[ia] != xs[0] or prev[ib] != xs[-1]:
        return ()
    qa, qb = float(share.q[ia]), float(share.q[ib])
    if not (np.isfinite(qa) and np.isfinite(qb)) or qa == qb:
        return ()
    x = xs[0] + (share.threshold - qa) * (xs[-1] - xs[0]) / (qb - qa)
    k = min(max(int(np.searchsorted(xs, x)) - 1, 0), len(xs) - 2)
    out = []
    for j in range(max(k - AHEAD, 0), min(k + AHEAD, len(xs) - 2) + 1):
        if xs[j + 1] - xs[j] > xtol:
            out.append(_finer(lever, float(xs[j]), float(xs[j + 1])))
    return tuple(out)


def _seek(ctx: Context, scenario: Scenario, target_id: str, lever: str) -> Requirement:
    """The goal seek of one target (cached by the scenario as given: :func:`_strip` makes it what matters)."""
    key = (ctx, scenario, target_id, lever)
    got = _SEEKS.get(key, None)
    if got is not None:
        return got
    return _SEEKS.put(key, _seek_batch(ctx, [(scenario, target_id, lever)])[0])


def _clear() -> None:
    _SEEKS.clear()
    _CHAINS.clear()
    _ANSWERS.clear()
    _LAST.clear()


_seek.cache_clear = _clear      # type: ignore[attr-defined]


def _batchable(ctx: Context, tg: Target) -> bool:
    """Is the target's path a stock or rate of the poverty model (one run of it measures several searches)?"""
    return ctx.poverty is not None and (tg.indicator in RATES or POVERTY_OUT.get(tg.indicator, ("",))[0] == "stock")


def _measure_batch(ctx: Context, items: list[tuple[tuple[Scenario, str, str], Any]]) -> list[Any]:
    """The measures of several searches' lever values in ONE run of the poverty model: every search's values
    side by side in the arrays (its own scenario and lever values in its slice; an assumption that is the same
    for all stays one number), then each search's slice read as :func:`_measure_fn` reads its own run. The
    model works value by value (no value reads another), so each slice is the number its own run gives."""
    reg = ctx.registry
    parts = []
    for (sc, _tid, lever), xs in items:
        xs = np.atleast_1d(np.asarray(xs, float))
        vals: dict[str, Any] = dict(reg.resolve(sc))
        vals[lever] = xs
        parts.append((vals, len(xs)))
    base = parts[0][0]
    differ = {lever for (_, _, lever), _ in items}       # the searches' own levers, and what else differs
    for vals, _ in parts[1:]:
        for k, x in vals.items():
            if k not in differ:
                y = base[k]
                if not (x is y or (type(x) is type(y) and np.ndim(x) == 0 and x == y)):
                    differ.add(k)
    merged = dict(base)
    for k in differ:
        merged[k] = np.concatenate([np.asarray(v[k], float) if np.ndim(v[k]) else np.full(n, float(v[k]))
                                    for v, n in parts])
    res = poverty_run(ctx, merged)
    out: list[Any] = []
    at = 0
    for ((sc, tid, lever), xs), (_, n) in zip(items, parts):
        part = slice(at, at + n)
        at += n
        tg = ctx.plan.target(tid)
        proj = poverty_one(ctx, res, tg.indicator, tg.group, n, part)
        if proj is None:      # not the model's after all: its own measure
            out.append(_measure_safe(_measure_fn(ctx, sc, tg, lever), xs))
            continue
        try:
            out.append(kinds.measure(ctx.plan, tg, proj.getter(tg.indicator, tg.group, draws=True), _base(ctx, tg)))
        except kinds.Missing as exc:
            out.append(exc)
    return out


def _seek_batch(ctx: Context, jobs: list[tuple[Scenario, str, str]], guess: bool = True) -> list[Requirement]:
    """The searches of several targets (each (stripped scenario, target, lever)) in step: each round measures
    every search still going in one run of the model (:func:`_measure_batch` for several). The same searches and
    answers as each alone (tests/model/test_goalseek.py checks them equal).

    With ``guess``, the first round also measures, side by side with each search's coarse grid, the finer grids its
    (target, lever) last went through (:data:`_CHAINS`) and, after a small step, those around the answer the last
    two answers point to (:func:`_first_guesses`); later rounds the grids next to the crossing read from the tested
    quantity (:func:`_next_grids`). A search whose next grid is bit for bit a guessed one is
    sent those values' measures without running the model again, and so on down the chain, so after a small move a
    search usually ends in one run instead of three. The same values from the same model (it works value by
    value), hence the same answer by construction; where a guess fails the search goes on as without one."""
    gens = [_seek_steps(ctx, sc, tid, lever) for sc, tid, lever in jobs]
    out: list[Requirement | None] = [None] * len(jobs)
    pending = {i: next(g) for i, g in enumerate(gens)}
    ahead = {i: _first_guesses(ctx.registry[lever], (tid, lever), pending[i], _near(ctx, _LAST.get((tid, lever), None), sc))
             for i, (sc, tid, lever) in enumerate(jobs)} if guess else {}
    chains: dict[int, list[np.ndarray]] = {i: [] for i in pending}
    known: dict[int, dict[bytes, tuple[np.ndarray, Any]]] = {i: {} for i in pending}   # measured, not yet asked for
    while pending:
        idx = list(pending)
        asked = {i: (pending[i], *ahead.pop(i, ())) for i in idx}     # the values asked for, then the guessed ones
        xs_all = {i: np.concatenate(a) if len(a) > 1 else a[0] for i, a in asked.items()}
        if len(idx) == 1:
            sc, tid, lever = jobs[idx[0]]
            got = [_measure_safe(_measure_fn(ctx, sc, ctx.plan.target(tid), lever), xs_all[idx[0]])]
        else:
            got = _measure_batch(ctx, [(jobs[i], xs_all[i]) for i in idx])
        pending = {}
        for i, m in zip(idx, got):
            parts = asked[i]
            shares = _shares(m, parts) if guess else [m]
            kn = known[i]
            kn.update((x.tobytes(), (x, sh)) for x, sh in zip(parts[1:], shares[1:]))
            prev, share = parts[0], shares[0]
            xs, r = _step(gens[i], share)
            # the next grid asked for is a guessed one, value for value: its measures are already there
            while r is None and xs.tobytes() in kn and kn[xs.tobytes()][0].shape == xs.shape:
                chains[i].append(xs)
                prev, share = kn.pop(xs.tobytes())
                xs, r = _step(gens[i], share)
            if r is None:
                chains[i].append(xs)
                pending[i] = xs
                if guess:
                    ahead[i] = _next_grids(ctx.registry[jobs[i][2]], prev, share, xs)
            else:
                out[i] = r
                if guess:
                    key = (jobs[i][1], jobs[i][2])
                    _CHAINS.put(key, tuple(chains[i]), replace=True)
                    _LAST.put(key, jobs[i][0], replace=True)
                    if r.outcome == "found" and r.value is not None:
                        was = _ANSWERS.get(key, None)
                        _ANSWERS.put(key, (None if was is None else was[1], r.value), replace=True)
    return out  # type: ignore[return-value]


def _check(ctx: Context, scenario: Scenario, tg: Target, lever: str, x: float) -> bool:
    """Does the full projection, with the lever at x, meet the target?"""
    proj = project(ctx, scenario.with_values(**{lever: x}))
    base = _base(ctx, tg)
    try:
        return bool(kinds.measure(ctx.plan, tg, proj.getter(tg.indicator, tg.group), base).met())
    except kinds.Missing:
        return False


def goal_seek(ctx: Context, scenario: Scenario, target_id: str, lever: str | None = None) -> Requirement:
    """The lever value that just meets the target, holding every other assumption of the scenario.

    Cached by the scenario without the lever's own value, so moving that lever's slider does not
    recompute it."""
    tg = ctx.plan.target(target_id)
    lever = lever or main_lever(ctx, tg)
    if lever is None:
        return Requirement(target_id, None, "no_lever")
    _, verdicts = run(ctx, scenario)
    v = next(v for v in verdicts if v.target == target_id)
    if v.basis != "projected":
        return Requirement(target_id, lever, "not_projected")
    return _seek(ctx, _strip(ctx, scenario, tg, lever), target_id, lever)


def requirements(ctx: Context, scenario: Scenario) -> list[Requirement]:
    """A requirement for every target the scenario projects (decided targets are left out). The searches not
    cached yet whose paths are the poverty model's run together (:func:`_seek_batch`: one run of the model a
    round for all of them)."""
    _, verdicts = run(ctx, scenario)
    projected = [v.target for v in verdicts if v.basis == "projected"]
    jobs = []
    for tid in projected:
        tg = ctx.plan.target(tid)
        lever = main_lever(ctx, tg)
        if lever is None or not _batchable(ctx, tg):
            continue
        job = (_strip(ctx, scenario, tg, lever), tid, lever)
        if job not in jobs and _SEEKS.get((ctx, *job), None) is None:
            jobs.append(job)
    if len(jobs) > 1:
        for job, r in zip(jobs, _seek_batch(ctx, jobs)):
            _SEEKS.put((ctx, *job), r)
    return [goal_seek(ctx, scenario, tid) for tid in projected]


def lever_requirements(ctx: Context, scenario: Scenario) -> dict[str, list[Requirement]]:
    """Lever id → the requirements of the projected targets it is the main lever of."""
    out: dict[str, list[Requirement]] = {}
    for r in requirements(ctx, scenario):
        if r.lever is not None and r.outcome in ("found", "always", "never"):
            out.setdefault(r.lever, []).append(r)
    return out


# -------------------------------------------------------------------------------- gap attribution

@dataclass(frozen=True)
class Attribution:
    """How much each lever lowers the tested quantity of a relative poverty target (q = rate in the
    target year ÷ rate at the start of the period), by Shapley values over the levers: each lever's
    average effect over every order of switching them on, so the parts add up exactly."""

    target: str
    group: str
    threshold: float                          # q must be at most this (½)
    base_year: int
    year: int
    without: float                            # q with every lever at its minimum (off)
    scenario: float                           # q in the scenario
    contributions: tuple[tuple[str, float], ...]   # lever name → how much it lowers q
    start_rate: float                         # the scenario's rate at the base year
    end_rate: float                           # and in the target year

    @property
    def gap(self) -> float:
        """How far q is above the threshold with no lever (≤ 0: met without any)."""
        return self.without - self.threshold

    @property
    def remaining(self) -> float:
        """How far q is still above the threshold in the scenario (≤ 0: met)."""
        return self.scenario - self.threshold


def _shapley(values: dict[frozenset, float], players: list[str]) -> dict[str, float]:
    n = len(players)
    out = {}
    for p in players:
        others = [x for x in players if x != p]
        tot = 0.0
        for k in range(n):
            w = factorial(k) * factorial(n - k - 1) / factorial(n)
            for s in combinations(others, k):
                s = frozenset(s)
                tot += w * (values[s | {p}] - values[s])
        out[p] = tot
    return out


def poverty_relative_target(ctx: Context, scenario: Scenario) -> Target | None:
    """The projected relative target on the district's poor rate (T24 in this plan), if any."""
    _, verdicts = run(ctx, scenario)
    basis = {v.target: v.basis for v in verdicts}
    return next((tg for tg in ctx.plan.targets if tg.indicator == "poor_rate" and tg.group == "all"
                 and kinds.kind_of(tg).relative and basis.get(tg.id) == "projected"), None)


def _gap_columns(ctx: Context, vals: Mapping[str, Any]) -> tuple[list[str], list[frozenset], dict[str, np.ndarray]]:
    """The gap attribution's run: one value a subset of its lever groups (those in the subset at the scenario's
    values, the others at their minimum)."""
    reg = ctx.registry
    levers = [(name, ids) for name, ids in reg.gap_groups() if ids]
    names = [name for name, _ in levers]
    subsets = [frozenset(s) for k in range(len(names) + 1) for s in combinations(names, k)]
    cols = {i: np.array([vals[i] if name in s else reg[i].min for s in subsets]) for name, ids in levers for i in ids}
    return names, subsets, cols


def _tornado_columns(ctx: Context, vals: Mapping[str, Any], k: float, overrides: tuple
                     ) -> tuple[list[Assumption], list[tuple[float, float]], dict[str, np.ndarray]]:
    """The tornado's run: each poverty-model assumption alone at each end of its range, then the scenario."""
    ov = dict(overrides)
    items = [a for a in ctx.registry if a.section in POVERTY_SECTIONS]
    ranges = [value_range(a, vals[a.id], k, ov) for a in items]
    m = len(items)
    cols: dict[str, Any] = {a.id: np.full(2 * m + 1, vals[a.id]) for a in items}
    for j, (a, (lo, hi)) in enumerate(zip(items, ranges)):
        cols[a.id][2 * j], cols[a.id][2 * j + 1] = lo, hi
    return items, ranges, cols


@lru_cache(maxsize=64)
def _what_it_takes_run(ctx: Context, scenario: Scenario, k: float, overrides: tuple
                       ) -> tuple[Any, slice, slice, tuple[tuple[Assumption, ...], tuple[tuple[float, float], ...]],
                                  tuple[tuple[str, ...], tuple[frozenset, ...]]]:
    """The tornado's and the gap attribution's values in ONE run of the poverty model (the page shows both for
    the same scenario), side by side as the goal seeks' are (:func:`_measure_batch`): an assumption that is an
    array in either part is an array in both (the other part's column its one value), each part read from its
    own slice. The model works value by value, so each slice is what its own run gives. With the run: the tornado's
    assumptions and their ranges, and the gap's lever groups and their subsets (what each part reads its slice by),
    as tuples: the result is kept (lru_cache) and shared by every session."""
    vals = ctx.registry.resolve(scenario)
    items, ranges, t_cols = _tornado_columns(ctx, vals, k, overrides)
    names, subsets, g_cols = _gap_columns(ctx, vals)
    n_t, n_g = 2 * len(items) + 1, len(subsets)
    merged: dict[str, Any] = dict(vals)
    for key in {**t_cols, **g_cols}:
        a = t_cols[key] if key in t_cols else np.full(n_t, vals[key])
        b = g_cols[key] if key in g_cols else np.full(n_g, vals[key])
        merged[key] = np.concatenate([a, b])
    return (poverty_run(ctx, merged), slice(0, n_t), slice(n_t, n_t + n_g), (tuple(items), tuple(ranges)),
            (tuple(names), tuple(subsets)))


def _cut(res: Any, part: slice) -> Any:
    """A run's stocks for the values in ``part`` (a number the same for all stays one number): the poor and the
    households, all that the poor rate the tornado and the gap attribution read is made of."""
    stocks = {g: {key: [v[part] if np.ndim(v) else v for v in d[key]] for key in ("H", "P")} for g, d in res.stocks.items()}
    return type(res)(res.years, stocks, {}, {}, res.rebased_at)


@lru_cache(maxsize=64)
def gap_attribution(ctx: Context, scenario: Scenario) -> tuple[Attribution, ...]:
    """For the 2030 poverty target: the district, and each named group (Khmer) read as the same
    halving applied to the group's own rate."""
    tg0 = poverty_relative_target(ctx, scenario)
    inp = ctx.poverty
    if tg0 is None or inp is None:
        return ()
    run_, _, part, _, (names, subsets) = _what_it_takes_run(ctx, Scenario.of("", scenario.as_dict()), 2.0, ())
    res = _cut(run_, part)   # stocks only
    # the target's path for the district and each group (the only paths read below)
    groups = ["all"] + [g for g in ctx.groups if g != "all"]
    paths = [p for g in groups for p in poverty_paths(ctx, res, True, only=(tg0.indicator, g))]
    proj = Projection(ctx.as_of, ctx.horizon, paths, n_draws=len(subsets), lever_from=ctx.lever_from)
    det, _ = run(ctx, scenario)
    out = []
    for g in ["all"] + [g for g in ctx.groups if g != "all"]:
        tg = tg0 if g == "all" else replace(tg0, id=f"{tg0.id}-{g}", group=g)
        if proj.path(tg.indicator, g) is None:
            continue
        try:
            m = kinds.measure(ctx.plan, tg, proj.getter(tg.indicator, g, draws=True))
        except kinds.Missing:
            continue
        q = np.asarray(m.q, float)
        v = {s: float(q[0] - q[j]) for j, s in enumerate(subsets)}   # how much each subset lowers q
        contrib = _shapley(v, names)
        b = m.base_year if m.base_year is not None else ctx.plan.resolved_base_year(tg)
        out.append(Attribution(tg.id, g, float(tg.factor), int(b), tg.target_year, float(q[0]), float(q[-1]),
                               tuple((nm, contrib[nm]) for nm in names),
                               float(det.get(tg.indicator, g, b) or np.nan),
                               float(det.get(tg.indicator, g, tg.target_year) or np.nan)))
    return tuple(out)


# ------------------------------------------------------------------------------------------ tornado

@dataclass(frozen=True)
class TornadoBar:
    id: str
    low: float          # the assumption at the low end of its range
    high: float         # and at the high end
    at_low: float       # the outcome (poor rate, %) with the assumption at ``low``
    at_high: float

    @property
    def swing(self) -> float:
        return abs(self.at_high - self.at_low)


@dataclass(frozen=True)
class Tornado:
    year: int
    base: tuple[tuple[str, float], ...]                     # group → the scenario's poor rate
    bars: tuple[tuple[str, tuple[TornadoBar, ...]], ...]    # group → bars, widest first
    no_effect: tuple[str, ...]                              # assumptions that move neither rate

    def for_group(self, group: str) -> tuple[float | None, tuple[TornadoBar, ...]]:
        return dict(self.base).get(group), dict(self.bars).get(group, ())


def _rates(res, groups: list[str], year: int) -> dict[str, np.ndarray]:
    i = res.years.index(year)
    out = {}
    for g in groups:
        keys = list(res.stocks) if g == "all" else [g]
        P = sum(res.stocks[k]["P"][i] for k in keys)
        H = sum(res.stocks[k]["H"][i] for k in keys)
        out[g] = 100 * np.asarray(P, float) / np.asarray(H, float)
    return out


@lru_cache(maxsize=64)
def _tornado(ctx: Context, scenario: Scenario, year: int, k: float, overrides: tuple) -> Tornado | None:
    inp = ctx.poverty
    if inp is None or year < ctx.lever_from:
        return None
    run_, part, _, (items, ranges), _ = _what_it_takes_run(ctx, scenario, k, overrides)
    res = _cut(run_, part)
    groups = ["all"] + [g for g in ctx.groups if g in res.stocks]
    rates = _rates(res, groups, year)
    bars: dict[str, list[TornadoBar]] = {g: [] for g in groups}
    moved: set[str] = set()
    for j, (a, (lo, hi)) in enumerate(zip(items, ranges)):
        for g in groups:
            r = rates[g]
            bar = TornadoBar(a.id, lo, hi, float(r[2 * j]), float(r[2 * j + 1]))
            if bar.swing > 1e-9 or abs(bar.at_low - r[-1]) > 1e-9:
                bars[g].append(bar)
                moved.add(a.id)
    base = tuple((g, float(rates[g][-1])) for g in groups)
    ordered = tuple((g, tuple(sorted(bars[g], key=lambda b: -max(abs(b.at_low - rates[g][-1]),
                                                                   abs(b.at_high - rates[g][-1]))))) for g in groups)
    return Tornado(year, base, ordered, tuple(a.id for a in items if a.id not in moved))


def tornado(ctx: Context, scenario: Scenario, year: int | None = None, k: float = 2.0,
            overrides: Mapping[str, float] | None = None) -> Tornado | None:
    """The projected poor rate in ``year`` (default: the horizon), for the district and each named
    group, with each poverty-model assumption moved alone to each end of its range (value ± k·sd
    clipped to its bounds; the whole bounds where it has no spread)."""
    return _tornado(ctx, Scenario.of("", scenario.as_dict()), int(year or ctx.horizon), float(k),
                    tuple(sorted((overrides or {}).items())))

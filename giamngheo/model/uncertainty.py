"""Monte Carlo over the assumptions: the probability of meeting each projected target and the
percentile bands of every projected series.

How the draws are made (stated on the method page):
- every assumption with a standard deviation above zero is drawn from a normal distribution around
  its value in the scenario, independently of the others, clipped to the assumption's bounds;
  whole-number assumptions (jobs, placements, schools, …) are rounded;
- a draw holds one value of each assumption for the whole projection: it is uncertainty about the
  pace (how fast the rate falls, how many jobs a year), not year-to-year noise. The standard
  deviation is by default the spread of the indicator's own past yearly changes, so the bands are
  on the wide side;
- the draws are made with ``numpy.random.Generator`` from a fixed seed, all at once (no Python loop
  over draws), so a run repeats exactly. They are single precision (float32, 7 significant digits:
  a poverty rate to 0.00001 points, jobs exact to 16 million): the spread of an assumption is
  known to two digits at best, and half the bytes make the vectorised projection faster. The
  deterministic path and every verdict stay in double precision.

The verdict of a projected target is the central path's (``assess.classify``) made to agree with
its probability (``assess.agree_with_chance``): the word never contradicts the chance shown beside
it. :data:`PROB_ON_TRACK` and :data:`PROB_AT_RISK` turn a probability alone into a word (the
probability's own band on the "what it takes" page).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from giamngheo.lru import LockedLRU
from giamngheo.model.assess import Verdict, agree_with_chance, progress_base
from giamngheo.model.projection import Projection, SeriesPath
from giamngheo.plan import kinds
from giamngheo.scenario.registry import Assumption, Registry
from giamngheo.scenario.scenario import Scenario

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 20211008        # the date of Resolution 05-NQ/TU; any fixed number would do
PROB_ON_TRACK = 0.80           # a probability at or above this: on track ("likely")
PROB_AT_RISK = 0.50            # at or above this (and below PROB_ON_TRACK): at risk; below: off track
SD_EPS = 1e-9                  # a spread below this (relative to the range) is no spread at all
COMPACT_DRAWS = 1_000          # what a compact (cached) result keeps of each year's draws (about 2 MB)

SdOverrides = tuple[tuple[str, float], ...]


def probability_status(p: float | None) -> str | None:
    """on_track / at_risk / off_track for a probability of meeting a target (None stays None)."""
    if p is None or not np.isfinite(p):
        return None
    if p >= PROB_ON_TRACK:
        return "on_track"
    if p >= PROB_AT_RISK:
        return "at_risk"
    return "off_track"


def sd_of(a: Assumption, overrides: Mapping[str, float] | None = None) -> float:
    """The assumption's standard deviation (an override if given), 0 when negligible."""
    sd = float(overrides[a.id]) if overrides and a.id in overrides else float(a.sd)
    if not math.isfinite(sd) or sd <= SD_EPS * max(1.0, a.max - a.min):
        return 0.0
    return sd


def uncertain(registry: Registry, overrides: Mapping[str, float] | None = None) -> list[Assumption]:
    """The assumptions that are drawn (a spread above zero), in registry order."""
    return [a for a in registry if sd_of(a, overrides) > 0]


def value_range(a: Assumption, value: float, k: float = 2.0,
                overrides: Mapping[str, float] | None = None) -> tuple[float, float]:
    """The range an assumption is moved over for sensitivity: value ± k·sd clipped to its bounds,
    or its whole bounds when it has no spread. Whole-number assumptions are rounded."""
    sd = sd_of(a, overrides)
    lo, hi = (value - k * sd, value + k * sd) if sd > 0 else (a.min, a.max)
    lo, hi = max(lo, a.min), min(hi, a.max)
    if a.integer:
        lo, hi = float(np.ceil(lo - 1e-9)), float(np.floor(hi + 1e-9))
    return float(lo), float(hi)


DRAW_DTYPE = np.float32


@lru_cache(maxsize=8)
def _normals(k: int, n: int, seed: int, dtype: Any) -> np.ndarray:
    """The k × n standard normals of a seed (read-only, shared: every scenario draws from the same ones)."""
    z = np.random.default_rng(seed).standard_normal((k, n), dtype=dtype)
    z.setflags(write=False)
    return z


def draw_params(registry: Registry, scenario: Scenario, n: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
                overrides: Mapping[str, float] | None = None, dtype: Any = DRAW_DTYPE) -> dict[str, np.ndarray]:
    """n draws of every uncertain assumption: normal around the scenario value, clipped, rounded.

    One block of standard normals for all assumptions (made once per seed and kept), then per
    assumption (a row, in place after the first product): × sd, + value, clipped to the bounds,
    rounded for whole numbers. The same seed gives the same standard normals whatever the scenario
    (common random numbers), so two scenarios differ only by what differs between them."""
    if n < 1:
        raise ValueError(f"draws: need at least 1, got {n}")
    vals = registry.resolve(scenario)
    items = uncertain(registry, overrides)
    dt = np.dtype(dtype)
    z = _normals(len(items), n, seed, dt)
    out: dict[str, np.ndarray] = {}
    for i, (zr, a) in enumerate(zip(z, items)):
        sd, v = sd_of(a, overrides), vals[a.id]
        # an assumption's draws depend on its row of normals, spread, value and bounds alone: kept, read-only,
        # and the same array for every scenario with that value (a move makes only the moved levers' draws)
        key = (seed, n, dt.str, len(items), i, a.id, sd, type(v), v, a.min, a.max, a.integer)
        x = _ROWS.get(key, None)
        if x is None:
            x = np.multiply(zr, sd, dtype=dtype)
            x += v
            np.clip(x, a.min, a.max, out=x)
            if a.integer:
                np.rint(x, out=x)
            x.setflags(write=False)
            x = _ROWS.put(key, x)
        out[a.id] = x
    return out


_ROWS = LockedLRU(192)     # the draws of one assumption (:func:`draw_params`), 40 kB each at 10,000 draws


@lru_cache(maxsize=8)
def _nowcast_draws(registry: Registry, n: int, seed: int, overrides: SdOverrides) -> dict[str, np.ndarray]:
    """The draws around the defaults that the nowcast years use: the same for every scenario, made once."""
    return draw_params(registry, Scenario(), n, seed, dict(overrides))


_TUNED = False


def tune_allocator(trim_mb: int = 32, mmap_mb: int = 4, arenas: int = 2) -> bool:
    """Keep freed memory in the process (glibc ``mallopt``): a Monte Carlo allocates and frees some
    hundred arrays of 10,000 numbers; with glibc's default, dynamic thresholds the heap is trimmed
    and grown again on each call, one page fault per 4 kB touched (about 7,500 a call). A trim
    threshold of ``trim_mb`` (32 MB) and an mmap threshold of ``mmap_mb`` (4 MB) keep those pages
    mapped (about 20 faults a call; 16 MB and 4 MB do not). At most ``arenas`` malloc arenas (the
    scripts of all sessions run in threads, each of which could otherwise get its own arena keeping
    its own 32 MB), so the memory kept is bounded: ``arenas × trim_mb`` at most beyond what is in
    use (docs/load.md has the figures). A no-op where glibc is not the allocator. Called once by
    the app (giamngheo/ui/session.py) and the benchmarks; the core never calls it on import."""
    global _TUNED
    if _TUNED:
        return True
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8
        ok = (libc.mallopt(M_TRIM_THRESHOLD, trim_mb << 20) == 1 and libc.mallopt(M_MMAP_THRESHOLD, mmap_mb << 20) == 1
              and libc.mallopt(M_ARENA_MAX, arenas) == 1)
    except (OSError, AttributeError):
        return False
    _TUNED = bool(ok)
    return _TUNED


@dataclass(frozen=True, eq=False)
class MonteCarlo:
    """The result of a Monte Carlo run.

    ``projection`` has the scenario's own (deterministic) values on every path and, for projected
    years, the draws. ``verdicts`` are the deterministic verdicts with ``probability`` set for
    projected targets, always from all ``n`` draws. A *compact* result (what the app caches) keeps
    only the first :data:`COMPACT_DRAWS` draws of each path for the bands: the draws are independent,
    so these are a random sample: its 10th percentile, say, is the full run's 9th to 11th (one
    standard error); it needs a tenth of the memory.
    """

    projection: Projection
    verdicts: list[Verdict]
    n: int
    seed: int
    compact: bool = False
    poverty: bool = True       # False: the paths outside the poverty model only (:func:`monte_carlo`)

    def verdict(self, target_id: str) -> Verdict | None:
        return next((v for v in self.verdicts if v.target == target_id), None)

    def probability(self, target_id: str) -> float | None:
        v = self.verdict(target_id)
        return None if v is None else v.probability

    def percentile(self, indicator: str, group: str, q: float) -> dict[int, float]:
        """Year → the q-th percentile of the path (actual years: the value itself)."""
        p = self.projection.path(indicator, group)
        if p is None:
            return {}
        return {y: float(np.percentile(p.draws[y], q)) if y in p.draws else v for y, v in sorted(p.values.items())}

    def bands(self, indicator: str, group: str, qs: Iterable[int] = (10, 25, 50, 75, 90)) -> pd.DataFrame:
        """One row a year: the value and the percentiles of the projected years (NaN for actual years)."""
        p = self.projection.path(indicator, group)
        qs = tuple(qs)
        cols = ["year", "value", "basis"] + [f"p{q}" for q in qs]
        if p is None:
            return pd.DataFrame(columns=cols)
        rows = []
        for y, v in sorted(p.values.items()):
            d = p.draws.get(y)
            pct = np.percentile(d, qs) if d is not None else [np.nan] * len(qs)
            rows.append([y, v, p.basis(y), *map(float, pct)])
        return pd.DataFrame(rows, columns=cols)

    def compacted(self, keep: int = COMPACT_DRAWS) -> "MonteCarlo":
        """The same result keeping the first ``keep`` draws of each path (probabilities unchanged)."""
        if self.compact or self.n <= keep:
            return self
        proj = Projection(self.projection.as_of, self.projection.horizon, n_draws=keep)
        for p in self.projection.paths.values():
            draws = {y: np.array(d[:keep]) for y, d in p.draws.items()}
            proj.add(SeriesPath(p.indicator, p.group, p.values, p.actual, p.method, draws, p.nowcast))
        return MonteCarlo(proj, self.verdicts, self.n, self.seed, compact=True, poverty=self.poverty)


def _merge(det: Projection, mc: Projection) -> Projection:
    out = Projection(det.as_of, det.horizon, n_draws=mc.n_draws, lever_from=det.lever_from)
    for key, p in det.paths.items():
        q = mc.paths.get(key)
        # (a path no uncertain assumption reaches has scalar "draws": none)
        draws = {y: d for y, d in q.draws.items() if y not in p.actual and np.ndim(d)} if q is not None else {}
        out.add(SeriesPath(p.indicator, p.group, p.values, p.actual, p.method, draws, p.nowcast))
    return out


def probability_of(ctx: Any, tg: Any, proj: Projection) -> float | None:
    """The share of draws in which the target is met (None without draws or with a missing year)."""
    if not proj.has_draws(tg.indicator, tg.group):
        return None
    base = progress_base(ctx.plan, tg, ctx.obs.series(tg.indicator, tg.group, proj.as_of))
    try:
        m = kinds.measure(ctx.plan, tg, proj.getter(tg.indicator, tg.group, draws=True), base)
    except kinds.Missing:
        return None
    met = np.asarray(m.met())
    if met.ndim == 0:           # the test read no projected year with draws
        return float(met)
    return float(met.mean())


def _met(ctx: Any, tg: Any, proj: Projection) -> bool:
    base = progress_base(ctx.plan, tg, ctx.obs.series(tg.indicator, tg.group, proj.as_of))
    try:
        m = kinds.measure(ctx.plan, tg, proj.getter(tg.indicator, tg.group), base)
    except kinds.Missing:
        return False
    return bool(np.all(m.met()))


def monte_carlo(ctx: Any, scenario: Scenario, n: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
                overrides: Mapping[str, float] | None = None, poverty: bool = True) -> MonteCarlo:
    """Draw every uncertain assumption n times, project all draws at once, and give each projected
    target the share of draws that meet it. Repeats exactly for the same seed.

    Without ``poverty``: the paths outside the poverty model only (the labour page's), not the model's ten
    thousand runs: the same draws, so every path and probability it has is the whole run's, to the last bit;
    the model's paths keep their central values without draws, and the targets on them are left out of
    ``verdicts`` (a page that shows them asks for the whole run)."""
    from giamngheo.model.engine import poverty_mc_paths, project, run  # engine imports the model; keep this light

    det_proj, det_verdicts = run(ctx, scenario)
    params = draw_params(ctx.registry, scenario, n, seed, overrides)
    now = _nowcast_draws(ctx.registry, n, seed, overrides_key(overrides))   # the nowcast: around the defaults
    # the draws' paths give their draws to the deterministic paths (_merge): their means would be thrown away
    mc_proj = project(ctx, scenario, params=params, n_draws=n, nowcast_params=now, poverty=poverty,
                      values_ahead=False)
    proj = _merge(det_proj, mc_proj)
    verdicts = []
    targets = {tg.id: tg for tg in ctx.plan.targets}
    left_out = frozenset() if poverty else poverty_mc_paths(ctx)
    for v in det_verdicts:
        tg = targets[v.target]
        if (tg.indicator, tg.group) in left_out:
            continue
        if v.basis in ("projected", "nowcast"):
            p = probability_of(ctx, tg, proj)
            path = proj.path(tg.indicator, tg.group)
            if p is None and path is not None and path.method.startswith(("assumption:", "stock_flow")):
                # a path driven by assumptions none of which is uncertain: the chance is 0 or 1
                p = 1.0 if _met(ctx, tg, proj) else 0.0
            status = agree_with_chance(v.status, p, _met(ctx, tg, proj)) if v.basis == "projected" else v.status
            v = replace(v, probability=p, status=status)
        verdicts.append(v)
    return MonteCarlo(proj, verdicts, n, seed, poverty=poverty)


def overrides_key(overrides: Mapping[str, float] | None) -> SdOverrides:
    return tuple(sorted((k, float(v)) for k, v in (overrides or {}).items()))


@lru_cache(maxsize=16)
def _cached(ctx: Any, scenario: Scenario, n: int, seed: int, overrides: SdOverrides, poverty: bool = True) -> MonteCarlo:
    return monte_carlo(ctx, scenario, n, seed, dict(overrides), poverty=poverty).compacted()


def monte_carlo_cached(ctx: Any, scenario: Scenario, n: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
                       overrides: Mapping[str, float] | None = None, poverty: bool = True) -> MonteCarlo:
    """A compact result, cached by context, scenario, draws, seed and spread overrides (and ``poverty``: without
    it, the paths outside the poverty model only, :func:`monte_carlo`)."""
    return _cached(ctx, scenario, n, seed, overrides_key(overrides), bool(poverty))

"""The household stock–flow model of poverty, per group, vectorised over Monte Carlo draws.

State per group at the end of a year (an annual review): households H; poor households with a member
able to work W; poor households with nobody able to work D; near-poor households N; the others
O = H − W − D − N. One year later (all flows from the stocks at the start of the year):

  households grow        H' = H (1 + growth)
  inflows to poverty     new = r_new · O,  returning = r_ret · N,  shock (one year);
                         a share ν of them has nobody able to work (goes to D), the rest to W
  exits, work-able poor  X_W = W (1 − e^(−λ_W)),  λ_W = λ_pace + λ_jobs + λ_abroad     (a hazard)
      λ_pace   = λ₀ · m · m_g,  m = h(f) / h(f₀),  h(v) = −ln(1 − v/100)
                                                     the pace of every other policy (credit, housing,
                                                     training, transfers): the slider f is the share (%)
                                                     of work-able poor households it takes out a year
      λ_jobs   = J · θ_J · ℓ_J / H_all               jobs reach a household in proportion to the
                                                     poor share (reach shrinks as poverty falls),
                                                     θ_J times as often as other households
      λ_abroad = O_g · θ_O · ℓ_O / H_g               the same for placements abroad of the group
  exits, nobody able     X_D = σ · D                 social protection, pensions, joining a household
  near-poor              N' = N − ret − X_N + s (X_W + X_D) + r_nn · O
      X_N = (N − ret) [ (1 − κ)(1 − e^(−(λ_N + λ_jobs + λ_abroad))) + κ (1 − e^(−λ_N)) ]
      λ_N = λ_N₀ · (h(f_n) / h(f_n₀)) · m · m_g
  poor                   W' = W − X_W + (1 − ν)(new + ret) + shock,   D' = D − X_D + ν (new + ret)

Every exit is a share of its own stock, so no exit can exceed it and no cap binds: each lever acts
smoothly and in one direction. The pace sliders are shares leaving a year (%), turned into hazards by
h; at the defaults f₀ (``PaceScale``) λ_pace = λ₀ and λ_N = λ_N₀, the hazards calibrated on the last
observed pair of years. Named groups (Khmer) have their own pace f_g (m_g = h(f_g) / h(f_g₀)); the
rest of the households take m_g = 1. Totals are the sums of the groups.

Years up to ``lever_from − 1`` are a nowcast: they run on the ``nowcast`` parameters (the defaults),
so no lever can move them; only the re-basing factors, an assumption about the standard rather than a
lever, are always the scenario's. The break year (the first review on the new standard) runs its
flows on the old standard (the end-of-year nowcast on the old line), then re-bases the stocks by
composition (``rebase_stocks``): all poor × F, those with nobody able to work × F_D (≈ 1: no labour
income, mostly poor already), the work-able poor take the rest of the jump; near-poor × F_N. After
it the rates of newly poor and newly near-poor households are scaled by F and F_N (more households
fall under the higher line).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

Array = np.ndarray

# every parameter the model reads; a missing one is an error, never a silent zero
PARAMS = (
    "poor_fall", "near_poor_fall", "jobs", "overseas", "overseas_ethnic",
    "household_growth", "new_poor_rate", "returning_poor_rate", "near_new_rate", "exit_to_near_poor",
    "no_work_share", "no_work_exit_rate", "near_no_work_share",
    "job_priority", "job_lift", "overseas_priority", "overseas_lift",
    "shock_year", "shock_households", "rebase_factor", "rebase_factor_no_work", "rebase_factor_near",
)
FLOW_KEYS = ("exits", "exits_pace", "exits_jobs", "exits_overseas", "exits_no_work", "new", "returning", "shock",
             "near_exits", "near_new", "to_near")


@dataclass
class GroupState:
    H: Array
    W: Array     # poor, someone able to work
    D: Array     # poor, nobody able to work
    N: Array     # near-poor

    @property
    def P(self) -> Array:
        return self.W + self.D

    @property
    def O(self) -> Array:  # noqa: E743 - the model's own letter
        return self.H - self.W - self.D - self.N


@dataclass(frozen=True)
class PaceScale:
    """What turns the pace sliders (points a year at the start level) into hazards.

    ``lam0`` / ``lam_near0``: the calibrated hazards of the work-able poor and of the near-poor;
    ``f0`` / ``fn0`` / ``fg0``: the slider values that give exactly those hazards (the defaults)."""

    lam0: float
    lam_near0: float
    f0: float
    fn0: float
    fg0: dict[str, float] = field(default_factory=dict)


@dataclass
class PovertyInputs:
    """Start-of-projection stocks per group (end of the last actual year) and the model's settings."""

    start_year: int
    horizon: int
    groups: dict[str, tuple[float, float, float, float]]   # group -> (H, W, D, N); "rest" = all minus named
    scale: PaceScale
    lever_from: int                                          # first year the scenario acts
    break_year: int | None = None                            # first year on the new standard
    overseas_split: dict[str, str] = field(default_factory=dict)   # group -> "ethnic" | "non_ethnic"


@dataclass
class PovertyResult:
    years: list[int]
    stocks: dict[str, dict[str, list[Array]]]     # group -> {"H","P","W","D","N"} -> per projected year
    flows: dict[str, dict[str, list[Array]]]      # group -> FLOW_KEYS -> per projected year
    hazards: dict[str, dict[str, list[Array]]]    # group -> {"pace","jobs","overseas","near"} -> per year
    rebased_at: int | None


_ONE = frozenset((float, np.float64))     # the kinds of a single number the model's arithmetic makes (np.ndim 0)


def _min(a: Any, b: Any) -> Any:
    """np.minimum where either is an array of values; else Python's min (which keeps Python floats Python floats: a
    float64 numpy scalar would turn float32 draws into float64). Two single numbers (the deterministic run's every
    value: a Python float or a numpy double) go straight to Python's min, as the last line would send them, without
    its two ``np.ndim`` calls."""
    if type(a) in _ONE and type(b) in _ONE:
        return min(a, b)
    if (type(a) is np.ndarray and a.ndim) or (type(b) is np.ndarray and b.ndim):
        return np.minimum(a, b)
    return min(a, b) if np.ndim(a) == 0 and np.ndim(b) == 0 else np.minimum(a, b)


def _max(a: Any, b: Any) -> Any:
    if type(a) in _ONE and type(b) in _ONE:
        return max(a, b)
    if (type(a) is np.ndarray and a.ndim) or (type(b) is np.ndarray and b.ndim):
        return np.maximum(a, b)
    return max(a, b) if np.ndim(a) == 0 and np.ndim(b) == 0 else np.maximum(a, b)


def _get(p: Mapping[str, Any], k: str) -> Any:
    """A parameter: a Python float for one value (so that draws in float32 stay float32), else the array."""
    try:
        v = p[k]
    except KeyError:
        raise KeyError(f"poverty model: parameter {k!r} is missing") from None
    t = type(v)
    if t is float:                 # (float() of a float is itself)
        return v
    if t is np.ndarray:            # (np.asarray of an array is itself)
        return float(v) if v.ndim == 0 else v
    return float(v) if np.ndim(v) == 0 else np.asarray(v)


def _reader(p: Mapping[str, Any]) -> Any:
    """``_get`` on ``p``, each parameter read once (the year loop reads the same ones for every group)."""
    memo: dict[str, Any] = {}

    def get(k: str) -> Any:
        try:
            return memo[k]
        except KeyError:
            v = memo[k] = _get(p, k)
            return v
    return get


def group_pace_id(group: str) -> str:
    return f"{group}_poor_fall"


def hazard(share_pct: Any) -> Any:
    """The yearly hazard λ of a share (%) of a stock leaving in a year: share = 1 − e^(−λ)."""
    if not np.ndim(share_pct):
        return -float(np.log1p(-min(max(float(share_pct) / 100, 0.0), 0.999999)))
    a = np.asarray(share_pct)
    a = a if a.dtype == np.float32 else a.astype(float)      # draws stay in their single precision
    return -np.log1p(-np.clip(a / a.dtype.type(100), 0.0, 0.999999))


def share_of(lam: float) -> float:
    """The share (%) of a stock that a hazard λ takes out in a year: 100 (1 − e^(−λ))."""
    return float(-100 * np.expm1(-lam))


def _pace_ratio(v: Any, v0: float) -> Any:
    """A pace slider's value (a share leaving a year, %) as a multiple of its default's hazard."""
    if v0 <= 0:
        return 1.0
    r = hazard(v) / hazard(v0)
    return r.astype(v.dtype, copy=False) if isinstance(v, np.ndarray) and v.dtype == np.float32 else r


def rebase_stocks(H: Any, W: Any, D: Any, N: Any, f_p: Any, f_d: Any, f_n: Any) -> tuple[Any, Any, Any]:
    """The stocks on the new standard from the old standard's, by composition.

    All poor × ``f_p`` (the standard's jump); those with nobody able to work × ``f_d`` (they have no
    labour income and were mostly below the old line already: a stricter income line adds mostly
    households with a worker), never more than the new poor; the households with a worker take the
    rest of the jump. Near-poor × ``f_n``. The poor never exceed the households, the near-poor never
    the rest."""
    P = np.minimum((W + D) * f_p, H)
    D2 = np.minimum(D * f_d, P)
    W2 = P - D2
    N2 = np.minimum(N * f_n, H - P)
    return W2, D2, N2


class _Set:
    """What the year loop reads of one parameter set (the scenario's, or the nowcast's), worked out once for
    all years and groups instead of once per year and group: each quantity by the same expression, in the same
    order, as the loop wrote it (so the same numbers, to the last bit; tests/model/test_poverty_reference.py
    checks it against the loop as it was). Made when the first year that reads the set comes."""

    __slots__ = ("new_rate", "ret_rate", "nn_rate", "s_near", "nu", "one_nu", "sigma", "one_kappa", "growth1",
                 "c_jobs", "ov", "op", "ol", "sy", "shh", "groups")

    def __init__(self, g: Any, q: Mapping[str, Any], inp: PovertyInputs, named: list[str], pace: Any) -> None:
        sc = inp.scale
        growth = g("household_growth") / 100
        self.new_rate = g("new_poor_rate") / 100            # × the re-basing factor of the year
        self.ret_rate = g("returning_poor_rate") / 100
        self.nn_rate = g("near_new_rate") / 100
        self.s_near, nu = g("exit_to_near_poor") / 100, g("no_work_share") / 100
        self.nu, self.one_nu = nu, 1 - nu
        self.sigma, kappa = _min(g("no_work_exit_rate") / 100, 1.0), g("near_no_work_share") / 100
        self.one_kappa = 1 - kappa
        m_all = pace(g, "poor_fall", sc.f0)
        m_near = pace(g, "near_poor_fall", sc.fn0)
        jobs, ov = g("jobs"), g("overseas")
        ov_eth = g("overseas_ethnic")
        ov = _max(ov, ov_eth)            # the ethnic placements are part of all placements
        self.ov = ov
        self.c_jobs = jobs * g("job_priority") * (g("job_lift") / 100)     # ÷ all households: λ_jobs
        self.sy, self.shh = g("shock_year"), g("shock_households")
        self.growth1 = 1 + growth
        # per group: λ_pace, λ_N, the part of the near-poor's exits that no job reaches, and the placements'
        # numerator where the group's share of them is fixed (÷ the group's households: λ_abroad)
        self.groups: dict[str, tuple[Any, Any, Any, Any]] = {}
        op = ol = None
        for k in inp.groups:
            if k in named and group_pace_id(k) in q and sc.fg0.get(k, 0) > 0:
                m_g = pace(g, group_pace_id(k), sc.fg0[k])
            else:
                m_g = 1.0
            split = inp.overseas_split.get(k)
            if op is None:
                op, ol = g("overseas_priority"), g("overseas_lift") / 100
            c_ov = None
            if split in ("ethnic", "non_ethnic"):
                ov_g = ov_eth if split == "ethnic" else ov - ov_eth
                c_ov = ov_g * op * ol
            lam_n = sc.lam_near0 * m_near * m_all * m_g
            self.groups[k] = (sc.lam0 * m_all * m_g, lam_n, kappa * -np.expm1(-lam_n), c_ov)
        self.op, self.ol = op, ol


def _same(a: Any, b: Any) -> bool:
    """The same value: the same object, equal arrays of the same shape and type, or equal numbers of one type."""
    if a is b:
        return True
    if type(a) is np.ndarray or type(b) is np.ndarray:
        return (type(a) is np.ndarray and type(b) is np.ndarray and a.shape == b.shape and a.dtype == b.dtype
                and bool(np.array_equal(a, b)))
    return type(a) is type(b) and a == b


def _frozen(v: Any) -> Any:
    """A value kept for comparing later: an array the caller may still write to, copied."""
    if type(v) is np.ndarray and v.flags.writeable:
        v = v.copy()
        v.setflags(write=False)
    return v


REBASE_KEYS = ("rebase_factor", "rebase_factor_no_work", "rebase_factor_near")
_ABSENT = object()


@dataclass(eq=False)
class _Prefix:
    """The years before the levers act (the nowcast), as a run left them: they depend on the nowcast's
    parameters and, of the scenario's, only on the re-basing factors."""

    inp: PovertyInputs
    record_flows: bool
    nowcast: dict[str, Any]
    rebase: tuple[Any, ...]
    n_years: int
    state: dict[str, tuple[Any, Any, Any, Any]]
    stocks: dict[str, dict[str, list[Any]]]
    flows: dict[str, dict[str, list[Any]]]
    hazards: dict[str, dict[str, list[Any]]]
    rebased_at: int | None
    on_new: bool

    def fits(self, inp: PovertyInputs, p: Mapping[str, Any], nowcast: Mapping[str, Any], record_flows: bool) -> bool:
        if self.inp is not inp or self.record_flows != record_flows or len(self.nowcast) != len(nowcast):
            return False
        if not all(_same(p.get(k, _ABSENT), v) for k, v in zip(REBASE_KEYS, self.rebase)):
            return False
        try:
            return all(_same(v, nowcast[k]) for k, v in self.nowcast.items())
        except KeyError:
            return False


class _Prefixes:
    """The nowcast years of the last few runs (a handful: one for the deterministic runs, one for the goal seeks'
    and one for each set of Monte Carlo draws in use), shared by the sessions' threads. What is kept is never
    changed (arrays read-only); a run takes copies of the lists and the stocks it goes on from."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: list[_Prefix] = []
        self._lock = threading.Lock()

    def find(self, inp: PovertyInputs, p: Mapping[str, Any], nowcast: Mapping[str, Any],
             record_flows: bool) -> _Prefix | None:
        with self._lock:
            items = list(self._items)
        for e in items:
            if e.fits(inp, p, nowcast, record_flows):
                with self._lock:
                    if e in self._items:
                        self._items.remove(e)
                    self._items.insert(0, e)
                return e
        return None

    def put(self, e: _Prefix) -> None:
        with self._lock:
            self._items.insert(0, e)
            del self._items[self.size:]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


PREFIXES = _Prefixes(6)


def _readonly(v: Any) -> Any:
    if type(v) is np.ndarray:
        v.setflags(write=False)
    return v


def run_poverty(inp: PovertyInputs, p: Mapping[str, Any], nowcast: Mapping[str, Any] | None = None,
                record_flows: bool = True, keep_nowcast: bool = False) -> PovertyResult:
    """Project the stocks from ``inp.start_year + 1`` to the horizon.

    ``p`` maps assumption ids to scalars or arrays of draws (shape (n,)): the scenario, used from
    ``inp.lever_from``; ``nowcast`` the same for the years before (default: ``p``). Without
    ``record_flows`` (the Monte Carlo) only the stocks are kept. ``keep_nowcast``: the years before
    ``inp.lever_from`` are kept (:data:`PREFIXES`) and taken again by a later run whose nowcast parameters
    and re-basing factors are the same values (the engine's runs: the nowcast is the defaults, or the
    same draws around them, whatever the scenario); the arrays of those years are then read-only."""
    nowcast = p if nowcast is None else nowcast
    named = [k for k in inp.groups if k != "rest"]
    years = list(range(inp.start_year + 1, inp.horizon + 1))
    get_p, get_now = _reader(p), _reader(nowcast)
    ratios: dict[tuple[bool, str], Any] = {}

    def pace(g: Any, k: str, v0: float) -> Any:
        """A pace slider's multiple of its default hazard, once per parameter set (not per year and group)."""
        key = (g is get_p, k)
        if key not in ratios:
            ratios[key] = _pace_ratio(g(k), v0)
        return ratios[key]

    n_pre = sum(1 for y in years if y < inp.lever_from)
    kept = PREFIXES.find(inp, p, nowcast, record_flows) if keep_nowcast and n_pre else None
    if kept is not None:
        state = {k: GroupState(*kept.state[k]) for k in inp.groups}
        stocks = {k: {s: list(v) for s, v in d.items()} for k, d in kept.stocks.items()}
        flows = {k: {f: list(v) for f, v in d.items()} for k, d in kept.flows.items()}
        hazards = {k: {h: list(v) for h, v in d.items()} for k, d in kept.hazards.items()}
        rebased_at, on_new = kept.rebased_at, kept.on_new
        todo = years[n_pre:]
    else:
        state = {k: GroupState(*(float(x) for x in inp.groups[k])) for k in inp.groups}
        stocks = {k: {s: [] for s in ("H", "P", "W", "D", "N")} for k in state}
        flows = {k: {f: [] for f in FLOW_KEYS} for k in state}
        hazards = {k: {h: [] for h in ("pace", "jobs", "overseas", "near")} for k in state}
        rebased_at = None
        on_new = inp.break_year is not None and inp.start_year >= inp.break_year
        todo = years
    sets: dict[bool, _Set] = {}

    for y in todo:
        lever = y >= inp.lever_from
        c = sets.get(lever)
        if c is None:
            c = sets[lever] = _Set(get_p if lever else get_now, p if lever else nowcast, inp, named, pace)
        # the first review on the new standard: the year's flows on the old standard (the end-of-year
        # nowcast on the old line), then the stocks re-based by composition (no flows across it)
        rebase = inp.break_year is not None and y == inp.break_year and not on_new
        k_new = get_p("rebase_factor") if on_new else 1.0
        k_near = get_p("rebase_factor_near") if on_new else 1.0
        r_new, r_ret, r_nn = c.new_rate * k_new, c.ret_rate, c.nn_rate * k_near
        s_near, nu, one_nu, sigma, one_kappa = c.s_near, c.nu, c.one_nu, c.sigma, c.one_kappa
        H_tot = sum(st.H for st in state.values())
        lam_jobs = c.c_jobs / H_tot
        sy, shh = c.sy, c.shh
        shock = (shh if sy == y else 0.0) if np.ndim(sy) == 0 else np.where(sy == y, shh, 0.0)
        # no shock this year: no households made poor by it (its flow 0, nothing added or taken)
        calm = type(shock) is float and shock == 0.0
        if rebase:
            f_p, f_d, f_n = get_p("rebase_factor"), get_p("rebase_factor_no_work"), get_p("rebase_factor_near")
        for k, st in state.items():
            lam_pace, lam_n, c_n, c_ov = c.groups[k]
            H, W, D, N = st.H, st.W, st.D, st.N
            O = H - W - D - N  # noqa: E741 - the model's own letter
            if c_ov is None:
                lam_ov = c.ov * H / H_tot * c.op * c.ol / _max(H, 1e-9)
            else:
                lam_ov = c_ov / _max(H, 1e-9)
            lam_w = lam_pace + lam_jobs + lam_ov
            new = _min(r_new * O, O)
            ret = r_ret * N
            x_w = W * -np.expm1(-lam_w)
            x_d = sigma * D
            n_left = N - ret
            x_n = n_left * (one_kappa * -np.expm1(-(lam_n + lam_jobs + lam_ov)) + c_n)
            inflow = new + ret
            to_near = s_near * (x_w + x_d)
            if calm:
                # (the flow recorded as the loop always worked it out: 0, of the type it had)
                sh = _min(shock * H / H_tot, _max(O - new, 0.0)) if record_flows else 0.0
                near_new = _min(r_nn * O, _max(O - new, 0.0))
                W2 = W - x_w + one_nu * inflow
            else:
                sh = _min(shock * H / H_tot, _max(O - new, 0.0))
                near_new = _min(r_nn * O, _max(O - new - sh, 0.0))
                W2 = W - x_w + one_nu * inflow + sh
            D2 = D - x_d + nu * inflow
            N2 = n_left - x_n + to_near + near_new
            H2 = H * c.growth1
            if rebase:
                W2, D2, N2 = rebase_stocks(H2, W2, D2, N2, f_p, f_d, f_n)
            st.H, st.W, st.D, st.N = H2, W2, D2, N2
            sk = stocks[k]
            sk["H"].append(H2)
            sk["P"].append(W2 + D2)
            sk["W"].append(W2)
            sk["D"].append(D2)
            sk["N"].append(N2)
            if not record_flows:
                continue
            with np.errstate(invalid="ignore", divide="ignore"):
                share = np.where(lam_w > 0, x_w / np.where(lam_w > 0, lam_w, 1.0), 0.0)
            fk = flows[k]
            # (the draws' shape read once, not for every flow; a single number has none)
            shape = None if type(W2) in _ONE or not np.ndim(W2) else np.shape(W2)
            for f, v in (("exits", x_w + x_d), ("exits_pace", share * lam_pace), ("exits_jobs", share * lam_jobs),
                         ("exits_overseas", share * lam_ov), ("exits_no_work", x_d), ("new", new),
                         ("returning", ret), ("shock", sh), ("near_exits", x_n), ("near_new", near_new),
                         ("to_near", to_near)):
                fk[f].append(v if shape is None else np.broadcast_to(v, shape))
            for h, v in (("pace", lam_pace), ("jobs", lam_jobs), ("overseas", lam_ov), ("near", lam_n)):
                hazards[k][h].append(v)
        if rebase:
            rebased_at, on_new = y, True
        if keep_nowcast and n_pre and kept is None and y == years[n_pre - 1]:
            for d in (stocks, flows, hazards):
                for per in d.values():
                    for vals in per.values():
                        for v in vals:
                            _readonly(v)
            PREFIXES.put(_Prefix(
                inp, record_flows, {k: _frozen(v) for k, v in nowcast.items()},
                tuple(_frozen(p.get(k, _ABSENT)) for k in REBASE_KEYS), n_pre,
                {k: tuple(_readonly(x) for x in (st.H, st.W, st.D, st.N)) for k, st in state.items()},
                {k: {s: list(v) for s, v in d.items()} for k, d in stocks.items()},
                {k: {f: list(v) for f, v in d.items()} for k, d in flows.items()},
                {k: {h: list(v) for h, v in d.items()} for k, d in hazards.items()},
                rebased_at, on_new))
    return PovertyResult(years, stocks, flows, hazards, rebased_at)

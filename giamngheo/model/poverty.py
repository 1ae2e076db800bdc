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


def _min(a: Any, b: Any) -> Any:
    """np.minimum that keeps Python floats Python floats (a float64 numpy scalar would turn float32 draws into float64)."""
    if isinstance(a, float) and isinstance(b, float):
        return min(a, b)
    return min(a, b) if np.ndim(a) == 0 and np.ndim(b) == 0 else np.minimum(a, b)


def _max(a: Any, b: Any) -> Any:
    if isinstance(a, float) and isinstance(b, float):
        return max(a, b)
    return max(a, b) if np.ndim(a) == 0 and np.ndim(b) == 0 else np.maximum(a, b)


def _get(p: Mapping[str, Any], k: str) -> Any:
    """A parameter: a Python float for one value (so that draws in float32 stay float32), else the array."""
    try:
        v = p[k]
    except KeyError:
        raise KeyError(f"poverty model: parameter {k!r} is missing") from None
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


def run_poverty(inp: PovertyInputs, p: Mapping[str, Any], nowcast: Mapping[str, Any] | None = None,
                record_flows: bool = True) -> PovertyResult:
    """Project the stocks from ``inp.start_year + 1`` to the horizon.

    ``p`` maps assumption ids to scalars or arrays of draws (shape (n,)): the scenario, used from
    ``inp.lever_from``; ``nowcast`` the same for the years before (default: ``p``). Without
    ``record_flows`` (the Monte Carlo) only the stocks are kept."""
    nowcast = p if nowcast is None else nowcast
    named = [k for k in inp.groups if k != "rest"]
    state = {k: GroupState(*(float(x) for x in inp.groups[k])) for k in inp.groups}
    years = list(range(inp.start_year + 1, inp.horizon + 1))
    stocks = {k: {s: [] for s in ("H", "P", "W", "D", "N")} for k in state}
    flows = {k: {f: [] for f in FLOW_KEYS} for k in state}
    hazards = {k: {h: [] for h in ("pace", "jobs", "overseas", "near")} for k in state}
    sc = inp.scale
    rebased_at = None
    on_new = inp.break_year is not None and inp.start_year >= inp.break_year
    get_p, get_now = _reader(p), _reader(nowcast)
    ratios: dict[tuple[bool, str], Any] = {}

    def pace(g: Any, k: str, v0: float) -> Any:
        """A pace slider's multiple of its default hazard, once per parameter set (not per year and group)."""
        key = (g is get_p, k)
        if key not in ratios:
            ratios[key] = _pace_ratio(g(k), v0)
        return ratios[key]

    for y in years:
        q = p if y >= inp.lever_from else nowcast
        g = get_p if y >= inp.lever_from else get_now
        # the first review on the new standard: the year's flows on the old standard (the end-of-year
        # nowcast on the old line), then the stocks re-based by composition (no flows across it)
        rebase = inp.break_year is not None and y == inp.break_year and not on_new
        k_new = get_p("rebase_factor") if on_new else 1.0
        k_near = get_p("rebase_factor_near") if on_new else 1.0
        growth = g("household_growth") / 100
        r_new, r_ret, r_nn = g("new_poor_rate") / 100 * k_new, g("returning_poor_rate") / 100, g("near_new_rate") / 100 * k_near
        s_near, nu = g("exit_to_near_poor") / 100, g("no_work_share") / 100
        sigma, kappa = _min(g("no_work_exit_rate") / 100, 1.0), g("near_no_work_share") / 100
        m_all = pace(g, "poor_fall", sc.f0)
        m_near = pace(g, "near_poor_fall", sc.fn0)
        jobs, ov = g("jobs"), g("overseas")
        ov_eth = g("overseas_ethnic")
        ov = _max(ov, ov_eth)            # the ethnic placements are part of all placements
        H_tot = sum(st.H for st in state.values())
        lam_jobs = jobs * g("job_priority") * (g("job_lift") / 100) / H_tot
        sy, shh = g("shock_year"), g("shock_households")
        shock = (shh if sy == y else 0.0) if np.ndim(sy) == 0 else np.where(sy == y, shh, 0.0)
        if rebase:
            f_p, f_d, f_n = get_p("rebase_factor"), get_p("rebase_factor_no_work"), get_p("rebase_factor_near")
        for k, st in state.items():
            H, W, D, N, O = st.H, st.W, st.D, st.N, st.O
            if k in named and group_pace_id(k) in q and sc.fg0.get(k, 0) > 0:
                m_g = pace(g, group_pace_id(k), sc.fg0[k])
            else:
                m_g = 1.0
            split = inp.overseas_split.get(k)
            ov_g = ov_eth if split == "ethnic" else (ov - ov_eth if split == "non_ethnic" else ov * H / H_tot)
            lam_ov = ov_g * g("overseas_priority") * (g("overseas_lift") / 100) / _max(H, 1e-9)
            lam_pace = sc.lam0 * m_all * m_g
            lam_w = lam_pace + lam_jobs + lam_ov
            lam_n = sc.lam_near0 * m_near * m_all * m_g
            new = _min(r_new * O, O)
            ret = r_ret * N
            sh = _min(shock * H / H_tot, _max(O - new, 0.0))
            x_w = W * -np.expm1(-lam_w)
            x_d = sigma * D
            n_left = N - ret
            x_n = n_left * ((1 - kappa) * -np.expm1(-(lam_n + lam_jobs + lam_ov)) + kappa * -np.expm1(-lam_n))
            near_new = _min(r_nn * O, _max(O - new - sh, 0.0))
            to_near = s_near * (x_w + x_d)
            inflow = new + ret
            W2 = W - x_w + (1 - nu) * inflow + sh
            D2 = D - x_d + nu * inflow
            N2 = n_left - x_n + to_near + near_new
            H2 = H * (1 + growth)
            if rebase:
                W2, D2, N2 = rebase_stocks(H2, W2, D2, N2, f_p, f_d, f_n)
            st.H, st.W, st.D, st.N = H2, W2, D2, N2
            for s, v in (("H", H2), ("P", W2 + D2), ("W", W2), ("D", D2), ("N", N2)):
                stocks[k][s].append(v)
            if not record_flows:
                continue
            with np.errstate(invalid="ignore", divide="ignore"):
                share = np.where(lam_w > 0, x_w / np.where(lam_w > 0, lam_w, 1.0), 0.0)
            for f, v in (("exits", x_w + x_d), ("exits_pace", share * lam_pace), ("exits_jobs", share * lam_jobs),
                         ("exits_overseas", share * lam_ov), ("exits_no_work", x_d), ("new", new),
                         ("returning", ret), ("shock", sh), ("near_exits", x_n), ("near_new", near_new),
                         ("to_near", to_near)):
                flows[k][f].append(np.broadcast_to(v, np.shape(W2)) if np.ndim(W2) else v)
            for h, v in (("pace", lam_pace), ("jobs", lam_jobs), ("overseas", lam_ov), ("near", lam_n)):
                hazards[k][h].append(v)
        if rebase:
            rebased_at, on_new = y, True
    return PovertyResult(years, stocks, flows, hazards, rebased_at)

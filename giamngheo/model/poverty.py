"""The household stock–flow model of poverty, per group, vectorised over Monte Carlo draws.

State per group at the end of a year (an annual review): households H, poor P, near-poor N,
other O = H − P − N. One year later:

  households grow:     H' = H (1 + growth);  the new households join O
  inflows to poverty:  new = new_poor_rate × O;  returning = returning_rate × N;  shock (one year)
  baseline exits E0:   the exits that make the poor rate fall by the assumed points a year at the
                       plan's own job and placement numbers:  E0 = P + new + returning − P*,
                       P* = max(0, (P/H − fall/100) · H')
  channel exits:       C(jobs, placements) = jobs_g · reach_j · lift_j + abroad_g · reach_o · lift_o,
                       capped by the poor households with a member able to work, P (1 − no_work)
  exits:               E = clip(E0 − C(plan numbers) + C(assumed numbers), 0, E_max), where
                       E_max = P (1 − no_work + no_work · no_work_exit): households with nobody able
                       to work leave poverty only slowly, so the assumed fall cannot empty the stock
  poor:                P' = P + new + returning + shock − E
  near-poor:           the same with its own fall; s·E of the exits become near-poor, the rest other;
                       newly near-poor = near_new_rate × O join it and stay at least that year
  other:               O' = H' − P' − N'  (households are conserved by construction)

The group split is data: the named groups have their own fall assumption (Khmer); the rest of the
households fall by f_rest = max(0, (f_all·H − Σ f_k·H_k) / H_rest), so that before any cap the
total falls by the headline assumption (faster, when the named groups' own falls already exceed it:
the rest is then held flat rather than made poorer). Totals are always the sum of the groups.
At the standard break the stocks are re-based (poor × factor, near-poor × factor) unless the data
already hold a review on the new standard; no change is computed across it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

Array = np.ndarray


@dataclass
class GroupState:
    H: Array
    P: Array
    N: Array

    @property
    def O(self) -> Array:  # noqa: E743
        return self.H - self.P - self.N


@dataclass
class PovertyInputs:
    """Start-of-projection stocks per group (end of the last actual year) and the model's settings."""

    start_year: int
    horizon: int
    groups: dict[str, tuple[float, float, float]]      # group -> (H, P, N); "rest" is all minus the named ones
    break_year: int | None = None                      # first year on the new standard
    job_share: dict[str, float] = field(default_factory=dict)       # share of jobs going to each group
    overseas_split: dict[str, str] = field(default_factory=dict)    # group -> "ethnic" | "non_ethnic" placements
    ref_jobs: float = 3000.0
    ref_overseas: float = 350.0
    ref_overseas_ethnic: float = 210.0


@dataclass
class PovertyResult:
    years: list[int]
    stocks: dict[str, dict[str, list[Array]]]     # group -> {"H","P","N"} -> per projected year
    flows: dict[str, dict[str, list[Array]]]      # group -> {"exits","exits_jobs","exits_overseas","exits_base","new","returning","shock"}
    rebased_at: int | None


def _a(x: Any, n: int | None) -> Array:
    a = np.asarray(x, dtype=float)
    return a if n is None or a.ndim else np.full(n, float(a)) if n else a


def run_poverty(inp: PovertyInputs, p: Mapping[str, Any], n: int | None = None) -> PovertyResult:
    """Project the stocks from ``inp.start_year + 1`` to the horizon.

    ``p`` maps assumption ids to scalars or arrays of draws (shape (n,)). Ids used: poor_fall,
    khmer_poor_fall (and any "<group>_poor_fall"), near_poor_fall, jobs, overseas, overseas_ethnic,
    household_growth, new_poor_rate, returning_poor_rate, exit_to_near_poor, no_work_share,
    job_reach_poor, job_lift, overseas_reach_poor, overseas_lift, shock_year, shock_households,
    rebase_factor, rebase_factor_near.
    """
    g = lambda k, d=0.0: np.asarray(p.get(k, d), dtype=float)  # noqa: E731
    named = [k for k in inp.groups if k != "rest"]
    state = {k: GroupState(*(np.asarray(v, float) for v in inp.groups[k])) for k in inp.groups}
    years = list(range(inp.start_year + 1, inp.horizon + 1))
    stocks = {k: {"H": [], "P": [], "N": []} for k in state}
    flow_keys = ("exits", "exits_jobs", "exits_overseas", "exits_base", "new", "returning", "shock", "room",
                 "start", "target", "e0", "c_jobs", "c_overseas", "c_ref", "cap", "e_max", "jobs_g", "overseas_g")
    flows = {k: {f: [] for f in flow_keys} for k in state}
    growth = g("household_growth") / 100
    s_near = g("exit_to_near_poor", 60.0) / 100
    no_work = g("no_work_share", 60.0) / 100
    jobs, ov, ov_eth = g("jobs"), g("overseas"), np.minimum(g("overseas_ethnic"), g("overseas"))
    r_new, r_ret = g("new_poor_rate") / 100, g("returning_poor_rate") / 100
    r_near_new = g("near_new_rate", 0.0) / 100
    nw_exit = g("no_work_exit_rate", 10.0) / 100
    near_no_work = g("near_no_work_share", 25.0) / 100
    rebased_at = None
    for y in years:
        if inp.break_year is not None and y == inp.break_year and inp.start_year < inp.break_year:
            f_p, f_n = g("rebase_factor", 1.0), g("rebase_factor_near", 1.0)
            for st in state.values():
                P = np.minimum(st.P * f_p, st.H)
                N = np.minimum(st.N * f_n, st.H - P)
                st.P, st.N = P, N
            rebased_at = y
        H_tot = sum(st.H for st in state.values())
        # the yearly fall of each group: named groups their own; the rest the fall that makes the
        # total fall by the headline before any cap: f_rest = max(0, (f_all·H − Σ f_k·H_k) / H_rest)
        falls: dict[str, tuple[Array, Array]] = {}
        f_all, fn_all = g("poor_fall"), g("near_poor_fall")
        for k in named:
            falls[k] = (g(f"{k}_poor_fall", 0.0) if f"{k}_poor_fall" in p else f_all,
                        g(f"{k}_near_poor_fall", 0.0) if f"{k}_near_poor_fall" in p else fn_all)
        if "rest" in state:
            H_rest = np.maximum(state["rest"].H, 1e-9)
            # never below zero: two assumptions that imply rising poverty among the rest are held flat
            falls["rest"] = (np.maximum((f_all * H_tot - sum(falls[k][0] * state[k].H for k in named)) / H_rest, 0.0),
                             np.maximum((fn_all * H_tot - sum(falls[k][1] * state[k].H for k in named)) / H_rest, 0.0))
        targets: dict[str, tuple[Array, Array]] = {}
        for k, st in state.items():
            Hn = st.H * (1 + growth)
            targets[k] = (np.maximum(0.0, (st.P / st.H - falls[k][0] / 100) * Hn),
                          np.maximum(0.0, (st.N / st.H - falls[k][1] / 100) * Hn))
        shock = np.where(g("shock_year") == y, g("shock_households"), 0.0)
        for k, st in state.items():
            H, P, N, O = st.H, st.P, st.N, st.O
            Hn = H * (1 + growth)
            share = H / H_tot
            new = np.minimum(r_new * O, O)
            ret = np.minimum(r_ret * N, N)
            sh = np.minimum(shock * share, np.maximum(O - new, 0.0))
            P_star, N_star = targets[k]
            E0 = np.maximum(P + new + ret - P_star, 0.0)
            jshare = inp.job_share.get(k, float(np.mean(share)))
            split = inp.overseas_split.get(k)
            def placements(total: Array, eth: Array) -> Array:
                if split == "ethnic":
                    return eth
                if split == "non_ethnic":
                    return total - eth
                return total * share
            cap = P * (1 - no_work)
            reach_j, lift_j = g("job_reach_poor") / 100, g("job_lift") / 100
            reach_o, lift_o = g("overseas_reach_poor") / 100, g("overseas_lift") / 100
            cj = jobs * jshare * reach_j * lift_j
            co = placements(ov, ov_eth) * reach_o * lift_o
            cj_ref = inp.ref_jobs * jshare * reach_j * lift_j
            co_ref = placements(np.asarray(inp.ref_overseas), np.asarray(inp.ref_overseas_ethnic)) * reach_o * lift_o
            C = np.minimum(cj + co, cap)
            C_ref = np.minimum(cj_ref + co_ref, cap)
            # households with no member able to work leave only slowly (social assistance, pensions)
            E_max = P * (1 - no_work + no_work * nw_exit)
            E = np.clip(E0 - C_ref + C, 0.0, E_max)
            # attribute the exits to channels, in proportion, for the chart
            with np.errstate(invalid="ignore", divide="ignore"):
                ch_share = np.where(cj + co > 0, C / np.where(cj + co > 0, cj + co, 1.0), 0.0)
            ej = np.minimum(cj * ch_share, E)
            eo = np.minimum(co * ch_share, E - ej)
            P_next = P + new + ret + sh - E
            # near-poor: baseline exits keep the near-poor fall at the plan's job numbers
            to_near = s_near * E
            # newly near-poor households (from the others) cannot leave near-poverty in the year they enter
            near_new = np.minimum(r_near_new * O, np.maximum(O - new - sh, 0.0))
            E_ref = np.clip(E0, 0.0, E_max)
            X0 = N - ret + s_near * E_ref + near_new - N_star
            X = np.clip(X0, 0.0, (N - ret + to_near) * (1 - near_no_work + near_no_work * nw_exit))
            N_next = np.maximum(N - ret + to_near + near_new - X, 0.0)
            N_next = np.minimum(N_next, Hn - P_next)
            st.H, st.P, st.N = Hn, P_next, N_next
            for key, val in (("H", Hn), ("P", P_next), ("N", N_next)):
                stocks[k][key].append(val)
            for key, val in (("exits", E), ("exits_jobs", ej), ("exits_overseas", eo), ("exits_base", E - ej - eo),
                             ("new", new), ("returning", ret), ("shock", sh), ("room", E_max - E),
                             ("start", P), ("target", P_star), ("e0", E0), ("c_jobs", cj), ("c_overseas", co),
                             ("c_ref", C_ref), ("cap", cap), ("e_max", E_max), ("jobs_g", jobs * jshare),
                             ("overseas_g", placements(ov, ov_eth))):
                flows[k][key].append(val)
    return PovertyResult(years, stocks, flows, rebased_at)

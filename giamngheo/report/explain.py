"""The poverty model explained for the method page: its arithmetic for the first year the levers act,
the calibration on the record, the backtests, and the start's constants — as tables in words."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from giamngheo.i18n import field, fmt_num, fmt_pct, t
from giamngheo.model.engine import Context, backtest
from giamngheo.model.poverty import PovertyInputs, run_poverty


def _lever_year_inputs(ctx: Context, scenario) -> tuple[int, dict, dict] | None:
    """(year, start stocks per group, params) of the first year the levers act."""
    inp = ctx.poverty
    if inp is None:
        return None
    vals = ctx.registry.channels(ctx.registry.resolve(scenario))     # each channel's levers added up
    y0 = ctx.lever_from - 1
    if y0 > inp.start_year:
        res = run_poverty(PovertyInputs(inp.start_year, y0, inp.groups, inp.scale, inp.lever_from, inp.break_year,
                                        inp.overseas_split), vals, ctx.registry.channels(ctx.registry.defaults()))
        start = {g: tuple(float(res.stocks[g][k][-1]) for k in ("H", "W", "D", "N")) for g in res.stocks}
    else:
        start = {g: tuple(map(float, v)) for g, v in inp.groups.items()}
    return y0 + 1, start, vals


def first_year(ctx: Context, scenario) -> tuple[int, dict, dict, Any] | None:
    """(year, start stocks per group, params, the model's result) of the first year the levers act,
    run by the projection's own code from the stocks the projection reaches the year before (the
    standard's break, the re-basing and the scaled inflows after it included)."""
    got = _lever_year_inputs(ctx, scenario)
    if got is None:
        return None
    year, start, vals = got
    inp = ctx.poverty
    one = PovertyInputs(year - 1, year, start, inp.scale, year, inp.break_year, inp.overseas_split)
    return year, start, vals, run_poverty(one, vals)


def first_year_arithmetic(ctx: Context, scenario, lang: str) -> tuple[int | None, pd.DataFrame]:
    """(year, table): one column per group, one row per step of the stock–flow for the first year
    the scenario's levers act. Every figure is the projection's own (``first_year``)."""
    got = first_year(ctx, scenario)
    if got is None:
        return None, pd.DataFrame()
    year, start, vals, res = got
    inp = ctx.poverty
    brk = inp.break_year
    rebased = res.rebased_at == year
    f = lambda x, d=0: fmt_num(float(x), lang, d)
    cols: dict[str, list[str]] = {}
    pace_h = lambda v: -math.log1p(-float(v) / 100)
    m = pace_h(vals["poor_fall"]) / pace_h(inp.scale.f0) if inp.scale.f0 > 0 else 1.0
    k_new = vals["rebase_factor"] if brk is not None and year > brk else 1.0
    for g in res.stocks:
        H, W, D, N = start[g]
        hz = {k: float(res.hazards[g][k][0]) for k in res.hazards[g]}
        fl = {k: float(res.flows[g][k][0]) for k in res.flows[g]}
        lam = hz["pace"] + hz["jobs"] + hz["overseas"]
        P_end = float(res.stocks[g]["P"][0])
        inflow = fl["new"] + fl["returning"] + fl["shock"]
        before = W + D + inflow - fl["exits"]
        cols[t(f"group.{g}", lang)] = [
            f"{f(W)} + {f(D)} = {f(W + D)}",
            (f"{f(fl['new'])} (× {fmt_num(k_new, lang)}) + " if k_new != 1.0 else f"{f(fl['new'])} + ")
            + f"{f(fl['returning'])} + {f(fl['shock'])}",
            f"{fmt_num(inp.scale.lam0, lang, 3)} × {fmt_num(m, lang, 3)} = {fmt_num(hz['pace'], lang, 3)}",
            f"{fmt_num(hz['jobs'], lang, 3)}",
            f"{fmt_num(hz['overseas'], lang, 4)}",
            f"{f(W)} × (1 − e^−{fmt_num(lam, lang, 3)}) = {f(W * -math.expm1(-lam), 1)}",
            f"{fmt_pct(vals['no_work_exit_rate'], lang, 0)} × {f(D)} = {f(fl['exits_no_work'], 1)}",
            f"{f(fl['exits_pace'], 1)} / {f(fl['exits_jobs'], 1)} / {f(fl['exits_overseas'], 1)}",
            f"{f(W + D)} + {f(inflow)} − {f(fl['exits'])} = "
            + (f"{f(before)} → {t('explain.rebased', lang)} {f(P_end)}" if rebased else f(P_end)),
            f"{f(N)} → {f(float(res.stocks[g]['N'][0]))}",
        ]
    rows = [t(f"explain.row_{k}", lang) for k in ("start", "inflows", "lam_pace", "lam_jobs", "lam_overseas",
                                                  "exits_w", "exits_d", "channels", "end", "near")]
    return year, pd.DataFrame({t("explain.step", lang): rows, **cols})


def calibration_rows(ctx: Context, lang: str) -> pd.DataFrame:
    """What the defaults of the pace sliders rest on: the pair of years, the model against the data."""
    cal = ctx.calibration
    rows = []
    if cal is None:
        return pd.DataFrame()
    for ind, (model, actual) in cal.fit.items():
        years = cal.years if ind == "poor_households" else cal.near_years
        if years is None:
            continue
        rows.append({t("explain.col_what", lang): field(ctx.indicators[ind], "name", lang),
                     t("explain.col_years", lang): f"{years[0]} → {years[1]}",
                     t("explain.col_model", lang): fmt_num(model, lang, 0),
                     t("explain.col_actual", lang): fmt_num(actual, lang, 0),
                     t("explain.col_error", lang): fmt_pct(100 * (model / actual - 1), lang, 1) if actual else "–"})
    return pd.DataFrame(rows)


def calibration_text(ctx: Context, lang: str) -> str:
    cal, inp = ctx.calibration, ctx.poverty
    if cal is None or inp is None:
        return t("explain.no_model", lang)
    sc = inp.scale
    if cal.years is None:
        return t("explain.cal_fallback", lang, lam=fmt_num(cal.lam0, lang, 3))
    key = "explain.cal_text" if cal.years[1] == inp.start_year else "explain.cal_text_earlier"
    return t(key, lang, a=cal.years[0], b=cal.years[1], lam=fmt_num(cal.lam0, lang, 3),
             f0=fmt_pct(sc.f0, lang, 2), fn0=fmt_pct(sc.fn0, lang, 2), lamn=fmt_num(cal.lam_near0, lang, 3),
             start=inp.start_year)


def backtest_rows(ctx: Context, lang: str, years: tuple[int, ...] = (2022, 2023)) -> pd.DataFrame:
    """The model as it stood with the data up to each year, at its defaults (exactly ``project
    --as-of``), against every later real figure of poor households, with that figure's status."""
    rows = []
    for as_of in years:
        later = sorted(y for y, _ in ctx.obs.series("poor_households", "all").items()
                       if y > as_of and ctx.obs.real("poor_households", "all", y))
        for year in later:
            b = backtest(ctx, as_of, year=year)
            if b is None:
                continue
            note = ""
            if b.reason:
                note = t(f"explain.bt_{b.reason}", lang)
            elif b.calibration is not None and b.calibration.clipped:
                note = t("explain.bt_clipped", lang)
            elif b.calibration is not None and b.calibration.years is None:
                note = t("explain.bt_fallback", lang)
            q = t(f"quality.{b.quality}", lang) if b.quality else ""
            rows.append({t("explain.col_as_of", lang): str(as_of), t("explain.col_year", lang): str(b.year),
                         t("explain.col_model", lang): fmt_num(b.projected, lang, 0) if b.projected is not None else "–",
                         t("explain.col_actual", lang): fmt_num(b.actual, lang, 0) + (f" ({q})" if q else ""),
                         t("explain.col_error", lang): fmt_pct(100 * b.relative, lang, 0) if b.relative is not None else "–",
                         t("explain.col_note", lang): note})
    return pd.DataFrame(rows)


def start_rows(ctx: Context, lang: str) -> pd.DataFrame:
    """The constants of the model's start, used only where the data lack the figure, with evidence."""
    return pd.DataFrame([{t("explain.col_what", lang): field(c, "label", lang),
                          t("explain.col_value", lang): fmt_num(c.value, lang),
                          t("assumptions.col_basis", lang): t(f"assumptions.basis_{c.basis}", lang),
                          t("explain.col_evidence", lang): field(c, "evidence", lang)}
                         for c in ctx.registry.constants.values()])


def base_note(ctx: Context, scenario, lang: str) -> str:
    """Where the base of the 2030 poverty targets comes from: the first review on the new standard,
    or the re-based estimate until it is entered."""
    inp = ctx.poverty
    brk = ctx.break_year
    if inp is None or brk is None:
        return ""
    if inp.start_year >= brk:
        q = ctx.obs.quality("poor_households", "all", brk) or ctx.obs.quality("poor_rate", "all", brk) or "official"
        return t("explain.base_review", lang, year=brk, quality=t(f"quality.{q}", lang))
    vals = ctx.registry.resolve(scenario)
    return t("explain.base_estimate", lang, year=brk, f=fmt_num(vals["rebase_factor"], lang),
             fd=fmt_num(vals["rebase_factor_no_work"], lang), fn=fmt_num(vals["rebase_factor_near"], lang))


def placements_reach(ctx: Context, scenario) -> float | None:
    """Poor households lifted by placements abroad in the first lever year (all groups)."""
    got = _lever_year_inputs(ctx, scenario)
    if got is None:
        return None
    year, start, vals = got
    inp = ctx.poverty
    res = run_poverty(PovertyInputs(year - 1, year, start, inp.scale, year, None, inp.overseas_split), vals)
    return float(sum(np.mean(res.flows[g]["exits_overseas"][0]) for g in res.flows))

"""Phương pháp: a one-screen summary, then, folded, the verdict rules, the readings tested, the data statuses, the
model and its assumptions, the presets."""
import pandas as pd
import streamlit as st

from giamngheo.i18n import fmt_num, fmt_pct
from giamngheo.model import uncertainty as _unc
from giamngheo.model.assess import CHANCE_OFF, CHANCE_ON, CHANCE_SURE, P_AT_RISK
from giamngheo.report import explain, views
from giamngheo.scenario.presets import load_presets
from giamngheo.scenario.presets import resolve as resolve_preset
from giamngheo.ui import headings
from giamngheo.ui.chart import ref
from giamngheo.ui.session import context, field, lang, scenario, tr
from giamngheo.ui.tables import data_table, rows_table

ctx = context()
L = lang()
plan = ctx.plan

headings.title(tr("method.title"))
st.markdown(tr("method.source", title=field(plan, "title"), issuer=field(plan, "issuer"),
               implements=field(plan, "implements")))

# one screen first: what is tested, how a verdict is decided, what the model does; the details folded below
st.info(tr("method.summary", year=plan.standard.break_year if plan.standard else "–"), icon=":material/summarize:")

# the details, folded below the one-screen summary: the page opens short, every section a click away
_box = st.expander(tr("method.verdicts"), key="gn_method_verdicts", on_change="rerun")
if _box.open:
    with _box:
        st.markdown(tr("method.verdict_rules", risk=fmt_num(P_AT_RISK, L), off=fmt_pct(100 * CHANCE_OFF, L, 0),
                       on=fmt_pct(100 * CHANCE_ON, L, 0), sure=fmt_pct(100 * CHANCE_SURE, L, 0)))
        # the chance of meeting a target: the thresholds are defined once, in giamngheo.uncertainty
        headings.subheader(tr("prob.method_title"))
        st.markdown(tr("prob.method_text", n=fmt_num(_unc.DEFAULT_DRAWS, L, 0), seed=_unc.DEFAULT_SEED,
                       on=fmt_pct(100 * _unc.PROB_ON_TRACK, L, 0), risk=fmt_pct(100 * _unc.PROB_AT_RISK, L, 0),
                       s_on=tr("status.on_track"), s_risk=tr("status.at_risk"), s_off=tr("status.off_track")))

_box = st.expander(tr("method.readings"), key="gn_method_readings", on_change="rerun")
if _box.open:
    with _box:
        # the tables that depend on the data alone are built once per data version and language (ui/tables.py)
        st.dataframe(data_table("readings", ctx, L, lambda: pd.DataFrame([
                         {tr("board.col_number"): tg.number, tr("method.section"): tg.section,
                          tr("board.col_target"): field(tg, "text"), tr("method.reading"): field(tg, "reading"),
                          tr("method.kind"): tr(f"kind.{tg.kind}")} for tg in plan.targets])),
                     hide_index=True, width="stretch")

_box = st.expander(tr("method.statuses"), key="gn_method_statuses", on_change="rerun")
if _box.open:
    with _box:
        for s in ("official", "review", "estimate", "derived", "illustrative"):
            st.markdown(f"- **{tr('quality.' + s)}** — {tr('method.status_' + s)}")

_box = st.expander(tr("method.model"), key="gn_method_model", on_change="rerun")
if _box.open:
    with _box:
        st.markdown(tr("method.model_text"))
        if plan.standard:
            st.markdown(tr("method.break_text", year=plan.standard.break_year, old=field(plan.standard, "old"),
                           new=field(plan.standard, "new"), reasoning=field(plan.standard, "reasoning")))
            st.caption(explain.base_note(ctx, scenario(), L))

        headings.subheader(tr("method.calibration"))
        st.markdown(explain.calibration_text(ctx, L))
        _cal = data_table("calibration", ctx, L, lambda: explain.calibration_rows(ctx, L))
        if _cal.num_rows:
            st.dataframe(_cal, hide_index=True, width="stretch")
        # placements reach the poor only as far as they are targeted: say how far, in households
        _sc = scenario()
        # the plan's yearly placements and the slider's top, the ethnic share at the plan's figure (assumptions.toml)
        _ov, _ovk = ctx.registry["overseas"], ctx.registry["overseas_ethnic"]
        _ns = (_ov.default, _ov.max)
        _reach = [explain.placements_reach(ctx, _sc.with_values(overseas=n, overseas_ethnic=min(n, _ovk.default))) for n in _ns]
        if None not in _reach:
            st.markdown(tr("method.placements", year=ctx.lever_from, a=fmt_num(_reach[0], L, 1), b=fmt_num(_reach[1], L, 1),
                           na=fmt_num(_ns[0], L, 0), nb=fmt_num(_ns[1], L, 0),
                           p=fmt_num(ctx.registry.resolve(_sc)["overseas_priority"], L)))
        headings.subheader(tr("method.backtest"))
        # the backtests depend on the data alone (not the sliders): made once per data version and language
        _bt = data_table("backtest", ctx, L, lambda: explain.backtest_rows(ctx, L))
        if _bt.num_rows:
            st.dataframe(_bt, hide_index=True, width="stretch")

        _year, _arith = explain.first_year_arithmetic(ctx, scenario(), L)
        if _year is not None:
            headings.subheader(tr("explain.title", year=_year))
            st.dataframe(_arith, hide_index=True, width="stretch")
        headings.subheader(tr("method.start"))
        st.dataframe(data_table("start", ctx, L, lambda: explain.start_rows(ctx, L)), hide_index=True, width="stretch")
        _t26 = next((tg for tg in plan.targets if tg.id == "T26"), None)
        if _t26 is not None:
            headings.subheader(tr("method.t26"))
            st.markdown(field(_t26, "reading"))
        headings.subheader(tr("method.assumptions"))
        st.dataframe(rows_table(views.assumption_records(ctx, scenario(), L)), hide_index=True, width="stretch")

# the presets (data/presets.toml)
_box = st.expander(tr("scenarios.method_header"), key="gn_method_presets", on_change="rerun")
if _box.open:
    with _box:
        st.markdown(tr("scenarios.method_intro"))
        for preset in load_presets():
            headings.subheader(preset.name(L))
            st.markdown(preset.about(L))
            _, preset_values = resolve_preset(ctx, preset)
            if preset_values:
                st.dataframe(data_table("preset", ctx, (L, ref(preset)), lambda pv=preset_values: pd.DataFrame(
                                 [{tr("scenarios.method_col_assumption"): field(ctx.registry[v.id], "label"),
                                   tr("scenarios.method_col_value"): fmt_num(v.value, L),
                                   tr("scenarios.method_col_how"): v.explain(L)} for v in pv])),
                             hide_index=True, width="stretch")
            else:
                st.caption(tr("scenarios.method_none"))

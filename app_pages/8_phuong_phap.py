"""Phương pháp: the readings tested, the verdict rules, the data statuses, the model and its assumptions."""
import pandas as pd
import streamlit as st

from giamngheo.report import views
from giamngheo.model.assess import P_AT_RISK, P_ON_TRACK
from giamngheo.i18n import fmt_num
from giamngheo.ui.state import context, field, lang, scenario, tr

ctx = context()
L = lang()
plan = ctx.plan

st.title(tr("method.title"))
st.markdown(tr("method.source", title=field(plan, "title"), issuer=field(plan, "issuer"),
               implements=field(plan, "implements")))

st.header(tr("method.verdicts"))
st.markdown(tr("method.verdict_rules", on=fmt_num(P_ON_TRACK, L), risk=fmt_num(P_AT_RISK, L)))

# the chance of meeting a target: the thresholds are defined once, in giamngheo.uncertainty
from giamngheo.model import uncertainty as _unc  # noqa: E402
from giamngheo.i18n import fmt_pct as _pct  # noqa: E402
st.subheader(tr("prob.method_title"))
st.markdown(tr("prob.method_text", n=fmt_num(_unc.DEFAULT_DRAWS, L, 0), seed=_unc.DEFAULT_SEED,
               on=_pct(100 * _unc.PROB_ON_TRACK, L, 0), risk=_pct(100 * _unc.PROB_AT_RISK, L, 0),
               s_on=tr("status.on_track"), s_risk=tr("status.at_risk"), s_off=tr("status.off_track")))

st.header(tr("method.readings"))
st.dataframe(pd.DataFrame([{tr("board.col_number"): tg.number, tr("method.section"): tg.section,
                            tr("board.col_target"): field(tg, "text"), tr("method.reading"): field(tg, "reading"),
                            tr("method.kind"): tr(f"kind.{tg.kind}")} for tg in plan.targets]),
             hide_index=True, width="stretch")

st.header(tr("method.statuses"))
for s in ("official", "review", "estimate", "derived", "illustrative"):
    st.markdown(f"- **{tr('quality.' + s)}** — {tr('method.status_' + s)}")

st.header(tr("method.model"))
st.markdown(tr("method.model_text"))
if plan.standard:
    st.markdown(tr("method.break_text", year=plan.standard.break_year, old=field(plan.standard, "old"),
                   new=field(plan.standard, "new")))
from giamngheo.report.explain import first_year_arithmetic  # noqa: E402

_year, _arith = first_year_arithmetic(ctx, scenario(), L)
if _year is not None:
    st.subheader(tr("explain.title", year=_year))
    st.dataframe(_arith, hide_index=True, width="stretch")
st.subheader(tr("method.assumptions"))
st.dataframe(views.assumption_rows(ctx, scenario(), L), hide_index=True, width="stretch")

# ------------------------------------------------------------------ the presets (issue 5: data/presets.toml)
from giamngheo.scenario.presets import load_presets, resolve as resolve_preset  # noqa: E402

st.header(tr("scenarios.method_header"))
st.markdown(tr("scenarios.method_intro"))
for preset in load_presets():
    st.subheader(preset.name(L))
    st.markdown(preset.about(L))
    _, preset_values = resolve_preset(ctx, preset)
    if preset_values:
        st.dataframe(pd.DataFrame([{tr("scenarios.method_col_assumption"): field(ctx.registry[v.id], "label"),
                                    tr("scenarios.method_col_value"): fmt_num(v.value, L),
                                    tr("scenarios.method_col_how"): v.explain(L)} for v in preset_values]),
                     hide_index=True, width="stretch")
    else:
        st.caption(tr("scenarios.method_none"))

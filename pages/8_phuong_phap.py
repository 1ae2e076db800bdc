"""Phương pháp: the readings tested, the verdict rules, the data statuses, the model and its assumptions."""
import pandas as pd
import streamlit as st

from giamngheo import views
from giamngheo.assess import P_AT_RISK, P_ON_TRACK
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

st.header(tr("method.readings"))
st.dataframe(pd.DataFrame([{tr("board.col_number"): tg.number, tr("method.section"): tg.section,
                            tr("board.col_target"): field(tg, "text"), tr("method.reading"): field(tg, "reading"),
                            tr("method.kind"): tr(f"kind.{tg.kind}")} for tg in plan.targets]),
             hide_index=True, width="stretch")

st.header(tr("method.statuses"))
for s in ("official", "estimate", "derived", "illustrative"):
    st.markdown(f"- **{tr('quality.' + s)}** — {tr('method.status_' + s)}")

st.header(tr("method.model"))
st.markdown(tr("method.model_text"))
if plan.standard:
    st.markdown(tr("method.break_text", year=plan.standard.break_year, old=field(plan.standard, "old"),
                   new=field(plan.standard, "new")))
st.subheader(tr("method.assumptions"))
st.dataframe(views.assumption_rows(ctx, scenario(), L), hide_index=True, width="stretch")

"""Giảm nghèo: poor and near-poor rates (all vs Khmer), targets, the standard break, the year table,
exits by channel against new poverty, and the fall needed against the fall assumed."""
import streamlit as st

from giamngheo.report import charts, views
from giamngheo.model.engine import exit_cap_years
from giamngheo.i18n import fmt_num
from giamngheo.ui import tables
from giamngheo.ui.chart import show_chart
from giamngheo.ui.state import context, field, lang, mc_results, scenario, tr, view_key
from giamngheo.model.uncertainty import probability_text

ctx = context()
mc = mc_results()   # the scenario's own paths with Monte Carlo draws (fan bands) and probabilities
proj, verdicts = mc.projection, mc.verdicts
L = lang()
plan = ctx.plan
brk = plan.standard.break_year if plan.standard else None
groups = ["all"] + ctx.groups
vals = ctx.registry.resolve(scenario())

st.title(tr("poverty.title"))
if plan.standard:
    st.info(tr("poverty.break_note", year=brk, new=field(plan.standard, "new"),
               factor=fmt_num(vals.get("rebase_factor", 1.0), L)), icon="ℹ️")

c1, c2 = st.columns(2)
for col, ind, key in ((c1, "poor_rate", "poverty.poor_chart"), (c2, "near_poor_rate", "poverty.near_chart")):
    items = [(ind, g, tr(f"group.{g}")) for g in groups]
    df = charts.path_frame(proj, items, L, break_year=brk, from_year=plan.period[0], bands=True)
    marks = [m for g in groups for m in views.target_marks(plan, verdicts, ind, g, L)]
    col.markdown(f"#### {tr(key)}")
    show_chart(lambda: charts.line_chart(df, tr(key), L, targets=marks, break_year=brk), df, ind, col, key=view_key())
st.caption(tr("prob.fan_note", n=views.fmt_num(mc.n, L, 0)))
for tg, v in zip(plan.targets, verdicts):
    if tg.area == "poverty" and v.basis == "projected":
        st.markdown(probability_text(v, L))

st.subheader(tr("poverty.required"))
needed = [(tg, v) for tg, v in zip(plan.targets, verdicts) if tg.area == "poverty" and v.basis == "projected"
          and v.required_change is not None and tg.indicator.endswith("rate")]
cols = st.columns(max(len(needed), 1) + 1)
for col, (tg, v) in zip(cols, needed):
    col.metric(tr("poverty.required_metric", target=tg.id), f"{fmt_num(-v.required_change, L, 2)} {tr('unit.pp_year')}",
               help=field(tg, "reading"))
cols[-1].metric(tr("poverty.assumed_metric"), f"{fmt_num(vals['poor_fall'], L, 2)} {tr('unit.pp_year')}")
a, b = ctx.as_of, ctx.horizon
pa, pb = proj.get("poor_rate", "all", a), proj.get("poor_rate", "all", (brk - 1) if brk and brk > a + 1 else b)
if pa is not None and pb is not None and brk and brk > a + 1:
    st.caption(tr("poverty.realised", a=a, b=brk - 1, v=fmt_num((pa - pb) / (brk - 1 - a), L, 2)) + ". " + tr("poverty.cap_note"))

cap = exit_cap_years(proj)
if cap:
    st.warning(tr("sidebar.cap_binding", years=", ".join(map(str, cap))), icon="⚠️")
st.subheader(tr("poverty.channels"))
cdf = views.channel_frame(proj, L)
if not cdf.empty:
    cdf = cdf[cdf["year"] > ctx.as_of]
    show_chart(lambda: charts.flow_balance_chart(cdf, tr("poverty.households"), L), cdf, "poverty-flows", key=view_key())

st.subheader(tr("poverty.table"))
items = [(ind, g, f"{tr(key)} — {tr('group.' + g)}") for ind, key in (("poor_rate", "poverty.poor_chart"),
                                                                       ("near_poor_rate", "poverty.near_chart"))
         for g in groups]
# short headers (the full name is each header's help) so that every column is in view at 1366 px
year_df = views.year_table(proj, items, L, plan.period[0], brk)
short = {lab: f"{tr('screen.short_' + ind)} · {tr('group.' + g)}" for ind, g, lab in items}
short.update({f"{lab} ± ": tr("screen.short_change") for _, _, lab in items})
st.dataframe(year_df, hide_index=True, width="stretch", height=tables.height(len(year_df), 35),
             column_config=tables.widths(year_df.columns, {year_df.columns[0]: 60, **{c: 95 for c in year_df.columns
                                                                                      if c.endswith(" ± ")}},
                                         labels=short))

"""Giảm nghèo: poor and near-poor rates (all vs Khmer), targets, the standard break, the year table,
exits by channel against new poverty, and the fall needed against the fall assumed."""
import pandas as pd
import streamlit as st

from giamngheo.i18n import fmt_num
from giamngheo.report import charts, explain, needs, views
from giamngheo.report.needs import probability_text
from giamngheo.ui import headings, tables
from giamngheo.ui.chart import ref, show_chart
from giamngheo.ui.session import context, field, lang, mc_results, scenario, tr

ctx = context()
sc = scenario()     # read once: each call reads every lever's state again
mc = mc_results()   # the scenario's own paths with Monte Carlo draws (fan bands) and probabilities
proj, verdicts = mc.projection, mc.verdicts
L = lang()
plan = ctx.plan
brk = plan.standard.break_year if plan.standard else None
groups = ["all"] + ctx.groups
vals = ctx.registry.resolve(sc)

headings.title(tr("poverty.title"))
if plan.standard:
    st.info(tr("poverty.break_note", year=brk, new=field(plan.standard, "new"),
               factor=fmt_num(vals.get("rebase_factor", 1.0), L)), icon="ℹ️")

c1, c2 = st.columns(2)


def fan_chart(ind: str, key: str):
    """The rate of every group with its fan and targets: the data from this Monte Carlo, the rest cached."""
    items = [(ind, g, tr(f"group.{g}")) for g in groups]
    # the rows go to the chart as they are (a table is made only for the CSV, when it is downloaded)
    rows = charts.path_rows(proj, items, L, break_year=brk, from_year=plan.period[0], bands=True)
    marks = [m for g in groups for m in views.target_marks(plan, verdicts, ind, g, L)]
    return charts.line_chart(rows, tr(key), L, targets=marks, break_year=brk), lambda: pd.DataFrame(rows)


for col, ind, key in ((c1, "poor_rate", "poverty.poor_chart"), (c2, "near_poor_rate", "poverty.near_chart")):
    col.markdown(f"#### {tr(key)}")
    show_chart(lambda ind=ind, key=key: fan_chart(ind, key), None, ind, col, key=ref(mc))
st.caption(tr("prob.fan_note", n=views.fmt_num(mc.n, L, 0)))
by_id = {v.target: v for v in verdicts}
for tg in plan.targets:
    if tg.area == "poverty" and by_id[tg.id].basis == "projected":
        st.markdown(probability_text(by_id[tg.id], L))

headings.subheader(tr("poverty.required"))
# one "needed" figure per target, the same as everywhere: the yearly change its own years need, the
# scenario's own yearly change over the same years, and the lever value that just meets it
for tg, v in ((tg, by_id[tg.id]) for tg in plan.targets):
    if tg.area != "poverty" or v.basis != "projected" or v.required_change is None:
        continue
    st.markdown(needs.need_line(ctx, sc, tg, v, L))
st.caption(explain.base_note(ctx, sc, L))
headings.subheader(tr("poverty.channels"))

# the projected years' rows go to the chart as they are (a table is made only for the CSV, when downloaded)
all_flows = views.channel_rows(proj, L)
if all_flows:
    flows = [r for r in all_flows if r["year"] > ctx.as_of]
    show_chart(lambda: charts.flow_balance_chart(flows, tr("poverty.households"), L),
               lambda: pd.DataFrame(flows), "poverty-flows", key=ref(mc))

headings.subheader(tr("poverty.table"))
items = [(ind, g, f"{tr(key)} — {tr('group.' + g)}") for ind, key in (("poor_rate", "poverty.poor_chart"),
                                                                       ("near_poor_rate", "poverty.near_chart"))
         for g in groups]
# short headers (the full name is each header's help) so that every column is in view at 1366 px
# the rows go to Arrow as they are (tables.rows_table: no pandas table on a move)
year_rows = views.year_rows(proj, items, L, plan.period[0], brk)
year_cols = list(year_rows[0]) if year_rows else []
short = {lab: f"{tr('screen.short_' + ind)} · {tr('group.' + g)}" for ind, g, lab in items}
short.update({f"{lab} ± ": tr("screen.short_change") for _, _, lab in items})
st.dataframe(tables.rows_table(year_rows, year_cols), hide_index=True, width="stretch",
             height=tables.height(len(year_rows), 35),
             column_config=tables.widths(year_cols, {**({year_cols[0]: 60} if year_cols else {}),
                                                     **{c: 95 for c in year_cols if c.endswith(" ± ")}},
                                         labels=short))

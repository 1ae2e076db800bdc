"""Dịch vụ xã hội: every education, health, utilities and new-rural target with its path and target."""
import streamlit as st

from giamngheo.report import charts, views
from giamngheo.report.board import board
from giamngheo.ui.board_view import badge, ensure_css
from giamngheo.ui.chart import show_chart
from giamngheo.ui.state import context, field, lang, results, tr

ctx = context()
proj, verdicts = results()
L = lang()
plan = ctx.plan
rows = {r.target: r for r in board(plan, ctx.indicators, verdicts, L)}

st.title(tr("services.title"))
ensure_css()
for area in ("education", "health", "utilities", "new_rural"):
    targets = [tg for tg in plan.targets if tg.area == area]
    if not targets:
        continue
    st.subheader(tr(f"area.{area}"))
    cols = st.columns(3)
    for i, tg in enumerate(targets):
        col = cols[i % 3]
        r = rows[tg.id]
        with col.container(border=True):
            st.markdown(f"**{tg.number}. {field(ctx.indicators[tg.indicator], 'name')}**  \n"
                        f"{tr('board.col_goal')}: {r.goal} ({r.year})")
            st.markdown(badge(r.status, r.status_label, r.probability) + f" &nbsp; {r.result}", unsafe_allow_html=True)
            df = charts.path_frame(proj, [(tg.indicator, tg.group, field(ctx.indicators[tg.indicator], "name"))], L,
                                   from_year=plan.period[0])
            if df.empty:
                st.caption(tr("services.no_series"))
                continue
            percent = ctx.indicators[tg.indicator].unit == "percent"
            if tg.kind in ("cumulative", "yearly_flow"):
                df = df.drop_duplicates(["year"])
                show_chart(charts.bar_chart(df, "year", "value", "basis_label", "", L, height=180), df, tg.id)
            else:
                show_chart(charts.line_chart(df, "", L, targets=views.target_marks(plan, verdicts, tg.indicator,
                                                                                 tg.group, L),
                                             percent=percent, height=180, y_format=",.1f", zero=False),
                           df, tg.id)

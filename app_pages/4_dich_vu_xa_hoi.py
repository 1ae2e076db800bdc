"""Dịch vụ xã hội: every education, health, utilities and new-rural target with its path and target."""
import re
from html import escape

import streamlit as st

from giamngheo.plan.kinds import kind_of
from giamngheo.report import charts, views
from giamngheo.report.board import board
from giamngheo.ui import headings
from giamngheo.ui.board_view import badge, ensure_css
from giamngheo.ui.chart import show_chart
from giamngheo.ui.session import context, field, lang, results, tr

ctx = context()
proj, verdicts = results()
L = lang()
plan = ctx.plan
rows = {r.target: r for r in board(plan, ctx.indicators, verdicts, L)}


def service_chart(tg):
    df = charts.path_frame(proj, [(tg.indicator, tg.group, field(ctx.indicators[tg.indicator], "name"))], L,
                           from_year=plan.period[0])
    ind = ctx.indicators[tg.indicator]
    percent = ind.unit == "percent"
    if kind_of(tg).draws_bars:
        df = df.drop_duplicates(["year"])
        return charts.bar_chart(df, "year", "value", "basis_label", "", L, height=180,
                                integer=ind.unit not in ("percent", "per_10k")), df
    return charts.line_chart(df, "", L, targets=views.target_marks(plan, verdicts, tg.indicator, tg.group, L),
                             percent=percent, height=180, y_format=",.1f", zero=False), df


headings.title(tr("services.title"))
ensure_css()
for area in ("education", "health", "utilities", "new_rural"):
    targets = [tg for tg in plan.targets if tg.area == area]
    if not targets:
        continue
    headings.subheader(tr(f"area.{area}"))
    for i, tg in enumerate(targets):
        # a row of three cards at a time: on a phone the columns stack, and the cards keep the targets' order
        # (one set of columns stacked 11, 14, 12, 15, …)
        if i % 3 == 0:
            cols = st.columns(3)
        col = cols[i % 3]
        r = rows[tg.id]
        with col.container(border=True):
            # the deciding year after the goal, unless the goal names its years already ("≥ 12 (2021–2025)",
            # "trước năm 2023": never "(2021–2025) (2025)")
            when = "" if re.search(r"\b(19|20)\d\d\b", r.goal) else f" ({r.year})"
            st.markdown(f"**{tg.number}. {field(ctx.indicators[tg.indicator], 'name')}**  \n"
                        f"{tr('board.col_goal')}: {r.goal}{when}")
            result = "" if r.result.strip() in ("", "–", "-") else f" &nbsp; {escape(r.result)}"   # no lone "–"
            st.markdown(badge(r.status, r.status_label, r.probability) + result
                        + ("" if r.official else " ◇"), unsafe_allow_html=True)
            p = proj.path(tg.indicator, tg.group)
            if p is None or not any(y >= plan.period[0] for y in p.values):
                # an empty place says what is missing and where it comes from
                st.caption(tr("services.no_series", area=tr(f"area.{area}")))
                continue
            if kind_of(tg).chart == "none":
                # a milestone (its kind draws no chart) is reached in a year or not: no projected line (a flat line of 0/1 says nothing)
                st.caption(tr("services.milestone", latest=r.latest))
                continue
            # what this chart depends on: its path and its target levels (not the headline sliders),
            # so a rerun after a slider move that leaves them as they were does no chart work
            v = next(v for v in verdicts if v.target == tg.id)
            show_chart(lambda tg=tg: service_chart(tg), None, tg.id,
                       key=(tuple(p.values.items()), tuple(sorted(p.actual)), v.target_level, v.year))

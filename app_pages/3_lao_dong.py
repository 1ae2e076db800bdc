"""Lao động – việc làm: jobs and placements a year against the plan, trained and certified shares, unemployment."""
import pandas as pd
import streamlit as st

from giamngheo.i18n import field as _field
from giamngheo.model.engine import poverty_mc_paths
from giamngheo.plan.kinds import kind_of
from giamngheo.report import charts, views
from giamngheo.report.needs import probability_text
from giamngheo.ui import headings
from giamngheo.ui.chart import ref, show_chart
from giamngheo.ui.memo import series_key
from giamngheo.ui.session import context, lang, mc_results, tr

ctx = context()
FLOWS = ("jobs_created", "workers_abroad", "workers_abroad_ethnic")
RATES = (("trained_labour_rate", "certified_labour_rate"), ("unemployment_rate",))
# the scenario's own paths with Monte Carlo draws (fan bands) and probabilities: the paths outside the poverty
# model only, when nothing this page shows is the model's (the same draws and numbers as the whole run's),
# not the model's ten thousand runs
model_paths = poverty_mc_paths(ctx)
mc = mc_results(poverty=any((i, "all") in model_paths for i in FLOWS + sum(RATES, ()))
                or any((t.indicator, t.group) in model_paths for t in ctx.plan.targets if t.area == "labour"))
proj, verdicts = mc.projection, mc.verdicts
L = lang()
plan = ctx.plan

headings.title(tr("labour.title"))


def flow_chart(ind: str, col) -> None:
    p = proj.path(ind, "all")
    tg = next((t for t in plan.targets if t.indicator == ind and kind_of(t).chart == "bars_rule"), None)
    v = next((v for v in verdicts if tg and v.target == tg.id), None)
    col.markdown(f"#### {_field(ctx.indicators[ind], 'name', L)}")
    if p is None or not p.values:
        # an empty place says what is missing and where it comes from, instead of an empty box
        col.info(tr("labour.no_series", name=_field(ctx.indicators[ind], "name", L)), icon=":material/info:")
        return

    def build():
        rows = charts.path_rows(proj, [(ind, "all", _field(ctx.indicators[ind], "name", L))], L,
                                from_year=plan.period[0], bands=True, percent=False)
        years: set = set()
        rows = [r for r in rows if not (r["year"] in years or years.add(r["year"]))]   # a year once: its first row
        # the rows go to the chart as they are (a table is made only for the CSV, when it is downloaded)
        return charts.bar_fan_chart(rows, tr("unit.workers"), L, rule=tg.value if tg else None,
                                    rule_label=f"{tr('chart.target')}: {views.fmt_num(tg.value, L, 0)}"
                                    if tg else ""), lambda: pd.DataFrame(rows)
    # kept by what it draws (the series with its draws, the target), not by the Monte Carlo it comes from:
    # a move of a lever that does not reach this series (most of them) draws the chart already made
    show_chart(build, None, ind, col, key=(ref(ctx), series_key(proj, [(ind, "all")], draws=True),
                                           tg.value if tg else None))
    if tg and v:
        done = sum(val for y, val in p.values.items() if tg.from_year <= y <= tg.year)
        target_total = views.fmt_num(tg.total or tg.value * (tg.year - tg.from_year + 1), L, 0)
        guessed = [y for y in range(tg.from_year, tg.year + 1) if y not in p.actual]
        if guessed:
            # years without a figure: no sum (a sum of some years beside the whole period's target reads like a
            # shortfall, a verdict the data cannot give); the years that have a figure, and those still awaited
            real = "; ".join(f"{y}: {views.fmt_num(p.values[y], L, 0)} {tr('unit.workers')}"
                             for y in range(tg.from_year, tg.year + 1) if y in p.actual) or tr("labour.none")
            col.caption(tr("labour.years_awaited", real=real, missing=", ".join(map(str, guessed)),
                           target=views.fmt_num(tg.value, L, 0), a=tg.from_year, b=tg.year))
        elif v.status == "awaiting_data":
            # every year has a figure, but not every one is official: a sum, not a verdict
            col.caption(tr("labour.total_unofficial", a=tg.from_year, b=tg.year, v=views.fmt_num(done, L, 0),
                           target=target_total))
        else:
            col.caption(tr("labour.total", a=tg.from_year, b=tg.year, v=views.fmt_num(done, L, 0),
                           target=target_total, status=tr(f"status.{v.status}")))
        short = [y for y in range(tg.from_year, tg.year + 1) if y in p.actual and p.values[y] < tg.value]
        if short:
            fy = short[0]
            col.caption(tr("labour.year_short", target=views.fmt_num(tg.value, L, 0), y=fy,
                           v=views.fmt_num(p.values.get(fy), L, 0)))


c = st.columns(3)
for col, ind in zip(c, FLOWS):
    flow_chart(ind, col)

c1, c2 = st.columns(2)


def rate_chart(items, marks):
    rows = charts.path_rows(proj, items, L, from_year=plan.period[0], bands=True)   # a table only for the CSV
    return charts.line_chart(rows, "%", L, targets=marks), lambda: pd.DataFrame(rows)


def rate_box(col, title: str, inds: tuple[str, ...], name: str) -> None:
    """A rate chart, or, with no figure for any of its indicators, what is missing and where it comes from."""
    col.markdown(f"#### {title}")
    if not any((p := proj.path(i, "all")) is not None and p.values for i in inds):
        col.info(tr("labour.no_series", name=title), icon=":material/info:")
        return False
    items = [(i, "all", _field(ctx.indicators[i], "name", L)) for i in inds]
    marks = [m for i in inds for m in views.target_marks(plan, verdicts, i, "all", L)]
    # kept by what it draws (the series with their draws, the targets' marks), as the bar charts above
    show_chart(lambda: rate_chart(items, marks), None, name, col,
               key=(ref(ctx), series_key(proj, items, draws=True), tuple(tuple(sorted(m.items())) for m in marks)))
    return True


drawn = [rate_box(c1, tr("labour.trained"), RATES[0], "trained-labour"),
         rate_box(c2, _field(ctx.indicators["unemployment_rate"], "name", L), RATES[1], "unemployment")]
# how to read the bands (the rate charts) and the whiskers (the bars): only for what is drawn
notes = ([tr("prob.fan_note", n=views.fmt_num(mc.n, L, 0))] if any(drawn) else []) + \
    ([tr("prob.bar_note", n=views.fmt_num(mc.n, L, 0))] if any((p := proj.path(i, "all")) is not None and p.values
                                                               for i in FLOWS) else [])
if notes:
    st.caption(" ".join(notes))
by_id = {v.target: v for v in verdicts}     # the targets on the paths this Monte Carlo ran
for tg in plan.targets:
    v = by_id.get(tg.id)
    if tg.area == "labour" and v is not None and v.basis == "projected":
        st.markdown(probability_text(v, L))

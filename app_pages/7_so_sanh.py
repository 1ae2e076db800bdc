"""So sánh: 2–4 scenarios (the current one, presets, saved) side by side: the verdict of every target
with changed cells marked, overlaid poverty and labour paths, and the assumptions that differ."""
import streamlit as st

from giamngheo.i18n import field
from giamngheo.model.engine import run
from giamngheo.report import charts
from giamngheo.report.compare import BETTER, OTHER, WORSE, differing_rows, verdict_table
from giamngheo.scenario.presets import load_presets, resolve
from giamngheo.store import StoreError
from giamngheo.ui import headings, safe, tables
from giamngheo.ui import scenarios as ui
from giamngheo.ui.chart import ref, show_chart
from giamngheo.ui.memo import per_context
from giamngheo.ui.session import context, lang, saved_scenarios, scenario, store, tr

STATUS_TINT = {"achieved": "#d5efe0", "on_track": "#e3f4e9", "at_risk": "#fdf1c7", "off_track": "#f8d7d3",
               "missed": "#f1c9c4", "no_data": "#eceff1"}
PICK = "_gn_compare_pick"

ctx = context()
L = lang()
reg = ctx.registry
plan = ctx.plan

headings.title(tr("compare.title"))
st.caption(tr("compare.caption"))

# ---------------------------------------------------------------------------- what can be compared
options: dict[str, tuple[str, object]] = {}       # key -> (label, Scenario)
cur = scenario()
cur_name = (ui.origin() or {}).get("name", "")
cur_label = tr("compare.current_named", name=safe.plain(cur_name, 80)) if cur_name else tr("compare.current")
if cur_name and ui.is_modified(cur):
    cur_label += " " + tr("compare.modified")
options["current"] = (cur_label, cur)
# the presets as scenarios depend on the data in use, the presets file and the language alone: worked out
# once per data version (memo.per_context), not on every move
presets = tuple(load_presets())
options.update(per_context("compare:presets", ctx, (presets, L), lambda: {
    f"preset:{p.id}": (tr("compare.preset_label", name=p.name(L)), resolve(ctx, p)[0]) for p in presets}))
saved_error = None
try:
    for s in saved_scenarios(store(), plan.id):    # read again after a save here, else at most every 2 s
        sc, _ = ui.lenient(reg, s.values, s.name)
        options[f"saved:{s.id}"] = (tr("compare.saved_label", name=safe.plain(s.name, 80)), sc)
except StoreError as exc:
    saved_error = ui.store_problem(exc)
if saved_error:
    st.warning(saved_error)

default = ["current", "preset:plan", "preset:trend"] if cur.values else ["preset:plan", "preset:trend", "preset:cautious"]
if PICK not in st.session_state or not all(k in options for k in st.session_state[PICK]):
    st.session_state[PICK] = [k for k in (st.session_state.get(PICK) or default) if k in options][:4] or \
        [k for k in default if k in options]
picked = st.multiselect(tr("compare.pick"), list(options), key=PICK, max_selections=4, persist_state="session",
                        format_func=lambda k: options[k][0], placeholder=tr("compare.pick_placeholder"),
                        help=tr("compare.pick_help"))
if len(picked) < 2:
    st.info(tr("compare.pick_two"))
    st.stop()

# two choices can carry the same label (a saved scenario named like a preset): keep columns apart
labels: list[str] = []
for k in picked:
    label = options[k][0]
    while label in labels:
        label += " ·"
    labels.append(label)
chosen = [(label, options[k][1]) for label, k in zip(labels, picked)]
results = [(label, run(ctx, sc)) for label, sc in chosen]

# ---------------------------------------------------------------------------- verdicts
headings.header(tr("compare.verdicts"))
# the table and its styles are kept by what they show: the runs compared (the core's cached result of each
# scenario, by identity), their labels and the language. Comparing presets and saved scenarios only, a lever
# move changes none of it; with the current scenario picked, each move makes them anew.
runs_key = tuple((label, ref(r[0])) for label, r in results)


def _verdicts():
    vt = verdict_table(plan, ctx.indicators, [(label, r[1]) for label, r in results], L)
    # each scenario's cells tinted by verdict, a changed cell framed; styled a column at a time without pandas'
    # HTML rendering (tables.cell_styles: the same cells and styles Streamlit sends, a quarter of the time);
    # what is kept is the styles worked out, never a pandas Styler (one is made for this run below)
    tint = {label: [f"background-color: {STATUS_TINT.get(s, '')}" + ("; font-weight: 700; border: 2px solid #1f4e79"
                                                                      if c else "")
                    for s, c in zip(vt.status[label].tolist(), vt.changed[label].tolist())]
            for label in vt.scenario_columns}
    # what the table's element is made of (its cells, their styles; its columns give its widths): the element is
    # kept by this, so a move that leaves every cell as it was (the current scenario's verdicts and results
    # unchanged) sends it as it was, though the runs compared are new
    shown = (tuple(vt.table.columns), tuple(map(tuple, vt.table.itertuples(index=False))),
             tuple((k, tuple(v)) for k, v in tint.items()))
    return vt, tables.cell_styles(vt.table, tint), int(vt.changed.values.sum()), shown


vt, cell_css, n_changed, shown = per_context("compare:verdicts", ctx, (runs_key, L), _verdicts, moves=True)
cols = st.columns(len(results))
for col, (label, _), good in zip(cols, results, vt.good):
    col.metric(ui.md(label), f"{good}/{len(plan.targets)}", help=tr("compare.good_help"))
st.caption(tr("compare.legend", first=ui.md(labels[0]), better=BETTER, worse=WORSE, other=OTHER, n=n_changed))


# every scenario's column in view at 1366 px: the widths share the main area, the cells' text wraps
# (the table's columns follow from the scenarios' labels and the language alone: made once for those, not per move)
col_cfg = per_context("compare:widths", ctx, (tuple(labels), L), lambda: tables.widths(
    vt.table.columns, {vt.table.columns[0]: 40, vt.table.columns[1]: 270}))
# the element itself kept by what it shows (a lever move that leaves every cell as it was sends it as it was)
tables.dataframe(("compare:verdicts", shown), lambda: tables.styler(cell_css), hide_index=True,
                 width="stretch", column_config=col_cfg, row_height=tables.ROW_WRAP, height=tables.height(len(vt.table)))

# ---------------------------------------------------------------------------- trajectories
headings.header(tr("compare.paths"))
brk = plan.standard.break_year if plan.standard else None
projs = [(label, r[0]) for label, r in results]
labour = {"jobs_created": False, "workers_abroad": False, "trained_labour_rate": True, "unemployment_rate": True}
labour = {k: v for k, v in labour.items() if k in ctx.indicators}
ind = st.radio(tr("compare.labour_pick"), list(labour), horizontal=True, key="_gn_compare_labour",
               format_func=lambda i: field(ctx.indicators[i], "name", L))
c1, c2 = st.columns(2)
with c1:
    headings.subheader(tr("compare.poverty_chart"))

    def poverty_compare():
        df = charts.compare_frame(projs, "poor_rate", "all", L, from_year=plan.period[0], break_year=brk)
        return charts.compare_chart(df, tr("compare.poverty_axis"), L, break_year=brk), df
    show_chart(poverty_compare, None, "compare-poor-rate", c1, key=runs_key)
with c2:
    name = field(ctx.indicators[ind], "name", L)
    headings.subheader(name)
    pct = labour[ind]

    def labour_compare():
        df2 = charts.compare_frame(projs, ind, "all", L, from_year=plan.period[0])
        return charts.compare_chart(df2, name, L, percent=pct, y_format=",.1f" if pct else ",.0f"), df2
    show_chart(labour_compare, None, f"compare-{ind}", c2, key=runs_key)

# ---------------------------------------------------------------------------- assumptions
headings.header(tr("compare.assumptions"))
# kept by the scenarios compared (their values) and the language
diff = per_context("compare:assumptions", ctx, (tuple(chosen), L),
                   lambda: (lambda rows: tables.rows_table(rows) if rows else None)(differing_rows(reg, chosen, L)),
                   moves=True)
if diff is None:
    st.info(tr("compare.same_assumptions"))
else:
    tables.dataframe(("compare:assumptions", ref(ctx), tuple(chosen), L), lambda: diff, hide_index=True,
                     width="stretch")

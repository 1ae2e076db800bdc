"""Mức cần đạt: for each projected target the lever value that just meets it, how much of the 2030
poverty gap each lever closes, the sensitivity of the 2030 poor rate, and how a chance is read."""
import pandas as pd
import streamlit as st

from giamngheo.i18n import fmt_num, fmt_pct, t
from giamngheo.model import goalseek
from giamngheo.model.uncertainty import PROB_AT_RISK, PROB_ON_TRACK, sd_of
from giamngheo.report import charts, what_it_takes
from giamngheo.ui import headings, tables
from giamngheo.ui.chart import ref, show_chart
from giamngheo.ui.session import MC_SD_KEY, context, field, lang, mc_results, scenario, sd_overrides, tr

ctx = context()
L = lang()
reg = ctx.registry
# the scenario as the sidebar made it (its name changes no figure): its run, goal seeks and Monte Carlo are the
# ones the sidebar already asked the core for, not a second unnamed copy of them
sc = scenario()
EDITOR_KEY = "mc_sd_editor"

headings.title(tr("seek.title"))
st.caption(tr("seek.intro"))


def _reset_sd() -> None:
    st.session_state.pop(MC_SD_KEY, None)
    st.session_state.pop(EDITOR_KEY, None)


# The uncertainty editor comes first: everything below uses what it holds. Every figure in the page's number
# format and with its unit; the spread column is text, read back by the one number reader.
# Folded, its table is not made: the expander tracks whether it is open (opening it reruns the page with it),
# so a lever move with the editor closed neither builds the table nor converts it for the data editor; the
# spreads edited stay in the session (MC_SD_KEY) and the editor shows them again when opened.
sd_box = st.expander(tr("seek.sd_title"), key="seek_sd_open", on_change="rerun")
if sd_box.open:
    with sd_box:
        st.caption(tr("seek.sd_intro"))
        items = [a for a in reg if a.section != "indicators" or a.indicator]
        current = sd_overrides()
        c_label, c_value, c_sd, c_default, c_range = what_it_takes.sd_columns(L)
        # every row whole (two lines where a label or a range needs them) and every column in a 1366 px screen
        cfg = tables.widths([c_label, c_value, c_sd, c_default, c_range], {c_label: 320})
        cfg[c_sd] = st.column_config.TextColumn(max_chars=30, width=cfg[c_sd]["width"])
        edited = st.data_editor(what_it_takes.sd_table(items, reg.resolve(sc), current, L), key=EDITOR_KEY,
                                hide_index=True, width="stretch", num_rows="fixed", row_height=tables.ROW_WRAP,
                                height=tables.height(len(items)), disabled=[c_label, c_value, c_default, c_range],
                                column_config=cfg)
        overrides, problems = what_it_takes.read_sd(items, list(edited[c_sd]), current, L)
        for i, a in problems:
            st.warning(tr("seek.sd_bad", row=i, label=field(a, "label"), col=c_sd, v=what_it_takes.sd_text(a, sd_of(a), L)),
                       icon="⚠️")
        if overrides != current:
            st.session_state[MC_SD_KEY] = overrides
        st.button(tr("seek.sd_reset"), on_click=_reset_sd, key="mc_sd_reset")
# said under the editor, open or folded: the chances below use the spreads edited
if sd_overrides():
    st.caption(tr("seek.sd_changed", k=len(sd_overrides())))

mc = mc_results()

# 1. What the main lever needs to be
headings.header(tr("seek.table"))
_req = what_it_takes.requirement_records(ctx, sc, mc.verdicts, L)     # to Arrow as they are (no pandas table)
_req_cols = list(_req[0]) if _req else []
st.dataframe(tables.rows_table(_req, _req_cols), hide_index=True, width="stretch", row_height=tables.ROW_WRAP,
             height=tables.height(len(_req)),
             column_config=tables.widths(_req_cols, {tr("seek.col_target"): 200, tr("seek.col_lever"): 170}))
st.caption(tr("seek.table_note"))

# The numbers come from the core's caches (keyed by the data in use, the scenario and the edited
# spreads); the chart specs are cached by the result they draw (a rerun that changed nothing only draws).
# The charts take their rows as they are; the CSV's table is made only when it is downloaded.
def gap_chart(att):
    rows = what_it_takes.attribution_rows(att, L)
    return charts.gap_chart(rows, t("seek.gap_axis", L, year=att.year), L, threshold=100 * att.threshold,
                            threshold_label=t("seek.gap_threshold", L, v=fmt_pct(100 * att.threshold, L, 0))), \
        lambda: pd.DataFrame(rows)


def tornado_chart(tn, g):
    base, _bars = tn.for_group(g)
    rows = what_it_takes.tornado_rows(ctx, tn, g, L)
    return charts.tornado_chart(rows, t("seek.tornado_axis", L, year=tn.year), L, base=base), \
        lambda: pd.DataFrame(rows, columns=what_it_takes.TORNADO_COLUMNS)


# 2. How much of the 2030 poverty gap each lever closes
gaps = goalseek.gap_attribution(ctx, sc)
if gaps:
    first = gaps[0]
    tg = ctx.plan.target(first.target)
    headings.header(tr("seek.gap", year=first.year))
    st.markdown(tr("seek.gap_intro", n=tg.number, year=first.year, base=first.base_year,
                   thr=fmt_pct(100 * first.threshold, L, 0)))
    cols = st.columns(len(gaps))
    for col, att in zip(cols, gaps):
        headings.subheader(tr(f"group.{att.group}"), col)
        show_chart(lambda att=att: gap_chart(att), None, f"gap-{att.group}", col, key=ref(att))
        col.caption(what_it_takes.attribution_caption(att, L))
    if any(att.group != "all" for att in gaps):
        st.info(tr("seek.gap_khmer_note"), icon="ℹ️")
    st.warning(tr("seek.gap_overlap"), icon="⚠️")
else:
    st.info(tr("seek.gap_none"))

# 3. Sensitivity of the 2030 poor rate
tn = goalseek.tornado(ctx, sc, overrides=sd_overrides())
if tn is not None:
    headings.header(tr("seek.tornado", year=tn.year))
    st.caption(tr("seek.tornado_intro", year=tn.year))
    for g, _ in tn.bars:
        base, _bars = tn.for_group(g)
        headings.subheader(f"{tr('group.' + g)} · {fmt_pct(base, L)}")
        show_chart(lambda g=g: tornado_chart(tn, g), None, f"tornado-{g}", key=ref(tn))
    if tn.no_effect:
        st.caption(tr("seek.tornado_no_effect", year=tn.year,
                      ids="; ".join(field(reg[i], "label") for i in tn.no_effect)))

# 4. How a chance is read
headings.header(tr("seek.thresholds"))
st.markdown(tr("seek.thresholds_text", on=fmt_pct(100 * PROB_ON_TRACK, L, 0), risk=fmt_pct(100 * PROB_AT_RISK, L, 0),
               s_on=tr("status.on_track"), s_risk=tr("status.at_risk"), s_off=tr("status.off_track"),
               n=fmt_num(mc.n, L, 0), seed=mc.seed))

"""Lộ trình (the agreed path): the path a meeting adopted — what, when, by whom, on what data — and
where every year since stands against it: each target's indicator agreed against actual (real figures
only), the gap and the status with the tolerance stated; each lever's commitment and what was done;
the communes' part of the agreed fall. Older adoptions stay readable; an editor adopts a new path
from the current scenario (giamngheo/ui/agreed.py, giamngheo/monitor.py)."""
import pandas as pd
import streamlit as st

from giamngheo.report.follow_up import Table, adopted_text, communes_table, levers_table, readings_table
from giamngheo.store import fmt_time
from giamngheo.ui import agreed, headings, safe
from giamngheo.ui.session import context, lang, tr

ctx = context()
L = lang()
headings.title(tr("monitor.page_title"))
st.caption(tr("monitor.page_intro"))

items = agreed.adoptions()
if not items:
    st.info(tr("monitor.none"), icon=":material/flag:")
else:
    labels = {a.id: f"{safe.plain(a.name, 80)} · {a.date} · {safe.plain(a.meeting_ref, 60)}" for a in items}
    ids = [a.id for a in items]
    pick = st.selectbox(tr("monitor.pick"), ids, key=agreed.VIEW_KEY,
                        format_func=lambda i: labels[i] + (f" ({tr('monitor.in_force')})" if i == ids[0] else ""))
    a = next((x for x in items if x.id == pick), items[0])
    m = agreed.measurement(a)
    kind = {"behind": st.warning, "ahead": st.success}.get(agreed.status_of(m), st.info)
    kind(agreed.sentence_text(m), icon=":material/flag:")
    # the adoption's own words (name, reference, who, note) are a user's: shown as text
    st.markdown(safe.text(adopted_text(m, L), 600))
    if a.note:
        st.caption(tr("monitor.note") + " " + safe.text(a.note, 600))
    st.caption(tr("monitor.basis", model=safe.text(a.path.basis.model_version), digest=a.path.basis.data_digest,
                  when=fmt_time(a.recorded_at, L) if a.recorded_at else "–", by=safe.text(a.recorded_by or "–", 80),
                  version=f"v{a.path.basis.data_version}" if a.path.basis.data_version else tr("monitor.embedded")))
    for c in m.changes:
        st.caption("⚠️ " + tr(f"monitor.change.{c}"))
    st.markdown(f"**{tr('monitor.tolerance_h')}** {tr('monitor.tolerance_short')}  \n{agreed.tolerance_line()}")

    def show(tbl: Table | None, key: str) -> None:
        if tbl is None or not tbl.rows:
            return
        df = pd.DataFrame(tbl.rows, columns=tbl.header)
        styled = df.style
        if tbl.status and any(tbl.status):
            col = next(c for c in tbl.header if c == tr("monitor.col.status"))
            colours = [agreed.COLOURS.get(s) for s in tbl.status]
            styled = df.style.apply(lambda _: [f"background-color:{c[0]};color:{c[1]}" if c else "" for c in colours],
                                    subset=[col], axis=0)
        config = {tr("monitor.col.status"): st.column_config.TextColumn(width=150),
                  tr("monitor.col.lever"): st.column_config.TextColumn(width=250)}
        st.dataframe(styled, hide_index=True, width="stretch", key=key, column_config=config)

    headings.subheader(tr("monitor.h_readings"))
    full = st.toggle(tr("monitor.all_years"), key="gn_monitor_all")
    show(readings_table(m, L, ctx.indicators, compact=not full), "gn_monitor_readings")
    headings.subheader(tr("monitor.h_levers"))
    show(levers_table(m, L, ctx.indicators), "gn_monitor_levers")
    communes = communes_table(m, L)
    if communes is not None:
        headings.subheader(tr("monitor.h_communes"))
        show(communes, "gn_monitor_communes")

st.divider()
headings.subheader(tr("monitor.adopt_h"))
agreed.adopt_form()

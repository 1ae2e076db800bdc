"""Tổng quan: every target, its latest value, the target and a verdict for 2025 and 2030."""
import streamlit as st

from giamngheo.report.board import board, columns, summary
from giamngheo.ui.board_view import render_board
from giamngheo.ui.state import context, field, lang, mc_results, tr

ctx = context()
# the deterministic verdicts with the chance of meeting each projected target beside them (cached by scenario)
verdicts = mc_results().verdicts
rows = board(ctx.plan, ctx.indicators, verdicts, lang())
s = summary(rows)

st.title(tr("overview.title"))
st.caption(f"{field(ctx.plan, 'title')} — {field(ctx.plan, 'issuer')}. {tr('app.as_of', year=ctx.as_of)}")
c = st.columns(6)
c[0].metric(tr("overview.headline"), f"{s['good']}/{s['total']}")
for col, key in zip(c[1:], ("achieved", "missed", "on_track", "at_risk", "off_track")):
    col.metric(tr(f"status.{key}"), s["counts"][key])
st.caption(tr("app.data_note") + " " + tr("overview.hover"))

cols = columns(ctx.plan, lang())
for area in ctx.plan.areas:
    area_rows = [r for r in rows if r.area == area]
    good = sum(r.good for r in area_rows)
    st.subheader(f"{tr('area.' + area)} · {good}/{len(area_rows)}")
    render_board(area_rows, cols)

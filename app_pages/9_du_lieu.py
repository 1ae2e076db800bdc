"""Dữ liệu: every observation with its status and a link to its source."""
import pandas as pd
import streamlit as st

from giamngheo.i18n import field as _field
from giamngheo.ui.state import context, lang, num, tr

ctx = context()
L = lang()
df = ctx.obs.df

st.title(tr("data.title"))
st.caption(tr("data.caption", n=len(df), official=int((df["status"] == "official").sum()),
              other=int((df["status"] != "official").sum())))
statuses = st.multiselect(tr("data.filter_status"), ["official", "review", "estimate", "derived", "illustrative"],
                          default=["official", "review", "estimate", "derived", "illustrative"],
                          format_func=lambda s: tr(f"quality.{s}"), placeholder=tr("data.choose"))
inds = sorted(df["indicator"].unique())
chosen = st.multiselect(tr("data.filter_indicator"), inds, placeholder=tr("data.choose"), format_func=lambda i: _field(ctx.indicators[i], "name", L)
                        if i in ctx.indicators else i)


def url_of(src: str) -> str | None:
    parts = [s for s in str(src).split("+") if s]
    return ctx.obs.sources.get(parts[0], {}).get("url", "") if parts else ""


view = df[df["status"].isin(statuses)]
if chosen:
    view = view[view["indicator"].isin(chosen)]
table = pd.DataFrame({
    tr("data.col_indicator"): [_field(ctx.indicators[i], "name", L) if i in ctx.indicators else i for i in view["indicator"]],
    tr("data.col_group"): [tr(f"group.{g}") if g in ("all", "khmer") else g for g in view["group"]],
    tr("data.col_year"): view["year"].astype(str),
    tr("data.col_value"): [num(v) for v in view["value"]],
    tr("data.col_status"): [("" if s == "official" else "◇ ") + tr(f"quality.{s}") for s in view["status"]],
    tr("data.col_source"): view["source"],
    tr("data.col_link"): [url_of(s) for s in view["source"]],
    tr("data.col_note"): [n if n else i for n, i in zip(view["note"], view["inputs"])],
})
st.dataframe(table, hide_index=True, width="stretch",
             column_config={tr("data.col_link"): st.column_config.LinkColumn(display_text=tr("data.open"))})

st.header(tr("data.sources"))
for sid, s in ctx.obs.sources.items():
    title = s.get("title", sid)
    link = f"[{title}]({s['url']})" if s.get("url") else title
    st.markdown(f"- `{sid}` — {link}. {s.get('issuer', '')} {s.get('date', '')}")

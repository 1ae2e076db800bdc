"""giamngheo — entry point: page config, navigation, language, the shared assumptions sidebar."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from giamngheo.i18n import LANGS, catalogue, fmt_num
from giamngheo.ui import sidebar
from giamngheo.ui.pages import discover
from giamngheo.ui.state import context, lang, tr

st.set_page_config(page_title="Giảm nghèo Trà Cú", page_icon="📊", layout="wide", initial_sidebar_state="expanded")

# Keep the link as it came, before the bound widgets clean it, to say what was ignored or clamped.
if "link_raw" not in st.session_state:
    st.session_state["link_raw"] = st.query_params.to_dict()

st.markdown("<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem;}</style>", unsafe_allow_html=True)

with st.sidebar:
    st.radio(tr("app.language"), LANGS, key="lang", horizontal=True, bind="query-params",
             format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code])

here = Path(__file__).parent
pages = [st.Page(str(file), title=tr(title_key) if title_key in catalogue() else slug, url_path=slug, default=(i == 0))
         for i, (file, title_key, slug) in enumerate(discover(here / "pages"))]
nav = st.navigation(pages)
sidebar.render()

reg = context().registry
if "link_notices" not in st.session_state:   # once, on the first run, with the values the widgets took
    st.session_state["link_notices"] = reg.link_report(
        st.session_state["link_raw"], {a.id: st.session_state[a.id] for a in reg if a.id in st.session_state})
for pid, code, raw, used in st.session_state["link_notices"]:
    st.warning(tr(f"notice.{code}", id=pid, value=str(raw)[:40], shown=fmt_num(used, lang()) if used is not None else ""),
               icon="⚠️")

nav.run()

"""giamngheo — entry point: page config, navigation, language, the shared assumptions sidebar."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from giamngheo.scenario.assumptions import URL_VERSION
from giamngheo.i18n import LANGS, catalogue
from giamngheo.ui import safe
from giamngheo.ui import scenarios as scenario_links
from giamngheo.ui import sidebar
from giamngheo.ui.pages import discover
from giamngheo.ui.state import context, tr

st.set_page_config(page_title="Giảm nghèo Trà Cú", page_icon="📊", layout="wide", initial_sidebar_state="expanded")

# Keep the link as it came, before the bound widgets clean it, to say what was ignored or clamped.
if "link_raw" not in st.session_state:
    # numbers not in ASCII digits are refused and taken out of the address (scenarios.screen_link)
    st.session_state["link_raw"] = scenario_links.screen_link()
    # the link's values (renamed ids carried over) before anything reads the scenario: the URL-bound
    # sliders take the same values, but only when they are drawn, after the sidebar's captions
    _taken = context().registry.from_link(st.session_state["link_raw"])
    for _id, _v in scenario_links.snap_to_step(_taken).items():
        a = context().registry[_id]
        st.session_state[_id] = int(_v) if a.integer else float(_v)

st.markdown("<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem;}</style>", unsafe_allow_html=True)

# The language: ?lang=en (or vi) in a link; the switch writes it back, so a copied link keeps it.
LANG_NAMES = {"vi": "Tiếng Việt", "en": "English"}
if "lang" not in st.session_state:
    _q = (st.query_params.get("lang") or "").strip().lower()
    st.session_state["lang"] = next((c for c, name in LANG_NAMES.items() if _q in (c, name.lower())), LANGS[0])
    if _q and _q not in {c for c in LANG_NAMES} | {n.lower() for n in LANG_NAMES.values()}:
        st.session_state["lang_notice"] = st.query_params.get("lang")
        st.query_params.pop("lang", None)


def _sync_lang() -> None:
    if st.session_state["lang"] == LANGS[0]:
        st.query_params.pop("lang", None)
    else:
        st.query_params["lang"] = st.session_state["lang"]


with st.sidebar:
    st.radio(tr("app.language"), LANGS, key="lang", horizontal=True, on_change=_sync_lang,
             format_func=LANG_NAMES.__getitem__)

here = Path(__file__).parent
pages = [st.Page(str(file), title=tr(title_key) if title_key in catalogue() else slug, url_path=slug, default=(i == 0))
         for i, (file, title_key, slug) in enumerate(discover(here / "app_pages"))]
nav = st.navigation(pages, expanded=True)
if st.query_params.get("v") != str(URL_VERSION):
    st.query_params["v"] = str(URL_VERSION)   # the link's version keeps old links working when ids change
scenario_links.load_from_link()   # ?scenario=ID: the saved scenario's values, before the sliders exist
sidebar.render(skip=sidebar.MEETING_IDS if nav.url_path == sidebar.MEETING_PAGE else ())

reg = context().registry
if "link_notices" not in st.session_state:   # once, on the first run, with the values the widgets took
    st.session_state["link_notices"] = reg.link_report(
        st.session_state["link_raw"], {a.id: st.session_state[a.id] for a in reg if a.id in st.session_state})
# every key and value of the link shown as text (giamngheo/ui/safe.py); many unknown ones in one notice
for _text in scenario_links.link_notice_texts(st.session_state["link_notices"]):
    st.warning(_text, icon="⚠️")
if st.session_state.get("lang_notice"):
    st.warning(tr("notice.ignored_lang", value=safe.text(st.session_state["lang_notice"], 40)), icon="⚠️")
scenario_links.show_flash()

nav.run()

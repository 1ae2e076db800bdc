"""giamngheo — entry point: page config, navigation, language, the shared assumptions sidebar."""
from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from giamngheo.i18n import LANGS, catalogue
from giamngheo.plan.targets import load_plan
from giamngheo.scenario.link import URL_VERSION, link_numbers
from giamngheo.ui import auth, binding, guard, levers, safe, sidebar
from giamngheo.ui import scenarios as scenario_links
from giamngheo.ui.main_chart import warm_up_in_background
from giamngheo.ui.pages import discover, nav_pages, sections
from giamngheo.ui.session import DATASET_KEY, context, demo_active, tr

st.set_page_config(page_title=load_plan().extra.get("app_title_vi") or "giamngheo", page_icon="📊", layout="wide", initial_sidebar_state="auto")
guard.install()   # once per process: the upload budget where the bytes arrive, session ids out of the log
warm_up_in_background()   # once per process, in the gaps between runs: the garbage collector's freeze, the other templates
# what this session may upload (its editor right, re-checked on every run) and from which client
guard.note_session(guard.current_session_id(), editor=auth.can_edit(), client=auth.client_address())

# The data: the real data unless the demo dataset is chosen explicitly (?dataset=demo, or the data page).
if DATASET_KEY not in st.session_state:
    st.session_state[DATASET_KEY] = "demo" if st.query_params.get("dataset") == "demo" else None

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
        _canonical = str(int(_v)) if a.integer else repr(float(_v))
        if str((st.session_state["link_raw"].get(_id) or [""])[0]).strip() not in (_canonical, str(_v)):
            # a value written otherwise than the app writes it (?poor_fall=0,8, ?jobs=8.000) or brought into
            # the range (?jobs=9000): the URL-bound slider drops from the address bar what it cannot parse,
            # so the address is rewritten with the value taken (a comma: reloaded, see the end of this file)
            if "," in str((st.session_state["link_raw"].get(_id) or [""])[0]):
                # the number as the link said it, with a point (0,8 → 0.8, not the 10 it is brought to): the
                # reopened page reads it again and says what it did (brought to the minimum, rounded)
                _said = link_numbers(context().registry, st.session_state["link_raw"]).get(_id, _v)
                st.session_state.setdefault("_gn_link_fix", {})[_id] = (
                    str(int(_said)) if float(_said).is_integer() else repr(float(_said)))
            else:
                # the address and the slider's own copy of the link take the value read (8.000 → 8000, not 8),
                # in this run, so the notice at the top still says how it was read
                st.query_params[_id] = _canonical
                binding.seed_link(_id, _canonical)

# the pages' width: narrow side margins (the main area keeps the width a table or the levers need) and, at
# desktop widths, a narrower sidebar (15rem; Streamlit's is 21rem)
st.markdown("<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem; padding-left:1.5rem; padding-right:1.5rem;}"
            "@media (min-width: 769px) {[data-testid='stSidebar'][data-collapsed='false']{width:15rem !important; min-width:15rem !important;}}"
            "</style>", unsafe_allow_html=True)

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
found = discover(here / "app_pages")
first = found[0][0]
# the navigation in sections (giamngheo/ui/pages.py says which page goes where), titles through i18n
nav_sections = nav_pages(tuple(
    (tr(f"navsec.{sec}"), tuple((str(file), tr(title_key) if title_key in catalogue() else slug, slug, file == first)
                                for file, title_key, slug in items))
    for sec, items in sections(here / "app_pages", found)))
nav = st.navigation(nav_sections, position="top")
if st.query_params.get("v") != str(URL_VERSION):
    st.query_params["v"] = str(URL_VERSION)   # the link's version keeps old links working when ids change
if st.session_state.get(DATASET_KEY) == "demo" and st.query_params.get("dataset") != "demo":
    st.query_params["dataset"] = "demo"       # a copied link keeps the demo data (and its banner)
scenario_links.load_from_link()   # ?scenario=ID: the saved scenario's values, before the sliders exist
binding.carry_over_page_switch(context().registry, nav.url_path)   # values set on the page left behind stay in the link
# the overview and meeting mode draw the headline levers (the overview: every assumption) in the page body;
# the sidebar leaves those out there, since a widget key can be drawn only once a run
sidebar.render(skip=levers.body_ids(nav.url_path), line=not levers.in_fragment(nav.url_path))

# the demo dataset is illustrative: every page says so, at the top
if demo_active():
    st.error(tr("data.demo_banner"), icon=":material/science:")

# what became of the link's values is said at the top of the page, but worked out after the page has run:
# the overview and meeting mode draw their sliders in the page, and a URL-bound slider takes its value
# from the link only when it is drawn
link_box = st.container()
if st.session_state.get("lang_notice"):
    st.warning(tr("notice.ignored_lang", value=safe.text(st.session_state["lang_notice"], 40)), icon="⚠️")
scenario_links.show_flash()

nav.run()

reg = context().registry
if "link_notices" not in st.session_state:   # once, on the first run, with the values the widgets took
    st.session_state["link_notices"] = reg.link_report(
        st.session_state["link_raw"], {a.id: st.session_state[a.id] for a in reg if a.id in st.session_state})
with link_box:
    # every key and value of the link shown as text (giamngheo/ui/safe.py); many unknown ones in one notice
    for _text in scenario_links.link_notice_texts(st.session_state["link_notices"]):
        st.warning(_text, icon="⚠️")
_fix = st.session_state.pop("_gn_link_fix", None)
if _fix:
    # reopen the same address with a decimal point (0,8 -> 0.8), so that the link in the address bar,
    # copied or carried to another page, holds the value; only registry ids and numbers are written
    st.html("<script>const u = new URL(window.location.href);"
            f"for (const [k, v] of Object.entries({json.dumps(_fix)})) u.searchParams.set(k, v);"
            "window.location.replace(u.toString());</script>", unsafe_allow_javascript=True)
binding.remember_values(reg, nav.url_path)

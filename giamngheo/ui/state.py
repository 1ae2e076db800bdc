"""Session state: the language, the loaded context, the current Scenario and its results."""
from __future__ import annotations

from typing import Any

import streamlit as st

from .. import i18n
from ..assumptions import Scenario
from ..engine import Context, default_context, run

LANG_KEY = "lang"


def lang() -> str:
    v = st.session_state.get(LANG_KEY, i18n.DEFAULT_LANG)
    return v if v in i18n.LANGS else i18n.DEFAULT_LANG


def tr(key: str, **params: Any) -> str:
    return i18n.t(key, lang(), **params)


def num(x: Any, decimals: int | None = None) -> str:
    return i18n.fmt_num(x, lang(), decimals)


def pct(x: Any, decimals: int = 2) -> str:
    return i18n.fmt_pct(x, lang(), decimals)


def field(obj: Any, name: str) -> str:
    return i18n.field(obj, name, lang())


@st.cache_resource(show_spinner=False)
def _context() -> Context:
    return default_context()


def context() -> Context:
    return _context()


def scenario() -> Scenario:
    """The scenario the sidebar set (defaults when the sidebar has not run, e.g. in a page test)."""
    ctx = context()
    values = {}
    for a in ctx.registry:
        if a.id in st.session_state:
            v = st.session_state[a.id]
            try:
                v = float(v)
            except (TypeError, ValueError):
                continue
            if v != a.default:
                values[a.id] = a.clamp(v)
    return Scenario.of(st.session_state.get("scenario_name", ""), values)


def results():
    """(projection, verdicts) of the current scenario; cached by scenario in the core."""
    return run(context(), scenario())

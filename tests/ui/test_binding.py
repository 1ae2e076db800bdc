"""The binding layer's hold on Streamlit's internals (giamngheo/ui/binding.py): each internal the app uses
is where the binding expects it, and does what the app relies on. A Streamlit upgrade that moves one
fails here, by name, instead of silently falling back (lost links, a memo that never resets)."""
from __future__ import annotations

import streamlit
from streamlit.testing.v1 import AppTest

INTERNALS = {"run_context", "run_memo", "fragment_run", "history_navigation", "app_scoped", "seed_link", "not_on_screen",
             "keep_in_link", "state_values", "arrow_table", "arrow_bytes", "styler_of",
             "script_running"}


def _script() -> None:
    import streamlit as st

    from giamngheo.ui import binding
    st.session_state["report"] = binding.internals_report()
    memo = binding.run_memo()
    st.session_state["memo_was"] = dict(memo)             # what the memo held at the start of this run
    memo["n"] = memo.get("n", 0) + 1
    st.session_state["memo_same_run"] = binding.run_memo().get("n")   # the same dict within the run
    st.session_state["once"] = (binding.run_once("x"), binding.run_once("x"))
    st.session_state["fragment"] = binding.fragment_run()
    st.session_state["not_on_screen"] = binding.not_on_screen("s")   # before the slider: did the browser send it
    with binding.app_scoped():
        st.slider("s", 0, 10, 5, key="s", bind="query-params")
    st.session_state["seeded"] = binding.seed_link("s", "7")
    st.session_state["plain"] = 2.5
    # many values in one pass: a widget's, a plain key's, and None for a key never set, as st.session_state reads them
    st.session_state["values"] = binding.state_values(["s", "plain", "never_set"])
    st.session_state["values_read"] = (st.session_state["s"], st.session_state["plain"], None)


def test_every_streamlit_internal_the_binding_uses_is_there():
    at = AppTest.from_function(_script).run()
    assert not at.exception
    report = at.session_state["report"]
    assert set(report) == INTERNALS
    broken = sorted(k for k, ok in report.items() if not ok)
    assert broken == [], f"Streamlit {streamlit.__version__} moved: {broken} (giamngheo/ui/binding.py)"
    from giamngheo.ui import binding
    assert binding.script_running() is False                 # the run's thread ended with it (the warm-up's cue)
    assert at.session_state["seeded"] is True
    assert at.session_state["not_on_screen"] is True        # the slider was not on the screen before the first run
    at.run()
    assert at.session_state["not_on_screen"] is False       # on the screen: the browser sent its value
    assert at.session_state["values"] == at.session_state["values_read"] == (5, 2.5, None)


def test_the_run_memo_lives_one_run_and_run_once_says_so_once():
    at = AppTest.from_function(_script).run()
    assert at.session_state["memo_was"] == {} and at.session_state["memo_same_run"] == 1
    assert at.session_state["once"] == (True, False)
    assert at.session_state["fragment"] is False            # a whole run
    at.run()
    assert at.session_state["memo_was"] == {}               # a new run: a new memo
    assert at.session_state["once"] == (True, False)


def test_outside_a_run_the_binding_falls_back_quietly():
    from giamngheo.ui import binding
    assert binding.run_context() is None
    assert binding.run_memo() == {} and binding.run_once("x") and binding.run_once("x")   # nothing kept
    assert binding.fragment_run() is False and binding.history_navigation() is False
    with binding.app_scoped():
        pass
    assert binding.seed_link("jobs", "1") is False
    assert isinstance(binding.arrow_bytes({"a": [1, 2]}), bytes)


def test_streamlit_is_bounded_above_to_the_tested_versions():
    """requirements.txt and pyproject.toml pin Streamlit below the next minor version (the internals above
    are checked on the installed one)."""
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    for f in ("requirements.txt", "pyproject.toml"):
        spec = next(line for line in (root / f).read_text().splitlines() if re.search(r"\bstreamlit\s*[<>=]", line))
        assert "<" in spec, f"{f}: {spec}"
        hi = re.search(r"<\s*([\d.]+)", spec).group(1)
        inst = tuple(int(x) for x in streamlit.__version__.split(".")[:2])
        assert inst < tuple(int(x) for x in hi.split(".")[:2]), (f, spec, streamlit.__version__)

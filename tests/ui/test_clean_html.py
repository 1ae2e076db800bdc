"""The boards' HTML sent without Streamlit's dedent of the whole text (giamngheo/ui/binding.py ``html``): the same
element body as ``st.html`` makes of the same text, worked out by Streamlit's own ``clean_text`` here."""
from __future__ import annotations

import pytest
from streamlit.string_util import clean_text
from streamlit.testing.v1 import AppTest

from giamngheo.ui import binding
from giamngheo.ui.board_view import CSS

PREFIXES = ["", CSS, "\n\n<style>\n  .a {x:1}\n   \n\t.b {y:2}\n</style>\n", "   <p>indented</p>\n   <p>both</p>\n",
            "  \t\n  ", "<b>no newline at the end</b>", "  <i>ends indented without a newline", "\n\n"]
BODIES = ['<h4 class="gn-board-h">Một · 3/5</h4><div><table><tr><td>1.234,5</td></tr></table></div>', "x", "<p>a  b</p>"]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("body", BODIES)
def test_the_text_is_what_streamlits_clean_text_makes_of_it(prefix, body):
    assert binding.clean_html(prefix, body) == clean_text(prefix + body)


@pytest.mark.parametrize("body", ["", " <p>a</p>", "<p>a</p> ", "<p>a</p>\n<p>b</p>", "\t<p>a</p>"])
def test_a_body_that_clean_text_could_change_goes_streamlits_own_way(body):
    assert binding.clean_html(CSS, body) is None


def _script() -> None:
    import streamlit as st

    from giamngheo.ui import binding
    from giamngheo.ui.board_view import CSS
    body = '<h4 class="gn-board-h">Hai</h4><div class="gn-board-wrap"><table class="gn-board"></table></div>'
    for prefix in (CSS, ""):
        binding.html(prefix, body)
        st.html(prefix + body)
    binding.html(CSS, body + "\n<p>two lines</p>")
    st.html(CSS + body + "\n<p>two lines</p>")


def test_streamlit_sends_the_same_element_either_way():
    at = AppTest.from_function(_script).run()
    assert not at.exception
    sent = [el.proto.SerializeToString() for el in at.get("html")]
    assert len(sent) == 6 and sent[0::2] == sent[1::2]

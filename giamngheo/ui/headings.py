"""A page's title and its sections' headings, drawn as Markdown headings (``# ``, ``## ``, ``### ``): the same
h1, h2 and h3 with the same anchors and look as ``st.title``, ``st.header`` and ``st.subheader`` draw.

On a lever move Streamlit's front end draws every element of the page again about three times, changed or
not. A Markdown element keeps what it drew while its text is the same (12 React components a draw); a heading
element runs its Markdown again each time (36). See docs/performance.md, "A lever move in the browser"."""
from __future__ import annotations

from typing import Any

import streamlit as st


def heading(level: int, text: str, target: Any = None) -> None:
    """``text`` (app-made, or made safe with ``safe.text``: it is Markdown, as ``st.header``'s is) as a heading
    of ``level`` 1-3 in ``target`` (``st`` by default, or a column or container)."""
    if level not in (1, 2, 3):
        raise ValueError(f"heading level {level}")
    line = " ".join(str(text).split())          # a Markdown heading is one line
    if line.endswith("#"):
        line = line[:-1] + "\\#"                # a closing "#" would be dropped from the heading
    (target if target is not None else st).markdown("#" * level + " " + line)


def title(text: str, target: Any = None) -> None:
    heading(1, text, target)


def header(text: str, target: Any = None) -> None:
    heading(2, text, target)


def subheader(text: str, target: Any = None) -> None:
    heading(3, text, target)

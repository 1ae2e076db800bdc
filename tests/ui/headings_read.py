"""Reading a page's headings in AppTest, drawn as heading elements (``st.title``, ``st.header``,
``st.subheader``) or as Markdown headings (giamngheo.ui.headings: ``# ``, ``## ``, ``### ``)."""
from __future__ import annotations


def headings(at, level: int) -> list[str]:
    """The texts of the headings of ``level`` (1 title, 2 header, 3 subheader): the heading elements', then the
    Markdown headings' (their Markdown as written, without the marks)."""
    kind = {1: at.title, 2: at.header, 3: at.subheader}[level]
    mark = "#" * level + " "
    return [h.value for h in kind] + [m.value[len(mark):] for m in at.markdown if m.value.startswith(mark)]

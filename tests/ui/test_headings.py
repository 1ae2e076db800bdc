"""giamngheo.ui.headings: a heading as one Markdown line of its level, what st.title/header/subheader show."""
from __future__ import annotations

import pytest

from giamngheo.ui import headings


class Target:
    def __init__(self):
        self.calls = []

    def markdown(self, body):
        self.calls.append(body)


def test_levels_and_targets():
    t = Target()
    headings.title("Tổng quan chỉ tiêu", t)
    headings.header("Mức cần đạt", t)
    headings.subheader("Hộ Khmer · 2,1 %", t)
    assert t.calls == ["# Tổng quan chỉ tiêu", "## Mức cần đạt", "### Hộ Khmer · 2,1 %"]


def test_one_line_and_a_last_hash_kept():
    t = Target()
    headings.heading(2, "a\nb  c", t)        # a line break would end the heading and start a paragraph
    headings.heading(3, "Dùng C #", t)       # a closing "#" would be dropped by Markdown
    assert t.calls == ["## a b c", "### Dùng C \\#"]
    with pytest.raises(ValueError):
        headings.heading(4, "x", t)

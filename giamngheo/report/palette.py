"""One status palette for the screen and the exports: each verdict's icon and colours (background, text).

The screen (``giamngheo.ui.headline``, the board, meeting mode) and the Word and Excel exports
(``giamngheo.report.export``) read these; contrast is at least 4.5:1 (WCAG AA) for every pair
(tests/ui/test_pages.py computes it), and a verdict is never told by its colour alone.
"""
from __future__ import annotations

STATUS_ICON = {"achieved": "✓", "on_track": "↗", "at_risk": "⚠", "off_track": "↘", "missed": "✗",
               "awaiting_data": "…", "no_data": "–"}

STATUS_COLORS = {
    "achieved": ("#0b6b3a", "#ffffff"), "on_track": ("#1d6f42", "#ffffff"), "at_risk": ("#f2b705", "#1a1a1a"),
    "off_track": ("#b0301f", "#ffffff"), "missed": ("#7d1f16", "#ffffff"), "no_data": ("#d5d8dc", "#1a1a1a"),
    "awaiting_data": ("#3d5a80", "#ffffff"),
}
UNKNOWN_COLOR = ("#5f6368", "#ffffff")        # a status this palette does not know yet

# an adopted path's statuses (the page "Lộ trình", the overview's and meeting mode's sentence)
PATH_COLORS = {"ahead": ("#0b6b3a", "#ffffff"), "on_path": ("#1f4e8c", "#ffffff"), "behind": ("#b3261e", "#ffffff"),
               "awaiting_data": ("#e8eaed", "#1a1a1a")}


def status_colors(status: str) -> tuple[str, str]:
    """(background, text) of a verdict's status as CSS colours (``#0b6b3a``)."""
    return STATUS_COLORS.get(status, UNKNOWN_COLOR)


def status_fill(status: str) -> tuple[str, str]:
    """(background, text) of a verdict's status as Word and Excel write them (``0B6B3A``)."""
    bg, fg = status_colors(status)
    return bg.lstrip("#").upper(), fg.lstrip("#").upper()

"""The board's HTML: a row's HTML kept from an earlier move is the HTML the row makes afresh (every scenario,
both languages, full and compact), so a move writes only the rows whose verdict it changed."""
from __future__ import annotations

import pytest

from giamngheo.model.engine import default_context
from giamngheo.model.uncertainty import monte_carlo_cached
from giamngheo.report.board import board, columns
from giamngheo.scenario.scenario import Scenario
from giamngheo.ui import board_view


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_kept_rows_html_is_the_html_made_afresh(lang, monkeypatch):
    monkeypatch.setattr(board_view, "lang", lambda: lang)
    monkeypatch.setattr(board_view, "tr", lambda key, **kw: __import__("giamngheo.i18n", fromlist=["t"]).t(key, lang, **kw))
    ctx = default_context()
    cols = columns(ctx.plan, lang)
    scenarios = [Scenario(), Scenario.of("", {"jobs": 5200.0}), Scenario.of("", {"poor_fall": 12.0}), Scenario()]
    kept = []
    for sc in scenarios:
        rows = board(ctx.plan, ctx.indicators, monte_carlo_cached(ctx, sc).verdicts, lang)
        for compact in (False, True):
            kept.append(board_view.board_html(rows, cols, compact, heading="h"))
    board_view._ROW_HTML.clear()
    fresh = []
    for sc in scenarios:
        rows = board(ctx.plan, ctx.indicators, monte_carlo_cached(ctx, sc).verdicts, lang)
        for compact in (False, True):
            board_view._ROW_HTML.clear()
            fresh.append(board_view.board_html(rows, cols, compact, heading="h"))
    assert kept == fresh
    # the moves changed some rows and kept the others: the kept ones were not made again
    assert kept[0] != kept[2] and kept[0] == kept[6]

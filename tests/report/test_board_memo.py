"""The verdict board keeps the rows of verdicts that come back equal (giamngheo/report/board.py): the rows are
those a fresh build gives, for every scenario and language, and a decided target's row is not made again."""
from __future__ import annotations

import dataclasses

from giamngheo.model.engine import default_context, run
from giamngheo.report import board as B
from giamngheo.scenario.scenario import Scenario


def _fresh(ctx, verdicts, lang):
    by_id = {v.target: v for v in verdicts}
    return [dataclasses.asdict(B._row(ctx.plan, tg, ctx.indicators[tg.indicator], by_id[tg.id], lang))
            for tg in ctx.plan.targets]


def test_kept_rows_are_the_rows_a_fresh_build_gives_and_a_decided_row_is_reused():
    ctx = default_context(dataset="demo")
    scenarios = [Scenario(), Scenario.of("", {"jobs": 5000}), Scenario.of("", {"jobs": 5000, "overseas": 1200}),
                 Scenario()]
    boards = []
    for sc in scenarios:
        verdicts = run(ctx, sc)[1]
        for lang in ("vi", "en"):
            rows = B.board(ctx.plan, ctx.indicators, verdicts, lang)
            assert [dataclasses.asdict(r) for r in rows] == _fresh(ctx, verdicts, lang)
            if lang == "vi":
                boards.append((verdicts, rows))
    (v0, first), (v1, moved) = boards[0], boards[1]
    decided = [i for i, (a, b) in enumerate(zip(v0, v1)) if a.decided and a == b]
    assert decided                                               # most of the board does not move with a lever
    assert all(first[i] is moved[i] for i in decided)            # their rows were not made again
    changed = [i for i, (a, b) in enumerate(zip(v0, v1)) if a != b]
    assert changed and all(first[i] is not moved[i] for i in changed)   # a verdict that moved: its row made anew
    # the defaults again: the very rows of the first board (kept per target), the same as a fresh build
    assert all(a is b for a, b in zip(first, boards[3][1]))


def test_a_verdict_whose_detail_cannot_be_compared_is_made_anew():
    import numpy as np
    ctx = default_context(dataset="demo")
    verdicts = run(ctx, Scenario())[1]
    odd = [dataclasses.replace(v, detail={**v.detail, "draws": np.arange(3)}) for v in verdicts]
    first = B.board(ctx.plan, ctx.indicators, odd, "vi")
    odd2 = [dataclasses.replace(v, detail={**v.detail, "draws": np.arange(3)}) for v in verdicts]   # equal arrays
    again = B.board(ctx.plan, ctx.indicators, odd2, "vi")
    assert [dataclasses.asdict(r) for r in again] == [dataclasses.asdict(r) for r in first]
    assert all(a is not b for a, b in zip(first, again))

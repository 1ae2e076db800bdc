"""The process-wide memo of what pages work out from the data alone (giamngheo/ui/memo.py)."""
from __future__ import annotations

from giamngheo.ui import memo


class Ctx:
    """A stand-in for a context: any object that can be referred to weakly."""


def test_made_once_per_context_and_key_and_again_for_a_new_context():
    memo.clear()
    calls = []

    def build(tag):
        calls.append(tag)
        return [tag]

    a, b = Ctx(), Ctx()
    first = memo.per_context("t", a, "vi", lambda: build("a-vi"))
    assert memo.per_context("t", a, "vi", lambda: build("again")) is first       # the same object, not rebuilt
    assert memo.per_context("t", a, "en", lambda: build("a-en")) == ["a-en"]     # another language
    assert memo.per_context("t", b, "vi", lambda: build("b-vi")) == ["b-vi"]     # another data version
    assert memo.per_context("u", a, "vi", lambda: build("u")) == ["u"]           # another name
    assert calls == ["a-vi", "a-en", "b-vi", "u"]


def test_bounded_and_keeps_no_context_alive():
    import gc
    import weakref
    memo.clear()
    keep = Ctx()
    for i in range(memo.SIZE + 10):
        memo.per_context("n", keep, i, lambda i=i: i)
    assert len(memo._MEMO) == memo.SIZE
    gone = Ctx()
    w = weakref.ref(gone)
    memo.per_context("n", gone, 0, lambda: "x")
    del gone
    gc.collect()
    assert w() is None


def test_series_key_follows_what_a_chart_draws():
    import numpy as np

    from giamngheo.model.projection import Projection, SeriesPath

    def proj(jobs_2026, draws_seed, poor=1.5):
        rng = np.random.default_rng(draws_seed)
        return Projection(2025, 2030, [
            SeriesPath("jobs_created", "all", {2025: 3000.0, 2026: jobs_2026}, frozenset({2025}), "lever",
                       draws={2026: rng.normal(jobs_2026, 100, 50)}),
            SeriesPath("poor_rate", "all", {2025: 2.0, 2026: poor}, frozenset({2025}), "model")])

    items = [("jobs_created", "all", "Việc làm")]
    a = memo.series_key(proj(3100.0, 1), items, draws=True)
    assert memo.series_key(proj(3100.0, 1, poor=1.2), items, draws=True) == a   # another series moved: the same
    assert memo.series_key(proj(3200.0, 1), items, draws=True) != a              # its own value moved
    assert memo.series_key(proj(3100.0, 2), items, draws=True) != a              # other draws, the same centre
    assert memo.series_key(proj(3100.0, 2), items) == memo.series_key(proj(3100.0, 1), items)   # draws not asked
    assert memo.series_key(proj(3100.0, 1), [("jobs_created", "all", "Jobs")], draws=True) != a  # another label
    assert memo.series_key(proj(3100.0, 1), [("missing", "all", "x")]) == ((("missing", "all", "x"), None),)


def test_results_a_move_changes_never_push_out_the_datas_own():
    memo.clear()
    a = Ctx()
    memo.per_context("backtest", a, "vi", lambda: "kept")
    for i in range(memo.MOVES_SIZE * 3):                     # many sessions moving levers
        memo.per_context("verdicts", a, i, lambda i=i: i, moves=True)
    assert len(memo._MOVES) == memo.MOVES_SIZE
    assert memo.per_context("backtest", a, "vi", lambda: "made again") == "kept"
    assert memo.per_context("verdicts", a, memo.MOVES_SIZE * 3 - 1, lambda: "again", moves=True) == memo.MOVES_SIZE * 3 - 1

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

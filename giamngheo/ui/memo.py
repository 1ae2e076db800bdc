"""A process-wide, bounded memo of what the pages work out from the data alone (not from the sliders).

A page rerun after a lever move must not redo work that does not depend on the levers (the method page's
backtests build the model again from the data up to each year: 40 ms a run). :func:`per_context` keeps such
a result by the context it was made from (the data in use: equal while it is the same living object, so a
new data version is a new key at once, ``giamngheo.ui.chart.ref``), the language and whatever else the
caller names; at most :data:`SIZE` results, the least recently used dropped first. A result is shared
between sessions: it must be something nobody changes (a table shown, a text).

A result that a lever move can change (the comparison's verdict table when the current scenario is compared)
is kept apart (``moves=True``: at most :data:`MOVES_SIZE`), so that many sessions moving levers never push
the data's own results (the method page's backtests, the data page's tables) out of the memo.
"""
from __future__ import annotations

from typing import Any, Callable, Hashable

from giamngheo.lru import MISSING, LockedLRU
from giamngheo.ui.chart import ref

SIZE = 64
MOVES_SIZE = 32
_MEMO = LockedLRU(SIZE)
_MOVES = LockedLRU(MOVES_SIZE)


def per_context(name: str, ctx: Any, key: Hashable, build: Callable[[], Any], moves: bool = False) -> Any:
    """``build()`` for (``name``, the context ``ctx``, ``key``), made once while ``ctx`` lives. ``moves``: a
    result a lever move may change, kept in its own part of the memo."""
    memo = _MOVES if moves else _MEMO
    k = (name, ref(ctx), key)
    got = memo.get(k)
    if got is not MISSING:
        return got
    return memo.put(k, build())


def clear() -> None:
    _MEMO.clear()
    _MOVES.clear()


def series_key(proj: Any, items: Any, draws: bool = False) -> tuple:
    """A chart's cache key from what it draws of a projection: for each item (indicator, group, …) its years,
    values, actual and nowcast years and, with ``draws``, a digest of its Monte Carlo draws. Equal for two
    projections that give the chart the same series: a lever that does not reach them (the jobs lever and
    the near-poor rate, say) leaves the chart as it is, where a key on the projection's identity would
    make it anew on every move."""
    import hashlib

    import numpy as np
    out = []
    for item in items:
        p = proj.path(item[0], item[1])
        if p is None:
            out.append((tuple(item), None))
            continue
        digest = None
        if draws and p.draws:
            h = hashlib.blake2b(digest_size=16)
            for y in sorted(p.draws):
                h.update(int(y).to_bytes(4, "little", signed=True))
                h.update(np.ascontiguousarray(p.draws[y], dtype=float).tobytes())
            digest = h.digest()
        out.append((tuple(item), tuple(sorted(p.values.items())), p.actual, p.nowcast, digest))
    return tuple(out)

"""A process-wide, bounded memo of what the pages work out from the data alone (not from the sliders).

A page rerun after a lever move must not redo work that does not depend on the levers (the method page's
backtests build the model again from the data up to each year: 40 ms a run). :func:`per_context` keeps such
a result by the context it was made from (the data in use: equal while it is the same living object, so a
new data version is a new key at once, ``giamngheo.ui.chart.ref``), the language and whatever else the
caller names; at most :data:`SIZE` results, the least recently used dropped first. A result is shared
between sessions: it must be something nobody changes (a table shown, a text).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

from giamngheo.ui.chart import ref

SIZE = 64
_MEMO: "OrderedDict[Hashable, Any]" = OrderedDict()
_LOCK = threading.Lock()


def per_context(name: str, ctx: Any, key: Hashable, build: Callable[[], Any]) -> Any:
    """``build()`` for (``name``, the context ``ctx``, ``key``), made once while ``ctx`` lives."""
    k = (name, ref(ctx), key)
    with _LOCK:
        if k in _MEMO:
            _MEMO.move_to_end(k)
            return _MEMO[k]
    out = build()
    with _LOCK:
        _MEMO[k] = out
        while len(_MEMO) > SIZE:
            _MEMO.popitem(last=False)
    return out


def clear() -> None:
    with _LOCK:
        _MEMO.clear()

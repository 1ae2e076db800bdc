"""A bounded, process-wide cache shared by the sessions' threads: at most ``size`` entries, the least recently
used dropped first, every read and write under one lock (the goal seeks found, the verdicts of targets the
model does not project, the pages' memo of what they work out from the data alone)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Hashable

MISSING: Any = object()         # what :meth:`LockedLRU.get` gives for a key it does not hold (None may be a value)


class LockedLRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self._d: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = MISSING) -> Any:
        """The value kept for ``key`` (now the most recently used), else ``default``."""
        with self._lock:
            try:
                self._d.move_to_end(key)
            except KeyError:
                return default
            return self._d[key]

    def put(self, key: Hashable, value: Any, replace: bool = False) -> Any:
        """Keep ``value`` for ``key`` and give back what is kept: a value another thread put meanwhile stays
        (the same result worked out twice: one object for all), unless ``replace``."""
        with self._lock:
            if replace or key not in self._d:
                self._d[key] = value
            self._d.move_to_end(key)
            kept = self._d[key]
            while len(self._d) > self.size:
                self._d.popitem(last=False)
            return kept

    def keys(self) -> list:
        """The keys held now, least recently used first (a copy)."""
        with self._lock:
            return list(self._d)

    def clear(self) -> None:
        with self._lock:
            self._d.clear()

    def __len__(self) -> int:
        return len(self._d)

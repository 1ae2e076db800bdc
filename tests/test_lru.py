"""The locked LRU the core's and the pages' process-wide caches share (giamngheo/lru.py)."""
from __future__ import annotations

import threading

from giamngheo.lru import MISSING, LockedLRU


def test_the_least_recently_used_goes_first():
    c = LockedLRU(3)
    for k in "abc":
        c.put(k, k.upper())
    assert c.get("a") == "A"            # read: now the most recently used
    c.put("d", "D")                     # four kept at most three: "b" (least recently used) goes
    assert len(c) == 3
    assert c.get("b") is MISSING and c.get("b", None) is None
    assert [c.get(k) for k in "acd"] == ["A", "C", "D"]


def test_a_value_put_first_is_kept_unless_replaced_and_none_is_a_value():
    c = LockedLRU(4)
    first, second = ["x"], ["x"]
    assert c.put("k", first) is first
    assert c.put("k", second) is first                    # worked out twice: the first one for all
    assert c.put("k", second, replace=True) is second
    c.put("n", None)
    assert c.get("n") is None and c.get("n", "default") is None
    c.clear()
    assert len(c) == 0 and c.get("k") is MISSING


def test_threads_putting_the_same_key_all_get_one_object():
    """The first value put is kept and given to every thread. (With the GIL this would most likely pass
    without the lock too: it checks the first-put-wins rule under threads, not that the lock is needed.)"""
    c = LockedLRU(8)
    got, start = [], threading.Barrier(8)

    def work(i):
        start.wait()
        got.append(c.put("same", object()))
    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 8 and all(g is got[0] for g in got)

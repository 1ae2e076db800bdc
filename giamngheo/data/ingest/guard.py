"""Checking an uploaded file away from the server's own process.

The reader is bounded (:mod:`giamngheo.data.ingest.read`), and the page still never reads a file
from outside in its own process: :func:`check_file_isolated` runs :func:`check_file` in a worker
process (:mod:`giamngheo.data.ingest.worker`, a fresh interpreter: it shares nothing with the app's
sessions and starts in well under a second):

* the page's thread only waits for the worker (other sessions keep running);
* the worker caps its own address space (``RLIMIT_AS``): a file that needs more memory ends the
  worker with a clear problem, never the server;
* past ``timeout`` seconds the worker is killed;
* when the worker ends, all the memory it used goes back to the system;
* at most ``WORKERS`` checks run at once: many uploads at the same time queue, they do not pile up
  processes (one that waits longer than ``timeout`` is told the server is busy); when a slot frees,
  the check of the client (``client``, the page passes the sign-in's address) with the fewest checks
  running goes first, so one address's many uploads do not starve another's.

Results are kept for the last few files (by content), so the page's reruns do not check a file again.
If a worker cannot be started at all, the check runs in this process (it is bounded all the same).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from giamngheo.data.ingest.check import check_file
from giamngheo.data.ingest.read import LIMITS
from giamngheo.data.ingest.result import Checked
from giamngheo.data.observations import Problem

TIMEOUT = LIMITS.seconds + 15.0          # the hard stop; the reader's own budget comes first
MEMORY_HEADROOM = 768 * 1024 * 1024      # bytes a worker may map beyond what it has after its imports
CACHE_SIZE = 8
WORKERS = 2                              # checks at once on the server (the machine has 2 cores); others wait
_ROOT = str(Path(__file__).resolve().parents[3])     # the folder that holds the giamngheo package

_lock = threading.Lock()
class _FairSlots:
    """``n`` slots; when a slot frees, the waiting check of the client with the fewest checks
    running goes first (then the earliest): six bombs from one address do not make another
    address's review wait behind all six, only behind the one it finds running."""

    def __init__(self, n: int):
        self.n = n
        self.cv = threading.Condition()
        self.running: dict[str, int] = {}
        self.waiting: dict[int, str] = {}
        self.ticket = 0

    def acquire(self, timeout: float | None = None, key: str = "") -> bool:
        end = None if timeout is None else time.monotonic() + timeout
        with self.cv:
            self.ticket += 1
            me = self.ticket
            self.waiting[me] = key
            try:
                while True:
                    if sum(self.running.values()) < self.n:
                        first = min(self.waiting, key=lambda k: (self.running.get(self.waiting[k], 0), k))
                        if first == me:
                            self.running[key] = self.running.get(key, 0) + 1
                            return True
                    left = None if end is None else end - time.monotonic()
                    if left is not None and left <= 0:
                        return False
                    self.cv.wait(0.5 if left is None else min(left, 0.5))
            finally:
                self.waiting.pop(me, None)
                self.cv.notify_all()

    def release(self, key: str = "") -> None:
        with self.cv:
            if self.running.get(key):
                self.running[key] -= 1
                if not self.running[key]:
                    del self.running[key]
            self.cv.notify_all()


_slots = _FairSlots(WORKERS)
_cache: OrderedDict[str, Checked] = OrderedDict()


def _refused(name: str, shape: str | None, code: str, **params: Any) -> Checked:
    return Checked(shape or "review", name, [Problem(name, None, None, "", code, tuple(params.items()))], [], [], {})


def check_file_isolated(data: bytes, filename: str, shape: str | None = None, *, lang: str = "vi",
                        year: int | None = None, plan_groups: tuple[str, ...] | None = None,
                        timeout: float = TIMEOUT, headroom: int = MEMORY_HEADROOM, client: str = "") -> Checked:
    """:func:`check_file` in a worker process, with a hard timeout and a memory cap (see the module)."""
    name = filename or "file"
    kwargs = {"shape": shape, "lang": lang, "year": year, "plan_groups": plan_groups}
    key = hashlib.sha256(data).hexdigest() + repr((name, sorted(kwargs.items())))
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    env = dict(os.environ)
    env["PYTHONPATH"] = _ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    request = pickle.dumps((data, name, kwargs, headroom), protocol=pickle.HIGHEST_PROTOCOL)
    if not _slots.acquire(timeout=timeout, key=client):
        return _refused(name, shape, "in_busy")           # not cached: a later try may get a slot
    try:
        return _run_worker(data, name, shape, kwargs, key, env, request, timeout)
    finally:
        _slots.release(client)


def _run_worker(data: bytes, name: str, shape: str | None, kwargs: dict[str, Any], key: str, env: dict[str, str],
                request: bytes, timeout: float) -> Checked:
    try:
        proc = subprocess.Popen([sys.executable, "-m", "giamngheo.data.ingest.worker"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=_ROOT)
    except OSError:
        return check_file(data, name, **kwargs)       # no worker: the bounded reader in this process
    try:
        out, _ = proc.communicate(request, timeout=timeout)
        kind, payload = pickle.loads(out) if out else ("died", None)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        kind, payload = "timeout", None
    except (pickle.UnpicklingError, EOFError, ValueError):
        kind, payload = "died", None
    if kind == "ok":
        res = payload
    elif kind == "timeout":
        res = _refused(name, shape, "in_limit_time", seconds=f"{timeout:g}")
    elif kind in ("memory", "died"):
        res = _refused(name, shape, "in_limit_memory")
    else:
        res = _refused(name, shape, "in_unreadable")
    with _lock:
        _cache[key] = res
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return res

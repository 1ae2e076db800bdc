"""The editor sign-in lockout, kept in the database so that it holds per client address across
sessions, reloads, new connections and replicas.

An attempt is judged in one write transaction (a database lock: parallel attempts queue and each
sees the ones before it): the time is read *inside* it, the client's wait is checked, the password
is compared, and only a wrong password is counted. Twenty simultaneous attempts with the right
password all succeed; twenty wrong ones are counted one after another. A client waits after
``CLIENT_FREE`` failures, twice as long after each further one (``CLIENT_BASE_WAIT`` …
``CLIENT_MAX_WAIT``).

Across the server there is no lock (an attacker guessing from many addresses would lock the real
editor out with it), only a slowdown: when all clients together failed ``SERVER_FREE`` times within
``SERVER_WINDOW``, every attempt is answered after ``server_delay`` seconds (doubling for each
further ``SERVER_STEP`` failures, at most ``SERVER_MAX_DELAY``), one at a time in each server
process (``giamngheo/ui/auth.py``): the guesses of many addresses slow to one every few seconds,
while the real editor's attempt is still judged on its password. Failures older than
``FORGET_AFTER`` are forgotten and deleted.
"""
from __future__ import annotations

import time
from typing import Callable

from sqlalchemy import delete, func, insert, select, text

from giamngheo.store.schema import login_failures

CLIENT_FREE = 5
CLIENT_BASE_WAIT = 60.0
CLIENT_MAX_WAIT = 3600.0
SERVER_WINDOW = 900.0
SERVER_FREE = 30
SERVER_STEP = 10
SERVER_BASE_DELAY = 1.0
SERVER_MAX_DELAY = 8.0
FORGET_AFTER = 86_400.0
MAX_CLIENT = 100


def client_wait(failures: int) -> float:
    """Seconds a client waits after its last failure, having failed ``failures`` times."""
    if failures < CLIENT_FREE:
        return 0.0
    return min(CLIENT_BASE_WAIT * 2 ** (failures - CLIENT_FREE), CLIENT_MAX_WAIT)


def server_delay(failures: int) -> float:
    """Seconds each attempt waits before it is judged when the server saw ``failures`` failures
    (all clients together) within the window: a slowdown, never a refusal."""
    if failures < SERVER_FREE:
        return 0.0
    return min(SERVER_BASE_DELAY * 2 ** ((failures - SERVER_FREE) // SERVER_STEP), SERVER_MAX_DELAY)


class LockoutMixin:
    def _lock_wait(self, conn, client: str, now: float) -> float:
        n, last = conn.execute(select(func.count(), func.max(login_failures.c.at))
                               .where(login_failures.c.client == client,
                                      login_failures.c.at > now - FORGET_AFTER)).one()
        return max(0.0, (last or 0.0) + client_wait(int(n)) - now) if n else 0.0

    def login_wait(self, client: str, now: float | None = None) -> float:
        """Seconds before ``client`` may try a password again (0: now). Other clients' failures
        never make this client wait (see :meth:`login_delay`)."""
        now = time.time() if now is None else now
        with self._read() as conn:
            return self._lock_wait(conn, str(client)[:MAX_CLIENT], now)

    def login_delay(self, now: float | None = None) -> float:
        """The server-wide slowdown: seconds an attempt waits before it is judged (0: none)."""
        now = time.time() if now is None else now
        with self._read() as conn:
            m = conn.execute(select(func.count()).select_from(login_failures)
                             .where(login_failures.c.at > now - SERVER_WINDOW)).scalar()
        return server_delay(int(m or 0))

    def attempt_login(self, client: str, check: Callable[[], bool],
                      now: float | None = None) -> tuple[bool, float]:
        """Judge one attempt: ``(False, wait)`` when ``client`` must still wait (nothing compared or
        counted), else ``(check(), 0)``, a wrong answer counted for ``client``, a right one clearing
        its failures. ``check`` (a constant-time comparison) runs under the write lock; the time is
        read after the lock is taken (``now`` only for tests)."""
        client = str(client)[:MAX_CLIENT]
        with self._write() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(20211010)"))
            t = time.time() if now is None else now
            conn.execute(delete(login_failures).where(login_failures.c.at < t - FORGET_AFTER))
            wait = self._lock_wait(conn, client, t)
            if wait > 0:
                return False, wait
            ok = bool(check())
            if ok:
                conn.execute(delete(login_failures).where(login_failures.c.client == client))
            else:
                conn.execute(insert(login_failures).values(client=client, at=t))
        return ok, 0.0

    def login_failure_count(self, client: str | None = None) -> int:
        q = select(func.count()).select_from(login_failures)
        if client is not None:
            q = q.where(login_failures.c.client == str(client)[:MAX_CLIENT])
        with self._read() as conn:
            return int(conn.execute(q).scalar() or 0)

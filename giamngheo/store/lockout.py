"""The editor sign-in lockout, kept in the database so that it holds per client address across
sessions, reloads, new connections and replicas, and across the whole server.

Every attempt is counted as a failure *before* the password is compared (in one write transaction
with the check, so parallel guesses queue and each sees the others); a right password then clears
that client's failures. A client waits after ``CLIENT_FREE`` failures, twice as long after each
further one (``CLIENT_BASE_WAIT`` … ``CLIENT_MAX_WAIT``). Across the server, when all clients
together failed ``SERVER_FREE`` times within ``SERVER_WINDOW``, every client waits too (doubling for
each further ``SERVER_STEP`` failures, at most ``SERVER_MAX_WAIT``): many addresses guessing at once
slow to a crawl. Failures older than ``FORGET_AFTER`` are forgotten and deleted.
"""
from __future__ import annotations

import time

from sqlalchemy import delete, func, insert, select, text

from giamngheo.store.schema import login_failures

CLIENT_FREE = 5
CLIENT_BASE_WAIT = 60.0
CLIENT_MAX_WAIT = 3600.0
SERVER_WINDOW = 900.0
SERVER_FREE = 30
SERVER_STEP = 10
SERVER_BASE_WAIT = 30.0
SERVER_MAX_WAIT = 900.0
FORGET_AFTER = 86_400.0
MAX_CLIENT = 100


def client_wait(failures: int) -> float:
    """Seconds a client waits after its last failure, having failed ``failures`` times."""
    if failures < CLIENT_FREE:
        return 0.0
    return min(CLIENT_BASE_WAIT * 2 ** (failures - CLIENT_FREE), CLIENT_MAX_WAIT)


def server_wait(failures: int) -> float:
    """Seconds every client waits after the server's last failure (``failures`` in the window)."""
    if failures < SERVER_FREE:
        return 0.0
    return min(SERVER_BASE_WAIT * 2 ** ((failures - SERVER_FREE) // SERVER_STEP), SERVER_MAX_WAIT)


class LockoutMixin:
    def _lock_wait(self, conn, client: str, now: float) -> float:
        n, last = conn.execute(select(func.count(), func.max(login_failures.c.at))
                               .where(login_failures.c.client == client,
                                      login_failures.c.at > now - FORGET_AFTER)).one()
        wait = max(0.0, (last or 0.0) + client_wait(int(n)) - now) if n else 0.0
        m, last_any = conn.execute(select(func.count(), func.max(login_failures.c.at))
                                   .where(login_failures.c.at > now - SERVER_WINDOW)).one()
        if m:
            wait = max(wait, (last_any or 0.0) + server_wait(int(m)) - now)
        return wait

    def login_wait(self, client: str, now: float | None = None) -> float:
        """Seconds before ``client`` may try a password again (0: now)."""
        now = time.time() if now is None else now
        with self._read() as conn:
            return self._lock_wait(conn, str(client)[:MAX_CLIENT], now)

    def begin_login(self, client: str, now: float | None = None) -> float:
        """Start an attempt: 0 when ``client`` may try now (the attempt is then counted as a failure
        until :meth:`login_succeeded`), else the seconds to wait (nothing is counted)."""
        now = time.time() if now is None else now
        client = str(client)[:MAX_CLIENT]
        with self._write() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(20211010)"))
            conn.execute(delete(login_failures).where(login_failures.c.at < now - FORGET_AFTER))
            wait = self._lock_wait(conn, client, now)
            if wait > 0:
                return wait
            conn.execute(insert(login_failures).values(client=client, at=now))
        return 0.0

    def login_succeeded(self, client: str) -> None:
        """The password was right: forget this client's failures (others' stay)."""
        with self._write() as conn:
            conn.execute(delete(login_failures).where(login_failures.c.client == str(client)[:MAX_CLIENT]))

    def login_failure_count(self, client: str | None = None) -> int:
        q = select(func.count()).select_from(login_failures)
        if client is not None:
            q = q.where(login_failures.c.client == str(client)[:MAX_CLIENT])
        with self._read() as conn:
            return int(conn.execute(q).scalar() or 0)

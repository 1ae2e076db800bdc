"""A freshly started app process runs its first page once, before anyone opens the link.

    python scripts/warm_up.py --url http://127.0.0.1:8501          # waits for the server, then one session

The first session of a new process pays for everything a process makes once: the app's imports, the
data and the model's context, the core's caches, the main chart's templates (built in a background
thread that the first run starts). Measured on the 2-core development machine (load average 10): the
first visitor's overview took 5.6 s on the server and their first lever move 3.0 s; the next session's
0.24 s and 0.41 s. After a deployment or a restart that first visitor is a person on the hosted link,
unless this runs first: the Docker image starts it beside the server (Dockerfile, CMD), and
benchmarks/proxy_run.py runs it on each replica it starts.

It waits until ``/_stcore/health`` answers, opens one websocket session as a browser does, runs the
overview (the page at ``--path``) to its end, and exits: 0 when the run finished, 1 otherwise (the
server keeps running either way; the reason is printed). Bounded by ``--timeout``. Localhost only.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import time
import urllib.request
from urllib.parse import urlparse

LOCAL = {"127.0.0.1", "localhost", "::1"}


def wait_healthy(base: str, deadline: float) -> None:
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("the server did not answer /_stcore/health")
        time.sleep(0.5)


async def first_run(base: str, path: str, timeout: float) -> tuple[float, int, list[str]]:
    """One session's first run of the page at ``path``: seconds, messages received, exceptions shown."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    u = urlparse(base)
    msg = BackMsg()
    msg.rerun_script.page_name = path.strip("/")
    msg.rerun_script.query_string = ""
    exceptions: list[str] = []
    n = 0
    async with websockets.connect(f"ws://{u.netloc}/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=2 ** 26, open_timeout=timeout, ping_interval=None) as ws:
        t0 = time.perf_counter()
        await ws.send(msg.SerializeToString())

        async def until_finished():
            nonlocal n
            while True:
                fm = ForwardMsg()
                fm.ParseFromString(await ws.recv())
                n += 1
                kind = fm.WhichOneof("type")
                if kind == "delta" and fm.delta.WhichOneof("type") == "new_element" \
                        and fm.delta.new_element.WhichOneof("type") == "exception":
                    exceptions.append(fm.delta.new_element.exception.message[:200])
                if kind == "script_finished" and fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    return
        await asyncio.wait_for(until_finished(), timeout)
        return time.perf_counter() - t0, n, exceptions


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:8501", help="the app process (not a proxy), on this machine")
    ap.add_argument("--path", default="/", help="the page to run (its URL path; / is the overview)")
    ap.add_argument("--timeout", type=float, default=180, help="seconds for the server to come up and run the page")
    a = ap.parse_args()
    if urlparse(a.url).hostname not in LOCAL:
        ap.error("localhost only")
    base = a.url.rstrip("/")
    deadline = time.monotonic() + a.timeout
    try:
        wait_healthy(base, deadline)
        secs, n, exceptions = asyncio.run(first_run(base, a.path, max(5.0, deadline - time.monotonic())))
    except Exception as e:                   # the server keeps running: say why, exit 1
        print(f"warm-up of {base}{a.path}: not done ({type(e).__name__}: {e})", file=sys.stderr)
        return 1
    print(f"warm-up of {base}{a.path}: first run {secs:.2f} s, {n} messages"
          + (f", {len(exceptions)} exception(s): {exceptions[0]}" if exceptions else ""), file=sys.stderr)
    return 1 if exceptions else 0


if __name__ == "__main__":
    raise SystemExit(main())

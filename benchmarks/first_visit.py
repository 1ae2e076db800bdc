"""A first visit in Chromium on a slow line: the time to a usable overview, cold and warm, and what it fetched.

    python benchmarks/first_visit.py --url http://127.0.0.1:8570            # a running app or proxy
    python benchmarks/first_visit.py --url URL --repeats 3 --json out.json --log requests.txt
    python benchmarks/first_visit.py --url URL --no-throttle                 # the same on the bare loopback

Chromium (Debian's /usr/bin/chromium, driven by Playwright as tests/e2e do) with the line throttled through
the DevTools protocol (``Network.emulateNetworkConditions``; default 1.6 Mbit/s down, 750 kbit/s up, 150 ms
latency: DevTools' "Fast 3G"). Cold: a fresh browser context (empty cache, no cookies). Warm: a new tab in
the same context after the cold visit (the HTTP cache holds what the first visit was allowed to keep).

"Usable overview": the headline number is drawn, every headline lever's slider is on the page (as many
as the registry's headline section has), and the main chart is drawn (a canvas or svg inside the
Vega-Lite element). The time is from the navigation's start to that moment.

The request log (``--log``): every HTTP response of the cold visit with its status, content encoding,
cache-control, and the bytes on the wire (``encodedDataLength``), and the websocket's frames: count,
payload bytes (DevTools shows them decompressed), and the bytes they take with permessage-deflate as the
server makes it (``ws_deflated_bytes``: equal to the payload when the extension was not negotiated;
``ws_deflate_would_be_bytes``: what it would be).

With each visit, the page's renderer at the usable moment (DevTools ``Performance.getMetrics``): the main
thread's task time, of which JavaScript, layout and style, the renderer process's CPU time, and the elements
on the page; on a shared machine these move less with other processes than the time does.

Bounded: each visit gives up after ``--visit-timeout`` seconds (default 90). Localhost only.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import time
import zlib
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("GIAMNGHEO_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
        "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
# Headless Chromium 156 builds its address bar's popup (a WebUI page, chrome://omnibox-popup.top-chrome) in a
# renderer of its own as the visit's window opens, and that renderer works while the page loads (0.6 s of CPU for
# three blank tabs, measured with SystemInfo.getProcessInfo; more beside a real page). A person's browser built its
# address bar long before they opened the link; on this 2-core machine the popup competes with the page and the
# server instead. Left out by default; --omnibox-popup measures with it.
NO_OMNIBOX_POPUP = "--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup"
LOCAL = {"localhost", "127.0.0.1", "::1"}


def headline_count() -> int:
    """How many headline levers the overview draws: the registry's headline section (no label needed)."""
    sys.path.insert(0, str(ROOT))
    from giamngheo.model.engine import default_context
    return len(default_context().registry.section("headline"))


USABLE_JS = """(n) => {
  const head = document.querySelector('[data-testid="gn-headline-value"]');
  const levers = document.querySelectorAll("[class*='st-key-gn_lever_'] input[type='range']").length;
  const chart = document.querySelector('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg');
  return !!(head && head.textContent.trim() && levers >= n && chart);
}"""


class Recorder:
    """What one page fetched, from the DevTools protocol's Network events."""

    def __init__(self, cdp):
        self.responses: dict[str, dict] = {}
        self.ws_frames = 0
        self.ws_bytes = 0
        self.ws_extensions = ""
        self.ws_deflate_bytes = 0
        self._deflate = zlib.compressobj(6, zlib.DEFLATED, -12)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.on("Network.webSocketHandshakeResponseReceived", self._handshake)

    def _response(self, ev):
        r = ev["response"]
        h = {k.lower(): v for k, v in r.get("headers", {}).items()}
        self.responses[ev["requestId"]] = {
            "url": r["url"], "status": r["status"], "encoding": h.get("content-encoding", ""),
            "cache": h.get("cache-control", ""), "from_cache": bool(r.get("fromDiskCache") or r.get("fromMemoryCache")),
            "bytes": 0, "type": ev.get("type", "")}

    def _finished(self, ev):
        if ev["requestId"] in self.responses:
            self.responses[ev["requestId"]]["bytes"] = int(ev.get("encodedDataLength", 0))

    def _frame(self, ev):
        self.ws_frames += 1
        p = ev["response"].get("payloadData", "")
        # binary frames come base64-encoded
        data = base64.b64decode(p) if ev["response"].get("opcode") == 2 else p.encode()
        self.ws_bytes += len(data)
        # DevTools shows a frame's payload after permessage-deflate: what the line carried with it, as the
        # server's deflate makes it (one stream per connection, 4 KB window, each message flushed)
        self.ws_deflate_bytes += len(self._deflate.compress(data) + self._deflate.flush(zlib.Z_SYNC_FLUSH)) - 4

    def _handshake(self, ev):
        h = {k.lower(): v for k, v in ev["response"].get("headers", {}).items()}
        self.ws_extensions = h.get("sec-websocket-extensions", "")

    def renderer(self, cdp, page) -> None:
        """At the usable moment: what the page's renderer spent (DevTools ``Performance.getMetrics``, thread
        time: the main thread's tasks, of which JavaScript, layout and style; the renderer process's CPU) and
        the elements on the page. Less moved by other processes on a shared machine than the wall time."""
        m = {x["name"]: x["value"] for x in cdp.send("Performance.getMetrics")["metrics"]}
        self.cpu = {"task_s": m.get("TaskDuration"), "script_s": m.get("ScriptDuration"),
                    "layout_s": m.get("LayoutDuration"), "style_s": m.get("RecalcStyleDuration"),
                    "process_cpu_s": m.get("ProcessTime"),
                    "dom_elements": page.evaluate("() => document.getElementsByTagName('*').length")}

    def summary(self) -> dict:
        rs = list(self.responses.values())
        return {"requests": len(rs), "http_bytes": sum(r["bytes"] for r in rs),
                "from_cache": sum(r["from_cache"] for r in rs),
                "gzip_or_br": sum(r["encoding"] in ("gzip", "br") for r in rs),
                "ws_frames": self.ws_frames, "ws_payload_bytes": self.ws_bytes, "ws_extensions": self.ws_extensions,
                "ws_deflated_bytes": self.ws_deflate_bytes if "permessage-deflate" in self.ws_extensions else self.ws_bytes,
                "ws_deflate_would_be_bytes": self.ws_deflate_bytes}


def visit(ctx, url: str, n_levers: int, throttle: dict | None, timeout: float,
          block: list[str] = ()) -> tuple[float, Recorder]:
    page = ctx.new_page()
    for pattern in block:                 # a what-if: those requests fail at once (e.g. "*.woff2": no web fonts)
        page.route(pattern, lambda route: route.abort())
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    if throttle:
        cdp.send("Network.emulateNetworkConditions", {"offline": False, **throttle})
    cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
    rec = Recorder(cdp)
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout * 1000)
    page.wait_for_function(USABLE_JS, arg=n_levers, timeout=timeout * 1000, polling=50)
    dt = time.perf_counter() - t0
    rec.renderer(cdp, page)
    page.wait_for_timeout(500)          # late frames of the same run, for the log
    page.close()
    return dt, rec


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True, help="the app or the proxy in front of it, on this machine")
    ap.add_argument("--repeats", type=int, default=3, help="cold + warm pairs, each in a fresh context")
    ap.add_argument("--down-kbps", type=float, default=1600)
    ap.add_argument("--up-kbps", type=float, default=750)
    ap.add_argument("--latency-ms", type=float, default=150)
    ap.add_argument("--no-throttle", action="store_true")
    ap.add_argument("--visit-timeout", type=float, default=90)
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--log", help="write the cold visit's request log here")
    ap.add_argument("--label", default="", help="a name for this set-up in the output")
    ap.add_argument("--omnibox-popup", action="store_true",
                    help="let headless Chromium build its address bar's popup during the visit (its default)")
    ap.add_argument("--block", action="append", default=[],
                    help="a what-if: requests matching this glob fail at once (repeatable), e.g. '**/*.woff2'")
    a = ap.parse_args()
    if urlparse(a.url).hostname not in LOCAL:
        ap.error("localhost only")
    if not 1 <= a.repeats <= 10:
        ap.error("--repeats 1..10")
    throttle = None if a.no_throttle else {
        "latency": a.latency_ms, "downloadThroughput": a.down_kbps * 1000 / 8, "uploadThroughput": a.up_kbps * 1000 / 8}
    n = headline_count()

    from playwright.sync_api import sync_playwright
    cold, warm, cold_rec, warm_rec = [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=ARGS if a.omnibox_popup else [*ARGS, NO_OMNIBOX_POPUP])
        try:
            for _ in range(a.repeats):
                ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
                try:
                    dt, rec = visit(ctx, a.url, n, throttle, a.visit_timeout, a.block)
                    cold.append(dt)
                    cold_rec.append(rec)
                    dt, rec = visit(ctx, a.url, n, throttle, a.visit_timeout, a.block)
                    warm.append(dt)
                    warm_rec.append(rec)
                finally:
                    ctx.close()
        finally:
            browser.close()

    def stats(xs):
        return {"median_s": round(statistics.median(xs), 2), "min_s": round(min(xs), 2), "max_s": round(max(xs), 2),
                "runs_s": [round(x, 2) for x in xs]}

    def renderer(recs):
        """The renderer's figures, median of the visits (each visit's in ``runs``)."""
        runs = [r.cpu for r in recs if getattr(r, "cpu", None)]
        med = {k: round(statistics.median(x[k] for x in runs), 3) for k in runs[0] if
               all(x[k] is not None for x in runs)} if runs else {}
        return {**med, "runs": runs}

    out = {"label": a.label, "url": a.url, "headline_levers": n, "blocked": a.block, "omnibox_popup": a.omnibox_popup,
           "throttle": throttle and {"down_kbps": a.down_kbps, "up_kbps": a.up_kbps, "latency_ms": a.latency_ms},
           "cold": {**stats(cold), **cold_rec[0].summary(), "renderer": renderer(cold_rec)},
           "warm": {**stats(warm), **warm_rec[0].summary(), "renderer": renderer(warm_rec)},
           "loadavg": Path("/proc/loadavg").read_text().split()[:3], "nproc": os.cpu_count()}
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if a.json:
        Path(a.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    if a.log:
        lines = [f"{r['status']} {r['bytes']:>8} {r['encoding'] or '-':5} {'cache' if r['from_cache'] else '-':5} "
                 f"{r['cache'] or '-':40.40} {r['url']}" for r in cold_rec[0].responses.values()]
        s = cold_rec[0].summary()
        lines.append(f"websocket: {s['ws_frames']} frames, {s['ws_payload_bytes']} payload bytes, "
                     f"{s['ws_deflated_bytes']} on the line, extensions: {s['ws_extensions'] or 'none'}")
        Path(a.log).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""From a key on a lever to the repainted page, in Chromium, page by page.

    python benchmarks/repaint.py --url http://127.0.0.1:8580 [--pages tong-quan,giam-ngheo] [--moves 8] [--json out.json]

For each page: a fresh browser context opens it (Debian's Chromium through Playwright, as tests/e2e do, at
1366×768), waits until it is drawn, focuses a headline lever's slider (``--lever``, default the registry's
first headline lever: the overview draws it in the page, the other pages in the sidebar) and presses the
right arrow ``--moves`` times, one at a time. A move's time runs from the key press to the last change the
rerun made to what is on the screen, once nothing has changed for ``--quiet`` ms, no script run is in
progress and nothing is left stale. That is what a user waits for: the server's rerun, the websocket, the
browser's own work on the new elements. On a shared machine the browser's CPU is counted too: the script
prints the load average beside the figures.

"A change to what is on the screen": a change under the main area or the sidebar (texts, elements,
attributes, the stale marks Streamlit puts on what a run has not yet redrawn; a MutationObserver) or a
drawing on a canvas there (a table's cells, a chart drawn on a canvas). Left out: the hidden table a data
grid (``st.dataframe``, Glide Data Grid) keeps for screen readers, which the grid rebuilds 200 ms after its
data last changed (a debounce in Streamlit's front end, ``DataFrame.*.js``), long after its canvas showed the
new cells. ``dom_ms`` is the time to the last change of any kind, that table included (what this script
measured before it told them apart); ``ws_ms`` the last websocket message (the server's run sent).

Localhost only. Targets (docs/performance.md): at most 250 ms from key to repaint on every page.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("GIAMNGHEO_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
PAGES = "tong-quan,giam-ngheo,lao-dong,dich-vu-xa-hoi,muc-can-dat,kich-ban,so-sanh,phuong-phap"

# before any page script: the time of the last websocket message, and of the last drawing on a canvas in the
# main area or the sidebar while a move is watched (window.__gnWatch)
INIT_JS = """(() => {
  window.__gnWs = 0; window.__gnWatch = false;
  const OW = window.WebSocket;
  class W extends OW {
    constructor(...a) { super(...a); this.addEventListener('message', () => { window.__gnWs = performance.now(); }); }
  }
  window.WebSocket = W;
  const P = CanvasRenderingContext2D.prototype;
  for (const name of ['fillText', 'drawImage', 'fillRect', 'fill', 'stroke', 'clearRect', 'putImageData']) {
    const f = P[name];
    P[name] = function (...a) {
      if (window.__gnWatch && this.canvas.closest && this.canvas.closest('[data-testid="stMain"], [data-testid="stSidebar"]'))
        window.__gnLast = performance.now();
      return f.apply(this, a);
    };
  }
})();"""

# records the time of every change under the main area and the sidebar: window.__gnLast what is on the
# screen (the data grids' hidden screen-reader tables left out), window.__gnAny any change
WATCH_JS = """() => {
  window.__gnLast = window.__gnAny = performance.now();
  const hidden = (m) => {
    const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
    return !!(el && el.closest('[data-testid="stDataFrame"] table[role="grid"]'));
  };
  const obs = new MutationObserver((ms) => {
    const now = performance.now();
    window.__gnAny = now;
    if (ms.some(m => !hidden(m))) window.__gnLast = now;
  });
  for (const sel of ['[data-testid="stMain"]', '[data-testid="stSidebar"]']) {
    const el = document.querySelector(sel);
    if (el) obs.observe(el, {subtree: true, childList: true, attributes: true, characterData: true});
  }
  window.__gnObs = obs;
  window.__gnWatch = true;
}"""

SETTLED_JS = """([t0, quiet]) => {
  const now = performance.now();
  return window.__gnLast > t0 + 1 && now - Math.max(window.__gnLast, window.__gnAny) >= quiet
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]');
}"""

READY_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
  && document.querySelectorAll('[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]').length > 2
  && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')
  && Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]')).every(c => c.querySelector('canvas, svg'))"""


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def first_headline_lever() -> str:
    sys.path.insert(0, str(ROOT))
    from giamngheo.model.engine import default_context
    return default_context().registry.section("headline")[0].id


def one_page(browser, base: str, slug: str, lever: str, moves: int, quiet: int, timeout: float) -> dict:
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    ctx.set_default_timeout(int(timeout * 1000))
    ctx.add_init_script(INIT_JS)
    page = ctx.new_page()
    try:
        page.goto(f"{base}/{'' if slug == 'tong-quan' else slug}")
        page.wait_for_function(READY_JS, timeout=timeout * 1000)
        thumb = page.locator(f".st-key-{lever} input[type='range']").first
        thumb.focus()
        page.wait_for_timeout(500)
        times, dom, ws = [], [], []
        for _ in range(moves):
            page.evaluate(WATCH_JS)
            t0 = page.evaluate("() => performance.now()")
            page.keyboard.press("ArrowRight")
            page.wait_for_function(SETTLED_JS, arg=[t0, quiet], timeout=timeout * 1000, polling=20)
            last, anyc, wsl = page.evaluate(
                "() => { window.__gnObs.disconnect(); window.__gnWatch = false;"
                " return [window.__gnLast, window.__gnAny, window.__gnWs]; }")
            times.append(round(last - t0, 1))
            dom.append(round(max(last, anyc) - t0, 1))
            ws.append(round(wsl - t0, 1))
            page.wait_for_timeout(200)
        return {"page": slug, "moves_ms": times, "p50_ms": statistics.median(times), "max_ms": max(times),
                "dom_moves_ms": dom, "dom_p50_ms": statistics.median(dom), "ws_moves_ms": ws,
                "ws_p50_ms": statistics.median(ws)}
    finally:
        ctx.close()


def main() -> int:
    ap = argparse.ArgumentParser(prog="python benchmarks/repaint.py", description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True, help="a running app on this machine")
    ap.add_argument("--pages", default=PAGES, help="page slugs, separated by commas")
    ap.add_argument("--lever", help="the lever's id (default: the first headline lever)")
    ap.add_argument("--moves", type=int, default=8)
    ap.add_argument("--quiet", type=int, default=400, help="ms without a change that end a move")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--json")
    a = ap.parse_args()
    base = a.url.rstrip("/")
    if urlparse(base).hostname not in {"localhost", "127.0.0.1", "::1"}:
        raise SystemExit("localhost only")
    lever = a.lever or first_headline_lever()
    from playwright.sync_api import sync_playwright
    out = {"url": base, "lever": lever, "moves": a.moves, "quiet_ms": a.quiet, "nproc": os.cpu_count(),
           "load_before": loadavg(), "pages": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for slug in [p for p in a.pages.split(",") if p]:
                t = time.time()
                try:
                    r = one_page(browser, base, slug, lever, a.moves, a.quiet, a.timeout)
                except Exception as exc:  # noqa: BLE001 - a page that fails is reported, the others measured
                    r = {"page": slug, "error": str(exc)[:300]}
                r["load"] = loadavg()
                out["pages"].append(r)
                print(f"{slug:16s} " + (f"p50 {r['p50_ms']:6.0f} ms  max {r['max_ms']:6.0f} ms  {r['moves_ms']}"
                                         f"  (any DOM change: p50 {r['dom_p50_ms']:.0f}; last message: p50"
                                         f" {r['ws_p50_ms']:.0f})"
                                         if "error" not in r else f"error: {r['error']}")
                      + f"  (load {r['load']}, {time.time() - t:.0f} s)", flush=True)
        finally:
            browser.close()
    out["load_after"] = loadavg()
    if a.json:
        Path(a.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

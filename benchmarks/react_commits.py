"""What React draws on a lever move, in Chromium: the commits and the components drawn in each, by element.

    python benchmarks/react_commits.py --url http://127.0.0.1:8579 --page muc-can-dat [--moves 4] [--last]

Opens the page at 1366×768 (as ``benchmarks/repaint.py`` does), moves the first headline lever once (not counted),
then presses the right arrow ``--moves`` times, one at a time, each until the page is settled. Before the page's
scripts a stand-in for React's developer-tools hook is installed: React calls it on every commit with the tree it
committed, and a component counts as drawn when its props or state are not the ones it had at the commit before
(the same objects: a component React skipped keeps them). Each component is put under the Streamlit element it
belongs to (its element's type and the first characters of its text or label: ``heading@Mức cần đạt``), or under
a block's type, or ``app`` (the app's frame: the header, the navigation, the sidebar's frame).

Prints the commits a move, the components drawn a move by element type and by element, and with ``--last`` every
commit of the last move (ms after the key, components drawn, the largest elements). Localhost only.
"""
from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import repaint as R  # noqa: E402

HOOK = """(() => {
  window.__gnCommits = []; window.__gnCount = false;
  const seen = new WeakMap();
  const count = (root) => {
    const by = {};
    const walk = (f, label) => {
      while (f) {
        let lab = label;
        const p = f.memoizedProps;
        if (p && typeof p === 'object' && p.node && p.node.element && p.node.element.type) {
          const e = p.node.element, body = e[e.type] || {};
          lab = e.type + '@' + String(body.body || body.label || '').slice(0, 14).replace(/\\s+/g, ' ');
        } else if (p && typeof p === 'object' && p.node && p.node.deltaBlock) {
          lab = 'block:' + (p.node.deltaBlock.type || '?');
        }
        const prev = seen.has(f) ? seen.get(f) : (f.alternate && seen.has(f.alternate) ? seen.get(f.alternate) : undefined);
        if (prev === undefined || prev[0] !== p || prev[1] !== f.memoizedState) by[lab] = (by[lab] || 0) + 1;
        const rec = [p, f.memoizedState];
        seen.set(f, rec);
        if (f.alternate) seen.set(f.alternate, rec);
        if (f.child) walk(f.child, lab);
        f = f.sibling;
      }
    };
    walk(root.current.child, 'app');
    if (window.__gnCount) window.__gnCommits.push([performance.now(), by]);
  };
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {supportsFiber: true, renderers: new Map(), isDisabled: false,
    inject() { return 1; }, onCommitFiberRoot(id, root) { try { count(root); } catch (e) { /* counting only */ } },
    onCommitFiberUnmount() {}, onPostCommitFiberRoot() {}, checkDCE() {}};
})();"""


def main() -> int:
    ap = argparse.ArgumentParser(prog="python benchmarks/react_commits.py", description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True, help="a running app on this machine")
    ap.add_argument("--page", default="muc-can-dat", help="the page's slug")
    ap.add_argument("--moves", type=int, default=4)
    ap.add_argument("--last", action="store_true", help="every commit of the last move")
    a = ap.parse_args()
    base = a.url.rstrip("/")
    if urlparse(base).hostname not in {"localhost", "127.0.0.1", "::1"}:
        raise SystemExit("localhost only")
    lever = R.first_headline_lever()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=R.CHROMIUM, args=R.ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
            ctx.add_init_script(HOOK)
            ctx.add_init_script(R.INIT_JS)
            page = ctx.new_page()
            page.goto(f"{base}/{'' if a.page == 'tong-quan' else a.page}")
            page.wait_for_function(R.READY_JS, timeout=60000)
            page.locator(f".st-key-{lever} input[type='range']").first.focus()
            page.wait_for_timeout(500)
            page.keyboard.press("ArrowRight")               # the first move: not counted
            page.wait_for_timeout(1500)
            page.evaluate("() => { window.__gnCommits = []; window.__gnCount = true; }")
            t0 = 0.0
            for _ in range(a.moves):
                page.evaluate(R.WATCH_JS)
                t0 = page.evaluate("() => performance.now()")
                page.keyboard.press("ArrowRight")
                page.wait_for_function(R.SETTLED_JS, arg=[t0, 400], timeout=60000, polling=50)
                page.evaluate("() => { window.__gnObs.disconnect(); window.__gnWatch = false; }")
            commits = page.evaluate("() => window.__gnCommits")
        finally:
            browser.close()
    n = a.moves
    by_element: collections.Counter = collections.Counter()
    by_type: collections.Counter = collections.Counter()
    for _, by in commits:
        for k, v in by.items():
            by_element[k] += v
            by_type[k.split("@")[0]] += v
    print(f"{a.page}: {len(commits) / n:.1f} commits a move, {sum(by_element.values()) / n:.0f} components drawn a move")
    print("by element type:")
    for k, v in by_type.most_common():
        print(f"  {k:32s} {v / n:8.1f}")
    print("by element:")
    for k, v in by_element.most_common(40):
        print(f"  {k:40s} {v / n:8.1f}")
    if a.last:
        for t, by in (c for c in commits if c[0] > t0):
            top = ", ".join(f"{k}:{v}" for k, v in sorted(by.items(), key=lambda kv: -kv[1])[:10])
            print(f"commit +{t - t0:5.0f} ms: {sum(by.values()):5d} components  {top}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

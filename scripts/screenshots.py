"""Screenshots of every page in headless Debian Chromium (no browser download), via Playwright.

    python scripts/screenshots.py [--base http://localhost:8501] [--out artifacts/screenshots] [--query "lang=en"]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from giamngheo.ui.pages import discover  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
        "--no-first-run", "--disable-component-update", "--disable-sync"]
SIZES = ((1024, 768), (1366, 768), (1920, 1080), (390, 844))


def wait_ready(page, timeout: int = 60000) -> None:
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]') && "
        "document.querySelectorAll('[data-testid=\"stMainBlockContainer\"] [data-testid=\"stElementContainer\"]').length > 2",
        timeout=timeout)
    page.wait_for_timeout(1500)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="http://localhost:8501")
    ap.add_argument("--out", default="artifacts/screenshots")
    ap.add_argument("--query", default="")
    ap.add_argument("--full", action="store_true", help="full-page screenshots")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    pages = discover(Path(__file__).resolve().parents[1] / "app_pages")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for w, h in SIZES:
            ctx = browser.new_context(viewport={"width": w, "height": h})
            page = ctx.new_page()
            for i, (_, _, slug) in enumerate(pages):
                url = f"{a.base}/{slug if i else ''}" + (f"?{a.query}" if a.query else "")
                page.goto(url)
                wait_ready(page)
                name = out / f"{slug}-{w}x{h}{'-' + a.query.replace('=', '-').replace('&', '_') if a.query else ''}.png"
                page.screenshot(path=str(name), full_page=a.full)
                print(name)
            ctx.close()
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""End-to-end harness: the real app in a real browser.

``server`` starts ``streamlit run app.py`` headless on a free local port (its store in a temporary
``GIAMNGHEO_DATA_DIR``, no server database), waits for ``/_stcore/health`` and yields the base URL;
``browser`` is Playwright driving Debian's Chromium (``/usr/bin/chromium``, never a browser download).

Without Chromium or Playwright the tests skip with the reason, except in CI (``CI=true``), where a
missing browser is a failure: ``scripts/test.sh`` installs both.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("GIAMNGHEO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
SHOTS = ROOT / "artifacts" / "screenshots"
START_TIMEOUT = 90          # seconds for the server to answer /_stcore/health
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: end-to-end test in a real browser (deselect with -m 'not e2e')")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI must run the browser tests: see scripts/ci_services.sh)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, proc: subprocess.Popen, log: Path, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200 and r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"no answer from {base}/_stcore/health in {timeout:.0f} s:\n"
                       f"{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The base URL of a fresh app server (killed after the session)."""
    tmp = tmp_path_factory.mktemp("e2e-server")
    # GIAMNGHEO_E2E_PORT: a fixed port (on a shared machine each engineer has a range); else any free one
    port = int(os.environ.get("GIAMNGHEO_E2E_PORT") or free_port())
    env = {k: v for k, v in os.environ.items() if k != "GIAMNGHEO_DB_URL"}   # the local file store, not a server DB
    env.update(GIAMNGHEO_DATA_DIR=str(tmp / "store"), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    log = tmp / "streamlit.log"
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc, log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM} (Debian: apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (own cookies, own Streamlit session) at the projector's size."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN", accept_downloads=True)
    ctx.set_default_timeout(30_000)
    p = ctx.new_page()
    try:
        yield p
    finally:
        ctx.close()


def wait_ready(page, timeout: int = 60_000) -> None:
    """The app has drawn the page and no script run is in progress."""
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]') && ("
        "document.querySelectorAll('[data-testid=\"stMainBlockContainer\"] [data-testid=\"stElementContainer\"]').length > 2"
        " || !!document.querySelector('[data-testid=\"stException\"]'))",     # an error is drawn: let the test say it
        timeout=timeout)
    # a rerun fades what is stale, elements load behind skeletons, charts draw after: wait for all three
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"], [data-testid=\"stSkeleton\"]') && "
        "Array.from(document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]'))"
        ".every(c => c.querySelector('canvas, svg'))",
        timeout=timeout)


def nav_link(page, title: str):
    """The navigation's link to a page: the top bar's section menus (on a phone, the sidebar's list)."""
    import re as _re
    exact = _re.compile(rf"^\s*{_re.escape(title)}\s*$")
    side = page.get_by_test_id("stSidebarNav")
    if side.count() and side.is_visible():
        return side.get_by_role("link", name=title, exact=True)
    for i in range(page.get_by_test_id("stTopNavSection").count()):
        link = page.get_by_test_id("stTopNavDropdownLink").filter(has_text=exact)
        if link.count() and link.first.is_visible():
            return link
        page.get_by_test_id("stTopNavSection").nth(i).click()
        page.wait_for_timeout(300)
    return page.get_by_test_id("stTopNavDropdownLink").filter(has_text=exact)

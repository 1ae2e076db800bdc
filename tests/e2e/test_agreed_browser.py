"""The agreed path in a real browser, on a server of its own (its store seeded with a data version
holding the end-2025 and end-2026 reviews, made up for the test): an editor adopts the scenario on the
page "Lộ trình"; the 2027 review is uploaded on the data entry page with a poor rate one point above the
agreed value; the overview then says "behind" in one sentence and draws the path, meeting mode says
the same in one line in its first screen (costing the page no more than that line), and the page's
table shows the gap. A restart of the server keeps the adoption."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from giamngheo.plan.targets import load_plan
from giamngheo.store import Store

from .conftest import ROOT, SHOTS, free_port, wait_healthy, wait_ready


def start(data_dir, log):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "GIAMNGHEO_DB_URL"}
    env.update(GIAMNGHEO_DATA_DIR=str(data_dir), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    out = open(log, "ab")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    wait_healthy(base, proc, log)
    return proc, base


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture
def seeded(tmp_path):
    from tests.ui.test_page_lo_trinh import version_text
    d = tmp_path / "store"
    d.mkdir()
    url = f"sqlite:///{d / 'giamngheo.db'}"
    s = Store(url)
    s.save_data_version(version_text(), author="test", note="rà soát 2025, 2026", parent_id=None)
    s.dispose()
    return d, url


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_adopt_upload_and_read_behind_in_the_browser(browser, seeded, tmp_path):
    data_dir, url = seeded
    proc, base = start(data_dir, tmp_path / "st.log")
    try:
        ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        ctx.set_default_timeout(60_000)
        page = ctx.new_page()
        page.goto(f"{base}/lo-trinh?jobs=3500")
        wait_ready(page)
        assert page.get_by_text("Chưa có lộ trình nào được thông qua").is_visible()
        page.get_by_label("Tên lộ trình").fill("Lộ trình 2027–2030")
        page.get_by_label("Số văn bản (nghị quyết, biên bản)").fill("Nghị quyết 12-NQ/ĐU")
        page.get_by_role("button", name="Thông qua lộ trình").click()
        page.get_by_text("Đã thông qua lộ trình «Lộ trình 2027–2030»").wait_for()
        s = Store(url)
        a = s.current_adoption(load_plan().id)
        s.dispose()
        assert a.path.basis.as_of == 2026 and a.path.values == {"jobs": 3500.0}
        agreed27 = a.path.get("poor_rate").values[2027]

        # the 2027 review, uploaded as a user does
        up = tmp_path / "ra-soat-2027.csv"
        up.write_text("indicator,group,year,value,unit,status,source,note\n"
                      f"poor_rate,all,2027,{agreed27 + 1:.6f},percent,review,test-review,\n", encoding="utf-8")
        page.goto(f"{base}/nhap-du-lieu")
        wait_ready(page)
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(up))
        save = page.get_by_role("button", name="Lưu thành phiên bản mới")
        save.wait_for()
        save.click()
        page.wait_for_timeout(1500)
        wait_ready(page)
        s = Store(url)
        assert len(s.list_data_versions()) == 2
        s.dispose()

        page.goto(f"{base}/")
        wait_ready(page)
        line = page.locator(".gn-agreed-line")
        line.wait_for()
        text = line.inner_text()
        assert line.get_attribute("data-status") == "behind"
        assert "Năm 2027" in text and "chậm 1,00 điểm % so với lộ trình đã thống nhất" in text
        assert f"({agreed27:.2f}%)".replace(".", ",") in text          # the agreed value, not moved by 2027
        shot(page, "agreed-overview-behind")

        page.goto(f"{base}/lo-trinh")
        wait_ready(page)
        assert page.get_by_text("0,1 điểm %", exact=False).first.is_visible()
        shot(page, "agreed-page-behind")
        ctx.close()

        meet = browser.new_context(viewport={"width": 1024, "height": 768}, locale="vi-VN")
        mp = meet.new_page()
        mp.goto(f"{base}/cuoc-hop")
        wait_ready(mp)
        line = mp.locator(".gn-agreed-line")
        assert "chậm 1,00 điểm %" in line.inner_text()
        box = line.bounding_box()
        assert box["y"] + box["height"] <= 768 and box["height"] < 40       # one line, in the first screen
        # the line costs the page no more than its own row: the page's height with and without it
        # (whether the page fits one screen is meeting mode's own test, tests/e2e/test_screen.py)
        with_line, without, own = mp.evaluate("""() => {
            const m = document.querySelector('[data-testid="stMain"]');
            const c = document.querySelector('.gn-agreed-line').closest('[data-testid="stElementContainer"]');
            const gap = parseFloat(getComputedStyle(c.parentElement).rowGap) || 0;
            const own = c.getBoundingClientRect().height + gap;
            const withLine = m.scrollHeight;
            c.style.display = 'none';
            const without = m.scrollHeight;
            c.style.display = '';
            return [withLine, without, own];
        }""")
        assert with_line - without <= own + 2, (with_line, without, own)
        shot(mp, "agreed-meeting-1024")
        meet.close()
    finally:
        stop(proc)

    # a restart: the adoption is still there
    proc, base = start(data_dir, tmp_path / "st2.log")
    try:
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
        page = ctx.new_page()
        page.goto(f"{base}/")
        wait_ready(page)
        assert page.locator(".gn-agreed-line").get_attribute("data-status") == "behind"
        ctx.close()
    finally:
        stop(proc)

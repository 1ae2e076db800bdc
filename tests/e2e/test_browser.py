"""The app as users meet it: a real server, a real browser (Debian Chromium through Playwright).

Every page opens without an error (screenshots at 1024×768, 1366×768, 1920×1080 and 390×844 kept under
artifacts/screenshots/); moving the jobs slider changes a verdict on the overview; a shared link
reopens the same values; the language switch gives the English app; the report page hands over an
Excel workbook. Expected verdicts come from the core (giamngheo.engine), an independent route from
what the browser shows.
"""
from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

import pytest

from giamngheo.i18n import catalogue, fmt_num, t
from giamngheo.model.engine import default_context, run
from giamngheo.scenario.scenario import Scenario
from giamngheo.ui.pages import discover

from .conftest import ROOT, SHOTS, nav_link, wait_ready

PAGES = discover(ROOT / "app_pages")
SIZES = ((1024, 768), (1366, 768), (1920, 1080), (390, 844))
REPORT_PAGE = ROOT / "app_pages" / "85_bao_cao.py"


def expect():
    from playwright.sync_api import expect as _expect
    return _expect


def url(base: str, slug: str = "", query: str = "") -> str:
    first = PAGES[0][2]
    path = "" if slug in ("", first) else slug
    return f"{base}/{path}" + (f"?{query}" if query else "")


def open_page(page, address: str) -> None:
    page.goto(address)
    wait_ready(page)


def no_error(page) -> None:
    exc = page.locator("[data-testid='stException']")
    assert exc.count() == 0, exc.first.inner_text()


def slider(page, label: str):
    """The sidebar slider whose label starts with ``label`` (its key is the assumption id)."""
    return page.get_by_test_id("stSidebar").get_by_test_id("stSlider").filter(has_text=label)


def lever(page, aid: str):
    """A headline lever in the overview's body: its slider and its number box."""
    return page.locator(f".st-key-gn_lever_{aid}")


def box(page, aid: str):
    return lever(page, aid).locator("input[type='text']")


def target_row(page, number: int):
    return page.locator("table.gn-board tbody tr").filter(
        has=page.locator("td:first-child", has_text=re.compile(rf"^\s*{number}\s*$")))


# ------------------------------------------------------------------------------------ the core's view

@lru_cache(maxsize=None)
def status(**values: float) -> str:
    _, verdicts = run(default_context(), Scenario.of("", values))
    return next(v.status for v in verdicts if v.target == "T24")


def assumption(aid: str):
    return next(a for a in default_context().registry if a.id == aid)


# with the households with nobody able to work leaving at 20 % a year the pace and the jobs decide T24
NO_WORK = 20


def sensitive_poor_fall() -> float:
    """A pace at which T24's verdict depends on the jobs slider (from the core), no-work exits at 20 %.

    Only a pace close to the one T24 needs leaves the verdict to the jobs; the core says which."""
    pf, jobs = assumption("poor_fall"), assumption("jobs")
    grid = [round(pf.min + i * 0.5, 1) for i in range(int((pf.max - pf.min) / 0.5) + 1)]
    for v in sorted(grid, key=lambda x: abs(x - pf.default)):
        if status(poor_fall=v, jobs=jobs.default, no_work_exit_rate=NO_WORK) != \
                status(poor_fall=v, jobs=jobs.max, no_work_exit_rate=NO_WORK):
            return v
    pytest.fail("no pace lets the jobs slider change T24's verdict")


# ------------------------------------------------------------------------------------------- pages

@pytest.fixture(scope="module")
def sized_pages(browser):
    """One browser tab per screen size, reused from page to page (the app's scripts stay cached)."""
    contexts = {size: browser.new_context(viewport={"width": size[0], "height": size[1]}) for size in SIZES}
    try:
        yield {size: ctx.new_page() for size, ctx in contexts.items()}
    finally:
        for ctx in contexts.values():
            ctx.close()


@pytest.mark.parametrize("file,title_key,slug", PAGES, ids=[p[2] for p in PAGES])
def test_every_page_opens_and_is_screenshot_at_four_sizes(sized_pages, server, file, title_key, slug):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for (w, h), page in sized_pages.items():
        shot = SHOTS / f"{slug}-{w}x{h}.png"
        shot.unlink(missing_ok=True)
        open_page(page, url(server, slug))
        no_error(page)
        # the page was found (no redirect to the first page), drew something, and is in the navigation
        assert page.url.split("?")[0].rstrip("/") == url(server, slug).rstrip("/")
        assert len(page.get_by_test_id("stMainBlockContainer").inner_text().strip()) > 20
        if w > 640:                      # on a phone the navigation folds away into the closed sidebar
            expect()(nav_link(page, t(title_key, "vi"))).to_have_count(1)
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000     # a drawn page, not a blank one


# ---------------------------------------------------------------------------------------- what-if

def test_moving_the_jobs_slider_changes_the_t24_verdict(page, server):
    pf = sensitive_poor_fall()
    jobs = assumption("jobs")
    before = status(poor_fall=pf, no_work_exit_rate=NO_WORK)
    after = status(poor_fall=pf, jobs=jobs.max, no_work_exit_rate=NO_WORK)
    assert before != after

    open_page(page, url(server, query=f"poor_fall={pf}&no_work_exit_rate={NO_WORK}"))
    no_error(page)
    row = target_row(page, 24)
    expect()(row).to_have_count(1)
    expect()(row.locator(".gn-badge")).to_contain_text(t(f"status.{before}", "vi"))
    text_before = row.inner_text()

    expect()(box(page, "jobs")).to_have_value(fmt_num(jobs.default, "vi", 0))
    thumb = lever(page, "jobs").get_by_role("slider")
    thumb.focus()
    page.keyboard.press("End")                                # to the slider's maximum

    expect()(thumb).to_have_value(str(int(jobs.max)))
    expect()(box(page, "jobs")).to_have_value(fmt_num(jobs.max, "vi", 0), timeout=30_000)
    expect()(row.locator(".gn-badge")).to_contain_text(t(f"status.{after}", "vi"), timeout=30_000)
    wait_ready(page)
    no_error(page)
    assert row.inner_text() != text_before
    assert f"jobs={int(jobs.max)}" in page.url                # the link now carries the new value

    # one step back with the arrow key: the value moves by the slider's step
    thumb.focus()
    page.keyboard.press("ArrowLeft")
    expect()(box(page, "jobs")).to_have_value(fmt_num(jobs.max - jobs.step, "vi", 0), timeout=30_000)


LINK = "jobs=5000&poor_fall=40.5"


def test_a_shared_link_reopens_the_same_values(page, server):
    open_page(page, url(server, query=LINK))
    no_error(page)
    # the sliders took the link's values
    expect()(lever(page, "jobs").get_by_role("slider")).to_have_value("5000")
    expect()(lever(page, "poor_fall").get_by_role("slider")).to_have_value("40.5")
    # the overview judges that scenario, as the core does
    expected = status(poor_fall=40.5, jobs=5000)
    expect()(target_row(page, 24).locator(".gn-badge")).to_contain_text(t(f"status.{expected}", "vi"))
    assert "jobs=5000" in page.url and "poor_fall=40.5" in page.url

    # the same link opened on another page keeps the values, and so does moving between pages
    second = PAGES[1]
    open_page(page, url(server, second[2], LINK))
    no_error(page)
    expect()(slider(page, "Việc làm mới mỗi năm").get_by_role("slider")).to_have_value("5000")
    nav_link(page, t(PAGES[0][1], "vi")).click()
    expect()(target_row(page, 24).locator(".gn-badge")).to_contain_text(t(f"status.{expected}", "vi"), timeout=30_000)
    wait_ready(page)
    assert "jobs=5000" in page.url and "poor_fall=40.5" in page.url
    # the number boxes show the values in the Vietnamese number format
    expect()(box(page, "jobs")).to_have_value("5.000")
    expect()(box(page, "poor_fall")).to_have_value("40,5")


def test_a_shared_link_shows_its_values_in_the_labels_at_once(page, server):
    open_page(page, url(server, query=LINK))
    expect()(box(page, "jobs")).to_have_value("5.000", timeout=5_000)
    expect()(box(page, "poor_fall")).to_have_value("40,5", timeout=5_000)
    # on another page the sidebar's labels carry the values, in the Vietnamese format
    open_page(page, url(server, PAGES[1][2], LINK))
    expect()(slider(page, "Việc làm mới mỗi năm")).to_contain_text("5.000", timeout=5_000)
    expect()(slider(page, assumption("poor_fall").label_vi)).to_contain_text("40,5", timeout=5_000)


def test_switching_to_english(page, server):
    open_page(page, url(server))
    expect()(page.locator("h1").first).to_have_text(t("overview.title", "vi"))
    page.get_by_test_id("stSidebar").get_by_test_id("stRadio").get_by_text("English", exact=True).click()
    expect()(page.locator("h1").first).to_have_text(t("overview.title", "en"), timeout=30_000)
    expect()(page.get_by_text("All targets at a glance")).to_be_visible()
    wait_ready(page)
    no_error(page)
    # the link keeps the language: opened afresh, it is English at once
    assert "lang=" in page.url
    english_link = page.url
    page.goto("about:blank")
    open_page(page, english_link)
    expect()(page.locator("h1").first).to_have_text(t("overview.title", "en"))
    # the sidebar and the navigation follow
    jobs = assumption("jobs")
    expect()(box(page, "jobs")).to_have_value(fmt_num(jobs.default, "en", 0))
    expect()(lever(page, "jobs")).to_contain_text("New jobs a year")
    expect()(page.get_by_test_id("stTopNav")).to_contain_text(t("navsec.targets", "en"))
    expect()(nav_link(page, t(PAGES[0][1], "en"))).to_have_count(1)


# ---------------------------------------------------------------------------------------- report

@pytest.mark.xfail(not REPORT_PAGE.exists(), run=False, strict=False,
                   reason="app_pages/85_bao_cao.py (the report page with the Excel download) does not exist yet")
def test_the_report_page_downloads_an_excel_workbook(page, server):
    from openpyxl import load_workbook
    slug = next(s for f, _, s in PAGES if f.name == REPORT_PAGE.name)
    open_page(page, url(server, slug, "jobs=5000"))
    no_error(page)
    label = t("report.download_xlsx", "vi") if "report.download_xlsx" in catalogue() else re.compile("Excel")
    button = page.get_by_test_id("stDownloadButton").filter(has_text=label).first
    expect()(button).to_be_visible()
    with page.expect_download(timeout=60_000) as info:
        button.locator("button").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    data = Path(download.path()).read_bytes()
    assert data[:2] == b"PK"                                   # a zip container, as .xlsx is
    wb = load_workbook(io.BytesIO(data), read_only=True)
    cells = "\n".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
                      if c is not None)
    # every target of the plan appears in the workbook, by id or by its Vietnamese wording
    for tg in default_context().plan.targets:
        assert tg.id in cells or tg.text_vi in cells, tg.id

"""Outside text in a real browser (issue 15): a link whose keys and values are Markdown links,
images and bare URLs, and a scenario saved under such a name, are shown as the characters typed.
No <a href> points at the evil host, no <img> loads from it, and the browser sends it no request."""
from __future__ import annotations

from urllib.parse import quote, urlparse

from .conftest import wait_ready

EVIL = "evil.example"
LINK = f"[Đăng nhập lại](https://{EVIL}/x)"
IMAGE = f"![](http://{EVIL}/p.png)"


def _watch(page) -> list[str]:
    """Every request the page makes to the evil host (aborted, so nothing leaves the machine)."""
    hits: list[str] = []

    def handle(route):
        if (urlparse(route.request.url).hostname or "").endswith(EVIL):
            hits.append(route.request.url)
            return route.abort()
        return route.continue_()

    page.route("**/*", handle)
    return hits


def _no_evil_link_or_image(page) -> None:
    assert page.locator(f"a[href*='{EVIL}']").count() == 0
    assert page.locator(f"img[src*='{EVIL}']").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0


def test_hostile_link_keys_and_values_are_shown_as_text(page, server):
    hits = _watch(page)
    q = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in (
        ("jobs", LINK), (IMAGE, "1"), ("poor_fall", f"https://{EVIL}/bare"), ("lang", IMAGE),
        ("scenario", LINK), ("ghi_chu", f"www.{EVIL}")))
    page.goto(f"{server}/?{q}")
    wait_ready(page)
    alerts = page.get_by_test_id("stAlert")
    assert alerts.count() >= 4
    shown = "\n".join(alerts.all_inner_texts())
    assert LINK in shown and IMAGE in shown and f"www.{EVIL}" in shown    # every character as typed
    _no_evil_link_or_image(page)
    page.wait_for_timeout(500)
    assert hits == []


def test_a_hostile_scenario_name_is_shown_as_text(page, server):
    hits = _watch(page)
    page.goto(f"{server}/kich-ban")
    wait_ready(page)
    name = f"{LINK} {IMAGE}"
    page.get_by_label("Tên kịch bản").fill(name)
    page.get_by_label("Người lập").fill(IMAGE)
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_test_id("stAlert").filter(has_text="Đã lưu").first.wait_for(timeout=30_000)
    wait_ready(page)
    shown = "\n".join(page.get_by_test_id("stAlert").all_inner_texts())
    assert name in shown
    _no_evil_link_or_image(page)
    # the sidebar caption names the scenario in use, as text
    assert LINK in page.get_by_test_id("stSidebar").inner_text()
    page.wait_for_timeout(500)
    assert hits == []

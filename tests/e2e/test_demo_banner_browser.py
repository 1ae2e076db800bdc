"""In a real browser: the demo dataset chosen by a link carries its banner on every page the user
visits, and the real data carry none."""
from __future__ import annotations

from giamngheo.i18n import t

from .conftest import nav_link, wait_ready

BANNER = t("data.demo_banner", "vi")


def test_the_demo_banner_follows_the_user_from_page_to_page(page, server):
    page.goto(f"{server}/?dataset=demo")
    wait_ready(page)
    assert page.get_by_text(BANNER).count() >= 1
    for title in (t("nav.giam_ngheo", "vi"), t("nav.phuong_phap", "vi")):
        nav_link(page, title).click()
        wait_ready(page)
        assert page.get_by_text(BANNER).count() >= 1, title
    assert "dataset=demo" in page.url                          # a copied link keeps the demo data


def test_no_banner_on_the_real_data(page, server):
    page.goto(f"{server}/")
    wait_ready(page)
    assert page.get_by_text(BANNER).count() == 0

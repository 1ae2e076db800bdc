"""The demo dataset is chosen explicitly, and while it is active a banner stands on every page and on
every export ("SỐ LIỆU MINH HỌA — không dùng để báo cáo"); on the real data there is none."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from giamngheo.i18n import t
from giamngheo.ui.pages import discover

ROOT = Path(__file__).resolve().parents[2]
BANNER = t("data.demo_banner", "vi")
PAGES = [file for file, _, _ in discover(ROOT / "app_pages")]


def app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at


def banners(at: AppTest) -> list[str]:
    return [e.value for e in at.error if BANNER in e.value]


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_page_carries_the_banner_on_the_demo_data(page):
    at = app({"dataset": "demo"}).run()
    at.switch_page(str(page.relative_to(ROOT))).run()
    assert not at.exception, page.name
    assert banners(at), page.name
    assert at.session_state["dataset"] == "demo"


def test_no_banner_on_the_real_data():
    at = app().run()
    assert not at.exception and not banners(at)
    at.switch_page("app_pages/9_du_lieu.py").run()
    assert not banners(at)
    # the data page's explicit choice turns it on, for every page that follows
    at.radio(key="gn_dataset_pick").set_value("demo").run()
    assert banners(at)
    at.switch_page("app_pages/2_giam_ngheo.py").run()
    assert banners(at)


def test_every_export_carries_the_banner_on_the_demo_data():
    import docx
    import openpyxl

    from giamngheo.model.engine import default_context
    from giamngheo.report import export
    from giamngheo.scenario.scenario import Scenario
    for dataset, expected in (("demo", True), ("default", False)):
        ctx = default_context(dataset=dataset)
        wb = openpyxl.load_workbook(io.BytesIO(export.workbook_bytes(ctx, Scenario(), "vi")))
        about = wb.worksheets[0]
        assert (about["B1"].value == BANNER) is expected, dataset
        doc = docx.Document(io.BytesIO(export.docx_bytes(ctx, Scenario(), "vi", with_charts=False)))
        assert any(BANNER in p.text for p in doc.paragraphs) is expected, dataset


def test_the_dataset_parameter_is_not_an_unknown_assumption():
    at = app({"dataset": "demo"}).run()
    assert not any("dataset" in w.value for w in at.warning)

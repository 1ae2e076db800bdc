"""AppTests of the agreed path in the app: an editor adopts the current scenario on the page "Lộ trình"
(app_pages/12_lo_trinh.py) with the data in use (a data version with the end-2025 and end-2026 reviews);
a later upload with a 2027 poor rate one point above the agreed value then reads "behind" on the page,
in the overview's sentence and in meeting mode's, and the agreed value does not move. Adopting needs
the editor right, checked on the server. The review figures are made up for the tests."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from giamngheo.data.ingest import csv_to_rows, rows_to_csv
from giamngheo.monitor import agreed_path
from giamngheo.plan.targets import load_plan
from giamngheo.scenario.scenario import Scenario
from giamngheo.store import Store
from tests.monitor.monitor_data import REVIEWS, make_obs

ROOT = Path(__file__).resolve().parents[2]
BASE = (ROOT / "data" / "observations.csv").read_text(encoding="utf-8-sig")
PAGE = "app_pages/12_lo_trinh.py"
TIMEOUT = 120


def version_text(extra=()) -> str:
    rows = csv_to_rows(BASE)
    for ind, g, y, v in list(REVIEWS) + list(extra):
        rows.append({"indicator": ind, "group": g, "year": y, "value": v, "unit": "", "status": "review",
                     "source": "test-review", "note": ""})
    return rows_to_csv(rows)


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'lo.db'}"
    monkeypatch.setenv("GIAMNGHEO_DB_URL", url)
    s = Store(url)
    s.save_data_version(version_text(), author="test", note="rà soát 2025, 2026", parent_id=None)
    s.dispose()
    return url


def app(page: str | None = None, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    return at.switch_page(page).run() if page else at


def texts(at: AppTest) -> str:
    return "\n".join([*(e.value for e in at.markdown), *(e.value for e in at.warning), *(e.value for e in at.info),
                      *(e.value for e in at.success), *(e.value for e in at.error), *(e.value for e in at.caption)])


def uploaded() -> None:
    """What the data entry page does after saving a version (giamngheo/ui/session.refresh_data): the
    cached latest version id (kept 2 s) is forgotten."""
    import streamlit as st
    st.cache_data.clear()


def adopt_in_app(**state) -> AppTest:
    at = app(PAGE, **state)
    assert not at.exception, at.exception
    at.text_input(key="gn_adopt_name").input("Lộ trình 2027–2030")
    at.text_input(key="gn_adopt_ref").input("Nghị quyết 12-NQ/ĐU")
    next(b for b in at.button if b.label == "Thông qua lộ trình").click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_adopt_then_a_later_upload_reads_behind_everywhere(db_url):
    at = adopt_in_app(jobs=3500)
    assert "Đã thông qua lộ trình «Lộ trình 2027–2030»" in texts(at)
    s = Store(db_url)
    [a] = s.list_adoptions()
    assert a.path.basis.as_of == 2026 and a.path.basis.data_version == 1 and a.path.values == {"jobs": 3500.0}
    # the same numbers as the core's, on the same data
    expect = agreed_path(load_plan(), make_obs(status="review"), Scenario.of("", {"jobs": 3500}), 2026, draws=0)
    agreed27 = a.path.get("poor_rate").values[2027]
    assert agreed27 == pytest.approx(expect.get("poor_rate").values[2027], abs=1e-9)
    # the 2027 review arrives, one point above the agreed value
    s.save_data_version(version_text([("poor_rate", "all", 2027, round(agreed27 + 1, 6))]), author="test", note="2027")
    s.dispose()
    uploaded()

    page = app(PAGE)                                   # a new session: the adoption survives it
    assert not page.exception, page.exception
    body = texts(page)
    assert "Năm 2027, tỷ lệ hộ nghèo" in body and "chậm 1,00 điểm % so với lộ trình đã thống nhất" in body
    assert "0,1 điểm %" in body                        # the tolerance, stated
    readings = next(d.value for d in page.dataframe if "Đã thống nhất" in d.value.columns)
    row = readings[(readings["Năm"] == "2027") & (readings["Nhóm"] == "Toàn huyện")
                   & (readings["Chỉ số"] == "Tỷ lệ hộ nghèo")].iloc[0]
    assert row["Đánh giá"] == "Chậm so với lộ trình" and row["Chênh lệch"] == "+1,00 điểm %"
    assert row["Đã thống nhất"] == f"{agreed27:.2f}".replace(".", ",") + "%"     # not moved by the 2027 figure
    levers = next(d.value for d in page.dataframe if "Cam kết" in d.value.columns)
    assert "3.500 lao động/năm" in set(levers["Cam kết"])

    over = app()
    assert not over.exception, over.exception
    line = next(m.value for m in over.markdown if 'class="gn-agreed-line"' in m.value)
    assert 'data-status="behind"' in line and "chậm 1,00 điểm % so với lộ trình đã thống nhất" in line
    meet = app("app_pages/15_cuoc_hop.py")
    assert not meet.exception, meet.exception
    assert "chậm 1,00 điểm % so với lộ trình đã thống nhất" in texts(meet)
    # meeting mode's chart draws the agreed path, as the overview does: its 2027 value is the adopted one (this
    # session is at the defaults, so the faint line can only be the adopted path)
    chart = meet.get("vega_lite_chart")[0]
    data = {d.name: d for d in chart.proto.datasets}
    import pyarrow as pa
    base = pa.ipc.open_stream(data["baseline"].data.data).read_all().to_pandas()
    assert set(base["role_label"]) == {"Lộ trình đã thống nhất"}
    row = base[(base["year"] == 2027) & (base["group"] == "all")].iloc[0]
    assert row["value"] == pytest.approx(agreed27, abs=1e-9)


def test_one_point_below_reads_ahead_in_english(db_url):
    adopt_in_app()
    s = Store(db_url)
    a = s.current_adoption(load_plan().id)
    agreed27 = a.path.get("poor_rate").values[2027]
    s.save_data_version(version_text([("poor_rate", "all", 2027, round(agreed27 - 1, 6))]), author="test", note="2027")
    s.dispose()
    uploaded()
    over = app(lang="en")
    line = next(m.value for m in over.markdown if 'class="gn-agreed-line"' in m.value)
    assert 'data-status="ahead"' in line and "1.00 pp better than the agreed path" in line


def test_without_the_editor_right_nothing_is_adopted(db_url, monkeypatch):
    monkeypatch.delenv("GIAMNGHEO_LOCAL_EDIT", raising=False)
    at = app(PAGE)
    assert not at.exception, at.exception
    assert not [t for t in at.text_input if t.key == "gn_adopt_name"]          # no form
    assert "Chưa có lộ trình nào được thông qua" in texts(at)

    def submit_anyway():     # the form's handler called without the right: refused on the server
        import datetime

        from giamngheo.ui import agreed
        agreed._do_adopt("x", datetime.date(2026, 12, 20), "", "", "")

    fn = AppTest.from_function(submit_anyway, default_timeout=TIMEOUT).run()
    assert fn.session_state["_gn_adopt_flash"][0] == "error"
    assert Store(db_url).list_adoptions() == []


def test_no_adoption_no_sentence(db_url):
    over = app()
    assert not over.exception, over.exception
    assert "lộ trình đã thống nhất" not in texts(over).lower()


def test_no_adoption_on_the_demo_data(db_url):
    at = app(PAGE, dataset="demo")
    assert not at.exception, at.exception
    assert not [t for t in at.text_input if t.key == "gn_adopt_name"]
    assert "không thể thông qua lộ trình trên số liệu minh họa" in texts(at)

"""AppTests of the report page, app_pages/85_bao_cao.py: the two downloads, what the files hold, the report's
own language, the verdict preview, English, and a saved scenario picked from the store."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from giamngheo.model.engine import default_context, run
from giamngheo.scenario.assumptions import Scenario
from giamngheo.store import Store

ROOT = Path(__file__).resolve().parents[2]
PAGE = "app_pages/85_bao_cao.py"
TIMEOUT = 90


# the hand-worked figures here come from illustrative rows: the demo dataset
pytestmark = pytest.mark.usefixtures("demo_dataset_module")

@pytest.fixture(scope="module", autouse=True)
def own_store(tmp_path_factory):
    """An empty database of this module's own (the store's environment variable always wins)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GIAMNGHEO_DB_URL", url)
        yield url


def page(**state) -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def preview(at: AppTest):
    return at.dataframe[0].value


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_page_renders_downloads_and_contents_in_vietnamese():
    at = page()
    assert not at.exception
    assert at.title[0].value == "Báo cáo Word và Excel"
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Tải bảng tính Excel (.xlsx)", "Tải báo cáo Word (.docx)"]
    md = markdown(at)
    for sheet in ("Giới thiệu", "Đánh giá chỉ tiêu", "Dự báo (dạng dọc)", "Dự báo (theo năm)", "Giả định",
                  "Số liệu", "Nguồn"):
        assert f"**{sheet}**" in md
    assert "Ban Thường vụ Huyện ủy Trà Cú" in md and "*Trà Cú, ngày " in md
    verdicts = run(default_context(), Scenario())[1]
    good = sum(v.status in ("achieved", "on_track") for v in verdicts)
    assert f"{good}/28 chỉ tiêu đạt hoặc đúng hướng" in md


def test_preview_has_every_target_and_t23_missed():
    df = preview(page())
    assert list(df["TT"]) == list(range(1, 29))
    t23 = df[df["TT"] == 23].iloc[0]
    assert t23["Kết quả đánh giá"] == "Không đạt"          # recognised for 2023 against "before 2023"
    assert t23["Căn cứ"] == "số liệu"          # never «thực tế»: the word is kept for official figures alone
    # the projected 2030 targets carry a probability (Monte Carlo), the settled ones none
    t27 = df[df["TT"] == 27].iloc[0]
    assert t27["Xác suất đạt"].endswith("%") and t23["Xác suất đạt"] == ""


def test_report_language_follows_the_app_then_can_differ():
    at = page()
    assert at.radio(key="report_lang").value == "vi"
    at.radio(key="report_lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Báo cáo Word và Excel"             # the page stays Vietnamese
    df = preview(at)
    assert df[df["No."] == 23].iloc[0]["Verdict"] == "Missed"       # the files' contents in English
    md = markdown(at)
    assert "**Verdicts**" in md
    assert "Standing Committee of the Trà Cú District Party Committee" in md    # the plan's English wording


def test_page_in_english():
    at = page(lang="en")
    assert not at.exception
    assert at.title[0].value == "Word and Excel reports"
    assert at.radio(key="report_lang").value == "en"
    assert [b.proto.label for b in at.get("download_button")] == ["Download the Excel workbook (.xlsx)",
                                                                  "Download the Word report (.docx)"]
    md = markdown(at)
    assert "**About**" in md and "**Observations**" in md and "Trà Cú, " in md
    assert "Báo cáo" not in md and "Không đạt" not in md


def test_a_saved_scenario_can_be_reported(own_store):   # last: the other tests see an empty store
    ctx = default_context()
    saved = Store(own_store).save_scenario(ctx.plan.id, "Giảm chậm", {"poor_fall": 0.0}, author="Phòng LĐ-TB&XH",
                                           note="-thử")
    at = page()
    box = at.selectbox(key="report_scenario_vi")
    assert box.options == ["Kịch bản đang xem (thanh bên)", "Giảm chậm"]
    box.set_value(saved.id).run()
    assert not at.exception
    assert at.text_input(key=f"report_name_{saved.id}").value == "Giảm chậm"
    assert at.text_input(key=f"report_author_{saved.id}").value == "Phòng LĐ-TB&XH"
    assert at.text_area(key=f"report_note_{saved.id}").value == "-thử"
    # the preview is the saved scenario's, worked out by the core
    expect = {v.number: v.status for v in run(ctx, Scenario.of("", {"poor_fall": 0.0}))[1]}
    default = {v.number: v.status for v in run(ctx, Scenario())[1]}
    assert expect[24] != default[24]
    labels = {"on_track": "Đúng hướng", "at_risk": "Có nguy cơ", "off_track": "Chệch hướng"}
    df = preview(at)
    assert df[df["TT"] == 24].iloc[0]["Kết quả đánh giá"] == labels[expect[24]]
    from giamngheo.i18n import fmt_num
    f0 = ctx.registry["poor_fall"]
    assert any(f0.label_vi in c.value and f"0 (mặc định {fmt_num(f0.default, 'vi')})" in c.value for c in at.caption)

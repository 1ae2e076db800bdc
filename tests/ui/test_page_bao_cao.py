"""AppTests of the report page, app_pages/85_bao_cao.py: the two downloads, what the files hold, the report's
own language, the verdict preview, English, and a saved scenario picked from the store."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from giamngheo.model.engine import default_context, run
from giamngheo.scenario.scenario import Scenario
from giamngheo.store import Store
from tests.ui.headings_read import headings

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
    assert headings(at, 1)[0] == "Báo cáo Word và Excel"
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Tải bảng tính Excel (.xlsx)", "Tải báo cáo Word (.docx)"]
    md = markdown(at)
    for sheet in ("Giới thiệu", "Đánh giá chỉ tiêu", "Dự báo (dạng dọc)", "Dự báo (theo năm)", "Giả định",
                  "Số liệu", "Nguồn"):
        assert f"**{sheet}**" in md
    # the issuer is the settings file's body (existing in 2026), its place and the Party's header
    assert "Tỉnh ủy Vĩnh Long" in md and "*Vĩnh Long\\, ngày " in md and "ĐẢNG CỘNG SẢN VIỆT NAM" in md
    assert "Huyện ủy Trà Cú" not in md.split("Cơ quan ban hành báo cáo")[0]
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
    assert headings(at, 1)[0] == "Báo cáo Word và Excel"             # the page stays Vietnamese
    df = preview(at)
    assert df[df["No."] == 23].iloc[0]["Verdict"] == "Missed"       # the files' contents in English
    md = markdown(at)
    assert "**Verdicts**" in md
    assert "Vĩnh Long Provincial Party Committee" in md    # the issuer's English wording


def test_page_in_english():
    at = page(lang="en")
    assert not at.exception
    assert headings(at, 1)[0] == "Word and Excel reports"
    assert at.radio(key="report_lang").value == "en"
    assert [b.proto.label for b in at.get("download_button")] == ["Download the Excel workbook (.xlsx)",
                                                                  "Download the Word report (.docx)"]
    md = markdown(at)
    assert "**About**" in md and "**Observations**" in md and "*Vĩnh Long\\, " in md
    assert "Báo cáo" not in md and "Không đạt" not in md


def test_a_saved_scenario_can_be_reported(own_store):   # last: the other tests see an empty store
    ctx = default_context()
    saved = Store(own_store).save_scenario(ctx.plan.id, "Giảm chậm", {"poor_fall": 10.0, "no_work_exit_rate": 0.0},
                                           author="Phòng LĐ-TB&XH",
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
    expect = {v.number: v.status for v in run(ctx, Scenario.of("", {"poor_fall": 10.0, "no_work_exit_rate": 0.0}))[1]}
    default = {v.number: v.status for v in run(ctx, Scenario())[1]}
    assert expect[24] != default[24]
    labels = {"on_track": "Đúng hướng", "at_risk": "Có nguy cơ", "off_track": "Chệch hướng"}
    df = preview(at)
    assert df[df["TT"] == 24].iloc[0]["Kết quả đánh giá"] == labels[expect[24]]
    from giamngheo.i18n import fmt_num
    f0 = ctx.registry["poor_fall"]
    assert any(f0.label_vi in c.value and f"0 (mặc định {fmt_num(f0.default, 'vi')})" in c.value for c in at.caption)


def test_the_final_review_is_a_second_kind(own_store):
    at = page()
    assert at.radio(key="report_kind").options == ["Báo cáo kết quả thực hiện (từng chỉ tiêu)",
                                                   "Báo cáo tổng kết giai đoạn 2021 - 2025"]
    at.radio(key="report_kind").set_value("final").run()
    assert not at.exception
    assert "Từng chỉ tiêu giai đoạn 2021 - 2025" in markdown(at)


def submit(at: AppTest, form: str) -> None:
    [b] = [b for b in at.button if b.proto.form_id == form]
    b.click()


def test_only_a_signed_in_editor_changes_the_issuer_and_bad_input_saves_nothing(own_store):
    from giamngheo.report import issuer as issuer_mod
    db = Store(own_store)
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    at.secrets["editor_password"] = "mật-khẩu"
    at.run()
    # folded, the form is not drawn (a lever move sends none of its boxes); opened, it is
    assert not [b for b in at.button if b.proto.form_id == "gn_issuer_form"]
    assert not [w for w in at.text_input if (w.key or "").startswith(("issuer_", "gn_issuer_auth"))]
    at.session_state["gn_issuer_open"] = True
    at.run()
    assert [b for b in at.button if b.proto.form_id == "gn_issuer_form"][0].disabled      # a viewer cannot
    at.text_input(key="gn_issuer_auth_pw").input("mật-khẩu")
    at.text_input(key="gn_issuer_auth_name").input("Chị Lan")
    submit(at, "gn_issuer_auth_form")
    at.run()
    assert not [b for b in at.button if b.proto.form_id == "gn_issuer_form"][0].disabled
    at.radio(key="issuer_kind").set_value("state")
    at.text_input(key="issuer_body_vi").input("Ủy ban nhân dân xã Trà Cú")
    at.text_input(key="issuer_symbol").input("BC-UBND")
    submit(at, "gn_issuer_form")
    at.run()
    assert not at.exception
    assert "Đã lưu thông tin cơ quan ban hành." in [m.value for m in at.success]
    versions = db.list_data_versions(issuer_mod.STORE_DATASET)
    assert len(versions) == 1 and versions[0].author == "Chị Lan"
    saved = issuer_mod.current_issuer(db)
    assert (saved.kind, saved.body_vi, saved.symbol) == ("state", "Ủy ban nhân dân xã Trà Cú", "BC-UBND")
    assert "Ủy ban nhân dân xã Trà Cú" in markdown(at) and "Quốc hiệu, tiêu ngữ" in markdown(at)
    # a required field emptied: the message names it, nothing is saved
    at.text_input(key="issuer_body_vi").input("")
    submit(at, "gn_issuer_form")
    at.run()
    assert "Thiếu «Tên cơ quan ban hành»: trường này bắt buộc. Chưa lưu gì." in [m.value for m in at.error]
    assert len(db.list_data_versions(issuer_mod.STORE_DATASET)) == 1
    # the refused entries survive folding the box (Streamlit drops a folded form's widget state): opened again, the
    # form shows what was sent, not the saved settings, so only the emptied field needs mending
    at.text_input(key="issuer_signer_name").input("Nguyễn Văn Minh")
    at.text_input(key="issuer_body_vi").input("")
    submit(at, "gn_issuer_form")
    at.run()
    at.session_state["gn_issuer_open"] = False
    at.run()
    assert not [w for w in at.text_input if (w.key or "").startswith("issuer_")]
    at.session_state["gn_issuer_open"] = True
    at.run()
    assert at.text_input(key="issuer_signer_name").value == "Nguyễn Văn Minh"
    assert at.text_input(key="issuer_body_vi").value == ""
    assert at.text_input(key="issuer_symbol").value == "BC-UBND"
    at.text_input(key="issuer_body_vi").input("Ủy ban nhân dân xã Trà Cú")
    submit(at, "gn_issuer_form")
    at.run()
    assert issuer_mod.current_issuer(db).signer_name == "Nguyễn Văn Minh"
    assert len(db.list_data_versions(issuer_mod.STORE_DATASET)) == 2
    # saved: the form shows the saved settings again (the refused send is forgotten)
    at.session_state["gn_issuer_open"] = False
    at.run()
    at.session_state["gn_issuer_open"] = True
    at.run()
    assert at.text_input(key="issuer_body_vi").value == "Ủy ban nhân dân xã Trà Cú"
    assert "_gn_issuer_draft" not in at.session_state
    assert db.list_data_versions() == []           # the observations' versions are another dataset

"""AppTest of the scenarios page, app_pages/6_kich_ban.py (save, name taken, open, duplicate, delete,
import, presets) and of the short link ?scenario=ID handled by app.py. Each test has its own SQLite
store (GIAMNGHEO_DB_URL); what the page did is checked in the store itself."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.headings_read import headings

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "app_pages" / "6_kich_ban.py"
TIMEOUT = 90
PLAN = "tra-cu-05-nq-tu"
AWKWARD = '"Tăng tốc" <b>đậm</b> =1+1 **x**'


def page(**state) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=TIMEOUT)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def texts(at: AppTest, kind: str) -> str:
    return "\n".join(e.value for e in getattr(at, kind))


def submit(at: AppTest, form: str) -> None:
    """Click the submit button of one form (the page can show two sign-in forms)."""
    [b] = [b for b in at.button if b.proto.form_id == form]
    b.click()


def file_hash() -> str:
    """sha256 of data/observations.csv as text: no byte-order mark, LF line ends, a final newline."""
    text = (ROOT / "data" / "observations.csv").read_text(encoding="utf-8-sig")
    text = text if text.endswith("\n") else text + "\n"
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_save_the_current_scenario_with_an_awkward_name(db):
    at = page(poor_fall=45.5, jobs=4000)
    assert not at.exception
    assert headings(at, 1)[0] == "Kịch bản"
    assert "Chưa có kịch bản nào được lưu" in texts(at, "info")
    # the current scenario's values: a Markdown table, every cell escaped as text
    table = next(m.value for m in at.markdown if m.value.startswith("| Giả định | Giá trị | Mặc định |"))
    cells = [[re.sub(r"\\(.)", r"\1", c.strip()) for c in line.strip("|").split(" | ")]
             for line in table.splitlines()[2:]]
    assert {c[0]: c[1] for c in cells} == {
        "Hộ nghèo có người lao động thoát nghèo nhờ các chính sách khác (%/năm)": "45,5", "Việc làm mới mỗi năm (lao động)": "4.000"}
    link = at.code[0].value
    assert link.startswith("/?") and "poor_fall=45.5" in link and "jobs=4000" in link
    at.text_input(key="_gn_save_name").input(AWKWARD)
    at.text_input(key="_gn_save_author").input("Phòng LĐ-TB&XH")
    at.text_area(key="_gn_save_note").input("<i>ghi chú</i>")
    at.button[[b.label for b in at.button].index("Lưu")].click()
    at.run()
    assert not at.exception
    saved = db.list_scenarios(PLAN)
    assert len(saved) == 1
    s = saved[0]
    assert (s.name, s.author, s.note) == (AWKWARD, "Phòng LĐ-TB&XH", "<i>ghi chú</i>")
    assert s.values == {"poor_fall": 45.5, "jobs": 4000.0}
    assert s.data_hash == file_hash()
    # shown as text: escaped in messages, exact in the table
    ok = texts(at, "success")
    assert "\\<b\\>" in ok and "<b>" not in ok and "\\*\\*x\\*\\*" in ok
    listed = at.dataframe[0].value
    assert list(listed["Tên"]) == [AWKWARD] and list(listed["Ghi chú"]) == ["<i>ghi chú</i>"]
    assert list(listed["Số giả định thay đổi"]) == [2]
    assert at.code[-1].value == f"/?scenario={s.id}"
    assert at.session_state["scenario_name"] == AWKWARD


def test_a_taken_name_asks_then_saves_as_new_or_overwrites(db):
    first = db.save_scenario(PLAN, "Kịch bản A", {"jobs": 3500})
    at = page(jobs=4200)
    at.text_input(key="_gn_save_name").input("kịch bản a")
    at.button[[b.label for b in at.button].index("Lưu")].click()
    at.run()
    assert "Đã có kịch bản tên" in texts(at, "warning")
    assert db.get_scenario(first.id).values == {"jobs": 3500.0}          # not overwritten silently
    at.button(key="gn_save_new").click()
    at.run()
    names = {s.name: s.values for s in db.list_scenarios(PLAN)}
    assert names == {"Kịch bản A": {"jobs": 3500.0}, "kịch bản a (2)": {"jobs": 4200.0}}
    # again, and this time overwrite
    at.text_input(key="_gn_save_name").input("Kịch bản A")
    at.button[[b.label for b in at.button].index("Lưu")].click()
    at.run()
    at.button(key="gn_overwrite").click()
    at.run()
    assert not at.exception
    assert db.get_scenario(first.id).values == {"jobs": 4200.0}
    assert "Đã ghi đè" in texts(at, "success")


def test_open_duplicate_and_delete(db):
    s1 = db.save_scenario(PLAN, "Mở tôi", {"poor_fall": 47.5, "jobs": 5000}, data_hash="sha256:made-on-other-data")
    db.save_scenario(PLAN, "Khác", {"jobs": 100})
    at = page()
    at.selectbox(key="_gn_pick_saved").select(s1.id)
    at.run()
    at.button(key="gn_open").click()
    at.run()
    assert not at.exception
    ss = at.session_state
    assert ss["poor_fall"] == 47.5 and ss["jobs"] == 5000 and isinstance(ss["jobs"], int)
    # the rest at their defaults: the plan's placements, the Khmer pace calibrated on the record
    from giamngheo.model.engine import default_context
    assert ss["overseas"] == 350 and ss["khmer_poor_fall"] == default_context().registry["khmer_poor_fall"].default
    assert ss["scenario_name"] == "Mở tôi"
    assert "Đã mở kịch bản" in texts(at, "success")
    assert "dữ liệu hiện dùng đã thay đổi" in texts(at, "info")           # saved on other data: said so
    at.button(key="gn_duplicate").click()
    at.run()
    assert {s.name for s in db.list_scenarios(PLAN)} == {"Mở tôi", "Khác", "Bản sao của Mở tôi"}
    copy = db.find_scenario(PLAN, "Bản sao của Mở tôi")
    assert copy.values == s1.values
    # delete asks first; the notice says deleting is open while no sign-in is configured
    assert at.selectbox(key="_gn_pick_saved").value == copy.id
    at.button(key="gn_delete").click()
    at.run()
    assert "Xóa vĩnh viễn kịch bản" in texts(at, "warning")
    assert "Chưa cấu hình đăng nhập biên tập" in texts(at, "caption")
    assert db.get_scenario(copy.id) is not None
    at.button(key="gn_delete_yes").click()
    at.run()
    assert db.get_scenario(copy.id) is None
    assert "Đã xóa kịch bản" in texts(at, "success")
    assert {s.name for s in db.list_scenarios(PLAN)} == {"Mở tôi", "Khác"}


def test_import_json_shows_errors_in_words_and_saves_a_good_file(db):
    at = page()
    for content, expected in (
            (b"{", "không phải JSON hợp lệ (lỗi ở dòng 1"),
            (json.dumps({"values": {"nope": 1}}).encode(), "«nope» không phải là mã giả định"),
            (json.dumps({"values": {"jobs": 99999}}).encode(), "nằm ngoài giới hạn 0–8.000"),
            (json.dumps({"values": {"jobs": 3050.5}}).encode(), "phải là số nguyên"),
            (json.dumps(["not", "a", "scenario"]).encode(), "tệp cần có dạng"),
            (b"\xff\x00\xfe", "không phải văn bản UTF-8")):
        at.file_uploader(key="gn_import").set_value(("x.json", content, "application/json"))
        at.run()
        assert not at.exception, content
        assert expected in texts(at, "error"), (content, texts(at, "error"))
    good = {"name": "Nhập <từ> tệp", "values": {"poor_fall": 43.5, "overseas": 500}}
    at.file_uploader(key="gn_import").set_value(("s.json", ("\ufeff" + json.dumps(good, ensure_ascii=False)).encode("utf-8"), "application/json"))
    at.run()
    assert "Tệp hợp lệ" in texts(at, "success") and not texts(at, "error")
    at.button(key="gn_import_save").click()
    at.run()
    s = db.find_scenario(PLAN, "Nhập <từ> tệp")
    assert s is not None and s.values == {"poor_fall": 43.5, "overseas": 500.0}
    at.button(key="gn_import_open").click()
    at.run()
    assert at.session_state["poor_fall"] == 43.5 and at.session_state["overseas"] == 500


def test_preset_buttons_set_the_sliders(db):
    at = page()
    at.button(key="gn_preset_cautious").click()
    at.run()
    ss = at.session_state
    # the documented factors: 0.75 × the calibrated pace, 0.8 × 3,000 jobs and × 350 placements
    from giamngheo.model.engine import default_context
    f0 = default_context().registry["poor_fall"].default
    assert ss["poor_fall"] == pytest.approx(round(0.75 * f0, 2), abs=0.006) and (ss["jobs"], ss["overseas"]) == (2400, 280)
    assert ss["scenario_name"] == "Thận trọng"
    assert "Đang dùng: **Thận trọng** (kịch bản mẫu)" in texts(at, "markdown")


def test_page_in_english(db):
    at = page(lang="en")
    assert not at.exception
    assert headings(at, 1)[0] == "Scenarios"
    assert "No scenario has been saved for this plan yet." in texts(at, "info")


def test_the_short_link_opens_the_saved_scenario_in_app_py(db):
    s = db.save_scenario(PLAN, "Chia sẻ", {"poor_fall": 46.5, "jobs": 4500})
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["scenario"] = s.id
    at.run()
    assert not at.exception
    assert at.session_state["poor_fall"] == 46.5 and at.session_state["jobs"] == 4500
    assert at.session_state["scenario_name"] == "Chia sẻ"
    assert "Liên kết mở kịch bản đã lưu **Chia sẻ**" in texts(at, "info")
    bad = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    bad.query_params["scenario"] = "nosuchid"
    bad.run()
    assert not bad.exception
    assert "không tìm thấy kịch bản này" in texts(bad, "warning")
    from giamngheo.model.engine import default_context
    assert bad.session_state["poor_fall"] == default_context().registry["poor_fall"].default


def test_with_an_editor_password_only_a_signed_in_editor_deletes(db):
    s = db.save_scenario(PLAN, "Giữ lại", {"jobs": 3100})
    at = AppTest.from_file(str(PAGE), default_timeout=TIMEOUT)
    at.secrets["editor_password"] = "mật-khẩu"
    at.run()
    at.button(key="gn_delete").click()
    at.run()
    assert "Chưa cấu hình đăng nhập biên tập" not in texts(at, "caption")
    assert at.button(key="gn_delete_yes").disabled                       # a viewer cannot delete
    at.text_input(key="gn_delete_auth_pw").input("sai")
    submit(at, "gn_delete_auth_form")
    at.run()
    assert at.button(key="gn_delete_yes").disabled and db.get_scenario(s.id) is not None
    at.text_input(key="gn_delete_auth_pw").input("mật-khẩu")
    submit(at, "gn_delete_auth_form")
    at.run()
    assert not at.button(key="gn_delete_yes").disabled                   # an editor can
    at.button(key="gn_delete_yes").click()
    at.run()
    assert not at.exception
    assert db.get_scenario(s.id) is None


def test_hostile_json_files_get_clear_messages(db):
    at = page()
    deep = b"[" * 50_000 + b"]" * 50_000
    at.file_uploader(key="gn_import").set_value(("deep.json", deep, "application/json"))
    at.run()
    assert not at.exception
    assert "lồng nhau quá sâu (hơn 20 cấp)" in texts(at, "error")
    deep_obj = b'{"name": "x", "values": {"jobs": ' + b"[" * 30 + b"1" + b"]" * 30 + b"}}"
    at.file_uploader(key="gn_import").set_value(("deep2.json", deep_obj, "application/json"))
    at.run()
    assert "lồng nhau quá sâu" in texts(at, "error")
    # a 100 kB name with a right-to-left override: tidied to 80 characters, said so, saved so
    name = "\u202e" + "Tên rất dài " * 9000
    good = json.dumps({"name": name, "values": {"jobs": 3500}}, ensure_ascii=False).encode("utf-8")
    at.file_uploader(key="gn_import").set_value(("long.json", good, "application/json"))
    at.run()
    assert not texts(at, "error")
    assert "tối đa 80 ký tự" in texts(at, "info")
    at.button(key="gn_import_save").click()
    at.run()
    [s] = db.list_scenarios(PLAN)
    assert len(s.name) == 80 and s.name.startswith("Tên rất dài") and s.name.endswith("…")
    assert "\u202e" not in s.name
    assert all(len(c.value) < 400 for c in at.caption)            # no caption grows with the name


def test_a_5001_digit_integer_is_refused_with_a_message(db):
    """int() of more than 4,300 digits raises a bare ValueError in Python: it used to reach the page."""
    at = page()
    for blob, n in ((b'{"name": "x", "values": {"jobs": ' + b"9" * 5001 + b"}}", "5.001"),
                    (b'{"name": "x", "values": {"jobs": 1.' + b"5" * 100 + b"}}", "102")):
        at.file_uploader(key="gn_import").set_value(("big.json", blob, "application/json"))
        at.run()
        assert not at.exception
        assert f"tệp có một số dài {n} ký tự" in texts(at, "error")
        assert not any(b.key == "gn_import_save" for b in at.button)
    from giamngheo.scenario.scenario import JsonNumberError, json_loads
    assert json_loads('{"jobs": 3500, "poor_fall": 0.8}') == {"jobs": 3500, "poor_fall": 0.8}
    with pytest.raises(JsonNumberError):
        json_loads("[" + "1" * 41 + "]")


def test_a_name_with_a_bidi_control_is_refused_on_save(db):
    at = page(jobs=4000)
    at.text_input(key="_gn_save_name").input("abc\u202etxt.exe")
    at.button[[b.label for b in at.button].index("Lưu")].click()
    at.run()
    assert "ký tự điều khiển hướng chữ" in texts(at, "error")
    assert db.list_scenarios(PLAN) == []


def test_the_store_location_and_errors_are_not_shown(db, monkeypatch):
    at = page()
    shown = texts(at, "caption")
    assert "tệp cơ sở dữ liệu trên máy chủ" in shown
    assert db.path is not None and str(db.path) not in shown and str(db.path.parent) not in shown
    from giamngheo.store import StoreUnavailable

    def broken(*a, **k):
        raise StoreUnavailable(f"(sqlite3.OperationalError) unable to open database file {db.path}")
    monkeypatch.setattr(type(db), "list_scenarios", broken)
    from giamngheo.ui import session
    monkeypatch.setattr(session, "SAVED_TTL", 0.0)    # the list read a moment ago is not shown again: read now
    at = page()
    assert not at.exception
    err = texts(at, "error")
    assert "nhật ký máy chủ" in err and "sqlite3" not in err and str(db.path) not in err

"""AppTests of app_pages/10_nhap_du_lieu.py (Nhập số liệu): upload → check → problems → save as a
version; edit in place; history, view an earlier version, revert; who may change things.

Each test has its own SQLite store (GIAMNGHEO_DB_URL) and, where it says so, an editor password in
``at.secrets``. Expected figures come from the test's own rows, not from the page.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from giamngheo.store import Store, content_hash
from tests.data.test_ingest import review_rows, to_csv
from tests.ui.headings_read import headings

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "app_pages" / "10_nhap_du_lieu.py")
DATA_PAGE = str(ROOT / "app_pages" / "9_du_lieu.py")
EMBEDDED = (ROOT / "data" / "observations.csv").read_text(encoding="utf-8-sig")
PW = "mat-khau-thu"


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'gn.db'}"
    monkeypatch.setenv("GIAMNGHEO_DB_URL", url)
    return url


def page(password: str | None = None, **state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    if password:
        at.secrets["editor"] = {"password": password}
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def table(at: AppTest, first_column: str):
    """The table on the page whose first column has this heading (read-only tables carry no key)."""
    return next(d.value for d in at.dataframe if len(d.value.columns) and d.value.columns[0] == first_column)


def texts(els) -> str:
    return "\n".join(e.value for e in els)


def sign_in(at: AppTest, pw: str, name: str = "Chị Lan") -> AppTest:
    at.text_input(key="gn_auth_name").set_value(name)
    at.text_input(key="gn_auth_pw").set_value(pw)
    next(b for b in at.button if b.label == "Đăng nhập").click()
    return at.run()


def upload(at: AppTest, data: bytes, name: str = "ra-soat-2024.csv") -> AppTest:
    at.file_uploader[0].set_value((name, data, "text/csv"))
    return at.run()


def rows_of(text: str) -> dict:
    return {(r["indicator"], r["group"], int(r["year"])): float(r["value"]) for r in csv.DictReader(io.StringIO(text))}


# ------------------------------------------------------------------------------------------ who may change


def test_viewer_cannot_edit_or_save_but_can_check(db_url):
    at = page(PW)
    assert not at.exception
    assert headings(at, 1)[0] == "Nhập số liệu"
    assert "chế độ xem" in texts(at.info)
    assert len(at.data_editor) == 0                                 # a read-only table instead
    # the data file's columns, the English note included
    assert list(table(at, "Chỉ tiêu").columns) == ["Chỉ tiêu", "Nhóm", "Năm", "Giá trị", "Đơn vị", "Trạng thái", "Nguồn",
                                                   "Ghi chú", "Ghi chú (tiếng Anh)"]
    at = upload(at, to_csv(review_rows(2024)))
    assert "Tất cả 17 dòng hợp lệ." in texts(at.success)           # checking needs nothing
    at.text_input(key="gn_source").set_value("QĐ thử").run()
    assert at.button(key="gn_save_upload").disabled
    assert "Cần đăng nhập biên tập để lưu." in texts(at.caption)
    assert Store(db_url).list_data_versions() == []


def test_wrong_password_stays_a_viewer(db_url):
    at = sign_in(page(PW), "sai")
    assert "Sai mật khẩu." in texts(at.error)
    assert len(at.data_editor) == 0


def test_editor_signs_in_edits_in_place_and_saves_a_version(db_url):
    at = sign_in(page(PW), PW)
    assert "Đã đăng nhập biên tập: Chị Lan." in texts(at.success)
    assert len(at.data_editor) == 1
    ed = at.data_editor[0]
    t = ed.value
    i = int(t.index[(t["indicator"] == "poor_households") & (t["group"] == "all") & (t["year"] == 2024)][0])
    at.session_state[ed.key] = {"edited_rows": {i: {"value": 790.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="gn_save_edit").click().run()
    assert not at.exception
    assert "Đã lưu phiên bản v2" in texts(at.success)
    db = Store(db_url)
    vs = db.list_data_versions()
    assert [v.id for v in vs] == [2, 1]
    assert vs[0].author == "Chị Lan" and vs[0].summary["changed"] == 1
    assert content_hash(db.get_data_version(1).csv_text) == content_hash(EMBEDDED)    # the shipped data, kept
    new = rows_of(db.get_data_version(2).csv_text)
    old = rows_of(EMBEDDED)
    assert new[("poor_households", "all", 2024)] == 790
    assert {k: v for k, v in new.items() if k != ("poor_households", "all", 2024)} == \
           {k: v for k, v in old.items() if k != ("poor_households", "all", 2024)}


def test_an_edit_breaking_a_rule_is_listed_and_not_saved(db_url):
    at = page()                                                     # no secrets, local: open
    assert "Ứng dụng đang chạy cho một người dùng trên máy của mình" in texts(at.info)
    ed = at.data_editor[0]
    t = ed.value
    i = int(t.index[t["indicator"] == "poor_rate"][0])
    at.session_state[ed.key] = {"edited_rows": {i: {"value": 130.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="gn_save_edit").click().run()
    assert "1 vấn đề trong bảng; chưa lưu:" in texts(at.error)
    probs = table(at, "Dòng")
    assert list(probs.columns) == ["Dòng", "Cột", "Giá trị", "Lý do"]
    assert probs.iloc[0]["Dòng"] == str(i + 1) and probs.iloc[0]["Cột"] == "Giá trị"
    assert probs.iloc[0]["Lý do"] == "tỷ lệ phải trong khoảng 0–100"
    assert Store(db_url).list_data_versions() == []


# ------------------------------------------------------------------------------------------ upload


def test_bad_upload_lists_every_problem_and_nothing_is_applied_until_accepted(db_url):
    rows = review_rows(2024)
    rows[3]["poor_exits"] = "12,5"                       # row 5 of the file: not whole
    rows[9]["poor_start"] += 2                           # row 11: the identity fails
    at = upload(page(), to_csv(rows))
    assert "2 vấn đề; 15/17 dòng hợp lệ." in texts(at.error)
    probs = table(at, "Dòng")
    assert probs.values.tolist()[0] == ["5", "Thoát nghèo", "12,5", "số hộ, số người phải là số nguyên"]
    assert probs.values.tolist()[1][:3] == ["11", "Hộ nghèo cuối năm", str(rows[9]["poor_end"])]
    at.text_input(key="gn_source").set_value("QĐ thử").run()
    assert at.button(key="gn_save_upload").disabled                 # not until the valid rows are accepted
    at.checkbox(key="gn_accept_valid").check().run()
    at.button(key="gn_save_upload").click().run()
    assert not at.exception and "Đã lưu phiên bản v2" in texts(at.success)
    saved = rows_of(Store(db_url).get_data_version(2).csv_text)
    communes = {g for (_, g, y) in saved if g.startswith("xa:") and y == 2024 and not g.endswith(":khmer")}
    assert len(communes) == 15
    # 15 of 17: the district's own 2024 figure is not replaced by a partial sum
    assert saved[("poor_households", "all", 2024)] == rows_of(EMBEDDED)[("poor_households", "all", 2024)]


def test_full_review_upload_sets_district_totals_and_every_page_uses_it(db_url):
    rows = review_rows(2024)
    at = upload(page(), to_csv(rows, delimiter=";", decimal=",", thousands="."))
    at.text_input(key="gn_source").set_value("QĐ thử").run()
    diff = table(at, "Thay đổi")
    changed = diff[(diff["Thay đổi"] == "sửa") & (diff["Chỉ tiêu"] == "Số hộ nghèo") & (diff["Nhóm"] == "Toàn huyện")]
    poor = sum(r["poor_end"] for r in rows)
    assert changed.iloc[0]["Giá trị mới"] == f"{poor:,}".replace(",", ".")
    at.button(key="gn_save_upload").click().run()
    assert "Đã lưu phiên bản v2" in texts(at.success)
    saved = rows_of(Store(db_url).get_data_version(2).csv_text)
    assert saved[("poor_households", "all", 2024)] == poor
    assert saved[("households", "all", 2024)] == sum(r["households"] for r in rows)
    # the data page now shows the version's rows (the context uses the latest version)
    data = AppTest.from_file(DATA_PAGE, default_timeout=90).run()
    assert not data.exception
    shown = data.dataframe[0].value
    mine = shown[(shown["Nguồn"] == "QĐ thử") & (shown["Năm"] == "2024") & (shown["Nhóm"] == "Toàn huyện")]
    assert f"{poor:,}".replace(",", ".") in set(mine["Giá trị"])
    assert not shown["Nhóm"].str.startswith("xa:").any()       # the communes stay out of the district's data


def test_old_excel_file_gets_a_clear_message(db_url):
    at = upload(page(), b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "cu.xls")
    probs = table(at, "Dòng")
    assert "lưu lại dạng .xlsx" in probs.iloc[0]["Lý do"]
    assert "Không dùng được dòng nào" in texts(at.caption)


# ------------------------------------------------------------------------------------------ versions


def test_history_view_an_earlier_version_and_revert(db_url):
    db = Store(db_url)
    db.save_data_version(EMBEDDED, note="gốc", parent_id=None)
    changed = EMBEDDED.replace("poor_households,all,2024,784,", "poor_households,all,2024,800,")
    assert changed != EMBEDDED
    db.save_data_version(changed, author="A", note="sửa 2024")
    at = page()
    hist = table(at, "Phiên bản")
    assert hist.iloc[:, 0].tolist() == ["v2 ◀", "v1"]                 # newest first; ◀ = in use
    assert "v2" in texts(at.info)
    # view v1 in the app (anyone may): the page says an earlier version is in use
    at.selectbox(key="gn_pick_version").set_value(1).run()
    at.button(key="gn_use_version").click().run()
    assert "phiên bản cũ v1" in texts(at.warning)
    data = AppTest.from_file(DATA_PAGE, default_timeout=90)
    data.session_state["data_version"] = 1
    data.run()
    t1 = data.dataframe[0].value
    # revert to v1: a new version v3 with v1's content; v2 is still there
    at.button(key="gn_revert").click().run()
    assert "Đã khôi phục nội dung của v1 thành phiên bản mới v3." in texts(at.success)
    vs = db.list_data_versions()
    assert [v.id for v in vs] == [3, 2, 1]
    assert vs[0].content_hash == vs[2].content_hash != vs[1].content_hash
    assert rows_of(db.get_data_version(3).csv_text)[("poor_households", "all", 2024)] == 784
    assert len(t1) > 0


def test_viewer_cannot_revert(db_url):
    db = Store(db_url)
    db.save_data_version(EMBEDDED, parent_id=None)
    db.save_data_version(EMBEDDED.replace(",784,", ",790,"))
    at = page(PW)
    at.selectbox(key="gn_pick_version").set_value(1).run()
    assert at.button(key="gn_revert").disabled
    assert len(db.list_data_versions()) == 2


def test_hosted_without_secrets_is_view_only(db_url, monkeypatch):
    import giamngheo.ui.auth as auth
    monkeypatch.setattr(auth, "is_local", lambda: False)
    at = page()
    assert "chỉ xem được" in texts(at.warning)
    assert len(at.data_editor) == 0


def test_oidc_configured_offers_st_login_and_a_viewer_cannot_edit(db_url):
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "id", "client_secret": "s",
                          "server_metadata_url": "https://example.org/.well-known/openid-configuration"}
    at.run()
    assert not at.exception
    assert any(b.label == "Đăng nhập" for b in at.button)          # st.login, not a password form
    assert not any(t.key == "gn_auth_pw" for t in at.text_input)
    assert len(at.data_editor) == 0


def test_editing_the_communes_keeps_the_district_rows(db_url):
    rows = review_rows(2024)
    at = upload(page(), to_csv(rows))
    at.text_input(key="gn_source").set_value("QĐ thử").run()
    at.button(key="gn_save_upload").click().run()
    db = Store(db_url)
    before = rows_of(db.get_data_version(2).csv_text)
    at.radio(key="gn_scope").set_value("communes").run()
    ed = at.data_editor[0]
    t = ed.value
    assert set(t["group"].str.split(":").str[0]) == {"xa"}           # only the communes' rows
    i = int(t.index[(t["indicator"] == "households") & (t["group"] == "xa:kim-son")][0])
    at.session_state[ed.key] = {"edited_rows": {i: {"value": 3333.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="gn_save_edit").click().run()
    assert not at.exception and "Đã lưu phiên bản v3" in texts(at.success)
    after = rows_of(db.get_data_version(3).csv_text)
    assert len(after) == len(before)
    assert after[("households", "xa:kim-son", 2024)] == 3333
    assert {k: v for k, v in after.items() if k[1] != "xa:kim-son"} == \
           {k: v for k, v in before.items() if k[1] != "xa:kim-son"}


# ------------------------------------------------------------------------------------------ hostile input


@pytest.mark.parametrize("case", ["far_cell", "merged", "huge_cell"])
def test_hostile_workbook_upload_is_refused_quickly_and_nothing_can_be_saved(db_url, case):
    import time

    from giamngheo.data.ingest import guard
    from tests.data import hostile_files as hf
    guard._cache.clear()
    data = {"far_cell": hf.far_cell, "merged": hf.merged_to_the_end,
            "huge_cell": lambda: hf.huge_cell(60_000_000)}[case]()
    at = page(PW)
    at = sign_in(at, PW)
    t0 = time.monotonic()
    at = upload(at, data, f"{case}.xlsx")
    secs = time.monotonic() - t0
    assert not at.exception
    assert secs < 30, secs                      # the unbounded reader took 208–300 s on these
    assert "1 vấn đề; 0/0 dòng hợp lệ." in texts(at.error)
    reason = table(at, "Dòng").iloc[0]["Lý do"]
    assert "không đọc" in reason
    assert "Không dùng được dòng nào" in texts(at.caption)
    assert not any(b.key == "gn_save_upload" for b in at.button)        # nothing to save
    assert Store(db_url).list_data_versions() == []


def test_the_upload_limit_is_stated_in_the_users_language(db_url):
    from giamngheo.ui.session import LANG_KEY
    assert "Tệp tối đa 10 MB (một tệp rà soát chỉ vài trăm KB)" in texts(page().caption)
    en = page(**{LANG_KEY: "en"})
    assert not en.exception and "Files up to 10 MB" in texts(en.caption)


LONG_HEAD = "indicator,group,year,value,unit,status,source,note\n"


def test_unknown_groups_in_an_upload_are_named_and_not_saved(db_url):
    body = ("households,khmr,2024,500,households,official,x,\n"
            "households,xa2025:khong-co,2025,300,households,official,x,\n"
            "households,=1+1,2024,200,households,official,x,\n"
            "households,xa2025:ham-giang,2025,400,households,official,x,\n")
    at = sign_in(page(PW), PW)
    at = upload(at, (LONG_HEAD + body).encode(), "nhom.csv")
    assert "3 vấn đề; 1/4 dòng hợp lệ." in texts(at.error)
    assert "Tất cả" not in texts(at.success)
    probs = table(at, "Dòng")
    assert probs.values.tolist()[0][:3] == ["2", "group", "khmr"]
    assert probs.values.tolist()[1][:3] == ["3", "group", "xa2025:khong-co"]
    assert probs.values.tolist()[2][:3] == ["4", "group", "=1+1"]
    assert "nhóm không có trong danh mục" in probs.iloc[0]["Lý do"]
    at.checkbox(key="gn_accept_valid").check().run()
    at.button(key="gn_save_upload").click().run()
    saved = rows_of(Store(db_url).get_data_version(2).csv_text)
    assert ("households", "xa2025:ham-giang", 2025) in saved
    assert not {g for (_, g, _) in saved} & {"khmr", "xa2025:khong-co", "=1+1"}


# ------------------------------------------------------------------------------------------ the end-2026 review


def test_the_end_2026_review_form_goes_in_within_minutes(db_url):
    """Download the form, fill it with the six communes' figures (tests/data/test_review_form.py), upload it:
    the page says which standard, offers «số liệu rà soát», shows the district sums and saves them."""
    from giamngheo.plan.targets import load_plan
    from tests.data.test_review_form import ALL_2026, KHMER_2026, filled_form
    std = load_plan().standard
    y = max(std.break_year if std else 2026, 2026)     # the first review on the new standard (the plan says when)
    at = sign_in(page(PW), PW)
    dl = [e for e in at.get("download_button") if f"Mẫu rà soát cuối năm {y}" in str(e.proto.label)]
    assert len(dl) == 1
    at = upload(at, filled_form(y), f"ra-soat-{y}.xlsx")
    assert not at.exception
    assert "Tất cả 6 dòng hợp lệ." in texts(at.success)
    captions = texts(at.caption)
    assert f"Số liệu năm {y} theo chuẩn nghèo đa chiều giai đoạn 2026–2030 (Nghị định 351/2025/NĐ-CP)." in captions
    assert at.selectbox(key="gn_status").value == "review"
    at.text_input(key="gn_source").set_value("BC rà soát 2026").run()
    diff = table(at, "Thay đổi")
    poor = diff[(diff["Chỉ tiêu"] == "Số hộ nghèo") & (diff["Nhóm"] == "Toàn huyện") & (diff["Năm"] == str(y))]
    assert poor.iloc[0]["Giá trị mới"] == "1.000"
    at.button(key="gn_save_upload").click().run()
    assert not at.exception and "Đã lưu phiên bản v2" in texts(at.success)
    saved = rows_of(Store(db_url).get_data_version(2).csv_text)
    for ind, v in ALL_2026.items():
        assert saved[(ind, "all", y)] == v
    for ind, v in KHMER_2026.items():
        assert saved[(ind, "khmer", y)] == v
    assert saved[("households", "xa2025:tra-cu", y)] == 9000


def test_the_templates_are_made_when_their_box_is_opened_and_the_year_asked_for_stays(db_url):
    at = page()
    assert not [b for b in at.get("download_button") if "gn_tpl_review_csv" in b.proto.id]   # folded: not made
    at.session_state["gn_tpl_open"] = True
    at.run()
    keys = [b.proto.id for b in at.get("download_button")]
    for shape in ("review", "long"):
        for fmt in ("xlsx", "csv"):
            assert any(k.endswith(f"gn_tpl_{shape}_{fmt}") for k in keys), keys
    at.number_input(key="gn_tpl_year").set_value(2027).run()
    at.session_state["gn_tpl_open"] = False
    at.run()
    at.session_state["gn_tpl_open"] = True
    at.run()
    assert at.number_input(key="gn_tpl_year").value == 2027

"""Who may edit is decided on the server (giamngheo/ui/auth.py), and the sign-in lockout holds
across sessions (giamngheo/store/lockout.py).

With no secrets, editing needs a fact on the server: ``server.address`` on loopback, or the
operator's ``GIAMNGHEO_LOCAL_EDIT=1``. Here neither holds, and the browser's address says
``localhost`` (or says nothing): a visitor must not save, overwrite, duplicate, delete or revert."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit import config
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
SCEN = ROOT / "app_pages" / "6_kich_ban.py"
DATA = ROOT / "app_pages" / "10_nhap_du_lieu.py"
PLAN = "tra-cu-05-nq-tu"


@pytest.fixture
def served_on_all_interfaces(monkeypatch):
    """Neither server fact that allows editing: every interface, no local-edit option."""
    monkeypatch.delenv("GIAMNGHEO_LOCAL_EDIT", raising=False)
    old = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", old)


@pytest.fixture(params=["missing", "http://localhost:8501/kich-ban", "http://[::1]:8501/", "http://127.0.0.1/"])
def reported_url(request, monkeypatch):
    """What the browser claims its address is (a client can send anything)."""
    url = None if request.param == "missing" else request.param
    monkeypatch.setattr(type(st.context), "url", property(lambda self: url))
    return url


def force(btn):
    """Click a button even when it is drawn disabled: a forged websocket message does that."""
    btn.proto.disabled = False
    return btn.click()


def texts(at, kind):
    return "\n".join(e.value for e in getattr(at, kind))


def test_a_visitor_cannot_save_overwrite_duplicate_or_delete(db, served_on_all_interfaces, reported_url):
    theirs = db.save_scenario(PLAN, "Của chị Lan", {"jobs": 4100}, author="Lan", note="đừng sửa")
    at = AppTest.from_file(str(SCEN), default_timeout=90)
    at.session_state["jobs"] = 6000
    at.run()
    assert not at.exception
    assert "chỉ xem được" in texts(at, "warning")                     # says it is read-only, and why
    [submit] = [b for b in at.button if b.proto.form_id == "gn_save_form"]
    assert submit.disabled
    assert at.button(key="gn_duplicate").disabled
    # try anyway: a forged save under her name, an overwrite, a duplicate, a delete
    at.text_input(key="_gn_save_name").input("Của chị Lan")
    force(submit)
    at.run()
    at.session_state["_gn_pending_save"] = {"name": "Của chị Lan", "author": "khách", "note": "x",
                                            "values": {"jobs": 6000}, "suggestion": "Của chị Lan (2)",
                                            "existing": "Của chị Lan", "where": "save"}
    at.run()
    assert at.button(key="gn_overwrite").disabled
    force(at.button(key="gn_overwrite"))
    at.run()
    force(at.button(key="gn_duplicate"))
    at.run()
    at.button(key="gn_delete").click()
    at.run()
    assert at.button(key="gn_delete_yes").disabled
    force(at.button(key="gn_delete_yes"))
    at.run()
    assert not at.exception
    assert [(s.id, s.values, s.author, s.note) for s in db.list_scenarios(PLAN)] == \
        [(theirs.id, {"jobs": 4100.0}, "Lan", "đừng sửa")]


def test_the_callbacks_refuse_even_when_called_directly(db, served_on_all_interfaces, reported_url):
    """The right is checked where the write happens, not only by disabling buttons."""
    theirs = db.save_scenario(PLAN, "Của chị Lan", {"jobs": 4100})
    at = AppTest.from_file(str(SCEN), default_timeout=90)
    at.session_state["_gn_pending_save"] = {"name": "Của chị Lan", "author": "khách", "note": "",
                                            "values": {"jobs": 1}, "suggestion": "x", "existing": "x",
                                            "where": "save"}
    at.run()
    # a forged widget message: the disabled overwrite button's value set to "clicked"
    force(at.button(key="gn_overwrite"))
    at.run()
    assert db.get_scenario(theirs.id).values == {"jobs": 4100.0}
    assert len(db.list_scenarios(PLAN)) == 1


def test_a_visitor_cannot_revert_or_save_data(db, served_on_all_interfaces, reported_url):
    text = (ROOT / "data" / "observations.csv").read_text(encoding="utf-8-sig")
    v1 = db.save_data_version(text, author="An")
    db.save_data_version(text.replace("\n", "\n", 1) + "", author="An", note="again")
    at = AppTest.from_file(str(DATA), default_timeout=90)
    at.run()
    assert not at.exception
    assert "chỉ xem được" in texts(at, "warning")
    at.selectbox(key="gn_pick_version").select(v1.id)
    at.run()
    assert at.button(key="gn_revert").disabled
    force(at.button(key="gn_revert"))
    at.run()
    assert len(db.list_data_versions()) == 2
    keys = {b.key for b in at.button}
    assert not keys & {"gn_save_edit", "gn_save_upload"}             # no editor and no save button
    assert not at.exception and len(db.list_data_versions()) == 2


def test_loopback_or_the_operator_option_opens_editing(db, monkeypatch):
    from giamngheo.ui import auth
    monkeypatch.delenv("GIAMNGHEO_LOCAL_EDIT", raising=False)
    old = config.get_option("server.address")
    try:
        for addr, local in (("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False),
                            ("192.168.1.5", False), ("", False)):
            config.set_option("server.address", addr)
            assert auth.server_is_loopback() is local, addr
        config.set_option("server.address", "0.0.0.0")
        assert not auth.is_local()
        monkeypatch.setenv("GIAMNGHEO_LOCAL_EDIT", "1")
        assert auth.is_local()
        monkeypatch.setenv("GIAMNGHEO_LOCAL_EDIT", "0")
        assert not auth.is_local()
        # bound to loopback: the scenarios page saves
        config.set_option("server.address", "127.0.0.1")
        at = AppTest.from_file(str(SCEN), default_timeout=90)
        at.session_state["jobs"] = 6000
        at.run()
        at.text_input(key="_gn_save_name").input("Trên máy tôi")
        [b for b in at.button if b.proto.form_id == "gn_save_form"][0].click()
        at.run()
        assert db.find_scenario(PLAN, "Trên máy tôi").values == {"jobs": 6000.0}
    finally:
        config.set_option("server.address", old)


def test_overwriting_needs_the_editor_password(db, monkeypatch):
    """With a password set, a visitor who is not signed in cannot replace another author's scenario."""
    theirs = db.save_scenario(PLAN, "Của chị Lan", {"jobs": 4100}, author="Lan")
    at = AppTest.from_file(str(SCEN), default_timeout=90)
    at.secrets["editor_password"] = "đúng-rồi"
    at.session_state["_gn_pending_save"] = {"name": "Của chị Lan", "author": "khách", "note": "",
                                            "values": {"jobs": 1}, "suggestion": "x", "existing": "x",
                                            "where": "save"}
    at.run()
    assert at.button(key="gn_overwrite").disabled
    force(at.button(key="gn_overwrite"))
    at.run()
    assert db.get_scenario(theirs.id).values == {"jobs": 4100.0}
    at.text_input(key="gn_save_auth_pw").input("đúng-rồi")
    [b for b in at.button if b.proto.form_id == "gn_save_auth_form"][0].click()
    at.run()
    assert not at.exception
    assert "Đã đăng nhập biên tập" in texts(at, "success")
    assert db.login_failure_count() == 0                          # a right password leaves nothing counted


# ------------------------------------------------------------------------------------------ lockout

def _sign_in(at, pw):
    at.text_input(key="gn_save_auth_pw").input(pw)
    [b for b in at.button if b.proto.form_id == "gn_save_auth_form"][0].click()
    return at.run()


def test_the_lockout_holds_across_sessions(db):
    """Five wrong passwords in one session lock the next session of the same client too, even
    with the right password; the wait is named in the user's language."""
    from giamngheo.store import lockout
    first = AppTest.from_file(str(SCEN), default_timeout=90)
    first.secrets["editor_password"] = "đúng-rồi"
    first.run()
    for i in range(lockout.CLIENT_FREE):
        _sign_in(first, f"sai-{i}")
        assert "Đã đăng nhập" not in texts(first, "success")
    assert db.login_failure_count() == lockout.CLIENT_FREE
    assert "thử lại sau" in texts(first, "error")
    second = AppTest.from_file(str(SCEN), default_timeout=90)      # a new connection: a fresh session
    second.secrets["editor_password"] = "đúng-rồi"
    second.run()
    assert "thử lại sau" in texts(second, "error")                 # locked before trying
    _sign_in(second, "đúng-rồi")
    assert not second.exception
    assert "Đã đăng nhập" not in texts(second, "success")          # the right password is refused while locked
    assert "_gn_editor" not in second.session_state
    assert db.login_failure_count() == lockout.CLIENT_FREE  # a refused attempt is not compared or counted
    [client] = {c for (c,) in db.engine.connect().exec_driver_sql("SELECT client FROM login_failures")}
    wait = db.login_wait(client)
    assert 0 < wait <= lockout.CLIENT_BASE_WAIT


def test_another_address_is_not_locked_by_one_clients_guesses(db, monkeypatch):
    """The count is per client address (the connection's peer, st.context.ip_address)."""
    from giamngheo.store import lockout
    monkeypatch.setattr(type(st.context), "ip_address", property(lambda self: "203.0.113.9"))
    guesser = AppTest.from_file(str(SCEN), default_timeout=90)
    guesser.secrets["editor_password"] = "đúng-rồi"
    guesser.run()
    for i in range(lockout.CLIENT_FREE + 1):
        _sign_in(guesser, f"sai-{i}")
    assert db.login_failure_count("203.0.113.9") == lockout.CLIENT_FREE
    assert "thử lại sau" in texts(guesser, "error")
    monkeypatch.setattr(type(st.context), "ip_address", property(lambda self: "198.51.100.7"))
    other = AppTest.from_file(str(SCEN), default_timeout=90)
    other.secrets["editor_password"] = "đúng-rồi"
    other.run()
    assert "thử lại sau" not in texts(other, "error")
    _sign_in(other, "đúng-rồi")
    assert "Đã đăng nhập biên tập" in texts(other, "success")
    assert db.login_failure_count("203.0.113.9") == lockout.CLIENT_FREE        # the guesser's count stays


# ----------------------------------------------------------------- default deny, proxies, binding

def test_the_example_password_is_refused_with_a_message(db):
    """deploy/secrets.example.toml copied unchanged: its password never signs in; the page says why."""
    import tomllib
    example = tomllib.loads((ROOT / "deploy" / "secrets.example.toml").read_text(encoding="utf-8"))
    pw = example["editor"]["password"]
    at = AppTest.from_file(str(SCEN), default_timeout=90)
    at.secrets["editor"] = {"password": pw}
    at.run()
    assert not at.exception
    assert "mật khẩu mẫu" in texts(at, "warning")
    assert not any(b.proto.form_id == "gn_save_auth_form" for b in at.button)     # no sign-in box at all
    assert [b for b in at.button if b.proto.form_id == "gn_save_form"][0].disabled
    assert db.login_failure_count() == 0


def test_st_login_without_an_editors_list_makes_nobody_an_editor(db, monkeypatch):
    from giamngheo.ui import auth
    monkeypatch.setattr(st, "user", {"is_logged_in": True, "email": "ai.do@gmail.com"})
    monkeypatch.setattr(auth, "_secret", lambda name: {
        "auth": {"client_id": "x", "client_secret": "y", "server_metadata_url": "https://id.example/",
                 "redirect_uri": "http://localhost/oauth2callback", "cookie_secret": "z"}}.get(name))
    assert auth.mode() == "oidc"
    assert auth.can_edit() is False                              # signed in, but no list: not an editor
    monkeypatch.setattr(auth, "_secret", lambda name: {
        "auth": {"client_id": "x"}, "editor": {"emails": ["Lan@TraVinh.gov.vn"]}}.get(name))
    assert auth.can_edit() is False                              # not on the list
    monkeypatch.setattr(st, "user", {"is_logged_in": True, "email": "lan@travinh.gov.vn"})
    assert auth.can_edit() is True                               # on the list (case does not matter)
    monkeypatch.setattr(st, "user", {"is_logged_in": True, "name": "lan@travinh.gov.vn"})
    assert auth.can_edit() is False                              # only the verified e-mail counts


def test_the_page_says_there_is_no_editors_list(db, monkeypatch):
    monkeypatch.setattr(st, "user", {"is_logged_in": True, "email": "ai.do@gmail.com"})
    at = AppTest.from_file(str(SCEN), default_timeout=90)
    at.secrets["auth"] = {"client_id": "x", "client_secret": "y", "server_metadata_url": "https://id.example/",
                          "redirect_uri": "http://localhost/oauth2callback", "cookie_secret": "z"}
    at.run()
    assert not at.exception
    assert "Chưa có danh sách người biên tập" in texts(at, "warning")
    assert [b for b in at.button if b.proto.form_id == "gn_save_form"][0].disabled


@pytest.mark.parametrize("peer,fwd,trusted,expected", [
    ("203.0.113.5", "1.2.3.4", "", "203.0.113.5"),                      # no proxy configured: the peer
    ("203.0.113.5", "1.2.3.4", "172.30.26.10", "203.0.113.5"),          # reached directly: header ignored
    ("172.30.26.10", "9.9.9.9, 1.2.3.4", "172.30.26.10", "1.2.3.4"),     # from the proxy: its last entry
    ("172.30.26.77", "1.2.3.4", "172.30.26.0/24", "1.2.3.4"),           # a trusted network
    ("172.30.26.10", "not-an-ip", "172.30.26.10", "172.30.26.10"),      # a broken header: the proxy itself
    (None, "1.2.3.4", "", "local"),                                     # loopback, nothing trusted
    (None, "1.2.3.4", "127.0.0.1", "1.2.3.4"),                          # a proxy on this machine
])
def test_a_forwarded_address_is_believed_only_from_the_configured_proxy(monkeypatch, peer, fwd, trusted, expected):
    from giamngheo.ui import auth
    monkeypatch.setattr(type(st.context), "ip_address", property(lambda self: peer))
    monkeypatch.setattr(type(st.context), "headers", property(lambda self: {"X-Forwarded-For": fwd}))
    monkeypatch.setenv("GIAMNGHEO_TRUST_PROXY", "1")                    # the old switch trusts nothing now
    monkeypatch.setenv("GIAMNGHEO_TRUSTED_PROXIES", trusted)
    assert auth.client_address() == expected


def test_twenty_simultaneous_right_sign_ins_all_succeed(db):
    """Each attempt is judged on its password: right ones are never counted against each other
    (the old begin_login counted every attempt first and locked the client after five)."""
    import hmac
    import threading
    right = "đúng-rồi".encode()
    results, start = [], threading.Barrier(20)

    def one():
        start.wait()
        results.append(db.attempt_login("local", lambda: hmac.compare_digest("đúng-rồi".encode(), right)))

    threads = [threading.Thread(target=one) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == [(True, 0.0)] * 20
    assert db.login_failure_count() == 0


def test_the_real_editor_signs_in_during_a_guessing_attack_from_many_addresses(db, monkeypatch):
    """30 wrong guesses from 30 addresses (the old server-wide lock refused everyone for 30 s and
    more): the editor's right password still signs in, after the slowdown's delay only."""
    import time

    from giamngheo.store import lockout
    for i in range(30):
        assert db.attempt_login(f"198.18.0.{i}", lambda: False) == (False, 0.0)
    assert db.login_delay() == lockout.SERVER_BASE_DELAY
    monkeypatch.setattr(type(st.context), "ip_address", property(lambda self: "192.0.2.44"))
    at = AppTest.from_file(str(SCEN), default_timeout=90)
    at.secrets["editor_password"] = "đúng-rồi"
    at.run()
    assert "thử lại sau" not in texts(at, "error")
    t0 = time.perf_counter()
    _sign_in(at, "đúng-rồi")
    took = time.perf_counter() - t0
    assert "Đã đăng nhập biên tập" in texts(at, "success")
    assert took >= lockout.SERVER_BASE_DELAY                     # it was slowed down, not refused
    assert db.login_failure_count() == 30


def test_a_replayed_session_id_carries_no_editor_right(db, monkeypatch):
    """Signed in on one connection; the same session reached over another connection (a reconnect
    with the session id, e.g. from a proxy log) runs without the editor right and must sign in."""
    from giamngheo.ui import auth

    class Conn:
        pass
    editor_conn, attacker_conn = Conn(), Conn()
    monkeypatch.setattr(auth, "_connection", lambda: editor_conn)
    at = AppTest.from_file(str(SCEN), default_timeout=90)
    at.secrets["editor_password"] = "đúng-rồi"
    at.run()
    _sign_in(at, "đúng-rồi")
    assert "Đã đăng nhập biên tập" in texts(at, "success")
    at.run()
    assert "Đã đăng nhập biên tập" in texts(at, "success")      # the same connection keeps it
    monkeypatch.setattr(auth, "_connection", lambda: attacker_conn)
    at.run()
    assert not at.exception
    assert "Đã đăng nhập biên tập" not in texts(at, "success")
    assert [b for b in at.button if b.proto.form_id == "gn_save_form"][0].disabled
    assert "_gn_editor" not in at.session_state                  # dropped: the editor's own connection too
    monkeypatch.setattr(auth, "_connection", lambda: editor_conn)
    at.run()
    assert "Đã đăng nhập biên tập" not in texts(at, "success")


def test_an_editor_sign_in_expires(db, monkeypatch):
    import time

    from giamngheo.ui import auth
    at = AppTest.from_file(str(SCEN), default_timeout=90)
    at.secrets["editor_password"] = "đúng-rồi"
    at.run()
    _sign_in(at, "đúng-rồi")
    assert "Đã đăng nhập biên tập" in texts(at, "success")
    later = time.time() + auth.EDITOR_HOURS * 3600 + 1
    monkeypatch.setattr(auth, "_now", lambda: later)
    at.run()
    assert "Đã đăng nhập biên tập" not in texts(at, "success")

"""Who may change things: saving, overwriting and deleting scenarios, uploading, editing and
reverting data. Decided on the server, never from what the browser reports.

Viewing needs nothing. Changing needs an editor sign-in, configured in Streamlit secrets:

* a shared password::

      [editor]
      password = "…"            # compared in constant time; never shown
      # emails = ["a@x.vn"]     # optional, with st.login: only these addresses may edit

  (``editor_password = "…"`` at the top level is read too);
* or an OpenID Connect provider through ``st.login`` when ``[auth]`` is configured (``redirect_uri``,
  ``cookie_secret`` and ``client_id``/``client_secret``/``server_metadata_url``, directly or in a
  named provider table ``[auth.google]``); only the addresses listed in ``[editor] emails`` may
  edit: without that list nobody is an editor, and the sign-in box says so.

The example password of ``deploy/secrets.example.toml`` (``change-me``) is refused: the app is then
view-only, says why on the page and in the server log.

With neither, the app is read-only unless a fact on the server allows editing ("open" mode):

* the server listens on the loopback interface only (Streamlit's ``server.address`` is
  ``127.0.0.1``, ``localhost`` or ``::1``): only someone on this machine can reach it; or
* the operator says so: the environment variable ``GIAMNGHEO_LOCAL_EDIT=1`` or ``[editor]
  local_edit = true`` in secrets.

The address the browser reports (``st.context.url``) is never consulted: a client can send any.
Streamlit's default ``server.address`` is unset, which listens on every interface, so a plain
``streamlit run app.py`` without secrets is read-only.

Password attempts are judged and counted in the store (``giamngheo/store/lockout.py``): per client
address with backoff (a new session, a reload or another replica does not reset it), and across the
server a slowdown, not a lock: many addresses guessing make every attempt wait a few seconds, one at
a time in this process, but the real editor's right password still signs in.

The client address is the connection's peer. A proxy's ``X-Forwarded-For`` is read only when the
peer is one of the addresses or networks in ``GIAMNGHEO_TRUSTED_PROXIES`` (comma-separated, e.g.
``127.0.0.1`` or ``172.30.26.0/24``): a client that reaches the app directly cannot forge it.

A password sign-in is bound to the connection it was made on (the websocket, which a session id
does not carry) and expires after ``EDITOR_HOURS``; both are checked on every run. Someone who
reconnects with a signed-in session's id gets that session without its editor right. An OIDC
sign-in is Streamlit's own: ``st.user`` comes from its signed cookie, checked on every connection.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import math
import os
import threading
import time
import weakref
from typing import Any

import streamlit as st

from giamngheo.ui import guard, safe
from giamngheo.ui.session import secret, tr

SESSION = "_gn_editor"          # {"how": "password", "name": "..."} once signed in with the password
LOCAL_EDIT_ENV = "GIAMNGHEO_LOCAL_EDIT"
TRUSTED_PROXIES_ENV = "GIAMNGHEO_TRUSTED_PROXIES"   # the proxies whose X-Forwarded-For is believed
OLD_TRUST_PROXY_ENV = "GIAMNGHEO_TRUST_PROXY"       # no longer read: it trusted any peer
# the password shipped in deploy/secrets.example.toml (and its neighbours): never a real one
EXAMPLE_PASSWORDS = {"change-me", "changeme", "change_me", "password", "matkhau", "mật khẩu"}
EDITOR_HOURS = 12.0                 # a password sign-in lasts a working day, then asks again
SLOW_QUEUE_SECONDS = 60.0           # the longest an attempt waits for its turn under a slowdown
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
_TRUE = {"1", "true", "yes", "on"}
log = logging.getLogger("giamngheo.auth")


def _secret(name: str) -> Any:
    """A top-level secrets entry, or None (also when there is no secrets file at all).

    Read once per script run (the editor right is asked for some 16 times a run, and without a secrets
    file Streamlit looks for one on disk at every read): a run still sees the secrets as they are when it
    starts, so the right is decided again on every run, from the server's secrets (``session.secret``)."""
    return secret(name)


def _editor_table() -> dict:
    e = _secret("editor")
    try:
        return dict(e) if e else {}
    except (TypeError, ValueError):
        return {}


def _configured_password() -> str | None:
    pw = _editor_table().get("password") or _secret("editor_password")
    return str(pw) if pw else None


def example_password() -> bool:
    """Is the configured password the example one (or blank)? Then password sign-in is off."""
    pw = _configured_password()
    return pw is not None and (pw.strip().casefold() in EXAMPLE_PASSWORDS or not pw.strip())


_warned: set[str] = set()


def _warn_once(what: str, message: str) -> None:
    if what not in _warned:
        _warned.add(what)
        log.log(logging.ERROR, message)


def password() -> str | None:
    """The editor password, or None (none set, or the example one: refused, with a log line)."""
    pw = _configured_password()
    if pw is not None and example_password():
        _warn_once("example", "the editor password is the example one of deploy/secrets.example.toml "
                              "(or blank): password sign-in is off until it is changed")
        return None
    return pw


def oidc_providers() -> list[str | None]:
    """The providers st.login can use: [None] for a provider set directly in [auth], else the named ones."""
    a = _secret("auth")
    if not a:
        return []
    try:
        a = dict(a)
    except (TypeError, ValueError):
        return []
    named = [k for k, v in a.items() if hasattr(v, "get") and v.get("client_id")]
    if named:
        return named
    return [None] if a.get("client_id") else []


def sign_in_configured() -> bool:
    return bool(password() or oidc_providers())


def server_is_loopback() -> bool:
    """Does this server listen on the loopback interface only (``server.address``)?"""
    try:
        from streamlit import config
        addr = str(config.get_option("server.address") or "").strip().lower()
    except Exception:  # noqa: BLE001 - no config: the default, every interface
        return False
    return addr in LOOPBACK or addr.startswith("127.")


def local_edit_flag() -> bool:
    """Has the operator allowed editing without a sign-in (env or ``[editor] local_edit``)?"""
    if os.environ.get(LOCAL_EDIT_ENV, "").strip().lower() in _TRUE:
        return True
    v = _editor_table().get("local_edit")
    return v is True or str(v).strip().lower() in _TRUE


def is_local() -> bool:
    """Editing without a sign-in is allowed by a fact on the server (never by the client's report)."""
    return server_is_loopback() or local_edit_flag()


def mode() -> str:
    """"password", "oidc", "open" (no secrets, local run) or "closed" (no secrets, hosted, or only
    the example password)."""
    if password():
        return "password"
    if oidc_providers():
        return "oidc"
    if example_password():
        return "closed"
    return "open" if is_local() else "closed"


def editor_emails() -> set[str]:
    """The ``[editor] emails`` list, case-folded (empty: nobody may edit through st.login)."""
    allowed = _editor_table().get("emails") or []
    if isinstance(allowed, str):
        allowed = [allowed]
    try:
        return {str(x).strip().casefold() for x in allowed if str(x).strip()}
    except TypeError:
        return set()


def _oidc_user() -> tuple[bool, str]:
    try:
        u = st.user
        logged = bool(u.get("is_logged_in", False))
        who = str(u.get("email") or u.get("name") or "")
    except Exception:  # noqa: BLE001
        return False, ""
    if not logged:
        return False, who
    email = str(u.get("email") or "").strip().casefold()
    return bool(email) and email in editor_emails(), who


def _now() -> float:
    return time.time()


def _connection() -> Any:
    """The websocket connection the current run came over (None outside a server, e.g. a test)."""
    try:
        from streamlit import runtime
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
        ctx = get_script_run_ctx()
        if ctx is None or not runtime.exists():
            return None
        rt = runtime.get_instance()
        if type(rt) is not runtime.Runtime:           # AppTest's stand-in (a mock): no connection to bind to
            return None
        return rt.get_client(ctx.session_id)
    except Exception:  # noqa: BLE001 - no runtime: nothing to bind to
        return None


def _conn_key(conn: Any) -> Any:
    try:
        return weakref.ref(conn)
    except TypeError:
        return ("id", id(conn))


def _same_conn(key: Any, conn: Any) -> bool:
    if isinstance(key, weakref.ref):
        return key() is conn and conn is not None
    if key is None:
        return conn is None
    return key == ("id", id(conn))


def _password_editor() -> dict | None:
    """This session's password sign-in, if it is still valid for the connection of this run: made
    on this very connection and not expired. Otherwise it is dropped (a reconnect with the session
    id, from anywhere, must sign in again)."""
    s = st.session_state.get(SESSION)
    if not s:
        return None
    if not isinstance(s, dict) or _now() > float(s.get("until", 0)) or not _same_conn(s.get("conn"), _connection()):
        st.session_state.pop(SESSION, None)
        log.log(logging.INFO, "editor sign-in dropped: expired or a different connection")
        return None
    return s


def can_edit() -> bool:
    """May the current user save, overwrite or delete scenarios, upload, edit or revert data?"""
    m = mode()
    if m == "open":
        ok = True
    elif m == "closed":
        ok = False
    elif m == "password":
        ok = _password_editor() is not None
    else:
        ok = _oidc_user()[0]
    guard.note_session(guard.current_session_id(), editor=ok)     # what this session may upload
    return ok


def editor_name() -> str:
    """Who is editing, for a data version's "who": the signed-in address, or the name given."""
    if mode() == "oidc":
        return _oidc_user()[1]
    s = (_password_editor() if mode() == "password" else None) or {}
    return str(s.get("name") or st.session_state.get("_gn_editor_name_open") or "")


def can_delete(notice: bool = True) -> bool:
    """May the current user delete saved scenarios? The same as editing. With ``notice``, says so
    when deleting is open to everyone because no editor sign-in is configured."""
    if notice and mode() == "open":
        st.caption(tr("scenarios.auth_open"))
    return can_edit()


def trusted_proxies() -> list:
    """The networks whose ``X-Forwarded-For`` is believed (``GIAMNGHEO_TRUSTED_PROXIES``)."""
    nets = []
    for part in os.environ.get(TRUSTED_PROXIES_ENV, "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            nets.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            _warn_once(f"proxy:{part}", f"{TRUSTED_PROXIES_ENV}: not an address or network: {part!r}")
    if os.environ.get(OLD_TRUST_PROXY_ENV, "").strip() and not nets:
        _warn_once("old-trust", f"{OLD_TRUST_PROXY_ENV} is no longer read (it trusted any peer): name the "
                                f"proxy's address in {TRUSTED_PROXIES_ENV}")
    return nets


def client_address() -> str:
    """The client's address as the server saw the connection (``"local"`` for this machine or a
    test; ``"unknown"`` when it is not an address). When that peer is a trusted proxy
    (``GIAMNGHEO_TRUSTED_PROXIES``), the address the proxy added last to ``X-Forwarded-For``
    (nginx's ``$proxy_add_x_forwarded_for``); a forged header from anyone else is ignored."""
    try:
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001 - no request context
        ip = None
    try:
        peer = ipaddress.ip_address("127.0.0.1" if ip is None else str(ip))
    except ValueError:                  # not an address (a test's stand-in): one shared bucket
        return "unknown"
    nets = trusted_proxies()
    if nets and any(peer in n for n in nets if n.version == peer.version):
        try:
            fwd = st.context.headers.get("X-Forwarded-For") or ""
            return str(ipaddress.ip_address(fwd.split(",")[-1].strip()))
        except Exception:  # noqa: BLE001 - no header or not an address: the proxy itself
            pass
    return "local" if ip is None else str(peer)


def _db():
    from giamngheo.ui.session import store
    return store()


_SLOW = threading.Lock()     # under a server-wide slowdown, one attempt at a time in this process


def check_password(given: str) -> bool:
    """Judge a password attempt in the store (``attempt_login``): refused without comparing while
    this client must wait; else compared in constant time, a wrong one counted for this client, a
    right one clearing its failures. Under a server-wide slowdown the attempt first waits its turn
    and the delay; it is still judged on its password."""
    from giamngheo.store import StoreError
    pw = password()
    if not pw:
        return False
    client = client_address()
    given_b, pw_b = str(given).encode("utf-8"), pw.encode("utf-8")

    def same() -> bool:
        return hmac.compare_digest(given_b, pw_b)

    try:
        db = _db()
        delay = db.login_delay()
        if delay > 0:
            if not _SLOW.acquire(timeout=SLOW_QUEUE_SECONDS):
                st.session_state["_gn_auth_error"] = "auth.busy"
                return False
            try:
                time.sleep(delay)
                ok, wait = db.attempt_login(client, same)
            finally:
                _SLOW.release()
        else:
            ok, wait = db.attempt_login(client, same)
    except StoreError as exc:
        log.log(logging.WARNING, "sign-in refused, the store cannot count attempts: %s", exc)
        st.session_state["_gn_auth_error"] = "auth.store_down"
        return False
    if not ok and not wait:
        log.log(logging.INFO, "wrong editor password from %s", client)
    return ok


def lockout_seconds() -> int:
    """Whole seconds this client must wait before trying a password again (0: may try now)."""
    from giamngheo.store import StoreError
    try:
        return int(math.ceil(_db().login_wait(client_address())))
    except StoreError:
        return 0


def locked() -> bool:
    return lockout_seconds() > 0


def _sign_in(pw_key: str, name_key: str) -> None:
    st.session_state.pop("_gn_auth_error", None)
    if check_password(st.session_state.get(pw_key, "")):
        st.session_state[SESSION] = {"how": "password", "name": str(st.session_state.get(name_key, "")).strip()[:80],
                                     "conn": _conn_key(_connection()), "until": _now() + EDITOR_HOURS * 3600}
    elif "_gn_auth_error" not in st.session_state:
        st.session_state["_gn_auth_error"] = "auth.locked" if locked() else "auth.wrong_password"
    st.session_state[pw_key] = ""


def _sign_out() -> None:
    st.session_state.pop(SESSION, None)


def panel(key: str = "auth") -> bool:
    """The sign-in box of a page that changes things; returns can_edit()."""
    m = mode()
    if m == "open":
        st.info(tr("auth.open_local"), icon="🔓")
        st.text_input(tr("auth.your_name"), key="_gn_editor_name_open", max_chars=80)
        return True
    if m == "closed":
        st.warning(tr("auth.example_password") if example_password() else tr("auth.read_only"), icon="🔒")
        return False
    if can_edit():
        who = editor_name()
        c1, c2 = st.columns([3, 1])
        c1.success(tr("auth.signed_in_as", who=safe.text(who, 80)) if who else tr("auth.signed_in"), icon="✅")
        if m == "password":
            c2.button(tr("auth.sign_out"), key=f"{key}_out", on_click=_sign_out)
        else:
            c2.button(tr("auth.sign_out"), key=f"{key}_out", on_click=st.logout)
        return True
    st.info(tr("auth.view_only"), icon="🔒")
    if m == "password":
        with st.form(f"{key}_form", clear_on_submit=False, border=True):
            st.text_input(tr("auth.your_name"), key=f"{key}_name", max_chars=80)
            st.text_input(tr("auth.password"), type="password", key=f"{key}_pw")
            st.form_submit_button(tr("auth.sign_in"), on_click=_sign_in, args=(f"{key}_pw", f"{key}_name"))
        err = st.session_state.get("_gn_auth_error")
        wait = lockout_seconds()
        if wait:
            st.error(tr("auth.locked", seconds=wait))
        elif err and err != "auth.locked":
            st.error(tr(err))
    else:
        logged, who = _oidc_user()
        if not editor_emails():
            st.warning(tr("auth.no_editor_list"), icon="🔒")
        elif who and st.user.get("is_logged_in", False) and not logged:
            st.error(tr("auth.not_an_editor", who=safe.text(who, 80)))
        for prov in oidc_providers():
            label = tr("auth.login_with", provider=prov) if prov else tr("auth.login")
            st.button(label, key=f"{key}_login_{prov or 'default'}", on_click=st.login, args=(prov,) if prov else ())
    return False

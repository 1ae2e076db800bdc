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
  named provider table ``[auth.google]``); any signed-in user may edit unless ``[editor] emails``
  lists who may.

With neither, the app is read-only unless a fact on the server allows editing ("open" mode):

* the server listens on the loopback interface only (Streamlit's ``server.address`` is
  ``127.0.0.1``, ``localhost`` or ``::1``): only someone on this machine can reach it; or
* the operator says so: the environment variable ``GIAMNGHEO_LOCAL_EDIT=1`` or ``[editor]
  local_edit = true`` in secrets.

The address the browser reports (``st.context.url``) is never consulted: a client can send any.
Streamlit's default ``server.address`` is unset, which listens on every interface, so a plain
``streamlit run app.py`` without secrets is read-only.

Password attempts are counted in the store (``giamngheo/store/lockout.py``) per client address and
across the server, with backoff: a new session, a reload or another replica does not reset them.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import math
import os
from typing import Any

import streamlit as st

from giamngheo.ui import safe
from giamngheo.ui.state import tr

SESSION = "_gn_editor"          # {"how": "password", "name": "..."} once signed in with the password
LOCAL_EDIT_ENV = "GIAMNGHEO_LOCAL_EDIT"
TRUST_PROXY_ENV = "GIAMNGHEO_TRUST_PROXY"    # "1": the client address is the last X-Forwarded-For entry
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
_TRUE = {"1", "true", "yes", "on"}
log = logging.getLogger("giamngheo.auth")


def _secret(name: str) -> Any:
    """A top-level secrets entry, or None (also when there is no secrets file at all)."""
    try:
        return st.secrets.get(name)
    except Exception:  # noqa: BLE001 - no secrets.toml, or an unreadable one: nothing configured
        return None


def _editor_table() -> dict:
    e = _secret("editor")
    try:
        return dict(e) if e else {}
    except (TypeError, ValueError):
        return {}


def password() -> str | None:
    pw = _editor_table().get("password") or _secret("editor_password")
    return str(pw) if pw else None


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
    """"password", "oidc", "open" (no secrets, local run) or "closed" (no secrets, hosted)."""
    if password():
        return "password"
    if oidc_providers():
        return "oidc"
    return "open" if is_local() else "closed"


def _oidc_user() -> tuple[bool, str]:
    try:
        u = st.user
        logged = bool(u.get("is_logged_in", False))
        who = str(u.get("email") or u.get("name") or "")
    except Exception:  # noqa: BLE001
        return False, ""
    if not logged:
        return False, who
    allowed = _editor_table().get("emails")
    if allowed:
        return who.casefold() in {str(x).casefold() for x in allowed}, who
    return True, who


def can_edit() -> bool:
    """May the current user save, overwrite or delete scenarios, upload, edit or revert data?"""
    m = mode()
    if m == "open":
        return True
    if m == "closed":
        return False
    if m == "password":
        return bool(st.session_state.get(SESSION))
    return _oidc_user()[0]


def editor_name() -> str:
    """Who is editing, for a data version's "who": the signed-in address, or the name given."""
    if mode() == "oidc":
        return _oidc_user()[1]
    s = st.session_state.get(SESSION) or {}
    return str(s.get("name") or st.session_state.get("_gn_editor_name_open") or "")


def can_delete(notice: bool = True) -> bool:
    """May the current user delete saved scenarios? The same as editing. With ``notice``, says so
    when deleting is open to everyone because no editor sign-in is configured."""
    if notice and mode() == "open":
        st.caption(tr("scenarios.auth_open"))
    return can_edit()


def client_address() -> str:
    """The client's address as the server saw the connection (``"local"`` for this machine or a
    test; ``"unknown"`` when it is not an address). Behind a proxy that the operator trusts (``GIAMNGHEO_TRUST_PROXY=1``), the address the
    proxy added last to ``X-Forwarded-For`` (nginx's ``$proxy_add_x_forwarded_for``)."""
    try:
        if os.environ.get(TRUST_PROXY_ENV, "").strip().lower() in _TRUE:
            fwd = st.context.headers.get("X-Forwarded-For") or ""
            last = fwd.split(",")[-1].strip()
            try:
                return str(ipaddress.ip_address(last))
            except ValueError:
                pass
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001 - no request context
        ip = None
    if ip is None:
        return "local"                  # Streamlit gives None for a loopback connection
    try:
        return str(ipaddress.ip_address(str(ip)))
    except ValueError:                  # not an address (a test's stand-in): one shared bucket
        return "unknown"


def _db():
    from giamngheo.ui.state import store
    return store()


def check_password(given: str) -> bool:
    """Compare with the configured password in constant time. Each attempt is counted in the store
    for this client address before the comparison; a wrong password keeps it counted, a right one
    clears it. Locked (see ``lockout_seconds``): refused without comparing."""
    from giamngheo.store import StoreError
    pw = password()
    if not pw:
        return False
    client = client_address()
    try:
        db = _db()
        if db.begin_login(client) > 0:
            return False
    except StoreError as exc:
        log.log(logging.WARNING, "sign-in refused, the store cannot count attempts: %s", exc)
        st.session_state["_gn_auth_error"] = "auth.store_down"
        return False
    ok = hmac.compare_digest(str(given).encode("utf-8"), pw.encode("utf-8"))
    if ok:
        try:
            db.login_succeeded(client)
        except StoreError as exc:
            log.log(logging.WARNING, "could not clear sign-in failures: %s", exc)
    else:
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
        st.session_state[SESSION] = {"how": "password", "name": str(st.session_state.get(name_key, "")).strip()[:80]}
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
        st.warning(tr("auth.read_only"), icon="🔒")
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
        if who and st.user.get("is_logged_in", False) and not logged:
            st.error(tr("auth.not_an_editor", who=safe.text(who, 80)))
        for prov in oidc_providers():
            label = tr("auth.login_with", provider=prov) if prov else tr("auth.login")
            st.button(label, key=f"{key}_login_{prov or 'default'}", on_click=st.login, args=(prov,) if prov else ())
    return False

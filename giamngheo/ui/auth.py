"""Who may change things: uploading and editing data, reverting a version, deleting scenarios.

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

With neither, a local run (localhost, or a test) is open to editing and every page that changes
something says so; a hosted run without secrets is read-only and says how to open it.
"""
from __future__ import annotations

import hmac
import time
from typing import Any
from urllib.parse import urlparse

import streamlit as st

from giamngheo.ui.state import tr

SESSION = "_gn_editor"          # {"how": "password", "name": "..."} once signed in with the password
FAILS = "_gn_editor_fails"      # (count, time of the last failure)
MAX_FAILS = 5
LOCK_SECONDS = 60
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}


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


def is_local() -> bool:
    """A run on this machine (or a test): the app's address is localhost, or not known."""
    from giamngheo.ui.state import page_url
    url = page_url()
    if not url:
        return True
    return (urlparse(url).hostname or "") in LOCAL_HOSTS


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
    """May the current user upload, edit or revert data (and delete scenarios)?"""
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


def check_password(given: str) -> bool:
    """Compare with the configured password in constant time; five failures lock the form for a minute."""
    count, last = st.session_state.get(FAILS, (0, 0.0))
    if count >= MAX_FAILS and time.time() - last < LOCK_SECONDS:
        return False
    pw = password()
    ok = bool(pw) and hmac.compare_digest(str(given).encode("utf-8"), pw.encode("utf-8"))  # type: ignore[union-attr]
    st.session_state[FAILS] = (0, 0.0) if ok else (count + 1, time.time())
    return ok


def locked() -> bool:
    count, last = st.session_state.get(FAILS, (0, 0.0))
    return count >= MAX_FAILS and time.time() - last < LOCK_SECONDS


def _sign_in(pw_key: str, name_key: str) -> None:
    if check_password(st.session_state.get(pw_key, "")):
        st.session_state[SESSION] = {"how": "password", "name": str(st.session_state.get(name_key, "")).strip()[:80]}
        st.session_state.pop("_gn_auth_error", None)
    else:
        st.session_state["_gn_auth_error"] = "auth.locked" if locked() else "auth.wrong_password"
    st.session_state[pw_key] = ""


def _sign_out() -> None:
    st.session_state.pop(SESSION, None)


def panel(key: str = "auth") -> bool:
    """The sign-in box of a page that changes things; returns can_edit()."""
    m = mode()
    if m == "open":
        st.info(tr("auth.open"), icon="🔓")
        st.text_input(tr("auth.your_name"), key="_gn_editor_name_open", max_chars=80)
        return True
    if m == "closed":
        st.warning(tr("auth.closed"), icon="🔒")
        return False
    if can_edit():
        who = editor_name()
        c1, c2 = st.columns([3, 1])
        c1.success(tr("auth.signed_in_as", who=who) if who else tr("auth.signed_in"), icon="✅")
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
        if err:
            st.error(tr(err, seconds=LOCK_SECONDS) if err == "auth.locked" else tr(err))
    else:
        logged, who = _oidc_user()
        if who and st.user.get("is_logged_in", False) and not logged:
            st.error(tr("auth.not_an_editor", who=who))
        for prov in oidc_providers():
            label = tr("auth.login_with", provider=prov) if prov else tr("auth.login")
            st.button(label, key=f"{key}_login_{prov or 'default'}", on_click=st.login, args=(prov,) if prov else ())
    return False

"""Who is working. On a laptop nobody signs in: the planner is :data:`routing.accounts.LOCAL`. With
``XUNZHEN_AUTH=on`` (a shared deployment) every page needs a signed-in account: ``app.py`` shows the login
form until then; the session is kept in a cookie (a random token; only its hash is stored) so a reload or a
new tab stays signed in, and it ends after ``$XUNZHEN_SESSION_MINUTES`` idle minutes."""

from __future__ import annotations

import json
import os

import streamlit as st
import streamlit.components.v1 as components

from geo._errors import AuthenticationError
from pages.ui.errors import show_error
from pages.ui.state import lang, t
from routing.accounts import LOCAL, Account, AccountStore, session_minutes
from routing.database import Database, connect, default_database_url

AUTH_ENV = "XUNZHEN_AUTH"
COOKIE = "xz_session"
_TOKEN = "xz:_token"
_ACCOUNT = "xz:_account"
_NOTICE = "xz:_login_notice"


def auth_enabled() -> bool:
    """True when the app runs as a shared deployment with accounts (``XUNZHEN_AUTH=on``)."""
    return os.environ.get(AUTH_ENV, "").strip().lower() in ("on", "1", "true", "yes")


@st.cache_resource(show_spinner=False)
def _database(url: str) -> Database:
    return connect(url)


def database() -> Database:
    """The database of this deployment (opened and migrated once per process)."""
    return _database(default_database_url())


def _set_cookie(token: str, max_age_s: int) -> None:
    """Write (or, with an empty token, delete) the session cookie in the browser."""
    value = json.dumps(token)
    components.html(
        f"<script>document.cookie = '{COOKIE}=' + encodeURIComponent({value}) + "
        f"'; path=/; max-age={max_age_s}; SameSite=Strict' + "
        "(location.protocol === 'https:' ? '; Secure' : '');</script>",
        height=0,
    )


def current_account() -> Account | None:
    """The signed-in account (``LOCAL`` without accounts), or None when nobody is signed in."""
    if not auth_enabled():
        return LOCAL
    token = st.session_state.get(_TOKEN) or st.context.cookies.get(COOKIE)
    if not token:
        return None
    try:
        account = AccountStore(database()).resume(str(token))
    except AuthenticationError as err:
        st.session_state.pop(_TOKEN, None)
        st.session_state.pop(_ACCOUNT, None)
        st.session_state[_NOTICE] = err
        return None
    st.session_state[_TOKEN] = token
    st.session_state[_ACCOUNT] = account
    return account


def account() -> Account:
    """The signed-in account (pages run only when there is one: ``app.py`` shows the login form otherwise)."""
    found = st.session_state.get(_ACCOUNT)
    return found if isinstance(found, Account) else (current_account() or LOCAL)


def login_page() -> None:
    """The login form (``app.py`` shows it as the only page until someone signs in)."""
    st.title(t("login.title"))
    st.caption(t("login.intro"))
    notice = st.session_state.pop(_NOTICE, None)
    if notice is not None and str(notice) != "Please sign in.":
        show_error(notice)
    with st.form("xz:login"):
        name = st.text_input(t("login.name"), key="xz:login_name")
        password = st.text_input(t("login.password"), type="password", key="xz:login_password")
        if st.form_submit_button(t("login.submit"), type="primary"):
            store = AccountStore(database())
            try:
                signed_in = store.authenticate(name, password)
            except AuthenticationError as err:
                show_error(err)
                return
            token = store.start_session(signed_in)
            st.session_state[_TOKEN] = token
            st.session_state[_ACCOUNT] = signed_in
            st.rerun()


def account_box() -> None:
    """Sidebar: who is signed in, and the sign-out button (nothing on a laptop)."""
    if not auth_enabled():
        return
    signed_in = account()
    token = str(st.session_state.get(_TOKEN, ""))
    if token and st.context.cookies.get(COOKIE) != token:
        _set_cookie(token, int(session_minutes() * 60 * 16))  # the server ends idle sessions itself
    st.sidebar.markdown(t("login.signed_in", who=signed_in.label(lang())))
    if st.sidebar.button(t("login.logout"), icon=":material/logout:", key="xz:logout"):
        AccountStore(database()).end_session(token)
        for key in (_TOKEN, _ACCOUNT):
            st.session_state.pop(key, None)
        _set_cookie("", 0)
        st.session_state[_NOTICE] = AuthenticationError("signed out")
        st.rerun()

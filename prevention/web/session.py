"""Who is signed in to this browser session, signing in and out, and the navigation their
role allows (the Account page, pages/account.py, has the forms).

Who is signed in lives in st.session_state, which Streamlit keeps on the server per browser
session: the browser holds no token that names a role. The role is read from the database on
every run, so a role change or a disabled account applies at once.
"""

from __future__ import annotations

import streamlit as st

from prevention.accounts import auth
from prevention.storage.db import session_scope
from prevention.web import routes as web

KEY = "account_id"
TOKEN = "_session_token"
COOKIE = web.COOKIE
_PENDING_NAV = "_pending_navigation"



def oidc_enabled() -> bool:
    """Sign-in through the organisation's identity provider is set up (.streamlit/secrets.toml)."""
    return auth.oidc_configured(st.secrets)


def current_user() -> auth.User | None:
    """The signed-in user, fresh from the database, or None for an anonymous visitor.

    Order: this browser session's sign-in (its token re-checked, so signing out in another tab
    or disabling the account ends it), then the browser's session cookie (a reload or a shared
    link opened in the same browser), then the identity provider.
    """
    with session_scope() as s:
        if TOKEN in st.session_state:
            user = auth.user_for_session(s, st.session_state[TOKEN])
        elif KEY in st.session_state:
            user = auth.load_user(s, st.session_state[KEY])
        else:
            token = st.context.cookies.get(COOKIE)
            user = auth.user_for_session(s, token)
            if user is not None:
                st.session_state[KEY], st.session_state[TOKEN] = user.id, token
                return user
            if oidc_enabled() and st.user.is_logged_in:
                return auth.user_for_identity(s, st.user.get("email"), st.user.get("name") or "")
            return None
    if user is None:  # signed out elsewhere, expired, or the account was disabled
        st.session_state.pop(KEY, None)
        st.session_state.pop(TOKEN, None)
    return user


def first_start_notice() -> None:
    """While no admin exists, say where to create one (the Account page asks for it); and
    send the browser to the cookie route after a sign-in or sign-out."""
    browser_session()
    with session_scope() as s:
        if auth.needs_first_admin(s):
            st.sidebar.warning("No administrator exists yet: create one on the **Account** page.")


def _account_path() -> str:
    return f"{web.base_path()}/account"


def sign_in(user: auth.User, next_path: str | None = None) -> None:
    """This tab is signed in at once (the token stays on the server, in the session state);
    with the cookie route running, the browser is then sent there to get the HttpOnly cookie
    that keeps it signed in across reloads, and back to `next_path` (a path on this server,
    with its query; default the Account page)."""
    with session_scope() as s:
        token = auth.start_session(s, user)
        code = auth.handoff_code(s, token) if web.ROUTES_ACTIVE else None
    st.session_state[KEY], st.session_state[TOKEN] = user.id, token
    if code:
        st.session_state[_PENDING_NAV] = web.begin_url(code, next_path or _account_path())


def sign_out() -> None:
    with session_scope() as s:
        auth.end_session(s, st.session_state.get(TOKEN))
        auth.end_session(s, st.context.cookies.get(COOKIE))
    for key in list(st.session_state.keys()):
        del st.session_state[key]  # nothing of one user's session survives for the next
    if web.ROUTES_ACTIVE:
        st.session_state[_PENDING_NAV] = web.end_url(_account_path())
    if oidc_enabled() and st.user.is_logged_in:
        st.logout()


def browser_session() -> None:
    """After a sign-in or sign-out, send the browser to the route that sets or clears the
    HttpOnly cookie (prevention.web.routes), and show nothing else meanwhile.

    This script only navigates: it never sees the cookie's token, which the route makes. The
    URL is ours (a fixed path and a random code), written as a JSON string.
    """
    url = st.session_state.pop(_PENDING_NAV, None)
    if url is None:
        return
    import json

    st.html(f"<script>window.location.replace({json.dumps(url)});</script>",
            unsafe_allow_javascript=True)
    st.info("One moment…")
    st.stop()

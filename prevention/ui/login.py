"""Account page: sign in, sign out, change one's password, create the first administrator.

Imported by app.py for `current_user()` (the page body runs only when Streamlit runs this file
as a page). Who is signed in lives in st.session_state, which Streamlit keeps on the server per
browser session: the browser holds no token that names a role. The role is read from the
database on every run, so a role change or a disabled account applies at once.
"""

from __future__ import annotations

import streamlit as st

from prevention import auth, views, web
from prevention.db import session_scope

KEY = "account_id"
TOKEN = "_session_token"
COOKIE = web.COOKIE
_PENDING_NAV = "_pending_navigation"

# The pages of issue 5, in the same shape as prevention.ui.registry.PAGES.
OWN_PAGES = [
    ("review", "Bureau review", ":material/gavel:", "Bureau", "review.py"),
    ("admin", "Administration", ":material/admin_panel_settings:", "Bureau", "admin.py"),
    ("account", "Account", ":material/person:", "Account", "login.py"),
]


def _oidc() -> bool:
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
            if _oidc() and st.user.is_logged_in:
                return auth.user_for_identity(s, st.user.get("email"), st.user.get("name") or "")
            return None
    if user is None:  # signed out elsewhere, expired, or the account was disabled
        st.session_state.pop(KEY, None)
        st.session_state.pop(TOKEN, None)
    return user


def page_entries(user: auth.User | None) -> list[tuple]:
    """The (url_path, title, icon, section, path) of every page this user may open whose file
    exists: the dashboard's pages (prevention.ui.registry) and this issue's."""
    from pathlib import Path

    from prevention.access import pages_for
    from prevention.ui.registry import PAGES, UI

    allowed = set(pages_for(user))
    here = Path(__file__).resolve().parent
    out = []
    for folder, entries in ((UI, PAGES), (here, OWN_PAGES)):
        for url_path, title, icon, section, file in entries:
            if url_path in allowed and (folder / file).exists():
                out.append((url_path, title, icon, section, folder / file))
    return out


def navigation(user: auth.User | None) -> dict[str, list]:
    """st.navigation's sections for this user: only the pages their role may open."""
    from prevention.ui.registry import ROOT

    out: dict[str, list] = {}
    for url_path, title, icon, section, path in page_entries(user):
        out.setdefault(section, []).append(st.Page(
            str(path.relative_to(ROOT)), title=title, icon=icon, url_path=url_path,
            default=url_path == "overview"))
    return out


def first_start_notice() -> None:
    """While no admin exists, say where to create one (the Account page asks for it); and
    send the browser to the cookie route after a sign-in or sign-out."""
    browser_session()
    with session_scope() as s:
        if auth.needs_first_admin(s):
            st.sidebar.warning("No administrator exists yet: create one on the **Account** page.")


def _account_path() -> str:
    return f"{web.base_path()}/account"


def sign_in(user: auth.User) -> None:
    """This tab is signed in at once (the token stays on the server, in the session state);
    with the cookie route running, the browser is then sent there to get the HttpOnly cookie
    that keeps it signed in across reloads."""
    with session_scope() as s:
        token = auth.start_session(s, user)
        code = auth.handoff_code(s, token) if web.ROUTES_ACTIVE else None
    st.session_state[KEY], st.session_state[TOKEN] = user.id, token
    if code:
        st.session_state[_PENDING_NAV] = web.begin_url(code, _account_path())


def sign_out() -> None:
    with session_scope() as s:
        auth.end_session(s, st.session_state.get(TOKEN))
        auth.end_session(s, st.context.cookies.get(COOKIE))
    for key in list(st.session_state.keys()):
        del st.session_state[key]  # nothing of one user's session survives for the next
    if web.ROUTES_ACTIVE:
        st.session_state[_PENDING_NAV] = web.end_url(_account_path())
    if _oidc() and st.user.is_logged_in:
        st.logout()


def browser_session() -> None:
    """After a sign-in or sign-out, send the browser to the route that sets or clears the
    HttpOnly cookie (prevention.web), and show nothing else meanwhile.

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


def _client_address() -> str | None:
    """The client's address as the server saw it (None for this machine). Behind a proxy,
    uvicorn takes it from X-Forwarded-For only when the proxy's address is in
    FORWARDED_ALLOW_IPS (docs/accounts.md)."""
    try:
        address = st.context.ip_address
    except Exception:  # no browser connection
        return None
    return address if isinstance(address, str) and address else None  # AppTest hands a mock


def _password_rules() -> None:
    st.caption(f"Password rules: {auth.password_rules_text()}")


def _first_admin() -> None:
    st.info("No administrator exists yet. Create the first one (or run "
            "`python -m prevention user add NAME --role admin`). There is no default password.")
    _password_rules()
    with st.form("first_admin", clear_on_submit=True):
        name = st.text_input("Username")
        pw = st.text_input("Password", type="password", help=auth.password_rules_text())
        again = st.text_input("Password again", type="password")
        if st.form_submit_button("Create the administrator", type="primary"):
            if pw != again:
                st.error("The two passwords differ.")
                return
            try:
                with session_scope() as s:
                    user = auth.add_account(s, None, name, "admin", pw)
            except (auth.AccountError, auth.PermissionDenied) as exc:
                st.error(views.md_text(exc))
                return
            sign_in(user)
            st.rerun()


def _sign_in_form() -> None:
    if _oidc():
        if st.button("Sign in with your organisation's account", type="primary"):
            st.login()
        st.caption("Or with a local account:")
    if st.query_params.get("signin") == "expired":
        st.warning("That sign-in did not complete (its one-time link was used already or had "
                   "expired). Sign in again.")
    with st.form("sign_in", clear_on_submit=True):
        name = st.text_input("Username")
        pw = st.text_input("Password", type="password")
        if st.form_submit_button("Sign in"):
            address = _client_address()
            try:
                with session_scope() as s:
                    user = auth.authenticate(s, name, pw, address=address)
            except auth.SignInLocked as exc:
                st.error(views.md_text(exc))
                return
            if user is None:
                with session_scope() as s:
                    until = auth.locked_until(s, name, address or auth.LOCAL)
                st.error("Unknown username or wrong password (or the account is disabled)."
                         + (f" Sign-in is now paused until {until:%H:%M} UTC." if until else ""))
                return
            if "signin" in st.query_params:
                del st.query_params["signin"]
            sign_in(user)
            st.rerun()
    st.caption(auth.lock_rule_text())


def _signed_in(user: auth.User) -> None:
    st.success(f"Signed in as **{views.md_text(user.label)}** ({user.role}).")
    if st.button("Sign out"):
        sign_out()
        st.rerun()
    with st.expander("Change my password"):
        _password_rules()
        st.caption("Changing it signs out every other browser signed in to this account.")
        with st.form("own_password", clear_on_submit=True):
            pw = st.text_input("New password", type="password")
            again = st.text_input("New password again", type="password")
            if st.form_submit_button("Change password"):
                if pw != again:
                    st.error("The two passwords differ.")
                    return
                try:
                    with session_scope() as s:
                        auth.set_password(s, user, user.username, pw,
                                          keep_session=st.session_state.get(TOKEN))
                except (auth.AccountError, auth.PermissionDenied) as exc:
                    st.error(views.md_text(exc))
                    return
                st.success("Password changed; every other session of this account has ended.")


def page() -> None:
    st.title("Account")
    user = current_user()
    if user is not None:
        _signed_in(user)
        return
    with session_scope() as s:
        first = auth.needs_first_admin(s)
    if first:
        _first_admin()
        return
    st.caption("Reviews are confidential and need a Bureau account; the overview, the country "
               "pages and the public evidence need none.")
    _sign_in_form()


if __name__ == "__main__":
    page()

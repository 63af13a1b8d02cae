"""Account: sign in, sign out, change one's password, create the first administrator."""

from __future__ import annotations

import streamlit as st

from prevention.accounts import auth
from prevention.storage.db import session_scope
from prevention.web import views
from prevention.web.session import TOKEN, current_user, oidc_enabled, sign_in, sign_out


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
    if oidc_enabled():
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


page()

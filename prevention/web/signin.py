"""The sign-in form (the Account page's) and the prompt that stands in for a page the visitor
may not open (prevention/web/registry.py puts it at that page's address).

A restricted address opened signed out shows the sign-in form with a line naming the page
that asked; after the sign-in the browser goes to that address (query string kept). Someone
signed in whose role may not open it is told which roles may, instead of 'Page not found'.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from prevention.accounts import access, auth, throttle
from prevention.storage.db import session_scope
from prevention.web import views
from prevention.web.session import current_user, oidc_enabled, sign_in


def client_address() -> str | None:
    """The client's address as the server saw it (None for this machine). Behind a proxy,
    uvicorn takes it from X-Forwarded-For only when the proxy's address is in
    FORWARDED_ALLOW_IPS (docs/accounts.md)."""
    try:
        address = st.context.ip_address
    except Exception:  # no browser connection
        return None
    return address if isinstance(address, str) and address else None  # AppTest hands a mock


def sign_in_form(next_path: str | None = None) -> None:
    """Sign in with a local account (or the identity provider); then go to `next_path`."""
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
            address = client_address()
            try:
                with session_scope() as s:
                    user = auth.authenticate(s, name, pw, address=address)
            except throttle.SignInLocked as exc:
                st.error(views.md_text(exc))
                return
            if user is None:
                with session_scope() as s:
                    until = throttle.locked_until(s, name, address or throttle.LOCAL)
                st.error("Unknown username or wrong password (or the account is disabled)."
                         + (f" Sign-in is now paused until {until:%H:%M} UTC." if until else ""))
                return
            if "signin" in st.query_params:
                del st.query_params["signin"]
            sign_in(user, next_path)
            st.rerun()
    st.caption(throttle.lock_rule_text())


def roles_for(page_id: str) -> list[str]:
    return [r for r in access.ROLES if access.can_see(r, page_id)]


def here(page_id: str) -> str:
    """This page's address on the server, with its query string (where to come back to)."""
    from prevention.web.routes import base_path

    query = {k: v for k, v in st.query_params.to_dict().items() if k != "signin"}
    return f"{base_path()}/{page_id}" + (f"?{urlencode(query)}" if query else "")


def prompt(page_id: str, title: str) -> None:
    """Stand in for a page this visitor may not open."""
    user = current_user()
    roles = ", ".join(roles_for(page_id))
    if user is None:
        st.title("Sign in")
        st.info(f"**{views.md_text(title)}** asks you to sign in: it is for accounts with the "
                f"role {roles}. After signing in you go straight there.", icon=":material/lock:")
        sign_in_form(here(page_id))
        return
    st.title("Not open to your role")
    st.warning(f"**{views.md_text(title)}** is for accounts with the role {roles}; you are "
               f"signed in as {views.md_text(user.label)} ({user.role}). An administrator can "
               "change your role on the Administration page.", icon=":material/lock:")

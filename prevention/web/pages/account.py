"""Account: sign in, sign out, change one's password, create the first administrator."""

from __future__ import annotations

import streamlit as st

from prevention.accounts import auth, passwords
from prevention.storage.db import session_scope
from prevention.web import views
from prevention.web.session import TOKEN, current_user, sign_in, sign_out
from prevention.web.signin import sign_in_form


def _password_rules() -> None:
    st.caption(f"Password rules: {passwords.password_rules_text()}")


def _first_admin() -> None:
    st.info("No administrator exists yet. Create the first one (or run "
            "`python -m prevention user add NAME --role admin`). There is no default password.")
    _password_rules()
    with st.form("first_admin", clear_on_submit=True):
        name = st.text_input("Username")
        pw = st.text_input("Password", type="password", help=passwords.password_rules_text())
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


def _api_tokens(user: auth.User) -> None:
    """One's own API tokens (docs/api.md): made here, shown once, revoked here."""
    from prevention.accounts import api_tokens

    with st.expander("API tokens"):
        st.caption("A token lets a script read what your role may see through the JSON API "
                   "(/api/v1; the public data needs none). Send it as `Authorization: Bearer "
                   "<token>`. It is shown once, when it is made; the server keeps only its hash. "
                   "Revoke a token you no longer use, or one that may have leaked.")
        made = st.session_state.pop("_new_api_token", None)
        if made:
            st.success("Copy the token now: it will not be shown again.")
            st.code(made, language=None)
        with st.form("new_api_token", clear_on_submit=True):
            label = st.text_input("What the token is for", max_chars=api_tokens.MAX_LABEL)
            if st.form_submit_button("Create a token"):
                try:
                    with session_scope() as s:
                        _info, token = api_tokens.create(s, user, label)
                except (auth.AccountError, auth.PermissionDenied) as exc:
                    st.error(views.md_text(exc))
                else:
                    st.session_state["_new_api_token"] = token
                    st.rerun()
        with session_scope() as s:
            tokens = [t for t in api_tokens.list_tokens(s, user) if t.live]
        if not tokens:
            st.caption("No token yet.")
        for t in tokens:
            a, b = st.columns([4, 1])
            used = f"last used {t.last_used_at:%Y-%m-%d %H:%M} UTC" if t.last_used_at else "never used"
            a.markdown(f"`{t.hint}…` {views.md_text(t.label or '(no label)')} · made "
                       f"{t.created_at:%Y-%m-%d} · {used}")
            if b.button("Revoke", key=f"revoke_token_{t.id}"):
                with session_scope() as s:
                    api_tokens.revoke(s, user, t.id)
                st.rerun()


def page() -> None:
    st.title("Account")
    user = current_user()
    if user is not None:
        _signed_in(user)
        _api_tokens(user)
        return
    with session_scope() as s:
        first = auth.needs_first_admin(s)
    if first:
        _first_admin()
        return
    st.caption("Reviews are confidential and need a Bureau account; the overview, the country "
               "pages and the public evidence need none.")
    sign_in_form()


page()

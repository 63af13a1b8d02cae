"""Accounts: argon2 hashes, no clear passwords anywhere, roles read fresh from the database."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select as sa_select
from sqlalchemy import text

from prevention.accounts import audit, auth
from prevention.accounts.access import PermissionDenied
from prevention.storage.db import session_scope
from tests.review.conftest import PASSWORD


def test_production_hasher_is_argon2id_with_a_salt():
    # What a real deployment uses (the other tests swap in a cheap one for speed).
    hasher = auth.PRODUCTION_HASHER
    encoded = hasher.hash("some password here")
    assert encoded.startswith("$argon2id$")
    assert hasher.hash("some password here") != encoded  # salted
    assert hasher.time_cost >= 2 and hasher.memory_cost >= 19 * 1024


def test_first_account_must_be_admin_and_needs_no_actor(engine):
    with session_scope(engine) as s:
        assert auth.needs_first_admin(s)
        with pytest.raises(auth.AccountError, match="must be an admin"):
            auth.add_account(s, None, "vic", "viewer", PASSWORD)
    with session_scope(engine) as s:
        admin = auth.add_account(s, None, "Ada", "admin", PASSWORD)
        assert admin.username == "ada"
    with session_scope(engine) as s:
        assert not auth.needs_first_admin(s)
        with pytest.raises(PermissionDenied):
            auth.add_account(s, None, "eve", "admin", PASSWORD)  # no second bootstrap


def test_password_never_stored_or_logged_in_clear(engine, caplog):
    secret = "Tr0ub4dor&3-horse-staple"
    caplog.set_level(logging.DEBUG)
    with session_scope(engine) as s:
        admin = auth.add_account(s, None, "ada", "admin", secret)
    with session_scope(engine) as s:
        auth.set_password(s, admin, "ada", secret + "-2")
    with session_scope(engine) as s:
        assert auth.authenticate(s, "ada", secret + "-2") is not None
        assert auth.authenticate(s, "ada", secret) is None  # a failed attempt is logged too
    with engine.connect() as conn:
        dump = []
        for table in ("accounts", "audit_log"):
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                dump.append(" ".join(str(v) for v in row))
    everything = "\n".join(dump)
    assert secret not in everything
    assert "$argon2id$" in everything  # the hash is there, the password is not
    assert secret not in caplog.text
    assert "sign-in refused" in caplog.text  # the log did capture the sign-in attempts


def test_audit_redacts_secret_keys_whatever_callers_pass(engine, users):
    with session_scope(engine) as s:
        audit.record(s, users["admin"], "test.secret", "account", 1,
                     after={"password": "hunter2hunter2", "nested": {"token": "abc"}})
    with engine.connect() as conn:
        after = conn.execute(text("SELECT after FROM audit_log WHERE action = 'test.secret'")).scalar()
    assert "hunter2" not in after and "abc" not in after and "<redacted>" in after


def test_authenticate(engine, users):
    with session_scope(engine) as s:
        assert auth.authenticate(s, "rey", PASSWORD + " rev").role == "reviewer"
        assert auth.authenticate(s, " REY ", PASSWORD + " rev").username == "rey"
        assert auth.authenticate(s, "rey", PASSWORD + " admin") is None
        assert auth.authenticate(s, "nobody", PASSWORD) is None
        assert auth.authenticate(s, "", "") is None


def test_disable_and_set_role_apply_to_a_signed_in_session_at_once(engine, users):
    rey = users["reviewer"]
    with session_scope(engine) as s:
        auth.set_role(s, users["admin"], "rey", "viewer")
    with session_scope(engine) as s:
        assert auth.load_user(s, rey.id).role == "viewer"
        auth.disable(s, users["admin"], "rey")
    with session_scope(engine) as s:
        assert auth.load_user(s, rey.id) is None
        assert auth.authenticate(s, "rey", PASSWORD + " rev") is None
        rows = audit.query(s, users["admin"], audit.AuditFilter(action="account."))
        actions = [r.action for r in rows]
        assert "account.disable" in actions and "account.set_role" in actions


def test_only_admins_manage_accounts_and_the_last_admin_stays(engine, users):
    with session_scope(engine) as s:
        for role in ("viewer", "reviewer", "researcher"):
            with pytest.raises(PermissionDenied):
                auth.set_role(s, users[role], users[role].username, "admin")
        with pytest.raises(auth.AccountError, match="only enabled admin"):
            auth.disable(s, users["admin"], "ada")
        with pytest.raises(auth.AccountError, match="only enabled admin"):
            auth.set_role(s, users["admin"], "ada", "viewer")


def test_a_user_may_change_only_their_own_password(engine, users):
    with session_scope(engine) as s:
        auth.set_password(s, users["viewer"], "vic", "a brand new long password")
        with pytest.raises(PermissionDenied):
            auth.set_password(s, users["viewer"], "rey", "a brand new long password")


def test_password_rules(engine):
    with session_scope(engine) as s:
        with pytest.raises(auth.AccountError, match="at least"):
            auth.add_account(s, None, "ada", "admin", "short")
        with pytest.raises(auth.AccountError, match="username"):
            auth.add_account(s, None, "ada", "admin", "ada-is-my-password-yes")


def test_identity_provider_users_get_their_account_role_never_a_claimed_one(engine, users):
    with session_scope(engine) as s:
        auth.add_account(s, users["admin"], "boss", "reviewer", email="Boss@Example.org")
    with session_scope(engine) as s:
        assert auth.user_for_identity(s, "boss@example.org").role == "reviewer"
        newcomer = auth.user_for_identity(s, "someone@example.org", "Some One")
        assert newcomer.role == "viewer" and newcomer.display_name == "Some One"
        assert auth.user_for_identity(s, None) is None
    with session_scope(engine) as s:
        auth.disable(s, users["admin"], "boss")
    with session_scope(engine) as s:
        assert auth.user_for_identity(s, "boss@example.org") is None


def test_oidc_configured():
    assert not auth.oidc_configured({})
    assert not auth.oidc_configured({"auth": {}})
    assert auth.oidc_configured({"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                                          "cookie_secret": "x"}})


def test_a_session_token_gives_its_own_account_and_nothing_more(engine, users):
    from datetime import datetime, timedelta, timezone

    from prevention.storage.models.review import AccountSession

    with session_scope(engine) as s:
        rey_token = auth.start_session(s, users["reviewer"])
        vic_token = auth.start_session(s, users["viewer"])
    with session_scope(engine) as s:
        assert auth.user_for_session(s, rey_token).username == "rey"
        assert auth.user_for_session(s, vic_token).role == "viewer"
        assert auth.user_for_session(s, vic_token[:-1] + ("A" if vic_token[-1] != "A" else "B")) is None
        assert auth.user_for_session(s, "") is None and auth.user_for_session(s, None) is None
    with engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(text("SELECT * FROM account_sessions"))
                          for v in row)
    assert rey_token not in stored and vic_token not in stored  # only hashes are kept
    # The role is the account's, now: not what it was when the cookie was set.
    with session_scope(engine) as s:
        auth.set_role(s, users["admin"], "vic", "reviewer")
    with session_scope(engine) as s:
        assert auth.user_for_session(s, vic_token).role == "reviewer"
        auth.end_session(s, rey_token)
    with session_scope(engine) as s:
        assert auth.user_for_session(s, rey_token) is None  # signed out everywhere
        auth.disable(s, users["admin"], "vic")
    with session_scope(engine) as s:
        assert auth.user_for_session(s, vic_token) is None
        fresh = auth.start_session(s, users["researcher"])
        row = s.scalar(sa_select(AccountSession).order_by(AccountSession.id.desc()))
        row.expires_at = datetime.now(timezone.utc) - timedelta(seconds=1)
    with session_scope(engine) as s:
        assert auth.user_for_session(s, fresh) is None  # expired


def test_the_server_listens_on_localhost_by_default():
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] in ("localhost", "127.0.0.1")
    assert "HOST ?= localhost" in (root / "Makefile").read_text(encoding="utf-8")

"""API tokens (hashed, shown once, revocable, role read from the database) and the rate
limiter's counts, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from prevention.accounts import api_tokens
from prevention.accounts.access import PermissionDenied
from prevention.accounts.auth import AccountError, User, add_account, load_user, set_role
from prevention.api import ratelimit
from prevention.storage.db import session_scope
from prevention.storage.models.api import ApiToken

try:
    from prevention.accounts.access import system
except ImportError:  # before services took the acting account: the command line was an admin
    def system(name):
        return User(None, name, "admin")

PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(engine):
    with session_scope(engine) as s:
        admin = add_account(s, None, "ada", "admin", PASSWORD)
        vic = add_account(s, admin, "vic", "viewer", PASSWORD)
        rey = add_account(s, admin, "rey", "reviewer", PASSWORD)
    return {"admin": admin, "viewer": vic, "reviewer": rey}


def test_a_token_is_stored_hashed_and_shown_once(engine, people):
    with session_scope(engine) as s:
        info, token = api_tokens.create(s, people["viewer"], "my script")
    assert token.startswith("pd_") and len(token) > 40 and info.hint == token[:9]
    with session_scope(engine) as s:
        row = s.scalar(select(ApiToken))
        assert token not in (row.token_hash, row.hint) and len(row.token_hash) == 64
        assert api_tokens.user_for_token(s, token).username == "vic"
        assert api_tokens.user_for_token(s, token + "x") is None
        assert api_tokens.user_for_token(s, "not even a token") is None


def test_the_role_behind_a_token_is_the_stored_one(engine, people):
    with session_scope(engine) as s:
        _, token = api_tokens.create(s, people["viewer"])
        set_role(s, people["admin"], "vic", "researcher")
    with session_scope(engine) as s:
        assert api_tokens.user_for_token(s, token).role == "researcher"


def test_only_the_owner_or_an_admin_revokes(engine, people):
    with session_scope(engine) as s:
        info, token = api_tokens.create(s, people["viewer"])
    with session_scope(engine) as s, pytest.raises(AccountError, match="no API token"):
        api_tokens.revoke(s, people["reviewer"], info.id)
    with session_scope(engine) as s:
        assert api_tokens.revoke(s, people["admin"], info.id).revoked_at is not None
        assert api_tokens.user_for_token(s, token) is None
    with session_scope(engine) as s:  # twice is harmless
        api_tokens.revoke(s, people["viewer"], info.id)


def test_anonymous_visitors_make_no_tokens_and_only_admins_make_them_for_others(engine, people):
    with session_scope(engine) as s, pytest.raises(PermissionDenied):
        api_tokens.create(s, None, "x")
    with session_scope(engine) as s, pytest.raises(PermissionDenied):
        api_tokens.create(s, people["viewer"], "x", username="rey")
    with session_scope(engine) as s:
        info, _ = api_tokens.create(s, people["admin"], "for rey", username="rey")
        cli, _ = api_tokens.create(s, system("cli:ops"), "from the shell", username="vic")
    assert (info.username, cli.username) == ("rey", "vic")
    with session_scope(engine) as s:
        assert len(api_tokens.list_tokens(s, system("cli:ops"), "*")) == 2
        assert [t.username for t in api_tokens.list_tokens(s, people["viewer"])] == ["vic"]


def test_rate_limit_window_counts_and_resets(engine):
    with session_scope(engine) as s:
        got = [ratelimit.hit(s, "address", "10.0.0.1", 3, now=1000.0).allowed for _ in range(4)]
        other = ratelimit.hit(s, "address", "10.0.0.2", 3, now=1000.0)
        later = ratelimit.hit(s, "address", "10.0.0.1", 3, now=1000.0 + 60)
    assert got == [True, True, True, False]
    assert other.allowed and other.remaining == 2
    assert later.allowed and later.remaining == 2
    assert ratelimit.Verdict(False, 3, -1, 20).headers()["Retry-After"] == "20"


def test_concurrent_requests_cannot_all_pass_the_limit(engine):
    """Several processes count in one table: 20 requests at once against a limit of 5."""
    results, barrier = [], threading.Barrier(20)

    def one():
        barrier.wait()
        for _ in range(20):
            try:
                with session_scope(engine) as s:
                    results.append(ratelimit.hit(s, "address", "10.9.9.9", 5, now=5000.0).allowed)
                return
            except Exception:  # SQLite's busy writer: try again, as a client would
                continue

    threads = [threading.Thread(target=one) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 5 and len(results) == 20


def test_the_cli_makes_lists_and_revokes_tokens(engine, people, capsys):
    from prevention.cli import main

    assert main(["user", "token", "add", "vic", "--label", "nightly export"]) == 0
    out = capsys.readouterr().out
    token = out.strip().splitlines()[-1]
    with session_scope(engine) as s:
        assert api_tokens.user_for_token(s, token).username == "vic"
    assert main(["user", "token", "list", "vic"]) == 0
    listing = capsys.readouterr().out
    assert "nightly export" in listing and token not in listing
    token_id = int(listing.split("\t")[0])
    assert main(["user", "token", "revoke", str(token_id)]) == 0
    with session_scope(engine) as s:
        assert api_tokens.user_for_token(s, token) is None
    assert main(["user", "set-email", "vic", "vic@example.org"]) == 0
    with session_scope(engine) as s:
        assert load_user(s, people["viewer"].id).email == "vic@example.org"

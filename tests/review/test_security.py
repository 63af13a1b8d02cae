"""Issue 12: the promises about accounts under concurrency and abuse (docs/promises.md).

Each test runs on SQLite and on PostgreSQL (the `engine` fixture) unless it says otherwise.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from prevention.accounts import audit, auth, passwords, throttle
from prevention.storage.db import session_scope
from tests.review.conftest import PASSWORD

# ---------------------------------------------------------------- 8. the first administrator

def test_concurrent_first_admin_creations_leave_exactly_one(engine, monkeypatch):
    """Four browsers submit the first-administrator form at the same instant. Every one of them
    has seen "no admin yet" before any has written (the barrier makes that certain, where a real
    race only makes it likely); the database must still let only one of them through."""
    n = 4
    barrier = threading.Barrier(n)
    seen = auth.needs_first_admin

    def needs_first_admin_then_wait(session):
        answer = seen(session)
        barrier.wait(timeout=30)
        return answer

    monkeypatch.setattr(auth, "needs_first_admin", needs_first_admin_then_wait)
    outcomes: list = [None] * n

    def attempt(i: int) -> None:
        try:
            with session_scope(engine) as s:
                outcomes[i] = auth.add_account(s, None, f"boss{i}", "admin", PASSWORD + f" {i}")
        except Exception as exc:  # noqa: BLE001 - what each thread got is the test's subject
            outcomes[i] = exc

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    made = [o for o in outcomes if isinstance(o, auth.User)]
    refused = [o for o in outcomes if not isinstance(o, auth.User)]
    assert len(made) == 1, outcomes
    # Which refusal a thread gets depends on whether it checked before or after the winner
    # committed; either way it is told, and nothing of its own was stored.
    assert all(isinstance(o, auth.AccountError)
               and ("at the same moment" in str(o) or "created already" in str(o))
               for o in refused), refused
    with engine.connect() as conn:
        admins = conn.execute(sa.text("SELECT username FROM accounts WHERE role = 'admin'")).all()
    assert [a[0] for a in admins] == [made[0].username]


def test_the_first_administrator_form_works_once_in_a_database_life(engine):
    with session_scope(engine) as s:
        auth.add_account(s, None, "ada", "admin", PASSWORD)
    # Someone with the database in hand removes every admin: the anonymous form stays closed,
    # and the command line (which needs shell access) is the way back in.
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE accounts SET role = 'viewer'"))
    with pytest.raises(auth.AccountError, match="command line"):
        with session_scope(engine) as s:
            auth.add_account(s, None, "eve", "admin", PASSWORD + " two")
    with session_scope(engine) as s:
        assert auth.add_account(s, auth.cli_actor(), "root", "admin", PASSWORD + " three").role == "admin"


# ---------------------------------------------------------------- 9. brute force and passwords

def _fail(engine, name: str, address: str | None = None, times: int = 1) -> None:
    for _ in range(times):
        with session_scope(engine) as s:
            assert auth.authenticate(s, name, "wrong password entirely", address=address) is None


def test_five_failures_lock_the_account_in_the_database(engine, users):
    _fail(engine, "rey", times=throttle.ACCOUNT_LOCK_AFTER)
    # A new browser session (a reload) and the right password change nothing while it lasts.
    with session_scope(engine) as s:
        with pytest.raises(throttle.SignInLocked) as locked:
            auth.authenticate(s, "rey", PASSWORD + " rev", address="198.51.100.7")
    wait = locked.value.until - datetime.now(timezone.utc)
    assert timedelta(seconds=50) < wait <= timedelta(seconds=throttle.FIRST_LOCK_SECONDS)
    assert "account" in str(locked.value) and "UTC" in str(locked.value)
    # Other accounts are not affected.
    with session_scope(engine) as s:
        assert auth.authenticate(s, "rita", PASSWORD + " rev2") is not None
    with session_scope(engine) as s:
        entries = audit.query(s, users["admin"], audit.AuditFilter(action="sign_in.lockout"))
    assert [e.entity_id for e in entries] == ["account:rey"]


def _expire_locks(engine) -> None:
    past = datetime.now(timezone.utc) - timedelta(seconds=1)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE sign_in_throttle SET locked_until = :p WHERE locked_until IS NOT NULL"),
                     {"p": past})


def test_the_lock_doubles_with_each_further_failure_up_to_the_cap(engine, users):
    _fail(engine, "rey", times=throttle.ACCOUNT_LOCK_AFTER)
    seen = []
    for _ in range(8):
        _expire_locks(engine)
        _fail(engine, "rey")
        with session_scope(engine) as s:
            until = throttle.locked_until(s, "rey")
        seen.append(round((until - datetime.now(timezone.utc)).total_seconds() / 60))
    assert seen == [2, 4, 8, 16, 32, 60, 60, 60]
    # A success after the lock ends starts the count again.
    _expire_locks(engine)
    with session_scope(engine) as s:
        assert auth.authenticate(s, "rey", PASSWORD + " rev") is not None
    _fail(engine, "rey", times=throttle.ACCOUNT_LOCK_AFTER - 1)
    with session_scope(engine) as s:
        assert throttle.locked_until(s, "rey") is None


def test_one_address_trying_many_accounts_is_locked(engine, users):
    names = [f"nobody{i}" for i in range(throttle.ADDRESS_LOCK_AFTER)]
    for name in names:  # unknown names count too: a lock must not reveal who exists
        _fail(engine, name, address="203.0.113.9")
    with session_scope(engine) as s:
        with pytest.raises(throttle.SignInLocked, match="address"):
            auth.authenticate(s, "rey", PASSWORD + " rev", address="203.0.113.9")
    with session_scope(engine) as s:  # another address is not locked
        assert auth.authenticate(s, "rey", PASSWORD + " rev", address="203.0.113.10") is not None
    with session_scope(engine) as s:
        entries = audit.query(s, users["admin"], audit.AuditFilter(action="sign_in.lockout"))
    assert "address:203.0.113.9" in [e.entity_id for e in entries]


def test_concurrent_wrong_passwords_cannot_exceed_the_limit(engine, users):
    """Twelve attempts at once: the count is taken before the password is checked, in the same
    transaction, so no more than the limit can be checked whatever the timing."""
    n = 12
    start = threading.Barrier(n)
    results: list = [None] * n

    def attempt(i: int) -> None:
        start.wait(timeout=30)
        try:
            with session_scope(engine) as s:
                results[i] = auth.authenticate(s, "rey", f"wrong guess number {i}")
        except Exception as exc:  # noqa: BLE001
            results[i] = exc

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    checked = [r for r in results if r is None]
    locked = [r for r in results if isinstance(r, throttle.SignInLocked)]
    assert len(checked) == throttle.ACCOUNT_LOCK_AFTER and len(locked) == n - len(checked), results


@pytest.mark.parametrize("password, reason", [
    ("aaaaaaaaaaaaaaaa", "repeated"),
    ("abcabcabcabcabc", "repeated"),
    ("passwordpassword", "repeated"),
    ("1qaz2wsx3edc4rfv", "common"),
    ("Qwertyuiop123!", "common"),
    ("short", "at least"),
    ("ada-is-my-password-yes", "username"),
])
def test_weak_passwords_are_refused_with_the_reason(engine, password, reason):
    with session_scope(engine) as s:
        with pytest.raises(auth.AccountError, match=reason):
            auth.add_account(s, None, "ada", "admin", password)


def test_the_rules_are_stated_and_good_passwords_pass():
    text = passwords.password_rules_text()
    for words in (str(passwords.MIN_PASSWORD_LENGTH), "repeated", "common", "username"):
        assert words in text
    for good in (PASSWORD, "Tr0ub4dor&3-horse-staple", "a brand new long password"):
        passwords.check_password_rules(good, "ada")


# ---------------------------------------------------------------- 10. a new password ends sessions

def test_changing_a_password_ends_the_accounts_other_sessions(engine, users):
    rey = users["reviewer"]
    with session_scope(engine) as s:
        here, laptop, phone = (auth.start_session(s, rey) for _ in range(3))
        other = auth.start_session(s, users["viewer"])
    with session_scope(engine) as s:
        auth.set_password(s, rey, "rey", "a new and long password", keep_session=here)
    with session_scope(engine) as s:
        assert auth.user_for_session(s, here).username == "rey"  # the browser that changed it
        assert auth.user_for_session(s, laptop) is None and auth.user_for_session(s, phone) is None
        assert auth.user_for_session(s, other).username == "vic"
        # An admin's reset ends every session of the account, the user's own included.
        auth.set_password(s, users["admin"], "rey", "an admin set this one")
    with session_scope(engine) as s:
        assert auth.user_for_session(s, here) is None


# ---------------------------------------------------------------- 17. the audit log on SQLite

def _entry(engine, users) -> int:
    with session_scope(engine) as s:
        entry = audit.record(s, users["admin"], "test.entry", "thing", 7, after={"a": 1})
        s.flush()
        return entry.id


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE"])
def test_sqlite_refuses_replace_over_an_audit_row(engine, users, verb):
    entry_id = _entry(engine, users)
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(sa.text(
                f"{verb} INTO audit_log (id, at, actor, action, entity_type, entity_id, detail) "
                "VALUES (:i, '2000-01-01', 'mallory', 'nothing', 'x', '', '')"), {"i": entry_id})
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT actor FROM audit_log WHERE id = :i"),
                            {"i": entry_id}).scalar() == "ada"
    _entry(engine, users)  # ordinary appends still work


def test_an_upsert_over_an_audit_row_is_refused(engine, users):
    entry_id = _entry(engine, users)
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO audit_log (id, at, actor, action, entity_type, entity_id, detail) "
                "VALUES (:i, '2000-01-01', 'mallory', 'nothing', 'x', '', '') "
                "ON CONFLICT (id) DO UPDATE SET actor = 'mallory'"), {"i": entry_id})


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_the_application_role_cannot_remove_the_guards(engine, users, db_url):
    """The grants docs/promises.md tells a PostgreSQL deployment to use: the application's role
    may append to the log but neither change it nor drop or disable the triggers."""
    from prevention.storage import db_roles

    role = "prevention_app_test"
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP ROLE IF EXISTS {role}"))
        for statement in db_roles.application_role_sql(role, engine.url.database):
            conn.execute(sa.text(statement))
    app_engine = sa.create_engine(engine.url.set(username=role))
    try:
        entry_id = _entry(app_engine, users)
        for statement in ("DROP TRIGGER audit_log_no_change ON audit_log",
                          "ALTER TABLE audit_log DISABLE TRIGGER ALL",
                          "SET session_replication_role = replica",
                          "UPDATE audit_log SET actor = 'mallory'",
                          "DELETE FROM audit_log",
                          "TRUNCATE audit_log"):
            with pytest.raises(DBAPIError, match="must be owner|permission denied|append-only"):
                with app_engine.begin() as conn:
                    conn.execute(sa.text(statement))
        with app_engine.connect() as conn:  # and the application still works as that role
            assert conn.execute(sa.text("SELECT actor FROM audit_log WHERE id = :i"),
                                {"i": entry_id}).scalar() == "ada"
    finally:
        app_engine.dispose()
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP OWNED BY {role}"))
            conn.execute(sa.text(f"DROP ROLE {role}"))


def test_docs_show_the_same_grants():
    from pathlib import Path

    from prevention.storage import db_roles

    doc = (Path(__file__).resolve().parents[2] / "docs" / "promises.md").read_text(encoding="utf-8")
    for statement in db_roles.application_role_sql("prevention_app", "prevention"):
        assert statement in doc, statement

"""Sign-in throttling: failed sign-ins counted per account and per network address in the
database (a reload does not reset them), a lock that doubles with each further failure, and
the words that explain the rule. authenticate (auth.py) reserves a failure before it checks a
password and forgives it after a success."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from prevention.accounts.errors import AccountError

ACCOUNT_LOCK_AFTER = 5  # failed sign-ins in a row for one username
# One address may be a whole office behind one proxy, or a NAT: more room, still a bound on
# one machine trying many usernames.
ADDRESS_LOCK_AFTER = 20
FIRST_LOCK_SECONDS = 60  # then doubled with each further failure
MAX_LOCK_SECONDS = 3600
FORGET_AFTER = timedelta(hours=24)  # a count with no failure for this long starts again
LOCAL = "local"  # st.context.ip_address is None for connections from this machine


class SignInLocked(AccountError):
    """Sign-in is paused for this account or address; the password was not even checked."""

    def __init__(self, scope: str, until: datetime):
        self.scope, self.until = scope, until
        what = "this account" if scope == "account" else "your network address"
        minutes = max(1, round((until - datetime.now(timezone.utc)).total_seconds() / 60))
        super().__init__(f"Too many failed sign-ins for {what}: try again after "
                         f"{until:%H:%M} UTC (about {minutes} min). Each further failure doubles "
                         "the wait, up to an hour; an admin can reset your password meanwhile.")


def lock_rule_text() -> str:
    return (f"After {ACCOUNT_LOCK_AFTER} failed sign-ins in a row for one account, or "
            f"{ADDRESS_LOCK_AFTER} from one network address, sign-in pauses for "
            f"{FIRST_LOCK_SECONDS // 60} minute, doubling with each further failure up to "
            f"{MAX_LOCK_SECONDS // 60} minutes. Counts are kept on the server (a reload does "
            "not reset them) and end with a successful sign-in or after a day without failures.")


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything stored is UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


def throttle_keys(name: str, address: str | None) -> list[tuple[str, str, int]]:
    return [("account", name[:200], ACCOUNT_LOCK_AFTER),
            ("address", (address or LOCAL)[:200], ADDRESS_LOCK_AFTER)]


def _lock_seconds(failures: int, limit: int) -> int:
    return min(FIRST_LOCK_SECONDS * 2 ** max(0, failures - limit), MAX_LOCK_SECONDS)


def _throttle_table():
    from prevention.storage.models.security import SignInThrottle

    return SignInThrottle.__table__


def reserve(session: Session, keys, now: datetime) -> list[tuple[str, str, int, datetime | None]]:
    """Count this attempt as a failure for every key before the password is checked, or raise
    SignInLocked. Counting first, in the caller's transaction (whose row locks last until it
    commits), is what stops concurrent attempts from all passing a check made before any of
    them failed. A success undoes its count afterwards (forgive)."""
    from sqlalchemy import delete, or_
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    t = _throttle_table()
    free = or_(t.c.locked_until.is_(None), t.c.locked_until <= now)
    session.execute(delete(t).where(t.c.last_failure_at < now - FORGET_AFTER, free))
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(dialect_insert(t).values([
        {"scope": scope, "key": key, "failures": 0, "last_failure_at": now} for scope, key, _ in keys
    ]).on_conflict_do_nothing(index_elements=["scope", "key"]))
    reserved = []
    for scope, key, limit in keys:
        where = (t.c.scope == scope, t.c.key == key)
        failures = session.execute(update(t).where(*where, free).values(
            failures=t.c.failures + 1, last_failure_at=now).returning(t.c.failures)).scalar()
        if failures is None:  # locked: refused without checking, and not counted
            until = _aware(session.execute(select(t.c.locked_until).where(*where)).scalar())
            raise SignInLocked(scope, until)
        until = None
        if failures >= limit:
            until = now + timedelta(seconds=_lock_seconds(failures, limit))
            session.execute(update(t).where(*where).values(locked_until=until))
        reserved.append((scope, key, failures, until))
    return reserved


def forgive(session: Session, reserved) -> None:
    """After a success: the account's count starts again; the address keeps earlier failures
    (another account may have been tried from it) but not this attempt."""
    from sqlalchemy import case

    t = _throttle_table()
    for scope, key, _failures, _until in reserved:
        where = (t.c.scope == scope, t.c.key == key)
        if scope == "account":
            session.execute(update(t).where(*where).values(failures=0, locked_until=None))
        else:
            session.execute(update(t).where(*where).values(
                failures=case((t.c.failures > 0, t.c.failures - 1), else_=0),
                locked_until=case((t.c.failures - 1 < ADDRESS_LOCK_AFTER, None),
                                  else_=t.c.locked_until)))


def locked_until(session: Session, username: str, address: str | None = None) -> datetime | None:
    """When sign-in for this name (and address, if given) may be tried again; None if now."""
    t = _throttle_table()
    name = username.strip().lower()
    keys = throttle_keys(name, address)[: 2 if address is not None else 1]
    now = datetime.now(timezone.utc)
    latest = None
    for scope, key, _ in keys:
        until = _aware(session.execute(select(t.c.locked_until).where(
            t.c.scope == scope, t.c.key == key)).scalar())
        if until is not None and until > now and (latest is None or until > latest):
            latest = until
    return latest

"""Accounts: argon2 password hashes, roles, and the checks every write action makes.

There is no default account and no default password. The first administrator is created either
on the first start (the sign-in page asks for one while no account exists) or with
`python -m prevention user add NAME --role admin`. Passwords live only as argon2id hashes; they
are never logged, audited or kept in the Streamlit session (see tests/review/test_auth.py).

Sign-in through an identity provider (OIDC, Streamlit's `st.login`) is configured in
`.streamlit/secrets.toml`; docs/accounts.md says how. The provider proves who someone is; the
role always comes from the account in this database, looked up again on every page run.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from prevention.accounts import audit
from prevention.accounts.access import (
    ROLES,
    PermissionDenied,
    Principal,
    System,
    require,
    system,
)
from prevention.accounts.errors import AccountError
from prevention.accounts.passwords import check_password_rules
from prevention.accounts.throttle import forgive, reserve, throttle_keys

log = logging.getLogger(__name__)

# argon2id with the library's current recommended parameters (RFC 9106 low-memory profile).
PRODUCTION_HASHER = PasswordHasher()
_hasher = PRODUCTION_HASHER
# Verified against when the username is unknown, so that a wrong name costs as much time as a
# wrong password and sign-in timing does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


@dataclass(frozen=True)
class User:
    """A signed-in account, detached from any database session (safe to keep per session)."""

    id: int | None
    username: str
    role: str
    display_name: str = ""
    email: str | None = None

    @property
    def label(self) -> str:
        return self.display_name or self.username


def cli_actor() -> System:
    """Whoever runs `python -m prevention user ...`: shell access to the database is more
    than any role (access.SYSTEM_ROLE), recorded under the login name."""
    try:
        who = getpass.getuser()
    except Exception:  # no login name in some containers
        who = "unknown"
    return system(f"cli:{who}")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _account_model():
    from prevention.storage.models.review import Account

    return Account


def _public(account) -> dict:
    """An account as the audit log may see it (never the hash)."""
    return {"username": account.username, "email": account.email, "role": account.role,
            "display_name": account.display_name, "disabled": account.disabled,
            "has_password": account.password_hash is not None}


def to_user(account) -> User:
    return User(id=account.id, username=account.username, role=account.role,
                display_name=account.display_name or "", email=account.email)


def count_accounts(session: Session) -> int:
    Account = _account_model()
    return session.scalar(select(func.count()).select_from(Account)) or 0


def needs_first_admin(session: Session) -> bool:
    """True until an admin account exists: the first start asks for one (or the CLI makes it)."""
    Account = _account_model()
    return session.scalar(select(Account.id).where(Account.role == "admin").limit(1)) is None


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")


def _normal(username: str) -> str:
    name = username.strip().lower()
    if not name or len(name) > 120 or any(c.isspace() for c in name):
        raise AccountError("a username is 1 to 120 characters without spaces")
    return name


def get_account(session: Session, username: str):
    Account = _account_model()
    account = session.scalar(select(Account).where(Account.username == _normal(username)))
    if account is None:
        raise AccountError(f"no account named {username!r}")
    return account


def add_account(session: Session, actor: Principal | None, username: str, role: str,
                password: str | None = None, email: str | None = None,
                display_name: str = "") -> User:
    """Create an account. Admins only, except the first admin, created while none exists."""
    Account = _account_model()
    first = needs_first_admin(session)
    if first:
        if role != "admin":
            raise AccountError("no admin account exists yet: the first account must be an admin")
    else:
        require(actor, "account.manage", session)
    # Only the anonymous form is limited to once: an operator with shell access (the command
    # line) can always make an admin, which is also the way back if every admin was removed.
    bootstrap = first and actor is None
    if bootstrap and session.scalar(select(Account.id).where(Account.first_admin.is_(True))):
        raise AccountError("the first administrator was created already; an admin account can "
                           "now be made only with `python -m prevention user add NAME --role admin`"
                           " on the command line")
    _check_role(role)
    name = _normal(username)
    if password is None and not email:
        raise AccountError("give a password, or an email for sign-in through the identity provider")
    if password is not None:
        check_password_rules(password, name)
    if session.scalar(select(Account.id).where(Account.username == name)) is not None:
        raise AccountError(f"an account named {name!r} already exists")
    email = email.strip().lower() if email else None
    if email and session.scalar(select(Account.id).where(Account.email == email)) is not None:
        raise AccountError(f"an account with email {email!r} already exists")
    account = Account(username=name, role=role, email=email, display_name=display_name,
                      password_hash=None if password is None else hash_password(password),
                      disabled=False, first_admin=bootstrap)
    session.add(account)
    try:
        session.flush()
    except IntegrityError as exc:
        # Two browsers submitted the first-administrator form at the same instant: both saw no
        # admin, the unique index on first_admin let only the other one in.
        if bootstrap and "first_admin" in str(exc.orig):
            raise AccountError("another administrator was created at the same moment; nothing "
                               "was stored. Sign in with that account (ask whoever made it).") from exc
        raise AccountError(f"an account named {name!r} or with that email was created at the "
                           "same moment; choose another name") from exc
    actor_for_log = actor if actor is not None or not first else to_user(account)
    audit.record(session, actor_for_log, "account.add", "account", account.id,
                 after=_public(account), detail="first administrator" if first else "")
    log.info("account %s added with role %s", name, role)
    return to_user(account)


def _enabled_admins(session: Session) -> int:
    Account = _account_model()
    return session.scalar(select(func.count()).select_from(Account).where(
        Account.role == "admin", Account.disabled.is_(False))) or 0


def _change(session: Session, actor: Principal | None, username: str, action: str, **values) -> User:
    require(actor, "account.manage", session)
    account = get_account(session, username)
    before = _public(account)
    losing_admin = account.role == "admin" and not account.disabled and (
        values.get("role", "admin") != "admin" or values.get("disabled", False))
    if losing_admin and _enabled_admins(session) <= 1:
        raise AccountError(f"{account.username} is the only enabled admin; add another admin first")
    for key, value in values.items():
        setattr(account, key, value)
    session.flush()
    b, a = audit.changes(before, _public(account))
    audit.record(session, actor, action, "account", account.id, before=b, after=a,
                 detail=account.username)
    return to_user(account)


def set_role(session: Session, actor: Principal | None, username: str, role: str) -> User:
    _check_role(role)
    return _change(session, actor, username, "account.set_role", role=role)


def disable(session: Session, actor: Principal | None, username: str) -> User:
    return _change(session, actor, username, "account.disable", disabled=True)


def enable(session: Session, actor: Principal | None, username: str) -> User:
    return _change(session, actor, username, "account.enable", disabled=False)


def set_password(session: Session, actor: Principal | None, username: str, password: str,
                 keep_session: str | None = None) -> None:
    """Admins reset anyone's password; a signed-in user may change their own.

    Every other session of the account ends: a new password is what someone does after
    suspecting the old one leaked, so a browser signed in with the old one must not stay in.
    `keep_session` is the token of the browser making the change, which stays signed in (only
    when the user changes their own password; an admin's reset ends them all).
    """
    account = get_account(session, username)
    own = actor is not None and actor.id == account.id
    if not own:
        require(actor, "account.manage", session)
    check_password_rules(password, account.username)
    account.password_hash = hash_password(password)
    session.flush()
    ended = revoke_sessions(session, account.id, keep=keep_session if own else None)
    audit.record(session, actor, "account.set_password", "account", account.id,
                 after={"other_sessions_ended": ended}, detail=account.username)


def authenticate(session: Session, username: str, password: str,
                 address: str | None = None) -> User | None:
    """The user if the name and password match an enabled account; None otherwise.

    `address` is the client's network address (None: this machine). Raises SignInLocked,
    without checking the password, while the name or the address is locked (lock_rule_text).
    """
    Account = _account_model()
    now = datetime.now(timezone.utc)
    reserved = reserve(session, throttle_keys(username.strip().lower(), address), now)
    try:
        name = _normal(username)
    except AccountError:
        name = None
    account = session.scalar(select(Account).where(Account.username == name)) if name else None
    stored = account.password_hash if account is not None and account.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
        ok = account is not None and stored is not _DUMMY_HASH and not account.disabled
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok:
        log.info("sign-in refused for %r", name or username[:120])
        for scope, key, failures, until in reserved:
            if until is not None:
                audit.record(session, None, "sign_in.lockout", "sign_in", f"{scope}:{key}",
                             after={"failures": failures, "locked_until": until},
                             detail=f"{failures} failed sign-ins for {scope} {key!r}; locked "
                                    f"for {round((until - now).total_seconds() / 60)} min")
        return None
    forgive(session, reserved)
    if _hasher.check_needs_rehash(stored):
        account.password_hash = hash_password(password)
    log.info("sign-in of %r", name)
    return to_user(account)


def load_user(session: Session, account_id: int | None) -> User | None:
    """The current state of an account (role changes and disabling apply at once)."""
    if account_id is None:
        return None
    Account = _account_model()
    account = session.get(Account, account_id)
    if account is None or account.disabled:
        return None
    return to_user(account)


SESSION_HOURS = 12  # a Bureau working day; then sign in again


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: Session, user: User) -> str:
    """A new random token for this browser; only its hash is stored."""
    from prevention.storage.models.review import AccountSession

    token = secrets.token_urlsafe(32)
    now = datetime.now(timezone.utc)
    session.add(AccountSession(account_id=user.id, token_hash=_token_hash(token), created_at=now,
                               expires_at=now + timedelta(hours=SESSION_HOURS)))
    session.flush()
    return token


def user_for_session(session: Session, token: str | None) -> User | None:
    """The account a browser's token belongs to, if the session is live and the account enabled."""
    if not isinstance(token, str) or not token:  # no cookie (or a test harness's stand-in)
        return None
    from prevention.storage.models.review import AccountSession

    row = session.scalar(select(AccountSession).where(AccountSession.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=timezone.utc)
    if expires <= datetime.now(timezone.utc):
        return None
    return load_user(session, row.account_id)


def revoke_sessions(session: Session, account_id: int, keep: str | None = None) -> int:
    """End every live session of an account except the one whose token is `keep`; how many."""
    from prevention.storage.models.review import AccountSession

    stmt = update(AccountSession).where(AccountSession.account_id == account_id,
                                        AccountSession.revoked_at.is_(None))
    if keep:
        stmt = stmt.where(AccountSession.token_hash != _token_hash(keep))
    done = session.execute(stmt.values(revoked_at=datetime.now(timezone.utc), handoff_hash=None,
                                       handoff_expires_at=None).execution_options(
        synchronize_session=False))
    return done.rowcount or 0


HANDOFF_SECONDS = 120  # long enough for a slow redirect, short enough to be useless if logged


def handoff_code(session: Session, token: str) -> str:
    """A one-time code that the browser exchanges, at the cookie route, for this session.

    The session's own token never appears in a URL: the route gives the browser a fresh one
    in an HttpOnly cookie and the old one (known only to the server) stops working.
    """
    from prevention.storage.models.review import AccountSession

    code = secrets.token_urlsafe(32)
    done = session.execute(update(AccountSession).where(
        AccountSession.token_hash == _token_hash(token), AccountSession.revoked_at.is_(None)
    ).values(handoff_hash=_token_hash(code),
             handoff_expires_at=datetime.now(timezone.utc) + timedelta(seconds=HANDOFF_SECONDS))
        .execution_options(synchronize_session=False))
    if not done.rowcount:
        raise AccountError("this sign-in has ended already; sign in again")
    return code


def exchange_handoff(session: Session, code: str | None) -> str | None:
    """The new session token for a valid, unused, unexpired code; None otherwise. One UPDATE
    that matches on the code and clears it, so two requests with one code cannot both win."""
    if not isinstance(code, str) or not code or len(code) > 100:
        return None
    from prevention.storage.models.review import AccountSession

    now = datetime.now(timezone.utc)
    token = secrets.token_urlsafe(32)
    done = session.execute(update(AccountSession).where(
        AccountSession.handoff_hash == _token_hash(code), AccountSession.handoff_expires_at > now,
        AccountSession.revoked_at.is_(None), AccountSession.expires_at > now,
    ).values(token_hash=_token_hash(token), handoff_hash=None, handoff_expires_at=None)
        .execution_options(synchronize_session=False))
    return token if done.rowcount == 1 else None


def end_session(session: Session, token: str | None) -> None:
    """Sign out: the token stops working at once, wherever it was copied."""
    if not isinstance(token, str) or not token:
        return
    from prevention.storage.models.review import AccountSession

    row = session.scalar(select(AccountSession).where(AccountSession.token_hash == _token_hash(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = datetime.now(timezone.utc)


def user_for_identity(session: Session, email: str | None, name: str = "") -> User | None:
    """The account of someone the identity provider signed in.

    An unknown email gets a new `viewer` account (the provider vouched for the person; the
    public pages and own watchlists are all a viewer sees). A disabled account gets nothing.
    """
    if not email:
        return None
    Account = _account_model()
    email = email.strip().lower()
    account = session.scalar(select(Account).where(Account.email == email))
    if account is None:
        base = email.split("@")[0][:100] or "user"
        username, n = base, 1
        while session.scalar(select(Account.id).where(Account.username == username)) is not None:
            n += 1
            username = f"{base}{n}"
        account = Account(username=username, email=email, display_name=name, role="viewer",
                          password_hash=None, disabled=False)
        session.add(account)
        session.flush()
        audit.record(session, to_user(account), "account.add", "account", account.id,
                     after=_public(account), detail="first sign-in through the identity provider")
    if account.disabled:
        return None
    return to_user(account)


def oidc_configured(secrets: Mapping) -> bool:
    """True when `.streamlit/secrets.toml` has an [auth] section with a redirect URI."""
    try:
        section = secrets.get("auth")
    except Exception:  # st.secrets raises when there is no secrets file at all
        return False
    return bool(section) and "redirect_uri" in section


def list_accounts(session: Session, actor: Principal | None) -> list[dict]:
    require(actor, "account.manage", session)
    Account = _account_model()
    accounts = session.scalars(select(Account).order_by(Account.username))
    return [{"id": a.id, **_public(a), "created_at": a.created_at} for a in accounts]


def reviewers(session: Session) -> list[User]:
    """Accounts a case can be assigned to."""
    Account = _account_model()
    rows = session.scalars(select(Account).where(
        Account.role.in_(("reviewer", "admin")), Account.disabled.is_(False)).order_by(Account.username))
    return [to_user(a) for a in rows]


__all__ = ["User", "AccountError", "PermissionDenied", "add_account",
           "authenticate", "set_role",
           "disable", "enable", "set_password", "load_user", "user_for_identity", "require",
           "require_role", "oidc_configured", "count_accounts", "cli_actor"]

# The name the issue and the other modules use for the server-side check.
require_role = require

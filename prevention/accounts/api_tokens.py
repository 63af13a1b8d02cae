"""API tokens: one or more per account, for the token-protected part of /api/v1 (docs/api.md).

A token is shown once, when it is made; the database keeps only its SHA-256 and a short hint
(its first characters), like session tokens. The role behind a token is the account's role
as stored now, read on every request: a role change, a disabled account or a revoked token
applies at once. Tokens are made and revoked on the Account page (one's own) or with
`python -m prevention user token ...` (any account's).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from prevention.accounts import audit
from prevention.accounts.access import Principal, require
from prevention.accounts.auth import AccountError, User, get_account, load_user

PREFIX = "pd_"  # says what the string is when it turns up in a log or a config file
MAX_LABEL = 120
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often per token


@dataclass(frozen=True)
class TokenInfo:
    id: int
    username: str
    label: str
    hint: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def live(self) -> bool:
        return self.revoked_at is None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


def _model():
    from prevention.storage.models.api import ApiToken

    return ApiToken


def _account(session: Session, account_id: int):
    from prevention.storage.models.review import Account

    return session.get(Account, account_id)


def _info(session: Session, row) -> TokenInfo:
    account = _account(session, row.account_id)
    return TokenInfo(row.id, account.username if account else "?", row.label, row.hint,
                     _aware(row.created_at), _aware(row.last_used_at), _aware(row.revoked_at))


def _target(session: Session, actor: Principal | None, username: str | None):
    """The account a token is for: the actor's own, or (account.manage) anyone's."""
    require(actor, "api_token.manage", session)
    if username is None or (actor is not None and actor.id is not None
                            and username.strip().lower() == actor.username):
        if actor is None or actor.id is None:
            raise AccountError("name the account the token is for")
        account = _account(session, actor.id)
        if account is None:
            raise AccountError("your account no longer exists")
        return account
    require(actor, "account.manage", session)
    return get_account(session, username)


def create(session: Session, actor: Principal | None, label: str = "",
           username: str | None = None) -> tuple[TokenInfo, str]:
    """A new token for the actor's account (or, for an admin or the command line, for
    `username`'s). Returns its description and the token itself, which is never shown again."""
    label = " ".join((label or "").split())
    if len(label) > MAX_LABEL:
        raise AccountError(f"a token's label has at most {MAX_LABEL} characters")
    account = _target(session, actor, username)
    if account.disabled:
        raise AccountError(f"{account.username} is disabled; enable it first")
    ApiToken = _model()
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(account_id=account.id, label=label, token_hash=_hash(token),
                   hint=token[: len(PREFIX) + 6], created_at=datetime.now(timezone.utc))
    session.add(row)
    session.flush()
    audit.record(session, actor, "api_token.create", "api_token", row.id,
                 after={"account": account.username, "label": label, "hint": row.hint},
                 detail=account.username)
    return _info(session, row), token


def list_tokens(session: Session, actor: Principal | None,
                username: str | None = None) -> list[TokenInfo]:
    """The tokens of the actor's account (or, for admins, of `username`, or of every account
    when username is '*'), newest first."""
    ApiToken = _model()
    query = select(ApiToken).order_by(ApiToken.id.desc())
    if username == "*":
        require(actor, "account.manage", session)
    else:
        query = query.where(ApiToken.account_id == _target(session, actor, username).id)
    return [_info(session, row) for row in session.scalars(query)]


def revoke(session: Session, actor: Principal | None, token_id: int) -> TokenInfo:
    """Revoke one token: its owner may, and so may an admin. Revoking twice is harmless."""
    require(actor, "api_token.manage", session)
    row = session.get(_model(), token_id)
    own = row is not None and actor is not None and actor.id is not None \
        and row.account_id == actor.id
    if row is None or not own:
        try:
            require(actor, "account.manage", session)
        except PermissionError:
            raise AccountError(f"you have no API token {token_id}") from None
        if row is None:
            raise AccountError(f"there is no API token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(timezone.utc)
        session.flush()
        audit.record(session, actor, "api_token.revoke", "api_token", row.id,
                     after={"hint": row.hint}, detail=_info(session, row).username)
    return _info(session, row)


def user_for_token(session: Session, token: str | None) -> User | None:
    """The account behind a live token (None: unknown, revoked, or the account is disabled),
    with its role as stored now. Notes when it was last used (at most every TOUCH_EVERY)."""
    if not isinstance(token, str) or not token.startswith(PREFIX) or len(token) > 200:
        return None
    ApiToken = _model()
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    user = load_user(session, row.account_id)
    if user is None:
        return None
    now = datetime.now(timezone.utc)
    used = _aware(row.last_used_at)
    if used is None or now - used > TOUCH_EVERY:
        session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now)
                        .execution_options(synchronize_session=False))
    return user


def token_key(token: str) -> str:
    """What the rate limiter counts a token under (never the token itself)."""
    return _hash(token)[:32]

"""Following a watchlist without the page: its feed address (a token the owner can rotate)
and its e-mail digest (off, weekly or on change; `python -m prevention digest --send`).

Every change takes the acting account and goes through prevention.watch.watchlists' owner
check: only the list's owner rotates its feed or chooses its digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Engine, select

from prevention.accounts.access import Principal
from prevention.storage.db import session_scope
from prevention.storage.models.watch import DIGESTS, Watchlist, WatchlistItem, new_share_token
from prevention.watch.watchlists import WatchlistError, _owned

DIGEST_LABELS = {"off": "No e-mail", "weekly": "Weekly digest",
                 "change": "When a status changes or new signals arrive"}
assert set(DIGEST_LABELS) == set(DIGESTS)


@dataclass(frozen=True)
class Followed:
    """What a feed or a digest needs of a list."""

    id: int
    owner: str
    name: str
    shared: bool
    share_token: str
    feed_token: str
    digest: str
    countries: tuple[str, ...]
    digest_sent_at: datetime | None = None
    digest_statuses: dict | None = None


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


def _followed(s, w: Watchlist) -> Followed:
    codes = tuple(s.scalars(select(WatchlistItem.country).where(WatchlistItem.watchlist_id == w.id)
                            .order_by(WatchlistItem.country)))
    return Followed(w.id, w.owner, w.name, w.shared, w.share_token, w.feed_token, w.digest, codes,
                    _aware(w.digest_sent_at), dict(w.digest_statuses or {}))


def settings_of(watchlist_id: int, actor: Principal | None, engine: Engine | None = None) -> Followed:
    """The list's feed token and digest setting, for its owner only."""
    with session_scope(engine) as s:
        return _followed(s, _owned(s, watchlist_id, actor))


def rotate_feed_token(watchlist_id: int, actor: Principal | None,
                      engine: Engine | None = None) -> Followed:
    """A new feed address; the old one stops working at once (feed readers get 404)."""
    with session_scope(engine) as s:
        w = _owned(s, watchlist_id, actor)
        w.feed_token = new_share_token()
        w.updated_at = datetime.now(timezone.utc)
        s.flush()
        return _followed(s, w)


def set_digest(watchlist_id: int, actor: Principal | None, digest: str,
               engine: Engine | None = None) -> Followed:
    if digest not in DIGESTS:
        raise WatchlistError(f"a digest is one of {', '.join(DIGESTS)}, not {digest!r}")
    with session_scope(engine) as s:
        w = _owned(s, watchlist_id, actor)
        if w.digest != digest:
            w.digest = digest
            w.updated_at = datetime.now(timezone.utc)
        s.flush()
        return _followed(s, w)


def by_feed_token(token: str | None, engine: Engine | None = None) -> Followed | None:
    """The list a feed address belongs to (None for an unknown or rotated token)."""
    if not isinstance(token, str) or not token or len(token) > 64:
        return None
    with session_scope(engine) as s:
        w = s.scalar(select(Watchlist).where(Watchlist.feed_token == token))
        return _followed(s, w) if w is not None else None


def by_share_token(token: str | None, engine: Engine | None = None) -> Followed | None:
    """A list readable by its link (None when unknown or no longer shared)."""
    if not isinstance(token, str) or not token or len(token) > 64:
        return None
    with session_scope(engine) as s:
        w = s.scalar(select(Watchlist).where(Watchlist.share_token == token,
                                             Watchlist.shared.is_(True)))
        return _followed(s, w) if w is not None else None


def with_digests(engine: Engine | None = None) -> list[Followed]:
    """Every list whose owner asked for e-mail, by id (for `digest --send`)."""
    with session_scope(engine) as s:
        rows = s.scalars(select(Watchlist).where(Watchlist.digest != "off").order_by(Watchlist.id))
        return [_followed(s, w) for w in rows]


def owned_by(owner: str, engine: Engine | None = None) -> list[Followed]:
    with session_scope(engine) as s:
        rows = s.scalars(select(Watchlist).where(Watchlist.owner == owner).order_by(Watchlist.name))
        return [_followed(s, w) for w in rows]


def mark_digest_sent(watchlist_id: int, statuses: dict[str, str], at: datetime,
                     engine: Engine | None = None) -> None:
    """Record a sent digest (the digest command, which acts for the owner who asked for it)."""
    with session_scope(engine) as s:
        w = s.get(Watchlist, watchlist_id)
        if w is not None:
            w.digest_sent_at = at
            w.digest_statuses = dict(statuses)

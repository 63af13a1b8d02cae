"""Watchlists: create, rename, share and delete named lists of States; what changed since a
user's last visit; which States crossed the threshold since then.

Every write takes the acting account and checks, on the server side, that its role may manage
watchlists (prevention.accounts.access) and that it owns the list: hiding a button is not a check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from prevention.accounts.access import Principal, require
from prevention.storage.db import session_scope
from prevention.storage.models.core import Import, Signal
from prevention.storage.models.watch import (
    Watchlist,
    WatchlistItem,
    WatchlistVisit,
    new_share_token,
)
from triggers.vocabulary import COUNTRY_CODES

MAX_NAME = 200


class WatchlistError(ValueError):
    """A request that cannot be done; the message says what to do instead."""


class NotOwner(PermissionError):
    """Only a list's owner may change it."""


@dataclass(frozen=True)
class WatchlistInfo:
    id: int
    owner: str
    name: str
    shared: bool
    share_token: str
    countries: tuple[str, ...] = field(default_factory=tuple)


def _user(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise WatchlistError("sign in first: watchlists are kept under your account")
    return name[:120]


def _actor(actor: Principal | None, engine: Engine | None = None) -> str:
    require(actor, "watchlist.manage", engine)
    return _user(actor.username)


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise WatchlistError("give the watchlist a name")
    if len(name) > MAX_NAME:
        raise WatchlistError(f"a watchlist name has at most {MAX_NAME} characters")
    return name


def _info(s: Session, w: Watchlist) -> WatchlistInfo:
    codes = s.scalars(select(WatchlistItem.country).where(WatchlistItem.watchlist_id == w.id)
                      .order_by(WatchlistItem.country)).all()
    return WatchlistInfo(w.id, w.owner, w.name, w.shared, w.share_token, tuple(codes))


def _owned(s: Session, watchlist_id: int, actor: Principal | None) -> Watchlist:
    owner = _user(actor.username) if actor is not None else ""
    require(actor, "watchlist.manage", s)
    w = s.get(Watchlist, watchlist_id)
    if w is None:
        raise WatchlistError(f"watchlist {watchlist_id} does not exist (it may have been deleted)")
    if w.owner != owner:
        raise NotOwner(f"only {w.owner} can change the watchlist {w.name!r}")
    return w


def create(actor: Principal | None, name: str, countries=(), engine: Engine | None = None) -> WatchlistInfo:
    owner, name = _actor(actor, engine), _clean_name(name)
    try:
        with session_scope(engine) as s:
            w = Watchlist(owner=owner, name=name, shared=False, share_token=new_share_token())
            s.add(w)
            s.flush()
            _add(s, w, countries)
            return _info(s, w)
    except IntegrityError:
        raise WatchlistError(f"you already have a watchlist named {name!r}; choose another name") from None


def rename(watchlist_id: int, actor: Principal | None, new_name: str, engine: Engine | None = None) -> WatchlistInfo:
    new_name = _clean_name(new_name)
    try:
        with session_scope(engine) as s:
            w = _owned(s, watchlist_id, actor)
            w.name = new_name
            w.updated_at = datetime.now(timezone.utc)
            s.flush()
            return _info(s, w)
    except IntegrityError:
        raise WatchlistError(f"you already have a watchlist named {new_name!r}") from None


def set_shared(watchlist_id: int, actor: Principal | None, shared: bool, engine: Engine | None = None) -> WatchlistInfo:
    """Sharing makes the list readable by anyone with its link; unsharing revokes the old link."""
    with session_scope(engine) as s:
        w = _owned(s, watchlist_id, actor)
        if w.shared and not shared:
            w.share_token = new_share_token()
        w.shared = shared
        w.updated_at = datetime.now(timezone.utc)
        return _info(s, w)


def delete_list(watchlist_id: int, actor: Principal | None, engine: Engine | None = None) -> None:
    with session_scope(engine) as s:
        w = _owned(s, watchlist_id, actor)
        # Explicit child deletes: SQLite only cascades when foreign keys are on for the connection.
        s.execute(delete(WatchlistItem).where(WatchlistItem.watchlist_id == w.id))
        s.execute(delete(WatchlistVisit).where(WatchlistVisit.watchlist_id == w.id))
        s.delete(w)


def _add(s: Session, w: Watchlist, countries) -> None:
    codes = sorted({c.strip().upper() for c in countries if c and c.strip()})
    unknown = [c for c in codes if c not in COUNTRY_CODES]
    if unknown:
        raise WatchlistError(f"unknown country code(s) {', '.join(unknown)}; use ISO 3166-1 alpha-3")
    have = set(s.scalars(select(WatchlistItem.country).where(WatchlistItem.watchlist_id == w.id)))
    for c in codes:
        if c not in have:
            s.add(WatchlistItem(watchlist_id=w.id, country=c))


def set_countries(watchlist_id: int, actor: Principal | None, countries, engine: Engine | None = None) -> WatchlistInfo:
    """Replace the list's States with `countries`."""
    with session_scope(engine) as s:
        w = _owned(s, watchlist_id, actor)
        keep = {c.upper() for c in countries}
        s.execute(delete(WatchlistItem).where(WatchlistItem.watchlist_id == w.id,
                                              WatchlistItem.country.not_in(keep)))
        _add(s, w, keep)
        w.updated_at = datetime.now(timezone.utc)
        s.flush()
        return _info(s, w)


def add_countries(watchlist_id: int, actor: Principal | None, countries, engine: Engine | None = None) -> WatchlistInfo:
    with session_scope(engine) as s:
        w = _owned(s, watchlist_id, actor)
        _add(s, w, countries)
        s.flush()
        return _info(s, w)


def lists_for(owner: str, engine: Engine | None = None) -> list[WatchlistInfo]:
    """The user's own lists, by name."""
    owner = (owner or "").strip()
    if not owner:
        return []
    with session_scope(engine) as s:
        rows = s.scalars(select(Watchlist).where(Watchlist.owner == owner).order_by(Watchlist.name)).all()
        return [_info(s, w) for w in rows]


def shared_list(token: str, engine: Engine | None = None) -> WatchlistInfo | None:
    """A list someone shared, by its link's token (None if unknown or no longer shared)."""
    with session_scope(engine) as s:
        w = s.scalar(select(Watchlist).where(Watchlist.share_token == token, Watchlist.shared.is_(True)))
        return _info(s, w) if w else None


def last_visit(watchlist_id: int, user: str, engine: Engine | None = None) -> tuple[datetime | None, dict]:
    """When the user last looked at the list and the statuses they saw then."""
    with session_scope(engine) as s:
        v = s.get(WatchlistVisit, (watchlist_id, (user or "").strip()))
        if v is None:
            return None, {}
        at = v.visited_at if v.visited_at.tzinfo else v.visited_at.replace(tzinfo=timezone.utc)
        return at, dict(v.statuses or {})


def record_visit(watchlist_id: int, user: str, statuses: dict[str, str],
                 engine: Engine | None = None) -> None:
    user = _user(user)
    with session_scope(engine) as s:
        v = s.get(WatchlistVisit, (watchlist_id, user))
        if v is None:
            s.add(WatchlistVisit(watchlist_id=watchlist_id, user_name=user, statuses=statuses,
                                 visited_at=datetime.now(timezone.utc)))
        else:
            v.statuses = dict(statuses)
            v.visited_at = datetime.now(timezone.utc)


def arrived_since(countries, since: datetime | None, engine: Engine | None = None) -> pd.DataFrame:
    """Signals about `countries` stored by an import after `since` (all of them if None):
    signal_id, country, date, title, url, reference, imported_at."""
    codes = list(countries)
    cols = ["signal_id", "country", "date", "title", "url", "reference", "imported_at"]
    if not codes:
        return pd.DataFrame(columns=cols)
    with session_scope(engine) as s:
        q = (select(Signal.signal_id, Signal.country, Signal.date, Signal.title, Signal.url,
                    Signal.reference, Import.created_at)
             .join(Import, Import.id == Signal.import_id).where(Signal.country.in_(codes)))
        if since is not None:
            q = q.where(Import.created_at > since)
        rows = s.execute(q.order_by(Signal.date.desc()).limit(500)).all()
    return pd.DataFrame(rows, columns=cols)


def count_since(countries, since: datetime | None, engine: Engine | None = None) -> dict[str, int]:
    """How many signals about each country arrived after `since`."""
    codes = list(countries)
    if not codes:
        return {}
    with session_scope(engine) as s:
        q = (select(Signal.country, func.count()).join(Import, Import.id == Signal.import_id)
             .where(Signal.country.in_(codes)).group_by(Signal.country))
        if since is not None:
            q = q.where(Import.created_at > since)
        return {c: int(n) for c, n in s.execute(q).all()}


def crossings(before: dict[str, str], now: dict[str, str]) -> list[str]:
    """States that became triggered since the statuses in `before` (a first visit raises none)."""
    if not before:
        return []
    return sorted(c for c, st in now.items() if st == "triggered" and before.get(c, "clear") != "triggered")

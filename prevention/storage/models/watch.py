"""Watchlists: named lists of States a user follows, who may see them, and each user's last
visit (with the statuses seen then, so a State that crossed the threshold since raises an alert).

Owners are plain user names until accounts exist (issue 5); a foreign key to accounts can sit
beside `owner` later without changing the lists.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from prevention.storage.models.base import Base
from prevention.storage.models.core import utcnow


def new_share_token() -> str:
    # Unguessable: a shared list is readable by anyone holding its link.
    return secrets.token_urlsafe(16)


# How often a list's owner gets an e-mail digest (`python -m prevention digest --send`).
DIGESTS = ("off", "weekly", "change")


class Watchlist(Base):
    __tablename__ = "watchlists"
    __table_args__ = (UniqueConstraint("owner", "name"),
                      CheckConstraint("digest IN ('off', 'weekly', 'change')", name="digest_known"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(120), index=True)
    name: Mapped[str] = mapped_column(String(200))
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    share_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_share_token)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The list's Atom feed is /feeds/watchlist/<feed_token>.atom: a feed reader cannot sign
    # in, so the address is the key. Separate from the share link (a feed can be followed
    # without the list being readable on the web) and rotated by the owner.
    feed_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_share_token)
    digest: Mapped[str] = mapped_column(String(10), default="off", server_default="off")
    # When the last digest was sent, and the statuses it reported ({iso3: status}).
    digest_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    digest_statuses: Mapped[dict | None] = mapped_column(JSON)


class WatchlistItem(Base):
    __tablename__ = "watchlist_items"

    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"),
                                              primary_key=True)
    country: Mapped[str] = mapped_column(String(3), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WatchlistVisit(Base):
    """A user's last look at a list: when, and the status of each State then ({iso3: status})."""

    __tablename__ = "watchlist_visits"

    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"),
                                              primary_key=True)
    user_name: Mapped[str] = mapped_column(String(120), primary_key=True)
    visited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    statuses: Mapped[dict] = mapped_column(JSON, default=dict)

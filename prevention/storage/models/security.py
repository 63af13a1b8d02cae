"""Sign-in throttling (issue 12): failed attempts per account name and per client address.

Kept in the database, not in the browser session, so that a reload, a second browser or a
second server process sees the same count. prevention.accounts.auth.authenticate is the only writer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from prevention.storage.models.base import Base

SCOPES = ("account", "address")


class SignInThrottle(Base):
    __tablename__ = "sign_in_throttle"
    __table_args__ = (
        UniqueConstraint("scope", "key"),
        CheckConstraint("scope IN ('account', 'address')", name="scope_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    # A normalised username (known or not: a lock must not reveal which accounts exist), or a
    # client address as the server saw it ("local" for connections from this machine).
    key: Mapped[str] = mapped_column(String(200))
    # Attempts counted since the last success, the one being checked included.
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)

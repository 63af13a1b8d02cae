"""The read-only API (/api/v1, docs/api.md): tokens per account and the request counts that
rate-limit it.

A token is shown once, when it is made; only its SHA-256 is stored (like session tokens), with
a short hint so that its owner can tell tokens apart. The role behind a token is read from the
account on every request, so a role change or a disabled account applies at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from prevention.storage.models.base import Base
from prevention.storage.models.core import utcnow

RATE_SCOPES = ("address", "token")


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))  # the token's first characters
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiRateCount(Base):
    """Requests counted in one fixed window (window_start: seconds since 1970, UTC) for one
    client address or one token. In the database, so that every app process behind a proxy
    counts against the same limit (docs/api.md, "Rate limits")."""

    __tablename__ = "api_rate_counts"
    __table_args__ = (CheckConstraint("scope IN ('address', 'token')", name="scope_known"),)

    scope: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)

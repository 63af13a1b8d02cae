"""Accounts, review cases and the audit log (issue 5).

Snapshots, events, decisions, assessments and audit rows are written once and never changed:
the frozen record of what the Bureau looked at, and the history of what it did, must not be
quietly rewritten. The only mutable rows are accounts and a case's current state, and a case
carries a version column so that two reviewers saving at once cannot overwrite each other.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prevention.storage.models.base import Base

ROLES = ("viewer", "reviewer", "researcher", "admin")
CASE_STATES = ("new", "in_review", "decided", "closed")
RATINGS = ("positive", "mixed", "negative", "unknown")
DECISION_ACTIONS = (
    "dialogue", "cooperation_mission", "joint_mission", "hc_briefing", "special_session",
    "technical_assistance", "monitoring", "no_action",
)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role_known"),
        # The anonymous first-administrator form may succeed once in a database's life, even
        # when several browsers submit it at the same instant: the database keeps one row
        # with first_admin set, whoever checked "no admin yet" first.
        Index("uq_accounts_first_admin", "first_admin", unique=True,
              sqlite_where=text("first_admin"), postgresql_where=text("first_admin")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    # argon2id encoded hash (salt and parameters inside); NULL for accounts that sign in
    # only through the identity provider.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    first_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)


class ReviewCase(Base):
    __tablename__ = "review_cases"
    __table_args__ = (
        CheckConstraint(_in("status", CASE_STATES), name="status_known"),
        # At most one case per State that is not closed, even if two syncs race.
        Index("uq_review_cases_open_country", "country", unique=True,
              sqlite_where=text("status != 'closed'"),
              postgresql_where=text("status != 'closed'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(3), index=True)
    status: Mapped[str] = mapped_column(String(20), default="new")
    rule_set_id: Mapped[str] = mapped_column(String(120))
    rule_set_version: Mapped[int] = mapped_column(Integer)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    assignee: Mapped[Account | None] = relationship(lazy="joined")
    snapshots: Mapped[list["CaseSnapshot"]] = relationship(
        order_by="CaseSnapshot.seq", back_populates="case")

    # SQLAlchemy adds "AND version = <loaded>" to every UPDATE and raises StaleDataError when
    # another session got there first: the database-level half of the optimistic lock.
    __mapper_args__ = {"version_id_col": version}


class CaseSnapshot(Base):
    """What the Bureau looked at when the case opened (seq 1) or reopened (seq 2, 3, ...)."""

    __tablename__ = "case_snapshots"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("review_cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    rule_set_id: Mapped[str] = mapped_column(String(120))
    rule_set_version: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    criteria_met: Mapped[int] = mapped_column(Integer)
    # [{criterion_id, type, enabled, met, value, threshold, window_start, sentence, evidence}]
    criteria: Mapped[list] = mapped_column(JSON)
    # {signal_id: sha256 of the signal's content at the time}
    evidence: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[ReviewCase] = relationship(back_populates="snapshots")


class CaseEvent(Base):
    """One thing that happened to a case: opened, status, assigned, comment, assessment, ..."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("review_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    actor: Mapped[str] = mapped_column(String(120))  # username at the time, or "system"
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    case_version: Mapped[int] = mapped_column(Integer)  # the case's version after this event
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)


class CaseDecision(Base):
    __tablename__ = "case_decisions"
    __table_args__ = (CheckConstraint(_in("action", DECISION_ACTIONS), name="action_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("review_cases.id"), index=True)
    snapshot_seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    rationale: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    decided_by: Mapped[str] = mapped_column(String(120))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseAssessment(Base):
    """A reviewer's judgement on one Irish-Principles factor; the latest per factor is current."""

    __tablename__ = "case_assessments"
    __table_args__ = (CheckConstraint(_in("rating", RATINGS), name="rating_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("review_cases.id"), index=True)
    judgement: Mapped[str] = mapped_column(String(60))
    rating: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    author: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    case_version: Mapped[int] = mapped_column(Integer)


class AuditEntry(Base):
    """Append-only. Insert through prevention.accounts.audit.record; UPDATE and DELETE are refused by
    database triggers (see the migration) and by the ORM hooks in prevention.accounts.audit."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)  # no FK: the log outlives accounts
    actor: Mapped[str] = mapped_column(String(120), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(200), default="")
    before: Mapped[str | None] = mapped_column(Text)  # canonical JSON, or NULL when created
    after: Mapped[str | None] = mapped_column(Text)  # canonical JSON, or NULL when removed
    detail: Mapped[str] = mapped_column(Text, default="")


class RuleSetPublication(Base):
    """Which stored rule-set version cases open under; the latest row is in force."""

    __tablename__ = "rule_set_publications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_set_id: Mapped[str] = mapped_column(String(120))
    rule_set_version: Mapped[int] = mapped_column(Integer)
    published_by: Mapped[str] = mapped_column(String(120))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class AccountSession(Base):
    """A signed-in browser: the cookie holds a random token, this row only its SHA-256.

    The role is never stored here or in the cookie: it is read from the account on every run,
    so a stolen or stale cookie can give at most what the account has now, and signing out or
    disabling the account ends it.
    """

    __tablename__ = "account_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A sign-in hands the browser a one-time code (only its hash is here); the server route
    # that sets the HttpOnly cookie exchanges it once, before handoff_expires_at, for the
    # cookie's token (prevention.web.routes).
    handoff_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    handoff_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

"""Storage of the evidence: countries, issuers, signals, memberships, outcomes, rule sets,
and the imports that brought each row in, with their quarantined rows.

Natural keys are the primary keys where a source has one (signal_id, issuer_id, iso3), so that
re-importing a file finds what is already stored instead of adding a copy. Rows that have no
natural id (memberships, outcomes, accreditation history) carry a surrogate id and their
natural key is checked by the ingest step.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from prevention.storage.models.base import Base

QUARANTINE_STATUSES = ("open", "fixed")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Country(Base):
    """A State or territory by ISO 3166-1 alpha-3, with its UN names and UN regional group."""

    __tablename__ = "countries"

    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    formal_name: Mapped[str] = mapped_column(String(300), default="")
    # African, Asia-Pacific, Eastern European, GRULAC, WEOG; empty for non-members.
    un_group: Mapped[str] = mapped_column(String(40), default="")
    # Official names in the six UN languages {"ar": ..., "zh": ..., ...}, where known.
    names: Mapped[dict] = mapped_column(JSON, default=dict)


class Import(Base):
    """One run of an importer: who ran it on which file, and how every row ended."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A plain user name until accounts exist (issue 5); later a foreign key can sit beside it.
    user_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source_kind: Mapped[str] = mapped_column(String(40))
    # The parser options (e.g. a table's column mapping): a quarantined row is re-parsed
    # with the same options when a user fixes it.
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    # {"skipped": {reason: rows}, "problems": [first problems as text], "problem_count": n}
    problems: Mapped[dict] = mapped_column(JSON, default=dict)


class Issuer(Base):
    """Who expressed concern. `accreditation`/`scope` are the current values; the history of
    NHRI reviews and ECOSOC status is in issuer_accreditations."""

    __tablename__ = "issuers"

    issuer_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    country: Mapped[str] = mapped_column(String(3), default="")
    accreditation: Mapped[str] = mapped_column(String(20), default="")
    scope: Mapped[str] = mapped_column(String(20), default="")
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), index=True)


class IssuerAccreditation(Base):
    """One accreditation decision: an NHRI's GANHRI status at a review, or an NGO's ECOSOC
    status and scope as of a date."""

    __tablename__ = "issuer_accreditations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.issuer_id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(20), default="")
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), index=True)


# Signals and their links are clustered on their keys on SQLite (WITHOUT ROWID): one B-tree
# per table instead of a table plus a key index, which halves the work of a big import. No
# other index: the dashboard reads them whole (prevention.storage.frames), never by country or import.
class Signal(Base):
    __tablename__ = "signals"
    __table_args__ = {"sqlite_with_rowid": False}

    signal_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    date: Mapped[date] = mapped_column(Date)
    country: Mapped[str] = mapped_column(String(3))
    concern: Mapped[bool] = mapped_column(Boolean, default=True)
    title: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(20), default="")
    # What kind of statement it is, in the source's own reading (GA/SC: human_rights_situation,
    # peace_operation, ...; docs/importers.md); rule sets may count only some categories.
    category: Mapped[str] = mapped_column(String(60), default="", server_default="")
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))


class SignalIssuer(Base):
    __tablename__ = "signal_issuers"
    __table_args__ = {"sqlite_with_rowid": False}

    signal_id: Mapped[str] = mapped_column(ForeignKey("signals.signal_id"), primary_key=True)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.issuer_id"), primary_key=True)


class Membership(Base):
    """A State's membership of an organisation; `until` is the first day it is no longer a
    member (NULL: still a member). `since` NULL: a member since before the data begins."""

    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_key", "org_id", "country", "since"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(3))
    since: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), index=True)


class Outcome(Base):
    """Something the Council did about a situation (for back-testing); country empty for
    thematic outcomes."""

    __tablename__ = "outcomes"
    __table_args__ = (
        CheckConstraint("kind IN ('special_session', 'commission_of_inquiry', "
                        "'fact_finding_mission', 'urgent_debate', 'country_resolution', 'other')",
                        name="kind_known"),
        Index("ix_outcomes_key", "kind", "reference", "country"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(3), default="")
    date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), index=True)


COVERAGE_COMPLETENESS = ("complete", "sample")


class Coverage(Base):
    """What a source was searched for: issuers of one kind, about one State (or every State,
    country ""), on every day of [start, end] (both included). `complete`: everything the
    source published is stored; `sample`: some of it. Declared by the import that brought
    the data (import_id), or by a user on the Data page (declared_by). docs/coverage.md."""

    __tablename__ = "coverage"
    __table_args__ = (
        CheckConstraint("completeness IN ('complete', 'sample')", name="completeness_known"),
        CheckConstraint('"end" >= start', name="end_after_start"),
        Index("ix_coverage_key", "source", "issuer_kind", "country", "start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    issuer_kind: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(3), default="")
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    completeness: Mapped[str] = mapped_column(String(10), default="complete")
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), index=True)
    declared_by: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RuleSetVersion(Base):
    """One immutable version of a rule set; editing adds the next version."""

    __tablename__ = "rule_sets"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)  # the rule set as YAML, exactly as validated
    author: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class QuarantinedRow(Base):
    """A row an import could not accept, kept with the reason and the row as read so a user
    can fix it and submit it again."""

    __tablename__ = "quarantine"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'fixed')", name="status_known"),
        Index("ix_quarantine_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)
    row: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[dict] = mapped_column(JSON, default=dict)
    suggestions: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="open")
    # The row's natural key (ingest.report.quarantine_key): an open row is not quarantined twice.
    key: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)
    fixed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fixed_by: Mapped[str | None] = mapped_column(String(120))
    # The import that stored the corrected row (a re-submission is an import of its own).
    fixed_import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))


class DataVersion(Base):
    """A single counter bumped by every write to the evidence, so caches can key on it."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)

"""The stored status table (issue 17): every State's status under a stored rule-set version,
kept as runs of days, so that the Overview for a day is a lookup instead of an evaluation.

A run is one State's whole Overview row (status, criteria met, and per enabled criterion: met,
value, coverage state and covered days) that stays the same from `first_day` to `last_day`.
`status_refreshes` says which days were computed for a rule-set version and on which data
version: rows computed before the last write to the evidence are never read
(prevention/cases/statuses.py).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from prevention.storage.models.base import Base
from prevention.storage.models.core import utcnow


class StatusRefresh(Base):
    """The days stored for one rule-set version, and the data version they were computed on."""

    __tablename__ = "status_refreshes"

    rule_set_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    rule_set_version: Mapped[int] = mapped_column(Integer, primary_key=True)
    # sha256 of the rule set's YAML: a row is read only for exactly the rules it was made by.
    rules_sha: Mapped[str] = mapped_column(String(64))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    data_version: Mapped[int] = mapped_column(Integer)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StatusRun(Base):
    """One State's Overview row, the same on every day from first_day to last_day."""

    __tablename__ = "status_runs"
    __table_args__ = (Index("ix_status_runs_lookup", "rule_set_id", "rule_set_version",
                            "last_day", "first_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_set_id: Mapped[str] = mapped_column(String(100))
    rule_set_version: Mapped[int] = mapped_column(Integer)
    country: Mapped[str] = mapped_column(String(3))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    criteria_met: Mapped[int] = mapped_column(Integer)
    # JSON list, per criterion of the rule set in order: [met, value, coverage, covered_days].
    criteria: Mapped[str] = mapped_column(Text)

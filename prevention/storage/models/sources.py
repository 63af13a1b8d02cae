"""What the fetch command keeps of the public sources (docs/connectors.md, "Fetching"):
a cursor per source, every raw response (compressed, hashed), and which response each signal
was read from.

`source_cursors.run` is the run in progress: the cursor it started from, the archived pages
stored so far and the request of the next page. Each page is stored in one transaction that
also advances `run`, so a killed fetch leaves the database as after its last whole page and
the next fetch continues with the page that was not stored.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from prevention.storage.models.base import Base
from prevention.storage.models.core import utcnow

# done: the pager reached the end (or the source said nothing changed); incomplete: stopped
# early with a problem (repeated or unreadable page, page bound), the next fetch resumes;
# failed: the source or the store failed after some pages (resumes too).
FETCH_OUTCOMES = ("done", "not_modified", "incomplete", "failed")


class SourceCursor(Base):
    __tablename__ = "source_cursors"
    __table_args__ = (
        CheckConstraint("last_outcome IN ('', 'done', 'not_modified', 'incomplete', 'failed')",
                        name="outcome_known"),
    )

    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    # The connector's Cursor (prevention.sources.connector.Cursor) after the last whole run.
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    known: Mapped[list] = mapped_column(JSON, default=list)
    etag: Mapped[str] = mapped_column(Text, default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")
    # The run in progress or interrupted (None: none): {"token", "started_at", "heartbeat",
    # "cursor": {...}, "pages": [response ids], "next": request or None}.
    # none_as_null: no run is SQL NULL, not the JSON text 'null'.
    run: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    # The last run that fetched something (a fetch that reached nothing changes nothing).
    last_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_outcome: Mapped[str] = mapped_column(String(20), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_actor: Mapped[str] = mapped_column(String(120), default="")
    last_pages: Mapped[int] = mapped_column(Integer, default=0)
    last_accepted: Mapped[int] = mapped_column(Integer, default=0)
    last_duplicates: Mapped[int] = mapped_column(Integer, default=0)
    last_quarantined: Mapped[int] = mapped_column(Integer, default=0)
    last_skipped: Mapped[int] = mapped_column(Integer, default=0)
    last_coverage: Mapped[int] = mapped_column(Integer, default=0)


class RawResponse(Base):
    """One response as received: the body gzip-compressed (fixed mtime), its SHA-256, and the
    request that asked for it (the parsers read paging state from it, so `reparse` needs it).
    One row per distinct body of a source: fetching the same bytes again archives nothing."""

    __tablename__ = "raw_responses"
    __table_args__ = (UniqueConstraint("source", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    url: Mapped[str] = mapped_column(Text)
    request: Mapped[dict] = mapped_column(JSON, default=dict)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(200), default="")
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)  # bytes of the body before compression
    body: Mapped[bytes] = mapped_column(LargeBinary)
    # The import that stored what the page held (the latest, after a reparse); None when the
    # page held nothing to store (a dataset's file list).
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), index=True)


class SignalResponse(Base):
    """A signal was read from this archived response (one signal can be in several)."""

    __tablename__ = "signal_responses"

    signal_id: Mapped[str] = mapped_column(ForeignKey("signals.signal_id"), primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("raw_responses.id"), primary_key=True,
                                             index=True)

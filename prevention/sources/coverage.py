"""Coverage a person declares or ends on the Data page ("we entered every High Commissioner
statement of 2024"), beside what imports declare (docs/coverage.md).

Each function checks the actor's role itself, writes an audit row and bumps the data version in
the caller's transaction, and leaves the commit to the caller.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from prevention.accounts import audit
from prevention.accounts.access import Principal, require
from prevention.storage.frames import bump_version
from prevention.storage.models.core import Coverage, utcnow
from triggers.bundle import BundleError, validate_coverage


class CoverageError(ValueError):
    """A coverage row that cannot be declared or ended as asked; the message says why."""


def _row(c: Coverage) -> dict:
    return {"source": c.source, "issuer_kind": c.issuer_kind, "country": c.country,
            "start": c.start.isoformat(), "end": c.end.isoformat(),
            "completeness": c.completeness, "note": c.note}


def declare(session: Session, actor: Principal | None, *, source: str, issuer_kind: str,
            start: date | str, end: date | str, country: str = "",
            completeness: str = "complete", note: str = "") -> Coverage:
    """Store one coverage row declared by a person. The same row twice is refused."""
    require(actor, "coverage.declare", session)
    given = pd.DataFrame([{"source": source, "issuer_kind": issuer_kind, "country": country,
                           "start": str(start), "end": str(end), "completeness": completeness}])
    try:
        row = validate_coverage(given).iloc[0]
    except BundleError as exc:
        raise CoverageError("; ".join(f"{p.field}: {p.message}" for p in exc.problems)) from None
    values = dict(source=row["source"], issuer_kind=row["issuer_kind"], country=row["country"],
                  start=row["start"].date(), end=row["end"].date(),
                  completeness=row["completeness"])
    if session.query(Coverage.id).filter_by(**values).first() is not None:
        raise CoverageError(f"this coverage row is already stored ({values['source']}, "
                            f"{values['issuer_kind']}, {values['start']} to {values['end']})")
    cov = Coverage(**values, import_id=None, declared_by=actor.username, note=note.strip(),
                   created_at=utcnow())
    session.add(cov)
    session.flush()
    audit.record(session, actor, "coverage.declare", "coverage", cov.id, after=_row(cov),
                 detail=note.strip())
    bump_version(session)
    return cov


def end(session: Session, actor: Principal | None, coverage_id: int, last_day: date | str,
        note: str = "") -> Coverage:
    """Shorten a coverage row to end on `last_day` (a source that stopped being kept up)."""
    require(actor, "coverage.declare", session)
    cov = session.get(Coverage, coverage_id)
    if cov is None:
        raise CoverageError(f"no coverage row #{coverage_id}")
    try:
        last = last_day if isinstance(last_day, date) else date.fromisoformat(str(last_day))
    except ValueError:
        raise CoverageError(f"{last_day!r} is not a day; write it as YYYY-MM-DD") from None
    if not (cov.start <= last <= cov.end):
        raise CoverageError(f"the new last day must be between the row's start ({cov.start}) "
                            f"and its current end ({cov.end})")
    before = _row(cov)
    cov.end = last
    if note.strip():
        cov.note = (cov.note + "\n" if cov.note else "") + note.strip()
    session.flush()
    audit.record(session, actor, "coverage.end", "coverage", cov.id, before=before,
                 after=_row(cov), detail=note.strip())
    bump_version(session)
    return cov

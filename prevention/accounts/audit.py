"""The append-only audit trail: who did what, when, with the values before and after.

Writers call `record()` inside their own transaction, so an audit row exists exactly when the
change it describes was committed. Nothing in the application updates or deletes audit rows:
the ORM refuses it here, the database refuses it with triggers (see the review migration), and
tests/review/test_audit.py scans the code for any statement that would try.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, event, insert, select
from sqlalchemy.orm import Session

from prevention.accounts.access import Principal, require
from prevention.storage.models.review import AuditEntry

SYSTEM = "system"

# Keys whose values never go into the log, whatever a caller passes.
_SECRET_KEYS = {"password", "password_hash", "new_password", "secret", "token"}


class AuditImmutable(RuntimeError):
    """Something tried to change or remove an audit row."""


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise AuditImmutable(f"audit entry {target.id} is append-only; it cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    raise AuditImmutable(f"audit entry {target.id} is append-only; it cannot be deleted")


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("<redacted>" if str(k).lower() in _SECRET_KEYS else _scrub(v))
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v) for v in value]
    return value


def to_json(value: Any) -> str | None:
    """Canonical JSON (sorted keys, ISO dates) so that equal values log identically."""
    if value is None:
        return None
    return json.dumps(_scrub(value), sort_keys=True, default=_default, ensure_ascii=False)


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


def record(bind: Session | Connection, actor: Principal | str | None, action: str, entity_type: str,
           entity_id: Any = "", before: Any = None, after: Any = None, detail: str = "") -> AuditEntry | None:
    """Add one audit row to the caller's transaction (an ORM Session or a Core Connection, as
    the importers use). `actor` is a signed-in user, a bare name (imports record the name they
    were given), or None for the system itself."""
    if actor is None:
        actor_id, name = None, SYSTEM
    elif isinstance(actor, str):
        actor_id, name = None, actor[:120] or SYSTEM
    else:
        actor_id, name = actor.id, actor.username
    values = dict(actor_id=actor_id, actor=name, action=action, entity_type=entity_type,
                  entity_id=str(entity_id if entity_id is not None else ""),
                  before=to_json(before), after=to_json(after), detail=detail,
                  at=datetime.now(timezone.utc))
    if isinstance(bind, Connection):
        bind.execute(insert(AuditEntry.__table__).values(**values))
        return None
    entry = AuditEntry(**values)
    bind.add(entry)
    return entry


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None  # exact, or a prefix ending in "." such as "case."
    entity_type: str | None = None
    entity_id: str | None = None
    since: date | None = None  # inclusive, UTC days
    until: date | None = None  # inclusive
    text: str | None = None  # substring of detail, before or after
    limit: int = 1000


def query(session: Session, viewer: Principal | None, flt: AuditFilter = AuditFilter()) -> list[AuditEntry]:
    """Audit rows matching the filter, newest first. Admins only."""
    require(viewer, "audit.view", session)
    stmt = select(AuditEntry)
    if flt.actor:
        stmt = stmt.where(AuditEntry.actor == flt.actor)
    if flt.action:
        stmt = stmt.where(AuditEntry.action.startswith(flt.action) if flt.action.endswith(".")
                          else AuditEntry.action == flt.action)
    if flt.entity_type:
        stmt = stmt.where(AuditEntry.entity_type == flt.entity_type)
    if flt.entity_id:
        stmt = stmt.where(AuditEntry.entity_id == flt.entity_id)
    if flt.since:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(flt.since, time(), timezone.utc))
    if flt.until:
        stmt = stmt.where(AuditEntry.at < datetime.combine(flt.until + timedelta(days=1), time(),
                                                           timezone.utc))
    if flt.text:
        like = f"%{flt.text}%"
        stmt = stmt.where(AuditEntry.detail.ilike(like) | AuditEntry.before.ilike(like)
                          | AuditEntry.after.ilike(like))
    stmt = stmt.order_by(AuditEntry.id.desc()).limit(flt.limit)
    return list(session.scalars(stmt))


EXPORT_COLUMNS = ["id", "at", "actor", "action", "entity_type", "entity_id", "before", "after", "detail"]


def rows(entries: list[AuditEntry]) -> list[dict]:
    return [{c: (getattr(e, c).isoformat() if c == "at" else getattr(e, c)) for c in EXPORT_COLUMNS}
            for e in entries]


def export_csv(session: Session, viewer: Principal | None, flt: AuditFilter = AuditFilter()) -> str:
    """The filtered log as CSV text; the export itself is audited."""
    require(viewer, "audit.export", session)
    entries = query(session, viewer, flt)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    from prevention.display.text import (
        inert_cell,  # the one rule for formula-looking cells
    )

    writer.writerows({k: inert_cell(v) for k, v in row.items()} for row in rows(entries))
    record(session, viewer, "audit.export", "audit_log", "",
           after={"rows": len(entries), "filter": flt.__dict__})
    return out.getvalue()

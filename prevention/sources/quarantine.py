"""The quarantine: rows an import could not accept, waiting to be fixed and re-submitted.

A fix edits the raw row and sends it through the same parser (with the original import's
options) and the same storage rules. It either goes in (the quarantined row is marked fixed,
pointing at the import that stored it) or stays open with the new reason, in one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Engine

from prevention.accounts import audit
from prevention.accounts.access import Principal, require
from prevention.sources.importers import PARSERS, get_parser
from prevention.sources.ingest import (
    ImportReport,
    new_report,
    rejected_key,
    store_in,
    stored_issuer_ids,
)
from prevention.storage.db import get_engine
from prevention.storage.frames import invalidate
from prevention.storage.models.core import Import, QuarantinedRow
from triggers.memfiles import MemoryFile, MemoryFolder
from triggers.schema import BUNDLE_TABLES

BUNDLE_FILES = {t.file: t for t in BUNDLE_TABLES}

QUARANTINE_COLUMNS = ["id", "import_id", "file_name", "kind", "row", "field", "value", "reason",
                      "raw", "suggestions", "status"]


class QuarantineError(LookupError):
    """No such quarantined row, or it is not open."""


@dataclass(frozen=True)
class FixResult:
    fixed: bool
    reason: str  # why it is still quarantined ("" when fixed)
    report: ImportReport | None  # the import that stored the row, when fixed


def list_quarantine(status: str | None = "open", import_id: int | None = None,
                    engine: Engine | None = None) -> pd.DataFrame:
    """Quarantined rows with the file and kind of their import (newest first)."""
    q, i = QuarantinedRow.__table__, Import.__table__
    query = (sa.select(q.c.id, q.c.import_id, i.c.file_name, i.c.source_kind.label("kind"),
                       q.c.row, q.c.field, q.c.value, q.c.reason, q.c.raw, q.c.suggestions,
                       q.c.status)
             .join(i, i.c.id == q.c.import_id).order_by(q.c.id.desc()))
    if status:
        query = query.where(q.c.status == status)
    if import_id is not None:
        query = query.where(q.c.import_id == import_id)
    with (engine or get_engine()).connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=QUARANTINE_COLUMNS)


def _row_file(kind: str, file_name: str, raw: dict) -> MemoryFile | MemoryFolder:
    """The edited row as a one-row file the parser reads like the original (in memory: a
    bundle row as a folder of its file and the other files' headers)."""
    fields = {k: ("" if v is None else str(v)) for k, v in raw.items() if k != "_file"}
    if "_line" in fields:
        # A row that could not be split into cells is fixed as the text of its line.
        text = fields.get("_header", "") + "\n" + fields["_line"] + "\n"
    else:
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(list(fields))
        writer.writerow(list(fields.values()))
        text = out.getvalue()
    if kind != "bundle":
        return MemoryFile(f"{Path(file_name).stem or 'row'}.csv", text.encode("utf-8"))
    name = raw.get("_file", "signals.csv")
    files = {other: (",".join(table.required) + "\n").encode("utf-8")
             for other, table in BUNDLE_FILES.items()
             if other != name and other in ("signals.csv", "issuers.csv")}
    return MemoryFolder("bundle", {**files, name: text.encode("utf-8")})


def _fetched_row_reason(engine: Engine, import_id: int) -> str:
    with engine.connect() as conn:
        source = conn.execute(sa.text("SELECT source FROM raw_responses WHERE import_id = :i"),
                              {"i": import_id}).scalar() or "its source"
    return (f"this row was fetched from {source}, not imported from a file: it cannot be "
            "edited here. Fix what the connector reads (or the reference table it names, "
            f"such as data/reference/sp_mandates.csv), then run `python -m prevention reparse "
            f"{source}`, which reads the archived response again")


class _StillBad(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def resubmit(quarantine_id: int, raw: dict, *, user: Principal,
             engine: Engine | None = None) -> FixResult:
    """Re-parse an edited row and store it, or keep it quarantined with the new reason.
    `user`: the acting account; its stored role must allow `quarantine.fix`."""
    engine = engine or get_engine()
    with engine.connect() as conn:
        require(user, "quarantine.fix", conn)
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(QuarantinedRow.__table__, Import.source_kind, Import.file_name,
                      Import.options)
            .join(Import.__table__, Import.id == QuarantinedRow.import_id)
            .where(QuarantinedRow.id == quarantine_id)).mappings().first()
    if found is None:
        raise QuarantineError(f"no quarantined row #{quarantine_id}")
    if found["status"] != "open":
        raise QuarantineError(f"quarantined row #{quarantine_id} is already {found['status']}")
    # Rows of a bundle file, and stored-record conflicts (written as bundle rows), go back
    # through the bundle parser; every other row through its import's own parser.
    kind = "bundle" if raw.get("_file") in BUNDLE_FILES else found["source_kind"]
    if kind not in PARSERS:
        # A row a fetch read from a source's response: no file parser reads it back. It stays
        # open, unchanged; the fix is the connector's parser, then a reparse of the archive.
        return FixResult(False, _fetched_row_reason(engine, found["import_id"]), None)
    options = dict(found["options"] or {}) if kind == found["source_kind"] else {}
    if kind == "bundle":
        options["known_issuers"] = stored_issuer_ids(engine)
    parsed = get_parser(kind)(_row_file(kind, found["file_name"], raw), **options)
    parsed.file_name = f"quarantine #{quarantine_id} ({found['file_name']}, row {found['row']})"
    digest = hashlib.sha256(repr(sorted(raw.items())).encode("utf-8", "replace")).hexdigest()
    report = new_report(parsed, digest)
    q = QuarantinedRow.__table__
    try:
        with engine.begin() as conn:
            rows = [r for r in parsed.rejected if rejected_key(r) is not None]
            if rows or parsed.rows_read == 0:
                reason = "; ".join(r.reason for r in rows) or "; ".join(
                    str(r) for r in parsed.rejected) or "the row could not be read"
                raise _StillBad(reason)
            kept = {k: v for k, v in options.items() if k != "known_issuers"}
            store_in(conn, parsed, report, user=user, action="quarantine.fix",
                     options=kept | {"quarantine_id": quarantine_id})
            if report.quarantined or report.skipped:
                raise _StillBad("; ".join(report.problems) or
                                "skipped: " + ", ".join(report.skipped_by_reason))
            conn.execute(sa.update(q).where(q.c.id == quarantine_id).values(
                status="fixed", fixed_at=datetime.now(timezone.utc), fixed_by=user.username[:120],
                fixed_import_id=report.import_id, raw=raw))
            audit.record(conn, user, "quarantine.fix", "quarantine", quarantine_id,
                         before={"raw": found["raw"]}, after={"raw": raw, "import_id": report.import_id})
    except _StillBad as bad:
        # The failed attempt was rolled back; keep the user's edit and the new reason.
        with engine.begin() as conn:
            conn.execute(sa.update(q).where(q.c.id == quarantine_id).values(
                raw=raw, reason=bad.reason))
            audit.record(conn, user, "quarantine.edit", "quarantine", quarantine_id,
                         before={"raw": found["raw"]}, after={"raw": raw, "reason": bad.reason})
        return FixResult(False, bad.reason, None)
    invalidate()
    return FixResult(True, "", report)

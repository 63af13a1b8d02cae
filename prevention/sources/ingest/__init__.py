"""Store a parsed file: one transaction, natural keys, every row accounted for.

`store()` takes a `ParsedImport` (see importers/base.py) and writes, inside ONE transaction,
the import row, the new records, the quarantined rows and the counts. An exception, a crash or
a killed process before the commit leaves the database exactly as it was.

Each data row of the file ends in one bucket:
- accepted: at least one of its records is new;
- duplicate: every record it yields is already stored with the same content (re-importing the
  same or an overlapping file adds nothing);
- quarantined: the parser rejected it, or one of its records has a stored key with different
  content (the stored record wins; the row waits in quarantine with the reason);
- skipped: out of scope (the parser says why).

A row is all or nothing: when one record of a row is quarantined, none of its records is stored,
so a fixed row re-submitted later brings all of them in.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from prevention.accounts import audit
from prevention.accounts.access import Principal, require
from prevention.sources.importers.base import ParsedImport
from prevention.sources.ingest.cells import clean_text, clipped, jsonable
from prevention.sources.ingest.coverage import declared, store_coverage
from prevention.sources.ingest.fields import ISSUER_FIELDS, SIGNAL_FIELDS
from prevention.sources.ingest.lookup import fetch_in, isin_mask, stored_issuer_ids
from prevention.sources.ingest.records import (
    store_accreditations,
    store_history,
    store_memberships,
    store_outcomes,
)
from prevention.sources.ingest.report import (
    SHOWN_PROBLEMS,
    ImportReport,
    IngestError,
    quarantine_key,
    rejected_key,
    row_key,
)
from prevention.sources.ingest.rows import RowOutcomes
from prevention.sources.ingest.signals import store_issuers, store_signals
from prevention.sources.ingest.writer import ACCREDITATIONS_TABLE, Progress, Writer
from prevention.storage.db import BUSY_MESSAGE, get_engine, is_busy
from prevention.storage.frames import bump_version, invalidate
from prevention.storage.models.core import Import, QuarantinedRow
from triggers.problems import Problem

__all__ = ["ImportReport", "IngestError", "Progress", "declare_coverage", "file_sha256",
           "import_file", "new_report",
           "nothing_read", "rejected_key", "row_key", "store", "store_in", "stored_issuer_ids",
           "ISSUER_FIELDS", "SIGNAL_FIELDS"]


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, or of a folder's files (names and contents, in name order)."""
    path = Path(path)
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            digest.update(str(f.relative_to(path)).encode() + b"\0")
        try:
            with f.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()


AUDITED_COUNTS = ("kind", "file_name", "sha256", "rows_read", "accepted", "duplicates",
                  "quarantined", "skipped", "problem_count", "coverage")


def store(parsed: ParsedImport, *, user: Principal, sha256: str = "", options: dict | None = None,
          engine: Engine | None = None, progress: Progress | None = None) -> ImportReport:
    """Store one parsed file in one transaction and return its report."""
    report = new_report(parsed, sha256)
    if nothing_read(parsed):
        return report
    try:
        with (engine or get_engine()).begin() as conn:
            store_in(conn, parsed, report, user=user, options=options, progress=progress)
            audit.record(conn, user, "import.run", "import", report.import_id,
                         detail=parsed.file_name,
                         after={k: getattr(report, k) for k in AUDITED_COUNTS})
    except sa.exc.OperationalError as exc:
        if not is_busy(exc):
            raise
        raise IngestError(f"{parsed.file_name}: {BUSY_MESSAGE}; nothing was stored") from None
    except sa.exc.IntegrityError as exc:
        raise IngestError(
            f"{parsed.file_name}: the database refused the import ({exc.orig}); nothing was "
            "stored. If another import ran at the same time, run this one again.") from exc
    invalidate()
    from prevention.cases import (
        statuses,  # the stored status table, once the import committed
    )

    statuses.after_write(engine)
    return report


def new_report(parsed: ParsedImport, sha256: str) -> ImportReport:
    report = ImportReport(import_id=None, kind=parsed.kind, file_name=parsed.file_name,
                          sha256=sha256, rows_read=parsed.rows_read,
                          skipped=parsed.skipped_rows, skipped_by_reason=dict(parsed.skipped))
    file_level = [r for r in parsed.rejected if rejected_key(r) is None]
    report.problems = [str(r) for r in file_level]
    report.problem_count = len(file_level)
    return report


def nothing_read(parsed: ParsedImport) -> bool:
    """True when the file could not be read at all: no import is recorded."""
    return parsed.rows_read == 0 and any(rejected_key(r) is None for r in parsed.rejected)


def import_file(path: str | Path, kind: str, *, user: Principal, engine: Engine | None = None,
                progress: Progress | None = None, **options) -> ImportReport:
    """Parse `path` with the parser registered for `kind` and store it (see `store`)."""
    from prevention.sources.importers import get_parser

    parser = get_parser(kind)
    engine = engine or get_engine()
    parser_options = dict(options)
    if kind == "bundle":
        parser_options["known_issuers"] = stored_issuer_ids(engine)
    parsed = parser(Path(path), **parser_options)
    return store(parsed, user=user, sha256=file_sha256(path), options=options, engine=engine,
                 progress=progress)


def declare_coverage(path: str | Path, kind: str, import_id: int, *, user: Principal,
                     engine: Engine | None = None, **options) -> int:
    """Store the coverage a file declares, for an import made before coverage existed (the
    seed's files in an older database). Its signals are not read again: they are stored.
    Returns the number of coverage rows added."""
    from prevention.sources.importers import get_parser

    parser_options = dict(options)
    engine = engine or get_engine()
    if kind == "bundle":
        parser_options["known_issuers"] = stored_issuer_ids(engine)
    parsed = get_parser(kind)(Path(path), **parser_options)
    with engine.begin() as conn:
        require(user, "import.run", conn)
        frame = declared(conn, parsed, {rejected_key(r) for r in parsed.rejected} - {None})
        frame["key"] = ""  # the file's rows were accounted by the import that stored them
        added = store_coverage(conn, frame, RowOutcomes(), import_id, user.username,
                               datetime.now(timezone.utc))
        if len(added):
            audit.record(conn, user, "coverage.declare", "import", import_id,
                         detail=f"{len(added)} coverage row(s) declared by {parsed.file_name}")
            bump_version(conn)
    invalidate()
    return len(added)


def store_in(conn: Connection, parsed: ParsedImport, report: ImportReport, *, user: Principal,
             options: dict | None = None, progress: Progress | None = None,
             action: str = "import.run") -> set[str]:
    """Store inside the caller's transaction (the quarantine's re-submission uses this).
    Returns the keys of the source rows that stored nothing (rejected or quarantined), so a
    caller can tell which of the parser's records are in the database as given. `user`: the
    acting account, whose stored role must allow `action` (checked here, in the transaction,
    whatever the caller checked)."""
    require(user, action, conn)
    options = options or {}
    if conn.dialect.name == "sqlite":
        # A bigger page cache for this connection keeps the indexes of a big import in memory
        # (the default, 2 MB, makes each insert of a million-row import read pages from disk).
        conn.exec_driver_sql("PRAGMA cache_size = -262144")
    imports = Import.__table__
    import_id = conn.execute(sa.insert(imports).values(
        user_name=user.username[:120], created_at=datetime.now(timezone.utc),
        file_name=parsed.file_name[:500], sha256=report.sha256, source_kind=parsed.kind,
        options=json.loads(json.dumps(options, default=str)), rows_read=0, accepted=0,
        duplicates=0, quarantined=0, skipped=0, problems={}).returning(imports.c.id)).scalar_one()
    report.import_id = import_id
    rows = RowOutcomes()
    w = Writer(conn, import_id, progress)
    rejected_keys = {rejected_key(r) for r in parsed.rejected} - {None}

    new_issuers, known = store_issuers(conn, parsed, rows, report.notes)
    new_signals = store_signals(conn, parsed, rows, known, rejected_keys)
    if parsed.records is not None:
        if parsed.kind in ("memberships", "bundle"):
            store_memberships(conn, parsed, rows, w)
        elif parsed.kind == "outcomes":
            store_outcomes(conn, parsed, rows, w)
        elif parsed.kind in ("nhri", "ngos"):
            store_accreditations(conn, parsed, rows, w, "nhri" if parsed.kind == "nhri" else "ngo")
        else:
            raise IngestError(f"records of kind {parsed.kind!r} have no storage; this is a bug")
    if parsed.accreditations is not None and len(parsed.accreditations):
        store_history(conn, parsed, rows, w)

    coverage = store_coverage(conn, declared(conn, parsed, rejected_keys), rows, import_id,
                              user.username, datetime.now(timezone.utc))
    report.coverage = len(coverage)

    states = rows.states()
    # A row the parser rejected cannot also count as accepted or duplicate.
    states = states[~isin_mask(states.index, rejected_keys)]
    w.blocked = set(states.index[states.to_numpy() == 2])
    report.accepted = int((states == 1).sum())
    report.duplicates = int((states == 0).sum())
    report.quarantined = int((states == 2).sum()) + len(rejected_keys)
    total = report.accepted + report.duplicates + report.quarantined + report.skipped
    if total != report.rows_read:
        raise IngestError(
            f"{parsed.file_name}: {report.rows_read} rows read but {total} accounted for "
            f"(accepted {report.accepted}, duplicates {report.duplicates}, quarantined "
            f"{report.quarantined}, skipped {report.skipped}); this is a bug in the "
            f"{parsed.kind!r} importer: nothing was stored, please report it with the file")

    if len(new_issuers):
        w.insert_frame("issuers", "issuers", new_issuers, ["issuer_id", *ISSUER_FIELDS],
                       import_id=import_id)
        national = new_issuers[new_issuers["kind"].isin(["nhri", "ngo"])]
        if len(national):
            w.insert("accreditations", ACCREDITATIONS_TABLE, [
                {"issuer_id": r["issuer_id"], "status": r["accreditation"] or "none",
                 "scope": r["scope"], "reviewed_on": None, "import_id": import_id}
                for r in national.to_dict("records")])
    if len(new_signals.signals):
        keep, links = new_signals.writable(w.blocked)
        w.insert_frame("signals", "signals", keep, ["signal_id", *SIGNAL_FIELDS],
                       import_id=import_id)
        w.insert_frame("links", "signal_issuers", links, ["signal_id", "issuer_id"])
    for write in w.pending:
        write()

    problems, report.already_quarantined = quarantine_rows(
        w, parsed.kind, parsed.rejected, rows.conflicts, w.blocked)
    report.problem_count = len(problems)
    report.problems = problems[:SHOWN_PROBLEMS]
    conn.execute(sa.update(imports).where(imports.c.id == import_id).values(
        rows_read=report.rows_read, accepted=report.accepted, duplicates=report.duplicates,
        quarantined=report.quarantined, skipped=report.skipped,
        problems={"skipped": report.skipped_by_reason, "problem_count": len(problems),
                  "problems": report.problems, "notes": report.notes[:SHOWN_PROBLEMS]}))
    bump_version(conn)
    return w.blocked | rejected_keys


def quarantine_rows(w: Writer, kind: str, rejected: list[Problem], conflicts: dict[str, Problem],
                    blocked: set[str]) -> tuple[list[str], int]:
    """Every rejected row and every conflicting row into quarantine; returns the problem texts
    and how many of the rows were waiting there already (from an earlier import of the same
    rows: not stored twice)."""
    records, problems = [], []
    for r in sorted(rejected, key=lambda r: (r.row is not None, rejected_key(r) or "")):
        file = r.raw.get("_file") if isinstance(r.raw, dict) and r.row is not None else None
        problems.append(f"{file}, {r}" if file else str(r))
        if r.row is None:
            continue
        records.append({"import_id": w.import_id, "row": r.row, "field": clipped(r.field),
                        "value": clipped(r.value), "reason": clean_text(r.reason),
                        "raw": jsonable(r.raw), "suggestions": list(r.suggestions),
                        "status": "open"})
    for key, c in conflicts.items():
        if key not in blocked:
            continue
        file, _, line = key.rpartition(":")
        row = int(line) if line.isdigit() else None
        where = f"{file}, row {row}" if file else f"row {row}"
        problems.append(f"{where}, field {c.field!r}: {c.value!r} {c.reason}")
        records.append({"import_id": w.import_id, "row": row, "field": clipped(c.field),
                        "value": clipped(c.value), "reason": clean_text(c.reason), "raw": jsonable(c.raw),
                        "suggestions": [], "status": "open"})
    # Importing the same bad file again must not add its rows a second time.
    for r in records:
        r["key"] = quarantine_key(kind, r["raw"])
    waiting = set(fetch_in(w.conn, "SELECT key FROM (SELECT key FROM quarantine WHERE status = "
                                   "'open') AS q", "key", sorted({r["key"] for r in records}))) \
        if records else set()
    fresh, seen = [], set()
    for r in records:
        if (r["key"],) in waiting or r["key"] in seen:
            continue
        seen.add(r["key"])
        fresh.append(r)
    w.insert("quarantine", QuarantinedRow.__table__, fresh)
    return problems, len(records) - len(fresh)

"""Rebuild a source's signals from its archive, without the network.

`reparse(source)` re-reads every archived response of a source with today's parser, one
transaction per response, replacing what the connector stored from it: the signals stored from
the response (by a fetch, not by a file import) and its links, its open quarantined rows closed
and the rows still bad quarantined again with today's reason. A source that is being fetched
(run.py) is refused while its run is alive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from prevention.accounts import audit
from prevention.accounts.access import Principal
from prevention.sources import archive, registry
from prevention.sources.connector import Page, readable
from prevention.sources.importers.base import SOURCE_KINDS
from prevention.sources.ingest import new_report, store_in
from prevention.sources.run import (
    CLI,
    FetchProgress,
    SourceBusy,
    SourceNotReady,
    busy_message,
    checked_actor,
    cursor_row,
    now_utc,
    run_is_alive,
)
from prevention.storage.db import get_engine
from prevention.storage.frames import invalidate
from prevention.storage.models.core import QuarantinedRow
from prevention.storage.settings import get_settings


@dataclass
class ReparseReport:
    source: str
    responses: int = 0     # archived responses read
    unreadable: int = 0    # not readable as a whole by today's parser: nothing changed for them
    removed: int = 0       # signals stored from a response and no longer read from it
    accepted: int = 0
    duplicates: int = 0
    quarantined: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        head = (f"{self.source}: {self.responses} archived response(s) parsed again "
                f"({self.unreadable} unreadable); {self.accepted} accepted, {self.duplicates} "
                f"unchanged, {self.quarantined} quarantined, {self.skipped} skipped; "
                f"{self.removed} signal(s) no longer read removed")
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


QUARANTINE = QuarantinedRow.__table__


def reparse(source: str, *, actor: Principal | None = CLI,
            engine: Engine | None = None,
            progress: FetchProgress | None = None) -> ReparseReport:
    """Rebuild what the connector stored from each archived response of `source`, with today's
    parser and no network, one transaction per response: the signals stored from the response
    (by a fetch, not by a file import) and its links are replaced by what it reads as now, its
    open quarantined rows are closed and the rows still bad quarantined again with today's
    reason. Outcomes and accreditations are natural-key records: new ones are added."""
    engine = engine or get_engine()
    checked_actor(actor, engine)
    try:
        parse = registry.parser(source)
    except KeyError:
        raise SourceNotReady(f"unknown source {source!r}; the sources are: "
                             f"{', '.join(registry.source_ids(get_settings()))}") from None
    with engine.connect() as conn:
        row = cursor_row(conn, source)
        ids = [r[0] for r in conn.execute(sa.select(archive.RAW.c.id).where(
            archive.RAW.c.source == source).order_by(archive.RAW.c.id))]
    if row and row["run"] and run_is_alive(row["run"], now_utc()):
        raise SourceBusy(busy_message(source, row["run"]))
    out = ReparseReport(source)
    if not ids:
        raise SourceNotReady(f"nothing of {source} is archived: fetch it first "
                             f"(python -m prevention fetch {source})")
    try:
        for n, rid in enumerate(ids, 1):
            with engine.begin() as conn:
                _reparse_one(conn, source, rid, parse, actor, out)
            if progress:
                progress(n, len(ids), f"response {n} of {len(ids)} parsed again")
    finally:
        invalidate()
    return out


def _reparse_one(conn: Connection, source: str, rid: int, parse, actor: Principal,
                 out: ReparseReport) -> None:
    ((_, old_import, response),) = archive.load(conn, [rid])
    out.responses += 1
    parsed = parse(response)
    page = Page(response, parsed)
    if not readable(page):
        out.unreadable += 1
        out.problems.append(f"archived response #{rid} ({response.url}): "
                            f"{next(r.reason for r in parsed.rejected if r.row is None)}")
        return
    if not archive.holds_anything(parsed):
        return
    closed = []
    if old_import is not None:
        closed = [r[0] for r in conn.execute(sa.select(QUARANTINE.c.id).where(
            QUARANTINE.c.import_id == old_import, QUARANTINE.c.status == "open"))]
        if closed:
            # Closed before storing, so that rows still bad are quarantined again (an open row
            # with the same key would hide them) with today's reason.
            conn.execute(sa.update(QUARANTINE).where(QUARANTINE.c.id.in_(closed)).values(
                status="fixed", fixed_at=now_utc(), fixed_by=f"reparse by {actor.username}"[:120]))
    out.removed += _forget(conn, rid)
    parsed = archive.storable(conn, parsed)
    report = new_report(parsed, response.sha256)
    blocked = store_in(conn, parsed, report, user=actor, action="source.fetch")
    archive.set_import(conn, rid, report.import_id)
    archive.link_signals(conn, rid, parsed, blocked)
    if closed:
        conn.execute(sa.update(QUARANTINE).where(QUARANTINE.c.id.in_(closed)).values(
            fixed_import_id=report.import_id))
    for k in ("accepted", "duplicates", "quarantined", "skipped"):
        setattr(out, k, getattr(out, k) + getattr(report, k))
    audit.record(conn, actor, "source.reparse", "source", source, detail=response.url,
                 after={"response_id": rid, "import_id": report.import_id,
                        "accepted": report.accepted, "quarantined": report.quarantined})


def _forget(conn: Connection, rid: int) -> int:
    """Remove the signals a fetch stored from response `rid` (a file import's signals stay:
    they are only unlinked), and every link of the response. Returns the signals removed."""
    file_kinds = sa.bindparam("kinds", list(SOURCE_KINDS), expanding=True)
    owned = [r[0] for r in conn.execute(sa.text(
        "SELECT l.signal_id FROM signal_responses l JOIN signals s ON s.signal_id = l.signal_id "
        "JOIN imports i ON i.id = s.import_id WHERE l.response_id = :r "
        "AND i.source_kind NOT IN :kinds").bindparams(file_kinds), {"r": rid})]
    conn.execute(sa.delete(archive.LINKS).where(archive.LINKS.c.response_id == rid))
    for start in range(0, len(owned), 900):
        chunk = owned[start:start + 900]
        conn.execute(sa.delete(archive.LINKS).where(archive.LINKS.c.signal_id.in_(chunk)))
        conn.execute(sa.text("DELETE FROM signal_issuers WHERE signal_id IN :ids").bindparams(
            sa.bindparam("ids", expanding=True)), {"ids": chunk})
        conn.execute(sa.text("DELETE FROM signals WHERE signal_id IN :ids").bindparams(
            sa.bindparam("ids", expanding=True)), {"ids": chunk})
    return len(owned)

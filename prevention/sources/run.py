"""Fetch a source into the database, page by page, and rebuild its signals from the archive.

`fetch(source)` runs the connector's pager (connector.fetch_pages) and stores every page read
as a whole in ONE transaction: the raw response (archive.py), the page's records through the
ingest step (`store_in`, with the coverage the page declares), the links from its signals to
the response, and the run's progress in `source_cursors.run` (the cursor it started from, the
pages stored, the request of the next page). A crash, a kill or a failed page leaves the
database as after the last whole page, and the next fetch continues with the page it did not
store: the archive gives back the pages stored before, so the run's coverage and new cursor
are computed over every page of the run, whichever process fetched them. When the pager says
"no more", one last transaction stores the coverage of the whole run (connector.coverage)
and the connector's new cursor, and clears the run.

Idempotent: signals, outcomes and accreditations have natural keys, the archive dedupes by
SHA-256, and a page whose bytes are archived already was stored with them, so it is not stored
again: fetching the same span twice adds nothing.

Without network (the first request cannot connect) nothing is written at all. Two fetches of
one source do not interleave: a run records its process and a heartbeat, a second fetch is
refused while the first is alive, and each page checks that its run still owns the source.

Re-reading the archive with today's parser is reparse.py's.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from prevention.accounts import audit
from prevention.accounts.access import Principal, require, system
from prevention.sources import archive, registry
from prevention.sources.connector import Cursor, FetchRun, Page, fetch_pages
from prevention.sources.http import HostUnreachable, HttpClient, Request
from prevention.sources.importers.base import (
    COVERAGE_RECORD_COLUMNS,
    ParsedImport,
)
from prevention.sources.ingest import IngestError, new_report, store_in
from prevention.storage.db import BUSY_MESSAGE, get_engine, is_busy
from prevention.storage.frames import invalidate
from prevention.storage.models.sources import SourceCursor
from prevention.storage.settings import Settings, get_settings

CURSORS = SourceCursor.__table__
# A run whose process cannot be checked (another machine) is taken over after this long without
# a stored page: longer than the slowest page the client allows (4 attempts of 30 s, back-off
# and a Retry-After of up to 300 s).
STALE = timedelta(minutes=15)
COUNTS = ("pages", "accepted", "duplicates", "quarantined", "skipped", "coverage")
# (pages stored, pages expected or None when the source does not say, what happened)
FetchProgress = Callable[[int, int | None, str], None]

SHOWN = 20  # problems a summary prints
_active: set[str] = set()  # tokens of the runs of this process, alive now
_active_lock = threading.Lock()


class SourceNotReady(ValueError):
    """The fetch cannot start as asked (unknown source, missing setting, a span the source does
    not take): the CLI exits 2; nothing was changed."""


class SourceBusy(RuntimeError):
    """Another fetch of the same source is running (or took the run over); nothing of this
    fetch's current page was stored."""


@dataclass
class FetchReport:
    """What one fetch did. Counts are this fetch's pages (a resumed run's earlier pages are in
    the source's cursor row)."""

    source: str
    outcome: str = ""  # done | not_modified | incomplete | failed | unreachable
    resumed: bool = False
    pages: int = 0        # pages stored
    unchanged: int = 0    # pages whose bytes the archive had: stored before, not again
    accepted: int = 0
    duplicates: int = 0
    quarantined: int = 0
    skipped: int = 0
    coverage: int = 0     # coverage rows added (pages and the run)
    links: int = 0        # signal -> response links added
    problems: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return {"done": 0, "not_modified": 0, "unreachable": 3}.get(self.outcome, 1)

    def summary(self) -> str:
        if self.outcome == "unreachable" and not self.pages:
            return f"{self.source}: {self.problems[0]}"
        head = (f"{self.source}: {self.outcome.replace('_', ' ')}"
                f"{' (resumed an interrupted run)' if self.resumed else ''}; "
                f"{self.pages} page(s) stored, {self.unchanged} unchanged; "
                f"{self.accepted} accepted, {self.duplicates} duplicates, "
                f"{self.quarantined} quarantined, {self.skipped} skipped; "
                f"{self.coverage} coverage row(s) added")
        shown = self.problems[:SHOWN]
        more = len(self.problems) - len(shown)
        return "\n".join([head, *(f"  {p}" for p in shown),
                          *([f"  ... and {more} more (the quarantine has every row)"] if more
                            else [])])


# -- the cursor row --------------------------------------------------------------------------

def _day(value) -> date | None:
    return date.fromisoformat(value) if value else None


def cursor_of(row: Mapping | None) -> Cursor:
    if row is None:
        return Cursor()
    return Cursor(start=row["start"].isoformat() if row["start"] else "",
                  end=row["end"].isoformat() if row["end"] else "",
                  known=frozenset(row["known"] or ()), etag=row["etag"] or "",
                  last_modified=row["last_modified"] or "")


def cursor_json(c: Cursor) -> dict:
    return {"start": c.start, "end": c.end, "known": sorted(c.known), "etag": c.etag,
            "last_modified": c.last_modified}


def cursor_from(data: dict) -> Cursor:
    return Cursor(start=data.get("start", ""), end=data.get("end", ""),
                  known=frozenset(data.get("known", ())), etag=data.get("etag", ""),
                  last_modified=data.get("last_modified", ""))


def cursor_row(conn: Connection, source: str, lock: bool = False) -> Mapping | None:
    query = sa.select(CURSORS).where(CURSORS.c.source == source)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return conn.execute(query).mappings().first()


def _save(conn: Connection, source: str, **values) -> None:
    if conn.execute(sa.update(CURSORS).where(CURSORS.c.source == source).values(**values)
                    ).rowcount == 0:
        defaults = {"known": [], "etag": "", "last_modified": "", "last_outcome": "",
                    "last_error": "", "last_actor": "", **{f"last_{c}": 0 for c in COUNTS}}
        conn.execute(sa.insert(CURSORS).values(source=source, **(defaults | values)))


def run_is_alive(run: dict, now: datetime) -> bool:
    """Whether the process of a stored run may still be fetching."""
    if run.get("host") == socket.gethostname() and run.get("pid"):
        if run["pid"] == os.getpid():
            with _active_lock:
                return run.get("token") in _active
        try:
            os.kill(run["pid"], 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    beat = datetime.fromisoformat(run.get("heartbeat") or run.get("started_at"))
    return now - beat < STALE


def busy_message(source: str, run: dict) -> str:
    return (f"another fetch of {source} is running (process {run.get('pid')} on "
            f"{run.get('host')}, started {run.get('started_at', '')[:16]} UTC, last page "
            f"{(run.get('heartbeat') or '')[:16]} UTC); wait for it to finish. A fetch that was "
            f"stopped is continued by the next one once its process is gone (after "
            f"{STALE.seconds // 60} minutes without a page if it ran on another machine)")


CLI = system("cli")


def checked_actor(actor: Principal | None, engine: Engine) -> Principal:
    """The acting account, once its stored role allows `source.fetch` (checked before any
    request goes out; each page's transaction checks again). The command line and the timer
    pass system(name); None is an anonymous visitor of a page."""
    with engine.connect() as conn:
        require(actor, "source.fetch", conn)
    return actor


def connector_for(source: str, settings: Settings, connectors: Mapping | None = None):
    built = connectors if connectors is not None else registry.connectors(settings)
    if source in built:
        return built[source]
    missing = registry.unavailable(settings)
    if source in missing:
        raise SourceNotReady(f"{source} {missing[source]}")
    known = sorted(set(built) | set(missing))
    raise SourceNotReady(f"unknown source {source!r}; the sources are: {', '.join(known)} "
                         "(python -m prevention fetch --list)")


# -- fetch -----------------------------------------------------------------------------------

class _Run:
    """One fetch of one source: stores pages as they come, then the run's end."""

    def __init__(self, engine: Engine, source: str, connector, actor: Principal, start: Cursor,
                 previous: dict | None, resume: dict | None, progress: FetchProgress | None):
        self.engine, self.source, self.connector, self.actor = engine, source, connector, actor
        self.name = actor.username
        self.start, self.progress = start, progress
        self.token = uuid.uuid4().hex
        self.expected = previous.get("token") if previous else None  # the run we take over
        self.started_at = (resume or {}).get("started_at") or now_utc().isoformat()
        self.earlier_ids: list[int] = list((resume or {}).get("pages", []))
        self.page_ids: list[int] = list(self.earlier_ids)
        self.counts = dict.fromkeys(COUNTS, 0) | (resume or {}).get("counts", {})
        self.report = FetchReport(source, resumed=resume is not None)
        self.fresh = resume is None
        self.next: Request | None = None  # the request of the first page not stored

    def state(self, next_request: Request | None, page_ids: list[int] | None = None,
              counts: dict | None = None) -> dict:
        return {"token": self.token, "pid": os.getpid(), "host": socket.gethostname(),
                "started_at": self.started_at, "heartbeat": now_utc().isoformat(),
                "actor": self.name, "cursor": cursor_json(self.start),
                "pages": self.page_ids if page_ids is None else page_ids,
                "next": archive.request_json(next_request),
                "counts": self.counts if counts is None else counts}

    def own(self, conn: Connection) -> None:
        """Inside a page's transaction: the source is still this run's."""
        row = cursor_row(conn, self.source, lock=True)
        token = ((row or {}).get("run") or {}).get("token")
        if token not in (self.expected, self.token):
            raise SourceBusy(f"another fetch of {self.source} took this run over; this fetch "
                             f"stopped after {self.report.pages} page(s), each stored whole")

    def store_page(self, page: Page, next_request: Request | None) -> None:
        with self.engine.begin() as conn:
            self.own(conn)
            response_id, new = archive.store(conn, self.source, page.response)
            counts = dict.fromkeys(COUNTS, 0)
            counts["pages"] = 1
            links = 0
            if new and archive.holds_anything(page.parsed):
                parsed = archive.storable(conn, page.parsed)
                report = new_report(parsed, page.response.sha256)
                blocked = store_in(conn, parsed, report, user=self.actor, action="source.fetch")
                archive.set_import(conn, response_id, report.import_id)
                links = archive.link_signals(conn, response_id, parsed, blocked)
                counts |= {"accepted": report.accepted, "duplicates": report.duplicates,
                           "quarantined": report.quarantined, "skipped": report.skipped,
                           "coverage": report.coverage}
                problems = report.problems[:5]
            else:
                problems = []
            # The run's state as this transaction commits it; kept in memory only once it has.
            page_ids = [*self.page_ids, response_id]
            totals = {k: self.counts[k] + counts[k] for k in COUNTS}
            audit.record(conn, self.actor, "source.fetch", "source", self.source,
                         detail=page.response.url,
                         after={"response_id": response_id, "sha256": page.response.sha256,
                                "new": new, **counts})
            _save(conn, self.source, run=self.state(next_request, page_ids, totals))
        self.page_ids, self.counts = page_ids, totals
        self.expected = self.token
        self.next = next_request
        r = self.report
        r.problems += problems
        r.pages += 1
        r.links += links
        r.unchanged += 0 if new else 1
        for k in ("accepted", "duplicates", "quarantined", "skipped", "coverage"):
            setattr(r, k, getattr(r, k) + counts[k])
        if self.progress:
            self.progress(len(self.page_ids), expected_pages(page), f"page {len(self.page_ids)}"
                          f" of {self.source} stored ({r.accepted} new so far)")

    def finish(self, run: FetchRun) -> None:
        """The pager said "no more": the run's coverage and the new cursor, in one transaction."""
        with self.engine.begin() as conn:
            self.own(conn)
            # Pages an earlier process stored: parsed again from the archive (no network).
            earlier = [Page(resp, self.connector.parse(resp))
                       for _, _, resp in archive.load(conn, self.earlier_ids)]
            whole = FetchRun(self.source, pages=_unique(earlier + run.pages), complete=True,
                             not_modified=run.not_modified)
            coverage = _not_stored(conn, self.connector.coverage(self.start, whole))
            added = 0
            if len(coverage):  # else no import row: a repeated run adds nothing
                parsed = ParsedImport(kind=f"fetch:{self.source}"[:40], rows_read=0,
                                      file_name=f"{self.source}: run started "
                                                f"{self.started_at[:16]} UTC, "
                                                f"{len(whole.pages)} page(s)",
                                      coverage=coverage)
                report = new_report(parsed, "")
                store_in(conn, parsed, report, user=self.actor, action="source.fetch")
                added = report.coverage
            self.counts["coverage"] += added
            self.report.coverage += added
            new = self.connector.next_cursor(self.start, whole)
            outcome = "not_modified" if run.not_modified and not self.report.accepted else "done"
            self.report.outcome = outcome
            audit.record(conn, self.actor, "source.fetch", "source", self.source,
                         detail="run finished", after={"outcome": outcome, **self.counts})
            _save(conn, self.source, start=_day(new.start), end=_day(new.end),
                  known=sorted(new.known), etag=new.etag, last_modified=new.last_modified,
                  run=None, **self.last(outcome, ""))

    def stopped(self, run: FetchRun, outcome: str) -> None:
        """The run stopped early: say so on the cursor row, keep the run to resume."""
        self.report.outcome = outcome
        self.report.problems = run.problems + self.report.problems
        if outcome == "unreachable" and not self.report.pages:
            return  # no network: nothing changed, as promised
        with self.engine.begin() as conn:
            self.own(conn)
            values = self.last(outcome if outcome != "unreachable" else "failed",
                               "; ".join(run.problems))
            if self.fresh and not self.report.pages and self.next is not None:
                # Nothing stored yet: keep the run anyway, so that the next fetch retries its
                # first page over the span asked for (--since) instead of forgetting it.
                values["run"] = self.state(self.next)
            # Otherwise the run stays as its last page left it: the next fetch resumes there.
            _save(conn, self.source, **values)

    def last(self, outcome: str, error: str) -> dict:
        return {"last_started_at": datetime.fromisoformat(self.started_at),
                "last_finished_at": now_utc(), "last_outcome": outcome, "last_error": error,
                "last_actor": self.name[:120], **{f"last_{k}": v for k, v in self.counts.items()}}


def _not_stored(conn: Connection, coverage):
    """The coverage rows not stored yet (the ingest step's key: the whole row)."""
    if coverage.empty:
        return coverage
    stored = {tuple("" if v is None else str(v) for v in r) for r in conn.execute(sa.text(
        'SELECT source, issuer_kind, country, CAST(start AS TEXT), CAST("end" AS TEXT), '
        "completeness FROM coverage"))}
    cols = list(COVERAGE_RECORD_COLUMNS)
    keep = [tuple(str(v) for v in r) not in stored
            for r in coverage[cols].itertuples(index=False)]
    return coverage[keep].reset_index(drop=True)


def _unique(pages: list[Page]) -> list[Page]:
    seen, out = set(), []
    for p in pages:
        if p.response.sha256 not in seen:
            seen.add(p.response.sha256)
            out.append(p)
    return out


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def expected_pages(page: Page) -> int | None:
    """How many pages the run will have, when the source says (ReliefWeb's totalCount)."""
    meta = page.response.request.meta
    if "offset" in meta and page.response.request.json:
        try:
            total = json.loads(page.response.body).get("totalCount")
        except (ValueError, AttributeError):
            return None
        limit = page.response.request.json.get("limit") or 0
        if isinstance(total, int) and limit:
            return max(1, -(-total // limit))
    return None


def fetch(source: str, *, since: str | None = None, until: str | None = None,
          restart: bool = False, actor: Principal | None = CLI,
          engine: Engine | None = None, settings: Settings | None = None,
          client: HttpClient | None = None, connectors: Mapping | None = None,
          progress: FetchProgress | None = None, max_pages: int = 500) -> FetchReport:
    """Fetch one source (see the module docstring). `since`/`until` (ISO days) start a new run
    over that span, for a source searched by date; `restart` drops an interrupted run instead of
    continuing it. `actor` needs the `source.fetch` action (system(name) for the command line
    and the timer, recorded under that name)."""
    engine = engine or get_engine()
    checked_actor(actor, engine)
    settings = settings or get_settings()
    connector = connector_for(source, settings, connectors)
    dated = getattr(connector, "takes_span", False)
    if (since or until) and not dated:
        raise SourceNotReady(f"{source} is not searched by date (it reads a listing newest "
                             "first, a whole dataset or a feed): --since/--until do not apply")
    for label, value in (("--since", since), ("--until", until)):
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise SourceNotReady(f"{label} {value!r} is not a day (YYYY-MM-DD)") from None
    if since and until and until < since:
        raise SourceNotReady(f"--until {until} is before --since {since}")
    with engine.connect() as conn:
        row = cursor_row(conn, source)
    previous = (row or {}).get("run")
    if previous and run_is_alive(previous, now_utc()):
        raise SourceBusy(busy_message(source, previous))
    resume = previous if previous and not (restart or since or until) else None
    if resume is not None:
        start = cursor_from(resume["cursor"])
    else:
        stored = cursor_of(row)
        start = replace(stored, start=since or stored.start,
                        end=until or ("" if since else stored.end))
        if dated and not start.start:
            raise SourceNotReady(f"{source} has never been fetched: give --since YYYY-MM-DD, "
                                 "the first day to search (later fetches continue from the "
                                 "last day stored)")
    job = _Run(engine, source, connector, actor, start, previous, resume, progress)
    with _active_lock:
        _active.add(job.token)
    own_client = client is None
    client = client or registry.client(settings)
    try:
        return _drive(job, connector, client, start, resume, max_pages)
    finally:
        with _active_lock:
            _active.discard(job.token)
        if own_client:
            client.close()
        invalidate()
        from prevention.cases import (
            statuses,  # the stored status table, after the pages committed
        )

        statuses.after_write(engine)


def _drive(job: _Run, connector, client, start: Cursor, resume: dict | None,
           max_pages: int) -> FetchReport:
    if resume is not None and resume.get("next") is None:
        # The pager had finished; only the run's end was not stored. No network needed.
        connector.first_request(start)  # connectors keep what the cursor knows
        run = FetchRun(job.source, complete=True)
    else:
        with job.engine.connect() as conn:
            earlier = [r.sha256 for _, _, r in archive.load(conn, job.page_ids)]
        job.next = (archive.request_from(resume["next"]) if resume
                    else connector.first_request(start))
        try:
            run = fetch_pages(connector, client, start, max_pages, resume=job.next,
                              earlier=earlier, on_page=job.store_page)
        except IngestError as exc:
            return _failed(job, str(exc))
        except sa.exc.OperationalError as exc:
            if not is_busy(exc):
                raise
            return _failed(job, f"{BUSY_MESSAGE}; the page was not stored")
    if run.complete:
        job.finish(run)
    elif isinstance(run.error, HostUnreachable):
        job.stopped(run, "unreachable")
    else:
        job.stopped(run, "failed" if run.error else "incomplete")
    return job.report


def _failed(job: _Run, message: str) -> FetchReport:
    job.stopped(FetchRun(job.source, problems=[message]), "failed")
    return job.report

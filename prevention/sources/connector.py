"""What every connector is, and the one loop that runs one without touching the database.

A connector is pure: it builds the first request from a cursor (what is already stored), the
next request from the last response, parses one response into a `ParsedImport`, and says what
coverage a finished run declares and which cursor to keep. `fetch_pages` runs that loop against
an `HttpClient` and returns every page with its parse, so phase 2 only stores: raw response
(archive), signals linked to it (`response_sha256`), coverage, the new cursor.

A run is `complete` only when the pager itself said "no more pages" (or the source answered
304 Not Modified). A repeated page, a page whose parse failed as a whole, the page bound or a
fetch error stop the run incomplete, with the problem in words; what was fetched before stays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import pandas as pd

from prevention.sources.http import HttpClient, Request, Response, SourceError
from prevention.sources.importers.base import (
    COVERAGE_RECORD_COLUMNS,
    ISSUER_RECORD_COLUMNS,
    LINK_RECORD_COLUMNS,
    SIGNAL_RECORD_COLUMNS,
    ParsedImport,
)
from triggers.problems import Problem

# Connector signals carry two columns more than file imports: the archived response each came
# from, and the other States an item names (the first State is the one concerned).
SIGNAL_COLUMNS = [*SIGNAL_RECORD_COLUMNS, "response_sha256", "countries_other"]


@dataclass(frozen=True)
class Cursor:
    """What the store already has of one source; every field optional."""

    start: str = ""   # first day to search (ISO), for date-ranged sources
    end: str = ""     # last day to search (ISO)
    known: frozenset[str] = frozenset()  # references already stored (listings)
    etag: str = ""
    last_modified: str = ""


class Connector(Protocol):
    source: str  # coverage source id, e.g. "reliefweb-ohchr"

    def first_request(self, cursor: Cursor) -> Request: ...

    def next_request(self, response: Response, parsed: ParsedImport) -> Request | None: ...

    def parse(self, response: Response) -> ParsedImport: ...

    def coverage(self, cursor: Cursor, run: FetchRun) -> pd.DataFrame: ...

    def next_cursor(self, cursor: Cursor, run: FetchRun) -> Cursor: ...


@dataclass
class Page:
    response: Response
    parsed: ParsedImport


@dataclass
class FetchRun:
    source: str
    pages: list[Page] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    complete: bool = False
    not_modified: bool = False
    error: SourceError | None = None

    @property
    def parsed(self) -> list[ParsedImport]:
        return [p.parsed for p in self.pages]


def fetch_pages(connector: Connector, client: HttpClient, cursor: Cursor = Cursor(),
                max_pages: int = 500, *, resume: Request | None = None,
                earlier: Sequence[str] = (),
                on_page: Callable[[Page, Request | None], None] | None = None) -> FetchRun:
    """Run the pager. `resume` continues an interrupted run at that request (the connector
    still sees `cursor` through first_request, as on the run's first day), `earlier` are the
    SHA-256 of the pages it stored before (a page repeating one of them is a repeated page).
    `on_page(page, next_request)` is called for every page read as a whole, before the next
    request is sent: the store commits each page there. Its exceptions stop the run."""
    run = FetchRun(connector.source)
    request: Request | None = connector.first_request(cursor)
    if resume is not None:
        request = resume
    seen: dict[str, int] = {sha: n for n, sha in enumerate(earlier, 1)}
    while request is not None:
        if len(run.pages) >= max_pages:
            run.problems.append(f"stopped after {max_pages} pages (the page bound); the run is "
                                "incomplete: fetch again to continue, or raise max_pages")
            return run
        try:
            response = client.fetch(request)
        except SourceError as exc:
            run.error = exc
            run.problems.append(str(exc))
            return run
        if response.not_modified:
            run.not_modified = run.complete = True
            return run
        number = len(earlier) + len(run.pages) + 1
        if response.sha256 in seen:
            run.problems.append(
                f"page {number} ({response.url}) is the same as page {seen[response.sha256]}: the "
                "provider ignored the paging parameter; stopped, the run is incomplete")
            return run
        seen[response.sha256] = number
        parsed = connector.parse(response)
        page = Page(response, parsed)
        run.pages.append(page)
        whole = [r for r in parsed.rejected if r.row is None]
        if whole:
            run.problems.append(f"page {number} ({response.url}) could not be read: "
                                f"{whole[0].reason}; stopped, the run is incomplete")
            return run
        request = connector.next_request(response, parsed)
        if on_page is not None:
            on_page(page, request)
    run.complete = True
    return run


def readable(page: Page) -> bool:
    """False for a page that could not be read as a whole (it stopped its run)."""
    return not any(r.row is None for r in page.parsed.rejected)


# -- building ParsedImport frames -------------------------------------------------------------

def frame(rows: Iterable[dict], columns: list[str]) -> pd.DataFrame:
    rows = list(rows)
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    out = pd.DataFrame(rows)
    for c in columns:
        if c not in out.columns:
            out[c] = ""
    return out[columns]


def coverage_row(source: str, issuer_kind: str, start: str, end: str, completeness: str,
                 country: str = "") -> dict:
    return {"source": source, "issuer_kind": issuer_kind, "country": country, "start": start,
            "end": end, "completeness": completeness}


def parsed_import(kind: str, response: Response, rows_read: int, *, signals=(), links=(),
                  issuers=(), coverage=(), records: pd.DataFrame | None = None,
                  rejected: list[Problem] | None = None,
                  skipped: dict[str, int] | None = None) -> ParsedImport:
    links = frame(links, LINK_RECORD_COLUMNS).drop_duplicates().reset_index(drop=True)
    issuers = frame(issuers, ISSUER_RECORD_COLUMNS).drop_duplicates("issuer_id")
    return ParsedImport(kind=kind, file_name=response.url, rows_read=rows_read,
                        signals=frame(signals, SIGNAL_COLUMNS),
                        issuers=issuers.sort_values("issuer_id").reset_index(drop=True),
                        links=links, records=records, coverage=frame(coverage,
                                                                     COVERAGE_RECORD_COLUMNS),
                        rejected=rejected or [], skipped=skipped or {})


def file_rejected(kind: str, response: Response, reason: str) -> ParsedImport:
    """A response that cannot be read at all: one Problem with row None, nothing else."""
    raw = {"url": response.url, "sha256": response.sha256,
           "body_start": response.body[:500].decode("utf-8", "replace")}
    return parsed_import(kind, response, 0, rejected=[Problem(row=None, field=None, value=None,
                                                               message=reason, raw=raw)])


def bump(skipped: dict[str, int], reason: str) -> None:
    skipped[reason] = skipped.get(reason, 0) + 1


def merge(parsed: list[ParsedImport]) -> ParsedImport:
    """The pages of one run as one ParsedImport (signals by id, issuers by id, once)."""
    if not parsed:
        raise ValueError("nothing to merge")
    first = parsed[0]
    out = replace(first, rows_read=sum(p.rows_read for p in parsed),
                  rejected=[r for p in parsed for r in p.rejected], skipped={})
    out.signals = pd.concat([p.signals for p in parsed], ignore_index=True).drop_duplicates(
        "signal_id")
    out.issuers = pd.concat([p.issuers for p in parsed], ignore_index=True).drop_duplicates(
        "issuer_id")
    out.links = pd.concat([p.links for p in parsed], ignore_index=True).drop_duplicates()
    out.coverage = pd.concat([p.coverage for p in parsed], ignore_index=True).drop_duplicates()
    frames = [p.records for p in parsed if p.records is not None]
    out.records = pd.concat(frames, ignore_index=True) if frames else None
    for p in parsed:
        for reason, n in p.skipped.items():
            out.skipped[reason] = out.skipped.get(reason, 0) + n
    return out

"""The archive of raw responses, the links from signals to them, and turning a page's parse into
what the ingest step stores. Every function works inside the caller's transaction: the fetch
stores a page's response, its records and the cursor together or not at all.

The archive keeps each distinct body of a source once (SHA-256), gzip-compressed with a fixed
mtime, with the request that asked for it: parsers read paging state from the request
(ReliefWeb's offset, the SDG series), so `reparse` rebuilds a page exactly as it was read.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import replace
from datetime import timezone

import sqlalchemy as sa
from sqlalchemy import Connection

from prevention.sources import sdg
from prevention.sources.http import Request, Response
from prevention.sources.importers.base import ParsedImport
from prevention.sources.ingest.lookup import find_stored
from prevention.storage.models.sources import RawResponse, SignalResponse

RAW = RawResponse.__table__
LINKS = SignalResponse.__table__


class ArchiveDamaged(RuntimeError):
    """An archived body no longer matches its SHA-256 (or cannot be decompressed)."""


def request_json(request: Request | None) -> dict | None:
    if request is None:
        return None
    return {"url": request.url, "params": [list(p) for p in request.params],
            "method": request.method, "json": request.json, "etag": request.etag,
            "last_modified": request.last_modified, "accept": request.accept,
            "meta": dict(request.meta)}


def request_from(data: dict) -> Request:
    return Request(url=data["url"], params=tuple(tuple(p) for p in data.get("params", [])),
                   method=data.get("method", "GET"), json=data.get("json"),
                   etag=data.get("etag", ""), last_modified=data.get("last_modified", ""),
                   accept=data.get("accept", ""), meta=data.get("meta") or {})


def find(conn: Connection, source: str, sha256: str) -> int | None:
    return conn.execute(sa.select(RAW.c.id).where(RAW.c.source == source,
                                                  RAW.c.sha256 == sha256)).scalar()


def store(conn: Connection, source: str, response: Response) -> tuple[int, bool]:
    """Archive a response: (its id, True) when new, (the stored id, False) when the source sent
    the same bytes before."""
    found = find(conn, source, response.sha256)
    if found is not None:
        return found, False
    new = conn.execute(sa.insert(RAW).values(
        source=source, url=response.url, request=request_json(response.request),
        fetched_at=response.fetched_at, status=response.status,
        content_type=response.headers.get("content-type", "")[:200],
        headers=dict(response.headers), sha256=response.sha256, size=len(response.body),
        body=response.archive_bytes(), import_id=None).returning(RAW.c.id)).scalar_one()
    return new, True


def load(conn: Connection, ids: list[int] | None = None, source: str | None = None
         ) -> list[tuple[int, int | None, Response]]:
    """Archived responses as (id, import id, Response), in archive order, the body checked
    against its SHA-256."""
    query = sa.select(RAW).order_by(RAW.c.id)
    if ids is not None:
        query = query.where(RAW.c.id.in_(list(ids)))
    if source is not None:
        query = query.where(RAW.c.source == source)
    out = []
    for row in conn.execute(query).mappings():
        out.append((row["id"], row["import_id"], response_of(row)))
    if ids is not None:
        order = {i: n for n, i in enumerate(ids)}
        out.sort(key=lambda r: order[r[0]])
        missing = sorted(set(ids) - {r[0] for r in out})
        if missing:
            raise ArchiveDamaged(f"archived response(s) {missing} of an interrupted fetch are "
                                 "gone from raw_responses; fetch the source again with --restart")
    return out


def response_of(row) -> Response:
    where = f"archived response #{row['id']} of {row['source']} ({row['url']})"
    try:
        body = gzip.decompress(row["body"])
    except (OSError, EOFError) as exc:
        raise ArchiveDamaged(f"{where} cannot be decompressed ({exc}); the archive is damaged: "
                             "fetch the source again") from None
    if hashlib.sha256(body).hexdigest() != row["sha256"]:
        raise ArchiveDamaged(f"{where} does not match its SHA-256: the archive was altered or "
                             "damaged; fetch the source again")
    fetched = row["fetched_at"]
    if fetched.tzinfo is None:  # SQLite hands timezone-aware columns back naive (UTC)
        fetched = fetched.replace(tzinfo=timezone.utc)
    return Response(request=request_from(row["request"]), url=row["url"], fetched_at=fetched,
                    status=row["status"], headers=dict(row["headers"] or {}), body=body,
                    sha256=row["sha256"])


def set_import(conn: Connection, response_id: int, import_id: int) -> None:
    conn.execute(sa.update(RAW).where(RAW.c.id == response_id).values(import_id=import_id))


def link_signals(conn: Connection, response_id: int, parsed: ParsedImport,
                 blocked: set[str]) -> int:
    """Link every signal of the page that is stored as the page gives it (not from a row the
    import quarantined) to the response. Returns the links added."""
    sig = parsed.signals
    if sig.empty:
        return 0
    keys = (sig["source_row"].astype(str) if "source_row" in sig.columns
            else sig["signal_id"].astype(str))
    ids = sig.loc[~keys.isin(blocked), "signal_id"].astype(str).unique()
    stored = find_stored(conn, "signals", "signal_id", ids)
    linked = {r[0] for r in conn.execute(sa.select(LINKS.c.signal_id).where(
        LINKS.c.response_id == response_id))}
    new = sorted(stored - linked)
    if new:
        conn.execute(sa.insert(LINKS), [{"signal_id": s, "response_id": response_id}
                                        for s in new])
    return len(new)


def storable(conn: Connection, parsed: ParsedImport) -> ParsedImport:
    """The page as the ingest step stores it. Records go through the reference importers'
    rules: HRC resolutions are Council outcomes; SDG 16.a.1 statuses become the accreditation
    history of each State's stored NHRI (the State -> institution step needs the database)."""
    if parsed.kind == sdg.KIND:
        nhris: dict[str, list[dict]] = {}
        for issuer_id, name, country, scope in conn.execute(sa.text(
                "SELECT issuer_id, name, country, scope FROM issuers WHERE kind = 'nhri' "
                "ORDER BY issuer_id")):
            nhris.setdefault(country, []).append({"issuer_id": issuer_id, "name": name,
                                                  "scope": scope})
        return sdg.as_accreditations(parsed, nhris)
    if parsed.kind == "undl-hrc":
        return replace(parsed, kind="outcomes")
    return parsed


def holds_anything(parsed: ParsedImport) -> bool:
    """False for a page with nothing to store or account (a dataset's file list)."""
    return bool(parsed.rows_read or len(parsed.signals) or len(parsed.coverage)
                or parsed.rejected or parsed.skipped
                or (parsed.records is not None and len(parsed.records)))

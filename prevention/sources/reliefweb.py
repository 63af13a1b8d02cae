"""OHCHR news releases through the ReliefWeb API (v2 `reports`, source OHCHR, format "News and
Press Release"), classified into statements of the High Commissioner, of Special Procedures
mandates ("UN experts") and of the Office (classify.py).

Requests are POSTs with a JSON body (the documented way for filters with conditions; the
appname stays in the URL, as ReliefWeb requires for POST too). A POST body is not reflected in
`links.next`, so pages go by `offset` until `totalCount`: sorted by date.original then id, so
that a page boundary is stable while paging.

One item = one signal about its State (ReliefWeb's primary country, else the first State the
title names; other tagged States are kept in `countries_other`):
signal_id = "reliefweb:<ReliefWeb id>:<ISO3>". `url` is the publisher's page (`origin`), else
the ReliefWeb page. Items that cannot be read are quarantined with the reason: no title, no
date, a release by "UN experts" without its closing list, a mandate the table does not know.
Items about no single State (ReliefWeb's "World"), or signed only by treaty bodies or regional
experts, are skipped with the reason.

Coverage: `sample` for high_commissioner, sp_mandate and ohchr over the searched span.
ReliefWeb's editors choose what they carry; nothing says every OHCHR statement is there, so a
span without a High Commissioner statement must not read as "the High Commissioner said
nothing".
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from prevention.sources import classify
from prevention.sources.connector import (
    Cursor,
    FetchRun,
    bump,
    coverage_row,
    file_rejected,
    frame,
    parsed_import,
)
from prevention.sources.http import Request, Response
from prevention.sources.importers import ohchr_sp
from prevention.sources.importers.base import (
    COVERAGE_RECORD_COLUMNS,
    ParsedImport,
)
from triggers import days
from triggers.problems import Problem

KIND = "reliefweb"
SOURCE = "reliefweb-ohchr"
FORMAT = "News and Press Release"
ISSUER_KINDS = ("high_commissioner", "sp_mandate", "ohchr")
FIELDS = ["id", "title", "body", "url", "url_alias", "origin", "date.original", "date.created",
          "primary_country.iso3", "country.iso3", "source.shortname", "format.name",
          "language.code"]
MAX_LIMIT = 1000  # "Valid values are between 0 and 1000" (result-structure page)

THEMATIC = "about no single State (ReliefWeb country 'World' or none named)"
NOT_SP = "signed by treaty bodies or regional experts only: no Special Procedures mandate"
NOT_OHCHR = "not an OHCHR item (source)"
NOT_NEWS = "not a news release (format)"


class ReliefWebOhchr:
    source = SOURCE
    # The only source searched by date: `fetch --since/--until` set the cursor's span. The
    # others read a listing newest first, a whole dataset or a feed.
    takes_span = True

    def __init__(self, base_url: str, appname: str, source_shortname: str = "OHCHR",
                 page_size: int = MAX_LIMIT):
        if not appname:
            raise ValueError("ReliefWeb needs an approved appname: request one at "
                             "https://apidoc.reliefweb.int/parameters and set "
                             "PREVENTION_RELIEFWEB_APPNAME")
        if not 1 <= page_size <= MAX_LIMIT:
            raise ValueError(f"page_size must be 1..{MAX_LIMIT} (ReliefWeb's limit)")
        self.base_url, self.appname = base_url.rstrip("/"), appname
        self.source_shortname, self.page_size = source_shortname, page_size

    def _request(self, start: str, end: str, offset: int) -> Request:
        span = {"from": f"{start}T00:00:00+00:00"}
        if end:
            span["to"] = f"{end}T23:59:59+00:00"
        body = {
            "filter": {"operator": "AND", "conditions": [
                {"field": "source.shortname", "value": self.source_shortname},
                {"field": "format.name", "value": FORMAT},
                {"field": "date.original", "value": span}]},
            "fields": {"include": FIELDS},
            "sort": ["date.original:asc", "id:asc"],
            "limit": self.page_size, "offset": offset}
        return Request(f"{self.base_url}/reports", params=(("appname", self.appname),),
                       method="POST", json=body,
                       meta={"start": start, "end": end, "offset": offset})

    def first_request(self, cursor: Cursor) -> Request:
        if not cursor.start:
            raise ValueError("give the first day to search (cursor.start, YYYY-MM-DD)")
        return self._request(cursor.start, cursor.end, 0)

    def next_request(self, response: Response, parsed: ParsedImport) -> Request | None:
        envelope = _envelope(response)
        if envelope is None or any(r.row is None for r in parsed.rejected):
            return None
        offset = int(response.request.meta.get("offset", 0)) + len(envelope["data"])
        total = envelope.get("totalCount")
        if not envelope["data"] or (isinstance(total, int) and offset >= total):
            return None
        meta = response.request.meta
        return self._request(meta["start"], meta["end"], offset)

    def parse(self, response: Response) -> ParsedImport:
        return parse_response(response)

    def coverage(self, cursor: Cursor, run: FetchRun) -> pd.DataFrame:
        """What a run declares: the span it searched, once the pager reached the end."""
        end = cursor.end or (run.pages[-1].response.fetched_at.date().isoformat()
                             if run.pages else cursor.start)
        rows = [coverage_row(SOURCE, k, cursor.start, end, "sample") for k in ISSUER_KINDS]
        return frame(rows if run.complete else [], COVERAGE_RECORD_COLUMNS)

    def next_cursor(self, cursor: Cursor, run: FetchRun) -> Cursor:
        if not run.complete:
            return cursor  # fetch the same span again: ids make the repeat harmless
        days = [d for p in run.parsed for d in p.signals["date"]]
        return Cursor(start=max(days) if days else cursor.start, end="")


def _envelope(response: Response) -> dict | None:
    try:
        data = json.loads(response.body)
    except ValueError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("data"), list) else None


def _names(values, key: str) -> list[str]:
    if isinstance(values, dict):
        values = [values]
    return [str(v.get(key, "")) for v in values or [] if isinstance(v, dict) and v.get(key)]


def _day(value) -> str | None:
    """The item's day, or None when it is not one or not in the range the product accepts."""
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
    return None if days.outside(day) else day.isoformat()


def parse_response(response: Response) -> ParsedImport:
    """One ReliefWeb list response (or a saved one: Response.from_file) -> ParsedImport."""
    try:
        data = json.loads(response.body)
    except ValueError as exc:
        return file_rejected(KIND, response, f"not JSON ({exc}); the response may be truncated: "
                                             "fetch it again")
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        keys = ", ".join(sorted(data)) if isinstance(data, dict) else type(data).__name__
        return file_rejected(KIND, response, "no 'data' list: not a ReliefWeb API list response "
                                             f"(found: {keys})")
    meta = response.request.meta
    total, offset = data.get("totalCount"), int(meta.get("offset", 0) or 0)
    if not data["data"] and isinstance(total, int) and offset < total:
        return file_rejected(KIND, response, f"empty page at offset {offset} although totalCount "
                                             f"is {total}: the results changed while paging; "
                                             "fetch the span again")
    signals, links, issuers, rejected, skipped = [], [], [], [], {}
    for number, item in enumerate(data["data"], 1):
        out = _item(item, number, response, rejected, skipped)
        if out is None:
            continue
        signal, ids, rows = out
        signals.append(signal)
        links += [{"signal_id": signal["signal_id"], "issuer_id": i} for i in ids]
        issuers += rows
    days = sorted(s["date"] for s in signals)
    start = meta.get("start") or (days[0] if days else "")
    end = meta.get("end") or (days[-1] if days else "")
    coverage = ([coverage_row(SOURCE, k, start, end, "sample") for k in ISSUER_KINDS]
                if start else [])
    return parsed_import(KIND, response, len(data["data"]), signals=signals, links=links,
                         issuers=issuers, coverage=coverage, rejected=rejected, skipped=skipped)


def _raw(item) -> dict[str, str]:
    fields = item.get("fields", {}) if isinstance(item, dict) else {}
    return {"id": str(item.get("id", "")) if isinstance(item, dict) else "",
            "title": str(fields.get("title", "")) if isinstance(fields, dict) else "",
            "item": json.dumps(item, ensure_ascii=False)[:20000]}


def _item(item, number: int, response: Response, rejected: list[Problem],
          skipped: dict[str, int]):
    def reject(fld, value, reason, suggestions=()):
        rejected.append(Problem(row=number, field=fld, value=value, message=reason,
                                 raw=_raw(item), suggestions=tuple(suggestions)))

    fields = item.get("fields") if isinstance(item, dict) else None
    if not isinstance(fields, dict):
        reject("fields", None, "the item has no 'fields' object; ask for fields[include]")
        return None
    rid = str(item.get("id") or fields.get("id") or "")
    if not rid.isdigit():
        reject("id", rid, "no ReliefWeb id (digits): the item cannot be identified")
        return None
    title = " ".join(str(fields.get("title") or "").split())
    if not title:
        reject("title", "", "no title: the item cannot be classified")
        return None
    day = _day((fields.get("date") or {}).get("original") if isinstance(fields.get("date"), dict)
               else None)
    if day is None:
        reject("date.original", str(fields.get("date")), "no publication date (date.original, "
                                                         "ISO 8601)")
        return None
    sources = _names(fields.get("source"), "shortname")
    if sources and not any(s.upper() == "OHCHR" for s in sources):
        bump(skipped, NOT_OHCHR)
        return None
    formats = _names(fields.get("format"), "name")
    if formats and FORMAT not in formats:
        bump(skipped, NOT_NEWS)
        return None
    body = str(fields.get("body") or "")
    primary = (fields.get("primary_country") or {}).get("iso3", "") if isinstance(
        fields.get("primary_country"), dict) else ""
    codes = classify.states(primary, _names(fields.get("country"), "iso3"), title, body)
    if not codes:  # before the mandates: a thematic release is skipped, not quarantined
        bump(skipped, THEMATIC)
        return None
    found = classify.classify_item(title, body, date.fromisoformat(day))
    if found.kind == "sp_mandate":
        ids = _mandates(found, reject)
        if ids is None:
            return None
        if not ids:
            bump(skipped, NOT_SP)
            return None
        issuer_rows = ohchr_sp.issuers(ids).to_dict("records")
    else:
        who = classify.HIGH_COMMISSIONER if found.kind == "high_commissioner" else classify.OFFICE
        ids = [who[0]]
        issuer_rows = [{"issuer_id": who[0], "name": who[1], "kind": who[2], "country": "",
                        "accreditation": "", "scope": ""}]
    url = str(fields.get("origin") or fields.get("url") or f"https://reliefweb.int/node/{rid}")
    languages = _names(fields.get("language"), "code")
    signal = {"signal_id": f"reliefweb:{rid}:{codes[0]}", "date": day, "country": codes[0],
              "concern": classify.is_concern(title), "title": title, "url": url,
              "reference": "", "summary": _summary(found), "language": (languages or ["en"])[0],
              "source_row": number, "response_sha256": response.sha256,
              "countries_other": ";".join(codes[1:])}
    return signal, ids, issuer_rows


def _mandates(found: classify.Classification, reject) -> list[str] | None:
    experts = found.experts
    if experts is None:
        reject("body", None, "speaks of UN experts but has no closing list ('The experts: ...'): "
                             "the mandates cannot be counted; read the release on the publisher's "
                             "page and import it by hand")
        return None
    unknown = experts.unknown
    if unknown:
        reject("body", unknown[0].text, "unknown Special Procedures mandate in the closing list; "
                                        "add it (or an alias) to data/reference/sp_mandates.csv",
               unknown[0].suggestions)
        return None
    return experts.mandate_ids


def _summary(found: classify.Classification) -> str:
    if found.kind == "high_commissioner" and found.holder:
        return f"High Commissioner {found.holder.name} ({found.rule})"
    if found.kind == "sp_mandate" and found.experts:
        not_counted = [f"{e.text} ({e.excluded})" for e in found.experts.excluded
                       if e.excluded != "names a person without a mandate"]
        tail = f"; not counted: {'; '.join(not_counted)}" if not_counted else ""
        return f"{len(found.experts.mandate_ids)} Special Procedures mandate(s){tail}"
    return found.rule

"""The latest-communications listing of the OHCHR communications site
(`/LatestReports/CommunicationSent?page=N`, plain HTML, one table row per letter with date,
addressee, type, reference, the mandates as a list, a summary and a link to the letter).

Newest first: pages are fetched until one holds a reference the store already has (the
cursor's `known`) or a page has no rows. The listing's markup is not documented; the parser
reads any table whose header names the columns (Date, Addressee or Country, Type, Reference or
Ref, Mandates, Summary), so a change of classes or layout does not break it, and a page
without such a table is a whole-page problem rather than "no letters".

Coverage: when the run met a known reference, the listing was read without a gap from the
newest letter down to a letter already stored: `complete` for sp_mandate from the day after
the oldest date read (a day can straddle two pages) to the newest date. Otherwise `sample`.
"""

from __future__ import annotations

from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin

import pandas as pd

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
from prevention.sources.importers.base import (
    COVERAGE_RECORD_COLUMNS,
    ParsedImport,
)
from prevention.sources.importers.ohchr_sp import issuers as mandate_issuers
from prevention.sources.spcomm import Skip, letter
from triggers.problems import Invalid

KIND = "spcomm-listing"
SOURCE = "ohchr-spcomm-latest"
PATH = "/LatestReports/CommunicationSent"
COLUMNS = {"date": ("date",), "addressee": ("addressee", "country", "state"),
           "type": ("type",), "reference": ("reference", "ref"), "mandates": ("mandate",),
           "summary": ("summary",)}


class _Tables(HTMLParser):
    """Rows of every table: each cell as (text, list items, links)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[dict]] = []
        self._row: list[dict] | None = None
        self._cell: dict | None = None
        self._item: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = {"text": [], "items": [], "links": [], "header": tag == "th"}
        elif tag == "li" and self._cell is not None:
            self._item = []
        elif tag == "a" and self._cell is not None:
            href = dict(attrs).get("href")
            if href:
                self._cell["links"].append(href)

    def handle_endtag(self, tag):
        if tag == "li" and self._cell is not None and self._item is not None:
            self._cell["items"].append(" ".join("".join(self._item).split()))
            self._item = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._cell["text"] = " ".join("".join(self._cell["text"]).split())
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"].append(data)
            if self._item is not None:
                self._item.append(data)


def _header(row: list[dict]) -> dict[str, int] | None:
    where = {}
    for i, cell in enumerate(row):
        key = cell["text"].lower()
        for name, words in COLUMNS.items():
            if name not in where and any(key.startswith(w) for w in words):
                where[name] = i
    return where if {"date", "reference", "mandates"} <= set(where) else None


def parse_listing(response: Response) -> ParsedImport:
    try:
        text = response.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return file_rejected(KIND, response, f"not UTF-8 HTML ({exc})")
    tables = _Tables()
    tables.feed(text)
    tables.close()
    header, rows = None, []
    for row in tables.rows:
        if header is None:
            header = _header(row)
        elif not all(c["header"] for c in row):
            rows.append(row)
    if header is None:
        if "<table" not in text.lower() and "no communication" in text.lower():
            return parsed_import(KIND, response, 0)  # the listing's end: an empty page
        return file_rejected(KIND, response, "no table with Date, Reference and Mandates columns: "
                                             "the listing's layout changed, or this is not it")
    signals, links, used, rejected, skipped = [], [], [], [], {}
    for number, row in enumerate(rows, 1):
        def cell(name, row=row):
            i = header.get(name)
            return row[i] if i is not None and i < len(row) else {"text": "", "items": [],
                                                                   "links": []}
        mandates = cell("mandates")
        gid = next((h for c in row for h in c["links"] if "gid=" in h.lower()), "")
        raw = {k: cell(k)["text"] for k in COLUMNS} | {"link": gid}
        try:
            signal, ids = letter(cell("date")["text"], cell("reference")["text"],
                                 cell("type")["text"], cell("addressee")["text"],
                                 " | ".join(mandates["items"]) or mandates["text"],
                                 urljoin(response.url, gid) if gid else "",
                                 cell("summary")["text"])
        except Skip as skip:
            bump(skipped, skip.reason)
            continue
        except Invalid as p:
            rejected.append(p.at(number, raw))
            continue
        signals.append({**signal, "source_row": number, "response_sha256": response.sha256})
        links += [{"signal_id": signal["signal_id"], "issuer_id": i} for i in ids]
        used += ids
    parsed = parsed_import(KIND, response, len(rows), signals=signals, links=links,
                           rejected=rejected, skipped=skipped)
    parsed.issuers = mandate_issuers(set(used))
    return parsed


class SpCommLatest:
    source = SOURCE

    def __init__(self, base_url: str, max_pages: int = 50):
        self.base_url, self.max_pages = base_url.rstrip("/"), max_pages
        self.known: frozenset[str] = frozenset()

    def _request(self, page: int) -> Request:
        return Request(f"{self.base_url}{PATH}", params=(("page", str(page)),),
                       meta={"page": page})

    def first_request(self, cursor: Cursor) -> Request:
        self.known = cursor.known
        return self._request(1)

    def met_known(self, parsed: ParsedImport) -> bool:
        return bool(set(parsed.signals["reference"]) & self.known)

    def next_request(self, response: Response, parsed: ParsedImport) -> Request | None:
        page = int(response.request.meta.get("page", 1))
        if parsed.rows_read == 0 or self.met_known(parsed) or page >= self.max_pages:
            return None
        return self._request(page + 1)

    def parse(self, response: Response) -> ParsedImport:
        return parse_listing(response)

    def coverage(self, cursor: Cursor, run: FetchRun) -> pd.DataFrame:
        days = sorted(d for p in run.parsed for d in p.signals["date"])
        if not days:
            return frame([], COVERAGE_RECORD_COLUMNS)
        met = run.complete and any(self.met_known(p) for p in run.parsed)
        start = (date.fromisoformat(days[0]) + timedelta(days=1)).isoformat() if met else days[0]
        if start > days[-1]:
            return frame([], COVERAGE_RECORD_COLUMNS)
        return frame([coverage_row(SOURCE, "sp_mandate", start, days[-1],
                                   "complete" if met else "sample")], COVERAGE_RECORD_COLUMNS)

    def next_cursor(self, cursor: Cursor, run: FetchRun) -> Cursor:
        seen = {r for p in run.parsed for r in p.signals["reference"]}
        return Cursor(known=cursor.known | seen)

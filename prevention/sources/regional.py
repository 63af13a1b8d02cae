"""Statements of regional organisations from their feeds (RSS 2.0, Atom 1.0) or, where no feed
exists, an HTML listing; one configuration row per organisation in
data/reference/regional_feeds.csv (org_id = the issuer id and the org_id of memberships.csv,
so `members_only` criteria apply as for any regional statement).

An item is one statement: its States are those its title names (prevention.sources.countries.
find_in_text), else those its summary names; one signal per State, id
`feed:<org_id>:<16 hex of the item's link or id>:<ISO3>`. Concern follows the rule of the OHCHR
items (classify.is_concern: a title that only welcomes is not concern). Items naming no State
are skipped with the reason.

XML is read with the standard library; a document that declares entities is refused (an
entity bomb would otherwise expand in memory), a malformed one is a whole-page problem with the
parser's line and column. HTML listings: every link whose address matches the row's
`link_pattern` is an item, its date the first date in the text of the block (row, list item,
article) around it.

Coverage: `sample` for regional_org over the dates of the items read: a feed shows the latest
items only, and which statements an organisation puts in it is its choice.
"""

from __future__ import annotations

import csv
import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cache
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pandas as pd

from prevention.sources import countries
from prevention.sources.classify import is_concern
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
from prevention.sources.importers.dates import DateProblem, parse_day
from triggers.problems import Problem

FEEDS = Path(__file__).resolve().parents[2] / "data" / "reference" / "regional_feeds.csv"
KIND = "regional-feed"
FORMATS = ("rss", "atom", "html")
NO_STATE = "names no State (title and summary)"
ATOM = "{http://www.w3.org/2005/Atom}"
# A link's date is in the text of the row around it (a table row, list item, article); inner
# blocks (cells, paragraphs) hand their links up to that row.
_ROWS = {"tr", "li", "article"}
_BLOCKS = _ROWS | {"td", "th", "div", "p", "section", "dd", "dt", "span", "time", "h2", "h3"}
_DATE_TEXT = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{4}\b|"
                        r"\b\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}\b|"
                        r"\b[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}\b")


@dataclass(frozen=True)
class FeedConfig:
    org_id: str
    issuer_name: str
    format: str
    url: str
    link_pattern: str = ""
    page_param: str = ""
    max_pages: int = 1
    confirmed: str = ""
    note: str = ""


@cache
def feeds(path: Path = FEEDS) -> dict[str, FeedConfig]:
    out = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            cfg = FeedConfig(row["org_id"], row["issuer_name"], row["format"], row["url"],
                             row.get("link_pattern", ""), row.get("page_param", ""),
                             int(row.get("max_pages") or 1), row.get("confirmed", ""),
                             row.get("note", ""))
            if cfg.format not in FORMATS:
                raise ValueError(f"{path.name}: {cfg.org_id}: format {cfg.format!r}; one of "
                                 f"{', '.join(FORMATS)}")
            if cfg.format == "html" and not cfg.link_pattern:
                raise ValueError(f"{path.name}: {cfg.org_id}: an html listing needs link_pattern")
            out[cfg.org_id] = cfg
    return out


@dataclass(frozen=True)
class Item:
    title: str
    link: str
    day: str | None
    summary: str
    raw: dict[str, str]


def _text(html_or_text: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html_or_text or "")).split())


def _day(value: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).date().isoformat()  # RSS: RFC 822
    except (TypeError, ValueError):
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()  # Atom
    except ValueError:
        pass
    try:
        return parse_day(value)
    except DateProblem:
        return None


def _xml_items(body: bytes) -> list[Item]:
    if b"<!ENTITY" in body[:4096].upper():
        raise ValueError("the document declares XML entities; refused (entity expansion)")
    root = ET.fromstring(body)
    items = []
    if root.tag == f"{ATOM}feed":
        for e in root.findall(f"{ATOM}entry"):
            links = e.findall(f"{ATOM}link")
            link = next((lk.get("href", "") for lk in links if lk.get("rel", "alternate") ==
                         "alternate"), "") or (e.findtext(f"{ATOM}id") or "")
            when = e.findtext(f"{ATOM}published") or e.findtext(f"{ATOM}updated") or ""
            summary = e.findtext(f"{ATOM}summary") or e.findtext(f"{ATOM}content") or ""
            title = _text(e.findtext(f"{ATOM}title") or "")
            items.append(Item(title, link.strip(), _day(when), _text(summary),
                              {"title": title, "link": link, "date": when}))
        return items
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise ValueError(f"neither RSS 2.0 (<rss><channel>) nor Atom (<feed>): root <{root.tag}>")
    for e in channel.findall("item"):
        title = _text(e.findtext("title") or "")
        link = (e.findtext("link") or e.findtext("guid") or "").strip()
        when = e.findtext("pubDate") or e.findtext("{http://purl.org/dc/elements/1.1/}date") or ""
        items.append(Item(title, link, _day(when), _text(e.findtext("description") or ""),
                          {"title": title, "link": link, "date": when}))
    return items


class _Listing(HTMLParser):
    """Links matching a pattern, each with the text of the block around it."""

    def __init__(self, pattern: re.Pattern):
        super().__init__(convert_charrefs=True)
        self.pattern, self.found = pattern, []
        self._blocks: list[dict] = []
        self._link: dict | None = None

    def handle_starttag(self, tag, attrs):
        if self._blocks:  # tags separate words: "2010</td><td>Communiqué"
            self._blocks[-1]["text"].append(" ")
        if tag in _BLOCKS:
            self._blocks.append({"text": [], "links": []})
        href = dict(attrs).get("href") if tag == "a" else None
        if href and self.pattern.search(href):
            self._link = {"href": href, "text": []}

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self._link["text"] = " ".join("".join(self._link["text"]).split())
            if self._blocks:
                self._blocks[-1]["links"].append(self._link)
            else:
                self.found.append((self._link, ""))
            self._link = None
        elif tag in _BLOCKS and self._blocks:
            block = self._blocks.pop()
            text = " ".join("".join(block["text"]).split())
            if tag in _ROWS or not self._blocks:
                self.found += [(link, text) for link in block["links"]]
            else:
                self._blocks[-1]["links"] += block["links"]
            if self._blocks:  # text also belongs to the enclosing block
                self._blocks[-1]["text"].append(" " + text + " ")

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"].append(data)
        if self._blocks:
            self._blocks[-1]["text"].append(data)


def _html_items(body: bytes, base: str, pattern: str) -> list[Item]:
    parser = _Listing(re.compile(pattern, re.IGNORECASE))
    parser.feed(body.decode("utf-8", "replace"))
    parser.close()
    items, seen = [], set()
    for link, block in parser.found:
        href = urljoin(base, link["href"])
        if href in seen:
            continue
        seen.add(href)
        dates = [d for d in (_day(m.group(0)) for m in _DATE_TEXT.finditer(block)) if d]
        title = link["text"] or block[:300]
        items.append(Item(title, href, dates[0] if dates else None, block[:1000],
                          {"title": title, "link": href, "block": block[:1000]}))
    return items


def parse_feed(response: Response, config: FeedConfig) -> ParsedImport:
    try:
        items = (_html_items(response.body, response.url, config.link_pattern)
                 if config.format == "html" else _xml_items(response.body))
    except ET.ParseError as exc:
        line, col = exc.position
        return file_rejected(KIND, response, f"malformed XML at line {line}, column {col} "
                                             f"({exc}); the feed may be truncated or not a feed")
    except ValueError as exc:
        return file_rejected(KIND, response, str(exc))
    signals, rejected, skipped = [], [], {}
    for number, item in enumerate(items, 1):
        if not item.title:
            rejected.append(Problem(row=number, field="title", value="", message="no title", raw=item.raw))
            continue
        if item.day is None:
            rejected.append(Problem(row=number, field="date", value=item.raw.get("date", ""),
                                     message="no readable date (RFC 822, ISO 8601 or a written day)",
                                     raw=item.raw))
            continue
        codes = countries.find_in_text(item.title) or countries.find_in_text(item.summary)
        if not codes:
            bump(skipped, NO_STATE)
            continue
        key = hashlib.sha1((item.link or item.title).encode()).hexdigest()[:16]
        for code in codes:
            signals.append({"signal_id": f"feed:{config.org_id}:{key}:{code}", "date": item.day,
                            "country": code, "concern": is_concern(item.title),
                            "title": item.title, "url": item.link, "reference": "",
                            "summary": item.summary[:1000], "language": "",
                            "source_row": number, "response_sha256": response.sha256,
                            "countries_other": ";".join(c for c in codes if c != code)})
    days = sorted(s["date"] for s in signals)
    coverage = [coverage_row(f"feed-{config.org_id}", "regional_org", days[0], days[-1],
                             "sample")] if days else []
    links = [{"signal_id": s["signal_id"], "issuer_id": config.org_id} for s in signals]
    issuer = [{"issuer_id": config.org_id, "name": config.issuer_name, "kind": "regional_org",
               "country": "", "accreditation": "", "scope": ""}] if signals else []
    return parsed_import(KIND, response, len(items), signals=signals, links=links, issuers=issuer,
                         coverage=coverage, rejected=rejected, skipped=skipped)


class RegionalFeed:
    def __init__(self, config: FeedConfig, url: str | None = None):
        self.config, self.url = config, url or config.url
        self.source = f"feed-{config.org_id}"
        self.known: frozenset[str] = frozenset()

    def _request(self, page: int, cursor: Cursor | None = None) -> Request:
        paged = self.config.page_param and page > 1
        params = ((self.config.page_param, str(page)),) if paged else ()
        return Request(self.url, params=params, meta={"page": page},
                       etag=cursor.etag if cursor else "",
                       last_modified=cursor.last_modified if cursor else "")

    def first_request(self, cursor: Cursor) -> Request:
        self.known = cursor.known
        return self._request(1, cursor)

    def next_request(self, response: Response, parsed: ParsedImport) -> Request | None:
        page = int(response.request.meta.get("page", 1))
        urls = set(parsed.signals["url"])
        if page >= self.config.max_pages or not parsed.rows_read or urls & self.known:
            return None
        return self._request(page + 1)

    def parse(self, response: Response) -> ParsedImport:
        return parse_feed(response, self.config)

    def coverage(self, cursor: Cursor, run: FetchRun) -> pd.DataFrame:
        days = sorted(d for p in run.parsed for d in p.signals["date"])
        rows = ([coverage_row(self.source, "regional_org", days[0], days[-1], "sample")]
                if days else [])
        return frame(rows, COVERAGE_RECORD_COLUMNS)

    def next_cursor(self, cursor: Cursor, run: FetchRun) -> Cursor:
        if not run.pages:
            return cursor
        first = run.pages[0].response
        seen = {u for p in run.parsed for u in p.signals["url"]}
        return Cursor(etag=first.etag, last_modified=first.last_modified,
                      known=cursor.known | seen)

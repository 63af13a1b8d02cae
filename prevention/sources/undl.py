"""UN Digital Library: GA and SC resolutions from the Library's official voting datasets, and
Human Rights Council country resolutions from its MARCXML search export.

Datasets first: the Library publishes the Security Council (record 4055387) and General
Assembly (record 4060887) voting data as files of a record; the record's file list is JSON
(`/api/v1/file?recid=N`), and the connector fetches it, then the CSV it lists. One dataset row
is one Member State's vote; rows are grouped by resolution and each resolution goes through the
existing rules of what counts as the GA or SC expressing concern
(prevention.sources.importers.undl_rules.classify), with the same ids (`undl:<undl_id>:<ISO3>`): a resolution
loaded from the older extract and from the dataset is one signal. The GA dataset holds
resolutions adopted by a recorded vote only, as the Library says; coverage is therefore
`sample` for general_assembly and `complete` for security_council up to the dataset's last
resolution (the dataset lists every adopted SC resolution, unanimous ones with "Y" votes).

HRC resolutions have no dataset found; the search export (`/search?...&of=xm`) is disallowed
to robots with a crawl delay of 5 s and the Library's terms ask for its approval before
automated downloading (docs/connectors.md): `HrcResolutions` runs only when the operator says
the approval is held, and its host delay must be at least CRAWL_DELAY. A resolution whose
title names a State is a Council outcome of kind `country_resolution` (records, not signals):
the Council acting, for back-tests; thematic ones are skipped.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
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
from prevention.sources.importers import undl_rules as rules
from prevention.sources.importers.base import (
    COVERAGE_RECORD_COLUMNS,
    ParsedImport,
)
from prevention.sources.importers.dates import DateProblem, parse_day
from prevention.sources.importers.undl import ISSUERS, RECORD_URL
from triggers.problems import Problem

KIND = "undl-dataset"
DATASETS = {"SC": "4055387", "GA": "4060887"}
ISSUER_KIND = {"SC": "security_council", "GA": "general_assembly"}
CRAWL_DELAY = 5.0  # seconds, digitallibrary.un.org robots.txt (per shared/connectors.md)
MARC = "{http://www.loc.gov/MARC21/slim}"
OUTCOME_KIND = "country_resolution"
VOTE_ROW = "another Member State's vote on a resolution already read (one signal per resolution)"
OUTCOME_COLUMNS = ["country", "date", "kind", "reference", "title", "url", "source_row"]
# Column names differ between the two datasets' data dictionaries (and between versions).
_ALIASES = {"resolution": ("resolution", "resolutions"), "title": ("description", "title"),
            "date": ("date",), "undl_id": ("undl_id",), "subjects": ("subjects",),
            "agenda": ("agenda", "agenda_titles"), "modality": ("modality",)}


def _pick(header: list[str], field: str) -> str | None:
    return next((h for h in _ALIASES[field] if h in header), None)


def parse_dataset(response: Response, body: str) -> ParsedImport:
    """A voting dataset CSV -> one signal per State a resolution concerns."""
    kind = f"{KIND}-{body.lower()}"
    try:
        text = response.body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return file_rejected(kind, response, f"not UTF-8 CSV ({exc})")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    where = {f: _pick(header, f) for f in _ALIASES}
    missing = [f for f in ("resolution", "title", "date", "undl_id") if where[f] is None]
    if missing:
        return file_rejected(kind, response,
                             f"missing column(s) {', '.join(missing)}; not the {body} voting "
                             f"dataset (columns: {', '.join(header)})")
    resolutions: dict[str, tuple[int, dict]] = {}
    rows_read = 0
    rejected, skipped, signals = [], {}, []
    for line, row in enumerate(reader, 2):
        rows_read += 1
        undl_id = (row.get(where["undl_id"]) or "").strip()
        if not undl_id.isdigit():
            rejected.append(Problem(row=line, field=where["undl_id"], value=undl_id, message="not a UN Digital Library "
                                     "record number (digits)", raw=dict(row)))
            continue
        if undl_id in resolutions:
            # One row per Member State's vote: the resolution was read from its first row.
            bump(skipped, VOTE_ROW)
            continue
        resolutions[undl_id] = (line, row)
    for undl_id, (line, row) in resolutions.items():
        symbol = (row.get(where["resolution"]) or "").strip()
        title = (row.get(where["title"]) or "").strip()
        try:
            day = parse_day(row.get(where["date"]) or "")
        except DateProblem as exc:
            rejected.append(Problem(row=line, field=where["date"], value=row.get(where["date"]), message=str(exc),
                                     raw=dict(row)))
            continue
        if not symbol or not title:
            rejected.append(Problem(row=line, field=where["resolution"] if not symbol else where["title"],
                                     value="", message="the symbol and the title are required", raw=dict(row)))
            continue
        subjects = (row.get(where["subjects"] or "") or "").replace(";", "|")
        if body == "SC" and not title.lower().startswith("security council"):
            title = f"Security Council {title}"  # the dataset's description omits the organ
        agenda = (row.get(where["agenda"] or "") or "").replace(";", "|")
        outcome = rules.classify(body, title, subjects, agenda)
        if outcome.skipped:
            bump(skipped, f"{body}: {outcome.skipped}")
            continue
        for code in outcome.countries:
            signals.append({"signal_id": f"undl:{undl_id}:{code}", "date": day, "country": code,
                            "concern": True, "title": rules.clean_title(title),
                            "url": RECORD_URL.format(undl_id), "reference": symbol,
                            # As the undl importer writes it: the category decides which
                            # rule sets count the resolution, the territory goes in the summary.
                            "summary": " ".join(p for p in (
                                f"Territory: {outcome.territory}." if outcome.territory else "",
                                f"UNBIS subjects: {subjects}" if subjects else "") if p),
                            "category": outcome.category, "language": "en", "source_row": line,
                            "response_sha256": response.sha256, "countries_other": ""})
    issuer_id, name, kind_ = ISSUERS[body]
    issuers = [{"issuer_id": issuer_id, "name": name, "kind": kind_, "country": "",
                "accreditation": "", "scope": ""}] if signals else []
    days = sorted(r[1].get(where["date"], "") for r in resolutions.values())
    coverage = []
    if resolutions:
        first, last = parse_day(days[0]), parse_day(days[-1])
        coverage = [coverage_row(f"undl-{body.lower()}-voting", ISSUER_KIND[body], first, last,
                                 "complete" if body == "SC" else "sample")]
    return parsed_import(kind, response, rows_read, signals=signals,
                         links=[{"signal_id": s["signal_id"], "issuer_id": issuer_id}
                                for s in signals],
                         issuers=issuers, coverage=coverage, rejected=rejected, skipped=skipped)


def data_file(files: list, base: str) -> str | None:
    """The CSV among a record's files (the file list's entries carry url/name/format)."""
    for f in files if isinstance(files, list) else []:
        if not isinstance(f, dict):
            continue
        url = str(f.get("url") or "")
        fmt = str(f.get("format") or f.get("extension") or "").lower().lstrip(".")
        if fmt == "csv" or url.lower().split("?")[0].endswith(".csv"):
            return urljoin(base, url)
    return None


class UndlDataset:
    """Step 1: the record's file list; step 2: its CSV (conditional on the last ETag)."""

    def __init__(self, base_url: str, body: str):
        if body not in DATASETS:
            raise ValueError(f"body must be one of {', '.join(DATASETS)}")
        self.base_url, self.body = base_url.rstrip("/"), body
        self.source = f"undl-{body.lower()}-voting"
        self.cursor = Cursor()

    def first_request(self, cursor: Cursor) -> Request:
        self.cursor = cursor
        return Request(f"{self.base_url}/api/v1/file", params=(("recid", DATASETS[self.body]),),
                       meta={"step": "files"}, accept="application/json")

    def next_request(self, response: Response, parsed: ParsedImport) -> Request | None:
        if response.request.meta.get("step") != "files" or parsed.rejected:
            return None
        url = data_file(json.loads(response.body), response.url)
        return Request(url, meta={"step": "data"}, etag=self.cursor.etag,
                       last_modified=self.cursor.last_modified)

    def parse(self, response: Response) -> ParsedImport:
        if response.request.meta.get("step") != "files":
            return parse_dataset(response, self.body)
        try:
            files = json.loads(response.body)
        except ValueError as exc:
            return file_rejected(KIND, response, f"the file list is not JSON ({exc})")
        if data_file(files, response.url) is None:
            names = [str(f.get("name", f)) if isinstance(f, dict) else str(f)
                     for f in (files if isinstance(files, list) else [files])]
            return file_rejected(KIND, response, f"record {DATASETS[self.body]} lists no CSV "
                                                 f"file (files: {', '.join(names) or 'none'})")
        return parsed_import(KIND, response, 0)

    def coverage(self, cursor: Cursor, run: FetchRun) -> pd.DataFrame:
        if not run.complete:
            return frame([], COVERAGE_RECORD_COLUMNS)
        return pd.concat([p.coverage for p in run.parsed], ignore_index=True)

    def next_cursor(self, cursor: Cursor, run: FetchRun) -> Cursor:
        data = [p.response for p in run.pages if p.response.request.meta.get("step") == "data"]
        if not run.complete or not data:
            return cursor
        return Cursor(etag=data[-1].etag, last_modified=data[-1].last_modified)


# -- HRC resolutions from the MARCXML search export ----------------------------------------

def _subfield(record: ET.Element, tag: str, code: str = "a") -> list[str]:
    return [" ".join((s.text or "").split())
            for d in record.findall(f"{MARC}datafield[@tag='{tag}']")
            for s in d.findall(f"{MARC}subfield[@code='{code}']") if s.text]


def _marc_day(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 8:
        value = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return parse_day(value)


def parse_marcxml(response: Response) -> ParsedImport:
    kind = "undl-hrc"
    if b"<!ENTITY" in response.body[:4096].upper():
        return file_rejected(kind, response, "the document declares XML entities; refused")
    try:
        root = ET.fromstring(response.body)
    except ET.ParseError as exc:
        line, col = exc.position
        return file_rejected(kind, response, f"malformed XML at line {line}, column {col} ({exc}); "
                                             "the export may be truncated: fetch it again")
    records = root.findall(f"{MARC}record") if root.tag != f"{MARC}record" else [root]
    if root.tag not in (f"{MARC}collection", f"{MARC}record"):
        return file_rejected(kind, response, f"not MARCXML (root <{root.tag}>)")
    outcomes, rejected, skipped = [], [], {}
    for number, rec in enumerate(records, 1):
        rid = (rec.findtext(f"{MARC}controlfield[@tag='001']") or "").strip()
        symbol = next(iter(_subfield(rec, "191") or _subfield(rec, "791")), "")
        title = " ".join(_subfield(rec, "245") + _subfield(rec, "245", "b"))
        raw = {"id": rid, "symbol": symbol, "title": title,
               "date": next(iter(_subfield(rec, "269")), "")}
        if not rid.isdigit() or not symbol or not title:
            rejected.append(Problem(row=number, field="001/191/245", value=rid or symbol,
                                     message="a record needs its id (001), symbol (191$a) and title "
                                     "(245$a)",
                                     raw=raw))
            continue
        try:
            day = _marc_day(raw["date"])
        except DateProblem as exc:
            rejected.append(Problem(row=number, field="269", value=raw["date"], message=str(exc), raw=raw))
            continue
        if not symbol.upper().startswith("A/HRC/RES/"):
            bump(skipped, "not a Human Rights Council resolution (symbol)")
            continue
        why = rules.skip_reason(title)
        found = [] if why else rules.states_in(title)
        if not found:
            bump(skipped, why or rules.THEMATIC)
            continue
        outcomes += [{"country": code, "date": day, "kind": OUTCOME_KIND, "reference": symbol,
                      "title": title, "url": RECORD_URL.format(rid), "source_row": number}
                     for code in found]
    return parsed_import(kind, response, len(records), records=frame(outcomes, OUTCOME_COLUMNS),
                         rejected=rejected, skipped=skipped)


class HrcResolutions:
    source = "undl-hrc-resolutions"
    QUERY = "191__a:A/HRC/RES/*"

    def __init__(self, base_url: str, *, approved: bool, page_size: int = 200):
        if not approved:
            raise ValueError("the UN Digital Library's terms ask for its approval before "
                             "automated downloading from /search (robots.txt disallows it): "
                             "use the datasets, or state that the approval is held")
        self.base_url, self.page_size = base_url.rstrip("/"), page_size

    def _request(self, start: int) -> Request:
        return Request(f"{self.base_url}/search",
                       params=(("p", self.QUERY), ("of", "xm"), ("rg", str(self.page_size)),
                               ("jrec", str(start))), meta={"jrec": start})

    def first_request(self, cursor: Cursor) -> Request:
        return self._request(1)

    def next_request(self, response: Response, parsed: ParsedImport) -> Request | None:
        if parsed.rows_read < self.page_size:
            return None
        return self._request(int(response.request.meta["jrec"]) + self.page_size)

    def parse(self, response: Response) -> ParsedImport:
        return parse_marcxml(response)

    def coverage(self, cursor: Cursor, run: FetchRun) -> pd.DataFrame:
        return frame([], COVERAGE_RECORD_COLUMNS)  # outcomes, not signals: no issuer coverage

    def next_cursor(self, cursor: Cursor, run: FetchRun) -> Cursor:
        return cursor

"""NHRI accreditation history from SDG indicator 16.a.1 (UN Statistics Division SDG API,
`Series/Data`): per State and year, whether it has an NHRI in compliance with the Paris
Principles. Four series, each 1 or 0 for a State and year: SG_NHR_IMPLN (A status),
SG_NHR_INTEXSTN (B), SG_NHR_NOSTUSN (C), SG_NHR_NOAPPLN (no application).

Records, not signals: one row per State, year and series whose value is 1, columns
`country` (ISO3), `year`, `status` (A, B, C, none), `series`, `source_row`. Values 0 say
which status a State does not have and are counted in `skipped`; regions and other
aggregates (M49 codes that are no State) are skipped too. geoAreaCode is the M49 code, mapped
with the OCHA taxonomy's M49 column. These are years, not review dates: the GANHRI chart
(ganhri.py) has the dates.

Paging: `page` from 1 to `totalPages`, then the next series.

Coverage: none. Coverage rows say which days a source was searched for expressions of concern
(docs/criteria.md, "Coverage"); this indicator says whether a State has an accredited NHRI, not
what NHRIs said, so an `nhri` row from it would let the NHRI criterion read "not met" where no
NHRI statement was ever looked for. `years_read` gives the span for the Data page instead.

Stored as accreditation history (`as_accreditations`): each State's status per year goes to the
one NHRI of that State the database holds (issuer kind nhri, its country), reviewed_on = 1
January of the year. A State with no stored NHRI, or with several (the indicator gives one
status per State), is skipped with the reason: the archive keeps the responses, and
`python -m prevention reparse unsd-sdg-16a1` stores them once the institutions are imported.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache

import pandas as pd

from prevention.sources import countries
from prevention.sources.connector import (
    Cursor,
    FetchRun,
    bump,
    file_rejected,
    frame,
    parsed_import,
)
from prevention.sources.http import Request, Response
from prevention.sources.importers.base import (
    COVERAGE_RECORD_COLUMNS,
    ParsedImport,
)
from triggers.problems import Problem

KIND = "sdg-16a1"
SOURCE = "unsd-sdg-16a1"
SERIES = {"SG_NHR_IMPLN": "A", "SG_NHR_INTEXSTN": "B", "SG_NHR_NOSTUSN": "C",
          "SG_NHR_NOAPPLN": "none"}
RECORD_COLUMNS = ["country", "year", "status", "series", "source_row"]
NOT_A_STATE = "not a State (region or aggregate M49 code)"
ZERO = "value 0 (the State does not have this status that year)"


@cache
def m49_to_iso3() -> dict[str, str]:
    out = {}
    for row in countries.taxonomy():
        m49 = (row.get("m49 numerical code") or "").strip()
        code = (row.get("ISO 3166-1 Alpha 3-Codes") or row.get("x Alpha3 codes") or "").strip()
        if m49.isdigit() and code:
            out[str(int(m49))] = code
    return out


class Sdg16a1:
    source = SOURCE

    def __init__(self, base_url: str, page_size: int = 1000,
                 series: tuple[str, ...] = tuple(SERIES)):
        unknown = [s for s in series if s not in SERIES]
        if unknown:
            raise ValueError(f"unknown 16.a.1 series {unknown}; one of {', '.join(SERIES)}")
        self.base_url, self.page_size, self.series = base_url.rstrip("/"), page_size, series

    def _request(self, index: int, page: int) -> Request:
        return Request(f"{self.base_url}/Series/Data",
                       params=(("seriesCode", self.series[index]),
                               ("pageSize", str(self.page_size)), ("page", str(page))),
                       meta={"index": index, "page": page}, accept="application/json")

    def first_request(self, cursor: Cursor) -> Request:
        return self._request(0, 1)

    def next_request(self, response: Response, parsed: ParsedImport) -> Request | None:
        try:
            data = json.loads(response.body)
            total = int(data.get("totalPages") or 0)
        except (ValueError, AttributeError, TypeError):
            return None
        index, page = int(response.request.meta["index"]), int(response.request.meta["page"])
        if page < total:
            return self._request(index, page + 1)
        return self._request(index + 1, 1) if index + 1 < len(self.series) else None

    def parse(self, response: Response) -> ParsedImport:
        return parse_response(response)

    def coverage(self, cursor: Cursor, run: FetchRun) -> pd.DataFrame:
        return frame([], COVERAGE_RECORD_COLUMNS)  # status, not statements: see the docstring

    def next_cursor(self, cursor: Cursor, run: FetchRun) -> Cursor:
        return cursor  # the series is small and revised in place: fetched whole every time


def years_read(run: FetchRun) -> tuple[int, int] | None:
    """The first and last year a complete run returned (what the Data page shows as searched)."""
    frames = [p.records for p in run.parsed if p.records is not None and len(p.records)]
    if not run.complete or not frames:
        return None
    years = pd.concat(frames)["year"].astype(int)
    return int(years.min()), int(years.max())


NO_NHRI = ("no NHRI of this State is stored (import the GANHRI chart or the nhri reference "
           "file, then run `python -m prevention reparse unsd-sdg-16a1`)")
SEVERAL_NHRIS = ("several NHRIs of this State are stored and the indicator gives one status per "
                 "State: record each institution's reviews with the nhri importer")
ACCREDITATION_COLUMNS = ["issuer_id", "name", "country", "status", "scope", "reviewed_on",
                         "source_row"]


def as_accreditations(parsed: ParsedImport, nhris: dict[str, list[dict]]) -> ParsedImport:
    """The page's records as the `nhri` importer's accreditation records. `nhris` maps ISO3 to
    the stored NHRI issuers of that State (dicts with issuer_id, name, scope)."""
    skipped = dict(parsed.skipped)
    rows = []
    records = parsed.records if parsed.records is not None else frame([], RECORD_COLUMNS)
    for rec in records.to_dict("records"):
        found = nhris.get(rec["country"], [])
        if len(found) != 1:
            bump(skipped, NO_NHRI if not found else SEVERAL_NHRIS)
            continue
        (issuer,) = found
        rows.append({"issuer_id": issuer["issuer_id"], "name": issuer["name"],
                     "country": rec["country"], "status": rec["status"],
                     "scope": issuer.get("scope") or "national",
                     # A status per year, not a review date: it holds from the year's first day.
                     "reviewed_on": f"{rec['year']}-01-01", "source_row": rec["source_row"]})
    return replace(parsed, kind="nhri", records=frame(rows, ACCREDITATION_COLUMNS),
                   skipped=skipped)


def _year(value) -> int | None:
    try:
        year = int(float(value))
    except (TypeError, ValueError):
        return None
    return year if 1990 <= year <= 2100 else None


def parse_response(response: Response) -> ParsedImport:
    try:
        data = json.loads(response.body)
    except ValueError as exc:
        return file_rejected(KIND, response, f"not JSON ({exc}); the response may be truncated: "
                                             "fetch it again")
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        keys = ", ".join(sorted(data)) if isinstance(data, dict) else type(data).__name__
        return file_rejected(KIND, response, "no 'data' list: not an SDG API Series/Data "
                                             f"response (found: {keys})")
    records, rejected, skipped = [], [], {}
    for number, item in enumerate(data["data"], 1):
        raw = ({k: str(v) for k, v in item.items()} if isinstance(item, dict)
               else {"item": str(item)})

        def reject(fld, value, reason):
            rejected.append(Problem(row=number, field=fld, value=value, message=reason, raw=raw))

        if not isinstance(item, dict):
            reject(None, None, "not an object")
            continue
        series = str(item.get("series") or item.get("seriesCode") or "")
        if series not in SERIES:
            reject("series", series, f"not a 16.a.1 series; one of {', '.join(SERIES)}")
            continue
        area = str(item.get("geoAreaCode") or "").strip()
        if not area.isdigit():
            reject("geoAreaCode", area, "no M49 area code")
            continue
        code = m49_to_iso3().get(str(int(area)))
        if code is None:
            bump(skipped, NOT_A_STATE)
            continue
        year = _year(item.get("timePeriodStart"))
        if year is None:
            reject("timePeriodStart", str(item.get("timePeriodStart")), "no year")
            continue
        value = str(item.get("value", "")).strip()
        if value not in ("0", "1", "0.0", "1.0"):
            reject("value", value, "16.a.1 values are 1 or 0")
            continue
        if value.startswith("0"):
            bump(skipped, ZERO)
            continue
        records.append({"country": code, "year": str(year), "status": SERIES[series],
                        "series": series, "source_row": number})
    return parsed_import(KIND, response, len(data["data"]),
                         records=frame(records, RECORD_COLUMNS), rejected=rejected,
                         skipped=skipped)

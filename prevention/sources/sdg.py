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

Paging: `page` from 1 to `totalPages`, then the next series. Coverage: issuer kind `nhri`,
`complete` over the years returned, declared only by a run that read all four series to the
end (a State's status in a year needs all four answers).
"""

from __future__ import annotations

import json
from functools import cache

import pandas as pd

from prevention import countries
from prevention.importers.base import COVERAGE_RECORD_COLUMNS, ParsedImport, Rejected
from prevention.sources.connector import (Cursor, FetchRun, bump, coverage_row, file_rejected,
                                          frame, parsed_import)
from prevention.sources.http import Request, Response

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
        frames = [p.records for p in run.parsed if p.records is not None and len(p.records)]
        if not run.complete or not frames:
            return frame([], COVERAGE_RECORD_COLUMNS)
        years = pd.concat(frames)["year"].astype(int)
        return frame([coverage_row(SOURCE, "nhri", f"{years.min()}-01-01", f"{years.max()}-12-31",
                                   "complete")], COVERAGE_RECORD_COLUMNS)

    def next_cursor(self, cursor: Cursor, run: FetchRun) -> Cursor:
        return cursor  # the series is small and revised in place: fetched whole every time


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
            rejected.append(Rejected(row=number, field=fld, value=value, reason=reason, raw=raw))

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

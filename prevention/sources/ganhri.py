"""The GANHRI status chart of accredited NHRIs, saved as CSV.

GANHRI publishes the chart as a PDF (no machine-readable copy was found, docs/connectors.md);
a user who converts it to CSV keeps its columns: Country, the institution's name (NHRI /
Name of institution / Institution), Status (A, B, C; "A status" too) and the date or year of
the last review. Rows become the records of the existing `nhri` reference importer
(prevention.sources.importers.reference: issuer_id `nhri-<iso3>-<slug>`, name, country, status, scope,
reviewed_on) plus `review_year`, because the chart often gives only a year, and a year is not a
day: `reviewed_on` stays empty rather than invented.

Coverage: none. The chart lists accredited institutions, it is not a search for what NHRIs
said; a coverage row of kind `nhri` would let the NHRI criterion read "not met" for days no NHRI
statement was looked for (the same decision as for SDG 16.a.1, sdg.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from prevention.sources import countries
from prevention.sources.connector import frame
from prevention.sources.importers.base import ParsedImport
from prevention.sources.importers.reference import _nhri
from prevention.sources.importers.rows import read_csv
from triggers.problems import Invalid, Problem

KIND = "ganhri-chart"
SOURCE = "ganhri-chart"
COLUMNS = {"country": ("country", "state"),
           "name": ("nhri", "name of institution", "institution", "name", "national institution"),
           "status": ("status", "accreditation status", "accreditation"),
           "review": ("date of review", "date of last review", "year of review",
                      "year of last review", "last review", "review", "date")}
RECORD_COLUMNS = ["issuer_id", "name", "country", "status", "scope", "reviewed_on", "review_year",
                  "source_row"]


def _where(header: list[str]) -> dict[str, str | None]:
    keys = {countries.normalise(h): h for h in header}
    return {f: next((keys[countries.normalise(n)] for n in names if countries.normalise(n) in keys),
                    None) for f, names in COLUMNS.items()}


def parse(path: Path, **options) -> ParsedImport:
    if options:
        raise TypeError(f"the {KIND} importer takes no options {sorted(options)}")
    path = Path(path)
    rejected: list[Problem] = []
    parsed = ParsedImport(kind=KIND, file_name=str(path), rows_read=0, rejected=rejected)
    table = read_csv(path, [], [], rejected)
    if table is None:
        return parsed
    where = _where(table.header)
    missing = [f for f in ("country", "name", "status") if where[f] is None]
    if missing:
        wanted = "; ".join(f"{f} ({' or '.join(COLUMNS[f])})" for f in missing)
        rejected.append(Problem(row=None, field=None, value=None, raw={}, message=(
            f"{path.name}: missing column(s) {wanted}")))
        return parsed
    parsed.rows_read = table.rows_read
    records = []
    for raw, line in zip(table.rows, table.lines):
        row = {f: (raw.get(h) or "").strip() if h else "" for f, h in where.items()}
        review = row.pop("review")
        year = re.fullmatch(r"(19|20)\d\d", review)
        try:
            record = _nhri({**row, "reviewed_on": "" if year else review})
        except Invalid as p:
            fld = where.get(p.field if p.field != "reviewed_on" else "review") or p.field
            rejected.append(p.at(line, raw, field=fld))
            continue
        review_year = review if year else record["reviewed_on"][:4]
        records.append({**record, "review_year": review_year, "source_row": line})
    parsed.records = frame(records, RECORD_COLUMNS)
    return parsed

"""What every importer's parser returns, before anything touches the database.

A parser reads one file of one source kind and splits its rows into records (signals with their
issuers, or reference rows), rejected rows (with the reason and the raw row, to quarantine) and
skipped rows (out of scope, such as a letter to a company: counted, not stored). It never writes.
Storing, de-duplication by natural key and the import report are the ingest step's job.

Row accounting: every data row of the file ends in exactly one bucket, so that
    accepted + duplicates + quarantined + skipped = rows_read
where a row is a duplicate when every record it yields is already stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from triggers.problems import Problem

SOURCE_KINDS = ("bundle", "table", "ohchr-sp", "undl", "memberships", "nhri", "ngos", "outcomes")

# Council outcome kinds (special sessions, inquiries, missions, urgent debates, regular-session
# country resolutions); the same list as triggers.outcomes.OUTCOME_KINDS.
OUTCOME_KINDS = ("special_session", "commission_of_inquiry", "fact_finding_mission",
                 "urgent_debate", "country_resolution", "other")


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


SIGNAL_RECORD_COLUMNS = ["signal_id", "date", "country", "concern", "title", "url", "reference",
                         "summary", "language", "category", "source_row"]
ISSUER_RECORD_COLUMNS = ["issuer_id", "name", "kind", "country", "accreditation", "scope"]
LINK_RECORD_COLUMNS = ["signal_id", "issuer_id"]
# What the file covers (docs/coverage.md): one row per (source, issuer kind, State or "" for
# every State, first day, last day, complete|sample). Days are ISO text, both included.
COVERAGE_RECORD_COLUMNS = ["source", "issuer_kind", "country", "start", "end", "completeness"]


@dataclass
class ParsedImport:
    """A parsed file. Frames hold strings in bundle column names plus `source_row`.

    `signals.signal_id` is the natural key: the source's own id where it has one, else a
    stable id built from source + reference + country, so re-importing adds nothing.
    Reference kinds fill `records` (one frame, columns documented by each parser) instead.
    """

    kind: str
    file_name: str
    rows_read: int
    signals: pd.DataFrame = field(default_factory=lambda: _empty(SIGNAL_RECORD_COLUMNS))
    issuers: pd.DataFrame = field(default_factory=lambda: _empty(ISSUER_RECORD_COLUMNS))
    links: pd.DataFrame = field(default_factory=lambda: _empty(LINK_RECORD_COLUMNS))
    records: pd.DataFrame | None = None  # memberships / nhri / ngos / outcomes rows, with source_row
    # The coverage this file declares, stored with the import (docs/coverage.md). Rows with a
    # `source_row` are rows of the file (a bundle's coverage.csv) and are accounted like any.
    coverage: pd.DataFrame = field(default_factory=lambda: _empty(COVERAGE_RECORD_COLUMNS))
    # When a file cannot say what was searched (a spreadsheet, a bundle without coverage.csv):
    # the ingest step declares the span of its signals, for the issuer kinds they hold, with
    # this completeness ("sample" unless the user says the file is complete).
    span_coverage: str | None = None
    # A bundle's accreditations.csv (issuer_id, status, since, until, source_row): stored as
    # the issuers' review history (a status holds from `since` until the next review).
    accreditations: pd.DataFrame | None = None

    def declare(self, source: str, kinds, start: str, end: str, completeness: str,
                country: str = "") -> None:
        """Add coverage rows: `source` searched `kinds` about `country` ("" every State)."""
        rows = pd.DataFrame([{"source": source, "issuer_kind": k, "country": country,
                              "start": start, "end": end, "completeness": completeness}
                             for k in kinds], columns=COVERAGE_RECORD_COLUMNS)
        self.coverage = rows if self.coverage.empty else pd.concat([self.coverage, rows],
                                                                   ignore_index=True)
    # Bad rows, each a Problem with its row, field, value, reason and raw row (to quarantine).
    rejected: list[Problem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> rows

    @property
    def skipped_rows(self) -> int:
        return sum(self.skipped.values())

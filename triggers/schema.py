"""Every table the product exchanges, declared once: its file, columns, required fields, key,
date columns and the words its cells may hold. Readers, checks, importers, exports and the
database loader all take their column names from here (docs/bundle.md is the prose of it).
The closed vocabularies of cells (issuer kinds, accreditations, statuses) are in
triggers.vocabulary, which the rule models share.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    file: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    key: str | None = None  # a column whose values must be unique (exact repeats count once)
    dates: tuple[str, ...] = ()

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.required)


SIGNALS = Table("signals.csv",
                ("signal_id", "date", "country", "issuers", "concern", "title", "url",
                 "reference", "summary", "language", "category"),
                ("signal_id", "date", "country", "issuers"), key="signal_id", dates=("date",))
ISSUERS = Table("issuers.csv", ("issuer_id", "name", "kind", "country", "accreditation", "scope"),
                ("issuer_id", "name", "kind"), key="issuer_id")
MEMBERSHIPS = Table("memberships.csv", ("org_id", "country", "since", "until"),
                    ("org_id", "country"), dates=("since", "until"))
COVERAGE = Table("coverage.csv",
                 ("source", "issuer_kind", "country", "start", "end", "completeness"),
                 ("source", "issuer_kind", "start", "end"), dates=("start", "end"))
ACCREDITATIONS = Table("accreditations.csv", ("issuer_id", "status", "since", "until"),
                       ("issuer_id", "status"), dates=("since", "until"))
OUTCOMES = Table("outcomes.csv", ("country", "date", "kind", "reference", "title", "url"),
                 ("country", "date", "kind", "reference"), dates=("date",))

# The files of a bundle, in the order they are checked (issuers before the signals that name
# them, signals before the memberships, coverage and accreditations that only qualify them).
BUNDLE_TABLES = (ISSUERS, SIGNALS, MEMBERSHIPS, COVERAGE, ACCREDITATIONS)
BUNDLE_REQUIRED_FILES = (ISSUERS.file, SIGNALS.file)

# A signal's fields as stored and as the engine's frame holds them (issuers are links).
SIGNAL_FIELDS = tuple(c for c in SIGNALS.columns if c != "issuers")

TRUE_WORDS = frozenset({"true", "1", "yes"})
FALSE_WORDS = frozenset({"false", "0", "no"})
COMPLETENESS = ("complete", "sample")
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

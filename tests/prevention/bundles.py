"""Small real-shaped bundles written to disk for the storage tests."""

from __future__ import annotations

import csv
from pathlib import Path

SIGNAL_HEADER = ["signal_id", "date", "country", "issuers", "concern", "title", "url",
                 "reference", "summary", "language"]
ISSUER_HEADER = ["issuer_id", "name", "kind", "country", "accreditation", "scope"]

ISSUERS = [
    ["ohchr-hc", "UN High Commissioner for Human Rights", "high_commissioner", "", "", ""],
    ["las", "League of Arab States", "regional_org", "", "", ""],
    ["unsc", "UN Security Council", "security_council", "", "", ""],
]
SIGNALS = [
    ["libya-2011-hc", "2011-02-22", "LBY", "ohchr-hc", "true", "High Commissioner on Libya", "",
     "A/HRC/RES/S-15/1", "", "en"],
    ["libya-2011-las", "2011-02-22", "LBY", "las", "true", "LAS on Libya", "", "", "", "en"],
    ["libya-2011-sc", "2011-02-22", "LBY", "unsc", "true", "SC press statement on Libya",
     "https://press.un.org/en/2011/sc10180.doc.htm", "SC/10180", "", "en"],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


COVERAGE_HEADER = ["source", "issuer_kind", "country", "start", "end", "completeness"]


def write_bundle(folder: Path, signals=SIGNALS, issuers=ISSUERS, memberships=None,
                 coverage=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "signals.csv", SIGNAL_HEADER, signals)
    write_csv(folder / "issuers.csv", ISSUER_HEADER, issuers)
    if memberships is not None:
        write_csv(folder / "memberships.csv", ["org_id", "country", "since", "until"], memberships)
    if coverage is not None:
        write_csv(folder / "coverage.csv", COVERAGE_HEADER, coverage)
    return folder


def table_counts(engine) -> dict[str, int]:
    import sqlalchemy as sa

    names = ["imports", "issuers", "issuer_accreditations", "signals", "signal_issuers",
             "memberships", "outcomes", "quarantine", "coverage"]
    with engine.connect() as conn:
        counts = {n: conn.execute(sa.text(f"SELECT COUNT(*) FROM {n}")).scalar_one()
                  for n in names}
        counts["version"] = conn.execute(sa.text("SELECT version FROM data_version")).scalar_one()
    return counts

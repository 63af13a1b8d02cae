"""The search export of the OHCHR communications site (Excel or CSV; columns Date, Country,
Type, Ref. no., Mandates, Summary, UN Region, OHCHR Region, Nb. of alleged victims, Nb. of
replies, Replies).

The export is what a search returned, so it declares `complete` coverage for sp_mandate over
the span the user searched, which the file itself does not record: the option `covers`
("START:END", ISO days) is required. The database holds communications from 2011; a span that
starts earlier is refused rather than declared complete. A letter dated outside the span is
rejected: it means the span given is not the one searched, and a wrong span would declare
coverage the file does not have.

The export has no link to each letter, so `url` stays empty (the listing connector has it).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from prevention.sources.connector import SIGNAL_COLUMNS, bump, coverage_row, frame
from prevention.sources.importers.base import ParsedImport
from prevention.sources.importers.ohchr_sp import issuers as mandate_issuers
from prevention.sources.importers.rows import read_csv
from prevention.sources.spcomm import Skip, letter
from triggers.problems import Invalid, Problem

KIND = "spcomm-export"
SOURCE = "ohchr-spcomm"
REQUIRED = ["Date", "Country", "Type", "Ref. no.", "Mandates"]
OPTIONAL = ["Summary", "UN Region", "OHCHR Region", "Nb. of alleged victims", "Nb. of replies",
            "Replies"]
FIRST_DAY = "2011-01-01"  # the communications database holds letters from 2011


def parse_covers(covers: str) -> tuple[str, str]:
    try:
        start, end = (date.fromisoformat(p.strip()).isoformat() for p in covers.split(":"))
    except (AttributeError, ValueError):
        raise ValueError(f"covers={covers!r}: give the searched span as START:END, e.g. "
                         "2025-12-01:2026-02-28") from None
    if end < start:
        raise ValueError(f"covers={covers!r}: END is before START")
    if start < FIRST_DAY:
        raise ValueError(f"covers={covers!r}: the communications database starts in 2011; a "
                         "search before it cannot be complete, start at 2011-01-01 or later")
    return start, end


def _rows(path: Path, rejected: list[Problem]) -> tuple[list[dict], list[int], int] | None:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            table = pd.read_excel(path, dtype=str).fillna("")
        except Exception as exc:  # openpyxl raises many types for a bad workbook
            rejected.append(Problem(row=None, field=None, value=None, raw={},
                                     message=f"{path.name}: not a readable Excel file ({exc})"))
            return None
        table.columns = [str(c).strip() for c in table.columns]
        missing = [c for c in REQUIRED if c not in table.columns]
        if missing:
            rejected.append(Problem(row=None, field=None, value=None, raw={}, message=(
                f"{path.name}: missing column(s) {', '.join(missing)}; the export has "
                f"{', '.join(REQUIRED + OPTIONAL)}")))
            return None
        rows = table.to_dict("records")
        return rows, list(range(2, len(rows) + 2)), len(rows)
    found = read_csv(path, REQUIRED, OPTIONAL, rejected)
    return None if found is None else (found.rows, found.lines, found.rows_read)


def parse(path: Path, covers: str = "", **options) -> ParsedImport:
    if options:
        raise TypeError(f"the {KIND} importer takes only the option covers, not {sorted(options)}")
    if not covers:
        raise ValueError("the export does not say what was searched: give covers=START:END "
                         "(the span of the search, ISO days)")
    start, end = parse_covers(covers)
    path = Path(path)
    rejected: list[Problem] = []
    parsed = ParsedImport(kind=KIND, file_name=str(path), rows_read=0, rejected=rejected)
    read = _rows(path, rejected)
    if read is None:
        return parsed
    rows, lines, parsed.rows_read = read
    signals, links, used = [], [], []
    for raw, line in zip(rows, lines):
        row = {k: str(v or "").strip() for k, v in raw.items()}
        try:
            signal, ids = letter(row["Date"], row["Ref. no."], row["Type"], row["Country"],
                                 row["Mandates"], "", row.get("Summary", ""))
        except Skip as skip:
            bump(parsed.skipped, skip.reason)
            continue
        except Invalid as p:
            fld = {"reference": "Ref. no.", "type": "Type", "date": "Date",
                   "mandates": "Mandates"}.get(p.field, p.field)
            rejected.append(p.at(line, {k: str(v) for k, v in raw.items()}, field=fld))
            continue
        if not start <= signal["date"] <= end:
            rejected.append(Problem(row=line, field="Date", value=row["Date"], message=(
                f"dated outside the searched span {start}:{end}; give the span of the search "
                "that produced this export (option covers)"),
                raw={k: str(v) for k, v in raw.items()}))
            continue
        signals.append({**signal, "source_row": line, "response_sha256": ""})
        links += [{"signal_id": signal["signal_id"], "issuer_id": i} for i in ids]
        used += ids
    parsed.signals = frame(signals, SIGNAL_COLUMNS)
    parsed.links = frame(links, ["signal_id", "issuer_id"]).drop_duplicates()
    parsed.issuers = mandate_issuers(set(used))
    parsed.coverage = frame([coverage_row(SOURCE, "sp_mandate", start, end, "complete")],
                            list(parsed.coverage.columns))
    return parsed

"""General Assembly and Security Council resolutions from UN Digital Library metadata (the
columns of shared/data/un_resolutions/un_sc_ga_resolutions_1946_2025.csv).

Resolutions carry no country tag. This parser reads, from the title, the UNBIS subjects and the
agenda, which State(s) a resolution concerns and what kind of resolution it is (its
*category*: undl_rules.py), and stores every resolution that concerns a State: whether a category counts as
"expressing concern" is the rule set's reading, not the importer's. The rules, and the reason
for each hard case (occupied territories, Western Sahara, Kosovo, financing of missions), are
in docs/importers.md ("GA and SC resolutions"); `undl_rules.classify()` implements them and the tests hold
a table of real titles with the expected outcome.

The file also says what it covers: resolution numbers run in sequences (S/RES/1, 2, ...
across years; A/RES/<session>/1, 2, ... within a GA session), so a missing run of numbers is a
hole in the file, not a quiet time. `undl_holes.coverage_holes()` finds them; `parse()`
declares the rest of the span as coverage.

signal_id = "undl:<undl_id>:<ISO3>" (one signal per State concerned).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from prevention.sources.importers.base import (
    COVERAGE_RECORD_COLUMNS,
    ParsedImport,
)
from prevention.sources.importers.rows import read_csv
from prevention.sources.importers.undl_holes import coverage_holes, covered_spans
from prevention.sources.importers.undl_rules import BEFORE, classify, clean_title
from triggers import days
from triggers.memfiles import as_path
from triggers.problems import Problem

KIND = "undl"
REQUIRED = ["undl_id", "symbol", "body", "date", "title"]
OPTIONAL = ["meeting_record", "agenda_items", "subjects", "n_country_votes_recorded"]
RECORD_URL = "https://digitallibrary.un.org/record/{}"
ISSUERS = {"GA": ("unga", "UN General Assembly", "general_assembly"),
           "SC": ("unsc", "UN Security Council", "security_council")}

def _coverage(rows: list[tuple[str, str, str]], since: str | None, source: str | None
              ) -> pd.DataFrame:
    holes = coverage_holes(rows)
    last_day = max(day for _, _, day in rows)
    source = source or f"undl-{last_day[:7]}"
    out = []
    for body in sorted(ISSUERS):
        days = [day for b, _, day in rows if b == body]
        if not days:
            continue
        start, end = max(since or min(days), min(days)), max(days)
        if start > end:
            continue
        for a, b in covered_spans(start, end, [h for h in holes if h.body == body]):
            out.append({"source": source, "issuer_kind": ISSUERS[body][2], "country": "",
                        "start": a, "end": b, "completeness": "complete"})
    return pd.DataFrame(out, columns=COVERAGE_RECORD_COLUMNS)


# --- parse -----------------------------------------------------------------------------------

def _since(value) -> str | None:
    if value in (None, ""):
        return None
    try:
        return (value if isinstance(value, date) else date.fromisoformat(str(value))).isoformat()
    except ValueError:
        raise ValueError(f"option since={value!r} is not a date; write it as YYYY-MM-DD") from None


def _bump(parsed: ParsedImport, reason: str) -> None:
    parsed.skipped[reason] = parsed.skipped.get(reason, 0) + 1


def _summary(territory: str, subjects: str) -> str:
    parts = [f"Territory: {territory}." if territory else "",
             f"UNBIS subjects: {subjects}" if subjects else ""]
    return " ".join(p for p in parts if p)


def parse(path: Path, since: str | date | None = None, source: str | None = None,
          **options) -> ParsedImport:
    """Parse one UNDL metadata export. `since`: keep only resolutions adopted on or after that
    day (the seed uses 2006-01-01, the Council's creation). `source`: the coverage source id
    (default undl-<YYYY-MM of the file's last resolution>)."""
    if "renewals" in options:
        raise TypeError(f"the {KIND} importer no longer takes the option renewals: renewals are "
                        "stored, with category peace_operation or sanctions; choose which "
                        "categories count in the rule set")
    if options:
        raise TypeError(f"the {KIND} importer takes only the options since and source, "
                        f"not {sorted(options)}")
    since = _since(since)
    if source is not None and not str(source).strip():
        raise ValueError("option source is empty; give a source id such as undl-2025-10, or "
                         "leave it out for the default")
    path = as_path(path)
    rejected: list[Problem] = []
    table = read_csv(path, REQUIRED, OPTIONAL, rejected)
    parsed = ParsedImport(kind=KIND, file_name=str(path), rows_read=0, rejected=rejected)
    if table is None:
        return parsed
    parsed.rows_read = table.rows_read
    signals, bodies, dated = [], set(), []
    for raw, line in zip(table.rows, table.lines):
        row = {k: (v or "").strip() for k, v in raw.items()}
        problem = _problem(row)
        if problem:
            fld, reason = problem
            rejected.append(Problem(row=line, field=fld, value=row.get(fld, ""), message=reason,
                                     raw=raw))
            continue
        body = row["body"].upper()
        # Earlier rows still bound the holes of the span from `since` on.
        dated.append((body, row["symbol"], row["date"]))
        if since and row["date"] < since:
            _bump(parsed, BEFORE.format(since=since))
            continue
        subjects = row.get("subjects", "")
        outcome = classify(body, row["title"], subjects, row.get("agenda_items", ""))
        if outcome.skipped:
            _bump(parsed, f"{body}: {outcome.skipped}")
            continue
        bodies.add(body)
        for code in outcome.countries:
            signals.append({
                "signal_id": f"undl:{row['undl_id']}:{code}", "date": row["date"],
                "country": code, "concern": True, "title": clean_title(row["title"]),
                "url": RECORD_URL.format(row["undl_id"]), "reference": row["symbol"],
                "summary": _summary(outcome.territory, subjects), "language": "en",
                "category": outcome.category, "territory": outcome.territory,
                "source_row": line, "_issuer": ISSUERS[body][0]})
    if signals:
        frame = pd.DataFrame(signals)
        parsed.links = frame[["signal_id", "_issuer"]].rename(columns={"_issuer": "issuer_id"})
        parsed.signals = frame.drop(columns="_issuer")
        parsed.issuers = pd.DataFrame(
            [{"issuer_id": i, "name": n, "kind": k, "country": "", "accreditation": "",
              "scope": ""} for b, (i, n, k) in sorted(ISSUERS.items()) if b in bodies])
    if dated:
        parsed.coverage = _coverage(dated, since, source)
    return parsed


def _problem(row: dict) -> tuple[str, str] | None:
    if not row["undl_id"].isdigit():
        return "undl_id", "not a UN Digital Library record number (digits only)"
    if row["body"].upper() not in ISSUERS:
        return "body", "unknown body; allowed: GA, SC"
    if not row["symbol"]:
        return "symbol", "the document symbol (e.g. A/RES/77/218, S/RES/2334(2016)) is required"
    if not row["title"]:
        return "title", "a title is required: the State concerned is read from it"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"]):
        return "date", "not a date; write it as YYYY-MM-DD"
    try:
        day = date.fromisoformat(row["date"])
    except ValueError:
        return "date", "not a calendar date (YYYY-MM-DD)"
    problem = days.outside(day)
    return ("date", problem) if problem else None

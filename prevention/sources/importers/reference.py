"""Reference tables: regional memberships, NHRI accreditation, the NGO registry and Council
outcomes. Each parser fills `ParsedImport.records` (one row per accepted source row, with
`source_row`); the columns are documented in docs/importers.md.

Country cells may be names in any UN language or codes (prevention.sources.countries); dates may be
written in any unambiguous form (importers.dates). A bad row is rejected with the field, the
value and what is allowed; the others are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from prevention.sources import countries
from prevention.sources.importers.base import OUTCOME_KINDS, ParsedImport
from prevention.sources.importers.dates import DateProblem, parse_day
from prevention.sources.importers.rows import read_csv
from triggers import days
from triggers.memfiles import as_path
from triggers.problems import Invalid, Problem
from triggers.vocabulary import NGO_SCOPES, NGO_STATUSES, NHRI_STATUSES


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", countries.normalise(text)).strip("-")[:80]


def _country(row: dict, fld: str, required: bool = True) -> str:
    value = row.get(fld, "")
    if not value and not required:
        return ""
    match = countries.to_iso3(value)
    if not match.ok:
        raise Invalid(fld, value, match.reason or "unknown country", match.suggestions)
    return match.iso3


def _day(row: dict, fld: str, required: bool, earliest=days.EARLIEST) -> str:
    value = row.get(fld, "")
    if not value and not required:
        return ""
    try:
        return parse_day(value, earliest)
    except DateProblem as exc:
        raise Invalid(fld, value, str(exc)) from None


def _choice(row: dict, fld: str, allowed: tuple[str, ...], aliases: dict[str, str] | None = None,
            default: str | None = None) -> str:
    value = row.get(fld, "")
    key = value.strip().lower()
    if not key and default is not None:
        return default
    key = (aliases or {}).get(key, key)
    found = next((a for a in allowed if a.lower() == key), None)
    if found is None:
        raise Invalid(fld, value, f"not allowed; use one of {', '.join(allowed)}")
    return found


def _first(header: list[str], names: tuple[str, ...]) -> str | None:
    by_key = {countries.normalise(h): h for h in header}
    return next((by_key[countries.normalise(n)] for n in names if countries.normalise(n) in by_key),
                None)


def _parse(path: Path, kind: str, columns: dict[str, tuple[str, ...]], required: list[str],
           build: Callable[[dict], dict]) -> ParsedImport:
    """Read a CSV whose header names each field by one of its accepted names, build one
    record per row, collect rejected rows. `columns`: field -> accepted header names."""
    path = as_path(path)
    rejected: list[Problem] = []
    parsed = ParsedImport(kind=kind, file_name=str(path), rows_read=0, rejected=rejected)
    probe = read_csv(path, [], [], rejected)
    if probe is None:
        return parsed
    where = {f: _first(probe.header, names) for f, names in columns.items()}
    missing = [f for f in required if where[f] is None]
    if missing:
        wanted = "; ".join(f"{f} ({' or '.join(columns[f])})" for f in missing)
        rejected.append(Problem(row=None, field=None, value=None, raw={}, message=(
            f"{path.name}: missing column(s) {wanted}; columns: "
            f"{', '.join(f'{f}' for f in columns)}")))
        return parsed
    parsed.rows_read = probe.rows_read
    records = []
    for raw, line in zip(probe.rows, probe.lines):
        row = {f: (raw.get(h) or "").strip() if h else "" for f, h in where.items()}
        try:
            record = build(row)
        except Invalid as p:
            rejected.append(p.at(line, raw, field=where.get(p.field)))
            continue
        records.append({**record, "source_row": line})
    parsed.records = pd.DataFrame(records) if records else pd.DataFrame(
        columns=[*_COLUMNS[kind], "source_row"])
    return parsed


_COLUMNS = {
    "memberships": ["org_id", "org_name", "country", "since", "until", "note"],
    "nhri": ["issuer_id", "name", "country", "status", "scope", "reviewed_on"],
    "ngos": ["issuer_id", "name", "country", "status", "scope", "reviewed_on"],
    "outcomes": ["country", "date", "kind", "reference", "title", "url"],
}


# --- memberships --------------------------------------------------------------------------

def _membership(row: dict) -> dict:
    org = row["org_id"].strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", org):
        raise Invalid("org_id", row["org_id"], "an organisation id is required: letters, "
                         "digits, '-', '_' or '.', e.g. au, ecowas, coe (the regional "
                         "organisation's issuer_id)")
    since = _day(row, "since", False, days.EARLIEST_MEMBERSHIP)
    until = _day(row, "until", False, days.EARLIEST_MEMBERSHIP)
    if row["status"].lower() == "withdrawn" and not until:
        raise Invalid("status", row["status"], "a withdrawn State needs the until date (the "
                         "first day it is no longer a member); add an until column")
    if since and until and until <= since:
        raise Invalid("until", row["until"], f"must be after since ({since}); until is the "
                         "first day the State is no longer a member")
    return {"org_id": org, "org_name": row["org_name"], "country": _country(row, "country"),
            "since": since, "until": until, "note": row["note"]}


def parse_memberships(path: Path, **options) -> ParsedImport:
    """org_id, country, since, until (+ org_name, note); also the shared file's org_code/iso3."""
    _no_options("memberships", options)
    return _parse(path, "memberships", {
        "org_id": ("org_id", "org_code", "organisation", "organization"),
        "org_name": ("org_name", "organisation name", "organization name"),
        "country": ("country", "iso3", "country_code", "state"),
        "since": ("since", "from", "joined"), "until": ("until", "to", "left"),
        "note": ("note", "notes"), "status": ("status",)}, ["org_id", "country"], _membership)


# --- NHRI accreditation ---------------------------------------------------------------------

def _nhri(row: dict) -> dict:
    if not row["name"]:
        raise Invalid("name", "", "the institution's name is required")
    code = _country(row, "country")
    status = _choice(row, "status", NHRI_STATUSES,
                     {"a status": "a", "b status": "b", "c status": "c", "": "none",
                      "not accredited": "none", "no status": "none"}, default="none")
    return {"issuer_id": f"nhri-{code.lower()}-{slug(row['name'])}", "name": row["name"],
            "country": code, "status": status, "scope": "national",
            "reviewed_on": _day(row, "reviewed_on", False)}


def parse_nhri(path: Path, **options) -> ParsedImport:
    """GANHRI accreditation chart rows: country, institution, status (A/B/C), date of review."""
    _no_options("nhri", options)
    return _parse(path, "nhri", {
        "country": ("country", "state", "iso3"), "name": ("institution", "name", "nhri"),
        "status": ("status", "accreditation", "accreditation status"),
        "reviewed_on": ("date of review", "date_of_review", "reviewed_on", "review date",
                        "review_date", "date")}, ["country", "name", "status"], _nhri)


# --- NGO registry ---------------------------------------------------------------------------

def _ngo(row: dict) -> dict:
    if not row["name"]:
        raise Invalid("name", "", "the NGO's name is required")
    status = _choice(row, "status", NGO_STATUSES,
                     {"general consultative status": "general",
                      "special consultative status": "special", "": "none"}, default="none")
    scope = _choice(row, "scope", NGO_SCOPES, default="national")
    code = _country(row, "country", required=scope == "national")
    return {"issuer_id": f"ngo-{(code or 'int').lower()}-{slug(row['name'])}",
            "name": row["name"], "country": code, "status": status, "scope": scope,
            "reviewed_on": _day(row, "reviewed_on", False)}


def parse_ngos(path: Path, **options) -> ParsedImport:
    """NGO registry rows: name, country, ECOSOC status (general/special/roster/none), scope."""
    _no_options("ngos", options)
    return _parse(path, "ngos", {
        "name": ("name", "ngo", "ngo_name", "organization", "organisation"),
        "country": ("country", "state", "iso3"),
        "status": ("ecosoc status", "ecosoc_status", "status", "category"),
        "scope": ("scope",),
        "reviewed_on": ("since", "date", "status date", "reviewed_on")},
        ["name", "status"], _ngo)


# --- Council outcomes -----------------------------------------------------------------------

def _outcome(row: dict) -> dict:
    kind = _choice(row, "kind", OUTCOME_KINDS, {k.replace("_", " "): k for k in OUTCOME_KINDS})
    if not row["reference"]:
        raise Invalid("reference", "", "a reference (the outcome's symbol, e.g. "
                         "A/HRC/RES/S-15/1) is required: it identifies the outcome")
    return {"country": _country(row, "country", required=False),
            "date": _day(row, "date", True), "kind": kind, "reference": row["reference"],
            "title": row["title"], "url": row["url"]}


def parse_outcomes(path: Path, **options) -> ParsedImport:
    """Outcomes CSV: country (ISO3, empty when thematic), date, kind, reference, title, url."""
    _no_options("outcomes", options)
    return _parse(path, "outcomes", {
        "country": ("country",), "date": ("date",), "kind": ("kind",),
        "reference": ("reference", "symbol"), "title": ("title",), "url": ("url",)},
        ["country", "date", "kind", "reference"], _outcome)


def _no_options(kind: str, options: dict) -> None:
    if options:
        raise TypeError(f"the {kind} importer takes no options {sorted(options)}")

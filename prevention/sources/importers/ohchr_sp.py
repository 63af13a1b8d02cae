"""OHCHR Special Procedures communications (the columns of the communications database
export, as in shared/data/special_procedures/sp_communications_sample_*.csv).

One row is one letter to one addressee. A letter to a State is one signal about that State,
issued by every mandate that sent it; a letter to a company or another actor (addressee code
OTH) is not about a State and is skipped. Mandate names are mapped through the mandate table
data/reference/sp_mandates.csv, so that a working group counts as one mandate and the same
mandate always has the same issuer id.

signal_id = "ohchr-sp:<full_reference>:<addressee_code>": OHCHR gives every letter its own
reference, so re-importing the same or an overlapping export adds nothing.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd

from prevention.sources import countries
from prevention.sources.importers.base import (
    ISSUER_RECORD_COLUMNS,
    ParsedImport,
)
from prevention.sources.importers.rows import read_csv
from triggers import days
from triggers.memfiles import as_path
from triggers.problems import Problem
from triggers.vocabulary import COUNTRY_CODES

KIND = "ohchr-sp"
MANDATES = Path(__file__).resolve().parents[3] / "data" / "reference" / "sp_mandates.csv"
REQUIRED = ["date_sent", "addressee_code", "full_reference", "mandates"]
OPTIONAL = ["ohchr_gid", "addressee", "comm_type", "reference", "is_state_addressee",
            "n_mandates", "source_url"]
NOT_A_STATE = "not about a State (addressee code OTH: a company, an organisation or another actor)"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@cache
def mandate_table(path: Path = MANDATES) -> pd.DataFrame:
    """The Special Procedures mandates: mandate_id, short_name, title, kind, country, note."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _key(name: str) -> str:
    return countries.normalise(name)


@cache
def _lookup(path: Path = MANDATES) -> dict[str, str]:
    """Normalised short name, title or id -> mandate_id."""
    table = mandate_table(path)
    out: dict[str, str] = {}
    for col in ("mandate_id", "title", "short_name"):
        out.update({_key(v): m for v, m in zip(table[col], table["mandate_id"]) if v})
    return out


def mandate_id(name: str) -> str | None:
    return _lookup().get(_key(name))


def _suggest(name: str) -> tuple[str, ...]:
    table = mandate_table()
    by_key = {_key(s): s for s in table["short_name"]}
    close = difflib.get_close_matches(_key(name), list(by_key), n=3, cutoff=0.5)
    return tuple(by_key[k] for k in close)


def _reject(rejected: list[Problem], line: int, raw: dict, fld: str, value: str, reason: str,
            suggestions: tuple[str, ...] = ()) -> None:
    rejected.append(Problem(row=line, field=fld, value=value, message=reason, raw=raw,
                             suggestions=suggestions))


def _calendar_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
        return True
    except ValueError:
        return False


def _date(value: str) -> str | None:
    """An ISO day in the range the product accepts (triggers/days.py), else None."""
    if not _DATE.match(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return None if days.outside(day) else day.isoformat()


def parse_covers(value: str | None) -> tuple[str, str] | None:
    """'2011-01-01:2023-05-31' -> ('2011-01-01', '2023-05-31'), the span a search covered."""
    if value in (None, ""):
        return None
    first, sep, last = str(value).partition(":")
    a, b = _date(first.strip()), _date(last.strip())
    if not sep or a is None or b is None or b < a:
        raise ValueError(f"option covers={value!r}: write the searched span as START:END, two "
                         "days YYYY-MM-DD with END on or after START")
    return a, b


def parse(path: Path, complete: bool = False, covers: str | None = None,
          **options) -> ParsedImport:
    """Parse one communications export (CSV, UTF-8). Coverage (docs/coverage.md): the file
    is declared a `sample` of the communications over its span (first to last date sent), or
    `complete` when the user says it is (`complete=True`: the whole result of a search), over
    `covers` (START:END, the search's span) when given."""
    if options:
        raise TypeError(f"the {KIND} importer takes only the options complete and covers, "
                        f"not {sorted(options)}")
    span = parse_covers(covers)
    path = as_path(path)
    rejected: list[Problem] = []
    table = read_csv(path, REQUIRED, OPTIONAL, rejected)
    parsed = ParsedImport(kind=KIND, file_name=str(path), rows_read=0, rejected=rejected)
    if table is None:
        return parsed
    parsed.rows_read = table.rows_read
    signals, links, used, sent = [], [], set(), []
    for raw, line in zip(table.rows, table.lines):
        row = {k: v.strip() for k, v in raw.items()}
        if _date(row["date_sent"]):
            sent.append(row["date_sent"])  # letters to other actors were searched too
        code = row["addressee_code"].upper()
        if code == "OTH" or row.get("is_state_addressee", "").lower() in ("0", "false", "no"):
            parsed.skipped[NOT_A_STATE] = parsed.skipped.get(NOT_A_STATE, 0) + 1
            continue
        record = _signal(row, code, line, raw, rejected)
        if record is None:
            continue
        ids = _mandates(row, line, raw, rejected)
        if ids is None:
            continue
        signals.append(record)
        links += [(record["signal_id"], i) for i in ids]
        used.update(ids)
    if signals:
        parsed.signals = pd.DataFrame(signals)
        parsed.links = pd.DataFrame(links, columns=["signal_id", "issuer_id"]).drop_duplicates()
        parsed.issuers = issuers(used)
    if span or sent:
        first, last = span or (min(sent), max(sent))
        parsed.declare(f"{KIND}:{path.name}", ["sp_mandate"], first, last,
                       "complete" if complete else "sample")
    return parsed


def _signal(row: dict, code: str, line: int, raw: dict, rejected: list[Problem]) -> dict | None:
    if code not in COUNTRY_CODES:
        match = countries.to_iso3(row.get("addressee", ""))
        _reject(rejected, line, raw, "addressee_code", row["addressee_code"],
                "not an ISO 3166-1 alpha-3 code; letters to States carry the State's code "
                "(e.g. RUS), letters to other actors carry OTH",
                (match.iso3,) if match.ok else match.suggestions)
        return None
    day = _date(row["date_sent"])
    if day is None:
        shaped = _DATE.match(row["date_sent"]) and _calendar_day(row["date_sent"])
        _reject(rejected, line, raw, "date_sent", row["date_sent"],
                days.range_message() if shaped else
                "not a date; the export writes YYYY-MM-DD" if row["date_sent"]
                else "a date is required (YYYY-MM-DD)")
        return None
    reference = re.sub(r"\s+", " ", row["full_reference"])
    if not reference:
        _reject(rejected, line, raw, "full_reference", "",
                "the full reference (e.g. JAL RUS 2/2026) is required: it identifies the letter")
        return None
    addressee = row.get("addressee") or countries.display_name(code)
    return {"signal_id": f"ohchr-sp:{reference}:{code}", "date": day, "country": code,
            "concern": True, "title": f"Special Procedures communication {reference} to {addressee}",
            "url": row.get("source_url", ""), "reference": reference, "summary": "",
            "language": "en", "source_row": line}


def _mandates(row: dict, line: int, raw: dict, rejected: list[Problem]) -> list[str] | None:
    names = [n.strip() for n in row["mandates"].split("|") if n.strip()]
    if not names:
        _reject(rejected, line, raw, "mandates", row["mandates"],
                "no mandate named; list the mandates that sent the letter, joined by ' | '")
        return None
    ids = []
    for name in names:
        found = mandate_id(name)
        if found is None:
            _reject(rejected, line, raw, "mandates", name,
                    "unknown Special Procedures mandate; use the short name OHCHR writes "
                    "(see data/reference/sp_mandates.csv) or add the mandate there",
                    _suggest(name))
            return None
        if found not in ids:
            ids.append(found)
    given = row.get("n_mandates", "")
    if given.isdigit() and int(given) != len(names):
        _reject(rejected, line, raw, "n_mandates", given,
                f"says {given} mandates but 'mandates' names {len(names)}; the list may be cut")
        return None
    return ids


def issuers(ids: set[str] | list[str]) -> pd.DataFrame:
    """Issuer rows (bundle columns) for the given mandate ids."""
    table = mandate_table()
    table = table[table["mandate_id"].isin(set(ids))]
    return pd.DataFrame({"issuer_id": table["mandate_id"], "name": table["title"],
                         "kind": "sp_mandate", "country": "", "accreditation": "",
                         "scope": ""})[ISSUER_RECORD_COLUMNS].reset_index(drop=True)


"""One Special Procedures letter -> one signal, shared by the communications export importer
(spcomm_export.py) and the latest-communications listing connector (spcomm_listing.py).

The signal id is the existing importer's, `ohchr-sp:<full reference>:<ISO3>`
(prevention.sources.importers.ohchr_sp), so that a letter imported from any of the three never counts
twice. The State is the ISO3 code inside the reference (`JAL RUS 2/2026` -> RUS): OHCHR gives
letters to companies and other actors the code OTH, which are skipped as not about a State.
Mandates are mapped like the closing lists of press releases (experts.map_mandate: title,
short name, id or alias); an unknown mandate rejects the letter with suggestions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prevention.sources import countries
from prevention.sources.experts import map_mandate, suggest_mandates
from prevention.sources.importers.dates import DateProblem, parse_day
from prevention.sources.importers.ohchr_sp import NOT_A_STATE
from triggers.problems import Invalid
from triggers.vocabulary import COUNTRY_CODES

TYPES = ("UA", "AL", "OL", "JUA", "JAL", "JOL")
_REFERENCE = re.compile(r"^\s*(?:(?P<type>J?(?:UA|AL|OL))\s+)?(?P<code>[A-Z]{3})\s+"
                        r"(?P<n>\d+)\s*/\s*(?P<year>\d{4})\s*$", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*\|\s*|\s*;\s*|\s*\n\s*")


@dataclass(frozen=True)
class Skip(Exception):
    reason: str


def full_reference(reference: str, comm_type: str = "") -> tuple[str, str]:
    """(full reference "JAL RUS 2/2026", addressee code "RUS") from "RUS 2/2026" + type, or
    from a reference that already carries the type."""
    m = _REFERENCE.match(reference or "")
    if not m:
        raise Invalid("reference", reference, "not an OHCHR reference; expected TYPE ISO3 n/yyyy "
                                              "such as JAL RUS 2/2026")
    kind = (m["type"] or comm_type or "").strip().upper()
    if kind not in TYPES:
        raise Invalid("type", comm_type, f"unknown communication type; one of {', '.join(TYPES)}")
    code = m["code"].upper()
    return f"{kind} {code} {int(m['n'])}/{m['year']}", code


def mandate_ids(cell: str) -> list[str]:
    names = [n for n in _SEPARATORS.split(cell or "") if n.strip()]
    if not names:
        raise Invalid("mandates", cell, "no mandate named: list the mandates that sent the letter")
    out: list[str] = []
    for name in names:
        found = map_mandate(name)
        if found is None:
            raise Invalid("mandates", name, "unknown Special Procedures mandate; use OHCHR's name "
                                            "or add it (or an alias) to "
                                            "data/reference/sp_mandates.csv",
                          suggest_mandates(name))
        if found not in out:
            out.append(found)
    return out


def letter(day: str, reference: str, comm_type: str, addressee: str, mandates: str, url: str,
           summary: str = "") -> tuple[dict, list[str]]:
    """The signal row and its mandate ids, or raise Invalid / Skip."""
    full, code = full_reference(reference, comm_type)
    if code == "OTH":
        raise Skip(NOT_A_STATE)
    if code not in COUNTRY_CODES:
        match = countries.to_iso3(addressee)
        raise Invalid("reference", reference, f"{code} is not an ISO 3166-1 alpha-3 code",
                      (match.iso3,) if match.ok else match.suggestions)
    try:
        iso_day = parse_day(day)
    except DateProblem as exc:
        raise Invalid("date", day, str(exc)) from None
    ids = mandate_ids(mandates)
    name = addressee or countries.display_name(code)
    return ({"signal_id": f"ohchr-sp:{full}:{code}", "date": iso_day, "country": code,
             "concern": True, "title": f"Special Procedures communication {full} to {name}",
             "url": url, "reference": full, "summary": summary, "language": "en",
             "countries_other": ""}, ids)

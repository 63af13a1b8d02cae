"""General Assembly and Security Council resolutions from UN Digital Library metadata (the
columns of shared/data/un_resolutions/un_sc_ga_resolutions_1946_2025.csv).

Resolutions carry no country tag, so this parser decides, from the title and the UNBIS
subjects, whether a resolution is the GA or SC expressing concern about the situation in a
named State, and which State(s). The rules, and why each kind of resolution is kept or
skipped, are in docs/importers.md ("GA and SC resolutions"); `classify()` implements them and
the tests hold a table of real titles with the expected outcome.

signal_id = "undl:<undl_id>:<ISO3>" (one signal per State concerned).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from prevention import countries
from prevention.importers.base import ParsedImport, Rejected
from prevention.importers.rows import read_csv

KIND = "undl"
REQUIRED = ["undl_id", "symbol", "body", "date", "title"]
OPTIONAL = ["meeting_record", "agenda_items", "subjects", "n_country_votes_recorded"]
RECORD_URL = "https://digitallibrary.un.org/record/{}"
ISSUERS = {"GA": ("unga", "UN General Assembly", "general_assembly"),
           "SC": ("unsc", "UN Security Council", "security_council")}

# UN documentary names of places that are not country names but say which State a resolution
# concerns (normalised). "te d ivoire" is how the UNBIS subject CÔTE D'IVOIRE reads in this
# extract, whose "Cô" was lost in an encoding error upstream.
PLACES = {
    "occupied palestinian territory": "PSE", "occupied palestinian territories": "PSE",
    "palestinian territory": "PSE", "palestinian territories": "PSE", "gaza": "PSE",
    "gaza strip": "PSE", "west bank": "PSE", "east jerusalem": "PSE",
    "palestine question": "PSE", "territories occupied by israel": "PSE",
    "occupied syrian golan": "SYR", "syrian golan": "SYR",
    "darfur": "SDN", "crimea": "UKR", "sevastopol": "UKR", "abkhazia": "GEO",
    "south ossetia": "GEO", "te d ivoire": "CIV", "r d congo": "COD",
    "libyan arab jamahiriya": "LBY",  # Libya's UN name until September 2011
}

# Skip reasons, shared by GA and SC.
THEMATIC = "thematic or regional: no single State concerned"
BUDGET = "budget, financing or administration"
ELECTIONS = "elections and appointments"
ADMISSION = "admission of members"
PROCEDURAL = "procedural (participation, membership rights, observers, agenda, conferences)"
TRIBUNALS = "international tribunals' administration"
NONPROLIFERATION = "non-proliferation (weapons, not a human rights situation)"
PIRACY = "piracy and maritime security"
DECOLONIZATION = "decolonization questions of Non-Self-Governing Territories"
LEGAL = "requests for ICJ advisory opinions and other legal questions"
RENEWAL = "routine renewal, extension, adjustment or end of a mission, panel or sanctions mandate"
NOT_CONCERN = "names a State but is not an expression of concern about its situation"
BEFORE = "adopted before {since} (option since)"

_SKIPS: list[tuple[str, re.Pattern]] = [(reason, re.compile(rx, re.IGNORECASE)) for reason, rx in [
    (ADMISSION, r"\badmission of\b|\bnew members?\b|membership in the united nations"),
    (ELECTIONS, r"\belection\b|\belections? (of|to)\b|\bappoint|\bnominations?\b|"
                r"secretary-general of the un(ited nations)? for a term|\bvacanc"),
    (TRIBUNALS, r"\btribunal\b|residual mechanism|special court|\btrial of\b|\bjudges?\b|\bprosecutor\b"),
    (BUDGET, r"\bbudget|\bfinancing\b|\bfinancial (situation|reports?)\b|scale of assessments|"
             r"\bpension|\bexpenses\b|\baccounts\b|\bescrow\b|\bhonorari|\bsalar"),
    (NONPROLIFERATION, r"non-?proliferation|\bnuclear\b|ballistic missile|weapons of mass "
                       r"destruction|enrichment-related|\bjcpoa\b"),
    (PIRACY, r"\bpiracy\b|armed robbery (at sea|against vessels)"),
    (DECOLONIZATION, r"non-self-governing|\bdecoloni[sz]ation|colonial countries|^questions? of\b(?!.*(human "
                     r"rights|situation))|^(american samoa|anguilla|bermuda|british virgin "
                     r"islands|cayman islands|guam|montserrat|pitcairn|saint helena|turks and "
                     r"caicos islands|united states virgin islands|new caledonia|french "
                     r"polynesia|tokelau|western sahara)\b"),
    (LEGAL, r"advisory opinion|international court of justice"),
    (PROCEDURAL, r"\bparticipation\b|\bobserver status\b|restoration of the rights of "
                 r"membership|\bcommemorat|\bconference\b|\bagenda\b|revitali[sz]ation|"
                 r"\bmedal\b|\bcredentials\b"),
]]

_SC_RENEWAL = re.compile(
    r"^\W*on\s+(the\s+)?(final\s+)?(extension|extention|renewal|renewing|re-?establishment|continuation|"
    r"reviewing and extending|modification and renewal|termination|withdrawal|drawdown|"
    r"reduction|redeployment|size|composition|increase|retention|extension of exemptions|"
    r"lifting|authorization to the member states of the african union to maintain)\b",
    re.IGNORECASE)

# GA resolutions that express concern about the situation in a named State.
_GA_CONCERN = re.compile(
    r"situation of human rights|human rights situation|^(the )?situation in\b|"
    r"\baggression against\b|territorial integrity of|militari[sz]ation of|"
    r"withdrawal of foreign military forces|internally displaced persons and refugees from|"
    r"israeli? (practices|settlements|actions|military operations)|illegal israeli|"
    r"applicability of the geneva convention|occupied palestinian territory|"
    r"investigation and prosecution|missing persons in|suspension of the rights of membership|"
    r"syrian golan|fact-finding mission|protection of (the )?(\w+ )?civilian|\bceasefire\b",
    re.IGNORECASE)
_GA_NOT_CONCERN = re.compile(r"\bembargo\b|\bcooperation between\b|\bassistance to\b|"
                             r"\bsovereignty\b|\bregister of damage\b", re.IGNORECASE)
_OPT = re.compile(r"palestin|israeli? practices|illegal israeli", re.IGNORECASE)


@dataclass(frozen=True)
class Outcome:
    """A resolution's fate: the States it expresses concern about, or why it is skipped."""

    countries: tuple[str, ...] = ()
    skipped: str | None = None


def clean_title(title: str) -> str:
    """The title without the catalogue's ' : resolution / adopted by ...' tail."""
    return re.sub(r"\s*:\s*res\w*\s*/\s*adopted by the .*$", "", title.strip(),
                  flags=re.IGNORECASE).strip()


def _subject_of(title: str) -> str:
    """What an SC catalogue title is about: the bracketed part after 'resolution N (yyyy)'."""
    m = re.search(r"\[(.*?)\]?\s*$", title)
    return (m.group(1) if m else title).strip()


def states_in(text: str) -> list[str]:
    return countries.find_in_text(text, PLACES)


def _states(title: str, subjects: str) -> list[str]:
    found = states_in(title)
    if found:
        return found
    out: list[str] = []
    for subject in subjects.split("|"):
        for code in states_in(subject):
            if code not in out:
                out.append(code)
    return out


def classify(body: str, title: str, subjects: str = "", *, renewals: bool = False) -> Outcome:
    """Apply the written rules (docs/importers.md) to one resolution."""
    title = clean_title(title)
    about = _subject_of(title) if body == "SC" else title
    for reason, rx in _SKIPS:
        if rx.search(about):
            return Outcome(skipped=reason)
    if body == "SC":
        if _SC_RENEWAL.search(about) and not renewals:
            return Outcome(skipped=RENEWAL)
        found = _states(about, subjects)
        return Outcome(tuple(found)) if found else Outcome(skipped=THEMATIC)
    found = _states(title, subjects if _GA_CONCERN.search(title) else "")
    if not _GA_CONCERN.search(title) or _GA_NOT_CONCERN.search(title):
        return Outcome(skipped=NOT_CONCERN if found else THEMATIC)
    if _OPT.search(title):
        # Israeli practices in the occupied territories: the situation is in the territory
        # (as the Council's own outcomes on the OPT are), so not Israel itself.
        found = [c for c in found if c != "ISR"] or ["PSE"]
        if "PSE" not in found:
            found.insert(0, "PSE")
    return Outcome(tuple(found)) if found else Outcome(skipped=THEMATIC)


def _since(value) -> str | None:
    if value in (None, ""):
        return None
    try:
        return (value if isinstance(value, date) else date.fromisoformat(str(value))).isoformat()
    except ValueError:
        raise ValueError(f"option since={value!r} is not a date; write it as YYYY-MM-DD") from None


def _bump(parsed: ParsedImport, reason: str) -> None:
    parsed.skipped[reason] = parsed.skipped.get(reason, 0) + 1


def parse(path: Path, since: str | date | None = None, renewals: bool = False,
          **options) -> ParsedImport:
    """Parse one UNDL metadata export. `since`: keep only resolutions adopted on or after that
    day (the seed uses 2006-01-01, the Council's creation). `renewals`: also count routine
    renewals of mission and sanctions mandates as concern (off by default, see the docs)."""
    if options:
        raise TypeError(f"the {KIND} importer takes only the options since and renewals, "
                        f"not {sorted(options)}")
    since = _since(since)
    path = Path(path)
    rejected: list[Rejected] = []
    table = read_csv(path, REQUIRED, OPTIONAL, rejected)
    parsed = ParsedImport(kind=KIND, file_name=str(path), rows_read=0, rejected=rejected)
    if table is None:
        return parsed
    parsed.rows_read = table.rows_read
    signals, bodies = [], set()
    for raw, line in zip(table.rows, table.lines):
        row = {k: (v or "").strip() for k, v in raw.items()}
        problem = _problem(row)
        if problem:
            fld, reason = problem
            rejected.append(Rejected(row=line, field=fld, value=row.get(fld, ""), reason=reason,
                                     raw=raw))
            continue
        body = row["body"].upper()
        if since and row["date"] < since:
            _bump(parsed, BEFORE.format(since=since))
            continue
        outcome = classify(body, row["title"], row.get("subjects", ""), renewals=renewals)
        if outcome.skipped:
            _bump(parsed, f"{body}: {outcome.skipped}")
            continue
        bodies.add(body)
        for code in outcome.countries:
            signals.append({
                "signal_id": f"undl:{row['undl_id']}:{code}", "date": row["date"],
                "country": code, "concern": True, "title": clean_title(row["title"]),
                "url": RECORD_URL.format(row["undl_id"]), "reference": row["symbol"],
                "summary": f"UNBIS subjects: {row['subjects']}" if row.get("subjects") else "",
                "language": "en", "source_row": line, "_issuer": ISSUERS[body][0]})
    if signals:
        frame = pd.DataFrame(signals)
        parsed.links = frame[["signal_id", "_issuer"]].rename(columns={"_issuer": "issuer_id"})
        parsed.signals = frame.drop(columns="_issuer")
        parsed.issuers = pd.DataFrame(
            [{"issuer_id": i, "name": n, "kind": k, "country": "", "accreditation": "",
              "scope": ""} for b, (i, n, k) in sorted(ISSUERS.items()) if b in bodies])
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
        date.fromisoformat(row["date"])
    except ValueError:
        return "date", "not a calendar date (YYYY-MM-DD)"
    return None

"""The closing list of an OHCHR press release ("The experts: NAME, Special Rapporteur on ...;
NAME, ...") read into Special Procedures mandates.

Why a list and not the title: the joint criterion counts mandates, and only the closing list
says which mandates signed. Each entry is one of:
- a Special Procedures mandate, mapped to data/reference/sp_mandates.csv (title, short name,
  id, or one of the `aliases`); the members of a working group listed one by one are one
  mandate, because they map to the same id;
- a treaty-body member, a regional expert (African Commission, Inter-American Commission,
  ODIHR, ASEAN ...), or another UN body that is not a Special Procedures mandate (commissions
  of inquiry, fact-finding missions, groups of independent experts, the Coordination Committee):
  kept with the reason, never counted;
- unknown: a mandate-like title the table does not have; the caller quarantines the release
  with the closest titles as suggestions, so a new mandate is added rather than silently lost.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

from prevention.sources import countries
from prevention.sources.importers import ohchr_sp

# Where the list starts: "*The experts:", "The expert:", "The experts are:", "(*) The experts".
_MARKER = re.compile(r"(?:\(\*+\)|\*+)?\s*\bThe (?:UN )?experts?(?: are)?\s*:", re.IGNORECASE)
# OHCHR's boilerplate after the list, and other ends of the release.
_STOP = re.compile(r"\b(?:are part of what is known as|The Special Procedures,? the largest|"
                   r"Special Rapporteurs,? Independent Experts and Working Groups are|"
                   r"For (?:more information|further information|inquiries|media)|Media contacts?|"
                   r"UN Human Rights,? country page|ENDS\b|Follow news related to)",
                   re.IGNORECASE)
_MANDATE = re.compile(r"\b(Special Rapporteur|Independent Expert|Working Group|Designated Expert|"
                      r"Special Representative)\b", re.IGNORECASE)

REGIONAL = "a regional expert, not a UN Special Procedures mandate"
TREATY = "a treaty-body member, not a Special Procedures mandate"
OTHER_UN = "a UN body that is not a Special Procedures mandate"
_EXCLUDED = [
    (REGIONAL, re.compile(r"African Commission|ACHPR|Inter-?American|IACHR|\bOAS\b|ODIHR|\bOSCE\b|"
                          r"Council of Europe|European (?:Commission|Committee|Court|Union)|ASEAN|"
                          r"AICHR|African Committee of Experts|Arab (?:Human Rights|League)|"
                          r"League of Arab States", re.IGNORECASE)),
    (TREATY, re.compile(r"\b(?:Sub-?committee|Committee) (?:on|against|for)\b|"
                        r"Human Rights Committee|treaty bod", re.IGNORECASE)),
    (OTHER_UN, re.compile(r"Coordination Committee|Commission of Inquiry|"
                          r"Commission on Human Rights in|Fact-Finding Mission|"
                          r"Group of (?:Independent )?Experts on the human rights situation|"
                          r"International Commission|Expert Mechanism|"
                          r"Permanent Forum|Independent Investigative Mechanism",
                          re.IGNORECASE)),
]


@dataclass(frozen=True)
class Entry:
    """One signatory line: its text, the mandate it maps to, or why it does not count."""

    text: str
    mandate_id: str | None = None
    excluded: str | None = None
    suggestions: tuple[str, ...] = ()

    @property
    def unknown(self) -> bool:
        return self.mandate_id is None and self.excluded is None


@dataclass(frozen=True)
class ExpertList:
    text: str
    entries: tuple[Entry, ...]

    @property
    def mandate_ids(self) -> list[str]:
        """Distinct mandates in order of first mention (a working group's members count once)."""
        out: list[str] = []
        for e in self.entries:
            if e.mandate_id and e.mandate_id not in out:
                out.append(e.mandate_id)
        return out

    @property
    def unknown(self) -> list[Entry]:
        return [e for e in self.entries if e.unknown]

    @property
    def excluded(self) -> list[Entry]:
        return [e for e in self.entries if e.excluded]


def closing_list(body: str) -> str | None:
    """The text of the closing list, or None when the release has none."""
    found = list(_MARKER.finditer(body or ""))
    if not found:
        return None
    rest = body[found[-1].end():]  # the list is at the end: the last marker is it
    stop = _STOP.search(rest)
    if stop is None:
        return rest.strip()
    # The boilerplate's sentence began before the stop phrase ("The Special Rapporteurs ... are
    # part of"): cut at the end of the list's last entry.
    head = rest[:stop.start()]
    cut = max(head.rfind("."), head.rfind("\n"))
    return (head[:cut] if cut > 0 else head).strip()


def _split(text: str) -> list[str]:
    parts = re.split(r";|\n|\r|•|\u2022", text)
    return [" ".join(p.split()).strip(" .,*-–") for p in parts if p.strip(" .,*-–\t")]


@cache
def _aliases() -> dict[str, str]:
    table = ohchr_sp.mandate_table()
    out: dict[str, str] = {}
    if "aliases" in table.columns:
        for mid, aliases in zip(table["mandate_id"], table["aliases"]):
            for alias in (aliases or "").split(";"):
                if alias.strip():
                    out[countries.normalise(alias)] = mid
    return out


@cache
def _titles() -> list[tuple[str, str]]:
    """(normalised title, id), longest first, for prefix matches."""
    table = ohchr_sp.mandate_table()
    keys = [(countries.normalise(t), m) for t, m in zip(table["title"], table["mandate_id"])]
    keys += list(_aliases().items())
    return sorted(keys, key=lambda kv: -len(kv[0]))


def map_mandate(phrase: str) -> str | None:
    """A mandate title as written -> mandate id: exact (title, short name, id, alias), then the
    longest known title the phrase starts with ("... in Belarus (Chair)")."""
    phrase = re.sub(r"^(?:the )?(?:UN|United Nations) ", "", phrase.strip(), flags=re.IGNORECASE)
    found = ohchr_sp.mandate_id(phrase) or _aliases().get(countries.normalise(phrase))
    if found:
        return found
    key = countries.normalise(phrase)
    return next((m for title, m in _titles() if key == title or key.startswith(title + " ")), None)


def suggest_mandates(phrase: str) -> tuple[str, ...]:
    table = ohchr_sp.mandate_table()
    # Closing lists write titles, communications write short names: suggest in the same form.
    by_key = {countries.normalise(t): t for t in [*table["title"], *table["short_name"]] if t}
    close = difflib.get_close_matches(countries.normalise(phrase), list(by_key), n=3, cutoff=0.5)
    return tuple(by_key[k] for k in close)


def read_entry(text: str) -> Entry:
    for reason, rx in _EXCLUDED:
        if rx.search(text):
            return Entry(text, excluded=reason)
    m = _MANDATE.search(text)
    if not m:
        # A name with no mandate ("Ms. X") continues the previous entry's list of members;
        # it adds nothing to count, and is not an unknown mandate either.
        return Entry(text, excluded="names a person without a mandate")
    phrase = re.sub(r"\s*\(.*?\)\s*", " ", text[m.start():]).strip(" ,.")
    found = map_mandate(phrase)
    if found:
        return Entry(text, mandate_id=found)
    return Entry(text, suggestions=suggest_mandates(phrase))


def parse_experts(body: str) -> ExpertList | None:
    text = closing_list(body)
    if text is None:
        return None
    return ExpertList(text, tuple(read_entry(e) for e in _split(text)))

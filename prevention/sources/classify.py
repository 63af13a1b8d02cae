"""Who speaks in an OHCHR news item, whether it expresses concern, and about which State.

Who (`classify_item`), in this order, the first rule that applies decides:
1. the title is a spokesperson's briefing note or comment -> the Office (`ohchr`), even when it
   quotes the High Commissioner: the Office speaks, and no shipped rule set counts it;
2. the release has a closing list of experts, or its title speaks of UN experts, Special
   Rapporteurs, Independent Experts or a Working Group -> Special Procedures (`sp_mandate`),
   the issuers being the mandates of the closing list (experts.py);
3. the title names the High Commissioner in office on the item's date (a name or alias from
   data/reference/high_commissioners.csv), or says "High Commissioner" / "UN human rights
   chief" (not a Deputy or Assistant High Commissioner, not the one for Refugees), or the first
   sentence of the body names the office holder -> the High Commissioner (`high_commissioner`);
4. anything else from the Office -> `ohchr`.
A former High Commissioner named after leaving office is not the High Commissioner.

Concern (`is_concern`): an item expresses concern unless its title welcomes, commends,
congratulates, applauds, hails, praises or salutes and has no word of concern or demand in it
(concern, alarm, condemn, deplore, urge, call, warn, must, fear, dismay, shock, violation,
repression, arrest, detention, execution, killing, attack, abuse, torture, disappearance,
regret, demand). Only the title is read: the body of a welcome routinely restates the concern
that came before it, and the body of a concern often welcomes something in passing.

Which State (`states`): ReliefWeb's primary country; without one, the countries the title names,
then the first sentence (prevention.sources.countries.find_in_text); the first is the State concerned,
the others are recorded. ReliefWeb's "World" (WLD) means no single State.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from prevention.sources import countries
from prevention.sources.experts import ExpertList, parse_experts

HOLDERS = Path(__file__).resolve().parents[2] / "data" / "reference" / "high_commissioners.csv"

HIGH_COMMISSIONER = ("ohchr-hc", "UN High Commissioner for Human Rights", "high_commissioner")
OFFICE = ("ohchr", "Office of the UN High Commissioner for Human Rights (OHCHR)", "ohchr")

_OFFICE_TITLE = re.compile(r"^\W*(?:press briefing notes?|briefing notes?|comment by|"
                           r"statement by (?:the )?(?:UN Human Rights Office )?spokesperson)\b|"
                           r"\bspokesperson\b", re.IGNORECASE)
_EXPERTS_TITLE = re.compile(r"\b(?:UN|United Nations|human rights) (?:human rights )?experts?\b|"
                            r"\bSpecial Rapporteurs?\b|\bIndependent Experts?\b|\bWorking Group\b|"
                            r"\bexpert (?:group|panel)\b", re.IGNORECASE)
_HC_GENERIC = re.compile(r"(?<!deputy )(?<!assistant )\bHigh Commissioner\b(?! for Refugees)|"
                         r"\b(?:UN )?human rights chief\b", re.IGNORECASE)
_WELCOME = re.compile(r"\b(?:welcom|commend|congratulat|applaud|hail|prais|salut)\w*",
                      re.IGNORECASE)
_CONCERN = re.compile(r"\b(?:concern|alarm|condemn|deplor|urg|call|warn|must|fear|dismay|shock|"
                      r"outrag|violat|repress|crackdown|arrest|detain|detention|execut|kill|"
                      r"attack|abus|tortur|disappear|regret|demand)\w*", re.IGNORECASE)


@dataclass(frozen=True)
class Holder:
    holder_id: str
    name: str
    role: str
    start: date
    end: date | None  # last day in office; None = in office
    aliases: tuple[str, ...]
    verified: str


@cache
def holders(path: Path = HOLDERS) -> tuple[Holder, ...]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return tuple(Holder(r["holder_id"], r["name"], r["role"], date.fromisoformat(r["start"]),
                        date.fromisoformat(r["end"]) if r["end"] else None,
                        tuple(a.strip() for a in [r["name"], *r["aliases"].split(";")]
                              if a.strip()),
                        r["verified"]) for r in rows)


def holder_on(day: date) -> Holder | None:
    return next((h for h in holders() if h.start <= day and (h.end is None or day <= h.end)), None)


def _names(text: str, holder: Holder | None) -> bool:
    if holder is None:
        return False
    key = f" {countries.normalise(text)} "
    return any(f" {countries.normalise(a)} " in key for a in holder.aliases)


def first_sentence(body: str) -> str:
    text = " ".join((body or "").split())
    # The dateline ("GENEVA (22 February 2011) –") is not a sentence end.
    m = re.search(r"(?<=[a-z0-9”\"')])[.!?](?=\s+[A-Z“\"]|$)", text)
    return text[:m.end()] if m else text[:400]


@dataclass(frozen=True)
class Classification:
    kind: str   # high_commissioner | sp_mandate | ohchr
    rule: str   # which rule decided (shown to reviewers)
    holder: Holder | None = None
    experts: ExpertList | None = None


def classify_item(title: str, body: str, day: date) -> Classification:
    if _OFFICE_TITLE.search(title or ""):
        return Classification("ohchr", "a spokesperson's briefing note or comment")
    experts = parse_experts(body or "")
    if experts is not None or _EXPERTS_TITLE.search(title or ""):
        return Classification("sp_mandate", "UN experts (closing list or title)", experts=experts)
    holder = holder_on(day)
    if _names(title, holder) or _HC_GENERIC.search(title or ""):
        return Classification("high_commissioner", "the title names the High Commissioner", holder)
    if _names(first_sentence(body), holder):
        return Classification("high_commissioner",
                              "the first sentence names the High Commissioner", holder)
    return Classification("ohchr", "from the Office, neither the High Commissioner nor experts")


def is_concern(title: str) -> bool:
    return not (_WELCOME.search(title or "") and not _CONCERN.search(title or ""))


def _codes(values) -> list[str]:
    out: list[str] = []
    for value in values:
        code = (value or "").strip().upper()
        if code and code != "WLD":
            match = countries.to_iso3(code)
            if match.ok and match.iso3 not in out:
                out.append(match.iso3)
    return out


def states(primary: str, tagged: list[str], title: str, body: str) -> list[str]:
    """The State concerned first, then the others; [] when none (or only WLD)."""
    first = _codes([primary])
    if not first:
        first = countries.find_in_text(title or "") or countries.find_in_text(
            first_sentence(body))[:1]
    return first + [c for c in _codes(tagged) if c not in first]

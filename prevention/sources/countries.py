"""Country names and codes -> ISO 3166-1 alpha-3, and the UN regional group of a State.

Names come from maintained reference data, not from a table written here: the OCHA countries
and territories taxonomy (the data behind the `hdx-python-country` package, MIT; copied to
data/reference so that it works offline) gives the UN short and formal names in the six UN
languages, ISO2/ISO3, Reliefweb short names (DPRK, Syria, ...) and a name regex per country;
pycountry adds the ISO 3166 names. The lookup order is: code, exact name (any language, accents,
case and punctuation ignored), then the OCHA regexes (the same fallback hdx-python-country uses,
which catches "Ivory Coast", "North Korea", "Turkey"). Anything else is no match, with the
closest names as suggestions.

Every mapping is cached per distinct value, so mapping a million rows costs one lookup per
distinct name (`map_names`).
"""

from __future__ import annotations

import csv
import difflib
import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry

from triggers.vocabulary import COUNTRY_CODES

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
TAXONOMY = REFERENCE / "ocha_countries_territories_taxonomy.csv"
GROUPS = REFERENCE / "un_regional_groups.csv"

NAME_COLUMNS = ["Preferred Term", "ISO Alt Term", "DGACM Alt Term", "HPC Tools Alt Term",
                "RW Short Name", "RW API Alt Term", "English Short", "French Short",
                "Spanish Short", "Russian Short", "Chinese Short", "Arabic Short",
                "English Formal", "M49 English", "M49 French", "M49 Spanish", "M49 Russian",
                "M49 Chinese", "M49 Arabic"]
LANGUAGE_COLUMNS = {"en": "English Short", "fr": "French Short", "es": "Spanish Short",
                    "ru": "Russian Short", "zh": "Chinese Short", "ar": "Arabic Short"}

# pycountry's ISO 3166 translations in the other five UN languages ("Turquía", "Costa de
# Marfil"): names people write that the UN's official short names do not cover.
ISO_LOCALES = ("fr", "es", "ru", "zh_CN", "ar")

# Turkiye takes part in both the Asia-Pacific Group and WEOG; it counts with WEOG for
# elections (data/README.md), so WEOG is its primary group.
PRIMARY_GROUP = {"TUR": "WEOG"}


# The longest UN formal names are under 80 characters; longer cells are not names, and
# matching them against every regex and name would only cost time.
MAX_NAME = 200


@dataclass(frozen=True)
class Match:
    """The result of one lookup: an ISO3 code, or why not and what was probably meant."""

    value: str
    iso3: str | None
    reason: str | None = None  # set when iso3 is None
    suggestions: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.iso3 is not None


def normalise(text: str) -> str:
    """Case, accents, apostrophes, brackets and a leading "the" do not distinguish names."""
    text = unicodedata.normalize("NFKD", str(text)).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[\W_]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def _code_of(row: dict) -> str:
    return (row.get("ISO 3166-1 Alpha 3-Codes") or row.get("x Alpha3 codes") or "").strip()


@cache
def taxonomy() -> list[dict]:
    """The OCHA rows whose code is a valid signal country (ISO 3166-1, or XKX)."""
    with TAXONOMY.open(encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh) if _code_of(r) in COUNTRY_CODES]


@cache
def _index() -> tuple[dict[str, frozenset[str]], dict[str, str], list[tuple[re.Pattern, str]]]:
    """(normalised name -> codes, code -> display name, [(regex, code)])."""
    names: dict[str, set[str]] = {}
    display: dict[str, str] = {}

    def add(name: str | None, code: str) -> None:
        key = normalise(name or "")
        if key:
            names.setdefault(key, set()).add(code)

    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang],
                                        fallback=True) for lang in ISO_LOCALES]
    for c in pycountry.countries:
        display[c.alpha_3] = getattr(c, "common_name", None) or c.name
        for attr in ("name", "official_name", "common_name"):
            english = getattr(c, attr, None)
            add(english, c.alpha_3)
            for t in translations:
                add(t.gettext(english) if english else None, c.alpha_3)
    regexes = []
    for row in taxonomy():
        code = _code_of(row)
        display[code] = row["Preferred Term"] or display.get(code, code)
        for col in NAME_COLUMNS:
            add(row.get(col), code)
        # "Bolivia (Plurinational State of)" is also written "Bolivia".
        short = re.sub(r"\s*\(.*\)\s*$", "", row.get("English Short") or "")
        add(short, code)
        if row.get("Regex"):
            regexes.append((re.compile(row["Regex"], re.IGNORECASE), code))
    return {k: frozenset(v) for k, v in names.items()}, display, regexes


def display_name(iso3: str) -> str:
    return _index()[1].get(iso3, iso3)


def _label(code: str) -> str:
    return f"{display_name(code)} ({code})"


def _suggest(value: str, limit: int = 3) -> tuple[str, ...]:
    names, _, _ = _index()
    close = difflib.get_close_matches(normalise(value), list(names), n=limit * 3, cutoff=0.6)
    out: list[str] = []
    for key in close:
        for code in sorted(names[key]):
            label = _label(code)
            if label not in out:
                out.append(label)
    return tuple(out[:limit])


@lru_cache(maxsize=65536)
def to_iso3(value: str) -> Match:
    """One name or code -> Match. Codes may be ISO3, ISO2 (any case) or XKX for Kosovo."""
    raw = "" if value is None else str(value)
    text = raw.strip()
    if not text:
        return Match(raw, None, "empty; give a country name or an ISO 3166-1 code")
    if len(text) > MAX_NAME:
        return Match(raw, None, f"longer than {MAX_NAME} characters: not a country name; is this "
                                "the right column?")
    if text.isascii() and text.isalpha() and len(text) in (2, 3):
        code = text.upper()
        if len(code) == 3 and code in COUNTRY_CODES:
            return Match(raw, code)
        if len(code) == 2:
            if code == "XK":
                return Match(raw, "XKX")
            c = pycountry.countries.get(alpha_2=code)
            if c is not None:
                return Match(raw, c.alpha_3)
    names, _, regexes = _index()
    found = names.get(normalise(text))
    if found and len(found) == 1:
        return Match(raw, next(iter(found)))
    if found:
        return Match(raw, None, "ambiguous: this name fits several countries",
                     tuple(_label(c) for c in sorted(found)))
    several = find_in_text(text)
    if len(several) > 1:
        return Match(raw, None, "names several countries; give one country per row",
                     tuple(_label(c) for c in several))
    hits = sorted({code for rx, code in regexes if rx.search(text)})
    if len(hits) == 1:
        part_of = _names_containing(normalise(text))
        if len(part_of) > 1:  # "Korea": part of the names of two States
            return Match(raw, None, "ambiguous: this name fits several countries",
                         tuple(_label(c) for c in part_of))
        return Match(raw, hits[0])
    if hits:
        return Match(raw, None, "ambiguous: this name fits several countries",
                     tuple(_label(c) for c in hits))
    return Match(raw, None, "unknown country; use a UN name (any of the six UN languages), "
                            "an ISO 3166-1 code, or XKX for Kosovo", _suggest(text))


def _names_containing(key: str) -> list[str]:
    names, _, _ = _index()
    pattern = re.compile(rf"\b{re.escape(key)}\b")
    return sorted({c for k, codes in names.items() if pattern.search(k) for c in codes})


def _starts(phrases: dict[str, str]) -> dict[str, int]:
    """First word -> the most words of a phrase starting with it: most words of a text start
    no country's name, and are passed over without building a single candidate phrase."""
    starts: dict[str, int] = {}
    for phrase in phrases:
        words = phrase.split()
        starts[words[0]] = max(starts.get(words[0], 0), len(words))
    return starts


@cache
def _lexicon() -> tuple[dict[str, str], dict[str, int]]:
    """Names usable inside running text: unambiguous, at least four characters (so that
    "car" or "uk" in a sentence is not taken for a country). -> (phrase -> code, first word ->
    most words)."""
    names, _, _ = _index()
    phrases = {k: next(iter(v)) for k, v in names.items() if len(v) == 1 and len(k) >= 4}
    return phrases, _starts(phrases)


_MERGED: dict[int, tuple[dict, dict[str, str], dict[str, int]]] = {}


def _lexicon_with(extra: dict[str, str]) -> tuple[dict[str, str], dict[str, int]]:
    """The lexicon with a caller's phrases added, merged once per extra table: callers pass the
    same constant table (a module's PLACES) for every text of a file."""
    held = _MERGED.get(id(extra))
    if held is None or held[0] is not extra:
        phrases = {**_lexicon()[0], **extra}
        held = (extra, phrases, _starts(phrases))
        _MERGED[id(extra)] = held
    return held[1], held[2]


def find_in_text(text: str, extra: dict[str, str] | None = None) -> list[str]:
    """Every country named in a text, in order of first mention, longest name first at each
    word ("South Sudan" is not also "Sudan"). `extra`: more normalised phrase -> code, a
    constant table (it is merged with the names once and kept)."""
    phrases, starts = _lexicon_with(extra) if extra else _lexicon()
    words = normalise(text).split()
    found: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(starts.get(words[i], 0), len(words) - i), 0, -1):
            code = phrases.get(" ".join(words[i:i + n]))
            if code:
                if code not in found:
                    found.append(code)
                i += n
                break
        else:
            i += 1
    return found


def map_names(values: pd.Series) -> tuple[pd.Series, dict[str, Match]]:
    """Map a column: (ISO3 codes, "" where no match; the failed Match per distinct value)."""
    text = values if isinstance(values.dtype, pd.StringDtype) and not values.hasnans else \
        values.astype(object).where(values.notna(), "").astype(str)
    # Each distinct name is looked up once; a million rows name a few hundred States.
    position, names = pd.factorize(text)
    matches = {v: to_iso3(v) for v in names}
    iso3 = np.array([matches[v].iso3 or "" for v in names] + [""], dtype=object)
    codes = pd.Series(iso3[position], index=values.index, dtype=object)
    return codes, {v: m for v, m in matches.items() if not m.ok}


@cache
def _groups() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    with GROUPS.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["Code"].strip(), []).append(row["Region"].strip())
    return {code: tuple(sorted(set(g), key=lambda x: x != PRIMARY_GROUP.get(code)))
            for code, g in out.items()}


def un_groups(iso3: str) -> tuple[str, ...]:
    """Every UN regional group of a State, primary first; () for non-members and unknowns."""
    return _groups().get(iso3, ())


def un_group(iso3: str) -> str | None:
    """The primary UN regional group of a State (WEOG for Turkiye), or None."""
    groups = un_groups(iso3)
    return groups[0] if groups else None

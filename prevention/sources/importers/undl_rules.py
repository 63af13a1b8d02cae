"""Which State(s) a GA or SC resolution concerns, and what kind of resolution it is (its
category), read from its title, UNBIS subjects and agenda: the written rules of
docs/importers.md ("GA and SC resolutions"), with the reason for each hard case (occupied
territories, Western Sahara, Kosovo, financing of missions). undl.py reads the export and
stores what `classify()` says; tests/prevention/importers/test_undl_categories.py holds a table
of real titles with the expected outcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from prevention.sources import countries

# The categories a signal carries (docs/importers.md says what each holds). `other`: the
# resolution names a State but is none of the eight readings (the embargo against Cuba, ICJ
# advisory-opinion requests, piracy off a State's coast, non-proliferation demands).
HUMAN_RIGHTS = "human_rights_situation"
CONFLICT = "conflict_or_crisis"
PEACE_OPERATION = "peace_operation"
SANCTIONS = "sanctions"
HUMANITARIAN = "humanitarian"
OCCUPATION = "occupation"
COOPERATION = "cooperation_or_assistance"
PROCEDURAL = "procedural"
OTHER = "other"
CATEGORIES = (HUMAN_RIGHTS, CONFLICT, PEACE_OPERATION, SANCTIONS, HUMANITARIAN, OCCUPATION,
              COOPERATION, PROCEDURAL, OTHER)

# UN documentary names of places that are not country names but say which State's territory a
# text is about (normalised). "te d ivoire" is how the UNBIS subject CÔTE D'IVOIRE reads in this
# extract, whose "Cô" was lost in an encoding error upstream. "palestine" alone is not in the
# country lexicon (only "State of Palestine"), but the UN's titles say "Question of Palestine".
PLACES = {
    "occupied palestinian territory": "PSE", "occupied palestinian territories": "PSE",
    "palestinian territory": "PSE", "palestinian territories": "PSE", "gaza": "PSE",
    "gaza strip": "PSE", "west bank": "PSE", "east jerusalem": "PSE", "palestine": "PSE",
    "palestinian people": "PSE", "palestine question": "PSE",
    "territories occupied by israel": "PSE",
    "occupied syrian golan": "SYR", "syrian golan": "SYR",
    "darfur": "SDN", "crimea": "UKR", "sevastopol": "UKR", "abkhazia": "GEO",
    "south ossetia": "GEO", "te d ivoire": "CIV", "r d congo": "COD",
    "libyan arab jamahiriya": "LBY",  # Libya's UN name until September 2011
}


@dataclass(frozen=True)
class Territory:
    """A territory a title may name: the label recorded on signals, the State(s) whose territory
    it is (what `PLACES` maps its name to), and the occupying State where the UN treats it as
    occupied (docs/importers.md gives the source of each)."""

    label: str
    pattern: re.Pattern
    states: frozenset[str]
    occupier: str | None = None


def _territory(label: str, rx: str, states: tuple[str, ...] = (), occupier: str | None = None):
    return Territory(label, re.compile(rx, re.IGNORECASE), frozenset(states), occupier)


TERRITORIES = [
    _territory("Occupied Palestinian Territory", r"occupied palestinian territor", ("PSE",), "ISR"),
    _territory("East Jerusalem", r"\beast jerusalem\b", ("PSE",), "ISR"),
    _territory("Jerusalem", r"(?<!east )\bjerusalem\b"),
    _territory("Gaza Strip", r"\bgaza\b", ("PSE",), "ISR"),
    _territory("West Bank", r"\bwest bank\b", ("PSE",), "ISR"),
    _territory("occupied Syrian Golan", r"\bgolan\b", ("SYR",), "ISR"),
    _territory("occupied Arab territories", r"occupied arab territories|arabs of the occupied "
               r"territories", ("PSE", "SYR"), "ISR"),
    _territory("territories occupied by Israel", r"territories occupied by israel", ("PSE", "SYR"),
               "ISR"),
    _territory("temporarily occupied territories of Ukraine",
               r"temporarily occupied territories of ukraine", ("UKR",), "RUS"),
    _territory("Autonomous Republic of Crimea and the city of Sevastopol", r"crimea|sevastopol",
               ("UKR",), "RUS"),
    _territory("parts of the Black Sea and the Sea of Azov", r"sea of azov", ("UKR",), "RUS"),
    _territory("occupied territories of Azerbaijan", r"occupied territories of azerbaijan", ("AZE",)),
    _territory("Abkhazia, Georgia", r"abkhaz", ("GEO",)),
    _territory("Tskhinvali region/South Ossetia, Georgia", r"south ossetia|tskhinvali", ("GEO",)),
    _territory("Darfur", r"\bdarfur\b", ("SDN",)),
    _territory("Abyei", r"\babyei\b"),
    _territory("Western Sahara", r"western sahara", ("ESH",)),
    _territory("Kosovo", r"\bkosovo\b", ("XKX",)),
    _territory("Chagos Archipelago", r"\bchagos\b", ("MUS",)),
]
# Most titles name no territory: one pass of all the patterns tells, before each is tried.
_ANY_TERRITORY = re.compile("|".join(f"(?:{t.pattern.pattern})" for t in TERRITORIES),
                            re.IGNORECASE)

# Skip reasons (shared by GA and SC). A resolution is skipped only when it names no State
# (or, for decolonization, no State but a Non-Self-Governing Territory); the reasons say what
# kind of resolution it was, so that the counts stay informative.
THEMATIC = "names no State (thematic, regional or unnamed)"
BUDGET = "budget, financing or administration; names no State"
ELECTIONS = "elections and appointments; names no State"
ADMISSION = "admission of members; names no State"
PROCEDURAL_SKIP = "procedural (participation, observers, agenda, conferences); names no State"
TRIBUNALS = "international tribunals' administration; names no State"
NONPROLIFERATION = "non-proliferation; names no State"
PIRACY = "piracy and maritime security; names no State"
DECOLONIZATION = "decolonization of Non-Self-Governing Territories (not States)"
LEGAL = "ICJ advisory opinions and other legal questions; names no State"
BEFORE = "adopted before {since} (option since)"

_I = re.IGNORECASE
_SKIPS: list[tuple[str, re.Pattern]] = [(reason, re.compile(rx, _I)) for reason, rx in [
    (ADMISSION, r"\badmission of\b|\bnew members?\b|membership in the united nations"),
    (ELECTIONS, r"\belection\b|\belections? (of|to)\b|\bappoint|\bnominations?\b|"
                r"secretary-general of the un(ited nations)? for a term|\bvacanc"),
    (TRIBUNALS, r"\btribunal\b|residual mechanism|special court|\btrial of\b|\bjudges?\b|\bprosecutor\b"),
    (BUDGET, r"\bbudget|\bfinancing\b|\bfinancial (situation|reports?)\b|scale of assessments|"
             r"\bpension|\bexpenses\b|\baccounts\b|\bescrow\b|\bhonorari|\bsalar"),
    (NONPROLIFERATION, r"non-?proliferation|\bnuclear\b|ballistic missile|weapons of mass "
                       r"destruction|enrichment-related|\bjcpoa\b"),
    (PIRACY, r"\bpiracy\b|armed robbery (at sea|against vessels)"),
    (LEGAL, r"advisory opinion|international court of justice"),
    (PROCEDURAL_SKIP, r"\bparticipation\b|\bobserver status\b|\bcommemorat|\bconference\b|"
                      r"\b(adoption of the|provisional) agenda\b|revitali[sz]ation|\bmedal\b|"
                      r"\bcredentials\b"),
]]
# Decolonization questions are about a Non-Self-Governing Territory, which is not a State even
# where pycountry has a code for it (Guam, Bermuda): skipped. Western Sahara, claimed by a State
# the AU admits, is the exception (docs/importers.md).
_DECOLONIZATION = re.compile(
    r"non-self-governing|non self-governing|\bdecoloni[sz]ation|colonial countries|"
    r"^questions? of\b|^(american samoa|anguilla|bermuda|british virgin islands|cayman islands|"
    r"guam|montserrat|pitcairn|saint helena|turks and caicos islands|united states virgin "
    r"islands|new caledonia|french polynesia|tokelau|individual territories)\b", _I)
_WESTERN_SAHARA = re.compile(r"western sahara", _I)
# The country lexicon would read GUAM (the Organization for Democracy and Economic Development:
# Georgia, Ukraine, Azerbaijan, Moldova) as Guam, and a sea or basin as the State it is named
# after; these are removed from a text before its States are looked up.
_NOT_A_PLACE = re.compile(r"organization for democracy and economic development\s*-\s*guam|"
                          r"\bguam area\b|gulf of guinea|lake chad basin|south china sea|"
                          r"niger delta", _I)

# --- category cues -------------------------------------------------------------------------
# A routine renewal, extension or end of a mandate: the category is what is renewed (a mission
# or a sanctions regime), whichever the title names first.
_RENEWAL = re.compile(
    r"^\W*(on\s+)?(the\s+)?(final\s+)?(extension|extention|renewal|renewing|re-?establishment|"
    r"continuation|reviewing and extending|modification and renewal|termination|withdrawal|"
    r"drawdown|reduction|redeployment|size|composition|increase|retention|expansion|lifting)\b", _I)
_MISSION = re.compile(
    r"\b(missions?|operations?|force|forces|office|presences?|peacekeeping|peacebuilding|"
    r"observers?|stabili[sz]ation|amisom|atmis|isaf|eufor|kfor|unmik|unmis|unmiss|monuc|"
    r"monusco|minustah|minusma|minusca|minurso|unficyp|unifil|unamid|unisfa|unmil|unoci|"
    r"unsmil|unama|unami|binuh|unitams|unmha)\b", _I)
_SANCTION = re.compile(
    r"\bsanctions?\b|\bmeasures\b(?! for the implementation)|\bembargo\b|panel of experts|"
    r"group of experts|monitoring group|\bcommittee established|\bcommittee to monitor|"
    r"asset freeze|travel ban|\bexemptions?\b|de-?listing|ombudsperson|\bcharcoal\b|"
    r"illicitly exporting|inspection of vessels|restrictive measures", _I)

_Rules = list[tuple[str, re.Pattern]]


def _rules(pairs) -> _Rules:
    return [(category, re.compile(rx, _I)) for category, rx in pairs]


_PROCEDURAL_CUES = (
    r"\badmission of\b|\bnew members?\b|membership in the united nations|\bcredentials\b|"
    r"\bparticipation\b|observer status|status of palestine|rights of membership|"
    r"\bjudges?\b|\bprosecutor\b|\bad litem\b|terms? of office|\bvacanc|\belections? (of|to)\b|"
    r"date of election|\bnominations?\b|\bappointment of\b(?!.*humanitarian)|\bappointed\b|"
    r"\bconvening\b|\bmedal\b|\btrial of\b|committee on the exercise|division for palestinian "
    r"rights|special information programme")
_HUMANITARIAN_CUES = (
    r"\bhumanitarian (situation|consequences|assistance|relief|access|pauses?|aid)|\brelief\b|"
    r"\brefugees?\b|\bdisplaced\b|\bunrwa\b|missing persons|\bebola\b|cross-border|"
    r"migrant smuggling|human trafficking|evacuations?|oil-for-food")
_CONFLICT_CUES = (
    r"\bsituation\b|\bceasefire\b|\bcease-fire\b|cessation of (hostilities|violence)|"
    r"\bhostilities\b|\bconflict\b|\bviolence\b|protection of (the )?(\w+ )?civilian|"
    r"peace (agreement|process)|political (process|transition)|withdrawal of|\battacks?\b|"
    r"chemical weapons|terroris|\bcoup\b|\bcrisis\b|\baggression\b|territorial integrity|"
    r"fact-finding|investigation|prosecution|accountability|question of palestine|"
    r"self-determination|\bjerusalem\b|\bpeace in\b|peaceful settlement|remedy and reparation|"
    r"question of western sahara|\btribunal\b")
_COOPERATION_CUES = (
    r"technical (assistance|cooperation)|\breconstruction\b|\bassistance to\b|"
    r"electoral (assistance|support)|development fund|capacity-building|"
    r"\bassist\b.*\belections?\b")
_OTHER_CUES = (
    r"\bpiracy\b|armed robbery (at sea|against vessels)|non-?proliferation|\bnuclear\b|"
    r"ballistic missile|\bmissile\b|enrichment|\bjcpoa\b|\bembargo\b|advisory opinion|"
    r"international court of justice|\bbudget\b|\bfinancing\b")
# Titles that address an occupying Power's conduct in a territory it occupies (as opposed to
# the situation or human rights *in* the territory, which concern the territory's own State).
_OCCUPATION = re.compile(
    r"israeli (practices|settlements?|actions)|illegal israeli|\bgolan\b|"
    r"applicability of the geneva convention|permanent sovereignty of the palestinian|"
    r"register of damage|construction of (a|the) wall|militari[sz]ation of|"
    r"special committee to investigate israel", _I)

_SC_RULES = _rules([(PROCEDURAL, _PROCEDURAL_CUES.replace(r"\bparticipation\b|", "")),
                    (HUMAN_RIGHTS, r"human rights|\bwomen\b|\bgirls\b"),
                    (HUMANITARIAN, _HUMANITARIAN_CUES),
                    (CONFLICT, _CONFLICT_CUES), (SANCTIONS, _SANCTION.pattern),
                    (PEACE_OPERATION, _MISSION.pattern), (COOPERATION, _COOPERATION_CUES),
                    (OTHER, _OTHER_CUES)])
_GA_RULES = _rules([
    (PROCEDURAL, _PROCEDURAL_CUES),
    (HUMAN_RIGHTS, r"situation of human rights|human rights situation"),
    # Financing of a named peace operation (UNIFIL): stored, as the budget of that operation.
    (PEACE_OPERATION, r"^financing of\b.*\b(force|mission|operation|office)\b"),
    (OTHER, r"\bbudget\b"),
    (HUMANITARIAN, _HUMANITARIAN_CUES),
    (COOPERATION, _COOPERATION_CUES + r"|\bcooperation\b"),
    (CONFLICT, _CONFLICT_CUES),
    (OTHER, _OTHER_CUES),
])
_DEFAULT = {"SC": CONFLICT, "GA": OTHER}


@dataclass(frozen=True)
class Outcome:
    """A resolution's reading: the States it concerns, its category and the territory (labels
    joined by "; ") - or why it is skipped."""

    countries: tuple[str, ...] = ()
    skipped: str | None = None
    category: str = ""
    territory: str = ""


def clean_title(title: str) -> str:
    """The title without the catalogue's ' : resolution / adopted by ...' tail."""
    return _TAIL.sub("", title.strip()).strip()


_TAIL = re.compile(r"\s*:\s*res\w*\s*/\s*adopted by the .*$", _I)
_BRACKETED = re.compile(r"\[(.*?)\]?\s*$")


def _subject_of(title: str) -> str:
    """What an SC catalogue title is about: the bracketed part after 'resolution N (yyyy)'."""
    m = _BRACKETED.search(title)
    return (m.group(1) if m else title).strip()


@lru_cache(maxsize=16384)
def _states_cached(text: str) -> tuple[str, ...]:
    return tuple(countries.find_in_text(_NOT_A_PLACE.sub(" ", text), PLACES))


def states_in(text: str) -> list[str]:
    """The States a text names (country names, and the UN place names in `PLACES`). Cached:
    the same titles and subject headings come back every year."""
    return list(_states_cached(text))


def subject_states(subjects: str) -> list[str]:
    """States named by the UNBIS subject headings ("SOMALIA SITUATION", "HUMAN RIGHTS--IRAN")."""
    out: list[str] = []
    for heading in subjects.split("|"):
        heading = heading.strip()
        if not heading:
            continue
        for code in states_in(heading):
            if code not in out:
                out.append(code)
    return out


_BILATERAL = re.compile(r"^(?P<a>[^|]+?)-{1,2}(?P<b>[^|]+?)(?: SITUATION)?$")


def bilateral_states(subjects: str) -> list[tuple[str, str]]:
    """The pairs of States of bilateral UNBIS headings ("ISRAEL--LEBANON", "IRAQ-KUWAIT
    SITUATION", "DJIBOUTI--ERITREA")."""
    out = []
    for heading in subjects.split("|"):
        m = _BILATERAL.match(heading.strip())
        if m:
            a, b = states_in(m.group("a")), states_in(m.group("b"))
            if len(a) == 1 and len(b) == 1 and a != b:
                out.append((a[0], b[0]))
    return out


def territories_in(text: str) -> list[Territory]:
    if not _ANY_TERRITORY.search(text):
        return []
    return [t for t in TERRITORIES if t.pattern.search(text)]


def _first(rules: _Rules, text: str, earliest: bool) -> str | None:
    """The category of the first rule that matches; with `earliest`, of the cue that comes first
    in the text (an SC title names its main subject first: "on cessation of violence in Yemen
    and the reinforcement of sanctions" is about the violence)."""
    best = None
    for order, (category, rx) in enumerate(rules):
        m = rx.search(text)
        if m and not earliest:
            return category
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), order, category)
    return best[2] if best else None


def _category(body: str, about: str, context: str) -> str:
    if body == "SC" and _RENEWAL.search(about):
        mission, sanction = _MISSION.search(about), _SANCTION.search(about)
        if mission or sanction:
            return (PEACE_OPERATION if mission and (not sanction or mission.start() < sanction.start())
                    else SANCTIONS)
    rules = _SC_RULES if body == "SC" else _GA_RULES
    for text in (about, context):
        category = _first(rules, text, earliest=body == "SC")
        if category:
            return category
    return _DEFAULT[body]


def skip_reason(text: str) -> str | None:
    """Why a resolution about `text` is out of scope (budget, elections, admission, ...), or
    None when none of the kinds that name no State fits."""
    return next((reason for reason, rx in _SKIPS if rx.search(text)), None)


def classify(body: str, title: str, subjects: str = "", agenda: str = "") -> Outcome:
    """Apply the written rules (docs/importers.md) to one resolution: its States, category and
    territory, or the reason it is skipped."""
    body = body.upper()
    title = clean_title(title)
    about = _subject_of(title) if body == "SC" else title
    found = states_in(about)
    if not found:  # catalogue typos ("Aghanistan"), mission-only titles (UNISFA: Abyei)
        found = subject_states(subjects) or subject_states(agenda)
    else:
        # A bilateral heading ("ISRAEL--LEBANON" on UNIFIL) names the other side of the
        # situation whose one side the title names.
        for a, b in bilateral_states(subjects):
            if (a in found) != (b in found):
                found.append(b if a in found else a)
    if _DECOLONIZATION.search(about) and not _WESTERN_SAHARA.search(about):
        return Outcome(skipped=DECOLONIZATION)
    if not found:
        return Outcome(skipped=skip_reason(about) or THEMATIC)
    places = territories_in(about) or territories_in(subjects)
    territory = "; ".join(t.label for t in places)
    if _OCCUPATION.search(about):
        occupiers = [t.occupier for t in places if t.occupier]
        if occupiers:
            # The State concerned is the occupying State, whose conduct the title addresses;
            # the occupied territory (and its State) is recorded as the territory.
            theirs = set().union(*(t.states for t in places))
            states = list(dict.fromkeys(occupiers + [c for c in found if c not in theirs]))
            return Outcome(tuple(states), category=OCCUPATION, territory=territory)
    context = f"{subjects} | {agenda}"
    return Outcome(tuple(found), category=_category(body, about, context), territory=territory)

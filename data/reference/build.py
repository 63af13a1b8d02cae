"""Rebuild countries.csv, memberships.csv and council_outcomes.csv in data/reference.

Run from the project folder: `.venv/bin/python data/reference/build.py`. Inputs and every
added fact are listed in data/README.md: the OCHA taxonomy (MIT), the UN regional groups (CC0),
the intergovernmental memberships (MIT, Dateno), the HRC special sessions (public UN records,
read from ../shared/data/hrc when it is there) and the dated facts of the domain brief.
"""

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from prevention.sources.countries import (  # noqa: E402
    LANGUAGE_COLUMNS, _code_of, taxonomy, to_iso3, un_group, un_groups)
from prevention.sources.importers.undl_rules import states_in  # noqa: E402

SHARED = HERE.parent.parent.parent / "shared" / "data"

# Dated membership changes (domain brief; data/README.md of the shared data). until = the
# first day the State is no longer a member.
UNTIL = {("ECOWAS", "BFA"): "2025-01-29", ("ECOWAS", "MLI"): "2025-01-29",
         ("ECOWAS", "NER"): "2025-01-29", ("OAS", "NIC"): "2023-11-19"}
EXTRA_MEMBERSHIPS = [
    ("COE", "Council of Europe", "RUS", "", "2022-03-16",
     "expelled by the Committee of Ministers on 16 March 2022 (domain brief); since unknown"),
    ("LAS", "League of Arab States", "SYR", "", "2011-11-16",
     "suspended from 16 Nov 2011 (dates from the project brief; the domain brief says 2011-2023; "
     "the Arab League decided it on 12 Nov 2011: uncertain, not in the shared data)"),
    ("LAS", "League of Arab States", "SYR", "2023-05-07", "",
     "readmitted on 7 May 2023 (domain brief: suspension 2011-2023)"),
]


def memberships() -> None:
    src = HERE / "sources" / "intergovernmental_memberships.csv"
    rows = []
    with src.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            key = (r["org_code"], r["iso3"])
            if key == ("LAS", "SYR"):
                continue  # replaced by the two dated periods below
            until = UNTIL.get(key, "")
            note = "; ".join(x for x in [r["note"], "" if r["status"] in ("member", "withdrawn")
                                         else f"status {r['status']}"] if x)
            if r["status"] == "withdrawn" and not until:
                raise SystemExit(f"{key}: withdrawn without a known date; add it to UNTIL")
            rows.append([r["org_code"].lower(), r["org_name"], r["iso3"], "", until, note])
    rows += [[o.lower(), n, c, s, u, note] for o, n, c, s, u, note in EXTRA_MEMBERSHIPS]
    with open(HERE / "memberships.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["org_id", "org_name", "country", "since", "until", "note"])
        w.writerows(sorted(rows, key=lambda r: (r[0], r[2], r[3])))


# Special sessions whose States the title and agenda do not name (S-7 and S-10 are thematic).
SESSION_STATES = {7: [], 10: [],
                  # Boko Haram: the four Lake Chad Basin States where it attacked (see README).
                  23: ["NGA", "CMR", "TCD", "NER"]}

# Outcomes the domain brief dates (symbols not in the brief are marked in data/README.md).
BRIEF_OUTCOMES = [
    ("LBY", "2011-02-25", "commission_of_inquiry", "A/HRC/RES/S-15/1",
     "International commission of inquiry on Libya (established by resolution S-15/1)"),
    ("SYR", "2011-08-22", "commission_of_inquiry", "A/HRC/RES/S-17/1",
     "Independent International Commission of Inquiry on the Syrian Arab Republic "
     "(established by resolution S-17/1)"),
    ("PRK", "2013-03-21", "commission_of_inquiry", "A/HRC/RES/22/13",
     "Commission of inquiry on human rights in the Democratic People's Republic of Korea"),
    ("ERI", "2014-06-27", "commission_of_inquiry", "A/HRC/RES/26/24",
     "Commission of inquiry on human rights in Eritrea"),
    ("BDI", "2016-09-30", "commission_of_inquiry", "A/HRC/RES/33/24",
     "Commission of inquiry on Burundi"),
    ("MMR", "2017-03-24", "fact_finding_mission", "A/HRC/RES/34/22",
     "Independent international fact-finding mission on Myanmar"),
    ("VEN", "2019-09-27", "fact_finding_mission", "A/HRC/RES/42/25",
     "Independent international fact-finding mission on the Bolivarian Republic of Venezuela"),
    ("IRN", "2022-11-24", "fact_finding_mission", "A/HRC/RES/S-35/1",
     "Independent international fact-finding mission on the Islamic Republic of Iran "
     "(established by resolution S-35/1)"),
    ("SDN", "2023-10-11", "fact_finding_mission", "A/HRC/RES/54/2",
     "Independent international fact-finding mission for the Sudan"),
    ("SYR", "2018-03-02", "urgent_debate", "HRC37 urgent debate: Eastern Ghouta",
     "Urgent debate on the situation of human rights in Eastern Ghouta, Syrian Arab Republic"),
    ("BLR", "2020-09-18", "urgent_debate", "HRC45 urgent debate: Belarus",
     "Urgent debate on the situation of human rights in Belarus"),
    ("UKR", "2022-03-03", "urgent_debate", "HRC49 urgent debate: Ukraine",
     "Urgent debate on the situation of human rights in Ukraine stemming from the Russian "
     "aggression (3-4 March 2022)"),
]


def _session_states(number: int, title: str, agenda: str) -> list[str]:
    if number in SESSION_STATES:
        return SESSION_STATES[number]
    found = states_in(title)
    for part in re.split(r"\s+-\s+|[()]", agenda):
        match = to_iso3(part.strip()) if part.strip() else None
        # The agenda may add ISRAEL to a session on the occupied territory: the situation is
        # in the territory (the rule of docs/importers.md), unless the title names Israel.
        if match and match.ok and match.iso3 not in found and not (
                match.iso3 == "ISR" and "PSE" in found):
            found.append(match.iso3)
    if not found:
        raise SystemExit(f"S-{number}: no State found in {title!r} / {agenda!r}")
    return found


def _url(symbol: str) -> str:
    """The UN's symbol resolver for a document symbol; none for a descriptive reference."""
    return f"https://undocs.org/{symbol}" if symbol.startswith("A/HRC/") else ""


def outcomes() -> None:
    src = SHARED / "hrc" / "hrc_special_sessions_2006_2026.csv"
    rows = []
    with src.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            number = int(r["special_session"])
            symbols = [s.strip() for s in r["outcome_symbols"].split("|")]
            symbol = next((s for s in symbols if "/RES/" in s), symbols[0])
            title = re.sub(r"\s*:\s*(resolution|decision)\s*/\s*$", "", r["title"])
            title = f"Special session S-{number}: " + re.sub(r"\s+", " ", title).strip()
            for code in _session_states(number, r["title"], r["agenda"]) or [""]:
                rows.append([code, r["first_date"], "special_session", symbol, title, _url(symbol)])
    rows += [[c, d, k, ref, t, _url(ref)] for c, d, k, ref, t in BRIEF_OUTCOMES]
    with open(HERE / "council_outcomes.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["country", "date", "kind", "reference", "title", "url"])
        w.writerows(sorted(rows, key=lambda r: (r[1], r[2], r[3], r[0])))


M49 = {"en": "M49 English", "fr": "M49 French", "es": "M49 Spanish", "ru": "M49 Russian",
       "zh": "M49 Chinese", "ar": "M49 Arabic"}


def countries() -> None:
    rows = []
    for r in taxonomy():
        code = _code_of(r)
        rows.append({"iso3": code,
                     "iso2": r["ISO 3166-1 Alpha 2-Codes"] or r["x Alpha2 codes"],
                     # Territories have no UN short name; M49 gives them one.
                     **{f"name_{lang}": r[col] or r[M49[lang]]
                        for lang, col in LANGUAGE_COLUMNS.items()},
                     "un_group": un_group(code) or "",
                     "un_groups": ";".join(un_groups(code))})
    with open(HERE / "countries.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, list(rows[0]))
        w.writeheader()
        w.writerows(sorted(rows, key=lambda r: r["iso3"]))


if __name__ == "__main__":
    countries()
    memberships()
    if (SHARED / "hrc").exists():
        outcomes()

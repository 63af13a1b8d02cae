"""The category rules on real titles (issue 13): a hand-checked table of resolutions from the
bundled UN Digital Library file, the category counts they pin, and the acceptance measure
(how many of the (resolution, State) pairs a title or a UNBIS situation heading names are
stored). docs/importers.md ("GA and SC resolutions") gives the reason for every family here."""

import re

import pandas as pd
import pytest

from prevention.sources import countries
from prevention.sources.importers import undl, undl_rules
from tests.prevention.importers.helpers import RESOLUTIONS


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return pd.read_csv(RESOLUTIONS, dtype=str, keep_default_na=False).set_index("symbol")


@pytest.fixture(scope="module")
def since_2006():
    return undl.parse(RESOLUTIONS, since="2006-01-01")


# symbol, its exact title in the file (catalogue tail removed), and the expected
# (category, States, territory) or skip reason. Checked by hand against the titles.
CASES = [
    ('S/RES/2109(2013)', 'Security Council resolution 2109 (2013) [on extension of the mandate of the UN Mission in South Sudan (UNMISS) until 15 July 2014]',
     ('peace_operation', ('SSD',), '')),
    ('S/RES/2098(2013)', 'Security Council resolution 2098 (2013) [on extension of the mandate of the UN Organization Stabilization Mission in the Democratic Republic of the Congo (MONUSCO) until 31 Mar. 2014]',
     ('peace_operation', ('COD',), '')),
    ('S/RES/2136(2014)', 'Security Council resolution 2136 (2014) [on renewal of measures on arms, transport, finance and travel against the Democratic Republic of the Congo imposed by Security Council resolution 1807 (2008) and extension of the mandate of the Group of Experts Established pursuant to Resolution 1533 (2004) until 1 Feb. 2015]',
     ('sanctions', ('COD',), '')),
    ('S/RES/1718(2006)', "Security Council resolution 1718 (2006) [on imposition of restrictive measures on the Democratic People's Republic of Korea (DPRK)]",
     ('sanctions', ('PRK',), '')),
    ('S/RES/2397(2017)', "Security Council resolution 2397 (2017) [on strengthening sanctions against the Democratic People's Republic of Korea and condemning the nuclear test of 28 Nov. 2017]",
     ('sanctions', ('PRK',), '')),
    ('S/RES/2141(2014)', "Security Council resolution 2141 (2014) [on extension of the mandate of the Panel of Experts Established pursuant to Security Council Resolution 1874 (2009) concerning the Democratic People's Republic of Korea until 5 Apr. 2015]",
     ('sanctions', ('PRK',), '')),
    ('S/RES/1695(2006)', "Security Council resolution 1695 (2006) [on the launching of ballistic missiles by the Democratic People's Republic of Korea (DPRK)]",
     ('other', ('PRK',), '')),
    ('S/RES/2099(2013)', 'Security Council resolution 2099 (2013) [on extension of the mandate of the UN Mission for the Referendum in Western Sahara (MINURSO) until 30 Apr. 2014]',
     ('peace_operation', ('ESH',), 'Western Sahara')),
    ('S/RES/2723(2024)', 'Security Council resolution 2723 (2024) [on extension of the mandate of the UN Peacekeeping Force in Cyprus (UNFICYP) until 31 Jan. 2025]',
     ('peace_operation', ('CYP',), '')),
    ('S/RES/1244(1999)', 'Security Council resolution 1244 (1999) [on the deployment of international civil and security presences in Kosovo]',
     ('peace_operation', ('XKX',), 'Kosovo')),
    ('S/RES/2119(2013)', 'Security Council resolution 2119 (2013) [on extension of the mandate of the UN Stabilization Mission in Haiti (MINUSTAH) until 15 Oct. 2014]',
     ('peace_operation', ('HTI',), '')),
    ('S/RES/2699(2023)', 'Security Council resolution 2699 (2023) [on authorization to the Member States to form and deploy a Multinational Security Support (MSS) mission in Haiti for an initial period of one year]',
     ('peace_operation', ('HTI',), '')),
    ('S/RES/2700(2023)', 'Security Council resolution 2700 (2023) [on extension of the measures imposed by Security Council resolution 2653 (2022) and on extension of the mandate of the Panel of Experts concerning Haiti for a period of 13 months]',
     ('sanctions', ('HTI',), '')),
    ('S/RES/2793(2025)', 'Security Council resolution 2793 (2025) [on authorization to Member States to form a Gang Suppression Force (GSF) in Haiti for an initial period of 12 months and on establishment of the UN Support Office in Haiti (UNSOH)]',
     ('peace_operation', ('HTI',), '')),
    ('S/RES/2334(2016)', 'Security Council resolution 2334 (2016) [on cessation of Israeli settlement activities in the Occupied Palestinian Territory, including East Jerusalem]',
     ('occupation', ('ISR',), 'Occupied Palestinian Territory; East Jerusalem')),
    ('S/RES/2712(2023)', 'Security Council resolution 2712 (2023) [on humanitarian pauses in Gaza and immediate release of hostages]',
     ('humanitarian', ('PSE',), 'Gaza Strip')),
    ('S/RES/1860(2009)', 'Security Council resolution 1860 (2009) [on a durable and fully repected ceasefire and the full withdrawal of Israeli forces from the Gaza Strip]',
     ('conflict_or_crisis', ('PSE',), 'Gaza Strip')),
    ('S/RES/2230(2015)', 'Security Council resolution 2230 (2015) [on extension of the mandate of the UN Interim Security Force for Abyei (UNISFA) until 15 Dec. 2015)]',
     ('peace_operation', ('SDN', 'SSD'), 'Abyei')),
    ('S/RES/2148(2014)', "Security Council resolution 2148 (2014) [on endorsing Secretary-General's revised strategies for the African Union-United Nations Hybrid Operation in Darfur (UNAMID)]",
     ('peace_operation', ('SDN',), 'Darfur')),
    ('S/RES/1970(2011)', 'Security Council resolution 1970 (2011) [on establishment of a Security Council Committee to monitor implementation of the arms embargo against the Libyan Arab Jamahiriya]',
     ('sanctions', ('LBY',), '')),
    ('S/RES/1973(2011)', 'Security Council resolution 1973 (2011) [on establishment of a ban on flights in the Libyan Arab Jamahiriya airspace]',
     ('conflict_or_crisis', ('LBY',), '')),
    ('S/RES/2139(2014)', 'Security Council resolution 2139 (2014) [on humanitarian situation in the Syrian Arab Republic]',
     ('humanitarian', ('SYR',), '')),
    ('S/RES/2254(2015)', 'Security Council resolution 2254 (2015) [on the situation in the Syrian Arab Republic]',
     ('conflict_or_crisis', ('SYR',), '')),
    ('S/RES/2118(2013)', 'Security Council resolution 2118 (2013) [on use of chemical weapons in the Syrian Arab Republic]',
     ('conflict_or_crisis', ('SYR',), '')),
    ('S/RES/2249(2015)', "Security Council resolution 2249 (2015) [on terrorist attacks perpetrated by the Islamic State in Iraq and the Levant (ISIL) also known as Da'esh]",
     ('conflict_or_crisis', ('IRQ',), '')),
    ('S/RES/2166(2014)', 'Security Council resolution 2166 (2014) [on downing of Malaysia Airlines flight MH17 on 17 July in Donetsk Oblast, Ukraine]',
     ('conflict_or_crisis', ('MYS', 'UKR'), '')),
    ('S/RES/1701(2006)', 'Security Council resolution 1701 (2006) [on full cessation of hostilities in Lebanon and on extending and strengthening the mandate of UNIFIL to monitor the ceasefire]',
     ('conflict_or_crisis', ('LBN', 'ISR'), '')),
    ('S/RES/2790(2025)', 'Security Council resolution 2790 (2025) [on final extension of the mandate of the UN Interim Force in Lebanon (UNIFIL) until 31 Dec. 2026]',
     ('peace_operation', ('LBN', 'ISR'), '')),
    ('S/RES/2108(2013)', 'Security Council resolution 2108 (2013) [on renewal of the mandate of the UN Disengagement Observer Force (UNDOF) until 31 Dec. 2013]',
     'names no State (thematic, regional or unnamed)'),
    ('S/RES/1691(2006)', 'Security Council resolution 1691 (2006) [on admission of the Republic of Montenegro to membership in the United Nations]',
     ('procedural', ('MNE',), '')),
    ('S/RES/1999(2011)', 'Security Council resolution 1999 (2011) [on admission of the Republic of South Sudan to membership in the United Nations]',
     ('procedural', ('SSD',), '')),
    ('S/RES/1855(2008)', 'Security Council resolution 1855 (2008) [on the appointment of additional ad litem Judges to the International Tribunal for Rwanda]',
     ('procedural', ('RWA',), '')),
    ('S/RES/1668(2006)', 'Security Council resolution 1668 (2006) [on extention of service of Judge Joaquín Canivell in the Krajisnik case beyond April 2006 (International Criminal Tribunal for former Yugoslavia)]',
     "international tribunals' administration; names no State"),
    ('S/RES/2554(2020)', 'Security Council resolution 2554 (2020) [on piracy and armed robbery at sea off the coast of Somalia]',
     ('other', ('SOM',), '')),
    ('S/RES/2018(2011)', 'Security Council resolution 2018 (2011) [on acts of piracy and armed robbery at sea off the coast of the States of the Gulf of Guinea]',
     'piracy and maritime security; names no State'),
    ('S/RES/1998(2011)', 'Security Council resolution 1998 (2011) [on children and armed conflict]',
     'names no State (thematic, regional or unnamed)'),
    ('S/RES/2023(2011)', 'Security Council resolution 2023 (2011) [on measures against Eritrea and expansion of the mandate of the Monitoring Group re-established by Security Council resolution 2002 (2011)]',
     ('sanctions', ('ERI', 'DJI'), '')),
    ('S/RES/1859(2008)', 'Security Council resolution 1859 (2008) [on the extension of the arrangements for the depositing into the Development Fund for Iraq of proceeds from export sales of petroleum, petroleum products and natural gas]',
     ('cooperation_or_assistance', ('IRQ',), '')),
    ('S/RES/2240(2015)', 'Security Council resolution 2240 (2015) [on migrant smuggling and human trafficking into, through and from the Libyan territory and off the coast of Libya]',
     ('humanitarian', ('LBY',), '')),
    ('S/RES/2623(2022)', 'Security Council resolution 2623 (2022) [on convening an emergency special session of the General Assembly on Ukraine]',
     ('procedural', ('UKR',), '')),
    ('S/RES/2231(2015)', "Security Council resolution 2231 (2015) [on Joint Comprehensive Plan of Action (JCPOA) on the Islamic Republic of Iran's nuclear programme]",
     ('other', ('IRN',), '')),
    ('S/RES/1737(2006)', 'Security Council resolution 1737 (2006) [on measures against the Islamic Republic of Iran in connection with its enrichment-related and reprocessing activities, including research and development]',
     ('sanctions', ('IRN',), '')),
    ('S/RES/2255(2015)', 'Security Council resolution 2255 (2015) [on sanctions concerning individuals and entities and other groups and undertakings associated with the Taliban and the threat international terrorism poses to Afghanistan]',
     ('sanctions', ('AFG',), '')),
    ('S/RES/2681(2023)', 'Security Council resolution 2681 (2023) [on condemning the decision of the Taliban to ban Afghan women from working for the UN in Afghanistan]',
     ('human_rights_situation', ('AFG',), '')),
    ('S/RES/2405(2018)', 'Security Council resolution 2405 (2018) [on extension of the mandate of the UN Assistance Mission in Afghanistan (UNAMA) until 17 Mar. 2019]',
     ('peace_operation', ('AFG',), '')),
    ('S/RES/2202(2015)', 'Security Council resolution 2202 (2015) [on implementation of the "Package of Measures for the Implementation of the Minsk Agreements"]',
     ('conflict_or_crisis', ('UKR',), '')),
    ('A/RES/61/174', "Situation of human rights in the Democratic People's Republic of Korea",
     ('human_rights_situation', ('PRK',), '')),
    ('A/RES/78/220', 'Situation of human rights in the Islamic Republic of Iran',
     ('human_rights_situation', ('IRN',), '')),
    ('A/RES/74/246', 'Situation of human rights of Rohingya Muslims and other minorities in Myanmar',
     ('human_rights_situation', ('MMR',), '')),
    ('A/RES/71/205', 'Situation of human rights in the Autonomous Republic of Crimea and the city of Sevastopol (Ukraine)',
     ('human_rights_situation', ('UKR',), 'Autonomous Republic of Crimea and the city of Sevastopol')),
    ('A/RES/78/221', 'Situation of human rights in the temporarily occupied territories of Ukraine, including the Autonomous Republic of Crimea and the city of Sevastopol',
     ('human_rights_situation', ('UKR',), 'temporarily occupied territories of Ukraine; Autonomous Republic of Crimea and the city of Sevastopol')),
    ('A/RES/73/194', 'Problem of the militarization of the Autonomous Republic of Crimea and the city of Sevastopol, Ukraine, as well as parts of the Black Sea and the Sea of Azov',
     ('occupation', ('RUS',), 'Autonomous Republic of Crimea and the city of Sevastopol; parts of the Black Sea and the Sea of Azov')),
    ('A/RES/ES-11/1', 'Aggression against Ukraine',
     ('conflict_or_crisis', ('UKR',), '')),
    ('A/RES/ES-11/2', 'Humanitarian consequences of the aggression against Ukraine',
     ('humanitarian', ('UKR',), '')),
    ('A/RES/ES-11/3', 'Suspension of the rights of membership of the Russian Federation in the Human Rights Council',
     ('procedural', ('RUS',), '')),
    ('A/RES/68/262', 'Territorial integrity of Ukraine',
     ('conflict_or_crisis', ('UKR',), '')),
    ('A/RES/61/120', 'The occupied Syrian Golan',
     ('occupation', ('ISR',), 'occupied Syrian Golan')),
    ('A/RES/61/27', 'The Syrian Golan',
     ('occupation', ('ISR',), 'occupied Syrian Golan')),
    ('A/RES/61/118', 'Israeli settlements in the Occupied Palestinian Territory, including East Jerusalem, and the occupied Syrian Golan',
     ('occupation', ('ISR',), 'Occupied Palestinian Territory; East Jerusalem; occupied Syrian Golan')),
    ('A/RES/62/109', 'Israeli practices affecting the human rights of the Palestinian people in the Occupied Palestinian Territory, including East Jerusalem',
     ('occupation', ('ISR',), 'Occupied Palestinian Territory; East Jerusalem')),
    ('A/RES/61/117', 'Applicability of the Geneva Convention relative to the Protection of Civilian Persons in Time of War, of 12 August 1949, to the Occupied Palestinian Territory, including East Jerusalem, and other occupied Arab territories',
     ('occupation', ('ISR',), 'Occupied Palestinian Territory; East Jerusalem; occupied Arab territories')),
    ('A/RES/61/184', 'Permanent sovereignty of the Palestinian people in the Occupied Palestinian Territory, including East Jerusalem, and of the Arab population in the occupied Syrian Golan over their natural resources',
     ('occupation', ('ISR',), 'Occupied Palestinian Territory; East Jerusalem; occupied Syrian Golan')),
    ('A/RES/ES-10/17', 'Establishment of the United Nations Register of Damage caused by the Construction of the Wall in the Occupied Palestinian Territory',
     ('occupation', ('ISR',), 'Occupied Palestinian Territory')),
    ('A/RES/ES-10/16', 'Illegal Israeli actions in the Occupied East Jerusalem and the rest of the Occupied Palestinian Territory',
     ('occupation', ('ISR',), 'Occupied Palestinian Territory; East Jerusalem')),
    ('A/RES/61/116', 'Work of the Special Committee to Investigate Israeli Practices Affecting the Human Rights of the Palestinian People and Other Arabs of the Occupied Territories',
     ('occupation', ('ISR',), 'occupied Arab territories')),
    ('A/RES/61/25', 'Peaceful settlement of the question of Palestine',
     ('conflict_or_crisis', ('PSE',), '')),
    ('A/RES/61/152', 'The right of the Palestinian people to self-determination',
     ('conflict_or_crisis', ('PSE',), '')),
    ('A/RES/61/22', 'Committee on the Exercise of the Inalienable Rights of the Palestinian People',
     ('procedural', ('PSE',), '')),
    ('A/RES/61/23', 'Division for Palestinian Rights of the Secretariat',
     ('procedural', ('PSE',), '')),
    ('A/RES/67/19', 'Status of Palestine in the United Nations',
     ('procedural', ('PSE',), '')),
    ('A/RES/61/112', 'Assistance to Palestine refugees',
     ('humanitarian', ('PSE',), '')),
    ('A/RES/61/113', 'Persons displaced as a result of the June 1967 and subsequent hostilities',
     ('humanitarian', ('PSE',), '')),
    ('A/RES/61/135', 'Assistance to the Palestinian people',
     ('cooperation_or_assistance', ('PSE',), '')),
    ('A/RES/ES-10/21', 'Protection of civilians and upholding legal and humanitarian obligations',
     ('conflict_or_crisis', ('PSE',), 'territories occupied by Israel')),
    ('A/RES/64/10', 'Follow-up to the report of the United Nations Fact-Finding Mission on the Gaza Conflict',
     ('conflict_or_crisis', ('PSE',), 'Gaza Strip')),
    ('A/RES/61/125', 'Question of Western Sahara',
     ('conflict_or_crisis', ('ESH',), 'Western Sahara')),
    ('A/RES/75/104', 'Implementation of the Declaration on the Granting of Independence to Colonial Countries and Peoples by the specialized agencies and the international institutions associated with the United Nations',
     'decolonization of Non-Self-Governing Territories (not States)'),
    ('A/RES/72/102', 'Question of Guam',
     'decolonization of Non-Self-Governing Territories (not States)'),
    ('A/RES/63/3', 'Request for an advisory opinion of the International Court of Justice on whether the unilateral declaration of independence of Kosovo is in accordance with international law',
     ('other', ('XKX',), 'Kosovo')),
    ('A/RES/71/292', 'Request for an advisory opinion of the International Court of Justice on the legal consequences of the separation of the Chagos Archipelago from Mauritius 1965',
     ('other', ('MUS',), 'Chagos Archipelago')),
    ('A/RES/61/11', 'Necessity of ending the economic, commercial and financial embargo imposed by the United States of America against Cuba',
     ('other', ('USA', 'CUB'), '')),
    ('A/RES/60/278', 'Financing of the United Nations Interim Force in Lebanon',
     ('peace_operation', ('LBN',), '')),
    ('A/RES/62/243', 'The situation in the occupied territories of Azerbaijan',
     ('conflict_or_crisis', ('AZE',), 'occupied territories of Azerbaijan')),
    ('A/RES/64/296', 'Status of internally displaced persons and refugees from Abkhazia, Georgia, and the Tskhinvali region/South Ossetia, Georgia',
     ('humanitarian', ('GEO',), 'Abkhazia, Georgia; Tskhinvali region/South Ossetia, Georgia')),
    ('A/RES/72/282', 'Complete and unconditional withdrawal of foreign military forces from the territory of the Republic of Moldova',
     ('conflict_or_crisis', ('MDA',), '')),
    ('A/RES/66/11', 'Restoration of the rights of membership of Libya in the Human Rights Council',
     ('procedural', ('LBY',), '')),
    ('A/RES/71/248', 'International, Impartial and Independent Mechanism to Assist in the Investigation and Prosecution of Persons Responsible for the Most Serious Crimes under International Law Committed in the Syrian Arab Republic since March 2011',
     ('conflict_or_crisis', ('SYR',), '')),
    ('A/RES/77/301', 'Independent Institution on Missing Persons in the Syrian Arab Republic',
     ('humanitarian', ('SYR',), '')),
    ('A/RES/77/218', 'Extrajudicial, summary or arbitrary executions',
     'names no State (thematic, regional or unnamed)'),
    ('A/RES/65/71', 'Decreasing the operational readiness of nuclear weapons systems',
     'non-proliferation; names no State'),
    ('A/RES/61/26', 'Jerusalem',
     ('conflict_or_crisis', ('PSE',), 'Jerusalem')),
    ('A/RES/63/30', 'Jerusalem',
     'names no State (thematic, regional or unnamed)'),
    ('A/RES/61/194', 'Oil slick on Lebanese shores',
     'names no State (thematic, regional or unnamed)'),
    ('A/RES/78/251', 'Proposed programme budget for 2024 : Section 26, Palestine refugees',
     ('other', ('PSE',), '')),
    ('A/RES/61/154', 'The human rights situation arising from the recent Israeli military operations in Lebanon',
     ('human_rights_situation', ('LBN',), '')),
    ('A/RES/75/287', 'The situation in Myanmar',
     ('conflict_or_crisis', ('MMR',), '')),
    ('A/RES/69/21', 'Division for Palestinian Rights of the Secretariat',
     ('procedural', ('PSE',), '')),
]


@pytest.mark.parametrize("symbol,title,expected", CASES, ids=[c[0] for c in CASES])
def test_hand_checked_titles(real, symbol, title, expected):
    row = real.loc[symbol]
    assert undl_rules.clean_title(row["title"]) == title  # the table quotes the file
    outcome = undl_rules.classify(row["body"], row["title"], row["subjects"], row["agenda_items"])
    if isinstance(expected, str):
        assert (outcome.skipped, outcome.countries) == (expected, ()), title
    else:
        assert (outcome.category, outcome.countries, outcome.territory) == expected, title
        assert outcome.skipped is None


def test_the_table_covers_every_category_and_the_hard_families():
    categories = {c[2][0] for c in CASES if not isinstance(c[2], str)}
    assert categories == set(undl_rules.CATEGORIES)
    titles = " ".join(c[1] for c in CASES)
    for family in ("Golan", "Western Sahara", "Cyprus", "Kosovo", "Palestin", "Korea",
                   "UNMISS", "MONUSCO", "Haiti", "Crimea", "Financing"):
        assert family in titles, family
    assert sum(isinstance(c[2], str) for c in CASES) >= 8  # thematic and other skips
    assert len(CASES) >= 40


# Resolutions from 2006 by category (the first figure) and signals by category (the second):
# they pin the rules' behaviour on the bundled file; a change to a rule shows here.
COUNTS = {
    "peace_operation": (558, 629), "sanctions": (212, 220), "conflict_or_crisis": (148, 154),
    "occupation": (125, 125), "humanitarian": (113, 113), "procedural": (72, 74),
    "human_rights_situation": (62, 62), "other": (51, 69), "cooperation_or_assistance": (4, 4),
}


def test_category_counts_since_2006(since_2006):
    s = since_2006.signals
    by_resolution = s.drop_duplicates("source_row")["category"].value_counts().to_dict()
    by_signal = s["category"].value_counts().to_dict()
    print("\ncategory: resolutions, signals")
    for category in undl_rules.CATEGORIES:
        print(f"  {category}: {by_resolution.get(category, 0)}, {by_signal.get(category, 0)}")
    assert {c: (by_resolution.get(c, 0), by_signal.get(c, 0)) for c in undl_rules.CATEGORIES} == COUNTS
    assert sum(n for n, _ in COUNTS.values()) == s["source_row"].nunique() == 1345


# --- the acceptance measure ----------------------------------------------------------------
# A UNBIS heading names a State's situation when it reads "<State> SITUATION", "<State>
# QUESTION", "<State>--POLITICAL CONDITIONS", "HUMAN RIGHTS--<State>", "TERRITORIES OCCUPIED
# BY ISRAEL" (the occupied territories), or names two States ("ISRAEL--LEBANON").
_SITUATION = re.compile(r"^.+?(?: SITUATION| QUESTION|--POLITICAL CONDITIONS)$|^HUMAN RIGHTS--.+$")
# "TERRITORIES OCCUPIED BY ISRAEL" names the territories Israel occupies (Palestinian and
# Syrian), not one State: the pair is stored when the resolution is stored for Israel (as an
# occupation) or for the State of an occupied territory.
OCCUPIED_BY_ISRAEL = "territories occupied by Israel"
_OCCUPIED_STATES = {"ISR", "PSE", "SYR"}
# Codes that are States for the measure: UN members, the two observer States, and the two
# territories the product records as the State concerned (Kosovo, Western Sahara). Non-Self-
# Governing Territories (Guam, Bermuda) are not States: their decolonization items are skipped.
_NON_MEMBERS = {"PSE", "VAT", "XKX", "ESH"}


def _is_state(code: str) -> bool:
    return code == OCCUPIED_BY_ISRAEL or code in _NON_MEMBERS or countries.un_group(code) is not None


def situation_states(subjects: str) -> list[str]:
    out: list[str] = []
    for heading in (h.strip() for h in subjects.split("|")):
        if heading.upper().startswith(OCCUPIED_BY_ISRAEL.upper()):
            codes = [OCCUPIED_BY_ISRAEL]
        else:
            codes = undl_rules.states_in(heading) if _SITUATION.match(heading) else []
            codes += [c for pair in undl_rules.bilateral_states(heading) for c in pair]
        out += [c for c in codes if c not in out]
    return out


def acceptance(real: pd.DataFrame, parsed) -> tuple[int, int, int, list]:
    """(pairs named, pairs stored as a signal of that State, pairs stored as that State or as
    the recorded territory of an occupation signal, the pairs missing)."""
    s = parsed.signals
    stored: dict[str, set[str]] = {}
    territory_of: dict[str, set[str]] = {}
    for ref, code, text in zip(s["reference"], s["country"], s["territory"]):
        stored.setdefault(ref, set()).add(code)
        for t in undl_rules.territories_in(text):
            territory_of.setdefault(ref, set()).update(t.states)
    named = strict = with_territory = 0
    missing = []
    for symbol, row in real[real["date"] >= "2006-01-01"].iterrows():
        codes = undl_rules.states_in(undl_rules.clean_title(row["title"])) + situation_states(row["subjects"])
        here = stored.get(symbol, set())
        for code in dict.fromkeys(c for c in codes if _is_state(c)):
            named += 1
            if code in here or code == OCCUPIED_BY_ISRAEL and here & _OCCUPIED_STATES:
                strict += 1
                with_territory += 1
            elif code in territory_of.get(symbol, ()):
                with_territory += 1
            else:
                missing.append((symbol, code, undl_rules.clean_title(row["title"])[:90]))
    return named, strict, with_territory, missing


def test_acceptance_at_least_90_percent_of_named_pairs_are_stored(real, since_2006):
    named, strict, with_territory, missing = acceptance(real, since_2006)
    print(f"\n{named} (resolution, State) pairs named since 2006: {strict} stored as that State "
          f"({strict / named:.1%}); {with_territory} stored as that State or as the occupied "
          f"territory of an occupation signal ({with_territory / named:.1%})")
    for m in missing:
        print("  not stored:", *m)
    # An occupation resolution concerns the occupying State; the occupied territory's State
    # is recorded as its territory (issue 13), which is what the second share counts.
    assert with_territory / named >= 0.90
    assert strict / named >= 0.85
    # Pinned, so that a rule change that loses pairs shows here.
    assert (named, strict, with_territory) == (1584, 1415, 1577)

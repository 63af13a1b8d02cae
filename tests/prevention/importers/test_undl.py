import pandas as pd
import pytest

from prevention.importers import undl
from tests.prevention.importers.helpers import RESOLUTIONS, assert_accounted, write

HEADER = "undl_id,symbol,body,date,title,meeting_record,agenda_items,subjects,n_country_votes_recorded\n"


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return pd.read_csv(RESOLUTIONS, dtype=str, keep_default_na=False).set_index("symbol")


@pytest.fixture(scope="module")
def since_2006():
    return undl.parse(RESOLUTIONS, since="2006-01-01")


# Real resolutions from the file: symbol -> the States concerned, or the skip reason.
CASES = [
    # GA: situations of human rights in a named State
    ("A/RES/61/174", ("PRK",)), ("A/RES/61/175", ("BLR",)), ("A/RES/61/176", ("IRN",)),
    ("A/RES/61/232", ("MMR",)), ("A/RES/66/176", ("SYR",)), ("A/RES/74/246", ("MMR",)),
    ("A/RES/71/205", ("UKR",)), ("A/RES/78/221", ("UKR",)),
    ("A/RES/61/154", ("LBN",)),  # human rights situation after Israeli operations in Lebanon
    # GA: the situation in, aggression, territorial integrity, accountability mechanisms
    ("A/RES/66/253A", ("SYR",)), ("A/RES/73/88", ("AFG",)), ("A/RES/75/287", ("MMR",)),
    ("A/RES/62/243", ("AZE",)), ("A/RES/68/262", ("UKR",)), ("A/RES/ES-11/1", ("UKR",)),
    ("A/RES/71/248", ("SYR",)), ("A/RES/77/301", ("SYR",)), ("A/RES/72/282", ("MDA",)),
    ("A/RES/62/249", ("GEO",)), ("A/RES/ES-11/3", ("RUS",)),
    # GA: Israeli practices in the occupied territory -> the territory, not Israel
    ("A/RES/62/109", ("PSE",)), ("A/RES/64/91", ("PSE",)), ("A/RES/61/118", ("PSE", "SYR")),
    ("A/RES/ES-10/16", ("PSE",)), ("A/RES/71/96", ("PSE",)),
    # GA: skipped
    ("A/RES/67/4", undl.NOT_CONCERN),  # embargo against Cuba
    ("A/RES/77/218", undl.THEMATIC),  # extrajudicial executions
    ("A/RES/65/71", undl.NONPROLIFERATION),
    ("A/RES/75/104", undl.DECOLONIZATION),
    ("A/RES/69/21", undl.THEMATIC),  # Division for Palestinian Rights of the Secretariat
    # SC: a named State's situation, new missions, sanctions, humanitarian access
    ("S/RES/2334(2016)", ("PSE",)),  # Israeli settlements in the OPT
    ("S/RES/2249(2015)", ("IRQ",)),  # ISIL: title names Iraq (the Levant is not a State)
    ("S/RES/2136(2014)", undl.RENEWAL),  # renewal of measures on the DRC
    ("S/RES/1874(2009)", undl.NONPROLIFERATION),  # DPRK nuclear test measures
    ("S/RES/2023(2011)", ("ERI",)),  # measures against Eritrea: the title's State only
    ("S/RES/2230(2015)", undl.RENEWAL),  # UNISFA extension
    ("S/RES/2148(2014)", ("SDN",)),  # UNAMID strategy: Darfur -> Sudan
    ("S/RES/1970(2011)", ("LBY",)),  # Libya under its UN name of the time
    ("S/RES/1973(2011)", ("LBY",)),
    ("A/RES/ES-10/21", ("PSE",)),  # protection of civilians: the State from the subjects
    ("A/RES/66/11", undl.PROCEDURAL),  # HRC membership of Libya restored
    # SC: skipped
    ("S/RES/2108(2013)", undl.RENEWAL),  # UNDOF
    ("S/RES/2405(2018)", undl.RENEWAL),  # UNAMA
    ("S/RES/1998(2011)", undl.THEMATIC),  # children and armed conflict
    ("S/RES/2309(2016)", undl.THEMATIC),  # civil aviation
    ("S/RES/2554(2020)", undl.PIRACY),  # piracy off Somalia
    ("S/RES/1668(2006)", undl.TRIBUNALS),  # ICTY judge
]


@pytest.mark.parametrize("symbol,expected", CASES)
def test_rules_on_real_titles(real, symbol, expected):
    row = real.loc[symbol]
    outcome = undl.classify(row["body"], row["title"], row["subjects"])
    if isinstance(expected, tuple):
        assert outcome.countries == expected and outcome.skipped is None, row["title"]
    else:
        assert outcome.skipped == expected and outcome.countries == (), row["title"]


def test_renewals_option_counts_mission_renewals_as_concern(real):
    row = real.loc["S/RES/2405(2018)"]
    assert undl.classify("SC", row["title"], row["subjects"], renewals=True).countries == ("AFG",)
    row = real.loc["S/RES/2230(2015)"]  # Abyei: the subjects name both States
    assert undl.classify("SC", row["title"], row["subjects"], renewals=True).countries == \
        ("SDN", "SSD")


def test_real_file_since_2006(since_2006):
    p = since_2006
    assert p.rows_read == 9836 and p.rejected == []
    assert p.skipped["adopted before 2006-01-01 (option since)"] == 7213
    assert p.signals["source_row"].nunique() == 380 and len(p.signals) == 406
    assert p.skipped["SC: " + undl.RENEWAL] == 708
    assert p.skipped["GA: " + undl.THEMATIC] == 819
    assert p.skipped["GA: " + undl.DECOLONIZATION] == 99
    assert_accounted(p)
    assert p.signals["signal_id"].is_unique and (p.signals["date"] >= "2006-01-01").all()
    assert set(p.issuers["issuer_id"]) == {"unga", "unsc"}
    assert set(p.issuers["kind"]) == {"general_assembly", "security_council"}


def test_signal_fields_link_to_the_digital_library(since_2006):
    s = since_2006.signals.set_index("signal_id")
    row = s.loc["undl:" + since_2006.signals.loc[since_2006.signals["reference"] == "A/RES/61/174",
                                                   "signal_id"].iloc[0].split(":")[1] + ":PRK"]
    assert row["url"].startswith("https://digitallibrary.un.org/record/")
    assert row["title"] == "Situation of human rights in the Democratic People's Republic of Korea"
    links = since_2006.links.set_index("signal_id")["issuer_id"]
    assert links[row.name] == "unga"
    multi = since_2006.signals[since_2006.signals["reference"] == "A/RES/61/118"]
    assert sorted(multi["country"]) == ["PSE", "SYR"] and multi["source_row"].nunique() == 1


def test_since_skips_earlier_resolutions_and_counts_them(tmp_path):
    path = write(tmp_path / "r.csv", HEADER + (
        "1,A/RES/1/1,GA,1950-01-01,Situation of human rights in Myanmar,,,,\n"
        "2,A/RES/1/2,GA,2006-01-01,Situation of human rights in Myanmar,,,,\n"))
    assert len(undl.parse(path).signals) == 2
    p = undl.parse(path, since="2006-01-01")
    assert p.signals["signal_id"].tolist() == ["undl:2:MMR"]
    assert p.skipped == {"adopted before 2006-01-01 (option since)": 1}
    assert_accounted(p)


def test_bad_rows_and_options(tmp_path):
    rows = [
        '1,A/RES/1/1,GA,2010-01-01,"Situation of human rights in Myanmar : resolution / adopted by the General Assembly",,,,',
        'x,A/RES/1/2,GA,2010-01-01,Situation of human rights in Myanmar,,,,',
        '3,A/RES/1/3,XX,2010-01-01,Situation of human rights in Myanmar,,,,',
        '4,,GA,2010-01-01,Situation of human rights in Myanmar,,,,',
        '5,A/RES/1/5,GA,2010-02-30,Situation of human rights in Myanmar,,,,',
        '6,A/RES/1/6,GA,2010-01-01,,,,,',
        '7,S/RES/1(2010),sc,2010-01-01,Security Council resolution 1 (2010) [on the situation in Yemen],,,,',
    ]
    p = undl.parse(write(tmp_path / "r.csv", HEADER + "\n".join(rows) + "\n"))
    assert [(r.row, r.field) for r in p.rejected] == [
        (3, "undl_id"), (4, "body"), (5, "symbol"), (6, "date"), (7, "title")]
    assert p.signals["signal_id"].tolist() == ["undl:1:MMR", "undl:7:YEM"]
    assert p.signals["title"].iloc[0] == "Situation of human rights in Myanmar"
    assert_accounted(p)
    with pytest.raises(ValueError, match="since"):
        undl.parse(tmp_path / "r.csv", since="last year")
    with pytest.raises(TypeError):
        undl.parse(tmp_path / "r.csv", until="2020-01-01")

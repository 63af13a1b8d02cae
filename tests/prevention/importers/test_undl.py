
import pandas as pd
import pytest

from prevention.sources.importers import undl, undl_holes, undl_rules
from prevention.sources.importers.base import COVERAGE_RECORD_COLUMNS
from tests.prevention.importers.helpers import RESOLUTIONS, assert_accounted, write

HEADER = "undl_id,symbol,body,date,title,meeting_record,agenda_items,subjects,n_country_votes_recorded\n"


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return pd.read_csv(RESOLUTIONS, dtype=str, keep_default_na=False).set_index("symbol")


@pytest.fixture(scope="module")
def since_2006():
    return undl.parse(RESOLUTIONS, since="2006-01-01")


def _file(tmp_path, *rows: tuple[str, str, str]) -> str:
    """A UNDL file of (symbol, date, title) rows; the body is read from the symbol."""
    lines = [f'{i},{sym},{"SC" if sym.startswith("S/") else "GA"},{day},"{title}",,,,'
             for i, (sym, day, title) in enumerate(rows, 1)]
    return write(tmp_path / "r.csv", HEADER + "\n".join(lines) + "\n")


def _spans(parsed, kind: str) -> list[tuple[str, str]]:
    c = parsed.coverage[parsed.coverage["issuer_kind"] == kind]
    return list(zip(c["start"], c["end"]))


# --- the real file ------------------------------------------------------------------------

def test_real_file_since_2006(since_2006):
    p = since_2006
    assert p.rows_read == 9836 and p.rejected == []
    assert p.skipped["adopted before 2006-01-01 (option since)"] == 7213
    # Every resolution from 2006 that concerns a State is stored (1,345 of 2,623; the issue's
    # starting point was 380): renewals and sanctions included, with their category.
    assert p.signals["source_row"].nunique() == 1345 and len(p.signals) == 1450
    assert p.skipped["SC: " + undl_rules.THEMATIC] == 136  # UNDOF (names no State) and thematic
    assert p.skipped["GA: " + undl_rules.THEMATIC] == 663
    assert p.skipped["GA: " + undl_rules.DECOLONIZATION] == 104
    assert p.skipped["GA: " + undl_rules.NONPROLIFERATION] == 309
    assert_accounted(p)
    assert p.signals["signal_id"].is_unique and (p.signals["date"] >= "2006-01-01").all()
    assert set(p.signals["category"]) == set(undl_rules.CATEGORIES)
    assert set(p.issuers["issuer_id"]) == {"unga", "unsc"}
    assert set(p.issuers["kind"]) == {"general_assembly", "security_council"}


def test_the_issues_examples_are_stored(since_2006):
    s = since_2006.signals
    counts = s["country"].value_counts()
    # Issue 13: Sudan had 12 signals, South Sudan 5, the DR Congo 8 (renewals were skipped).
    assert (counts["SDN"], counts["SSD"], counts["COD"]) == (94, 67, 54)
    golan = s[s["title"] == "The occupied Syrian Golan"]
    assert set(golan["country"]) == {"ISR"} and set(golan["category"]) == {"occupation"}
    assert not ((s["country"] == "SYR") & s["territory"].str.contains("Golan")).any()


def test_signal_fields_link_to_the_digital_library(since_2006, real):
    s = since_2006.signals
    row = s[s["reference"] == "A/RES/61/174"].iloc[0]
    assert row["signal_id"] == f"undl:{real.loc['A/RES/61/174', 'undl_id']}:PRK"
    assert row["url"] == f"https://digitallibrary.un.org/record/{real.loc['A/RES/61/174', 'undl_id']}"
    assert row["title"] == "Situation of human rights in the Democratic People's Republic of Korea"
    assert (row["category"], row["territory"]) == ("human_rights_situation", "")
    assert row["summary"].startswith("UNBIS subjects: HUMAN RIGHTS--REPORTS")
    links = since_2006.links.set_index("signal_id")["issuer_id"]
    assert links[row["signal_id"]] == "unga"
    golan = s[s["reference"] == "A/RES/61/120"].iloc[0]
    assert golan["territory"] == "occupied Syrian Golan"
    assert golan["summary"] == ("Territory: occupied Syrian Golan. "
                                "UNBIS subjects: TERRITORIES OCCUPIED BY ISRAEL--HUMAN RIGHTS")
    multi = s[s["reference"] == "A/RES/61/11"]  # the embargo against Cuba
    assert sorted(multi["country"]) == ["CUB", "USA"] and multi["source_row"].nunique() == 1


def test_signal_ids_are_stable_across_parses(since_2006):
    again = undl.parse(RESOLUTIONS, since="2006-01-01")
    assert again.signals["signal_id"].tolist() == since_2006.signals["signal_id"].tolist()


# --- options and bad rows -----------------------------------------------------------------

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
    assert p.signals["category"].tolist() == ["human_rights_situation", "conflict_or_crisis"]
    assert_accounted(p)
    with pytest.raises(ValueError, match="since"):
        undl.parse(tmp_path / "r.csv", since="last year")
    with pytest.raises(ValueError, match="source"):
        undl.parse(tmp_path / "r.csv", source=" ")
    with pytest.raises(TypeError, match="category"):
        undl.parse(tmp_path / "r.csv", renewals=True)
    with pytest.raises(TypeError, match="since and source"):
        undl.parse(tmp_path / "r.csv", until="2020-01-01")


def test_renewals_are_stored_with_their_category(real):
    row = real.loc["S/RES/2405(2018)"]  # UNAMA extension
    outcome = undl_rules.classify("SC", row["title"], row["subjects"])
    assert (outcome.category, outcome.countries) == ("peace_operation", ("AFG",))
    row = real.loc["S/RES/2136(2014)"]  # renewal of the DRC measures
    assert undl_rules.classify("SC", row["title"], row["subjects"]).category == "sanctions"


# --- coverage -----------------------------------------------------------------------------

def test_sequence_keys_of_real_symbol_formats():
    key = undl_holes.sequence_key
    assert key("S/RES/2334(2016)") == ("SC", "", 2334, 0)
    assert key("A/RES/79/1") == ("GA", "79", 1, 0)
    assert key("A/RES/66/253A") == ("GA", "66", 253, 0)
    assert key("A/RES/73/268B") == ("GA", "73", 268, 1)
    assert key("A/RES/75/254[C]") == ("GA", "75", 254, 2)
    assert key("A/RES/78/183 A") == ("GA", "78", 183, 0)
    assert key("A/RES/61/128[B-IX]") == ("GA", "61", 128, 0)  # a section, not a letter
    assert key("A/RES/75/254A-C") == ("GA", "75", 254, 0)
    assert key("A/RES/ES-10/21") == ("GA", "ES-10", 21, 0)
    assert key("A/RES/S-27/2") == ("GA", "S-27", 2, 0)
    assert key("A/RES/17(I)[RULE-33A]") == ("GA", "old", 17, 0)
    assert key("A/RES/997(ES-I)") == ("GA", "old", 997, 0)
    assert key("A/DEC/80/506") is None  # decisions are numbered apart


def test_coverage_consecutive_numbers_make_one_row(tmp_path):
    p = undl.parse(_file(tmp_path, ("S/RES/10(2020)", "2020-01-01", "x"),
                         ("S/RES/11(2020)", "2020-01-05", "x"), ("S/RES/12(2020)", "2020-02-01", "x")))
    assert list(p.coverage.columns) == COVERAGE_RECORD_COLUMNS
    assert p.coverage.to_dict("records") == [
        {"source": "undl-2020-02", "issuer_kind": "security_council", "country": "",
         "start": "2020-01-01", "end": "2020-02-01", "completeness": "complete"}]


def test_coverage_a_missing_number_is_a_hole_between_its_neighbours_days(tmp_path):
    p = undl.parse(_file(tmp_path, ("S/RES/1(2020)", "2020-01-01", "x"),
                         ("S/RES/2(2020)", "2020-01-05", "x"), ("S/RES/4(2020)", "2020-01-10", "x"),
                         ("S/RES/5(2020)", "2020-01-20", "x")))
    # S/RES/3 may have been adopted on 5 or 10 January or any day between: all are the hole.
    assert _spans(p, "security_council") == [("2020-01-01", "2020-01-04"),
                                             ("2020-01-11", "2020-01-20")]
    hole, = undl_holes.coverage_holes([("SC", "S/RES/2(2020)", "2020-01-05"),
                                 ("SC", "S/RES/4(2020)", "2020-01-10")])
    assert (hole.start, hole.end, hole.missing, hole.after, hole.before, hole.days) == (
        "2020-01-05", "2020-01-10", "S/RES/3", "S/RES/2(2020)", "S/RES/4(2020)", 6)


def test_coverage_neighbours_on_the_same_day_make_a_one_day_hole(tmp_path):
    p = undl.parse(_file(tmp_path, ("S/RES/1(2020)", "2020-01-01", "x"),
                         ("S/RES/2(2020)", "2020-01-05", "x"), ("S/RES/5(2020)", "2020-01-05", "x"),
                         ("S/RES/6(2020)", "2020-01-20", "x")))
    assert _spans(p, "security_council") == [("2020-01-01", "2020-01-04"),
                                             ("2020-01-06", "2020-01-20")]


def test_coverage_a_ga_session_tail_is_a_hole_up_to_the_next_session(tmp_path):
    p = undl.parse(_file(tmp_path, ("A/RES/70/1", "2015-09-20", "x"), ("A/RES/70/2", "2015-12-01", "x"),
                         ("A/RES/71/1", "2016-09-15", "x"), ("A/RES/71/2", "2016-10-01", "x")))
    # 70/3 and later may have been adopted any day until the 71st session's first resolution.
    assert _spans(p, "general_assembly") == [("2015-09-20", "2015-11-30"),
                                             ("2016-09-16", "2016-10-01")]
    tail, = undl_holes.coverage_holes([("GA", "A/RES/70/2", "2015-12-01"), ("GA", "A/RES/71/3", "2016-09-15")])
    assert tail.missing == "A/RES/70/3 and later, A/RES/71/1-2"


def test_coverage_letters_special_sessions_and_decisions(tmp_path):
    holes = undl_holes.coverage_holes([
        ("GA", "A/RES/73/267", "2018-12-22"), ("GA", "A/RES/73/268B", "2019-01-10"),
        ("GA", "A/RES/73/269", "2019-01-10"), ("GA", "A/RES/ES-10/2", "1997-04-25"),
        ("GA", "A/RES/ES-10/3", "1997-07-15"), ("GA", "A/DEC/80/506", "2025-09-12")])
    assert [(h.start, h.end, h.missing) for h in holes] == [
        ("1997-04-25", "1997-04-25", "A/RES/ES-10/1"),  # adopted at the session's opening
        ("2018-12-22", "2019-01-10", "A/RES/73/268 A")]


def test_coverage_starts_at_since_and_names_the_source(tmp_path):
    path = _file(tmp_path, ("S/RES/1(2005)", "2005-12-01", "x"), ("S/RES/3(2006)", "2006-02-01", "x"),
                 ("S/RES/4(2006)", "2006-03-01", "x"))
    p = undl.parse(path, since="2006-01-01", source="undl-test")
    # The hole (S/RES/2) began before `since`: the span from 1 January starts after it.
    assert _spans(p, "security_council") == [("2006-02-02", "2006-03-01")]
    assert set(p.coverage["source"]) == {"undl-test"}


def test_coverage_of_the_real_file(real):
    holes = undl_holes.coverage_holes(zip(real["body"], real.index, real["date"]))
    sc = [h for h in holes if h.body == "SC"]
    gap = next(h for h in sc if h.missing == "S/RES/2726-2779")
    assert (gap.after, gap.before) == ("S/RES/2725(2024)", "S/RES/2780(2025)")
    assert (gap.start, gap.end) == (real.loc["S/RES/2725(2024)", "date"],
                                    real.loc["S/RES/2780(2025)", "date"]) == ("2024-03-08", "2025-05-29")
    assert [h.missing for h in sc] == ["S/RES/2726-2779", "S/RES/2797"]
    # Most of the GA's 79th session: from the 78th session's last resolution in the file to the
    # 79th session's first.
    ga79 = next(h for h in holes if h.body == "GA" and "A/RES/79/1-290" in h.missing)
    assert (ga79.start, ga79.end) == ("2023-12-22", "2025-06-03")


def test_coverage_rows_of_the_real_file_since_2006(since_2006):
    cov = since_2006.coverage
    assert set(cov["source"]) == {"undl-2025-10"} and set(cov["completeness"]) == {"complete"}
    assert set(cov["country"]) == {""}
    sc = _spans(since_2006, "security_council")
    # S/RES/2797 is missing between S/RES/2796 and the file's last, S/RES/2798 (31 October):
    # that day is a hole, so the covered span ends the day before.
    assert sc[0] == ("2006-01-01", "2024-03-07") and sc[-1][1] == "2025-10-30"
    days = {kind: sum((pd.Timestamp(b) - pd.Timestamp(a)).days + 1 for a, b in _spans(since_2006, kind))
            for kind in ("security_council", "general_assembly")}
    print(f"\ncovered days since 2006: {days}")
    # The SC file misses two runs; the GA file follows the voting collection, so resolutions
    # adopted without a vote leave holes on nearly every GA day.
    assert days == {"security_council": 6795, "general_assembly": 233}

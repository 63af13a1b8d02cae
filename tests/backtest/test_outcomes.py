"""The outcomes CSV reader: what it accepts, and every problem reported with row and field."""

from __future__ import annotations

import pandas as pd
import pytest

from triggers.outcomes import OutcomesError, read_outcomes, validate_outcomes

HEADER = "country,date,kind,reference,title,url\n"


def write(tmp_path, text: str, name="outcomes.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(tmp_path, text: str) -> list[tuple]:
    with pytest.raises(OutcomesError) as info:
        read_outcomes(write(tmp_path, text))
    return [(p.row, p.field, p.value) for p in info.value.problems]


def test_reads_a_valid_file(tmp_path):
    frame = read_outcomes(write(tmp_path, HEADER
                                + "LBY,2011-02-25,special_session,S-15,Libya,https://x.org/s15\n"
                                + ",2008-05-22,special_session,S-7,Food crisis,\n"
                                + "ISR,2023-10-01,urgent_debate,UD-9,x,\n"
                                + "LBN,2023-10-01,urgent_debate,UD-9,x,\n"
                                + "LBY,2011-02-25,special_session,S-15,Libya,https://x.org/s15\n"))
    assert frame.columns.tolist() == ["country", "date", "kind", "reference", "title", "url"]
    assert frame["date"].dtype == "datetime64[ns]"
    # Sorted by date; an exact repeat counted once; the thematic row kept with no country.
    assert frame["reference"].tolist() == ["S-7", "S-15", "UD-9", "UD-9"]
    assert frame.loc[0, "country"] == ""


def test_title_and_url_are_optional(tmp_path):
    frame = read_outcomes(write(tmp_path, "country,date,kind,reference\nSYR,2011-04-29,special_session,S-16\n"))
    assert frame.loc[0, "title"] == "" and frame.loc[0, "url"] == ""


def test_every_problem_has_its_row_and_field(tmp_path):
    found = problems(tmp_path, HEADER
                     + "LBY,25/02/2011,special_session,S-15,,\n"  # row 2: date
                     + "lby,2011-02-25,session,S-16,,\n"  # row 3: country case, kind
                     + "XXX,2011-02-25,other,,,ftp://x\n"  # row 4: country, reference, url
                     + "SYR,,other,S-17,,\n")  # row 5: missing date
    assert sorted(found, key=repr) == sorted([
        (2, "date", "25/02/2011"),
        (3, "kind", "session"),
        (3, "country", "lby"),
        (4, "reference", ""),
        (4, "url", "ftp://x"),
        (4, "country", "XXX"),
        (5, "date", ""),
    ], key=repr)


def test_messages_say_what_is_allowed(tmp_path):
    with pytest.raises(OutcomesError) as info:
        read_outcomes(write(tmp_path, HEADER + "LBY,2011-02-25,session,S-15,,\n"))
    text = str(info.value)
    assert text.startswith("1 problem(s) in ")
    assert "read the outcomes again" in text
    assert "outcomes.csv, row 2, field 'kind': 'session' unknown kind; allowed: special_session, " \
           "commission_of_inquiry, fact_finding_mission, urgent_debate, country_resolution, " \
           "other" in text


def test_a_kind_reference_and_state_twice_with_different_content(tmp_path):
    found = problems(tmp_path, HEADER + "LBY,2011-02-25,special_session,S-15,a,\n"
                     + "LBY,2011-02-25,special_session,S-15,b,\n")
    assert found == [(3, "reference", "S-15")]


def test_one_resolution_can_be_two_outcomes_on_different_days(tmp_path):
    # S-17/1 established the Syria inquiry on 22 Aug 2011; the session closed on the 23rd.
    frame = read_outcomes(write(tmp_path, HEADER
                                + "SYR,2011-08-22,commission_of_inquiry,A/HRC/RES/S-17/1,CoI,\n"
                                + "SYR,2011-08-23,special_session,A/HRC/RES/S-17/1,S-17,\n"))
    assert frame["kind"].tolist() == ["commission_of_inquiry", "special_session"]


def test_the_rows_of_one_outcome_share_its_date(tmp_path):
    with pytest.raises(OutcomesError) as info:
        read_outcomes(write(tmp_path, HEADER + "ISR,2023-10-01,urgent_debate,UD-9,,\n"
                            + "LBN,2023-10-02,urgent_debate,UD-9,,\n"))
    (p,) = info.value.problems
    assert (p.row, p.field, p.value) == (3, "date", "2023-10-02")
    assert "urgent_debate UD-9 is dated 2023-10-01 on row 2" in p.message


def test_the_shipped_council_outcomes_file_is_valid():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "data" / "reference" / "council_outcomes.csv"
    frame = read_outcomes(path)
    sessions = frame[frame["kind"] == "special_session"]
    assert sessions["reference"].nunique() >= 39
    assert (frame["country"] == "").any()  # the thematic sessions are kept


def test_missing_required_column(tmp_path):
    with pytest.raises(OutcomesError) as info:
        read_outcomes(write(tmp_path, "country,date,reference\nLBY,2011-02-25,S-15\n"))
    (p,) = info.value.problems
    assert p.row == 1 and "missing column(s) kind" in p.message


def test_unknown_column_is_reported(tmp_path):
    assert problems(tmp_path, "country,date,kind,reference,session\nLBY,2011-02-25,other,S-15,x\n") \
        == [(1, None, "session")]


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "absent.csv", "file not found"),
    (lambda p: p, "is a folder"),
    (lambda p: write(p, "", "empty.csv"), "empty file"),
    (lambda p: write(p, HEADER + "CIV,2010-12-23,special_session,S-14,Côte d'Ivoire,\n",
                     "latin.csv", "latin-1"), "not UTF-8"),
])
def test_unreadable_files(tmp_path, make, message):
    with pytest.raises(OutcomesError, match=message):
        read_outcomes(make(tmp_path))


def test_validate_frame_from_a_database():
    frame = pd.DataFrame({"country": ["SYR", None], "date": pd.to_datetime(["2011-04-29", "2009-02-20"]),
                          "kind": ["special_session", "special_session"],
                          "reference": ["S-16", "S-10"], "title": ["Syria", None], "url": [None, None]})
    out = validate_outcomes(frame)
    assert out["country"].tolist() == ["", "SYR"]
    with pytest.raises(OutcomesError, match="row 2, field 'kind'"):
        validate_outcomes(frame.assign(kind=["bad", "special_session"]))

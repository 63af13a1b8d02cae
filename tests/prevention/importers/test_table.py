import datetime as dt
import json

import openpyxl
import pytest

from prevention.sources.importers import table
from prevention.sources.importers.dates import DateProblem, parse_day
from tests.prevention.importers.helpers import assert_accounted, write

MAPPING = {"signal_id": "Id", "date": "Date", "country": "Country", "issuer_name": "Who",
           "issuer_kind": "Kind", "title": "Text", "reference": "Ref"}
CSV = (
    "Id,Date,Country,Who,Kind,Text,Ref\n"
    "1,2021-02-01,Myanmar,Human Rights Watch;Amnesty,ngo,Coup,R1\n"
    "2,1 Feb 2021,Birmanie,OHCHR,high_commissioner,Statement,R2\n"
    "3,03/04/2021,Atlantis,OHCHR,high_commissioner,x,R3\n"
    "4,31/01/2021,Кот-д’Ивуар,OHCHR,bogus,x,\n"
    "5,,科特迪瓦,,high_commissioner,x,\n"
    "6,\"February 3, 2021\",الجمهورية العربية السورية,OHCHR,High Commissioner,x,\n"
)


@pytest.mark.parametrize("text,day", [
    ("2021-02-01", "2021-02-01"), ("2021/2/1", "2021-02-01"), ("1 Feb 2021", "2021-02-01"),
    ("1st February 2021", "2021-02-01"), ("February 1, 2021", "2021-02-01"),
    ("Sept 30 2016", "2016-09-30"), ("31/01/2021", "2021-01-31"), ("01/31/2021", "2021-01-31"),
    ("05.05.2020", "2020-05-05"), ("2021-02-01 00:00:00", "2021-02-01"),
])
def test_unambiguous_dates(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize("text,why", [
    ("03/04/2021", "ambiguous"), ("2021-02-30", "calendar"), ("1 Fooember 2021", "month"),
    ("yesterday", "not a date"), ("", "required"),
])
def test_refused_dates_say_why(text, why):
    with pytest.raises(DateProblem, match=why):
        parse_day(text)


def test_csv_with_mapping_good_and_bad_rows(tmp_path):
    p = table.parse(write(tmp_path / "t.csv", CSV), mapping=MAPPING, source="mission")
    assert p.rows_read == 6
    s = p.signals
    assert s["signal_id"].tolist() == ["table:mission:1", "table:mission:2", "table:mission:6"]
    assert s["country"].tolist() == ["MMR", "MMR", "SYR"]
    assert s["date"].tolist() == ["2021-02-01", "2021-02-01", "2021-02-03"]
    assert s["source_row"].tolist() == [2, 3, 7]
    links = p.links.groupby("signal_id")["issuer_id"].apply(sorted).to_dict()
    assert links["table:mission:1"] == ["ngo-mmr-amnesty", "ngo-mmr-human-rights-watch"]
    assert links["table:mission:6"] == ["high_commissioner-ohchr"]
    iss = p.issuers.set_index("issuer_id")
    assert iss.loc["ngo-mmr-amnesty", "country"] == "MMR"
    assert iss.loc["ngo-mmr-amnesty", "accreditation"] == "none"
    bad = {r.row: r for r in p.rejected}
    assert set(bad) == {4, 5, 6}
    assert bad[4].field == "Date" and "ambiguous" in bad[4].reason and "country" in bad[4].reason
    assert bad[4].suggestions  # for the unknown country
    assert bad[5].field == "Kind" and "ngo" in bad[5].reason
    assert "no issuer" in bad[6].reason and bad[6].raw["Country"] == "科特迪瓦"
    assert_accounted(p)


def test_ids_from_reference_and_country_or_a_hash_are_stable(tmp_path):
    mapping = {k: v for k, v in MAPPING.items() if k != "signal_id"}
    path = write(tmp_path / "t.csv", CSV)
    a, b = table.parse(path, mapping=mapping), table.parse(path, mapping=mapping)
    assert a.signals["signal_id"].tolist() == b.signals["signal_id"].tolist()
    assert a.signals["signal_id"].iloc[0] == "table:table:R1:MMR"
    assert a.signals["signal_id"].iloc[2].startswith("table:table:h")


def test_issuer_ids_mapping_file_constants_and_default_mapping(tmp_path):
    path = write(tmp_path / "t.csv", "date,country,issuers,concern\n"
                                     "2021-02-01,SYR,ohchr-hc;unsc,no\n"
                                     "2021-02-02,SYR,ohchr-hc,maybe\n")
    p = table.parse(path)  # columns named like bundle fields need no mapping
    assert p.signals["concern"].tolist() == [False]
    assert p.rejected[0].field == "concern"
    assert sorted(p.links["issuer_id"]) == ["ohchr-hc", "unsc"] and p.issuers.empty
    yml = write(tmp_path / "m.yaml", "date: date\ncountry: country\nissuer_name: issuers\n"
                                     "issuer_kind: =ngo\n")
    p = table.parse(path, mapping=yml)
    assert set(p.issuers["issuer_id"]) == {"ngo-syr-ohchr-hc", "ngo-syr-unsc"}


@pytest.mark.parametrize("mapping,message", [
    ({"date": "Nope", "country": "Country", "issuers": "Who"}, "'Nope' not in the file"),
    ({"date": "Date", "country": "Country"}, "no column for the issuers"),
    ({"date": "Date", "country": "Country", "issuer_name": "Who"}, "needs 'issuer_kind'"),
    ({"when": "Date", "country": "Country", "issuers": "Who"}, "unknown field(s) when"),
])
def test_mapping_errors_are_file_problems(tmp_path, mapping, message):
    p = table.parse(write(tmp_path / "t.csv", CSV), mapping=mapping)
    assert p.rows_read == 0 and len(p.rejected) == 1 and message in p.rejected[0].reason


def test_xlsx_with_date_cells_and_blank_rows(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Date", "Country", "Who", "Kind", "Ref"])
    ws.append([dt.datetime(2021, 2, 1), "Côte d'Ivoire", "OHCHR", "high_commissioner", 17])
    ws.append([None, None, None, None, None])
    ws.append(["03/04/2021", "CIV", "OHCHR", "high_commissioner", "R"])
    ws.append(["2021-02-05", "Ivory Coast", "OHCHR", "high_commissioner", "R5"])
    book.save(tmp_path / "t.xlsx")
    p = table.parse(tmp_path / "t.xlsx", mapping={"date": "Date", "country": "Country",
                                                  "issuer_name": "Who", "issuer_kind": "Kind",
                                                  "reference": "Ref"})
    assert p.rows_read == 3
    assert p.signals[["date", "country", "reference", "source_row"]].values.tolist() == [
        ["2021-02-01", "CIV", "17", 2], ["2021-02-05", "CIV", "R5", 5]]
    assert [(r.row, r.field) for r in p.rejected] == [(4, "Date")]
    assert_accounted(p)
    p = table.parse(tmp_path / "t.xlsx", sheet="Missing")
    assert "no sheet 'Missing'" in p.rejected[0].reason


def test_json_records(tmp_path):
    data = {"records": [
        {"date": "2021-02-01", "country": "Ukraine", "issuers": "ohchr-hc", "n": 1},
        "not a record",
        {"date": "2021-02-02", "country": "Украина", "issuers": ["x"]},
        {"date": "2021-02-03", "country": "Ucrania", "issuers": "ohchr-hc"},
    ]}
    p = table.parse(write(tmp_path / "t.json", json.dumps(data)))
    assert p.rows_read == 4
    assert p.signals["country"].tolist() == ["UKR", "UKR", "UKR"]
    assert p.signals["source_row"].tolist() == [1, 3, 4]
    assert [r.row for r in p.rejected] == [2]
    assert_accounted(p)
    assert "not valid JSON" in table.parse(write(tmp_path / "b.json", "{")).rejected[0].reason


def test_malformed_csv_rows_are_rejected_one_by_one(tmp_path):
    text = ("date,country,issuers\n2021-02-01,SYR,ohchr-hc\n2021-02-02,SYR,ohchr-hc,extra\n"
            "\n2021-02-03,SYR\n2021-02-04,SYR,ohchr-hc\n")
    p = table.parse(write(tmp_path / "t.csv", text))
    assert p.rows_read == 4
    # Rows are numbered by the line they start on: the blank line 4 counts.
    assert p.signals["source_row"].tolist() == [2, 6]
    assert [(r.row, "cells" in r.reason) for r in p.rejected] == [(3, True), (5, True)]
    assert_accounted(p)


def test_a_repeated_column_name_is_a_file_problem(tmp_path):
    p = table.parse(write(tmp_path / "t.csv", "date,date,country,issuers\n2021-01-01,x,SYR,a\n"))
    assert p.rows_read == 0 and "more than once" in p.rejected[0].reason


def test_an_empty_csv_says_a_header_is_expected(tmp_path):
    p = table.parse(write(tmp_path / "t.csv", ""))
    assert p.rows_read == 0
    assert [r.reason for r in p.rejected] == ["t.csv: empty file; expected a header row"]

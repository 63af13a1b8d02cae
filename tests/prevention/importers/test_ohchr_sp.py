import pandas as pd
import pytest

from prevention.sources.importers import ohchr_sp
from tests.prevention.importers.helpers import SP_SAMPLE, assert_accounted, write

HEADER = ("ohchr_gid,date_sent,addressee,comm_type,reference,full_reference,addressee_code,"
          "is_state_addressee,mandates,n_mandates,source_url\n")


def test_real_sample_one_signal_per_state_letter_and_oth_skipped():
    parsed = ohchr_sp.parse(SP_SAMPLE)
    assert parsed.rows_read == 42
    assert len(parsed.signals) == 24 and parsed.rejected == []
    assert parsed.skipped == {ohchr_sp.NOT_A_STATE: 18}
    assert len(parsed.issuers) == 29 and len(parsed.links) == 91
    assert_accounted(parsed)
    first = parsed.signals.iloc[0]
    assert first["signal_id"] == "ohchr-sp:JAL CAN 6/2025:CAN"
    assert (first["date"], first["country"], first["reference"], first["source_row"]) == \
        ("2025-12-01", "CAN", "JAL CAN 6/2025", 2)
    assert first["url"].endswith("gId=30477")
    links = parsed.links[parsed.links["signal_id"] == first["signal_id"]]
    assert len(links) == 9 and "sp-arbitrary-detention" in set(links["issuer_id"])
    assert set(parsed.issuers["kind"]) == {"sp_mandate"}
    assert parsed.signals["signal_id"].is_unique


def test_country_mandates_are_issuers_too():
    parsed = ohchr_sp.parse(SP_SAMPLE)
    ids = set(parsed.links["issuer_id"])
    assert {"sp-belarus", "sp-iran", "sp-russian-federation", "sp-opt"} <= ids


def test_mandate_table_one_row_per_mandate():
    table = ohchr_sp.mandate_table()
    assert table["mandate_id"].is_unique and table["short_name"].str.lower().is_unique
    assert table["kind"].value_counts().to_dict() == {"thematic": 46, "country": 16}
    country = table[table["kind"] == "country"]
    assert country["country"].str.fullmatch(r"[A-Z]{3}").all()
    assert (table.loc[table["kind"] == "thematic", "country"] == "").all()
    # A working group is one mandate: one row, one id.
    assert (table["title"].str.startswith("Working Group") & table["mandate_id"].duplicated()).sum() == 0
    assert ohchr_sp.mandate_id("Arbitrary detention") == "sp-arbitrary-detention"
    assert ohchr_sp.mandate_id("Working Group on Arbitrary Detention") == "sp-arbitrary-detention"


def test_bad_rows_are_rejected_with_field_and_suggestions(tmp_path):
    url = "https://example.org/x"
    rows = [
        f"1,2026-01-05,Canada,JAL,CAN 1/2026,JAL CAN 1/2026,CAN,1,arbitary detention | torture,2,{url}",
        f"2,05/01/2026,Canada,AL,CAN 2/2026,AL CAN 2/2026,CAN,1,torture,1,{url}",
        f"3,2026-01-05,Narnia,AL,NAR 1/2026,AL NAR 1/2026,NAR,1,torture,1,{url}",
        f"4,2026-01-05,Canada,AL,CAN 3/2026,,CAN,1,torture,1,{url}",
        f"5,2026-01-05,Canada,JAL,CAN 4/2026,JAL CAN 4/2026,CAN,1,torture | privacy,3,{url}",
        f"6,2026-01-05,ACME Corp,AL,OTH 1/2026,AL OTH 1/2026,OTH,0,business,1,{url}",
        f"7,2026-01-05,Canada,AL,CAN 5/2026,AL CAN 5/2026,CAN,1,torture,1,{url}",
        "8,2026-01-05,Canada,AL,CAN 6/2026",
    ]
    parsed = ohchr_sp.parse(write(tmp_path / "sp.csv", HEADER + "\n".join(rows) + "\n"))
    assert parsed.rows_read == 8
    by_row = {r.row: r for r in parsed.rejected}
    assert set(by_row) == {2, 3, 4, 5, 6, 9}
    assert by_row[2].field == "mandates" and by_row[2].value == "arbitary detention"
    assert "arbitrary Detention" in by_row[2].suggestions
    assert by_row[3].field == "date_sent"
    assert by_row[4].field == "addressee_code" and "OTH" in by_row[4].reason
    assert by_row[5].field == "full_reference"
    assert by_row[6].field == "n_mandates"
    assert "cells" in by_row[9].reason
    assert parsed.signals["signal_id"].tolist() == ["ohchr-sp:AL CAN 5/2026:CAN"]
    assert parsed.skipped == {ohchr_sp.NOT_A_STATE: 1}
    assert by_row[2].raw["addressee"] == "Canada"
    assert_accounted(parsed)


@pytest.mark.parametrize("content,message", [
    (b"", "empty file"),
    (b"date_sent,addressee_code\n2026-01-01,CAN\n", "missing column(s) full_reference, mandates"),
    ("ohchr_gid,date_sent\n1,é\n".encode("latin-1"), "not UTF-8"),
])
def test_unreadable_files_are_one_file_problem(tmp_path, content, message):
    parsed = ohchr_sp.parse(write(tmp_path / "f.csv", content))
    assert parsed.rows_read == 0 and len(parsed.rejected) == 1
    assert parsed.rejected[0].row is None and message in parsed.rejected[0].reason


def test_reparse_gives_the_same_ids():
    a, b = ohchr_sp.parse(SP_SAMPLE), ohchr_sp.parse(SP_SAMPLE)
    pd.testing.assert_frame_equal(a.signals, b.signals)

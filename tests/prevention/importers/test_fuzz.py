"""Fuzzing every parser: random and malformed rows, wrong encodings, huge fields.

Whatever the file, a parser returns (never raises) and accounts for every row it read.
"""

import csv
import datetime as dt
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prevention.sources.importers import ohchr_sp, reference, table, undl
from tests.prevention.importers.helpers import assert_accounted
from triggers.csvfile import MAX_FIELD

QUICK = dict(deadline=None, max_examples=40,
             suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

HEADERS = {
    "ohchr-sp": ["ohchr_gid", "date_sent", "addressee", "comm_type", "reference",
                 "full_reference", "addressee_code", "is_state_addressee", "mandates",
                 "n_mandates", "source_url"],
    "undl": ["undl_id", "symbol", "body", "date", "title", "meeting_record", "agenda_items",
             "subjects", "n_country_votes_recorded"],
    "memberships": ["org_id", "org_name", "country", "since", "until", "note"],
    "nhri": ["country", "institution", "status", "date of review"],
    "ngos": ["name", "country", "ECOSOC status", "scope"],
    "outcomes": ["country", "date", "kind", "reference", "title", "url"],
    "table": ["date", "country", "issuers", "issuer_name", "issuer_kind", "reference", "title"],
}
PARSERS = {"ohchr-sp": ohchr_sp.parse, "undl": undl.parse,
           "memberships": reference.parse_memberships, "nhri": reference.parse_nhri,
           "ngos": reference.parse_ngos, "outcomes": reference.parse_outcomes,
           "table": table.parse}

# Cells that look like the real thing, and cells that do not.
plausible = st.sampled_from([
    "", "2026-01-05", "2011-02-25", "05/01/2026", "31/12/2020", "1 Feb 2021", "CAN", "OTH", "SYR",
    "Syria", "Côte d'Ivoire", "Кот-д’Ивуар", "Narnia", "JAL CAN 1/2026", "torture",
    "torture | privacy", "arbitrary Detention", "GA", "SC", "12345", "1", "0", "A", "special",
    "national", "special_session", "ohchr-hc", "ngo", "high_commissioner", "au",
    "Situation of human rights in Myanmar", "Security Council resolution 1 (2010) [on the "
    "situation in Yemen]", "SUDAN SITUATION", "A/HRC/RES/S-1/1", ";", "|", "\x00", "\ufeff",
])
cells = st.one_of(plausible, st.text(max_size=30))


def _csv(header, rows) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def _check(kind: str, path: Path) -> None:
    parsed = PARSERS[kind](path)
    assert_accounted(parsed)
    for r in parsed.rejected:
        assert r.reason and isinstance(r.raw, dict)


@settings(**QUICK)
@given(kind=st.sampled_from(sorted(PARSERS)),
       rows=st.lists(st.lists(cells, min_size=0, max_size=12), max_size=25))
def test_random_rows_never_crash_and_are_accounted(kind, rows):
    header = HEADERS[kind]
    # Some rows the right width, some not: malformed rows must be rejected one by one.
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.csv"
        path.write_text(_csv(header, rows), encoding="utf-8")
        _check(kind, path)


@settings(**QUICK)
@given(kind=st.sampled_from(sorted(PARSERS)), data=st.binary(max_size=400),
       encoding=st.sampled_from(["utf-16", "latin-1", "cp1252", "raw"]))
def test_wrong_encodings_and_random_bytes(kind, data, encoding):
    header = ",".join(HEADERS[kind]) + "\n"
    body = data if encoding == "raw" else (header + "é,ü,ß,ç\n").encode(encoding, "replace")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.csv"
        path.write_bytes(body)
        _check(kind, path)


@settings(deadline=None, max_examples=8,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
@given(kind=st.sampled_from(sorted(PARSERS)), where=st.integers(0, 5))
def test_huge_fields_are_rejected_not_truncated(kind, where):
    header = HEADERS[kind]
    row = ["x"] * len(header)
    row[where % len(header)] = "y" * (MAX_FIELD + 1)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.csv"
        path.write_text(_csv(header, [row, ["ok"] * len(header)]), encoding="utf-8")
        parsed = PARSERS[kind](path)
        assert_accounted(parsed)
        assert any(r.row == 2 and "characters" in r.reason for r in parsed.rejected)


@settings(**QUICK)
@given(records=st.lists(st.one_of(
    st.dictionaries(st.sampled_from(HEADERS["table"]), st.one_of(cells, st.integers(),
                                                                  st.none(), st.booleans()),
                    max_size=7),
    st.integers(), st.text(max_size=5), st.none()), max_size=15))
def test_table_json_records(records):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.json"
        path.write_text(json.dumps(records), encoding="utf-8")
        _check("table", path)


@settings(**QUICK)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".xlsx", ".json", ".csv"]))
def test_table_random_bytes_as_workbook_json_or_csv(data, suffix):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"f{suffix}"
        path.write_bytes(data)
        _check("table", path)


xlsx_cells = st.one_of(plausible.filter(lambda v: v not in ("\x00",)), st.none(), st.integers(),
                       st.floats(allow_nan=False, allow_infinity=False),
                       st.datetimes(min_value=dt.datetime(1900, 1, 2)),
                       st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
                               max_size=20))


@settings(deadline=None, max_examples=25,
          suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(xlsx_cells, max_size=9), max_size=12))
def test_table_random_workbook_cells(rows):
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(HEADERS["table"])
    for r in rows:
        ws.append(r)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.xlsx"
        book.save(path)
        _check("table", path)

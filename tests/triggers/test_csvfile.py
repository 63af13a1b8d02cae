"""The one CSV reader (triggers/csvfile.py): both paths read every file alike, rows are numbered
by the line they start on, and a bad row never takes the rest of the file with it."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triggers.csvfile import MAX_FIELD, read_bytes, read_text

from .strategies import examples


def both(text: str):
    fast, slow = read_text(text, "f.csv"), read_text(text, "f.csv", fast=False)
    return fast, slow


def as_tuple(r):
    return (r.header, r.frame.to_dict("records"), r.lines.tolist(),
            [(p.row, p.field, p.code, p.raw) for p in r.problems], r.rows_read)


# Cells and separators that make CSV hard: quotes, commas, both line ends, spaces, blanks.
PIECES = st.sampled_from(['a', 'b c', '"', '""', ',', '\n', '\r\n', ' ', '', 'é', '"x"', '\t'])


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=40))
def test_both_paths_read_any_text_the_same_way(pieces):
    text = "h1,h2,h3\n" + "".join(pieces)
    fast, slow = both(text)
    assert as_tuple(fast) == as_tuple(slow)
    # Every record is accounted for: good rows plus row problems.
    assert len(fast.frame) + sum(p.row is not None for p in fast.problems) == fast.rows_read


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.text(st.sampled_from('ab ,"\n'), max_size=6), min_size=3, max_size=3),
                max_size=12))
def test_a_file_written_by_a_csv_writer_reads_back_row_for_row(rows):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["h1", "h2", "h3"])
    w.writerows(rows)
    kept = [r for r in rows if any(c.strip() for c in r)]
    fast, slow = both(buf.getvalue())
    assert as_tuple(fast) == as_tuple(slow)
    # A row of empty cells (',,', as spreadsheets save after their last row) is not a row.
    assert fast.frame.to_numpy().tolist() == kept
    assert not fast.problems


def test_an_unclosed_quote_ends_its_own_row_and_reading_resumes():
    """Issue 12, point 1: a 200,000-row table with '"T9' in row 10 kept 9 rows."""
    rows = [f"{i},title {i}" for i in range(200_000)]
    rows[8] = '8,"T9'  # row 10 of the file: line 1 is the header
    r = read_text("id,title\n" + "\n".join(rows) + "\n", "big.csv")
    assert r.rows_read == 200_000
    assert len(r.frame) == 199_999
    [p] = r.problems
    assert (p.row, p.code) == (10, "unclosed_quote")
    assert "unclosed quote" in p.message
    assert p.raw["_line"] == '8,"T9'  # the raw text of the row, whole, for the quarantine
    assert r.lines[8] == 11 and r.frame.iloc[8].tolist() == ["9", "title 9"]


def test_an_unclosed_quote_closed_far_away_is_stopped_at_max_field():
    body = ['1,"never closed'] + [f"{i},x y" for i in range(2, 40_000)] + ['2,"closes"']
    r = read_text("a,b\n" + "\n".join(body) + "\n", "f.csv")
    assert r.problems[0].code == "unclosed_quote" and r.problems[0].row == 2
    assert r.rows_read == len(body)


def test_a_cell_with_a_paragraph_break_is_one_cell():
    r = read_text('id,summary\n1,"first para\n\nsecond para"\n2,short\n', "f.csv")
    assert r.frame["summary"].tolist() == ["first para\n\nsecond para", "short"]
    assert r.lines.tolist() == [2, 5] and not r.problems


def test_rows_of_empty_cells_are_not_rows():
    for r in both('a,b\n1,2\n,\n" ",""\n3,4\n",",\n'):
        assert r.frame.to_numpy().tolist() == [["1", "2"], ["3", "4"], [",", ""]]
        assert r.lines.tolist() == [2, 5, 6] and r.rows_read == 3 and not r.problems


def test_rows_are_numbered_by_the_line_they_start_on():
    r = read_text("a,b\n1,2\n\n\n3,4\r\n5,6", "f.csv")
    assert r.lines.tolist() == [2, 5, 6]


@pytest.mark.parametrize("text,code,row", [
    ("a,b\n1,2,3\n", "cell_count", 2),
    ("a,b\n1\n", "cell_count", 2),  # a short row is refused, as a long one is: docs/bundle.md
    ("a,b\n1," + "x" * (MAX_FIELD + 1) + "\n", "too_long", 2),
])
def test_row_problems(text, code, row):
    for r in both(text):
        [p] = r.problems
        assert (p.code, p.row) == (code, row)
        assert r.rows_read == 1 and r.frame.empty


def test_file_problems():
    r = read_bytes(b"\xff\xfea,b\n", "f.csv")
    assert [(p.row, p.code) for p in r.problems] == [(None, "not_utf8")] and not r.ok
    r = read_text("", "f.csv")
    assert [(p.row, p.code) for p in r.problems] == [(None, "empty")]
    assert read_bytes("\ufeffa,b\n1,2\n".encode(), "f.csv").header == ["a", "b"]


def test_repeated_header_names_are_kept_apart():
    r = read_text("a,a,b\n1,2,3\n", "f.csv")
    assert r.header == ["a", "a", "b"]
    assert list(r.frame.columns) == ["a", "a (2)", "b"]

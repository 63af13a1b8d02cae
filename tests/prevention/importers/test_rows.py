"""Parsers read CSV through the engine's one reader (tests/triggers/test_csvfile.py holds its
two paths to each other); here: what a parser gets, and what it rejects, row by row."""

from __future__ import annotations

from prevention.sources.importers.rows import read_csv


def read(tmp_path, text: str, required=("a", "b"), optional=()):
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    rejected = []
    return read_csv(path, list(required), list(optional), rejected), rejected


def test_rows_keep_their_lines_and_bad_rows_are_rejected_one_by_one(tmp_path):
    rows, rejected = read(tmp_path, 'a,b\n1,2\n\n3,4,5\n6,"seven\n8,9\n')
    assert rows.rows == [{"a": "1", "b": "2"}, {"a": "8", "b": "9"}]
    assert rows.lines == [2, 6] and rows.rows_read == 4
    assert [(r.row, r.reason.split(";")[0].split(":")[0]) for r in rejected] == [
        (4, "has 3 cells but the header has 2"), (5, "unclosed quote")]
    assert rejected[1].raw["_line"] == '6,"seven' and "_file" not in rejected[1].raw


def test_a_repeated_or_missing_column_stops_the_file(tmp_path):
    rows, rejected = read(tmp_path, "a,a,b\n1,2,3\n")
    assert rows is None and "more than once" in rejected[0].reason and rejected[0].row is None
    rows, rejected = read(tmp_path, "a,c\n1,2\n")
    assert rows is None and "missing column(s) b" in rejected[0].reason


def test_a_file_that_is_not_utf8_or_is_empty_says_so(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("a,b\nCôte,1\n".encode("latin-1"))
    rejected = []
    assert read_csv(path, ["a"], [], rejected) is None and "not UTF-8" in rejected[0].reason
    rows, rejected = read(tmp_path, "")
    assert rows is None and "empty file" in rejected[0].reason

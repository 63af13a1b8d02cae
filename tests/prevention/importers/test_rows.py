"""The two CSV readers agree: Arrow's (fast, whole file) and Python's (row by row, which can
reject single rows)."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from prevention.importers.rows import read_fast, rows_from_text

# Cells with the characters that make CSV hard: quotes, separators, line breaks, non-ASCII.
cell = st.text(alphabet=list('ab ,;"\n\r\té€\'ô'), max_size=12)


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(cell, min_size=3, max_size=3), max_size=8))
def test_the_fast_reader_reads_what_the_row_reader_reads(rows):
    header = ["a", "b", "c"]
    text = _csv(header, rows)
    fast = read_fast(text, header)
    slow = rows_from_text(text, "x.csv", [], [], [])
    assert fast is not None
    # The row reader also drops rows whose cells are all blank; compare the others.
    kept = [r for r in fast.to_numpy().tolist() if any(c.strip() for c in r)]
    assert kept == [[r[h] for h in header] for r in slow.rows]


def test_a_row_of_the_wrong_width_sends_the_file_to_the_row_reader():
    assert read_fast("a,b\n1,2\n3,4,5\n", ["a", "b"]) is None
    assert read_fast("a,b\n1,2\n3\n", ["a", "b"]) is None


def test_blank_lines_are_not_rows_and_quoted_cells_keep_their_line_breaks():
    frame = read_fast('a,b\n1,2\n\n3,"x\ny"\n', ["a", "b"])
    assert frame.to_numpy().tolist() == [["1", "2"], ["3", "x\ny"]]

"""The one CSV reader: every data row of a file, with the line it starts on, or why not.

Two paths that read a file the same way (a property test holds them to it):
- fast: Arrow's reader, threaded, no Python object per cell; taken when every record is one
  physical line (no cell holds a line break) and has as many cells as the header;
- row-exact: record by record with Python's csv module, for every other file. A record that
  does not have the header's number of cells is a problem on its row. An opening quote that is
  never closed would swallow the rest of the file as one cell: when a quoted cell runs past its
  line and the record then has the wrong number of cells, or the cell grows past MAX_FIELD
  characters, or the file ends inside it, or a quote closes inside a cell's text (read
  strictly, as a quote left open does when it meets the next quoted cell), the record's first
  line alone is a problem ("unclosed quote") and reading resumes on the next line.

Rows are numbered by the physical line they start on (header = line 1, blank lines counted),
which is the row a spreadsheet shows for every file whose cells hold no line breaks. Blank
lines, and rows whose every cell is empty (the ",,,," a spreadsheet saves after its last
row), are not rows. `rows_read` counts every record, good or bad, so that an import's counts
add up to the file's rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from triggers.problems import Problem

MAX_FIELD = 100_000  # characters; a longer cell is a problem on its row, never truncated


@dataclass
class CsvRead:
    """A CSV file as read: the header, the good rows and the problems."""

    file: str
    header: list[str]  # stripped, as written
    frame: pd.DataFrame  # good rows, one column per header name (repeats suffixed " (2)")
    lines: np.ndarray  # int64: the line each good row starts on
    problems: list[Problem] = field(default_factory=list)  # file and row problems
    rows_read: int = 0  # every record (good or not); blank lines are not records

    @property
    def ok(self) -> bool:
        """False when the file itself could not be read (no header, not UTF-8...)."""
        return not any(p.row is None for p in self.problems)

    def raw(self, pos: int) -> dict[str, str]:
        """A good row's cells by header name, for a problem found later (kept in quarantine)."""
        return {str(k): v for k, v in self.frame.iloc[pos].items()} | {"_file": self.file}


def file_problem(file: str, message: str, code: str) -> Problem:
    return Problem(file=file, message=message, code=code, raw={"_file": file})


def decode(data: bytes, file: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text (a byte-order mark is dropped), or a problem naming the first bad byte."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, file_problem(file, f"not UTF-8 (byte {exc.start}); save the file as UTF-8 "
                                        "CSV and read it again", "not_utf8")


def unique_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in header:
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def read_bytes(data: bytes, file: str, *, fast: bool = True) -> CsvRead:
    text, problem = decode(data, file)
    if text is None:
        return CsvRead(file, [], _empty([]), np.zeros(0, np.int64), [problem])
    return read_text(text, file, fast=fast)


def read_text(text: str, file: str, *, fast: bool = True) -> CsvRead:
    """Read a CSV text; `fast=False` forces the row-exact path (the tests compare the two)."""
    end = text.find("\n")
    first = text[:end + 1] if end >= 0 else text
    # A header whose quotes do not pair up holds a line break in a name: read all the lines.
    lines = _physical_lines(text) if first.count('"') % 2 else [first]
    header, used = _header(lines)
    if header is None or not any(h.strip() for h in header):
        return CsvRead(file, [], _empty([]), np.zeros(0, np.int64),
                       [file_problem(file, "empty file; expected a header row", "empty")])
    header = [h.strip() for h in header]
    names = unique_names(header)
    if fast and used == 1:
        got = _read_fast(text, names, file)
        if got is not None:
            return CsvRead(file, header, *got)
    if len(lines) == 1 and end >= 0:
        lines = _physical_lines(text)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"  # as the fast path reads it: a quote open at the end meets a line end
    frame, starts, problems, rows_read = _read_rows(lines, used, names, file)
    return CsvRead(file, header, frame, starts, problems, rows_read)


# ------------------------------------------------------------------------------ helpers

def _physical_lines(text: str) -> list[str]:
    """The text's lines with their line ends (\\n or \\r\\n; other characters str.splitlines
    breaks on, such as U+2028, are cell text)."""
    parts = text.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def _header(lines: list[str]) -> tuple[list[str] | None, int]:
    """The header's cells and how many physical lines it takes (a quoted name may hold a break)."""
    if not lines:
        return None, 0
    feed = _Feed(lines, 0)
    try:
        return next(csv.reader(feed)), feed.used
    except (StopIteration, csv.Error, _TooLong):
        return None, 0


def _empty(names: list[str]) -> pd.DataFrame:
    return pd.DataFrame({n: pd.Series(dtype="str") for n in names})


def _blank(line: str) -> bool:
    return not line.strip()


_SEPARATORS = np.zeros(256, dtype=bool)
_SEPARATORS[[ord(c) for c in ',"\t\r ']] = True


def _data_line_starts(data: bytes, width: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The line numbers of the non-blank lines after the header, and per such line whether it
    holds only separators, quotes and spaces (a row of empty cells, which is not a row); found
    on the bytes, as a Python string per line would cost more than Arrow's whole read. None
    when a line holds only spaces or tabs, which Arrow would read as a row."""
    b = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(b == 10)
    begins = np.concatenate([[0], ends + 1])
    ends = np.concatenate([ends, [len(b)]])
    if begins[-1] == len(b):  # the text ends with a line break: no last line after it
        begins, ends = begins[:-1], ends[:-1]
    length = ends - begins
    cr = length > 0
    cr[cr] = b[ends[cr] - 1] == 13
    length = length - cr
    short = np.flatnonzero((length > 0) & (length <= 16))
    if any(not data[begins[i]:begins[i] + length[i]].strip() for i in short):
        return None
    # Arrow reads each line on its own (faster, and a record here is one line): a line whose
    # quotes do not pair up holds an unclosed quote, or a cell running on to the next line,
    # or a stray quote, which only the row reader judges right.
    quotes = np.flatnonzero(b == 34)
    if len(quotes) and (np.bincount(np.searchsorted(ends, quotes), minlength=len(ends)) % 2).any():
        return None
    nonblank = np.flatnonzero(length[1:] > 0) + 1
    # Only a short line can be a row of empty cells (width - 1 commas, maybe quoted blanks):
    # look at the bytes of those lines alone.
    empty_cells = np.zeros(len(nonblank), dtype=bool)
    short = np.flatnonzero(length[nonblank] <= 3 * width + 8)
    if len(short):
        starts, sizes = begins[nonblank[short]], length[nonblank[short]]
        ends = np.cumsum(sizes)
        at = np.repeat(starts - (ends - sizes), sizes) + np.arange(int(sizes.sum()))
        content = (~_SEPARATORS[b[at]]).astype(np.int64)
        per_line = np.add.reduceat(content, ends - sizes) if len(at) else np.zeros(0, np.int64)
        empty_cells[short] = per_line == 0
    return nonblank.astype(np.int64) + 1, empty_cells


def _read_fast(text: str, names: list[str], file: str):
    """(frame, lines, problems, rows_read) through Arrow, or None to read row by row."""
    data = text.encode("utf-8") + (b"" if text.endswith("\n") else b"\n")
    found = _data_line_starts(data, len(names))
    if found is None:
        return None
    starts, empty_cells = found
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except (pa.ArrowException, ValueError):
        return None
    if table.num_rows != len(starts) or _last_row_spans_lines(table):
        # A quoted cell spans lines, legitimately or from a quote that never closes: only the
        # row reader numbers such rows and judges such quotes.
        return None
    if empty_cells.any():
        # Lines of nothing but separators, quotes and spaces: check their cells themselves,
        # as a quoted cell may hold a comma.
        maybe = np.flatnonzero(empty_cells)
        rows = table.take(pa.array(maybe)).to_pylist()
        empty = np.zeros(table.num_rows, dtype=bool)
        empty[maybe] = [not any(str(v).strip() for v in r.values()) for r in rows]
        table = table.filter(pa.array(~empty))
        starts = starts[~empty]
    problems: list[Problem] = []
    too_long = np.zeros(table.num_rows, dtype=bool)
    for name in names:
        col = table.column(name)
        if (pc.max(pc.binary_length(col)).as_py() or 0) <= MAX_FIELD:
            continue  # no cell has more bytes, so none has more characters
        long = pc.greater(pc.utf8_length(col), MAX_FIELD).to_numpy(zero_copy_only=False)
        too_long |= long
    frame = table.to_pandas()
    if too_long.any():
        for pos in np.flatnonzero(too_long):
            raw = {str(k): v for k, v in frame.iloc[pos].items()}
            problems.append(_too_long(file, int(starts[pos]), raw))
        frame = frame[~too_long].reset_index(drop=True)
        starts = starts[~too_long]
    return frame, starts, problems, table.num_rows


def _last_row_spans_lines(table: pa.Table) -> bool:
    """With as many rows as non-blank lines, no record spans lines but perhaps the last: a
    quote open at the end of the file swallows the final line break (and blank lines)."""
    if table.num_rows == 0:
        return False
    last = table.slice(table.num_rows - 1)
    return any(("\n" in v or "\r" in v) for v in (last.column(i)[0].as_py()
                                                  for i in range(table.num_columns)))


class _TooLong(Exception):
    """A record pulled more than MAX_FIELD characters of following lines into a quoted cell."""


class _Feed(Iterator[str]):
    """Lines from `start`, for csv.reader, counting how many a record used and stopping a
    quoted cell that swallows the file."""

    def __init__(self, lines: list[str], start: int):
        self.lines, self.next, self.used, self.size = lines, start, 0, 0

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        line = self.lines[self.next]
        self.next += 1
        self.used += 1
        self.size += len(line)
        if self.used > 1 and self.size > MAX_FIELD + len(self.lines[self.next - self.used]):
            raise _TooLong
        return line


def _read_rows(lines: list[str], first: int, names: list[str], file: str):
    width = len(names)
    # Kept with a row that could not be split into cells, so that it can be fixed as text.
    header_text = "".join(lines[:first]).rstrip("\r\n")
    rows: list[list[str]] = []
    starts: list[int] = []
    problems: list[Problem] = []
    rows_read = 0
    i = first
    while i < len(lines):
        if _blank(lines[i]):
            i += 1
            continue
        rows_read += 1
        line_no = i + 1
        feed = _Feed(lines, i)
        try:
            cells = next(csv.reader(feed))
        except (csv.Error, _TooLong, StopIteration):
            cells = None
        if cells is not None and (feed.used > 1 or any("\n" in c for c in cells)):
            # A record running past its line must be well formed throughout: a quote left open
            # meets the next quoted cell, or the end of the file, and fails the strict read.
            try:
                strict = next(csv.reader(_Feed(lines, i), strict=True))
            except (csv.Error, _TooLong, StopIteration):
                strict = None
            if strict is None or len(strict) != width:
                cells = None
        if cells is None:
            # An opening quote that never closes where it should: this line alone is the row.
            problems.append(Problem(
                file, line_no, None, None,
                "unclosed quote: a cell opens a quote that does not close on this line and the "
                "row does not fit the header after it; close the quote (write a quote inside a "
                "cell as two quotes) and import the row again",
                code="unclosed_quote", raw={"_line": lines[i].rstrip("\r\n")[:MAX_FIELD],
                                            "_header": header_text, "_file": file}))
            i += 1
            continue
        i += feed.used
        if not any(c.strip() for c in cells):
            rows_read -= 1  # a row of empty cells is not a row
            continue
        raw = dict(zip(names, cells))
        if len(cells) != width:
            raw |= {f"(extra {k})": c for k, c in enumerate(cells[width:], 1)}
            problems.append(Problem(
                file, line_no, None, None,
                f"has {len(cells)} cells but the header has {width}; check for an unquoted "
                "comma or a missing cell", code="cell_count", raw=raw | {"_file": file}))
            continue
        long = next((n for n, c in zip(names, cells) if len(c) > MAX_FIELD), None)
        if long is not None:
            problems.append(_too_long(file, line_no, raw, long))
            continue
        rows.append(cells)
        starts.append(line_no)
    frame = (pd.DataFrame(rows, columns=names).astype("str") if rows else _empty(names))
    return frame, np.asarray(starts, dtype=np.int64), problems, rows_read


def _too_long(file: str, line: int, raw: dict[str, str], name: str | None = None) -> Problem:
    name = name or next(n for n, c in raw.items() if len(c) > MAX_FIELD)
    size = len(raw[name])
    # The quarantine keeps the row storable: the oversized cell is cut, and says so.
    clipped = {k: (v if len(v) <= MAX_FIELD else v[:MAX_FIELD] + f"... [cut at {MAX_FIELD:,} "
                                                                  "characters]")
               for k, v in raw.items()}
    return Problem(file, line, name, None,
                   f"longer than {MAX_FIELD:,} characters ({size:,}); is this the right column?",
                   code="too_long", raw=clipped | {"_file": file})

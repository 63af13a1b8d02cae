"""Reading a CSV file into raw rows for the per-source parsers, without losing any row.

Two readers that read the same rows (a property test holds them to it): `read_fast`, Arrow's
reader, for a whole well-formed file at once, and `rows_from_text`, row by row, which parsers
fall back to when a file has bad rows. A row that cannot be read as a row (wrong number of
cells, an oversized cell) is rejected there with its line; blank lines are not rows. Problems
with the whole file (not UTF-8, no header, missing columns) are file-level `Rejected` entries
(row None) and nothing is read.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from prevention.importers.base import Rejected

MAX_FIELD = 100_000  # characters; longer cells are rejected, not truncated

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def max_bytes(cells: pd.Series) -> int:
    """The longest cell's UTF-8 size, read from Arrow's offsets without touching the text: when
    it is within MAX_FIELD, no cell can have more characters, and no cell needs measuring."""
    return int(pc.max(pc.binary_length(pa.array(cells))).as_py() or 0)


@dataclass
class Rows:
    """The readable rows of a file: raw cells by column name, with their spreadsheet line."""

    header: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    rows_read: int = 0  # every non-blank data row, including rows rejected while reading


def file_problem(path: Path | str, message: str) -> Rejected:
    return Rejected(row=None, field=None, value=None, reason=f"{Path(path).name}: {message}",
                    raw={})


def decode(path: Path, rejected: list[Rejected]) -> str | None:
    """The file as text, or None with a file-level problem (missing, a folder, not UTF-8)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        rejected.append(file_problem(path, f"file not found at {path}"))
        return None
    except OSError as exc:
        rejected.append(file_problem(path, f"cannot be read ({exc.strerror or exc})"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        rejected.append(file_problem(path, f"not UTF-8 (byte {exc.start}); save the file as "
                                           "UTF-8 CSV and import it again"))
        return None


def header_cells(text: str) -> list[str] | None:
    """The first record of a CSV text (the header), None when empty. Reads only the start of
    the text: a copy of a whole file to parse one line costs a quarter of a second per 100 MB.
    Raises csv.Error for an unreadable header."""
    end = text.find("\n")
    head = text[:end + 1] if end >= 0 else text
    if head.count('"') % 2:
        head = text  # a quoted header cell holds a line break (or a stray quote): read it all
    return next(csv.reader(io.StringIO(head, newline="")), None)


def read_fast(text: str, names: list[str]) -> pd.DataFrame | None:
    """Every data row of a CSV text (its header line skipped) as Arrow-backed strings, named
    `names`, through Arrow's CSV reader: threaded, with no Python object per cell, it reads a
    million rows in a fraction of pandas' C reader's time. None when a row does not have
    exactly len(names) cells: the row-by-row reader then finds which rows. Blank lines are not
    rows; a quoted cell may hold line breaks."""
    data = text.encode("utf-8")
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except (pa.ArrowException, ValueError):
        return None
    return table.to_pandas()


def read_csv(path: Path, required: list[str], optional: list[str],
             rejected: list[Rejected]) -> Rows | None:
    """Rows of a UTF-8 CSV whose header has `required` columns (others are kept as read)."""
    text = decode(path, rejected)
    if text is None:
        return None
    return rows_from_text(text, path, required, optional, rejected)


def rows_from_text(text: str, path: Path, required: list[str], optional: list[str],
                   rejected: list[Rejected]) -> Rows | None:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        rejected.append(file_problem(path, f"unreadable header: {exc}"))
        return None
    header = [h.strip() for h in header or []]
    if not any(header):
        wanted = f" with {', '.join(required)}" if required else ""
        rejected.append(file_problem(path, f"empty file; expected a header row{wanted}"))
        return None
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        rejected.append(file_problem(path, f"column(s) {', '.join(map(repr, repeated))} appear "
                                           "more than once in the header; which one is meant is "
                                           "unclear: rename or remove the extra column"))
        return None
    missing = [c for c in required if c not in header]
    if missing:
        allowed = ", ".join(required) + (f" (optional: {', '.join(optional)})" if optional else "")
        rejected.append(file_problem(path, f"missing column(s) {', '.join(missing)}; the header "
                                           f"must have {allowed}"))
        return None
    out = Rows(header=header)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rejected.append(file_problem(path, f"stopped reading after row {line}: {exc}; the "
                                               "rows after it were not read"))
            break
        if not cells or all(not c.strip() for c in cells):
            continue  # blank lines are not rows
        line += 1
        out.rows_read += 1
        raw = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}
        if len(cells) != len(header):
            rejected.append(Rejected(row=line, field=None, value=None, raw=raw, reason=(
                f"has {len(cells)} cells but the header has {len(header)}; check for an "
                "unquoted comma or a missing cell")))
            continue
        long = next((h for h, c in zip(header, cells) if len(c) > MAX_FIELD), None)
        if long:
            rejected.append(Rejected(row=line, field=long, value=None, raw=_clip_raw(raw),
                                     reason=f"longer than {MAX_FIELD:,} characters "
                                            f"({len(raw[long]):,}); is this the right column?"))
            continue
        out.rows.append(raw)
        out.lines.append(line)
    return out


def _clip_raw(raw: dict[str, str], limit: int = MAX_FIELD) -> dict[str, str]:
    # Keep quarantined rows storable: the oversized cell is cut, and says so.
    return {k: (v if len(v) <= limit else v[:limit] + f"... [cut at {limit:,} characters]")
            for k, v in raw.items()}

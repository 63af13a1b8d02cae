"""A CSV file as raw rows for the per-source parsers, through the engine's one reader
(triggers/csvfile.py), without losing any row.

A row that cannot be read as a row (wrong number of cells, an unclosed quote, an oversized
cell) is rejected with its line and its text kept; blank lines and rows of empty cells are not
rows. Problems with the whole file (missing, not UTF-8, no header, a repeated or missing
column) are file-level `Problem` entries (row None) and nothing is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from triggers import csvfile
from triggers.memfiles import as_path
from triggers.problems import Problem


@dataclass
class Rows:
    """The readable rows of a file: raw cells by column name, with their line."""

    header: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    rows_read: int = 0  # every record, including rows rejected while reading


def file_problem(path: Path | str, message: str) -> Problem:
    return Problem(row=None, field=None, value=None, message=f"{as_path(path).name}: {message}",
                    raw={})


def read_bytes(path: Path, rejected: list[Problem]) -> bytes | None:
    try:
        return as_path(path).read_bytes()
    except FileNotFoundError:
        rejected.append(file_problem(path, f"file not found at {path}"))
    except IsADirectoryError:
        rejected.append(file_problem(path, "is a folder; give the file itself"))
    except OSError as exc:
        rejected.append(file_problem(path, f"cannot be read ({exc.strerror or exc})"))
    return None


def decode(path: Path, rejected: list[Problem]) -> str | None:
    """The file as text, or None with a file-level problem (missing, a folder, not UTF-8)."""
    data = read_bytes(path, rejected)
    if data is None:
        return None
    text, problem = csvfile.decode(data, as_path(path).name)
    if problem is not None:
        rejected.append(file_problem(path, problem.message))
    return text


def rejected_row(p) -> Problem:
    """A reader's row problem as a parser's rejected row (the raw cells, or the line's text)."""
    raw = {k: v for k, v in (p.raw or {}).items() if k != "_file"}
    return Problem(row=p.row, field=p.field, value=p.value, message=p.message, raw=raw,
                    suggestions=p.suggestions)


def read_table(path: Path, rejected: list[Problem]) -> csvfile.CsvRead | None:
    """The file through the one reader: row problems go to `rejected`; None when the file
    itself cannot be read (its problem is in `rejected`)."""
    data = read_bytes(path, rejected)
    if data is None:
        return None
    read = csvfile.read_bytes(data, as_path(path).name)
    for p in read.problems:
        rejected.append(file_problem(path, p.message) if p.row is None else rejected_row(p))
    if not read.ok:
        return None
    repeated = sorted({h for h in read.header if h and read.header.count(h) > 1})
    if repeated:
        rejected.append(file_problem(path, f"column(s) {', '.join(map(repr, repeated))} appear "
                                           "more than once in the header; which one is meant is "
                                           "unclear: rename or remove the extra column"))
        return None
    return read


def read_csv(path: Path, required: list[str], optional: list[str],
             rejected: list[Problem]) -> Rows | None:
    """Rows of a UTF-8 CSV whose header has `required` columns (others are kept as read)."""
    read = read_table(path, rejected)
    if read is None:
        return None
    missing = [c for c in required if c not in read.header]
    if missing:
        allowed = ", ".join(required) + (f" (optional: {', '.join(optional)})" if optional else "")
        rejected.append(file_problem(path, f"missing column(s) {', '.join(missing)}; the header "
                                           f"must have {allowed}"))
        return None
    frame: pd.DataFrame = read.frame
    frame.columns = read.header
    return Rows(header=read.header, rows=frame.astype(object).to_dict("records"),
                lines=read.lines.tolist(), rows_read=read.rows_read)

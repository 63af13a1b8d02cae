"""A table as the format declares it, before any cell is checked: its columns by name, as
stripped text, indexed by the line each row starts on (header = 1). A missing or repeated
column is a problem of the whole file, an unknown one a warning (docs/bundle.md). The bundle's
tables (triggers/bundle.py) and the outcomes file (triggers/outcomes.py) go through it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from triggers.problems import Problems
from triggers.schema import Table


def _as_text(col: pd.Series) -> pd.Series:
    """A column as strings, '' for missing. Columns that already hold strings are not
    converted: a round trip through Python objects costs more than all the checks."""
    if pd.api.types.is_datetime64_any_dtype(col):
        return col.dt.strftime("%Y-%m-%d").fillna("").astype(str)
    if pd.api.types.is_bool_dtype(col):
        return pd.Series(np.where(col, "true", "false"), index=col.index, dtype=str)
    if isinstance(col.dtype, pd.StringDtype):
        return col.fillna("").astype(str) if col.hasnans else col.astype(str)
    return col.astype(object).where(col.notna(), "").astype(str)


def _strip(col: pd.Series) -> pd.Series:
    """Cells without surrounding spaces (on Arrow-backed strings, in Arrow: no Python loop).
    Most columns have none: looking at each cell's first and last byte (Arrow's offsets and
    data, in numpy) says so at a fraction of the cost of stripping."""
    col = col.astype("str")
    if not _may_need_strip(col):
        return col
    return col.str.strip()


_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[[9, 10, 11, 12, 13, 32]] = True
_ASCII_SPACE[128:] = True  # a multi-byte character may be a Unicode space: strip to be sure


def _may_need_strip(col: pd.Series) -> bool:
    arr = pa.array(col.array) if hasattr(col.array, "__arrow_array__") else pa.array(col)
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    for chunk in chunks:
        if chunk.null_count or not pa.types.is_string(chunk.type) and not pa.types.is_large_string(chunk.type):
            return True
        _, offsets, data = chunk.buffers()
        if data is None:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        off = np.frombuffer(offsets, dtype=width)[chunk.offset:chunk.offset + len(chunk) + 1]
        body = np.frombuffer(data, dtype=np.uint8)
        start, end = off[:-1], off[1:]
        filled = end > start
        if (_ASCII_SPACE[body[start[filled]]].any() or _ASCII_SPACE[body[end[filled] - 1]].any()):
            return True
    return False


def conform(frame: pd.DataFrame, table: Table, problems: Problems,
            header: list[str] | None = None, lines: np.ndarray | None = None,
            file: str | None = None) -> pd.DataFrame | None:
    """The table's columns as stripped text, indexed by line (header = 1), or None (with the
    problems) when a required column is missing. `header`: the names as written, when read
    from a file (a repeated name is a problem); `file`: the name problems give (default the
    table's own file name)."""
    f = file or table.file
    names = [str(c).strip() for c in (header if header is not None else frame.columns)]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    for n in repeated:
        problems.add(f, 1, n, None, f"column {n!r} appears more than once in the header; which "
                     "one is meant is unclear: rename or remove the extra column",
                     code="repeated_column")
    missing = [c for c in table.required if c not in names]
    for column in missing:
        # One problem per column, named in `field`, so a report can point at each one; the
        # message still lists them all, as users read it.
        problems.add(f, 1, column, None,
                     f"missing column(s) {', '.join(missing)}; the header must have "
                     f"{', '.join(table.required)} (optional: {', '.join(table.optional)})",
                     code="missing_column")
    if missing or repeated:
        return None
    unknown = [n for n in names if n not in table.columns]
    if unknown:
        problems.add(f, 1, None, ", ".join(unknown),
                     f"unknown column(s); allowed: {', '.join(table.columns)}",
                     code="unknown_column", allowed=table.columns)
    n = len(frame)
    index = pd.Index(lines if lines is not None else np.arange(2, n + 2), dtype=np.int64)
    by_name = dict(zip(names, frame.columns))
    out = {}
    for c in table.columns:
        if c in by_name:
            out[c] = _strip(_as_text(frame[by_name[c]]).reset_index(drop=True))
        else:
            out[c] = pd.Series([""] * n, dtype="str")
    result = pd.DataFrame(out)
    result.index = index
    return result

"""The signal bundle (the engine's own format, docs/bundle.md) as an import.

The engine's reader and its one check pass (triggers.bundle.check) give the good rows and every
problem by row; this parser keeps the good rows, rejects the rest one by one, and reads a
bundle whole or not at all: a file that cannot be read (not UTF-8, no header, a required column
missing) stops the import before anything is stored. An unknown column is reported with the
import and its cells are not stored.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from prevention.sources.importers.base import ParsedImport
from triggers.bundle import check, read_files
from triggers.memfiles import as_path
from triggers.problems import Problem, Problems
from triggers.schema import ACCREDITATIONS, COVERAGE, ISSUERS, MEMBERSHIPS, SIGNALS

KIND = "bundle"
# Problems about a whole file that still let its rows be read.
_WARNINGS = {"unknown_column"}


def parse(path: Path, known_issuers: set[str] | frozenset[str] | None = None,
          complete: bool = False, **options) -> ParsedImport:
    """Parse a bundle folder. `known_issuers`: issuer ids already stored, which signals may
    reference without defining them in issuers.csv (the ingest step passes them).
    `complete`: for a bundle without coverage.csv, the user says it holds everything its
    sources published over its span (otherwise the span is declared a sample)."""
    if options:
        raise TypeError(f"the bundle importer takes only the option complete, not {sorted(options)}")
    folder = as_path(path)
    parsed = ParsedImport(kind=KIND, file_name=str(folder), rows_read=0)
    if not folder.is_dir():
        parsed.rejected.append(Problem(
            row=None, field=None, value=None, raw={"_file": folder.name},
            message=f"{folder.name}: not a folder; a bundle is a folder with signals.csv, "
                   "issuers.csv and optionally memberships.csv and coverage.csv"))
        return parsed
    problems = Problems()
    frames, lines, headers, rows_read = read_files(folder, problems)
    checked = check(frames, lines=lines, headers=headers, known_issuers=set(known_issuers or ()),
                    problems=problems)
    if any(p.row is None or (p.row == 1 and p.code not in _WARNINGS) for p in problems):
        parsed.rejected = [_rejected(p) for p in problems if p.row is None or p.row == 1]
        return parsed  # a bundle is read whole or not at all
    parsed.rows_read = sum(rows_read.values())
    parsed.rejected = _by_row(checked.problems, frames, lines)
    if COVERAGE.file not in frames:
        # The engine reads a bundle without coverage.csv as complete over all time; a
        # database holds many sources, so an import claims no more than its own span.
        parsed.span_coverage = "complete" if complete else "sample"

    def rows(file: str) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the kept rows, then of their exact repeats (stored as copies: the
        ingest step counts each as a duplicate of the first)."""
        rep = checked.repeats.get(file, {})
        take = np.concatenate([checked.kept[file], list(rep.values())]).astype(np.int64)
        own = np.concatenate([checked.kept[file], list(rep.keys())]).astype(np.int64)
        return take, own

    b = checked.bundle
    if SIGNALS.file in frames:
        take, own = rows(SIGNALS.file)
        # The bundle's signals are the kept rows in order; a repeat takes its first's row.
        at = pd.Index(checked.kept[SIGNALS.file]).get_indexer(take)
        parsed.signals = b.signals.iloc[at].reset_index(drop=True).assign(
            source_row=_source_rows(SIGNALS.file, lines[SIGNALS.file][own]))
        parsed.links = b.links[["signal_id", "issuer_id"]]
    if ISSUERS.file in frames:
        take, own = rows(ISSUERS.file)
        at = pd.Index(checked.kept[ISSUERS.file]).get_indexer(take)
        parsed.issuers = b.issuers.iloc[at].reset_index(drop=True).assign(
            source_row=_source_rows(ISSUERS.file, lines[ISSUERS.file][own]))
    for table, target in ((MEMBERSHIPS, "records"), (COVERAGE, "coverage"),
                          (ACCREDITATIONS, "accreditations")):
        if table.file not in frames or not len(frames[table.file]):
            continue
        take, own = rows(table.file)
        # Kept as the checked text (dates as written), which the ingest step stores.
        raw = frames[table.file].iloc[take].reset_index(drop=True)
        frame = pd.DataFrame({c: raw[c].astype(str).str.strip() if c in raw.columns else ""
                              for c in table.columns})
        frame["source_row"] = _source_rows(table.file, lines[table.file][own])
        setattr(parsed, target, frame)
    return parsed


def _by_row(problems, frames: dict, lines: dict) -> list[Problem]:
    """One rejected row per source row, its problems joined (a row is fixed as a whole)."""
    grouped: dict[tuple, list] = {}
    for p in problems:
        key = (p.file, p.row) if (p.row or 0) > 1 else (p.file, None, id(p))
        grouped.setdefault(key, []).append(p)
    out = []
    for plist in grouped.values():
        first = _rejected(plist[0], frames.get(plist[0].file), lines.get(plist[0].file))
        if len(plist) > 1:
            reason = "; ".join(f"{p.field}: {p.message}" if p.field and p.field != first.field
                               else p.message for p in plist)
            first = Problem(row=first.row, field=first.field, value=first.value, message=reason,
                             raw=first.raw, suggestions=first.suggestions)
        out.append(first)
    return out


def _rejected(p, frame: pd.DataFrame | None = None, lines: np.ndarray | None = None) -> Problem:
    """The engine's problem as the import's rejected row, with the row as it was read."""
    raw = dict(p.raw) if p.raw else {}
    if not raw and frame is not None and p.row is not None and p.row > 1:
        pos = np.flatnonzero(lines == p.row)
        if len(pos):
            raw = {str(k): v for k, v in frame.iloc[int(pos[0])].items()}
    raw.setdefault("_file", p.file)
    reason = p.message if p.row is not None else f"{p.file}: {p.message}"
    return Problem(row=p.row if (p.row or 0) > 1 else None, field=p.field, value=p.value,
                    message=reason, raw=raw, suggestions=p.suggestions)


def _source_rows(name: str, lines: np.ndarray) -> pd.Series:
    """'signals.csv:12' per row: the key ingest accounts each source row by."""
    return pd.Series(name + ":" + pd.Series(lines, dtype=np.int64).astype(str).to_numpy(dtype=object),
                     dtype=object)

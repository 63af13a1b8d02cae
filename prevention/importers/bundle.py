"""The signal bundle (the engine's own format: a folder of signals.csv, issuers.csv and an
optional memberships.csv) as an import: good rows accepted, bad rows rejected one by one.

The engine's reader refuses a whole bundle when anything is wrong. An import must keep the good
rows, so this parser uses the same validation (`triggers.bundle.validate_frames`) repeatedly:
each pass's problems name their rows, those rows are set aside, and the rest is validated again
(setting an issuer aside can leave signals pointing at nothing, which the next pass catches).
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from prevention.importers.base import ParsedImport, Rejected
from prevention.importers.rows import MAX_FIELD, header_cells, max_bytes, read_fast
from triggers.bundle import (
    COVERAGE_COLUMNS,
    COVERAGE_REQUIRED,
    ISSUER_COLUMNS,
    ISSUER_REQUIRED,
    MEMBERSHIP_COLUMNS,
    MEMBERSHIP_REQUIRED,
    SIGNAL_COLUMNS,
    SIGNAL_REQUIRED,
    BundleError,
    validate_frames,
)

KIND = "bundle"
MAX_PASSES = 10

FILES = {
    "signals.csv": (SIGNAL_COLUMNS, SIGNAL_REQUIRED),
    "issuers.csv": (ISSUER_COLUMNS, ISSUER_REQUIRED),
    "memberships.csv": (MEMBERSHIP_COLUMNS, MEMBERSHIP_REQUIRED),
    "coverage.csv": (COVERAGE_COLUMNS, COVERAGE_REQUIRED),
}
OPTIONAL_FILES = ("memberships.csv", "coverage.csv")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class _Table:
    name: str
    frame: pd.DataFrame  # the known columns (absent optional ones empty), as read
    lines: np.ndarray  # spreadsheet row of each frame row (header = 1)
    full: pd.DataFrame  # every column of the file, for the raw row kept in quarantine

    def raw(self, pos: int) -> dict:
        return {**{str(k): v for k, v in self.full.iloc[pos].items()}, "_file": self.name}


def _file_problem(name: str, message: str) -> Rejected:
    return Rejected(row=None, field=None, value=None, reason=f"{name}: {message}",
                    raw={"_file": name})


def _read(folder: Path, name: str, rejected: list[Rejected]) -> tuple[_Table, int] | None:
    columns, required = FILES[name]
    path = folder / name
    if not path.exists():
        if name not in OPTIONAL_FILES:
            rejected.append(_file_problem(name, f"file not found in {folder}; a bundle needs "
                                                "signals.csv and issuers.csv"))
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        rejected.append(_file_problem(name, f"not UTF-8 (byte {exc.start}); save the file as "
                                            "UTF-8 CSV and import it again"))
        return None
    try:
        header = header_cells(text)
    except csv.Error as exc:
        rejected.append(_file_problem(name, f"unreadable header: {exc}"))
        return None
    if not header or not any(h.strip() for h in header):
        rejected.append(_file_problem(name, f"empty file; expected a header row with "
                                            f"{', '.join(required)}"))
        return None
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        rejected.append(_file_problem(name, f"missing column(s) {', '.join(missing)}; the header "
                                            f"must have {', '.join(required)} (optional: "
                                            f"{', '.join(c for c in columns if c not in required)})"))
        return None
    unknown = [h for h in header if h not in columns]
    if unknown:
        rejected.append(_file_problem(name, f"unknown column(s) {', '.join(unknown)} ignored; "
                                            f"allowed: {', '.join(columns)}"))
    if len(set(header)) != len(header):
        rejected.append(_file_problem(name, "a column name appears twice in the header; the "
                                            "first one is used"))
    full = read_fast(text, _unique(header))
    if full is None:
        full, lines = _read_slow(text, header, name, rejected)
        full = full.astype(str)
    else:
        lines = np.arange(2, len(full) + 2, dtype=np.int64)
    rows_read = len(full) + sum(1 for r in rejected if r.row is not None
                                and r.raw.get("_file") == name)
    if len(full):
        too_long = np.zeros(len(full), dtype=bool)
        for c in full.columns:
            if max_bytes(full[c]) <= MAX_FIELD:
                continue  # no cell has more bytes, so none has more characters
            long = (full[c].str.len() > MAX_FIELD).to_numpy()
            for pos in np.flatnonzero(long & ~too_long):
                rejected.append(Rejected(
                    row=int(lines[pos]), field=str(c), value=None,
                    reason=f"longer than {MAX_FIELD:,} characters ({len(full[c].iloc[pos]):,})",
                    raw={**full.iloc[pos].to_dict(), "_file": name}))
            too_long |= long
        if too_long.any():
            full, lines = full[~too_long].reset_index(drop=True), lines[~too_long]
    first = {c: header.index(c) for c in columns if c in header}
    frame = pd.DataFrame({c: (full.iloc[:, first[c]] if c in first else "")
                          for c in columns}, index=full.index).astype(str)
    return _Table(name, frame, lines, full), rows_read


def _unique(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in header:
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def _read_slow(text: str, header: list[str], name: str,
               rejected: list[Rejected]) -> tuple[pd.DataFrame, np.ndarray]:
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    width = len(header)
    names = _unique(header)
    rows, lines = [], []
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rejected.append(_file_problem(name, f"stopped reading after row {line}: {exc}"))
            break
        if not cells:
            continue  # a blank line is not a row (pandas skips it too)
        line += 1
        if len(cells) > width:
            raw = dict(zip(names, cells)) | {f"(extra {i})": c for i, c in
                                              enumerate(cells[width:], 1)}
            rejected.append(Rejected(
                row=line, field=None, value=None,
                reason=f"has {len(cells)} cells but the header has {width}; check for an "
                       "unquoted comma", raw=raw | {"_file": name}))
            continue
        rows.append(cells + [""] * (width - len(cells)))  # short rows: missing cells are empty
        lines.append(line)
    full = pd.DataFrame(rows, columns=names, dtype=object) if rows else \
        pd.DataFrame({c: pd.Series(dtype=object) for c in names})
    return full, np.asarray(lines, dtype=np.int64)


def parse(path: Path, known_issuers: set[str] | frozenset[str] | None = None,
          complete: bool = False, **options) -> ParsedImport:
    """Parse a bundle folder. `known_issuers`: issuer ids already stored, which signals may
    reference without defining them in issuers.csv (the ingest step passes them).
    `complete`: for a bundle without coverage.csv, the user says it holds everything its
    sources published over its span (otherwise the span is declared a sample)."""
    if options:
        raise TypeError(f"the bundle importer takes only the option complete, not {sorted(options)}")
    folder = Path(path)
    rejected: list[Rejected] = []
    if not folder.is_dir():
        rejected.append(_file_problem(folder.name, "not a folder; a bundle is a folder with "
                                                   "signals.csv, issuers.csv and optionally "
                                                   "memberships.csv"))
        return ParsedImport(kind=KIND, file_name=str(folder), rows_read=0, rejected=rejected)
    tables: dict[str, _Table] = {}
    rows_read = 0
    for name in FILES:
        got = _read(folder, name, rejected)
        if got is not None:
            tables[name], n = got
            rows_read += n
    parsed = ParsedImport(kind=KIND, file_name=str(folder), rows_read=rows_read,
                          rejected=rejected)
    if not tables:
        return parsed
    if "coverage.csv" not in tables:
        # The engine reads a bundle without coverage.csv as complete over all time; a
        # database holds many sources, so an import claims no more than its own span.
        parsed.span_coverage = "complete" if complete else "sample"
    return _validate(parsed, tables, set(known_issuers or ()))


KEYS = {"signals.csv": "signal_id", "issuers.csv": "issuer_id"}


def _unique_key(table: _Table) -> bool:
    """True when the file's key column (signal_id, issuer_id) repeats no id, as validation
    will read it (stripped)."""
    key = KEYS.get(table.name)
    return bool(key) and table.frame[key].str.strip().is_unique


def _repeats(table: _Table, unique_key: bool) -> dict[int, int]:
    """Rows that exactly repeat an earlier row: position -> position of the first."""
    f = table.frame
    if f.empty or unique_key:
        return {}  # an exact repeat repeats its key; comparing whole rows costs far more
    dup = f.duplicated(keep="first").to_numpy()
    if not dup.any():
        return {}
    first = f.reset_index(drop=True).groupby(list(f.columns), sort=False, dropna=False) \
        .ngroup().to_numpy()
    first_pos = {}
    for pos, g in enumerate(first):
        first_pos.setdefault(g, pos)
    return {pos: first_pos[first[pos]] for pos in np.flatnonzero(dup)}


def _placeholders(cells: pd.Series, candidates: set[str]) -> list[str]:
    """Stored issuer ids the signals reference without defining them in issuers.csv."""
    if not candidates or cells.empty:
        return []
    combos = pd.Series(cells.unique()).str.split(";").explode().str.strip()
    return sorted(set(combos) & candidates)


def _validate(parsed: ParsedImport, tables: dict[str, _Table], known: set[str]) -> ParsedImport:
    empty = {n: _Table(n, pd.DataFrame({c: pd.Series(dtype=object) for c in FILES[n][0]}),
                       np.zeros(0, np.int64), pd.DataFrame()) for n in FILES}
    has_memberships = "memberships.csv" in tables
    has_coverage = "coverage.csv" in tables
    tables = {n: tables.get(n, empty[n]) for n in FILES}
    unique = {n: _unique_key(t) for n, t in tables.items()}
    repeats = {n: _repeats(t, unique[n]) for n, t in tables.items()}
    alive = {n: np.ones(len(t.frame), dtype=bool) for n, t in tables.items()}
    for n, rep in repeats.items():
        alive[n][list(rep)] = False
    problems: dict[tuple[str, int], list] = {}  # (file, position) -> problems

    bundle = None
    for _ in range(MAX_PASSES):
        frames = {n: tables[n].frame[alive[n]] for n in FILES}
        positions = {n: np.flatnonzero(alive[n]) for n in FILES}
        issuers = frames["issuers.csv"]
        placeholders = _placeholders(frames["signals.csv"]["issuers"],
                                     known - set(issuers["issuer_id"].str.strip()))
        if placeholders:
            issuers = pd.concat([issuers, pd.DataFrame(
                {"issuer_id": placeholders, "name": placeholders, "kind": "other",
                 "country": "", "accreditation": "", "scope": ""})], ignore_index=True)
        memberships = frames["memberships.csv"] if has_memberships else None
        coverage = frames["coverage.csv"] if has_coverage else None
        try:
            bundle = validate_frames(frames["signals.csv"], issuers, memberships,
                                     coverage=coverage,
                                     unique_ids=unique["signals.csv"] and unique["issuers.csv"])
            break
        except BundleError as exc:
            found = False
            for p in exc.problems:
                if p.row is None or p.row < 2 or p.file not in positions:
                    continue
                index = p.row - 2
                if index >= len(positions[p.file]):
                    continue  # a placeholder issuer: cannot be wrong, never reported
                pos = int(positions[p.file][index])
                problems.setdefault((p.file, pos), []).append(p)
                alive[p.file][pos] = False
                found = True
            if not found:
                raise  # a problem without a row would loop forever: a bug to surface
    if bundle is None:
        raise RuntimeError("bundle validation did not settle; please report this file")

    for (name, pos), plist in sorted(problems.items()):
        t = tables[name]
        first = plist[0]
        reason = "; ".join(f"{p.field}: {p.message}" if p.field and p.field != first.field
                           else p.message for p in plist)
        parsed.rejected.append(Rejected(row=int(t.lines[pos]), field=first.field,
                                        value=first.value, reason=reason, raw=t.raw(pos)))
    for name, rep in repeats.items():
        t = tables[name]
        for pos, first in rep.items():
            if not alive[name][first]:
                parsed.rejected.append(Rejected(
                    row=int(t.lines[pos]), field=None, value=None,
                    reason=f"repeats row {int(t.lines[first])}, which has problems: fix that row",
                    raw=t.raw(pos)))

    def source_rows(name: str, extra_repeats: bool = True) -> tuple[np.ndarray, np.ndarray]:
        pos = np.flatnonzero(alive[name])
        if extra_repeats:
            again = [p for p, first in repeats[name].items() if alive[name][first]]
            first_of = [repeats[name][p] for p in again]
            return np.concatenate([pos, first_of]).astype(np.int64), \
                np.concatenate([pos, again]).astype(np.int64)
        return pos, pos

    # Accepted rows, plus exact repeats as copies with their own row (ingest counts them
    # as duplicates of the first).
    sig_take, sig_rows = source_rows("signals.csv")
    order = pd.Index(np.flatnonzero(alive["signals.csv"]))
    signals = bundle.signals.iloc[order.get_indexer(sig_take)].reset_index(drop=True)
    signals["source_row"] = _source_rows("signals.csv", tables["signals.csv"].lines[sig_rows])
    parsed.signals = signals
    parsed.links = bundle.links[["signal_id", "issuer_id"]]

    iss_take, iss_rows = source_rows("issuers.csv")
    in_file = bundle.issuers.iloc[:int(alive["issuers.csv"].sum())]  # placeholders come last
    order = pd.Index(np.flatnonzero(alive["issuers.csv"]))
    issuers = in_file.iloc[order.get_indexer(iss_take)].reset_index(drop=True)
    issuers["source_row"] = _source_rows("issuers.csv", tables["issuers.csv"].lines[iss_rows])
    parsed.issuers = issuers

    if has_memberships and len(tables["memberships.csv"].frame):
        # The validated frame drops exact repeats, so take the checked rows from the raw
        # frame (every surviving row passed validation) and keep dates as text.
        mem_take, mem_rows = source_rows("memberships.csv")
        mem = tables["memberships.csv"].frame.iloc[mem_take].reset_index(drop=True)
        mem = mem.apply(lambda col: col.astype(str).str.strip())
        mem["source_row"] = _source_rows("memberships.csv",
                                         tables["memberships.csv"].lines[mem_rows])
        parsed.records = mem
    if has_coverage and len(tables["coverage.csv"].frame):
        cov_take, cov_rows = source_rows("coverage.csv")
        cov = tables["coverage.csv"].frame.iloc[cov_take].reset_index(drop=True)
        cov = cov.apply(lambda col: col.astype(str).str.strip())
        cov["source_row"] = _source_rows("coverage.csv", tables["coverage.csv"].lines[cov_rows])
        parsed.coverage = cov
    return parsed


def _source_rows(name: str, lines: np.ndarray) -> pd.Series:
    """'signals.csv:12' per row: the key ingest accounts each source row by."""
    return pd.Series(name + ":" + pd.Series(lines, dtype=np.int64).astype(str).to_numpy(dtype=object),
                     dtype=object)

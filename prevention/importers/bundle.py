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
from triggers.bundle import (
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
MAX_FIELD = 100_000  # characters; longer cells are rejected, not truncated
MAX_PASSES = 10

FILES = {
    "signals.csv": (SIGNAL_COLUMNS, SIGNAL_REQUIRED),
    "issuers.csv": (ISSUER_COLUMNS, ISSUER_REQUIRED),
    "memberships.csv": (MEMBERSHIP_COLUMNS, MEMBERSHIP_REQUIRED),
}

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class _Table:
    name: str
    frame: pd.DataFrame  # known columns, stripped strings
    lines: np.ndarray  # spreadsheet row of each frame row (header = 1)
    raw: list[dict]  # the row as read, for quarantine


def _file_problem(name: str, message: str) -> Rejected:
    return Rejected(row=None, field=None, value=None, reason=f"{name}: {message}",
                    raw={"_file": name})


def _read(folder: Path, name: str, rejected: list[Rejected]) -> tuple[_Table, int] | None:
    columns, required = FILES[name]
    path = folder / name
    if not path.exists():
        if name != "memberships.csv":
            rejected.append(_file_problem(name, f"file not found in {folder}; a bundle needs "
                                                "signals.csv and issuers.csv"))
        return None
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        rejected.append(_file_problem(name, f"not UTF-8 (byte {exc.start}); save the file as "
                                            "UTF-8 CSV and import it again"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
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
    where = {c: header.index(c) for c in columns if c in header}
    rows, lines, raws = [], [], []
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rejected.append(_file_problem(name, f"stopped reading after row {line}: {exc}"))
            break
        line += 1
        if not cells or all(c.strip() == "" for c in cells):
            line -= 1  # blank lines are not rows (pandas skips them too)
            continue
        raw = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}
        raw["_file"] = name
        problem = None
        if len(cells) != len(header):
            problem = (None, f"has {len(cells)} cells but the header has {len(header)}; check "
                             "for an unquoted comma or a missing cell")
        else:
            long = next((h for h, c in zip(header, cells) if len(c) > MAX_FIELD), None)
            if long:
                problem = (long, f"longer than {MAX_FIELD:,} characters ({len(raw[long]):,})")
        if problem:
            rejected.append(Rejected(row=line, field=problem[0], value=None,
                                     reason=problem[1], raw=raw))
            continue
        rows.append([cells[where[c]].strip() if c in where else "" for c in columns])
        lines.append(line)
        raws.append(raw)
    frame = pd.DataFrame(rows, columns=columns, dtype=object) if rows else \
        pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return _Table(name, frame, np.asarray(lines, dtype=np.int64), raws), line - 1


def parse(path: Path, known_issuers: set[str] | frozenset[str] | None = None,
          **options) -> ParsedImport:
    """Parse a bundle folder. `known_issuers`: issuer ids already stored, which signals may
    reference without defining them in issuers.csv (the ingest step passes them)."""
    if options:
        raise TypeError(f"the bundle importer takes no options {sorted(options)}")
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
    return _validate(parsed, tables, set(known_issuers or ()))


def _repeats(table: _Table) -> dict[int, int]:
    """Rows that exactly repeat an earlier row: position -> position of the first."""
    f = table.frame
    if f.empty:
        return {}
    dup = f.duplicated(keep="first").to_numpy()
    if not dup.any():
        return {}
    first = f.reset_index(drop=True).groupby(list(f.columns), sort=False, dropna=False) \
        .ngroup().to_numpy()
    first_pos = {}
    for pos, g in enumerate(first):
        first_pos.setdefault(g, pos)
    return {pos: first_pos[first[pos]] for pos in np.flatnonzero(dup)}


def _validate(parsed: ParsedImport, tables: dict[str, _Table], known: set[str]) -> ParsedImport:
    empty = {n: _Table(n, pd.DataFrame({c: pd.Series(dtype=object) for c in FILES[n][0]}),
                       np.zeros(0, np.int64), []) for n in FILES}
    has_memberships = "memberships.csv" in tables
    tables = {n: tables.get(n, empty[n]) for n in FILES}
    repeats = {n: _repeats(t) for n, t in tables.items()}
    alive = {n: np.ones(len(t.frame), dtype=bool) for n, t in tables.items()}
    for n, rep in repeats.items():
        alive[n][list(rep)] = False
    problems: dict[tuple[str, int], list] = {}  # (file, position) -> problems

    bundle = None
    for _ in range(MAX_PASSES):
        frames = {n: tables[n].frame[alive[n]] for n in FILES}
        positions = {n: np.flatnonzero(alive[n]) for n in FILES}
        issuers = frames["issuers.csv"]
        referenced = set(frames["signals.csv"]["issuers"].str.split(";").explode().str.strip())
        placeholders = sorted((referenced & known) - set(issuers["issuer_id"]))
        if placeholders:
            issuers = pd.concat([issuers, pd.DataFrame(
                {"issuer_id": placeholders, "name": placeholders, "kind": "other",
                 "country": "", "accreditation": "", "scope": ""})], ignore_index=True)
        memberships = frames["memberships.csv"] if has_memberships else None
        try:
            bundle = validate_frames(frames["signals.csv"], issuers, memberships)
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
                                        value=first.value, reason=reason, raw=t.raw[pos]))
    for name, rep in repeats.items():
        t = tables[name]
        for pos, first in rep.items():
            if not alive[name][first]:
                parsed.rejected.append(Rejected(
                    row=int(t.lines[pos]), field=None, value=None,
                    reason=f"repeats row {int(t.lines[first])}, which has problems: fix that row",
                    raw=t.raw[pos]))

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
    signals["source_row"] = [f"signals.csv:{line}" for line in
                             tables["signals.csv"].lines[sig_rows]]
    parsed.signals = signals
    parsed.links = bundle.links[["signal_id", "issuer_id"]]

    iss_take, iss_rows = source_rows("issuers.csv")
    in_file = bundle.issuers.iloc[:int(alive["issuers.csv"].sum())]  # placeholders come last
    order = pd.Index(np.flatnonzero(alive["issuers.csv"]))
    issuers = in_file.iloc[order.get_indexer(iss_take)].reset_index(drop=True)
    issuers["source_row"] = [f"issuers.csv:{line}" for line in
                             tables["issuers.csv"].lines[iss_rows]]
    parsed.issuers = issuers

    if has_memberships and len(tables["memberships.csv"].frame):
        # The validated frame drops exact repeats, so take the checked rows from the raw
        # frame (every surviving row passed validation) and keep dates as text.
        mem_take, mem_rows = source_rows("memberships.csv")
        mem = tables["memberships.csv"].frame.iloc[mem_take].reset_index(drop=True)
        mem["source_row"] = [f"memberships.csv:{line}" for line in
                             tables["memberships.csv"].lines[mem_rows]]
        parsed.records = mem
    return parsed

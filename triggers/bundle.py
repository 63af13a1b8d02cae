"""The signal bundle: read, check and write the folder of CSV files the product exchanges.

Reading is the one CSV reader (triggers/csvfile.py); checking is one ordered pass over the
tables (issuers, then the signals that name them, then memberships and coverage), which gives
the good rows and every problem by row at once. `read_bundle` and `validate_frames` raise
BundleError when anything is wrong (the engine reads a bundle whole or not at all); the
importer keeps the good rows and quarantines the rest from the same pass. Every problem names
the file, the row (the line it starts on, header = 1), the field, the value and what is
allowed. The format is docs/bundle.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from triggers import cells, csvfile, days
from triggers.conform import conform
from triggers.problems import Problem, ProblemError, Problems
from triggers.schema import (
    ACCREDITATIONS,
    BUNDLE_TABLES,
    COMPLETENESS,
    COVERAGE,
    ISSUERS,
    MEMBERSHIPS,
    SIGNAL_FIELDS,
    SIGNALS,
    Table,
)
from triggers.vocabulary import ISSUER_KINDS, NGO_SCOPES, NGO_STATUSES, NHRI_STATUSES

# The column lists by their old names, for callers that build frames.
SIGNAL_COLUMNS, SIGNAL_REQUIRED = list(SIGNALS.columns), list(SIGNALS.required)
ISSUER_COLUMNS, ISSUER_REQUIRED = list(ISSUERS.columns), list(ISSUERS.required)
MEMBERSHIP_COLUMNS, MEMBERSHIP_REQUIRED = list(MEMBERSHIPS.columns), list(MEMBERSHIPS.required)
COVERAGE_COLUMNS, COVERAGE_REQUIRED = list(COVERAGE.columns), list(COVERAGE.required)

__all__ = ["Bundle", "BundleError", "Checked", "Problem", "check", "read_bundle", "split_ids",
           "validate_coverage", "validate_frames", "write_bundle", "COMPLETENESS"]


class BundleError(ProblemError):
    """Every problem found in a bundle; nothing was read."""

    what = "the bundle"

    def __init__(self, problems: list[Problem], source: str = "bundle", shown: int = 50):
        super().__init__(problems, source, shown)


def _empty_memberships() -> pd.DataFrame:
    return pd.DataFrame({"org_id": pd.Series(dtype=str), "country": pd.Series(dtype=str),
                         "since": pd.Series(dtype="datetime64[ns]"),
                         "until": pd.Series(dtype="datetime64[ns]")})


@dataclass(frozen=True)
class Bundle:
    """Checked frames. Dates are datetime64[ns] days; `until` is exclusive (NaT = open)."""

    signals: pd.DataFrame
    issuers: pd.DataFrame
    links: pd.DataFrame  # one row per distinct (signal_id, issuer_id)
    memberships: pd.DataFrame = field(default_factory=_empty_memberships)
    duplicates: int = 0  # exact repeats of earlier rows, counted once
    # What was searched (coverage.csv): source, issuer_kind, country ("" = every State),
    # start, end (days, both included), completeness. None: the bundle has no coverage.csv,
    # which reads as complete for every kind over all time (docs/criteria.md, "Coverage").
    coverage: pd.DataFrame | None = None
    # The accreditation history of NHRIs and NGOs (accreditations.csv): issuer_id, status,
    # since, until (until exclusive, NaT open). An issuer with rows has, on a signal's date,
    # the status of the row covering it ("none" when none does); one without keeps its
    # `accreditation` column. None: the bundle has no accreditations.csv.
    accreditations: pd.DataFrame | None = None

    @property
    def countries(self) -> list[str]:
        return sorted(self.signals["country"].unique())

    @property
    def date_range(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        if self.signals.empty:
            return None
        return self.signals["date"].min(), self.signals["date"].max()


@dataclass
class Checked:
    """The one check pass's result: the good rows as a Bundle, and every problem.

    `kept[file]`: positions (rows of the frame given) of the good rows, in order, without
    exact repeats; `repeats[file]`: position of an exact repeat of a good row -> position of
    the row it repeats. An importer stores the kept rows and counts the repeats as duplicates.
    """

    bundle: Bundle
    problems: list[Problem]
    kept: dict[str, np.ndarray]
    repeats: dict[str, dict[int, int]]


# --------------------------------------------------------------------------- the checks

def _bad_rows(problems: Problems, file: str, start: int, frame: pd.DataFrame) -> np.ndarray:
    """Per row of `frame`: has a problem from problems[start:] on that file's row."""
    rows = {p.row for p in problems.items[start:] if p.file == file and p.row is not None}
    return np.isin(frame.index.to_numpy(), list(rows)) if rows else np.zeros(len(frame), bool)


def _repeats(frame: pd.DataFrame, table: Table, problems: Problems) -> tuple[dict[int, int], np.ndarray]:
    """Exact repeats (position -> first position), and per row: a later row reusing a key
    with other content (a problem)."""
    clash = np.zeros(len(frame), dtype=bool)
    key = table.key
    if frame.empty or (key and _all_distinct(frame[key])):
        return {}, clash  # an exact repeat repeats its key; comparing whole rows costs more
    exact = frame.duplicated(keep="first").to_numpy()
    repeats: dict[int, int] = {}
    if exact.any():
        group = frame.groupby(list(frame.columns), sort=False, dropna=False).ngroup().to_numpy()
        first_of: dict[int, int] = {}
        for pos, g in enumerate(group):
            first_of.setdefault(int(g), pos)
        repeats = {int(p): first_of[int(group[p])] for p in np.flatnonzero(exact)}
    if key:
        distinct = frame[~exact]
        again = distinct[key].duplicated(keep="first").to_numpy()
        if again.any():
            first_line = distinct[~again].reset_index().set_index(key)["index"]
            for line, value in zip(distinct.index[again], distinct.loc[again, key]):
                problems.add(table.file, int(line), key, value,
                             f"already defined on row {int(first_line[value])} with different "
                             f"content; each {key} must be unique (an exact repeat is counted once)",
                             code="repeated_key")
            clash[np.flatnonzero(~exact)[again]] = True
    return repeats, clash


def _all_distinct(col: pd.Series) -> bool:
    """No value repeats; Arrow counts a million distinct strings in a fraction of pandas' time."""
    return pc.count_distinct(pa.array(col.array)).as_py() == len(col)


def _check_issuers(frame: pd.DataFrame, p: Problems) -> pd.DataFrame:
    f = ISSUERS.file
    cells.required(f, frame, "issuer_id", p, "an issuer_id")
    p.rows(f, frame, frame["issuer_id"].str.contains(";", regex=False), "issuer_id",
           "an issuer_id cannot contain ';' (it separates issuers in signals.csv)", code="semicolon")
    cells.required(f, frame, "name", p, "a name")
    kind = frame["kind"]
    p.rows(f, frame, ~kind.isin(ISSUER_KINDS), "kind", f"unknown kind; allowed: {', '.join(ISSUER_KINDS)}",
           code="unknown_kind", allowed=ISSUER_KINDS)
    national = kind.isin(["nhri", "ngo"])
    cells.countries(f, frame, "country", p, required_mask=national)
    cells.one_of(f, frame, "accreditation", NHRI_STATUSES, p,
                 f"NHRI accreditation must be one of {', '.join(NHRI_STATUSES)}", where=kind == "nhri")
    cells.one_of(f, frame, "accreditation", NGO_STATUSES, p,
                 f"NGO ECOSOC status must be one of {', '.join(NGO_STATUSES)}", where=kind == "ngo")
    cells.one_of(f, frame, "scope", NGO_SCOPES, p,
                 f"scope must be one of {', '.join(NGO_SCOPES)} (or empty)")
    # An unaccredited NHRI or NGO is written "none"; an empty cell means the same.
    out = frame.copy()
    out.loc[national & (frame["accreditation"] == ""), "accreditation"] = "none"
    return out


def _check_signals(frame: pd.DataFrame, p: Problems) -> tuple[pd.Series, np.ndarray]:
    f = SIGNALS.file
    cells.required(f, frame, "signal_id", p, "a signal_id")
    dates = cells.dates(f, frame, "date", p, required=True)
    cells.countries(f, frame, "country", p, required_mask=np.ones(len(frame), bool))
    concern = cells.flags(f, frame, "concern", p)
    return dates, concern


def _check_links(frame: pd.DataFrame, usable: set[str], bad_issuers: dict[str, int],
                 p: Problems) -> pd.Series:
    """Each signal's issuer ids; ids that name no usable issuer are problems on the signal."""
    f = SIGNALS.file
    links = split_ids(frame["issuers"])
    p.rows(f, frame, ~frame.index.isin(links.index), "issuers",
           "at least one issuer id is required (ids from issuers.csv joined by ';')", code="required")
    unknown = ~links.isin(usable).to_numpy()
    for line, value in zip(links.index[unknown], links[unknown]):
        if value in bad_issuers:
            p.add(f, int(line), "issuers", value,
                  f"issuer {value!r} has problems on issuers.csv row {bad_issuers[value]}: fix that "
                  "row", code="bad_issuer")
        else:
            p.add(f, int(line), "issuers", value,
                  "unknown issuer id; add it to issuers.csv or correct the id", code="unknown_issuer")
    return links


def _check_memberships(frame: pd.DataFrame, p: Problems) -> pd.DataFrame:
    f = MEMBERSHIPS.file
    cells.required(f, frame, "org_id", p, "an org_id")
    cells.countries(f, frame, "country", p, required_mask=np.ones(len(frame), bool))
    since = cells.dates(f, frame, "since", p, required=False, earliest=days.EARLIEST_MEMBERSHIP)
    until = cells.dates(f, frame, "until", p, required=False, earliest=days.EARLIEST_MEMBERSHIP)
    p.rows(f, frame, (since.notna() & until.notna() & (until <= since)).to_numpy(), "until",
           "until must be after since (until is the first day the State is no longer a member)",
           code="until_before_since")
    return frame.assign(since=since, until=until)


def _check_coverage(frame: pd.DataFrame, p: Problems) -> pd.DataFrame:
    f = COVERAGE.file
    p.rows(f, frame, frame["source"] == "", "source",
           "a source id is required (e.g. undl-2025-10): it names what was searched", code="required")
    kind = frame["issuer_kind"]
    p.rows(f, frame, kind == "", "issuer_kind",
           f"an issuer_kind is required; allowed: {', '.join(ISSUER_KINDS)}", code="required")
    p.rows(f, frame, (kind != "") & ~kind.isin(ISSUER_KINDS), "issuer_kind",
           f"unknown kind; allowed: {', '.join(ISSUER_KINDS)}", code="unknown_kind",
           allowed=ISSUER_KINDS)
    # An empty country is a row for every State, so it is allowed; a bad code is not.
    cells.countries(f, frame, "country", p, required_mask=np.zeros(len(frame), bool))
    start = cells.dates(f, frame, "start", p, required=True)
    end = cells.dates(f, frame, "end", p, required=True)
    p.rows(f, frame, (start.notna() & end.notna() & (end < start)).to_numpy(), "end",
           "end must be on or after start (both days are included)", code="end_before_start")
    completeness = frame["completeness"]
    cells.one_of(f, frame, "completeness", COMPLETENESS, p,
                 f"must be one of {', '.join(COMPLETENESS)} (empty means complete)")
    return frame.assign(start=start, end=end,
                        completeness=completeness.where(completeness != "", "complete"))


def _check_accreditations(frame: pd.DataFrame, kinds: dict[str, str], p: Problems) -> pd.DataFrame:
    f = ACCREDITATIONS.file
    cells.required(f, frame, "issuer_id", p, "an issuer_id")
    kind = frame["issuer_id"].map(kinds).fillna("")
    p.rows(f, frame, (frame["issuer_id"] != "") & ~kind.isin(["nhri", "ngo"]), "issuer_id",
           "not an NHRI or NGO of issuers.csv: accreditation history is kept for those only",
           code="not_accredited_kind")
    cells.one_of(f, frame, "status", NHRI_STATUSES, p,
                 f"NHRI accreditation must be one of {', '.join(NHRI_STATUSES)}", where=kind == "nhri")
    cells.one_of(f, frame, "status", NGO_STATUSES, p,
                 f"NGO ECOSOC status must be one of {', '.join(NGO_STATUSES)}", where=kind == "ngo")
    cells.required(f, frame, "status", p, "a status")
    since = cells.dates(f, frame, "since", p, required=False)
    until = cells.dates(f, frame, "until", p, required=False)
    p.rows(f, frame, (since.notna() & until.notna() & (until <= since)).to_numpy(), "until",
           "until must be after since (until is the first day of the next status)",
           code="until_before_since")
    return frame.assign(since=since, until=until)


def _report_repeats_of_bad_rows(file: str, frame: pd.DataFrame, repeats: dict[int, int],
                                bad: np.ndarray, p: Problems) -> dict[int, int]:
    """Repeats of a bad row are bad too (their fix is the first row's); returns the rest."""
    good = {}
    for pos, first in repeats.items():
        if bad[first]:
            p.add(file, int(frame.index[pos]), None, None,
                  f"repeats row {int(frame.index[first])}, which has problems: fix that row",
                  code="repeat_of_bad_row", raw={})
        else:
            good[pos] = first
    return good


def check(frames: dict[str, pd.DataFrame], *, lines: dict[str, np.ndarray] | None = None,
          known_issuers=frozenset(), headers: dict[str, list[str]] | None = None,
          problems: Problems | None = None) -> Checked:
    """One ordered pass over a bundle's tables (file name -> raw string frame; signals.csv and
    issuers.csv required, memberships.csv and coverage.csv optional): the good rows and every
    problem. `known_issuers`: ids signals may name without defining them (stored already).
    `lines`: each frame's row lines (default: row 2 onwards, as a spreadsheet numbers them)."""
    p = problems if problems is not None else Problems()
    lines, headers = lines or {}, headers or {}
    tables = {}
    for t in BUNDLE_TABLES:
        if frames.get(t.file) is not None:
            tables[t.file] = conform(frames[t.file], t, p, headers.get(t.file), lines.get(t.file))
    kept: dict[str, np.ndarray] = {}
    repeats: dict[str, dict[int, int]] = {}

    def settle(table: Table, frame: pd.DataFrame, start: int, rep: dict[int, int],
               clash: np.ndarray) -> np.ndarray:
        bad = _bad_rows(p, table.file, start, frame) | clash
        repeated = np.zeros(len(frame), dtype=bool)
        repeated[list(rep)] = True
        repeats[table.file] = _report_repeats_of_bad_rows(table.file, frame, rep, bad, p)
        good = ~bad & ~repeated
        kept[table.file] = np.flatnonzero(good)
        return good

    # issuers
    iss = tables.get(ISSUERS.file)
    bad_issuers: dict[str, int] = {}
    if iss is not None:
        start = len(p)
        rep, clash = _repeats(iss, ISSUERS, p)
        iss = _check_issuers(iss, p)
        good = settle(ISSUERS, iss, start, rep, clash)
        bad_issuers = {i: int(line) for i, line, g in zip(iss["issuer_id"], iss.index, good)
                       if not g and i and i not in set(iss["issuer_id"][good])}
        issuers = iss[good]
    else:
        issuers = pd.DataFrame({c: pd.Series(dtype="str") for c in ISSUERS.columns})
    usable = set(issuers["issuer_id"]) | set(known_issuers)

    # signals and their links
    sig = tables.get(SIGNALS.file)
    if sig is not None:
        start = len(p)
        rep, clash = _repeats(sig, SIGNALS, p)
        dates, concern = _check_signals(sig, p)
        # Without a readable issuers.csv (its problem is reported) every id would be unknown.
        links = (_check_links(sig, usable, bad_issuers, p) if ISSUERS.file in tables or known_issuers
                 else split_ids(sig["issuers"]))
        good = settle(SIGNALS, sig, start, rep, clash)
        signals = sig.drop(columns=["issuers"]).assign(date=dates, concern=concern)[good]
        link_rows = links[np.isin(links.index.to_numpy(), signals.index.to_numpy())]
        link_frame = _distinct_links(signals, link_rows)
    else:
        signals = pd.DataFrame({c: pd.Series(dtype="str") for c in SIGNAL_FIELDS})
        link_frame = pd.DataFrame({"signal_id": pd.Series(dtype="str"),
                                   "issuer_id": pd.Series(dtype="str")})

    # memberships and coverage: they qualify signals, so they come last
    mem = tables.get(MEMBERSHIPS.file)
    memberships = _empty_memberships()
    if mem is not None:
        start = len(p)
        mem = _check_memberships(mem, p)
        good = settle(MEMBERSHIPS, mem, start, {}, np.zeros(len(mem), bool))
        memberships = mem[good].drop_duplicates()
    cov = tables.get(COVERAGE.file)
    coverage = None
    if cov is not None:
        start = len(p)
        cov = _check_coverage(cov, p)
        good = settle(COVERAGE, cov, start, {}, np.zeros(len(cov), bool))
        coverage = cov[good].drop_duplicates().reset_index(drop=True)

    acc = tables.get(ACCREDITATIONS.file)
    accreditations = None
    if acc is not None:
        start = len(p)
        kinds = dict(zip(issuers["issuer_id"], issuers["kind"]))
        acc = _check_accreditations(acc, kinds, p)
        good = settle(ACCREDITATIONS, acc, start, {}, np.zeros(len(acc), bool))
        accreditations = acc[good].drop_duplicates().reset_index(drop=True)

    duplicates = len(repeats.get(SIGNALS.file, {})) + len(repeats.get(ISSUERS.file, {}))
    bundle = Bundle(signals=signals.reset_index(drop=True), issuers=issuers.reset_index(drop=True),
                    links=link_frame, memberships=memberships.reset_index(drop=True),
                    duplicates=duplicates, coverage=coverage, accreditations=accreditations)
    return Checked(bundle, p.items, kept, repeats)


def _distinct_links(signals: pd.DataFrame, links: pd.Series) -> pd.DataFrame:
    """(signal_id, issuer_id) once each, in signal order. Signal ids are unique among good
    rows, so a repeated (row, issuer) is a repeated link; comparing integer codes is far
    cheaper than comparing pairs of id strings."""
    rows = links.index.to_numpy()
    issuer_code = pd.factorize(links)[0].astype(np.int64)
    pair = rows.astype(np.int64) * (int(issuer_code.max(initial=0)) + 1) + issuer_code
    # Links come row by row, so a repeated pair sits in its row's run: sorting within the
    # already sorted rows finds repeats without hashing.
    order = np.argsort(pair, kind="stable")
    sorted_pair = pair[order]
    repeat = np.zeros(len(pair), dtype=bool)
    repeat[order[1:]] = sorted_pair[1:] == sorted_pair[:-1]
    # Both the signals' lines and the links' rows ascend: a binary search places each link.
    at = np.searchsorted(signals.index.to_numpy(), rows[~repeat])
    return pd.DataFrame({"signal_id": signals["signal_id"].iloc[at].reset_index(drop=True),
                         "issuer_id": links[~repeat].reset_index(drop=True)})


def split_ids(cells_: pd.Series) -> pd.Series:
    """';'-joined cells ('a; b') as one stripped, non-empty id per row, indexed by the cell's
    row, in row order. Arrow compute does this in C: a Python split per cell was most of the
    time of checking a million signals."""
    lists = pc.split_pattern(pa.array(cells_.fillna("")), ";")
    ids = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    keep = pc.not_equal(ids, "")
    rows = cells_.index.to_numpy()[pc.filter(pc.list_parent_indices(lists), keep).to_numpy()]
    return pd.Series(pd.array(pc.filter(ids, keep), dtype=str), index=rows)


# --------------------------------------------------------------------------- entry points

def validate_frames(signals: pd.DataFrame, issuers: pd.DataFrame,
                    memberships: pd.DataFrame | None = None, source: str = "bundle", *,
                    coverage: pd.DataFrame | None = None,
                    accreditations: pd.DataFrame | None = None, unique_ids: bool = False) -> Bundle:
    """Check frames in memory (bundle column names; rows numbered from 2) and build a Bundle,
    or raise BundleError. (`unique_ids` is accepted for callers of the old signature; ids are
    checked in any case.)"""
    frames = {SIGNALS.file: signals, ISSUERS.file: issuers, MEMBERSHIPS.file: memberships,
              COVERAGE.file: coverage, ACCREDITATIONS.file: accreditations}
    checked = check({k: v for k, v in frames.items() if v is not None})
    if checked.problems:
        raise BundleError(checked.problems, source)
    return checked.bundle


def validate_coverage(coverage: pd.DataFrame, source: str = "coverage") -> pd.DataFrame:
    """Check coverage rows on their own (rows a user declares), or raise BundleError."""
    p = Problems()
    frame = conform(coverage, COVERAGE, p)
    if frame is not None:
        frame = _check_coverage(frame, p)
    if p:
        raise BundleError(p.items, source)
    return frame.reset_index(drop=True)


def read_files(path: Path, problems: Problems) -> tuple[dict, dict, dict, dict]:
    """Each file of a bundle folder through the one reader: (frames, lines, headers,
    rows read) by file name; file and row problems go to `problems`."""
    frames, lines, headers, rows_read = {}, {}, {}, {}
    for t in BUNDLE_TABLES:
        file = path / t.file
        if not file.exists():
            if t.file in (SIGNALS.file, ISSUERS.file):
                problems.add(t.file, None, None, None,
                             f"file not found at {file}; a bundle needs signals.csv and issuers.csv",
                             code="missing_file")
            continue
        read = csvfile.read_bytes(file.read_bytes(), t.file)
        for prob in read.problems:
            if prob.code == "empty":
                prob = Problem(t.file, None, None, None,
                               f"empty file; expected a header row with {', '.join(t.required)}",
                               code="empty", raw=prob.raw)
            problems.extend([prob])
        if read.ok:
            frames[t.file], lines[t.file], headers[t.file] = read.frame, read.lines, read.header
            rows_read[t.file] = read.rows_read
    return frames, lines, headers, rows_read


def read_bundle(path: str | Path) -> Bundle:
    """Read and check a bundle folder, or raise BundleError listing every problem."""
    path = Path(path)
    if not path.is_dir():
        raise BundleError([Problem(str(path), None, None, None,
                                   "not a folder; a bundle is a folder with signals.csv and "
                                   "issuers.csv", code="not_a_folder")], source=str(path))
    p = Problems()
    frames, lines, headers, _ = read_files(path, p)
    checked = check(frames, lines=lines, headers=headers, problems=p)
    if checked.problems:
        raise BundleError(checked.problems, str(path))
    return checked.bundle


def write_bundle(bundle: Bundle, path: str | Path) -> Path:
    """Write a bundle folder that read_bundle reads back to the same frames."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    joined = (bundle.links.groupby("signal_id", sort=False)["issuer_id"]
              .agg(lambda ids: ";".join(sorted(ids))))
    signals = bundle.signals.assign(
        date=bundle.signals["date"].dt.strftime("%Y-%m-%d"),
        concern=np.where(bundle.signals["concern"], "true", "false"),
        issuers=bundle.signals["signal_id"].map(joined).fillna(""),
    )
    if "category" not in signals.columns:
        signals["category"] = ""
    signals = signals[SIGNAL_COLUMNS].sort_values(["date", "signal_id"])
    signals.to_csv(path / SIGNALS.file, index=False)
    bundle.issuers[ISSUER_COLUMNS].sort_values("issuer_id").to_csv(path / ISSUERS.file, index=False)
    mem = bundle.memberships
    if not mem.empty:
        mem.assign(since=mem["since"].dt.strftime("%Y-%m-%d").fillna(""),
                   until=mem["until"].dt.strftime("%Y-%m-%d").fillna(""))[MEMBERSHIP_COLUMNS] \
            .sort_values(MEMBERSHIP_COLUMNS).to_csv(path / MEMBERSHIPS.file, index=False)
    if bundle.coverage is not None:
        # Written even when empty: a header-only coverage.csv says "nothing was searched",
        # which is not what a bundle without the file says.
        cov = bundle.coverage
        cov.assign(start=cov["start"].dt.strftime("%Y-%m-%d"),
                   end=cov["end"].dt.strftime("%Y-%m-%d"))[COVERAGE_COLUMNS] \
            .sort_values(COVERAGE_COLUMNS).to_csv(path / COVERAGE.file, index=False)
    if bundle.accreditations is not None and len(bundle.accreditations):
        acc = bundle.accreditations
        acc.assign(since=acc["since"].dt.strftime("%Y-%m-%d").fillna(""),
                   until=acc["until"].dt.strftime("%Y-%m-%d").fillna(""))[list(ACCREDITATIONS.columns)] \
            .sort_values(list(ACCREDITATIONS.columns)).to_csv(path / ACCREDITATIONS.file, index=False)
    return path

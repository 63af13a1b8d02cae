"""Coverage: which days each source was searched, and what that lets a criterion say.

A coverage row says a source was searched for expressions of concern by issuers of one kind
about one State (or every State) on every day of [start, end]; `complete` rows say all it
published is loaded, `sample` rows that some is. For criterion c with window W as of day T
(docs/criteria.md, "Coverage"):

- covered_k = the days of (T - W, T] inside some complete row of kind k for the State;
- full when covered_k = W for every kind c reads; none when no row (complete or sample) of
  those kinds touches the window; partial otherwise. covered_days = the smallest covered_k.

A bundle without coverage rows at all (`None`, no coverage.csv) is full everywhere: that is
what a bundle meant before coverage existed, so its results do not change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

NONE, PARTIAL, FULL = 0, 1, 2
COVERAGE_STATES = ("none", "partial", "full")  # index = code
EVERY_STATE = -1  # country index of a row that covers every State


@dataclass(frozen=True)
class PreparedCoverage:
    """Coverage rows as arrays; a row's country is an index into the evaluated countries."""

    kind: np.ndarray  # object, issuer kind per row
    country: np.ndarray  # int32, EVERY_STATE or an index into Prepared.countries
    start: np.ndarray  # int64 day, included
    end: np.ndarray  # int64 day, included
    complete: np.ndarray  # bool
    source: np.ndarray  # object, source id

    def __len__(self) -> int:
        return len(self.kind)

    def label(self, row: int) -> str:
        return str(self.source[row]) + ("" if self.complete[row] else " (sample)")


def prepare_coverage(frame: pd.DataFrame | None, codes: list[str], epoch) -> PreparedCoverage | None:
    """Index a bundle's coverage frame on the evaluated countries; None stays None (full).

    A row about a State that is not evaluated can change nothing and is dropped."""
    if frame is None:
        return None
    country = frame["country"].fillna("").astype(str).to_numpy(dtype=object)
    index = {c: i for i, c in enumerate(codes)}
    pos = np.array([EVERY_STATE if c == "" else index.get(c, -2) for c in country], dtype=np.int32)
    keep = pos != -2

    def days(col):
        values = frame[col].to_numpy().astype("datetime64[D]")
        return (values - epoch).astype(np.int64)[keep]

    return PreparedCoverage(
        kind=frame["issuer_kind"].astype(str).to_numpy(dtype=object)[keep],
        country=pos[keep], start=days("start"), end=days("end"),
        complete=(frame["completeness"].astype(str) == "complete").to_numpy()[keep],
        source=frame["source"].astype(str).to_numpy(dtype=object)[keep],
    )


# ---------------------------------------------------------------------------- one day

@dataclass(frozen=True)
class CoverageAsOf:
    """One criterion's coverage on one day, per country."""

    state: np.ndarray  # int8: NONE, PARTIAL, FULL
    covered_days: np.ndarray  # int64: the smallest covered_k over the criterion's kinds
    sources: list[list[str]]  # per country: the rows touching the window, as labels

    def name(self, country: int) -> str:
        return COVERAGE_STATES[self.state[country]]


def _union_days(starts: np.ndarray, ends: np.ndarray) -> int:
    """Days in the union of inclusive day intervals."""
    if len(starts) == 0:
        return 0
    order = np.argsort(starts, kind="stable")
    s, e = starts[order], ends[order]
    reach = np.maximum.accumulate(e)
    new = np.ones(len(s), dtype=bool)
    new[1:] = s[1:] > reach[:-1]
    firsts = np.flatnonzero(new)
    return int((np.maximum.reduceat(e, firsts) - s[firsts] + 1).sum())


def as_of(cov: PreparedCoverage | None, n_countries: int, kinds, window: int,
          day: int) -> CoverageAsOf:
    """Coverage of a criterion reading `kinds` with window W as of `day`, per country."""
    if cov is None:
        return CoverageAsOf(np.full(n_countries, FULL, dtype=np.int8),
                            np.full(n_countries, window, dtype=np.int64),
                            [[] for _ in range(n_countries)])
    lo, hi = day - window + 1, day
    touching = np.isin(cov.kind, list(kinds)) & (cov.start <= hi) & (cov.end >= lo)
    start, end = np.maximum(cov.start, lo), np.minimum(cov.end, hi)
    covered = np.full(n_countries, window, dtype=np.int64)
    for kind in kinds:
        mine = touching & cov.complete & (cov.kind == kind)
        every = mine & (cov.country == EVERY_STATE)
        days = np.full(n_countries, _union_days(start[every], end[every]), dtype=np.int64)
        for c in np.unique(cov.country[mine & ~every]):
            rows = every | (mine & (cov.country == c))
            days[c] = _union_days(start[rows], end[rows])
        covered = np.minimum(covered, days)

    rows = np.flatnonzero(touching)
    common = sorted({cov.label(r) for r in rows if cov.country[r] == EVERY_STATE})
    sources = [common for _ in range(n_countries)]
    touched = np.zeros(n_countries, dtype=bool)
    touched[:] = bool(common)
    for c in np.unique(cov.country[rows]):
        if c == EVERY_STATE:
            continue
        touched[c] = True
        sources[c] = sorted(set(common) | {cov.label(r) for r in rows if cov.country[r] == c})
    state = np.where(covered == window, FULL, np.where(touched, PARTIAL, NONE)).astype(np.int8)
    return CoverageAsOf(state, covered, sources)


# ---------------------------------------------------------------------------- every day

def full_grid(cov: PreparedCoverage | None, n_countries: int, kinds, window: int,
              first: int, last: int) -> np.ndarray | None:
    """Per (country, day T from first to last): is the criterion's coverage full as of T?
    None means full everywhere (no coverage rows at all). With window 1 this is simply
    "was day T searched, completely, for every kind"."""
    if cov is None:
        return None
    origin = first - window + 1
    width = last - origin + 1
    grid = np.ones((n_countries, last - first + 1), dtype=bool)
    for kind in kinds:
        mine = (cov.kind == kind) & cov.complete & (cov.start <= last) & (cov.end >= origin)
        every = mine & (cov.country == EVERY_STATE)
        base = _searched_days(cov, np.flatnonzero(every), np.zeros(every.sum(), np.int64), 1,
                              origin, width)
        own_rows = np.flatnonzero(mine & ~every)
        own, slot = np.unique(cov.country[own_rows], return_inverse=True)
        # Rows of their own widen a State's searched days beyond the all-States ones.
        searched = _searched_days(cov, own_rows, slot, len(own), origin, width) | base
        before = grid[own]
        grid &= _full_windows(base, window)
        grid[own] = before & _full_windows(searched, window)
    return grid


def _searched_days(cov: PreparedCoverage, rows: np.ndarray, slot: np.ndarray, n: int,
                   origin: int, width: int) -> np.ndarray:
    """(n, width) bool: day origin + j inside one of the rows placed in slot i."""
    diff = np.zeros((n, width + 1), dtype=np.int32)
    np.add.at(diff, (slot, np.maximum(cov.start[rows], origin) - origin), 1)
    np.add.at(diff, (slot, np.minimum(cov.end[rows], origin + width - 1) - origin + 1), -1)
    return np.cumsum(diff[:, :-1], axis=1) > 0


def _full_windows(searched: np.ndarray, window: int) -> np.ndarray:
    """Per window end (from the window-th day on): were all its days searched? Row-wise."""
    running = np.zeros(searched.shape[:-1] + (searched.shape[-1] + 1,), dtype=np.int32)
    np.cumsum(searched, axis=-1, dtype=np.int32, out=running[..., 1:])
    return (running[..., window:] - running[..., : searched.shape[-1] - window + 1]) == window

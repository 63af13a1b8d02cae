"""The shared context of a back-test: the States assessed, the outcomes and the range turned
into arrays once, and the triggered runs ("episodes") of a daily grid."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from triggers.bundle import Bundle
from triggers.outcomes import OUTCOME_KINDS
from triggers.prepared import EPOCH, Prepared, from_day, prepare, to_day

DEFAULT_LOOKBACK_DAYS = 365
DEFAULT_HORIZON_DAYS = 365
DEFAULT_QUIET_DAYS = 365  # an onset follows at least this many days without a triggered day
KEY = 1 << 20  # country index * KEY + day: one sortable key per (State, day); days < 2^20
# Observer States of the UN General Assembly (non-member States): assessed with the members.
OBSERVER_STATES = ("PSE", "VAT")


def assessed_states(countries: pd.DataFrame) -> list[str]:
    """The States assessed: the reference table's UN Member States (a UN regional group) and the
    observer States (Holy See, State of Palestine), whatever data exists about them."""
    if countries is None or countries.empty:
        return []
    group = countries["un_group"].fillna("").astype(str)
    observers = set(OBSERVER_STATES) & set(countries["iso3"])
    codes = set(countries.loc[group != "", "iso3"]) | observers
    return sorted(codes)


@dataclass(frozen=True)
class Context:
    """Everything the methods of one back-test share (days are day numbers since 1970)."""

    prep: Prepared
    codes: np.ndarray  # the States assessed, sorted: row i of every grid is codes[i]
    rows: np.ndarray  # grid row of each prep.countries entry, -1 for a State not assessed
    spare: int  # prep index whose coverage is the all-States rows only (a State not in prep)
    first: int  # history start (column 0 of every grid)
    start: int
    end: int
    lookback: int
    horizon: int
    quiet: int  # Q: quiet days before an onset
    kinds: tuple[str, ...]  # the outcome kinds counted
    scored: pd.DataFrame  # counted outcomes of States assessed dated in [start, end]: row, day
    located: pd.DataFrame  # every counted outcome of a State assessed (any date): row, day
    follow_keys: np.ndarray  # sorted row*KEY+day of every located outcome
    follow_order: np.ndarray  # position in `located` of each sorted key
    thematic: pd.DataFrame  # counted outcomes in the range without a State
    not_assessed: pd.DataFrame  # counted outcomes in the range of a place not assessed

    @property
    def n_days(self) -> int:
        """Days in every grid: the history start to the range end."""
        return self.end - self.first + 1

    def day(self, col) -> np.ndarray:
        """Grid columns as datetime64[ns] days."""
        return (EPOCH + (self.first + np.asarray(col, dtype=np.int64))).astype("datetime64[ns]")


def _selected_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    """The outcome kinds counted: every kind by default; an unknown kind is an error."""
    if kinds is None:
        return OUTCOME_KINDS
    chosen = tuple(dict.fromkeys(kinds))
    unknown = [k for k in chosen if k not in OUTCOME_KINDS]
    if unknown:
        raise ValueError(f"unknown outcome kind(s) {', '.join(unknown)}; "
                         f"allowed: {', '.join(OUTCOME_KINDS)}")
    if not chosen:
        raise ValueError("choose at least one outcome kind")
    return chosen


def build_context(data: Bundle | Prepared, outcomes: pd.DataFrame, start, end,
                  lookback_days: int = DEFAULT_LOOKBACK_DAYS,
                  horizon_days: int = DEFAULT_HORIZON_DAYS, *,
                  states: Sequence[str] | None = None, kinds: Iterable[str] | None = None,
                  quiet_days: int = DEFAULT_QUIET_DAYS) -> Context:
    """The range, the States assessed and the counted outcomes as arrays, validated once."""
    if lookback_days < 1:
        raise ValueError(f"lookback_days must be 1 or more (got {lookback_days})")
    if horizon_days < 0:
        raise ValueError(f"horizon_days must be 0 or more (got {horizon_days})")
    if quiet_days < 1:
        raise ValueError(f"quiet_days must be 1 or more (got {quiet_days})")
    s, e = to_day(start), to_day(end)
    if e < s:
        raise ValueError(f"end ({from_day(e)}) is before start ({from_day(s)})")
    missing = [c for c in ("country", "date", "kind", "reference") if c not in outcomes.columns]
    if missing:
        raise ValueError(f"outcomes frame lacks column(s) {', '.join(missing)}; "
                         "read it with triggers.outcomes.read_outcomes")
    chosen = _selected_kinds(kinds)
    outcomes = outcomes.copy()
    for col in ("title", "url"):
        if col not in outcomes.columns:
            outcomes[col] = ""
    outcomes["country"] = outcomes["country"].fillna("").astype(str)
    outcomes["date"] = pd.to_datetime(outcomes["date"]).astype("datetime64[ns]")
    outcomes = outcomes[outcomes["kind"].isin(chosen)].reset_index(drop=True)
    with_state = outcomes["country"] != ""
    outcome_codes = sorted(set(outcomes.loc[with_state, "country"]))
    if states is None:
        # No list given: the States the bundle and the outcomes name (tests, ad-hoc bundles).
        codes = np.asarray(sorted(set(data.countries) | set(outcome_codes)), dtype=object)
    else:
        codes = np.asarray(sorted(set(states)), dtype=object)
        if not len(codes):
            raise ValueError("no State is assessed: give at least one State")
    prep = data if isinstance(data, Prepared) else prepare(data, list(codes))
    index = pd.Index(codes)
    assessed = with_state & outcomes["country"].isin(set(codes))
    located = outcomes[assessed].reset_index(drop=True)
    located["row"] = index.get_indexer(located["country"])
    located["day"] = ((located["date"].to_numpy().astype("datetime64[D]") - EPOCH)
                      .astype(np.int64))
    keys = located["row"].to_numpy(np.int64) * KEY + located["day"].to_numpy()
    order = np.argsort(keys, kind="stable")
    in_range = (located["day"] >= s) & (located["day"] <= e)
    scored = located[in_range].sort_values(["date", "country", "reference"]).reset_index(drop=True)
    all_days = (outcomes["date"].to_numpy().astype("datetime64[D]") - EPOCH).astype(np.int64)
    dated_in = (all_days >= s) & (all_days <= e)
    columns = ["country", "date", "kind", "reference", "title", "url"]
    thematic = outcomes[~with_state & dated_in][columns].reset_index(drop=True)
    elsewhere = outcomes[with_state & ~assessed & dated_in][columns].reset_index(drop=True)
    # History: the grids start early enough that every episode touching the lookback or the
    # range is seen from its real first day (before the earliest signal or outcome, every
    # State is clear under every method).
    earliest = [s - lookback_days]
    if prep.n_signals:
        earliest.append(int(prep.sig_day.min()))
    if len(located):
        earliest.append(int(located["day"].min()))
    return Context(prep=prep, codes=codes, rows=index.get_indexer(prep.countries),
                   spare=prep.n_countries, first=min(earliest), start=s, end=e,
                   lookback=lookback_days, horizon=horizon_days, quiet=quiet_days, kinds=chosen,
                   scored=scored, located=located, follow_keys=keys[order], follow_order=order,
                   thematic=thematic, not_assessed=elsewhere)


def on_codes(ctx: Context, grid: np.ndarray) -> np.ndarray:
    """A (prep countries x days) grid placed on the rows of the States assessed; a State
    assessed that the prepared bundle does not hold gets a row of zeros (never triggered)."""
    keep = ctx.rows >= 0
    if len(ctx.codes) == len(keep) and np.array_equal(ctx.rows, np.arange(len(keep))):
        return grid
    out = np.zeros((len(ctx.codes), grid.shape[1]), dtype=grid.dtype)
    out[ctx.rows[keep]] = grid[keep]
    return out


def prep_rows(ctx: Context) -> np.ndarray:
    """For each State assessed, its index in the prepared bundle, or ctx.spare if it has none."""
    out = np.full(len(ctx.codes), ctx.spare, dtype=np.int64)
    keep = ctx.rows >= 0
    out[ctx.rows[keep]] = np.flatnonzero(keep)
    return out


@dataclass(frozen=True)
class Runs:
    """The triggered episodes of a grid: maximal runs of triggered days, as grid columns,
    sorted by (row, first day). The k-th first day pairs with the k-th last day."""

    row: np.ndarray  # int64 row of the States assessed
    start: np.ndarray  # int64 first column
    end: np.ndarray  # int64 last column

    def __len__(self) -> int:
        return len(self.row)

    @classmethod
    def of(cls, triggered: np.ndarray) -> "Runs":
        """The runs of a (States x days) boolean grid."""
        trig = triggered.astype(bool, copy=False)
        n_days = trig.shape[1]
        began = trig.copy()
        began[:, 1:] &= ~trig[:, :-1]
        ended = trig.copy()
        ended[:, :-1] &= ~trig[:, 1:]
        b_idx, e_idx = np.flatnonzero(began), np.flatnonzero(ended)
        return cls(b_idx // n_days, b_idx % n_days, e_idx % n_days)

    def moved(self, permutation: np.ndarray) -> "Runs":
        """The same runs with State row r moved to row permutation[r], re-sorted."""
        row = permutation[self.row]
        order = np.lexsort((self.start, row))
        return Runs(row[order], self.start[order], self.end[order])

    def onsets(self, quiet: int) -> np.ndarray:
        """Per run: is its first day an onset (no triggered day in the `quiet` days before)?"""
        onset = np.ones(len(self.row), dtype=bool)
        if len(self.row) > 1:
            same = self.row[1:] == self.row[:-1]
            gap = self.start[1:] - self.end[:-1] - 1
            onset[1:] = ~same | (gap >= quiet)
        return onset

"""The shared context of a back-test: outcomes and range turned into arrays once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from triggers.bundle import Bundle
from triggers.prepared import EPOCH, Prepared, from_day, prepare, to_day

DEFAULT_LOOKBACK_DAYS = 365
DEFAULT_HORIZON_DAYS = 365
KEY = 1 << 20  # country index * KEY + day: one sortable key per (State, day); days < 2^20


@dataclass(frozen=True)
class Context:
    prep: Prepared
    codes: np.ndarray  # every State of the grids: the bundle's and the outcomes'
    rows: np.ndarray  # grid row of each prep.countries entry
    first: int  # history start (day number)
    start: int
    end: int
    lookback: int
    horizon: int
    scored: pd.DataFrame  # outcomes with a State dated in [start, end], with `row`, `day`
    follow_keys: np.ndarray  # sorted row*KEY+day of every outcome with a State (any date)
    follow_order: np.ndarray  # position in `located` of each sorted key
    located: pd.DataFrame  # every outcome with a State, with `row` and `day`
    thematic: pd.DataFrame


def build_context(data: Bundle | Prepared, outcomes: pd.DataFrame, start, end, lookback_days: int,
             horizon_days: int) -> Context:
    if lookback_days < 1:
        raise ValueError(f"lookback_days must be 1 or more (got {lookback_days})")
    if horizon_days < 0:
        raise ValueError(f"horizon_days must be 0 or more (got {horizon_days})")
    s, e = to_day(start), to_day(end)
    if e < s:
        raise ValueError(f"end ({from_day(e)}) is before start ({from_day(s)})")
    missing = [c for c in ("country", "date", "kind", "reference") if c not in outcomes.columns]
    if missing:
        raise ValueError(f"outcomes frame lacks column(s) {', '.join(missing)}; "
                         "read it with triggers.outcomes.read_outcomes")
    outcomes = outcomes.copy()
    for col in ("title", "url"):
        if col not in outcomes.columns:
            outcomes[col] = ""
    outcomes["country"] = outcomes["country"].fillna("").astype(str)
    outcomes["date"] = pd.to_datetime(outcomes["date"]).astype("datetime64[ns]")
    with_state = outcomes["country"] != ""
    outcome_codes = sorted(set(outcomes.loc[with_state, "country"]))
    prep = data if isinstance(data, Prepared) else prepare(data, outcome_codes)
    codes = np.asarray(sorted(set(prep.countries) | set(outcome_codes)), dtype=object)
    index = pd.Index(codes)
    located = outcomes[with_state].reset_index(drop=True)
    located["row"] = index.get_indexer(located["country"])
    located["day"] = ((located["date"].to_numpy().astype("datetime64[D]") - EPOCH)
                      .astype(np.int64))
    keys = located["row"].to_numpy(np.int64) * KEY + located["day"].to_numpy()
    order = np.argsort(keys, kind="stable")
    in_range = (located["day"] >= s) & (located["day"] <= e)
    scored = located[in_range].sort_values(["date", "country", "reference"]).reset_index(drop=True)
    thematic_days = (outcomes["date"].to_numpy().astype("datetime64[D]") - EPOCH).astype(np.int64)
    thematic = outcomes[~with_state & (thematic_days >= s) & (thematic_days <= e)]
    # History: the grids start early enough that every episode touching the lookback or the
    # range is seen from its real first day (before the earliest signal or outcome, every
    # State is clear under every method).
    earliest = [s - lookback_days]
    if prep.n_signals:
        earliest.append(int(prep.sig_day.min()))
    if len(located):
        earliest.append(int(located["day"].min()))
    return Context(prep=prep, codes=codes, rows=index.get_indexer(prep.countries),
                    first=min(earliest), start=s, end=e, lookback=lookback_days,
                    horizon=horizon_days, scored=scored, follow_keys=keys[order],
                    follow_order=order, located=located,
                    thematic=thematic[["country", "date", "kind", "reference", "title", "url"]]
                    .reset_index(drop=True))


def on_codes(ctx: Context, grid: np.ndarray) -> np.ndarray:
    """A (bundle countries x days) grid placed on the rows of every State of the back-test."""
    if len(ctx.codes) == grid.shape[0]:
        return grid
    out = np.zeros((len(ctx.codes), grid.shape[1]), dtype=grid.dtype)
    out[ctx.rows] = grid
    return out

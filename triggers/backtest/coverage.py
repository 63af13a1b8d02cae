"""What data each criterion had: covered days per (State, day), covered shares of lookbacks and
episodes, and a warning per criterion saying which part of the period was searched.

A day is covered for criterion c and State C when complete coverage rows cover it for every
kind c reads (triggers.coverage.full_grid with window 1). A bundle without coverage rows
(prep.coverage None) is complete: every day is covered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from triggers.backtest.context import Context, prep_rows
from triggers.coverage import full_grid
from triggers.criteria import bind
from triggers.prepared import EPOCH, from_day
from triggers.rules import RuleSet
from triggers.vocabulary import ISSUER_KINDS, KIND_LABELS

# A calendar year the period covers for fewer days than this is too short to call a gap.
MIN_YEAR_DAYS_FOR_GAP = 60
# Stretches of days a warning names before "and N more".
SHOWN_STRETCHES = 3


def covered_days(ctx: Context, kinds, cache: dict | None = None) -> np.ndarray | None:
    """(States assessed x grid days) bool: was the day completely searched for every kind?
    None when the bundle has no coverage rows (complete everywhere)."""
    cov = ctx.prep.coverage
    if cov is None:
        return None
    key = ("covered", tuple(sorted(kinds)))
    if cache is not None and key in cache:
        return cache[key]
    # One extra row with no rows of its own: the all-States coverage of a State not in prep.
    grid = full_grid(cov, ctx.prep.n_countries + 1, kinds, 1, ctx.first, ctx.end)[prep_rows(ctx)]
    if cache is not None:
        cache[key] = grid
    return grid


def touched_days(ctx: Context, kinds) -> np.ndarray | None:
    """(States assessed x grid days) bool: did any coverage row (complete or sample) of one of
    the kinds cover the day? None without coverage rows."""
    cov = ctx.prep.coverage
    if cov is None:
        return None
    anything = replace(cov, complete=np.ones(len(cov), dtype=bool))
    rows = prep_rows(ctx)
    out = np.zeros((len(ctx.codes), ctx.n_days), dtype=bool)
    for kind in kinds:
        out |= full_grid(anything, ctx.prep.n_countries + 1, [kind], 1, ctx.first, ctx.end)[rows]
    return out


def criterion_grids(ctx: Context, rules: RuleSet, cache: dict | None = None
                    ) -> dict[str, np.ndarray] | None:
    """Covered days of every enabled criterion, by id; None when the bundle is complete."""
    if ctx.prep.coverage is None:
        return None
    return {c.id: covered_days(ctx, c.kinds, cache) for c in rules.enabled_criteria}


def _running(grid: np.ndarray) -> np.ndarray:
    """Row-wise running count with a leading zero column: days in [a, b] = r[b + 1] - r[a]."""
    out = np.zeros((grid.shape[0], grid.shape[1] + 1), dtype=np.int32)
    np.cumsum(grid, axis=1, dtype=np.int32, out=out[:, 1:])
    return out


@dataclass(frozen=True)
class OutcomeCoverage:
    """Per scored outcome: each enabled criterion's covered share of the lookback, and whether
    some enabled criterion had its whole lookback covered."""

    shares: dict[str, np.ndarray]  # criterion id -> float per scored outcome
    covered: np.ndarray  # bool per scored outcome


def outcome_coverage(ctx: Context, rules: RuleSet, grids: dict[str, np.ndarray] | None
                     ) -> OutcomeCoverage:
    """Covered share of c for an outcome of State C on day o = covered days in [o-L, o-1] / L."""
    n = len(ctx.scored)
    ids = [c.id for c in rules.enabled_criteria]
    if grids is None:
        return OutcomeCoverage({cid: np.ones(n) for cid in ids}, np.ones(n, dtype=bool))
    row = ctx.scored["row"].to_numpy(np.int64)
    col = ctx.scored["day"].to_numpy(np.int64) - ctx.first
    shares, covered = {}, np.zeros(n, dtype=bool)
    for cid in ids:
        run = _running(grids[cid])
        days = run[row, col] - run[row, col - ctx.lookback]  # columns o-L .. o-1
        shares[cid] = days / ctx.lookback
        covered |= days == ctx.lookback
    return OutcomeCoverage(shares, covered)


def episode_shares(ctx: Context, grids: dict[str, np.ndarray] | None, ids: list[str],
                   row: np.ndarray, start: np.ndarray, end: np.ndarray) -> dict[str, np.ndarray]:
    """Covered share of each criterion over an episode's days [a, b] (grid columns)."""
    if grids is None:
        return {cid: np.ones(len(row)) for cid in ids}
    out = {}
    for cid in ids:
        run = _running(grids[cid])
        out[cid] = (run[row, end + 1] - run[row, start]) / (end - start + 1)
    return out


# ---------------------------------------------------------------------------- the period

def _stretches(mask: np.ndarray, offset: int) -> list[tuple[int, int]]:
    """Runs of True in a day vector, as (first day, last day) numbers."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(offset + int(a), offset + int(b) - 1) for a, b in zip(edges[::2], edges[1::2])]


def _stretch_text(stretches: list[tuple[int, int]]) -> str:
    shown = [f"{from_day(a)}" if a == b else f"{from_day(a)} to {from_day(b)}"
             for a, b in stretches[:SHOWN_STRETCHES]]
    more = len(stretches) - SHOWN_STRETCHES
    return ", ".join(shown) + (f" and {more} more stretch(es)" if more > 0 else "")


def _signal_kinds(ctx: Context) -> dict[str, np.ndarray]:
    """Per issuer kind: bool per signal, one of its issuers is of that kind and the signal is
    about a State assessed and dated in the period [start - L, end]."""
    prep = ctx.prep
    kinds = prep.issuer_kind[prep.link_issuer]
    where = (ctx.rows[prep.sig_country] >= 0) if prep.n_signals else np.zeros(0, dtype=bool)
    where &= (prep.sig_day >= ctx.start - ctx.lookback) & (prep.sig_day <= ctx.end)
    out = {}
    for k in ISSUER_KINDS:
        mask = np.zeros(prep.n_signals, dtype=bool)
        mask[prep.link_sig[kinds == k]] = True
        out[k] = mask & where
    return out


def signal_table(ctx: Context) -> pd.DataFrame:
    """Per issuer kind: signals about the States assessed in [start - L, end], the first and
    last, and the calendar years (60 days or more of the period) with none."""
    prep = ctx.prep
    s, e = ctx.start - ctx.lookback, ctx.end
    years = []
    for y in range(int(str(EPOCH + s)[:4]), int(str(EPOCH + e)[:4]) + 1):
        a = max(s, int((np.datetime64(f"{y}-01-01") - EPOCH).astype(np.int64)))
        b = min(e, int((np.datetime64(f"{y}-12-31") - EPOCH).astype(np.int64)))
        years.append((y, b - a + 1))
    rows = []
    for kind, mask in _signal_kinds(ctx).items():
        days = prep.sig_day[mask]
        seen = set(((EPOCH + days).astype("datetime64[Y]").astype(int) + 1970).tolist())
        empty = [y for y, n in years if n >= MIN_YEAR_DAYS_FOR_GAP and y not in seen]
        rows.append({"kind": kind, "label": KIND_LABELS[kind], "signals": int(len(days)),
                     "first": from_day(int(days.min())) if len(days) else None,
                     "last": from_day(int(days.max())) if len(days) else None,
                     "years_without_signals": ";".join(map(str, empty))})
    return pd.DataFrame(rows)


def criteria_coverage(ctx: Context, rules: RuleSet, cache: dict | None = None
                      ) -> tuple[pd.DataFrame, list[str]]:
    """Per enabled criterion, what the period [start - L, end] held, and a warning for each
    criterion without complete coverage of every State assessed on every day of it."""
    p0, p1 = ctx.start - ctx.lookback - ctx.first, ctx.end - ctx.first
    n_days = p1 - p0 + 1
    span = f"{from_day(ctx.start - ctx.lookback)} and {from_day(ctx.end)}"
    by_kind = _signal_kinds(ctx)
    cov = ctx.prep.coverage
    rows, warnings = [], []
    for crit in rules.enabled_criteria:
        kinds = list(crit.kinds)
        labels = bind(crit, rules.window_of(crit)).who_briefly()
        signals = int(np.logical_or.reduce([by_kind[k] for k in kinds]).sum())
        covered = covered_days(ctx, kinds, cache)
        if covered is None:
            complete = np.ones(n_days, dtype=bool)
            none = np.zeros(n_days, dtype=bool)
            share, rows_touch = 1.0, False
        else:
            part = covered[:, p0:p1 + 1]
            touched = touched_days(ctx, kinds)[:, p0:p1 + 1]
            complete = part.all(axis=0)
            none = ~touched.any(axis=0)
            share = float(part.mean()) if part.size else 0.0
            rows_touch = bool(touched.any())
        partial = ~complete & ~none
        has_data = signals > 0 or rows_touch
        rows.append({"criterion": crit.id, "title": crit.title or crit.id, "kinds": ";".join(kinds),
                     "signals": signals, "covered_share": share,
                     "days_complete": int(complete.sum()), "days_partial": int(partial.sum()),
                     "days_none": int(none.sum()), "days": n_days, "has_data": has_data})
        if not has_data:
            warnings.append(f"criterion {crit.id}: no data at all for {labels} between {span} "
                            f"(no coverage row, no signal): this back-test says nothing about "
                            f"whether it would have warned")
            continue
        if cov is None or complete.all():
            continue
        parts = [f"complete coverage of every State assessed on {int(complete.sum()):,} of "
                 f"{n_days:,} days" + (f" ({_stretch_text(_stretches(complete, ctx.first + p0))})"
                                       if complete.any() else "")]
        if partial.any():
            parts.append(f"partial (some States or some kinds, or a sample) on "
                         f"{int(partial.sum()):,} days "
                         f"({_stretch_text(_stretches(partial, ctx.first + p0))})")
        if none.any():
            parts.append(f"none on {int(none.sum()):,} days "
                         f"({_stretch_text(_stretches(none, ctx.first + p0))})")
        warnings.append(f"criterion {crit.id} ({labels}) between {span}: " + "; ".join(parts)
                        + f"; {signals:,} signal(s)")
    columns = ["criterion", "title", "kinds", "signals", "covered_share", "days_complete",
               "days_partial", "days_none", "days", "has_data"]
    return pd.DataFrame(rows, columns=columns), warnings


def without_data(table: pd.DataFrame) -> list[str]:
    """Ids of the criteria with no data at all in the period (no coverage row, no signal)."""
    return table.loc[~table["has_data"].astype(bool), "criterion"].tolist()

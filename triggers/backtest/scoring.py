"""Scoring one warning method: warned (fresh or chronic), lead time, followed and onsets, from
the triggered runs of a daily grid; metrics over all outcomes and over the covered ones."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from triggers.backtest.context import KEY, Context, Runs
from triggers.backtest.coverage import OutcomeCoverage, episode_shares
from triggers.backtest.result import METHOD_LABELS, Score

SEVERITY_BANDS = ("1", "2", "3+")  # criteria met on an episode's first day


@dataclass(frozen=True)
class Marks:
    """What one method's runs say about each scored outcome and each run."""

    warned: np.ndarray  # bool per scored outcome
    warn_run: np.ndarray  # index of the run holding the last triggered day, -1 if not warned
    last: np.ndarray  # column of the last triggered day in the lookback (-1)
    lead: np.ndarray  # o minus the first day of that run (-1)
    fresh: np.ndarray  # bool: that run began within the lookback [o - L, o - 1]
    scored_run: np.ndarray  # bool per run: not over before the range starts
    followed: np.ndarray  # bool per run: an outcome of its State in [a, b + H]
    first_outcome: np.ndarray  # per run: index into ctx.follow_order of the first such outcome
    onset: np.ndarray  # bool per run: its first day follows at least Q quiet days


def mark(ctx: Context, runs: Runs) -> Marks:
    """Warned, fresh, lead, followed and onset for every scored outcome and every run."""
    sc = ctx.scored
    o_row = sc["row"].to_numpy(np.int64)
    o_col = sc["day"].to_numpy(np.int64) - ctx.first
    if len(runs):
        # The State's last run starting before the outcome; it warned if it reaches the lookback.
        j = np.searchsorted(runs.row * KEY + runs.start, o_row * KEY + o_col - 1, side="right") - 1
        jj = np.maximum(j, 0)
        same = (j >= 0) & (runs.row[jj] == o_row)
        last = np.where(same, np.minimum(runs.end[jj], o_col - 1), -1)
        warned = same & (last >= o_col - ctx.lookback)
        began = np.where(warned, runs.start[jj], -1)
        warn_run = np.where(warned, j, -1)
    else:
        warned = np.zeros(len(sc), dtype=bool)
        last = began = warn_run = np.full(len(sc), -1, dtype=np.int64)
    lead = np.where(warned, o_col - began, -1)
    fresh = warned & (began >= o_col - ctx.lookback)
    base = runs.row.astype(np.int64) * KEY + ctx.first
    lo = np.searchsorted(ctx.follow_keys, base + runs.start, side="left")
    hi = np.searchsorted(ctx.follow_keys, base + runs.end + ctx.horizon, side="right")
    return Marks(warned=warned, warn_run=warn_run, last=last, lead=lead, fresh=fresh,
                 scored_run=runs.end >= ctx.start - ctx.first, followed=hi > lo,
                 first_outcome=lo, onset=runs.onsets(ctx.quiet))


def _median(values: np.ndarray) -> float | None:
    """The median, or None when there is nothing to take it of."""
    return float(np.median(values)) if len(values) else None


def _ratio(a: int, b: int) -> float | None:
    """a / b, or None (shown as a dash) when b is 0: no outcome, no episode."""
    return float(a / b) if b else None


def metrics(ctx: Context, runs: Runs, m: Marks, covered: np.ndarray) -> dict:
    """The metrics of docs/backtest.md, over every scored outcome and over the covered ones."""
    n_out = len(m.warned)
    keep = m.scored_run
    n_ep = int(keep.sum())
    followed = int((m.followed & keep).sum())
    onsets = m.onset & keep
    n_on = int(onsets.sum())
    on_followed = int((m.followed & onsets).sum())
    leads, fresh_leads = m.lead[m.warned], m.lead[m.fresh]
    warned, fresh = int(m.warned.sum()), int(m.fresh.sum())
    years = (ctx.end - ctx.start + 1) / 365.25
    s0 = ctx.start - ctx.first
    range_days = len(ctx.codes) * (ctx.end - ctx.start + 1)
    inside = int(np.maximum(runs.end - np.maximum(runs.start, s0) + 1, 0).sum())
    n_cov = int(covered.sum())
    w_cov, f_cov = int((m.warned & covered).sum()), int((m.fresh & covered).sum())
    return {
        "outcomes": n_out,
        "warned": warned,
        "recall": _ratio(warned, n_out),
        "warned_fresh": fresh,
        "recall_fresh": _ratio(fresh, n_out),
        "warned_chronic": warned - fresh,
        "chronic_share": _ratio(warned - fresh, warned),
        "episodes": n_ep,
        "followed": followed,
        "precision": _ratio(followed, n_ep),
        "false_alarms": n_ep - followed,
        "false_alarms_per_year": float((n_ep - followed) / years),
        "onsets": n_on,
        "onsets_followed": on_followed,
        "precision_onsets": _ratio(on_followed, n_on),
        "lead_days_median": _median(leads),
        "lead_days_q1": float(np.percentile(leads, 25)) if len(leads) else None,
        "lead_days_q3": float(np.percentile(leads, 75)) if len(leads) else None,
        "lead_days_median_fresh": _median(fresh_leads),
        "triggered_share": float(inside / range_days) if range_days else 0.0,
        "states_assessed": len(ctx.codes),
        "outcomes_covered": n_cov,
        "warned_covered": w_cov,
        "recall_covered": _ratio(w_cov, n_cov),
        "warned_fresh_covered": f_cov,
        "recall_fresh_covered": _ratio(f_cov, n_cov),
        "lead_days_median_covered": _median(m.lead[m.warned & covered]),
    }


def criteria_count(runs: Runs, met: dict[str, np.ndarray]) -> np.ndarray:
    """Per run: the number of enabled criteria met on its first day."""
    count = np.zeros(len(runs), dtype=np.int64)
    for grid in met.values():
        count += grid[runs.row, runs.start]
    return count


def band_of(count: np.ndarray) -> np.ndarray:
    """'1', '2' or '3+' for a number of criteria met."""
    return np.where(count >= 3, "3+", np.where(count == 2, "2", "1")).astype(object)


def calibration(ctx: Context, runs: Runs, m: Marks, met: dict[str, np.ndarray]) -> pd.DataFrame:
    """Recall and precision by the number of criteria met when an episode began (1, 2, 3+)."""
    band = band_of(criteria_count(runs, met))
    onsets = m.onset & m.scored_run
    n_out = len(m.warned)
    warn_band = np.where(m.warned, band[np.maximum(m.warn_run, 0)] if len(runs) else "", "")
    rows = []
    for b in SEVERITY_BANDS:
        mine = onsets & (band == b)
        n, f = int(mine.sum()), int((mine & m.followed).sum())
        w = int((warn_band == b).sum())
        rows.append({"criteria_met": b, "onsets": n, "onsets_followed": f,
                     "precision_onsets": _ratio(f, n), "warned": w, "recall": _ratio(w, n_out)})
    return pd.DataFrame(rows)


def score(ctx: Context, method: str, runs: Runs, covered: OutcomeCoverage,
          met: dict[str, np.ndarray] | None = None, grids: dict[str, np.ndarray] | None = None,
          tables: bool = True, label: str | None = None) -> Score:
    """One method's runs scored against the outcomes; with tables, per outcome and episode."""
    m = mark(ctx, runs)
    label = label or METHOD_LABELS.get(method, method)
    values = metrics(ctx, runs, m, covered.covered)
    if not tables:
        return Score(method, label, pd.DataFrame(), pd.DataFrame(), values)
    sc = ctx.scored
    ids = list(covered.shares)

    def criteria_on(rows, cols, ok) -> list[str]:
        if met is None:
            return [""] * len(rows)
        return [";".join(cid for cid, g in met.items() if g[r, c]) if good else ""
                for r, c, good in zip(rows, cols, ok)]

    warned = m.warned
    began = np.where(warned, runs.start[np.maximum(m.warn_run, 0)] if len(runs) else -1, -1)
    outcome_table = pd.DataFrame({
        "country": sc["country"].to_numpy(object),
        "date": sc["date"].to_numpy(),
        "kind": sc["kind"].to_numpy(object),
        "reference": sc["reference"].to_numpy(object),
        "title": sc["title"].to_numpy(object),
        "warned": warned,
        "fresh": m.fresh,
        "last_triggered": pd.Series(ctx.day(m.last)).where(warned).to_numpy(),
        "episode_start": pd.Series(ctx.day(began)).where(warned).to_numpy(),
        "lead_days": pd.array(np.where(warned, m.lead, 0), dtype="Int64"),
        "criteria_at_start": criteria_on(sc["row"].to_numpy(np.int64), began, warned),
        "covered": covered.covered,
        **{f"{cid}_covered": covered.shares[cid] for cid in ids},
    })
    outcome_table.loc[~warned, "lead_days"] = pd.NA

    keep = m.scored_run
    row, start, end = runs.row[keep], runs.start[keep], runs.end[keep]
    followed, lo = m.followed[keep], m.first_outcome[keep]
    n_ep = len(row)
    if n_ep and len(ctx.located):
        # For a followed run, lo points at its first outcome in the follow-up window.
        hit = ctx.located.iloc[ctx.follow_order[np.minimum(lo, len(ctx.located) - 1)]]
        hit_day = np.where(followed, hit["day"].to_numpy(np.int64), 0)
        hit_ref = np.where(followed, hit["reference"].to_numpy(object), None)
        hit_kind = np.where(followed, hit["kind"].to_numpy(object), None)
    else:
        hit_day = np.zeros(n_ep, np.int64)
        hit_ref = hit_kind = np.full(n_ep, None, dtype=object)
    shares = episode_shares(ctx, grids, ids, row, start, end)
    columns = {
        "country": ctx.codes[row],
        "start": ctx.day(start),
        "end": ctx.day(end),
        "days": (end - start + 1).astype(np.int64),
        "began_before_range": start + ctx.first < ctx.start,
        "ongoing_at_end": end == ctx.n_days - 1,
        "horizon_past_end": end + ctx.first + ctx.horizon > ctx.end,
        "onset": m.onset[keep],
        "followed": followed,
        "outcome_date": pd.Series(ctx.day(hit_day - ctx.first)).where(followed).to_numpy(),
        "outcome_reference": hit_ref,
        "outcome_kind": hit_kind,
        "days_to_outcome": pd.array(hit_day - ctx.first - start, dtype="Int64"),
        "criteria_at_start": criteria_on(row, start, np.ones(n_ep, bool)),
    }
    if met is not None:
        columns["criteria_met_at_start"] = criteria_count(Runs(row, start, end), met)
    columns.update({f"{cid}_covered": shares[cid] for cid in ids})
    episode_table = pd.DataFrame(columns)
    episode_table.loc[~followed, "days_to_outcome"] = pd.NA
    episode_table = episode_table.sort_values(["start", "country"], kind="stable") \
        .reset_index(drop=True)
    return Score(method, label, outcome_table, episode_table, values)

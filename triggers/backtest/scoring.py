"""Scoring one warning method: warned, lead time and followed from a triggered grid."""

from __future__ import annotations

import numpy as np
import pandas as pd

from triggers.backtest.context import KEY, Context
from triggers.backtest.result import METHOD_LABELS, Score
from triggers.prepared import EPOCH

def score(ctx: Context, method: str, triggered: np.ndarray,
           met: dict[str, np.ndarray] | None = None, tables: bool = True) -> Score:
    """Warned, lead time and followed for one (States x days) triggered grid from ctx.first."""
    trig = triggered.astype(bool, copy=False)
    n_rows, n_days = trig.shape
    # Episodes are runs of triggered days: a first day has no triggered day before it, a
    # last day none after it. In row-major order the k-th first day pairs with the k-th last.
    began = trig.copy()
    began[:, 1:] &= ~trig[:, :-1]
    ended = trig.copy()
    ended[:, :-1] &= ~trig[:, 1:]
    b_idx, e_idx = np.flatnonzero(began), np.flatnonzero(ended)
    all_row, all_start, all_end = b_idx // n_days, b_idx % n_days, e_idx % n_days

    # Warned: the State's last episode starting before the outcome reaches into the lookback.
    sc = ctx.scored
    o_row = sc["row"].to_numpy(np.int64)
    o_col = sc["day"].to_numpy(np.int64) - ctx.first
    if len(all_row):
        j = np.searchsorted(all_row * KEY + all_start, o_row * KEY + o_col - 1, side="right") - 1
        jj = np.maximum(j, 0)
        same = (j >= 0) & (all_row[jj] == o_row)
        last = np.where(same, np.minimum(all_end[jj], o_col - 1), -1)
        ep_col = all_start[jj]
    else:
        same = np.zeros(len(sc), dtype=bool)
        last = ep_col = np.full(len(sc), -1, dtype=np.int64)
    warned = same & (last >= o_col - ctx.lookback)
    ep_col = np.where(warned, ep_col, -1)
    lead = np.where(warned, o_col - ep_col, -1)

    # Scored episodes: those not over before the range starts.
    s0 = ctx.start - ctx.first
    keep = all_end >= s0
    e_row, e_start, e_end = all_row[keep], all_start[keep], all_end[keep]
    base = e_row.astype(np.int64) * KEY + ctx.first
    lo = np.searchsorted(ctx.follow_keys, base + e_start, side="left")
    hi = np.searchsorted(ctx.follow_keys, base + e_end + ctx.horizon, side="right")
    followed = hi > lo
    leads = lead[warned]
    n_out, n_ep = len(sc), len(e_row)
    years = (ctx.end - ctx.start + 1) / 365.25
    range_days = n_rows * (n_days - s0)
    inside = np.maximum(e_end - np.maximum(e_start, s0) + 1, 0).sum()
    metrics = {
        "outcomes": int(n_out),
        "warned": int(warned.sum()),
        "recall": float(warned.mean()) if n_out else None,
        "episodes": int(n_ep),
        "followed": int(followed.sum()),
        "precision": float(followed.mean()) if n_ep else None,
        "false_alarms": int(n_ep - followed.sum()),
        "false_alarms_per_year": float((n_ep - followed.sum()) / years),
        "lead_days_median": float(np.median(leads)) if len(leads) else None,
        "lead_days_q1": float(np.percentile(leads, 25)) if len(leads) else None,
        "lead_days_q3": float(np.percentile(leads, 75)) if len(leads) else None,
        "triggered_share": float(inside / range_days) if range_days else 0.0,
    }
    if not tables:
        return Score(method, METHOD_LABELS.get(method, method), pd.DataFrame(), pd.DataFrame(),
                     metrics)

    def day(col):
        return (EPOCH + (ctx.first + np.asarray(col, dtype=np.int64))).astype("datetime64[ns]")

    def criteria_on(rows, start_cols, mask):
        if met is None:
            return [""] * len(rows)
        out = []
        for r, c, ok in zip(rows, start_cols, mask):
            out.append(";".join(cid for cid, g in met.items() if ok and g[r, c]) if ok else "")
        return out

    outcome_table = pd.DataFrame({
        "country": sc["country"].to_numpy(object),
        "date": sc["date"].to_numpy(),
        "kind": sc["kind"].to_numpy(object),
        "reference": sc["reference"].to_numpy(object),
        "title": sc["title"].to_numpy(object),
        "warned": warned,
        "last_triggered": pd.Series(day(last)).where(warned).to_numpy(),
        "episode_start": pd.Series(day(ep_col)).where(warned).to_numpy(),
        "lead_days": pd.array(np.where(warned, lead, 0), dtype="Int64"),
        "criteria_at_start": criteria_on(o_row, ep_col, warned),
    })
    outcome_table.loc[~warned, "lead_days"] = pd.NA

    if n_ep and len(ctx.located):
        # For a followed episode, lo points at its first outcome in the follow-up window.
        hit = ctx.located.iloc[ctx.follow_order[np.minimum(lo, len(ctx.located) - 1)]]
        hit_day = np.where(followed, hit["day"].to_numpy(np.int64), 0)
        hit_ref = np.where(followed, hit["reference"].to_numpy(object), None)
        hit_kind = np.where(followed, hit["kind"].to_numpy(object), None)
    else:
        hit_day = np.zeros(n_ep, np.int64)
        hit_ref = hit_kind = np.full(n_ep, None, dtype=object)
    episode_table = pd.DataFrame({
        "country": ctx.codes[e_row],
        "start": day(e_start),
        "end": day(e_end),
        "days": (e_end - e_start + 1).astype(np.int64),
        "began_before_range": e_start + ctx.first < ctx.start,
        "ongoing_at_end": e_end == n_days - 1,
        "horizon_past_end": e_end + ctx.first + ctx.horizon > ctx.end,
        "followed": followed,
        "outcome_date": pd.Series(day(hit_day - ctx.first)).where(followed).to_numpy(),
        "outcome_reference": hit_ref,
        "outcome_kind": hit_kind,
        "days_to_outcome": pd.array(hit_day - ctx.first - e_start, dtype="Int64"),
        "criteria_at_start": criteria_on(e_row, e_start, np.ones(n_ep, bool)),
    })
    episode_table.loc[~followed, "days_to_outcome"] = pd.NA
    episode_table = episode_table.sort_values(["start", "country"], kind="stable").reset_index(drop=True)
    return Score(method, METHOD_LABELS.get(method, method), outcome_table, episode_table, metrics)

"""Consistency: the States that met the threshold next to what the Council did about them,
paired only when the Council acted within the criteria's window."""

from __future__ import annotations

import numpy as np
import pandas as pd

from triggers.backtest.result import BacktestResult
from triggers.outcomes import OUTCOME_LABELS

CONSISTENCY_CATEGORIES = ("criteria met, Council acted",
                          "criteria met, no Council action in the window",
                          "Council acted, criteria not met")
COLUMNS = ["country", "category", "first_triggered", "last_triggered", "window_end",
           "triggered_days", "episodes", "episodes_followed", "council_action", "outcomes",
           "outcomes_in_window", "outcomes_warned"]


def consistency(result: BacktestResult) -> pd.DataFrame:
    """Per State: did it meet the threshold in the range, and did the Council act within
    [first triggered day, last triggered day + horizon]?

    Met: triggered on at least one day of the range (first_triggered and last_triggered are
    the first and last such days inside it). Acted: an outcome of the State dated in the range.
    A State that met the threshold is "Council acted" only when one of those outcomes falls
    in its window; the others are listed as outside the window.
    """
    sc = result.score
    ep, out = sc.episodes, sc.outcomes
    start = pd.Timestamp(result.start)
    horizon = pd.Timedelta(days=result.horizon_days)
    inside = ep.assign(start=ep["start"].clip(lower=start))
    met = inside.groupby("country").agg(first_triggered=("start", "min"),
                                        last_triggered=("end", "max"),
                                        episodes=("start", "size"),
                                        episodes_followed=("followed", "sum"))
    # Days before the range are not the range's: count only the part inside it.
    met["triggered_days"] = (inside.assign(days=(inside["end"] - inside["start"]).dt.days + 1)
                             .groupby("country")["days"].sum())
    met["window_end"] = met["last_triggered"] + horizon
    window = out.join(met[["first_triggered", "window_end"]], on="country")
    in_window = (window["date"] >= window["first_triggered"]) & \
        (window["date"] <= window["window_end"])
    in_window = in_window.fillna(False).astype(bool)
    has_window = window["first_triggered"].notna()
    label = out["kind"].map(OUTCOME_LABELS).fillna(out["kind"])
    action = (label + " " + out["reference"] + " (" + out["date"].dt.strftime("%Y-%m-%d")
              + np.where(has_window & ~in_window, ", outside the window", "") + ")")
    acted = out.assign(action=action, in_window=in_window)
    acts = acted.groupby("country").agg(council_action=("action", "; ".join),
                                        outcomes=("reference", "size"),
                                        outcomes_in_window=("in_window", "sum"),
                                        outcomes_warned=("warned", "sum"))
    table = met.join(acts, how="outer").reset_index().rename(columns={"index": "country"})
    has_met = table["episodes"].fillna(0) > 0
    has_acted = table["outcomes_in_window"].fillna(0) > 0
    table["category"] = np.where(has_met & has_acted, CONSISTENCY_CATEGORIES[0],
                                 np.where(has_met, CONSISTENCY_CATEGORIES[1],
                                          CONSISTENCY_CATEGORIES[2]))
    for col in ("episodes", "episodes_followed", "outcomes", "outcomes_in_window",
                "outcomes_warned", "triggered_days"):
        table[col] = table[col].fillna(0).astype(int)
    table["council_action"] = table["council_action"].fillna("nothing")
    order = {c: i for i, c in enumerate(CONSISTENCY_CATEGORIES)}
    table = table.sort_values(["category", "triggered_days"],
                              key=lambda s: s.map(order) if s.name == "category" else -s,
                              kind="stable")
    return table[COLUMNS].reset_index(drop=True)


def window_text(result: BacktestResult) -> str:
    """The pairing window in words, for the page."""
    return (f"a State that met the threshold counts as 'Council acted' only when an outcome "
            f"is dated from its first triggered day in the period to {result.horizon_days} "
            f"days after its last")

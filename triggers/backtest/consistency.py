"""Consistency: the States that met the threshold next to what the Council did."""

from __future__ import annotations

import numpy as np
import pandas as pd

from triggers.backtest.result import BacktestResult
from triggers.outcomes import OUTCOME_LABELS

CONSISTENCY_CATEGORIES = ("criteria met, Council acted", "criteria met, no Council action",
                          "Council acted, criteria not met")


def consistency(result: BacktestResult) -> pd.DataFrame:
    """Per State: did it meet the threshold in the range, and what did the Council do?

    A State met the threshold when it was triggered on at least one day of the range; the
    Council acted when the State has an outcome dated in the range.
    """
    sc = result.score
    ep, out = sc.episodes, sc.outcomes
    start = pd.Timestamp(result.start)
    in_range = ep.assign(start=ep["start"].clip(lower=start))
    met = in_range.groupby("country").agg(
        first_triggered=("start", "min"), episodes=("start", "size"),
        episodes_followed=("followed", "sum"))
    # Days before the range are not the range's: count only the part inside it.
    met["triggered_days"] = (in_range.assign(days=(in_range["end"] - in_range["start"]).dt.days + 1)
                             .groupby("country")["days"].sum())
    acted = out.assign(action=out["kind"].map(OUTCOME_LABELS).fillna(out["kind"]) + " "
                       + out["reference"] + " (" + out["date"].dt.strftime("%Y-%m-%d") + ")")
    acts = acted.groupby("country").agg(council_action=("action", "; ".join),
                                        outcomes=("reference", "size"),
                                        outcomes_warned=("warned", "sum"))
    table = met.join(acts, how="outer").reset_index().rename(columns={"index": "country"})
    has_met = table["episodes"].fillna(0) > 0
    has_acted = table["outcomes"].fillna(0) > 0
    table["category"] = np.where(has_met & has_acted, CONSISTENCY_CATEGORIES[0],
                                 np.where(has_met, CONSISTENCY_CATEGORIES[1], CONSISTENCY_CATEGORIES[2]))
    for col in ("episodes", "episodes_followed", "outcomes", "outcomes_warned", "triggered_days"):
        table[col] = table[col].fillna(0).astype(int)
    table["council_action"] = table["council_action"].fillna("nothing")
    order = {c: i for i, c in enumerate(CONSISTENCY_CATEGORIES)}
    table = table.sort_values(["category", "triggered_days"], key=lambda s: s.map(order)
                              if s.name == "category" else -s, kind="stable")
    return table[["country", "category", "first_triggered", "triggered_days", "episodes",
                  "episodes_followed", "council_action", "outcomes", "outcomes_warned"]] \
        .reset_index(drop=True)

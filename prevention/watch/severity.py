"""A severity order within each status, so that twenty triggered States that all read
'1 criterion met' still rank.

Within a status, States are ordered by, in turn:

1. the number of criteria met (more first);
2. the number of distinct issuers behind the evidence of the rule set's enabled criteria,
   counted inside each criterion's window (more voices first);
3. recency: the date of the newest of those signals (more recent first);

and by name last, so that the order is stable. Nothing here is a judgement: each key is a
count or a date the evidence shows, and the pages say which keys ranked a State.
Pure: an Evaluation and the bundle's signal-issuer links in, a frame out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from prevention.display.status import STATUS_RANK
from triggers.evaluate import Evaluation

COLUMNS = ["country", "status", "criteria_met", "issuers", "latest", "rank"]

EXPLANATION = (
    "Within each status, States are ordered by the number of criteria met, then by the number "
    "of distinct issuers (mandates, bodies, organisations) behind the evidence inside the "
    "criteria's windows, then by the date of the newest such statement. The order ranks what "
    "the record shows; it is not an assessment of the situations.")


def severity(evaluation: Evaluation, links: pd.DataFrame) -> pd.DataFrame:
    """One row per evaluated State: country, status, criteria_met, issuers (distinct issuers
    of the evidence signals of enabled criteria), latest (newest evidence date, NaT if none)
    and rank (1 = most severe within its status), most pressing status first."""
    table = evaluation.table[["country", "status", "criteria_met"]].copy()
    crit = evaluation.criteria
    crit = crit[crit["enabled"]][["country", "evidence"]].explode("evidence").dropna()
    crit = crit.rename(columns={"evidence": "signal_id"}).drop_duplicates()
    signals = evaluation.signals[["signal_id", "date"]]
    dated = crit.merge(signals, on="signal_id", how="left")
    latest = dated.groupby("country")["date"].max()
    voices = dated.merge(links[["signal_id", "issuer_id"]], on="signal_id", how="inner")
    issuers = voices.groupby("country")["issuer_id"].nunique()
    table["issuers"] = [int(issuers.get(c, 0)) for c in table["country"]]
    table["issuers"] = table["issuers"].astype(np.int64)
    newest = latest.to_dict()
    table["latest"] = pd.to_datetime(pd.Series([newest.get(c) for c in table["country"]],
                                               index=table.index, dtype=object)).astype("datetime64[ns]")
    return order(table)


def order(table: pd.DataFrame) -> pd.DataFrame:
    """Sort rows of (country, status, criteria_met, issuers, latest) by status, then the
    severity keys, and number them within each status (`rank`)."""
    if table.empty:
        return table.assign(rank=pd.Series(dtype=np.int64))[COLUMNS]
    latest = table["latest"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    # No evidence sorts last; min + 1 so that negating it cannot overflow.
    latest = np.where(pd.isna(table["latest"]).to_numpy(), np.iinfo(np.int64).min + 1, latest)
    keys = (table["country"].to_numpy(), -latest, -table["issuers"].to_numpy(),
            -table["criteria_met"].to_numpy(), -table["status"].map(STATUS_RANK).to_numpy())
    out = table.iloc[np.lexsort(keys)].reset_index(drop=True)
    out["rank"] = out.groupby("status", sort=False).cumcount().astype(np.int64) + 1
    return out[COLUMNS]


def reason(row) -> str:
    """Why a State sits where it does, in words: '2 criteria met · 5 issuers · newest 2011-02-25'."""
    met = int(row["criteria_met"])
    n = int(row["issuers"])
    newest = row["latest"]
    parts = [f"{met} criterion met" if met == 1 else f"{met} criteria met",
             f"{n} issuer" if n == 1 else f"{n} issuers"]
    if not pd.isna(newest):
        parts.append(f"newest {pd.Timestamp(newest):%Y-%m-%d}")
    return " · ".join(parts)

"""Watchlists: status since when, what is new, a list's table, and the quarantine table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prevention.display.audit import shown_name
from prevention.display.coverage import PARTIAL_NOT_MET, criterion_result
from prevention.display.status import NO_DATA, STATUS_RANK, iso, status_label
from prevention.display.text import link_column
from prevention.web.views.countries import country_names
from prevention.web.views.overview import country_url
from triggers.evaluate import Evaluation

# ---------------------------------------------------------------- watchlists

def status_since(status: np.ndarray, countries: np.ndarray, first_day: np.datetime64) -> dict[str, str]:
    """For each country: the first day of its current status run in a timeline grid
    (countries x days), as ISO; 'before YYYY-MM-DD' when the run reaches the grid's start."""
    out = {}
    for code, row in zip(countries, status):
        if row.size == 0:
            continue
        changed = np.flatnonzero(row != row[-1])
        if changed.size == 0:
            out[code] = f"before {iso(first_day)}"
        else:
            out[code] = iso(first_day + np.timedelta64(int(changed[-1]) + 1, "D"))
    return out


def whats_new_table(new: pd.DataFrame) -> pd.DataFrame:
    """Signals that arrived since a visit (prevention.watch.watchlists.arrived_since), for display."""
    return link_column(pd.DataFrame({
        "Date": [iso(x) for x in new["date"]],
        "ISO3": new["country"].to_numpy(),
        "Reference": new["reference"].to_numpy(),
        "Title": new["title"].to_numpy(),
        "Source": new["url"].to_numpy(),
        "Imported": [iso(x) for x in new["imported_at"]],
        "Signal id": new["signal_id"].to_numpy(),
    }), "Source")


def quarantine_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Open quarantined rows (prevention.sources.quarantine.list_quarantine) for display: where each
    came from and why it was refused."""
    return pd.DataFrame({
        "Row id": rows["id"].to_numpy(),
        "Import": rows["import_id"].to_numpy(),
        "File": [shown_name(f) for f in rows["file_name"]],  # no server folders
        "Kind": rows["kind"].to_numpy(),
        "Line": rows["row"].astype("Int64").to_numpy(),
        "Field": rows["field"].fillna("").to_numpy(),
        "Value": rows["value"].fillna("").astype(str).to_numpy(),
        "Reason": rows["reason"].to_numpy(),
    })


def criteria_summary(evaluation: Evaluation, code: str) -> str:
    """A State's criteria grouped by what the data lets each say, for text that travels
    without the page (feed entries): 'Met: A. Not met (every day searched): B. Not met in the
    data loaded: C (9 of 365 days searched completely). No data loaded: D; E.' Enabled criteria only."""
    crit = evaluation.criteria
    mine = crit[(crit["country"] == code) & crit["enabled"]]
    if mine.empty:
        return "Not evaluated: nothing is loaded about this State."
    titles = {c.id: (c.title or c.id) for c in evaluation.rules.criteria}
    groups: dict[str, list[str]] = {}
    for r in mine.to_dict("records"):
        title = titles.get(r["criterion_id"], r["criterion_id"])
        result = criterion_result(r["met"], r["enabled"], r["coverage"])
        if result == PARTIAL_NOT_MET:
            title += f" ({r['covered_days']} of {r['window_days']} days searched completely)"
        groups.setdefault(result, []).append(title)
    heads = {"met": "Met", "not met": "Not met (every day searched)",
             PARTIAL_NOT_MET: "Not met in the data loaded", NO_DATA: "No data loaded"}
    return " ".join(f"{heads[k]}: {'; '.join(groups[k])}." for k in heads if k in groups)


def watch_table(evaluation: Evaluation, countries: pd.DataFrame, codes, since: dict[str, str],
                new_signals: dict[str, int], rule_param: str,
                standing: pd.DataFrame | None = None) -> pd.DataFrame:
    """A watchlist's States: status, criteria met, the date the status last changed, and the
    signals that arrived since the user's last visit; `criteria` (criteria_summary) is for
    exports, not for display. With `standing` (prevention.watch.severity.severity of the same
    evaluation) the States are in severity order within each status, with the keys shown."""
    t = evaluation.table.set_index("country")
    codes = [c for c in codes]
    rows = []
    for c in codes:
        # A listed State the evaluation did not cover is one the data says nothing about.
        status = t["status"].get(c, "undetermined")
        rows.append({
            "State": country_names(countries, [c]).iloc[0], "ISO3": c,
            "Status": status_label(status), "status": status,
            "Criteria met": int(t["criteria_met"].get(c, 0)),
            "Status since": since.get(c, ""),
            "New signals": int(new_signals.get(c, 0)),
            "Page": country_url(c, rule_param, evaluation.as_of),
            "criteria": criteria_summary(evaluation, c),
        })
    frame = pd.DataFrame(rows, columns=["State", "ISO3", "Status", "status", "Criteria met",
                                        "Status since", "New signals", "Page", "criteria"])
    if frame.empty:
        return frame
    if standing is not None and len(standing):
        from prevention.watch.severity import reason

        order = {c: i for i, c in enumerate(standing["country"])}
        by = standing.set_index("country")
        frame.insert(5, "Severity", [f"#{int(by.loc[c, 'rank'])} · {reason(by.loc[c])}"
                                     if c in by.index else "" for c in frame["ISO3"]])
        frame = frame.assign(_o=frame["ISO3"].map(order).fillna(len(order)))
        return frame.sort_values(["_o", "State"]).drop(columns="_o").reset_index(drop=True)
    rank = frame["status"].map(STATUS_RANK)
    return frame.iloc[np.lexsort((frame["State"].to_numpy(), -rank.to_numpy()))].reset_index(drop=True)

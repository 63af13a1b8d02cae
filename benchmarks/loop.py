"""The straightforward way: evaluate every country with pandas, one date at a time.

This is the baseline the engine is measured against (issue 2, section 7 (b)): what a careful
analyst would write first. The joins are done once; then, for each date, the signals inside
each criterion's window are filtered and grouped by country. It supports the three criterion
types in every mode, so it also serves as a second, independent reading of the semantics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from triggers.bundle import Bundle
from triggers.rules import RuleSet


def joined_links(bundle: Bundle) -> pd.DataFrame:
    """One row per (signal, issuer) of a signal expressing concern, with what the rules need."""
    s = bundle.signals.loc[bundle.signals["concern"], ["signal_id", "date", "country"]]
    i = bundle.issuers[["issuer_id", "kind", "country", "accreditation", "scope"]].rename(
        columns={"country": "issuer_country"})
    rows = bundle.links.merge(s, on="signal_id").merge(i, on="issuer_id")
    # Membership of the signal's State in the issuing organisation on the signal's date.
    m = bundle.memberships.rename(columns={"org_id": "issuer_id"})
    probe = rows.reset_index()[["index", "issuer_id", "country", "date"]].merge(
        m, on=["issuer_id", "country"])
    inside = ((probe["since"].isna() | (probe["since"] <= probe["date"]))
              & (probe["until"].isna() | (probe["date"] < probe["until"])))
    rows["member"] = rows.index.isin(probe.loc[inside, "index"])
    return rows


def _value(crit, rows: pd.DataFrame) -> tuple[pd.Series, pd.Series | None]:
    """(value per country, has eligible NHRI per country or None) over rows in the window."""
    if crit.type == "statement_by":
        sub = rows[rows["kind"].isin(crit.issuer_kinds)]
        if crit.members_only:
            sub = sub[(sub["kind"] != "regional_org") | sub["member"]]
        return sub.groupby("country")["signal_id"].nunique(), None
    if crit.type == "joint_group":
        sub = rows[rows["kind"].isin(crit.issuer_kinds)]
        if crit.mode == "joint":
            return sub.groupby(["country", "signal_id"])["issuer_id"].nunique().groupby("country").max(), None
        return sub.groupby("country")["issuer_id"].nunique(), None
    same = rows["issuer_country"] == rows["country"]
    nhri = rows[same & (rows["kind"] == "nhri") & rows["accreditation"].isin(crit.nhri_status)]
    ngo_mask = same & (rows["kind"] == "ngo") & rows["accreditation"].isin(crit.ngo_status)
    if crit.ngo_scope is not None:
        ngo_mask &= rows["scope"] == crit.ngo_scope
    ngos = rows[ngo_mask]
    has = pd.Series(True, index=pd.Index(nhri["country"].unique(), name="country"))
    if crit.mode == "joint":
        with_nhri = ngos[ngos["signal_id"].isin(nhri["signal_id"])]
        return with_nhri.groupby(["country", "signal_id"])["issuer_id"].nunique().groupby("country").max(), has
    return ngos.groupby("country")["issuer_id"].nunique(), has


def status_on(rows: pd.DataFrame, rules: RuleSet, countries, day: pd.Timestamp) -> np.ndarray:
    """Status (0 clear, 1 watch, 2 triggered) of each country in `countries` as of `day`."""
    countries = pd.Index(countries)
    criteria_met = np.zeros(len(countries), dtype=np.int64)
    watch = np.zeros(len(countries), dtype=bool)
    for crit in rules.criteria:
        if not crit.enabled:
            continue
        w = rules.window_of(crit)
        inside = rows[(rows["date"] > day - pd.Timedelta(days=w)) & (rows["date"] <= day)]
        value, has = _value(crit, inside)
        v = value.reindex(countries, fill_value=0).to_numpy()
        t = crit.threshold
        if has is None:
            met = v >= t
            progress = np.minimum(v, t) / t
        else:
            h = has.reindex(countries, fill_value=False).to_numpy(dtype=bool)
            met = h & (v >= t)
            progress = (h.astype(np.int64) + np.minimum(v, t)) / (1 + t)
        criteria_met += met
        watch |= progress >= rules.watch_ratio
    return np.where(criteria_met >= rules.min_criteria, 2, np.where(watch, 1, 0)).astype(np.int8)

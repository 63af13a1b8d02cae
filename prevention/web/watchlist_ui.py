"""What the Watchlists page and a shared watchlist's page both show: the list's States with
their status (under the sidebar's rule set and day), in severity order, and recent signals."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from prevention.web import common, live, views


def status_table(countries, param: str, rules, as_of, new_counts: dict | None = None) -> pd.DataFrame:
    d = common.data()
    result = common.evaluation(rules, as_of, sentences=False)
    tl = common.status_timeline(rules, as_of - timedelta(days=3 * 365), as_of)
    since = views.status_since(tl.status, tl.countries, tl.dates[0])
    return views.watch_table(result, d["countries"], countries, since, new_counts or {}, param,
                             standing=live.severity(rules, as_of))


def show_table(table: pd.DataFrame, key: str, stem: str) -> None:
    d = common.data()
    show = table.drop(columns=["status", "criteria"])
    st.dataframe(show, hide_index=True, width="stretch", key=f"wl_{key}",
                 column_config={"Page": st.column_config.LinkColumn("Open", display_text="open ›")})
    st.caption("Within each status, States are in severity order: criteria met, then distinct "
               "issuers in the window, then the newest statement (see What changed).")
    # The file travels without the page: it says what each criterion could be judged on.
    common.downloads(table.drop(columns=["status"]).rename(columns={"criteria": "Criteria and coverage"}),
                     stem, d["synthetic"], f"wl_{key}")


def show_signals(new: pd.DataFrame, key: str, stem: str) -> None:
    d = common.data()
    shown = views.whats_new_table(new)
    if "by_import" in new:
        shown.insert(len(shown.columns) - 1, "Why new", [
            " and ".join(w for w, f in (("stored since", a), ("dated since", b)) if f)
            for a, b in zip(new["by_import"], new["by_date"])])
    st.dataframe(shown, hide_index=True, width="stretch", key=f"new_{key}",
                 column_config={"Source": st.column_config.LinkColumn("Source", display_text="open source ↗")})
    common.downloads(shown, stem, d["synthetic"], f"new_{key}")

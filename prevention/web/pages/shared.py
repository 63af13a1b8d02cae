"""A watchlist its owner made readable by link: read only, no account needed."""

import streamlit as st

from prevention.watch import subscriptions
from prevention.web import common, live, views, watchlist_ui

d = common.header("Shared watchlist")
common.guard("shared")
followed = subscriptions.by_share_token(st.query_params.get("list"))
if followed is None:
    st.warning("This link does not open a watchlist: its owner may have stopped sharing it (which "
               "revokes the link) or made a new one. Ask them for the current link.")
    st.stop()
st.subheader(f"{views.md_text(followed.name)} · shared by {views.md_text(followed.owner)} (read only)")
param, rules, as_of = common.context()
if not followed.countries:
    st.info("This list has no States yet.")
    st.stop()
table = watchlist_ui.status_table(followed.countries, param, rules, as_of)
watchlist_ui.show_table(table, f"shared_{followed.id}", f"watchlist-{followed.name}")
recent = live.recent_signals(followed.countries)
st.subheader(f"Signals of the last {live.SIGNAL_DAYS} days ({len(recent)})")
st.caption("Stored, or dated, in the last 90 days: the same as the list's feed.")
if recent.empty:
    st.caption("None about these States.")
else:
    watchlist_ui.show_signals(recent, f"shared_{followed.id}", f"watchlist-{followed.name}-recent")

"""Consistency: for a period, every State that met the threshold next to what the Council did
within the criteria's window, and the States where the Council acted without the criteria
being met."""

from datetime import date

import streamlit as st

from prevention.web import common, views
from prevention.web.views import backtest as bv
from triggers.backtest import CONSISTENCY_CATEGORIES, window_text
from triggers.outcomes import OUTCOME_KINDS, OUTCOME_LABELS
from triggers.rules import rule_set_to_yaml

HORIZON = 365


@st.cache_resource(max_entries=16, show_spinner="Comparing the criteria with the Council's record…")
def _run(db, version, rules_yaml, outcomes_key, start, end, lookback, horizon, kinds, _rules,
         _outcomes):
    shared = common.data()
    return bv.run(shared["prepared"], _rules, _outcomes, start, end, lookback, horizon,
                  shared["countries"], list(kinds) if kinds else None)


common.guard("consistency")
d = common.header("Consistency", "Did the Council treat alike the situations that met the same "
                                 "criteria? Selectivity shows as States that met the threshold "
                                 "with no Council action next to States it acted on.")
choices = common.rule_set_choices()
with st.sidebar:
    param = common.url_selectbox("Rule set", list(choices), "rules", common.default_rule_set(),
                                 format_func=lambda k: choices.get(k, k))
rules = common.rule_set(param)
today = date.today()
c1, c2 = st.columns(2)
with c1:
    start = common.url_date("From", "cons_start", date(today.year - 5, 1, 1))
with c2:
    end = common.url_date("To", "cons_end", today)
if end < start:
    st.error(f"'To' ({end}) is before 'From' ({start}).")
    st.stop()
outcomes = d["outcomes"]  # validated by their importer
present = [k for k in OUTCOME_KINDS if (outcomes["kind"] == k).any()]
picked = common.url_multiselect("Council action counted", present, "kinds",
                                format_func=lambda k: OUTCOME_LABELS.get(k, k),
                                placeholder="Every kind of outcome stored")
kinds = tuple(picked or present)

result = _run(*common.db_key(), rule_set_to_yaml(rules), "stored", views.iso(start), views.iso(end),
              365, HORIZON, kinds, rules, outcomes)
names = dict(zip(d["countries"]["iso3"], d["countries"]["name"])) if len(d["countries"]) else {}
table = bv.consistency_display(result, names)

if result.warnings:
    with st.expander(f"⚠️ {len(result.warnings)} data limit(s): a criterion without data cannot be met",
                     expanded=True):
        st.markdown("\n".join(f"- {views.md_text(w)}" for w in result.warnings))
if outcomes.empty:
    st.info("No Council outcomes are stored yet, so every State that met the threshold shows "
            "'no Council action': import data/reference/council_outcomes.csv on the Data page.",
            icon="ℹ️")

cols = st.columns(3)
for col, category in zip(cols, CONSISTENCY_CATEGORIES):
    col.metric(category[0].upper() + category[1:], int((table["Finding"] == category).sum()))

shown = common.url_multiselect("Show", list(CONSISTENCY_CATEGORIES), "finding",
                               placeholder="All findings")
if shown:
    table = table[table["Finding"].isin(shown)]
st.subheader(f"{views.md_text(rules.title)}, {result.start} to {result.end}")
st.caption(views.md_text(
    f"Met the threshold: triggered on at least one day of the period. The Council acted: an "
    f"outcome on the State dated in the period ({bv.kinds_text(result.outcome_kinds) or 'none'}). "
    f"The window: {window_text(result)} ({HORIZON} days), so an action years before or after "
    f"the criteria were met is listed as outside the window, not paired with them. Over the "
    f"{len(result.states)} States assessed."))
st.dataframe(table, hide_index=True, width="stretch")
common.downloads(table, f"consistency-{rules.id}-v{rules.version}-{result.start}-{result.end}",
                 d["synthetic"], "cons_dl")

"""Track record: the published rule set against the Council's record so far, in plain words."""

from datetime import date

import streamlit as st

from prevention import backtest_views as bv
from prevention import views
from prevention.review import published_rule_set
from prevention.ui import common
from triggers.rules import rule_set_to_yaml


@st.cache_resource(max_entries=4, show_spinner="Reading the record…")
def _run(db, version, rules_yaml, outcomes_key, start, end, lookback, horizon, _rules, _outcomes):
    shared = common.data()
    return bv.run(shared["prepared"], _rules, _outcomes, start, end, lookback, horizon,
                  shared["sources"])


common.guard("track_record")
d = common.header("Track record", "How the published criteria have done against what the Council "
                                  "actually did. No early-warning system in this field publishes "
                                  "its lead times; this one does.")
rules = published_rule_set()
st.markdown(f"**{views.md_text(rules.title)}** (version {rules.version}), the rule set currently "
            f"published. {views.md_text(rules.description)}")
outcomes = d["outcomes"]  # validated by their importer
if outcomes.empty:
    st.info("No Council outcomes are stored yet, so there is no record to show.", icon="ℹ️")
    st.stop()

result = _run(*common.db_key(), rule_set_to_yaml(rules), "stored", bv.COUNCIL_FIRST_DAY,
              views.iso(date.today()), 365, 365, rules, outcomes)
for sentence in bv.track_record_sentences(result):
    st.markdown(sentence)
if result.warnings:
    st.warning("The record is only as complete as the data loaded: " + " ".join(
        f"{w[0].upper()}{w[1:]}." for w in result.warnings[:3])
        + (f" ({len(result.warnings) - 3} more on the Back-test page.)" if len(result.warnings) > 3 else ""),
        icon="⚠️")

st.subheader("Each time the Council acted on a State")
names = dict(zip(d["countries"]["iso3"], d["countries"]["name"])) if len(d["countries"]) else {}
table = bv.outcome_display(result, names)[["State", "Date", "Outcome", "Reference", "Warned",
                                           "Lead (days)"]]
st.dataframe(table.iloc[::-1], hide_index=True, width="stretch")
st.caption("Warned: the criteria were met on at least one day in the 365 days before. Lead: days "
           "from the start of that period of concern to the Council's action. Full tables, "
           "baselines and other rule sets: the Back-test page.")

"""Track record: the published rule set against the Council's record so far; every claim is a
figure the back-test computed, next to its baselines and what the data covered."""

from datetime import date

import streamlit as st

from prevention.cases.rulesets import published_rule_set
from prevention.web import common, views
from prevention.web.views import backtest as bv
from triggers.rules import rule_set_to_yaml


@st.cache_resource(max_entries=4, show_spinner="Reading the record…")
def _run(db, version, rules_yaml, outcomes_key, start, end, lookback, horizon, _rules, _outcomes):
    shared = common.data()
    return bv.run(shared["prepared"], _rules, _outcomes, start, end, lookback, horizon,
                  shared["countries"])


common.guard("track_record")
d = common.header("Track record", "How the published criteria have done against what the Council "
                                  "actually did, next to five simple baselines and with what the "
                                  "data loaded covered. Definitions: docs/backtest.md.")
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
    st.markdown(views.md_text(sentence))
if result.warnings:
    st.warning("The record is only as complete as the data loaded: " + " ".join(
        f"{views.md_text(w[0].upper() + w[1:])}." for w in result.warnings[:3])
        + (f" ({len(result.warnings) - 3} more on the Back-test page.)" if len(result.warnings) > 3 else ""),
        icon="⚠️")

st.subheader("The rule set and the baselines")
st.dataframe(bv.metrics_display(result), hide_index=True, width="stretch")
st.caption("Previous outcome: a Council outcome on the State in the 730 days before. Any signal: "
           "any expression of concern in the rule set's window. GA/SC only: a General Assembly "
           "or Security Council resolution on the State in that window. Persistence: a Council "
           "outcome on the State in the two previous calendar years. Random States: the rule "
           f"set's own periods of concern moved to other States, {result.random_draws} seeded "
           "draws, mean and 95% range.")
st.subheader("By the number of criteria met")
st.dataframe(bv.calibration_display(result), hide_index=True, width="stretch")

st.subheader("Each time the Council acted on a State")
names = dict(zip(d["countries"]["iso3"], d["countries"]["name"])) if len(d["countries"]) else {}
table = bv.outcome_display(result, names)[["State", "Date", "Outcome", "Reference", "Warned",
                                           "Warning", "Lead (days)", "Lookback covered"]]
st.dataframe(table.iloc[::-1], hide_index=True, width="stretch")
st.caption(f"Warned: the criteria were met on at least one day in the {result.lookback_days} "
           "days before; fresh when that period of concern began within those days, chronic "
           "when it had begun earlier. Lead: days from the start of that period to the Council's "
           "action. Lookback covered: every day of the lookback was completely searched for "
           "some criterion. Full tables and other rule sets: the Back-test page.")
st.subheader("The outcomes counted")
st.dataframe(bv.kinds_display(outcomes, result.outcome_kinds), hide_index=True, width="stretch")

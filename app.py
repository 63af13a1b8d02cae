"""Prevention Dashboard entry point: `streamlit run app.py`."""

from datetime import date

import streamlit as st

from triggers.bundle import read_bundle
from triggers.evaluate import evaluate
from triggers.rules import DEFAULT_RULE_SET_ID, load_rule_set, shipped_rule_set_ids

SAMPLE = "data/sample"


@st.cache_resource
def _bundle():
    return read_bundle(SAMPLE)


st.set_page_config(page_title="Prevention Dashboard", layout="wide")
st.title("Prevention Dashboard")
st.caption("Objective prevention triggers over the bundled sample. The criteria are proposals "
           "made by States, not rules the Human Rights Council adopted.")
ids = shipped_rule_set_ids()
rule_id = st.selectbox("Rule set", ids, index=ids.index(DEFAULT_RULE_SET_ID))
as_of = st.date_input("As of", value=date.today())
rules = load_rule_set(rule_id)
result = evaluate(_bundle(), rules, as_of)
met = result.criteria[result.criteria["met"]]
reasons = met.groupby("country")["sentence"].agg(" ".join)
table = result.table[["country", "status", "criteria_met"]].assign(
    reasons=lambda t: t["country"].map(reasons).fillna(""))
st.dataframe(table, hide_index=True, width="stretch")

"""About: where each rule set comes from, in its own words, and the data's attributions."""

import streamlit as st

from prevention.web import common, views
from triggers.vocabulary import STATUS_ORDER

common.header("About")
common.guard("about")
st.warning("The thresholds on this dashboard are **proposals States made** in joint statements "
           "and policy dialogues. They are **not rules the Human Rights Council adopted**. A "
           "situation that meets them merits attention; it does not oblige the Council to act.",
           icon="⚖️")
st.markdown(
    "GA resolution 60/251 (2006), para 5(f), asks the Council to contribute \"towards the "
    "prevention of human rights violations and respond promptly to human rights emergencies\". "
    "To answer charges of selectivity, States proposed **objective criteria**: if independent "
    "voices have expressed concern about a situation, it merits the Council's attention, whoever "
    "it concerns. This dashboard counts those voices.")

st.header("Rule sets")
for key, label in common.rule_set_choices().items():
    if "@" in key:
        continue  # older versions: the latest one is described
    rules = common.rule_set(key)
    with st.expander(views.md_text(label), expanded=key == "glion-iii-2016"):
        # Rule-set text may be edited by users: rendered as plain text, never as markdown.
        st.caption("Source")
        st.text(rules.source)
        if rules.description:
            st.caption("What it says")
            st.text(rules.description)
        st.caption(f"Criteria (window {rules.window_days} days; at least {rules.min_criteria} "
                   f"must be met; 'watch' at {rules.watch_ratio:.0%} of a threshold)")
        for c in rules.criteria:
            st.text(f"• {c.title or c.id}" + ("" if c.enabled else " (disabled)"))
        for j in rules.reviewer_judgements:
            st.text(f"◇ {j.title}: a reviewer's judgement, never computed")

st.header("Statuses")
st.markdown("\n".join(f"- **{views.status_label(s)}**: {views.STATUS_MEANINGS[s]}."
                       for s in STATUS_ORDER))
st.caption("A criterion reads “not met” only for the days its sources were searched completely "
           "(the Data page lists what was searched); elsewhere it reads partial or no data.")

st.header("Data and attributions")
st.markdown("""
- **UN regional groups**: openclimatedata/countrygroups (CC0).
- **Intergovernmental memberships**: datenoio/internacia-db, MIT licence, © 2025 Dateno;
  corrections against public facts noted per row (e.g. Russia expelled from the Council of
  Europe on 16 March 2022; Nicaragua left the OAS on 19 November 2023).
- **UN country names**: OCHA countries and territories taxonomy (hdx-python-country, MIT).
- **Security Council and General Assembly resolutions**: metadata of the UN Digital Library
  (Dag Hammarskjöld Library), extracted by lefthand67/un_votes.
- **HRC special sessions**: public UN records (resolution symbols A/HRC/RES/S-n/…).
- **Special Procedures communications**: OHCHR communications database (public metadata).
- **NGOs with ECOSOC status**: christophsteinert/ECOSOC_Status (MIT).
- Not available as data and entered by hand: GANHRI's NHRI accreditation chart, High
  Commissioner statements, joint \"UN experts\" press statements, regional organisations'
  statements.

Anything generated for benchmarks is marked **SYNTHETIC** on every screen and in every export.
""")

# -- Public sources (issue 14): whose data each fetched source is, and on which terms.
from prevention.sources.terms import terms_table  # noqa: E402

st.header("Public sources and their terms")
st.caption("What `python -m prevention fetch` reads: the provider, the copyright, how to "
           "attribute it and whether use is non-commercial only. Where a provider's terms "
           "could not be read, the row says so; check them before publishing.")
st.dataframe(terms_table(), hide_index=True, width="stretch", key="source_terms")

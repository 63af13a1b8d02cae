"""What changed: the monthly digest of status changes under the published rule set, with the
criteria and signals that moved each State, an archive by month and a feed."""

import streamlit as st

from prevention.watch import severity
from prevention.web import common, live, views
from prevention.web.api import PREFIX

d = common.header("What changed", "States that entered or left triggered, watch or undetermined "
                  "in a month, and what moved them. The criteria are proposals States made, not "
                  "rules the Human Rights Council adopted.")
common.guard("changes")
rules = live.published()
param = live.rule_param(rules)
archive = live.archive(rules)
if archive.empty:
    st.info("Nothing is stored yet: there is no month to report on.")
    st.stop()
counts = dict(zip(archive["month"], archive["changes"]))
months = archive["month"].tolist()
month = common.url_selectbox(
    "Month", months, "month", months[0],
    format_func=lambda m: f"{m} · {counts.get(m, 0)} change{'s' if counts.get(m, 0) != 1 else ''}",
    help="Every month from the first stored signal to this one (the archive below).")
digest = live.digest(rules, month)
st.caption(f"Under the published rule set **{views.md_text(rules.title)}** v{rules.version}, "
           f"from {digest.start} to {digest.end}. A change is dated by the first day of the new "
           "status; the evidence is what is stored now.")

if not digest.changes:
    latest = live.latest_month_with_changes(rules)
    st.info(f"No State entered or left triggered, watch or undetermined in {month}"
            + (f". The latest month with changes is [{latest}](changes?month={latest})."
               if latest and latest != month else "."))
else:
    entered_t = len({c.country for c in digest.entered("triggered")})
    left_t = len({c.country for c in digest.left("triggered")})
    a, b, c = st.columns(3)
    a.metric("States that changed status", len(digest.countries))
    b.metric("Entered ▲ triggered", entered_t)
    c.metric("Left ▲ triggered", left_t)
    names = live.names()
    st.caption("Each change is listed once: under the status a State entered when it became "
               "more pressing, under the status it left when it became less so.")
    for title, table in views.digest_sections(digest, names, d["bundle"].signals, param):
        st.subheader(f"{title} ({len(table)})")
        st.dataframe(table, hide_index=True, width="stretch", key=f"t_{title}", column_config={
            "Source": st.column_config.LinkColumn("Source", display_text="open source ↗"),
            "Page": st.column_config.LinkColumn("Country page", display_text="open ›")})
with st.expander("How States are ordered (severity)", expanded=not digest.changes):
    st.markdown(severity.EXPLANATION)
    st.caption("Within each list, States come in the order of their standing at the month's end "
               "(the status they ended the month with, then these keys).")

base = live.app_address("changes")
st.subheader("Follow it")
st.markdown("A feed reader subscribes to this address (one entry per month, the last "
            f"{live.ARCHIVE_MONTHS} months):")
st.code(f"{base}/feeds/changes.atom", language=None)
st.caption(f"The same digests as JSON: `{base}{PREFIX}/changes` (docs/api.md).")

st.subheader("Archive")
st.dataframe(views.archive_table(archive), hide_index=True, width="stretch", key="archive",
             column_config={"Digest": st.column_config.LinkColumn("Digest", display_text="open ›")})

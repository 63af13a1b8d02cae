"""Overview: every State's status under a rule set on a day, as a map and a sortable table."""

import streamlit as st

from prevention import charts, geo, views
from prevention.ui import common

d = common.header("Overview", "Which situations meet the prevention threshold. The criteria are "
                              "proposals States made, not rules the Human Rights Council adopted.")
common.guard("overview")
param, rules, as_of = common.context()
result = common.evaluation(rules, as_of, sentences=False)
no_data = views.criteria_without_data(rules, d["kinds"])
table = views.overview_table(result, d["countries"], no_data, param)

groups = views.group_options(table)
crit_titles = {c.id: c.title or c.id for c in rules.criteria if c.enabled}
f1, f2 = st.columns(2)
with f1:
    chosen_groups = common.url_multiselect("UN regional group", groups, "group",
                                           placeholder="All groups")
with f2:
    criterion = common.url_selectbox("Meeting criterion", [""] + list(crit_titles), "criterion", "",
                                     format_func=lambda c: crit_titles.get(c, "Any (all States)"))
shown = views.filter_overview(table, result, chosen_groups, criterion or None)

counts = views.status_counts(shown)
cols = st.columns(4)
for col, status in zip(cols, counts):
    col.metric(views.status_label(status), counts[status])
cols[3].metric("States shown", len(shown))

if d["bundle"].signals.empty:
    st.info("No signals are loaded yet: import a signal bundle or OHCHR communications on the "
            "Data page. Until then every State shows as clear.", icon="ℹ️")
if no_data:
    st.warning("No data loaded for: " + "; ".join(crit_titles.get(c, c) for c in no_data if c in crit_titles)
               + ". These criteria show **no data** (not \"not met\"): import those sources on the "
                 "Data page.", icon="⚠️")

fig = charts.status_map(shown, outlines=geo.GEOJSON_URL)
st.plotly_chart(fig, key="map", config={"displaylogo": False, "topojsonURL": geo.TOPOJSON_URL})

st.subheader(f"States ({len(shown)}) — {views.md_text(rules.title)}, as of {views.iso(as_of)}")
st.caption("Click a column header to sort; open a State with its link, or select its row.")
display = shown.drop(columns=["status"])
picked = st.dataframe(
    display, hide_index=True, width="stretch", key="overview_table",
    on_select="rerun", selection_mode="single-row",
    column_config={"Page": st.column_config.LinkColumn("Open", display_text="open ›"),
                   "Criteria met": st.column_config.NumberColumn(format="%d")},
)
rows = picked.selection.rows if picked else []
labels = {c: f"{s} {n}" for c, s, n in zip(display["ISO3"], display["Status"], display["State"])}
opened = st.selectbox("Open a State's page", list(labels), index=None, format_func=labels.get,
                      placeholder="Type a State's name…", key="open_state")
if rows or opened:
    iso3 = opened or display.iloc[rows[0]]["ISO3"]
    st.switch_page("prevention/ui/country.py",
                   query_params={"country": iso3, "rules": param, "as_of": views.iso(as_of)})

common.downloads(display, f"overview-{rules.id}-{views.iso(as_of)}", d["synthetic"], "overview")
common.figure_downloads(lambda: charts.status_map(shown), f"map-{rules.id}-{views.iso(as_of)}", d["synthetic"],
                        f"map-{param}-{views.iso(as_of)}")

st.subheader("Sources loaded")
sources = views.sources_table(d["sources"])
if sources.empty:
    st.info("No sources loaded yet: import data on the Data page.")
else:
    st.dataframe(sources, hide_index=True, width="stretch")

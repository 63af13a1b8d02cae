"""Overview: every State's status under a rule set on a day, as a map and a sortable table."""

import streamlit as st

from prevention.web import cached, charts, common, geo, registry, views
from triggers.vocabulary import STATUS_ORDER

d = common.header("Overview", "Which situations meet the prevention threshold. The criteria are "
                              "proposals States made, not rules the Human Rights Council adopted.")
common.guard("overview")
param, rules, as_of = common.context()
# Statuses, table, banner, map and filtered rows are shared by every session (cached.py):
# the same rule set, day and filters cost once per data version.
base = cached.overview_base(param, rules, as_of)
result, table = base.result, base.table

groups = base.groups
crit_titles = {c.id: c.title or c.id for c in rules.criteria if c.enabled}
f1, f2, f3 = st.columns(3)
with f1:
    chosen_statuses = common.url_multiselect("Status", list(STATUS_ORDER), "status",
                                             format_func=views.status_label,
                                             placeholder="All statuses")
with f2:
    chosen_groups = common.url_multiselect("UN regional group", groups, "group",
                                           placeholder="All groups")
with f3:
    criterion = common.url_selectbox("Meeting criterion", [""] + list(crit_titles), "criterion", "",
                                     format_func=lambda c: crit_titles.get(c, "Any (all States)"))
view = cached.overview_shown(base, param, rules, as_of, chosen_statuses, chosen_groups,
                             criterion or None)
shown = view.shown

counts = view.counts
cols = st.columns(len(counts) + 1)
for col, status in zip(cols, counts):
    col.metric(views.status_label(status), counts[status], help=views.STATUS_MEANINGS[status])
cols[-1].metric("States shown", len(shown))

if d["bundle"].signals.empty:
    st.info("No signals are loaded yet: import a signal bundle or OHCHR communications on the "
            "Data page. Until then no State can be shown as clear.", icon="ℹ️")
# What was searched, before any status: a State reads `clear` only where every criterion that
# could reach the threshold was searched (docs/criteria.md, "Status").
banner_md = base.banner_md
if base.banner_full:
    st.success(banner_md, icon="✅")
else:
    st.warning(banner_md, icon="⚠️")

st.plotly_chart(view.figure, key="map", config={"displaylogo": False, "topojsonURL": geo.TOPOJSON_URL})

st.subheader(f"States ({len(shown)}) — {views.md_text(rules.title)}, as of {views.iso(as_of)}")
st.caption("Click a column header to sort; open a State with its link, or select its row.")
display = view.display
picked = st.dataframe(
    view.display_arrow, hide_index=True, width="stretch", key="overview_table",
    on_select="rerun", selection_mode="single-row",
    column_config={"Page": st.column_config.LinkColumn("Open", display_text="open ›"),
                   "Criteria met": st.column_config.NumberColumn(format="%d")},
)
rows = picked.selection.rows if picked else []
labels = view.labels
opened = st.selectbox("Open a State's page", list(labels), index=None, format_func=labels.get,
                      placeholder="Type a State's name…", key="open_state")
if rows or opened:
    iso3 = opened or display.iloc[rows[0]]["ISO3"]
    st.switch_page(registry.page_path("country"),
                   query_params={"country": iso3, "rules": param, "as_of": views.iso(as_of)})

# The file travels without the banner: each criterion's coverage goes in a column of its own.
common.downloads(view.download, f"overview-{rules.id}-{views.iso(as_of)}",
                 d["synthetic"], "overview")
common.figure_downloads(lambda: charts.status_map(shown), f"map-{rules.id}-{views.iso(as_of)}", d["synthetic"],
                        f"map-{param}-{views.iso(as_of)}")

st.subheader("Signals loaded, per import kind")
sources = base.sources
if sources.empty:
    st.info("No sources loaded yet: import data on the Data page.")
else:
    st.caption("The dates of the first and last signal each kind of import brought, not the days "
               "it searched: those are in the coverage banner above.")
    st.dataframe(base.sources_arrow, hide_index=True, width="stretch")

"""Country: one State's status, each criterion's sentence with its evidence, and its timeline."""

import streamlit as st

from prevention.accounts.access import can
from prevention.watch import watchlists
from prevention.web import cached, common, views

d = common.header("Country")
common.guard("country")
param, rules, as_of = common.context()
# The evaluation, the criteria, the evidence and the timeline are shared by every session
# (cached.py); only the watchlist form at the end is this viewer's own.
choices = cached.country_choices(rules, as_of)
codes, names = choices.codes, choices.names
iso3 = common.url_selectbox("State", codes, "country", None,
                            format_func=lambda c: f"{names.get(c, c)} ({c})",
                            placeholder="Choose a State")
if iso3 is None:
    st.info("Choose a State above, or open one from the Overview table.")
    st.stop()

view = cached.country_view(rules, as_of, iso3)
res = view.res
st.header(f"{views.STATUS_SHAPES[res.status]} {names[iso3]}: {res.status}")
st.caption(f"{res.criteria_met} of {len(rules.enabled_criteria)} criteria met "
           f"(threshold: {rules.min_criteria}) under {views.md_text(rules.title)} ({views.md_text(rules.label)}), "
           f"as of {views.iso(as_of)}. {views.status_label(res.status)}: "
           f"{views.STATUS_MEANINGS[res.status]}.")

profile = view.profile
with st.expander("UN regional group, memberships and NHRI", expanded=False):
    st.write(f"**UN regional group:** {profile['un_group']}")
    if profile["memberships"].empty:
        st.write("No regional memberships loaded for this State: import memberships on the Data page.")
    else:
        st.dataframe(view.profile_arrow["memberships"], hide_index=True)
    if profile["nhris"].empty:
        st.write("No NHRI loaded for this State: import GANHRI accreditation on the Data page.")
    else:
        st.dataframe(view.profile_arrow["nhris"], hide_index=True)

if not view.has_signals:
    st.info(f"No signals about {names[iso3]} are loaded: the coverage under each criterion "
            "and the strips under the timeline show what was searched.", icon="ℹ️")

# The signal's id stays in the downloads (for tracing it in the data), not on the screen.
link_col = {"Source": st.column_config.LinkColumn("Source", display_text="open source ↗"),
            "Signal id": None}
st.subheader("Criteria")
for row, ev, ev_arrow, links in view.criteria:
    mark = views.RESULT_MARKS[row.result]
    with st.container(border=True):
        # Titles come from rule sets users can edit: shown as text, never as markdown.
        st.text(f"{mark} · {row.title}")
        # The engine's sentence never states an absence below full coverage.
        st.text(row.sentence)
        # Source ids come from imports and admins: escaped, as every caption.
        st.caption(views.md_text(row.coverage))
        if ev_arrow is not None:
            st.dataframe(ev_arrow, hide_index=True,
                         width="stretch", column_config=link_col, key=f"ev_{row.criterion_id}")
            if links:
                # Escaped by views.md_text: only the link itself is markup.
                st.markdown("Sources: " + links)

if not view.evidence.empty:
    common.downloads(view.evidence, f"evidence-{iso3}-{rules.id}-{views.iso(as_of)}",
                     d["synthetic"], "evidence")

st.subheader("Timeline")
fig = view.figure
st.plotly_chart(fig, key="timeline", config={"displaylogo": False})
st.caption("Bars: signals per month by issuer kind. Line: criteria met (weekly). Shaded: "
           "triggered episodes. Dotted lines: Council outcomes (special sessions, inquiries). "
           "Strips below: the days each kind of issuer the rule set reads was searched for "
           "this State; solid where everything published is loaded, dotted where only a "
           "sample is. Where a strip is empty, no bar does not mean no concern: nothing "
           "was looked for.")
common.figure_downloads(lambda: fig, f"timeline-{iso3}-{rules.id}", d["synthetic"],
                        f"tl-{iso3}-{param}-{views.iso(as_of)}")

st.subheader("Add to watchlist")
actor = common.signed_in()
if not (actor and can(actor, "watchlist.manage")):
    st.caption("Sign in on the Account page to keep watchlists.")
else:
    mine = {w.name: w for w in watchlists.lists_for(actor.username)}
    with st.form("add_to_watchlist", clear_on_submit=True):
        target = st.selectbox("Watchlist", ["➕ New watchlist…"] + list(mine), key="add_target")
        new_name = st.text_input("Name of the new watchlist", key="add_new_name")
        if st.form_submit_button("Add to watchlist"):
            try:
                if target in mine:
                    info = watchlists.add_countries(mine[target].id, actor, [iso3])
                else:
                    info = watchlists.create(actor, new_name, [iso3])
                st.success(f"{names[iso3]} is on “{views.md_text(info.name)}” ({len(info.countries)} States).")
            except watchlists.WatchlistError as exc:
                st.error(views.md_text(exc))

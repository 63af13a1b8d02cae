"""Watchlists: a user's named lists of States, what changed since their last visit, alerts when
a State crosses the threshold, and an Atom feed per list."""

from datetime import timedelta

import streamlit as st

from prevention.watch import feeds, watchlists
from prevention.web import common, views

d = common.header("Watchlists")
actor = common.guard("watchlists")
user = actor.username if actor else ""
param, rules, as_of = common.context()
result = common.evaluation(rules, as_of, sentences=False)
codes = result.table["country"].tolist()
names = dict(zip(codes, views.country_names(d["countries"], codes)))
label = lambda c: f"{names.get(c, c)} ({c})"  # noqa: E731


def show_list(info, owner_view: bool) -> None:
    tl = common.status_timeline(rules, as_of - timedelta(days=3 * 365), as_of)
    since = views.status_since(tl.status, tl.countries, tl.dates[0])
    visit_key = f"_visit_{info.id}"
    if owner_view and user and visit_key not in st.session_state:
        # The previous visit is read once per session, then this visit is recorded: reruns
        # keep showing what was new when the page was opened.
        st.session_state[visit_key] = watchlists.last_visit(info.id, user)
        watchlists.record_visit(info.id, user, {c: result.table.set_index("country")["status"].get(c, "undetermined")
                                                for c in info.countries})
    last_at, last_statuses = st.session_state.get(visit_key, (None, {}))
    new_counts = watchlists.count_since(info.countries, last_at)
    table = views.watch_table(result, d["countries"], info.countries, since, new_counts, param)
    now = dict(zip(table["ISO3"], table["status"])) if len(table) else {}
    crossed = watchlists.crossings(last_statuses, now)
    if crossed:
        msg = "Crossed the threshold since your last visit: " + ", ".join(label(c) for c in crossed)
        st.error(f"▲ {msg}", icon="🚨")
        st.toast(msg, icon="🚨")
    if table.empty:
        st.info("This list has no States yet: add some below, or use “Add to watchlist” on a "
                "Country page.")
        return
    st.caption(f"Last visit: {last_at:%Y-%m-%d %H:%M} UTC" if last_at else
               "First visit: every stored signal counts as new.")
    show = table.drop(columns=["status", "criteria"])
    st.dataframe(show, hide_index=True, width="stretch", key=f"wl_{info.id}",
                 column_config={"Page": st.column_config.LinkColumn("Open", display_text="open ›")})
    # The file travels without the page: it says what each criterion could be judged on.
    common.downloads(table.drop(columns=["status"]).rename(columns={"criteria": "Criteria and coverage"}),
                     f"watchlist-{info.name}", d["synthetic"], f"wl_{info.id}")
    new = watchlists.arrived_since(info.countries, last_at)
    st.subheader(f"What's new since your last visit ({len(new)})")
    if new.empty:
        st.caption("No new signals about these States.")
    else:
        new_show = views.whats_new_table(new)
        st.dataframe(new_show, hide_index=True, width="stretch", key=f"new_{info.id}",
                     column_config={"Source": st.column_config.LinkColumn("Source", display_text="open source ↗")})
        common.downloads(new_show, f"watchlist-{info.name}-new", d["synthetic"], f"new_{info.id}")
    recent = watchlists.arrived_since(info.countries, None).head(50)
    feed = feeds.watchlist_feed(info.name, info.share_token, table, recent, as_of=views.iso(as_of),
                                synthetic=d["synthetic"])
    st.download_button("Atom feed", feed, f"watchlist-{info.id}.atom", "application/atom+xml",
                       key=f"feed_{info.id}", icon=":material/rss_feed:",
                       help="Add the file to a feed reader; download it again to refresh.")


token = st.query_params.get("list")
if token:
    shared = watchlists.shared_list(token)
    if shared is None:
        st.warning("This shared watchlist link is no longer valid: ask its owner for a new one.")
    else:
        st.subheader(f"{views.md_text(shared.name)} — shared by {views.md_text(shared.owner)} (read only)")
        show_list(shared, owner_view=False)
    st.divider()

if not user:
    st.info("Sign in on the Account page to see and create your watchlists.")
    st.stop()

with st.expander("New watchlist", expanded=False):
    with st.form("new_list", clear_on_submit=True):
        new_name = st.text_input("Name", max_chars=watchlists.MAX_NAME)
        new_codes = st.multiselect("States", codes, format_func=label)
        if st.form_submit_button("Create"):
            try:
                made = watchlists.create(actor, new_name, new_codes)
                st.session_state["watchlist"] = str(made.id)
                st.rerun()
            except watchlists.WatchlistError as exc:
                st.error(views.md_text(exc))

lists = watchlists.lists_for(user)
if not lists:
    st.info("You have no watchlists yet: create one above.")
    st.stop()
by_id = {str(w.id): w for w in lists}
chosen = common.url_selectbox("Watchlist", list(by_id), "watchlist", next(iter(by_id)),
                              format_func=lambda i: f"{by_id[i].name} ({len(by_id[i].countries)} States)")
info = by_id[chosen]
show_list(info, owner_view=True)

with st.expander("Edit, share or delete this list"):
    picked = st.multiselect("States", codes, default=list(info.countries), format_func=label,
                            key=f"edit_codes_{info.id}")
    if st.button("Save States", key=f"save_{info.id}"):
        watchlists.set_countries(info.id, actor, picked)
        st.rerun()
    new_label = st.text_input("Rename to", value=info.name, key=f"rename_{info.id}")
    if st.button("Rename", key=f"do_rename_{info.id}"):
        try:
            watchlists.rename(info.id, actor, new_label)
            st.rerun()
        except watchlists.WatchlistError as exc:
            st.error(views.md_text(exc))
    share = st.toggle("Shared (anyone with the link can read it)", value=info.shared, key=f"share_{info.id}")
    if share != info.shared:
        watchlists.set_shared(info.id, actor, share)
        st.rerun()
    if info.shared:
        st.code(f"watchlists?list={info.share_token}", language=None)
        st.caption("Append this to the dashboard's address to share the list. Turning sharing "
                   "off revokes the link.")
    confirm = st.checkbox("I want to delete this list", key=f"confirm_{info.id}")
    if st.button("Delete list", key=f"delete_{info.id}", disabled=not confirm, type="primary"):
        watchlists.delete_list(info.id, actor)
        st.session_state.pop("watchlist", None)
        st.rerun()

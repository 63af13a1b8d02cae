"""Watchlists: a user's named lists of States, what is new since their last visit, alerts when
a State crosses the threshold (as of today), a live feed, sharing by link and e-mail digests."""

import streamlit as st

from prevention.accounts import auth
from prevention.storage.db import session_scope
from prevention.storage.models.watch import DIGESTS
from prevention.watch import subscriptions, watchlists, whatsnew
from prevention.web import common, live, views, watchlist_ui
from prevention.web.registry import page_path

if st.query_params.get("list"):
    # An old share link (watchlists?list=...): the shared list's own page reads it.
    st.switch_page(page_path("shared"), query_params={"list": st.query_params["list"]})

d = common.header("Watchlists")
actor = common.guard("watchlists")
user = actor.username if actor else ""
param, rules, as_of = common.context()
codes = common.evaluation(rules, as_of, sentences=False).table["country"].tolist()
names = dict(zip(codes, views.country_names(d["countries"], codes)))
label = lambda c: f"{names.get(c, c)} ({c})"  # noqa: E731


def show_list(info) -> None:
    published = live.published()
    visit_key = f"_visit_{info.id}"
    if visit_key not in st.session_state:
        # The previous visit is read once per session, then this visit is recorded with the
        # statuses of today: reruns, and moving the date picker, change neither.
        before = watchlists.last_visit(info.id, user)
        today = live.statuses_today(published, info.countries)
        watchlists.record_visit(info.id, user, today)
        st.session_state[visit_key] = (*before, today)
    last_at, last_statuses, today = st.session_state[visit_key]
    crossed = watchlists.crossings(last_statuses, {c: today.get(c, "undetermined") for c in info.countries})
    if crossed:
        msg = "Crossed the threshold since your last visit: " + ", ".join(label(c) for c in crossed)
        st.error(f"▲ {msg} (as of today, under the published rule set "
                 f"{views.md_text(published.title)} v{published.version})", icon="🚨")
        st.toast(msg, icon="🚨")
    if not info.countries:
        st.info("This list has no States yet: add some below, or use “Add to watchlist” on a "
                "Country page.")
        return
    win = whatsnew.window(last_at)
    new = whatsnew.whats_new(info.countries, win)
    stored, dated = whatsnew.counts(new)
    new_counts = new.groupby("country").size().to_dict() if len(new) else {}
    table = watchlist_ui.status_table(info.countries, param, rules, as_of, new_counts)
    st.caption(f"Statuses as of {views.iso(as_of)} under the sidebar's rule set. Alerts compare "
               "today's statuses under the published rule set with those of your last visit, "
               "whatever day the sidebar shows.")
    watchlist_ui.show_table(table, str(info.id), f"watchlist-{info.name}")
    st.subheader(f"What's new ({len(new)})")
    st.markdown(f"{win.words()}: **{stored}** signal{'s' if stored != 1 else ''} stored · "
                f"**{dated}** statement{'s' if dated != 1 else ''} dated after "
                f"{win.day:%Y-%m-%d}.")
    if new.empty:
        st.caption("No new signals about these States.")
    else:
        watchlist_ui.show_signals(new, str(info.id), f"watchlist-{info.name}-new")


def follow_and_share(info) -> None:
    sub = subscriptions.settings_of(info.id, actor)
    base = live.app_address("watchlists")
    st.markdown("**Feed.** A feed reader subscribes to this address: one entry per status "
                "change (published rule set, last year) and per new signal, each linking to the "
                "Country page and the source.")
    st.code(f"{base}/feeds/watchlist/{sub.feed_token}.atom", language=None)
    if st.button("Make a new feed address", key=f"rotate_{info.id}",
                 help="The old address stops working at once: readers subscribed to it get "
                      "nothing more."):
        subscriptions.rotate_feed_token(info.id, actor)
        st.rerun()
    share = st.toggle("Readable by link without an account", value=info.shared,
                      key=f"share_{info.id}")
    if share != info.shared:
        watchlists.set_shared(info.id, actor, share)
        st.rerun()
    if info.shared:
        st.code(f"{base}/shared?list={info.share_token}", language=None)
        st.caption("Anyone with this link can read the list (not change it). Turning sharing off "
                   "revokes the link; turning it on again makes a new one.")
    with session_scope() as s:
        account = auth.load_user(s, actor.id) if actor.id is not None else None
    email = account.email if account else None
    choice = st.selectbox("E-mail digest", DIGESTS, index=DIGESTS.index(sub.digest),
                          format_func=subscriptions.DIGEST_LABELS.get, key=f"digest_{info.id}",
                          help="Sent by `python -m prevention digest --send` (run on a timer).")
    if choice != sub.digest:
        subscriptions.set_digest(info.id, actor, choice)
        st.rerun()
    if choice != "off":
        st.caption(f"Sent to {views.md_text(email)}." if email else
                   "Your account has no e-mail address, so nothing is sent: an administrator "
                   "can add one (`python -m prevention user set-email NAME ADDRESS`).")


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
show_list(info)

with st.expander("Follow and share: feed, link, e-mail"):
    follow_and_share(info)

with st.expander("Edit or delete this list"):
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
    confirm = st.checkbox("I want to delete this list", key=f"confirm_{info.id}")
    if st.button("Delete list", key=f"delete_{info.id}", disabled=not confirm, type="primary"):
        watchlists.delete_list(info.id, actor)
        st.session_state.pop("watchlist", None)
        st.rerun()

"""AppTest, issue 16: alerts as of today (never the date picker), what's new in wall time and
capped on a first visit, the feed and share links of a list, a list shared by link opened
signed out, the What changed page, and the sign-in prompt on a restricted page."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

try:
    from prevention.accounts.access import system
except ImportError:  # before services took the acting account: the name was the actor
    def system(name):
        return name
from prevention.accounts.auth import User
from prevention.storage.db import session_scope
from prevention.watch import subscriptions, watchlists
from tests.ui.conftest import account_id
from tests.ui.seeding import ACCOUNTS, PASSWORD

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def page(name: str, role: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if role:
        at.session_state["account_id"] = account_id(role)
    at.switch_page(f"prevention/web/pages/{name}.py")
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def vera() -> User:
    return User(account_id("viewer"), "vera", "viewer")


def hc_statement_today(tmp_path, country: str = "LBY") -> None:
    """The High Commissioner speaks about `country` today (a copy of a sample statement)."""
    from prevention.sources.ingest import import_file
    from triggers.bundle import read_bundle, write_bundle

    sample = read_bundle(ROOT / "data" / "sample")
    row = sample.signals[sample.signals["signal_id"] == "libya-2011-hc"].copy()
    row["signal_id"], row["date"], row["country"] = "hc-today", pd.Timestamp(date.today()), country
    row["url"] = "https://www.ohchr.org/en/press-releases/today"
    links = sample.links[sample.links["signal_id"] == "libya-2011-hc"].assign(signal_id="hc-today")
    write_bundle(type(sample)(signals=row, issuers=sample.issuers, links=links), tmp_path / "today")
    import_file(tmp_path / "today", "bundle", user=system("test"))


def test_alerts_are_computed_as_of_today_whatever_the_date_picker(ui_db, tmp_path):
    info = watchlists.create(vera(), "Sahel", ["LBY", "CIV"])
    watchlists.record_visit(info.id, "vera", {"LBY": "clear", "CIV": "clear"})
    # Libya was triggered on 2011-03-01 (the date picked), not today: no alert.
    at = page("watchlists", "viewer", as_of="2011-03-01")
    no_exception(at)
    assert not any("Crossed the threshold" in e.value for e in at.error)
    # The visit was recorded with today's statuses, not those of 2011.
    _, seen = watchlists.last_visit(info.id, "vera")
    assert seen["LBY"] != "triggered"
    # Today the High Commissioner speaks: the next visit alerts, whatever the date picked.
    hc_statement_today(tmp_path)
    at = page("watchlists", "viewer", as_of="2008-01-01")
    no_exception(at)
    alerts = [e.value for e in at.error]
    assert any("Crossed the threshold" in a and "Libya" in a and "as of today" in a for a in alerts)
    assert watchlists.last_visit(info.id, "vera")[1]["LBY"] == "triggered"
    # Moving the date in the same session neither alerts again nor overwrites the visit.
    at.sidebar.date_input[0].set_value(date(2011, 3, 1)).run()
    no_exception(at)
    assert watchlists.last_visit(info.id, "vera")[1]["LBY"] == "triggered"


def test_whats_new_counts_storage_and_statement_dates_capped_on_a_first_visit(ui_db, tmp_path):
    info = watchlists.create(vera(), "North Africa", ["LBY"])
    # Everything was stored long ago.
    with session_scope() as s:
        s.execute(text("UPDATE imports SET created_at = :t"),
                  {"t": datetime.now(timezone.utc) - timedelta(days=400)})
    at = page("watchlists", "viewer", as_of="2011-03-01")
    no_exception(at)
    words = " ".join(m.value for m in at.markdown)
    assert "First visit: the last 90 days" in words
    assert "**0** signals stored" in words and "**0** statements dated" in words
    # Two days later, a statement stored and dated today is new both ways.
    with session_scope() as s:
        s.execute(text("UPDATE watchlist_visits SET visited_at = :t"),
                  {"t": datetime.now(timezone.utc) - timedelta(days=2)})
    hc_statement_today(tmp_path)
    at = page("watchlists", "viewer", as_of="2011-03-01")
    words = " ".join(m.value for m in at.markdown)
    assert "Since your last visit" in words
    assert "**1** signal stored" in words and "**1** statement dated" in words
    new = next(df.value for df in at.dataframe if "Why new" in df.value.columns)
    assert new["Why new"].tolist() == ["stored since and dated since"]


def test_feed_and_share_links_are_full_and_rotate(ui_db):
    info = watchlists.create(vera(), "Sahel", ["LBY"])
    at = page("watchlists", "viewer", as_of="2011-03-01")
    no_exception(at)
    sub = subscriptions.settings_of(info.id, vera())
    codes = [c.value for c in at.code]
    assert any(c.endswith(f"/feeds/watchlist/{sub.feed_token}.atom") for c in codes)
    at.button(key=f"rotate_{info.id}").click().run()
    rotated = subscriptions.settings_of(info.id, vera())
    assert rotated.feed_token != sub.feed_token
    assert subscriptions.by_feed_token(sub.feed_token) is None
    at.toggle(key=f"share_{info.id}").set_value(True).run()
    shared = watchlists.lists_for("vera")[0]
    assert any(c.value.endswith(f"/shared?list={shared.share_token}") for c in at.code)
    at.selectbox(key=f"digest_{info.id}").set_value("weekly").run()
    no_exception(at)
    assert subscriptions.settings_of(info.id, vera()).digest == "weekly"
    assert any("no e-mail address" in c.value for c in at.caption)


def test_a_shared_list_opens_signed_out_and_a_revoked_link_says_so(ui_db):
    info = watchlists.create(vera(), "Sahel", ["LBY", "CIV"])
    token = watchlists.set_shared(info.id, vera(), True).share_token
    at = page("shared", list=token, as_of="2011-03-01")  # anonymous
    no_exception(at)
    assert any("Sahel" in s.value and "read only" in s.value for s in at.subheader)
    table = at.dataframe[0].value
    assert set(table["ISO3"]) == {"LBY", "CIV"} and "Severity" in table.columns
    # An old link to the Watchlists page opens the shared list too.
    old = page("watchlists", list=token, as_of="2011-03-01")
    no_exception(old)
    assert any("Sahel" in s.value for s in old.subheader)
    watchlists.set_shared(info.id, vera(), False)
    gone = page("shared", list=token)
    no_exception(gone)
    assert any("does not open a watchlist" in w.value for w in gone.warning)


def test_a_restricted_page_opened_signed_out_asks_to_sign_in_then_opens(ui_db):
    at = page("lab")
    no_exception(at)
    assert at.title[0].value == "Sign in"
    assert any("Threshold lab" in i.value and "sign in" in i.value for i in at.info)
    at.text_input[0].input(ACCOUNTS["researcher"])
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    no_exception(at)
    assert at.title[0].value == "Threshold lab"


def test_a_role_that_may_not_open_a_page_is_told_which_may(ui_db):
    at = page("data", "viewer")
    no_exception(at)
    assert at.title[0].value == "Not open to your role"
    assert any("admin" in w.value and "vera" in w.value for w in at.warning)


def test_what_changed_lists_the_month_and_its_archive(ui_db):
    at = page("changes", month="2011-02")
    no_exception(at)
    assert at.title[0].value == "What changed"
    heads = [h.value for h in at.subheader]
    assert heads[0] == "Entered ▲ triggered (1)" and heads[-1] == "Archive"
    entered, archive = at.dataframe[0].value, at.dataframe[-1].value
    assert "LBY" in set(entered["ISO3"])
    libya = entered[entered["ISO3"] == "LBY"].iloc[0]
    assert "→ met" in libya["What moved it"] and libya["Standing at the month's end"]
    assert "2011-02" in set(archive["Month"]) and archive["Digest"].iloc[0].startswith("changes?month=")
    assert any("criteria met, then by the number of distinct issuers" in m.value for m in at.markdown)


def test_navigation_lists_new_public_pages_but_not_the_shared_one(ui_db):
    from prevention.web.registry import listed

    assert "changes" in listed(None) and "shared" not in listed(None)

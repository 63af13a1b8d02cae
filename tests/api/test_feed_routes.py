"""The live feeds in process, read back by feedparser: self and alternate links, entries for
status changes and new signals, rotation, conditional requests."""

from __future__ import annotations

import feedparser

from prevention.accounts.auth import User
from prevention.watch import subscriptions, watchlists
from tests.ui.conftest import account_id


def vera() -> User:
    return User(account_id("viewer"), "vera", "viewer")


def test_a_watchlist_feed_is_subscribable_and_rotates(client):
    info = watchlists.create(vera(), "Sahel", ["LBY", "MLI"])
    token = subscriptions.settings_of(info.id, vera()).feed_token
    url = f"/feeds/watchlist/{token}.atom"
    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(r.content)
    assert not feed.bozo and feed.version == "atom10"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == f"http://testserver{url}"
    assert links["alternate"] == f"http://testserver/watchlists?watchlist={info.id}"
    assert feed.feed.title == "Watchlist: Sahel"
    # Conditional requests: a reader polling again gets a 304.
    again = client.get(url, headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    # Shared, the feed's page is the shared list's.
    shared = watchlists.set_shared(info.id, vera(), True)
    feed = feedparser.parse(client.get(url).content)
    assert {link.rel: link.href for link in feed.feed.links}["alternate"] == \
        f"http://testserver/shared?list={shared.share_token}"
    subscriptions.rotate_feed_token(info.id, vera())
    assert client.get(url).status_code == 404


def test_a_watchlist_feed_has_an_entry_per_change_and_per_new_signal(client, tmp_path):
    from tests.ui.test_live_pages import hc_statement_today

    info = watchlists.create(vera(), "North Africa", ["LBY"])
    hc_statement_today(tmp_path)
    token = subscriptions.settings_of(info.id, vera()).feed_token
    feed = feedparser.parse(client.get(f"/feeds/watchlist/{token}.atom").content)
    titles = [e.title for e in feed.entries]
    change = next(e for e in feed.entries if "→ ▲ triggered" in e.title)
    rels = {link.rel for link in change.links}
    assert rels == {"alternate", "related"}
    assert change.link.startswith("http://testserver/country?country=LBY")
    signal = next(e for e in feed.entries if e.id.endswith("signal/hc-today"))
    assert signal.link.startswith("https://")  # the source
    assert any(link.rel == "related" and "/country?country=LBY" in link.href for link in signal.links)
    assert len(titles) == len(set(e.id for e in feed.entries))


def test_the_monthly_feed(client):
    r = client.get("/feeds/changes.atom")
    assert r.status_code == 200
    feed = feedparser.parse(r.content)
    assert not feed.bozo and len(feed.entries) == 12
    assert {link.rel for link in feed.feed.links} == {"self", "alternate"}
    assert feed.entries[0].link.startswith("http://testserver/changes?month=")


def test_an_unknown_feed_is_404(client):
    assert client.get("/feeds/watchlist/nope.atom").status_code == 404

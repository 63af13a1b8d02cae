"""Issue 16 in headless Chromium against a real `streamlit run app.py` (the shared server of
conftest.py): the feed address copied from the Watchlists page subscribed with feedparser, the
API driven with an HTTP client (status codes, pagination, token refusal) with a token made on
the Account page, a shared watchlist opened signed out, and the sign-in prompt of a restricted
page. Screenshots at 1440 and 390 px under tests/artifacts/live-*.png."""

from __future__ import annotations

import re

import feedparser
import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import settle, shot, sign_in

VERA = ("vera", "viewer")


def _db(server):
    from prevention.storage.db import get_engine

    url = f"sqlite:///{server.log_path.parent / 'e2e.sqlite3'}"
    return url, get_engine(url)


def _list(server, name: str, countries, shared: bool = False):
    """A watchlist of the seeded viewer, made in the server's database."""
    from prevention.accounts import auth
    from prevention.storage.db import dispose_engine, session_scope
    from prevention.watch import watchlists

    url, engine = _db(server)
    with session_scope(engine) as s:
        vera = auth.get_account(s, "vera")
        user = auth.User(vera.id, vera.username, vera.role)
    info = watchlists.create(user, name, countries, engine=engine)
    if shared:
        info = watchlists.set_shared(info.id, user, True, engine=engine)
    dispose_engine(url)
    return info


def _codes(page) -> list[str]:
    return [c.strip() for c in page.locator('[data-testid="stCode"]').all_inner_texts()]


def _code(page, test, timeout: float = 20.0) -> str:
    """The first code block (a copyable address or token) for which `test` holds."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        found = [c for c in _codes(page) if test(c)]
        if found:
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"no such code block; the page shows {_codes(page)}")
        page.wait_for_timeout(200)


def _expand(page, label: str) -> None:
    """Open the expander labelled `label` (left open if it is: Streamlit keeps it so)."""
    details = page.locator('[data-testid="stExpander"] details').filter(has_text=label).first
    if details.get_attribute("open") is None:
        details.locator("summary").click()
        page.wait_for_timeout(300)


def test_subscribing_to_a_watchlist_feed_with_feedparser(page, server):
    info = _list(server, "Feed list", ["LBY", "SYR"])
    sign_in(page, server, "viewer")
    page.goto(f"{server.url}/watchlists?watchlist={info.id}&as_of=2011-03-01")
    settle(page, server)
    _expand(page, "Follow and share")
    feed_url = _code(page, lambda c: "/feeds/watchlist/" in c)
    assert feed_url.startswith(server.url) and feed_url.endswith(".atom")
    shot(page, "live-watchlists-1440")
    page.set_viewport_size({"width": 390, "height": 900})
    shot(page, "live-watchlists-390")

    feed = feedparser.parse(feed_url)  # what a feed reader does: fetch the address and read it
    assert feed.status == 200 and not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.title == "Watchlist: Feed list"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == feed_url
    assert links["alternate"] == f"{server.url}/watchlists?watchlist={info.id}"
    assert feed.entries, "the sample's signals about Libya and Syria are new: one entry each"
    for entry in feed.entries:
        rels = {link.rel for link in entry.links}
        assert "alternate" in rels and entry.id.startswith("tag:")
        assert any("/country?country=" in link.href for link in entry.links)
    # A reader polling again is told nothing changed.
    again = httpx.get(feed_url, headers={"If-None-Match": httpx.get(feed_url).headers["ETag"]})
    assert again.status_code == 304

    # The owner makes a new address: the old one stops.
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.get_by_role("button", name="Make a new feed address").click()
    settle(page, server)
    _expand(page, "Follow and share")
    new_url = _code(page, lambda c: "/feeds/watchlist/" in c and c != feed_url)
    assert new_url != feed_url
    assert feedparser.parse(feed_url).status == 404
    assert feedparser.parse(new_url).status == 200


def test_the_api_with_an_http_client(page, server):
    api = f"{server.url}/api/v1"
    with httpx.Client(timeout=30) as http:
        r = http.get(f"{api}/statuses", params={"as_of": "2011-03-01", "per_page": 25})
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
        body = r.json()
        assert body["meta"]["page"] == 1 and len(body["data"]) == 25
        assert body["data"][0]["status"] == "triggered" and body["data"][0]["severity_rank"] == 1
        pages, seen, url = 0, set(), body["links"]["first"]
        while url:  # walk every page by its links
            chunk = http.get(url).json()
            seen |= {d["country"] for d in chunk["data"]}
            url, pages = chunk["links"]["next"], pages + 1
        assert pages == body["meta"]["pages"] and len(seen) == body["meta"]["total"]
        libya = http.get(f"{api}/states/LBY", params={"as_of": "2011-03-01"}).json()["data"]
        assert libya["status"] == "triggered" and any(c["evidence"] for c in libya["criteria"])
        assert http.get(f"{api}/states/LBY", params={"as_of": "someday"}).status_code == 400
        assert http.get(f"{api}/states/ZZZ").status_code == 404
        assert http.get(f"{api}/openapi.json").json()["openapi"] == "3.1.0"
        # Token refusal: none, a made-up one, and an unpublished rule set without one.
        assert http.get(f"{api}/watchlists").status_code == 401
        assert http.get(f"{api}/watchlists", headers={"Authorization": "Bearer pd_nope"}).status_code == 401
        assert http.get(f"{api}/statuses", params={"rule_set": "hrc20-2012"}).status_code == 401

    # A token made on the Account page, shown once.
    sign_in(page, server, "viewer")
    page.goto(f"{server.url}/account")
    settle(page, server)
    _expand(page, "API tokens")
    page.get_by_label("What the token is for").fill("browser test")
    page.get_by_role("button", name="Create a token").click()
    settle(page, server)
    _expand(page, "API tokens")
    token = _code(page, lambda c: c.startswith("pd_"))
    expect(page.get_by_text("it will not be shown again")).to_be_visible()
    shot(page, "live-account-token-1440")
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=30) as http:
        assert http.get(f"{api}/watchlists", headers=headers).status_code == 200
        # A viewer may not read other rule sets: 403, not 401.
        assert http.get(f"{api}/statuses", params={"rule_set": "hrc20-2012"},
                        headers=headers).status_code == 403
    page.reload()
    settle(page, server)
    _expand(page, "API tokens")
    page.get_by_role("button", name="Revoke").first.click()
    settle(page, server)
    expect(page.get_by_text("No token yet.")).to_be_visible()
    assert httpx.get(f"{api}/watchlists", headers=headers).status_code == 401


def test_a_shared_watchlist_opens_signed_out(browser, server):
    info = _list(server, "Shared Sahel", ["MLI", "LBY"], shared=True)
    for width in (1440, 390):
        ctx = browser.new_context(viewport={"width": width, "height": 900})
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        link = f"{server.url}/shared?list={info.share_token}&as_of=2011-03-01"
        page.goto(link)
        settle(page, server)
        expect(page.get_by_text("Shared Sahel · shared by vera (read only)")).to_be_visible()
        expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
        expect(page.get_by_text("Page not found")).to_have_count(0)
        shot(page, f"live-shared-{width}")
        # The old form of the link opens the same list.
        page.goto(f"{server.url}/watchlists?list={info.share_token}")
        settle(page, server)
        expect(page.get_by_text("Shared Sahel · shared by vera (read only)")).to_be_visible()
        ctx.close()


def test_a_restricted_page_opened_signed_out_asks_to_sign_in_then_opens_it(page, server):
    page.goto(f"{server.url}/lab?as_of=2011-03-01")
    settle(page, server)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_text(re.compile("Threshold lab asks you to sign in"))).to_be_visible()
    expect(page.get_by_role("heading", name="Threshold lab")).to_have_count(0)
    shot(page, "live-signin-prompt-1440")
    page.set_viewport_size({"width": 390, "height": 900})
    shot(page, "live-signin-prompt-390")
    page.set_viewport_size({"width": 1400, "height": 1000})
    from tests.ui.seeding import ACCOUNTS, PASSWORD

    form = page.locator('[data-testid="stForm"]')
    form.get_by_role("textbox", name="Username").fill(ACCOUNTS["researcher"])
    form.get_by_role("textbox", name="Password").fill(PASSWORD)
    form.get_by_role("button", name="Sign in").click()
    page.wait_for_function("() => location.pathname.endsWith('/lab') && "
                           "!location.pathname.includes('session')", timeout=30_000)
    settle(page, server)
    expect(page.get_by_role("heading", name="Threshold lab")).to_be_visible()
    assert "as_of=2011-03-01" in page.url
    # The sidebar lists only the pages a role may open: no Data page for a researcher, and
    # opened anyway, it says which roles may.
    expect(page.get_by_role("link", name="Data", exact=True)).to_have_count(0)
    page.goto(f"{server.url}/data")
    settle(page, server)
    expect(page.get_by_text(re.compile("is for accounts with the role admin"))).to_be_visible()


def test_what_changed_in_the_browser(browser, server):
    for width in (1440, 390):
        ctx = browser.new_context(viewport={"width": width, "height": 900})
        page = ctx.new_page()
        page.goto(f"{server.url}/changes?month=2011-02")
        settle(page, server)
        expect(page.get_by_role("heading", name=re.compile("Entered ▲ triggered"))).to_be_visible()
        shot(page, f"live-changes-{width}")
        ctx.close()

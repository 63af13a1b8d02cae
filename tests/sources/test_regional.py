"""Regional organisations: RSS, Atom and an HTML listing configured per organisation; the
States named found by the country matcher; faults (malformed XML, entities, not a feed)."""

from __future__ import annotations

import pytest

from prevention.sources import regional
from prevention.sources.connector import Cursor, fetch_pages

from .conftest import fixture_bytes


def config(fmt, org="eu", **kw):
    base = regional.feeds()[org]
    return regional.FeedConfig(**{**base.__dict__, "format": fmt, **kw})


def test_configuration_names_known_organisations():
    import pandas as pd

    from prevention.sources.countries import REFERENCE

    orgs = set(pd.read_csv(REFERENCE / "memberships.csv", dtype=str)["org_id"])
    table = regional.feeds()
    assert {"au", "eu", "oas", "coe", "osce"} <= set(table)
    assert set(table) <= orgs  # issuer ids are memberships' org_ids: members_only works
    assert all(c.confirmed for c in table.values())


def test_rss_items_states_and_concern(httpserver, client):
    httpserver.expect_request("/rss").respond_with_data(fixture_bytes("feed_eeas.rss.xml"),
                                                        content_type="application/rss+xml")
    feed = regional.RegionalFeed(config("rss"), httpserver.url_for("/rss"))
    run = fetch_pages(feed, client, Cursor())
    assert run.complete
    parsed = run.pages[0].parsed
    by_country = parsed.signals.set_index("country")
    assert sorted(by_country.index) == ["GHA", "KAZ", "NGA"]
    assert by_country.loc["NGA", "date"] == "2014-11-21" and by_country.loc["NGA", "concern"]
    assert not by_country.loc["GHA", "concern"]  # a welcome only
    assert parsed.skipped == {regional.NO_STATE: 1}
    assert set(parsed.links["issuer_id"]) == {"eu"}
    assert parsed.issuers.iloc[0]["kind"] == "regional_org"
    assert set(parsed.signals["response_sha256"]) == {run.pages[0].response.sha256}
    (cov,) = feed.coverage(Cursor(), run).to_dict("records")
    assert cov["completeness"] == "sample" and cov["issuer_kind"] == "regional_org"


def test_atom_one_signal_per_state_named(httpserver, client):
    httpserver.expect_request("/atom").respond_with_data(fixture_bytes("feed_osce.atom.xml"))
    feed = regional.RegionalFeed(config("atom", "osce"), httpserver.url_for("/atom"))
    parsed = fetch_pages(feed, client, Cursor()).pages[0].parsed
    two = parsed.signals[parsed.signals["url"] == "https://www.osce.org/synthetic/2"]
    assert sorted(two["country"]) == ["ARM", "AZE"] and set(two["date"]) == {"2024-02-20"}
    assert set(two["countries_other"]) == {"ARM", "AZE"}


def test_html_listing_with_pages(httpserver, client):
    listing = fixture_bytes("au_psc_listing.html")
    httpserver.expect_request("/docs", query_string="idtype=7").respond_with_data(listing)
    httpserver.expect_request("/docs", query_string="idtype=7&p=2").respond_with_data(
        b"<html><body><table></table></body></html>")
    cfg = config("html", "au", max_pages=3)
    feed = regional.RegionalFeed(cfg, httpserver.url_for("/docs") + "?idtype=7")
    run = fetch_pages(feed, client, Cursor())
    assert run.complete and len(run.pages) == 2  # the empty second page ends it
    parsed = run.pages[0].parsed
    assert parsed.rows_read == 3  # the 'About' link does not match the pattern
    assert sorted(parsed.signals["date"]) == ["2010-12-09", "2010-12-21"]
    assert set(parsed.signals["country"]) == {"CIV"}
    assert parsed.signals.iloc[0]["url"].endswith("/uploads/0000.comm-en.pdf")


def test_conditional_request_and_not_modified(httpserver, client):
    httpserver.expect_request("/rss", headers={"If-None-Match": '"v7"'}).respond_with_data(
        "", status=304)
    feed = regional.RegionalFeed(config("rss"), httpserver.url_for("/rss"))
    cursor = Cursor(etag='"v7"')
    run = fetch_pages(feed, client, cursor)
    assert run.complete and run.not_modified and not run.pages
    assert feed.next_cursor(cursor, run) == cursor


def test_next_cursor_keeps_the_validators(httpserver, client):
    httpserver.expect_request("/rss").respond_with_data(
        fixture_bytes("feed_eeas.rss.xml"),
        headers={"ETag": '"v8"', "Last-Modified": "Fri, 21 Nov 2014 16:00:00 GMT"})
    feed = regional.RegionalFeed(config("rss"), httpserver.url_for("/rss"))
    run = fetch_pages(feed, client, Cursor())
    after = feed.next_cursor(Cursor(), run)
    assert after.etag == '"v8"' and after.last_modified.startswith("Fri, 21 Nov 2014")


@pytest.mark.parametrize("body, message", [
    (b"<rss><channel><item><title>Nigeria</title></item>", "malformed XML at line 1"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><rss/>', "entities"),
    (b"<html><body>not a feed</body></html>", "neither RSS 2.0"),
])
def test_bad_feeds_are_whole_page_problems(httpserver, client, body, message):
    httpserver.expect_request("/rss").respond_with_data(body)
    feed = regional.RegionalFeed(config("rss"), httpserver.url_for("/rss"))
    run = fetch_pages(feed, client, Cursor())
    assert not run.complete and message in run.problems[0]


def test_item_without_date_is_quarantined():
    from prevention.sources.http import Response

    body = (b"<rss><channel><item><title>Statement on Nigeria</title><link>https://x/1</link>"
            b"</item></channel></rss>")
    resp = Response.from_file(__file__)
    resp = Response(resp.request, "https://x/feed", resp.fetched_at, 200, {}, body, "s")
    (rej,) = regional.parse_feed(resp, config("rss")).rejected
    assert rej.row == 1 and rej.field == "date"

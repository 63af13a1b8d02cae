"""In a real browser: a database filled only by `fetch` from a loopback ReliefWeb. The Country
page shows the fetched releases with their links to the publisher and the coverage the fetch
declared; the Data page lists the source with what its fetch added."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle, shot, sign_in, start_server

PILLAY = ("https://www.ohchr.org/en/press-releases/2011/02/pillay-calls-international-inquiry-"
          "libyan-violence-and-justice-victims")


@pytest.fixture(scope="module")
def fetched_server(chromium_path, tmp_path_factory):
    from pytest_httpserver import HTTPServer

    from prevention.sources import reliefweb
    from prevention.sources.http import HttpClient
    from prevention.sources.run import fetch
    from prevention.sources.seed import seed_countries
    from prevention.storage.db import dispose_engine, get_engine
    from prevention.storage.migrate import upgrade
    from prevention.storage.settings import PROJECT_DIR, Settings
    from tests.sources.test_run import SIZE, Provider
    from tests.ui.seeding import seed_accounts

    folder = tmp_path_factory.mktemp("e2e-fetched")
    url = f"sqlite:///{folder / 'fetched.sqlite3'}"
    engine = get_engine(url)
    upgrade(engine)
    seed_countries(PROJECT_DIR / "data", engine)
    seed_accounts(engine)
    provider = HTTPServer()
    provider.start()
    try:
        Provider(provider)
        connector = reliefweb.ReliefWebOhchr(provider.url_for("/v2"), "test-app",
                                             page_size=SIZE)
        report = fetch(reliefweb.SOURCE, since="2011-01-01", engine=engine,
                       connectors={reliefweb.SOURCE: connector},
                       client=HttpClient("ua", min_delay=0.0),
                       settings=Settings(reliefweb_appname="test-app"))
        assert report.outcome == "done", report.summary()
    finally:
        provider.stop()
    dispose_engine(url)
    srv = start_server(url, folder)
    yield srv
    srv.stop()


@pytest.fixture
def tab(browser, fetched_server):
    expect.set_options(timeout=20_000)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()
    fetched_server.check_alive()


def test_country_page_shows_fetched_signals_with_links_and_coverage(tab, fetched_server):
    tab.goto(f"{fetched_server.url}/country?country=LBY&as_of=2011-03-01")
    settle(tab, fetched_server)
    link = tab.locator(f'a[href="{PILLAY}"]').first
    expect(link).to_be_attached()
    expect(tab.get_by_text("reliefweb-ohchr", exact=False).first).to_be_visible()
    expect(tab.get_by_text("Coverage: partial", exact=False).first).to_be_visible()
    shot(tab, "country-fetched-libya")


def test_data_page_lists_the_fetched_source(tab, fetched_server):
    sign_in(tab, fetched_server, "admin")
    tab.goto(f"{fetched_server.url}/data")
    settle(tab, fetched_server)
    expect(tab.get_by_role("heading", name="Public sources")).to_be_visible()
    expect(tab.get_by_role("button", name="Fetch now")).to_be_visible()
    shot(tab, "data-public-sources")

"""Two app processes on one PostgreSQL database, as `make serve WORKERS=2` runs them (issue 17),
in Chromium: each sees an import made elsewhere and a watchlist edit at once (the data version,
read from the database on every run, invalidates both processes' caches), and a sign-in made on
one is honoured by the other (the session is in the database, its cookie is the same)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle, shot, sign_in, start_server

STATE, AS_OF = "ISL", "2025-12-31"


@pytest.fixture(scope="module")
def two_servers(chromium_path, postgres_server, _templates, tmp_path_factory):
    from prevention.storage.db import dispose_engine, get_engine
    from tests.conftest import _pg_admin
    from tests.ui.seeding import seed_accounts, seed_real

    _templates("postgresql")
    name = f"procs_{os.getpid()}"
    _pg_admin(postgres_server, f"CREATE DATABASE {name} TEMPLATE template_head")
    url = postgres_server.url(name)
    folder = tmp_path_factory.mktemp("procs")
    seed_real(get_engine(url), folder)
    seed_accounts(get_engine(url))
    dispose_engine(url)
    servers = []
    try:
        for tag in ("a", "b"):
            (folder / tag).mkdir()
            servers.append(start_server(url, folder / tag))
        yield url, servers
    finally:
        for s in servers:
            s.stop()
        dispose_engine(url)
        _pg_admin(postgres_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _bundle(folder: Path) -> Path:
    """One statement by the High Commissioner about Iceland: enough to trigger it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "issuers.csv").write_text(
        "issuer_id,name,kind,country,accreditation,scope\n"
        "ohchr-hc,UN High Commissioner for Human Rights,high_commissioner,,,\n")
    (folder / "signals.csv").write_text(
        "signal_id,date,country,issuers,concern,title,url,reference,summary,language\n"
        f"procs-test-1,2025-12-20,{STATE},ohchr-hc,true,A statement seen by both processes,"
        "https://example.org/procs,PROCS/1,,en\n")
    return folder


def _country_header(page, server) -> str:
    page.goto(f"{server.url}/country?country={STATE}&as_of={AS_OF}")
    settle(page, server)
    heading = page.locator('[data-testid="stHeading"]').filter(has_text="Iceland").first
    heading.wait_for()
    return heading.inner_text()


def _picked_list(page, server):
    """The Watchlists page's list picker (its value names the list shown)."""
    page.goto(f"{server.url}/watchlists")
    settle(page, server)
    return page.get_by_role("combobox", name="Watchlist", exact=True)


def test_an_import_shows_in_both_processes(two_servers, page, tmp_path):
    from prevention.sources.ingest import import_file
    from prevention.storage.db import get_engine

    url, (a, b) = two_servers
    before = [_country_header(page, s) for s in (a, b)]
    assert all("triggered" not in h for h in before), before
    try:
        from prevention.accounts.access import system

        user = system("test")
    except ImportError:  # pragma: no cover - before accounts act as principals
        user = "test"
    import_file(_bundle(tmp_path / "bundle"), "bundle", user=user, engine=get_engine(url))
    after = [_country_header(page, s) for s in (a, b)]
    assert all("triggered" in h for h in after), after
    shot(page, "procs-country-after-import")


def test_a_sign_in_and_a_watchlist_edit_reach_the_other_process(two_servers, page):
    from prevention.accounts import auth
    from prevention.storage.db import get_engine, session_scope
    from prevention.watch import watchlists
    from tests.ui.seeding import ACCOUNTS

    url, (a, b) = two_servers
    sign_in(page, a, "viewer")
    # The cookie was set by process A (same host, another port: the browser sends it to both).
    page.goto(f"{b.url}/watchlists")
    settle(page, b)
    page.get_by_text("Signed in as").first.wait_for()
    assert "Sign in on the Account page" not in page.locator('[data-testid="stMain"]').inner_text()

    engine = get_engine(url)
    with session_scope(engine) as s:
        owner = auth.get_account(s, ACCOUNTS["viewer"])
    info = watchlists.create(owner, "Seen by both processes", ["SYR"], engine=engine)
    for server in (a, b):
        expect(_picked_list(page, server)).to_have_value(re.compile("Seen by both processes"))
    watchlists.rename(info.id, owner, "Renamed in a third process", engine=engine)
    for server in (b, a):
        expect(_picked_list(page, server)).to_have_value(re.compile("Renamed in a third process"))
    shot(page, "procs-watchlists-renamed")

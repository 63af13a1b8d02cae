"""Issue 12 in a real browser: the session cookie as Chromium stores it (point 12), and text
that users typed shown as text to other users (point 13).

Uses the shared server and browser of tests/e2e/conftest.py.
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from tests.e2e.conftest import settle, sign_in  # noqa: E402


def _session_cookies(page):
    from prevention.web.routes import COOKIE

    return [c for c in page.context.cookies() if c["name"] == COOKIE]


def test_the_session_cookie_is_httponly_and_set_by_the_server(page, server):
    sign_in(page, server, "admin")
    [cookie] = _session_cookies(page)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["secure"] is False  # plain http on 127.0.0.1; behind HTTPS it is Secure
    assert cookie["path"] == "/"
    # No script on the page can read it.
    assert "prevention_session" not in page.evaluate("document.cookie")
    # A reload stays signed in: the server reads the cookie.
    page.goto(f"{server.url}/review")
    settle(page, server)
    expect(page.get_by_role("heading", name="Bureau review")).to_be_visible()
    # Signing out clears the cookie, from the server as well.
    page.goto(f"{server.url}/account")
    settle(page, server)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_function("() => location.pathname.endsWith('/account')")
    settle(page, server)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert not _session_cookies(page)
    page.goto(f"{server.url}/review")
    settle(page, server)
    expect(page.get_by_role("heading", name="Bureau review")).to_have_count(0)


EVIL = "![x](http://127.0.0.1:9/x.png) [click](javascript:alert(1))"


def test_a_rule_set_title_with_markdown_is_shown_as_typed(page, server):
    """A researcher names a scenario with markdown; another researcher opening it sees the
    characters, and the browser neither fetches the image nor gets a javascript: link. (An
    unpublished scenario is shown to research roles only: tests/ui/test_public_rule_sets.py.)"""
    from prevention.accounts.access import system
    from prevention.cases import rulesets
    from prevention.storage.db import dispose_engine, get_engine
    from prevention.web import views
    from triggers.rules import load_rule_set

    url = f"sqlite:///{server.log_path.parent / 'e2e.sqlite3'}"
    base = load_rule_set("glion-iii-2016")
    scenario = views.rules_with(base, {}, {}, rule_id=views.scenario_id(base.id, "markdown title"),
                                title=EVIL)
    saved = rulesets.save_rule_set_version(scenario, author=system("rosa"), note="", engine=get_engine(url))
    dispose_engine(url)
    sign_in(page, server, "researcher")
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if "127.0.0.1:9/" in r.url else None)
    for path in (f"/?rules={saved.id}&as_of=2011-03-01", "/about"):
        page.goto(f"{server.url}{path}")
        settle(page, server)
        expect(page.get_by_text(EVIL, exact=False).first).to_be_visible()
        assert page.locator('img[src*="127.0.0.1:9"]').count() == 0
        assert page.locator('a[href^="javascript"]').count() == 0
    assert fetched == []

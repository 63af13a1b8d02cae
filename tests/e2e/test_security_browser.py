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
    from prevention.web import COOKIE

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

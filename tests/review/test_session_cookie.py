"""Issue 12, point 12: the session cookie is set by the server (prevention/web/routes.py), HttpOnly.

The routes are driven through Starlette's test client behind uvicorn's proxy-headers middleware
(as `streamlit run` serves them), on both backends. The browser's view of the cookie is
checked in tests/e2e/test_security_browser.py.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from prevention.accounts import auth
from prevention.storage.db import session_scope
from prevention.web import routes as web


@pytest.fixture
def client(engine):
    # trusted_hosts="*" stands for FORWARDED_ALLOW_IPS listing the proxy in front.
    app = ProxyHeadersMiddleware(Starlette(routes=web.session_routes(web.base_path())), trusted_hosts="*")
    with TestClient(app, base_url="http://dashboard.test") as c:
        yield c


def _signed_in(engine, user) -> tuple[str, str]:
    """What the Account page does on a sign-in: a session for this tab, and a one-time code."""
    with session_scope(engine) as s:
        token = auth.start_session(s, user)
        return token, auth.handoff_code(s, token)


def _set_cookie(response) -> str:
    values = response.headers.get_list("set-cookie")
    assert len(values) == 1, values
    return values[0]


def test_the_route_sets_an_httponly_lax_cookie_for_a_fresh_token(engine, users, client):
    tab_token, code = _signed_in(engine, users["reviewer"])
    response = client.get(web.BEGIN, params={"code": code, "next": "/review?case=3"},
                          follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/review?case=3"
    header = _set_cookie(response)
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    assert {"httponly", "samesite", "path", "max-age"} <= attributes and "secure" not in attributes
    assert "samesite=lax" in header.lower() and "Path=/" in header
    token = header.split(";")[0].split("=", 1)[1]
    assert token != tab_token and code not in header
    with session_scope(engine) as s:
        assert auth.user_for_session(s, token).username == "rey"
        # The token this tab held only on the server is replaced: one session, one live token.
        assert auth.user_for_session(s, tab_token) is None
    assert response.headers["cache-control"] == "no-store"


def test_secure_behind_a_proxy_that_says_https(engine, users, client):
    _, code = _signed_in(engine, users["reviewer"])
    response = client.get(web.BEGIN, params={"code": code}, headers={"X-Forwarded-Proto": "https"},
                          follow_redirects=False)
    assert "; secure" in _set_cookie(response).lower()


def test_a_code_works_once_and_not_after_it_expires(engine, users, client):
    _, code = _signed_in(engine, users["reviewer"])
    assert client.get(web.BEGIN, params={"code": code}, follow_redirects=False).status_code == 303
    again = client.get(web.BEGIN, params={"code": code}, follow_redirects=False)
    assert again.headers["location"] == "/account?signin=expired"
    assert not again.headers.get_list("set-cookie")
    _, late = _signed_in(engine, users["viewer"])
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE account_sessions SET handoff_expires_at = :t "
                             "WHERE handoff_hash IS NOT NULL"),
                     {"t": datetime.now(timezone.utc) - timedelta(seconds=1)})
    refused = client.get(web.BEGIN, params={"code": late}, follow_redirects=False)
    assert refused.headers["location"].endswith("signin=expired")
    assert client.get(web.BEGIN, params={"code": "made-up"}, follow_redirects=False) \
        .headers["location"].endswith("signin=expired")


def test_two_requests_with_one_code_give_one_cookie(engine, users):
    _, code = _signed_in(engine, users["reviewer"])
    barrier = threading.Barrier(2)
    tokens = [None, None]

    def exchange(i):
        barrier.wait(timeout=30)
        with session_scope(engine) as s:
            tokens[i] = auth.exchange_handoff(s, code)

    threads = [threading.Thread(target=exchange, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(t is not None for t in tokens) == 1, tokens


def test_links_from_other_sites_and_redirects_elsewhere_are_refused(engine, users, client):
    _, code = _signed_in(engine, users["reviewer"])
    cross = client.get(web.BEGIN, params={"code": code}, headers={"Sec-Fetch-Site": "cross-site"},
                       follow_redirects=False)
    assert cross.status_code == 403 and "another site" in cross.text
    assert not cross.headers.get_list("set-cookie")
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        response = client.get(web.BEGIN, params={"code": code, "next": evil}, follow_redirects=False)
        assert response.headers["location"] == "/account", evil
        code = _signed_in(engine, users["reviewer"])[1]


def test_signing_out_revokes_the_token_and_clears_the_cookie(engine, users, client):
    _, code = _signed_in(engine, users["reviewer"])
    header = _set_cookie(client.get(web.BEGIN, params={"code": code}, follow_redirects=False))
    token = header.split(";")[0].split("=", 1)[1]
    client.cookies.set(web.COOKIE, token)
    response = client.get(web.END, follow_redirects=False)
    cleared = _set_cookie(response).lower()
    assert response.status_code == 303 and "max-age=0" in cleared and "httponly" in cleared
    with session_scope(engine) as s:
        assert auth.user_for_session(s, token) is None

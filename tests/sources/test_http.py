"""The HTTP client against a loopback server: retries, Retry-After, crawl delay, conditional
requests, provenance and the one-line errors. The fake clock makes every wait instant and
visible (clock.sleeps)."""

from __future__ import annotations

import gzip
import hashlib
import socket
import time
from datetime import datetime, timezone

import pytest
from werkzeug import Response as WResponse

from prevention.sources.http import (
    HostUnreachable,
    HttpClient,
    RateLimited,
    Request,
    SourceRefused,
    SourceUnreachable,
    parse_retry_after,
)
from prevention.storage.settings import Settings as SourceSettings


def test_response_carries_provenance(httpserver, client, clock):
    httpserver.expect_request("/data").respond_with_data(
        b'{"ok": true}', content_type="application/json", headers={"ETag": '"v1"'})
    resp = client.fetch(Request(httpserver.url_for("/data"), params=(("page", "2"),)))
    assert resp.status == 200 and resp.body == b'{"ok": true}'
    assert resp.sha256 == hashlib.sha256(b'{"ok": true}').hexdigest()
    assert resp.url.endswith("/data?page=2")
    assert resp.fetched_at == clock.now() and resp.fetched_at.tzinfo is not None
    assert resp.etag == '"v1"' and resp.headers["content-type"] == "application/json"
    assert gzip.decompress(resp.archive_bytes()) == resp.body
    assert resp.archive_bytes() == resp.archive_bytes()  # fixed mtime: equal bodies archive equal


def test_user_agent_names_product_and_contact(httpserver, clock):
    ua = SourceSettings(contact="ops@example.org").user_agent()
    assert ua.startswith("PreventionDashboard/") and "(+ops@example.org)" in ua
    httpserver.expect_request("/ua", headers={"User-Agent": ua}).respond_with_data("ok")
    with HttpClient(ua, clock=clock, min_delay=0) as c:
        assert c.fetch(Request(httpserver.url_for("/ua"))).body == b"ok"


def test_429_waits_for_retry_after_seconds(httpserver, client, clock):
    httpserver.expect_ordered_request("/q").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"})
    httpserver.expect_ordered_request("/q").respond_with_data("done")
    resp = client.fetch(Request(httpserver.url_for("/q")))
    assert resp.body == b"done" and resp.attempts == 2
    assert 7.0 in clock.sleeps


def test_503_retry_after_as_http_date(httpserver, client, clock):
    when = "Mon, 02 Mar 2026 09:00:30 GMT"  # 30 s after the fake clock's start
    httpserver.expect_ordered_request("/q").respond_with_data(
        "maintenance", status=503, headers={"Retry-After": when})
    httpserver.expect_ordered_request("/q").respond_with_data("back")
    assert client.fetch(Request(httpserver.url_for("/q"))).body == b"back"
    assert 30.0 in clock.sleeps


def test_retry_after_longer_than_allowed_raises_rate_limited(httpserver, clock):
    httpserver.expect_request("/q").respond_with_data(
        "quota", status=429, headers={"Retry-After": "86400"})
    with HttpClient("ua", clock=clock, min_delay=0, max_retry_after=300) as c:
        with pytest.raises(RateLimited) as err:
            c.fetch(Request(httpserver.url_for("/q")))
    assert "86400 s" in str(err.value) and "2026-03-03 09:00 UTC" in str(err.value)
    assert err.value.retry_at == datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
    assert len(httpserver.log) == 1  # it did not wait a day to ask again


def test_500_then_success_backs_off_exponentially(httpserver, client, clock):
    for status in (500, 502):
        httpserver.expect_ordered_request("/q").respond_with_data("oops", status=status)
    httpserver.expect_ordered_request("/q").respond_with_data("fine")
    resp = client.fetch(Request(httpserver.url_for("/q")))
    assert resp.body == b"fine" and resp.attempts == 3
    assert clock.sleeps == [2.0, 4.0]


def test_persistent_500_is_a_clear_unreachable_after_bounded_attempts(httpserver, clock):
    httpserver.expect_request("/q").respond_with_data("down", status=500)
    with HttpClient("ua", clock=clock, min_delay=0, attempts=3,
                    settings_for_host={httpserver.host + ":" + str(httpserver.port):
                                       "PREVENTION_SDG_URL"}) as c:
        with pytest.raises(SourceUnreachable) as err:
            c.fetch(Request(httpserver.url_for("/q")))
    message = str(err.value)
    assert "failed 3 times" in message and "HTTP 500" in message
    assert "PREVENTION_SDG_URL" in message and "\n" not in message
    assert not isinstance(err.value, HostUnreachable)  # the host answered: not a network fault
    assert len(httpserver.log) == 3


@pytest.fixture
def threaded_server():
    # The slow first answer must not hold up the second request: one thread per request.
    from pytest_httpserver import HTTPServer

    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_timeout_is_retried_then_succeeds(threaded_server, clock):
    httpserver = threaded_server
    calls = {"n": 0}

    def handler(request):
        calls["n"] += 1
        if calls["n"] == 1:
            time.sleep(0.6)  # longer than the client's time-out
        return WResponse("late but fine")

    httpserver.expect_request("/slow").respond_with_handler(handler)
    with HttpClient("ua", clock=clock, min_delay=0, timeout=0.3) as c:
        resp = c.fetch(Request(httpserver.url_for("/slow")))
    assert resp.body == b"late but fine" and resp.attempts == 2


def test_4xx_is_not_retried_and_says_what_to_do(httpserver, client):
    httpserver.expect_request("/v2/reports").respond_with_data(
        '{"status":403,"error":{"type":"AccessDeniedHttpException"}}', status=403)
    with pytest.raises(SourceRefused) as err:
        client.fetch(Request(httpserver.url_for("/v2/reports"), params=(("appname", "x"),)))
    assert err.value.status == 403 and "PREVENTION_RELIEFWEB_APPNAME" in str(err.value)
    assert "AccessDeniedHttpException" in str(err.value)
    assert len(httpserver.log) == 1


def test_no_network_names_the_host_and_what_to_do(clock):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with HttpClient("ua", clock=clock, min_delay=0, attempts=5) as c:
        with pytest.raises(SourceUnreachable) as err:
            c.fetch(Request(f"http://127.0.0.1:{port}/x"))
    message = str(err.value)
    assert f"cannot reach 127.0.0.1:{port}" in message and "network" in message
    assert isinstance(err.value, HostUnreachable)  # the CLI's exit 3
    assert clock.sleeps == [2.0]  # two attempts only for a connection that cannot be opened


def test_crawl_delay_per_host(httpserver, clock):
    httpserver.expect_request("/p").respond_with_data("x")
    host = f"{httpserver.host}:{httpserver.port}"
    with HttpClient("ua", clock=clock, host_delays={host: 5.0}, min_delay=0.0) as c:
        for _ in range(3):
            c.fetch(Request(httpserver.url_for("/p")))
    assert clock.sleeps == [5.0, 5.0]


def test_conditional_get_returns_not_modified(httpserver, client):
    httpserver.expect_request("/feed", headers={"If-None-Match": '"abc"',
                                                "If-Modified-Since": "Sun, 01 Mar 2026 10:00:00 GMT"}
                              ).respond_with_data("", status=304, headers={"ETag": '"abc"'})
    resp = client.fetch(Request(httpserver.url_for("/feed"), etag='"abc"',
                                last_modified="Sun, 01 Mar 2026 10:00:00 GMT"))
    assert resp.not_modified and resp.body == b"" and resp.etag == '"abc"'


def test_post_json_body(httpserver, client):
    httpserver.expect_request("/v2/reports", method="POST", json={"limit": 2}
                              ).respond_with_json({"count": 0, "data": []})
    resp = client.fetch(Request(httpserver.url_for("/v2/reports"), method="POST",
                                json={"limit": 2}))
    assert resp.status == 200


@pytest.mark.parametrize("value, expected", [
    ("120", 120.0), ("", None), ("soon", None),
    ("Mon, 02 Mar 2026 09:01:00 GMT", 60.0), ("Mon, 02 Mar 2026 08:00:00 GMT", 0.0)])
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)) == expected


def test_registry_builds_every_connector_and_the_polite_client(monkeypatch):
    from prevention.sources import registry

    monkeypatch.setenv("PREVENTION_CONTACT", "ops@example.org")
    monkeypatch.setenv("PREVENTION_UNDL_URL", "http://127.0.0.1:9/undl")
    settings = SourceSettings()
    assert "reliefweb-ohchr" not in registry.connectors(settings)  # no appname: not built
    settings = SourceSettings(reliefweb_appname="approved-name")
    built = registry.connectors(settings)
    assert {"reliefweb-ohchr", "ohchr-spcomm-latest", "unsd-sdg-16a1", "undl-sc-voting",
            "feed-au", "feed-eu", "feed-oas", "feed-coe", "feed-osce"} <= set(built)
    with registry.client(settings) as c:
        assert c.delay_for("127.0.0.1:9") == 5.0  # the Digital Library's crawl delay
        assert c.settings_for_host["127.0.0.1:9"] == "PREVENTION_UNDL_URL"
        assert "ops@example.org" in c.user_agent

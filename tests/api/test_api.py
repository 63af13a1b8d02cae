"""/api/v1 in process: status codes, pagination, what the public sees and what needs a token,
tokens refused once revoked or their account disabled, rate limits, OpenAPI."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from prevention.api import openapi
from tests.api.conftest import auth

AS_OF = "2011-03-01"


def check_schema(body: dict, name: str) -> None:
    """The response matches the schema the OpenAPI document gives it."""
    doc = openapi.document()
    schema = {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
    assert not errors, "\n".join(str(e.message) for e in errors[:5])


def test_openapi_document_is_valid_and_served(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    validate(doc)  # openapi-spec-validator: a well-formed OpenAPI 3.1 document
    assert doc["servers"] == [{"url": "http://testserver/api/v1"}]
    assert {"/statuses", "/states/{iso3}", "/signals", "/rule-sets", "/sources", "/coverage",
            "/changes", "/changes/{month}", "/watchlists"} <= set(doc["paths"])


def test_index_links_every_entry_point(client):
    body = client.get("/api/v1/").json()
    assert body["links"]["openapi"] == "http://testserver/api/v1/openapi.json"
    check_schema(body, "Index")


def test_statuses_are_paginated_and_ranked(client):
    r = client.get("/api/v1/statuses", params={"as_of": AS_OF, "per_page": 10})
    assert r.status_code == 200, r.text
    body = r.json()
    check_schema(body, "StatusList")
    meta = body["meta"]
    assert meta["per_page"] == 10 and meta["total"] > 100 and meta["pages"] == -(-meta["total"] // 10)
    assert meta["rule_set"]["id"] == "glion-iii-2016" and meta["as_of"] == AS_OF
    assert len(body["data"]) == 10 and body["links"]["prev"] is None
    first = body["data"][0]
    assert first["status"] == "triggered" and first["severity_rank"] == 1
    assert first["links"]["page"].startswith("http://testserver/country?country=")
    nxt = client.get(body["links"]["next"]).json()
    assert nxt["meta"]["page"] == 2 and nxt["data"][0]["country"] != first["country"]
    assert r.headers["X-RateLimit-Limit"] and r.headers["Access-Control-Allow-Origin"] == "*"
    # Severity order within a status: criteria met, then issuers, then recency.
    trig = [d for d in client.get("/api/v1/statuses", params={"as_of": AS_OF, "status": "triggered",
                                                              "per_page": 200}).json()["data"]]
    keys = [(-d["criteria_met"], -d["issuers"]) for d in trig]
    assert keys == sorted(keys) and [d["severity_rank"] for d in trig] == list(range(1, len(trig) + 1))


def test_one_state_has_criteria_evidence_and_coverage(client):
    r = client.get("/api/v1/states/lby", params={"as_of": AS_OF})
    assert r.status_code == 200, r.text
    body = r.json()
    check_schema(body, "StateDocument")
    data = body["data"]
    assert data["country"] == "LBY" and data["status"] == "triggered"
    met = [c for c in data["criteria"] if c["met"]]
    assert met and met[0]["evidence"] and met[0]["evidence"][0]["issuers"]
    assert all(c["coverage"]["words"].startswith("Coverage") for c in data["criteria"])
    assert client.get("/api/v1/states/XXX").status_code == 404


@pytest.mark.parametrize("params,status", [
    ({"as_of": "2011-02-30"}, 400), ({"as_of": "2999-01-01"}, 400), ({"page": "0"}, 400),
    ({"per_page": "1000"}, 400), ({"status": "red"}, 400), ({"page": "x"}, 400),
])
def test_bad_parameters_are_400_with_a_reason(client, params, status):
    r = client.get("/api/v1/statuses", params=params)
    assert r.status_code == status
    check_schema(r.json(), "Error")
    assert r.json()["error"]["detail"]


def test_signals_filter_and_paginate(client):
    body = client.get("/api/v1/signals", params={"country": "LBY", "since": "2011-02-01",
                                                 "until": "2011-03-31", "per_page": 2}).json()
    check_schema(body, "SignalList")
    assert body["meta"]["total"] >= 3 and len(body["data"]) == 2
    dates = [s["date"] for s in body["data"]]
    assert dates == sorted(dates, reverse=True) and all(s["country"] == "LBY" for s in body["data"])
    hc = client.get("/api/v1/signals", params={"country": "LBY", "issuer_kind": "high_commissioner"}).json()
    assert hc["data"] and all(any(i["kind"] == "high_commissioner" for i in s["issuers"]) for s in hc["data"])
    beyond = client.get("/api/v1/signals", params={"country": "LBY", "page": 999}).json()
    assert beyond["data"] == [] and beyond["links"]["next"] is None


def test_sources_coverage_and_changes(client):
    check_schema(client.get("/api/v1/sources").json(), "SourceList")
    check_schema(client.get("/api/v1/coverage", params={"country": "LBY"}).json(), "CoverageRowList")
    archive = client.get("/api/v1/changes", params={"per_page": 500})
    assert archive.status_code == 400  # per_page is at most 200
    archive = client.get("/api/v1/changes", params={"per_page": 200}).json()
    check_schema(archive, "ArchiveMonthList")
    month = client.get("/api/v1/changes/2011-02").json()
    check_schema(month, "DigestDocument")
    assert "LBY" in month["data"]["groups"]["entered_triggered"]
    assert client.get("/api/v1/changes/2011-13").status_code == 404
    assert client.get("/api/v1/changes/2999-01").status_code == 404


def test_the_public_sees_only_the_published_rule_set(client, tokens):
    from prevention.cases import rulesets
    from tests.ui.test_live_pages import system
    from triggers.rules import load_rule_set

    rulesets.save_rule_set_version(load_rule_set("glion-iii-2016").model_copy(
        update={"id": "lab-scenario", "title": "An unpublished lab scenario"}), system("rosa"))
    public = client.get("/api/v1/rule-sets").json()
    check_schema(public, "RuleSetList")
    assert [(r["id"], r["published"]) for r in public["data"]] == [("glion-iii-2016", True)]
    assert "lab-scenario" not in json.dumps(public)
    # An unpublished rule set: 401 without a token, whether or not it exists; 403 for a
    # viewer; shown to a researcher.
    for rid in ("lab-scenario", "does-not-exist", "hrc20-2012"):
        r = client.get("/api/v1/statuses", params={"rule_set": rid})
        assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
        assert client.get(f"/api/v1/rule-sets/{rid}").status_code == 401
    assert client.get("/api/v1/statuses", params={"rule_set": "lab-scenario"},
                      headers=auth(tokens["viewer"])).status_code == 403
    r = client.get("/api/v1/statuses", params={"rule_set": "lab-scenario", "as_of": AS_OF},
                   headers=auth(tokens["researcher"]))
    assert r.status_code == 200 and r.json()["meta"]["rule_set"]["id"] == "lab-scenario"
    assert r.headers["Cache-Control"] == "private, no-store"
    assert client.get("/api/v1/rule-sets/does-not-exist",
                      headers=auth(tokens["researcher"])).status_code == 404
    every = client.get("/api/v1/rule-sets", headers=auth(tokens["researcher"])).json()
    assert {"lab-scenario", "glion-iii-2016", "hrc20-2012"} <= {r["id"] for r in every["data"]}
    # The published one by its id@version is public.
    assert client.get("/api/v1/statuses", params={"rule_set": "glion-iii-2016@2"}).status_code == 200


def test_tokens_are_refused_once_revoked_or_their_account_disabled(client, tokens):
    from prevention.accounts import api_tokens, auth as accounts
    from prevention.accounts.auth import load_user
    from prevention.storage.db import session_scope
    from tests.ui.conftest import account_id

    assert client.get("/api/v1/watchlists").status_code == 401
    r = client.get("/api/v1/watchlists", headers=auth("pd_not-a-token"))
    assert r.status_code == 401 and "invalid_token" in r.headers["WWW-Authenticate"]
    ok = client.get("/api/v1/watchlists", headers=auth(tokens["viewer"]))
    assert ok.status_code == 200
    check_schema(ok.json(), "WatchlistList")
    # A bad token is refused even on a public endpoint (a script should learn it is broken).
    assert client.get("/api/v1/signals", headers=auth("pd_nope")).status_code == 401
    with session_scope() as s:
        viewer = load_user(s, account_id("viewer"))
        [mine] = [t for t in api_tokens.list_tokens(s, viewer) if t.live]
        api_tokens.revoke(s, viewer, mine.id)
    assert client.get("/api/v1/watchlists", headers=auth(tokens["viewer"])).status_code == 401
    with session_scope() as s:
        admin = load_user(s, account_id("admin"))
        accounts.disable(s, admin, "rosa")
    assert client.get("/api/v1/rule-sets", headers=auth(tokens["researcher"])).status_code == 401


def test_watchlists_through_the_api_are_the_token_owners(client, tokens):
    from prevention.accounts.auth import User
    from prevention.watch import watchlists
    from tests.ui.conftest import account_id

    watchlists.create(User(account_id("viewer"), "vera", "viewer"), "Sahel", ["LBY", "MLI"])
    watchlists.create(User(account_id("researcher"), "rosa", "researcher"), "Other", ["FRA"])
    body = client.get("/api/v1/watchlists", headers=auth(tokens["viewer"])).json()
    [w] = body["data"]
    assert w["name"] == "Sahel" and w["countries"] == ["LBY", "MLI"]
    assert {s["country"] for s in w["statuses"]} == {"LBY", "MLI"}
    assert w["links"]["feed"].startswith("http://testserver/feeds/watchlist/")


def test_unknown_endpoints_are_json_404s(client):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["status"] == 404
    assert client.post("/api/v1/statuses").status_code == 405


def test_rate_limit_per_address_then_429_with_retry_after(client, monkeypatch):
    from prevention.storage.settings import get_settings

    monkeypatch.setenv("PREVENTION_API_RATE_PER_MINUTE", "3")
    get_settings.cache_clear()
    try:
        codes = [client.get("/api/v1/").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = client.get("/api/v1/")
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        assert r.headers["X-RateLimit-Remaining"] == "0"
        check_schema(r.json(), "Error")
        # The feeds share the address's limit.
        assert client.get("/feeds/changes.atom").status_code == 429
    finally:
        get_settings.cache_clear()


def test_a_token_counts_against_its_own_limit(client, tokens, monkeypatch):
    from prevention.storage.settings import get_settings

    monkeypatch.setenv("PREVENTION_API_RATE_PER_MINUTE", "2")
    monkeypatch.setenv("PREVENTION_API_TOKEN_RATE_PER_MINUTE", "5")
    get_settings.cache_clear()
    try:
        assert [client.get("/api/v1/").status_code for _ in range(3)] == [200, 200, 429]
        with_token = [client.get("/api/v1/", headers=auth(tokens["viewer"])).status_code
                      for _ in range(6)]
        assert with_token == [200] * 5 + [429]
    finally:
        get_settings.cache_clear()

"""ReliefWeb OHCHR connector: requests in the documented form, offset paging, the parse of real
releases (fixtures/README.md says what is real), and faults."""

from __future__ import annotations

import json

import pytest

from prevention.sources import reliefweb
from prevention.sources.connector import Cursor, fetch_pages, merge
from prevention.sources.http import Response

from .conftest import FIXTURES, fixture_bytes


def connector(httpserver, page_size=5):
    return reliefweb.ReliefWebOhchr(httpserver.url_for("/v2"), "prevention-test-appname",
                                    page_size=page_size)


def test_needs_an_appname():
    with pytest.raises(ValueError, match="PREVENTION_RELIEFWEB_APPNAME"):
        reliefweb.ReliefWebOhchr("https://api.reliefweb.int/v2", "")


def test_first_request_is_the_documented_post():
    c = reliefweb.ReliefWebOhchr("https://api.reliefweb.int/v2", "app")
    req = c.first_request(Cursor(start="2011-01-01", end="2024-12-31"))
    assert req.method == "POST" and req.full_url == "https://api.reliefweb.int/v2/reports?appname=app"
    conditions = req.json["filter"]["conditions"]
    assert {"field": "source.shortname", "value": "OHCHR"} in conditions
    assert {"field": "format.name", "value": "News and Press Release"} in conditions
    assert {"field": "date.original", "value": {"from": "2011-01-01T00:00:00+00:00",
                                                "to": "2024-12-31T23:59:59+00:00"}} in conditions
    assert req.json["limit"] == 1000 and req.json["offset"] == 0
    assert "primary_country.iso3" in req.json["fields"]["include"]


def test_two_pages_by_offset(httpserver, client):
    httpserver.expect_ordered_request("/v2/reports", method="POST",
                                      query_string="appname=prevention-test-appname"
                                      ).respond_with_data(fixture_bytes("reliefweb_ohchr_p1.json"))
    httpserver.expect_ordered_request("/v2/reports", method="POST").respond_with_data(
        fixture_bytes("reliefweb_ohchr_p2.json"))
    cursor = Cursor(start="2011-01-01", end="2024-12-31")
    c = connector(httpserver)
    run = fetch_pages(c, client, cursor)
    assert run.complete and not run.problems and len(run.pages) == 2
    assert json.loads(httpserver.log[1][0].data)["offset"] == 5
    parsed = merge(run.parsed)
    by_id = parsed.signals.set_index("signal_id")
    assert list(by_id.index) == ["reliefweb:9000001:LBY", "reliefweb:9000003:BLR",
                                 "reliefweb:9000006:IRN", "reliefweb:9000007:BLR"]
    links = parsed.links.groupby("signal_id")["issuer_id"].apply(sorted).to_dict()
    assert links["reliefweb:9000001:LBY"] == ["ohchr-hc"]
    assert links["reliefweb:9000006:IRN"] == ["ohchr"]
    assert len(links["reliefweb:9000007:BLR"]) == 4  # four mandates: the joint criterion counts them
    kinds = parsed.issuers.set_index("issuer_id")["kind"].to_dict()
    assert kinds["ohchr-hc"] == "high_commissioner" and kinds["ohchr"] == "ohchr"
    assert kinds["sp-belarus"] == "sp_mandate"
    # Every signal links to the response it came from, and to the publisher's page.
    shas = {p.response.sha256 for p in run.pages}
    assert set(parsed.signals["response_sha256"]) == shas
    assert by_id.loc["reliefweb:9000001:LBY", "url"].startswith("https://www.ohchr.org/")
    # Quarantined: the Iran release without its closing list, the item without a title.
    assert sorted((r.row, r.field) for r in parsed.rejected) == [(3, "title"), (4, "body")]
    assert parsed.skipped == {reliefweb.THEMATIC: 2}
    cov = c.coverage(cursor, run)
    assert set(cov["issuer_kind"]) == set(reliefweb.ISSUER_KINDS)
    assert set(cov["completeness"]) == {"sample"} and set(cov["start"]) == {"2011-01-01"}
    assert c.next_cursor(cursor, run) == Cursor(start="2024-08-14")


def test_saved_file_parses_the_same(tmp_path):
    resp = Response.from_file(FIXTURES / "reliefweb_ohchr_p1.json")
    parsed = reliefweb.parse_response(resp)
    assert parsed.rows_read == 5 and len(parsed.signals) == 2
    assert set(parsed.coverage["end"]) == {"2022-10-10"}  # no request: the items' own span


def test_429_then_success(httpserver, client, clock):
    httpserver.expect_ordered_request("/v2/reports").respond_with_data(
        '{"status":429}', status=429, headers={"Retry-After": "3"})
    httpserver.expect_ordered_request("/v2/reports").respond_with_data(
        fixture_bytes("reliefweb_ohchr_p2.json"))
    c = connector(httpserver, page_size=1000)
    run = fetch_pages(c, client, Cursor(start="2019-01-01"))
    assert 3.0 in clock.sleeps and len(run.pages) == 1


def test_truncated_json_stops_the_run_incomplete(httpserver, client):
    body = fixture_bytes("reliefweb_ohchr_p1.json")
    httpserver.expect_request("/v2/reports").respond_with_data(body[: len(body) // 2])
    run = fetch_pages(connector(httpserver), client, Cursor(start="2011-01-01"))
    assert not run.complete and "not JSON" in run.problems[0] and "truncated" in run.problems[0]
    (rej,) = run.pages[0].parsed.rejected
    assert rej.row is None and rej.raw["sha256"] == run.pages[0].response.sha256


def test_missing_data_key(httpserver, client):
    httpserver.expect_request("/v2/reports").respond_with_json({"error": {"type": "x"}})
    run = fetch_pages(connector(httpserver), client, Cursor(start="2011-01-01"))
    assert not run.complete and "no 'data' list" in run.problems[0] and "error" in run.problems[0]


def test_empty_page_before_total_is_a_problem(httpserver, client):
    page = json.loads(fixture_bytes("reliefweb_ohchr_p1.json"))
    httpserver.expect_ordered_request("/v2/reports").respond_with_json(page)
    httpserver.expect_ordered_request("/v2/reports").respond_with_json(
        {**page, "count": 0, "data": []})
    run = fetch_pages(connector(httpserver), client, Cursor(start="2011-01-01"))
    assert not run.complete and "empty page at offset 5" in run.problems[0]


def test_repeated_page_is_a_problem(httpserver, client):
    httpserver.expect_request("/v2/reports").respond_with_data(
        fixture_bytes("reliefweb_ohchr_p1.json"))
    run = fetch_pages(connector(httpserver), client, Cursor(start="2011-01-01"))
    assert not run.complete and len(run.pages) == 1
    assert "same as page 1" in run.problems[0]


def test_unknown_and_missing_fields(tmp_path):
    page = {"totalCount": 2, "count": 2, "data": [
        {"id": "1", "fields": {"title": "UN experts urge Iran to respect international law",
                               "date": {"original": "2024-01-23T00:00:00+00:00"},
                               "brand_new_field": {"x": 1},
                               "body": "The experts: A, Special Rapporteur on torture; B, "
                                       "Special Rapporteur on the situation of human rights in "
                                       "the Islamic Republic of Iran"}},
        {"id": "2", "fields": {"title": "X", "date": "not a date"}}]}
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page))
    parsed = reliefweb.parse_response(Response.from_file(path))
    # No primary_country: the State comes from the title; an unknown field is ignored.
    assert list(parsed.signals["signal_id"]) == ["reliefweb:1:IRN"]
    assert set(parsed.links["issuer_id"]) == {"sp-torture", "sp-iran"}
    (rej,) = parsed.rejected
    assert rej.row == 2 and rej.field == "date.original" and rej.raw["id"] == "2"


def test_unknown_mandate_quarantines_the_release(tmp_path):
    page = {"data": [{"id": "3", "fields": {
        "title": "UN experts alarmed", "date": {"original": "2024-01-01"},
        "primary_country": {"iso3": "syr"},
        "body": "The experts: A, Special Rapporteur on the rights of persons with disabilites"}}]}
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page))
    (rej,) = reliefweb.parse_response(Response.from_file(path)).rejected
    assert "sp_mandates.csv" in rej.reason and rej.suggestions


def test_thematic_release_without_closing_list_is_skipped_not_quarantined(tmp_path):
    # [CC] in test_classify.py: a statement about the experts themselves, about no State.
    page = {"data": [{"id": "4", "fields": {
        "title": "Attacks against UN human rights experts must cease: Coordination Committee of "
                 "Special Procedures", "date": {"original": "2024-05-16T00:00:00+00:00"},
        "primary_country": {"iso3": "wld"}, "body": "GENEVA (16 May 2024) – Independent UN "
                                                    "human rights experts have faced ..."}}]}
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page))
    parsed = reliefweb.parse_response(Response.from_file(path))
    assert parsed.rejected == [] and parsed.skipped == {reliefweb.THEMATIC: 1}

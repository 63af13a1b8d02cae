"""NHRI accreditation: SDG indicator 16.a.1 from the UNSD SDG API (paged, four series) and the
GANHRI status chart as CSV. The values in the fixtures are synthetic (fixtures/README.md)."""

from __future__ import annotations

import json

from prevention.sources import ganhri, sdg
from prevention.sources.connector import Cursor, fetch_pages, merge
from prevention.sources.http import Response

from .conftest import FIXTURES, fixture_bytes


def serve(httpserver, series, page, name):
    httpserver.expect_request("/SDGAPI/v1/sdg/Series/Data", query_string={
        "seriesCode": series, "pageSize": "3", "page": str(page)}).respond_with_data(
        fixture_bytes(name), content_type="application/json")


def test_pages_then_next_series(httpserver, client):
    serve(httpserver, "SG_NHR_IMPLN", 1, "sdg_16a1_p1.json")
    serve(httpserver, "SG_NHR_IMPLN", 2, "sdg_16a1_p2.json")
    serve(httpserver, "SG_NHR_INTEXSTN", 1, "sdg_16a1_b.json")
    c = sdg.Sdg16a1(httpserver.url_for("/SDGAPI/v1/sdg"), page_size=3,
                    series=("SG_NHR_IMPLN", "SG_NHR_INTEXSTN"))
    run = fetch_pages(c, client, Cursor())
    assert run.complete and len(run.pages) == 3
    parsed = merge(run.parsed)
    assert parsed.records[["country", "year", "status"]].values.tolist() == [
        ["AFG", "2019", "A"], ["FRA", "2022", "A"], ["LBY", "2022", "B"]]
    assert parsed.skipped == {sdg.NOT_A_STATE: 1, sdg.ZERO: 1}
    (bad,) = parsed.rejected
    assert bad.field == "value" and bad.value == "abc" and bad.raw["geoAreaName"] == "Libya"
    # A State's status is not a search for NHRI statements: no coverage row, only the span.
    assert c.coverage(Cursor(), run).empty and sdg.years_read(run) == (2019, 2022)
    assert parsed.signals.empty  # accreditation history, not signals


def test_incomplete_run_declares_no_coverage(httpserver, client):
    serve(httpserver, "SG_NHR_IMPLN", 1, "sdg_16a1_p1.json")
    httpserver.expect_request("/SDGAPI/v1/sdg/Series/Data", query_string={
        "seriesCode": "SG_NHR_IMPLN", "pageSize": "3", "page": "2"}).respond_with_data(
        fixture_bytes("sdg_16a1_p2.json")[:40])
    c = sdg.Sdg16a1(httpserver.url_for("/SDGAPI/v1/sdg"), page_size=3, series=("SG_NHR_IMPLN",))
    run = fetch_pages(c, client, Cursor())
    assert not run.complete and "not JSON" in run.problems[0]
    assert c.coverage(Cursor(), run).empty and sdg.years_read(run) is None


def test_records_become_the_history_of_the_one_stored_nhri_of_each_state(httpserver, client):
    serve(httpserver, "SG_NHR_IMPLN", 1, "sdg_16a1_p1.json")
    serve(httpserver, "SG_NHR_IMPLN", 2, "sdg_16a1_p2.json")
    serve(httpserver, "SG_NHR_INTEXSTN", 1, "sdg_16a1_b.json")
    c = sdg.Sdg16a1(httpserver.url_for("/SDGAPI/v1/sdg"), page_size=3,
                    series=("SG_NHR_IMPLN", "SG_NHR_INTEXSTN"))
    parsed = merge(fetch_pages(c, client, Cursor()).parsed)
    nhris = {"AFG": [{"issuer_id": "nhri-afg-aihrc", "name": "AIHRC", "scope": "national"}],
             "FRA": [{"issuer_id": "nhri-fra-a", "name": "A"}, {"issuer_id": "nhri-fra-b",
                                                                "name": "B"}]}
    out = sdg.as_accreditations(parsed, nhris)
    assert out.kind == "nhri"  # stored by the nhri importer's rules
    assert out.records.drop(columns="source_row").to_dict("records") == [
        {"issuer_id": "nhri-afg-aihrc", "name": "AIHRC", "country": "AFG", "status": "A",
         "scope": "national", "reviewed_on": "2019-01-01"}]
    assert out.skipped[sdg.SEVERAL_NHRIS] == 1 and out.skipped[sdg.NO_NHRI] == 1  # FRA, LBY
    assert out.rows_read == parsed.rows_read and out.skipped_rows == parsed.skipped_rows + 2


def test_unknown_series_and_fields(tmp_path):
    body = json.loads(fixture_bytes("sdg_16a1_p1.json"))
    body["data"] = [{"series": "SG_XYZ", "geoAreaCode": "4"},
                    {"series": "SG_NHR_IMPLN", "geoAreaCode": "4", "timePeriodStart": 2020,
                     "value": "1", "a_new_field": "ignored"},
                    {"series": "SG_NHR_IMPLN", "geoAreaCode": "4", "value": "1"}]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(body))
    parsed = sdg.parse_response(Response.from_file(path))
    assert parsed.records["year"].tolist() == ["2020"]
    assert [(r.row, r.field) for r in parsed.rejected] == [(1, "series"), (3, "timePeriodStart")]


def test_ganhri_chart():
    parsed = ganhri.parse(FIXTURES / "ganhri_chart.csv")
    by_country = parsed.records.set_index("country")
    assert by_country.loc["AFG", "status"] == "A" and by_country.loc["AFG", "reviewed_on"] == ""
    assert by_country.loc["AFG", "review_year"] == "2019"  # a year is not a day
    assert by_country.loc["FRA", "reviewed_on"] == "2022-03-15"
    assert by_country.loc["LBY", "issuer_id"].startswith("nhri-lby-")
    assert sorted((r.row, r.field) for r in parsed.rejected) == [(4, "Country"), (6, "Status")]
    assert parsed.coverage.empty  # a list of institutions is not a search for statements


def test_ganhri_chart_missing_columns(tmp_path):
    path = tmp_path / "chart.csv"
    path.write_text("Country,Grade\nFrance,A\n", encoding="utf-8")
    (rej,) = ganhri.parse(path).rejected
    assert rej.row is None and "name" in rej.reason and "status" in rej.reason

"""UN Digital Library: the SC voting dataset fetched as a file of its record (file list, then the
CSV), the same ids as the existing importer, and HRC country resolutions from MARCXML as
Council outcomes. fixtures/README.md says what is synthetic."""

from __future__ import annotations

from pathlib import Path

import pytest

from prevention.sources import undl
from prevention.sources.connector import Cursor, fetch_pages
from prevention.sources.http import HttpClient, Response
from prevention.sources.importers import undl as undl_importer

from .conftest import FIXTURES, fixture_bytes

SEED = Path(__file__).resolve().parents[2] / "data" / "seed" / "un_sc_ga_resolutions_1946_2025.csv"


def serve_dataset(httpserver, headers=None):
    httpserver.expect_request("/api/v1/file", query_string="recid=4055387").respond_with_data(
        fixture_bytes("undl_files_4055387.json"), content_type="application/json")
    httpserver.expect_request("/record/4055387/files/2025_7_21_sc_voting.csv").respond_with_data(
        fixture_bytes("undl_sc_voting.csv"), content_type="text/csv", headers=headers or {})


def test_dataset_file_list_then_csv(httpserver, client):
    serve_dataset(httpserver, {"ETag": '"sc-v3"'})
    c = undl.UndlDataset(httpserver.url_for(""), "SC")
    run = fetch_pages(c, client, Cursor())
    assert run.complete and len(run.pages) == 2
    parsed = run.pages[1].parsed
    assert list(parsed.signals["signal_id"]) == ["undl:853517:ISR"]
    old = undl_importer.parse(SEED, since="2016-01-01").signals.set_index("signal_id")
    # The same reading as the importer: category (what rule sets filter on) and summary.
    assert parsed.signals.iloc[0]["category"] == old.loc["undl:853517:ISR", "category"] != ""
    assert parsed.rows_read == 4  # vote rows; one resolution per undl_id
    # Every row in one bucket (the ingest step refuses a page that loses rows): the other
    # votes on a resolution already read are skipped with the reason.
    assert parsed.skipped[undl.VOTE_ROW] == 1
    assert parsed.rows_read == (parsed.signals["source_row"].nunique() + len(parsed.rejected)
                                + parsed.skipped_rows)
    assert parsed.issuers.iloc[0]["kind"] == "security_council"
    (bad,) = parsed.rejected
    assert bad.row == 5 and bad.field == "undl_id"
    (cov,) = c.coverage(Cursor(), run).to_dict("records")
    assert cov["completeness"] == "complete" and cov["end"] == "2018-05-24"
    assert c.next_cursor(Cursor(), run).etag == '"sc-v3"'


def test_same_ids_as_the_existing_importer():
    old = undl_importer.parse(SEED, since="2016-01-01")
    new = undl.parse_dataset(Response.from_file(FIXTURES / "undl_sc_voting.csv"), "SC")
    assert set(new.signals["signal_id"]) <= set(old.signals["signal_id"])


def test_unchanged_dataset_is_not_downloaded_again(httpserver, client):
    httpserver.expect_request("/api/v1/file").respond_with_data(
        fixture_bytes("undl_files_4055387.json"))
    httpserver.expect_request("/record/4055387/files/2025_7_21_sc_voting.csv",
                              headers={"If-None-Match": '"sc-v3"'}).respond_with_data("", status=304)
    run = fetch_pages(undl.UndlDataset(httpserver.url_for(""), "SC"), client,
                      Cursor(etag='"sc-v3"'))
    assert run.complete and run.not_modified and len(run.pages) == 1


def test_record_without_csv(httpserver, client):
    httpserver.expect_request("/api/v1/file").respond_with_json(
        [{"name": "doc", "format": ".pdf", "url": "/record/1/files/doc.pdf"}])
    run = fetch_pages(undl.UndlDataset(httpserver.url_for(""), "SC"), client, Cursor())
    assert not run.complete and "lists no CSV" in run.problems[0] and "doc" in run.problems[0]


def test_not_the_dataset(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    (rej,) = undl.parse_dataset(Response.from_file(path), "GA").rejected
    assert rej.row is None and "missing column(s) resolution" in rej.reason


def test_hrc_country_resolutions_are_outcomes():
    parsed = undl.parse_marcxml(Response.from_file(FIXTURES / "undl_hrc_marcxml.xml"))
    assert parsed.records[["country", "date", "kind", "reference"]].values.tolist() == [
        ["LBY", "2011-02-25", "country_resolution", "A/HRC/RES/S-15/1"],
        ["SYR", "2011-08-22", "country_resolution", "A/HRC/RES/S-17/1"]]
    assert parsed.signals.empty and sum(parsed.skipped.values()) == 1
    (rej,) = parsed.rejected
    assert rej.row == 4


def test_hrc_search_needs_approval_and_respects_the_crawl_delay(httpserver, clock):
    with pytest.raises(ValueError, match="approval"):
        undl.HrcResolutions("https://digitallibrary.un.org", approved=False)
    page = fixture_bytes("undl_hrc_marcxml.xml")
    httpserver.expect_request("/search").respond_with_data(page)
    host = f"{httpserver.host}:{httpserver.port}"
    c = undl.HrcResolutions(httpserver.url_for(""), approved=True, page_size=4)
    with HttpClient("ua", clock=clock, host_delays={host: undl.CRAWL_DELAY}, min_delay=0) as cl:
        run = fetch_pages(c, cl, Cursor())
    # Four records = a full page, so it asks for the next (jrec=5); the same body comes back.
    assert "same as page 1" in run.problems[0]
    assert clock.sleeps == [5.0]
    assert httpserver.log[1][0].args["jrec"] == "5"


def test_malformed_marcxml(tmp_path):
    path = tmp_path / "x.xml"
    path.write_bytes(fixture_bytes("undl_hrc_marcxml.xml")[:700])
    (rej,) = undl.parse_marcxml(Response.from_file(path)).rejected
    assert rej.row is None and "malformed XML" in rej.reason

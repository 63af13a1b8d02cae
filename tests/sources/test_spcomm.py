"""Special Procedures communications: the search export (complete over the searched span) and
the latest-communications listing (paged until a known reference). The letters are real
(shared data sample); fixtures/README.md says what is synthetic."""

from __future__ import annotations

from pathlib import Path

import pytest

from prevention.sources import spcomm_export, spcomm_listing
from prevention.sources.connector import Cursor, fetch_pages, merge
from prevention.sources.http import Response
from prevention.sources.importers import ohchr_sp
from prevention.sources.spcomm import full_reference
from triggers.problems import Invalid

from .conftest import FIXTURES, fixture_bytes

SEED = Path(__file__).resolve().parents[2] / "data" / "seed" / \
    "sp_communications_sample_2025-12_2026-02.csv"
EXPORT = FIXTURES / "spcomm_export.csv"


def test_same_ids_as_the_existing_importer():
    """A letter imported from the listing, the export or the older CSV is one signal."""
    known = set(ohchr_sp.parse(SEED).signals["signal_id"])
    listing = merge([spcomm_listing.parse_listing(Response.from_file(FIXTURES / f))
                     for f in ("spcomm_latest_p1.html", "spcomm_latest_p2.html")])
    export = spcomm_export.parse(EXPORT, covers="2025-12-01:2025-12-31")
    assert set(listing.signals["signal_id"]) <= known
    assert set(export.signals["signal_id"]) <= known
    old = ohchr_sp.parse(SEED)
    old_links = set(map(tuple, old.links.values))
    assert set(map(tuple, export.links.values)) <= old_links  # the same mandates too


def test_export_declares_complete_coverage_over_the_searched_span():
    parsed = spcomm_export.parse(EXPORT, covers="2025-12-01:2025-12-31")
    assert parsed.coverage.to_dict("records") == [{
        "source": "ohchr-spcomm", "issuer_kind": "sp_mandate", "country": "",
        "start": "2025-12-01", "end": "2025-12-31", "completeness": "complete"}]
    assert parsed.rows_read == 5 and len(parsed.signals) == 4
    assert sum(parsed.skipped.values()) == 1  # the letter to the Asian Development Bank (OTH)
    rus = parsed.links[parsed.links["signal_id"] == "ohchr-sp:JAL RUS 14/2025:RUS"]
    assert len(rus) == 8 and "sp-belarus" in set(rus["issuer_id"])


@pytest.mark.parametrize("covers, message", [
    ("", "covers=START:END"), ("2025-12-01", "START:END"), ("2025-12-31:2025-12-01", "before"),
    ("2009-01-01:2010-12-31", "2011")])
def test_export_needs_a_sensible_span(covers, message):
    with pytest.raises(ValueError, match=message):
        spcomm_export.parse(EXPORT, covers=covers)


def test_export_rejects_letters_outside_the_span_and_bad_cells(tmp_path):
    text = EXPORT.read_text(encoding="utf-8").splitlines()
    text.append('2026-03-01,Canada,AL,CAN 1/2026,torture,,,,,,')
    text.append('2025-12-03,Canada,AL,CAN 2/2025,tortur,,,,,,')
    text.append('2025-12-03,Canada,XX,CAN 3/2025,torture,,,,,,')
    path = tmp_path / "export.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    parsed = spcomm_export.parse(path, covers="2025-12-01:2025-12-31")
    problems = {(r.row, r.field): r for r in parsed.rejected}
    assert set(problems) == {(7, "Date"), (8, "Mandates"), (9, "Type")}
    assert "torture" in problems[(8, "Mandates")].suggestions[0].lower()


def test_export_missing_column(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Date,Country,Type\n2025-12-01,Canada,AL\n", encoding="utf-8")
    (rej,) = spcomm_export.parse(path, covers="2025-12-01:2025-12-31").rejected
    assert rej.row is None and "Ref. no." in rej.reason


def test_export_reads_xlsx(tmp_path):
    import pandas as pd

    path = tmp_path / "export.xlsx"
    pd.read_csv(EXPORT, dtype=str).fillna("").to_excel(path, index=False)
    assert len(spcomm_export.parse(path, covers="2025-12-01:2025-12-31").signals) == 4


def test_full_reference_forms():
    assert full_reference("RUS 2/2026", "JAL") == ("JAL RUS 2/2026", "RUS")
    assert full_reference("UA IRN 21/2025") == ("UA IRN 21/2025", "IRN")
    with pytest.raises(Invalid):
        full_reference("RUS-2-2026", "AL")


def test_listing_pages_until_a_known_reference(httpserver, client):
    for n in ("1", "2"):
        httpserver.expect_request(spcomm_listing.PATH, query_string=f"page={n}").respond_with_data(
            fixture_bytes(f"spcomm_latest_p{n}.html"), content_type="text/html; charset=utf-8")
    c = spcomm_listing.SpCommLatest(httpserver.url_for(""))
    cursor = Cursor(known=frozenset({"JAL BGD 6/2025"}))
    run = fetch_pages(c, client, cursor)
    assert run.complete and len(run.pages) == 2  # page 2 holds a known letter: no page 3
    parsed = merge(run.parsed)
    assert "ohchr-sp:UA IRN 21/2025:IRN" in set(parsed.signals["signal_id"])
    assert parsed.signals.iloc[0]["url"] == httpserver.url_for(
        "/TMResultsBase/DownLoadPublicCommunicationFile?gId=30774")
    cov = c.coverage(cursor, run).to_dict("records")
    assert cov == [{"source": "ohchr-spcomm-latest", "issuer_kind": "sp_mandate", "country": "",
                    "start": "2025-12-16", "end": "2026-02-27", "completeness": "complete"}]
    assert "JAL AUS 2/2026" in c.next_cursor(cursor, run).known


def test_listing_without_a_known_reference_is_a_sample(httpserver, client):
    httpserver.expect_request(spcomm_listing.PATH, query_string="page=1").respond_with_data(
        fixture_bytes("spcomm_latest_p1.html"))
    httpserver.expect_request(spcomm_listing.PATH, query_string="page=2").respond_with_data(
        fixture_bytes("spcomm_latest_empty.html"))
    c = spcomm_listing.SpCommLatest(httpserver.url_for(""))
    run = fetch_pages(c, client, Cursor())
    assert run.complete and len(run.pages) == 2
    (cov,) = c.coverage(Cursor(), run).to_dict("records")
    assert cov["completeness"] == "sample" and cov["start"] == "2026-02-13"


def test_listing_changed_layout_is_a_whole_page_problem(httpserver, client):
    httpserver.expect_request(spcomm_listing.PATH).respond_with_data(
        "<html><body><div class='cards'><div>JAL AUS 2/2026</div></div></body></html>")
    run = fetch_pages(spcomm_listing.SpCommLatest(httpserver.url_for("")), client, Cursor())
    assert not run.complete and "layout changed" in run.problems[0]


def test_listing_repeated_page(httpserver, client):
    httpserver.expect_request(spcomm_listing.PATH).respond_with_data(
        fixture_bytes("spcomm_latest_p1.html"))
    run = fetch_pages(spcomm_listing.SpCommLatest(httpserver.url_for("")), client, Cursor())
    assert not run.complete and "same as page 1" in run.problems[0]


def test_listing_bad_row_is_quarantined_the_rest_kept():
    html = fixture_bytes("spcomm_latest_p2.html").decode().replace(
        "<li>terrorism</li>", "<li>a mandate nobody has</li>")
    resp = Response.from_file(FIXTURES / "spcomm_latest_p2.html")
    resp = Response(resp.request, resp.url, resp.fetched_at, 200, {}, html.encode(), "x")
    parsed = spcomm_listing.parse_listing(resp)
    (rej,) = parsed.rejected
    assert rej.row == 2 and rej.field == "mandates" and rej.raw["reference"] == "BGD 6/2025"
    assert len(parsed.signals) == 2

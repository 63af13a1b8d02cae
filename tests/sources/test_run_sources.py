"""Each kind of source through `fetch` into the database: NHRI status as accreditation history,
HRC resolutions as Council outcomes, a dataset fetched conditionally, the communications
listing's cursor of known letters, a regional feed. Loopback servers only."""

from __future__ import annotations

import sqlalchemy as sa

from prevention.accounts.access import system
from prevention.sources import regional, sdg, spcomm_listing, undl
from prevention.sources.http import HttpClient
from prevention.sources.ingest import import_file
from prevention.sources.run import fetch
from prevention.storage.settings import Settings

from .conftest import fixture_bytes

SETTINGS = Settings()


def go(engine, clock, connector, **kw):
    return fetch(connector.source, engine=engine, connectors={connector.source: connector},
                 client=HttpClient("ua", clock=clock, min_delay=0.0, timeout=2.0),
                 settings=SETTINGS, **kw)


def rows(engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params)]


def cursor_of(engine, source: str) -> dict:
    from prevention.sources.run import cursor_row

    with engine.connect() as conn:
        return dict(cursor_row(conn, source))


def test_sdg_status_becomes_the_accreditation_history_of_the_stored_nhri(
        engine, httpserver, clock, tmp_path):
    chart = tmp_path / "nhri.csv"
    chart.write_text("country,institution,status\nAFG,Afghanistan Independent Human Rights "
                     "Commission,B\n", encoding="utf-8")
    import_file(chart, "nhri", user=system("t"), engine=engine)
    for series, page, name in [("SG_NHR_IMPLN", 1, "sdg_16a1_p1.json"),
                               ("SG_NHR_IMPLN", 2, "sdg_16a1_p2.json"),
                               ("SG_NHR_INTEXSTN", 1, "sdg_16a1_b.json")]:
        httpserver.expect_request("/sdg/Series/Data", query_string={
            "seriesCode": series, "pageSize": "3", "page": str(page)}).respond_with_data(
            fixture_bytes(name), content_type="application/json")
    connector = sdg.Sdg16a1(httpserver.url_for("/sdg"), page_size=3,
                            series=("SG_NHR_IMPLN", "SG_NHR_INTEXSTN"))
    report = go(engine, clock, connector)
    assert report.outcome == "done" and report.pages == 3
    history = rows(engine, "SELECT issuer_id, status, CAST(reviewed_on AS TEXT) FROM "
                           "issuer_accreditations WHERE reviewed_on IS NOT NULL")
    (issuer,) = {r[0] for r in rows(engine, "SELECT issuer_id FROM issuers WHERE kind = 'nhri'")}
    assert history == [(issuer, "A", "2019-01-01")]
    assert rows(engine, "SELECT accreditation FROM issuers WHERE issuer_id = :i", i=issuer) == \
        [("A",)]  # the latest review is the current status
    # France and Libya have no stored NHRI: skipped with the reason, not invented.
    assert report.skipped >= 2
    assert not rows(engine, "SELECT * FROM coverage WHERE source = 'unsd-sdg-16a1'")
    assert go(engine, clock, connector).accepted == 0


def test_hrc_resolutions_are_council_outcomes_of_kind_country_resolution(engine, httpserver,
                                                                         clock):
    httpserver.expect_request("/search").respond_with_data(
        fixture_bytes("undl_hrc_marcxml.xml"), content_type="application/xml")
    connector = undl.HrcResolutions(httpserver.url_for(""), approved=True, page_size=200)
    report = go(engine, clock, connector)
    assert report.outcome == "done" and report.accepted == 2
    assert rows(engine, "SELECT country, kind, reference FROM outcomes ORDER BY country") == [
        ("LBY", "country_resolution", "A/HRC/RES/S-15/1"),
        ("SYR", "country_resolution", "A/HRC/RES/S-17/1")]
    assert go(engine, clock, connector).accepted == 0
    assert len(rows(engine, "SELECT * FROM outcomes")) == 2


def test_an_unchanged_dataset_is_not_downloaded_or_stored_again(engine, httpserver, clock):
    files = fixture_bytes("undl_files_4055387.json")
    httpserver.expect_request("/api/v1/file", query_string="recid=4055387").respond_with_data(
        files, content_type="application/json")
    csv_path = "/record/4055387/files/2025_7_21_sc_voting.csv"
    httpserver.expect_request(csv_path, headers={"If-None-Match": '"sc-v3"'}).respond_with_data(
        "", status=304)
    httpserver.expect_request(csv_path).respond_with_data(
        fixture_bytes("undl_sc_voting.csv"), content_type="text/csv", headers={"ETag": '"sc-v3"'})
    connector = undl.UndlDataset(httpserver.url_for(""), "SC")
    first = go(engine, clock, connector)
    assert first.outcome == "done" and first.pages == 2
    assert rows(engine, "SELECT signal_id FROM signals") == [("undl:853517:ISR",)]
    (link,) = rows(engine, "SELECT l.signal_id, r.url FROM signal_responses l JOIN "
                           "raw_responses r ON r.id = l.response_id")
    assert link[1].endswith(csv_path)  # the dataset, not the file list
    assert rows(engine, "SELECT completeness FROM coverage WHERE source = 'undl-sc-voting'") \
        == [("complete",)]
    assert cursor_of(engine, "undl-sc-voting")["etag"] == '"sc-v3"'
    again = go(engine, clock, connector)
    assert again.outcome == "not_modified" and again.exit_code == 0
    assert again.unchanged == 1 and again.accepted == 0  # the same file list, archived once
    assert len(rows(engine, "SELECT * FROM raw_responses")) == 2


def test_the_listing_reads_until_a_stored_letter_and_then_declares_complete(
        engine, httpserver, clock):
    for n, name in (("1", "spcomm_latest_p1.html"), ("2", "spcomm_latest_p2.html"),
                    ("3", "spcomm_latest_empty.html")):
        httpserver.expect_request(spcomm_listing.PATH, query_string=f"page={n}").respond_with_data(
            fixture_bytes(name), content_type="text/html; charset=utf-8")
    connector = spcomm_listing.SpCommLatest(httpserver.url_for(""))
    first = go(engine, clock, connector)
    assert first.outcome == "done" and first.pages == 3
    assert rows(engine, "SELECT completeness FROM coverage WHERE source = :s",
                s=spcomm_listing.SOURCE) == [("sample",)]  # no stored letter met yet
    known = cursor_of(engine, spcomm_listing.SOURCE)["known"]
    assert "UA IRN 21/2025" in known
    second = go(engine, clock, spcomm_listing.SpCommLatest(httpserver.url_for("")))
    assert second.pages == 1 and second.accepted == 0  # page 1 holds stored letters: stop
    assert ("complete",) in rows(engine, "SELECT completeness FROM coverage WHERE source = :s",
                                 s=spcomm_listing.SOURCE)


def test_a_regional_feed_is_fetched_conditionally(engine, httpserver, clock):
    httpserver.expect_request("/rss", headers={"If-None-Match": '"v8"'}).respond_with_data(
        "", status=304)
    httpserver.expect_request("/rss").respond_with_data(
        fixture_bytes("feed_eeas.rss.xml"), content_type="application/rss+xml",
        headers={"ETag": '"v8"'})
    cfg = regional.feeds()["eu"]
    connector = regional.RegionalFeed(cfg, httpserver.url_for("/rss"))
    first = go(engine, clock, connector)
    assert first.outcome == "done" and first.accepted == 3
    assert sorted(r[0] for r in rows(engine, "SELECT country FROM signals")) == \
        ["GHA", "KAZ", "NGA"]
    assert rows(engine, "SELECT kind FROM issuers WHERE issuer_id = 'eu'") == [("regional_org",)]
    again = go(engine, clock, regional.RegionalFeed(cfg, httpserver.url_for("/rss")))
    assert again.outcome == "not_modified" and again.pages == 0

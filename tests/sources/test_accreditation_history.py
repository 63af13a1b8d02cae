"""NHRI status from SDG 16.a.1 as the engine reads it: stored reviews become the Bundle's
accreditations (since = the review, until = the issuer's next review), the export writes them
and importing the export adds nothing."""

from __future__ import annotations

import pandas as pd

from prevention.accounts.access import system
from prevention.sources import sdg
from prevention.sources.export import export_bundle
from prevention.sources.http import HttpClient
from prevention.sources.ingest import import_file
from prevention.sources.run import fetch
from prevention.storage.frames import invalidate, load_bundle
from prevention.storage.settings import Settings
from tests.prevention.bundles import table_counts


def page(series: str, year: int) -> dict:
    return {"size": 1, "totalElements": 1, "totalPages": 1, "pageNumber": 1, "data": [
        {"series": series, "geoAreaCode": "4", "geoAreaName": "Afghanistan",
         "timePeriodStart": float(year), "value": "1"}]}


def test_sdg_reviews_are_the_bundles_history_and_survive_an_export(engine, httpserver, clock,
                                                                   tmp_path):
    chart = tmp_path / "nhri.csv"
    chart.write_text("country,institution,status\nAFG,Afghanistan Independent Human Rights "
                     "Commission,C\n", encoding="utf-8")
    import_file(chart, "nhri", user=system("t"), engine=engine)
    for series, year in (("SG_NHR_IMPLN", 2018), ("SG_NHR_INTEXSTN", 2021)):
        httpserver.expect_request("/sdg/Series/Data", query_string={
            "seriesCode": series, "pageSize": "1000", "page": "1"}).respond_with_json(
            page(series, year))
    connector = sdg.Sdg16a1(httpserver.url_for("/sdg"), series=("SG_NHR_IMPLN",
                                                                "SG_NHR_INTEXSTN"))
    report = fetch(connector.source, engine=engine, connectors={connector.source: connector},
                   client=HttpClient("ua", clock=clock, min_delay=0.0), settings=Settings())
    assert report.outcome == "done" and report.accepted == 2
    invalidate()
    bundle = load_bundle(engine)
    acc = bundle.accreditations
    issuer = bundle.issuers.loc[bundle.issuers["kind"] == "nhri", "issuer_id"].item()
    assert acc.to_dict("records") == [
        {"issuer_id": issuer, "status": "A", "since": pd.Timestamp("2018-01-01"),
         "until": pd.Timestamp("2021-01-01")},
        {"issuer_id": issuer, "status": "B", "since": pd.Timestamp("2021-01-01"),
         "until": pd.NaT}]
    # The issuers file's status (C, no day) is the issuer's column, not a history row.
    assert bundle.issuers.set_index("issuer_id").loc[issuer, "accreditation"] == "B"

    folder = export_bundle(tmp_path / "export", engine=engine)
    written = pd.read_csv(folder / "accreditations.csv", dtype=str, keep_default_na=False)
    assert written.to_dict("records") == [
        {"issuer_id": issuer, "status": "A", "since": "2018-01-01", "until": "2021-01-01"},
        {"issuer_id": issuer, "status": "B", "since": "2021-01-01", "until": ""}]
    before = table_counts(engine)
    again = import_file(folder, "bundle", user=system("t"), engine=engine)
    assert again.accepted == 0
    after = table_counts(engine)
    assert {k: v for k, v in after.items() if k not in ("imports", "version")} == \
        {k: v for k, v in before.items() if k not in ("imports", "version")}


def test_a_database_without_reviews_has_no_history(engine):
    invalidate()
    assert load_bundle(engine).accreditations is None

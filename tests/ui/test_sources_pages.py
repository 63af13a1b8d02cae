"""The public sources on the pages (issue 14): the Data page's table of sources, each source's
coverage and "Fetch now" (admins, against a loopback server), and each source's terms on the
About page."""

from __future__ import annotations

import sqlalchemy as sa

from prevention.storage.settings import get_settings
from tests.sources.conftest import fixture_bytes
from tests.ui.test_pages import no_exception, page

LISTING = "/LatestReports/CommunicationSent"


def test_data_page_lists_the_sources_and_fetches_one_now(ui_db, httpserver, monkeypatch):
    httpserver.expect_request(LISTING, query_string="page=1").respond_with_data(
        fixture_bytes("spcomm_latest_p1.html"), content_type="text/html; charset=utf-8")
    httpserver.expect_request(LISTING, query_string="page=2").respond_with_data(
        fixture_bytes("spcomm_latest_empty.html"))
    monkeypatch.setenv("PREVENTION_SPCOMM_URL", httpserver.url_for(""))
    monkeypatch.delenv("PREVENTION_RELIEFWEB_APPNAME", raising=False)
    get_settings.cache_clear()

    at = page("data")
    no_exception(at)
    table = next(df.value for df in at.dataframe if "Next fetch" in df.value.columns)
    assert "ohchr-spcomm-latest" in set(table["Source"])
    by_source = table.set_index("Source")
    assert by_source.loc["ohchr-spcomm-latest", "Outcome"] == "never fetched"
    assert "PREVENTION_RELIEFWEB_APPNAME" in by_source.loc["reliefweb-ohchr", "Note"]

    at.selectbox(key="fetch_source").set_value("ohchr-spcomm-latest").run()
    no_exception(at)
    at.button(key="fetch_now").click().run()
    no_exception(at)
    summary = [t.value for t in at.text if t.value.startswith("ohchr-spcomm-latest: done")]
    assert summary, [t.value for t in at.text]
    assert len(httpserver.log) == 2
    from prevention.storage.db import get_engine

    with get_engine().connect() as conn:
        stored = conn.execute(sa.text("SELECT COUNT(*) FROM signal_responses")).scalar_one()
    assert stored > 0
    # After the rerun, the table says what the fetch did and its coverage rows are listed.
    table = next(df.value for df in at.dataframe if "Next fetch" in df.value.columns)
    row = table.set_index("Source").loc["ohchr-spcomm-latest"]
    assert row["Outcome"] == "done" and row["Pages"] == 2 and row["Added"] > 0
    coverage = next(df.value for df in at.dataframe if "completeness" in df.value.columns)
    assert set(coverage["issuer_kind"]) == {"sp_mandate"}


def test_a_source_waiting_for_a_setting_cannot_be_fetched_from_the_page(ui_db, monkeypatch):
    monkeypatch.delenv("PREVENTION_RELIEFWEB_APPNAME", raising=False)
    get_settings.cache_clear()
    at = page("data")
    at.selectbox(key="fetch_source").set_value("reliefweb-ohchr").run()
    no_exception(at)
    assert at.button(key="fetch_now").disabled
    assert any("PREVENTION_RELIEFWEB_APPNAME" in c.value.replace("\\", "") for c in at.caption)


def test_only_admins_may_fetch(ui_db):
    # The Data page is an admin page; a researcher does not reach the button at all.
    at = page("data", role="researcher")
    no_exception(at)
    assert not [b for b in at.button if b.key == "fetch_now"]


def test_about_page_states_each_sources_terms(ui_db):
    at = page("about")
    no_exception(at)
    terms = next(df.value for df in at.dataframe if "Attribution" in df.value.columns)
    assert {"reliefweb-ohchr", "undl-sc-voting", "unsd-sdg-16a1", "feed-eu"} <= set(terms["Source"])
    undl = terms.set_index("Source").loc["undl-sc-voting"]
    assert undl["Non-commercial only"].startswith("yes")
    assert "Dag Hammarskjöld Library" in undl["Attribution"]

"""A newcomer's first session in a real browser, with a screenshot of every page."""

from __future__ import annotations

import io
import re

import pandas as pd
from playwright.sync_api import expect

from tests.e2e.conftest import settle, shot, sign_in

AS_OF = "2026-03-01"


def main(page):
    return page.locator('[data-testid="stMain"]')


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_newcomer_journey(page, server):
    # 1. Overview of every State, as of a day with real Special Procedures letters loaded.
    page.goto(f"{server.url}/?as_of={AS_OF}")
    settle(page, server)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    assert int(metric(page, "▲ triggered")) >= 5
    assert metric(page, "States shown") == "193"
    # The map draws from the outlines the app serves itself (no CDN in a closed network).
    expect(page.locator('.js-plotly-plot .choroplethlayer path').first).to_be_attached(timeout=15_000)
    assert page.locator('.js-plotly-plot .choroplethlayer path').count() > 150
    shot(page, "overview")
    with page.expect_download() as dl:
        page.get_by_role("button", name="CSV", exact=True).first.click()
    table = pd.read_csv(io.BytesIO(open(dl.value.path(), "rb").read()))
    assert len(table) == 193
    assert {"State", "ISO3", "Status", "Page"} <= set(table.columns)
    assert table["Page"].str.startswith(f"{server.url}/country?country=").all()
    assert set(table.loc[table["Status"] == "▲ triggered", "ISO3"]) >= {"RUS"}

    # 2. Pick a triggered State.
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Open a State's page")
    box.click()
    page.keyboard.type("Russia")
    page.get_by_role("option", name=re.compile("▲ triggered Russia")).click()
    page.wait_for_url(re.compile(r"/country\?"))
    settle(page, server)
    expect(page.get_by_role("heading", name=re.compile("▲ Russia.*: triggered"))).to_be_visible()
    assert "country=RUS" in page.url and f"as_of={AS_OF}" in page.url

    # 3. The evidence links open the OHCHR source in a new tab.
    links = main(page).locator('a[href^="https://spcommreports.ohchr.org"]')
    expect(links.first).to_be_visible()
    assert links.count() >= 1
    assert links.first.get_attribute("target") == "_blank"
    assert "JAL RUS" in links.first.inner_text() or "RUS" in links.first.inner_text()
    shot(page, "country")

    # 4. Sign in (a researcher: watchlists and the lab), come back by the shared link, and
    #    add the State to a new watchlist.
    link = page.url
    expect(page.get_by_text("Sign in on the Account page to keep watchlists")).to_be_visible()
    sign_in(page, server, "researcher")
    page.goto(link)
    settle(page, server)
    expect(page.get_by_role("heading", name=re.compile("▲ Russia.*: triggered"))).to_be_visible()
    page.get_by_label("Name of the new watchlist").fill("First list")
    page.get_by_role("button", name="Add to watchlist").click()
    settle(page, server)
    expect(page.get_by_text("is on “First list”")).to_be_visible()

    page.get_by_role("link", name="Watchlists").click()
    settle(page, server)
    expect(page.get_by_role("combobox", name="Watchlist")).to_have_value("First list (1 States)")
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    shot(page, "watchlists")

    # 5. The lab: requiring three criteria at once empties the list.
    page.get_by_role("link", name="Threshold lab").click()
    settle(page, server)
    assert metric(page, "Leave the list") == "0"
    field = page.get_by_label("Criteria needed to trigger (min_criteria)")
    field.fill("3")
    field.press("Enter")
    settle(page, server)
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="Leave the list")
           .locator('[data-testid="stMetricValue"]')).not_to_have_text("0")
    assert int(metric(page, "Leave the list")) >= 5
    expect(page.get_by_text(re.compile(r"Who changes against the official rule set: \d+ States?"))).to_be_visible()
    shot(page, "lab")


def test_data_and_about_pages(page, server):
    sign_in(page, server, "admin")
    page.goto(f"{server.url}/data")
    settle(page, server)
    try:
        expect(page.get_by_role("heading", name="Import history")).to_be_visible()
    except AssertionError:
        shot(page, "data-failed")  # for a person to see what the admin got instead
        raise
    shot(page, "data")
    page.goto(f"{server.url}/about")
    settle(page, server)
    expect(page.get_by_text("not rules the Human Rights Council adopted").first).to_be_visible()
    shot(page, "about")

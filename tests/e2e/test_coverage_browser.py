"""The undetermined class in a real browser (issue 10): the Overview of the seeded sample
(which searched only its worked examples) shows it in the map's legend, with its word and
shape, in the counts and in the table; the Country page words each criterion's coverage."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import settle, shot

AS_OF = "2026-03-01"


def test_overview_legend_shows_the_undetermined_class(page, server):
    page.goto(f"{server.url}/?as_of={AS_OF}")
    settle(page, server)
    legend = page.locator(".js-plotly-plot .legend .legendtext")
    expect(legend.first).to_be_attached(timeout=15_000)
    names = [t.strip() for t in legend.all_text_contents()]
    assert [re.sub(r" \(\d+\)$", "", n) for n in names] == [
        "▲ triggered", "◆ watch", "? undetermined", "○ clear",
        "not assessed (territories without signals)"], names
    undetermined = int(re.search(r"\((\d+)\)", names[2]).group(1))
    assert undetermined > 150  # nothing but the worked examples was searched
    assert names[3] == "○ clear (0)"
    # The figure the browser drew: undetermined States are filled grey, not clear's blue.
    fills = page.evaluate("""() => Object.fromEntries(document.querySelector('.js-plotly-plot')
        .data.filter(t => t.showlegend).map(t => [t.name,
            t.colorscale ? t.colorscale[0][1] : t.marker.color]))""")
    assert fills[names[2]].lower() == "#9e9e9e" and fills[names[3]].lower() == "#56b4e9"
    box = page.locator('[data-testid="stMetric"]').filter(has_text="undetermined").first
    assert box.locator('[data-testid="stMetricValue"]').inner_text().strip() == str(undetermined)
    expect(page.get_by_text("What the data loaded covers, as of 2026-03-01.")).to_be_visible()
    shot(page, "overview-undetermined")


def test_country_page_words_coverage(page, server):
    # 2011: nothing about France was searched (the worked examples are Libya's and CIV's).
    page.goto(f"{server.url}/country?country=FRA&as_of=2011-03-01")
    settle(page, server)
    expect(page.get_by_role("heading", name=re.compile(r"\? France: undetermined"))).to_be_visible()
    expect(page.get_by_text("∅ no data · The High Commissioner for Human Rights")).to_be_visible()
    expect(page.get_by_text(re.compile("No expression of concern"))).to_have_count(0)

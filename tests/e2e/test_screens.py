"""A screenshot of every page at 1440 px (a laptop) and 390 px (a phone), for a person to look
at: tests/artifacts/screens/<page>-<width>.png, each the whole page. Every page must render
without an error, and on a phone nothing but a table or a chart may be wider than the screen."""

from __future__ import annotations

import pytest

from prevention.web.registry import PAGES
from tests.e2e.conftest import ARTIFACTS, settle, sign_in

WIDTHS = (1440, 390)
# Where a page needs a choice to show something.
QUERY = {"overview": "?as_of=2011-03-01", "country": "?country=LBY&as_of=2011-03-01",
         "changes": "?as_of=2011-03-01", "lab": "?as_of=2011-03-01",
         "backtest": "", "consistency": "", "track_record": ""}
# The whole page: Streamlit scrolls inside its main section, so the viewport is made as tall
# as that section's content before the picture is taken.
CONTENT_HEIGHT = """() => Math.max(...[...document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stAppViewContainer"], section')].map(e => e.scrollHeight))"""
# Elements wider than the screen, outside the scrolling containers of tables and charts.
TOO_WIDE = """(width) => [...document.querySelectorAll('[data-testid="stMain"] *')]
    .filter(e => e.getBoundingClientRect().right > width + 2)
    .filter(e => !e.closest('[data-testid="stDataFrame"], [data-testid="stTable"], .js-plotly-plot, '
                            + '[data-testid="stPlotlyChart"], pre, code, [data-testid="stCode"], '
                            + '[data-testid="stJson"], [data-testid="stTabs"] [role="tablist"]'))
    .map(e => e.tagName + '.' + (e.getAttribute('data-testid') || e.className || '')).slice(0, 5)"""


@pytest.fixture(scope="module")
def signed_in_contexts(browser, server):
    """One signed-in admin session per width (an admin may open every page)."""
    contexts = {}
    for width in WIDTHS:
        ctx = browser.new_context(viewport={"width": width, "height": 900})
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        sign_in(page, server, "admin")
        contexts[width] = (ctx, page)
    yield contexts
    for ctx, _ in contexts.values():
        ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_id", [p[0] for p in PAGES])
def test_every_page_at_laptop_and_phone_width(signed_in_contexts, server, page_id, width):
    _, page = signed_in_contexts[width]
    page.set_viewport_size({"width": width, "height": 900})
    path = "" if page_id == "overview" else page_id
    page.goto(f"{server.url}/{path}{QUERY.get(page_id, '')}")
    settle(page, server, timeout=120_000)
    try:
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')",
                               timeout=15_000)
    except Exception:
        pass  # a slow table is still worth a picture
    page.wait_for_timeout(400)  # the data grid paints its canvas after mounting
    errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    assert errors.count() == 0, f"{page_id} at {width} px shows an error: {errors.first.inner_text()}"
    if width < 500:
        wide = page.evaluate(TOO_WIDE, width)
        assert not wide, f"{page_id} at {width} px: wider than the screen: {wide}"
    height = page.evaluate(CONTENT_HEIGHT)
    page.set_viewport_size({"width": width, "height": min(max(height, 900), 12_000)})
    page.wait_for_timeout(250)
    folder = ARTIFACTS / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{page_id}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": width, "height": 900})

"""A case's life in a real browser: sign in, trigger -> case -> review -> decision -> brief.

Uses the browser fixtures of tests/e2e/conftest.py (one server and one browser for the whole
session): a `streamlit run app.py` on a database seeded with the real data and one account per
role, and headless Chromium. Issue 5's own tests are in tests/review/.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from tests.e2e.conftest import settle, shot, sign_in  # noqa: E402


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def _select(page, label: str, option) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.get_by_text(label, exact=True)).first
    box.locator("input").click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")


def test_review_lifecycle_in_the_browser(page, server):
    # Anonymous visitors do not get the review page, even by its URL.
    page.goto(f"{server.url}/review")
    settle(page, server)
    expect(page.get_by_role("heading", name="Bureau review")).to_have_count(0)

    sign_in(page, server, "admin")
    # A fresh page load: the session cookie keeps the admin signed in.
    page.goto(f"{server.url}/review")
    settle(page, server)
    expect(page.get_by_role("heading", name="Bureau review")).to_be_visible()

    page.get_by_role("button", name="Check for newly triggered States").click()
    settle(page, server)
    expect(page.get_by_text(re.compile(r"\d+ case\(s\) opened"))).to_be_visible()
    shot(page, "review-queue")

    _select(page, "Status", "In review")
    page.get_by_role("button", name="Save").click()
    settle(page, server)
    expect(page.get_by_text("In review ·", exact=False).first).to_be_visible()

    _select(page, "Action", "Informal briefing by the High Commissioner")
    page.get_by_label("Rationale (required)").fill("Ask the High Commissioner to brief the Bureau.")
    page.get_by_role("button", name="Record the decision").click()
    settle(page, server)
    expect(page.get_by_text("Ask the High Commissioner to brief the Bureau.").first).to_be_visible()
    shot(page, "review-decided")

    with page.expect_download() as dl:  # one click
        page.get_by_role("button", name="Situation brief (HTML)").click()
    html_text = open(dl.value.path(), encoding="utf-8").read()
    reader = _Text()
    reader.feed(html_text)
    text = " ".join(" ".join(reader.parts).split())
    assert "Situation brief:" in text and "frozen record 1" in text
    assert "Informal briefing by the High Commissioner" in text
    assert "Ask the High Commissioner to brief the Bureau." in text
    assert "<svg" in html_text

    # The PDF: the same words, read back by poppler when it is installed.
    with page.expect_download() as dl:
        page.get_by_role("button", name="Situation brief (PDF)").click()
    pdf = open(dl.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF-") and dl.value.suggested_filename.endswith(".pdf")
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        words = " ".join(subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, check=True,
                                        capture_output=True).stdout.decode().split())
        assert "Situation brief:" in words and "Informal briefing by the High Commissioner" in words
        assert "fingerprint of the frozen evidence" in words

    # Sign out: the cookie stops working.
    page.goto(f"{server.url}/account")
    settle(page, server)
    page.get_by_role("button", name="Sign out").click()
    settle(page, server)
    page.goto(f"{server.url}/review")
    settle(page, server)
    expect(page.get_by_role("heading", name="Bureau review")).to_have_count(0)

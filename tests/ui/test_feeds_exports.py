"""The Atom feed read back by a real feed parser; CSV/XLSX read back by pandas/openpyxl;
figures exported as HTML and (with Chromium) SVG."""

from __future__ import annotations

import io
import os
from datetime import datetime, timezone

import feedparser
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from prevention.watch import changes, feeds
from prevention.web import exports

EVIL = "<script>alert(1)</script> <b>x</b> [link](https://evil.example)\x0b"
SIGNALS = pd.DataFrame({"signal_id": ["libya-2011-hc", "x/1"], "country": ["LBY", "LBY"],
                        "date": pd.to_datetime(["2011-02-22", "2011-02-21"]),
                        "title": ["High Commissioner on Libya", EVIL],
                        "url": ["https://www.ohchr.org/en/statements/2011/02/libya", "javascript:alert(1)"],
                        "reference": ["A/HRC/RES/S-15/1", ""]})
MOVE = changes.CriterionMove("high_commissioner", "The High Commissioner for Human Rights",
                             "not met", "met", 0, 1, 1, "full", "full", added=("libya-2011-hc",))
CHANGE = changes.Change("LBY", "2011-02-22", "watch", "triggered", (MOVE,))
NAMES = {"LBY": "Libya", "FRA": "France"}


def parse(**kw):
    xml = feeds.watchlist_feed("North Africa & Sahel", 7, [CHANGE], SIGNALS, NAMES,
                               self_url="http://localhost:8501/feeds/watchlist/tok.atom",
                               page_url="http://localhost:8501/shared?list=abc",
                               base_url="http://localhost:8501", rules_param="glion-iii-2016",
                               rules_title="Glion III", now=datetime(2011, 3, 1, 12, tzinfo=timezone.utc),
                               **kw)
    return xml, feedparser.parse(xml)


def test_feed_is_well_formed_atom_with_self_and_alternate_links():
    xml, parsed = parse()
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Watchlist: North Africa & Sahel"
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {"self": "http://localhost:8501/feeds/watchlist/tok.atom",
                     "alternate": "http://localhost:8501/shared?list=abc"}
    assert len(parsed.entries) == 3
    ids = [e.id for e in parsed.entries]
    assert len(set(ids)) == 3 and all(i.startswith("tag:") for i in ids)


def test_a_status_change_entry_links_the_country_page_and_the_sources():
    _, parsed = parse()
    change = next(e for e in parsed.entries if "→" in e.title)
    assert change.title == "Libya: ◆ watch → ▲ triggered (2011-02-22)"
    rels = {(link.rel, link.href) for link in change.links}
    assert ("alternate", "http://localhost:8501/country?country=LBY&rules=glion-iii-2016"
            "&as_of=2011-02-22") in rels
    assert ("related", "https://www.ohchr.org/en/statements/2011/02/libya") in rels
    assert "The High Commissioner for Human Rights: not met → met (0 → 1 of 1)" in change.summary
    assert change.updated == "2011-02-22T00:00:00+00:00"


def test_a_signal_entry_links_its_source_and_the_country_page():
    _, parsed = parse()
    signal = next(e for e in parsed.entries if e.title == "Libya: High Commissioner on Libya")
    rels = {link.rel: link.href for link in signal.links}
    assert rels["alternate"] == "https://www.ohchr.org/en/statements/2011/02/libya"
    assert rels["related"].startswith("http://localhost:8501/country?country=LBY")


def test_feed_text_is_escaped_not_markup():
    xml, parsed = parse()
    assert b"<script>" not in xml and b"&lt;script&gt;" in xml
    entry = next(e for e in parsed.entries if "evil" in e.title)
    assert entry.title_detail.type == "text/plain"
    assert entry.title == "Libya: " + EVIL.replace("\x0b", "")  # no XML-illegal characters
    # A javascript: source is shown as text, never linked.
    assert all(not link.href.startswith("javascript:") for link in entry.links)
    assert "not a web address" in entry.summary


def test_feedgen_entry_links_keep_their_rel():
    """feeds._Entry puts back what feedgen 1.0.0 drops: without it every link is alternate."""
    xml, _ = parse()
    assert b'rel="related"' in xml and b'rel="self"' in xml


def test_feed_marks_synthetic_data():
    _, parsed = parse(synthetic=True)
    assert parsed.feed.title.startswith("[SYNTHETIC]")
    assert all(e.title.startswith("[SYNTHETIC]") for e in parsed.entries)


def test_csv_round_trip_keeps_urls_and_unicode():
    table = SIGNALS.assign(date=SIGNALS["date"].dt.strftime("%Y-%m-%d"))
    back = pd.read_csv(io.BytesIO(exports.to_csv(table)), keep_default_na=False)
    assert back["url"].tolist() == table["url"].tolist()
    assert back["title"].tolist() == table["title"].tolist()
    marked = pd.read_csv(io.BytesIO(exports.to_csv(table, synthetic=True)))
    assert marked.columns[0] == "synthetic" and marked["synthetic"].all()


def test_xlsx_round_trip_and_formula_injection_stays_text():
    table = pd.DataFrame({"title": ["=HYPERLINK(\"http://evil\")", "Côte d'Ivoire"],
                          "url": ["https://a.example/1", "https://a.example/2"]})
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(table, "evidence", synthetic=True)))
    assert wb.sheetnames == ["evidence", "SYNTHETIC"]
    rows = list(wb["evidence"].iter_rows(values_only=True))
    assert rows[0] == ("synthetic", "title", "url")
    assert rows[1][1] == "'=HYPERLINK(\"http://evil\")" and rows[1][2] == "https://a.example/1"
    assert wb["evidence"].cell(2, 2).data_type == "s"


def test_figure_html_is_standalone():
    html = exports.figure_html(go.Figure(go.Bar(x=[1], y=[2])), synthetic=True).decode()
    assert "plotly" in html.lower() and exports.SYNTHETIC_NOTE in html


def test_figure_svg_with_system_chromium():
    if exports.chromium_path() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Chromium is missing under CI=true (make test installs it as root)")
        pytest.skip("no Chromium: run `make test` as root to install Debian's chromium")
    svg = exports.figure_image(go.Figure(go.Bar(x=["a"], y=[2]), layout_title_text="t"), "svg")
    assert svg.startswith(b"<svg") and b"</svg>" in svg


def test_feed_entries_word_the_status_and_the_coverage_behind_it(ui_db):
    """The monthly feed on the seeded sample: each month's entry names the States that moved,
    and a change's words say what the status means and which criterion moved it."""
    from prevention.cases.rulesets import get_rule_set
    from prevention.storage import frames
    from prevention.web import views
    from triggers.prepared import prepare

    bundle, countries = frames.load_bundle(), frames.load_countries()
    prep = prepare(bundle, views.evaluation_countries(countries, bundle))
    rules = get_rule_set("glion-iii-2016")
    digest = changes.month_digest(prep, rules, "2011-02")
    names = dict(zip(countries["iso3"], countries["name"]))
    parsed = feedparser.parse(feeds.changes_feed(
        [digest], names, bundle.signals, self_url="http://x/feeds/changes.atom",
        page_url="http://x/changes", base_url="http://x", rules_param="glion-iii-2016",
        rules_title=rules.title))
    assert not parsed.bozo
    [entry] = parsed.entries
    assert entry.link == "http://x/changes?month=2011-02"
    assert "Entered triggered: Libya on" in entry.summary
    libya = next(c for c in digest.changes if c.country == "LBY")
    words = feeds.change_summary(libya, "Libya", bundle.signals)
    assert "enough criteria met to reach the threshold" in words
    assert "What moved it:" in words and "→ met" in words

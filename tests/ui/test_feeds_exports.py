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

from prevention.watch import feeds
from prevention.web import exports

EVIL = "<script>alert(1)</script> <b>x</b> [link](https://evil.example)"
STATUSES = pd.DataFrame({"State": ["Libya", "France"], "ISO3": ["LBY", "FRA"],
                         "Status": ["▲ triggered", "○ clear"], "Criteria met": [3, 0],
                         "Status since": ["2011-02-22", "before 2008-03-01"]})
SIGNALS = pd.DataFrame({"signal_id": ["libya-2011-hc", "x/1"], "country": ["LBY", "LBY"],
                        "date": pd.to_datetime(["2011-02-22", "2011-02-21"]),
                        "title": ["High Commissioner on Libya", EVIL],
                        "url": ["https://www.ohchr.org/en/statements/2011/02/libya", ""],
                        "reference": ["A/HRC/RES/S-15/1", ""]})


def parse(**kw):
    xml = feeds.watchlist_feed("North Africa & Sahel", "tok-123", STATUSES, SIGNALS, as_of="2011-03-01",
                               base_url="http://localhost:8501",
                               now=datetime(2011, 3, 1, 12, tzinfo=timezone.utc), **kw)
    return xml, feedparser.parse(xml)


def test_feed_is_well_formed_atom():
    xml, parsed = parse()
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Watchlist: North Africa & Sahel"
    assert parsed.feed.updated == "2011-03-01T12:00:00Z"
    assert len(parsed.entries) == 4
    ids = [e.id for e in parsed.entries]
    assert len(set(ids)) == 4 and all(i.startswith("tag:") for i in ids)
    status = parsed.entries[0]
    assert status.title == "Libya: ▲ triggered (3 criteria met)"
    assert status.link == "http://localhost:8501/country?country=LBY&as_of=2011-03-01"
    signal = parsed.entries[2]
    assert signal.link == "https://www.ohchr.org/en/statements/2011/02/libya"
    assert signal.updated == "2011-02-22T00:00:00Z"


def test_feed_text_is_escaped_not_markup():
    xml, parsed = parse()
    assert b"<script>" not in xml and b"&lt;script&gt;" in xml
    entry = parsed.entries[3]
    assert entry.title_detail.type == "text/plain"
    assert entry.title == f"LBY: {EVIL}"


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


def test_feed_entries_word_undetermined_and_the_coverage_behind_it(ui_db):
    """A watchlist's feed on the seeded sample: a State nobody searched reads undetermined,
    with what each criterion could be judged on; never a bare "0 criteria met"."""
    from prevention.cases.rulesets import get_rule_set
    from prevention.storage import frames
    from prevention.web import views
    from triggers.evaluate import evaluate

    bundle, countries = frames.load_bundle(), frames.load_countries()
    ev = evaluate(bundle, get_rule_set("glion-iii-2016"), "2011-03-01",
                  countries=views.evaluation_countries(countries, bundle))
    table = views.watch_table(ev, countries, ["LBY", "FRA"], {}, {}, "glion-iii-2016")
    parsed = feedparser.parse(feeds.watchlist_feed("Mixed", "tok", table, SIGNALS.head(0),
                                                   as_of="2011-03-01"))
    by_state = {e.title.split(":")[0]: e for e in parsed.entries}
    france = by_state["France"]
    assert france.title == "France: ? undetermined (0 criteria met)"
    assert "the data cannot judge could still reach the threshold" in france.summary
    assert "No data loaded: The High Commissioner for Human Rights;" in france.summary
    assert "Not met (every day searched)" not in france.summary
    assert "Met: The High Commissioner for Human Rights" in by_state["Libya"].summary

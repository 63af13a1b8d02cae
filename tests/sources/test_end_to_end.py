"""End to end: fetch OHCHR releases from a loopback ReliefWeb into a fresh database, evaluate
them with the engine, and read them on the Country page (AppTest): the new signals with their
links to the publisher and the coverage the fetch declared."""

from __future__ import annotations

from datetime import date

import pytest

from prevention.sources import reliefweb
from prevention.sources.http import HttpClient
from prevention.sources.run import fetch
from prevention.storage.frames import invalidate
from prevention.storage.settings import PROJECT_DIR, Settings
from tests.conftest import copy_sqlite

from .test_run import SIZE, Provider

PILLAY = ("https://www.ohchr.org/en/press-releases/2011/02/pillay-calls-international-inquiry-"
          "libyan-violence-and-justice-victims")


@pytest.fixture
def fresh_db(_templates, tmp_path, monkeypatch):
    """A migrated SQLite database holding only the countries (what `seed` adds first)."""
    from prevention.sources.seed import seed_countries
    from prevention.storage.db import dispose_engine, get_engine
    from prevention.storage.settings import get_settings

    path = tmp_path / "fresh.sqlite3"
    copy_sqlite(_templates("sqlite").removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    seed_countries(PROJECT_DIR / "data", get_engine(url))
    invalidate()
    yield get_engine(url)
    invalidate()
    dispose_engine(url)
    get_settings.cache_clear()


def test_fetched_signals_are_evaluated_and_shown_with_links_and_coverage(fresh_db, httpserver,
                                                                         clock):
    from prevention.cases.rulesets import get_rule_set
    from prevention.storage import frames
    from prevention.web import views
    from tests.ui.test_pages import no_exception, page
    from triggers.evaluate import evaluate

    Provider(httpserver)
    connector = reliefweb.ReliefWebOhchr(httpserver.url_for("/v2"), "test-app", page_size=SIZE)
    report = fetch(reliefweb.SOURCE, since="2011-01-01", engine=fresh_db,
                   connectors={reliefweb.SOURCE: connector},
                   client=HttpClient("ua", clock=clock, min_delay=0.0),
                   settings=Settings(reliefweb_appname="test-app"))
    assert report.outcome == "done" and report.accepted == 4

    # The engine reads what the fetch stored: the High Commissioner's call on Libya counts.
    bundle = frames.load_bundle()
    rules = get_rule_set("glion-iii-2016")
    ev = evaluate(bundle, rules, date(2011, 3, 1),
                  countries=views.evaluation_countries(frames.load_countries(), bundle))
    libya = ev.evidence("LBY")
    assert "reliefweb:9000001:LBY" in set(libya["signal_id"])
    assert set(frames.load_coverage()["source"]) == {reliefweb.SOURCE}

    at = page("country", country="LBY", as_of="2011-03-01")
    no_exception(at)
    evidence = [df.value for df in at.dataframe if "Source" in df.value.columns]
    shown = next(e for e in evidence if "reliefweb:9000001:LBY" in set(e["Signal id"]))
    row = shown.set_index("Signal id").loc["reliefweb:9000001:LBY"]
    assert row["Source"] == PILLAY and row["Date"] == "2011-02-22"
    assert row["Title"].startswith("Pillay calls for international inquiry")
    assert any(PILLAY in m.value for m in at.markdown if m.value.startswith("Sources:"))
    # The coverage the fetch declared, named by its source, in the criterion's words.
    captions = [c.value.replace("\\", "") for c in at.caption]  # markdown escapes
    assert any("Coverage: partial" in c and "reliefweb-ohchr" in c for c in captions), captions
    # Belarus: the experts' release of 14 August 2024 (four mandates), linked to the publisher.
    at = page("country", country="BLR", as_of="2024-08-31")
    no_exception(at)
    rows = [df.value.set_index("Signal id") for df in at.dataframe
            if "Signal id" in df.value.columns]
    (blr,) = {r.loc["reliefweb:9000007:BLR", "Source"] for r in rows
              if "reliefweb:9000007:BLR" in r.index}
    assert blr == "https://www.ohchr.org/en/press-releases/synthetic-belarus-deaths-in-custody"

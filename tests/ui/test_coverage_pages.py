"""Coverage on the pages, in AppTest: the database the product's own seed builds (real UN
resolutions and a sample of Special Procedures letters, no High Commissioner source) and the
test sample; the Data page's coverage forms; categories in the lab (issues 10 and 13)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from prevention.storage.frames import invalidate
from tests.conftest import copy_sqlite
from tests.ui.test_pages import metrics, no_exception, page

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def real_template(_templates, tmp_path_factory):
    """A database filled by prevention.sources.seed.seed from the repository's data folder, as
    `make run` fills it (about 10 s, once for the module), with an account per role."""
    from prevention.sources.seed import seed
    from prevention.storage.db import dispose_engine, get_engine
    from tests.ui.seeding import seed_accounts

    folder = tmp_path_factory.mktemp("real-seed")
    path = folder / "real.sqlite3"
    copy_sqlite(_templates("sqlite").removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    seed(get_engine(url), ROOT / "data", say=lambda _m: None)
    seed_accounts(get_engine(url))
    dispose_engine(url)
    return path


@pytest.fixture
def real_db(real_template, tmp_path, monkeypatch):
    from prevention.storage.db import dispose_engine
    from prevention.storage.settings import get_settings

    path = tmp_path / "real.sqlite3"
    copy_sqlite(real_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    invalidate()
    yield url
    invalidate()
    dispose_engine(url)
    get_settings.cache_clear()


def test_the_real_seeded_database_shows_no_state_clear_today(real_db):
    """Issue 10's acceptance test: no High Commissioner source is loaded, so no State can be
    clear under glion-iii-2016 (its first criterion alone could reach the threshold)."""
    from prevention.cases.rulesets import get_rule_set
    from prevention.storage import frames
    from prevention.web import views
    from triggers.evaluate import evaluate

    bundle, countries = frames.load_bundle(), frames.load_countries()
    assert "high_commissioner" not in set(frames.load_coverage()["issuer_kind"])
    ev = evaluate(bundle, get_rule_set("glion-iii-2016"), date.today(),
                  countries=views.evaluation_countries(countries, bundle))
    statuses = ev.table["status"].value_counts().to_dict()
    assert "clear" not in statuses and statuses.get("undetermined", 0) > 150
    # The page agrees with the engine.
    at = page("overview")
    no_exception(at)
    m = metrics(at)
    assert m["○ clear"] == "0"
    assert int(m["? undetermined"]) == int((ev.table["status"] == "undetermined").sum())


def test_country_words_each_criterions_coverage_and_shows_categories(real_db):
    at = page("country", country="SDN", as_of="2026-03-01")
    no_exception(at)
    texts = [t.value for t in at.text]
    assert "∅ no data · The High Commissioner for Human Rights" in texts
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert "Coverage: no data loaded for these days (2025-03-02 to 2026-03-01)." in captions
    assert "✓ met · The General Assembly or the Security Council" in texts
    assert ("Coverage: partial, 9 of 365 days searched completely for the least searched of the General Assembly and "
            "the Security Council (undl-2025-10).") in captions
    assert not any("No expression of concern" in t for t in texts)
    evidence = [df.value for df in at.dataframe if "Category" in df.value.columns]
    assert evidence and "sanctions" in set(evidence[0]["Category"])
    (chart,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    names = {t.get("name") for t in chart["data"]}
    assert {"searched completely", "searched in part (sample)"} <= names
    assert "The High Commissioner: no source loaded" in chart["layout"]["yaxis3"]["ticktext"]


def test_lab_categories_change_who_is_triggered(real_db):
    at = page("lab", as_of="2026-03-01")
    no_exception(at)
    cats = at.multiselect(key="lab_glion-iii-2016_ga_sc_cats")
    assert "procedural" in cats.options and "uncategorised" in cats.options
    assert set(cats.value) == {"human_rights_situation", "conflict_or_crisis", "peace_operation",
                               "sanctions", "humanitarian", "occupation", "uncategorised"}
    assert metrics(at)["Leave the list"] == "0"
    # Counting only procedural resolutions: the States the others triggered leave the list.
    cats.set_value(["procedural"]).run()
    no_exception(at)
    assert int(metrics(at)["Leave the list"]) > 0
    diff = at.dataframe[0].value
    assert "? undetermined" in set(diff["Scenario"])  # they leave for undetermined, never clear
    assert "○ clear" not in set(diff["Scenario"])
    # None ticked: every category counts, more than the official reading.
    at.multiselect(key="lab_glion-iii-2016_ga_sc_cats").set_value([]).run()
    no_exception(at)
    assert int(metrics(at)["Enter the list"]) > 0
    assert any("? undetermined" in c.value for c in at.caption)  # the four statuses' counts


def test_data_page_lists_coverage_and_an_admin_declares_and_ends_a_row(ui_db):
    from prevention.accounts import auth
    from prevention.accounts.audit import AuditFilter, query
    from prevention.storage import frames
    from prevention.storage.db import session_scope

    at = page("data")
    no_exception(at)
    spans = [df.value for df in at.dataframe if "Holes" in df.value.columns][0]
    assert set(spans["Source"]) == {"ohchr-sp-sample-2025-12", "worked-examples"}
    sources = [df.value for df in at.dataframe if "Import kind" in df.value.columns][0]
    assert list(sources.columns) == ["Import kind", "Issuer kinds", "Signals", "First signal", "Last signal"]
    assert any("Never searched" in c.value and "The NHRI" in c.value for c in at.caption)

    at.text_input(key="cov_source").input("hc-statements-2024")
    at.selectbox(key="cov_kind").set_value("high_commissioner")
    at.date_input(key="cov_start").set_value(date(2024, 1, 1))
    at.date_input(key="cov_end").set_value(date(2024, 12, 31))
    at.text_input(key="cov_note").input("every HC statement of 2024 entered")
    [b for b in at.button if b.label == "Add coverage row"][0].click().run()
    no_exception(at)
    stored = frames.load_coverage()
    row = stored[stored["source"] == "hc-statements-2024"].iloc[0]
    assert (row["issuer_kind"], row["country"], row["declared_by"]) == ("high_commissioner", "", "ada")
    assert any("added" in s.value for s in at.success)
    spans = [df.value for df in at.dataframe if "Holes" in df.value.columns][0]
    assert "hc-statements-2024" in set(spans["Source"])

    at.selectbox(key="cov_end_row").set_value(int(row["id"]))
    at.date_input(key="cov_end_day").set_value(date(2024, 6, 30))
    [b for b in at.button if b.label == "End coverage row"][0].click().run()
    no_exception(at)
    ended = frames.load_coverage().set_index("id").loc[int(row["id"])]
    assert str(ended["end"].date()) == "2024-06-30"
    with session_scope() as s:
        admin = auth.get_account(s, "ada")
        actions = sorted(e.action for e in query(s, admin, AuditFilter(entity_type="coverage")))
    assert actions == ["coverage.declare", "coverage.end"]


def test_data_page_refuses_a_bad_coverage_row_with_its_reason(ui_db):
    at = page("data")
    at.text_input(key="cov_source").input("hc-2024")
    at.date_input(key="cov_start").set_value(date(2024, 12, 31))
    at.date_input(key="cov_end").set_value(date(2024, 1, 1))
    [b for b in at.button if b.label == "Add coverage row"][0].click().run()
    no_exception(at)
    assert any("end" in e.value and "start" in e.value for e in at.error)


def test_country_without_signals_still_shows_what_was_searched(ui_db):
    from prevention.storage import frames

    assert "NZL" not in set(frames.load_bundle().signals["country"])
    at = page("country", country="NZL", as_of="2011-03-01")
    no_exception(at)
    assert at.header[0].value == "? New Zealand: undetermined"
    (chart,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert "The High Commissioner: no source loaded" in chart["layout"]["yaxis3"]["ticktext"]
    assert not any(t.get("type") == "bar" for t in chart["data"])

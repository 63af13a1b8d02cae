"""Smoke tests of the Back-test, Consistency and Track record pages on a temporary database
holding the sample bundle and four Council outcomes (see tests/conftest.py for the database)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from prevention.sources.seed import seed_countries
from prevention.storage.db import session_scope
from prevention.storage.frames import bump_version, invalidate
from prevention.storage.models.core import (
    Import,
    Issuer,
    Membership,
    Outcome,
    Signal,
    SignalIssuer,
)
from triggers.bundle import read_bundle
from triggers.outcomes import read_outcomes

# The pages read the database only through prevention.storage.frames, whose tests run on both
# backends; here one backend keeps the smoke tests quick.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough test password 1"
UI = ROOT / "prevention" / "web" / "pages"
OUTCOMES = [("LBY", dt.date(2011, 2, 25), "S-15"), ("CIV", dt.date(2010, 12, 23), "S-14"),
            ("SYR", dt.date(2011, 4, 29), "S-16"), ("", dt.date(2009, 2, 20), "S-10")]


def seed(engine, outcomes=True, shipped_outcomes=False) -> int:
    """Store the sample bundle and outcomes; returns a researcher's account id."""
    b = read_bundle(ROOT / "data" / "sample")
    with session_scope(engine) as s:
        imp = Import(user_name="test", file_name="sample", sha256="0" * 64, source_kind="bundle")
        s.add(imp)
        s.flush()
        s.add_all([Issuer(import_id=imp.id, **r) for r in b.issuers.to_dict("records")])
        s.add_all([Signal(import_id=imp.id, signal_id=r["signal_id"], date=r["date"].date(),
                          country=r["country"], concern=bool(r["concern"]), title=r["title"],
                          url=r["url"], reference=r["reference"])
                   for r in b.signals.to_dict("records")])
        s.flush()
        s.add_all([SignalIssuer(**r) for r in b.links.to_dict("records")])
        s.add_all([Membership(org_id=r["org_id"], country=r["country"], since=_day(r["since"]),
                              until=_day(r["until"]))
                   for r in b.memberships.to_dict("records")])
        if outcomes:
            s.add_all([Outcome(country=c, date=d, kind="special_session", reference=r, title=r)
                       for c, d, r in OUTCOMES])
        if shipped_outcomes:
            shipped = read_outcomes(ROOT / "data" / "reference" / "council_outcomes.csv")
            s.add_all([Outcome(country=r["country"], date=r["date"].date(), kind=r["kind"],
                               reference=r["reference"], title=r["title"], url=r["url"])
                       for r in shipped.to_dict("records")])
        bump_version(s)
    # The reference table of countries: the States assessed are its 193 members and 2 observers.
    seed_countries(ROOT / "data", engine)
    invalidate()
    return researcher(engine)


def _day(value) -> dt.date | None:
    return None if pd.isna(value) else value.date()


def researcher(engine) -> int:
    """A researcher account (created after the first admin), whose id signs a session in."""
    from prevention.accounts import auth

    with session_scope(engine) as s:
        admin = auth.add_account(s, None, "admin", "admin", PASSWORD)
        return auth.add_account(s, admin, "researcher", "researcher", PASSWORD).id


def page(name: str, account: int | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(UI / name), default_timeout=60)
    if account is not None:
        at.session_state["account_id"] = account
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def read(elements) -> str:
    """What the visitor reads: the elements' markdown with its escapes removed (issue 12)."""
    return re.sub(r"\\(.)", r"\1", " ".join(e.value for e in elements))


def test_backtest_page(engine):
    who = seed(engine)
    at = page("backtest.py", who)
    no_exception(at)
    labels = {m.label: m.value for m in at.metric}
    # CIV and LBY warned, SYR not: 2 of 3 outcomes with a State; both warnings fresh.
    assert labels["Recall (outcomes warned)"] == "67%"
    assert labels["Fresh recall"] == "67%"
    assert labels["Median fresh lead (days)"] == "10"  # 16 and 3 days
    methods = at.dataframe[0].value["Method"].tolist()
    assert methods == ["The rule set", "Previous outcome (24 months)", "Any signal", "GA/SC only",
                       "Persistence (previous two calendar years)",
                       "Random States (mean, 95% range)"]
    text = read(at.markdown) + read(at.caption)
    assert "The rule set beats" in text
    assert "Shares are over the 195 States assessed" in text
    assert "without any data: nhri_ngos" in text
    outcomes = at.dataframe[1].value.set_index("ISO3")
    assert outcomes.loc["LBY", "Lead (days)"] == 3 and not outcomes.loc["SYR", "Warned"]
    assert outcomes.loc["LBY", "Warning"] == "fresh"
    assert any("no data at all" in read([w]) for w in at.warning)

    at.text_input(key="bt_x_values").set_value("30, 365")
    at.text_input(key="bt_y_values").set_value("2-4")
    next(b for b in at.button if b.label == "Run sweep").click()
    at.run()
    no_exception(at)
    assert at.session_state["bt_sweep_result"][2].shape[0] == 6

    # The NHRI criterion has no data in the sample: its axis is not swept, and the page says so.
    at.selectbox(key="bt_y").set_value("nhri_ngos.min_ngos")
    next(b for b in at.button if b.label == "Run sweep").click()
    at.run()
    no_exception(at)
    table = at.session_state["bt_sweep_result"][2]
    assert table.shape[0] == 2 and table["nhri_ngos.min_ngos"].tolist() == [3, 3]
    assert any("nhri_ngos.min_ngos not swept" in read([i]) for i in at.info)


def test_backtest_page_counts_the_kinds_chosen(engine):
    who = seed(engine)
    with session_scope(engine) as s:
        s.add(Outcome(country="SYR", date=dt.date(2011, 3, 1), kind="urgent_debate",
                      reference="UD-SYR", title="x"))
        bump_version(s)
    invalidate()
    at = page("backtest.py", who, kinds="urgent_debate")
    no_exception(at)
    assert at.dataframe[1].value["Reference"].tolist() == ["UD-SYR"]
    kinds = next(t.value for t in at.dataframe if "Provenance" in t.value.columns)
    counted = kinds.set_index("Kind")["Counted"]
    assert counted[counted].index.tolist() == ["urgent debate"]
    assert kinds.set_index("Kind").loc["special session", "Outcomes"] == 4  # S-10 thematic


def test_backtest_page_says_when_a_sweep_input_is_wrong(engine):
    who = seed(engine)
    at = page("backtest.py", who)
    at.text_input(key="bt_x_values").set_value("90, a lot")
    next(b for b in at.button if b.label == "Run sweep").click()
    at.run()
    no_exception(at)
    assert any("'a lot' is not a whole number" in read([e]) for e in at.error)


def test_backtest_page_reads_its_settings_from_the_url(engine):
    who = seed(engine)
    at = page("backtest.py", who, bt_start="2011-01-01", bt_end="2011-12-31", bt_lookback="2")
    no_exception(at)
    assert at.number_input(key="bt_lookback").value == 2
    outcomes = at.dataframe[1].value.set_index("ISO3")
    # S-14 (Dec 2010) is outside the period; Libya is still warned within a 2-day lookback.
    assert outcomes.index.tolist() == ["LBY", "SYR"] and outcomes.loc["LBY", "Warned"]


def test_backtest_page_without_outcomes(engine):
    who = seed(engine, outcomes=False)
    at = page("backtest.py", who)
    no_exception(at)
    assert any("No Council outcomes are stored" in i.value for i in at.info)


def test_consistency_page(engine):
    who = seed(engine)
    # The period comes from the URL, as in a shared link.
    at = page("consistency.py", who, cons_start="2010-01-01", cons_end="2011-12-31")
    no_exception(at)
    table = at.dataframe[0].value.set_index("ISO3")
    assert table.loc["LBY", "Finding"] == "criteria met, Council acted"
    assert table.loc["LBY", "What the Council did"] == "special session S-15 (2011-02-25)"
    assert table.loc["SYR", "Finding"] == "Council acted, criteria not met"
    assert {m.label: m.value for m in at.metric}["Criteria met, Council acted"] == "2"
    assert "counts as 'Council acted' only when an outcome is dated from its first triggered " \
           "day in the period to 365 days after its last" in read(at.caption)


def test_consistency_pairs_only_actions_in_the_window(engine):
    who = seed(engine)
    # Libya's criteria were met on 2011-02-22 (a 365-day window); an outcome two years later
    # is outside [2011-02-22, 2012-02-21 + 365 days].
    with session_scope(engine) as s:
        s.query(Outcome).filter(Outcome.reference == "S-15").update({"date": dt.date(2013, 6, 1)})
        bump_version(s)
    invalidate()
    at = page("consistency.py", who, cons_start="2010-01-01", cons_end="2013-12-31")
    no_exception(at)
    table = at.dataframe[0].value.set_index("ISO3")
    assert table.loc["LBY", "Finding"] == "criteria met, no Council action in the window"
    assert table.loc["LBY", "What the Council did"] == \
        "special session S-15 (2013-06-01, outside the window)"


def test_track_record_page(engine):
    who = seed(engine)
    at = page("track_record.py", who)
    no_exception(at)
    text = read(at.markdown)
    assert "the Council acted 3 times on one of the 195 States assessed (3 special sessions)" in text
    assert "In the 365 days before 2 of them (67%) the criteria were met. 2 of these warnings " \
           "(67% of the outcomes) came from a period of concern that began within those 365 " \
           "days" in text
    assert "The rule set beats" in text and "Criteria with data" in text
    assert "No early-warning system" not in text and "this one does" not in read(at.caption)
    assert at.dataframe[0].value["Method"].tolist()[0] == "The rule set"
    record = next(t.value for t in at.dataframe if "Reference" in t.value.columns)
    assert record["Reference"].tolist() == ["S-16", "S-15", "S-14"]


def test_track_record_follows_the_published_rule_set(engine):
    from prevention.cases.rulesets import list_rule_sets
    from prevention.storage.models.review import RuleSetPublication

    who = seed(engine)
    list_rule_sets(engine)  # seeds the shipped rule sets into the store
    with session_scope(engine) as s:
        s.add(RuleSetPublication(rule_set_id="hrc20-2012", rule_set_version=1, published_by="admin"))
    at = page("track_record.py", who)
    no_exception(at)
    # The title is user-editable text, escaped for markdown (issue 12): compare what is read.
    shown = re.sub(r"\\(.)", r"\1", " ".join(m.value for m in at.markdown))
    assert "**HRC20 joint statement (2012)** (version 1)" in shown


@pytest.mark.parametrize("name, message", [
    ("consistency.py", "No Council outcomes are stored yet, so every State"),
    ("track_record.py", "No Council outcomes are stored yet, so there is no record"),
])
def test_pages_without_outcomes(engine, name, message):
    who = seed(engine, outcomes=False)
    at = page(name, who, cons_start="2025-01-01")
    no_exception(at)
    assert any(message in i.value for i in at.info)


def test_track_record_on_the_shipped_council_outcomes(engine):
    who = seed(engine, outcomes=False, shipped_outcomes=True)
    at = page("track_record.py", who)
    no_exception(at)
    text = read(at.markdown)
    # The sample bundle holds the Libya and Côte d'Ivoire signals: S-14, S-15 and the Libya
    # inquiry (same resolution as S-15) are warned.
    assert "before 3 of them" in text
    record = next(t.value for t in at.dataframe if "Reference" in t.value.columns)
    assert "Libya" in record["State"].tolist()
    kinds = next(t.value for t in at.dataframe if "Provenance" in t.value.columns)
    assert kinds.set_index("Kind").loc["special session", "Outcomes"] == 43


@pytest.mark.parametrize("name", ["backtest.py", "consistency.py"])
def test_research_pages_refuse_an_anonymous_visitor(engine, name):
    seed(engine)
    at = page(name)
    no_exception(at)
    assert at.error and "Sign in" in at.error[0].value
    assert not at.dataframe


def test_track_record_is_public(engine):
    seed(engine)
    at = page("track_record.py")  # nobody signed in
    no_exception(at)
    assert not at.error and at.dataframe

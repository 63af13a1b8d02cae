"""Smoke tests of the Back-test, Consistency and Track record pages on a temporary database
holding the sample bundle and four Council outcomes (see tests/conftest.py for the database)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from prevention.db import session_scope
from prevention.frames import bump_version, invalidate
from prevention.models.core import Country, Import, Issuer, Membership, Outcome, Signal, SignalIssuer
from triggers.bundle import read_bundle
from triggers.outcomes import read_outcomes

# The pages read the database only through prevention.frames, whose tests run on both
# backends; here one backend keeps the smoke tests quick.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough test password 1"
UI = ROOT / "prevention" / "ui"
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
        s.add_all([Country(iso3="LBY", name="Libya", un_group="African"),
                   Country(iso3="SYR", name="Syrian Arab Republic", un_group="Asia-Pacific")])
        if outcomes:
            s.add_all([Outcome(country=c, date=d, kind="special_session", reference=r, title=r)
                       for c, d, r in OUTCOMES])
        if shipped_outcomes:
            shipped = read_outcomes(ROOT / "data" / "reference" / "council_outcomes.csv")
            s.add_all([Outcome(country=r["country"], date=r["date"].date(), kind=r["kind"],
                               reference=r["reference"], title=r["title"], url=r["url"])
                       for r in shipped.to_dict("records")])
        bump_version(s)
    invalidate()
    return researcher(engine)


def _day(value) -> dt.date | None:
    return None if pd.isna(value) else value.date()


def researcher(engine) -> int:
    """A researcher account (created after the first admin), whose id signs a session in."""
    from prevention import auth

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


def test_backtest_page(engine):
    who = seed(engine)
    at = page("backtest.py", who)
    no_exception(at)
    labels = {m.label: m.value for m in at.metric}
    # CIV and LBY warned, SYR not: 2 of 3 outcomes with a State.
    assert labels["Recall (outcomes warned)"] == "67%"
    assert labels["Median lead (days)"] == "10"
    methods = at.dataframe[0].value["Method"].tolist()
    assert methods[0] == "The rule set" and len(methods) == 3
    outcomes = at.dataframe[1].value.set_index("ISO3")
    assert outcomes.loc["LBY", "Lead (days)"] == 3 and not outcomes.loc["SYR", "Warned"]
    assert any("no signal at all" in w.value for w in at.warning)

    at.text_input(key="bt_x_values").set_value("30, 365")
    at.text_input(key="bt_y_values").set_value("2-4")
    next(b for b in at.button if b.label == "Run sweep").click()
    at.run()
    no_exception(at)
    assert at.session_state["bt_sweep_result"][2].shape[0] == 6


def test_backtest_page_says_when_a_sweep_input_is_wrong(engine):
    who = seed(engine)
    at = page("backtest.py", who)
    at.text_input(key="bt_x_values").set_value("90, a lot")
    next(b for b in at.button if b.label == "Run sweep").click()
    at.run()
    no_exception(at)
    assert any("'a lot' is not a whole number" in e.value for e in at.error)


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
    assert {m.label: m.value for m in at.metric}["Criteria met, council acted"] == "2"


def test_track_record_page(engine):
    who = seed(engine)
    at = page("track_record.py", who)
    no_exception(at)
    text = " ".join(m.value for m in at.markdown)
    assert "the Council acted 3 times on a State" in text
    assert "2 of them (67%) the criteria were met" in text
    assert at.dataframe[0].value["Reference"].tolist() == ["S-16", "S-15", "S-14"]


def test_track_record_follows_the_published_rule_set(engine):
    from prevention.models.review import RuleSetPublication
    from prevention.rulesets import list_rule_sets

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
    text = " ".join(m.value for m in at.markdown)
    # The sample bundle holds the Libya and Côte d'Ivoire signals: S-14, S-15 and the Libya
    # inquiry (same resolution as S-15) are warned.
    assert "3 of them" in text
    assert "Libya" in at.dataframe[0].value["State"].tolist()


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

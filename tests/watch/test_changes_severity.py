"""What changed and the severity order, on hand-written bundles evaluated by the engine."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from prevention.watch import changes, severity
from tests.triggers.helpers import make_bundle, sig
from triggers.evaluate import evaluate
from triggers.prepared import prepare
from triggers.rules import load_rule_set

RULES = load_rule_set("glion-iii-2016")  # one criterion met triggers; a 365-day window


@pytest.fixture
def prep():
    return prepare(make_bundle([
        # Libya: the High Commissioner on 10 Feb, then the SC on 20 Feb 2011.
        sig("a-hc", "2011-02-10", "LBY", ["hc"]),
        sig("a-sc", "2011-02-20", "LBY", ["sc"]),
        # Syria: two Special Procedures mandates jointly (half of four: watch) on 5 Feb, then
        # four jointly on 15 Mar (triggered).
        sig("s-sp1", "2011-02-05", "SYR", ["sp1", "sp2"]),
        sig("s-sp2", "2011-03-15", "SYR", ["sp1", "sp2", "sp3", "sp4"]),
        # Mali: the HC in 2009 only (left triggered a year later, on 2010-03-02).
        sig("m-hc", "2009-03-02", "MLI", ["hc"]),
    ]))


def test_transitions_and_what_moved_them(prep):
    found = changes.changes(prep, RULES, "2011-02-01", "2011-03-31")
    got = [(c.country, c.day, c.before, c.after) for c in found]
    assert ("LBY", "2011-02-10", "clear", "triggered") in got
    assert ("SYR", "2011-02-05", "clear", "watch") in got
    assert ("SYR", "2011-03-15", "watch", "triggered") in got
    libya = next(c for c in found if c.country == "LBY")
    [move] = [m for m in libya.moves if m.before != m.after]
    assert move.criterion_id == "high_commissioner" and move.after == "met"
    assert move.added == ("a-hc",) and libya.signals[0] == "a-hc"
    # The SC on 20 Feb adds a criterion but does not change the status: no change then.
    assert not any(c.country == "LBY" and c.day == "2011-02-20" for c in found)


def test_leaving_is_explained_by_the_signal_that_aged_out(prep):
    [mali] = changes.changes(prep, RULES, "2010-01-01", "2010-12-31", countries=["MLI"])
    assert (mali.before, mali.after) == ("triggered", "clear")
    assert mali.moves[0].removed == ("m-hc",)


def test_month_digest_groups_entries_and_exits(prep):
    d = changes.month_digest(prep, RULES, "2011-03", today=date(2026, 1, 1))
    assert (d.start, d.end) == ("2011-03-01", "2011-03-31")
    assert [c.country for c in d.entered("triggered")] == ["SYR"]
    assert [c.country for c in d.left("watch")] == ["SYR"]
    assert d.countries == ["SYR"]


def test_the_current_month_ends_today_and_future_months_are_refused():
    assert changes.month_bounds("2026-02", today=date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 10))
    with pytest.raises(ValueError, match="has not begun"):
        changes.month_bounds("2026-03", today=date(2026, 2, 10))
    with pytest.raises(ValueError, match="YYYY-MM"):
        changes.month_bounds("March")


def test_archive_counts_each_month(prep):
    a = changes.archive(prep, RULES, date(2011, 1, 1), date(2011, 4, 30))
    assert a["month"].tolist() == ["2011-04", "2011-03", "2011-02", "2011-01"]
    feb = a.set_index("month").loc["2011-02"]
    assert feb["entered_triggered"] == 1 and feb["entered_watch"] == 1
    assert a.set_index("month").loc["2011-03", "entered_triggered"] == 1


def test_severity_ranks_within_a_status(prep):
    ev = evaluate(prep, RULES, "2011-03-31", sentences=False)
    sev = severity.severity(ev, prep.bundle.links)
    trig = sev[sev["status"] == "triggered"]
    # Libya: 2 criteria (HC, SC); Syria: 1 criterion but 4 issuers.
    assert trig["country"].tolist()[:2] == ["LBY", "SYR"]
    assert trig["rank"].tolist()[:2] == [1, 2]
    libya = trig.iloc[0]
    assert libya["criteria_met"] == 2 and libya["issuers"] == 2
    assert severity.reason(libya) == "2 criteria met · 2 issuers · newest 2011-02-20"


def test_severity_order_keys_in_turn():
    t = pd.DataFrame({
        "country": ["AAA", "BBB", "CCC", "DDD", "EEE"],
        "status": ["triggered", "triggered", "triggered", "watch", "triggered"],
        "criteria_met": [1, 1, 2, 0, 1],
        "issuers": [3, 3, 1, 9, 5],
        "latest": pd.to_datetime(["2020-01-01", "2021-01-01", "2019-01-01", "2022-01-01", None]),
    })
    out = severity.order(t)
    # criteria first (CCC), then issuers (EEE), then recency (BBB before AAA); watch after.
    assert out["country"].tolist() == ["CCC", "EEE", "BBB", "AAA", "DDD"]
    assert out["rank"].tolist() == [1, 2, 3, 4, 1]

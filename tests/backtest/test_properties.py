"""Properties over random small cases: no look-ahead, coverage never changes a triggered day,
and agreement with the literal reading (tests/backtest/naive.py) for the rule set and every
baseline: warned, fresh, lead, followed, onsets, coverage and the metrics."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.backtest.helpers import bundle, outcomes, rules
from tests.backtest.naive import naive_backtest
from triggers.backtest import backtest

BASE = date(2020, 1, 1)
STATES = ["SYR", "LBY", "MMR"]
ASSESSED = ["LBY", "MMR", "SYR", "VEN"]  # VEN has no signal; ESH (below) is not assessed
ISSUERS = ["hc", "sp1", "sp2", "sp3", "sp4", "oth", "ga", "sc"]
KINDS = ["high_commissioner", "sp_mandate", "general_assembly", "security_council"]


def day(offset: int) -> str:
    return (BASE + timedelta(days=offset)).isoformat()


signal = st.tuples(st.integers(0, 90), st.sampled_from(STATES),
                   st.lists(st.sampled_from(ISSUERS), min_size=1, max_size=4, unique=True))
rule_sets = st.builds(lambda w, sp, k: rules(window_days=w, sp_min=sp, min_criteria=k if sp else 1),
                      st.integers(1, 30), st.none() | st.integers(1, 3), st.integers(1, 2))
coverage_row = st.tuples(st.sampled_from(KINDS), st.sampled_from(["", "SYR", "LBY"]),
                         st.integers(0, 50), st.integers(0, 40), st.booleans())


def as_bundle(signals, coverage=None):
    cov = None if coverage is None else [
        (k, c, day(a), day(a + n), "complete" if full else "sample")
        for k, c, a, n, full in coverage]
    return bundle(*[(day(d), c, ";".join(iss)) for d, c, iss in signals], coverage=cov)


def as_outcomes(rows):
    return outcomes(*[(c, day(d), f"R{i}", kind) for i, (d, c, kind) in enumerate(rows)])


council = st.lists(st.tuples(st.integers(0, 50), st.sampled_from(STATES + ["VEN"]),
                             st.sampled_from(["special_session", "country_resolution"])),
                   min_size=1, max_size=6)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(signals=st.lists(signal, min_size=1, max_size=25),
       later=st.lists(signal, min_size=1, max_size=10),
       council=st.lists(st.tuples(st.integers(30, 120), st.sampled_from(STATES),
                                  st.just("special_session")), min_size=1, max_size=8),
       cut=st.integers(30, 120), rule_set=rule_sets, lookback=st.integers(1, 60))
def test_signals_after_an_outcome_never_change_it(signals, later, council, cut, rule_set, lookback):
    """Adding signals dated on or after an outcome changes neither its warned nor its lead."""
    o = as_outcomes(council)
    before = backtest(as_bundle(signals), rule_set, o, day(30), day(120), lookback, 30, draws=0)
    extra = [(max(d, cut), c, iss) for d, c, iss in later]
    after = backtest(as_bundle(signals + extra), rule_set, o, day(30), day(120), lookback, 30,
                     draws=0)
    cols = ["country", "reference", "warned", "fresh", "lead_days", "episode_start",
            "criteria_at_start"]
    a = before.score.outcomes[cols]
    b = after.score.outcomes[cols]
    unaffected = a["reference"].map(dict(zip(o["reference"], o["date"]))) <= day(cut)
    assert a[unaffected.to_numpy()].equals(b[unaffected.to_numpy()])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(signals=st.lists(signal, min_size=1, max_size=25), council=council,
       coverage=st.lists(coverage_row, max_size=6), rule_set=rule_sets,
       lookback=st.integers(1, 30))
def test_coverage_changes_no_triggered_day(signals, council, coverage, rule_set, lookback):
    """Only the covered figures may differ between a bundle with coverage rows and without."""
    o = as_outcomes(council)
    plain = backtest(as_bundle(signals), rule_set, o, day(25), day(90), lookback, 20, draws=3)
    rows = backtest(as_bundle(signals, coverage), rule_set, o, day(25), day(90), lookback, 20,
                    draws=3)
    for method, s in plain.scores.items():
        mine = {k: v for k, v in s.metrics.items() if "covered" not in k}
        assert mine == {k: v for k, v in rows.scores[method].metrics.items() if "covered" not in k}
    cols = ["warned", "fresh", "lead_days"]
    assert plain.score.outcomes[cols].equals(rows.score.outcomes[cols])


def _close(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None
                                         and a == pytest.approx(b))


# Small windows, lookbacks and quiet spells over a short range, so that the boundaries (a run
# beginning exactly L days before an outcome, a gap of exactly Q quiet days, a lookback covered
# but for one day) come up often.
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(signals=st.lists(st.tuples(st.integers(0, 50), st.sampled_from(STATES + ["ESH"]),
                                  st.lists(st.sampled_from(ISSUERS), min_size=1, max_size=4,
                                           unique=True)), min_size=1, max_size=15),
       council=council, coverage=st.none() | st.lists(coverage_row, max_size=5),
       rule_set=st.builds(lambda w, sp, k: rules(window_days=w, sp_min=sp,
                                                 min_criteria=k if sp else 1),
                          st.integers(1, 8), st.none() | st.integers(1, 3), st.integers(1, 2)),
       lookback=st.integers(1, 12), horizon=st.integers(0, 20), quiet=st.integers(1, 8),
       kinds=st.sampled_from([None, ["special_session"]]))
def test_agrees_with_the_literal_reading(signals, council, coverage, rule_set, lookback, horizon,
                                         quiet, kinds):
    """Every outcome, every episode and the metrics of every method match day-by-day loops."""
    b, o = as_bundle(signals, coverage), as_outcomes(council)
    start, end = day(25), day(50)
    fast = backtest(b, rule_set, o, start, end, lookback, horizon, states=ASSESSED, kinds=kinds,
                    quiet_days=quiet, draws=4, seed=11)
    slow = naive_backtest(b, rule_set, o, start, end, lookback, horizon, states=ASSESSED,
                          kinds=kinds, quiet=quiet, draws=4, seed=11)
    covered = {(r.country, r.reference): bool(r.covered) for r in fast.score.outcomes.itertuples()}
    assert covered == slow["covered"]
    for method in ("rules", "previous_outcome", "any_signal", "ga_sc", "persistence"):
        mine, theirs = fast.scores[method], slow["methods"][method]
        got = {(r.country, r.reference): (bool(r.warned),
                                          None if not r.warned else int(r.lead_days))
               for r in mine.outcomes.itertuples()}
        assert got == theirs["outcomes"], method
        assert {(r.country, r.reference): bool(r.fresh) for r in mine.outcomes.itertuples()} \
            == theirs["fresh"], method
        episodes = {(r.country, r.start.date().isoformat(), r.end.date().isoformat()):
                    (bool(r.followed), bool(r.onset)) for r in mine.episodes.itertuples()}
        assert episodes == {k: (f, theirs["onsets"][k]) for k, f in theirs["episodes"].items()}, \
            method
        for key in ("recall", "recall_fresh", "chronic_share", "precision", "precision_onsets",
                    "lead_days_median", "lead_days_median_fresh", "triggered_share",
                    "recall_covered", "lead_days_median_covered"):
            assert _close(mine.metrics[key], theirs[key]), (method, key)
    for key in ("recall", "precision", "recall_fresh"):
        values = [d[key] for d in slow["random"] if d[key] is not None]
        expected = float(np.mean(values)) if values else None
        got = fast.random.loc[key, "mean"]
        assert _close(None if got is None or np.isnan(got) else got, expected), key
    cal = fast.calibration.set_index("criteria_met")
    for band, (n, followed, warned) in slow["calibration"].items():
        assert cal.loc[band, ["onsets", "onsets_followed", "warned"]].tolist() == \
            [n, followed, warned], band

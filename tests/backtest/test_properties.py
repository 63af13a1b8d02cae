"""Properties over random small cases: no look-ahead, and agreement with the literal reading."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.backtest.helpers import bundle, outcomes, rules
from tests.backtest.naive import naive_backtest
from triggers.backtest import backtest

BASE = date(2020, 1, 1)
STATES = ["SYR", "LBY", "MMR"]
ISSUERS = ["hc", "sp1", "sp2", "sp3", "sp4", "oth"]


def day(offset: int) -> str:
    return (BASE + timedelta(days=offset)).isoformat()


signal = st.tuples(st.integers(0, 90), st.sampled_from(STATES),
                   st.lists(st.sampled_from(ISSUERS), min_size=1, max_size=4, unique=True))
rule_sets = st.builds(lambda w, sp, k: rules(window_days=w, sp_min=sp, min_criteria=k if sp else 1),
                      st.integers(1, 30), st.none() | st.integers(1, 3), st.integers(1, 2))


def as_bundle(signals):
    return bundle(*[(day(d), c, ";".join(iss)) for d, c, iss in signals])


def as_outcomes(rows):
    return outcomes(*[(c, day(d), f"R{i}") for i, (d, c) in enumerate(rows)])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(signals=st.lists(signal, min_size=1, max_size=25),
       later=st.lists(signal, min_size=1, max_size=10),
       council=st.lists(st.tuples(st.integers(30, 120), st.sampled_from(STATES)),
                        min_size=1, max_size=8),
       cut=st.integers(30, 120), rule_set=rule_sets, lookback=st.integers(1, 60))
def test_signals_after_an_outcome_never_change_it(signals, later, council, cut, rule_set, lookback):
    """Adding signals dated on or after an outcome changes neither its warned nor its lead."""
    o = as_outcomes(council)
    before = backtest(as_bundle(signals), rule_set, o, day(30), day(120), lookback, 30)
    extra = [(max(d, cut), c, iss) for d, c, iss in later]
    after = backtest(as_bundle(signals + extra), rule_set, o, day(30), day(120), lookback, 30)
    cols = ["country", "reference", "warned", "lead_days", "episode_start", "criteria_at_start"]
    a = before.score.outcomes[cols]
    b = after.score.outcomes[cols]
    unaffected = a["reference"].map(dict(zip(o["reference"], o["date"]))) <= day(cut)
    assert a[unaffected.to_numpy()].equals(b[unaffected.to_numpy()])


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(signals=st.lists(st.tuples(st.integers(0, 50), st.sampled_from(STATES),
                                  st.lists(st.sampled_from(ISSUERS), min_size=1, max_size=4,
                                           unique=True)), min_size=1, max_size=15),
       council=st.lists(st.tuples(st.integers(0, 50), st.sampled_from(STATES)),
                        min_size=1, max_size=6),
       rule_set=rule_sets, lookback=st.integers(1, 25), horizon=st.integers(0, 20))
def test_agrees_with_the_literal_reading(signals, council, rule_set, lookback, horizon):
    """Every outcome, every episode and the headline metrics match a day-by-day evaluate()."""
    b, o = as_bundle(signals), as_outcomes(council)
    start, end = day(25), day(50)
    fast = backtest(b, rule_set, o, start, end, lookback, horizon).score
    slow = naive_backtest(b, rule_set, o, start, end, lookback, horizon)
    got = {(r.country, r.reference): (bool(r.warned), None if not r.warned else int(r.lead_days))
           for r in fast.outcomes.itertuples()}
    assert got == slow["outcomes"]
    got_ep = {(r.country, r.start.date().isoformat(), r.end.date().isoformat()): bool(r.followed)
              for r in fast.episodes.itertuples()}
    assert got_ep == slow["episodes"]
    for key in ("recall", "precision", "lead_days_median"):
        assert fast.metrics[key] == slow[key]

"""The baselines a sceptic would pick (issue 15), each scored exactly like the rule set."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from tests.backtest.helpers import ISSUER_FIELDS, ISSUERS, bundle, outcomes, rules
from triggers.backtest import backtest, build_context, permutations, persistence_grid
from triggers.backtest.result import Score
from triggers.bundle import validate_frames
from triggers.prepared import to_day

L, H = 60, 30


# -- persistence ------------------------------------------------------------------------------

@pytest.mark.parametrize("day, triggered", [
    ("2018-12-31", False),  # the outcome's own year is not listed
    ("2019-01-01", True), ("2020-12-31", True),  # the two calendar years after it
    ("2021-01-01", False),
])
def test_persistence_lists_the_two_calendar_years_after_an_outcome(day, triggered):
    council = outcomes(("SYR", "2018-12-31", "S-1"))
    ctx = build_context(bundle(("2018-01-01", "LBY", "hc")), council, "2018-01-01",
                        "2021-12-31", L, H)
    grid = persistence_grid(ctx)
    assert bool(grid[list(ctx.codes).index("SYR"), to_day(day) - ctx.first]) is triggered
    assert not grid[list(ctx.codes).index("LBY")].any()


def test_persistence_is_not_the_previous_outcome_baseline():
    council = outcomes(("SYR", "2018-06-01", "S-1"), ("SYR", "2020-05-01", "S-2"),
                       ("LBY", "2020-03-01", "S-3"), ("LBY", "2020-10-01", "S-4"))
    r = backtest(bundle(("2020-08-01", "MMR", "hc")), rules(), council, "2020-01-01",
                 "2020-12-31", 365, H, draws=0)
    warned = {m: r.scores[m].outcomes.set_index("reference")["warned"].to_dict()
              for m in ("persistence", "previous_outcome")}
    # SYR's 2018 outcome lists 2019-2020: S-2 is warned by both, from different first days.
    assert warned["persistence"]["S-2"] and warned["previous_outcome"]["S-2"]
    persistence = r.scores["persistence"].outcomes.set_index("reference")
    assert persistence.loc["S-2", "episode_start"] == pd.Timestamp("2019-01-01")
    assert persistence.loc["S-2", "lead_days"] == 486
    # LBY's first outcome is in 2020: a list drawn up on 1 January 2020 does not name LBY,
    # the rolling 24 months do from the day after it.
    assert not warned["persistence"]["S-4"] and warned["previous_outcome"]["S-4"]
    ep = r.scores["persistence"].episodes
    assert ep[["country", "start", "end"]].values.tolist() == [
        ["SYR", pd.Timestamp("2019-01-01"), pd.Timestamp("2020-12-31")]]


# -- GA/SC only -------------------------------------------------------------------------------

def test_ga_sc_baseline_counts_every_ga_or_sc_resolution_whatever_its_category():
    signals = pd.DataFrame({
        "signal_id": ["a", "b", "c", "d"],
        "date": ["2020-03-01", "2020-03-01", "2020-03-01", "2020-03-01"],
        "country": ["SYR", "LBY", "MMR", "VEN"],
        "issuers": ["ga", "sc", "hc", "oth"],
        "category": ["procedural", "sanctions", "", ""],
    })
    b = validate_frames(signals, pd.DataFrame(ISSUERS, columns=ISSUER_FIELDS), source="test")
    council = outcomes(*[(c, "2020-03-05", f"S-{c}") for c in ("SYR", "LBY", "MMR", "VEN")])
    r = backtest(b, rules(), council, "2020-01-01", "2020-12-31", L, H, draws=0)
    warned = r.scores["ga_sc"].outcomes.set_index("country")["warned"].to_dict()
    assert warned == {"LBY": True, "MMR": False, "SYR": True, "VEN": False}
    # The rule set's window: a resolution triggers the State for 10 days.
    assert r.scores["ga_sc"].episodes["days"].tolist() == [10, 10]


# -- random -----------------------------------------------------------------------------------

def test_random_draws_keep_the_episodes_and_the_triggered_share():
    signals = bundle(("2020-03-01", "SYR", "hc"), ("2020-06-01", "SYR", "hc"),
                     ("2020-04-01", "LBY", "hc"))
    council = outcomes(("SYR", "2020-03-05", "S-1"), ("MMR", "2020-07-01", "S-2"))
    r = backtest(signals, rules(), council, "2020-01-01", "2020-12-31", L, H,
                 states=["LBY", "MMR", "SYR", "VEN"], draws=50, seed=3)
    m = r.score.metrics
    for key in ("triggered_share", "episodes", "onsets", "outcomes"):
        row = r.random.loc[key]
        assert row["mean"] == row["low"] == row["high"] == pytest.approx(m[key]), key
    assert r.random.loc["recall", "draws"] == 50
    assert r.scores["random"].metrics["recall"] == r.random.loc["recall", "mean"]


def test_random_draws_are_the_seeded_permutations():
    # SYR alone is triggered (03-01..03-10); the outcome is SYR's on 03-05. Draw i warns it
    # exactly when the i-th permutation of the two States keeps SYR (row 1) in place.
    signals = bundle(("2020-03-01", "SYR", "hc"))
    council = outcomes(("SYR", "2020-03-05", "S-1"))
    r = backtest(signals, rules(), council, "2020-01-01", "2020-12-31", L, H,
                 states=["LBY", "SYR"], draws=40, seed=7)
    kept = [p[1] == 1 for p in permutations(2, 40, 7)]
    assert r.random.loc["recall", "mean"] == pytest.approx(np.mean(kept))
    again = backtest(signals, rules(), council, "2020-01-01", "2020-12-31", L, H,
                     states=["LBY", "SYR"], draws=40, seed=7)
    assert again.random.equals(r.random)


@pytest.mark.parametrize("seed", range(12))
def test_a_draw_moves_state_i_to_row_perm_i(seed):
    # Three States; SYR (row 2) alone is triggered; the outcome is LBY's (row 0). The draw
    # warns it exactly when the permutation sends row 2 to row 0.
    signals = bundle(("2020-03-01", "SYR", "hc"))
    council = outcomes(("LBY", "2020-03-05", "S-1"))
    r = backtest(signals, rules(), council, "2020-01-01", "2020-12-31", L, H,
                 states=["LBY", "MMR", "SYR"], draws=1, seed=seed)
    (perm,) = permutations(3, 1, seed)
    assert r.random.loc["recall", "mean"] == (1.0 if perm[2] == 0 else 0.0)


def test_no_draws_no_random_baseline():
    r = backtest(bundle(("2020-03-01", "SYR", "hc")), rules(), outcomes(("SYR", "2020-03-05", "S")),
                 "2020-01-01", "2020-12-31", L, H, draws=0)
    assert "random" not in r.scores and "random" not in r.beats()
    assert r.metrics_table()["method"].tolist() == ["rules", "previous_outcome", "any_signal",
                                                    "ga_sc", "persistence"]


# -- does the rule set beat them? -------------------------------------------------------------

@pytest.mark.parametrize("mine, theirs, beats", [
    ((0.5, 0.5), (0.4, 0.4), True),
    ((0.5, 0.5), (0.5, 0.4), False),  # equal recall is not better
    ((0.5, 0.3), (0.4, 0.4), False),
    ((None, 0.5), (0.4, 0.4), None),  # no outcome: cannot tell
    ((0.5, 0.5), (0.4, None), None),
])
def test_beats_needs_higher_recall_and_precision(mine, theirs, beats):
    r = backtest(bundle(("2020-03-01", "SYR", "hc")), rules(), outcomes(("SYR", "2020-03-05", "S")),
                 "2020-01-01", "2020-12-31", L, H, draws=5)

    def with_metrics(score: Score, pair) -> Score:
        return dataclasses.replace(score, metrics={**score.metrics, "recall": pair[0],
                                                   "precision": pair[1]})

    scores = {m: with_metrics(s, mine if m == "rules" else theirs) for m, s in r.scores.items()}
    random = r.random.copy()
    random.loc["recall", "high"], random.loc["precision", "high"] = theirs
    verdict = dataclasses.replace(r, scores=scores, random=random).beats()
    assert verdict == {m: beats for m in ("previous_outcome", "any_signal", "ga_sc",
                                          "persistence", "random")}

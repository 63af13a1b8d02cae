"""Fresh and chronic warnings, onsets and calibration by severity (issue 15), by hand.

Rule set: one High Commissioner signal triggers the State for 10 days (optionally a group of two
SPs too). Lookback 60 days, horizon 30 days, range 2020.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from tests.backtest.helpers import bundle, outcomes, rules
from triggers.backtest import backtest

L, H = 60, 30


def every_eight_days(first: str, last: str, country: str) -> list[tuple[str, str, str]]:
    day, out = date.fromisoformat(first), []
    while day <= date.fromisoformat(last):
        out.append((day.isoformat(), country, "hc"))
        day += timedelta(days=8)
    return out


SIGNALS = every_eight_days("2019-01-01", "2020-03-01", "SYR") + [  # one run since 2019-01-01
    ("2020-02-01", "LBY", "hc"),  # 02-01..02-10
    ("2020-05-01", "VEN", "hc"),  # 05-01..05-10, then 10 quiet days
    ("2020-05-21", "VEN", "hc"),  # 05-21..05-30
    ("2020-08-01", "MMR", "hc"),  # nothing follows
]
COUNCIL = [("SYR", "2020-03-05", "S-SYR"), ("LBY", "2020-02-20", "S-LBY"),
           ("VEN", "2020-06-10", "S-VEN")]


def run(quiet_days: int = 365):
    return backtest(bundle(*SIGNALS), rules(), outcomes(*COUNCIL), "2020-01-01", "2020-12-31",
                    L, H, quiet_days=quiet_days, draws=0)


@pytest.fixture(scope="module")
def case():
    return run()


@pytest.mark.parametrize("country, fresh, lead", [
    ("SYR", False, 429),  # its run began 2019-01-01, long before the lookback 01-05..03-04
    ("LBY", True, 19),
    ("VEN", True, 20),  # the later run (05-21) warned it
])
def test_fresh_or_chronic(case, country, fresh, lead):
    row = case.score.outcomes.set_index("country").loc[country]
    assert row["warned"] and row["fresh"] == fresh and row["lead_days"] == lead


def test_fresh_and_chronic_metrics(case):
    m = case.score.metrics
    assert (m["warned"], m["warned_fresh"], m["warned_chronic"]) == (3, 2, 1)
    assert (m["recall"], m["recall_fresh"]) == (1.0, pytest.approx(2 / 3))
    assert m["chronic_share"] == pytest.approx(1 / 3)
    assert (m["lead_days_median"], m["lead_days_median_fresh"]) == (20, 19.5)


def test_fresh_bound_is_the_lookback():
    # A run that began exactly L days before the outcome is fresh; one day earlier is not.
    for first, fresh in (("2020-01-05", True), ("2020-01-04", False)):
        signals = bundle(*every_eight_days(first, "2020-03-01", "SYR"))
        r = backtest(signals, rules(), outcomes(("SYR", "2020-03-05", "S")), "2020-01-01",
                     "2020-12-31", L, H, draws=0)
        assert bool(r.score.outcomes["fresh"][0]) is fresh, first


@pytest.mark.parametrize("quiet, onsets, followed", [
    (365, 4, 2),  # SYR, LBY, VEN's first run, MMR; VEN's second follows 10 quiet days only
    (11, 4, 2),
    (10, 5, 3),  # 10 quiet days are enough: VEN's second run is an onset too
    (1, 5, 3),  # every run is an onset
])
def test_onsets_and_precision_over_them(quiet, onsets, followed):
    r = run(quiet)
    m = r.score.metrics
    assert (m["episodes"], m["followed"]) == (5, 3)
    assert (m["onsets"], m["onsets_followed"]) == (onsets, followed)
    assert m["precision_onsets"] == pytest.approx(followed / onsets)
    ven = r.score.episodes[r.score.episodes["country"] == "VEN"]
    assert ven["onset"].tolist() == [True, quiet <= 10]


def test_the_first_run_of_a_state_is_an_onset(case):
    ep = case.score.episodes.set_index("country")
    assert ep.loc["SYR", "onset"] and ep.loc["SYR", "began_before_range"]
    assert ep.loc["SYR", "start"] == pd.Timestamp("2019-01-01")


def test_baselines_have_fresh_and_onset_figures_too(case):
    for method in ("previous_outcome", "any_signal", "ga_sc", "persistence"):
        m = case.scores[method].metrics
        assert {"recall_fresh", "chronic_share", "onsets", "precision_onsets"} <= set(m)
    # Any signal hears the High Commissioner as the rule set does: the same figures.
    assert case.scores["any_signal"].metrics["recall_fresh"] == pytest.approx(2 / 3)


def test_calibration_by_criteria_met_when_an_episode_began():
    signals = bundle(("2020-09-01", "CIV", "hc"), ("2020-09-01", "CIV", "sp1;sp2"),
                     ("2020-09-01", "BDI", "hc"), ("2020-09-01", "LBY", "sp1;sp2"))
    council = outcomes(("CIV", "2020-09-05", "S-CIV"), ("LBY", "2020-09-03", "S-LBY"))
    r = backtest(signals, rules(sp_min=2), council, "2020-01-01", "2020-12-31", L, H, draws=0)
    table = r.calibration.set_index("criteria_met")
    assert table.index.tolist() == ["1", "2", "3+"]
    assert table.loc["1", ["onsets", "onsets_followed", "warned"]].tolist() == [2, 1, 1]
    assert table.loc["1", "precision_onsets"] == 0.5 and table.loc["1", "recall"] == 0.5
    assert table.loc["2", ["onsets", "onsets_followed", "warned"]].tolist() == [1, 1, 1]
    assert table.loc["2", "precision_onsets"] == 1.0
    assert table.loc["3+", "onsets"] == 0 and pd.isna(table.loc["3+", "precision_onsets"])
    assert table["recall"].sum() == r.score.metrics["recall"]
    ep = r.score.episodes.set_index("country")
    assert ep["criteria_met_at_start"].to_dict() == {"BDI": 1, "CIV": 2, "LBY": 1}

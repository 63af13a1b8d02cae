"""Hand-computed back-tests: every metric, the baselines, range edges and coverage warnings.

Rule set in most cases: one High Commissioner signal triggers the State for 10 days (the day
of the signal and the 9 after it). Lookback 60 days, horizon 30 days unless a test says so.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.backtest.helpers import bundle, outcomes, rules
from triggers.backtest import backtest, consistency

L, H = 60, 30


@pytest.fixture(scope="module")
def case():
    signals = bundle(
        ("2020-03-01", "SYR", "hc"),  # episode 03-01..03-10; outcome 30 days after it began
        ("2020-01-01", "MMR", "hc"),  # episode 01-01..01-10; nothing follows: a false alarm
        ("2020-05-01", "VEN", "hc"),  # two separate episodes inside one lookback
        ("2020-05-21", "VEN", "hc"),
        ("2020-07-01", "BDI", "hc"),  # overlapping windows: one episode 07-01..07-17
        ("2020-07-08", "BDI", "hc"),
        ("2020-09-01", "CIV", "hc"),  # the outcome falls on the episode's first day
        ("2019-12-28", "SDN", "hc"),  # began before the range: 12-28..01-06
        ("2019-11-01", "ERI", "hc"),  # ended before the range: never scored
        ("2020-12-28", "BLR", "hc"),  # still triggered on the range's last day
    )
    council = outcomes(
        ("SYR", "2020-03-31", "S-SYR"),
        ("LBY", "2020-06-15", "S-LBY"),  # no signal at all
        ("MMR", "2020-04-01", "S-MMR"),  # its episode ended before the lookback
        ("VEN", "2020-06-05", "S-VEN"),
        ("BDI", "2020-07-20", "S-BDI"),
        ("CIV", "2020-09-01", "S-CIV"),
        ("SDN", "2020-01-20", "S-SDN"),
        ("BLR", "2021-01-05", "S-BLR"),  # after the range: follows an episode, is not scored
        ("", "2020-05-05", "S-THEME"),  # thematic: listed, never scored
    )
    return backtest(signals, rules(), council, "2020-01-01", "2020-12-31", L, H)


def outcome(result, country, method="rules"):
    t = result.scores[method].outcomes
    return t.loc[t["country"] == country].iloc[0]


def episodes(result, country, method="rules"):
    t = result.scores[method].episodes
    return t.loc[t["country"] == country].reset_index(drop=True)


def test_outcome_warned_thirty_days_ahead(case):
    row = outcome(case, "SYR")
    assert row["warned"]
    assert row["lead_days"] == 30
    assert row["episode_start"] == pd.Timestamp("2020-03-01")
    assert row["last_triggered"] == pd.Timestamp("2020-03-10")
    assert row["criteria_at_start"] == "hc"


@pytest.mark.parametrize("country", ["LBY", "MMR"])
def test_outcome_not_warned(case, country):
    row = outcome(case, country)
    assert not row["warned"]
    assert pd.isna(row["lead_days"]) and pd.isna(row["episode_start"])
    assert row["criteria_at_start"] == ""


def test_episode_with_no_outcome_is_a_false_alarm(case):
    ep = episodes(case, "MMR")
    assert ep[["start", "end", "days"]].values.tolist() == [
        [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-01-10"), 10]]
    assert not ep["followed"][0] and pd.isna(ep["days_to_outcome"][0])


def test_lead_time_counts_from_the_last_episode_in_the_lookback(case):
    assert outcome(case, "VEN")["lead_days"] == 15  # 06-05 minus 05-21, not minus 05-01
    ep = episodes(case, "VEN")
    assert ep["start"].tolist() == [pd.Timestamp("2020-05-01"), pd.Timestamp("2020-05-21")]
    # 06-05 is within both episodes' follow-up windows (05-10 + 30 = 06-09, 05-30 + 30).
    assert ep["followed"].tolist() == [True, True]
    assert ep["days_to_outcome"].tolist() == [35, 15]


def test_overlapping_windows_make_one_episode(case):
    ep = episodes(case, "BDI")
    assert ep[["start", "end", "days"]].values.tolist() == [
        [pd.Timestamp("2020-07-01"), pd.Timestamp("2020-07-17"), 17]]
    assert outcome(case, "BDI")["lead_days"] == 19


def test_outcome_on_the_first_day_of_an_episode(case):
    # Not warned (no triggered day before it), but the episode is followed on day 0.
    assert not outcome(case, "CIV")["warned"]
    ep = episodes(case, "CIV")
    assert ep["followed"][0] and ep["days_to_outcome"][0] == 0
    assert ep["outcome_reference"][0] == "S-CIV"


def test_episode_begun_before_the_range_keeps_its_real_first_day(case):
    ep = episodes(case, "SDN")
    assert ep["start"][0] == pd.Timestamp("2019-12-28") and ep["began_before_range"][0]
    assert outcome(case, "SDN")["lead_days"] == 23


def test_episode_ended_before_the_range_is_not_scored(case):
    assert episodes(case, "ERI").empty


def test_episode_cut_at_the_range_end(case):
    ep = episodes(case, "BLR")
    assert ep["end"][0] == pd.Timestamp("2020-12-31") and ep["days"][0] == 4
    assert ep["ongoing_at_end"][0] and ep["horizon_past_end"][0]
    # An outcome after the range still follows it; it is not itself scored.
    assert ep["followed"][0] and ep["outcome_date"][0] == pd.Timestamp("2021-01-05")
    assert "BLR" not in set(case.score.outcomes["country"])


def test_thematic_outcomes_are_listed_not_scored(case):
    assert case.thematic["reference"].tolist() == ["S-THEME"]
    assert "S-THEME" not in set(case.score.outcomes["reference"])


def test_metrics(case):
    m = case.score.metrics
    assert (m["outcomes"], m["warned"]) == (7, 4)
    assert m["recall"] == pytest.approx(4 / 7)
    # SYR, MMR, VEN x2, BDI, CIV, SDN, BLR; only MMR's is not followed.
    assert (m["episodes"], m["followed"], m["false_alarms"]) == (8, 7, 1)
    assert m["precision"] == pytest.approx(7 / 8)
    assert m["false_alarms_per_year"] == pytest.approx(1 / (366 / 365.25))
    # Leads 15, 19, 23, 30: median 21; quartiles interpolated linearly.
    assert m["lead_days_median"] == 21
    assert m["lead_days_q1"] == pytest.approx(18)
    assert m["lead_days_q3"] == pytest.approx(24.75)


def test_lead_time_may_reach_before_the_lookback():
    # A chronic situation: triggered every day since 2019; lead counts from the real start.
    signals = bundle(*[(f"2019-{m:02d}-01", "SYR", "hc") for m in range(1, 13)],
                     ("2020-01-01", "SYR", "hc"))
    council = outcomes(("SYR", "2020-01-05", "S-1"))
    r = backtest(signals, rules(window_days=40), council, "2020-01-01", "2020-12-31", 30, H)
    assert outcome(r, "SYR")["lead_days"] == 369  # 2020-01-05 minus 2019-01-01
    assert r.history_start == "2019-01-01"


def test_lookback_bounds_are_inclusive():
    # Episode 01-01..01-10; outcome exactly `lookback` days after its last day.
    signals = bundle(("2020-01-01", "SYR", "hc"))
    inside = outcomes(("SYR", "2020-03-10", "S-1"))  # 03-10 minus 60 days = 01-10
    outside = outcomes(("SYR", "2020-03-11", "S-1"))
    assert backtest(signals, rules(), inside, "2020-01-01", "2020-12-31", 60, H).score.metrics["warned"] == 1
    assert backtest(signals, rules(), outside, "2020-01-01", "2020-12-31", 60, H).score.metrics["warned"] == 0


def test_horizon_bound_is_inclusive():
    signals = bundle(("2020-01-01", "SYR", "hc"))  # last day 01-10
    on_edge = backtest(signals, rules(), outcomes(("SYR", "2020-02-09", "S-1")),
                       "2020-01-01", "2020-12-31", L, 30)
    past = backtest(signals, rules(), outcomes(("SYR", "2020-02-10", "S-1")),
                    "2020-01-01", "2020-12-31", L, 30)
    assert on_edge.score.metrics["followed"] == 1 and past.score.metrics["followed"] == 0


def test_multi_state_outcome_is_scored_for_each_state():
    signals = bundle(("2020-03-01", "SYR", "hc"))
    council = outcomes(("SYR", "2020-03-20", "UD-1", "urgent_debate"),
                       ("LBN", "2020-03-20", "UD-1", "urgent_debate"))
    r = backtest(signals, rules(), council, "2020-01-01", "2020-12-31", L, H)
    assert r.score.outcomes[["country", "warned"]].values.tolist() == [["LBN", False], ["SYR", True]]


def test_outcome_for_a_state_without_signals_is_scored_with_a_prepared_bundle():
    from triggers.prepared import prepare

    signals = bundle(("2020-03-01", "SYR", "hc"))
    council = outcomes(("YEM", "2020-03-20", "S-1"), ("SYR", "2020-03-20", "S-2"))
    r = backtest(prepare(signals), rules(), council, "2020-01-01", "2020-12-31", L, H)
    assert r.score.outcomes[["country", "warned"]].values.tolist() == [["SYR", True], ["YEM", False]]


def test_no_outcomes_in_range_is_said():
    r = backtest(bundle(("2020-03-01", "SYR", "hc")), rules(), outcomes(("SYR", "2019-03-01", "S")),
                 "2020-01-01", "2020-12-31", L, H)
    assert r.score.metrics["recall"] is None
    assert any("no outcome with a State" in w for w in r.warnings)


def test_bad_arguments_are_named():
    b, o = bundle(("2020-03-01", "SYR", "hc")), outcomes(("SYR", "2020-03-20", "S"))
    with pytest.raises(ValueError, match="before start"):
        backtest(b, rules(), o, "2020-12-31", "2020-01-01")
    with pytest.raises(ValueError, match="lookback_days"):
        backtest(b, rules(), o, "2020-01-01", "2020-12-31", 0)
    with pytest.raises(ValueError, match="horizon_days"):
        backtest(b, rules(), o, "2020-01-01", "2020-12-31", 30, -1)


# -- baselines ----------------------------------------------------------------------------

def test_previous_outcome_baseline():
    # Triggered on day d when an outcome is dated in [d - 730, d - 1]: from 2019-06-02 on.
    council = outcomes(("SYR", "2019-06-01", "S-1"), ("SYR", "2020-03-01", "S-2"),
                       ("LBY", "2020-05-01", "S-3"))
    r = backtest(bundle(("2020-08-01", "MMR", "hc")), rules(), council,
                 "2020-01-01", "2020-12-31", 365, H)
    base = r.scores["previous_outcome"]
    syr = outcome(r, "SYR", "previous_outcome")
    assert syr["warned"] and syr["lead_days"] == 273  # 2020-03-01 minus 2019-06-02
    assert not outcome(r, "LBY", "previous_outcome")["warned"]  # its first outcome
    ep = base.episodes.set_index("country")
    # SYR: 2019-06-02 to 2022-03-01 (2020-03-01 + 730), cut at the range end.
    assert ep.loc["SYR", "start"] == pd.Timestamp("2019-06-02")
    assert ep.loc["SYR", "end"] == pd.Timestamp("2020-12-31") and ep.loc["SYR", "ongoing_at_end"]
    assert ep.loc["SYR", "followed"]  # by S-2
    # LBY: from the day after its own outcome; nothing follows it (S-3 is before it starts).
    assert ep.loc["LBY", "start"] == pd.Timestamp("2020-05-02") and not ep.loc["LBY", "followed"]
    assert (base.metrics["outcomes"], base.metrics["warned"]) == (2, 1)
    assert (base.metrics["episodes"], base.metrics["followed"]) == (2, 1)


def test_any_signal_baseline_counts_every_issuer_in_the_rule_sets_window():
    signals = bundle(("2020-03-01", "SYR", "oth"), ("2020-03-01", "LBY", "sp1"),
                     ("2020-03-01", "YEM", "hc"))
    council = outcomes(("SYR", "2020-03-15", "S-1"), ("LBY", "2020-03-25", "S-2"))
    r = backtest(signals, rules(window_days=20), council, "2020-01-01", "2020-12-31", L, H)
    assert not r.score.outcomes["warned"].any()  # the rule set hears only the High Commissioner
    any_sig = r.scores["any_signal"]
    assert any_sig.outcomes.set_index("country")["lead_days"].to_dict() == {"LBY": 24, "SYR": 14}
    assert any_sig.episodes["country"].tolist() == ["LBY", "SYR", "YEM"]
    assert any_sig.episodes["days"].tolist() == [20, 20, 20]
    assert any_sig.metrics["precision"] == pytest.approx(2 / 3)


def test_criteria_at_start_lists_every_met_criterion():
    signals = bundle(("2020-03-01", "SYR", "hc"), ("2020-03-01", "SYR", "sp1;sp2;sp3"),
                     ("2020-04-01", "LBY", "sp1;sp2;sp3"), ("2020-04-03", "LBY", "hc"))
    council = outcomes(("SYR", "2020-03-05", "S-1"), ("LBY", "2020-04-06", "S-2"))
    r = backtest(signals, rules(window_days=10, sp_min=3), council, "2020-01-01", "2020-12-31", L, H)
    assert r.score.outcomes.set_index("country")["criteria_at_start"].to_dict() == {
        "SYR": "hc;sp", "LBY": "sp"}


# -- the States assessed and the outcome kinds ----------------------------------------------

def test_every_share_is_over_the_states_assessed():
    signals = bundle(("2020-03-01", "SYR", "hc"), ("2020-03-01", "ESH", "hc"))
    council = outcomes(("SYR", "2020-03-20", "S-1"), ("ESH", "2020-03-20", "S-2"))
    # 10 triggered days of SYR over 4 States x 366 days; Western Sahara is not assessed.
    r = backtest(signals, rules(), council, "2020-01-01", "2020-12-31", L, H,
                 states=["LBY", "MMR", "SYR", "VEN"], draws=0)
    m = r.score.metrics
    assert m["states_assessed"] == 4 and r.states == ("LBY", "MMR", "SYR", "VEN")
    assert m["triggered_share"] == pytest.approx(10 / (4 * 366))
    assert r.score.outcomes["country"].tolist() == ["SYR"]
    assert r.score.episodes["country"].tolist() == ["SYR"]
    assert r.not_assessed["reference"].tolist() == ["S-2"]
    assert any("not States assessed (ESH)" in w for w in r.warnings)
    # Without a list: the States of the bundle and the outcomes.
    assert backtest(signals, rules(), council, "2020-01-01", "2020-12-31", L, H,
                    draws=0).states == ("ESH", "SYR")


def test_a_state_assessed_without_signals_counts_in_the_denominator():
    from triggers.prepared import prepare

    signals = bundle(("2020-03-01", "SYR", "hc"))
    # The prepared bundle does not hold VAT: it is assessed, never triggered.
    r = backtest(prepare(signals), rules(), outcomes(("SYR", "2020-03-20", "S-1")),
                 "2020-01-01", "2020-12-31", L, H, states=["SYR", "VAT"], draws=0)
    assert r.score.metrics["triggered_share"] == pytest.approx(10 / (2 * 366))


@pytest.mark.parametrize("kinds, references, follower, previous_warned", [
    (None, ["R-1", "S-1", "UD-1"], "S-1", 2),
    (["special_session"], ["S-1"], "S-1", 0),
    (["country_resolution", "urgent_debate"], ["R-1", "UD-1"], "UD-1", 1),
])
def test_only_the_outcome_kinds_chosen_count(kinds, references, follower, previous_warned):
    signals = bundle(("2020-03-01", "SYR", "hc"))
    council = outcomes(("SYR", "2020-03-05", "S-1"), ("SYR", "2020-03-08", "UD-1", "urgent_debate"),
                       ("SYR", "2020-03-11", "R-1", "country_resolution"))
    r = backtest(signals, rules(), council, "2020-01-01", "2020-12-31", L, H, kinds=kinds,
                 draws=0)
    assert sorted(r.score.outcomes["reference"]) == references
    # Following and the previous-outcome baseline read the chosen kinds only.
    assert r.score.episodes["outcome_reference"].tolist() == [follower]
    assert r.scores["previous_outcome"].metrics["warned"] == previous_warned


def test_an_unknown_outcome_kind_is_named():
    with pytest.raises(ValueError, match="unknown outcome kind.*resolution; allowed: "):
        backtest(bundle(("2020-03-01", "SYR", "hc")), rules(), outcomes(("SYR", "2020-03-05", "S")),
                 "2020-01-01", "2020-12-31", L, H, kinds=["resolution"])


# -- consistency --------------------------------------------------------------------------

def test_consistency_view(case):
    table = consistency(case).set_index("country")
    assert table.loc["SYR", "category"] == "criteria met, Council acted"
    assert table.loc["BDI", "category"] == "criteria met, Council acted"
    # MMR: triggered 01-01..01-10, so its window ends 02-09; the Council acted on 04-01.
    assert table.loc["MMR", "category"] == "criteria met, no Council action in the window"
    assert table.loc["MMR", "council_action"] == \
        "special session S-MMR (2020-04-01, outside the window)"
    assert table.loc["MMR", "window_end"] == pd.Timestamp("2020-02-09")
    assert (table.loc["MMR", "outcomes"], table.loc["MMR", "outcomes_in_window"]) == (1, 0)
    assert "ERI" not in table.index  # its episode ended before the range
    assert table.loc["LBY", "category"] == "Council acted, criteria not met"
    assert table.loc["LBY", "council_action"] == "special session S-LBY (2020-06-15)"
    # Its outcome is in 2021, after the range: not an action dated in the period.
    assert table.loc["BLR", "category"] == "criteria met, no Council action in the window"
    # SDN's episode began 2019-12-28: only its 6 days inside the range count.
    assert table.loc["SDN", "triggered_days"] == 6
    assert table.loc["SDN", "first_triggered"] == pd.Timestamp("2020-01-01")


def test_a_rule_set_that_never_triggers():
    r = backtest(bundle(("2020-03-01", "SYR", "oth")), rules(), outcomes(("SYR", "2020-03-20", "S-1")),
                 "2020-01-01", "2020-12-31", L, H)
    m = r.score.metrics
    assert (m["warned"], m["recall"], m["episodes"], m["precision"]) == (0, 0.0, 0, None)
    assert r.score.episodes.empty and m["lead_days_median"] is None
    assert r.scores["any_signal"].metrics["warned"] == 1

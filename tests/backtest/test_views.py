"""Table shaping and sentences for the back-test pages (pure functions, no Streamlit)."""

from __future__ import annotations

import pandas as pd
import pytest

from prevention.web.views import backtest as bv
from prevention.web.views import sweep
from tests.backtest.helpers import bundle, outcomes, rules
from triggers.backtest import backtest


@pytest.fixture(scope="module")
def result():
    signals = bundle(("2020-03-01", "SYR", "hc"), ("2020-05-01", "MMR", "hc"),
                     ("2019-12-28", "SDN", "hc"))
    council = outcomes(("SYR", "2020-03-31", "S-1"), ("LBY", "2020-06-15", "S-2", "urgent_debate"))
    return backtest(signals, rules(), council, "2020-01-01", "2020-12-31", 60, 30,
                    states=["LBY", "MMR", "SDN", "SYR"], draws=20)


@pytest.mark.parametrize("text, values", [
    ("90, 180,365", [90, 180, 365]),
    ("2-4, 6", [2, 3, 4, 6]),
    ("5, 5, 1", [1, 5]),
])
def test_parse_values(text, values):
    assert sweep.parse_values(text) == values


@pytest.mark.parametrize("text, message", [
    ("90, many", "'many' is not a whole number"),
    ("6-2", "'6-2' is not a whole number or a range"),
    (" , ", "at least one number"),
    ("1-30", "at most 25 values"),
])
def test_parse_values_errors(text, message):
    with pytest.raises(ValueError, match=message):
        sweep.parse_values(text, "Window")


def test_states_assessed_from_the_countries_table():
    countries = pd.DataFrame({"iso3": ["FRA", "PSE", "VAT", "ESH", "XKX"],
                              "name": ["France", "Palestine", "Holy See", "W. Sahara", "Kosovo"],
                              "un_group": ["WEOG", "", "", "", ""]})
    assert bv.states_assessed(countries) == ["FRA", "PSE", "VAT"]
    assert bv.states_assessed(countries.iloc[[]]) is None


def test_outcome_display(result):
    t = bv.outcome_display(result, {"SYR": "Syria"}).set_index("ISO3")
    assert t.loc["SYR", "State"] == "Syria" and t.loc["LBY", "State"] == "Libya"
    assert t.loc["SYR", "Criteria met when it began"] == "hc"
    assert t.loc["LBY", "Outcome"] == "urgent debate"
    assert t.loc["SYR", "Lead (days)"] == 30 and t.loc["SYR", "Episode began"] == "2020-03-01"
    assert t.loc["SYR", "Warning"] == "fresh" and t.loc["LBY", "Warning"] == ""
    assert t.loc["SYR", "Covered: hc"] == "100%" and t.loc["SYR", "Lookback covered"]
    assert {"Any signal warned", "GA/SC only warned", "Persistence (previous two calendar years) "
            "warned", "Previous outcome (24 months) warned"} <= set(t.columns)


def test_episode_display_names_the_range_edges(result):
    t = bv.episode_display(result).set_index("ISO3")
    assert t.loc["SDN", "Range edge"] == "began before the range"
    assert t.loc["MMR", "Range edge"] == "" and not t.loc["MMR", "Followed"]
    assert t.loc["SYR", "Council outcome"] == "special session S-1"
    assert t.loc["SYR", "Onset"] and t.loc["SYR", "Number of criteria met"] == 1


def test_metrics_display(result):
    t = bv.metrics_display(result).set_index("Method")
    assert t.loc["The rule set", "Recall"] == "50%"
    assert t.loc["The rule set", "Precision (episodes)"] == "33%"
    assert t.loc["The rule set", "Median lead (days)"] == "30"
    r = result.random.loc["recall"]
    assert t.loc["Random States (mean, 95% range)", "Recall"] == \
        f"{r['mean']:.0%} ({r['low']:.0%}–{r['high']:.0%})"
    assert len(t) == 6


def test_track_record_sentences(result):
    text = " ".join(bv.track_record_sentences(result))
    assert "the Council acted 2 times on one of the 4 States assessed (1 special session and " \
           "1 urgent debate)" in text
    assert "In the 60 days before 1 of them (50%) the criteria were met. 1 of these warnings " \
           "(50% of the outcomes) came from a period of concern that began within those 60 " \
           "days; the other 0 (0% of the warnings) were chronic" in text
    assert "The criteria were met in 3 separate periods, 3 of them onsets (after at least 365 " \
           "days without the criteria met)" in text
    assert "after 1 of the periods (33%) and 1 of the onsets (33%)" in text
    assert "Shares are over the 4 States assessed" in text
    for claim in ("No early-warning system", "this one does", "best", "only "):
        assert claim not in text


@pytest.mark.parametrize("beats, sentence", [
    ({"previous_outcome": True, "persistence": True},
     "The rule set beats all 2 baselines on both recall and precision."),
    ({"previous_outcome": True, "persistence": False},
     "The rule set beats the previous outcome on both recall and precision, but not "
     "persistence (recall 50% vs 40%, precision 33% vs 40%)."),
    ({"previous_outcome": False, "persistence": False},
     "The rule set beats none of the 2 baselines on both recall and precision: not the "
     "previous outcome (recall 50% vs 40%, precision 33% vs 40%) and persistence (recall 50% "
     "vs 40%, precision 33% vs 40%)."),
    ({"previous_outcome": True, "persistence": None},
     "The rule set beats the previous outcome on both recall and precision; it cannot be "
     "compared with persistence (no outcome or no episode)."),
])
def test_verdict_sentence(result, monkeypatch, beats, sentence):
    import dataclasses

    scores = {m: dataclasses.replace(s, metrics={**s.metrics, "recall": 0.4, "precision": 0.4})
              if m != "rules" else s for m, s in result.scores.items()}
    fake = dataclasses.replace(result, scores=scores)
    monkeypatch.setattr(type(fake), "beats", lambda self: beats)
    assert bv.verdict_sentence(fake) == sentence


def test_data_sentence_names_the_criteria_with_and_without_data():
    signals = bundle(("2020-03-01", "SYR", "hc"),
                     coverage=[("high_commissioner", "", "2019-11-02", "2020-12-31")])
    r = backtest(signals, rules(sp_min=2), outcomes(("SYR", "2020-03-31", "S-1")),
                 "2020-01-01", "2020-12-31", 60, 30, draws=0)
    assert bv.data_sentence(r) == (
        "Criteria with data between 2019-11-02 and 2020-12-31: hc (complete coverage "
        "throughout); without any data: sp. Outcomes whose lookback was fully covered for a "
        "criterion: 1 of 1 (recall over them 100%).")


def test_kinds_display_lists_each_kind_with_its_provenance():
    o = outcomes(("SYR", "2020-03-31", "S-1"), ("LBY", "2020-03-31", "S-1"),
                 ("", "2020-07-01", "S-2"), ("SYR", "2021-03-01", "R-1", "country_resolution"))
    t = bv.kinds_display(o, ["special_session"]).set_index("Kind")
    assert t.index.tolist() == ["special session", "commission of inquiry",
                                "fact-finding mission", "urgent debate", "country resolution",
                                "other outcome"]
    assert t.loc["urgent debate", ["Outcomes", "First", "Counted"]].tolist() == [0, "", False]
    assert t.loc["special session", ["Outcomes", "States", "First", "Last", "Counted"]].tolist() \
        == [3, 2, "2020-03-31", "2020-07-01", True]
    assert not t.loc["country resolution", "Counted"]
    assert "UN Digital Library" in t.loc["country resolution", "Provenance"]


def test_calibration_and_coverage_displays(result):
    cal = bv.calibration_display(result)
    assert cal["Criteria met when the episode began"].tolist() == ["1", "2", "3+"]
    assert cal["Onsets"].tolist() == [3, 0, 0] and cal["Precision (onsets)"].tolist()[1] == "—"
    cov = bv.coverage_display(result)
    assert cov["Id"].tolist() == ["hc"] and cov["Covered State-days"].tolist() == ["100%"]


def test_sweep_figure_has_both_heatmaps():
    table = pd.DataFrame({"a": [1, 1, 2, 2], "b": [3, 4, 3, 4], "recall": [.1, .2, .3, .4],
                          "precision": [.5, .6, .7, None]})
    fig = sweep.sweep_figure(table, "a", "b")
    assert [t.type for t in fig.data] == ["heatmap", "heatmap"]
    assert fig.data[1].text[1][1] == "—"

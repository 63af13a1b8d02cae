"""Table shaping and sentences for the back-test pages (pure functions, no Streamlit)."""

from __future__ import annotations

import pandas as pd
import pytest

from prevention import backtest_views as bv
from tests.backtest.helpers import bundle, outcomes, rules
from triggers.backtest import backtest


@pytest.fixture(scope="module")
def result():
    signals = bundle(("2020-03-01", "SYR", "hc"), ("2020-05-01", "MMR", "hc"),
                     ("2019-12-28", "SDN", "hc"))
    council = outcomes(("SYR", "2020-03-31", "S-1"), ("LBY", "2020-06-15", "S-2", "urgent_debate"))
    return backtest(signals, rules(), council, "2020-01-01", "2020-12-31", 60, 30)


@pytest.mark.parametrize("text, values", [
    ("90, 180,365", [90, 180, 365]),
    ("2-4, 6", [2, 3, 4, 6]),
    ("5, 5, 1", [1, 5]),
])
def test_parse_values(text, values):
    assert bv.parse_values(text) == values


@pytest.mark.parametrize("text, message", [
    ("90, many", "'many' is not a whole number"),
    ("6-2", "'6-2' is not a whole number or a range"),
    (" , ", "at least one number"),
    ("1-30", "at most 25 values"),
])
def test_parse_values_errors(text, message):
    with pytest.raises(ValueError, match=message):
        bv.parse_values(text, "Window")


def test_declared_coverage_from_loaded_sources():
    sources = pd.DataFrame({"source_kind": ["ohchr-sp"], "issuer_kinds": [("ngo", "sp_mandate")],
                            "signals": [10], "first_date": [pd.Timestamp("2011-01-03")],
                            "last_date": [pd.Timestamp("2025-12-31")]})
    out = bv.declared_coverage(sources)
    assert out["kind"].tolist() == ["ngo", "sp_mandate"]
    assert out["until"].tolist() == [pd.Timestamp("2026-01-01")] * 2
    assert bv.declared_coverage(sources.iloc[[]]) is None


def test_outcome_display(result):
    t = bv.outcome_display(result, {"SYR": "Syria"}).set_index("ISO3")
    assert t.loc["SYR", "State"] == "Syria" and t.loc["LBY", "State"] == "Libya"
    assert t.loc["SYR", "Criteria met when it began"] == "hc"
    assert t.loc["LBY", "Outcome"] == "urgent debate"
    assert t.loc["SYR", "Lead (days)"] == 30 and t.loc["SYR", "Episode began"] == "2020-03-01"
    assert "Any-signal baseline warned" in t.columns


def test_episode_display_names_the_range_edges(result):
    t = bv.episode_display(result).set_index("ISO3")
    assert t.loc["SDN", "Range edge"] == "began before the range"
    assert t.loc["MMR", "Range edge"] == "" and not t.loc["MMR", "Followed"]
    assert t.loc["SYR", "Council outcome"] == "special session S-1"


def test_metrics_display(result):
    t = bv.metrics_display(result)
    assert t["Recall"].tolist()[0] == "50%" and t["Precision"].tolist()[0] == "33%"
    assert t["Median lead (days)"][0] == "30"


def test_track_record_sentences(result):
    text = " ".join(bv.track_record_sentences(result))
    assert "the Council acted 2 times on a State" in text
    assert "In the 60 days before 1 of them (50%) the criteria were met, typically 30 days" in text
    assert "The criteria were met in 3 separate periods" in text
    assert "1 of them (33%)" in text


def test_sweep_figure_has_both_heatmaps():
    table = pd.DataFrame({"a": [1, 1, 2, 2], "b": [3, 4, 3, 4], "recall": [.1, .2, .3, .4],
                          "precision": [.5, .6, .7, None]})
    fig = bv.sweep_figure(table, "a", "b")
    assert [t.type for t in fig.data] == ["heatmap", "heatmap"]
    assert fig.data[1].text[1][1] == "—"

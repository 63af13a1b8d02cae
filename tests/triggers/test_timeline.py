"""Timeline grids, the long frame every N days, and triggered episodes."""

from __future__ import annotations

import pandas as pd
import pytest

from triggers.evaluate import evaluate
from triggers.timeline import timeline

from .helpers import joint_group, make_bundle, make_rules, sig, statement_by

RULES = make_rules(statement_by("hc", window_days=5), joint_group("sp", min_issuers=2, window_days=3),
                   watch_ratio=0.5)
BUNDLE = make_bundle([
    sig("h1", "2021-01-03", "SYR", "hc"),  # triggered 01-03 .. 01-07
    sig("h2", "2021-01-06", "SYR", "hc"),  # extends the same run to 01-10
    sig("h3", "2021-01-20", "SYR", "hc"),  # a second run 01-20 .. 01-24
    sig("s1", "2021-01-01", "LBY", "sp1"),  # half the group: watch 01-01 .. 01-03
    sig("s2", "2021-01-30", "LBY", "sp1;sp2"),  # triggered from 01-30 to the end of the range
])


def test_episodes_are_runs_of_triggered_days():
    ep = timeline(BUNDLE, RULES, "2021-01-01", "2021-01-31").episodes()
    got = [(r.country, r.start.date().isoformat(), r.end.date().isoformat(), r.days) for r in ep.itertuples()]
    assert sorted(got) == [("LBY", "2021-01-30", "2021-01-31", 2),
                           ("SYR", "2021-01-03", "2021-01-10", 8),
                           ("SYR", "2021-01-20", "2021-01-24", 5)]


def test_episode_already_running_at_the_start_is_cut_at_the_range():
    ep = timeline(BUNDLE, RULES, "2021-01-05", "2021-01-08").episodes()
    assert ep[["country", "start", "end", "days"]].to_dict("records") == [
        {"country": "SYR", "start": pd.Timestamp("2021-01-05"), "end": pd.Timestamp("2021-01-08"), "days": 4}]


def test_no_episodes_gives_an_empty_frame_with_columns():
    ep = timeline(BUNDLE, RULES, "2021-01-12", "2021-01-19").episodes()
    assert ep.empty and list(ep.columns) == ["country", "start", "end", "days"]


def test_each_day_equals_evaluate_on_that_day():
    tl = timeline(BUNDLE, RULES, "2020-12-30", "2021-02-05")
    frame = tl.frame()
    for day in pd.date_range("2020-12-30", "2021-02-05"):
        table = evaluate(BUNDLE, RULES, day, sentences=False).table.set_index("country")
        on = frame[frame["date"] == day].set_index("country")
        assert on["status"].astype(str).equals(table["status"].astype(str)), day
        assert (on["criteria_met"].astype(int) == table["criteria_met"]).all(), day
        for cid in ("hc", "sp"):
            assert (on[f"{cid}_met"] == table[f"{cid}_met"]).all(), (day, cid)


def test_watch_days():
    frame = timeline(BUNDLE, RULES, "2021-01-01", "2021-01-05").frame()
    lby = frame[frame["country"] == "LBY"]["status"].astype(str).tolist()
    assert lby == ["watch", "watch", "watch", "clear", "clear"]


@pytest.mark.parametrize("step,dates", [
    (1, ["2021-01-01", "2021-01-02", "2021-01-03", "2021-01-04", "2021-01-05"]),
    (2, ["2021-01-01", "2021-01-03", "2021-01-05"]),
    (3, ["2021-01-01", "2021-01-04"]),
    (10, ["2021-01-01"]),
])
def test_frame_every_n_days_starts_on_the_first_day(step, dates):
    frame = timeline(BUNDLE, RULES, "2021-01-01", "2021-01-05").frame(step)
    assert list(frame.columns) == ["country", "date", "status", "criteria_met", "hc_met", "sp_met"]
    assert frame["country"].tolist() == ["LBY"] * len(dates) + ["SYR"] * len(dates)
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == dates * 2
    assert list(frame["status"].cat.categories) == ["clear", "watch", "triggered", "undetermined"]


def test_grids_and_dates():
    tl = timeline(BUNDLE, RULES, "2021-01-01", "2021-01-31", countries=["MMR"])
    assert tl.countries.tolist() == ["LBY", "MMR", "SYR"]
    assert tl.status.shape == (3, 31) and tl.criteria_met.shape == (3, 31)
    assert str(tl.dates[0]) == "2021-01-01" and str(tl.dates[-1]) == "2021-01-31"
    assert not tl.status[1].any()  # a State with no signals is clear every day


def test_a_single_day_and_a_reversed_range():
    assert timeline(BUNDLE, RULES, "2021-01-03", "2021-01-03").status.shape == (2, 1)
    with pytest.raises(ValueError, match="before start"):
        timeline(BUNDLE, RULES, "2021-01-03", "2021-01-02")


def test_an_empty_bundle_evaluates_to_nothing_or_clear():
    from triggers.bundle import validate_frames
    empty = validate_frames(pd.DataFrame(columns=["signal_id", "date", "country", "issuers"]),
                            pd.DataFrame(columns=["issuer_id", "name", "kind"]))
    result = evaluate(empty, RULES, "2021-01-01")
    assert result.table.empty and list(result.table.columns)[:3] == ["country", "status", "criteria_met"]
    assert evaluate(empty, RULES, "2021-01-01", countries=["SYR"]).table["status"].tolist() == ["clear"]
    tl = timeline(empty, RULES, "2021-01-01", "2021-01-05")
    assert tl.frame().empty and tl.episodes().empty

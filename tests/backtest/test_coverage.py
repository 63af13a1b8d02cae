"""Coverage in the back-test (issue 10): covered shares of each outcome's lookback and each
episode's days, per criterion; metrics over the covered outcomes; warnings per criterion.

A day is covered for criterion c and State C when complete coverage rows cover it for every
kind c reads. Rule set: the High Commissioner (hc) or a group of two SPs (sp), window 10 days.
"""

from __future__ import annotations

import pytest

from tests.backtest.helpers import bundle, outcomes, rules
from triggers.backtest import backtest
from triggers.rules import parse_rule_set

L, H = 10, 30
COVERAGE = [("high_commissioner", "", "2020-03-01", "2020-03-31"),
            ("sp_mandate", "SYR", "2020-03-06", "2020-03-31"),
            ("sp_mandate", "", "2020-01-01", "2020-12-31", "sample")]
SIGNALS = [("2020-03-03", "SYR", "hc"), ("2020-03-15", "LBY", "hc")]
COUNCIL = [("SYR", "2020-03-05", "S-1"), ("SYR", "2020-03-11", "S-2"),
           ("LBY", "2020-03-20", "S-3"), ("LBY", "2020-04-05", "S-4")]


@pytest.fixture(scope="module")
def case():
    return backtest(bundle(*SIGNALS, coverage=COVERAGE), rules(sp_min=2), outcomes(*COUNCIL),
                    "2020-01-01", "2020-12-31", L, H, draws=0)


@pytest.mark.parametrize("reference, hc, sp, covered", [
    ("S-1", 0.4, 0.0, False),  # lookback 02-24..03-04: hc from 03-01 (4 days), sp none
    ("S-2", 1.0, 0.5, True),  # 03-01..03-10: hc all; SYR's own sp row from 03-06
    ("S-3", 1.0, 0.0, True),  # LBY has only the sample row for SPs
    ("S-4", 0.6, 0.0, False),  # 03-26..04-04: hc until 03-31
])
def test_covered_share_of_each_lookback(case, reference, hc, sp, covered):
    row = case.score.outcomes.set_index("reference").loc[reference]
    assert (row["hc_covered"], row["sp_covered"], row["covered"]) == (pytest.approx(hc),
                                                                     pytest.approx(sp), covered)


def test_covered_share_of_each_episode(case):
    ep = case.score.episodes.set_index("country")
    # SYR 03-03..03-12: hc 10 of 10 days, its own SP row 03-06..03-12 (7 of 10).
    assert ep.loc["SYR", ["hc_covered", "sp_covered"]].tolist() == pytest.approx([1.0, 0.7])
    assert ep.loc["LBY", ["hc_covered", "sp_covered"]].tolist() == pytest.approx([1.0, 0.0])


def test_metrics_over_the_covered_outcomes(case):
    m = case.score.metrics
    # All: S-1 (lead 2), S-2 (8), S-3 (5) warned; S-4 not. Covered: S-2 and S-3.
    assert (m["outcomes"], m["warned"], m["lead_days_median"]) == (4, 3, 5)
    assert (m["outcomes_covered"], m["warned_covered"], m["recall_covered"]) == (2, 2, 1.0)
    assert m["lead_days_median_covered"] == 6.5
    assert (m["warned_fresh_covered"], m["recall_fresh_covered"]) == (2, 1.0)
    # The baselines are measured on the same covered outcomes.
    assert case.scores["previous_outcome"].metrics["outcomes_covered"] == 2


@pytest.mark.parametrize("day, share", [
    ("2020-03-01", 0.0), ("2020-03-10", 0.9), ("2020-03-11", 1.0), ("2020-04-01", 1.0),
    ("2020-04-02", 0.9), ("2020-04-10", 0.1), ("2020-04-11", 0.0),
])
def test_lookback_bounds_are_the_ten_days_before_the_outcome(day, share):
    r = backtest(bundle(("2020-06-01", "SYR", "hc"), coverage=COVERAGE[:1]), rules(),
                 outcomes(("SYR", day, "S")), "2020-01-01", "2020-12-31", L, H, draws=0)
    assert r.score.outcomes["hc_covered"][0] == pytest.approx(share)
    assert bool(r.score.outcomes["covered"][0]) == (share == 1.0)


@pytest.mark.parametrize("rows, share", [
    ([("general_assembly", "", "2020-01-01", "2020-12-31")], 0.0),  # SC never searched
    ([("general_assembly", "", "2020-01-01", "2020-12-31"),
      ("security_council", "SYR", "2020-03-05", "2020-12-31")], 0.6),
    ([("general_assembly", "", "2020-01-01", "2020-12-31"),
      ("security_council", "LBY", "2020-01-01", "2020-12-31")], 0.0),  # another State's row
    ([("general_assembly", "", "2020-01-01", "2020-12-31"),
      ("security_council", "", "2020-01-01", "2020-12-31", "sample")], 0.0),  # a sample
    ([("general_assembly", "", "2020-01-01", "2020-12-31"),
      ("security_council", "", "2020-01-01", "2020-12-31")], 1.0),
])
def test_a_day_is_covered_only_when_every_kind_is(rows, share):
    ga_sc = parse_rule_set({"id": "t", "title": "t", "source": "t", "window_days": 10,
                            "criteria": [{"id": "ga_sc", "type": "statement_by",
                                          "issuer_kinds": ["general_assembly",
                                                           "security_council"]}]})
    r = backtest(bundle(("2020-06-01", "SYR", "ga"), coverage=rows), ga_sc,
                 outcomes(("SYR", "2020-03-11", "S")), "2020-01-01", "2020-12-31", L, H, draws=0)
    assert r.score.outcomes["ga_sc_covered"][0] == pytest.approx(share)


def test_disabled_criteria_never_make_an_outcome_covered():
    rs = parse_rule_set({"id": "t", "title": "t", "source": "t", "window_days": 10, "criteria": [
        {"id": "hc", "type": "statement_by", "issuer_kinds": ["high_commissioner"],
         "enabled": False},
        {"id": "sp", "type": "joint_group", "issuer_kinds": ["sp_mandate"], "min_issuers": 2}]})
    r = backtest(bundle(("2020-03-03", "SYR", "sp1"), coverage=COVERAGE[:1]), rs,
                 outcomes(("SYR", "2020-03-20", "S")), "2020-01-01", "2020-12-31", L, H, draws=0)
    assert "hc_covered" not in r.score.outcomes.columns
    assert not r.score.outcomes["covered"][0] and r.score.metrics["outcomes_covered"] == 0
    assert r.score.metrics["recall_covered"] is None


def test_without_coverage_rows_every_outcome_is_covered():
    r = backtest(bundle(*SIGNALS), rules(sp_min=2), outcomes(*COUNCIL), "2020-01-01",
                 "2020-12-31", L, H, draws=0)
    m = r.score.metrics
    assert r.score.outcomes["covered"].all()
    assert (m["outcomes_covered"], m["warned_covered"], m["recall_covered"],
            m["lead_days_median_covered"]) == (m["outcomes"], m["warned"], m["recall"],
                                               m["lead_days_median"])
    assert "declares no coverage" in r.warnings[0]


def test_coverage_changes_no_triggered_day(case):
    plain = backtest(bundle(*SIGNALS), rules(sp_min=2), outcomes(*COUNCIL), "2020-01-01",
                     "2020-12-31", L, H, draws=0)
    for method, s in plain.scores.items():
        ignore = {k for k in s.metrics if "covered" in k}
        assert {k: v for k, v in s.metrics.items() if k not in ignore} == \
            {k: v for k, v in case.scores[method].metrics.items() if k not in ignore}, method


def test_warnings_say_which_part_of_the_period_each_criterion_had(case):
    hc, sp = (next(w for w in case.warnings if w.startswith(f"criterion {c} "))
              for c in ("hc", "sp"))
    # The period is [start - L, end] = 2019-12-22 .. 2020-12-31: 376 days.
    assert "complete coverage of every State assessed on 31 of 376 days (2020-03-01 to " \
           "2020-03-31)" in hc
    assert "none on 345 days (2019-12-22 to 2020-02-29, 2020-04-01 to 2020-12-31)" in hc
    assert "on 0 of 376 days;" in sp
    assert "partial (some States or some kinds, or a sample) on 366 days (2020-01-01 to " \
           "2020-12-31)" in sp and "none on 10 days (2019-12-22 to 2019-12-31)" in sp
    table = case.coverage.set_index("criterion")
    assert table.loc["hc", ["days_complete", "days_partial", "days_none"]].tolist() == [31, 0, 345]
    assert table.loc["hc", "covered_share"] == pytest.approx(31 / 376)
    assert table.loc["sp", "signals"] == 0 and table.loc["sp", "has_data"]  # rows touch it


@pytest.mark.parametrize("coverage", [None, COVERAGE[:1]])
def test_a_criterion_without_any_data_is_named(coverage):
    r = backtest(bundle(("2020-03-03", "SYR", "hc"), coverage=coverage), rules(sp_min=2),
                 outcomes(("SYR", "2020-03-20", "S")), "2020-01-01", "2020-12-31", L, H, draws=0)
    assert any(w.startswith("criterion sp: no data at all for Special Procedures mandates "
                            "between 2019-12-22 and 2020-12-31") for w in r.warnings)
    assert r.criteria_with_data() == ["hc"]

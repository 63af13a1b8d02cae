"""The parameter sweep: each point is the back-test of the rule set with those parameters."""

from __future__ import annotations

import pytest

from tests.backtest.helpers import bundle, outcomes, rules
from triggers.backtest import backtest, set_parameter, sweep
from triggers.rules import RuleSetError

SIGNALS = [
    ("2020-01-05", "SYR", "sp1;sp2;sp3"), ("2020-02-01", "SYR", "hc"),
    ("2020-03-01", "LBY", "sp1;sp2"), ("2020-03-20", "LBY", "sp3;sp4;sp1"),
    ("2020-05-01", "MMR", "sp1;sp2;sp3;sp4"), ("2020-06-15", "MMR", "hc"),
    ("2020-08-01", "YEM", "sp1"), ("2019-11-01", "SYR", "hc"),
]
COUNCIL = [("SYR", "2020-02-10", "S-1"), ("LBY", "2020-04-15", "S-2"),
           ("MMR", "2020-07-01", "S-3"), ("VEN", "2020-09-01", "S-4")]


def test_every_point_equals_a_backtest_of_that_rule_set():
    b, o, rs = bundle(*SIGNALS), outcomes(*COUNCIL), rules(sp_min=3)
    x = ("window_days", [5, 30, 90])
    y = ("sp.min_issuers", [1, 2, 3, 4])
    seen = []
    table = sweep(b, rs, o, "2020-01-01", "2020-12-31", x, y, 60, 30,
                  progress=lambda done, total: seen.append((done, total)))
    assert seen == [(i, 12) for i in range(1, 13)]
    assert len(table) == 12
    for row in table.to_dict("records"):
        variant = set_parameter(set_parameter(rs, *x[:1], row["window_days"]), y[0], row["sp.min_issuers"])
        expected = backtest(b, variant, o, "2020-01-01", "2020-12-31", 60, 30).score.metrics
        assert {k: row[k] for k in expected} == expected, row
    # The grid is not flat: lowering the SP threshold to 1 must raise recall here.
    low = table[(table["window_days"] == 30) & (table["sp.min_issuers"] == 1)]["recall"].item()
    high = table[(table["window_days"] == 30) & (table["sp.min_issuers"] == 4)]["recall"].item()
    assert low > high


def test_sweep_over_min_criteria_and_a_criterion_window():
    b, o, rs = bundle(*SIGNALS), outcomes(*COUNCIL), rules(sp_min=2)
    table = sweep(b, rs, o, "2020-01-01", "2020-12-31", ("min_criteria", [1, 2]),
                  ("hc.window_days", [10, 200]), 60, 30)
    for row in table.to_dict("records"):
        variant = set_parameter(set_parameter(rs, "min_criteria", row["min_criteria"]),
                                "hc.window_days", row["hc.window_days"])
        assert backtest(b, variant, o, "2020-01-01", "2020-12-31", 60, 30).score.metrics["recall"] \
            == row["recall"]


@pytest.mark.parametrize("path, value, error, message", [
    ("window", 30, ValueError, "unknown rule-set parameter 'window'"),
    ("nope.min_issuers", 3, ValueError, "no criterion 'nope'"),
    ("hc.min_issuers", 3, ValueError, "has no field 'min_issuers'"),
    ("sp.min_issuers", 0, RuleSetError, "criteria.1.joint_group.min_issuers"),
])
def test_set_parameter_errors(path, value, error, message):
    with pytest.raises(error, match=message):
        set_parameter(rules(sp_min=3), path, value)


def test_a_parameter_of_a_criterion_without_data_is_not_swept():
    # No SP signal and no coverage row at all: the SP threshold cannot change any figure.
    b = bundle(("2020-01-05", "SYR", "hc"), ("2020-03-01", "LBY", "hc"))
    o, rs = outcomes(*COUNCIL), rules(sp_min=3)
    table = sweep(b, rs, o, "2020-01-01", "2020-12-31", ("window_days", [5, 30]),
                  ("sp.min_issuers", [1, 2, 3, 4]), 60, 30)
    assert table["sp.min_issuers"].tolist() == [3, 3]
    (note,) = table.attrs["notes"]
    assert note.startswith("sp.min_issuers not swept: criterion sp has no data at all between "
                           "2019-11-02 and 2020-12-31")
    assert "shown at the rule set's value 3" in note
    for row in table.to_dict("records"):
        variant = set_parameter(rs, "window_days", row["window_days"])
        expected = backtest(b, variant, o, "2020-01-01", "2020-12-31", 60, 30, draws=0)
        assert {k: row[k] for k in expected.score.metrics} == expected.score.metrics


def test_a_criterion_with_coverage_rows_but_no_signal_has_data():
    b = bundle(("2020-01-05", "SYR", "hc"),
               coverage=[("sp_mandate", "", "2020-01-01", "2020-12-31", "sample")])
    table = sweep(b, rules(sp_min=3), outcomes(*COUNCIL), "2020-01-01", "2020-12-31",
                  ("window_days", [5]), ("sp.min_issuers", [1, 2]), 60, 30)
    assert table["sp.min_issuers"].tolist() == [1, 2] and table.attrs["notes"] == []


def test_sweep_counts_the_states_assessed_and_the_kinds_chosen():
    b, o, rs = bundle(*SIGNALS), outcomes(*COUNCIL), rules(sp_min=3)
    states = ["LBY", "MMR", "SYR", "VEN", "YEM", "ZWE"]
    table = sweep(b, rs, o, "2020-01-01", "2020-12-31", ("window_days", [30]),
                  ("sp.min_issuers", [2]), 60, 30, states=states, kinds=["special_session"])
    variant = set_parameter(set_parameter(rs, "window_days", 30), "sp.min_issuers", 2)
    expected = backtest(b, variant, o, "2020-01-01", "2020-12-31", 60, 30, states=states,
                        kinds=["special_session"], draws=0).score.metrics
    assert {k: table.iloc[0][k] for k in expected} == expected
    assert expected["states_assessed"] == 6

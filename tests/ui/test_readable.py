"""Readable everywhere (issue 16): words, titles and ISO dates instead of the stored columns."""

from __future__ import annotations

import pandas as pd

from prevention.display.names import organisation_name, organisation_names
from prevention.web import charts


def _outcomes(dates, refs):
    return pd.DataFrame({"country": "LBY", "date": pd.to_datetime(dates), "kind": "special_session",
                         "reference": refs, "title": refs})


def test_council_outcomes_close_in_time_share_one_label():
    o = _outcomes(["2011-02-25", "2011-02-25", "2011-03-01", "2011-12-02"],
                  ["A/HRC/RES/S-15/1", "COI Libya", "A/HRC/RES/16/1", "A/HRC/RES/S-18/1"])
    groups = charts.outcome_label_groups(o, "2010-06-01", "2011-12-31")
    assert [[r["reference"] for r in g] for g in groups] == [
        ["A/HRC/RES/S-15/1", "COI Libya", "A/HRC/RES/16/1"], ["A/HRC/RES/S-18/1"]]
    fig = charts.country_timeline(pd.DataFrame(columns=["month", "issuer kind", "signals"]),
                                  pd.DataFrame(columns=["date", "criteria_met"]),
                                  pd.DataFrame(columns=["start", "end", "days"]), o,
                                  start="2010-06-01", end="2011-12-31")
    labels = [a for a in fig.layout.annotations if a.textangle == -90]
    assert len(labels) == 2  # one per group, never two at one place
    assert labels[0].text == "A/HRC/RES/S-15/1<br>COI Libya<br>A/HRC/RES/16/1"
    assert "2011-03-01" in labels[0].hovertext
    # Every outcome keeps its own dotted line.
    assert sum(1 for s in fig.layout.shapes if s.line.dash == "dot") == 4


def test_one_reference_is_printed_once_at_its_place():
    o = _outcomes(["2011-02-25", "2011-02-25"], ["A/HRC/RES/S-15/1", "A/HRC/RES/S-15/1"])
    o.loc[1, "kind"] = "inquiry"  # the special session and the inquiry it created
    fig = charts.country_timeline(pd.DataFrame(columns=["month", "issuer kind", "signals"]),
                                  pd.DataFrame(columns=["date", "criteria_met"]),
                                  pd.DataFrame(columns=["start", "end", "days"]), o,
                                  start="2010-06-01", end="2011-12-31")
    (label,) = [a for a in fig.layout.annotations if a.textangle == -90]
    assert label.text == "A/HRC/RES/S-15/1" and label.hovertext.count("A/HRC/RES/S-15/1") == 2


def test_many_outcomes_at_one_place_print_three_and_count_the_rest():
    o = _outcomes(["2020-01-01"] * 5, [f"R{i}" for i in range(5)])
    fig = charts.country_timeline(pd.DataFrame(columns=["month", "issuer kind", "signals"]),
                                  pd.DataFrame(columns=["date", "criteria_met"]),
                                  pd.DataFrame(columns=["start", "end", "days"]), o,
                                  start="2019-01-01", end="2020-12-31")
    (label,) = [a for a in fig.layout.annotations if a.textangle == -90]
    assert label.text == "R0<br>R1<br>R2<br>+2 more"


def test_organisations_by_name_never_by_code():
    assert organisation_name("osce") == "Organization for Security and Co-operation in Europe"
    assert organisation_name("un") == "United Nations"
    assert organisation_name("oic") == "Organisation of Islamic Cooperation"  # renamed in 2011
    assert organisation_name("xyz", {"xyz": "Some Forum"}) == "Some Forum"
    assert organisation_name("xyz") == "XYZ"
    assert organisation_names(["un", "au", "un"]) == ["African Union", "United Nations"]

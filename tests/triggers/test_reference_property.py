"""The engine against the naive reference (tests/triggers/reference.py) on random bundles.

Bundles, rule sets and days are random but small: two States, a handful of issuers of every
kind, signals over three weeks, windows from 1 to 40 days, so that window edges, thresholds,
memberships and accreditation rules collide often.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triggers.evaluate import evaluate
from triggers.prepared import prepare
from triggers.timeline import timeline

from .reference import reference_evaluate, reference_timeline
from .strategies import (
    SPAN,
    accreditation_rows,
    as_of_days,
    bundles,
    coverage_rows,
    day,
    examples,
    rule_sets,
    to_bundle,
)

QUICK = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_same_as_reference(evaluation, expected):
    table = evaluation.table.set_index("country")
    assert sorted(table.index) == sorted(expected)
    for country, exp in expected.items():
        r = table.loc[country]
        assert (r["status"], r["criteria_met"]) == (exp["status"], exp["criteria_met"]), (country, exp)
        for cid, c in exp["criteria"].items():
            got = (bool(r[f"{cid}_met"]), int(r[f"{cid}_value"]), r[f"{cid}_coverage"],
                   int(r[f"{cid}_covered_days"]))
            assert got == (c["met"], c["value"], c["coverage"], c["covered_days"]), \
                (country, cid, exp)


@settings(max_examples=examples(45), **QUICK)
@given(data=bundles(), rules=rule_sets(), coverage=coverage_rows(), choose=st.data())
def test_evaluate_matches_reference(data, rules, coverage, choose):
    signals, issuers, memberships = data
    history = choose.draw(accreditation_rows(issuers), label="accreditations")
    prep = prepare(to_bundle(*data, coverage, history))  # built once, evaluated on several days
    for _ in range(4):
        as_of = day(choose.draw(as_of_days(signals), label="as_of"))
        expected = reference_evaluate(signals, issuers, memberships, rules, as_of, coverage,
                                      history)
        assert_same_as_reference(evaluate(prep, rules, as_of, sentences=False), expected)


@settings(max_examples=examples(20), **QUICK)
@given(data=bundles(), rules=rule_sets(), coverage=coverage_rows(), start=st.integers(-3, SPAN),
       length=st.integers(0, 20))
def test_timeline_matches_reference(data, rules, coverage, start, length):
    signals, issuers, memberships = data
    first, last = day(start), day(start + length)
    expected = reference_timeline(signals, issuers, memberships, rules, first, last, coverage)
    frame = timeline(to_bundle(*data, coverage), rules, first, last).frame()
    assert len(frame) == len(expected)
    for r in frame.to_dict("records"):
        key = (r["country"], pd.Timestamp(r["date"]).date().isoformat())
        status, met = expected[key]
        assert r["status"] == status, key
        assert {cid: bool(r[f"{cid}_met"]) for cid in met} == met, key


@settings(max_examples=examples(12), **QUICK)
@given(data=bundles(), rules=rule_sets(), coverage=coverage_rows(), choose=st.data())
def test_evaluate_with_sentences_agrees_with_the_table(data, rules, coverage, choose):
    """Sentences and evidence are built without error for any input, evidence stays in the
    window, and no sentence states an absence below full coverage."""
    signals = data[0]
    as_of = day(choose.draw(as_of_days(signals), label="as_of"))
    result = evaluate(to_bundle(*data, coverage), rules, as_of)
    dates = {s["signal_id"]: s["date"] for s in signals}
    for r in result.criteria.to_dict("records"):
        assert r["sentence"]
        for sid in r["evidence"]:
            assert r["window_start"] <= dates[sid] <= as_of, (r, sid)
        if r["met"]:
            assert r["evidence"], r
        if r["coverage"] != "full":
            assert "No expression of concern" not in r["sentence"], r

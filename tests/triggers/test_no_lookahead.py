"""Nothing dated after T is ever used: later signals never change the answer as of T."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triggers.evaluate import evaluate
from triggers.timeline import timeline

from .strategies import (
    SPAN,
    bundles,
    coverage_rows,
    day,
    examples,
    rule_sets,
    to_bundle,
)


@st.composite
def later_signals(draw, issuers, after):
    ids = [i[0] for i in issuers]
    out = []
    for k in range(draw(st.integers(1, 6))):
        out.append({"signal_id": f"later{k}", "date": day(after + draw(st.integers(1, 30))),
                    "country": draw(st.sampled_from(["LBY", "SYR", "MMR"])),
                    "issuers": ";".join(draw(st.lists(st.sampled_from(ids), min_size=1, max_size=6))),
                    "concern": "true", "title": f"later {k}", "url": "", "reference": "",
                    "summary": "", "language": "en"})
    return out


@st.composite
def later_coverage(draw, after):
    """Coverage rows that start after T: searched later, they say nothing about T."""
    out = []
    for k in range(draw(st.integers(0, 4))):
        start = after + draw(st.integers(1, 30))
        out.append((f"later{k}", draw(st.sampled_from(["sp_mandate", "regional_org", "nhri", "ngo",
                                                       "high_commissioner"])),
                    draw(st.sampled_from(["", "LBY", "SYR"])), day(start),
                    day(start + draw(st.integers(0, 30))),
                    draw(st.sampled_from(["complete", "sample"]))))
    return out


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=bundles(), rules=rule_sets(), coverage=coverage_rows(), as_of=st.integers(0, SPAN),
       choose=st.data())
def test_signals_after_t_never_change_the_result_as_of_t(data, rules, coverage, as_of, choose):
    signals, issuers, memberships = data
    later = choose.draw(later_signals(issuers, as_of), label="later")
    # A bundle with coverage rows gets later ones too; one without keeps none (complete).
    later_cov = None if coverage is None else coverage + choose.draw(later_coverage(as_of))
    before = to_bundle(signals, issuers, memberships, coverage)
    after = to_bundle(signals + later, issuers, memberships, later_cov)
    countries = sorted({s["country"] for s in signals + later})  # same rows in both tables
    a = evaluate(before, rules, day(as_of), countries=countries)
    b = evaluate(after, rules, day(as_of), countries=countries)
    assert a.table.equals(b.table)
    assert a.criteria.to_dict("records") == b.criteria.to_dict("records")

    ta = timeline(before, rules, day(as_of - 15), day(as_of), countries=countries)
    tb = timeline(after, rules, day(as_of - 15), day(as_of), countries=countries)
    assert np.array_equal(ta.status, tb.status)
    assert np.array_equal(ta.criteria_met, tb.criteria_met)
    for cid in ta.met:
        assert np.array_equal(ta.met[cid], tb.met[cid])
    assert ta.episodes().equals(tb.episodes())

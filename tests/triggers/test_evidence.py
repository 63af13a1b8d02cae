"""Evidence ids and sentences: which signals establish a value, and what the diplomat reads."""

from __future__ import annotations

import pytest

from triggers.evaluate import evaluate

from .helpers import (
    joint_group,
    make_bundle,
    make_rules,
    nhri_with_ngos,
    row,
    sig,
    statement_by,
)
from .test_semantics import NATIONAL

AS_OF = "2021-06-01"
SIGNALS = [
    sig("a", "2021-05-12", "SYR", "sp1;sp2;sp3;sp4", reference="JAL SYR 3/2021"),
    sig("b", "2021-05-14", "SYR", "sp1;sp2;sp5;sp6", reference="JUA SYR 4/2021"),
    sig("c", "2021-05-02", "SYR", "sp1;sp2", reference="AL SYR 1/2021"),
    sig("n1", "2021-05-01", "SYR", "nhri-syr-a;ngo1", reference="NHRI 1"),
    sig("n2", "2021-05-03", "SYR", "ngo2;ngo3", reference="NGO 2"),
    sig("h1", "2021-05-04", "SYR", "hc;sg", title="HC on Syria"),
    sig("h2", "2021-05-05", "SYR", "hc", reference="OHCHR 2"),
    sig("h3", "2021-05-06", "SYR", "hc", reference="OHCHR 3"),
    sig("h4", "2021-05-07", "SYR", "hc", reference="OHCHR 4"),
    sig("old", "2020-01-01", "SYR", "hc;sp1;sp2;sp3;sp4", reference="OLD 1/2020"),
    sig("lby", "2021-05-12", "LBY", "sp1;sp2;sp3;sp4", reference="JAL LBY 1/2021"),
]

CASES = [
    ("joint-met", joint_group(), ["b", "a"],
     "4 Special Procedures mandates expressed concern jointly on 2021-05-14 (JUA SYR 4/2021); "
     "2 joint expressions of concern by 4 or more in the window, also 2021-05-12 (JAL SYR 3/2021)."),
    ("joint-not-met", joint_group(min_issuers=5), ["b", "a"],
     "At most 4 Special Procedures mandates expressed concern jointly on 2021-05-14 (JUA SYR 4/2021); "
     "also 2021-05-12 (JAL SYR 3/2021); 5 jointly are needed."),
    ("cumulative", joint_group(min_issuers=3, mode="cumulative"), ["b", "a", "c"],
     "6 distinct Special Procedures mandates expressed concern between 2021-05-02 and 2021-05-14 in "
     "3 signal(s): 2021-05-14 (JUA SYR 4/2021), 2021-05-12 (JAL SYR 3/2021), 2021-05-02 (AL SYR 1/2021)."),
    ("statements-cite-three-then-count", statement_by(), ["h4", "h3", "h2", "h1"],
     "UN High Commissioner for Human Rights expressed concern 4 times: 2021-05-07 (OHCHR 4), "
     "2021-05-06 (OHCHR 3), 2021-05-05 (OHCHR 2) and 1 more."),
    ("statements-not-enough", statement_by(min_signals=5), ["h4", "h3", "h2", "h1"],
     "UN High Commissioner for Human Rights expressed concern 4 times: 2021-05-07 (OHCHR 4), "
     "2021-05-06 (OHCHR 3), 2021-05-05 (OHCHR 2) and 1 more; 5 are needed."),
    ("title-when-no-reference", statement_by("sg", kinds=["secretary_general"]), ["h1"],
     "UN Secretary-General expressed concern once: 2021-05-04 (HC on Syria)."),
    ("nhri-joint-not-met", nhri_with_ngos(), ["n1"],
     "The NHRI (nhri-syr-a, A-status) expressed concern together with at most 1 eligible national "
     "NGO(s) on 2021-05-01 (NHRI 1); 3 NGOs in one statement are needed."),
    ("nhri-window-met", nhri_with_ngos(mode="window"), ["n2", "n1"],
     "The NHRI (nhri-syr-a, A-status) expressed concern on 2021-05-01 (NHRI 1), and 3 eligible national "
     "NGO(s) expressed concern in the window (2021-05-03 (NGO 2), 2021-05-01 (NHRI 1))."),
    ("nothing", statement_by(kinds=["regional_org"], members_only=True), [],
     "No expression of concern by a regional organisation the State belongs to in the 365 days to 2021-06-01."),
    ("nhri-missing", nhri_with_ngos(nhri_status=["C"], mode="window"), ["n2", "n1"],
     "No expression of concern by the State's NHRI (C-status) in the 365 days to 2021-06-01 "
     "(3 eligible national NGOs did)."),
]


@pytest.fixture(scope="module")
def bundle():
    return make_bundle(SIGNALS, NATIONAL)


@pytest.mark.parametrize("criterion,evidence,sentence", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_evidence_and_sentence(bundle, criterion, evidence, sentence):
    r = row(evaluate(bundle, make_rules(criterion), AS_OF), "SYR", criterion["id"])
    assert r["evidence"] == evidence  # newest first; nothing outside the window or about LBY
    assert r["sentence"] == sentence


def test_disabled_criterion_sentence_does_not_say_more_is_needed(bundle):
    """Regression: a disabled criterion whose threshold was reached read '...; 3 NGOs are needed.'"""
    r = row(evaluate(bundle, make_rules(nhri_with_ngos(mode="window", enabled=False)), AS_OF), "SYR")
    assert r["met"] is False and r["value"] == 3
    assert r["sentence"].startswith("Disabled in this rule set. The NHRI (nhri-syr-a, A-status)")
    assert "needed" not in r["sentence"]
    r = row(evaluate(bundle, make_rules(joint_group(enabled=False)), AS_OF), "SYR")
    assert r["sentence"].startswith("Disabled in this rule set. 4 Special Procedures mandates")
    assert "needed" not in r["sentence"] and "At most" not in r["sentence"]


def test_evidence_lookup_and_records(bundle):
    rules = make_rules(joint_group("sp"), statement_by("hc"))
    result = evaluate(bundle, rules, AS_OF)
    ev = result.evidence("SYR")
    assert ev["signal_id"].tolist() == ["b", "a", "h4", "h3", "h2", "h1"]  # newest first
    assert result.evidence("SYR", "sp")["signal_id"].tolist() == ["b", "a"]
    record = result.country("SYR")
    assert (record.status, record.criteria_met, record.rule_set_id, record.as_of) == ("triggered", 2, "test", AS_OF)
    assert [c.criterion_id for c in record.criteria] == ["sp", "hc"]
    assert [r["country"] for r in result.to_records()] == ["LBY", "SYR"]


def test_sentences_can_be_skipped(bundle):
    result = evaluate(bundle, make_rules(joint_group()), AS_OF, sentences=False)
    assert set(result.criteria["sentence"]) == {""}
    assert row(result, "SYR")["evidence"] == ["b", "a"]

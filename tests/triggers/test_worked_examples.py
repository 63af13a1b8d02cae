"""Worked examples from the domain brief, on the bundled sample and on hand-built bundles."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triggers.bundle import read_bundle
from triggers.evaluate import evaluate
from triggers.rules import load_rule_set
from triggers.timeline import timeline

from .helpers import make_bundle, row, sig, status

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def glion():
    return load_rule_set("glion-iii-2016")


@pytest.fixture(scope="module")
def sample():
    return read_bundle(SAMPLE)


LIBYA = [sig("hc", "2011-02-22", "LBY", "hc", reference="A/HRC/RES/S-15/1"),
         sig("sc", "2011-02-22", "LBY", "sc", reference="SC/10180"),
         sig("las", "2011-02-22", "LBY", "las", reference="A/HRC/RES/S-15/1")]


def libya_by_hand(league_membership=("las", "LBY", "1953-03-28", "")):
    return make_bundle(LIBYA, memberships=[league_membership])


@pytest.mark.parametrize("source", ["sample", "by-hand"])
def test_libya_2011_triggered_on_22_february_with_three_criteria(source, sample, glion):
    bundle = sample if source == "sample" else libya_by_hand()
    on_day = evaluate(bundle, glion, "2011-02-22").country("LBY")
    assert (on_day.status, on_day.criteria_met) == ("triggered", 3)
    met = {c.criterion_id for c in on_day.criteria if c.met}
    assert met == {"high_commissioner", "regional_organisation", "ga_sc"}
    for c in on_day.criteria:
        if c.met:
            assert c.value == 1 and len(c.evidence) == 1
            assert "2011-02-22" in c.sentence
    ga_sc = next(c for c in on_day.criteria if c.criterion_id == "ga_sc")
    assert "SC/10180" in ga_sc.sentence

    before = evaluate(bundle, glion, "2011-02-21").country("LBY")
    # The sample's coverage.csv declares its sources a sample: it cannot show a clear day.
    # The hand-made bundle has no coverage.csv, so it reads as completely searched.
    expected = "undetermined" if source == "sample" else "clear"
    assert (before.status, before.criteria_met) == (expected, 0)


@pytest.mark.parametrize("source", ["sample", "by-hand"])
def test_libya_2011_episode_lasts_one_window(source, sample, glion):
    bundle = sample if source == "sample" else libya_by_hand()
    tl = timeline(bundle, glion, "2011-01-01", "2012-12-31")
    ep = tl.episodes()
    ep = ep[ep["country"] == "LBY"]
    # The three statements share a day, so the episode ends 364 days later (window 365).
    assert ep[["start", "end", "days"]].to_dict("records") == [
        {"start": pd.Timestamp("2011-02-22"), "end": pd.Timestamp("2012-02-21"), "days": 365}]


def test_libya_special_session_s15_on_25_february_follows_the_trigger(sample, glion):
    # S-15 met on 25 Feb 2011: the flag was up three days before the Council acted.
    assert status(evaluate(sample, glion, "2011-02-25"), "LBY") == "triggered"


def test_libya_without_league_membership_meets_two_criteria():
    # members_only: had the League's membership of Libya ended on that day, its statement
    # would not count (until is the first day the State is no longer a member).
    bundle = libya_by_hand(league_membership=("las", "LBY", "", "2011-02-22"))
    result = evaluate(bundle, load_rule_set("glion-iii-2016"), "2011-02-22")
    assert result.country("LBY").criteria_met == 2
    assert not row(result, "LBY", "regional_organisation")["met"]


CIV = [("2010-12-06", "undetermined", 0, []),  # the sample is a sample: never "clear"
       ("2010-12-07", "triggered", 1, ["civ-2010-ecowas"]),
       ("2010-12-09", "triggered", 2, ["civ-2010-au-1", "civ-2010-ecowas"]),
       ("2010-12-21", "triggered", 3, ["civ-2010-au-2", "civ-2010-au-1", "civ-2010-ecowas"]),
       ("2010-12-23", "triggered", 3, ["civ-2010-au-2", "civ-2010-au-1", "civ-2010-ecowas"])]


@pytest.mark.parametrize("as_of,expected,value,evidence", CIV, ids=[c[0] for c in CIV])
def test_cote_d_ivoire_2010_regional_organisations_members_only(sample, glion, as_of, expected,
                                                                value, evidence):
    result = evaluate(sample, glion, as_of)
    r = row(result, "CIV", "regional_organisation")
    assert (status(result, "CIV"), r["value"], r["evidence"]) == (expected, value, evidence)
    if value:
        assert "AU PSC" in r["sentence"] or "ECOWAS summit" in r["sentence"]


def test_cote_d_ivoire_sentence_names_dates_and_references(sample, glion):
    r = row(evaluate(sample, glion, "2010-12-23"), "CIV", "regional_organisation")
    assert r["sentence"] == (
        "African Union (Peace and Security Council), Economic Community of West African States "
        "expressed concern 3 times: 2010-12-21 (AU PSC, 21 Dec 2010), 2010-12-09 (AU PSC, 9 Dec 2010), "
        "2010-12-07 (ECOWAS summit, 7 Dec 2010).")


def test_cote_d_ivoire_not_a_member_means_not_counted(sample, glion):
    mem = sample.memberships
    outside = type(sample)(signals=sample.signals, issuers=sample.issuers, links=sample.links,
                           memberships=mem[mem["country"] != "CIV"].reset_index(drop=True))
    result = evaluate(outside, glion, "2010-12-23")
    assert (status(result, "CIV"), row(result, "CIV", "regional_organisation")["value"]) == ("clear", 0)


def test_sample_special_procedures_groups(sample, glion):
    # JAL RUS 14/2025 (8 mandates, 2025-12-05) meets the four-mandate group on its own.
    r = row(evaluate(sample, glion, "2025-12-31"), "RUS", "special_procedures")
    assert (r["met"], r["value"], r["evidence"]) == (True, 8, ["ohchr-sp-30484"])
    assert r["sentence"].startswith("8 Special Procedures mandates expressed concern jointly on "
                                    "2025-12-05 (JAL RUS 14/2025)")
    # Iran: one country mandate alone is a quarter of the group: no watch at watch_ratio 0.5,
    # and undetermined (not clear): the sample is not every letter sent.
    result = evaluate(sample, glion, "2025-12-31")
    assert (row(result, "IRN", "special_procedures")["value"], status(result, "IRN")) == \
        (1, "undetermined")
    # Peru: three mandates jointly is 0.75 of the threshold: watch.
    result = evaluate(sample, glion, "2026-02-28")
    assert (row(result, "PER", "special_procedures")["value"], status(result, "PER")) == (3, "watch")

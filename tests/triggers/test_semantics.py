"""Issue 2, section 4, one rule per table: boundaries of the exact semantics.

Every case is checked twice: by evaluate() as of T, and by timeline() on day T, which
computes the same answer through the sliding-window path and must agree.
"""

from __future__ import annotations

import pytest

from triggers.bundle import BundleError
from triggers.evaluate import evaluate
from triggers.timeline import timeline

from .helpers import (
    issuer,
    joint_group,
    make_bundle,
    make_rules,
    nhri_with_ngos,
    row,
    sig,
    statement_by,
    status,
)

T = "2021-03-20"
W = 10

NATIONAL = [
    issuer("nhri-syr-a", "nhri", "SYR", "A"), issuer("nhri-syr-b", "nhri", "SYR", "B"),
    issuer("nhri-syr-c", "nhri", "SYR", "C"), issuer("nhri-syr-none", "nhri", "SYR", "none"),
    issuer("nhri-syr-empty", "nhri", "SYR", ""), issuer("nhri-lby-a", "nhri", "LBY", "A"),
] + [issuer(f"ngo{i}", "ngo", "SYR", "special", "national") for i in range(1, 6)] + [
    issuer("ngo-general", "ngo", "SYR", "general", "national"),
    issuer("ngo-roster", "ngo", "SYR", "roster", "national"),
    issuer("ngo-none", "ngo", "SYR", "none", "national"),
    issuer("ngo-unaccredited", "ngo", "SYR", "", "national"),
    issuer("ngo-intl", "ngo", "SYR", "general", "international"),
    issuer("ngo-noscope", "ngo", "SYR", "general", ""),
    issuer("ngo-lby", "ngo", "LBY", "general", "national"),
]


_BUNDLES: dict = {}


def bundle_of(signals, memberships=None):
    # Reading a bundle costs more than evaluating it; cases that check several criteria on the
    # same signals share one (bundles are immutable frames the engine never writes to).
    key = repr((signals, memberships))
    if key not in _BUNDLES:
        _BUNDLES[key] = make_bundle(signals, NATIONAL, memberships)
    return _BUNDLES[key]


def check(signals, criterion, as_of=T, memberships=None, country="SYR", **settings):
    """Evaluate one criterion as of a day; assert the timeline agrees; return the result row."""
    bundle = bundle_of(signals, memberships)
    rules = make_rules(criterion, **settings)
    result = evaluate(bundle, rules, as_of)
    r = row(result, country, criterion["id"])
    day = timeline(bundle, rules, as_of, as_of).frame()
    day = day[day["country"] == country].iloc[0]
    assert bool(day[f"{criterion['id']}_met"]) == r["met"]
    assert day["status"] == status(result, country)
    r["status"] = status(result, country)
    return r


# --- window edges: (T - W, T] ----------------------------------------------------------------

EDGE_DAYS = [("T-W", "2021-03-10", False), ("T-W+1", "2021-03-11", True),
             ("T", "2021-03-20", True), ("T+1", "2021-03-21", False)]
EDGE_CRITERIA = [
    ("statement_by", statement_by(window_days=W), "hc", 1),
    ("joint_group-joint", joint_group(min_issuers=2, window_days=W), "sp1;sp2", 2),
    ("joint_group-cumulative", joint_group(min_issuers=2, mode="cumulative", window_days=W),
     "sp1;sp2", 2),
    ("nhri_with_ngos-joint", nhri_with_ngos(min_ngos=1, window_days=W), "nhri-syr-a;ngo1", 1),
    ("nhri_with_ngos-window", nhri_with_ngos(min_ngos=1, mode="window", window_days=W),
     "nhri-syr-a;ngo1", 1),
]


@pytest.mark.parametrize("date,inside", [(d, i) for _, d, i in EDGE_DAYS],
                         ids=[name for name, _, _ in EDGE_DAYS])
@pytest.mark.parametrize("criterion,issuers,value", [c[1:] for c in EDGE_CRITERIA],
                         ids=[c[0] for c in EDGE_CRITERIA])
def test_window_edges(criterion, issuers, value, date, inside):
    r = check([sig("s", date, "SYR", issuers)], criterion)
    assert (r["met"], r["value"]) == ((True, value) if inside else (False, 0))
    assert r["evidence"] == (["s"] if inside else [])
    assert r["window_start"] == "2021-03-11"


def test_window_defaults_to_365_days():
    rules = make_rules(statement_by())
    assert rules.window_days == 365
    assert check([sig("s", "2020-03-21", "SYR", "hc")], statement_by())["met"]  # T-364
    assert not check([sig("s", "2020-03-20", "SYR", "hc")], statement_by())["met"]  # T-365


# --- thresholds --------------------------------------------------------------------------------

@pytest.mark.parametrize("signals,criterion,value,met", [
    ([sig("s", T, "SYR", "sp1;sp2;sp3")], joint_group(min_issuers=4), 3, False),
    ([sig("s", T, "SYR", "sp1;sp2;sp3;sp4")], joint_group(min_issuers=4), 4, True),
    ([sig("s", T, "SYR", "sp1;sp2;sp3;sp4;sp5")], joint_group(min_issuers=4), 5, True),
    ([sig("s", T, "SYR", "sp1;sp2;sp3;hc;sg")], joint_group(min_issuers=4), 3, False),
    ([sig("s", T, "SYR", "hc")], statement_by(min_signals=2), 1, False),
    ([sig("s", T, "SYR", "hc"), sig("t", T, "SYR", "hc")], statement_by(min_signals=2), 2, True),
    ([sig("s", T, "SYR", "hc;sg")], statement_by(kinds=["high_commissioner", "secretary_general"],
                                                 min_signals=2), 1, False),
    ([sig("s", T, "SYR", "ga"), sig("t", T, "SYR", "sc")],
     statement_by(kinds=["general_assembly", "security_council"], min_signals=2), 2, True),
    ([sig("s", T, "SYR", "nhri-syr-a;ngo1;ngo2")], nhri_with_ngos(min_ngos=3), 2, False),
    ([sig("s", T, "SYR", "nhri-syr-a;ngo1;ngo2;ngo3")], nhri_with_ngos(min_ngos=3), 3, True),
], ids=["sp-3-of-4", "sp-4-of-4", "sp-5-of-4", "sp-other-kinds-not-counted",
        "signals-1-of-2", "signals-2-of-2", "one-signal-two-kinds-counts-once",
        "ga-and-sc-each-count", "ngos-2-of-3", "ngos-3-of-3"])
def test_exact_thresholds(signals, criterion, value, met):
    r = check(signals, criterion)
    threshold = criterion.get("min_issuers") or criterion.get("min_ngos") or criterion.get("min_signals", 1)
    assert (r["value"], r["met"], r["threshold"]) == (value, met, threshold)
    if criterion["type"] == "nhri_with_ngos":  # every case here has the NHRI
        progress = (1 + min(value, threshold)) / (1 + threshold)
    else:
        progress = min(value, threshold) / threshold
    assert r["progress"] == pytest.approx(progress)


# --- concern flag ------------------------------------------------------------------------------

@pytest.mark.parametrize("concern,counted", [
    ("true", True), ("", True), ("TRUE", True), ("yes", True), ("1", True),
    ("false", False), ("False", False), ("0", False), ("no", False),
], ids=lambda v: repr(v) if isinstance(v, str) else str(v))
def test_concern_false_is_ignored_and_empty_means_true(concern, counted):
    signals = [sig("s", T, "SYR", "hc;sp1;sp2;sp3;sp4;nhri-syr-a;ngo1", concern=concern)]
    for criterion in [statement_by(), joint_group(), nhri_with_ngos(min_ngos=1)]:
        assert check(signals, criterion)["met"] is counted


def test_country_with_only_non_concern_signals_is_listed_as_clear():
    r = check([sig("s", T, "SYR", "hc", concern="false")], statement_by())
    assert (r["status"], r["value"], r["evidence"]) == ("clear", 0, [])


def test_signal_about_another_state_is_not_counted():
    r = check([sig("s", T, "LBY", "hc"), sig("t", T, "SYR", "sg")], statement_by())
    assert (r["value"], r["status"]) == (0, "clear")


# --- duplicates --------------------------------------------------------------------------------

def test_exact_duplicate_row_counts_once():
    s = sig("s", T, "SYR", "hc")
    bundle = make_bundle([s, dict(s), sig("t", T, "SYR", "sg")])
    assert bundle.duplicates == 1 and len(bundle.signals) == 2
    r = check([s, dict(s)], statement_by(min_signals=2))
    assert (r["value"], r["met"], r["evidence"]) == (1, False, ["s"])


@pytest.mark.parametrize("field,other", [("date", "2021-03-19"), ("country", "LBY"),
                                         ("issuers", "sg"), ("concern", "false"),
                                         ("title", "another title"), ("reference", "X 1/2021")])
def test_same_signal_id_with_different_content_is_an_error(field, other):
    first = sig("s", T, "SYR", "hc")
    second = {**first, field: other}
    with pytest.raises(BundleError) as exc:
        make_bundle([first, sig("t", T, "SYR", "hc"), second])
    (problem,) = exc.value.problems
    assert (problem.file, problem.row, problem.field, problem.value) == ("signals.csv", 4, "signal_id", "s")
    assert "row 2" in problem.message


@pytest.mark.parametrize("issuers,value", [
    ("sp1;sp1;sp2;sp3", 3), ("sp1;sp2;sp3;sp4;sp4", 4), ("sp1; sp1 ;sp2;sp3;sp4", 4),
], ids=["repeat-does-not-reach-4", "repeat-counted-once", "repeat-with-spaces"])
def test_issuer_listed_twice_in_one_signal_counts_once(issuers, value):
    r = check([sig("s", T, "SYR", issuers)], joint_group(min_issuers=4))
    assert (r["value"], r["met"]) == (value, value >= 4)
    r = check([sig("s", T, "SYR", issuers)], joint_group(min_issuers=4, mode="cumulative"))
    assert r["value"] == value


def test_nhri_ngo_listed_twice_counts_once():
    r = check([sig("s", T, "SYR", "nhri-syr-a;ngo1;ngo1;ngo2;nhri-syr-a")], nhri_with_ngos(min_ngos=3))
    assert (r["value"], r["met"]) == (2, False)


# --- members_only --------------------------------------------------------------------------------

CIV_DAY = "2010-12-07"
MEMBERSHIP_CASES = [
    ("no-membership-row", [], False),
    ("open-period", [("ecowas", "CIV", "", "")], True),
    ("since-on-the-day", [("ecowas", "CIV", CIV_DAY, "")], True),
    ("since-the-day-after", [("ecowas", "CIV", "2010-12-08", "")], False),
    ("until-on-the-day-is-exclusive", [("ecowas", "CIV", "", CIV_DAY)], False),
    ("until-the-day-after", [("ecowas", "CIV", "", "2010-12-08")], True),
    ("closed-period-around", [("ecowas", "CIV", "1975-05-28", "2025-01-29")], True),
    ("ended-before", [("ecowas", "CIV", "1975-05-28", "2010-01-01")], False),
    ("suspended-then-readmitted-gap", [("ecowas", "CIV", "", "2010-12-01"),
                                       ("ecowas", "CIV", "2011-01-01", "")], False),
    ("suspended-then-readmitted-on-day", [("ecowas", "CIV", "", "2010-11-01"),
                                          ("ecowas", "CIV", CIV_DAY, "")], True),
    ("member-of-another-org", [("au", "CIV", "", "")], False),
    ("other-state-is-member", [("ecowas", "SEN", "", "")], False),
]


@pytest.mark.parametrize("memberships,counted", [c[1:] for c in MEMBERSHIP_CASES],
                         ids=[c[0] for c in MEMBERSHIP_CASES])
def test_members_only_periods(memberships, counted):
    criterion = statement_by(kinds=["regional_org"], members_only=True)
    r = check([sig("s", CIV_DAY, "CIV", "ecowas")], criterion, as_of="2010-12-31",
              memberships=memberships, country="CIV")
    assert (r["met"], r["value"]) == (counted, int(counted))
    # Without members_only every regional organisation's concern counts.
    r = check([sig("s", CIV_DAY, "CIV", "ecowas")], statement_by(kinds=["regional_org"]),
              as_of="2010-12-31", memberships=memberships, country="CIV")
    assert r["met"]


@pytest.mark.parametrize("signal_day,counted", [
    ("2011-11-15", True), ("2011-11-16", False), ("2023-05-06", False), ("2023-05-07", True),
], ids=["last-day-before-suspension", "suspension-day", "day-before-readmission", "readmission-day"])
def test_members_only_suspension_then_readmission(signal_day, counted):
    """Syria and the League of Arab States: suspended 16 Nov 2011, readmitted 7 May 2023."""
    periods = [("las", "SYR", "1945-03-22", "2011-11-16"), ("las", "SYR", "2023-05-07", "")]
    r = check([sig("s", signal_day, "SYR", "las")],
              statement_by(kinds=["regional_org"], members_only=True),
              as_of=signal_day, memberships=periods)
    assert r["met"] is counted


def test_members_only_uses_the_signal_date_not_the_evaluation_date():
    # A member when it spoke, expelled since: the statement still counts until it leaves the window.
    periods = [("las", "SYR", "", "2021-03-15")]
    r = check([sig("s", "2021-03-14", "SYR", "las")],
              statement_by(kinds=["regional_org"], members_only=True), memberships=periods)
    assert r["met"]


def test_members_only_applies_to_regional_organisations_only():
    criterion = statement_by(kinds=["regional_org", "security_council"], members_only=True)
    r = check([sig("s", T, "SYR", "sc"), sig("t", T, "SYR", "las")], criterion, memberships=[])
    assert (r["value"], r["evidence"]) == (1, ["s"])


def test_members_only_one_member_org_among_several_issuers_counts_the_signal():
    criterion = statement_by(kinds=["regional_org"], members_only=True)
    r = check([sig("s", T, "SYR", "au;las")], criterion, memberships=[("las", "SYR", "", "")])
    assert r["value"] == 1


# --- NHRI accreditation and NGO eligibility ------------------------------------------------------

@pytest.mark.parametrize("nhri,nhri_status,eligible", [
    ("nhri-syr-a", None, True), ("nhri-syr-b", None, True), ("nhri-syr-c", None, False),
    ("nhri-syr-none", None, False), ("nhri-syr-empty", None, False),
    ("nhri-syr-b", ["A"], False), ("nhri-syr-c", ["A", "B", "C"], True),
    ("nhri-syr-empty", ["none"], True), ("nhri-lby-a", None, False),
], ids=["A-default", "B-default", "C-default", "none-default", "empty-is-none",
        "B-when-A-only", "C-when-allowed", "empty-when-none-allowed", "other-states-nhri"])
@pytest.mark.parametrize("mode", ["joint", "window"])
def test_nhri_status(nhri, nhri_status, eligible, mode):
    extra = {} if nhri_status is None else {"nhri_status": nhri_status}
    r = check([sig("s", T, "SYR", f"{nhri};ngo1;ngo2")],
              nhri_with_ngos(min_ngos=2, mode=mode, **extra))
    assert r["met"] is eligible
    assert r["progress"] == pytest.approx(1.0 if eligible else 2 / 3 if mode == "window" else 0.0)


@pytest.mark.parametrize("ngo,extra,eligible", [
    ("ngo-general", {}, True), ("ngo1", {}, True), ("ngo-roster", {}, True),
    ("ngo-none", {}, False), ("ngo-unaccredited", {}, False),
    ("ngo1", {"ngo_status": ["general"]}, False), ("ngo-none", {"ngo_status": ["none"]}, True),
    ("ngo-intl", {}, False), ("ngo-noscope", {}, False),
    ("ngo-intl", {"ngo_scope": "international"}, True), ("ngo-general", {"ngo_scope": "international"}, False),
    ("ngo-intl", {"ngo_scope": None}, True), ("ngo-noscope", {"ngo_scope": None}, True),
    ("ngo-lby", {}, False), ("ngo-lby", {"ngo_scope": None}, False), ("hc", {}, False),
], ids=["general", "special", "roster", "status-none", "status-empty", "special-when-general-only",
        "none-when-allowed", "international-default", "no-scope-default", "international-wanted",
        "national-when-international-wanted", "international-any-scope", "no-scope-any-scope",
        "other-states-ngo", "other-states-ngo-any-scope", "not-an-ngo"])
@pytest.mark.parametrize("mode", ["joint", "window"])
def test_ngo_eligibility(ngo, extra, eligible, mode):
    r = check([sig("s", T, "SYR", f"nhri-syr-a;{ngo}")], nhri_with_ngos(min_ngos=1, mode=mode, **extra))
    assert (r["met"], r["value"]) == (eligible, int(eligible))


# --- nhri_with_ngos joint vs window ----------------------------------------------------------------

NHRI_CASES = [
    # (id, signals, joint (value, met), window (value, met))
    ("nhri-and-ngos-apart", [sig("a", "2021-03-01", "SYR", "nhri-syr-a"),
                             sig("b", "2021-03-02", "SYR", "ngo1;ngo2;ngo3")], (0, False), (3, True)),
    ("ngos-spread-with-nhri", [sig("a", "2021-03-01", "SYR", "nhri-syr-a;ngo1"),
                               sig("b", "2021-03-02", "SYR", "ngo2;ngo3")], (1, False), (3, True)),
    ("ngos-without-nhri", [sig("b", "2021-03-02", "SYR", "ngo1;ngo2;ngo3")], (0, False), (3, False)),
    ("all-in-one", [sig("a", "2021-03-01", "SYR", "nhri-syr-a;ngo1;ngo2;ngo3")], (3, True), (3, True)),
    ("best-joint-signal", [sig("a", "2021-03-01", "SYR", "nhri-syr-a;ngo1"),
                           sig("b", "2021-03-02", "SYR", "nhri-syr-b;ngo2;ngo3;ngo4")],
     (3, True), (4, True)),
    ("same-ngos-twice", [sig("a", "2021-03-01", "SYR", "nhri-syr-a;ngo1;ngo2"),
                         sig("b", "2021-03-02", "SYR", "ngo1;ngo2")], (2, False), (2, False)),
    ("nhri-outside-window", [sig("a", "2020-01-01", "SYR", "nhri-syr-a"),
                             sig("b", "2021-03-02", "SYR", "ngo1;ngo2;ngo3")], (0, False), (3, False)),
    ("nhri-concern-false", [sig("a", "2021-03-01", "SYR", "nhri-syr-a", concern="false"),
                            sig("b", "2021-03-02", "SYR", "ngo1;ngo2;ngo3")], (0, False), (3, False)),
    ("ineligible-nhri", [sig("a", "2021-03-01", "SYR", "nhri-syr-c;ngo1;ngo2;ngo3")],
     (0, False), (3, False)),
]


@pytest.mark.parametrize("signals,joint,window", [c[1:] for c in NHRI_CASES],
                         ids=[c[0] for c in NHRI_CASES])
def test_nhri_with_ngos_joint_vs_window(signals, joint, window):
    r = check(signals, nhri_with_ngos(min_ngos=3, mode="joint"))
    assert (r["value"], r["met"]) == joint
    r = check(signals, nhri_with_ngos(min_ngos=3, mode="window"))
    assert (r["value"], r["met"]) == window


# --- joint_group joint vs cumulative ----------------------------------------------------------------

GROUP_CASES = [
    ("two-pairs", ["sp1;sp2", "sp3;sp4"], 2, 4),
    ("overlapping", ["sp1;sp2", "sp2;sp3"], 2, 3),
    ("same-pair-twice", ["sp1;sp2", "sp1;sp2"], 2, 2),
    ("one-four", ["sp1;sp2;sp3;sp4", "sp5"], 4, 5),
    ("singles", ["sp1", "sp2", "sp3", "sp4"], 1, 4),
    ("non-mandates-ignored", ["sp1;hc;sg;las", "ga;sc"], 1, 1),
]


@pytest.mark.parametrize("issuer_lists,joint,cumulative", [c[1:] for c in GROUP_CASES],
                         ids=[c[0] for c in GROUP_CASES])
def test_joint_group_joint_vs_cumulative(issuer_lists, joint, cumulative):
    signals = [sig(f"s{i}", f"2021-03-1{i}", "SYR", ids) for i, ids in enumerate(issuer_lists)]
    r = check(signals, joint_group(min_issuers=4))
    assert (r["value"], r["met"]) == (joint, joint >= 4)
    r = check(signals, joint_group(min_issuers=4, mode="cumulative"))
    assert (r["value"], r["met"]) == (cumulative, cumulative >= 4)


def test_cumulative_forgets_mandates_that_left_the_window():
    signals = [sig("a", "2021-03-01", "SYR", "sp1;sp2"), sig("b", "2021-03-15", "SYR", "sp3;sp4")]
    assert check(signals, joint_group(mode="cumulative"), as_of="2021-03-15", window_days=20)["met"]
    r = check(signals, joint_group(mode="cumulative"), as_of="2021-03-21", window_days=20)
    assert (r["value"], r["met"]) == (2, False)


# --- per-criterion window, disabled criteria, min_criteria, watch, clear ------------------------

def test_criterion_window_overrides_the_rule_set_window():
    bundle = make_bundle([sig("s", "2021-03-01", "SYR", "hc")])
    rules = make_rules(statement_by("short", window_days=10), statement_by("long"), window_days=30)
    result = evaluate(bundle, rules, T)
    assert (row(result, "SYR", "short")["met"], row(result, "SYR", "long")["met"]) == (False, True)
    assert (row(result, "SYR", "short")["window_days"], row(result, "SYR", "long")["window_days"]) == (10, 30)
    tl = timeline(bundle, rules, "2021-03-10", "2021-03-11").frame()
    assert tl["short_met"].tolist() == [True, False] and tl["long_met"].tolist() == [True, True]


def test_disabled_criterion_is_never_met_and_does_not_make_watch():
    bundle = make_bundle([sig("s", T, "SYR", "sp1;sp2;sp3;sp4;hc")])
    rules = make_rules(joint_group("sp", enabled=False), statement_by("sg", kinds=["secretary_general"]))
    result = evaluate(bundle, rules, T)
    r = row(result, "SYR", "sp")
    assert (r["met"], r["enabled"], status(result, "SYR")) == (False, False, "clear")
    assert result.table.loc[0, "criteria_met"] == 0
    assert r["sentence"].startswith("Disabled in this rule set.")
    tl = timeline(bundle, rules, T, T)
    assert tl.status[0, 0] == 0 and not tl.met["sp"][0, 0]


def test_disabled_criterion_at_half_progress_does_not_make_watch():
    bundle = make_bundle([sig("s", T, "SYR", "sp1;sp2")])
    rules = make_rules(joint_group("sp", enabled=False), statement_by("hc"))
    assert status(evaluate(bundle, rules, T), "SYR") == "clear"
    rules = make_rules(joint_group("sp"), statement_by("hc"))
    assert status(evaluate(bundle, rules, T), "SYR") == "watch"


@pytest.mark.parametrize("issuers,criteria_met,expected", [
    ("oth", 0, "clear"), ("hc", 1, "watch"), ("hc;sg", 2, "triggered"), ("hc;sg;sc", 3, "triggered"),
], ids=["none", "one-of-two", "two-of-two", "three"])
def test_min_criteria_2(issuers, criteria_met, expected):
    bundle = make_bundle([sig("s", T, "SYR", issuers)])
    rules = make_rules(statement_by("hc"), statement_by("sg", kinds=["secretary_general"]),
                       statement_by("sc", kinds=["security_council"]), min_criteria=2)
    result = evaluate(bundle, rules, T)
    assert (status(result, "SYR"), int(result.table.loc[0, "criteria_met"])) == (expected, criteria_met)
    tl = timeline(bundle, rules, T, T)
    assert (tl.status[0, 0], tl.criteria_met[0, 0]) == (["clear", "watch", "triggered"].index(expected),
                                                        criteria_met)


WATCH_CASES = [
    # (id, signals' issuers, criterion, watch_ratio, progress, status)
    ("sp-2-of-4", ["sp1;sp2"], joint_group(), 0.5, 0.5, "watch"),
    ("sp-1-of-4", ["sp1"], joint_group(), 0.5, 0.25, "clear"),
    ("sp-3-of-4-ratio-075", ["sp1;sp2;sp3"], joint_group(), 0.75, 0.75, "watch"),
    ("sp-2-of-4-ratio-075", ["sp1;sp2"], joint_group(), 0.75, 0.5, "clear"),
    ("signals-1-of-2", ["hc"], statement_by(min_signals=2), 0.5, 0.5, "watch"),
    ("signals-3-of-2-capped", ["hc", "hc", "hc"], statement_by(min_signals=2), 1.0, 1.0, "triggered"),
    ("ratio-1-needs-met", ["sp1;sp2;sp3"], joint_group(), 1.0, 0.75, "clear"),
    # nhri progress: (has eligible NHRI + min(value, min_ngos)) / (1 + min_ngos)
    ("nhri-alone", ["nhri-syr-a"], nhri_with_ngos(), 0.25, 0.25, "watch"),
    ("nhri-alone-ratio-05", ["nhri-syr-a"], nhri_with_ngos(), 0.5, 0.25, "clear"),
    ("nhri-plus-1", ["nhri-syr-a;ngo1"], nhri_with_ngos(), 0.5, 0.5, "watch"),
    ("nhri-plus-2", ["nhri-syr-a;ngo1;ngo2"], nhri_with_ngos(), 0.75, 0.75, "watch"),
    ("ngos-2-no-nhri-window", ["ngo1;ngo2"], nhri_with_ngos(mode="window"), 0.5, 0.5, "watch"),
    ("ngos-3-no-nhri-window", ["ngo1;ngo2;ngo3"], nhri_with_ngos(mode="window"), 0.75, 0.75, "watch"),
    ("ngos-4-no-nhri-window-capped", ["ngo1;ngo2;ngo3;ngo4"], nhri_with_ngos(mode="window"),
     1.0, 0.75, "clear"),
    ("ngos-no-nhri-joint", ["ngo1;ngo2;ngo3"], nhri_with_ngos(), 0.25, 0.0, "clear"),
    ("nhri-and-ngos-apart-joint", ["nhri-syr-a", "ngo1;ngo2;ngo3"], nhri_with_ngos(), 0.25, 0.25, "watch"),
]


@pytest.mark.parametrize("issuer_lists,criterion,ratio,progress,expected", [c[1:] for c in WATCH_CASES],
                         ids=[c[0] for c in WATCH_CASES])
def test_watch_ratio_and_progress(issuer_lists, criterion, ratio, progress, expected):
    signals = [sig(f"s{i}", f"2021-03-1{i}", "SYR", ids) for i, ids in enumerate(issuer_lists)]
    r = check(signals, criterion, watch_ratio=ratio)
    assert r["progress"] == pytest.approx(progress)
    assert r["status"] == expected


def test_clear_when_nothing_in_the_window():
    bundle = make_bundle([sig("s", "2019-01-01", "SYR", "hc"), sig("t", T, "LBY", "hc")])
    result = evaluate(bundle, make_rules(statement_by()), T)
    assert status(result, "SYR") == "clear" and status(result, "LBY") == "triggered"
    assert row(result, "SYR")["sentence"] == (
        "No expression of concern by the High Commissioner in the 365 days to 2021-03-20.")


def test_countries_listed_are_those_in_signals_plus_requested():
    bundle = make_bundle([sig("s", T, "SYR", "hc")])
    result = evaluate(bundle, make_rules(statement_by()), T, countries=["MMR"])
    assert result.table["country"].tolist() == ["MMR", "SYR"]
    assert status(result, "MMR") == "clear"


def test_unknown_country_lookup_names_the_known_ones():
    result = evaluate(make_bundle([sig("s", T, "SYR", "hc")]), make_rules(statement_by()), T)
    with pytest.raises(KeyError, match="SYR"):
        result.country("MMR")


# --- statement_by categories (issue 13) -----------------------------------------------------

def _categorised(category):
    s = sig("r1", T, "SYR", "sc", reference="S/RES/1")
    s["category"] = category
    return [s]


CATEGORY_CASES = [
    ("no list: every category counts", None, "peace_operation", 1),
    ("listed category counts", ["peace_operation", "sanctions"], "peace_operation", 1),
    ("unlisted category does not", ["sanctions"], "procedural", 0),
    ("uncategorised signal, not listed", ["sanctions"], "", 0),
    ("uncategorised signal, listed as uncategorised", ["sanctions", "uncategorised"], "", 1),
    ("a category named like the marker is not it", ["uncategorised"], "peace_operation", 0),
]


@pytest.mark.parametrize("categories,category,value", [c[1:] for c in CATEGORY_CASES],
                         ids=[c[0] for c in CATEGORY_CASES])
def test_statement_by_counts_only_listed_categories(categories, category, value):
    crit = statement_by(kinds=("security_council",), window_days=W)
    if categories is not None:
        crit["categories"] = categories
    r = check(_categorised(category), crit)
    assert (r["value"], r["met"]) == (value, value >= 1)


# --- accreditation as on the signal's date (issue 14) --------------------------------------

NHRI_CRIT = nhri_with_ngos("nh", min_ngos=1, nhri_status=["A"], window_days=W)
ON_T = [sig("n1", T, "SYR", "nhri-syr-a;ngo1")]  # nhri-syr-a is A-status in issuers.csv

ACCREDITATION_CASES = [
    ("no history: the issuer's column (A)", None, True),
    ("history A since the signal's day", [("nhri-syr-a", "A", T, "")], True),
    ("history A from the day after: none on the day", [("nhri-syr-a", "A", "2021-03-21", "")], False),
    ("A until the signal's day (exclusive)", [("nhri-syr-a", "A", "2010-01-01", T)], False),
    ("A until the day after", [("nhri-syr-a", "A", "2010-01-01", "2021-03-21")], True),
    ("downgraded to B before the signal", [("nhri-syr-a", "A", "2010-01-01", "2020-01-01"),
                                           ("nhri-syr-a", "B", "2020-01-01", "")], False),
    ("B, then re-accredited A before the signal", [("nhri-syr-a", "B", "2010-01-01", ""),
                                                   ("nhri-syr-a", "A", "2021-01-01", "")], True),
    ("the NGO's ECOSOC status withdrawn before", [("ngo1", "special", "2010-01-01", "2021-01-01")],
     False),
]


@pytest.mark.parametrize("history,met", [c[1:] for c in ACCREDITATION_CASES],
                         ids=[c[0] for c in ACCREDITATION_CASES])
def test_accreditation_is_judged_on_the_signals_date(history, met):
    bundle = make_bundle(ON_T, NATIONAL, accreditations=history)
    result = evaluate(bundle, make_rules(NHRI_CRIT), T)
    r = row(result, "SYR", "nh")
    assert r["met"] is met
    day = timeline(bundle, make_rules(NHRI_CRIT), T, T).frame()
    assert bool(day.loc[day["country"] == "SYR", "nh_met"].iloc[0]) is met
    if met:
        assert "A-status" in r["sentence"]


def test_accreditation_rows_are_checked(tmp_path):
    with pytest.raises(BundleError) as err:
        make_bundle(ON_T, NATIONAL, accreditations=[("hc", "A", "", ""), ("nhri-syr-a", "AA", "", ""),
                                                    ("ngo1", "special", "2021-02-01", "2021-01-01")])
    assert [(p.field, p.code) for p in err.value.problems] == [
        ("issuer_id", "not_accredited_kind"), ("status", "not_allowed"), ("until", "until_before_since")]

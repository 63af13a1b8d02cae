"""Hypothesis strategies: random small bundles (as plain rows) and random rule sets."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pandas as pd
from hypothesis import strategies as st

from triggers.bundle import validate_frames
from triggers.rules import parse_rule_set
from triggers.vocabulary import ISSUER_KINDS, NGO_SCOPES, NGO_STATUSES, NHRI_STATUSES

# Example counts are kept modest so the suite runs in seconds; raise them for a deeper search
# with e.g. TRIGGERS_PROPERTY_SCALE=10 make test.
SCALE = float(os.environ.get("TRIGGERS_PROPERTY_SCALE", "1"))


def examples(n: int) -> int:
    return max(1, int(n * SCALE))


BASE = date(2020, 1, 1)
SPAN = 20  # signals fall on BASE .. BASE+SPAN; small so windows and boundaries collide often
COUNTRIES = ["LBY", "SYR"]
# The kinds criteria mostly ask for; others stay possible so unrelated issuers are exercised.
CORE_KINDS = ["sp_mandate", "regional_org", "nhri", "ngo", "high_commissioner"]
# Hypothesis favours the first items of sampled_from; put the windows that see most first.
CATEGORIES = ["", "", "peace_operation", "sanctions", "procedural"]
WINDOWS = st.sampled_from([30, 15, 10, 7, 3, 2, 1]) | st.integers(1, 40)
ISSUER_FIELDS = ["issuer_id", "name", "kind", "country", "accreditation", "scope"]


def day(offset: int) -> str:
    return (BASE + timedelta(days=offset)).isoformat()


@st.composite
def issuer_rows(draw):
    # Every State gets an NHRI and NGOs of random standing (so nhri_with_ngos has material),
    # then a few issuers of random kinds, biased to the kinds criteria care about.
    kinds = st.sampled_from(["sp_mandate", "sp_mandate", "regional_org", "ngo",
                             "high_commissioner"]) | st.sampled_from(ISSUER_KINDS)
    cast = [(kind, country) for country in COUNTRIES for kind in ("nhri", "ngo", "ngo", "ngo")]
    cast += [("regional_org", None), ("sp_mandate", None)]
    cast += [(draw(kinds), None) for _ in range(draw(st.sampled_from(range(2, 8))))]
    rows = []
    for k, (kind, country) in enumerate(cast):
        accreditation = scope = ""
        if kind in ("nhri", "ngo") and country is None:
            country = draw(st.sampled_from(COUNTRIES))
        if kind == "nhri":
            accreditation = draw(st.sampled_from(("A", "B") + NHRI_STATUSES + ("",)))
        elif kind == "ngo":
            accreditation = draw(st.sampled_from(("special", "general", "roster") * 2
                                                 + NGO_STATUSES + ("",)))
            scope = draw(st.sampled_from(("national",) * 4 + NGO_SCOPES + ("",)))
        rows.append((f"i{k}", f"Issuer {k}", kind, country or "", accreditation, scope))
    return rows


@st.composite
def bundles(draw):
    """(signals, issuers, memberships) as plain rows, valid for validate_frames."""
    issuers = draw(issuer_rows())
    ids = [i[0] for i in issuers]
    signals = []
    for k in range(draw(st.sampled_from(range(1, 15)))):
        country = draw(st.sampled_from(COUNTRIES))
        # Mostly issuers that can count for this State, sometimes a foreign NHRI or NGO.
        home = [i[0] for i in issuers if i[3] in ("", country)] or ids
        chosen = draw(st.lists(st.sampled_from(home) | st.sampled_from(ids),
                               min_size=1, max_size=7))  # repeats allowed
        signals.append({
            "signal_id": f"s{k}", "date": day(draw(st.sampled_from(range(0, SPAN + 1)))),
            "country": country, "issuers": ";".join(chosen),
            "concern": draw(st.sampled_from(["true", "true", "", "false"])),
            "title": f"signal {k}", "url": "", "reference": f"REF {k}/2020", "summary": "",
            "language": "en", "category": draw(st.sampled_from(CATEGORIES)),
        })
    # Exact repeats of rows must count once.
    signals += draw(st.lists(st.sampled_from(signals), max_size=2))
    memberships = []
    for org in [i[0] for i in issuers if i[2] == "regional_org"]:
        for country in COUNTRIES:
            for _ in range(draw(st.integers(0, 2))):
                since = draw(st.one_of(st.just(""), st.integers(-5, SPAN).map(day)))
                lo = 1 if since == "" else (date.fromisoformat(since) - BASE).days + 1
                until = draw(st.one_of(st.just(""), st.integers(lo, SPAN + 5).map(day)))
                memberships.append((org, country, since, until))
    return signals, issuers, memberships


COVERAGE_FIELDS = ["source", "issuer_kind", "country", "start", "end", "completeness"]


@st.composite
def coverage_rows(draw):
    """None (no coverage.csv), or a few coverage rows over the signals' span: every State or
    one, complete or sample, of the kinds criteria read, with edges that meet windows' edges."""
    if draw(st.integers(0, 4)) == 0:
        return None
    rows = []
    for k in range(draw(st.integers(0, 6))):
        start = draw(st.integers(-45, SPAN + 5))
        rows.append((f"src{k}", draw(st.sampled_from(CORE_KINDS) | st.sampled_from(ISSUER_KINDS)),
                     draw(st.sampled_from(["", "", ""] + COUNTRIES)), day(start),
                     day(start + draw(st.integers(0, 40))),
                     draw(st.sampled_from(["complete", "complete", "", "sample"]))))
    return rows


@st.composite
def accreditation_rows(draw, issuers):
    """None, or history rows for some NHRIs and NGOs: statuses that change within the span,
    with gaps, so a signal's date decides whether its NHRI or NGO counts."""
    national = [i for i in issuers if i[2] in ("nhri", "ngo")]
    if not national or draw(st.integers(0, 2)) == 0:
        return None
    rows = []
    for iid, _, kind, *_ in draw(st.lists(st.sampled_from(national), max_size=5, unique=True)):
        statuses = (("A", "B", "C", "none") if kind == "nhri"
                    else ("special", "general", "roster", "none"))
        for _ in range(draw(st.integers(1, 2))):
            since = draw(st.one_of(st.just(""), st.integers(-5, SPAN).map(day)))
            lo = 1 if since == "" else (date.fromisoformat(since) - BASE).days + 1
            until = draw(st.one_of(st.just(""), st.integers(lo, SPAN + 5).map(day)))
            rows.append((iid, draw(st.sampled_from(statuses)), since, until))
    return rows


def to_bundle(signals, issuers, memberships, coverage=None, accreditations=None):
    return validate_frames(
        pd.DataFrame(signals), pd.DataFrame(issuers, columns=ISSUER_FIELDS),
        pd.DataFrame(memberships, columns=["org_id", "country", "since", "until"]),
        coverage=None if coverage is None else pd.DataFrame(coverage, columns=COVERAGE_FIELDS),
        accreditations=None if accreditations is None else pd.DataFrame(
            accreditations, columns=["issuer_id", "status", "since", "until"]))


@st.composite
def criteria(draw, cid):
    kind = draw(st.sampled_from(["statement_by", "joint_group", "nhri_with_ngos"]))
    c = {"id": cid, "type": kind, "enabled": draw(st.booleans() | st.just(True))}
    if draw(st.booleans()):
        c["window_days"] = draw(WINDOWS)
    kinds = (st.sampled_from(CORE_KINDS).map(lambda k: [k])
             | st.lists(st.sampled_from(ISSUER_KINDS), min_size=1, max_size=3, unique=True))
    low = st.sampled_from([1, 1, 2, 2, 3, 4])  # thresholds; low ones are met more often
    if kind == "statement_by":
        # Regional organisations often, so members_only has memberships to look at.
        regional = st.sampled_from([["regional_org"], ["regional_org", "high_commissioner"]])
        c.update(issuer_kinds=draw(st.one_of(regional, regional, kinds)), min_signals=draw(low),
                 members_only=draw(st.sampled_from([True, True, False])))
        if draw(st.integers(0, 2)) == 0:
            c["categories"] = draw(st.lists(st.sampled_from(CATEGORIES[2:] + ["uncategorised"]),
                                            min_size=1, max_size=3, unique=True))
    elif kind == "joint_group":
        c.update(issuer_kinds=draw(kinds), min_issuers=draw(low),
                 mode=draw(st.sampled_from(["joint", "cumulative"])))
    else:
        c.update(min_ngos=draw(st.sampled_from([1, 1, 2, 3])), mode=draw(st.sampled_from(["joint", "window"])),
                 nhri_status=draw(st.just(["A", "B"]) | st.lists(st.sampled_from(NHRI_STATUSES),
                                                                    min_size=1, unique=True)),
                 ngo_status=draw(st.just(["general", "special", "roster"])
                                 | st.lists(st.sampled_from(NGO_STATUSES), min_size=1, unique=True)),
                 ngo_scope=draw(st.sampled_from(["national", "national", "international", None])))
    return c


@st.composite
def rule_sets(draw):
    n = draw(st.integers(1, 4))
    crits = [draw(criteria(f"c{k}")) for k in range(n)]
    return parse_rule_set({
        "id": "random", "title": "random", "source": "hypothesis", "criteria": crits,
        "window_days": draw(WINDOWS), "min_criteria": draw(st.integers(1, n)),
        "watch_ratio": draw(st.sampled_from([0.25, 1 / 3, 0.5, 2 / 3, 0.75, 1.0])),
    })


@st.composite
def as_of_days(draw, signals):
    """A day near a signal (on it, the day after, or a window's length later), as an offset."""
    anchor = (date.fromisoformat(draw(st.sampled_from(signals))["date"]) - BASE).days
    return anchor + draw(st.sampled_from([0, 1, 3, 7, 10, 15, -1]) | st.integers(-3, 45))

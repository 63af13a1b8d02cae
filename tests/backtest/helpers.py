"""Small builders for back-test cases: signals, outcomes, coverage and rule sets by hand."""

from __future__ import annotations

import pandas as pd

from triggers.bundle import Bundle, validate_frames
from triggers.outcomes import validate_outcomes
from triggers.rules import RuleSet, parse_rule_set

ISSUERS = [
    ("hc", "UN High Commissioner for Human Rights", "high_commissioner", "", "", ""),
    ("oth", "Some other voice", "other", "", "", ""),
    ("ga", "General Assembly", "general_assembly", "", "", ""),
    ("sc", "Security Council", "security_council", "", "", ""),
] + [(f"sp{i}", f"Special Rapporteur {i}", "sp_mandate", "", "", "") for i in range(1, 7)]
ISSUER_FIELDS = ["issuer_id", "name", "kind", "country", "accreditation", "scope"]
COVERAGE_FIELDS = ["source", "issuer_kind", "country", "start", "end", "completeness"]


def bundle(*signals: tuple[str, str, str], coverage: list[tuple] | None = None) -> Bundle:
    """Signals as (date, country, issuers joined by ';'); ids are generated. `coverage`: rows
    (issuer_kind, country or "", start, end[, completeness]); None: no coverage.csv."""
    rows = [{"signal_id": f"s{i}", "date": d, "country": c, "issuers": iss}
            for i, (d, c, iss) in enumerate(signals)]
    frame = pd.DataFrame(rows, columns=["signal_id", "date", "country", "issuers"])
    cov = None
    if coverage is not None:
        cov = pd.DataFrame([(f"src{i}", r[0], r[1], r[2], r[3], r[4] if len(r) > 4 else "complete")
                            for i, r in enumerate(coverage)], columns=COVERAGE_FIELDS)
    return validate_frames(frame, pd.DataFrame(ISSUERS, columns=ISSUER_FIELDS), source="test",
                           coverage=cov)


def outcomes(*rows: tuple) -> pd.DataFrame:
    """Outcomes as (country, date, reference[, kind]); kind defaults to special_session."""
    data = [{"country": r[0], "date": r[1], "reference": r[2],
             "kind": r[3] if len(r) > 3 else "special_session", "title": f"title {r[2]}", "url": ""}
            for r in rows]
    return validate_outcomes(pd.DataFrame(data, columns=["country", "date", "kind", "reference",
                                                         "title", "url"]), source="test")


def rules(window_days: int = 10, sp_min: int | None = None, **settings) -> RuleSet:
    """The High Commissioner alone (one signal in the window), plus optionally a group of SPs."""
    criteria = [{"id": "hc", "type": "statement_by", "issuer_kinds": ["high_commissioner"]}]
    if sp_min is not None:
        criteria.append({"id": "sp", "type": "joint_group", "issuer_kinds": ["sp_mandate"],
                         "min_issuers": sp_min})
    return parse_rule_set({"id": "test", "title": "test", "source": "the tests",
                           "window_days": window_days, "criteria": criteria, **settings})

"""Small builders for hand-written bundles and rule sets, shared by the trigger tests."""

from __future__ import annotations

import pandas as pd

from triggers.bundle import Bundle, validate_frames
from triggers.rules import RuleSet, parse_rule_set

# A default cast of issuers; tests add their own when an attribute matters.
BASE_ISSUERS = [
    ("hc", "UN High Commissioner for Human Rights", "high_commissioner", "", "", ""),
    ("sg", "UN Secretary-General", "secretary_general", "", "", ""),
    ("ga", "UN General Assembly", "general_assembly", "", "", ""),
    ("sc", "UN Security Council", "security_council", "", "", ""),
    ("au", "African Union", "regional_org", "", "", ""),
    ("ecowas", "ECOWAS", "regional_org", "", "", ""),
    ("las", "League of Arab States", "regional_org", "", "", ""),
    ("oth", "Some other voice", "other", "", "", ""),
] + [(f"sp{i}", f"Special Rapporteur {i}", "sp_mandate", "", "", "") for i in range(1, 7)]

ISSUER_FIELDS = ["issuer_id", "name", "kind", "country", "accreditation", "scope"]


def issuer(issuer_id, kind, country="", accreditation="", scope="", name=None):
    return (issuer_id, name or issuer_id, kind, country, accreditation, scope)


def sig(signal_id, date, country, issuers, concern="true", reference="", title=None):
    """One signals.csv row; `issuers` is a list or a ';'-joined string."""
    if not isinstance(issuers, str):
        issuers = ";".join(issuers)
    return {"signal_id": signal_id, "date": date, "country": country, "issuers": issuers,
            "concern": concern, "title": title if title is not None else f"title of {signal_id}",
            "url": "", "reference": reference, "summary": "", "language": "en"}


COVERAGE_FIELDS = ["source", "issuer_kind", "country", "start", "end", "completeness"]


def cover(kind, start, end, country="", completeness="complete", source=None):
    """One coverage.csv row."""
    return (source or f"src-{kind}", kind, country, start, end, completeness)


def make_bundle(signals, extra_issuers=(), memberships=None, coverage=None,
                accreditations=None) -> Bundle:
    """`coverage`: rows from cover(); None = no coverage.csv (complete everywhere).
    `accreditations`: (issuer_id, status, since, until) rows; None = no accreditations.csv."""
    issuers = pd.DataFrame(BASE_ISSUERS + list(extra_issuers), columns=ISSUER_FIELDS)
    mem = None
    if memberships is not None:
        mem = pd.DataFrame(list(memberships), columns=["org_id", "country", "since", "until"])
    cov = None if coverage is None else pd.DataFrame(list(coverage), columns=COVERAGE_FIELDS)
    acc = None if accreditations is None else pd.DataFrame(
        list(accreditations), columns=["issuer_id", "status", "since", "until"])
    return validate_frames(pd.DataFrame(list(signals)), issuers, mem, source="test", coverage=cov,
                           accreditations=acc)


def make_rules(*criteria, **settings) -> RuleSet:
    data = {"id": "test", "title": "test rules", "source": "the tests", "criteria": list(criteria)}
    data.update(settings)
    return parse_rule_set(data)


def statement_by(cid="crit", kinds=("high_commissioner",), **kw):
    return {"id": cid, "type": "statement_by", "issuer_kinds": list(kinds), **kw}


def joint_group(cid="crit", kinds=("sp_mandate",), min_issuers=4, mode="joint", **kw):
    return {"id": cid, "type": "joint_group", "issuer_kinds": list(kinds),
            "min_issuers": min_issuers, "mode": mode, **kw}


def nhri_with_ngos(cid="crit", min_ngos=3, mode="joint", **kw):
    return {"id": cid, "type": "nhri_with_ngos", "min_ngos": min_ngos, "mode": mode, **kw}


def row(evaluation, country, cid="crit") -> dict:
    """The long-format result of one criterion for one country, as a dict."""
    crit = evaluation.criteria
    hit = crit[(crit["country"] == country) & (crit["criterion_id"] == cid)]
    assert len(hit) == 1, f"no single row for {country}/{cid}"
    return hit.iloc[0].to_dict()


def status(evaluation, country) -> str:
    t = evaluation.table
    return t.loc[t["country"] == country, "status"].item()

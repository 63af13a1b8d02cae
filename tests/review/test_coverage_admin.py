"""Coverage declared or ended by a person on the Data page (issue 10): admins only, checked
in the service itself, audited, with a clear message for a bad row."""

from __future__ import annotations

from datetime import date

import pytest

from prevention.accounts.access import PermissionDenied
from prevention.accounts.audit import AuditFilter, query
from prevention.sources import coverage as coverage_admin
from prevention.storage.db import session_scope
from prevention.storage.frames import load_coverage


def stored(engine) -> list[tuple]:
    cov = load_coverage(engine)
    return sorted(zip(cov["source"], cov["issuer_kind"], cov["country"],
                      cov["start"].dt.strftime("%Y-%m-%d"), cov["end"].dt.strftime("%Y-%m-%d"),
                      cov["completeness"]))


def test_an_admin_declares_and_ends_coverage_with_an_audit_trail(engine, users):
    with session_scope(engine) as s:
        cov = coverage_admin.declare(s, users["admin"], source="hc-statements-2024",
                                     issuer_kind="high_commissioner", start="2024-01-01",
                                     end="2024-12-31", note="every HC statement of 2024 entered")
        cid = cov.id
    assert stored(engine) == [("hc-statements-2024", "high_commissioner", "", "2024-01-01",
                               "2024-12-31", "complete")]
    assert load_coverage(engine)["declared_by"].tolist() == ["ada"]
    with session_scope(engine) as s:
        coverage_admin.end(s, users["admin"], cid, date(2024, 6, 30), note="entry stopped")
    assert stored(engine)[0][4] == "2024-06-30"
    with session_scope(engine) as s:
        actions = [e.action for e in query(s, users["admin"], AuditFilter(entity_type="coverage"))]
    assert sorted(actions) == ["coverage.declare", "coverage.end"]


@pytest.mark.parametrize("role", ["viewer", "reviewer", "researcher"])
def test_only_an_admin_may_declare_coverage(engine, users, role):
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        coverage_admin.declare(s, users[role], source="x", issuer_kind="ngo", start="2024-01-01",
                               end="2024-02-01")
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        coverage_admin.declare(s, None, source="x", issuer_kind="ngo", start="2024-01-01",
                               end="2024-02-01")


@pytest.mark.parametrize("kwargs,message", [
    (dict(issuer_kind="commissioner"), "issuer_kind: unknown kind"),
    (dict(end="2023-01-01"), "end: end must be on or after start"),
    (dict(country="XYZ"), "country: unknown country code"),
    (dict(completeness="most"), "completeness: must be one of complete, sample"),
])
def test_a_bad_declaration_says_which_field(engine, users, kwargs, message):
    given = dict(source="x", issuer_kind="ngo", start="2024-01-01", end="2024-02-01") | kwargs
    with pytest.raises(coverage_admin.CoverageError, match=message), session_scope(engine) as s:
        coverage_admin.declare(s, users["admin"], **given)
    assert load_coverage(engine).empty


def test_ending_outside_the_row_is_refused(engine, users):
    with session_scope(engine) as s:
        cid = coverage_admin.declare(s, users["admin"], source="x", issuer_kind="ngo",
                                     start="2024-01-01", end="2024-02-01").id
    with pytest.raises(coverage_admin.CoverageError, match="between"), session_scope(engine) as s:
        coverage_admin.end(s, users["admin"], cid, "2024-03-01")



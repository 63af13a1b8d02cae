"""Opening cases: a case opens when a State is `triggered` under the published rule set as of an
evaluation date and no case is open for it, with a frozen record of what the Bureau looks at
(rule set and version, as-of date, every criterion's result and coverage, and each evidence
signal's fingerprint); a closed case reopens, with a new record, when evidence dated after its
last decision triggers the State again. Reviewing and deciding are review.py's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from prevention.accounts import audit
from prevention.accounts.access import Principal, require
from prevention.cases.evidence import evidence_hashes
from prevention.cases.review import record_event
from prevention.storage.models.review import (
    CaseDecision,
    CaseSnapshot,
    ReviewCase,
    utcnow,
)
from triggers.evaluate import Evaluation


def _snapshot_payload(evaluation: Evaluation, country: str, links) -> dict:
    result = evaluation.country(country)
    if any(not c.sentence for c in result.criteria):
        # A frozen record must say what the Bureau read; a status-only evaluation cannot.
        raise ValueError("open cases from an evaluation made with sentences (sentences=True)")
    # Coverage is frozen too: the record must show what the data could judge when the Bureau
    # read it, not what later imports make of the same days.
    criteria = [c.model_dump(include={"criterion_id", "type", "enabled", "met", "value", "threshold",
                                      "window_start", "window_days", "sentence", "evidence",
                                      "coverage", "covered_days", "coverage_sources"})
                for c in result.criteria]
    ids = [sid for c in result.criteria for sid in c.evidence]
    return {"rule_set_id": result.rule_set_id, "rule_set_version": result.rule_set_version,
            "as_of": date.fromisoformat(result.as_of), "status": result.status,
            "criteria_met": result.criteria_met, "criteria": criteria,
            "evidence": evidence_hashes(evaluation.signals, links, ids)}


@dataclass
class SyncReport:
    as_of: str
    rule_set: str
    opened: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)
    already_open: list[str] = field(default_factory=list)
    closed_no_new_evidence: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"As of {self.as_of} under {self.rule_set}: {len(self.opened)} case(s) opened"
                f"{' (' + ', '.join(self.opened) + ')' if self.opened else ''}, "
                f"{len(self.reopened)} reopened"
                f"{' (' + ', '.join(self.reopened) + ')' if self.reopened else ''}, "
                f"{len(self.already_open)} already open.")


def sync_cases(session: Session, actor: Principal | None, evaluation: Evaluation,
               links: pd.DataFrame | None = None) -> SyncReport:
    """Open (or reopen) a case for every State triggered in this evaluation.

    Pass the evaluation of the *published* rule set; `links` (signal_id, issuer_id) makes the
    evidence hashes cover who spoke, not only what was said.
    """
    require(actor, "case.sync", session)
    report = SyncReport(as_of=evaluation.as_of, rule_set=evaluation.rules.label)
    as_of = date.fromisoformat(evaluation.as_of)
    table = evaluation.table
    for country in sorted(table.loc[table["status"] == "triggered", "country"]):
        open_case = session.scalar(select(ReviewCase).where(
            ReviewCase.country == country, ReviewCase.status != "closed"))
        if open_case is not None:
            report.already_open.append(country)
            continue
        closed = session.scalar(select(ReviewCase).where(ReviewCase.country == country)
                                .order_by(ReviewCase.id.desc()).limit(1))
        payload = _snapshot_payload(evaluation, country, links)
        if closed is None:
            case = ReviewCase(country=country, status="new", rule_set_id=payload["rule_set_id"],
                              rule_set_version=payload["rule_set_version"], opened_at=utcnow(),
                              updated_at=utcnow())
            session.add(case)
            session.flush()
            session.add(CaseSnapshot(case_id=case.id, seq=1, created_at=utcnow(), **payload))
            record_event(session, case, actor, "opened", data={"as_of": evaluation.as_of,
                                                         "rule_set": evaluation.rules.label})
            audit.record(session, actor, "case.open", "case", case.id,
                         after={"country": country, "status": "new", "as_of": evaluation.as_of,
                                "rule_set": evaluation.rules.label,
                                "evidence": sorted(payload["evidence"])})
            report.opened.append(country)
            continue
        if _triggers_again(session, closed, evaluation, country, as_of):
            seq = len(closed.snapshots) + 1
            before = {"status": closed.status}
            closed.status, closed.closed_at, closed.updated_at = "new", None, utcnow()
            closed.rule_set_id = payload["rule_set_id"]
            closed.rule_set_version = payload["rule_set_version"]
            session.add(CaseSnapshot(case_id=closed.id, seq=seq, created_at=utcnow(), **payload))
            session.flush()
            record_event(session, closed, actor, "reopened",
                   data={"as_of": evaluation.as_of, "snapshot": seq, "before": before,
                         "after": {"status": "new"}})
            audit.record(session, actor, "case.reopen", "case", closed.id, before=before,
                         after={"status": "new", "snapshot": seq, "as_of": evaluation.as_of})
            report.reopened.append(country)
        else:
            report.closed_no_new_evidence.append(country)
    session.flush()
    return report


def _triggers_again(session: Session, case: ReviewCase, evaluation: Evaluation, country: str,
                    as_of: date) -> bool:
    """Triggered again after the decision: a met criterion rests on evidence dated after it."""
    last = session.scalar(select(CaseDecision).where(CaseDecision.case_id == case.id)
                          .order_by(CaseDecision.id.desc()).limit(1))
    decided_on = _as_date(last.decided_at) if last is not None else _as_date(case.opened_at)
    if as_of <= decided_on:
        return False
    crit = evaluation.criteria
    mine = crit.loc[(crit["country"] == country) & crit["met"]]
    ids = {sid for ev in mine["evidence"] for sid in ev}
    sig = evaluation.signals
    dates = sig.loc[sig["signal_id"].isin(ids), "date"]
    return bool((dates.dt.date > decided_on).any())


def _as_date(value: datetime) -> date:
    if value.tzinfo is None:  # SQLite returns naive UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).date()

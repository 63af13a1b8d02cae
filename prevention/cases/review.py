"""The Bureau's review queue: cases opened by the engine (opening.py), reviewed and decided by
people.

A case freezes what the Bureau looks at (a snapshot: rule set and version, as-of date, every
criterion's result, and each evidence signal's id with a hash of its content, evidence.py).
Evidence that arrives later is compared against the snapshot and shown as "new since the case
opened"; the snapshot itself never changes. States: new -> in_review -> decided ->
closed; a closed case reopens (with a new snapshot) when the State is triggered again by
evidence dated after the last decision.

Every function here checks the actor's role itself (prevention.accounts.access.require), writes an
audit row in the same transaction, and leaves committing to the caller. A case carries a version
number: a save made from a stale version raises CaseConflict with the other reviewer's change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from prevention.accounts import audit
from prevention.accounts.access import Principal, require
from prevention.cases.evidence import evidence_hashes
from prevention.storage.models.review import (
    DECISION_ACTIONS,
    RATINGS,
    Account,
    CaseAssessment,
    CaseDecision,
    CaseEvent,
    ReviewCase,
    utcnow,
)
from triggers.evaluate import Evaluation
from triggers.rules import RuleSet

# The prevention actions the Bureau can consider (Glion III policy dialogues: proposals, not
# settled practice).
ACTION_LABELS: dict[str, str] = {
    "dialogue": "Dialogue and cooperation with the State concerned",
    "cooperation_mission": "Cooperation mission by the Council President or Bureau",
    "joint_mission": "Joint mission of the President and the High Commissioner",
    "hc_briefing": "Informal briefing by the High Commissioner",
    "special_session": "Prevention special session",
    "technical_assistance": "Technical assistance under item 10",
    "monitoring": "Continued monitoring",
    "no_action": "No action (reasons required)",
}
assert tuple(ACTION_LABELS) == DECISION_ACTIONS

STATE_LABELS = {"new": "New", "in_review": "In review", "decided": "Decided", "closed": "Closed"}
RATING_LABELS = {"positive": "Positive", "mixed": "Mixed", "negative": "Negative",
                 "unknown": "Not enough information"}
assert tuple(RATING_LABELS) == RATINGS

# Moves a reviewer makes by hand; `decided` is reached only by recording a decision and
# closed -> new only by the engine (reopen).
TRANSITIONS: dict[str, set[str]] = {
    "new": {"in_review"},
    "in_review": set(),
    "decided": {"in_review", "closed"},
    "closed": set(),
}


@lru_cache(maxsize=1)
def judgements() -> dict[str, str]:
    """The Irish Principles' reviewer judgements (id -> title), from the shipped rule set."""
    from triggers.rules import load_rule_set

    rules = load_rule_set("irish-principles-2016")
    return {j.id: j.title for j in rules.reviewer_judgements}


class CaseError(ValueError):
    """A case operation that cannot be done as asked (bad transition, missing rationale, ...)."""


class CaseNotFound(LookupError):
    pass


class CaseConflict(Exception):
    """Someone else saved the case after you loaded it. Nothing of yours was written.

    `theirs` lists their changes since your version (who, when, what, before/after); `yours`
    holds what you tried to save, so the page can show both and let you apply yours again.
    """

    def __init__(self, case_id: int, your_version: int, current_version: int,
                 theirs: list[dict], yours: dict):
        self.case_id, self.your_version, self.current_version = case_id, your_version, current_version
        self.theirs, self.yours = theirs, yours
        who = ", ".join(sorted({t["actor"] for t in theirs})) or "another session"
        what = "; ".join(t["summary"] for t in theirs) or "the case changed"
        super().__init__(
            f"Case {case_id} was changed by {who} since you opened it (your version {your_version}, "
            f"now {current_version}): {what}. Your changes were not saved; review theirs and "
            f"save yours again.")


def snapshot_rule_set(snapshot: dict) -> RuleSet:
    """The exact rule-set version a frozen record was made under."""
    from prevention.cases import rulesets

    return rulesets.stored_rule_set(snapshot["rule_set_id"], snapshot["rule_set_version"])


# ---------------------------------------------------------------------------------- history

def record_event(session: Session, case: ReviewCase, actor: Principal | None, kind: str,
                 body: str = "", data: dict | None = None) -> CaseEvent:
    """An entry in the case's own history (what changed, by whom, at which version)."""
    ev = CaseEvent(case_id=case.id, kind=kind, actor_id=None if actor is None else actor.id,
                   actor="system" if actor is None else actor.username, case_version=case.version,
                   body=body, data=json.loads(audit.to_json(data or {})), created_at=utcnow())
    session.add(ev)
    return ev


# ---------------------------------------------------------------------------------- reading

@dataclass(frozen=True)
class CaseView:
    id: int
    country: str
    status: str
    version: int
    rule_set_id: str
    rule_set_version: int
    assignee: str | None
    assignee_id: int | None
    opened_at: datetime
    decided_at: datetime | None
    closed_at: datetime | None
    snapshots: list[dict]  # oldest first; the last is the one under review
    events: list[dict]  # oldest first
    decisions: list[dict]  # oldest first
    assessments: dict[str, dict]  # judgement id -> latest {rating, note, author, created_at}
    assessment_history: list[dict]

    @property
    def snapshot(self) -> dict:
        return self.snapshots[-1]

    @property
    def comments(self) -> list[dict]:
        return [e for e in self.events if e["kind"] == "comment"]

    @property
    def decision(self) -> dict | None:
        return self.decisions[-1] if self.decisions else None


def _cols(obj, names) -> dict:
    return {n: getattr(obj, n) for n in names}


def queue(session: Session, viewer: Principal | None, statuses=("new", "in_review", "decided"),
          assignee_id: int | None = None) -> list[dict]:
    """The review queue: one row per case in the given states, oldest open first."""
    require(viewer, "case.view", session)
    stmt = select(ReviewCase).where(ReviewCase.status.in_(list(statuses)))
    if assignee_id is not None:
        stmt = stmt.where(ReviewCase.assignee_id == assignee_id)
    out = []
    for case in session.scalars(stmt.order_by(ReviewCase.opened_at, ReviewCase.id)):
        snap = case.snapshots[-1] if case.snapshots else None
        out.append({
            "case": case.id, "country": case.country, "status": case.status,
            "opened": case.opened_at, "as_of": snap.as_of if snap else None,
            "rule_set": f"{case.rule_set_id} v{case.rule_set_version}",
            "criteria_met": snap.criteria_met if snap else None,
            "assignee": case.assignee.username if case.assignee else "",
            "reopened": (len(case.snapshots) - 1) if case.snapshots else 0,
            "version": case.version,
        })
    return out


def get_case(session: Session, viewer: Principal | None, case_id: int) -> CaseView:
    require(viewer, "case.view", session)
    case = session.get(ReviewCase, case_id, populate_existing=True)
    if case is None:
        raise CaseNotFound(f"no case {case_id}")
    snaps = [_cols(s, ("seq", "rule_set_id", "rule_set_version", "as_of", "status", "criteria_met",
                       "criteria", "evidence", "created_at")) for s in case.snapshots]
    events = [_cols(e, ("id", "kind", "actor", "created_at", "case_version", "body", "data"))
              for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)
                                       .order_by(CaseEvent.id))]
    decisions = [_cols(d, ("id", "snapshot_seq", "action", "rationale", "decided_by", "decided_at"))
                 | {"label": ACTION_LABELS[d.action]}
                 for d in session.scalars(select(CaseDecision).where(CaseDecision.case_id == case_id)
                                          .order_by(CaseDecision.id))]
    history = [_cols(a, ("judgement", "rating", "note", "author", "created_at", "case_version"))
               for a in session.scalars(select(CaseAssessment).where(CaseAssessment.case_id == case_id)
                                        .order_by(CaseAssessment.id))]
    current = {a["judgement"]: a for a in history}
    return CaseView(
        id=case.id, country=case.country, status=case.status, version=case.version,
        rule_set_id=case.rule_set_id, rule_set_version=case.rule_set_version,
        assignee=case.assignee.username if case.assignee else None, assignee_id=case.assignee_id,
        opened_at=case.opened_at, decided_at=case.decided_at, closed_at=case.closed_at,
        snapshots=snaps, events=events, decisions=decisions, assessments=current,
        assessment_history=history)


def new_since(view: CaseView, evaluation: Evaluation, links: pd.DataFrame | None = None) -> pd.DataFrame:
    """Evidence for the State now that was not in the frozen record, or whose content changed.

    Columns: the signal's fields, `criterion_id`, and `change` ("new" or "changed since frozen").
    The frozen snapshot is not touched.
    """
    frozen = view.snapshot["evidence"]
    ev = evaluation.evidence(view.country)
    if ev.empty:
        return ev.assign(change=pd.Series(dtype=str))
    hashes = evidence_hashes(evaluation.signals, links, ev["signal_id"])
    change = ev["signal_id"].map(lambda s: "new" if s not in frozen
                                 else ("changed since frozen" if frozen[s] != hashes.get(s) else ""))
    out = ev.assign(change=change)
    return out.loc[out["change"] != ""].reset_index(drop=True)


# ---------------------------------------------------------------------------------- writing

def _summary(kind: str, data: dict) -> str:
    after = data.get("after", {})
    before = data.get("before", {})
    parts = []
    for key, value in after.items():
        if key == "assessments":
            for j, a in value.items():
                parts.append(f"{j} assessed {a['rating']}")
        else:
            parts.append(f"{key} {before.get(key)!s} -> {value!s}")
    return f"{kind}: " + (", ".join(parts) if parts else "changed")


def changes_since(session: Session, case_id: int, since_version: int) -> list[dict]:
    """Every change to the case after a version: who, when, what, before and after."""
    rows = session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == case_id, CaseEvent.case_version > since_version).order_by(CaseEvent.id))
    return [{"actor": e.actor, "at": e.created_at, "kind": e.kind, "version": e.case_version,
             "before": e.data.get("before", {}), "after": e.data.get("after", {}),
             "body": e.body, "summary": _summary(e.kind, e.data)} for e in rows]


def _load_for_write(session: Session, case_id: int, expected_version: int, yours: dict) -> ReviewCase:
    case = session.get(ReviewCase, case_id, populate_existing=True)
    if case is None:
        raise CaseNotFound(f"no case {case_id}")
    if case.version != expected_version:
        raise CaseConflict(case_id, expected_version, case.version,
                           changes_since(session, case_id, expected_version), yours)
    return case


def _flush_or_conflict(session: Session, case_id: int, expected_version: int, yours: dict) -> None:
    """Flush; if another transaction bumped the version meanwhile, report it as a conflict."""
    try:
        session.flush()
    except StaleDataError:
        # The UPDATE matched no row: the other save committed between our read and our write.
        # This transaction is dead (the caller rolls it back); read their change on another one.
        with Session(bind=session.get_bind()) as other:
            current = other.get(ReviewCase, case_id)
            raise CaseConflict(case_id, expected_version, current.version if current else -1,
                               changes_since(other, case_id, expected_version), yours) from None


_UNSET = object()


def save_case(session: Session, actor: Principal | None, case_id: int, expected_version: int, *,
              status: str | None = None, assignee: str | None | object = _UNSET,
              assessments: dict[str, tuple[str, str]] | None = None) -> CaseView:
    """Change a case's state, assignee and/or Irish-Principles assessments in one save.

    `assignee` is a username, None to unassign, or left out. `assessments` maps a judgement id
    (recognition, cooperation, access) to (rating, note). Raises CaseConflict when the case is
    no longer at `expected_version`.
    """
    yours = {k: v for k, v in {"status": status, "assessments": assessments}.items() if v}
    if assignee is not _UNSET:
        yours["assignee"] = assignee
    if not yours:
        raise CaseError("nothing to save")
    if status is not None:
        require(actor, "case.transition", session)
    if assignee is not _UNSET:
        require(actor, "case.assign", session)
    if assessments:
        require(actor, "case.assess", session)
    case = _load_for_write(session, case_id, expected_version, yours)
    # One UPDATE per save: autoflush before the lookups below would bump the version once
    # per lookup and let a stale write slip past the conflict handling.
    with session.no_autoflush:
        before: dict = {}
        after: dict = {}
        if status is not None and status != case.status:
            if status not in TRANSITIONS.get(case.status, set()):
                allowed = sorted(TRANSITIONS.get(case.status, set()))
                hint = " (record a decision to reach 'decided')" if status == "decided" else ""
                raise CaseError(f"a case that is {case.status!r} cannot move to {status!r}{hint}; "
                                f"allowed: {', '.join(allowed) or 'none'}")
            before["status"], after["status"] = case.status, status
            case.status = status
            if status == "closed":
                case.closed_at = utcnow()
        if assignee is not _UNSET:
            new_id = None
            if assignee:
                acc = session.scalar(select(Account).where(Account.username == assignee))
                if acc is None or acc.disabled or acc.role not in ("reviewer", "admin"):
                    raise CaseError(f"{assignee!r} is not an enabled reviewer or admin account")
                new_id = acc.id
            if new_id != case.assignee_id:
                before["assignee"] = case.assignee.username if case.assignee else None
                after["assignee"] = assignee or None
                case.assignee_id = new_id
        changed_assessments = {}
        if assessments:
            known = judgements()
            current = {a.judgement: a for a in session.scalars(
                select(CaseAssessment).where(CaseAssessment.case_id == case_id).order_by(CaseAssessment.id))}
            for jid, (rating, note) in assessments.items():
                if jid not in known:
                    raise CaseError(f"unknown judgement {jid!r}; known: {', '.join(known)}")
                if rating not in RATINGS:
                    raise CaseError(f"unknown rating {rating!r} for {jid}; allowed: {', '.join(RATINGS)}")
                note = (note or "").strip()
                cur = current.get(jid)
                if cur is not None and (cur.rating, cur.note) == (rating, note):
                    continue
                changed_assessments[jid] = {"rating": rating, "note": note}
                before.setdefault("assessments", {})[jid] = (
                    {"rating": cur.rating, "note": cur.note} if cur else None)
    if changed_assessments:
        after["assessments"] = changed_assessments
    if not after:
        return get_case(session, actor, case_id)
    # Touching the row also bumps the version when only assessments changed, so that a
    # concurrent save of the same case still conflicts.
    case.updated_at = utcnow()
    _flush_or_conflict(session, case_id, expected_version, yours)
    for jid, a in changed_assessments.items():
        session.add(CaseAssessment(case_id=case_id, judgement=jid, rating=a["rating"], note=a["note"],
                                   author_id=actor.id, author=actor.username, created_at=utcnow(),
                                   case_version=case.version))
    record_event(session, case, actor, "updated", data={"before": before, "after": after})
    audit.record(session, actor, "case.update", "case", case_id, before=before, after=after,
                 detail=f"{case.country} v{case.version}")
    session.flush()
    return get_case(session, actor, case_id)


def decide(session: Session, actor: Principal | None, case_id: int, expected_version: int,
           action: str, rationale: str) -> CaseView:
    """Record the Bureau's decision: the action, the reasons, who and when."""
    require(actor, "case.decide", session)
    rationale = (rationale or "").strip()
    yours = {"decision": {"action": action, "rationale": rationale}}
    if action not in ACTION_LABELS:
        raise CaseError(f"unknown action {action!r}; allowed: {', '.join(ACTION_LABELS)}")
    if not rationale:
        raise CaseError("a decision needs its rationale: say why the Bureau chose this action")
    case = _load_for_write(session, case_id, expected_version, yours)
    if case.status not in ("in_review", "decided"):
        raise CaseError(f"a case that is {case.status!r} cannot be decided; start the review first")
    before = {"status": case.status}
    now = utcnow()
    case.status, case.decided_at, case.updated_at = "decided", now, now
    _flush_or_conflict(session, case_id, expected_version, yours)
    seq = len(case.snapshots)
    session.add(CaseDecision(case_id=case_id, snapshot_seq=seq, action=action, rationale=rationale,
                             decided_by_id=actor.id, decided_by=actor.username, decided_at=now))
    after = {"status": "decided", "action": action, "rationale": rationale}
    record_event(session, case, actor, "decision", body=rationale, data={"before": before, "after": after})
    audit.record(session, actor, "case.decide", "case", case_id, before=before, after=after,
                 detail=f"{case.country}: {ACTION_LABELS[action]}")
    session.flush()
    return get_case(session, actor, case_id)


def comment(session: Session, actor: Principal | None, case_id: int, body: str) -> None:
    """Add a confidential comment. Comments never conflict: they only add, so no version check."""
    require(actor, "case.comment", session)
    body = (body or "").strip()
    if not body:
        raise CaseError("an empty comment was not saved")
    case = session.get(ReviewCase, case_id)
    if case is None:
        raise CaseNotFound(f"no case {case_id}")
    record_event(session, case, actor, "comment", body=body)
    audit.record(session, actor, "case.comment", "case", case_id, after={"comment": body},
                 detail=case.country)
    session.flush()

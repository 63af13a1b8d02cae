"""The Bureau's review queue: cases opened by the engine, reviewed and decided by people.

A case opens when a State is `triggered` under the published rule set as of an evaluation date
and no case is open for it. It freezes what the Bureau looks at (a snapshot: rule set and
version, as-of date, every criterion's result, and each evidence signal's id with a hash of its
content). Evidence that arrives later is compared against the snapshot and shown as "new since
the case opened"; the snapshot itself never changes. States: new -> in_review -> decided ->
closed; a closed case reopens (with a new snapshot) when the State is triggered again by
evidence dated after the last decision.

Every function here checks the actor's role itself (prevention.accounts.access.require), writes an
audit row in the same transaction, and leaves committing to the caller. A case carries a version
number: a save made from a stale version raises CaseConflict with the other reviewer's change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from prevention.accounts import audit
from prevention.accounts.access import Principal, require
from prevention.storage.models.review import (
    DECISION_ACTIONS,
    RATINGS,
    Account,
    CaseAssessment,
    CaseDecision,
    CaseEvent,
    CaseSnapshot,
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


# ---------------------------------------------------------------------------------- snapshots

SIGNAL_FIELDS = ("signal_id", "date", "country", "concern", "title", "url", "reference",
                 "summary", "language")


def signal_hash(row: dict, issuers: list[str]) -> str:
    """sha256 of a signal's content, so that an edit to a frozen piece of evidence shows."""
    content = {k: row.get(k) for k in SIGNAL_FIELDS}
    day = content.get("date")
    content["date"] = pd.Timestamp(day).date().isoformat() if day is not None else None
    content["concern"] = bool(content.get("concern"))
    content = {k: ("" if v is None or (isinstance(v, float) and pd.isna(v)) else v)
               for k, v in content.items()}
    content["issuers"] = sorted(set(issuers))
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def evidence_hashes(signals: pd.DataFrame, links: pd.DataFrame | None, ids) -> dict[str, str]:
    ids = list(dict.fromkeys(ids))
    rows = signals.loc[signals["signal_id"].isin(ids)]
    issuers: dict[str, list[str]] = {}
    if links is not None and not links.empty:
        mine = links.loc[links["signal_id"].isin(ids)]
        issuers = mine.groupby("signal_id")["issuer_id"].agg(list).to_dict()
    return {r["signal_id"]: signal_hash(r, issuers.get(r["signal_id"], []))
            for r in rows.to_dict("records")}


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


def _event(session: Session, case: ReviewCase, actor: Principal | None, kind: str,
           body: str = "", data: dict | None = None) -> CaseEvent:
    ev = CaseEvent(case_id=case.id, kind=kind, actor_id=None if actor is None else actor.id,
                   actor="system" if actor is None else actor.username, case_version=case.version,
                   body=body, data=json.loads(audit.to_json(data or {})), created_at=utcnow())
    session.add(ev)
    return ev


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
            _event(session, case, actor, "opened", data={"as_of": evaluation.as_of,
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
            _event(session, closed, actor, "reopened",
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
    _event(session, case, actor, "updated", data={"before": before, "after": after})
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
    _event(session, case, actor, "decision", body=rationale, data={"before": before, "after": after})
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
    _event(session, case, actor, "comment", body=body)
    audit.record(session, actor, "case.comment", "case", case_id, after={"comment": body},
                 detail=case.country)
    session.flush()

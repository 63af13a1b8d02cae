"""A case's life: trigger -> case -> review -> decision -> close -> reopen, and concurrent saves."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from prevention.accounts import audit
from prevention.cases import opening, review
from prevention.storage.db import session_scope
from prevention.storage.models.review import CaseSnapshot, ReviewCase
from tests.triggers.helpers import make_bundle, make_rules, sig, statement_by
from triggers.evaluate import evaluate

RULES = make_rules(statement_by("high_commissioner", ["high_commissioner"]),
                   statement_by("secretary_general", ["secretary_general"]))
BASE = [sig("hc-1", "2021-02-01", "MMR", "hc", reference="HC statement 1"),
        sig("sc-1", "2021-01-15", "MMR", "sc"),
        sig("hc-x", "2021-01-20", "FRA", "oth")]


def _eval(signals, as_of):
    bundle = make_bundle(signals)
    return bundle, evaluate(bundle, RULES, as_of)


def _open(engine, who, signals=BASE, as_of="2021-02-10"):
    bundle, ev = _eval(signals, as_of)
    with session_scope(engine) as s:
        report = opening.sync_cases(s, who, ev, bundle.links)
    return report, bundle, ev


def _case(engine, who, country="MMR"):
    with session_scope(engine) as s:
        cid = s.scalar(select(ReviewCase.id).where(ReviewCase.country == country)
                       .order_by(ReviewCase.id.desc()))
        return review.get_case(s, who, cid)


def test_trigger_opens_one_case_with_a_frozen_record(engine, users):
    rey = users["reviewer"]
    report, bundle, ev = _open(engine, rey)
    assert report.opened == ["MMR"]
    again, _, _ = _open(engine, rey)
    assert again.opened == [] and again.already_open == ["MMR"]
    case = _case(engine, rey)
    snap = case.snapshot
    assert (case.status, case.version, snap["seq"]) == ("new", 1, 1)
    assert (snap["rule_set_id"], snap["rule_set_version"], str(snap["as_of"])) == ("test", 1, "2021-02-10")
    hc = next(c for c in snap["criteria"] if c["criterion_id"] == "high_commissioner")
    assert hc["met"] and hc["evidence"] == ["hc-1"] and "2021-02-01" in hc["sentence"]
    assert set(snap["evidence"]) == {"hc-1"} and len(snap["evidence"]["hc-1"]) == 64
    with session_scope(engine) as s:
        assert [e.action for e in audit.query(s, users["admin"], audit.AuditFilter(action="case."))] \
            == ["case.open"]


def test_later_evidence_is_new_since_and_the_snapshot_does_not_move(engine, users):
    rey = users["reviewer"]
    _open(engine, rey)
    case = _case(engine, rey)
    edited = [dict(BASE[0], title="a corrected title")] + BASE[1:] + [
        sig("sg-1", "2021-03-01", "MMR", "sg"), sig("hc-2", "2021-03-02", "MMR", "hc")]
    bundle, later = _eval(edited, "2021-03-05")
    fresh = review.new_since(case, later, bundle.links)
    assert dict(zip(fresh["signal_id"], fresh["change"])) == {
        "sg-1": "new", "hc-2": "new", "hc-1": "changed since frozen"}
    with session_scope(engine) as s:
        opening.sync_cases(s, rey, later, bundle.links)  # the case is open: nothing is refrozen
    again = _case(engine, rey)
    assert again.snapshots == case.snapshots


def test_lifecycle_to_decision_close_and_reopen(engine, users):
    rey, rita = users["reviewer"], users["reviewer2"]
    _open(engine, rey)
    case = _case(engine, rey)
    with session_scope(engine) as s:
        with pytest.raises(review.CaseError, match="start the review"):
            review.decide(s, rey, case.id, case.version, "monitoring", "too early")
    with session_scope(engine) as s:
        case = review.save_case(s, rey, case.id, case.version, status="in_review", assignee="rita",
                                assessments={"recognition": ("negative", "denies any problem"),
                                             "access": ("unknown", "")})
    assert case.assignee == "rita" and case.assessments["recognition"]["rating"] == "negative"
    with session_scope(engine) as s:
        review.comment(s, rita, case.id, "Briefed the President's office.")
        with pytest.raises(review.CaseError, match="rationale"):
            review.decide(s, rita, case.id, case.version, "no_action", "  ")
        with pytest.raises(review.CaseError, match="unknown action"):
            review.decide(s, rita, case.id, case.version, "invade", "because")
    with session_scope(engine) as s:
        case = review.decide(s, rita, case.id, case.version, "hc_briefing",
                             "Ask the High Commissioner for an informal briefing.")
    assert case.status == "decided" and case.decision["decided_by"] == "rita"
    assert case.decision["label"] == "Informal briefing by the High Commissioner"
    assert [c["body"] for c in case.comments] == ["Briefed the President's office."]
    with session_scope(engine) as s:
        case = review.save_case(s, rita, case.id, case.version, status="closed")
    assert case.status == "closed"

    # Still triggered, but by nothing newer than the decision: stays closed.
    report, _, _ = _open(engine, rey, as_of="2021-02-12")
    assert report.reopened == [] and report.opened == []
    # Decision dates are real time (today); evidence dated after it reopens the case.
    from datetime import date, timedelta

    later = (date.today() + timedelta(days=2)).isoformat()
    report, _, _ = _open(engine, rey, signals=BASE + [sig("hc-9", later, "MMR", "hc")], as_of=later)
    assert report.reopened == ["MMR"]
    case = _case(engine, rey)
    assert case.status == "new" and [s["seq"] for s in case.snapshots] == [1, 2]
    assert "hc-9" in case.snapshot["evidence"] and "hc-9" not in case.snapshots[0]["evidence"]
    assert len(case.decisions) == 1  # the history stays


def test_transitions_are_checked(engine, users):
    rey = users["reviewer"]
    _open(engine, rey)
    case = _case(engine, rey)
    with session_scope(engine) as s:
        with pytest.raises(review.CaseError, match="record a decision"):
            review.save_case(s, rey, case.id, case.version, status="decided")
        with pytest.raises(review.CaseError, match="cannot move"):
            review.save_case(s, rey, case.id, case.version, status="closed")
        with pytest.raises(review.CaseError, match="not an enabled reviewer"):
            review.save_case(s, rey, case.id, case.version, assignee="vic")


def test_stale_save_gets_the_other_change_and_loses_nothing(engine, users):
    rey, rita = users["reviewer"], users["reviewer2"]
    _open(engine, rey)
    loaded = _case(engine, rey)  # both reviewers opened the case at version 1
    with session_scope(engine) as s:
        review.save_case(s, rita, loaded.id, loaded.version,
                         assessments={"cooperation": ("negative", "no reply to 12 communications")})
    with pytest.raises(review.CaseConflict) as err:
        with session_scope(engine) as s:
            review.save_case(s, rey, loaded.id, loaded.version, status="in_review",
                             assessments={"cooperation": ("mixed", "answered two")})
    conflict = err.value
    assert "rita" in str(conflict) and "cooperation" in str(conflict)
    assert conflict.theirs[0]["after"]["assessments"]["cooperation"]["note"] == "no reply to 12 communications"
    assert conflict.yours["assessments"]["cooperation"] == ("mixed", "answered two")
    current = _case(engine, rey)
    assert current.status == "new" and current.assessments["cooperation"]["rating"] == "negative"
    # Rey applies his change again on top of the current version: both are on the record.
    with session_scope(engine) as s:
        merged = review.save_case(s, rey, current.id, conflict.current_version, status="in_review",
                                  assessments={"cooperation": ("mixed", "answered two")})
    assert [a["author"] for a in merged.assessment_history] == ["rita", "rey"]


def test_two_sessions_saving_at_the_same_moment(engine, users, monkeypatch):
    """Both sessions pass the version check before either writes; the database decides."""
    rey, rita = users["reviewer"], users["reviewer2"]
    _open(engine, rey)
    loaded = _case(engine, rey)
    barrier = threading.Barrier(2, timeout=20)
    original = review._load_for_write

    def load_then_wait(session, case_id, expected, yours):
        case = original(session, case_id, expected, yours)
        barrier.wait()
        return case

    monkeypatch.setattr(review, "_load_for_write", load_then_wait)
    outcome = {}

    def save(who, judgement):
        try:
            with session_scope(engine) as s:
                review.save_case(s, who, loaded.id, loaded.version,
                                 assessments={judgement: ("negative", f"{who.username}'s note")})
            outcome[who.username] = "saved"
        except review.CaseConflict as exc:
            outcome[who.username] = exc

    threads = [threading.Thread(target=save, args=(rey, "access")),
               threading.Thread(target=save, args=(rita, "recognition"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(v == "saved" for v in outcome.values()) == [False, True], outcome
    winner = next(k for k, v in outcome.items() if v == "saved")
    loser_exc = next(v for v in outcome.values() if v != "saved")
    assert loser_exc.theirs and loser_exc.theirs[0]["actor"] == winner
    final = _case(engine, rey)
    assert final.version == loaded.version + 1
    assert [a["author"] for a in final.assessment_history] == [winner]


def test_one_open_case_per_state_even_when_two_syncs_race(engine, users):
    """The partial unique index is the last line: a second open case cannot be inserted."""
    from sqlalchemy.exc import IntegrityError

    _open(engine, users["reviewer"])
    with pytest.raises(IntegrityError):
        with session_scope(engine) as s:
            s.add(ReviewCase(country="MMR", status="new", rule_set_id="test", rule_set_version=1))
            s.flush()
    with session_scope(engine) as s:
        assert s.scalar(select(CaseSnapshot.seq)) == 1


def test_a_status_only_evaluation_cannot_freeze_a_record(engine, users):
    bundle = make_bundle(BASE)
    bare = evaluate(bundle, RULES, "2021-02-10", sentences=False)
    with session_scope(engine) as s:
        with pytest.raises(ValueError, match="sentences"):
            opening.sync_cases(s, users["reviewer"], bare, bundle.links)

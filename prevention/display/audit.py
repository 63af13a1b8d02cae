"""The audit log in words: one sentence per entry ('ada published the rule set glion-iii-2016
version 3: "agreed at the Bureau meeting".'), the minute it happened, and the recorded values
(before/after JSON) kept apart for a disclosure. Pure: takes audit.rows() dicts."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

SYSTEM_WORDS = "The system"


def _load(text) -> Any:
    if text is None or (isinstance(text, float) and pd.isna(text)) or text == "":
        return {}
    if isinstance(text, (dict, list)):
        return text
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return {"value": str(text)}


def _who(actor: str) -> str:
    return SYSTEM_WORDS if not actor or actor == "system" else actor


def _word(value) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


def _changes(before: dict, after: dict, skip=()) -> str:
    """'role viewer → admin, disabled no → yes'."""
    parts = []
    for key, new in after.items():
        if key in skip:
            continue
        if key == "assessments" and isinstance(new, dict):
            parts += [f"{_word(j)} assessed {_word((a or {}).get('rating'))}" for j, a in new.items()]
            continue
        old = before.get(key) if isinstance(before, dict) else None
        parts.append(f"{_word(key)} {_word(old)} → {_word(new)}" if key in (before or {})
                     else f"{_word(key)} {_word(new)}")
    return ", ".join(parts)


def _quoted(detail: str) -> str:
    return f': “{detail}”' if detail else ""


def _counts(after: dict, keys=("accepted", "duplicates", "quarantined", "skipped")) -> str:
    shown = [f"{after[k]} {k}" for k in keys if isinstance(after.get(k), int)]
    return f" ({', '.join(shown)})" if shown else ""


def shown_name(name) -> str:
    """A file's name without the server folder it was read from ('/tmp/upload-x/a.csv' ->
    'a.csv'); web addresses (a fetched page) stay whole."""
    text = "" if name is None else str(name)
    if "://" in text:
        return text
    return text.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def without_folder(text: str, folder) -> str:
    """`text` with every mention of a server folder (an upload's temporary directory) cut, so
    that '/tmp/upload-x1/bundle/signals.csv, row 3' reads 'bundle/signals.csv, row 3'."""
    base = str(folder).rstrip("/")
    return str(text).replace(base + "/", "").replace(base, "")


def audit_sentence(row: dict) -> str:
    """One audit.rows() entry as a sentence."""
    who = _who(row.get("actor", ""))
    action = row.get("action", "")
    entity, eid = row.get("entity_type", ""), str(row.get("entity_id", "") or "")
    before, after = _load(row.get("before")), _load(row.get("after"))
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    detail = str(row.get("detail") or "")
    rid, _, version = eid.partition("@")

    if action == "case.open":
        return (f"{who} opened case {eid} for {after.get('country', '?')}: triggered as of "
                f"{after.get('as_of', '?')} under {after.get('rule_set', '?')}.")
    if action == "case.reopen":
        return (f"{who} reopened case {eid} with frozen record {after.get('snapshot', '?')}, "
                f"as of {after.get('as_of', '?')}.")
    if action == "case.update":
        changed = _changes(before, after)
        return f"{who} updated case {eid}" + (f": {changed}." if changed else ".")
    if action == "case.decide":
        return f"{who} recorded the decision on case {eid}{_quoted(detail.split(': ', 1)[-1])}."
    if action == "case.comment":
        return f"{who} added a confidential comment to case {eid}."
    if action == "brief.export":
        return f"{who} downloaded the situation brief of case {eid} ({detail})." if detail else \
            f"{who} downloaded the situation brief of case {eid}."
    if action == "ruleset.publish":
        return f"{who} published the rule set {rid} version {version}{_quoted(detail)}."
    if action == "ruleset.save":
        return f"{who} saved the rule set {rid} version {version}{_quoted(detail)}."
    if action == "import.run":
        return f"{who} imported {shown_name(detail) or 'a file'} (import #{eid}){_counts(after)}."
    if action == "coverage.declare":
        if entity == "import":
            return f"Import #{eid} declared what it searched{_quoted(detail)}."
        what = ", ".join(str(after[k]) for k in ("source", "issuer_kind", "country") if after.get(k))
        span = f" from {after['start']} to {after['end']}" if after.get("start") else ""
        return f"{who} declared coverage row #{eid} ({_word(what)}){span}."
    if action == "coverage.end":
        return f"{who} ended coverage row #{eid}: {_changes(before, after) or 'changed'}."
    if action == "quarantine.fix":
        return f"{who} fixed quarantined row #{eid}; it was stored (import #{after.get('import_id', '?')})."
    if action == "quarantine.edit":
        return f"{who} edited quarantined row #{eid}; still refused: {after.get('reason', '?')}"
    if action == "source.fetch":
        return f"{who} fetched a page of {eid}{_counts(after, ('new', 'accepted', 'duplicates', 'quarantined', 'skipped'))}."
    if action == "source.reparse":
        return f"{who} rebuilt {eid} from its archive."
    if action == "account.add":
        role = after.get("role")
        return f"{who} added the account {detail or after.get('username', eid)}" + \
            (f" ({role})." if role else ".")
    if action == "account.set_password":
        return f"{who} set the password of {detail or 'account ' + eid}; its sessions ended."
    if action.startswith("account."):
        changed = _changes(before, after)
        verb = action.split(".", 1)[1].replace("_", " ")
        return f"{who} changed the account {detail or eid} ({verb})" + \
            (f": {changed}." if changed else ".")
    if action == "api_token.create":
        return f"{who} created an API token (#{eid}){_quoted(detail)}."
    if action == "api_token.revoke":
        return f"{who} revoked API token #{eid}."
    if action == "sign_in.lockout":
        return f"Sign-in locked for {eid.split(':', 1)[-1]} after repeated failures{_quoted(detail)}."
    if action == "audit.export":
        return f"{who} exported {after.get('rows', '?')} audit entries."
    target = f" {entity.replace('_', ' ')} {eid}".rstrip() if entity else ""
    return f"{who}: {action}{target}{_quoted(detail)}."


def minute(value) -> str:
    """'YYYY-MM-DD HH:MM' (UTC, as stored): no seconds, no microseconds, no offset."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def audit_table(rows: list[dict]) -> pd.DataFrame:
    """The log for the page: entry number, when (UTC, to the minute), who, what (a sentence)."""
    return pd.DataFrame({
        "Entry": [r.get("id") for r in rows],
        "When (UTC)": [minute(r.get("at")) for r in rows],
        "Who": [_who(r.get("actor", "")) for r in rows],
        "What": [audit_sentence(r) for r in rows],
    }, columns=["Entry", "When (UTC)", "Who", "What"])


def recorded_values(row: dict) -> dict:
    """What an entry recorded, for the disclosure: action, entity and the values before and
    after, parsed from their JSON."""
    return {"action": row.get("action"), "entity": f"{row.get('entity_type')} {row.get('entity_id')}",
            "detail": row.get("detail") or "", "before": _load(row.get("before")) or None,
            "after": _load(row.get("after")) or None}

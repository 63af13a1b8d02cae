"""The Bureau review page's tables: the queue, a frozen record's evidence and what is new since,
in words (State names, criterion titles, ISO dates), not the stored columns."""

from __future__ import annotations

import pandas as pd

from prevention.display.coverage import category_label
from prevention.display.status import iso
from prevention.display.text import link_column
from prevention.web.views.countries import country_names
from triggers.bundle import Bundle
from triggers.rules import RuleSet

STATE_WORDS = {"new": "New", "in_review": "In review", "decided": "Decided", "closed": "Closed"}


def minute(value) -> str:
    """A moment as 'YYYY-MM-DD HH:MM' (UTC as stored), '' when missing: no seconds, no
    microseconds, no time-zone suffix."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def review_queue_table(rows: list[dict], countries: pd.DataFrame) -> pd.DataFrame:
    """review.queue() rows for display: case number, State by name, status in words, the day
    it opened, the frozen record's as-of date and rule set, criteria met, who has it."""
    cols = ["Case", "State", "ISO3", "Status", "Opened", "As of", "Rule set", "Criteria met",
            "Assigned to", "Reopened"]
    if not rows:
        return pd.DataFrame(columns=cols)
    q = pd.DataFrame(rows)
    return pd.DataFrame({
        "Case": q["case"].to_numpy(),
        "State": country_names(countries, q["country"]).to_numpy(),
        "ISO3": q["country"].to_numpy(),
        "Status": [STATE_WORDS.get(s, s) for s in q["status"]],
        "Opened": [iso(v) for v in q["opened"]],
        "As of": [iso(v) for v in q["as_of"]],
        "Rule set": q["rule_set"].to_numpy(),
        "Criteria met": q["criteria_met"].to_numpy(),
        "Assigned to": [a or "nobody" for a in q["assignee"]],
        "Reopened": [f"{n} time{'s' if n != 1 else ''}" if n else "" for n in q["reopened"]],
    }, columns=cols)


def frozen_evidence_table(bundle: Bundle, evidence: dict[str, str]) -> pd.DataFrame:
    """The signals of a frozen record as they read now, newest first: date, issuers,
    reference, title, category and a link; a signal since deleted says so."""
    from prevention.web.views.country import issuer_names

    signals = bundle.signals
    ev = signals.loc[signals["signal_id"].isin(list(evidence))].sort_values(
        "date", ascending=False)
    names = issuer_names(bundle, ev["signal_id"])
    gone = sorted(set(evidence) - set(ev["signal_id"]))
    category = ev["category"].fillna("") if "category" in ev else pd.Series("", index=ev.index)
    table = pd.DataFrame({
        "Date": [iso(v) for v in ev["date"]] + [""] * len(gone),
        "Issuers": list(ev["signal_id"].map(names).fillna("")) + [""] * len(gone),
        "Reference": list(ev["reference"].fillna("")) + [""] * len(gone),
        "Title": list(ev["title"].fillna("")) + ["(no longer in the database)"] * len(gone),
        "Category": [category_label(c) for c in category] + [""] * len(gone),
        "Source": list(ev["url"]) + [None] * len(gone),
    })
    return link_column(table, "Source")


CHANGE_WORDS = {"new": "new", "changed since frozen": "changed since it was frozen"}


def new_evidence_table(fresh: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """review.new_since() for display: the change, the criterion by its title, date,
    reference, title and link."""
    titles = {c.id: (c.title or c.id) for c in rules.criteria}
    table = pd.DataFrame({
        "Change": [CHANGE_WORDS.get(c, c) for c in fresh["change"]],
        "Criterion": [titles.get(c, c) for c in fresh["criterion_id"]],
        "Date": [iso(v) for v in fresh["date"]],
        "Reference": fresh["reference"].fillna("").to_numpy(),
        "Title": fresh["title"].fillna("").to_numpy(),
        "Source": fresh["url"].to_numpy(),
    })
    return link_column(table, "Source")

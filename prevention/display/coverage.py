"""What the data loaded lets a criterion say, in words (docs/criteria.md, "Coverage")."""

from __future__ import annotations

import pandas as pd

from prevention.display.status import NO_DATA, iso
from triggers.rules import RuleSet
from triggers.vocabulary import KIND_LABELS, UNCATEGORISED

# ---------------------------------------------------------------- coverage in words

NOT_RECORDED = "coverage not recorded (frozen before coverage was recorded)"
# A criterion's result as the pages word it: "not met" only where every day was searched.
PARTIAL_NOT_MET = "not met in the data loaded"
RESULT_MARKS = {"met": "✓ met", "not met": "— not met", PARTIAL_NOT_MET: "◐ not met in the data loaded",
                NO_DATA: "∅ no data", "disabled": "disabled"}


def criterion_result(met: bool, enabled: bool, coverage: str | None) -> str:
    """'met', 'not met' (searched every day), 'not met in the data loaded' (partly searched),
    'no data' (not searched), or 'disabled'. A missing coverage (a record frozen before
    coverage existed) reads 'not met', as it did then."""
    if not enabled:
        return "disabled"
    if met:
        return "met"
    if coverage in (None, "full"):
        return "not met"
    return PARTIAL_NOT_MET if coverage == "partial" else NO_DATA


def _window_end(window_start, window_days) -> str:
    return iso(pd.Timestamp(window_start) + pd.Timedelta(days=int(window_days) - 1))


def coverage_words(record, kinds=()) -> str:
    """One criterion's coverage as a sentence, from an engine row (or a frozen record) with
    coverage, covered_days, window_days, window_start and coverage_sources:
    'Coverage: full (undl-2025-10).', 'Coverage: partial, 120 of 365 days (undl-2025-10).',
    'Coverage: no data loaded for these days (2025-03-02 to 2026-03-01).'
    With the criterion's `kinds`, a partial one reading several says its days are those of
    the least searched kind (the engine's covered_days is the smallest over its kinds)."""
    state = record.get("coverage")
    if not state:
        return NOT_RECORDED[0].upper() + NOT_RECORDED[1:] + "."
    sources = ", ".join(record.get("coverage_sources") or [])
    named = f" ({sources})" if sources else ""
    if state == "full":
        return f"Coverage: full{named}."
    days = int(record.get("window_days") or 0)
    if state == "partial":
        least = ""
        if len(kinds) > 1:
            names = [KIND_LABELS.get(k, k) for k in kinds]
            least = f" for the least searched of {', '.join(names[:-1])} and {names[-1]}"
        return (f"Coverage: partial, {int(record.get('covered_days') or 0)} of {days} days "
                f"searched completely{least}{named}.")
    span = ""
    if record.get("window_start") and days:
        span = f" ({iso(record['window_start'])} to {_window_end(record['window_start'], days)})"
    return f"Coverage: no data loaded for these days{span}."


def found_needed(value, threshold) -> str:
    """'7 found, 4 needed': a criterion's count beside its threshold, in words."""
    return f"{value} found, {threshold} needed"


def criterion_cell(met: bool, value: int, threshold: int, coverage: str = "full",
                   covered_days: int = 0, window_days: int = 0) -> str:
    """An Overview cell: 'met: 7 found, 4 needed'; 'not met: ...' only when every day was
    searched; else 'partial: 120 of 365 days searched completely' or 'no data' (with what was found, if
    anything, in brackets)."""
    if met:
        return f"met: {found_needed(value, threshold)}"
    if coverage == "full":
        return f"not met: {found_needed(value, threshold)}"
    found = f" ({found_needed(value, threshold)})" if value else ""
    if coverage == "partial":
        return f"partial: {covered_days} of {window_days} days searched completely{found}"
    return NO_DATA + found


def kind_title(kind: str) -> str:
    """An issuer kind as a heading: 'The Security Council', 'Special Procedures mandates'."""
    label = KIND_LABELS.get(kind, kind)
    return label[:1].upper() + label[1:]


# Kinds no shipped rule set counts: never searched is no gap worth a warning.
UNCOUNTED_KINDS = ("ohchr", "other")


# ---------------------------------------------------------------- categories (issue 13)

def category_label(category: str) -> str:
    """'peace_operation' -> 'peace operation'; '' (or a missing value) stays ''."""
    return category.replace("_", " ") if isinstance(category, str) else ""


def category_options(signals: pd.DataFrame, listed=None) -> list[str]:
    """The categories a statement_by criterion can be limited to: those of the loaded
    signals, any the rule already lists, and 'uncategorised' (signals without one)."""
    present = {c for c in signals["category"].unique() if c} if "category" in signals else set()
    return sorted(present | set(listed or []) - {UNCATEGORISED}) + [UNCATEGORISED]


def frozen_criteria(criteria: list[dict], rules: RuleSet | None = None) -> pd.DataFrame:
    """A frozen record's criteria (a review snapshot's) for display: title (from the rule set
    it was frozen under, else the id), result, found / needed, the sentence then, and the
    coverage then (NOT_RECORDED for a record frozen before coverage was recorded)."""
    titles = {c.id: (c.title or c.id) for c in rules.criteria} if rules is not None else {}
    kinds = {c.id: c.kinds for c in rules.criteria} if rules is not None else {}
    rows = [{
        "Criterion": titles.get(c["criterion_id"], c["criterion_id"]),
        "Result": criterion_result(c["met"], c.get("enabled", True), c.get("coverage")),
        "Found / needed": found_needed(c["value"], c["threshold"]),
        "What the record shows": c.get("sentence", ""),
        "Coverage": coverage_words(c, kinds.get(c["criterion_id"], ())),
    } for c in criteria]
    return pd.DataFrame(rows, columns=["Criterion", "Result", "Found / needed",
                                       "What the record shows", "Coverage"])

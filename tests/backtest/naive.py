"""The back-test's definitions (issue 6, docs/backtest.md) executed literally, for comparison.

Status comes from evaluate() called once per day; warned, lead time and followed are plain
loops over days. No code is shared with triggers/backtest.py, so a disagreement points at one
of the two readings of the definitions rather than at a shared helper.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from triggers.evaluate import evaluate
from triggers.prepared import prepare


def _d(value) -> date:
    return date.fromisoformat(str(value)[:10])


def triggered_days(bundle, rules, countries, first: date, last: date) -> dict[str, set[date]]:
    """Every State's triggered days from first to last, one evaluate() per day."""
    out = {c: set() for c in countries}
    indexed = prepare(bundle, countries)  # what evaluate() builds itself, built once
    day = first
    while day <= last:
        table = evaluate(indexed, rules, day.isoformat(), sentences=False).table
        for c in table.loc[table["status"] == "triggered", "country"]:
            out[c].add(day)
        day += timedelta(days=1)
    return out


def history_start(bundle, outcomes, start: date, lookback: int) -> date:
    """Before the earliest signal or outcome every State is clear under every method."""
    candidates = [start - timedelta(days=lookback)]
    if len(bundle.signals):
        candidates.append(_d(bundle.signals["date"].min()))
    if len(outcomes):
        candidates.append(_d(outcomes["date"].min()))
    return min(candidates)


def score(trig: dict[str, set[date]], outcomes, start, end, lookback: int, horizon: int) -> dict:
    start, end = _d(start), _d(end)
    located = [(c, _d(d), ref) for c, d, ref in
               zip(outcomes["country"], outcomes["date"], outcomes["reference"]) if c]
    per_outcome = {}
    for c, o, ref in located:
        if not (start <= o <= end):
            continue
        days = trig.get(c, set())
        window = [o - timedelta(days=k) for k in range(1, lookback + 1)]
        hits = [d for d in window if d in days]
        if not hits:
            per_outcome[(c, ref)] = (False, None)
            continue
        first = max(hits)
        while first - timedelta(days=1) in days:
            first -= timedelta(days=1)
        per_outcome[(c, ref)] = (True, (o - first).days)
    episodes = {}
    for c, days in trig.items():
        for d in sorted(days):
            if d - timedelta(days=1) in days:
                continue
            e = d
            while e + timedelta(days=1) in days:
                e += timedelta(days=1)
            if e < start:
                continue
            followed = any(oc == c and d <= o <= e + timedelta(days=horizon)
                           for oc, o, _ in located)
            episodes[(c, d.isoformat(), e.isoformat())] = followed
    leads = [lead for ok, lead in per_outcome.values() if ok]
    return {
        "outcomes": per_outcome,
        "episodes": episodes,
        "recall": sum(ok for ok, _ in per_outcome.values()) / len(per_outcome) if per_outcome else None,
        "precision": sum(episodes.values()) / len(episodes) if episodes else None,
        "lead_days_median": float(np.median(leads)) if leads else None,
    }


def naive_backtest(bundle, rules, outcomes, start, end, lookback=365, horizon=365) -> dict:
    countries = sorted(set(bundle.signals["country"]) | {c for c in outcomes["country"] if c})
    first = history_start(bundle, outcomes, _d(start), lookback)
    trig = triggered_days(bundle, rules, countries, first, _d(end))
    return score(trig, outcomes, start, end, lookback, horizon)

"""The back-test's definitions (docs/backtest.md) executed literally, for comparison.

Status comes from evaluate() called once per day; warned, fresh, lead time, followed, onsets,
coverage and every baseline are plain loops over days and sets of dates. No code is shared
with triggers/backtest/, so a disagreement points at one of the two readings of the
definitions rather than at a shared helper.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from triggers.evaluate import evaluate
from triggers.prepared import prepare
from triggers.rules import parse_rule_set
from triggers.vocabulary import ISSUER_KINDS

ONE = timedelta(days=1)


def _d(value) -> date:
    return date.fromisoformat(str(value)[:10])


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += ONE


def statuses(bundle, rules, countries, first: date, last: date) -> dict[date, object]:
    """evaluate() once per day from first to last: the status table of every day."""
    indexed = prepare(bundle, countries)  # what evaluate() builds itself, built once
    return {day: evaluate(indexed, rules, day.isoformat(), sentences=False).table
            for day in _days(first, last)}


def triggered_days(bundle, rules, countries, first: date, last: date) -> dict[str, set[date]]:
    """Every State's triggered days from first to last, one evaluate() per day."""
    out = {c: set() for c in countries}
    for day, table in statuses(bundle, rules, countries, first, last).items():
        for c in table.loc[table["status"] == "triggered", "country"]:
            if c in out:
                out[c].add(day)
    return out


def history_start(bundle, outcomes, start: date, lookback: int) -> date:
    """Before the earliest signal or outcome every State is clear under every method."""
    candidates = [start - timedelta(days=lookback)]
    if len(bundle.signals):
        candidates.append(_d(bundle.signals["date"].min()))
    if len(outcomes):
        candidates.append(_d(outcomes["date"].min()))
    return min(candidates)


def episodes_of(days: set[date]) -> list[tuple[date, date]]:
    """Maximal runs of consecutive days."""
    out = []
    for d in sorted(days):
        if d - ONE in days:
            continue
        e = d
        while e + ONE in days:
            e += ONE
        out.append((d, e))
    return out


def score(trig: dict[str, set[date]], outcomes, start, end, lookback: int, horizon: int,
          quiet: int = 365, covered: dict | None = None) -> dict:
    """Warned, fresh, lead, followed and onsets by the definitions, with plain loops."""
    start, end = _d(start), _d(end)
    located = [(c, _d(d), ref) for c, d, ref in
               zip(outcomes["country"], outcomes["date"], outcomes["reference"]) if c in trig]
    per_outcome, fresh = {}, {}
    for c, o, ref in located:
        if not (start <= o <= end):
            continue
        days = trig[c]
        window = [o - timedelta(days=k) for k in range(1, lookback + 1)]
        hits = [d for d in window if d in days]
        # Fresh: some run's first day lies inside the lookback.
        fresh[(c, ref)] = any(d - ONE not in days for d in hits)
        if not hits:
            per_outcome[(c, ref)] = (False, None)
            continue
        first = max(hits)
        while first - ONE in days:
            first -= ONE
        per_outcome[(c, ref)] = (True, (o - first).days)
    episodes, onsets = {}, {}
    for c, days in trig.items():
        for d, e in episodes_of(days):
            if e < start:
                continue
            followed = any(oc == c and d <= o <= e + timedelta(days=horizon)
                           for oc, o, _ in located)
            key = (c, d.isoformat(), e.isoformat())
            episodes[key] = followed
            onsets[key] = not any(d - timedelta(days=k) in days for k in range(1, quiet + 1))
    range_days = sum(1 for _ in _days(start, end))
    inside = sum(1 for days in trig.values() for d in days if start <= d <= end)
    covered = covered if covered is not None else {k: True for k in per_outcome}

    def recall(keys):
        return sum(per_outcome[k][0] for k in keys) / len(keys) if keys else None

    def median(values):
        return float(np.median(values)) if values else None

    onset_keys = [k for k, is_onset in onsets.items() if is_onset]
    cov_keys = [k for k in per_outcome if covered[k]]
    warned = [k for k, (ok, _) in per_outcome.items() if ok]
    return {
        "outcomes": per_outcome,
        "fresh": fresh,
        "episodes": episodes,
        "onsets": onsets,
        "recall": recall(list(per_outcome)),
        "recall_fresh": (sum(fresh.values()) / len(fresh)) if fresh else None,
        "chronic_share": (sum(not fresh[k] for k in warned) / len(warned)) if warned else None,
        "precision": sum(episodes.values()) / len(episodes) if episodes else None,
        "precision_onsets": (sum(episodes[k] for k in onset_keys) / len(onset_keys)
                             if onset_keys else None),
        "lead_days_median": median([lead for ok, lead in per_outcome.values() if ok]),
        "lead_days_median_fresh": median([per_outcome[k][1] for k in per_outcome if fresh[k]]),
        "triggered_share": inside / (len(trig) * range_days),
        "recall_covered": recall(cov_keys),
        "lead_days_median_covered": median([per_outcome[k][1] for k in cov_keys
                                            if per_outcome[k][0]]),
    }


# ---------------------------------------------------------------------------- baselines

def previous_outcome_days(outcomes, states, first: date, last: date) -> dict[str, set[date]]:
    """Triggered on d when the State has an outcome dated in [d - 730, d - 1]."""
    dated = {c: [_d(d) for cc, d in zip(outcomes["country"], outcomes["date"]) if cc == c]
             for c in states}
    return {c: {d for d in _days(first, last)
                if any(d - timedelta(days=730) <= x <= d - ONE for x in dated[c])}
            for c in states}


def persistence_days(outcomes, states, first: date, last: date) -> dict[str, set[date]]:
    """Triggered on every day of year Y when the State had an outcome in year Y-2 or Y-1."""
    years = {c: {_d(d).year for cc, d in zip(outcomes["country"], outcomes["date"]) if cc == c}
             for c in states}
    return {c: {d for d in _days(first, last) if {d.year - 1, d.year - 2} & years[c]}
            for c in states}


def one_criterion(rules, kinds: list[str]):
    """A rule set of one statement_by criterion: one signal of concern by these kinds."""
    return parse_rule_set({"id": "naive", "title": "naive", "source": "tests",
                           "window_days": rules.window_days,
                           "criteria": [{"id": "one", "type": "statement_by",
                                         "issuer_kinds": kinds, "min_signals": 1}]})


# ---------------------------------------------------------------------------- coverage

def covered_day(bundle, kinds, country: str, day: date) -> bool:
    """Some complete row of each kind, for the State or every State, covers the day."""
    cov = bundle.coverage
    if cov is None:
        return True
    for kind in kinds:
        if not any(r.issuer_kind == kind and r.completeness == "complete"
                   and r.country in ("", country) and _d(r.start) <= day <= _d(r.end)
                   for r in cov.itertuples()):
            return False
    return True


def outcome_covered(bundle, rules, outcomes, start, end, lookback) -> dict:
    """Per scored outcome: some enabled criterion covered every day of [o - L, o - 1]."""
    out = {}
    for c, o, ref in zip(outcomes["country"], outcomes["date"], outcomes["reference"]):
        o = _d(o)
        if not c or not (_d(start) <= o <= _d(end)):
            continue
        out[(c, ref)] = any(all(covered_day(bundle, crit.kinds, c, o - timedelta(days=k))
                                for k in range(1, lookback + 1))
                            for crit in rules.enabled_criteria)
    return out


# ---------------------------------------------------------------------------- everything

def naive_backtest(bundle, rules, outcomes, start, end, lookback=365, horizon=365, *,
                   states=None, kinds=None, quiet=365, draws=0, seed=0) -> dict:
    """The rule set and every baseline, scored by the definitions (the "rules" entries are
    also at the top level, as before the baselines were added)."""
    if kinds is not None:
        outcomes = outcomes[outcomes["kind"].isin(kinds)]
    if states is None:
        states = sorted(set(bundle.signals["country"]) | {c for c in outcomes["country"] if c})
    states = sorted(states)
    outcomes = outcomes[outcomes["country"].isin(states) | (outcomes["country"] == "")]
    first = history_start(bundle, outcomes, _d(start), lookback)
    last = _d(end)
    covered = outcome_covered(bundle, rules, outcomes, start, end, lookback)
    tables = statuses(bundle, rules, sorted(set(states) | set(bundle.signals["country"])),
                      first, last)
    trig = {c: {d for d, t in tables.items()
                if (t.loc[t["country"] == c, "status"] == "triggered").any()} for c in states}
    grids = {
        "rules": trig,
        "previous_outcome": previous_outcome_days(outcomes, states, first, last),
        "any_signal": triggered_days(bundle, one_criterion(rules, list(ISSUER_KINDS)), states,
                                     first, last),
        "ga_sc": triggered_days(bundle, one_criterion(rules, ["general_assembly",
                                                              "security_council"]),
                                states, first, last),
        "persistence": persistence_days(outcomes, states, first, last),
    }
    methods = {m: score(g, outcomes, start, end, lookback, horizon, quiet, covered)
               for m, g in grids.items()}
    out = dict(methods["rules"])
    out["methods"] = methods
    out["covered"] = covered
    # Random: draw i gives State states[perm[i]] the rule set's triggered days of states[i].
    rng = np.random.default_rng(seed)
    draws_scored = []
    for _ in range(draws):
        perm = rng.permutation(len(states))
        moved = {states[perm[i]]: trig[c] for i, c in enumerate(states)}
        draws_scored.append(score(moved, outcomes, start, end, lookback, horizon, quiet, covered))
    out["random"] = draws_scored
    # Calibration: criteria met on each onset's first day, and on each warning's first day.
    met_on = {(c, d): int(tables[d].set_index("country").loc[c, "criteria_met"])
              for c in states for d in trig[c] if d - ONE not in trig[c]}
    rules_score = methods["rules"]
    bands = {"1": (1, 1), "2": (2, 2), "3+": (3, 99)}
    calibration = {}
    for band, (lo, hi) in bands.items():
        keys = [k for k, on in rules_score["onsets"].items()
                if on and lo <= met_on[(k[0], _d(k[1]))] <= hi]
        warned = 0
        for (c, ref), (ok, lead) in rules_score["outcomes"].items():
            if ok:
                o = next(_d(d) for cc, d, r in zip(outcomes["country"], outcomes["date"],
                                                   outcomes["reference"]) if (cc, r) == (c, ref))
                warned += lo <= met_on[(c, o - timedelta(days=lead))] <= hi
        calibration[band] = (len(keys), sum(rules_score["episodes"][k] for k in keys), warned)
    out["calibration"] = calibration
    return out

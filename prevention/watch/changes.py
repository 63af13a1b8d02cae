"""What changed: every day a State's status changed, the criteria that moved it and the
signals that did (a signal entering a criterion's window, or leaving it), and the monthly
digest built from them (the What changed page, its feed, the API and the watchlist feeds).

Statuses come from the engine (triggers.timeline, triggers.evaluate) on the stored data; the
digest explains a change by evaluating the day before it and the day itself and comparing
the criteria. Pure: a Prepared bundle and a rule set in, plain records out.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from prevention.display.coverage import criterion_result
from prevention.watch.severity import severity
from triggers.evaluate import Evaluation, evaluate
from triggers.prepared import Prepared
from triggers.rules import RuleSet
from triggers.timeline import Timeline, timeline
from triggers.vocabulary import STATUSES

# The statuses the digest follows in and out (a State leaving one of them for `clear` is
# listed under "left").
FOLLOWED = ("triggered", "watch", "undetermined")


@dataclass(frozen=True)
class CriterionMove:
    """One criterion whose result, count or coverage differs between the day before a change
    and the day of it."""

    criterion_id: str
    title: str
    before: str  # criterion_result: met | not met | not met in the data loaded | no data
    after: str
    value_before: int
    value_after: int
    threshold: int
    coverage_before: str
    coverage_after: str
    added: tuple[str, ...] = ()  # signal ids that entered its evidence that day
    removed: tuple[str, ...] = ()  # signal ids that left it (out of the window)

    def words(self) -> str:
        """'The High Commissioner for Human Rights: not met → met (0 → 1 of 1)'."""
        moved = f"{self.before} → {self.after}" if self.before != self.after else self.after
        text = f"{self.title}: {moved} ({self.value_before} → {self.value_after} of {self.threshold})"
        if self.coverage_before != self.coverage_after:
            text += f"; coverage {self.coverage_before} → {self.coverage_after}"
        return text


@dataclass(frozen=True)
class Change:
    country: str
    day: str  # ISO: the first day of the new status
    before: str
    after: str
    moves: tuple[CriterionMove, ...] = ()

    @property
    def signals(self) -> tuple[str, ...]:
        """Every signal id that moved it, entering ones first."""
        seen: dict[str, None] = {}
        for m in self.moves:
            seen.update(dict.fromkeys(m.added))
        for m in self.moves:
            seen.update(dict.fromkeys(m.removed))
        return tuple(seen)


@dataclass(frozen=True)
class MonthDigest:
    month: str  # YYYY-MM
    start: str  # first day (ISO)
    end: str  # last day looked at: the month's last, or today in the current month
    rule_set_id: str
    rule_set_version: int
    changes: tuple[Change, ...]  # every change in the month, by day then severity
    # State -> (status, severity rank within it, reason keys) at the end of the month
    standing: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False)

    def entered(self, status: str) -> list[Change]:
        return [c for c in self.changes if c.after == status]

    def left(self, status: str) -> list[Change]:
        return [c for c in self.changes if c.before == status]

    @property
    def countries(self) -> list[str]:
        return sorted({c.country for c in self.changes})


def month_bounds(month: str, today: date | None = None) -> tuple[date, date]:
    """First and last day of 'YYYY-MM' (the last day is today in the current month)."""
    try:
        year, mon = (int(x) for x in month.split("-"))
        first = date(year, mon, 1)
    except (ValueError, TypeError):
        raise ValueError(f"a month is written YYYY-MM, not {month!r}") from None
    last = date(year, mon, calendar.monthrange(year, mon)[1])
    today = today or date.today()
    if first > today:
        raise ValueError(f"{month} has not begun yet")
    return first, min(last, today)


def transitions(tl: Timeline) -> pd.DataFrame:
    """Every status change in a timeline: country, day (ISO; the first day of the new status),
    before, after; by day, then country. The timeline's first day is the reference, so a
    change is reported from its second day on."""
    status = tl.status
    if status.shape[1] < 2:
        return pd.DataFrame(columns=["country", "day", "before", "after"])
    rows, cols = np.nonzero(status[:, 1:] != status[:, :-1])
    cols = cols + 1
    names = np.asarray(STATUSES, dtype=object)
    days = tl.dates[cols]
    frame = pd.DataFrame({
        "country": tl.countries[rows],
        "day": [str(d) for d in days.astype("datetime64[D]")],
        "before": names[status[rows, cols - 1]],
        "after": names[status[rows, cols]],
    })
    return frame.sort_values(["day", "country"], kind="stable").reset_index(drop=True)


def _by_country(ev: Evaluation) -> dict[str, dict[str, dict]]:
    crit = ev.criteria[ev.criteria["enabled"]]
    out: dict[str, dict[str, dict]] = {}
    for r in crit.to_dict("records"):
        out.setdefault(r["country"], {})[r["criterion_id"]] = r
    return out


def moves(before: Evaluation, after: Evaluation, country: str) -> tuple[CriterionMove, ...]:
    """The enabled criteria of `country` whose result, count, coverage or evidence differ
    between two evaluations (the day before a change and the day of it)."""
    titles = {c.id: (c.title or c.id) for c in after.rules.criteria}
    old = _by_country(before).get(country, {})
    new = _by_country(after).get(country, {})
    out = []
    for cid, n in new.items():
        o = old.get(cid)
        if o is None:
            continue
        res_o = criterion_result(o["met"], True, o["coverage"])
        res_n = criterion_result(n["met"], True, n["coverage"])
        ev_o, ev_n = list(o["evidence"]), list(n["evidence"])
        if (res_o, int(o["value"]), o["coverage"], ev_o) == (res_n, int(n["value"]), n["coverage"], ev_n):
            continue
        out.append(CriterionMove(
            criterion_id=cid, title=titles.get(cid, cid), before=res_o, after=res_n,
            value_before=int(o["value"]), value_after=int(n["value"]),
            threshold=int(n["threshold"]), coverage_before=str(o["coverage"]),
            coverage_after=str(n["coverage"]),
            added=tuple(s for s in ev_n if s not in set(ev_o)),
            removed=tuple(s for s in ev_o if s not in set(ev_n))))
    # The criteria whose result changed first: they are what moved the status.
    out.sort(key=lambda m: (m.before == m.after, m.criterion_id))
    return tuple(out)


class _Days:
    """Evaluations by day, each made once (no sentences: only results and evidence)."""

    def __init__(self, prep: Prepared, rules: RuleSet):
        self.prep, self.rules, self.cache = prep, rules, {}

    def __call__(self, day: str) -> Evaluation:
        if day not in self.cache:
            self.cache[day] = evaluate(self.prep, self.rules, day, sentences=False)
        return self.cache[day]


def changes(prep: Prepared, rules: RuleSet, start, end, countries=None) -> list[Change]:
    """Every status change from `start` to `end` (both included), explained; only for
    `countries` if given. Status on `start` is compared with the day before it."""
    first = pd.Timestamp(start).date()
    last = pd.Timestamp(end).date()
    if last < first:
        return []
    tl = timeline(prep, rules, first - timedelta(days=1), last)
    found = transitions(tl)
    if countries is not None:
        found = found[found["country"].isin(set(countries))]
    days = _Days(prep, rules)
    out = []
    for r in found.itertuples(index=False):
        prev = (pd.Timestamp(r.day) - pd.Timedelta(days=1)).date().isoformat()
        out.append(Change(r.country, r.day, r.before, r.after, moves(days(prev), days(r.day), r.country)))
    return out


def month_digest(prep: Prepared, rules: RuleSet, month: str, today: date | None = None) -> MonthDigest:
    """The States that entered or left triggered, watch or undetermined in a month, with the
    criteria and signals that moved them; ordered by day, then by severity at the month's end."""
    first, last = month_bounds(month, today)
    found = changes(prep, rules, first, last)
    standing = severity(evaluate(prep, rules, last.isoformat(), sentences=False), prep.bundle.links)
    rank = {c: i for i, c in enumerate(standing["country"])}
    found.sort(key=lambda c: (c.day, rank.get(c.country, len(rank))))
    return MonthDigest(month=f"{first:%Y-%m}", start=first.isoformat(), end=last.isoformat(),
                       rule_set_id=rules.id, rule_set_version=rules.version,
                       changes=tuple(c for c in found if c.before in FOLLOWED or c.after in FOLLOWED),
                       standing=standing)


def archive(prep: Prepared, rules: RuleSet, first: date, last: date) -> pd.DataFrame:
    """One row per month from `first`'s to `last`'s, newest first: month (YYYY-MM), changes,
    and per followed status the number of entries into it and exits from it
    (entered_triggered, left_triggered, ...). One timeline for the whole span."""
    start = date(first.year, first.month, 1)
    cols = ["month", "changes"] + [f"{w}_{s}" for s in FOLLOWED for w in ("entered", "left")]
    if last < start:
        return pd.DataFrame(columns=cols)
    tl = timeline(prep, rules, start - timedelta(days=1), last)
    found = transitions(tl)
    found = found[found["before"].isin(FOLLOWED) | found["after"].isin(FOLLOWED)]
    months = pd.period_range(start, last, freq="M")
    found = found.assign(month=found["day"].str[:7])
    out = pd.DataFrame({"month": [str(m) for m in months]})
    out["changes"] = out["month"].map(found.groupby("month").size()).fillna(0).astype(np.int64)
    for s in FOLLOWED:
        for w, col in (("entered", "after"), ("left", "before")):
            counts = found[found[col] == s].groupby("month").size()
            out[f"{w}_{s}"] = out["month"].map(counts).fillna(0).astype(np.int64)
    return out.iloc[::-1].reset_index(drop=True)[cols]


def signal_rows(signals: pd.DataFrame, ids) -> pd.DataFrame:
    """The signals with these ids, in that order: signal_id, date, country, title, url,
    reference."""
    ids = list(ids)
    if not ids:
        return signals.head(0)[["signal_id", "date", "country", "title", "url", "reference"]]
    picked = signals[signals["signal_id"].isin(set(ids))].set_index("signal_id")
    picked = picked.reindex([i for i in ids if i in picked.index])
    return picked.reset_index()[["signal_id", "date", "country", "title", "url", "reference"]]

"""The stored status table (issue 17): the Overview of a day as a lookup, not an evaluation.

`refresh()` evaluates every State under the latest version of each stored rule set on each of
the last `status_days` days (settings; default 31, up to today), exactly as the Overview does
(`evaluate(..., sentences=False)`: statuses, criteria met, and per criterion met, value,
coverage and covered days), and stores each State's row as runs of days on which it stays the
same (prevention/storage/models/statuses.py). It is called after each import, fetch and seed
has committed; `stored_table()` reads a day back as the very table `evaluate()` returns.

Coverage is part of what is stored: a State is `undetermined` rather than `clear` where a
criterion's window was not completely searched, and that is decided at evaluation time from the
coverage rows. A stored day is therefore read only when it was computed on the current data
version (every write to the evidence, coverage rows included, bumps it) and by the same rules
(their YAML's hash); otherwise the caller evaluates, as before. The Country page's sentences
and evidence are never stored: that page still evaluates (cached in memory).
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, insert, select

from prevention.cases import rulesets
from prevention.storage import frames
from prevention.storage.db import get_engine, session_scope
from prevention.storage.models.statuses import StatusRefresh, StatusRun
from prevention.storage.settings import get_settings
from triggers.bundle import Bundle
from triggers.evaluate import evaluate
from triggers.prepared import Prepared, prepare
from triggers.rules import RuleSet, rule_set_to_yaml

log = logging.getLogger(__name__)

CRITERION_FIELDS = ("met", "value", "coverage", "covered_days")


def evaluation_countries(countries: pd.DataFrame, bundle: Bundle) -> list[str]:
    """Every UN Member State (whether or not any signal names it) plus every State with signals."""
    members = countries.loc[countries["un_group"].fillna("") != "", "iso3"] if len(countries) else []
    return sorted(set(members) | set(bundle.signals["country"].unique()))


def rules_sha(rules: RuleSet) -> str:
    return hashlib.sha256(rule_set_to_yaml(rules).encode()).hexdigest()


def _latest_rule_sets(engine: Engine) -> list[RuleSet]:
    ids = list(dict.fromkeys(info.id for info in rulesets.list_rule_sets(engine)))
    return [rulesets.get_rule_set(rid, engine=engine) for rid in ids]


def runs(prep: Prepared, rules: RuleSet, first: date, last: date) -> list[dict]:
    """Each State's Overview rows from first to last, as runs of identical days."""
    out: list[dict] = []
    current: dict[str, dict] = {}
    crit_ids = [c.id for c in rules.criteria]
    day = first
    while day <= last:
        t = evaluate(prep, rules, day, sentences=False).table
        cols = [t["country"].tolist(), t["status"].tolist(), t["criteria_met"].tolist()]
        per = [[t[f"{cid}_{f}"].tolist() for f in CRITERION_FIELDS] for cid in crit_ids]
        for i, country in enumerate(cols[0]):
            criteria = json.dumps([[bool(p[0][i]), int(p[1][i]), str(p[2][i]), int(p[3][i])]
                                   for p in per], separators=(",", ":"))
            row = current.get(country)
            if row is not None and row["status"] == cols[1][i] \
                    and row["criteria_met"] == cols[2][i] and row["criteria"] == criteria:
                row["last_day"] = day
                continue
            row = {"rule_set_id": rules.id, "rule_set_version": rules.version, "country": country,
                   "first_day": day, "last_day": day, "status": cols[1][i],
                   "criteria_met": int(cols[2][i]), "criteria": criteria}
            current[country] = row
            out.append(row)
        day += timedelta(days=1)
    return out


def refresh(engine: Engine | None = None, today: date | None = None,
            days: int | None = None) -> int:
    """Recompute the stored statuses for the latest version of every rule set; returns the
    number of runs stored (0 when disabled, or when another write came in meanwhile: that
    write's own refresh stores the newer statuses)."""
    engine = engine or get_engine()
    days = get_settings().status_days if days is None else days
    if days <= 0:
        return 0
    version = frames.data_version(engine)
    bundle = frames.load_bundle(engine)
    countries = frames.load_countries(engine)
    prep = prepare(bundle, evaluation_countries(countries, bundle))
    last = today or date.today()
    first = last - timedelta(days=days - 1)
    computed = [(rules, runs(prep, rules, first, last)) for rules in _latest_rule_sets(engine)]
    with session_scope(engine) as s:
        if frames.data_version(engine) != version:
            return 0
        total = 0
        for rules, rows in computed:
            key = (StatusRun.rule_set_id == rules.id) & (StatusRun.rule_set_version == rules.version)
            s.execute(delete(StatusRun).where(key))
            s.execute(delete(StatusRefresh).where(
                (StatusRefresh.rule_set_id == rules.id)
                & (StatusRefresh.rule_set_version == rules.version)))
            if rows:
                s.execute(insert(StatusRun), rows)
            s.add(StatusRefresh(rule_set_id=rules.id, rule_set_version=rules.version,
                                rules_sha=rules_sha(rules), first_day=first, last_day=last,
                                data_version=version))
            total += len(rows)
    return total


def refresh_quietly(engine: Engine | None = None, say=None) -> None:
    """refresh() after an import: a failure there never undoes the import (the Overview then
    evaluates, as without a stored table), it is only reported."""
    try:
        n = refresh(engine)
        if say is not None and n:
            say(f"stored statuses: {n} runs of days")
    except Exception as exc:  # noqa: BLE001 - the import has committed; this is a cache
        log.warning("the stored status table was not refreshed: %s", exc)
        if say is not None:
            say(f"the stored status table was not refreshed ({exc}); the Overview evaluates instead")


def is_fresh(engine: Engine | None = None, today: date | None = None) -> bool:
    """The latest version of every rule set is stored up to today, on the current data."""
    engine = engine or get_engine()
    version = frames.data_version(engine)
    today = today or date.today()
    with session_scope(engine) as s:
        metas = {(m.rule_set_id, m.rule_set_version): m for m in s.scalars(select(StatusRefresh))}
    for rules in _latest_rule_sets(engine):
        meta = metas.get((rules.id, rules.version))
        if meta is None or meta.data_version != version or meta.last_day < today \
                or meta.rules_sha != rules_sha(rules):
            return False
    return True


def refresh_if_stale(engine: Engine | None = None, say=None) -> None:
    """refresh_quietly() unless the stored statuses are fresh (or the table is turned off)."""
    if get_settings().status_days <= 0:
        return
    try:
        fresh = is_fresh(engine)
    except Exception as exc:  # noqa: BLE001 - reported by refresh_quietly below
        log.warning("could not read the stored status table: %s", exc)
        fresh = False
    if not fresh:
        refresh_quietly(engine, say)


_deferred: contextvars.ContextVar[list | None] = contextvars.ContextVar("status_refresh_deferred",
                                                                       default=None)


def after_write(engine: Engine | None = None, say=None) -> None:
    """Called once an import, a fetch or a seed has committed: refresh the stored statuses
    (once at the end of a `batch()`, e.g. a seed's several imports)."""
    pending = _deferred.get()
    if pending is not None:
        pending.append(engine)
        return
    refresh_quietly(engine, say)


@contextmanager
def batch(engine: Engine | None = None, say=None) -> Iterator[None]:
    """Several writes, one refresh at the end (if any of them asked for one)."""
    pending: list = []
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    if pending:
        refresh_quietly(engine or pending[-1], say)


def stored_table(rules: RuleSet, day, engine: Engine | None = None,
                 version: int | None = None) -> pd.DataFrame | None:
    """The Overview table of `day` (as `evaluate(..., sentences=False).table`), or None when
    that day is not stored for exactly these rules on the current data version."""
    engine = engine or get_engine()
    day = pd.Timestamp(day).date()
    version = frames.data_version(engine) if version is None else version
    with session_scope(engine) as s:
        meta = s.get(StatusRefresh, (rules.id, rules.version))
        if meta is None or meta.data_version != version or not (meta.first_day <= day <= meta.last_day) \
                or meta.rules_sha != rules_sha(rules):
            return None
        rows = s.execute(select(StatusRun.country, StatusRun.status, StatusRun.criteria_met,
                                StatusRun.criteria)
                         .where(StatusRun.rule_set_id == rules.id,
                                StatusRun.rule_set_version == rules.version,
                                StatusRun.first_day <= day, StatusRun.last_day >= day)
                         .order_by(StatusRun.country)).all()
    if not rows:
        return None
    table = {"country": np.asarray([r[0] for r in rows], dtype=object),
             "status": np.asarray([r[1] for r in rows], dtype=object),
             "criteria_met": np.asarray([r[2] for r in rows], dtype=np.int64)}
    parsed = [json.loads(r[3]) for r in rows]
    for j, crit in enumerate(rules.criteria):
        cells = [p[j] for p in parsed]
        table[f"{crit.id}_met"] = np.asarray([c[0] for c in cells], dtype=bool)
        table[f"{crit.id}_value"] = np.asarray([c[1] for c in cells], dtype=np.int64)
        table[f"{crit.id}_coverage"] = np.asarray([c[2] for c in cells], dtype=object)
        table[f"{crit.id}_covered_days"] = np.asarray([c[3] for c in cells], dtype=np.int64)
    return pd.DataFrame(table)

"""The database as the engine's frames: one cached loader for everything the rules evaluate.

Reads go through the DB-API cursor straight into pandas (no ORM objects): a million signals
load in seconds. Results are cached per database URL and keyed on the data version, a
counter every write bumps in the same transaction, so a cached frame is never stale and
checking freshness costs one tiny query.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from prevention.storage.db import get_engine
from triggers.bundle import COVERAGE_COLUMNS, ISSUER_COLUMNS, Bundle

T = TypeVar("T")

SIGNAL_FRAME_COLUMNS = ["signal_id", "date", "country", "concern", "title", "url", "reference",
                        "summary", "language", "category"]
COUNTRY_COLUMNS = ["iso3", "name", "un_group"]
OUTCOME_COLUMNS = ["country", "date", "kind", "reference", "title", "url"]
SOURCE_COLUMNS = ["source_kind", "issuer_kinds", "signals", "first_date", "last_date"]
# The stored coverage rows: the bundle's columns, then who declared each and why.
STORED_COVERAGE_COLUMNS = [*COVERAGE_COLUMNS, "id", "import_id", "declared_by", "note"]

_cache: dict[tuple[str, str], tuple[int, Any]] = {}
_lock = threading.Lock()


def data_version(engine: Engine | None = None) -> int:
    """A number that changes after every write to the stored evidence (for cache keys)."""
    with (engine or get_engine()).connect() as conn:
        return int(conn.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar_one())


def bump_version(bind: Session | Connection) -> None:
    """Mark the data as changed; call inside the writing transaction so both commit together."""
    bind.execute(text("UPDATE data_version SET version = version + 1 WHERE id = 1"))


def invalidate() -> None:
    """Forget every cached frame (the next load reads the database again)."""
    with _lock:
        _cache.clear()


def _cached(name: str, engine: Engine | None, load: Callable[[Engine], T]) -> T:
    engine = engine or get_engine()
    key = (engine.url.render_as_string(hide_password=False), name)
    version = data_version(engine)
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = load(engine)
    with _lock:
        _cache[key] = (version, value)
    return value


def _query(engine: Engine, sql: str, columns: list[str]) -> pd.DataFrame:
    # Through the engine's own driver on every backend. SQLite was once read through ADBC
    # (2.5x faster for 100,000 signals: 0.15 s instead of 0.4 s), but that driver bundles its
    # own SQLite library, and two copies of SQLite in one process break WAL mode (db.py): a
    # read right after a write could miss it, and the next read failed with "disk I/O error".
    # The raw DB-API cursor skips SQLAlchemy's per-row result processing, which dominates
    # the time of a million-row read.
    with engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.execute(sql)
            rows = cursor.fetchall()
        finally:
            cursor.close()
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in columns})
    # One 2-D object array, sliced into columns: DataFrame.from_records spends more time
    # checking row lengths than the database spends reading them.
    table = np.empty((len(rows), len(columns)), dtype=object)
    table[:] = rows
    return pd.DataFrame({c: table[:, i] for i, c in enumerate(columns)})


def _dates(values: pd.Series) -> pd.Series:
    # Dates are selected as ISO text (CAST ... AS TEXT works on SQLite and PostgreSQL alike),
    # which pandas parses far faster than date objects. A day a nanosecond timestamp cannot
    # hold (stored before days were checked) becomes NaT instead of an error.
    text = values.astype("str")
    holdable = (text > "1677-09-22") & (text < "2262-04-11")
    return pd.to_datetime(text.where(holdable), format="%Y-%m-%d",
                          errors="coerce").astype("datetime64[ns]")


def _text(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for c in columns:
        frame[c] = frame[c].fillna("").astype(str)
    return frame


def _load_bundle(engine: Engine) -> Bundle:
    signals = _query(engine, "SELECT signal_id, CAST(date AS TEXT), country, concern, title, url, "
                             "reference, summary, language, category FROM signals", SIGNAL_FRAME_COLUMNS)
    signals = _text(signals, ["signal_id", "country", "title", "url", "reference", "summary",
                              "language", "category"])
    signals["date"] = _dates(signals["date"])
    signals["concern"] = signals["concern"].astype(bool)
    unreadable = signals["date"].isna()
    issuers = _text(_query(engine, "SELECT issuer_id, name, kind, country, accreditation, scope "
                                   "FROM issuers ORDER BY issuer_id", ISSUER_COLUMNS),
                    ISSUER_COLUMNS)
    links = _text(_query(engine, "SELECT signal_id, issuer_id FROM signal_issuers",
                         ["signal_id", "issuer_id"]), ["signal_id", "issuer_id"])
    if unreadable.any():
        # A day no frame can hold (stored before days were checked; migration hard1 moves
        # such rows to the quarantine): left out rather than taking every page down.
        gone = set(signals.loc[unreadable, "signal_id"])
        signals = signals[~unreadable].reset_index(drop=True)
        links = links[~links["signal_id"].isin(gone)].reset_index(drop=True)
    memberships = _query(engine, "SELECT org_id, country, CAST(since AS TEXT), "
                                 "CAST(until AS TEXT) FROM memberships "
                                 "ORDER BY org_id, country, since",
                         ["org_id", "country", "since", "until"])
    memberships = _text(memberships, ["org_id", "country"])
    memberships["since"] = _dates(memberships["since"])
    memberships["until"] = _dates(memberships["until"])
    # Always a frame: a database declares what it holds, and nothing declared is not covered.
    coverage = _load_coverage(engine)[COVERAGE_COLUMNS]
    return Bundle(signals=signals, issuers=issuers, links=links, memberships=memberships,
                  coverage=coverage, accreditations=_load_accreditations(engine))


def _load_accreditations(engine: Engine) -> pd.DataFrame | None:
    """The review history as the engine's [issuer_id, status, since, until]: a review's status
    holds from its day until the issuer's next review (exclusive; NaT: still holds). Rows
    without a day (the status an issuers file gave, kept as the issuer's `accreditation`) are
    not history: they would claim the status held before the first review. None: no history."""
    acc = _query(engine, "SELECT issuer_id, status, CAST(reviewed_on AS TEXT) "
                         "FROM issuer_accreditations WHERE reviewed_on IS NOT NULL "
                         "ORDER BY issuer_id, reviewed_on", ["issuer_id", "status", "since"])
    if acc.empty:
        return None
    acc = _text(acc, ["issuer_id", "status"])
    acc["since"] = _dates(acc["since"])
    acc = acc[acc["since"].notna()].reset_index(drop=True)
    acc["until"] = acc.groupby("issuer_id")["since"].shift(-1).astype("datetime64[ns]")
    return acc[["issuer_id", "status", "since", "until"]]


def load_bundle(engine: Engine | None = None) -> Bundle:
    """Every stored signal, issuer, signal-issuer link and membership, with the coverage and
    the accreditation history, as the engine's Bundle.

    Cached: the same object comes back until the data changes, so treat it as read-only.
    """
    return _cached("bundle", engine, _load_bundle)


def load_countries(engine: Engine | None = None) -> pd.DataFrame:
    """Countries [iso3, name, un_group] (un_group empty for non-members of the UN)."""
    return _cached("countries", engine, lambda e: _text(_query(
        e, "SELECT iso3, name, un_group FROM countries ORDER BY iso3", COUNTRY_COLUMNS),
        COUNTRY_COLUMNS))


def _load_outcomes(engine: Engine) -> pd.DataFrame:
    frame = _query(engine, "SELECT country, CAST(date AS TEXT), kind, reference, title, url "
                           "FROM outcomes ORDER BY date, reference, country", OUTCOME_COLUMNS)
    frame = _text(frame, ["country", "kind", "reference", "title", "url"])
    frame["date"] = _dates(frame["date"])
    return frame[frame["date"].notna()].reset_index(drop=True)


def load_outcomes(engine: Engine | None = None) -> pd.DataFrame:
    """Council outcomes [country, date, kind, reference, title, url]; country empty when
    thematic."""
    return _cached("outcomes", engine, _load_outcomes)


def _load_sources(engine: Engine) -> pd.DataFrame:
    counts = _query(engine, "SELECT i.source_kind, COUNT(*), CAST(MIN(s.date) AS TEXT), "
                            "CAST(MAX(s.date) AS TEXT) FROM signals s "
                            "JOIN imports i ON i.id = s.import_id GROUP BY i.source_kind",
                    ["source_kind", "signals", "first_date", "last_date"])
    kinds = _query(engine, "SELECT DISTINCT i.source_kind, iss.kind FROM signals s "
                           "JOIN imports i ON i.id = s.import_id "
                           "JOIN signal_issuers l ON l.signal_id = s.signal_id "
                           "JOIN issuers iss ON iss.issuer_id = l.issuer_id",
                   ["source_kind", "kind"])
    by_source = kinds.groupby("source_kind")["kind"].agg(lambda k: tuple(sorted(k))) \
        if not kinds.empty else pd.Series(dtype=object)
    counts["issuer_kinds"] = [by_source.get(s, ()) for s in counts["source_kind"]]
    counts["signals"] = counts["signals"].astype(np.int64)
    counts["first_date"] = _dates(counts["first_date"])
    counts["last_date"] = _dates(counts["last_date"])
    return counts[SOURCE_COLUMNS].sort_values("source_kind").reset_index(drop=True)


def load_sources(engine: Engine | None = None) -> pd.DataFrame:
    """The signals each kind of import brought: [source_kind, issuer_kinds (tuple of issuer
    kinds seen), signals, first_date, last_date]. What was searched is load_coverage()."""
    return _cached("sources", engine, _load_sources)


def _load_coverage(engine: Engine) -> pd.DataFrame:
    frame = _query(engine, 'SELECT source, issuer_kind, country, CAST(start AS TEXT), '
                           'CAST("end" AS TEXT), completeness, id, import_id, declared_by, note '
                           'FROM coverage ORDER BY issuer_kind, source, start, country',
                   STORED_COVERAGE_COLUMNS)
    frame = _text(frame, ["source", "issuer_kind", "country", "completeness", "declared_by",
                          "note"])
    frame["start"] = _dates(frame["start"])
    frame["end"] = _dates(frame["end"])
    frame["id"] = frame["id"].astype(np.int64)
    frame["import_id"] = pd.array(frame["import_id"], dtype="Int64")
    return frame.reset_index(drop=True)


def load_coverage(engine: Engine | None = None) -> pd.DataFrame:
    """Every stored coverage row (docs/coverage.md): the bundle's coverage columns, with
    `id`, `import_id` (the import that declared it; empty for a row a user added),
    `declared_by` and `note`."""
    return _cached("coverage", engine, _load_coverage)

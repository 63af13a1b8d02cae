"""The database engine and the unit of work.

One engine per URL per process (engines pool connections; creating one per call would leak
them). Callers open one transaction per unit of work with `session_scope()`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from prevention.storage.settings import get_settings

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


BUSY_MESSAGE = ("the database is busy: another import or session is writing to it; try again "
                "in a moment")


class DatabaseBusy(RuntimeError):
    """Another writer held the database for longer than the busy timeout; nothing was written."""

    def __init__(self) -> None:
        super().__init__(BUSY_MESSAGE)


def is_busy(exc: BaseException) -> bool:
    """A lock held by another writer past the timeout (SQLite "database is locked", PostgreSQL
    lock_not_available), as opposed to a real error."""
    orig = getattr(exc, "orig", exc)
    text = str(orig).lower()
    return ("database is locked" in text or "database is busy" in text
            or getattr(orig, "sqlstate", None) in ("55P03", "40P01"))


def _sqlite_connection(dbapi_connection, _record) -> None:
    # SQLite ignores foreign keys unless asked, per connection; busy_timeout makes a second
    # writer wait, bounded, for the lock instead of failing at once (then the user is told it
    # is busy).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(get_settings().db_busy_seconds * 1000)}")
    cursor.close()


def _sqlite_wal(dbapi_connection, _record) -> None:
    # A database file in WAL mode (issue 17): readers (every page, in every process) never wait
    # for a writer and a writer never waits for readers; writers still take turns, bounded by
    # the busy timeout above. The mode is stored in the file, so this is a no-op after the first
    # connection. synchronous=NORMAL is durable in WAL mode except for the last transactions
    # before a power cut (never a corrupt file). Every reader must use this same SQLite library:
    # a second copy in the process (ADBC's driver bundles one) does not see this library's
    # locks, and closing its connection drops them and removes the -wal and -shm files under
    # the others (https://www.sqlite.org/howtocorrupt.html, 2.2): frames.py reads through here.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def checkpoint(url: str) -> None:
    """Write a SQLite file's WAL back into the file and empty it, so that the file alone holds
    every committed transaction (before copying it, e.g. the test templates)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not _is_file(parsed.database):
        return
    import sqlite3

    conn = sqlite3.connect(parsed.database, timeout=get_settings().db_busy_seconds)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.close()
    if busy:
        raise DatabaseBusy()


def _is_file(database: str | None) -> bool:
    return bool(database) and database != ":memory:" and not database.startswith("file:")


def _postgres_connection(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"SET lock_timeout = {int(get_settings().db_busy_seconds * 1000)}")
    cursor.close()
    dbapi_connection.commit()


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url` (default: settings.database_url), created once per process."""
    settings = get_settings()
    url = url or settings.database_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _create(url, echo=settings.sql_echo)
            _engines[url] = engine
        return engine


def _create(url: str, echo: bool) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        engine = create_engine(url, echo=echo)
        event.listen(engine, "connect", _sqlite_connection)
        if _is_file(database):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            event.listen(engine, "connect", _sqlite_wal)
        return engine
    engine = create_engine(url, echo=echo, pool_pre_ping=True)
    event.listen(engine, "connect", _postgres_connection)
    return engine


def dispose_engine(url: str) -> None:
    """Close and forget the engine for `url` (tests that drop their database call this)."""
    with _lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    factory = sessionmaker(bind=engine or get_engine(), expire_on_commit=False)
    with factory.begin() as session:
        yield session

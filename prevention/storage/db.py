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
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo)
        event.listen(engine, "connect", _sqlite_connection)
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

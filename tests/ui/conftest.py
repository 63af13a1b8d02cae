"""A seeded SQLite database per test: migrated and filled with the real data once per session
(through the product's ingest), then copied, so each test gets its own in a few milliseconds."""

from __future__ import annotations

import pytest

from prevention.storage.frames import invalidate
from tests.conftest import copy_sqlite
from tests.ui.seeding import ACCOUNTS


@pytest.fixture(scope="session")
def seeded_template(_templates, tmp_path_factory):
    from prevention.storage.db import dispose_engine, get_engine
    from tests.ui.seeding import seed_accounts, seed_real

    folder = tmp_path_factory.mktemp("seeded")
    path = folder / "seeded.sqlite3"
    copy_sqlite(_templates("sqlite").removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    seed_real(get_engine(url), folder)
    seed_accounts(get_engine(url))
    dispose_engine(url)
    return path


def account_id(role: str) -> int:
    from prevention.accounts import auth
    from prevention.storage.db import session_scope

    with session_scope() as s:
        return auth.get_account(s, ACCOUNTS[role]).id


@pytest.fixture
def ui_db(seeded_template, tmp_path, monkeypatch):
    """URL of a fresh copy of the seeded database; DATABASE_URL points at it."""
    from prevention.storage.db import dispose_engine
    from prevention.storage.settings import get_settings

    path = tmp_path / "ui.sqlite3"
    copy_sqlite(seeded_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    invalidate()
    yield url
    invalidate()
    dispose_engine(url)
    get_settings.cache_clear()


@pytest.fixture
def empty_db(_templates, tmp_path, monkeypatch):
    """A migrated database with nothing imported."""
    from prevention.storage.db import dispose_engine
    from prevention.storage.settings import get_settings

    path = tmp_path / "empty.sqlite3"
    copy_sqlite(_templates("sqlite").removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    invalidate()
    yield url
    invalidate()
    dispose_engine(url)
    get_settings.cache_clear()

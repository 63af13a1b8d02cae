"""A seeded SQLite database per test: migrated and filled with the real data once per session
(through the product's ingest), then copied, so each test gets its own in a few milliseconds."""

from __future__ import annotations

import shutil

import pytest

from prevention.frames import invalidate


@pytest.fixture(scope="session")
def seeded_template(_templates, tmp_path_factory):
    from prevention.db import dispose_engine, get_engine
    from tests.ui.seeding import seed_real

    folder = tmp_path_factory.mktemp("seeded")
    path = folder / "seeded.sqlite3"
    shutil.copyfile(_templates("sqlite").removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    seed_real(get_engine(url), folder)
    _accounts(get_engine(url))
    dispose_engine(url)
    return path


PASSWORD = "correct horse battery staple"
ACCOUNTS = {"admin": "ada", "researcher": "rosa", "viewer": "vera"}


def _accounts(engine) -> None:
    """One account per role (the first, an admin, creates the others)."""
    from prevention import auth
    from prevention.db import session_scope

    with session_scope(engine) as s:
        admin = auth.add_account(s, None, ACCOUNTS["admin"], "admin", PASSWORD)
        for role in ("researcher", "viewer"):
            auth.add_account(s, admin, ACCOUNTS[role], role, PASSWORD)


def account_id(role: str) -> int:
    from prevention import auth
    from prevention.db import session_scope

    with session_scope() as s:
        return auth.get_account(s, ACCOUNTS[role]).id


@pytest.fixture
def ui_db(seeded_template, tmp_path, monkeypatch):
    """URL of a fresh copy of the seeded database; DATABASE_URL points at it."""
    from prevention.db import dispose_engine
    from prevention.settings import get_settings

    path = tmp_path / "ui.sqlite3"
    shutil.copyfile(seeded_template, path)
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
    from prevention.db import dispose_engine
    from prevention.settings import get_settings

    path = tmp_path / "empty.sqlite3"
    shutil.copyfile(_templates("sqlite").removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    invalidate()
    yield url
    invalidate()
    dispose_engine(url)
    get_settings.cache_clear()

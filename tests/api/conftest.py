"""The live routes of app.py's st.App (prevention.web.server.routes()) in process, through
Starlette's test client (httpx), on a copy of the seeded database."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.ui.conftest import account_id, seeded_template, ui_db  # noqa: F401


@pytest.fixture
def client(ui_db):
    from prevention.web import server

    with TestClient(Starlette(routes=server.routes()), base_url="http://testserver") as c:
        yield c


@pytest.fixture
def tokens(ui_db):
    """A live API token per seeded role."""
    from prevention.accounts import api_tokens
    from prevention.accounts.auth import load_user
    from prevention.storage.db import session_scope
    from tests.ui.seeding import ACCOUNTS

    out = {}
    with session_scope() as s:
        for role in ACCOUNTS:
            user = load_user(s, account_id(role))
            out[role] = api_tokens.create(s, user, f"{role} script")[1]
    return out


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}

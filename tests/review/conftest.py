"""Fixtures for the review tests: accounts of every role and the sample bundle's evaluation."""

from __future__ import annotations

import pytest

from prevention.accounts import auth
from prevention.storage.db import session_scope
from triggers.bundle import read_bundle
from triggers.evaluate import evaluate
from triggers.rules import load_rule_set

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    """Real argon2id, with small parameters: the default ones cost ~0.4 s a hash on this machine.
    test_auth.py checks the production parameters separately."""
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", cheap)
    monkeypatch.setattr(auth, "_DUMMY_HASH", cheap.hash("timing only"))


@pytest.fixture(scope="session")
def sample_bundle():
    return read_bundle("data/sample")


@pytest.fixture(scope="session")
def glion():
    return load_rule_set("glion-iii-2016")


@pytest.fixture(scope="session")
def evaluation(sample_bundle, glion):
    """As of the day of S-15 on Libya: Libya and Côte d'Ivoire are triggered."""
    return evaluate(sample_bundle, glion, "2011-02-25")


@pytest.fixture
def users(engine):
    """One account per role (the admin first, as on a real first start)."""
    made = {}
    with session_scope(engine) as s:
        made["admin"] = auth.add_account(s, None, "ada", "admin", PASSWORD + " admin")
    with session_scope(engine) as s:
        admin = made["admin"]
        made["reviewer"] = auth.add_account(s, admin, "rey", "reviewer", PASSWORD + " rev")
        made["reviewer2"] = auth.add_account(s, admin, "rita", "reviewer", PASSWORD + " rev2")
        made["researcher"] = auth.add_account(s, admin, "ralf", "researcher", PASSWORD + " res")
        made["viewer"] = auth.add_account(s, admin, "vic", "viewer", PASSWORD + " view")
    return made

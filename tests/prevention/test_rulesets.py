from __future__ import annotations

import pytest

from prevention.accounts.access import system
from prevention.cases.rulesets import (
    RuleSetNotFound,
    get_rule_set,
    list_rule_sets,
    save_rule_set_version,
)
from prevention.storage.frames import data_version
from triggers.rules import shipped_rule_sets


def test_shipped_rule_sets_are_seeded_at_their_shipped_versions(engine):
    infos = list_rule_sets(engine)
    assert {(i.id, i.version) for i in infos} == {(rid, r.version)
                                                  for rid, r in shipped_rule_sets().items()}
    assert get_rule_set("glion-iii-2016", engine=engine) == shipped_rule_sets()["glion-iii-2016"]


def test_editing_creates_a_new_version_and_keeps_the_old(engine):
    original = get_rule_set("glion-iii-2016", engine=engine)
    before = data_version(engine)
    edited = original.model_copy(update={"window_days": 180})
    saved = save_rule_set_version(edited, author=system("alice"), note="shorter window", engine=engine)
    assert saved.version == original.version + 1 and saved.window_days == 180
    assert get_rule_set("glion-iii-2016", engine=engine) == saved
    assert get_rule_set("glion-iii-2016", original.version, engine=engine) == original
    latest = [i for i in list_rule_sets(engine) if i.id == "glion-iii-2016"][-1]
    assert (latest.version, latest.author, latest.note) == (saved.version, "alice", "shorter window")
    assert data_version(engine) > before


def test_a_new_shipped_version_is_added_beside_the_stored_ones(engine):
    from sqlalchemy import update

    from prevention.cases.rulesets import seed_shipped
    from prevention.storage.db import session_scope
    from prevention.storage.models.core import RuleSetVersion

    list_rule_sets(engine)  # seeds
    shipped = shipped_rule_sets()["glion-iii-2016"].version
    with session_scope(engine) as s:  # as if the database was seeded by an older release
        s.execute(update(RuleSetVersion).where(RuleSetVersion.id == "glion-iii-2016")
                  .values(version=shipped - 1))
    with session_scope(engine) as s:
        assert seed_shipped(s) == 1
    versions = [i.version for i in list_rule_sets(engine) if i.id == "glion-iii-2016"]
    assert versions == [shipped - 1, shipped]


def test_a_new_id_starts_at_version_one(engine):
    base = get_rule_set("hrc20-2012", engine=engine)
    saved = save_rule_set_version(base.model_copy(update={"id": "my-lab"}), system("bob"), engine=engine)
    assert saved.version == 1 and get_rule_set("my-lab", engine=engine).id == "my-lab"


def test_unknown_rule_set_names_the_stored_ones(engine):
    with pytest.raises(RuleSetNotFound, match="glion-iii-2016"):
        get_rule_set("nope", engine=engine)
    with pytest.raises(RuleSetNotFound, match="version 9"):
        get_rule_set("glion-iii-2016", 9, engine=engine)

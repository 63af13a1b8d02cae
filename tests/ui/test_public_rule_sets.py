"""A saved but unpublished scenario never appears on a public page; the default everywhere is
the published rule-set version (issue 12, point 11)."""

from __future__ import annotations

import pytest

from prevention.accounts import auth
from prevention.cases import rulesets
from prevention.storage.db import session_scope
from prevention.web import views
from tests.ui.seeding import ACCOUNTS
from tests.ui.test_pages import no_exception, page
from triggers.rules import load_rule_set


def _account(role: str):
    with session_scope() as s:
        return auth.to_user(auth.get_account(s, ACCOUNTS[role]))


@pytest.fixture
def scenario(ui_db):
    base = load_rule_set("glion-iii-2016")
    made = views.rules_with(base, {"min_criteria": 2}, {},
                            rule_id=views.scenario_id(base.id, "two criteria"),
                            title="Two criteria suffice")
    return rulesets.save_rule_set_version(made, author=_account("researcher"))


def _rule_set_box(at):
    return next(s for s in at.selectbox if s.label == "Rule set")


@pytest.mark.parametrize("role", [None, "viewer"])
def test_an_unpublished_scenario_is_not_offered_to_the_public(scenario, role):
    at = page("overview", role=role)
    no_exception(at)
    box = _rule_set_box(at)
    assert not any(scenario.title in o for o in box.options), box.options
    assert any("glion-iii-2016 (latest" in o for o in box.options)
    assert box.value == "glion-iii-2016"


def test_a_link_to_an_unpublished_scenario_shows_the_published_rules(scenario):
    at = page("country", role=None, rules=scenario.id, country="LBY")
    no_exception(at)
    assert _rule_set_box(at).value == "glion-iii-2016"
    assert any("not published" in i.value for i in at.info)


def test_researchers_see_their_scenarios(scenario):
    at = page("overview", role="researcher", rules=scenario.id)
    no_exception(at)
    assert _rule_set_box(at).value == scenario.id


def test_once_published_the_scenario_is_the_public_default(scenario):
    with session_scope() as s:
        rulesets.publish(s, _account("admin"), scenario.id, scenario.version, "adopted")
    at = page("overview", role=None)
    no_exception(at)
    box = _rule_set_box(at)
    assert box.value == scenario.id
    assert any(scenario.title in o for o in box.options)

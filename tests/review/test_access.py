"""The role x action matrix, checked on the real server-side functions (not on hidden buttons)."""

from __future__ import annotations

import itertools

import pytest

from prevention.accounts import access, audit, auth
from prevention.accounts.access import (
    ACTIONS,
    ANONYMOUS,
    PAGES,
    ROLES,
    PermissionDenied,
)
from prevention.cases import review, rulesets
from prevention.storage.db import session_scope
from prevention.watch import watchlists

# Written down by hand from issue 5, so that a change to the matrix in access.py has to be made
# twice on purpose. Roles are not a ladder: researchers do not see confidential reviews.
# Track record is public by issue 6 ("Track record (everyone)").
# What changed and a watchlist shared by link are public by issue 16.
PUBLIC = {"overview", "country", "about", "account", "track_record", "changes", "shared"}
EXPECTED_PAGES = {
    ANONYMOUS: PUBLIC,
    "viewer": PUBLIC | {"watchlists"},
    "reviewer": PUBLIC | {"watchlists", "review"},
    "researcher": PUBLIC | {"watchlists", "lab", "backtest", "consistency"},
    "admin": set(PAGES),
}
CASE = {"case.view", "case.sync", "case.assign", "case.comment", "case.assess", "case.transition",
        "case.decide", "brief.export"}
EXPECTED_ACTIONS = {
    ANONYMOUS: set(),
    "viewer": {"watchlist.manage", "api_token.manage"},
    "reviewer": {"watchlist.manage", "api_token.manage"} | CASE,
    "researcher": {"watchlist.manage", "api_token.manage", "scenario.save", "backtest.run"},
    "admin": set(ACTIONS),
}


@pytest.mark.parametrize("role,page", list(itertools.product((ANONYMOUS,) + ROLES, PAGES)))
def test_page_matrix(role, page):
    expected = page in EXPECTED_PAGES[role]
    assert access.can_see(role, page) is expected
    assert (page in access.pages_for(role)) is expected


@pytest.mark.parametrize("role,action", list(itertools.product((ANONYMOUS,) + ROLES, ACTIONS)))
def test_action_matrix(role, action):
    assert access.can(role, action) is (action in EXPECTED_ACTIONS[role])


def test_every_page_of_the_app_is_in_the_matrix():
    from prevention.web.registry import PAGE_IDS

    assert set(PAGE_IDS) == set(PAGES) and len(PAGE_IDS) == len(PAGES)


def test_unknown_names_are_errors_not_denials():
    with pytest.raises(KeyError):
        access.can("admin", "case.delete")
    with pytest.raises(KeyError):
        access.can_see("admin", "secret-page")


def test_docs_show_the_same_matrix():
    from pathlib import Path

    text = Path("docs/accounts.md").read_text(encoding="utf-8")
    assert access.matrix_markdown() in text, "docs/accounts.md is out of step: paste matrix_markdown()"


# ------------------------------------------------------------------ the server-side functions

def _case_id(s, who, evaluation):
    review.sync_cases(s, who, evaluation)
    return review.queue(s, who)[0]["case"]


def _version(s, admin, case_id):
    return review.get_case(s, admin, case_id).version


# action -> a call of the real function that performs it; `ctx` has the case and admin.
def _calls():
    def in_review(s, u, c):
        return review.save_case(s, u, c["case"], _version(s, c["admin"], c["case"]), status="in_review")

    return {
        "case.view": lambda s, u, c: review.get_case(s, u, c["case"]),
        "case.sync": lambda s, u, c: review.sync_cases(s, u, c["evaluation"]),
        "case.assign": lambda s, u, c: review.save_case(
            s, u, c["case"], _version(s, c["admin"], c["case"]), assignee="rey"),
        "case.comment": lambda s, u, c: review.comment(s, u, c["case"], "a note"),
        "case.assess": lambda s, u, c: review.save_case(
            s, u, c["case"], _version(s, c["admin"], c["case"]),
            assessments={"access": ("negative", "no media access")}),
        "case.transition": in_review,
        "case.decide": lambda s, u, c: (
            review.save_case(s, c["admin"], c["case"], _version(s, c["admin"], c["case"]),
                             status="in_review"),
            review.decide(s, u, c["case"], _version(s, c["admin"], c["case"]), "monitoring",
                          "Keep watching.")),
        "brief.export": lambda s, u, c: __import__("prevention.cases.briefs").cases.briefs.case_brief_html(
            s, u, c["case"], c["bundle"]),
        "account.manage": lambda s, u, c: auth.set_role(s, u, "vic", "reviewer"),
        "ruleset.publish": lambda s, u, c: review.publish(s, u, "hrc20-2012", 1, "test"),
        "watchlist.manage": lambda s, u, c: watchlists.create(u, "My list", ["LBY"], engine=c["engine"]),
        "api_token.manage": lambda s, u, c: __import__("prevention.accounts.api_tokens").accounts.api_tokens.create(
            s, u, "a script"),
        "audit.view": lambda s, u, c: audit.query(s, u),
        "audit.export": lambda s, u, c: audit.export_csv(s, u),
        "coverage.declare": lambda s, u, c: __import__("prevention.sources.coverage").sources.coverage.declare(
            s, u, source="hc-2024", issuer_kind="high_commissioner", start="2024-01-01",
            end="2024-12-31"),
        "source.fetch": lambda s, u, c: _fetch_from_nowhere(u, c["engine"]),
    }


def _fetch_from_nowhere(user, engine):
    """A real fetch whose host refuses the connection: allowed, it reports the host
    unreachable and writes nothing; refused, it raises before any request."""
    import socket

    from prevention.sources.http import HttpClient
    from prevention.sources.regional import RegionalFeed, feeds
    from prevention.sources.run import fetch
    from prevention.storage.settings import Settings
    from tests.sources.conftest import FakeClock

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    feed = RegionalFeed(feeds()["eu"], f"http://127.0.0.1:{port}/rss")
    report = fetch(feed.source, actor=user, engine=engine, connectors={feed.source: feed},
                   client=HttpClient("ua", clock=FakeClock(), min_delay=0.0), settings=Settings())
    assert report.exit_code == 3


SERVER_ACTIONS = sorted(_calls())


@pytest.mark.parametrize("role", (ANONYMOUS,) + ROLES)
def test_every_role_against_every_server_side_action(engine, users, evaluation, sample_bundle, role):
    """One database per role: each action is run by the role; denied ones must change nothing."""
    user = None if role == ANONYMOUS else users[role]
    admin = users["admin"]
    with session_scope(engine) as s:
        rulesets.seed_shipped(s)
        ctx = {"case": _case_id(s, admin, evaluation), "admin": admin, "evaluation": evaluation,
               "engine": engine,
               "bundle": sample_bundle}
    for action, call in _calls().items():
        with session_scope(engine) as s:
            before = len(audit.query(s, admin, audit.AuditFilter(limit=10_000)))
        allowed = action in EXPECTED_ACTIONS[role]
        try:
            with session_scope(engine) as s:
                call(s, user, ctx)
        except PermissionDenied as exc:
            assert not allowed, f"{role} was refused {action}: {exc}"
            with session_scope(engine) as s:
                after = len(audit.query(s, admin, audit.AuditFilter(limit=10_000)))
            assert after == before, f"a refused {action} by {role} still wrote to the audit log"
        else:
            assert allowed, f"{role} could {action} on the server side"


def test_every_action_has_a_server_side_call_or_is_owned_elsewhere():
    # These are checked where they are done (the lab, back-test and data pages call
    # access.require before the write; their services take a plain author name).
    elsewhere = {"scenario.save", "backtest.run", "import.run", "quarantine.fix"}
    assert set(SERVER_ACTIONS) | elsewhere == set(ACTIONS)

"""The role x action matrix, checked on the real server-side functions (not on hidden buttons)."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest

from prevention.accounts import access, audit, auth
from prevention.accounts.access import (
    ACTIONS,
    ANONYMOUS,
    PAGES,
    ROLES,
    PermissionDenied,
    system,
)
from prevention.cases import opening, review, rulesets
from prevention.sources.ingest import import_file
from prevention.sources.quarantine import list_quarantine, resubmit
from prevention.storage.db import session_scope
from prevention.watch import watchlists
from tests.prevention.bundles import ISSUERS, SIGNALS, table_counts, write_bundle
from triggers.rules import load_rule_set

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
    opening.sync_cases(s, who, evaluation)
    return review.queue(s, who)[0]["case"]


def _version(s, admin, case_id):
    return review.get_case(s, admin, case_id).version


# action -> a call of the real function that performs it; `ctx` has the case and admin.
def _calls():
    def in_review(s, u, c):
        return review.save_case(s, u, c["case"], _version(s, c["admin"], c["case"]), status="in_review")

    return {
        "case.view": lambda s, u, c: review.get_case(s, u, c["case"]),
        "case.sync": lambda s, u, c: opening.sync_cases(s, u, c["evaluation"]),
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
        "ruleset.publish": lambda s, u, c: rulesets.publish(s, u, "hrc20-2012", 1, "test"),
        "watchlist.manage": lambda s, u, c: watchlists.create(u, "My list", ["LBY"], engine=c["engine"]),
        "api_token.manage": lambda s, u, c: __import__("prevention.accounts.api_tokens").accounts.api_tokens.create(
            s, u, "a script"),
        "audit.view": lambda s, u, c: audit.query(s, u),
        "audit.export": lambda s, u, c: audit.export_csv(s, u),
        "coverage.declare": lambda s, u, c: __import__("prevention.sources.coverage").sources.coverage.declare(
            s, u, source="hc-2024", issuer_kind="high_commissioner", start="2024-01-01",
            end="2024-12-31"),
        "source.fetch": lambda s, u, c: _fetch_from_nowhere(u, c["engine"]),
        "import.run": lambda s, u, c: import_file(
            write_bundle(c["tmp"] / "import", SIGNALS[:1], ISSUERS), "bundle", user=u,
            engine=c["engine"]),
        "quarantine.fix": lambda s, u, c: resubmit(
            c["quarantined"], c["fixed_raw"], user=u, engine=c["engine"]),
        "scenario.save": lambda s, u, c: rulesets.save_rule_set_version(
            load_rule_set("glion-iii-2016").model_copy(update={"id": "my-scenario"}), u,
            session=s),
    }


def _quarantined_row(engine, tmp_path) -> tuple[int, dict]:
    """An admin's import with one bad date: the row's id, and its raw values with the date
    fixed."""
    bad = ["late", "2011-02-31", "LBY", "ohchr-hc", "true", "HC again", "", "", "", "en"]
    import_file(write_bundle(tmp_path / "bad", SIGNALS + [bad], ISSUERS), "bundle",
                user=system("setup"), engine=engine)
    row = list_quarantine(engine=engine).iloc[0]
    return int(row["id"]), dict(row["raw"]) | {"date": "2011-02-28"}


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
def test_every_role_against_every_server_side_action(engine, users, evaluation, sample_bundle,
                                                     tmp_path, role):
    """One database per role: each action is run by the role; denied ones must change nothing."""
    user = None if role == ANONYMOUS else users[role]
    admin = users["admin"]
    quarantined, fixed_raw = _quarantined_row(engine, tmp_path)
    with session_scope(engine) as s:
        rulesets.seed_shipped(s)
        ctx = {"case": _case_id(s, admin, evaluation), "admin": admin, "evaluation": evaluation,
               "engine": engine, "bundle": sample_bundle, "tmp": tmp_path,
               "quarantined": quarantined, "fixed_raw": fixed_raw}
    for action, call in _calls().items():
        with session_scope(engine) as s:
            before = len(audit.query(s, admin, audit.AuditFilter(limit=10_000)))
        tables = table_counts(engine)
        allowed = action in EXPECTED_ACTIONS[role]
        try:
            with session_scope(engine) as s:
                call(s, user, ctx)
        except PermissionDenied as exc:
            assert not allowed, f"{role} was refused {action}: {exc}"
            with session_scope(engine) as s:
                after = len(audit.query(s, admin, audit.AuditFilter(limit=10_000)))
            assert after == before, f"a refused {action} by {role} still wrote to the audit log"
            assert table_counts(engine) == tables, f"a refused {action} by {role} wrote data"
        else:
            assert allowed, f"{role} could {action} on the server side"


def test_every_action_has_a_server_side_call():
    # A back-test stores nothing: running one is the back-test page's own gate.
    reads_only = {"backtest.run"}
    assert set(SERVER_ACTIONS) | reads_only == set(ACTIONS)


@pytest.mark.parametrize("action", sorted(set(ACTIONS) - EXPECTED_ACTIONS["viewer"]))
def test_the_stored_role_decides_not_the_callers_object(engine, users, action):
    """An object that claims admin (a session from before a demotion, or made up) is held to
    the role the database stores now; a disabled account to nothing."""
    vic = users["viewer"]
    stale = SimpleNamespace(id=vic.id, username=vic.username, role="admin")
    with pytest.raises(PermissionDenied, match="viewer"):
        access.require(stale, action, engine)
    with session_scope(engine) as s:
        auth.disable(s, users["admin"], "vic")
    with pytest.raises(PermissionDenied, match="anonymous"):
        access.require(stale, action, engine)
    ghost = SimpleNamespace(id=999_999, username="ghost", role="admin")
    with pytest.raises(PermissionDenied):
        access.require(ghost, action, engine)


def test_a_demoted_admin_cannot_import(engine, users, tmp_path):
    """The page's account object still says admin; the import checks the database."""
    admin, other = users["admin"], users["researcher"]
    with session_scope(engine) as s:
        auth.set_role(s, admin, "ralf", "admin")
    stale = SimpleNamespace(id=other.id, username=other.username, role="admin")
    import_file(write_bundle(tmp_path / "a", SIGNALS[:1], ISSUERS), "bundle", user=stale,
                engine=engine)
    with session_scope(engine) as s:
        auth.set_role(s, admin, "ralf", "researcher")
    before = table_counts(engine)
    with pytest.raises(PermissionDenied, match="researcher"):
        import_file(write_bundle(tmp_path / "b", SIGNALS, ISSUERS), "bundle", user=stale,
                    engine=engine)
    assert table_counts(engine) == before


def test_a_name_is_not_an_account():
    with pytest.raises(TypeError, match="system"):
        access.require("ada", "import.run")
    with pytest.raises(KeyError):
        access.require(access.system("cli"), "case.delete")

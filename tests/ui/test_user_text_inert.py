"""Issue 12, point 13: text that users typed (rule-set and scenario titles, watchlist names,
usernames, file names in messages) reaches other users as text, never as markdown.

Every page is run in AppTest with such text stored, and every element Streamlit renders as
markdown (markdown, captions, titles, headers, alerts, toasts, expander labels) is searched
for the text in a form markdown would act on. tests/e2e/test_security_browser.py checks what
Chromium actually draws.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from prevention.accounts import auth
from prevention.cases import rulesets
from prevention.storage.db import session_scope
from prevention.watch import watchlists
from prevention.web import views
from tests.ui.conftest import account_id
from tests.ui.seeding import ACCOUNTS
from tests.ui.test_pages import APP
from triggers.rules import load_rule_set

# An image that would be fetched from wherever the link says (here a closed port), and a link
# that would run a script; both must arrive as the characters typed.
EVIL = "![x](http://127.0.0.1:9/x.png) [click](javascript:alert(1))"
EVIL_USER = "![u](http://127.0.0.1:9/u.png)"
# The fragments markdown would turn into an image or a link (the dashboard's own links, made
# of escaped labels and checked addresses, do not contain them).
ACTIVE = ("[x](http://127.0.0.1:9", "[click](javascript", "[u](http://127.0.0.1:9")


def _markdown_values(at: AppTest) -> list[str]:
    values = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "success", "error",
                 "info", "warning", "toast", "latex"):
        values += [str(e.value) for e in getattr(at, kind)]
    values += [str(e.label) for e in at.expander]
    return values


def _active(at: AppTest) -> list[str]:
    return [v for v in _markdown_values(at) if any(a in v for a in ACTIVE)]


@pytest.fixture
def evil(ui_db):
    """A saved, published scenario titled EVIL, an account named EVIL_USER, and that account's
    shared watchlist named EVIL."""
    base = load_rule_set("glion-iii-2016")
    scenario = views.rules_with(base, {}, {}, rule_id=views.scenario_id(base.id, "evil"), title=EVIL)
    with session_scope() as s:
        researcher = auth.to_user(auth.get_account(s, ACCOUNTS["researcher"]))
    saved = rulesets.save_rule_set_version(scenario, author=researcher, note=EVIL)
    with session_scope() as s:
        admin = auth.get_account(s, ACCOUNTS["admin"])
        admin_user = auth.to_user(admin)
        rulesets.publish(s, admin_user, saved.id, saved.version, note=EVIL)
        evil_user = auth.add_account(s, admin_user, EVIL_USER, "reviewer", "a long enough password")
    made = watchlists.create(evil_user, EVIL, ["LBY"])
    watchlists.set_shared(made.id, evil_user, True)
    info = watchlists.lists_for(evil_user.username)[0]
    return {"rules": saved.id, "token": info.share_token, "user": evil_user}


def _run(page: str, role: str | None = None, user_id: int | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if role:
        at.session_state["account_id"] = account_id(role)
    if user_id:
        at.session_state["account_id"] = user_id
    at.switch_page(f"prevention/web/pages/{page}.py")
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


@pytest.mark.parametrize("page, role", [
    ("overview", None), ("country", None), ("about", None), ("track_record", None),
    ("lab", "researcher"), ("backtest", "researcher"), ("consistency", "researcher"),
])
def test_rule_set_titles_are_text_on_every_page(evil, page, role):
    at = _run(page, role, rules=evil["rules"], country="LBY", as_of="2011-03-01")
    assert not at.exception, [e.message for e in at.exception]
    assert not _active(at), _active(at)


def test_a_shared_watchlist_name_is_text_for_those_who_open_the_link(evil):
    at = _run("watchlists", "viewer", list=evil["token"])
    assert not at.exception, [e.message for e in at.exception]
    assert not _active(at), _active(at)
    shown = "\n".join(_markdown_values(at))
    assert "shared by" in shown  # the list was found and shown


def test_usernames_are_text_where_others_see_them(evil):
    # Signed in as that account: the sidebar, the Account page and the review page name it.
    for page in ("account", "review"):
        at = _run(page, user_id=evil["user"].id)
        assert not at.exception, [e.message for e in at.exception]
        assert not _active(at), (page, _active(at))
    admin = _run("admin", "admin")
    assert not admin.exception and not _active(admin), _active(admin)


def test_error_messages_that_repeat_a_name_are_text(evil):
    at = _run("admin", "admin")
    name = next(t for t in at.text_input if t.label == "Username")
    name.input(EVIL_USER)
    next(t for t in at.text_input if t.label.startswith("Initial password")).input("a long enough password")
    next(b for b in at.button if b.label == "Add").click().run()
    assert at.error and "already exists" in at.error[0].value
    assert not _active(at), _active(at)

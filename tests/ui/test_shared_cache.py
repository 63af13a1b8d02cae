"""The page cache shared by every session (prevention/web/cached.py, issue 17): what it gives is
what the pages computed before; it is keyed on the data version, so an import shows at once; and
it never carries one user's data (a watchlist) into another user's rerun."""

from __future__ import annotations

import pickle
from datetime import date, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from prevention.cases import rulesets
from prevention.storage import frames
from prevention.watch import watchlists
from prevention.web import cached, common, views
from tests.ui.conftest import account_id
from tests.ui.test_pages import APP

try:  # the acting account (issue 18); a plain name before it
    from prevention.accounts.access import system

    ADMIN = system("test")
except ImportError:  # pragma: no cover
    ADMIN = "test"


def _user(role: str):
    from prevention.accounts import auth
    from prevention.storage.db import session_scope
    from tests.ui.seeding import ACCOUNTS

    with session_scope() as s:
        return auth.get_account(s, ACCOUNTS[role])


def country_page(role: str | None, _account: int | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if role or _account:
        at.session_state["account_id"] = _account or account_id(role)
    at.switch_page("prevention/web/pages/country.py")
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def _everything_cached() -> bytes:
    return b"".join(pickle.dumps(v) for v in cached.CACHE.values())


def _new_viewer(name: str):
    from prevention.accounts import auth
    from prevention.storage.db import session_scope
    from tests.ui.seeding import PASSWORD

    with session_scope() as s:
        auth.add_account(s, _user("admin"), name, "viewer", PASSWORD)
    with session_scope() as s:
        return auth.get_account(s, name)


def test_a_watchlist_never_reaches_another_user_through_the_cache(ui_db):
    owner = _new_viewer("qzowner93")
    secret = "Zanzibar-7 private list"
    watchlists.create(owner, secret, ["SYR", "LBY"])
    params = {"country": "SYR", "as_of": "2011-03-31"}
    mine = country_page(None, _account=owner.id, **params)
    assert not mine.exception, [e.message for e in mine.exception]
    assert secret in mine.selectbox(key="add_target").options  # the owner's own form
    # Another signed-in user, then an anonymous visitor, on the same page, rules and day: the
    # shared entries are hits, and neither sees the list.
    hits = cached.CACHE.hits
    for role in ("researcher", None):
        other = country_page(role, **params)
        assert not other.exception, [e.message for e in other.exception]
        shown = " ".join(str(e.value) for e in [*other.markdown, *other.caption, *other.text])
        assert secret not in shown
        if role:
            assert secret not in other.selectbox(key="add_target").options
    assert cached.CACHE.hits > hits
    # Nothing cached holds the list's name or its owner's name.
    blob = _everything_cached()
    assert secret.encode() not in blob
    assert owner.username.encode() not in blob


def test_an_import_invalidates_the_shared_entries(ui_db, tmp_path):
    from prevention.sources.ingest import import_file

    params = {"country": "SYR", "as_of": "2011-03-31"}
    before = country_page(None, **params)
    version = frames.data_version()
    assert any(k[1] == version for k in cached.CACHE.key_list() if k[0] == ui_db)
    from tests.ui.seeding import SAMPLE

    import_file(SAMPLE, "bundle", user=ADMIN)  # nothing new, but an import: the version moves
    assert frames.data_version() > version
    after = country_page(None, **params)
    assert not after.exception, [e.message for e in after.exception]
    # The entries of the older version are gone; the page was built on the new one.
    assert all(k[1] > version for k in cached.CACHE.key_list() if k[0] == ui_db)
    assert before.header[0].value  # both rendered


@pytest.mark.parametrize("iso3", ["SYR", "LBY", "CIV", "MMR", "FRA"])
def test_the_country_timeline_is_the_one_the_page_computed(ui_db, iso3):
    rules = rulesets.get_rule_set("glion-iii-2016")
    as_of = date(2011, 6, 30)
    d = common.data()
    sig = views.country_signals(d["bundle"], iso3)
    start = pd.Timestamp(as_of) - timedelta(days=365)
    if len(sig):
        start = min(start, sig["date"].min())
    tl = common.status_timeline(rules, start, as_of)
    met, episodes = cached.country_timeline(rules, as_of, iso3, start)
    pd.testing.assert_frame_equal(met, views.met_over_time(tl.frame(step_days=7), iso3))
    pd.testing.assert_frame_equal(episodes, views.country_episodes(tl.episodes(), iso3))


def test_the_overview_reads_the_stored_table_and_shows_the_same(ui_db, monkeypatch):
    """The Overview of a stored day and of the same day evaluated are the same page."""
    from prevention.cases import statuses

    def overview(**params):
        at = AppTest.from_file(APP, default_timeout=60)
        for k, v in params.items():
            at.query_params[k] = v
        return at.run()

    day = "2011-03-31"
    statuses.refresh(today=date(2011, 4, 2), days=5)
    rules = rulesets.get_rule_set("glion-iii-2016")
    base = cached.overview_base("glion-iii-2016", rules, date.fromisoformat(day))
    assert base.stored
    stored = overview(as_of=day)
    cached.CACHE.clear()
    monkeypatch.setattr(statuses, "stored_table", lambda *a, **k: None)
    evaluated = overview(as_of=day)
    assert not cached.overview_base("glion-iii-2016", rules, date.fromisoformat(day)).stored
    for at in (stored, evaluated):
        assert not at.exception, [e.message for e in at.exception]
    pd.testing.assert_frame_equal(stored.dataframe[0].value, evaluated.dataframe[0].value)
    assert [(m.label, m.value) for m in stored.metric] == [(m.label, m.value) for m in evaluated.metric]
    assert [w.value for w in stored.warning] == [w.value for w in evaluated.warning]
    assert [s.value for s in stored.success] == [s.value for s in evaluated.success]

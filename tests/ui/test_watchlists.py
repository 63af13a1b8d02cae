"""Watchlists on a real (temporary SQLite) database: ownership is checked on every write."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from prevention.accounts.access import PermissionDenied
from prevention.accounts.auth import User
from prevention.watch import watchlists as wl

AMINA = User(1, "amina", "viewer")
BOB = User(2, "bob", "viewer")


@pytest.fixture
def empty_db(empty_db):
    """The accounts the tests act as: watchlists check the role stored, not the object's."""
    from prevention.storage.db import session_scope
    from prevention.storage.models.review import Account

    with session_scope() as s:
        s.add_all([Account(id=1, username="amina", role="viewer"),
                   Account(id=2, username="bob", role="viewer")])
    return empty_db


def test_create_rename_share_delete(empty_db):
    a = wl.create(AMINA, "Sahel", ["mli", "NER", "NER"])
    assert a.countries == ("MLI", "NER") and not a.shared
    assert wl.rename(a.id, AMINA, "Central Sahel").name == "Central Sahel"
    shared = wl.set_shared(a.id, AMINA, True)
    assert wl.shared_list(shared.share_token).countries == ("MLI", "NER")
    unshared = wl.set_shared(a.id, AMINA, False)
    assert wl.shared_list(shared.share_token) is None  # the old link is revoked
    assert unshared.share_token != shared.share_token
    wl.record_visit(a.id, "amina", {"MLI": "clear"})
    wl.delete_list(a.id, AMINA)
    assert wl.lists_for("amina") == []
    assert wl.last_visit(a.id, "amina") == (None, {})


def test_only_the_owner_changes_a_list(empty_db):
    a = wl.create(AMINA, "Sahel", ["MLI"])
    for call in (lambda: wl.rename(a.id, BOB, "x"), lambda: wl.delete_list(a.id, BOB),
                 lambda: wl.set_shared(a.id, BOB, True), lambda: wl.add_countries(a.id, BOB, ["FRA"])):
        with pytest.raises(wl.NotOwner):
            call()
    assert wl.lists_for("amina")[0].countries == ("MLI",)


@pytest.mark.parametrize("name,codes,message", [
    ("  ", [], "give the watchlist a name"),
    ("x" * 201, [], "at most 200"),
    ("ok", ["XXX"], "unknown country code"),
])
def test_bad_requests_say_what_to_do(empty_db, name, codes, message):
    with pytest.raises(wl.WatchlistError, match=message):
        wl.create(AMINA, name, codes)


def test_anonymous_visitors_cannot_keep_watchlists(empty_db):
    with pytest.raises(PermissionDenied):
        wl.create(None, "mine", [])


def test_duplicate_names_per_owner(empty_db):
    wl.create(AMINA, "Sahel")
    wl.create(BOB, "Sahel")  # another user's list may share the name
    with pytest.raises(wl.WatchlistError, match="already have"):
        wl.create(AMINA, "Sahel")


def test_new_signals_since_last_visit(ui_db):
    a = wl.create(AMINA, "L", ["LBY", "DEU"])
    assert wl.count_since(a.countries, None) == {"LBY": 3}
    future = datetime.now(timezone.utc) + timedelta(minutes=1)
    assert wl.count_since(a.countries, future) == {}
    past = datetime.now(timezone.utc) - timedelta(days=1)
    assert set(wl.arrived_since(a.countries, past)["signal_id"]) == {
        "libya-2011-hc", "libya-2011-las", "libya-2011-sc"}


@pytest.mark.parametrize("before,now,expected", [
    ({}, {"LBY": "triggered"}, []),  # a first visit raises no alert
    ({"LBY": "clear"}, {"LBY": "triggered"}, ["LBY"]),
    ({"LBY": "watch"}, {"LBY": "triggered", "CIV": "watch"}, ["LBY"]),
    ({"LBY": "triggered"}, {"LBY": "triggered"}, []),
    ({"FRA": "clear"}, {"LBY": "triggered"}, ["LBY"]),  # added since: counts as crossing
])
def test_crossings(before, now, expected):
    assert wl.crossings(before, now) == expected

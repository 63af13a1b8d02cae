from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from prevention.storage.db import session_scope
from prevention.storage.frames import (
    bump_version,
    data_version,
    invalidate,
    load_bundle,
    load_countries,
    load_outcomes,
    load_sources,
)
from prevention.storage.models.core import (
    Country,
    Import,
    Issuer,
    Membership,
    Outcome,
    Signal,
    SignalIssuer,
)
from triggers.schema import SIGNAL_FIELDS


def _store(engine) -> None:
    with session_scope(engine) as s:
        imp = Import(user_name="t", file_name="f.csv", sha256="0" * 64, source_kind="ohchr-sp")
        s.add(imp)
        s.flush()
        s.add_all([Issuer(issuer_id="sp-a", name="A", kind="sp_mandate", import_id=imp.id),
                   Issuer(issuer_id="nhri-x", name="NHRI", kind="nhri", country="SYR",
                          accreditation="A", import_id=imp.id)])
        s.add_all([Signal(signal_id="s1", date=dt.date(2021, 5, 12), country="SYR",
                          concern=True, title="t1", import_id=imp.id),
                   Signal(signal_id="s2", date=dt.date(2022, 1, 3), country="MMR",
                          concern=False, import_id=imp.id)])
        s.flush()
        s.add_all([SignalIssuer(signal_id="s1", issuer_id="sp-a"),
                   SignalIssuer(signal_id="s2", issuer_id="nhri-x")])
        s.add(Membership(org_id="las", country="SYR", since=dt.date(1945, 3, 22),
                         until=dt.date(2011, 11, 16)))
        s.add(Country(iso3="SYR", name="Syrian Arab Republic", un_group="Asia-Pacific"))
        s.add(Outcome(country="", date=dt.date(2008, 5, 22), kind="special_session",
                      reference="A/HRC/S-7/2"))
        bump_version(s)


def test_frames_have_the_engine_shapes(engine):
    _store(engine)
    b = load_bundle(engine)
    assert list(b.signals.columns) == list(SIGNAL_FIELDS)
    sig = b.signals.set_index("signal_id")
    assert sig.loc["s1", "date"] == pd.Timestamp("2021-05-12")
    assert sig["date"].dtype == "datetime64[ns]"
    assert sig.loc["s1", "concern"] and not sig.loc["s2", "concern"]
    assert sig.loc["s2", "title"] == ""
    assert set(map(tuple, b.links.to_numpy())) == {("s1", "sp-a"), ("s2", "nhri-x")}
    assert b.issuers.set_index("issuer_id").loc["nhri-x", "accreditation"] == "A"
    mem = b.memberships.iloc[0]
    assert (mem["since"], mem["until"]) == (pd.Timestamp("1945-03-22"), pd.Timestamp("2011-11-16"))
    assert load_countries(engine).to_dict("records") == [
        {"iso3": "SYR", "name": "Syrian Arab Republic", "un_group": "Asia-Pacific"}]
    out = load_outcomes(engine)
    assert out.loc[0, "country"] == "" and out.loc[0, "date"] == pd.Timestamp("2008-05-22")
    cov = load_sources(engine).iloc[0]
    assert cov["source_kind"] == "ohchr-sp" and cov["signals"] == 2
    assert cov["issuer_kinds"] == ("nhri", "sp_mandate")
    assert cov["last_date"] == pd.Timestamp("2022-01-03")


def test_empty_database_gives_empty_frames_the_engine_accepts(engine):
    from triggers.evaluate import evaluate
    from triggers.rules import load_rule_set

    b = load_bundle(engine)
    assert b.signals.empty and b.links.empty
    evaluate(b, load_rule_set("glion-iii-2016"), "2024-01-01")
    assert load_sources(engine).empty


def test_cache_returns_the_same_object_until_the_data_changes(engine):
    first = load_bundle(engine)
    assert load_bundle(engine) is first
    before = data_version(engine)
    _store(engine)
    assert data_version(engine) == before + 1
    second = load_bundle(engine)
    assert second is not first and len(second.signals) == 2
    invalidate()
    assert load_bundle(engine) is not second


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_files_are_in_wal_mode_and_a_read_sees_the_write_before_it(engine):
    """WAL mode (issue 17): every read right after a write sees it, through a connection held
    open meanwhile and through new ones (with a second SQLite library in the process, as the
    ADBC reader was, such a read missed the write or failed with "disk I/O error")."""
    from sqlalchemy import text

    from prevention.storage import frames

    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    held = engine.connect()  # a pooled connection that stays open, as a page's would
    try:
        for _ in range(30):
            with engine.begin() as conn:
                frames.bump_version(conn)
            version = held.execute(text("SELECT version FROM data_version")).scalar_one()
            held.rollback()
            assert frames.data_version(engine) == version
    finally:
        held.close()
    _store(engine)
    assert len(frames.load_bundle(engine).signals) == 2

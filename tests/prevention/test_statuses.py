"""The stored status table (issue 17): a stored day reads back as the very table the engine's
evaluation gives (statuses, criteria met, values, coverage and covered days), on SQLite and
PostgreSQL; it is refreshed after an import and ignored once the data changed otherwise."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from prevention.cases import rulesets, statuses
from prevention.sources.ingest import import_file
from prevention.storage import frames
from prevention.storage.settings import get_settings
from tests.ui.seeding import SAMPLE
from triggers.evaluate import evaluate
from triggers.prepared import prepare

try:  # the acting account of an import (issue 18); a plain name before it
    from prevention.accounts.access import system

    USER = system("test")
except ImportError:  # pragma: no cover
    USER = "test"

DAY = date(2011, 3, 31)  # inside the sample's Libya, Côte d'Ivoire and Syria crises


def _evaluated(engine, rules, day):
    bundle = frames.load_bundle(engine)
    countries = frames.load_countries(engine)
    prep = prepare(bundle, statuses.evaluation_countries(countries, bundle))
    return evaluate(prep, rules, day, sentences=False).table


@pytest.fixture
def sample(engine):
    rulesets.list_rule_sets(engine)  # the shipped rule sets
    import_file(SAMPLE, "bundle", user=USER, engine=engine)
    return engine


def test_every_stored_day_is_the_evaluation(sample):
    n = statuses.refresh(sample, today=DAY, days=21)
    assert n > 0
    for info in rulesets.list_rule_sets(sample):
        rules = rulesets.get_rule_set(info.id, engine=sample)
        if rules.version != info.version:
            continue
        for day in (DAY - timedelta(days=20), DAY - timedelta(days=9), DAY):
            stored = statuses.stored_table(rules, day, engine=sample)
            assert stored is not None, (info.id, day)
            pd.testing.assert_frame_equal(stored, _evaluated(sample, rules, day))
        # Outside the stored days: not stored (the caller evaluates).
        assert statuses.stored_table(rules, DAY + timedelta(days=1), engine=sample) is None
        assert statuses.stored_table(rules, DAY - timedelta(days=21), engine=sample) is None


def test_runs_are_fewer_than_days(sample):
    rules = rulesets.get_rule_set("glion-iii-2016", engine=sample)
    bundle = frames.load_bundle(sample)
    prep = prepare(bundle, statuses.evaluation_countries(frames.load_countries(sample), bundle))
    runs = statuses.runs(prep, rules, DAY - timedelta(days=29), DAY)
    assert len(runs) < 30 * prep.n_countries / 5  # most States stay the same for weeks
    assert {r["country"] for r in runs} == set(prep.countries)


def test_any_later_write_makes_the_stored_days_stale(sample):
    from prevention.storage.db import session_scope

    statuses.refresh(sample, today=DAY, days=3)
    rules = rulesets.get_rule_set("glion-iii-2016", engine=sample)
    assert statuses.stored_table(rules, DAY, engine=sample) is not None
    with session_scope(sample) as s:  # e.g. a coverage row added by hand bumps the version
        frames.bump_version(s)
    assert statuses.stored_table(rules, DAY, engine=sample) is None
    assert not statuses.is_fresh(sample, today=DAY)


def test_an_import_refreshes_the_table(engine, monkeypatch):
    monkeypatch.setenv("PREVENTION_STATUS_DAYS", "2")
    get_settings.cache_clear()
    rulesets.list_rule_sets(engine)
    import_file(SAMPLE, "bundle", user=USER, engine=engine)
    rules = rulesets.get_rule_set("glion-iii-2016", engine=engine)
    stored = statuses.stored_table(rules, date.today(), engine=engine)
    assert stored is not None
    pd.testing.assert_frame_equal(stored, _evaluated(engine, rules, date.today()))
    assert statuses.is_fresh(engine)


def test_turned_off_nothing_is_stored(engine, monkeypatch):
    monkeypatch.setenv("PREVENTION_STATUS_DAYS", "0")
    get_settings.cache_clear()
    rulesets.list_rule_sets(engine)
    import_file(SAMPLE, "bundle", user=USER, engine=engine)
    rules = rulesets.get_rule_set("glion-iii-2016", engine=engine)
    assert statuses.stored_table(rules, date.today(), engine=engine) is None
    assert statuses.refresh(engine) == 0


def test_a_seed_refreshes_once(engine, monkeypatch, tmp_path):
    from tests.ui.seeding import _data_dir

    monkeypatch.setenv("PREVENTION_STATUS_DAYS", "1")
    get_settings.cache_clear()
    calls = []
    real = statuses.refresh
    monkeypatch.setattr(statuses, "refresh", lambda *a, **k: calls.append(1) or real(*a, **k))
    from prevention.sources.seed import seed

    seed(engine, _data_dir(tmp_path), say=lambda _m: None)
    assert len(calls) == 1
    assert statuses.is_fresh(engine)
    seed(engine, _data_dir(tmp_path), say=lambda _m: None)  # nothing new: nothing recomputed
    assert len(calls) == 1

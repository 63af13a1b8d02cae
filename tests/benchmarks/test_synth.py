"""The synthetic bundle is deterministic and valid, and the benchmark's contenders agree.

The speed comparison in benchmarks/engine.py is only honest while DuckDB and the pandas loop
compute exactly what the engine computes; these tests keep that true on a small bundle.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks import loop
from benchmarks.synth import make_bundle
from triggers.bundle import read_bundle, write_bundle
from triggers.prepared import from_day, to_day
from triggers.rules import load_rule_set
from triggers.timeline import timeline

FRAMES = ("signals", "issuers", "links", "memberships")
START, END = "2016-01-01", "2025-12-31"


@pytest.fixture(scope="module")
def bundle():
    return make_bundle(6000, n_countries=40, years=10, seed=7)


def test_same_arguments_give_the_same_bundle(bundle):
    again = make_bundle(6000, n_countries=40, years=10, seed=7)
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(bundle, name), getattr(again, name))
    other = make_bundle(6000, n_countries=40, years=10, seed=8)
    assert not other.signals["date"].equals(bundle.signals["date"])


def test_round_trip_through_a_bundle_folder(bundle, tmp_path):
    """write_bundle -> read_bundle validates every row and gives back the same frames."""
    back = read_bundle(write_bundle(bundle, tmp_path / "synth"))
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(back, name), getattr(bundle, name))
    assert back.duplicates == 0


def test_mix_is_realistic_and_marked_synthetic(bundle):
    s, i = bundle.signals, bundle.issuers
    assert len(s) == 6000 and s["signal_id"].is_unique
    assert s["title"].str.startswith("[SYNTHETIC] ").all()
    assert s["country"].nunique() == 40
    assert s["date"].min() >= pd.Timestamp("2016-01-01") and s["date"].max() <= pd.Timestamp(END)
    assert 0.02 < (~s["concern"]).mean() < 0.12
    kinds = i["kind"].value_counts()
    assert kinds["sp_mandate"] == 58 and kinds["regional_org"] == 15 and kinds["nhri"] == 40
    assert set(i.loc[i["kind"] == "nhri", "accreditation"]) <= {"A", "B", "C", "none"}
    assert set(i.loc[i["kind"] == "ngo", "scope"]) == {"national", "international"}
    m = bundle.memberships
    assert m["since"].notna().any() and m["until"].notna().any()
    per_signal = bundle.links.merge(i, on="issuer_id").query("kind == 'sp_mandate'") \
        .groupby("signal_id").size()
    assert per_signal.max() >= 4 and per_signal.median() <= 2  # joint letters skew small
    assert s["reference"].str.match(r"^(J?(UA|AL|OL) [A-Z]{3} \d+/\d{4})?$").all()


def test_duckdb_agrees_with_the_engine_on_every_day(bundle):
    duck = pytest.importorskip("benchmarks.duck")
    first, last = to_day(START), to_day(END)
    for rules_id in ("glion-iii-2016", "hrc20-2012"):
        rules = load_rule_set(rules_id)
        tl = timeline(bundle, rules, START, END)
        con = duck.connect(threads=1)
        duck.load(con, bundle)
        got = duck.duckdb_timeline(con, rules, first, last)
        assert list(got.countries) == list(tl.countries)
        assert np.array_equal(got.criteria_met, tl.criteria_met), rules_id
        assert np.array_equal(got.status, tl.status), rules_id
        ep = tl.episodes()
        assert got.episodes["start"].tolist() == [to_day(d) for d in ep["start"]]
        assert got.episodes["end"].tolist() == [to_day(d) for d in ep["end"]]
        assert (tl.status == 2).any() and (tl.status == 0).any() and (tl.status == 1).any()


def test_pandas_loop_agrees_with_the_engine_on_sample_days(bundle):
    rules = load_rule_set("glion-iii-2016")
    tl = timeline(bundle, rules, START, END)
    rows = loop.joined_links(bundle)
    for col in np.linspace(0, tl.status.shape[1] - 1, 6).astype(int):
        day = pd.Timestamp(from_day(tl.first_day + int(col)))
        assert np.array_equal(loop.status_on(rows, rules, tl.countries, day), tl.status[:, col]), day

from __future__ import annotations

import filecmp

import pytest
import sqlalchemy as sa

from prevention.accounts.access import system
from prevention.sources import ingest
from prevention.sources.export import export_bundle
from prevention.sources.ingest import IngestError, import_file
from prevention.sources.quarantine import list_quarantine
from prevention.storage.frames import load_bundle, load_sources
from prevention.storage.settings import PROJECT_DIR, get_settings
from tests.prevention.bundles import ISSUERS, SIGNALS, table_counts, write_bundle

SAMPLE = PROJECT_DIR / "data" / "sample"


def _adds_up(r) -> bool:
    return r.accepted + r.duplicates + r.quarantined + r.skipped == r.rows_read


def test_sample_bundle_imports_once_and_reimport_adds_nothing(engine):
    first = import_file(SAMPLE, "bundle", user=system("alice"), engine=engine)
    assert (first.rows_read, first.accepted, first.quarantined) == (157, 157, 0)
    before = table_counts(engine)
    again = import_file(SAMPLE, "bundle", user=system("alice"), engine=engine)
    assert (again.accepted, again.duplicates, again.quarantined) == (0, 157, 0)
    after = table_counts(engine)
    assert after["signals"] == before["signals"] == 30
    assert after["imports"] == before["imports"] + 1  # the re-import itself is recorded
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT user_name, sha256, source_kind, accepted FROM imports "
                                   "ORDER BY id")).all()
    assert row[0] == ("alice", first.sha256, "bundle", 157) and len(first.sha256) == 64
    with engine.connect() as conn:  # every signal knows its import
        assert conn.execute(sa.text("SELECT COUNT(*) FROM signals WHERE import_id = :i"),
                            {"i": first.import_id}).scalar_one() == 30


def test_import_export_import_changes_nothing(engine, tmp_path):
    import_file(SAMPLE, "bundle", user=system("t"), engine=engine)
    one = export_bundle(tmp_path / "one", engine)
    before = table_counts(engine)
    again = import_file(one, "bundle", user=system("t"), engine=engine)
    assert again.accepted == 0 and again.quarantined == 0 and again.duplicates == again.rows_read
    assert {k: v for k, v in table_counts(engine).items() if k not in ("imports", "version")} == \
        {k: v for k, v in before.items() if k not in ("imports", "version")}
    two = export_bundle(tmp_path / "two", engine)
    for name in ["signals.csv", "issuers.csv", "memberships.csv"]:
        assert filecmp.cmp(one / name, two / name, shallow=False), name
    from triggers.bundle import read_bundle
    original, exported = read_bundle(SAMPLE), read_bundle(one)
    assert len(exported.signals) == len(original.signals)
    assert set(map(tuple, exported.links.to_numpy())) == set(map(tuple, original.links.to_numpy()))


def test_bad_rows_are_quarantined_and_good_rows_kept(engine, tmp_path):
    signals = SIGNALS + [
        ["bad-date", "22/02/2011", "LBY", "ohchr-hc", "true", "", "", "", "", ""],
        ["bad-country", "2011-02-22", "Libya", "ohchr-hc", "true", "", "", "", "", ""],
        ["bad-issuer", "2011-02-22", "LBY", "nobody", "true", "", "", "", "", ""],
        ["via-bad-issuer", "2011-02-23", "LBY", "broken", "true", "", "", "", "", ""],
        SIGNALS[0],  # exact repeat: a duplicate, not a problem
        ["libya-2011-hc", "2011-02-23", "LBY", "ohchr-hc", "true", "", "", "", "", ""],
        ["long", "2011-02-22", "LBY", "ohchr-hc", "true", "a", "b", "c", "d", "e", "extra"],
        ["short", "2011-02-22", "LBY"],  # a short row is refused, not padded (docs/bundle.md)
    ]
    issuers = ISSUERS + [["broken", "Broken", "pundit", "", "", ""]]
    folder = write_bundle(tmp_path / "b", signals, issuers)
    r = import_file(folder, "bundle", user=system("t"), engine=engine)
    assert _adds_up(r)
    assert (r.rows_read, r.accepted, r.duplicates, r.quarantined) == (15, 6, 1, 8)
    stored = set(load_bundle(engine).signals["signal_id"])
    assert stored == {"libya-2011-hc", "libya-2011-las", "libya-2011-sc"}
    q = list_quarantine(engine=engine)
    q.index = [(raw["_file"], row) for raw, row in zip(q["raw"], q["row"])]
    assert len(q) == 8
    sig = lambda row: q.loc[[("signals.csv", row)]].iloc[0]  # noqa: E731
    assert "YYYY-MM-DD" in sig(5)["reason"] and sig(5)["raw"]["signal_id"] == "bad-date"
    assert "ISO 3166-1 alpha-3" in sig(6)["reason"]
    assert "unknown issuer id" in sig(7)["reason"] and sig(7)["value"] == "nobody"
    assert "issuer 'broken' has problems on issuers.csv row 5" in sig(8)["reason"]
    assert "already defined on row 2" in sig(10)["reason"]
    assert "11 cells but the header has 10" in sig(11)["reason"]
    assert sig(11)["raw"]["(extra 1)"] == "extra"
    assert "3 cells but the header has 10" in sig(12)["reason"]
    assert "unknown kind" in q.loc[[("issuers.csv", 5)]].iloc[0]["reason"]
    assert all(q["status"] == "open")


def test_same_key_with_different_content_is_quarantined_with_the_stored_value(engine, tmp_path):
    import_file(write_bundle(tmp_path / "a"), "bundle", user=system("t"), engine=engine)
    changed = [SIGNALS[0], SIGNALS[1][:5] + ["Another title"] + SIGNALS[1][6:],
               ["libya-2011-new", "2011-02-24", "LBY", "las", "true", "", "", "", "", ""]]
    r = import_file(write_bundle(tmp_path / "b", changed, ISSUERS[:2] +
                                 [["unsc", "Security Council (renamed)", "security_council", "",
                                   "", ""]]), "bundle", user=system("t"), engine=engine)
    assert (r.accepted, r.duplicates, r.quarantined) == (1, 3, 2) and _adds_up(r)
    text = "\n".join(r.problems)
    assert "title: stored 'LAS on Libya', this row 'Another title'" in text
    assert "issuer 'unsc' is already stored" in text
    titles = load_bundle(engine).signals.set_index("signal_id")["title"]
    assert titles["libya-2011-las"] == "LAS on Libya"  # the stored record wins


def test_signals_may_reference_issuers_already_stored(engine, tmp_path):
    import_file(write_bundle(tmp_path / "a"), "bundle", user=system("t"), engine=engine)
    more = [["libya-2011-hc-2", "2011-02-25", "LBY", "ohchr-hc;las", "true", "", "", "", "", ""]]
    r = import_file(write_bundle(tmp_path / "b", more, []), "bundle", user=system("t"), engine=engine)
    assert (r.accepted, r.quarantined) == (1, 0)


def test_a_failure_mid_import_leaves_the_database_unchanged(engine, tmp_path, monkeypatch):
    import_file(write_bundle(tmp_path / "a"), "bundle", user=system("t"), engine=engine)
    before = table_counts(engine)
    monkeypatch.setenv("PREVENTION_IMPORT_BATCH_SIZE", "100")
    get_settings.cache_clear()
    rows = [[f"s{i}", "2020-01-01", "SYR", "ohchr-hc", "true", "", "", "", "", ""]
            for i in range(450)]
    calls = []

    def failing(stage, done, total):
        # Called after each written batch: real rows are in the database when this fails.
        if stage == "signals" and done < total:
            calls.append((stage, done))
            raise OSError("disk full (injected)")

    with pytest.raises(OSError, match="injected"):
        import_file(write_bundle(tmp_path / "b", rows, ISSUERS), "bundle", user=system("t"),
                    engine=engine, progress=failing)
    assert calls and calls[0][1] > 0
    assert table_counts(engine) == before
    get_settings.cache_clear()


def test_progress_is_reported_per_batch(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("PREVENTION_IMPORT_BATCH_SIZE", "100")
    get_settings.cache_clear()
    rows = [[f"s{i}", "2020-01-01", "SYR", "ohchr-hc", "true", "", "", "", "", ""]
            for i in range(250)]
    seen = []
    import_file(write_bundle(tmp_path / "b", rows, ISSUERS), "bundle", user=system("t"), engine=engine,
                progress=lambda stage, done, total: seen.append((stage, done, total)))
    done = [d for stage, d, total in seen if stage == "signals" and total == 250]
    # Every batch of at most 100 rows is reported, up to the last row.
    assert len(done) >= 3 and done[-1] == 250
    assert all(0 < b - a <= 100 for a, b in zip([0, *done], done))
    get_settings.cache_clear()


def test_an_unreadable_bundle_records_nothing(engine, tmp_path):
    folder = tmp_path / "latin1"
    folder.mkdir()
    (folder / "signals.csv").write_bytes("signal_id,date,country,issuers\nx,2020-01-01,CIV,"
                                         "côte\n".encode("latin-1"))
    (folder / "issuers.csv").write_bytes(b"")
    before = table_counts(engine)
    r = import_file(folder, "bundle", user=system("t"), engine=engine)
    assert not r.read_anything and r.rows_read == 0
    assert any("not UTF-8" in p for p in r.problems) and any("empty file" in p for p in r.problems)
    assert table_counts(engine) == before
    r = import_file(tmp_path / "missing", "bundle", user=system("t"), engine=engine)
    assert not r.read_anything and "not a folder" in r.problems[0]


def test_sources_name_the_loaded_kinds(engine):
    import_file(SAMPLE, "bundle", user=system("t"), engine=engine)
    cov = load_sources(engine).iloc[0]
    assert cov["source_kind"] == "bundle" and cov["signals"] == 30
    assert "high_commissioner" in cov["issuer_kinds"] and "nhri" not in cov["issuer_kinds"]


def test_a_parser_that_loses_rows_is_refused(engine):
    from prevention.sources.importers.base import ParsedImport

    with pytest.raises(IngestError, match="5 rows read but 0 accounted for"):
        ingest.store(ParsedImport(kind="table", file_name="x.csv", rows_read=5), user=system("t"),
                     engine=engine)
    assert table_counts(engine)["imports"] == 0


def _parsed(links: list[tuple[str, str]]):
    import pandas as pd

    from prevention.sources.importers.base import ParsedImport

    ids = ["s1", "s2", "s3"]
    signals = pd.DataFrame({"signal_id": ids, "date": ["2011-02-22"] * 3,
                            "country": ["LBY", "SYR", "MMR"], "concern": [True] * 3,
                            "title": ["a", "b", "c"], "url": "", "reference": "", "summary": "",
                            "language": "en", "source_row": ["1", "2", "3"]})
    issuers = pd.DataFrame({"issuer_id": ["ohchr-hc", "las", "unsc"],
                            "name": ["HC", "LAS", "SC"],
                            "kind": ["high_commissioner", "regional_org", "security_council"],
                            "country": "", "accreditation": "", "scope": ""})
    return ParsedImport(kind="table", file_name="t.csv", rows_read=3, signals=signals,
                        issuers=issuers, links=pd.DataFrame(links, columns=["signal_id",
                                                                             "issuer_id"]))


@pytest.mark.parametrize("links", [
    # in signal order, one run per signal: matched by position
    [("s1", "las"), ("s1", "ohchr-hc"), ("s2", "unsc"), ("s3", "las"), ("s3", "unsc")],
    # shuffled, a repeated pair, a signal in two runs, and a link to a signal not in the
    # file: matched by id
    [("s3", "unsc"), ("s1", "ohchr-hc"), ("s2", "unsc"), ("s1", "las"), ("s3", "las"),
     ("s3", "las"), ("gone", "las")],
])
def test_links_are_stored_once_in_key_order_however_the_parser_orders_them(engine, links):
    report = ingest.store(_parsed(links), user=system("t"), engine=engine)
    assert (report.accepted, report.quarantined) == (3, 0)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT signal_id, issuer_id FROM signal_issuers")).all()
    assert sorted(stored) == [("s1", "las"), ("s1", "ohchr-hc"), ("s2", "unsc"), ("s3", "las"),
                              ("s3", "unsc")]


def test_references_are_checked_even_when_the_classification_is_wrong(engine, tmp_path,
                                                                        monkeypatch):
    # The database checks every reference too: a bug that let a link to an unknown issuer
    # through must still store nothing.
    signals = SIGNALS + [["x-1", "2011-03-01", "SYR", "nobody", "true", "t", "", "", "", "en"]]
    folder = write_bundle(tmp_path / "b", signals=signals)
    from prevention.sources.ingest import signals as stored_signals

    real = stored_signals.find_stored
    monkeypatch.setattr(stored_signals, "find_stored", lambda conn, table, column, ids:
                        set(ids) if table == "issuers" else real(conn, table, column, ids))
    monkeypatch.setattr("prevention.sources.importers.bundle.check", _without_issuer_check(), raising=True)
    with pytest.raises(IngestError, match="(?s)refused the import.*(FOREIGN KEY|nobody)"):
        import_file(folder, "bundle", user=system("t"), engine=engine)
    assert table_counts(engine)["signals"] == 0 and table_counts(engine)["imports"] == 0


def _without_issuer_check():
    """The bundle's check, but blind to the issuer "nobody" (it never reaches storage)."""
    from triggers import bundle as tb

    def blind(frames, **options):
        options["known_issuers"] = set(options.get("known_issuers") or ()) | {"nobody"}
        return tb.check(frames, **options)
    return blind

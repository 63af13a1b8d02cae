from __future__ import annotations

import pytest

from prevention.accounts.access import system
from prevention.sources.ingest import import_file
from prevention.sources.quarantine import QuarantineError, list_quarantine, resubmit
from prevention.storage.frames import load_bundle
from tests.prevention.bundles import ISSUERS, SIGNALS, table_counts, write_bundle


def _one_bad(engine, tmp_path):
    bad = ["late", "2011-02-31", "LBY", "ohchr-hc", "true", "HC again", "", "", "", "en"]
    import_file(write_bundle(tmp_path / "b", SIGNALS + [bad], ISSUERS), "bundle", user=system("t"),
                engine=engine)
    q = list_quarantine(engine=engine)
    assert len(q) == 1
    return q.iloc[0]


def test_a_fixed_row_is_stored_and_marked_fixed(engine, tmp_path):
    row = _one_bad(engine, tmp_path)
    assert "not a date" in row["reason"] and row["row"] == 5
    result = resubmit(int(row["id"]), row["raw"] | {"date": "2011-02-28"}, user=system("fixer"),
                      engine=engine)
    assert result.fixed and result.report.accepted == 1
    assert "late" in set(load_bundle(engine).signals["signal_id"])
    done = list_quarantine(status="fixed", engine=engine).iloc[0]
    assert done["raw"]["date"] == "2011-02-28"
    assert list_quarantine(engine=engine).empty
    with pytest.raises(QuarantineError, match="already fixed"):
        resubmit(int(row["id"]), row["raw"], user=system("fixer"), engine=engine)


def test_a_row_still_wrong_stays_open_with_the_new_reason(engine, tmp_path):
    row = _one_bad(engine, tmp_path)
    before = table_counts(engine)
    result = resubmit(int(row["id"]), row["raw"] | {"date": "2011-02-28", "country": "Libya"},
                      user=system("fixer"), engine=engine)
    assert not result.fixed and "ISO 3166-1 alpha-3" in result.reason
    still = list_quarantine(engine=engine).iloc[0]
    assert still["raw"]["country"] == "Libya" and "alpha-3" in still["reason"]
    after = table_counts(engine)
    assert {k: after[k] for k in ("signals", "imports")} == \
        {k: before[k] for k in ("signals", "imports")}


def test_a_fix_that_clashes_with_a_stored_signal_stays_open(engine, tmp_path):
    row = _one_bad(engine, tmp_path)
    clash = row["raw"] | {"signal_id": "libya-2011-hc", "date": "2011-02-28"}
    result = resubmit(int(row["id"]), clash, user=system("fixer"), engine=engine)
    assert not result.fixed and "already stored" in result.reason
    assert table_counts(engine)["quarantine"] == 1


def test_unknown_quarantine_id(engine):
    with pytest.raises(QuarantineError, match="no quarantined row #99"):
        resubmit(99, {}, user=system("x"), engine=engine)


def test_a_conflicting_outcome_can_be_fixed_through_its_parser(engine, tmp_path):
    from tests.prevention.bundles import write_csv

    header = ["country", "date", "kind", "reference", "title", "url"]
    write_csv(tmp_path / "a.csv", header, [["LBY", "2011-02-25", "special_session",
                                            "A/HRC/RES/S-15/1", "S-15", ""]])
    write_csv(tmp_path / "b.csv", header, [["LBY", "2011-03-01", "special_session",
                                            "A/HRC/RES/S-15/1", "S-15", ""]])
    import_file(tmp_path / "a.csv", "outcomes", user=system("t"), engine=engine)
    assert import_file(tmp_path / "b.csv", "outcomes", user=system("t"), engine=engine).quarantined == 1
    row = list_quarantine(engine=engine).iloc[0]
    assert row["kind"] == "outcomes" and "already stored" in row["reason"]
    fixed = resubmit(int(row["id"]), row["raw"] | {"kind": "urgent_debate",
                                                   "reference": "A/HRC/RES/16/99"},
                     user=system("fixer"), engine=engine)
    assert fixed.fixed, fixed.reason
    from prevention.storage.frames import load_outcomes
    assert set(load_outcomes(engine)["kind"]) == {"special_session", "urgent_debate"}


def test_a_bad_row_imported_twice_waits_once_and_the_report_says_so(engine, tmp_path):
    _one_bad(engine, tmp_path)
    bad = ["late", "2011-02-31", "LBY", "ohchr-hc", "true", "HC again", "", "", "", "en"]
    again = import_file(write_bundle(tmp_path / "c", SIGNALS + [bad], ISSUERS), "bundle",
                        user=system("t"), engine=engine)
    assert again.quarantined == 1 and again.already_quarantined == 1
    assert "1 waiting there already" in again.summary()
    assert len(list_quarantine(engine=engine)) == 1


def test_a_fix_is_parsed_in_memory_without_writing_a_file(engine, tmp_path, monkeypatch):
    """Issue 11: the edited row goes to the parser as an in-memory file (a folder of them for
    a bundle row): nothing is written to disk, and the row is read as its file's row."""
    import builtins
    import tempfile

    row = _one_bad(engine, tmp_path)
    real_open = builtins.open

    def no_writes(file, mode="r", *args, **kwargs):
        if any(m in mode for m in "wax+"):
            raise AssertionError(f"a file was written: {file}")
        return real_open(file, mode, *args, **kwargs)

    def no_temp(*_a, **_k):
        raise AssertionError("a temporary file or folder was made")

    monkeypatch.setattr(builtins, "open", no_writes)
    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_temp)
    monkeypatch.setattr(tempfile, "mkdtemp", no_temp)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", no_temp)
    result = resubmit(int(row["id"]), row["raw"] | {"date": "2011-02-28"}, user=system("fixer"),
                      engine=engine)
    assert result.fixed and result.report.accepted == 1
    assert "late" in set(load_bundle(engine).signals["signal_id"])


def test_the_readers_take_in_memory_files_as_they_take_paths(tmp_path):
    from prevention.sources.importers import get_parser
    from triggers.memfiles import MemoryFile, MemoryFolder

    folder = write_bundle(tmp_path / "b", SIGNALS, ISSUERS)
    from_disk = get_parser("bundle")(folder)
    in_memory = get_parser("bundle")(MemoryFolder("b", {
        f.name: f.read_bytes() for f in folder.iterdir()}))
    assert from_disk.signals.equals(in_memory.signals) and from_disk.links.equals(in_memory.links)
    missing = get_parser("bundle")(MemoryFolder("b", {}))
    assert any("signals.csv" in p.message for p in missing.rejected)
    table = get_parser("outcomes")(MemoryFile("outcomes.csv", b"not,a,header\n"))
    assert table.rejected and table.rejected[0].row is None
    assert table.rejected[0].message.startswith("outcomes.csv: ")

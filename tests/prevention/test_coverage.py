"""Coverage in the database (issue 10, section 1): declared by every import, stored once, read
back into the engine's Bundle, exported as coverage.csv, and declared or ended by a person."""

from __future__ import annotations

import pandas as pd
import pytest

from prevention.accounts.access import system
from prevention.sources.export import export_bundle
from prevention.sources.ingest import declare_coverage, import_file
from prevention.sources.quarantine import list_quarantine
from prevention.storage.frames import load_bundle, load_coverage
from prevention.storage.settings import PROJECT_DIR
from tests.prevention.bundles import table_counts, write_bundle
from triggers.evaluate import evaluate
from triggers.rules import load_rule_set

SP_SAMPLE = PROJECT_DIR / "data" / "seed" / "sp_communications_sample_2025-12_2026-02.csv"
COVERAGE = [
    ["undl-2025-09", "security_council", "", "2006-01-01", "2024-02-29", "complete"],
    ["undl-2025-09", "security_council", "", "2025-06-30", "2025-09-30", ""],
    ["las-feed", "regional_org", "LBY", "2011-01-01", "2011-12-31", "sample"],
]


def stored(engine) -> list[tuple]:
    cov = load_coverage(engine)
    return sorted(zip(cov["source"], cov["issuer_kind"], cov["country"],
                      cov["start"].dt.strftime("%Y-%m-%d"), cov["end"].dt.strftime("%Y-%m-%d"),
                      cov["completeness"]))


def test_a_bundle_declares_its_coverage_csv_once(engine, tmp_path):
    folder = write_bundle(tmp_path / "b", coverage=COVERAGE)
    first = import_file(folder, "bundle", user=system("t"), engine=engine)
    # Coverage rows are rows of the file: read, accepted, and stored with the import.
    assert (first.rows_read, first.accepted, first.coverage) == (9, 9, 3)
    assert stored(engine) == sorted([
        ("las-feed", "regional_org", "LBY", "2011-01-01", "2011-12-31", "sample"),
        ("undl-2025-09", "security_council", "", "2006-01-01", "2024-02-29", "complete"),
        ("undl-2025-09", "security_council", "", "2025-06-30", "2025-09-30", "complete")])
    assert set(load_coverage(engine)["import_id"]) == {first.import_id}
    before = table_counts(engine)
    again = import_file(folder, "bundle", user=system("t"), engine=engine)
    assert (again.duplicates, again.coverage) == (9, 0)
    assert table_counts(engine)["coverage"] == before["coverage"] == 3


def test_a_bad_coverage_row_is_quarantined_and_the_rest_kept(engine, tmp_path):
    rows = COVERAGE + [["x", "security_council", "", "2021-02-01", "2021-01-01", "complete"],
                       ["y", "commissioner", "", "2021-01-01", "2021-02-01", "complete"]]
    report = import_file(write_bundle(tmp_path / "b", coverage=rows), "bundle", user=system("t"),
                         engine=engine)
    assert (report.accepted, report.quarantined, report.coverage) == (9, 2, 3)
    q = list_quarantine("open", engine=engine).sort_values("row")
    assert q["field"].tolist() == ["end", "issuer_kind"]
    assert q["row"].tolist() == [5, 6]
    assert all(r["_file"] == "coverage.csv" for r in q["raw"])


def test_a_bundle_without_coverage_csv_declares_a_sample_of_its_span(engine, tmp_path):
    report = import_file(write_bundle(tmp_path / "libya"), "bundle", user=system("t"), engine=engine)
    assert report.coverage == 3
    assert stored(engine) == [
        ("bundle:libya", "high_commissioner", "", "2011-02-22", "2011-02-22", "sample"),
        ("bundle:libya", "regional_org", "", "2011-02-22", "2011-02-22", "sample"),
        ("bundle:libya", "security_council", "", "2011-02-22", "2011-02-22", "sample")]


def test_a_bundle_the_user_marks_complete_declares_a_complete_span(engine, tmp_path):
    import_file(write_bundle(tmp_path / "libya"), "bundle", user=system("t"), engine=engine, complete=True)
    assert {r[-1] for r in stored(engine)} == {"complete"}


def test_the_special_procedures_sample_is_declared_a_sample(engine):
    report = import_file(SP_SAMPLE, "ohchr-sp", user=system("t"), engine=engine)
    assert report.coverage == 1
    assert stored(engine) == [(f"ohchr-sp:{SP_SAMPLE.name}", "sp_mandate", "", "2025-12-01",
                               "2026-02-27", "sample")]


def test_a_search_the_user_says_is_complete_covers_its_span(engine):
    import_file(SP_SAMPLE, "ohchr-sp", user=system("t"), engine=engine, complete=True,
                covers="2025-12-01:2026-02-28")
    assert stored(engine)[0][3:] == ("2025-12-01", "2026-02-28", "complete")
    with pytest.raises(ValueError, match="START:END"):
        import_file(SP_SAMPLE, "ohchr-sp", user=system("t"), engine=engine, covers="2026-02-28")


def test_a_spreadsheet_declares_a_sample_for_the_kinds_it_holds(engine, tmp_path):
    sheet = tmp_path / "hc.csv"
    sheet.write_text("date,country,issuer_name,issuer_kind,title\n"
                     "2024-03-01,Myanmar,UN High Commissioner for Human Rights,high_commissioner,A\n"
                     "2024-09-30,Sudan,UN High Commissioner for Human Rights,high_commissioner,B\n",
                     encoding="utf-8")
    import_file(sheet, "table", user=system("t"), engine=engine)
    assert stored(engine) == [("table:hc.csv", "high_commissioner", "", "2024-03-01",
                               "2024-09-30", "sample")]


def test_import_export_import_keeps_coverage_unchanged(engine, tmp_path):
    import_file(write_bundle(tmp_path / "b", coverage=COVERAGE), "bundle", user=system("t"), engine=engine)
    import_file(SP_SAMPLE, "ohchr-sp", user=system("t"), engine=engine)
    before = stored(engine)
    out = export_bundle(tmp_path / "export", engine)
    assert (out / "coverage.csv").exists()
    report = import_file(out, "bundle", user=system("t"), engine=engine)
    assert report.accepted == 0 and report.coverage == 0
    assert stored(engine) == before


def test_the_engine_reads_stored_coverage(engine, tmp_path):
    """Stored coverage reaches the evaluation: Libya's GA/SC criterion is met on positive
    evidence; a State with nothing covered is undetermined, never clear."""
    import_file(write_bundle(tmp_path / "libya"), "bundle", user=system("t"), engine=engine)
    bundle = load_bundle(engine)
    assert bundle.coverage is not None and len(bundle.coverage) == 3
    result = evaluate(bundle, load_rule_set("glion-iii-2016"), "2011-02-25", countries=["FRA"])
    status = result.table.set_index("country")["status"]
    assert status["LBY"] == "triggered" and status["FRA"] == "undetermined"


def test_an_empty_database_covers_nothing(engine):
    bundle = load_bundle(engine)
    assert bundle.coverage is not None and bundle.coverage.empty


def test_an_older_import_gets_its_coverage_declared_once(engine):
    report = import_file(SP_SAMPLE, "ohchr-sp", user=system("t"), engine=engine)
    with engine.begin() as conn:  # as in a database seeded before coverage existed
        conn.exec_driver_sql("DELETE FROM coverage")
    assert declare_coverage(SP_SAMPLE, "ohchr-sp", report.import_id, user=system("seed"), engine=engine) == 1
    assert declare_coverage(SP_SAMPLE, "ohchr-sp", report.import_id, user=system("seed"), engine=engine) == 0
    assert list(load_coverage(engine)["import_id"]) == [report.import_id]


def test_frames_give_every_stored_row(engine, tmp_path):
    import_file(write_bundle(tmp_path / "b", coverage=COVERAGE), "bundle", user=system("t"), engine=engine)
    cov = load_coverage(engine)
    assert list(cov.columns[:6]) == ["source", "issuer_kind", "country", "start", "end",
                                     "completeness"]
    assert pd.api.types.is_datetime64_any_dtype(cov["start"])

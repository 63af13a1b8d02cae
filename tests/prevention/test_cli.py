from __future__ import annotations

import json

import sqlalchemy as sa

from prevention.cli import main
from prevention.storage.settings import PROJECT_DIR
from tests.prevention.bundles import write_bundle

SAMPLE = PROJECT_DIR / "data" / "sample"


def test_import_prints_counts_and_exits_0(db_url, capsys):
    assert main(["import", str(SAMPLE), "--kind", "bundle", "--user", "ana"]) == 0
    out = capsys.readouterr()
    assert "157 rows read" in out.out and "accepted    157" in out.out
    assert "signals: 30/30" in out.err  # progress


def test_import_json_report(db_url, capsys, tmp_path):
    folder = write_bundle(tmp_path / "b", [["x", "2020-13-01", "SYR", "ohchr-hc", "", "", "",
                                            "", "", ""]])
    assert main(["import", str(folder), "--kind", "bundle", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["quarantined"] == 1 and report["accepted"] == 3
    assert report["problems"][0].startswith("signals.csv, row 2, field 'date'")


def test_nothing_readable_exits_2(db_url, tmp_path, capsys):
    assert main(["import", str(tmp_path / "nope"), "--kind", "bundle"]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["import", str(empty), "--kind", "bundle"]) == 2
    assert "file not found" in capsys.readouterr().out


def test_export_then_import_adds_nothing(db_url, tmp_path, capsys):
    main(["import", str(SAMPLE), "--kind", "bundle"])
    assert main(["export", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    main(["import", str(tmp_path / "out"), "--kind", "bundle", "--json"])
    report = json.loads(capsys.readouterr().out)
    # The sample's 157 rows (its coverage.csv included) come back as duplicates.
    assert report["accepted"] == 0 and report["duplicates"] == report["rows_read"] == 157
    assert report["coverage"] == 0


def test_seed_is_idempotent_and_rules_lists_versions(db_url, capsys):
    assert main(["seed"]) == 0
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        countries = conn.execute(sa.text("SELECT COUNT(*) FROM countries")).scalar_one()
        syr = conn.execute(sa.text("SELECT un_group FROM countries WHERE iso3 = 'SYR'")).scalar()
    assert countries >= 249
    with engine.connect() as conn:
        # The bundled data agrees with itself: a first start shows an empty quarantine.
        assert conn.execute(sa.text("SELECT COUNT(*) FROM quarantine")).scalar_one() == 0
    assert main(["seed"]) == 0
    out = capsys.readouterr().out
    assert "countries: already seeded" in out and "rule sets: already seeded" in out
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM countries")).scalar_one() == countries
    engine.dispose()
    assert main(["rules"]) == 0
    assert "glion-iii-2016" in capsys.readouterr().out
    if (PROJECT_DIR / "data" / "reference" / "countries.csv").exists():
        assert syr.startswith("Asia-Pacific")


def test_db_check(db_url, capsys):
    assert main(["db", "check"]) == 0

"""Reference kinds through the real parsers: memberships, outcomes, NHRI and NGO status."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from prevention.accounts.access import system
from prevention.sources.ingest import import_file
from prevention.storage.frames import load_bundle, load_outcomes
from prevention.storage.settings import PROJECT_DIR
from tests.prevention.bundles import write_csv

OUTCOMES = PROJECT_DIR / "data" / "reference" / "council_outcomes.csv"


def test_outcomes_import_once_and_conflicts_are_quarantined(engine, tmp_path):
    first = import_file(OUTCOMES, "outcomes", user=system("t"), engine=engine)
    assert first.accepted == first.rows_read > 39 and first.quarantined == 0
    again = import_file(OUTCOMES, "outcomes", user=system("t"), engine=engine)
    assert again.duplicates == again.rows_read and again.accepted == 0
    out = load_outcomes(engine)
    libya = out[(out["country"] == "LBY") & (out["kind"] == "special_session")]
    assert pd.Timestamp("2011-02-25") in set(libya["date"])
    header = ["country", "date", "kind", "reference", "title", "url"]
    row = out[out["country"] == "LBY"].iloc[0]
    write_csv(tmp_path / "o.csv", header, [
        ["LBY", "2011-03-01", row["kind"], row["reference"], row["title"], row["url"]],
        ["", "2026-01-01", "urgent_debate", "A/HRC/RES/99/1", "Thematic", ""],
    ])
    r = import_file(tmp_path / "o.csv", "outcomes", user=system("t"), engine=engine)
    assert (r.accepted, r.quarantined) == (1, 1)
    assert "date: stored '2011-02-25', this row '2011-03-01'" in r.problems[0]


def test_memberships_keep_dates_and_reimport_adds_nothing(engine, tmp_path):
    rows = [["coe", "Council of Europe", "RUS", "1996-02-28", "2022-03-16", "expelled"],
            ["oas", "Organization of American States", "NIC", "", "2023-11-19", ""],
            ["oas", "Organization of American States", "NIC", "", "2023-11-19", ""]]
    path = tmp_path / "m.csv"
    write_csv(path, ["org_id", "org_name", "country", "since", "until", "note"], rows)
    r = import_file(path, "memberships", user=system("t"), engine=engine)
    assert (r.accepted, r.duplicates, r.quarantined) == (2, 1, 0)
    mem = load_bundle(engine).memberships.set_index(["org_id", "country"])
    assert mem.loc[("coe", "RUS"), "until"] == pd.Timestamp("2022-03-16")
    assert pd.isna(mem.loc[("oas", "NIC"), "since"])
    assert import_file(path, "memberships", user=system("t"), engine=engine).accepted == 0


def test_nhri_reviews_build_a_history_and_update_the_current_status(engine, tmp_path):
    header = ["country", "institution", "status", "date of review"]
    write_csv(tmp_path / "a.csv", header, [["Kenya", "Kenya National Commission on Human "
                                            "Rights", "A", "2019-10-01"]])
    write_csv(tmp_path / "b.csv", header, [["KEN", "Kenya National Commission on Human Rights",
                                            "B", "2024-10-01"],
                                           ["KEN", "Kenya National Commission on Human Rights",
                                            "A", "2019-10-01"]])
    assert import_file(tmp_path / "a.csv", "nhri", user=system("t"), engine=engine).accepted == 1
    r = import_file(tmp_path / "b.csv", "nhri", user=system("t"), engine=engine)
    assert (r.accepted, r.duplicates) == (1, 1)
    with engine.connect() as conn:
        history = conn.execute(sa.text(
            "SELECT status, CAST(reviewed_on AS TEXT) FROM issuer_accreditations "
            "ORDER BY reviewed_on")).all()
        current = conn.execute(sa.text("SELECT kind, country, accreditation FROM issuers")).one()
    assert [tuple(h) for h in history] == [("A", "2019-10-01"), ("B", "2024-10-01")]
    assert tuple(current) == ("nhri", "KEN", "B")


def test_a_missing_parser_module_is_named(monkeypatch):
    import pytest

    from prevention.sources.importers import PARSERS, ParserUnavailable, get_parser

    monkeypatch.setitem(PARSERS, "table", ("prevention.sources.importers.no_such_module", "parse"))
    with pytest.raises(ParserUnavailable, match="no_such_module is missing"):
        get_parser("table")
    with pytest.raises(ParserUnavailable, match="allowed: bundle"):
        get_parser("pdf")

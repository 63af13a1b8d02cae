"""Readable everywhere (issue 16): words, titles and ISO dates instead of the stored columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from prevention.display.names import organisation_name, organisation_names
from prevention.web import charts

ROOT = Path(__file__).resolve().parents[2]


def _outcomes(dates, refs):
    return pd.DataFrame({"country": "LBY", "date": pd.to_datetime(dates), "kind": "special_session",
                         "reference": refs, "title": refs})


def test_council_outcomes_close_in_time_share_one_label():
    o = _outcomes(["2011-02-25", "2011-02-25", "2011-03-01", "2011-12-02"],
                  ["A/HRC/RES/S-15/1", "COI Libya", "A/HRC/RES/16/1", "A/HRC/RES/S-18/1"])
    groups = charts.outcome_label_groups(o, "2010-06-01", "2011-12-31")
    assert [[r["reference"] for r in g] for g in groups] == [
        ["A/HRC/RES/S-15/1", "COI Libya", "A/HRC/RES/16/1"], ["A/HRC/RES/S-18/1"]]
    fig = charts.country_timeline(pd.DataFrame(columns=["month", "issuer kind", "signals"]),
                                  pd.DataFrame(columns=["date", "criteria_met"]),
                                  pd.DataFrame(columns=["start", "end", "days"]), o,
                                  start="2010-06-01", end="2011-12-31")
    labels = [a for a in fig.layout.annotations if a.textangle == -90]
    assert len(labels) == 2  # one per group, never two at one place
    assert labels[0].text == "A/HRC/RES/S-15/1<br>COI Libya<br>A/HRC/RES/16/1"
    assert "2011-03-01" in labels[0].hovertext
    # Every outcome keeps its own dotted line.
    assert sum(1 for s in fig.layout.shapes if s.line.dash == "dot") == 4


def test_one_reference_is_printed_once_at_its_place():
    o = _outcomes(["2011-02-25", "2011-02-25"], ["A/HRC/RES/S-15/1", "A/HRC/RES/S-15/1"])
    o.loc[1, "kind"] = "inquiry"  # the special session and the inquiry it created
    fig = charts.country_timeline(pd.DataFrame(columns=["month", "issuer kind", "signals"]),
                                  pd.DataFrame(columns=["date", "criteria_met"]),
                                  pd.DataFrame(columns=["start", "end", "days"]), o,
                                  start="2010-06-01", end="2011-12-31")
    (label,) = [a for a in fig.layout.annotations if a.textangle == -90]
    assert label.text == "A/HRC/RES/S-15/1" and label.hovertext.count("A/HRC/RES/S-15/1") == 2


def test_many_outcomes_at_one_place_print_three_and_count_the_rest():
    o = _outcomes(["2020-01-01"] * 5, [f"R{i}" for i in range(5)])
    fig = charts.country_timeline(pd.DataFrame(columns=["month", "issuer kind", "signals"]),
                                  pd.DataFrame(columns=["date", "criteria_met"]),
                                  pd.DataFrame(columns=["start", "end", "days"]), o,
                                  start="2019-01-01", end="2020-12-31")
    (label,) = [a for a in fig.layout.annotations if a.textangle == -90]
    assert label.text == "R0<br>R1<br>R2<br>+2 more"


def test_organisations_by_name_never_by_code():
    assert organisation_name("osce") == "Organization for Security and Co-operation in Europe"
    assert organisation_name("un") == "United Nations"
    assert organisation_name("oic") == "Organisation of Islamic Cooperation"  # renamed in 2011
    assert organisation_name("xyz", {"xyz": "Some Forum"}) == "Some Forum"
    assert organisation_name("xyz") == "XYZ"
    assert organisation_names(["un", "au", "un"]) == ["African Union", "United Nations"]


def test_audit_entries_read_as_sentences_with_their_values_apart():
    from prevention.display.audit import audit_sentence, audit_table, recorded_values

    rows = [
        {"id": 3, "at": "2026-12-01T13:08:21.123456+00:00", "actor": "rey", "action": "case.update",
         "entity_type": "case", "entity_id": "1",
         "before": '{"status": "new", "assessments": {"access": null}}',
         "after": '{"status": "in_review", "assessments": {"access": {"rating": "negative", "note": "x"}}}',
         "detail": "LBY v2"},
        {"id": 2, "at": "2026-12-01T13:00:00+00:00", "actor": "system", "action": "case.open",
         "entity_type": "case", "entity_id": "1", "before": None,
         "after": '{"country": "LBY", "as_of": "2011-02-25", "rule_set": "glion-iii-2016 v2", '
                  '"evidence": ["a", "b"]}', "detail": ""},
        {"id": 1, "at": "2026-12-01T12:00:00+00:00", "actor": "ada", "action": "import.run",
         "entity_type": "import", "entity_id": "7", "before": None,
         "after": '{"accepted": 12, "duplicates": 0, "quarantined": 1, "skipped": 0}',
         "detail": "/tmp/upload-abc123/bundle"},
    ]
    table = audit_table(rows)
    assert list(table.columns) == ["Entry", "When (UTC)", "Who", "What"]
    assert table["When (UTC)"].tolist() == ["2026-12-01 13:08", "2026-12-01 13:00", "2026-12-01 12:00"]
    what = table["What"].tolist()
    assert what[0] == "rey updated case 1: status new → in review, access assessed negative."
    assert what[1] == ("The system opened case 1 for LBY: triggered as of 2011-02-25 under "
                       "glion-iii-2016 v2.")
    assert what[2] == "ada imported bundle (import #7) (12 accepted, 0 duplicates, 1 quarantined, 0 skipped)."
    assert not any("{" in w or "/tmp/" in w for w in what)
    assert recorded_values(rows[1])["after"]["evidence"] == ["a", "b"]  # behind the disclosure
    # An action nobody wrote words for still reads as a line, not as JSON.
    assert audit_sentence({"actor": "ada", "action": "thing.do", "entity_type": "x",
                           "entity_id": "1", "detail": "why"}) == "ada: thing.do x 1: “why”."


def test_a_file_is_shown_by_its_name_not_the_server_folder():
    from prevention.display.audit import shown_name

    assert shown_name("/tmp/upload-k2j3/signals.csv") == "signals.csv"
    assert shown_name("/tmp/upload-k2j3/bundle/") == "bundle"
    assert shown_name("C:\\\\Temp\\\\x.csv") == "x.csv"
    assert shown_name("https://example.org/a/b?page=2") == "https://example.org/a/b?page=2"


def test_an_import_report_names_no_server_folder(tmp_path):
    from prevention.display.audit import without_folder

    folder = tmp_path / "upload-x7"
    report = f"{folder}/bundle ({'bundle'}): 3 rows read\n  {folder}/bundle/signals.csv, row 2: bad date"
    shown = without_folder(report, folder)
    assert str(tmp_path) not in shown and "upload-x7" not in shown
    assert shown.startswith("bundle (bundle): 3 rows read") and "bundle/signals.csv, row 2" in shown


def test_the_data_page_shows_no_server_folder(ui_db, tmp_path):
    """An import made from a temporary folder (as the upload form does) is listed by its
    name in the history and the quarantine."""
    from streamlit.testing.v1 import AppTest

    from prevention.accounts.access import system
    from prevention.sources.ingest import import_file
    from tests.ui.conftest import account_id

    bad = tmp_path / "upload-k2j3" / "bundle"
    bad.mkdir(parents=True)
    (bad / "issuers.csv").write_text("issuer_id,name,kind\nohchr-hc,UN High Commissioner for "
                                     "Human Rights,high_commissioner\n")
    (bad / "signals.csv").write_text("signal_id,date,country,issuers,title\n"
                                     "t-1,2026-02-30,LBY,ohchr-hc,Statement on Libya\n")
    import_file(bad, "bundle", user=system("ada"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["account_id"] = account_id("admin")
    at.switch_page("prevention/web/pages/data.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    shown = " ".join(df.value.astype(str).to_csv() for df in at.dataframe)
    assert "upload-k2j3" not in shown and str(tmp_path) not in shown
    assert "bundle" in shown

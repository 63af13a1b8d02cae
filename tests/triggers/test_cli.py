"""python -m triggers evaluate | timeline, run as a user runs it (a subprocess of the venv's python)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from triggers.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
GLION_IDS = ["high_commissioner", "special_procedures", "regional_organisation", "ga_sc", "nhri_ngos"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "triggers", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_evaluate_csv():
    done = run("evaluate", str(SAMPLE), "--as-of", "2011-02-22")
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(io.StringIO(done.stdout), keep_default_na=False)
    expected = ["country", "status", "criteria_met"]
    for cid in GLION_IDS:
        expected += [f"{cid}_met", f"{cid}_value", f"{cid}_coverage", f"{cid}_covered_days"]
    assert list(table.columns) == expected
    # One row per country that appears in signals.csv, whatever its status.
    countries = sorted(pd.read_csv(SAMPLE / "signals.csv")["country"].unique())
    assert table["country"].tolist() == countries
    lby = table.set_index("country").loc["LBY"]
    assert (lby["status"], lby["criteria_met"]) == ("triggered", 3)
    assert (lby["high_commissioner_met"], lby["special_procedures_met"]) == (True, False)
    assert lby["ga_sc_value"] == 1
    assert set(table["status"]) <= {"clear", "watch", "triggered", "undetermined"}


def test_evaluate_json_with_evidence_and_sentences():
    done = run("evaluate", str(SAMPLE), "--as-of", "2010-12-23", "--format", "json", "--rules",
               "glion-iii-2016")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["rule_set_id"], out["rule_set_version"], out["as_of"]) == ("glion-iii-2016", 2, "2010-12-23")
    civ = next(c for c in out["countries"] if c["country"] == "CIV")
    assert (civ["status"], civ["criteria_met"]) == ("triggered", 1)
    reg = next(c for c in civ["criteria"] if c["criterion_id"] == "regional_organisation")
    assert reg["evidence"] == ["civ-2010-au-2", "civ-2010-au-1", "civ-2010-ecowas"]
    assert (reg["met"], reg["value"], reg["threshold"], reg["window_start"]) == (True, 3, 1, "2009-12-24")
    assert "2010-12-07 (ECOWAS summit, 7 Dec 2010)" in reg["sentence"]
    assert [c["criterion_id"] for c in civ["criteria"]] == GLION_IDS


def test_timeline_csv_with_step_days_and_a_rules_file(tmp_path):
    rules = tmp_path / "hc-only.yaml"
    rules.write_text("id: hc-only\ntitle: HC\nsource: test\nwindow_days: 10\ncriteria:\n"
                     "  - id: hc\n    type: statement_by\n    issuer_kinds: [high_commissioner]\n",
                     encoding="utf-8")
    done = run("timeline", str(SAMPLE), "--start", "2011-02-01", "--end", "2011-03-31",
               "--step-days", "7", "--rules", str(rules))
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(io.StringIO(done.stdout))
    assert list(frame.columns) == ["country", "date", "status", "criteria_met", "hc_met"]
    lby = frame[frame["country"] == "LBY"].set_index("date")
    # Every 7th day from the start: 02-01, 02-08, ..., 03-29 (9 days).
    assert lby.index.tolist() == [f"2011-0{m}-{d:02d}" for m, d in
                                  [(2, 1), (2, 8), (2, 15), (2, 22), (3, 1), (3, 8), (3, 15), (3, 22), (3, 29)]]
    # The sample only samples its sources: outside the statements, undetermined, never clear.
    assert lby["status"].tolist() == ["undetermined"] * 3 + ["triggered"] * 2 + ["undetermined"] * 4
    assert frame["country"].nunique() == pd.read_csv(SAMPLE / "signals.csv")["country"].nunique()


def test_timeline_json_with_episodes():
    done = run("timeline", str(SAMPLE), "--start", "2011-01-01", "--end", "2012-12-31", "--format", "json",
               "--step-days", "30")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["start"], out["end"], out["step_days"]) == ("2011-01-01", "2012-12-31", 30)
    assert {"country": "LBY", "start": "2011-02-22", "end": "2012-02-21", "days": 365} in out["episodes"]
    first = out["timeline"][0]
    assert set(first) == {"country", "date", "status", "criteria_met", *(f"{c}_met" for c in GLION_IDS)}


def test_bad_bundle_exits_2_with_the_whole_report(tmp_path):
    (tmp_path / "signals.csv").write_text(
        "signal_id,date,country,issuers\ns1,2021-02-30,SYR,hc\ns2,2021-03-01,XYZ,nobody\n", encoding="utf-8")
    (tmp_path / "issuers.csv").write_text("issuer_id,name,kind\nhc,HC,commissioner\n", encoding="utf-8")
    done = run("evaluate", str(tmp_path), "--as-of", "2021-03-01")
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert lines[0] == f"5 problem(s) in {tmp_path}; fix them and read the bundle again:"
    assert "issuers.csv, row 2, field 'kind': 'commissioner' unknown kind; allowed: high_commissioner" in lines[1]
    assert lines[2].startswith("  signals.csv, row 2, field 'date': '2021-02-30' not a date")
    # The signal naming the bad issuer says where to fix it.
    assert "row 2, field 'issuers': 'hc' issuer 'hc' has problems on issuers.csv row 2" in lines[3]
    assert "row 3, field 'country': 'XYZ'" in lines[4] and "row 3, field 'issuers': 'nobody'" in lines[5]


@pytest.mark.parametrize("argv,message", [
    (["evaluate", str(SAMPLE), "--as-of", "2021-01-01", "--rules", "no-such-rules"], "no rule set with id"),
    (["evaluate", str(ROOT / "nowhere"), "--as-of", "2021-01-01"], "not a folder"),
    (["timeline", str(SAMPLE), "--start", "2021-02-01", "--end", "2021-01-01"], "is before --start"),
    (["timeline", str(SAMPLE), "--start", "2021-01-01", "--end", "2021-02-01", "--step-days", "0"],
     "--step-days must be 1 or more"),
])
def test_bad_arguments_exit_2(argv, message, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_bad_date_argument_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", str(SAMPLE), "--as-of", "22/02/2011"])
    assert exc.value.code == 2 and "is not a date; write YYYY-MM-DD" in capsys.readouterr().err

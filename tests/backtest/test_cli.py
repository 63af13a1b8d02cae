"""python -m triggers backtest: output formats and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from triggers.__main__ import main

SAMPLE = str(Path(__file__).resolve().parents[2] / "data" / "sample")


@pytest.fixture
def outcomes_file(tmp_path):
    path = tmp_path / "outcomes.csv"
    path.write_text("country,date,kind,reference,title,url\n"
                    "LBY,2011-02-25,special_session,S-15,Libya,\n"
                    "CIV,2010-12-23,special_session,S-14,Côte d'Ivoire,\n"
                    "SYR,2011-04-29,special_session,S-16,Syria,\n"
                    ",2010-02-20,special_session,S-X,Thematic,\n", encoding="utf-8")
    return path


def run(capsys, *args):
    code = main(["backtest", SAMPLE, *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_csv_metrics_by_default(capsys, outcomes_file):
    code, out, err = run(capsys, "--outcomes", outcomes_file, "--start", "2010-01-01",
                         "--end", "2011-12-31")
    assert code == 0
    table = pd.read_csv(io.StringIO(out))
    assert table["method"].tolist() == ["rules", "previous_outcome", "any_signal", "ga_sc",
                                        "persistence", "random", "random_low", "random_high"]
    rules = table.iloc[0]
    # CIV (ECOWAS 7 Dec, 16 days ahead) and LBY (HC, SC, LAS on 22 Feb, 3 days) warned; SYR not.
    assert (rules["outcomes"], rules["warned"], rules["lead_days_median"]) == (3, 2, 9.5)
    assert (rules["warned_fresh"], rules["onsets"]) == (2, 2)
    # One denominator: the reference table's 193 Member States and 2 observer States.
    assert set(table["states_assessed"]) == {195}
    assert "warning: criterion nhri_ngos: no data at all" in err


def test_states_assessed_from_a_countries_file(capsys, outcomes_file, tmp_path):
    countries = tmp_path / "countries.csv"
    countries.write_text("iso3,un_group\nLBY,African Group\nCIV,African Group\nFRA,WEOG\n"
                         "PSE,\nESH,\n", encoding="utf-8")
    code, out, err = run(capsys, "--outcomes", outcomes_file, "--start", "2010-01-01",
                         "--end", "2011-12-31", "--states", countries, "--format", "json")
    data = json.loads(out)
    # Members and the observer State of Palestine; Western Sahara is not assessed; SYR's
    # outcome is listed, not scored.
    assert data["states_assessed"] == ["CIV", "FRA", "LBY", "PSE"]
    assert [o["reference"] for o in data["outcomes_not_assessed"]] == ["S-16"]
    assert data["metrics"][0]["outcomes"] == 2


def test_outcome_kinds_and_tables(capsys, outcomes_file):
    code, out, _ = run(capsys, "--outcomes", outcomes_file, "--start", "2010-01-01",
                       "--end", "2011-12-31", "--outcome-kinds", "urgent_debate",
                       "--table", "calibration", "--draws", "0")
    table = pd.read_csv(io.StringIO(out), dtype={"criteria_met": str})
    assert code == 0 and table["criteria_met"].tolist() == ["1", "2", "3+"]
    assert table["warned"].sum() == 0  # no urgent debate in the file
    code, out, _ = run(capsys, "--outcomes", outcomes_file, "--start", "2010-01-01",
                       "--end", "2011-12-31", "--table", "coverage")
    coverage = pd.read_csv(io.StringIO(out)).set_index("criterion")
    assert not coverage.loc["nhri_ngos", "has_data"] and coverage.loc["ga_sc", "has_data"]


def test_csv_outcomes_table_for_every_method(capsys, outcomes_file):
    code, out, _ = run(capsys, "--outcomes", outcomes_file, "--start", "2010-01-01",
                       "--end", "2011-12-31", "--table", "outcomes", "--lookback-days", "10")
    table = pd.read_csv(io.StringIO(out), keep_default_na=False)
    rules = table[table["method"] == "rules"].set_index("country")
    # A 10-day lookback only looks at 13-22 Dec, but the lead counts from the first day of
    # the episode holding those days: ECOWAS's communiqué of 7 Dec.
    assert rules.loc["CIV", "warned"] and int(rules.loc["CIV", "lead_days"]) == 16
    assert rules.loc["CIV", "episode_start"] == "2010-12-07"
    assert rules.loc["LBY", "criteria_at_start"] == "high_commissioner;regional_organisation;ga_sc"


def test_json(capsys, outcomes_file):
    code, out, _ = run(capsys, "--outcomes", outcomes_file, "--start", "2010-01-01",
                       "--end", "2011-12-31", "--format", "json", "--rules", "hrc20-2012",
                       "--horizon-days", "0")
    data = json.loads(out)
    assert code == 0 and data["rule_set_id"] == "hrc20-2012" and data["horizon_days"] == 0
    assert [m["method"] for m in data["metrics"]][:5] == ["rules", "previous_outcome",
                                                          "any_signal", "ga_sc", "persistence"]
    assert data["random"]["draws"] == 200 and set(data["beats"]) == {
        "previous_outcome", "any_signal", "ga_sc", "persistence", "random"}
    assert data["thematic_outcomes"][0]["reference"] == "S-X"
    assert {"outcomes", "episodes"} <= set(data["methods"]["rules"])
    assert data["warnings"]


def test_bad_outcomes_file_exits_2_with_the_report(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("country,date,kind,reference\nLBY,2011-02-30,special_session,S-15\n")
    code, out, err = run(capsys, "--outcomes", bad, "--start", "2010-01-01", "--end", "2011-12-31")
    assert code == 2 and out == ""
    assert "bad.csv, row 2, field 'date': '2011-02-30' not a date" in err


@pytest.mark.parametrize("args, message", [
    (["--start", "2011-01-01", "--end", "2010-01-01"], "is before --start"),
    (["--start", "2010-01-01", "--end", "2011-01-01", "--lookback-days", "0"], "--lookback-days"),
    (["--start", "2010-01-01", "--end", "2011-01-01", "--quiet-days", "0"], "--quiet-days"),
    (["--start", "2010-01-01", "--end", "2011-01-01", "--outcome-kinds", "session"],
     "unknown outcome kind(s) session"),
    (["--start", "2010-01-01", "--end", "2011-01-01", "--states", "/nonexistent.csv"],
     "cannot read the countries table"),
])
def test_bad_arguments_exit_2(capsys, outcomes_file, args, message):
    code, _, err = run(capsys, "--outcomes", outcomes_file, *args)
    assert code == 2 and message in err

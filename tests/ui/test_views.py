"""The pure table shapers behind the pages, table-driven where the cases are a list."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prevention import views
from triggers.bundle import read_bundle
from triggers.evaluate import evaluate
from triggers.rules import load_rule_set

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample():
    return read_bundle(ROOT / "data" / "sample")


@pytest.fixture(scope="module")
def glion():
    return load_rule_set("glion-iii-2016")


COUNTRIES = pd.DataFrame({"iso3": ["LBY", "CIV", "TUR", "FRA", "PSE"],
                          "name": ["Libya", "Côte d'Ivoire", "Türkiye", "France", "Palestine"],
                          "un_group": ["African Group", "African Group", "Asia-Pacific Group;WEOG",
                                       "WEOG", ""]})


@pytest.mark.parametrize("status,label", [("triggered", "▲ triggered"), ("watch", "◆ watch"),
                                          ("clear", "○ clear")])
def test_status_label_has_shape_and_word(status, label):
    assert views.status_label(status) == label


@pytest.mark.parametrize("kinds,expected", [
    (set(), ["high_commissioner", "special_procedures", "regional_organisation", "ga_sc", "nhri_ngos"]),
    ({"high_commissioner", "sp_mandate", "regional_org", "security_council"}, ["nhri_ngos"]),
    ({"general_assembly"}, ["high_commissioner", "special_procedures", "regional_organisation", "nhri_ngos"]),
    ({"nhri"}, ["high_commissioner", "special_procedures", "regional_organisation", "ga_sc", "nhri_ngos"]),
    ({"nhri", "ngo"}, ["high_commissioner", "special_procedures", "regional_organisation", "ga_sc"]),
])
def test_criteria_without_data(glion, kinds, expected):
    assert views.criteria_without_data(glion, frozenset(kinds)) == expected


def test_loaded_kinds_of_the_sample(sample):
    assert views.loaded_issuer_kinds(sample) == {"high_commissioner", "regional_org",
                                                 "security_council", "sp_mandate"}


def test_overview_table_evaluates_every_un_state_and_marks_no_data(sample, glion):
    codes = views.evaluation_countries(COUNTRIES, sample)
    assert {"FRA", "TUR", "LBY"} <= set(codes) and "PSE" not in codes  # PSE: no group, no signal
    ev = evaluate(sample, glion, "2011-03-01", countries=codes)
    table = views.overview_table(ev, COUNTRIES, ["nhri_ngos"], "glion-iii-2016")
    assert table.loc[0, "ISO3"] == "LBY"  # most criteria met sorts first
    lby = table.set_index("ISO3").loc["LBY"]
    assert lby["Status"] == "▲ triggered" and lby["Criteria met"] == 3
    assert lby["The High Commissioner for Human Rights"] == "met (1/1)"
    assert lby[glion.criteria[-1].title] == "no data"
    assert table.set_index("ISO3").loc["FRA", "Status"] == "○ clear"
    assert lby["Page"] == "country?country=LBY&rules=glion-iii-2016&as_of=2011-03-01"


def test_filter_by_group_splits_joined_groups(sample, glion):
    ev = evaluate(sample, glion, "2011-03-01", countries=list(COUNTRIES["iso3"]))
    table = views.overview_table(ev, COUNTRIES, [], "glion-iii-2016")
    assert views.group_options(table) == ["African Group", "Asia-Pacific Group", "WEOG"]
    weog = views.filter_overview(table, ev, ["WEOG"], None)
    assert set(weog["ISO3"]) == {"TUR", "FRA"}
    regional = views.filter_overview(table, ev, None, "regional_organisation")
    assert set(regional["ISO3"]) == {"LBY", "CIV"}


def test_evidence_table_names_issuers_and_keeps_the_url(sample, glion):
    ev = evaluate(sample, glion, "2026-03-01")
    table = views.evidence_table(ev, sample, "RUS", "special_procedures")
    assert list(table.columns[:5]) == ["Date", "Issuers", "Reference", "Title", "Source"]
    assert table.loc[0, "Date"] == "2025-12-05"
    assert table["Source"].str.startswith("https://").all()
    assert "; " in table.loc[0, "Issuers"]


def test_status_changes_enters_and_leaves(sample, glion):
    strict = views.rules_with(glion, {"min_criteria": 2}, {})
    loose = views.rules_with(glion, {}, {"special_procedures": {"min_issuers": 1}})
    base = evaluate(sample, glion, "2026-03-01")
    leaves = views.status_changes(base, evaluate(sample, strict, "2026-03-01"), COUNTRIES)
    assert set(leaves["Change"]) == {"leaves"} and "RUS" in set(leaves["ISO3"])
    enters = views.status_changes(base, evaluate(sample, loose, "2026-03-01"), COUNTRIES)
    assert "IRN" in set(enters.loc[enters["Change"] == "enters", "ISO3"])


def test_rules_with_validates(glion):
    with pytest.raises(ValueError, match="min_criteria"):
        views.rules_with(glion, {"min_criteria": 9}, {})


@pytest.mark.parametrize("name,expected", [("Two mandates", "glion-iii-2016.two-mandates"),
                                           ("  SP: 3 / joint ", "glion-iii-2016.sp-3-joint"),
                                           ("Élan", "glion-iii-2016.élan")])
def test_scenario_id(name, expected):
    assert views.scenario_id("glion-iii-2016", name) == expected


def test_scenario_id_needs_a_name():
    with pytest.raises(ValueError):
        views.scenario_id("glion-iii-2016", " -- ")


def test_rule_set_diff(glion):
    other = views.rules_with(glion, {"window_days": 180}, {"special_procedures": {"min_issuers": 3}})
    diff = views.rule_set_diff(glion, other).set_index("Parameter")
    assert list(diff.index) == ["special_procedures.min_issuers", "window_days"]
    assert diff.loc["window_days"].tolist() == ["365", "180"]


def test_status_since():
    status = np.array([[0, 0, 2, 2], [2, 2, 2, 2], [2, 0, 1, 0]], dtype=np.int8)
    first = np.datetime64("2020-01-01")
    out = views.status_since(status, np.array(["A", "B", "C"]), first)
    assert out == {"A": "2020-01-03", "B": "before 2020-01-01", "C": "2020-01-04"}


def test_synthetic_detection(sample):
    assert not views.is_synthetic(sample)
    marked = sample.signals.assign(title="[SYNTHETIC] " + sample.signals["title"])
    assert views.is_synthetic(type(sample)(signals=marked, issuers=sample.issuers, links=sample.links))


def test_watch_table(sample, glion):
    ev = evaluate(sample, glion, "2011-03-01", countries=["LBY", "FRA"])
    t = views.watch_table(ev, COUNTRIES, ["FRA", "LBY"], {"LBY": "2011-02-22"}, {"LBY": 3}, "glion-iii-2016")
    assert t["ISO3"].tolist() == ["LBY", "FRA"]
    assert t.loc[0, "Status since"] == "2011-02-22" and t.loc[0, "New signals"] == 3


def test_md_text_and_links_are_inert():
    evil = "<script>alert(1)</script> **b** [x](javascript:alert(1)) # h"
    text = views.md_text(evil)
    assert "<" not in text.replace("\\<", "") and "**" not in text.replace("\\*", "")
    ev = pd.DataFrame({"Date": ["2026-01-01", "2026-01-02"], "Issuers": ["a", "b"],
                       "Reference": [evil, "JAL RUS 2/2026"], "Title": ["t", "u"],
                       "Source": ["javascript:alert(1)", "https://spcommreports.ohchr.org/x?gId=1 (2)"],
                       "Criterion": ["c", "c"], "Signal id": ["s1", "s2"]})
    assert views.source_links(ev) == ""  # neither URL is a plain http(s) link
    ev.loc[1, "Source"] = "https://spcommreports.ohchr.org/x?gId=(1)"
    assert views.source_links(ev) == ("[2026\\-01\\-02 · JAL RUS 2/2026 ↗]"
                                      "(https://spcommreports.ohchr.org/x?gId=%281%29)")


@pytest.mark.parametrize("url,page,base", [
    ("http://localhost:8501/", "", "http://localhost:8501"),
    ("http://localhost:8501/country", "country", "http://localhost:8501"),
    ("https://un.example/dash/watchlists", "watchlists", "https://un.example/dash"),
    ("https://un.example/dash/", "", "https://un.example/dash"),
    (None, "", ""),
])
def test_app_base(url, page, base):
    assert views.app_base(url, page) == base


def test_absolute_links_in_exports():
    t = pd.DataFrame({"Page": ["country?country=LBY", "https://x.example/a", ""]})
    out = views.absolute_links(t, "http://h:1")
    assert out["Page"].tolist() == ["http://h:1/country?country=LBY", "https://x.example/a", ""]
    assert views.absolute_links(t, "") is t

"""The pure table shapers behind the pages, table-driven where the cases are a list."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from prevention.web import views
from tests.triggers.helpers import cover, make_bundle, sig
from triggers.bundle import read_bundle
from triggers.evaluate import evaluate
from triggers.rules import load_rule_set
from triggers.vocabulary import STATUS_ORDER

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
                                          ("undetermined", "? undetermined"), ("clear", "○ clear")])
def test_status_label_has_shape_and_word(status, label):
    assert views.status_label(status) == label


def test_every_status_has_its_own_shape_and_colour():
    assert len(set(views.STATUS_SHAPES.values())) == len(views.STATUS_SHAPES) == 4
    assert len(set(views.STATUS_COLOURS.values())) == 4
    # Undetermined is grey: never the blue that says "clear".
    assert views.STATUS_COLOURS["undetermined"].upper() == "#9E9E9E"


@pytest.mark.parametrize("met,value,coverage,days,cell", [
    (True, 1, "none", 0, "met: 1 found, 1 needed"),  # positive evidence counts whatever the coverage
    (True, 5, "partial", 9, "met: 5 found, 4 needed"),
    (False, 2, "full", 365, "not met: 2 found, 4 needed"),
    (False, 0, "none", 0, "no data"),
    (False, 3, "none", 0, "no data (3 found, 4 needed)"),
    (False, 0, "partial", 120, "partial: 120 of 365 days searched completely"),
    (False, 3, "partial", 120, "partial: 120 of 365 days searched completely (3 found, 4 needed)"),
])
def test_criterion_cell_says_not_met_only_with_full_coverage(met, value, coverage, days, cell):
    threshold = 1 if value == 1 else 4
    assert views.criterion_cell(met, value, threshold, coverage, days, 365) == cell


@pytest.mark.parametrize("met,enabled,coverage,result", [
    (True, True, "none", "met"), (False, True, "full", "not met"),
    (False, True, "partial", "not met in the data loaded"), (False, True, "none", "no data"),
    (False, False, "full", "disabled"), (False, True, None, "not met"),
])
def test_criterion_result(met, enabled, coverage, result):
    assert views.criterion_result(met, enabled, coverage) == result
    assert result in views.RESULT_MARKS


@pytest.mark.parametrize("record,words", [
    ({"coverage": "full", "covered_days": 365, "window_days": 365, "coverage_sources": ["undl-2025-10"]},
     "Coverage: full (undl-2025-10)."),
    ({"coverage": "partial", "covered_days": 120, "window_days": 365,
      "coverage_sources": ["undl-2025-10", "hc-news (sample)"]},
     "Coverage: partial, 120 of 365 days searched completely (undl-2025-10, hc-news (sample))."),
    ({"coverage": "none", "covered_days": 0, "window_days": 365, "coverage_sources": [],
      "window_start": "2025-03-02"},
     "Coverage: no data loaded for these days (2025-03-02 to 2026-03-01)."),
    # A review record frozen before coverage existed.
    ({"met": False, "value": 0}, "Coverage not recorded (frozen before coverage was recorded)."),
])
def test_coverage_words(record, words):
    assert views.coverage_words(record) == words


def test_overview_table_evaluates_every_un_state_and_words_coverage(sample, glion):
    codes = views.evaluation_countries(COUNTRIES, sample)
    assert {"FRA", "TUR", "LBY"} <= set(codes) and "PSE" not in codes  # PSE: no group, no signal
    ev = evaluate(sample, glion, "2011-03-01", countries=codes)
    table = views.overview_table(ev, COUNTRIES, "glion-iii-2016")
    assert table.loc[0, "ISO3"] == "LBY"  # most criteria met sorts first
    lby = table.set_index("ISO3").loc["LBY"]
    assert lby["Status"] == "▲ triggered" and lby["Criteria met"] == 3
    assert lby["The High Commissioner for Human Rights"] == "met: 1 found, 1 needed"
    # The sample's Special Procedures letters are of 2025-26; it has no NHRI source at all.
    assert lby[glion.criteria[1].title] == "no data"
    assert lby[glion.criteria[-1].title] == "no data"
    assert not table.map(lambda v: isinstance(v, str) and v.startswith("not met")).any().any()
    # France: nothing found, but nothing was searched either.
    assert table.set_index("ISO3").loc["FRA", "Status"] == "? undetermined"
    assert lby["Page"] == "country?country=LBY&rules=glion-iii-2016&as_of=2011-03-01"
    assert "criterion_id" not in " ".join(table.columns)  # titles, not ids


def test_overview_reads_not_met_and_clear_when_every_day_was_searched(glion):
    rows = [cover(k, "2000-01-01", "2021-12-31") for k in
            ("high_commissioner", "sp_mandate", "regional_org", "general_assembly",
             "security_council", "nhri", "ngo")]
    bundle = make_bundle([sig("s1", "2021-01-05", "FRA", "hc")], coverage=rows)
    ev = evaluate(bundle, glion, "2021-03-01", countries=["FRA", "LBY"])
    table = views.overview_table(ev, COUNTRIES, "glion-iii-2016").set_index("ISO3")
    assert table.loc["LBY", "Status"] == "○ clear"
    assert table.loc["LBY", glion.criteria[1].title] == "not met: 0 found, 4 needed"


def test_filter_by_status(sample, glion):
    ev = evaluate(sample, glion, "2011-03-01", countries=list(COUNTRIES["iso3"]))
    table = views.overview_table(ev, COUNTRIES, "glion-iii-2016")
    assert set(views.filter_overview(table, ev, None, None, ["triggered"])["ISO3"]) == {"LBY", "CIV"}
    undetermined = views.filter_overview(table, ev, ["WEOG"], None, ["undetermined", "clear"])
    assert set(undetermined["ISO3"]) == {"FRA", "TUR"}
    # Every other State of the sample is undetermined on a day nothing was searched for it.
    assert views.status_counts(table) == {"triggered": 2, "watch": 0,
                                          "undetermined": len(table) - 2, "clear": 0}
    assert list(views.status_counts(table)) == list(STATUS_ORDER)


def test_exported_overview_has_a_coverage_column_per_criterion(sample, glion):
    ev = evaluate(sample, glion, "2011-03-01", countries=list(COUNTRIES["iso3"]))
    table = views.coverage_columns(views.overview_table(ev, COUNTRIES, "glion-iii-2016"), ev)
    hc = glion.criteria[0].title
    assert list(table.columns).index(f"{hc}: coverage") == list(table.columns).index(hc) + 1
    lby = table.set_index("ISO3").loc["LBY"]
    assert lby[f"{hc}: coverage"] == "partial: 0 of 365 days searched completely"  # one sample row for Libya
    assert lby[f"{glion.criteria[-1].title}: coverage"] == "none"


def test_filter_by_group_splits_joined_groups(sample, glion):
    ev = evaluate(sample, glion, "2011-03-01", countries=list(COUNTRIES["iso3"]))
    table = views.overview_table(ev, COUNTRIES, "glion-iii-2016")
    assert views.group_options(table) == ["African Group", "Asia-Pacific Group", "WEOG"]
    weog = views.filter_overview(table, ev, ["WEOG"], None)
    assert set(weog["ISO3"]) == {"TUR", "FRA"}
    regional = views.filter_overview(table, ev, None, "regional_organisation")
    assert set(regional["ISO3"]) == {"LBY", "CIV"}


def test_evidence_table_names_issuers_and_keeps_the_url(sample, glion):
    ev = evaluate(sample, glion, "2026-03-01")
    table = views.evidence_table(ev, sample, "RUS", "special_procedures")
    assert list(table.columns[:6]) == ["Date", "Issuers", "Reference", "Title", "Category", "Source"]
    assert set(table["Criterion"]) == {glion.criteria[1].title}  # the title, not the id
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

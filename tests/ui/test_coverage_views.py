"""What the pages say about coverage (issue 10, "What users see"): the Overview's banner, the
sources' spans and holes, the Country timeline's strips, the map's four classes, categories
(issue 13) and the words that travel in feeds and frozen records. Pure functions, no browser."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from prevention.web import charts, views
from tests.triggers.helpers import (
    cover,
    joint_group,
    make_bundle,
    make_rules,
    sig,
    statement_by,
)
from triggers.bundle import read_bundle
from triggers.evaluate import evaluate
from triggers.rules import load_rule_set

ROOT = Path(__file__).resolve().parents[2]
COUNTRIES = pd.DataFrame({"iso3": ["LBY", "SDN", "FRA"], "name": ["Libya", "Sudan", "France"],
                          "un_group": ["African Group", "African Group", "WEOG"]})


def stored(rows) -> pd.DataFrame:
    """Coverage rows shaped as frames.load_coverage() returns them."""
    frame = pd.DataFrame(rows, columns=["source", "issuer_kind", "country", "start", "end",
                                        "completeness"])
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    frame["id"] = range(1, len(frame) + 1)
    frame["import_id"] = pd.array([3] * len(frame), dtype="Int64")
    frame["declared_by"] = "seed"
    frame["note"] = ""
    return frame


# As the UN Digital Library import declares them: the Security Council's symbol sequence has a
# hole, the General Assembly's is searched around its sessions only.
UNDL = [
    ("undl-2025-10", "security_council", "", "2006-01-01", "2024-03-08", "complete"),
    ("undl-2025-10", "security_council", "", "2025-05-29", "2025-10-30", "complete"),
    ("undl-2025-10", "general_assembly", "", "2006-12-23", "2007-06-28", "complete"),
    ("undl-2025-10", "general_assembly", "", "2012-02-17", "2012-02-22", "complete"),
    ("undl-2025-10", "general_assembly", "", "2018-12-08", "2018-12-10", "complete"),
    ("undl-2025-10", "general_assembly", "", "2018-12-18", "2018-12-18", "complete"),
    ("undl-2025-10", "general_assembly", "", "2025-06-13", "2025-06-15", "complete"),
]
SP_SAMPLE = ("ohchr-sp-sample", "sp_mandate", "", "2025-12-01", "2026-02-27", "sample")


def test_source_spans_name_the_holes_between_a_sources_rows():
    spans = views.source_spans(stored(UNDL)).set_index("kind")
    sc = spans.loc["security_council"]
    assert (sc["From"], sc["To"], sc["Holes"]) == ("2006-01-01", "2025-10-30", "2024-03-09 to 2025-05-28")
    assert sc["Days searched"] == (pd.Timestamp("2024-03-08") - pd.Timestamp("2006-01-01")).days + 1 \
        + (pd.Timestamp("2025-10-30") - pd.Timestamp("2025-05-29")).days + 1
    assert views.span_words(sc.to_dict() | {"kind": "security_council"}) == (
        "undl-2025-10 · the Security Council: 2006-01-01 to 2025-10-30 (6,797 days searched), "
        "holes 2024-03-09 to 2025-05-28")
    ga = spans.loc["general_assembly"].to_dict() | {"kind": "general_assembly"}
    # Four holes: three shown, then how many more.
    assert views.span_words(ga).endswith(
        "holes 2007-06-29 to 2012-02-16, 2012-02-23 to 2018-12-07, 2018-12-11 to 2018-12-17 and 1 more")


def test_touching_and_overlapping_rows_make_no_hole():
    rows = [("hc-2024", "high_commissioner", "", "2024-01-01", "2024-06-30", "complete"),
            ("hc-2024", "high_commissioner", "", "2024-07-01", "2024-12-31", "complete"),
            ("hc-2024", "high_commissioner", "", "2024-03-01", "2024-03-31", "complete")]
    row = views.source_spans(stored(rows)).iloc[0]
    assert (row["From"], row["To"], row["Holes"], row["Days searched"]) == \
        ("2024-01-01", "2024-12-31", "", 366)
    assert views.span_words(row) == "hc-2024 · the High Commissioner: 2024-01-01 to 2024-12-31"


def test_a_sources_rows_for_one_state_and_its_samples_are_kept_apart():
    rows = [("worked-examples", "high_commissioner", "LBY", "2011-02-22", "2011-02-22", "sample"),
            ("hc-2024", "high_commissioner", "", "2024-01-01", "2024-12-31", "complete")]
    spans = views.source_spans(stored(rows))
    words = [views.span_words(r) for r in spans.to_dict("records")]
    assert words == ["hc-2024 · the High Commissioner: 2024-01-01 to 2024-12-31",
                     "worked-examples · the High Commissioner, LBY only (sample: some of what it "
                     "published): 2011-02-22"]


def test_coverage_banner_per_criterion_for_the_chosen_date():
    rules = load_rule_set("glion-iii-2016")
    rows = UNDL + [SP_SAMPLE]
    bundle = make_bundle([sig("r1", "2025-09-12", "SDN", "sc")], coverage=rows)
    ev = evaluate(bundle, rules, "2026-03-01", countries=["LBY", "SDN", "FRA"])
    banner = {c.criterion_id: c for c in views.coverage_banner(ev, stored(rows))}
    assert list(banner) == [c.id for c in rules.enabled_criteria]
    hc = banner["high_commissioner"]
    assert hc.state == "none for all 3 States" and not hc.full
    assert hc.sources == ("The High Commissioner: no source loaded",)
    # The SC is searched for 155 days of the window, the GA for 3: covered days are the
    # smaller, for every State alike.
    ga_sc = banner["ga_sc"]
    assert ga_sc.state == "partial for all 3 States (3 of 365 days searched completely)"
    assert any(s.startswith("undl-2025-10 · the Security Council: 2006-01-01 to 2025-10-30")
               and s.endswith("holes 2024-03-09 to 2025-05-28") for s in ga_sc.sources)
    sp = banner["special_procedures"]
    assert sp.state == "partial for all 3 States (0 of 365 days searched completely)"
    assert sp.sources == ("ohchr-sp-sample · Special Procedures mandates (sample: some of what it "
                          "published): 2025-12-01 to 2026-02-27",)
    assert banner["nhri_ngos"].sources == ("The NHRI: no source loaded", "NGOs: no source loaded")


def test_coverage_banner_counts_states_apart_when_their_coverage_differs():
    rules = make_rules(statement_by("hc", ["high_commissioner"]), window_days=10)
    rows = [("hc-lby", "high_commissioner", "LBY", "2021-03-11", "2021-03-20", "complete"),
            ("hc-sdn", "high_commissioner", "SDN", "2021-03-15", "2021-03-20", "complete")]
    bundle = make_bundle([sig("s1", "2021-03-01", "FRA", "hc")], coverage=rows)
    ev = evaluate(bundle, rules, "2021-03-20", countries=["LBY", "SDN", "FRA"])
    (line,) = views.coverage_banner(ev, stored(rows))
    assert line.state == "full for 1 State, partial for 1 State (6 of 10 days searched completely), none for 1 State"
    md = views.coverage_banner_markdown([line], "2021-03-20")
    assert "2021\\-03\\-20" in md and "undetermined" in md
    assert "- **hc**: full for 1 State" in md  # the title (here the id) escaped as text


def test_coverage_banner_with_full_coverage_everywhere():
    rules = make_rules(statement_by("hc", ["high_commissioner"]), window_days=10)
    bundle = make_bundle([sig("s1", "2021-03-01", "FRA", "hc")])  # no coverage.csv: full
    ev = evaluate(bundle, rules, "2021-03-20")
    (line,) = views.coverage_banner(ev, stored([]))
    assert line.full and line.state == "full for all 1 States"


def test_coverage_banner_shortens_a_long_list_of_sources():
    rules = make_rules(statement_by("hc", ["high_commissioner"]))
    rows = [(f"hc-{c}", "high_commissioner", c, "2021-01-01", "2021-12-31", "complete")
            for c in ("AFG", "BDI", "CAF", "COD", "ETH", "LBY", "MLI", "SDN", "SYR")]
    ev = evaluate(make_bundle([sig("s1", "2021-03-01", "FRA", "hc")], coverage=rows), rules,
                  "2021-12-31")
    (line,) = views.coverage_banner(ev, stored(rows))
    assert len(line.sources) == views.MAX_SOURCE_LINES
    assert line.sources[-1] == "and 4 more (see the Data page)"


def test_coverage_rows_table_says_who_declared_each_row():
    rows = stored([SP_SAMPLE, ("hc-2024", "high_commissioner", "", "2024-01-01", "2024-12-31", "complete")])
    rows.loc[1, ["import_id", "declared_by", "note"]] = [pd.NA, "ada", "every HC statement of 2024"]
    table = views.coverage_rows_table(rows)
    assert table["Source"].tolist() == ["hc-2024", "ohchr-sp-sample"]
    assert table["Declared by"].tolist() == ["ada", "import #3 (seed)"]
    assert table.loc[0, "State"] == "every State" and table.loc[0, "Days"] == 366
    assert views.unsearched_kinds(rows) == [
        "The Secretary-General", "A regional organisation", "The General Assembly",
        "The Security Council", "The NHRI", "NGOs"]


def test_sources_table_says_signal_dates_not_completeness():
    sources = pd.DataFrame({"source_kind": ["undl"], "issuer_kinds": [("general_assembly", "security_council")],
                            "signals": [1450], "first_date": pd.to_datetime(["2006-01-24"]),
                            "last_date": pd.to_datetime(["2025-10-31"])})
    table = views.sources_table(sources)
    assert list(table.columns) == ["Import kind", "Issuer kinds", "Signals", "First signal", "Last signal"]
    assert table.loc[0, "Issuer kinds"] == "The General Assembly, The Security Council"


def test_coverage_bands_for_the_timeline():
    rules = load_rule_set("glion-iii-2016")
    rows = stored(UNDL + [SP_SAMPLE,
                          ("worked-examples", "high_commissioner", "LBY", "2011-02-22", "2011-02-22", "sample")])
    bands = views.coverage_bands(rows, rules, "SDN", "2024-01-01", "2026-03-01")
    sc = bands[bands["kind"] == "security_council"]
    assert [(str(a.date()), str(b.date())) for a, b in zip(sc["start"], sc["end"])] == [
        ("2024-01-01", "2024-03-08"), ("2025-05-29", "2025-10-30")]  # clipped to the range
    assert set(bands["completeness"]) == {"complete", "sample"}
    assert "high_commissioner" not in set(bands["kind"])  # Libya's row is not Sudan's
    assert views.band_kinds(rules) == ["The High Commissioner", "Special Procedures mandates",
                                       "A regional organisation", "The General Assembly",
                                       "The Security Council", "The NHRI", "NGOs"]


def test_timeline_draws_a_strip_per_kind_and_says_where_nothing_was_searched():
    rules = load_rule_set("glion-iii-2016")
    bands = views.coverage_bands(stored(UNDL + [SP_SAMPLE]), rules, "SDN", "2024-01-01", "2026-03-01")
    empty = pd.DataFrame(columns=["month", "issuer kind", "signals"])
    fig = charts.country_timeline(empty, pd.DataFrame(), pd.DataFrame(columns=["start", "end"]),
                                  pd.DataFrame(columns=["date", "reference", "kind", "title"]),
                                  bands=bands, band_kinds=views.band_kinds(rules),
                                  start="2024-01-01", end="2026-03-01")
    strips = {t.name: t for t in fig.data if t.yaxis == "y3" and t.mode == "lines"}
    assert set(strips) == {"searched completely", "searched in part (sample)"}
    assert strips["searched completely"].line.dash == "solid"
    assert strips["searched in part (sample)"].line.dash != "solid"
    labels = list(fig.layout.yaxis3.ticktext)
    assert [label.split(":")[0] for label in labels] == views.band_kinds(rules)
    assert [label for label in labels if label.endswith(": no source loaded")] == [
        "The High Commissioner: no source loaded", "A regional organisation: no source loaded",
        "The NHRI: no source loaded", "NGOs: no source loaded"]


def test_map_has_a_class_per_status_with_undetermined_grey_and_outlined():
    table = pd.DataFrame({"State": ["Libya", "France"], "ISO3": ["LBY", "FRA"],
                          "Status": ["▲ triggered", "? undetermined"], "Criteria met": [3, 0]})
    fig = charts.status_map(table, outlines="/static/world.json")
    legend = sorted((t for t in fig.data if t.showlegend), key=lambda t: t.legendrank)
    assert [t.name for t in legend] == ["▲ triggered (1)", "◆ watch (0)", "? undetermined (1)",
                                        "○ clear (0)", charts.NOT_ASSESSED]
    fills = {t.legendgroup: t for t in fig.data if t.type == "choropleth" and t.legendgroup}
    undetermined = fills["? undetermined"]
    assert list(undetermined.locations) == ["FRA"]
    assert undetermined.colorscale[0][1] == views.STATUS_COLOURS["undetermined"]
    assert undetermined.marker.line.width > fills["▲ triggered"].marker.line.width
    assert "cannot judge" in undetermined.hovertemplate
    assert legend[2].marker.color == views.STATUS_COLOURS["undetermined"]  # its marker too


def test_category_options_and_labels():
    signals = pd.DataFrame({"category": ["sanctions", "", "peace_operation", "sanctions"]})
    assert views.category_options(signals) == ["peace_operation", "sanctions", "uncategorised"]
    assert views.category_options(signals, ["occupation", "uncategorised"]) == [
        "occupation", "peace_operation", "sanctions", "uncategorised"]
    assert views.category_label("peace_operation") == "peace operation"
    assert views.category_label(float("nan")) == ""


def test_evidence_table_shows_each_resolutions_category():
    sample = read_bundle(ROOT / "data" / "sample")
    signals = sample.signals.copy()
    signals.loc[signals["signal_id"].str.contains("sc"), "category"] = "conflict_or_crisis"
    bundle = type(sample)(signals=signals, issuers=sample.issuers, links=sample.links,
                          memberships=sample.memberships, coverage=sample.coverage)
    rules = load_rule_set("glion-iii-2016")
    ev = evaluate(bundle, rules, "2011-03-01")
    table = views.evidence_table(ev, bundle, "LBY")
    by_criterion = dict(zip(table["criterion_id"], table["Category"]))
    assert by_criterion["ga_sc"] == "conflict or crisis"
    assert by_criterion["high_commissioner"] == ""


def test_criteria_summary_and_watch_table_word_what_could_be_judged():
    rules = make_rules(statement_by("hc", ["high_commissioner"], title="High Commissioner"),
                       joint_group("sp", ["sp_mandate"], min_issuers=2, title="Experts"),
                       statement_by("sc", ["security_council"], title="Security Council"),
                       window_days=10)
    rows = [cover("security_council", "2021-03-11", "2021-03-20"),
            cover("sp_mandate", "2021-03-15", "2021-03-20")]
    bundle = make_bundle([sig("s1", "2021-03-19", "LBY", "sc")], coverage=rows)
    ev = evaluate(bundle, rules, "2021-03-20", countries=["LBY", "FRA"])
    assert views.criteria_summary(ev, "FRA") == (
        "Not met (every day searched): Security Council. Not met in the data loaded: Experts "
        "(6 of 10 days searched completely). No data loaded: High Commissioner.")
    assert views.criteria_summary(ev, "LBY").startswith("Met: Security Council.")
    table = views.watch_table(ev, COUNTRIES, ["FRA", "SDN"], {}, {}, "test")
    assert table.set_index("ISO3")["Status"].to_dict() == {
        "FRA": "? undetermined", "SDN": "? undetermined"}  # SDN was not evaluated at all


def test_status_changes_word_undetermined():
    rules = make_rules(statement_by("hc", ["high_commissioner"]), window_days=10)
    rows = [cover("high_commissioner", "2021-03-11", "2021-03-20", country="FRA")]
    bundle = make_bundle([sig("s1", "2021-03-19", "LBY", "hc")], coverage=rows)
    official = evaluate(bundle, rules, "2021-03-20", countries=["LBY", "FRA", "SDN"])
    stricter = views.rules_with(rules, {}, {"hc": {"min_signals": 2}})
    moves = views.status_changes(official, evaluate(bundle, stricter, "2021-03-20",
                                                    countries=["LBY", "FRA", "SDN"]), COUNTRIES)
    lby = moves.set_index("ISO3").loc["LBY"]
    # One statement out of two needed is a watch; the undetermined and clear States stay put.
    assert (lby["Official"], lby["Scenario"], lby["Change"]) == ("▲ triggered", "◆ watch", "leaves")
    assert official.table.set_index("country")["status"].to_dict() == {
        "FRA": "clear", "LBY": "triggered", "SDN": "undetermined"}


def test_frozen_criteria_with_and_without_recorded_coverage():
    rules = make_rules(statement_by("hc", ["high_commissioner"], title="High Commissioner"))
    old = [{"criterion_id": "hc", "met": False, "value": 0, "threshold": 1, "enabled": True,
            "sentence": "No expression of concern by the High Commissioner in the 365 days to 2020-01-01."}]
    new = [{"criterion_id": "hc", "met": False, "value": 0, "threshold": 1, "enabled": True,
            "sentence": "No data: ...", "coverage": "none", "covered_days": 0, "window_days": 365,
            "window_start": "2019-01-02", "coverage_sources": []}]
    before = views.frozen_criteria(old, rules).iloc[0]
    assert before["Criterion"] == "High Commissioner" and before["Result"] == "not met"
    assert before["Coverage"] == "Coverage not recorded (frozen before coverage was recorded)."
    after = views.frozen_criteria(new, rules).iloc[0]
    assert after["Result"] == "no data"
    assert after["Coverage"] == "Coverage: no data loaded for these days (2019-01-02 to 2020-01-01)."


def test_lab_categories_change_what_a_statement_by_counts():
    rules = load_rule_set("glion-iii-2016")
    signals = [sig("r1", "2025-09-12", "SDN", "sc"), sig("r2", "2025-09-12", "LBY", "sc")]
    bundle = make_bundle(signals)
    bundle.signals.loc[:, "category"] = ["sanctions", "procedural"]
    official = evaluate(bundle, rules, "2026-03-01")
    assert official.table.set_index("country")["ga_sc_met"].to_dict() == {"LBY": False, "SDN": True}
    every = views.rules_with(rules, {}, {"ga_sc": {"categories": None}})  # none ticked
    assert evaluate(bundle, every, "2026-03-01").table["ga_sc_met"].all()
    only = views.rules_with(rules, {}, {"ga_sc": {"categories": ["procedural"]}})
    assert evaluate(bundle, only, "2026-03-01").table.set_index("country")["ga_sc_met"].to_dict() == {
        "LBY": True, "SDN": False}


def test_partial_coverage_of_a_criterion_reading_two_kinds_names_the_least_searched():
    record = {"coverage": "partial", "covered_days": 0, "window_days": 365,
              "coverage_sources": ["undl-2025-10"]}
    assert views.coverage_words(record, ("general_assembly", "security_council")) == (
        "Coverage: partial, 0 of 365 days searched completely for the least searched of the General Assembly and "
        "the Security Council (undl-2025-10).")
    assert views.coverage_words(record, ("security_council",)) == \
        "Coverage: partial, 0 of 365 days searched completely (undl-2025-10)."

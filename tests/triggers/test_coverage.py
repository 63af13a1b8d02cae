"""Issue 10, section 2: coverage as an input of the engine, one boundary per row.

Every case is checked twice, by evaluate() as of T and by timeline() on day T, which must agree
on status; evaluate also gives each criterion's coverage and covered days.
"""

from __future__ import annotations

import pandas as pd
import pytest

from triggers.bundle import BundleError, read_bundle, write_bundle
from triggers.evaluate import evaluate
from triggers.timeline import timeline

from .helpers import (
    cover,
    joint_group,
    make_bundle,
    make_rules,
    nhri_with_ngos,
    row,
    sig,
    statement_by,
    status,
)

T = "2021-03-20"  # the window of W = 10 days is 2021-03-11 .. 2021-03-20
W = 10
HC = statement_by("hc", window_days=W)


def check(signals, coverage, *criteria, country="SYR", as_of=T, **settings):
    """(status, {criterion id: (coverage, covered_days, met)}); the timeline must agree."""
    bundle = make_bundle(signals, coverage=coverage)
    rules = make_rules(*criteria, **settings)
    result = evaluate(bundle, rules, as_of, countries=[country])
    day = timeline(bundle, rules, as_of, as_of, countries=[country]).frame()
    day = day[day["country"] == country].iloc[0]
    assert day["status"] == status(result, country)
    out = {}
    for c in criteria:
        r = row(result, country, c["id"])
        assert bool(day[f"{c['id']}_met"]) == r["met"]
        out[c["id"]] = (r["coverage"], r["covered_days"], r["met"])
    return status(result, country), out


# --- covered days at the window's edges ---------------------------------------------------

EDGES = [
    # (name, coverage rows, expected coverage, covered days)
    ("no coverage.csv: complete everywhere", None, "full", W),
    ("coverage.csv without a row of the kind", [cover("sp_mandate", "2000-01-01", "2026-12-31")],
     "none", 0),
    ("starts on T-W+1: the whole window", [cover("high_commissioner", "2021-03-11", "2021-12-31")],
     "full", W),
    ("starts on T-W: the whole window too", [cover("high_commissioner", "2021-03-10", "2021-12-31")],
     "full", W),
    ("starts on T-W+2: one day short", [cover("high_commissioner", "2021-03-12", "2021-12-31")],
     "partial", W - 1),
    ("ends on T", [cover("high_commissioner", "2021-01-01", "2021-03-20")], "full", W),
    ("ends on T-1", [cover("high_commissioner", "2021-01-01", "2021-03-19")], "partial", W - 1),
    ("ends on T-W: outside", [cover("high_commissioner", "2021-01-01", "2021-03-10")], "none", 0),
    ("starts on T+1: after T", [cover("high_commissioner", "2021-03-21", "2021-12-31")], "none", 0),
    ("a single day, T", [cover("high_commissioner", T, T)], "partial", 1),
    ("two rows meeting: the union", [cover("high_commissioner", "2021-01-01", "2021-03-15"),
                                     cover("high_commissioner", "2021-03-16", "2021-06-01")],
     "full", W),
    ("two rows overlapping: each day once", [cover("high_commissioner", "2021-03-11", "2021-03-16"),
                                             cover("high_commissioner", "2021-03-14", "2021-03-18")],
     "partial", 8),
    ("a row for this State", [cover("high_commissioner", "2021-01-01", "2021-12-31", "SYR")],
     "full", W),
    ("a row for another State only", [cover("high_commissioner", "2021-01-01", "2021-12-31", "LBY")],
     "none", 0),
    ("every State for half, this State for the rest",
     [cover("high_commissioner", "2021-03-11", "2021-03-15"),
      cover("high_commissioner", "2021-03-16", "2021-03-20", "SYR")], "full", W),
    ("a sample row over the whole window", [cover("high_commissioner", "2021-01-01", "2021-12-31",
                                                  completeness="sample")], "partial", 0),
    ("a sample row before the window", [cover("high_commissioner", "2021-01-01", "2021-03-10",
                                              completeness="sample")], "none", 0),
    ("a sample row of another State", [cover("high_commissioner", "2021-01-01", "2021-12-31", "LBY",
                                             completeness="sample")], "none", 0),
    ("sample and complete: complete days count", [
        cover("high_commissioner", "2021-01-01", "2021-12-31", completeness="sample"),
        cover("high_commissioner", "2021-03-18", "2021-12-31")], "partial", 3),
]


@pytest.mark.parametrize("coverage,expected,days", [e[1:] for e in EDGES], ids=[e[0] for e in EDGES])
def test_coverage_of_one_kind(coverage, expected, days):
    st, crit = check([sig("s1", "2021-03-01", "SYR", "hc")], coverage, HC)
    assert crit["hc"][:2] == (expected, days)
    # Not met (the only statement is outside the window): full coverage can say clear.
    assert st == ("clear" if expected == "full" else "undetermined")


def test_several_kinds_in_one_criterion_need_every_kind():
    gasc = statement_by("gasc", ("general_assembly", "security_council"), window_days=W)
    only_ga = [cover("general_assembly", "2021-01-01", "2021-12-31")]
    both = only_ga + [cover("security_council", "2021-03-15", "2021-12-31")]
    signals = [sig("s1", "2020-01-01", "SYR", "ga")]
    assert check(signals, only_ga, gasc)[1]["gasc"][:2] == ("partial", 0)
    assert check(signals, both, gasc)[1]["gasc"][:2] == ("partial", 6)
    assert check(signals, both + [cover("security_council", "2021-03-01", "2021-03-14")],
                 gasc)[1]["gasc"][:2] == ("full", W)


def test_nhri_with_ngos_reads_both_kinds():
    crit = nhri_with_ngos("nhri", window_days=W)
    nhri_only = [cover("nhri", "2021-01-01", "2021-12-31", "SYR")]
    both = nhri_only + [cover("ngo", "2021-01-01", "2021-12-31")]
    signals = [sig("s1", "2020-01-01", "SYR", "hc")]
    assert check(signals, nhri_only, crit)[1]["nhri"][:2] == ("partial", 0)
    assert check(signals, both, crit)[1]["nhri"][:2] == ("full", W)


def test_met_counts_whatever_the_coverage():
    """Positive evidence is evidence: a statement in the window meets the criterion with
    no coverage row at all."""
    st, crit = check([sig("s1", T, "SYR", "hc")], [cover("sp_mandate", "2021-01-01", "2021-12-31")],
                     HC)
    assert crit["hc"] == ("none", 0, True)
    assert st == "triggered"


# --- the status rule in each branch -------------------------------------------------------

SP = joint_group("sp", min_issuers=4, window_days=W)
FULL_HC = cover("high_commissioner", "2021-01-01", "2021-12-31")
FULL_SP = cover("sp_mandate", "2021-01-01", "2021-12-31")

STATUS_CASES = [
    # (name, signals' issuers, coverage, settings, expected status)
    ("triggered: met, whatever else is unknown", ["hc"], [], {}, "triggered"),
    ("watch beats undetermined: progress 3/4 on SP", ["sp1;sp2;sp3"], [], {}, "watch"),
    ("undetermined: nothing met, an uncovered criterion could meet", [], [FULL_SP], {},
     "undetermined"),
    ("clear: nothing met and everything covered", [], [FULL_HC, FULL_SP], {}, "clear"),
    ("undetermined: one uncovered criterion is enough", [], [FULL_HC], {}, "undetermined"),
    ("min_criteria 2: one met is a watch, before undetermined", ["hc"], [FULL_HC],
     {"min_criteria": 2}, "watch"),
    ("min_criteria 2: nothing met, both open", [], [], {"min_criteria": 2, "watch_ratio": 1.0},
     "undetermined"),
    ("min_criteria 2: nothing met, one open: cannot reach 2", [], [FULL_HC],
     {"min_criteria": 2, "watch_ratio": 1.0}, "clear"),
    ("min_criteria 2: progress below watch, both open", ["sp1"], [], {"min_criteria": 2},
     "undetermined"),
    ("min_criteria 2: progress below watch, both covered", ["sp1"], [FULL_HC, FULL_SP],
     {"min_criteria": 2}, "clear"),
]


@pytest.mark.parametrize("issuers,coverage,settings,expected", [c[1:] for c in STATUS_CASES],
                         ids=[c[0] for c in STATUS_CASES])
def test_status_rule(issuers, coverage, settings, expected):
    signals = [sig(f"s{i}", T, "SYR", who) for i, who in enumerate(issuers)]
    signals.append(sig("elsewhere", T, "LBY", "hc"))  # keeps the bundle non-empty
    hc = statement_by("hc", window_days=W)
    assert check(signals, coverage, hc, SP, **settings)[0] == expected


def test_a_disabled_criterion_never_leaves_the_status_open():
    hc_off = statement_by("hc", window_days=W, enabled=False)
    st, crit = check([sig("s1", "2020-01-01", "SYR", "hc")], [FULL_SP], hc_off, SP)
    assert crit["hc"][:2] == ("none", 0)
    assert st == "clear"


# --- what the sentences say -----------------------------------------------------------------

def sentence_of(signals, coverage, criterion, country="SYR"):
    result = evaluate(make_bundle(signals, coverage=coverage), make_rules(criterion), T,
                      countries=[country])
    return row(result, country, criterion["id"])["sentence"]


def test_no_data_sentence_names_the_kinds_and_the_window():
    text = sentence_of([sig("s1", "2020-01-01", "SYR", "sp1")], [FULL_SP], HC)
    assert text == ("No data: no source of statements by the High Commissioner is loaded for "
                    "2021-03-11 to 2021-03-20.")


def test_partial_sentence_says_how_much_is_covered_and_by_which_source():
    text = sentence_of([sig("s1", "2020-01-01", "SYR", "sp1")],
                       [cover("high_commissioner", "2021-03-14", "2021-12-31", source="hc-2021"),
                        cover("high_commissioner", "2020-01-01", "2021-12-31", completeness="sample",
                              source="hc-news")], HC)
    assert text == ("Not met in the data loaded, which covers 7 of 10 days "
                    "completely (hc-2021, hc-news (sample)).")


def test_full_coverage_keeps_the_absence_sentence():
    text = sentence_of([sig("s1", "2020-01-01", "SYR", "sp1")], [FULL_HC], HC)
    assert text == "No expression of concern by the High Commissioner in the 10 days to 2021-03-20."


def test_evidence_below_the_threshold_keeps_its_citation_and_says_what_is_covered():
    text = sentence_of([sig("s1", T, "SYR", "sp1;sp2", reference="JAL SYR 1/2021")], [], SP)
    assert text.startswith("At most 2 Special Procedures mandates expressed concern jointly on "
                           "2021-03-20 (JAL SYR 1/2021); 4 jointly are needed.")
    assert text.endswith("No data beyond these signals: no source of statements by Special "
                         "Procedures mandates is loaded for 2021-03-11 to 2021-03-20.")


def test_nhri_sentence_without_coverage_does_not_claim_silence():
    text = sentence_of([sig("s1", "2020-01-01", "SYR", "hc")], [FULL_HC],
                       nhri_with_ngos("nhri", window_days=W))
    assert "No expression of concern" not in text
    assert text.startswith("No data: no source of statements by the State's NHRI and national NGOs")


# --- the bundle file ----------------------------------------------------------------------

def write(tmp_path, coverage_text):
    bundle = make_bundle([sig("s1", T, "SYR", "hc")])
    write_bundle(bundle, tmp_path)
    if coverage_text is not None:
        (tmp_path / "coverage.csv").write_text(coverage_text, encoding="utf-8")
    return tmp_path


def test_coverage_csv_round_trips(tmp_path):
    text = ("source,issuer_kind,country,start,end,completeness\n"
            "undl-2025-09,general_assembly,,2006-01-01,2025-09-30,complete\n"
            "sp-sample,sp_mandate,SYR,2025-12-01,2026-02-28,sample\n"
            "hc,high_commissioner,,2024-01-01,2024-12-31,\n")
    bundle = read_bundle(write(tmp_path, text))
    assert bundle.coverage["completeness"].tolist() == ["complete", "sample", "complete"]
    again = read_bundle(write_bundle(bundle, tmp_path / "again"))
    pd.testing.assert_frame_equal(again.coverage.sort_values("source").reset_index(drop=True),
                                  bundle.coverage.sort_values("source").reset_index(drop=True))


def test_header_only_coverage_is_not_the_same_as_no_file(tmp_path):
    assert read_bundle(write(tmp_path / "a", None)).coverage is None
    empty = read_bundle(write(tmp_path / "b", "source,issuer_kind,country,start,end\n")).coverage
    assert empty is not None and empty.empty
    again = read_bundle(write_bundle(read_bundle(tmp_path / "b"), tmp_path / "c"))
    assert again.coverage is not None and again.coverage.empty


BAD_ROWS = [
    ("no source", ",high_commissioner,,2021-01-01,2021-02-01,complete", "source", "source id is required"),
    ("unknown kind", "s,commissioner,,2021-01-01,2021-02-01,complete", "issuer_kind", "unknown kind; allowed:"),
    ("no kind", "s,,,2021-01-01,2021-02-01,complete", "issuer_kind", "an issuer_kind is required"),
    ("bad country", "s,ngo,XYZ,2021-01-01,2021-02-01,complete", "country", "unknown country code"),
    ("bad start", "s,ngo,,2021-02-30,2021-03-01,complete", "start", "not a date"),
    ("no end", "s,ngo,,2021-02-01,,complete", "end", "a date is required"),
    ("end before start", "s,ngo,,2021-02-01,2021-01-31,complete", "end", "on or after start"),
    ("bad completeness", "s,ngo,,2021-01-01,2021-02-01,partial", "completeness",
     "must be one of complete, sample"),
]


@pytest.mark.parametrize("line,field,message", [b[1:] for b in BAD_ROWS], ids=[b[0] for b in BAD_ROWS])
def test_bad_coverage_rows_are_reported_with_file_row_and_field(tmp_path, line, field, message):
    with pytest.raises(BundleError) as err:
        read_bundle(write(tmp_path, "source,issuer_kind,country,start,end,completeness\n" + line + "\n"))
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.field) == ("coverage.csv", 2, field)
    assert message in problem.message


def test_a_coverage_file_missing_a_column_is_refused_not_ignored(tmp_path):
    with pytest.raises(BundleError) as err:
        read_bundle(write(tmp_path, "source,issuer_kind,start\ns,ngo,2021-01-01\n"))
    assert {(p.file, p.field) for p in err.value.problems} == {("coverage.csv", "end")}

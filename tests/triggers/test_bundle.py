"""The signal bundle reader: every problem collected, placed (file, row, field) and explained."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triggers.bundle import (
    BundleError,
    Problem,
    read_bundle,
    validate_frames,
    write_bundle,
)

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"

SIGNALS_HEADER = "signal_id,date,country,issuers,concern,title,url,reference,summary,language\n"
ISSUERS = ("issuer_id,name,kind,country,accreditation,scope\n"
           "hc,High Commissioner,high_commissioner,,,\n"
           "las,League of Arab States,regional_org,,,\n"
           "nhri,National commission,nhri,SYR,A,\n"
           "ngo,Syrian NGO,ngo,SYR,special,national\n")
GOOD_SIGNAL = "s1,2021-03-01,SYR,hc,true,t,,,,en\n"


def write(tmp_path: Path, signals: str = SIGNALS_HEADER + GOOD_SIGNAL, issuers: str = ISSUERS,
          memberships: str | None = None) -> Path:
    (tmp_path / "signals.csv").write_text(signals, encoding="utf-8")
    (tmp_path / "issuers.csv").write_text(issuers, encoding="utf-8")
    if memberships is not None:
        (tmp_path / "memberships.csv").write_text(memberships, encoding="utf-8")
    return tmp_path


def problems(path: Path) -> list[Problem]:
    with pytest.raises(BundleError) as exc:
        read_bundle(path)
    assert str(exc.value).startswith(f"{len(exc.value.problems)} problem(s) in ")
    return exc.value.problems


# One bad cell per case: (file, line written, field, value reported, words the message must hold)
SIGNAL_CASES = [
    ("no-id", ",2021-03-01,SYR,hc,true,t,,,,en", "signal_id", "", ["required"]),
    ("bad-month", "s2,2021-13-01,SYR,hc,true,t,,,,en", "date", "2021-13-01", ["YYYY-MM-DD"]),
    ("day-first", "s2,01/03/2021,SYR,hc,true,t,,,,en", "date", "01/03/2021", ["YYYY-MM-DD"]),
    ("no-padding", "s2,2021-3-1,SYR,hc,true,t,,,,en", "date", "2021-3-1", ["YYYY-MM-DD"]),
    ("no-date", "s2,,SYR,hc,true,t,,,,en", "date", "", ["required", "YYYY-MM-DD"]),
    ("unknown-country", "s2,2021-03-01,XXX,hc,true,t,,,,en", "country", "XXX",
     ["unknown country code", "alpha-3", "XKX"]),
    ("alpha-2", "s2,2021-03-01,SY,hc,true,t,,,,en", "country", "SY", ["alpha-3"]),
    ("lower-case", "s2,2021-03-01,syr,hc,true,t,,,,en", "country", "syr", ["upper case"]),
    ("no-country", "s2,2021-03-01,,hc,true,t,,,,en", "country", "", ["required"]),
    ("bad-concern", "s2,2021-03-01,SYR,hc,maybe,t,,,,en", "concern", "maybe", ["true or false"]),
    ("no-issuers", "s2,2021-03-01,SYR,,true,t,,,,en", "issuers", "", ["issuers.csv", "';'"]),
    ("unknown-issuer", "s2,2021-03-01,SYR,hc;ohchr,true,t,,,,en", "issuers", "ohchr",
     ["unknown issuer id", "issuers.csv"]),
]


@pytest.mark.parametrize("line,field,value,words", [c[1:] for c in SIGNAL_CASES],
                         ids=[c[0] for c in SIGNAL_CASES])
def test_signal_problems(tmp_path, line, field, value, words):
    found = problems(write(tmp_path, SIGNALS_HEADER + GOOD_SIGNAL + line + "\n"))
    mine = [p for p in found if p.field == field]
    assert mine and all((p.file, p.row) == ("signals.csv", 3) for p in found)
    assert mine[0].value == value
    text = " ".join(p.message for p in mine)
    for w in words:
        assert w in text


ISSUER_CASES = [
    ("no-id", ",Someone,other,,,", "issuer_id", "", ["required"]),
    ("semicolon-id", "a;b,Someone,other,,,", "issuer_id", "a;b", ["';'"]),
    ("no-name", "x,,other,,,", "name", "", ["required"]),
    ("unknown-kind", "x,Someone,rapporteur,,,", "kind", "rapporteur",
     ["allowed: high_commissioner, ohchr, secretary_general, sp_mandate, regional_org, general_assembly, "
      "security_council, nhri, ngo, other"]),
    ("nhri-without-country", "x,Commission,nhri,,A,", "country", "", ["required"]),
    ("ngo-bad-country", "x,NGO,ngo,ZZZ,general,national", "country", "ZZZ", ["unknown country code"]),
    ("nhri-status", "x,Commission,nhri,SYR,D,", "accreditation", "D", ["A, B, C, none"]),
    ("ngo-status", "x,NGO,ngo,SYR,consultative,national", "accreditation", "consultative",
     ["general, special, roster, none"]),
    ("scope", "x,NGO,ngo,SYR,general,regional", "scope", "regional", ["national, international"]),
]


@pytest.mark.parametrize("line,field,value,words", [c[1:] for c in ISSUER_CASES],
                         ids=[c[0] for c in ISSUER_CASES])
def test_issuer_problems(tmp_path, line, field, value, words):
    found = problems(write(tmp_path, issuers=ISSUERS + line + "\n"))
    (p,) = [p for p in found if p.file == "issuers.csv"]
    assert (p.row, p.field, p.value) == (6, field, value)
    for w in words:
        assert w in p.message


MEMBERSHIP_HEADER = "org_id,country,since,until\n"
MEMBERSHIP_CASES = [
    ("no-org", ",SYR,,", "org_id", "", ["required"]),
    ("bad-country", "las,Syria,,", "country", "Syria", ["alpha-3"]),
    ("bad-since", "las,SYR,1945,", "since", "1945", ["YYYY-MM-DD"]),
    ("bad-until", "las,SYR,,16 Nov 2011", "until", "16 Nov 2011", ["YYYY-MM-DD"]),
    ("until-before-since", "las,SYR,2011-11-16,2011-11-01", "until", "2011-11-01",
     ["after since", "first day the State is no longer a member"]),
    ("until-equals-since", "las,SYR,2011-11-16,2011-11-16", "until", "2011-11-16", ["after since"]),
]


@pytest.mark.parametrize("line,field,value,words", [c[1:] for c in MEMBERSHIP_CASES],
                         ids=[c[0] for c in MEMBERSHIP_CASES])
def test_membership_problems(tmp_path, line, field, value, words):
    found = problems(write(tmp_path, memberships=MEMBERSHIP_HEADER + "las,LBY,,\n" + line + "\n"))
    (p,) = found
    assert (p.file, p.row, p.field, p.value) == ("memberships.csv", 3, field, value)
    for w in words:
        assert w in p.message


def test_every_problem_is_collected_at_once_and_sorted(tmp_path):
    found = problems(write(
        tmp_path,
        SIGNALS_HEADER + GOOD_SIGNAL + "s2,2021-02-30,SYR,hc,true,t,,,,en\n" + "s3,2021-03-01,XXX,nobody,true,t,,,,en\n",
        ISSUERS + "x,Someone,rapporteur,,,\n",
        MEMBERSHIP_HEADER + "las,SYR,2012-01-01,2011-01-01\n"))
    assert [(p.file, p.row, p.field) for p in found] == [
        ("issuers.csv", 6, "kind"),
        ("memberships.csv", 2, "until"),
        ("signals.csv", 3, "date"),
        ("signals.csv", 4, "country"),
        ("signals.csv", 4, "issuers"),
    ]
    text = str(BundleError(found, "b"))
    assert text.splitlines()[0] == "5 problem(s) in b; fix them and read the bundle again:"
    assert "signals.csv, row 3, field 'date': '2021-02-30' not a date; write it as YYYY-MM-DD" in text


def test_long_reports_are_cut_with_a_count(tmp_path):
    bad = "".join(f"s{i},2021-03-01,XXX,hc,true,t,,,,en\n" for i in range(60))
    exc = pytest.raises(BundleError, read_bundle, write(tmp_path, SIGNALS_HEADER + bad)).value
    assert len(exc.problems) == 60 and str(exc).endswith("... and 10 more")


@pytest.mark.parametrize("file,header,missing", [
    ("signals.csv", "signal_id,date,country,concern\n", ["issuers"]),
    ("signals.csv", "id,day,country,issuers\n", ["signal_id", "date"]),
    ("issuers.csv", "issuer_id,name\n", ["kind"]),
    ("memberships.csv", "org,country,since,until\n", ["org_id"]),
])
def test_missing_column_is_named_in_field(tmp_path, file, header, missing):
    """Regression: a missing column was reported once with field None, so a report could not
    point at it; now each missing column is its own problem on row 1 with field = the column."""
    path = write(tmp_path, memberships="org_id,country,since,until\n")
    row = ",".join("x" * len(header.split(",")))  # as many cells as the header: only it is wrong
    (path / file).write_text(header + row + "\n", encoding="utf-8")
    found = [p for p in problems(path) if p.file == file]
    assert [(p.row, p.field) for p in found] == [(1, m) for m in missing]
    assert all("missing column" in p.message and "the header must have" in p.message for p in found)


def test_unknown_column_is_reported_with_the_allowed_ones(tmp_path):
    (p,) = problems(write(tmp_path, SIGNALS_HEADER.strip() + ",notes\n" + GOOD_SIGNAL.strip() + ",x\n"))
    assert (p.file, p.row, p.value) == ("signals.csv", 1, "notes")
    assert "allowed: signal_id, date, country, issuers, concern" in p.message


def test_optional_columns_may_be_left_out(tmp_path):
    bundle = read_bundle(write(tmp_path, "signal_id,date,country,issuers\ns1,2021-03-01,SYR,hc\n",
                               "issuer_id,name,kind\nhc,High Commissioner,high_commissioner\n"))
    assert bundle.signals.loc[0, "concern"]  # concern defaults to true
    assert bundle.signals.loc[0, "reference"] == ""
    assert bundle.memberships.empty


def test_not_utf8(tmp_path):
    path = write(tmp_path)
    (path / "signals.csv").write_bytes((SIGNALS_HEADER + "s1,2021-03-01,CIV,hc,true,Côte d'Ivoire,,,,fr\n")
                                       .encode("latin-1"))
    (p,) = problems(path)
    assert (p.file, p.row, p.field) == ("signals.csv", None, None)
    assert "not UTF-8" in p.message


def test_utf8_with_bom_and_accents_is_read(tmp_path):
    path = write(tmp_path)
    (path / "signals.csv").write_bytes(
        ("\ufeff" + SIGNALS_HEADER + "s1,2021-03-01,CIV,hc,true,Côte d'Ivoire,,,,fr\n").encode("utf-8"))
    assert read_bundle(path).signals.loc[0, "title"] == "Côte d'Ivoire"


@pytest.mark.parametrize("file", ["signals.csv", "issuers.csv", "memberships.csv"])
def test_empty_file(tmp_path, file):
    path = write(tmp_path, memberships="org_id,country,since,until\n")
    (path / file).write_text("", encoding="utf-8")
    (p,) = problems(path)
    assert (p.file, p.row) == (file, None) and "empty file" in p.message


def test_header_only_bundle_is_empty_not_an_error(tmp_path):
    bundle = read_bundle(write(tmp_path, SIGNALS_HEADER))
    assert bundle.signals.empty and bundle.date_range is None and bundle.countries == []


def test_missing_files_and_folder(tmp_path):
    (tmp_path / "issuers.csv").write_text(ISSUERS, encoding="utf-8")
    (p,) = problems(tmp_path)
    assert p.file == "signals.csv" and "file not found" in p.message
    (p,) = problems(tmp_path / "nowhere")
    assert "not a folder" in p.message


def test_xkx_is_accepted_for_kosovo(tmp_path):
    bundle = read_bundle(write(tmp_path, SIGNALS_HEADER + "k,2021-03-01,XKX,hc,,,,,,\n"))
    assert bundle.countries == ["XKX"]


def test_cells_are_stripped_and_exact_repeats_counted_once(tmp_path):
    bundle = read_bundle(write(tmp_path, SIGNALS_HEADER + GOOD_SIGNAL + " s1 , 2021-03-01,SYR, hc ,true,t,,,,en\n"
                               + "s2,2021-03-02,SYR,hc;hc;las,,t,,,,en\n"))
    assert bundle.duplicates == 1 and bundle.signals["signal_id"].tolist() == ["s1", "s2"]
    assert sorted(bundle.links.itertuples(index=False)) == [("s1", "hc"), ("s2", "hc"), ("s2", "las")]


def test_repeated_issuer_id_with_different_content_is_an_error(tmp_path):
    (p,) = problems(write(tmp_path, issuers=ISSUERS + "hc,High Commissioner (OHCHR),high_commissioner,,,\n"))
    assert (p.file, p.row, p.field, p.value) == ("issuers.csv", 6, "issuer_id", "hc")
    assert "already defined on row 2" in p.message


def test_empty_accreditation_reads_as_none_for_nhris_and_ngos(tmp_path):
    bundle = read_bundle(write(tmp_path, issuers=ISSUERS + "n2,Other commission,nhri,SYR,,\n"))
    acc = bundle.issuers.set_index("issuer_id")["accreditation"]
    assert (acc["n2"], acc["nhri"], acc["hc"]) == ("none", "A", "")


def test_round_trip_of_the_sample(tmp_path):
    first = read_bundle(SAMPLE)
    again = read_bundle(write_bundle(first, tmp_path / "copy"))
    key = {"signals": ["signal_id"], "issuers": ["issuer_id"], "links": ["signal_id", "issuer_id"],
           "memberships": ["org_id", "country", "since", "until"]}
    for name, cols in key.items():
        a = getattr(first, name).sort_values(cols).reset_index(drop=True)
        b = getattr(again, name).sort_values(cols).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_dtype=True)
    assert len(again.signals) == 30 and again.duplicates == 0


def test_round_trip_keeps_false_concern_and_membership_periods(tmp_path):
    (tmp_path / "a").mkdir()
    path = write(tmp_path / "a",
                 SIGNALS_HEADER + "s1,2021-03-01,SYR,las;hc,false,\"A, quoted title\",,,,\n",
                 memberships=MEMBERSHIP_HEADER + "las,SYR,,2011-11-16\nlas,SYR,2023-05-07,\n")
    first = read_bundle(path)
    again = read_bundle(write_bundle(first, tmp_path / "b"))
    pd.testing.assert_frame_equal(first.signals, again.signals)
    pd.testing.assert_frame_equal(first.memberships, again.memberships)
    assert not again.signals.loc[0, "concern"] and again.signals.loc[0, "title"] == "A, quoted title"


def test_validate_frames_accepts_typed_in_memory_frames():
    signals = pd.DataFrame({"signal_id": ["s1", "s2"], "date": pd.to_datetime(["2021-03-01", "2021-03-02"]),
                            "country": ["SYR", "SYR"], "issuers": ["hc", "hc"], "concern": [True, False]})
    issuers = pd.DataFrame({"issuer_id": ["hc"], "name": ["HC"], "kind": ["high_commissioner"],
                            "country": [None], "accreditation": [None], "scope": [None]})
    memberships = pd.DataFrame({"org_id": ["las"], "country": ["SYR"],
                                "since": [pd.NaT], "until": pd.to_datetime(["2011-11-16"])})
    bundle = validate_frames(signals, issuers, memberships)
    assert bundle.signals["concern"].tolist() == [True, False]
    assert bundle.signals["date"].dtype == "datetime64[ns]"
    assert pd.isna(bundle.memberships.loc[0, "since"])
    assert bundle.memberships.loc[0, "until"] == pd.Timestamp("2011-11-16")


def test_validate_frames_reports_rows_as_spreadsheet_lines():
    signals = pd.DataFrame({"signal_id": ["s1", "s2", "s3"], "date": ["2021-03-01", "soon", "2021-03-01"],
                            "country": ["SYR"] * 3, "issuers": ["hc", "hc", "who"]},
                           index=[10, 20, 30])  # the caller's index is not a line number
    issuers = pd.DataFrame({"issuer_id": ["hc"], "name": ["HC"], "kind": ["high_commissioner"]})
    with pytest.raises(BundleError) as exc:
        validate_frames(signals, issuers, source="import")
    assert [(p.row, p.field, p.value) for p in exc.value.problems] == [(3, "date", "soon"),
                                                                       (4, "issuers", "who")]
    assert "in import" in str(exc.value)


def test_validate_frames_told_ids_are_unique_builds_the_same_bundle():
    signals = pd.DataFrame({"signal_id": ["s1", "s2"], "date": ["2021-03-01", "2021-03-02"],
                            "country": ["SYR", "MMR"], "issuers": ["hc; sc", "sc;sc"]})
    issuers = pd.DataFrame({"issuer_id": ["hc", "sc"], "name": ["HC", "SC"],
                            "kind": ["high_commissioner", "security_council"]})
    checked = validate_frames(signals, issuers)
    trusted = validate_frames(signals, issuers, unique_ids=True)
    for name in ["signals", "issuers", "links", "memberships"]:
        pd.testing.assert_frame_equal(getattr(checked, name), getattr(trusted, name))
    assert checked.links.values.tolist() == [["s1", "hc"], ["s1", "sc"], ["s2", "sc"]]

import pytest

from prevention.sources.importers import reference
from tests.prevention.importers.helpers import REFERENCE, assert_accounted, write


def test_bundled_memberships_with_dated_changes():
    p = reference.parse_memberships(REFERENCE / "memberships.csv")
    assert p.rows_read == 1038 and p.rejected == []
    assert_accounted(p)
    rec = p.records
    assert list(rec.columns) == ["org_id", "org_name", "country", "since", "until", "note",
                                 "source_row"]
    rows = {(r.org_id, r.country, r.since): r.until for r in rec.itertuples()}
    assert rows[("coe", "RUS", "")] == "2022-03-16"
    assert rows[("oas", "NIC", "")] == "2023-11-19"
    assert all(rows[("ecowas", c, "")] == "2025-01-29" for c in ("BFA", "MLI", "NER"))
    assert rows[("las", "SYR", "")] == "2011-11-16" and rows[("las", "SYR", "2023-05-07")] == ""
    assert rec["org_id"].nunique() == 24 and (rec["country"].str.len() == 3).all()


def test_raw_shared_file_needs_until_for_withdrawn_states():
    p = reference.parse_memberships(REFERENCE / "sources" / "intergovernmental_memberships.csv")
    assert p.rows_read == 1036 and len(p.records) == 1032
    assert {r.field for r in p.rejected} == {"status"}
    assert {r.raw["iso3"] for r in p.rejected} == {"BFA", "MLI", "NER", "NIC"}
    assert_accounted(p)


def test_bundled_council_outcomes():
    p = reference.parse_outcomes(REFERENCE / "council_outcomes.csv")
    assert p.rows_read == 55 and p.rejected == []
    assert_accounted(p)
    rec = p.records
    sessions = rec[rec["kind"] == "special_session"]
    assert sessions["reference"].nunique() == 39
    thematic = sessions[sessions["country"] == ""]
    assert sorted(thematic["reference"]) == ["A/HRC/RES/S-10/1", "A/HRC/RES/S-7/1"]
    assert sorted(sessions.loc[sessions["reference"] == "A/HRC/RES/S-23/1", "country"]) == \
        ["CMR", "NER", "NGA", "TCD"]
    assert sorted(sessions.loc[sessions["reference"] == "A/HRC/RES/S-30/1", "country"]) == \
        ["ISR", "PSE"]
    assert sessions.set_index("reference").loc["A/HRC/RES/S-15/1", "country"] == "LBY"
    assert sessions.set_index("reference").loc["A/HRC/DEC/S-4/101", "country"] == "SDN"
    assert rec["kind"].value_counts().to_dict() == {
        "special_session": 43, "commission_of_inquiry": 5, "fact_finding_mission": 4,
        "urgent_debate": 3}
    assert not rec.duplicated(["kind", "reference", "country"]).any()


def test_outcome_rows_are_checked(tmp_path):
    p = reference.parse_outcomes(write(tmp_path / "o.csv", (
        "country,date,kind,reference,title,url\n"
        "Libya,25 February 2011,special session,A/HRC/RES/S-15/1,S-15,\n"
        ",2008-05-22,special_session,A/HRC/RES/S-7/1,food,\n"
        "Narnia,2011-02-25,special_session,X,,\n"
        "LBY,02/03/2011,special_session,X,,\n"
        "LBY,2011-02-25,coup,X,,\n"
        "LBY,2011-02-25,other,,,\n")))
    assert p.records[["country", "date", "kind"]].values.tolist() == [
        ["LBY", "2011-02-25", "special_session"], ["", "2008-05-22", "special_session"]]
    assert [(r.row, r.field) for r in p.rejected] == [
        (4, "country"), (5, "date"), (6, "kind"), (7, "reference")]
    assert "ambiguous" in p.rejected[1].reason and "special_session" in p.rejected[2].reason
    assert_accounted(p)


def test_nhri_chart(tmp_path):
    p = reference.parse_nhri(write(tmp_path / "n.csv", (
        "Country,Institution,Status,Date of review\n"
        "Côte d'Ivoire,Conseil national des droits de l'homme,A,2021-10-01\n"
        "Кот-д’Ивуар,Conseil national des droits de l'homme,B status,March 15 2016\n"
        "France,Commission nationale consultative des droits de l'homme,a,\n"
        "Narnia,Ombudsman,A,2020-01-01\n"
        "Kenya,,A,2020-01-01\n"
        "Kenya,KNCHR,Z,2020-01-01\n")))
    rec = p.records
    assert rec["issuer_id"].tolist()[:2] == ["nhri-civ-conseil-national-des-droits-de-l-homme"] * 2
    assert rec["status"].tolist() == ["A", "B", "A"]
    assert rec["reviewed_on"].tolist() == ["2021-10-01", "2016-03-15", ""]
    assert set(rec["scope"]) == {"national"} and rec["country"].tolist() == ["CIV", "CIV", "FRA"]
    assert [(r.row, r.field) for r in p.rejected] == [(5, "Country"), (6, "Institution"), (7, "Status")]
    assert "Narnia" == p.rejected[0].value
    assert_accounted(p)


def test_ngo_registry(tmp_path):
    p = reference.parse_ngos(write(tmp_path / "g.csv", (
        "name,country,ECOSOC status,scope\n"
        "Human Rights Watch,USA,special,international\n"
        "Odhikar,Bangladesh,Special consultative status,national\n"
        "Amnesty International,,special,international\n"
        "Local Group,,roster,national\n"
        "Other Group,Kenya,observer,national\n")))
    assert p.records["issuer_id"].tolist() == ["ngo-usa-human-rights-watch", "ngo-bgd-odhikar",
                                               "ngo-int-amnesty-international"]
    assert p.records["status"].tolist() == ["special"] * 3
    assert [(r.row, r.field) for r in p.rejected] == [(5, "country"), (6, "ECOSOC status")]
    assert_accounted(p)


def test_missing_columns_are_named(tmp_path):
    p = reference.parse_nhri(write(tmp_path / "n.csv", "country,name\nKenya,KNCHR\n"))
    assert p.rows_read == 0 and "status" in p.rejected[0].reason


@pytest.mark.parametrize("fn", [reference.parse_memberships, reference.parse_nhri,
                                reference.parse_ngos, reference.parse_outcomes])
def test_options_are_refused(tmp_path, fn):
    with pytest.raises(TypeError):
        fn(write(tmp_path / "x.csv", "a\n1\n"), since="2020-01-01")


def test_real_ecosoc_list_lacks_status_and_country():
    """The shared ECOSOC list (names and committee dates only) is not a registry: it is
    refused as a whole, saying which column is missing, rather than guessed."""
    from pathlib import Path

    path = Path("/work/shared/data/ngo/ecosoc_consultative_status_granted.csv")
    if not path.exists():
        pytest.skip(f"{path} is not here")
    p = reference.parse_ngos(path)
    assert p.rows_read == 0 and len(p.rejected) == 1
    assert "missing column(s) status" in p.rejected[0].reason

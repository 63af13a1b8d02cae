"""Rule sets as data: the shipped ones, validation errors that name the key, YAML round trip."""

from __future__ import annotations

import pytest

from triggers.rules import (
    DEFAULT_RULE_SET_ID,
    JointGroup,
    RuleSetError,
    StatementBy,
    load_rule_set,
    parse_rule_set,
    rule_set_to_yaml,
    shipped_rule_set_ids,
    shipped_rule_sets,
)


def shape(rules):
    """A compact description of a rule set's criteria: id -> (type, key settings)."""
    out = {}
    for c in rules.criteria:
        if isinstance(c, StatementBy):
            out[c.id] = ("statement_by", tuple(c.issuer_kinds), c.min_signals, c.members_only)
        elif isinstance(c, JointGroup):
            out[c.id] = ("joint_group", tuple(c.issuer_kinds), c.min_issuers, c.mode)
        else:
            out[c.id] = ("nhri_with_ngos", c.min_ngos, c.mode, tuple(c.nhri_status),
                         tuple(c.ngo_status), c.ngo_scope)
    return out


def test_shipped_ids_and_default():
    assert shipped_rule_set_ids() == ["glion-iii-2016", "hrc20-2012", "irish-principles-2016"]
    assert DEFAULT_RULE_SET_ID == "glion-iii-2016"


def test_glion_iii_2016():
    rules = load_rule_set("glion-iii-2016")
    assert (rules.window_days, rules.min_criteria, rules.watch_ratio) == (365, 1, 0.5)
    assert shape(rules) == {
        "high_commissioner": ("statement_by", ("high_commissioner",), 1, False),
        "special_procedures": ("joint_group", ("sp_mandate",), 4, "joint"),
        "regional_organisation": ("statement_by", ("regional_org",), 1, True),
        "ga_sc": ("statement_by", ("general_assembly", "security_council"), 1, False),
        "nhri_ngos": ("nhri_with_ngos", 3, "joint", ("A", "B"), ("general", "special", "roster"),
                      "national"),
    }
    assert "Universal Rights Group" in rules.source and "Glion III" in rules.source
    assert "not a rule the Human Rights Council adopted" in rules.description


def test_hrc20_2012():
    rules = load_rule_set("hrc20-2012")
    assert shape(rules) == {
        "secretary_general": ("statement_by", ("secretary_general",), 1, False),
        "high_commissioner": ("statement_by", ("high_commissioner",), 1, False),
        "special_procedures": ("joint_group", ("sp_mandate",), 2, "joint"),
    }
    assert "interpretation" in rules.description  # "a group" has no number in the statement
    assert "HRC 20" in rules.source or "HRC20" in rules.source


def test_irish_principles_2016_counts_only_the_countable():
    rules = load_rule_set("irish-principles-2016")
    assert set(shape(rules)) == {"secretary_general", "high_commissioner", "special_procedures"}
    assert [j.id for j in rules.reviewer_judgements] == ["recognition", "cooperation", "access"]
    assert "judgements, not" in rules.description


@pytest.mark.parametrize("rule_id", ["glion-iii-2016", "hrc20-2012", "irish-principles-2016"])
def test_shipped_rule_sets_cite_a_source_and_round_trip(rule_id):
    rules = shipped_rule_sets()[rule_id]
    assert rules.id == rule_id and rules.source.strip() and rules.title.strip()
    import yaml
    assert parse_rule_set(yaml.safe_load(rule_set_to_yaml(rules))) == rules


def test_defaults():
    rules = parse_rule_set({"id": "x", "title": "x", "source": "s", "criteria": [
        {"id": "a", "type": "statement_by", "issuer_kinds": ["high_commissioner"]},
        {"id": "b", "type": "joint_group", "issuer_kinds": ["sp_mandate"], "min_issuers": 3},
        {"id": "c", "type": "nhri_with_ngos", "min_ngos": 2}]})
    a, b, c = rules.criteria
    assert (rules.window_days, rules.min_criteria, rules.watch_ratio, rules.version) == (365, 1, 0.5, 1)
    assert (a.min_signals, a.members_only, a.enabled, a.window_days) == (1, False, True, None)
    assert b.mode == "joint" and rules.window_of(b) == 365
    assert (c.nhri_status, c.ngo_status, c.ngo_scope, c.mode) == (
        ["A", "B"], ["general", "special", "roster"], "national", "joint")


BASE = {"id": "x", "title": "x", "source": "s",
        "criteria": [{"id": "a", "type": "statement_by", "issuer_kinds": ["high_commissioner"]}]}


def crit(**kw):
    return {**BASE, "criteria": [{**BASE["criteria"][0], **kw}]}


@pytest.mark.parametrize("data,where", [
    ({**BASE, "windw_days": 30}, "windw_days"),
    (crit(min_isuers=3), "criteria.0.statement_by.min_isuers"),
    (crit(issuer_kinds=["rapporteur"]), "criteria.0.statement_by.issuer_kinds.0"),
    (crit(issuer_kinds=[]), "criteria.0.statement_by.issuer_kinds"),
    (crit(type="majority_vote"), "criteria.0"),
    (crit(min_signals=0), "criteria.0.statement_by.min_signals"),
    (crit(window_days=0), "criteria.0.statement_by.window_days"),
    (crit(id="Has Spaces"), "criteria.0.statement_by.id"),
    ({**BASE, "window_days": -1}, "window_days"),
    ({**BASE, "watch_ratio": 1.5}, "watch_ratio"),
    ({**BASE, "watch_ratio": 0}, "watch_ratio"),
    ({**BASE, "min_criteria": 0}, "min_criteria"),
    ({k: v for k, v in BASE.items() if k != "source"}, "source"),
    ({**BASE, "criteria": []}, "criteria"),
    ({**BASE, "criteria": [{"id": "n", "type": "nhri_with_ngos", "min_ngos": 3, "nhri_status": ["AA"]}]},
     "criteria.0.nhri_with_ngos.nhri_status.0"),
    ({**BASE, "criteria": [{"id": "n", "type": "nhri_with_ngos", "min_ngos": 3, "mode": "cumulative"}]},
     "criteria.0.nhri_with_ngos.mode"),
    ({**BASE, "criteria": [{"id": "g", "type": "joint_group", "issuer_kinds": ["sp_mandate"]}]},
     "criteria.0.joint_group.min_issuers"),
])
def test_bad_rule_sets_name_the_key(data, where):
    with pytest.raises(RuleSetError) as exc:
        parse_rule_set(data, origin="my-rules.yaml")
    text = str(exc.value)
    assert text.startswith("my-rules.yaml: ")
    assert f"  {where}: " in text


def test_min_criteria_above_the_number_of_criteria_is_refused():
    with pytest.raises(RuleSetError, match="min_criteria is 2 but the rule set has only 1"):
        parse_rule_set({**BASE, "min_criteria": 2})


def test_repeated_criterion_ids_are_refused():
    with pytest.raises(RuleSetError, match="repeated: a"):
        parse_rule_set({**BASE, "criteria": BASE["criteria"] * 2})


def test_load_from_file_and_errors(tmp_path):
    good = tmp_path / "mine.yaml"
    good.write_text(rule_set_to_yaml(parse_rule_set(crit(window_days=30))), encoding="utf-8")
    assert load_rule_set(good).criteria[0].window_days == 30
    assert load_rule_set(str(good)).id == "x"

    with pytest.raises(RuleSetError, match="no rule set with id 'glion'; shipped ids: glion-iii-2016"):
        load_rule_set("glion")
    with pytest.raises(RuleSetError, match="file not found"):
        load_rule_set(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match="not valid YAML"):
        load_rule_set(bad)
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match="YAML mapping"):
        load_rule_set(bad)
    bad.write_text(rule_set_to_yaml(parse_rule_set(BASE)).replace("min_signals", "min_signal"),
                   encoding="utf-8")
    with pytest.raises(RuleSetError, match=r"(?s)bad\.yaml: 1 problem.*min_signal: Extra inputs are not permitted"):
        load_rule_set(bad)


def test_yaml_round_trip_of_a_rule_set_with_every_option():
    rules = parse_rule_set({
        "id": "all-options", "version": 3, "title": "t", "source": "s", "description": "d",
        "window_days": 90, "min_criteria": 2, "watch_ratio": 0.75,
        "criteria": [
            {"id": "a", "type": "statement_by", "issuer_kinds": ["regional_org"], "min_signals": 2,
             "members_only": True, "window_days": 30, "enabled": False, "title": "A"},
            {"id": "b", "type": "joint_group", "issuer_kinds": ["sp_mandate", "other"],
             "min_issuers": 5, "mode": "cumulative"},
            {"id": "c", "type": "nhri_with_ngos", "min_ngos": 2, "mode": "window",
             "nhri_status": ["A"], "ngo_status": ["general"], "ngo_scope": None}],
        "reviewer_judgements": [{"id": "j", "title": "J", "description": "judged"}]})
    import yaml
    again = parse_rule_set(yaml.safe_load(rule_set_to_yaml(rules)))
    assert again == rules
    assert again.criteria[2].ngo_scope is None and again.label == "all-options v3"
    assert [c.id for c in again.enabled_criteria] == ["b", "c"]

"""The criterion types' registry (triggers/criteria): everything derived from it agrees with
the types' own modules, so a new type is a module and one entry."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from triggers.criteria import REGISTERED, RULE_TYPES, THRESHOLD_FIELDS, TYPES, parameters_of
from triggers.criteria.base import COUNT
from triggers.rules import Criterion, load_rule_set, shipped_rule_sets


@pytest.mark.parametrize("kind", REGISTERED, ids=lambda t: t.name)
def test_each_type_names_real_fields_and_a_counted_threshold(kind):
    fields = set(kind.model.model_fields)
    assert {p.field for p in kind.parameters} <= fields
    assert len({p.key for p in kind.parameters}) == len(kind.parameters)  # widget keys unique
    assert kind.threshold.field == kind.model.threshold_field == THRESHOLD_FIELDS[kind.name]
    assert kind.threshold.shape == COUNT and kind.threshold in kind.parameters
    assert RULE_TYPES[kind.name] is kind.rule


def test_the_rule_set_union_is_the_registry():
    adapter = TypeAdapter(Criterion)
    for name in TYPES:
        with pytest.raises(ValidationError) as exc:
            adapter.validate_python({"type": name, "id": "x", "unknown_field": 1})
        assert "unknown_field" in str(exc.value)  # the type was found; its model refused the key
    with pytest.raises(ValidationError, match="statement_by"):
        adapter.validate_python({"type": "not_a_type", "id": "x"})


def test_every_shipped_criterion_has_its_parameters_and_values():
    for rule_set_id in shipped_rule_sets():
        for crit in load_rule_set(rule_set_id).criteria:
            for p in parameters_of(crit):
                value = getattr(crit, p.field)
                assert p.to_field(p.to_shown(value)) == value, (rule_set_id, crit.id, p.field)

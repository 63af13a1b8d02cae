"""The criterion types, one module each, and the registry everything else derives from.

A type's module holds its rule model (the YAML shape), its evaluation in both shapes (as of
one day: exact values, evidence and a sentence per country; over a timeline: values capped at
the threshold, which is all that status, met and progress depend on), its sentence, the
issuer kinds it reads and the parameters the threshold lab and the sweep may vary. The
rule-set union (triggers.rules), `bind`, `RULE_TYPES`, `THRESHOLD_FIELDS`, `criterion_kinds`
and the lab's knobs are read from `REGISTERED`, so a new type is a new module and one entry
there (docs/criteria.md, "Adding a criterion type").
"""

from __future__ import annotations

from triggers.criteria import joint_group, nhri_with_ngos, statement_by
from triggers.criteria.base import (
    AsOf,
    CriterionModel,
    CriterionRule,
    CriterionType,
    Features,
    Parameter,
    group_label,
)
from triggers.criteria.joint_group import JointGroup, JointGroupRule
from triggers.criteria.nhri_with_ngos import NhriWithNgos, NhriWithNgosRule
from triggers.criteria.statement_by import StatementBy, StatementByRule

# In this order: the union's (its error messages list the tags so) and the docs'.
REGISTERED: tuple[CriterionType, ...] = (
    statement_by.TYPE,
    joint_group.TYPE,
    nhri_with_ngos.TYPE,
)

TYPES: dict[str, CriterionType] = {t.name: t for t in REGISTERED}
MODELS: tuple[type[CriterionModel], ...] = tuple(t.model for t in REGISTERED)
RULE_TYPES: dict[str, type[CriterionRule]] = {name: t.rule for name, t in TYPES.items()}
THRESHOLD_FIELDS: dict[str, str] = {name: t.threshold.field for name, t in TYPES.items()}


def bind(criterion, window_days: int) -> CriterionRule:
    return RULE_TYPES[criterion.type](criterion, window_days)


def criterion_kinds(criterion) -> list[str]:
    """The issuer kinds whose signals (and coverage) a criterion reads."""
    return list(criterion.kinds)


def parameters_of(criterion) -> tuple[Parameter, ...]:
    """The parameters of a criterion's type, in the order the threshold lab shows them."""
    return TYPES[criterion.type].parameters


__all__ = [
    "MODELS", "REGISTERED", "RULE_TYPES", "THRESHOLD_FIELDS", "TYPES", "AsOf", "CriterionModel",
    "CriterionRule", "CriterionType", "Features", "JointGroup", "JointGroupRule", "NhriWithNgos",
    "NhriWithNgosRule", "Parameter", "StatementBy", "StatementByRule", "bind", "criterion_kinds",
    "group_label", "parameters_of",
]

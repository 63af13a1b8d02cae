"""Rule sets as data: pydantic models, YAML loading, and the shipped rule sets by id.

The criterion models live with their types in triggers.criteria; StatementBy, JointGroup and
NhriWithNgos are imported here too, where rule-set code has always found them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Union

import yaml
from pydantic import Field, ValidationError, model_validator

from triggers.criteria import MODELS, JointGroup, NhriWithNgos, StatementBy  # noqa: F401 (re-exported)
from triggers.criteria.base import CriterionModel, StrictModel

RULES_DIR = Path(__file__).resolve().parent.parent / "data" / "rules"
DEFAULT_RULE_SET_ID = "glion-iii-2016"

# The discriminated union on `type`, in the registry's order: one member per criterion type.
Criterion = Annotated[Union[MODELS], Field(discriminator="type")]


class ReviewerJudgement(StrictModel):
    """A factor a rule set names that is a human judgement, not a count (never computed)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    description: str = ""


class RuleSet(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: int = Field(default=1, ge=1)
    title: str
    source: str = Field(min_length=1, description="Citation of the proposal these rules encode.")
    description: str = ""
    window_days: int = Field(default=365, ge=1, le=36500)
    min_criteria: int = Field(default=1, ge=1)
    watch_ratio: float = Field(default=0.5, gt=0, le=1)
    criteria: list[Criterion] = Field(min_length=1)
    reviewer_judgements: list[ReviewerJudgement] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> "RuleSet":
        ids = [c.id for c in self.criteria]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"criterion ids must be unique; repeated: {', '.join(repeated)}")
        if self.min_criteria > len(self.criteria):
            raise ValueError(
                f"min_criteria is {self.min_criteria} but the rule set has only "
                f"{len(self.criteria)} criteria; lower min_criteria or add criteria"
            )
        return self

    def window_of(self, criterion: CriterionModel) -> int:
        return criterion.window_days or self.window_days

    @property
    def enabled_criteria(self) -> list:
        return [c for c in self.criteria if c.enabled]

    @property
    def label(self) -> str:
        return f"{self.id} v{self.version}"


class RuleSetError(ValueError):
    """A rule-set file that cannot be used; the message names the file and each bad key."""


def parse_rule_set(data: dict, origin: str = "<rule set>") -> RuleSet:
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "(top level)"
            lines.append(f"  {where}: {err['msg']}")
        raise RuleSetError(
            f"{origin}: {exc.error_count()} problem(s) in the rule set:\n" + "\n".join(lines)
        ) from None


def load_rule_set(path_or_id: str | Path) -> RuleSet:
    """Load a rule set from a YAML file, or a shipped one by its id."""
    path = Path(path_or_id)
    if not path.suffix and not path.exists():
        path = RULES_DIR / f"{path_or_id}.yaml"
        if not path.exists():
            known = ", ".join(shipped_rule_set_ids())
            raise RuleSetError(f"no rule set with id {str(path_or_id)!r}; shipped ids: {known}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RuleSetError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise RuleSetError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise RuleSetError(f"{path}: a rule set must be a YAML mapping with id, title, criteria, ...")
    return parse_rule_set(data, origin=str(path))


def rule_set_to_yaml(rules: RuleSet) -> str:
    return yaml.safe_dump(rules.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def shipped_rule_set_ids() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.yaml"))


def shipped_rule_sets() -> dict[str, RuleSet]:
    return {rid: load_rule_set(rid) for rid in shipped_rule_set_ids()}

"""Rule sets as data: pydantic models, YAML loading, and the shipped rule sets by id."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from triggers.vocabulary import IssuerKind, NgoScope, NgoStatus, NhriStatus

RULES_DIR = Path(__file__).resolve().parent.parent / "data" / "rules"
DEFAULT_RULE_SET_ID = "glion-iii-2016"


class _Model(BaseModel):
    # Unknown keys are almost always typos ("min_isuers"); rejecting them keeps a
    # mistyped threshold from silently falling back to its default.
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Criterion(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable id, used in column names.")
    title: str = ""
    enabled: bool = True
    window_days: int | None = Field(default=None, ge=1, le=36500)


class StatementBy(_Criterion):
    """Concern expressed by issuers of given kinds; value = number of qualifying signals."""

    type: Literal["statement_by"] = "statement_by"
    issuer_kinds: list[IssuerKind] = Field(min_length=1)
    min_signals: int = Field(default=1, ge=1)
    members_only: bool = Field(
        default=False,
        description="Count a regional organisation's signal only if the State is a member on its date.",
    )
    categories: list[str] | None = Field(
        default=None, min_length=1,
        description="Count a signal only if its category is listed (absent: every category).",
    )

    @property
    def threshold(self) -> int:
        return self.min_signals

    @property
    def kinds(self) -> tuple[str, ...]:
        """The issuer kinds whose signals (and coverage) this criterion reads."""
        return tuple(self.issuer_kinds)


class JointGroup(_Criterion):
    """A group of distinct issuers (e.g. Special Procedures mandates) expressing concern."""

    type: Literal["joint_group"] = "joint_group"
    issuer_kinds: list[IssuerKind] = Field(min_length=1)
    min_issuers: int = Field(ge=1)
    mode: Literal["joint", "cumulative"] = "joint"

    @property
    def threshold(self) -> int:
        return self.min_issuers

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.issuer_kinds)


class NhriWithNgos(_Criterion):
    """The State's own NHRI together with a number of eligible national NGOs."""

    type: Literal["nhri_with_ngos"] = "nhri_with_ngos"
    min_ngos: int = Field(ge=1)
    nhri_status: list[NhriStatus] = Field(default_factory=lambda: ["A", "B"], min_length=1)
    ngo_status: list[NgoStatus] = Field(
        default_factory=lambda: ["general", "special", "roster"], min_length=1
    )
    ngo_scope: NgoScope | None = "national"
    mode: Literal["joint", "window"] = "joint"

    @property
    def threshold(self) -> int:
        return self.min_ngos

    @property
    def kinds(self) -> tuple[str, ...]:
        # Both must be covered: "no NGO statement" means nothing if NGOs were never searched.
        return ("nhri", "ngo")


Criterion = Annotated[Union[StatementBy, JointGroup, NhriWithNgos], Field(discriminator="type")]


class ReviewerJudgement(_Model):
    """A factor a rule set names that is a human judgement, not a count (never computed)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    description: str = ""


class RuleSet(_Model):
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

    def window_of(self, criterion: _Criterion) -> int:
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

"""joint_group: a group of distinct issuers (e.g. Special Procedures mandates) expressing concern.

docs/criteria.md, "joint_group": `joint` counts the largest group in one signal, `cumulative`
the distinct issuers across the window.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

import numpy as np
from pydantic import Field

from triggers.criteria.base import (
    COUNT,
    ISSUER_KINDS_PARAMETER,
    MODE,
    AsOf,
    CriterionModel,
    CriterionRule,
    CriterionType,
    Features,
    Parameter,
    cite,
    cite_many,
    group_label,
    kinds_mask,
    needed,
    per_signal_count,
    window_span,
)
from triggers.prepared import Prepared, from_day
from triggers.vocabulary import IssuerKind

Mode = Literal["joint", "cumulative"]


class JointGroup(CriterionModel):
    """A group of distinct issuers (e.g. Special Procedures mandates) expressing concern."""

    type: Literal["joint_group"] = "joint_group"
    issuer_kinds: list[IssuerKind] = Field(min_length=1)
    min_issuers: int = Field(ge=1)
    mode: Mode = "joint"

    threshold_field: ClassVar[str] = "min_issuers"

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.issuer_kinds)


PARAMETERS = (
    ISSUER_KINDS_PARAMETER,
    Parameter("min_issuers", "Distinct issuers needed", COUNT, "n", low=1, high=100),
    Parameter("mode", "Mode", MODE, "mode", options=get_args(Mode),
              help="joint: in one statement; cumulative: across the window"),
)


class JointGroupRule(CriterionRule):
    def features(self, prep: Prepared) -> Features:
        c: JointGroup = self.criterion
        ok = kinds_mask(prep, c.issuer_kinds) & prep.sig_concern[prep.link_sig]
        return Features(per_signal_count(prep, ok), None, prep.link_sig[ok], prep.link_issuer[ok])

    def as_of(self, prep, f, day) -> AsOf:
        inside = self.in_window(prep, day) & (f.weight > 0)
        if self.criterion.mode == "joint":
            value = np.zeros(prep.n_countries, dtype=np.int64)
            np.maximum.at(value, prep.sig_country[inside], f.weight[inside])
            met = self.met_of(value, None)
            per_country = np.where(met, self.threshold, value)[prep.sig_country]
            # Met: every signal that reaches the threshold; otherwise the best attempts.
            evidence = inside & (f.weight >= per_country) & (per_country > 0)
        else:
            value = self._distinct_per_country(prep, f, inside)
            met = self.met_of(value, None)
            evidence = inside
        return AsOf(value, None, met, self.progress_of(value, None), evidence)

    def timeline(self, prep, f, first, last):
        if self.criterion.mode == "joint":
            return self._window_max(prep, f.weight, f.weight > 0, first, last), None
        return self._window_distinct(prep, f, first, last), None

    def found(self, prep, f, as_of, value, has_nhri, met, evidence) -> tuple[str, bool]:
        c: JointGroup = self.criterion
        if value == 0:
            return (f"No expression of concern by {group_label(c.issuer_kinds)} "
                    f"{window_span(self, as_of)}."), True
        if c.mode == "joint":
            best = evidence[np.lexsort((prep.sig_day[evidence], f.weight[evidence]))[::-1]]
            top = best[0]
            text = (f"{'' if met else 'At most '}{f.weight[top]} "
                    f"{group_label(c.issuer_kinds, value)} expressed concern jointly on "
                    f"{cite(prep, top)}")
            if len(best) > 1:
                text += (f"; {len(best)} joint expressions of concern by {self.threshold} or "
                         f"more in the window, also {cite_many(prep, best[1:])}" if met else
                         f"; also {cite_many(prep, best[1:])}")
            return text + needed(met, f"{self.threshold} jointly are") + ".", False
        days = prep.sig_day[evidence]
        return (f"{value} distinct {group_label(c.issuer_kinds, value)} expressed concern "
                f"between {from_day(days.min())} and {from_day(days.max())} in "
                f"{len(evidence)} signal(s): {cite_many(prep, evidence)}"
                f"{needed(met, f'{self.threshold} are')}."), False


TYPE = CriterionType(JointGroup, JointGroupRule, PARAMETERS)

"""statement_by: concern expressed by issuers of given kinds; value = the number of signals.

docs/criteria.md, "statement_by": `members_only` and `categories` narrow which signals count.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
from pydantic import Field

from triggers.criteria.base import (
    COUNT,
    FLAG,
    ISSUER_KINDS_PARAMETER,
    SUBSET,
    AsOf,
    CriterionModel,
    CriterionRule,
    CriterionType,
    Features,
    Parameter,
    cite_many,
    group_label,
    issuer_mask,
    issuer_names,
    kinds_mask,
    needed,
    per_signal_count,
    window_span,
)
from triggers.prepared import Prepared
from triggers.vocabulary import UNCATEGORISED, IssuerKind
from triggers.windows import windowed_count


class StatementBy(CriterionModel):
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

    threshold_field: ClassVar[str] = "min_signals"

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.issuer_kinds)


PARAMETERS = (
    ISSUER_KINDS_PARAMETER,
    Parameter("min_signals", "Statements needed", COUNT, "n", low=1, high=1000),
    Parameter("members_only", "Only organisations the State belongs to", FLAG, "members"),
    # Issue 13: which kinds of statement count. Picking none is the rule without
    # `categories`: every signal counts, whatever its category.
    Parameter("categories", "Only these categories (none ticked: every category)", SUBSET,
              "cats", options_from="category", null_label="Every category",
              help="What kind of statement each signal is in its source's reading (the GA/SC "
                   "resolutions importer gives each resolution one); 'uncategorised' is every "
                   "signal without one."),
)


class StatementByRule(CriterionRule):
    def features(self, prep: Prepared) -> Features:
        c: StatementBy = self.criterion
        ok = kinds_mask(prep, c.issuer_kinds) & prep.sig_concern[prep.link_sig]
        if c.categories is not None:
            listed = np.isin(prep.sig_category, list(c.categories))
            if UNCATEGORISED in c.categories:
                listed |= prep.sig_category == ""
            ok &= listed[prep.link_sig]
        if c.members_only:
            regional = issuer_mask(prep, prep.issuer_kind == "regional_org")
            ok &= ~regional | prep.link_member
        weight = (per_signal_count(prep, ok) > 0).astype(np.int64)
        return Features(weight, None, prep.link_sig[ok], prep.link_issuer[ok])

    def as_of(self, prep, f, day) -> AsOf:
        sel = self.in_window(prep, day) & (f.weight > 0)
        value = np.bincount(prep.sig_country[sel], minlength=prep.n_countries)
        met = self.met_of(value, None)
        return AsOf(value, None, met, self.progress_of(value, None), sel)

    def timeline(self, prep, f, first, last):
        sel = f.weight > 0
        counts = windowed_count(prep.sig_country[sel], prep.sig_day[sel], prep.n_countries,
                                first, last, self.window)
        return np.minimum(counts, self.threshold), None

    def found(self, prep, f, as_of, value, has_nhri, met, evidence) -> tuple[str, bool]:
        c: StatementBy = self.criterion
        who = group_label(c.issuer_kinds)
        if c.members_only and "regional_org" in c.issuer_kinds:
            who = who.replace("a regional organisation",
                              "a regional organisation the State belongs to")
        if value == 0:
            return f"No expression of concern by {who} {window_span(self, as_of)}.", True
        return (f"{issuer_names(prep, f, evidence)} expressed concern "
                f"{'once' if value == 1 else f'{value} times'}: {cite_many(prep, evidence)}"
                f"{needed(met, f'{self.threshold} are')}."), False


TYPE = CriterionType(StatementBy, StatementByRule, PARAMETERS)

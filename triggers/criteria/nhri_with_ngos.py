"""nhri_with_ngos: the State's own NHRI together with a number of eligible national NGOs.

docs/criteria.md, "nhri_with_ngos": eligibility (kind, country, accreditation on the signal's
date, scope) is judged per link; `joint` needs the NGOs in one statement with the NHRI,
`window` anywhere in the window.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

import numpy as np
from pydantic import Field

from triggers.criteria.base import (
    COUNT,
    MODE,
    OPTION,
    SUBSET,
    AsOf,
    CriterionModel,
    CriterionRule,
    CriterionType,
    Features,
    Parameter,
    cite,
    cite_many,
    issuer_mask,
    needed,
    per_signal_count,
    window_span,
)
from triggers.prepared import Prepared
from triggers.vocabulary import (
    NGO_SCOPES,
    NGO_STATUSES,
    NHRI_STATUSES,
    NgoScope,
    NgoStatus,
    NhriStatus,
)
from triggers.windows import windowed_count

Mode = Literal["joint", "window"]


class NhriWithNgos(CriterionModel):
    """The State's own NHRI together with a number of eligible national NGOs."""

    type: Literal["nhri_with_ngos"] = "nhri_with_ngos"
    min_ngos: int = Field(ge=1)
    nhri_status: list[NhriStatus] = Field(default_factory=lambda: ["A", "B"], min_length=1)
    ngo_status: list[NgoStatus] = Field(
        default_factory=lambda: ["general", "special", "roster"], min_length=1
    )
    ngo_scope: NgoScope | None = "national"
    mode: Mode = "joint"

    threshold_field: ClassVar[str] = "min_ngos"

    @property
    def kinds(self) -> tuple[str, ...]:
        # Both must be covered: "no NGO statement" means nothing if NGOs were never searched.
        return ("nhri", "ngo")


PARAMETERS = (
    Parameter("min_ngos", "National NGOs needed with the NHRI", COUNT, "n", low=1, high=100),
    Parameter("mode", "Mode", MODE, "mode", options=get_args(Mode)),
    Parameter("nhri_status", "Eligible NHRI accreditation", SUBSET, "nhri",
              options=NHRI_STATUSES),
    Parameter("ngo_status", "Eligible NGO ECOSOC status", SUBSET, "ngo", options=NGO_STATUSES),
    Parameter("ngo_scope", "NGO scope", OPTION, "scope", options=NGO_SCOPES, null_label="any"),
)


class NhriWithNgosRule(CriterionRule):
    def features(self, prep: Prepared) -> Features:
        c: NhriWithNgos = self.criterion
        kind, acc = prep.issuer_kind, prep.link_accreditation
        base = prep.link_same_country() & prep.sig_concern[prep.link_sig]
        # Accreditation is judged on the signal's date (a link's status), kind and scope once
        # per issuer.
        nhri = base & issuer_mask(prep, kind == "nhri") & np.isin(acc, list(c.nhri_status))
        ngo_kind = kind == "ngo"
        if c.ngo_scope is not None:
            ngo_kind &= prep.issuer_scope == c.ngo_scope
        ngo = base & issuer_mask(prep, ngo_kind) & np.isin(acc, list(c.ngo_status))
        has_nhri = per_signal_count(prep, nhri) > 0
        return Features(per_signal_count(prep, ngo), has_nhri,
                        prep.link_sig[ngo], prep.link_issuer[ngo])

    def progress_of(self, value, has_nhri) -> np.ndarray:
        m = self.threshold
        return (has_nhri.astype(np.int64) + np.minimum(value, m)) / (1 + m)

    def met_of(self, value, has_nhri) -> np.ndarray:
        return has_nhri & (value >= self.threshold)

    def as_of(self, prep, f, day) -> AsOf:
        inside = self.in_window(prep, day)
        with_nhri = inside & f.has_nhri
        has = np.bincount(prep.sig_country[with_nhri], minlength=prep.n_countries) > 0
        if self.criterion.mode == "joint":
            value = np.zeros(prep.n_countries, dtype=np.int64)
            np.maximum.at(value, prep.sig_country[with_nhri], f.weight[with_nhri])
            met = self.met_of(value, has)
            target = np.where(met, self.threshold, value)[prep.sig_country]
            evidence = with_nhri & (f.weight >= target)
        else:
            value = self._distinct_per_country(prep, f, inside)
            met = self.met_of(value, has)
            evidence = inside & f.relevant
        return AsOf(value, has, met, self.progress_of(value, has), evidence)

    def timeline(self, prep, f, first, last):
        has = windowed_count(prep.sig_country[f.has_nhri], prep.sig_day[f.has_nhri],
                             prep.n_countries, first, last, self.window) > 0
        if self.criterion.mode == "joint":
            return self._window_max(prep, f.weight, f.has_nhri, first, last), has
        return self._window_distinct(prep, f, first, last), has

    def found(self, prep, f, as_of, value, has_nhri, met, evidence) -> tuple[str, bool]:
        c: NhriWithNgos = self.criterion
        if not has_nhri:
            ngos = f" ({value} eligible national NGOs did)" if c.mode == "window" and value else ""
            return (f"No expression of concern by the State's NHRI "
                    f"({'/'.join(c.nhri_status)}-status) {window_span(self, as_of)}{ngos}."), True
        with_nhri = evidence[f.has_nhri[evidence]]
        nhri = _nhri_names(prep, with_nhri, c.nhri_status)
        if c.mode == "joint":
            best = with_nhri[np.lexsort((prep.sig_day[with_nhri], f.weight[with_nhri]))[::-1]]
            top = best[0]
            return (f"The NHRI ({nhri}) expressed concern together with "
                    f"{'' if met else 'at most '}{f.weight[top]} eligible national NGO(s) "
                    f"on {cite(prep, top)}"
                    f"{needed(met, f'{self.threshold} NGOs in one statement are')}."), False
        ngo_signals = evidence[f.weight[evidence] > 0]
        ngo_text = (f"{value} eligible national NGO(s) expressed concern in the window"
                    + (f" ({cite_many(prep, ngo_signals)})" if len(ngo_signals) else ""))
        return (f"The NHRI ({nhri}) expressed concern on {cite_many(prep, with_nhri)}, and "
                f"{ngo_text}{needed(met, f'{self.threshold} NGOs are')}."), False

    def who(self) -> str:
        return "the State's NHRI and national NGOs"

    def who_briefly(self) -> str:
        return "the NHRI and NGOs"


def _nhri_names(prep: Prepared, idx: np.ndarray, statuses) -> str:
    links = prep.links_of(idx)
    iss = prep.link_issuer[links]
    acc = prep.link_accreditation[links]  # the status on the signal's date
    pick = ((prep.issuer_country[iss] == prep.sig_country[prep.link_sig[links]])
            & (prep.issuer_kind[iss] == "nhri") & np.isin(acc, list(statuses)))
    named = sorted({(str(prep.issuer_name[i]), str(a)) for i, a in zip(iss[pick], acc[pick])})
    return ", ".join(f"{name}, {status}-status" for name, status in named)


TYPE = CriterionType(NhriWithNgos, NhriWithNgosRule, PARAMETERS)

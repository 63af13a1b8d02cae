"""The three criterion types: which signals qualify, value, met, progress, evidence, sentence.

Each type is evaluated in two shapes that must agree: as of one day (exact values, evidence
and a sentence per country) and over a timeline (values capped at the threshold, which is all
that status, met and progress depend on).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from triggers.prepared import Prepared, group_index, group_members
from triggers.rules import JointGroup, NhriWithNgos, StatementBy
from triggers.vocabulary import KIND_LABELS, UNCATEGORISED
from triggers.windows import windowed_count, windowed_distinct


@dataclass(frozen=True)
class Features:
    """What one criterion sees in each signal, before any window is applied."""

    weight: np.ndarray  # int per signal: eligible issuers (statement_by: 0/1; nhri: NGOs)
    has_nhri: np.ndarray | None  # bool per signal, nhri_with_ngos only
    pair_sig: np.ndarray  # signal index of each eligible (signal, issuer) link
    pair_issuer: np.ndarray  # issuer index of each eligible link

    @property
    def relevant(self) -> np.ndarray:
        return self.weight > 0 if self.has_nhri is None else (self.weight > 0) | self.has_nhri

    @cached_property
    def pairs_by_signal(self) -> tuple[np.ndarray, np.ndarray]:
        return group_index(self.pair_sig, len(self.weight))

    def issuers_of(self, signals: np.ndarray) -> np.ndarray:
        """The eligible issuers of the given signals (with repeats)."""
        return self.pair_issuer[group_members(*self.pairs_by_signal, signals)]


@dataclass(frozen=True)
class AsOf:
    """Per-country outcome of one criterion on one day."""

    value: np.ndarray  # int64 per country
    has_nhri: np.ndarray | None  # bool per country
    met: np.ndarray  # bool per country (before `enabled` is applied)
    progress: np.ndarray  # float per country, in [0, 1]
    evidence: np.ndarray  # bool per signal


def _issuer_mask(prep: Prepared, per_issuer: np.ndarray) -> np.ndarray:
    """Per link, from a per-issuer boolean: tested once per issuer, not once per link."""
    return per_issuer[prep.link_issuer]


def _kinds_mask(prep: Prepared, kinds: list[str]) -> np.ndarray:
    return _issuer_mask(prep, np.isin(prep.issuer_kind, list(kinds)))


def _per_signal_count(prep: Prepared, link_mask: np.ndarray) -> np.ndarray:
    return np.bincount(prep.link_sig[link_mask], minlength=prep.n_signals)


def _cap_progress(value: np.ndarray, threshold: int) -> np.ndarray:
    return np.minimum(value, threshold) / threshold


class CriterionRule:
    """A criterion bound to its effective window; subclasses implement one type."""

    def __init__(self, criterion, window_days: int):
        self.criterion = criterion
        self.window = window_days
        self.threshold = criterion.threshold

    # -- shared helpers --------------------------------------------------------------
    def in_window(self, prep: Prepared, as_of: int) -> np.ndarray:
        return (prep.sig_day > as_of - self.window) & (prep.sig_day <= as_of)

    def progress_of(self, value, has_nhri) -> np.ndarray:
        return _cap_progress(value, self.threshold)

    def met_of(self, value, has_nhri) -> np.ndarray:
        return value >= self.threshold

    def _window_max(self, prep: Prepared, weight: np.ndarray, candidates: np.ndarray,
                    first: int, last: int) -> np.ndarray:
        """Largest weight among candidate signals in the window, capped at the threshold."""
        capped = np.zeros((prep.n_countries, last - first + 1), dtype=np.int32)
        for level in range(1, self.threshold + 1):
            hit = candidates & (weight >= level)
            capped += windowed_count(prep.sig_country[hit], prep.sig_day[hit], prep.n_countries,
                                     first, last, self.window) > 0
        return capped

    def _window_distinct(self, prep: Prepared, f: Features, first: int, last: int) -> np.ndarray:
        return np.minimum(windowed_distinct(
            prep.sig_country[f.pair_sig], f.pair_issuer, prep.sig_day[f.pair_sig],
            prep.n_countries, first, last, self.window), self.threshold)

    def _distinct_per_country(self, prep: Prepared, f: Features, sel: np.ndarray) -> np.ndarray:
        keep = sel[f.pair_sig]
        pairs = np.unique(prep.sig_country[f.pair_sig[keep]].astype(np.int64) * (1 << 32)
                          + f.pair_issuer[keep])
        return np.bincount((pairs >> 32).astype(np.int64), minlength=prep.n_countries)

    def prepared_features(self, prep: Prepared) -> Features:
        """features(prep), kept on the Prepared: they depend on the criterion, not the day."""
        key = (type(self).__name__, self.criterion.model_dump_json())
        if key not in prep.feature_cache:
            prep.feature_cache[key] = self.features(prep)
        return prep.feature_cache[key]

    # -- per type --------------------------------------------------------------------
    def features(self, prep: Prepared) -> Features:
        raise NotImplementedError

    def as_of(self, prep: Prepared, f: Features, day: int) -> AsOf:
        raise NotImplementedError

    def timeline(self, prep: Prepared, f: Features, first: int, last: int):
        """(capped value grid, has-NHRI grid or None), each (n_countries, days)."""
        raise NotImplementedError


class StatementByRule(CriterionRule):
    def features(self, prep: Prepared) -> Features:
        c: StatementBy = self.criterion
        ok = _kinds_mask(prep, c.issuer_kinds) & prep.sig_concern[prep.link_sig]
        if c.categories is not None:
            listed = np.isin(prep.sig_category, list(c.categories))
            if UNCATEGORISED in c.categories:
                listed |= prep.sig_category == ""
            ok &= listed[prep.link_sig]
        if c.members_only:
            regional = _issuer_mask(prep, prep.issuer_kind == "regional_org")
            ok &= ~regional | prep.link_member
        weight = (_per_signal_count(prep, ok) > 0).astype(np.int64)
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


class JointGroupRule(CriterionRule):
    def features(self, prep: Prepared) -> Features:
        c: JointGroup = self.criterion
        ok = _kinds_mask(prep, c.issuer_kinds) & prep.sig_concern[prep.link_sig]
        return Features(_per_signal_count(prep, ok), None, prep.link_sig[ok], prep.link_issuer[ok])

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


class NhriWithNgosRule(CriterionRule):
    def features(self, prep: Prepared) -> Features:
        c: NhriWithNgos = self.criterion
        kind, acc = prep.issuer_kind, prep.link_accreditation
        base = prep.link_same_country() & prep.sig_concern[prep.link_sig]
        # Accreditation is judged on the signal's date (a link's status), kind and scope once
        # per issuer.
        nhri = base & _issuer_mask(prep, kind == "nhri") & np.isin(acc, list(c.nhri_status))
        ngo_kind = kind == "ngo"
        if c.ngo_scope is not None:
            ngo_kind &= prep.issuer_scope == c.ngo_scope
        ngo = base & _issuer_mask(prep, ngo_kind) & np.isin(acc, list(c.ngo_status))
        has_nhri = _per_signal_count(prep, nhri) > 0
        return Features(_per_signal_count(prep, ngo), has_nhri,
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


RULE_TYPES = {"statement_by": StatementByRule, "joint_group": JointGroupRule,
              "nhri_with_ngos": NhriWithNgosRule}


def bind(criterion, window_days: int) -> CriterionRule:
    return RULE_TYPES[criterion.type](criterion, window_days)


def group_label(kinds: list[str], n: int | None = None) -> str:
    """'Special Procedures mandates', 'the General Assembly or the Security Council', ..."""
    if list(kinds) == ["sp_mandate"]:
        return "Special Procedures mandate" + ("" if n == 1 else "s")
    return " or ".join(KIND_LABELS[k] for k in kinds)

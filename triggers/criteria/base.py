"""What every criterion type shares: the rule-model base, the parameters the lab and the sweep
vary, the per-signal features, the as-of outcome, the bound rule with its window helpers, and
the phrases its sentences are built from.

Each type's module (statement_by.py, ...) builds on these; the registry in __init__.py lists
the types. Nothing here knows a type by name.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from triggers.prepared import Prepared, from_day, group_index, group_members
from triggers.vocabulary import ISSUER_KINDS, KIND_LABELS
from triggers.windows import windowed_count, windowed_distinct

# ---------------------------------------------------------------------------- rule models


class StrictModel(BaseModel):
    # Unknown keys are almost always typos ("min_isuers"); rejecting them keeps a
    # mistyped threshold from silently falling back to its default.
    model_config = ConfigDict(extra="forbid", frozen=True)


class CriterionModel(StrictModel):
    """The fields every criterion has; a type adds `type` (its YAML tag) and its own."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable id, used in column names.")
    title: str = ""
    enabled: bool = True
    window_days: int | None = Field(default=None, ge=1, le=36500)

    # The field whose value is the threshold: `threshold` reads it, the sweep varies it.
    threshold_field: ClassVar[str]

    @property
    def threshold(self) -> int:
        return getattr(self, self.threshold_field)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The issuer kinds whose signals (and coverage) this criterion reads."""
        raise NotImplementedError


# ---------------------------------------------------------------------------- parameters

# The shapes of a parameter's value, which decide the lab's widget.
COUNT = "count"  # a whole number in [low, high]
FLAG = "flag"  # true or false
MODE = "mode"  # one of a few options, all shown at once
OPTION = "option"  # one of the options, or null shown as `null_label`
SUBSET = "subset"  # some of the options; with `null_label`, none picked is null
SHAPES = (COUNT, FLAG, MODE, OPTION, SUBSET)


@dataclass(frozen=True)
class Parameter:
    """A field of a criterion type that the threshold lab lets one change (and, for the
    threshold, that the sweep varies), with the words and bounds it is shown with."""

    field: str
    label: str
    shape: str
    # The lab widget's key is "<criterion key>_<key>": short, and stable when a field's
    # label changes, because saved page state and the page tests address widgets by it.
    key: str
    low: int | None = None
    high: int | None = None
    options: tuple[str, ...] = ()
    # Options read from this column of the signals instead of `options` (their values vary
    # with the data loaded).
    options_from: str | None = None
    option_labels: dict[str, str] | None = dataclasses.field(default=None, compare=False)
    null_label: str | None = None
    help: str | None = None

    def __post_init__(self):
        if self.shape not in SHAPES:
            raise ValueError(f"parameter {self.field}: shape {self.shape!r} is not one of {SHAPES}")
        if self.shape == COUNT and (self.low is None or self.high is None):
            raise ValueError(f"parameter {self.field}: a count needs low and high bounds")

    def to_field(self, shown: Any) -> Any:
        """The criterion field's value for what the widget holds (null where it says so)."""
        if self.shape == OPTION and shown == self.null_label:
            return None
        if self.shape == SUBSET and self.null_label is not None and not shown:
            return None
        return shown

    def to_shown(self, value: Any) -> Any:
        """What the widget starts from for the criterion field's value."""
        if self.shape == OPTION and value is None:
            return self.null_label
        if self.shape == SUBSET and value is None:
            return []
        return value


# The issuer kinds a criterion reads, as the types that let one choose them show it.
ISSUER_KINDS_PARAMETER = Parameter("issuer_kinds", "Issuer kinds", SUBSET, "kinds",
                                   options=ISSUER_KINDS, option_labels=KIND_LABELS)


# ---------------------------------------------------------------------------- evaluation


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


def issuer_mask(prep: Prepared, per_issuer: np.ndarray) -> np.ndarray:
    """Per link, from a per-issuer boolean: tested once per issuer, not once per link."""
    return per_issuer[prep.link_issuer]


def kinds_mask(prep: Prepared, kinds: list[str]) -> np.ndarray:
    return issuer_mask(prep, np.isin(prep.issuer_kind, list(kinds)))


def per_signal_count(prep: Prepared, link_mask: np.ndarray) -> np.ndarray:
    return np.bincount(prep.link_sig[link_mask], minlength=prep.n_signals)


def cap_progress(value: np.ndarray, threshold: int) -> np.ndarray:
    return np.minimum(value, threshold) / threshold


class CriterionRule:
    """A criterion bound to its effective window; a subclass per type evaluates it (features,
    as_of, timeline) and says what it found (found, who)."""

    def __init__(self, criterion, window_days: int):
        self.criterion = criterion
        self.window = window_days
        self.threshold = criterion.threshold

    # -- shared helpers --------------------------------------------------------------
    def in_window(self, prep: Prepared, as_of: int) -> np.ndarray:
        return (prep.sig_day > as_of - self.window) & (prep.sig_day <= as_of)

    def progress_of(self, value, has_nhri) -> np.ndarray:
        return cap_progress(value, self.threshold)

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

    def who(self) -> str:
        """Whose statements the criterion reads, as a sentence names them when no source of
        them is loaded ("no source of statements by <who>")."""
        return group_label(self.criterion.kinds)

    def who_briefly(self) -> str:
        """The same, as a back-test's data warning names them."""
        return self.who()

    # -- per type --------------------------------------------------------------------
    def features(self, prep: Prepared) -> Features:
        raise NotImplementedError

    def as_of(self, prep: Prepared, f: Features, day: int) -> AsOf:
        raise NotImplementedError

    def timeline(self, prep: Prepared, f: Features, first: int, last: int):
        """(capped value grid, has-NHRI grid or None), each (n_countries, days)."""
        raise NotImplementedError

    def found(self, prep: Prepared, f: Features, as_of: int, value: int, has_nhri: bool,
              met: bool, evidence: np.ndarray) -> tuple[str, bool]:
        """(the sentence as the data reads with full coverage, whether it states an absence);
        `evidence` holds one country's evidence signal indices."""
        raise NotImplementedError


# ---------------------------------------------------------------------------- a type


@dataclass(frozen=True)
class CriterionType:
    """One criterion type, whole: its rule model, its evaluation and sentence (the rule), and
    the parameters the lab shows, in the lab's order. Its name is the model's `type` tag."""

    model: type[CriterionModel]
    rule: type[CriterionRule]
    parameters: tuple[Parameter, ...]

    def __post_init__(self):
        fields = self.model.model_fields
        unknown = [p.field for p in self.parameters if p.field not in fields]
        if unknown:
            raise ValueError(f"{self.model.__name__} has no field {', '.join(unknown)}")
        threshold = [p for p in self.parameters if p.field == self.model.threshold_field]
        if len(threshold) != 1 or threshold[0].shape != COUNT:
            raise ValueError(f"{self.model.__name__}: its threshold field "
                             f"{self.model.threshold_field!r} must be one count parameter")

    @property
    def name(self) -> str:
        return self.model.model_fields["type"].default

    @property
    def threshold(self) -> Parameter:
        """The parameter that is the threshold: the sweep's axis, the lab's main knob."""
        return next(p for p in self.parameters if p.field == self.model.threshold_field)


# ---------------------------------------------------------------------------- sentences

CITED = 3  # how many dated references a sentence names before "and N more"


def group_label(kinds, n: int | None = None) -> str:
    """'Special Procedures mandates', 'the General Assembly or the Security Council', ..."""
    if list(kinds) == ["sp_mandate"]:
        return "Special Procedures mandate" + ("" if n == 1 else "s")
    return " or ".join(KIND_LABELS[k] for k in kinds)


def cite(prep: Prepared, s: int) -> str:
    ref = prep.signal_references[s] or prep.signal_titles[s] or prep.signal_ids[s]
    return f"{from_day(prep.sig_day[s])} ({ref})"


def cite_many(prep: Prepared, idx: np.ndarray) -> str:
    latest = idx[np.argsort(prep.sig_day[idx], kind="stable")[::-1]][:CITED]
    parts = [cite(prep, s) for s in latest]
    more = len(idx) - len(parts)
    text = ", ".join(parts)
    return text + (f" and {more} more" if more > 0 else "")


def issuer_names(prep: Prepared, f: Features, idx: np.ndarray, limit: int = 3) -> str:
    issuers = np.unique(f.issuers_of(idx))  # a repeated signal repeats issuers; unique drops them
    names = sorted(prep.issuer_name[issuers])
    text = ", ".join(names[:limit])
    return text + (f" and {len(names) - limit} others" if len(names) > limit else "")


def needed(met: bool, text: str) -> str:
    return "" if met else f"; {text} needed"


def window_span(rule: CriterionRule, as_of: int) -> str:
    return f"in the {rule.window} days to {from_day(as_of)}"

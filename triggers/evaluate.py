"""As-of evaluation: every country's status under a rule set on one day, with its reasons."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel

from triggers import coverage
from triggers.bundle import Bundle
from triggers.criteria import bind
from triggers.prepared import Prepared, from_day, prepare, to_day
from triggers.rules import RuleSet
from triggers.sentences import sentence
from triggers.vocabulary import CLEAR, STATUSES, TRIGGERED, UNDETERMINED, WATCH


class CriterionResult(BaseModel):
    criterion_id: str
    type: str
    enabled: bool
    met: bool
    value: int
    threshold: int
    progress: float
    window_days: int
    window_start: str  # first day inside the window
    evidence: list[str]  # signal ids that establish the value
    sentence: str
    coverage: str = "full"  # full | partial | none (docs/criteria.md, "Coverage")
    covered_days: int = 0  # days of the window every kind read was completely searched
    coverage_sources: list[str] = []  # the coverage rows touching the window


class CountryResult(BaseModel):
    country: str
    status: str
    criteria_met: int
    rule_set_id: str
    rule_set_version: int
    as_of: str
    criteria: list[CriterionResult]


def status_from(criteria_met: np.ndarray, watch: np.ndarray, open_: np.ndarray | int,
                min_criteria: int) -> np.ndarray:
    """Status codes (indices into STATUSES). `open_`: enabled criteria not met whose coverage
    is not full; if they could still make up the threshold, the data cannot say `clear`."""
    undecided = criteria_met + open_ >= min_criteria
    return np.where(criteria_met >= min_criteria, TRIGGERED,
                    np.where(watch, WATCH, np.where(undecided, UNDETERMINED, CLEAR))).astype(np.int8)


@dataclass(frozen=True)
class Evaluation:
    rules: RuleSet
    as_of: str
    table: pd.DataFrame  # one row per country: country, status, criteria_met, <id>_met, <id>_value
    criteria: pd.DataFrame  # one row per (country, criterion), with sentence and evidence ids
    signals: pd.DataFrame  # the bundle's signals, to look evidence up

    def country(self, code: str) -> CountryResult:
        row = self.table.loc[self.table["country"] == code]
        if row.empty:
            raise KeyError(f"{code} was not evaluated; known: {', '.join(self.table['country'])}")
        crit = self.criteria.loc[self.criteria["country"] == code]
        return CountryResult(
            country=code, status=row["status"].iloc[0], criteria_met=int(row["criteria_met"].iloc[0]),
            rule_set_id=self.rules.id, rule_set_version=self.rules.version, as_of=self.as_of,
            criteria=[CriterionResult(**{k: r[k] for k in CriterionResult.model_fields})
                      for r in crit.to_dict("records")],
        )

    def evidence(self, code: str, criterion_id: str | None = None) -> pd.DataFrame:
        """The signals behind a country's results (one criterion, or all), newest first."""
        crit = self.criteria.loc[self.criteria["country"] == code]
        if criterion_id is not None:
            crit = crit.loc[crit["criterion_id"] == criterion_id]
        rows = crit[["criterion_id", "evidence"]].explode("evidence").dropna()
        out = rows.merge(self.signals, left_on="evidence", right_on="signal_id").drop(columns="evidence")
        return out.sort_values(["date", "signal_id"], ascending=[False, True]).reset_index(drop=True)

    def to_records(self) -> list[dict]:
        return [self.country(c).model_dump() for c in self.table["country"]]


def evaluate(data: Bundle | Prepared, rules: RuleSet, as_of, countries: list[str] | None = None,
             sentences: bool = True) -> Evaluation:
    """Evaluate every country as of a day. Signals dated after `as_of` are never looked at."""
    prep = data if isinstance(data, Prepared) else prepare(data, countries)
    day = to_day(as_of)
    n = prep.n_countries
    table = {"country": prep.countries}
    criteria_met = np.zeros(n, dtype=np.int64)
    watch = np.zeros(n, dtype=bool)
    open_ = np.zeros(n, dtype=np.int64)
    long_parts = []
    for crit in rules.criteria:
        rule = bind(crit, rules.window_of(crit))
        f = rule.prepared_features(prep)
        res = rule.as_of(prep, f, day)
        cov = coverage.as_of(prep.coverage, n, crit.kinds, rule.window, day)
        met = res.met & crit.enabled
        if crit.enabled:
            criteria_met += met
            watch |= res.progress >= rules.watch_ratio
            open_ += ~met & (cov.state != coverage.FULL)
        table[f"{crit.id}_met"] = met
        table[f"{crit.id}_value"] = res.value
        table[f"{crit.id}_coverage"] = np.asarray(coverage.COVERAGE_STATES, dtype=object)[cov.state]
        table[f"{crit.id}_covered_days"] = cov.covered_days
        long_parts.append(_criterion_rows(prep, rule, f, res, cov, met, day, sentences))
    status = status_from(criteria_met, watch, open_, rules.min_criteria)
    table["status"] = np.asarray(STATUSES, dtype=object)[status]
    table["criteria_met"] = criteria_met
    first = ["country", "status", "criteria_met"]
    frame = pd.DataFrame({c: table[c] for c in first + [c for c in table if c not in first]})
    # One frame from the concatenated columns: building a frame per criterion and
    # concatenating them cost more than the evaluation itself. The scalar columns are text
    # even with no rows (as broadcast scalars were).
    text = {"criterion_id", "type", "window_start", "coverage"}
    long = pd.DataFrame({col: ([x for part in long_parts for x in part[col]])
                         if isinstance(long_parts[0][col], list)
                         else pd.Series(np.concatenate([part[col] for part in long_parts]),
                                        dtype="str" if col in text else None)
                         for col in long_parts[0]})
    return Evaluation(rules=rules, as_of=from_day(day), table=frame, criteria=long,
                      signals=prep.bundle.signals)


def _criterion_rows(prep: Prepared, rule, f, res, cov, met, day: int, with_sentences: bool) -> dict:
    crit = rule.criterion
    ev_idx = np.flatnonzero(res.evidence)
    ev_idx = ev_idx[np.lexsort((-prep.sig_day[ev_idx], prep.sig_country[ev_idx]))]
    bounds = np.searchsorted(prep.sig_country[ev_idx], np.arange(prep.n_countries + 1))
    ids = prep.signal_ids
    has = res.has_nhri if res.has_nhri is not None else np.zeros(prep.n_countries, dtype=bool)
    evidence, texts = [], []
    values, has_list, reached = res.value.tolist(), has.tolist(), res.met.tolist()
    bounds = bounds.tolist()
    # With no evidence a sentence depends only on (value, has, reached, coverage): most
    # countries on most days, written once per criterion instead of once per country.
    no_evidence: dict = {}
    cov_state, cov_days = cov.state.tolist(), cov.covered_days.tolist()
    for ci in range(prep.n_countries):
        lo, hi = bounds[ci], bounds[ci + 1]
        mine = ev_idx[lo:hi]
        evidence.append(ids[mine].tolist() if hi > lo else [])
        if not with_sentences:
            texts.append("")
            continue
        # The sentence says whether the threshold was reached (res.met), not whether the
        # criterion counts: a disabled one reads "Disabled ..." and must not claim more is needed.
        args = (values[ci], has_list[ci], reached[ci])
        note = (cov_state[ci], cov_days[ci], tuple(cov.sources[ci]))
        if hi > lo:
            texts.append(sentence(rule, prep, f, day, *args, mine, note))
        else:
            key = args + note
            if key not in no_evidence:
                no_evidence[key] = sentence(rule, prep, f, day, *args, mine, note)
            texts.append(no_evidence[key])
    n = prep.n_countries
    return {
        "country": np.asarray(prep.countries, dtype=object),
        "criterion_id": np.full(n, crit.id, dtype=object),
        "type": np.full(n, crit.type, dtype=object),
        "enabled": np.full(n, crit.enabled, dtype=bool),
        "met": np.asarray(met, dtype=bool),
        "value": res.value.astype(np.int64),
        "threshold": np.full(n, rule.threshold, dtype=np.int64),
        "progress": res.progress.astype(float),
        "window_days": np.full(n, rule.window, dtype=np.int64),
        "window_start": np.full(n, from_day(day - rule.window + 1), dtype=object),
        "evidence": evidence,
        "sentence": texts,
        "coverage": np.asarray(coverage.COVERAGE_STATES, dtype=object)[cov.state],
        "covered_days": cov.covered_days.astype(np.int64),
        "coverage_sources": [list(s) for s in cov.sources],
    }

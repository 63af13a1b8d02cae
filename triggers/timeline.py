"""The timeline: every country's status on every day of a range, and its triggered episodes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from triggers import coverage
from triggers.bundle import Bundle
from triggers.criteria import bind
from triggers.evaluate import status_from
from triggers.prepared import EPOCH, Prepared, prepare, to_day
from triggers.rules import RuleSet
from triggers.vocabulary import STATUSES


@dataclass(frozen=True)
class Timeline:
    rules: RuleSet
    countries: np.ndarray  # ISO3 per row of the grids
    first_day: int  # days since epoch of column 0
    status: np.ndarray  # int8 (countries x days): codes of vocabulary.STATUSES (2 triggered)
    criteria_met: np.ndarray  # int8 (countries x days)
    met: dict[str, np.ndarray]  # criterion id -> bool (countries x days)

    @property
    def dates(self) -> np.ndarray:
        return EPOCH + np.arange(self.first_day, self.first_day + self.status.shape[1])

    def frame(self, step_days: int = 1) -> pd.DataFrame:
        """Long table: country, date, status, criteria_met, <id>_met; every `step_days` days."""
        cols = np.arange(0, self.status.shape[1], step_days)
        n_c, n_d = len(self.countries), len(cols)
        out = {
            "country": np.repeat(self.countries, n_d),
            "date": np.tile(self.dates[cols], n_c).astype("datetime64[ns]"),
            "status": pd.Categorical.from_codes(self.status[:, cols].ravel(), categories=STATUSES),
            "criteria_met": self.criteria_met[:, cols].ravel(),
        }
        for cid, grid in self.met.items():
            out[f"{cid}_met"] = grid[:, cols].ravel()
        return pd.DataFrame(out)

    def episodes(self) -> pd.DataFrame:
        """One row per continuous run of `triggered` days: country, start, end, days."""
        trig = self.status == 2
        padded = np.zeros((trig.shape[0], trig.shape[1] + 2), dtype=np.int8)
        padded[:, 1:-1] = trig
        edges = np.diff(padded, axis=1)
        rows_s, starts = np.nonzero(edges == 1)
        rows_e, ends = np.nonzero(edges == -1)  # exclusive end columns, same order as starts
        start = EPOCH + (self.first_day + starts)
        end = EPOCH + (self.first_day + ends - 1)
        return pd.DataFrame({
            "country": self.countries[rows_s],
            "start": start.astype("datetime64[ns]"),
            "end": end.astype("datetime64[ns]"),
            "days": (ends - starts).astype(np.int64),
        })


def timeline(data: Bundle | Prepared, rules: RuleSet, start, end,
             countries: list[str] | None = None) -> Timeline:
    """Status of every country on every day from start to end (both inclusive).

    Each day's value uses only signals dated on or before that day, exactly as evaluate().
    """
    prep = data if isinstance(data, Prepared) else prepare(data, countries)
    first, last = to_day(start), to_day(end)
    if last < first:
        raise ValueError(f"end ({end}) is before start ({start})")
    shape = (prep.n_countries, last - first + 1)
    criteria_met = np.zeros(shape, dtype=np.int8)
    watch = np.zeros(shape, dtype=bool)
    open_ = np.zeros(shape, dtype=np.int8)
    met_grids = {}
    for crit in rules.criteria:
        rule = bind(crit, rules.window_of(crit))
        f = rule.prepared_features(prep)
        capped, has = rule.timeline(prep, f, first, last)
        met = rule.met_of(capped, has) & crit.enabled
        met_grids[crit.id] = met
        if crit.enabled:
            criteria_met += met
            watch |= rule.progress_of(capped, has) >= rules.watch_ratio
            full = coverage.full_grid(prep.coverage, prep.n_countries, crit.kinds, rule.window,
                                      first, last)
            if full is not None:
                open_ += ~met & ~full
    status = status_from(criteria_met, watch, open_, rules.min_criteria)
    return Timeline(rules, prep.countries, first, status, criteria_met, met_grids)

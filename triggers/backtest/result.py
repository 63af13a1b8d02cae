"""What a back-test returns: one Score per warning method, and the run's settings and notes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from triggers.rules import RuleSet

METHOD_LABELS = {
    "rules": "the rule set",
    "previous_outcome": "baseline: a Council outcome on the State in the previous 24 months",
    "any_signal": "baseline: any signal of concern about the State in the window",
    "ga_sc": "baseline: a General Assembly or Security Council resolution on the State in "
             "the window",
    "persistence": "baseline: a Council outcome on the State in the previous two calendar years",
    "random": "baseline: the rule set's episodes moved to random States",
}
BASELINES = ("previous_outcome", "any_signal", "ga_sc", "persistence", "random")


@dataclass(frozen=True)
class Score:
    """One warning method scored against the outcomes."""

    method: str
    label: str
    outcomes: pd.DataFrame  # one row per scored outcome (a State and a date in the range)
    episodes: pd.DataFrame  # one row per triggered episode overlapping the range
    metrics: dict


@dataclass(frozen=True)
class BacktestResult:
    """A rule set and its baselines scored over a range, with what the data covered."""

    rules: RuleSet
    start: str
    end: str
    lookback_days: int
    horizon_days: int
    quiet_days: int
    history_start: str  # first day of the computed timeline (see "History" in the docs)
    states: tuple[str, ...]  # the States assessed: the denominator of every share
    outcome_kinds: tuple[str, ...]  # the outcome kinds counted
    scores: dict[str, Score]  # "rules", then the baselines
    random: pd.DataFrame  # per metric: mean, low, high over the random draws
    random_draws: int
    random_seed: int
    calibration: pd.DataFrame  # by criteria met when an episode began: 1, 2, 3+
    thematic: pd.DataFrame  # outcomes in the range without a State: listed, never scored
    not_assessed: pd.DataFrame  # outcomes in the range of a place not assessed: listed
    signals: pd.DataFrame  # per issuer kind: signals over [start - L, end]
    coverage: pd.DataFrame  # per enabled criterion: its data over [start - L, end]
    warnings: list[str] = field(default_factory=list)

    @property
    def score(self) -> Score:
        return self.scores["rules"]

    def criteria_with_data(self) -> list[str]:
        """The enabled criteria that had any data (a coverage row or a signal) in the period."""
        return self.coverage.loc[self.coverage["has_data"].astype(bool), "criterion"].tolist()

    def metrics_table(self, ranges: bool = True) -> pd.DataFrame:
        """One row per method, the rule set first; with ranges, two more rows for the random
        baseline's 2.5th and 97.5th percentiles."""
        rows = [{"method": s.method, "label": s.label, **s.metrics} for s in self.scores.values()]
        if ranges and "random" in self.scores and len(self.random):
            for col, word in (("low", "2.5th"), ("high", "97.5th")):
                values = self.random[col].astype(object).where(self.random[col].notna(), None)
                rows.append({"method": f"random_{col}",
                             "label": f"{METHOD_LABELS['random']}: {word} percentile of "
                                      f"{self.random_draws} draws",
                             **{k: _plain(v) for k, v in values.items()}})
        # Object columns keep counts as integers beside the random baseline's means.
        return pd.DataFrame(rows, dtype=object)

    def beats(self) -> dict[str, bool | None]:
        """Per baseline: are the rule set's recall and precision both higher (for the random
        baseline: higher than the 97.5th percentile of its draws)? None when one is missing."""
        mine = self.score.metrics
        out: dict[str, bool | None] = {}
        for method in self.scores:
            if method == "rules":
                continue
            if method == "random":
                theirs = {k: self.random.loc[k, "high"] if k in self.random.index else None
                          for k in ("recall", "precision")}
            else:
                theirs = self.scores[method].metrics
            pairs = [(mine[k], theirs[k]) for k in ("recall", "precision")]
            if any(a is None or b is None or pd.isna(b) for a, b in pairs):
                out[method] = None
            else:
                out[method] = all(a > b for a, b in pairs)
        return out

    def to_dict(self) -> dict:
        return {
            "rule_set_id": self.rules.id, "rule_set_version": self.rules.version,
            "start": self.start, "end": self.end, "lookback_days": self.lookback_days,
            "horizon_days": self.horizon_days, "quiet_days": self.quiet_days,
            "history_start": self.history_start, "states_assessed": list(self.states),
            "outcome_kinds": list(self.outcome_kinds),
            "warnings": list(self.warnings),
            "metrics": records(self.metrics_table()),
            "beats": self.beats(),
            "random": {"draws": self.random_draws, "seed": self.random_seed,
                       "metrics": records(self.random.reset_index())},
            "calibration": records(self.calibration),
            "methods": {m: {"outcomes": records(s.outcomes), "episodes": records(s.episodes)}
                        for m, s in self.scores.items() if m != "random"},
            "thematic_outcomes": records(self.thematic),
            "outcomes_not_assessed": records(self.not_assessed),
            "signals": records(self.signals),
            "coverage": records(self.coverage),
        }


def records(frame: pd.DataFrame) -> list[dict]:
    """A frame as JSON-ready records: ISO dates, None for missing values, plain numbers."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    out = out.astype(object).where(out.notna(), None)
    return [{k: _plain(v) for k, v in r.items()} for r in out.to_dict("records")]


def _plain(v):
    """A numpy scalar as a plain Python value; NaN as None (JSON null)."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v

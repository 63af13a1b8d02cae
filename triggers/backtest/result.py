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
}

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
    rules: RuleSet
    start: str
    end: str
    lookback_days: int
    horizon_days: int
    history_start: str  # first day of the computed timeline (see "History" in the docs)
    scores: dict[str, Score]  # "rules", then the baselines
    thematic: pd.DataFrame  # outcomes in the range without a State: listed, never scored
    coverage: pd.DataFrame  # per issuer kind: signals loaded over the period
    warnings: list[str] = field(default_factory=list)

    @property
    def score(self) -> Score:
        return self.scores["rules"]

    def metrics_table(self) -> pd.DataFrame:
        """One row per method: the rule set first, then the two baselines."""
        rows = [{"method": s.method, "label": s.label, **s.metrics} for s in self.scores.values()]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        return {
            "rule_set_id": self.rules.id, "rule_set_version": self.rules.version,
            "start": self.start, "end": self.end, "lookback_days": self.lookback_days,
            "horizon_days": self.horizon_days, "history_start": self.history_start,
            "warnings": list(self.warnings),
            "metrics": _records(self.metrics_table()),
            "methods": {m: {"outcomes": _records(s.outcomes), "episodes": _records(s.episodes)}
                        for m, s in self.scores.items()},
            "thematic_outcomes": _records(self.thematic),
            "coverage": _records(self.coverage),
        }


def _records(frame: pd.DataFrame) -> list[dict]:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    out = out.astype(object).where(out.notna(), None)
    return [{k: _plain(v) for k, v in r.items()} for r in out.to_dict("records")]


def _plain(v):
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v

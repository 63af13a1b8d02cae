"""Back-testing: did a rule set warn before the Council acted, and were its warnings followed?

Pure: a bundle (or a prepared one), a rule set and an outcomes frame in; tables and metrics
out. Every definition (warned, lead time, followed, the baselines, range edges, coverage) is
written out in docs/backtest.md; the modules follow it line by line:

- context: the outcomes, the range and the States assessed, as arrays once;
- scoring: one warning method's triggered grid scored against the outcomes;
- baselines: the grids a sceptic would compare the rule set with;
- coverage: what data each criterion had over the period;
- engine: backtest(), the rule set and every baseline in one run;
- consistency: the States that met the threshold next to what the Council did;
- sweep: the metrics at every point of a grid of two parameters.
"""

from triggers.backtest.baselines import PREVIOUS_OUTCOME_DAYS, any_signal_rules, previous_outcome_grid
from triggers.backtest.consistency import CONSISTENCY_CATEGORIES, consistency
from triggers.backtest.context import (DEFAULT_HORIZON_DAYS, DEFAULT_LOOKBACK_DAYS, Context,
                                       build_context)
from triggers.backtest.coverage import MIN_YEAR_DAYS_FOR_GAP, coverage, criterion_kinds
from triggers.backtest.engine import backtest
from triggers.backtest.result import METHOD_LABELS, BacktestResult, Score
from triggers.backtest.sweep import THRESHOLD_FIELDS, set_parameter, sweep

__all__ = [
    "CONSISTENCY_CATEGORIES", "DEFAULT_HORIZON_DAYS", "DEFAULT_LOOKBACK_DAYS", "METHOD_LABELS",
    "MIN_YEAR_DAYS_FOR_GAP", "PREVIOUS_OUTCOME_DAYS", "THRESHOLD_FIELDS", "BacktestResult",
    "Context", "Score", "any_signal_rules", "backtest", "build_context", "consistency",
    "coverage", "criterion_kinds", "previous_outcome_grid", "set_parameter", "sweep",
]

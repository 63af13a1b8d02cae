"""Back-testing: did a rule set warn before the Council acted, and were its warnings followed?

Pure: a bundle (or a prepared one), a rule set, an outcomes frame and the States assessed in;
tables and metrics out. Every definition (warned, fresh, lead time, followed, onsets, the
baselines, coverage, range edges) is written out in docs/backtest.md; the modules follow it:

- context: the outcomes, the range and the States assessed as arrays; triggered runs;
- scoring: one warning method's runs scored against the outcomes;
- baselines: what a sceptic would compare the rule set with;
- coverage: what data each criterion had over the period;
- engine: backtest(), the rule set and every baseline in one run;
- consistency: the States that met the threshold next to what the Council did;
- sweep: the metrics at every point of a grid of two parameters;
- result: what a back-test returns.
"""

from triggers.backtest.baselines import (
                                         PERSISTENCE_YEARS,
                                         PREVIOUS_OUTCOME_DAYS,
                                         RANDOM_DRAWS,
                                         RANDOM_SEED,
                                         any_signal_rules,
                                         ga_sc_rules,
                                         permutations,
                                         persistence_grid,
                                         previous_outcome_grid,
)
from triggers.backtest.consistency import (
                                         CONSISTENCY_CATEGORIES,
                                         consistency,
                                         window_text,
)
from triggers.backtest.context import (
                                         DEFAULT_HORIZON_DAYS,
                                         DEFAULT_LOOKBACK_DAYS,
                                         DEFAULT_QUIET_DAYS,
                                         OBSERVER_STATES,
                                         Context,
                                         Runs,
                                         assessed_states,
                                         build_context,
)
from triggers.backtest.coverage import MIN_YEAR_DAYS_FOR_GAP
from triggers.backtest.engine import backtest
from triggers.backtest.result import BASELINES, METHOD_LABELS, BacktestResult, Score
from triggers.backtest.scoring import SEVERITY_BANDS
from triggers.backtest.sweep import set_parameter, sweep
from triggers.criteria import THRESHOLD_FIELDS, criterion_kinds

__all__ = [
    "BASELINES", "CONSISTENCY_CATEGORIES", "DEFAULT_HORIZON_DAYS", "DEFAULT_LOOKBACK_DAYS",
    "DEFAULT_QUIET_DAYS", "METHOD_LABELS", "MIN_YEAR_DAYS_FOR_GAP", "OBSERVER_STATES",
    "PERSISTENCE_YEARS", "PREVIOUS_OUTCOME_DAYS", "RANDOM_DRAWS", "RANDOM_SEED",
    "SEVERITY_BANDS", "THRESHOLD_FIELDS", "BacktestResult", "Context", "Runs", "Score",
    "any_signal_rules", "assessed_states", "backtest", "build_context", "consistency",
    "criterion_kinds", "ga_sc_rules", "permutations", "persistence_grid",
    "previous_outcome_grid", "set_parameter", "sweep", "window_text",
]

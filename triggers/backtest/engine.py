"""The back-test: the rule set and its baselines scored against the Council's outcomes."""

from __future__ import annotations

import pandas as pd

from triggers.backtest.baselines import any_signal_rules, previous_outcome_grid
from triggers.backtest.context import (DEFAULT_HORIZON_DAYS, DEFAULT_LOOKBACK_DAYS, build_context,
                                       on_codes)
from triggers.backtest.coverage import coverage
from triggers.backtest.result import BacktestResult
from triggers.backtest.scoring import score
from triggers.bundle import Bundle
from triggers.prepared import Prepared, from_day
from triggers.rules import RuleSet
from triggers.timeline import timeline


def backtest(data: Bundle | Prepared, rules: RuleSet, outcomes: pd.DataFrame, start, end,
             lookback_days: int = DEFAULT_LOOKBACK_DAYS, horizon_days: int = DEFAULT_HORIZON_DAYS,
             declared_coverage: pd.DataFrame | None = None) -> BacktestResult:
    """Score a rule set and the two baselines against the Council's outcomes over [start, end]."""
    ctx = build_context(data, outcomes, start, end, lookback_days, horizon_days)
    tl = timeline(ctx.prep, rules, from_day(ctx.first), from_day(ctx.end))
    met = {cid: on_codes(ctx, g) for cid, g in tl.met.items()
           if any(c.id == cid and c.enabled for c in rules.criteria)}
    scores = {"rules": score(ctx, "rules", on_codes(ctx, tl.status == 2), met)}
    scores["previous_outcome"] = score(ctx, "previous_outcome", previous_outcome_grid(ctx))
    any_tl = timeline(ctx.prep, any_signal_rules(rules), from_day(ctx.first), from_day(ctx.end))
    scores["any_signal"] = score(ctx, "any_signal", on_codes(ctx, any_tl.status == 2))
    cov, warnings = coverage(ctx.prep, rules, from_day(ctx.start - ctx.lookback),
                             from_day(ctx.end), declared_coverage)
    if not len(ctx.scored):
        warnings.append(f"no outcome with a State is dated between {from_day(ctx.start)} and "
                        f"{from_day(ctx.end)}: recall and lead times cannot be measured")
    return BacktestResult(rules=rules, start=from_day(ctx.start), end=from_day(ctx.end),
                          lookback_days=lookback_days, horizon_days=horizon_days,
                          history_start=from_day(ctx.first), scores=scores,
                          thematic=ctx.thematic, coverage=cov, warnings=warnings)

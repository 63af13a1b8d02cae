"""The back-test: the rule set and its baselines scored against the Council's outcomes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from triggers.backtest.baselines import (
    RANDOM_DRAWS,
    RANDOM_SEED,
    any_signal_rules,
    ga_sc_rules,
    persistence_grid,
    previous_outcome_grid,
    random_draws,
    summarise_draws,
)
from triggers.backtest.context import (
    DEFAULT_HORIZON_DAYS,
    DEFAULT_LOOKBACK_DAYS,
    DEFAULT_QUIET_DAYS,
    Context,
    Runs,
    build_context,
    on_codes,
)
from triggers.backtest.coverage import (
    criteria_coverage,
    criterion_grids,
    outcome_coverage,
    signal_table,
)
from triggers.backtest.result import METHOD_LABELS, BacktestResult, Score
from triggers.backtest.scoring import calibration, mark, score
from triggers.bundle import Bundle
from triggers.prepared import Prepared, from_day
from triggers.rules import RuleSet
from triggers.timeline import timeline
from triggers.vocabulary import TRIGGERED


def triggered_runs(ctx: Context, rules: RuleSet) -> tuple[Runs, dict]:
    """The rule set's triggered runs on the States assessed, and its enabled criteria's met
    grids (on the same rows), from the history start to the range end."""
    tl = timeline(ctx.prep, rules, from_day(ctx.first), from_day(ctx.end))
    enabled = {c.id for c in rules.enabled_criteria}
    met = {cid: on_codes(ctx, g) for cid, g in tl.met.items() if cid in enabled}
    return Runs.of(on_codes(ctx, tl.status == TRIGGERED)), met


def backtest(data: Bundle | Prepared, rules: RuleSet, outcomes: pd.DataFrame, start, end,
             lookback_days: int = DEFAULT_LOOKBACK_DAYS, horizon_days: int = DEFAULT_HORIZON_DAYS,
             *, states: Sequence[str] | None = None, kinds: Iterable[str] | None = None,
             quiet_days: int = DEFAULT_QUIET_DAYS, draws: int = RANDOM_DRAWS,
             seed: int = RANDOM_SEED) -> BacktestResult:
    """Score a rule set and five baselines against the Council's outcomes over [start, end],
    over the States assessed, counting the outcome kinds chosen."""
    if draws < 0:
        raise ValueError(f"draws must be 0 or more (got {draws})")
    ctx = build_context(data, outcomes, start, end, lookback_days, horizon_days, states=states,
                        kinds=kinds, quiet_days=quiet_days)
    cache: dict = {}
    grids = criterion_grids(ctx, rules, cache)
    covered = outcome_coverage(ctx, rules, grids)
    runs, met = triggered_runs(ctx, rules)
    scores = {"rules": score(ctx, "rules", runs, covered, met, grids)}
    scores["previous_outcome"] = score(ctx, "previous_outcome",
                                       Runs.of(previous_outcome_grid(ctx)), covered, grids=grids)
    for method, baseline in (("any_signal", any_signal_rules(rules)),
                             ("ga_sc", ga_sc_rules(rules))):
        tl = timeline(ctx.prep, baseline, from_day(ctx.first), from_day(ctx.end))
        scores[method] = score(ctx, method, Runs.of(on_codes(ctx, tl.status == TRIGGERED)),
                               covered, grids=grids)
    scores["persistence"] = score(ctx, "persistence", Runs.of(persistence_grid(ctx)), covered,
                                  grids=grids)
    summary = summarise_draws(random_draws(ctx, runs, covered, draws, seed)) if draws \
        else pd.DataFrame(columns=["mean", "low", "high", "draws"])
    if draws:
        means = {k: (None if pd.isna(v) else v) for k, v in summary["mean"].items()}
        scores["random"] = Score("random", f"{METHOD_LABELS['random']} (mean of {draws} draws)",
                                 pd.DataFrame(), pd.DataFrame(), means)
    signals = signal_table(ctx)
    cov_table, warnings = criteria_coverage(ctx, rules, cache)
    if ctx.prep.coverage is None:
        warnings.insert(0, "the bundle declares no coverage (no coverage.csv): every day counts "
                           "as completely searched for every kind, so the covered figures equal "
                           "the others")
    if not len(ctx.scored):
        warnings.append(f"no outcome with a State assessed is dated between {from_day(ctx.start)}"
                        f" and {from_day(ctx.end)}: recall and lead times cannot be measured")
    if len(ctx.not_assessed):
        places = ", ".join(sorted(set(ctx.not_assessed["country"])))
        warnings.append(f"{len(ctx.not_assessed)} outcome(s) in the range concern places that "
                        f"are not States assessed ({places}): listed, not scored")
    return BacktestResult(
        rules=rules, start=from_day(ctx.start), end=from_day(ctx.end),
        lookback_days=lookback_days, horizon_days=horizon_days, quiet_days=quiet_days,
        history_start=from_day(ctx.first), states=tuple(ctx.codes), outcome_kinds=ctx.kinds,
        scores=scores, random=summary, random_draws=draws, random_seed=seed,
        calibration=calibration(ctx, runs, mark(ctx, runs), met),
        thematic=ctx.thematic, not_assessed=ctx.not_assessed, signals=signals,
        coverage=cov_table, warnings=warnings)

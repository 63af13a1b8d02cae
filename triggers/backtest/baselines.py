"""The baselines a sceptic would pick, each a daily triggered grid (or the rule set's own runs
moved between States) scored exactly like the rule set."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from triggers.backtest.context import Context, Runs
from triggers.backtest.coverage import OutcomeCoverage
from triggers.backtest.scoring import mark, metrics
from triggers.prepared import EPOCH
from triggers.rules import RuleSet, parse_rule_set
from triggers.vocabulary import ISSUER_KINDS
from triggers.windows import windowed_count

PREVIOUS_OUTCOME_DAYS = 730  # "an outcome in the previous 24 months"
PERSISTENCE_YEARS = 2  # "an outcome in the previous two calendar years"
RANDOM_DRAWS = 200
RANDOM_SEED = 0
RANDOM_RANGE = (2.5, 97.5)  # percentiles of the draws: the 95% range


def any_signal_rules(rules: RuleSet) -> RuleSet:
    """The "any signal" baseline as a rule set: one signal of concern by anyone, same window."""
    return parse_rule_set({
        "id": f"{rules.id}-any-signal", "version": rules.version,
        "title": "Baseline: any signal of concern",
        "source": "Back-test baseline (docs/backtest.md)", "window_days": rules.window_days,
        "criteria": [{"id": "any_signal", "type": "statement_by",
                      "issuer_kinds": list(ISSUER_KINDS), "min_signals": 1}],
    })


def ga_sc_rules(rules: RuleSet) -> RuleSet:
    """The "GA/SC only" baseline as a rule set: one General Assembly or Security Council
    signal of concern about the State (any category), in the rule set's window."""
    return parse_rule_set({
        "id": f"{rules.id}-ga-sc", "version": rules.version,
        "title": "Baseline: a General Assembly or Security Council resolution",
        "source": "Back-test baseline (docs/backtest.md)", "window_days": rules.window_days,
        "criteria": [{"id": "ga_sc_only", "type": "statement_by",
                      "issuer_kinds": ["general_assembly", "security_council"],
                      "min_signals": 1}],
    })


def previous_outcome_grid(ctx: Context) -> np.ndarray:
    """Triggered on day d when the State had a counted outcome dated in [d - 730, d - 1]."""
    loc = ctx.located
    # Shifting each outcome one day later turns "dated d-730 .. d-1" into a plain window
    # ending on d, which the shared primitive counts.
    counts = windowed_count(loc["row"].to_numpy(np.int32), loc["day"].to_numpy(np.int64) + 1,
                            len(ctx.codes), ctx.first, ctx.end, PREVIOUS_OUTCOME_DAYS)
    return counts > 0


def persistence_grid(ctx: Context) -> np.ndarray:
    """Triggered on every day of calendar year Y when the State had a counted outcome dated in
    year Y-2 or Y-1: an annual list drawn up on 1 January from the record alone."""
    days = ctx.first + np.arange(ctx.n_days)
    year = (EPOCH + days).astype("datetime64[Y]").astype(np.int64) + 1970
    y0, y1 = int(year[0]), int(year[-1])
    listed = np.zeros((len(ctx.codes), y1 - y0 + 1), dtype=bool)
    loc = ctx.located
    rows = loc["row"].to_numpy(np.int64)
    years = loc["date"].dt.year.to_numpy(np.int64)
    for ahead in range(1, PERSISTENCE_YEARS + 1):
        listed_year = years + ahead
        inside = (listed_year >= y0) & (listed_year <= y1)
        listed[rows[inside], listed_year[inside] - y0] = True
    return listed[:, year - y0]


def permutations(n_states: int, draws: int = RANDOM_DRAWS, seed: int = RANDOM_SEED
                 ) -> Iterator[np.ndarray]:
    """Draw i is the i-th numpy.random.default_rng(seed).permutation(n_states)."""
    rng = np.random.default_rng(seed)
    for _ in range(draws):
        yield rng.permutation(n_states)


def random_draws(ctx: Context, runs: Runs, covered: OutcomeCoverage, draws: int = RANDOM_DRAWS,
                 seed: int = RANDOM_SEED) -> pd.DataFrame:
    """The rule set's runs moved to random States, one row of metrics per draw: same episodes,
    same dates, same triggered share, other States."""
    rows = []
    for perm in permutations(len(ctx.codes), draws, seed):
        moved = runs.moved(perm)
        rows.append(metrics(ctx, moved, mark(ctx, moved), covered.covered))
    return pd.DataFrame(rows)


def summarise_draws(table: pd.DataFrame) -> pd.DataFrame:
    """Per metric: mean, 2.5th and 97.5th percentiles over the draws that have a value."""
    out = []
    for col in table.columns:
        values = pd.to_numeric(table[col], errors="coerce").to_numpy(dtype=float)
        ok = values[~np.isnan(values)]
        if len(ok):
            lo, hi = np.percentile(ok, RANDOM_RANGE)
            out.append({"metric": col, "mean": float(ok.mean()), "low": float(lo),
                        "high": float(hi), "draws": int(len(ok))})
        else:
            out.append({"metric": col, "mean": None, "low": None, "high": None, "draws": 0})
    return pd.DataFrame(out, columns=["metric", "mean", "low", "high", "draws"]) \
        .set_index("metric")

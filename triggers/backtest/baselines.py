"""The baselines a sceptic would pick, each a daily triggered grid scored like the rule set."""

from __future__ import annotations

import numpy as np

from triggers.backtest.context import Context
from triggers.rules import RuleSet, parse_rule_set
from triggers.vocabulary import ISSUER_KINDS
from triggers.windows import windowed_count

PREVIOUS_OUTCOME_DAYS = 730  # "an outcome in the previous 24 months"


def any_signal_rules(rules: RuleSet) -> RuleSet:
    """The "any signal" baseline as a rule set: one signal of concern by anyone, same window."""
    return parse_rule_set({
        "id": f"{rules.id}-any-signal", "version": rules.version,
        "title": "Baseline: any signal of concern",
        "source": "Back-test baseline (docs/backtest.md)", "window_days": rules.window_days,
        "criteria": [{"id": "any_signal", "type": "statement_by",
                      "issuer_kinds": list(ISSUER_KINDS), "min_signals": 1}],
    })


def previous_outcome_grid(ctx: Context) -> np.ndarray:
    """Triggered on day d when the State had an outcome dated in [d - 730, d - 1]."""
    loc = ctx.located
    # Shifting each outcome one day later turns "dated d-730 .. d-1" into a plain window
    # ending on d, which the shared primitive counts.
    counts = windowed_count(loc["row"].to_numpy(np.int32), loc["day"].to_numpy(np.int64) + 1,
                            len(ctx.codes), ctx.first, ctx.end, PREVIOUS_OUTCOME_DAYS)
    return counts > 0

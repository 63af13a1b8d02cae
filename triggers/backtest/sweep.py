"""The parameter sweep: the back-test's metrics at every point of a grid of two parameters."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from triggers.backtest.context import (DEFAULT_HORIZON_DAYS, DEFAULT_LOOKBACK_DAYS, Context,
                                       build_context, on_codes)
from triggers.backtest.scoring import score
from triggers.bundle import Bundle
from triggers.criteria import bind
from triggers.prepared import Prepared
from triggers.rules import RuleSet, parse_rule_set

THRESHOLD_FIELDS = {"statement_by": "min_signals", "joint_group": "min_issuers",
                    "nhri_with_ngos": "min_ngos"}


def set_parameter(rules: RuleSet, path: str, value) -> RuleSet:
    """A copy of the rule set with one parameter changed, validated like a loaded file.

    `path` is a rule-set field ("window_days", "min_criteria") or "<criterion id>.<field>"
    ("special_procedures.min_issuers", "high_commissioner.window_days").
    """
    data = rules.model_dump(mode="json")
    head, _, rest = path.partition(".")
    if not rest:
        if head not in {"window_days", "min_criteria", "watch_ratio"}:
            raise ValueError(f"unknown rule-set parameter {path!r}; use window_days, min_criteria, "
                             "watch_ratio or <criterion id>.<field>")
        data[head] = value
    else:
        crit = next((c for c in data["criteria"] if c["id"] == head), None)
        if crit is None:
            known = ", ".join(c["id"] for c in data["criteria"])
            raise ValueError(f"no criterion {head!r} in {rules.label}; criteria: {known}")
        if rest not in crit:
            raise ValueError(f"criterion {head!r} ({crit['type']}) has no field {rest!r}; "
                             f"fields: {', '.join(k for k in crit if k not in ('id', 'type'))}")
        crit[rest] = value
    return parse_rule_set(data, origin=f"{rules.label} with {path}={value}")


class _MetCache:
    """Met grids per criterion, computed once per (criterion without threshold, window).

    A criterion's capped value at threshold T answers `value >= k` for every k <= T, so one
    timeline at the largest threshold in the sweep serves every smaller one.
    """

    def __init__(self, ctx: Context, variants: list[RuleSet]):
        self.ctx = ctx
        self.top: dict[tuple, int] = {}
        self.last_use: dict[tuple, int] = {}
        for i, rules in enumerate(variants):
            for crit in rules.enabled_criteria:
                key, t = self.key(rules, crit)
                self.top[key] = max(self.top.get(key, 0), t)
                self.last_use[key] = i
        self.grids: dict[tuple, tuple] = {}

    @staticmethod
    def key(rules: RuleSet, crit) -> tuple[tuple, int]:
        fld = THRESHOLD_FIELDS[crit.type]
        spec = crit.model_dump(mode="json", exclude={fld, "title", "window_days"})
        return (repr(sorted(spec.items())), rules.window_of(crit)), getattr(crit, fld)

    def met(self, i: int, rules: RuleSet, crit) -> np.ndarray:
        key, _ = self.key(rules, crit)
        if key not in self.grids:
            window = key[1]
            fld = THRESHOLD_FIELDS[crit.type]
            rule = bind(crit.model_copy(update={fld: self.top[key]}), window)
            capped, has = rule.timeline(self.ctx.prep, rule.features(self.ctx.prep),
                                        self.ctx.first, self.ctx.end)
            self.grids[key] = (capped.astype(np.int16), has)
        capped, has = self.grids[key]
        met = bind(crit, key[1]).met_of(capped, has)
        if self.last_use[key] == i:
            del self.grids[key]
        return met


def sweep(data: Bundle | Prepared, rules: RuleSet, outcomes: pd.DataFrame, start, end,
          x: tuple[str, Sequence], y: tuple[str, Sequence],
          lookback_days: int = DEFAULT_LOOKBACK_DAYS, horizon_days: int = DEFAULT_HORIZON_DAYS,
          progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """The back-test's metrics for the rule set at every point of a grid of two parameters.

    Each point is scored exactly as backtest() scores the rule set (a test holds them equal).
    """
    ctx = build_context(data, outcomes, start, end, lookback_days, horizon_days)
    (x_path, x_values), (y_path, y_values) = x, y
    points = [(xv, yv) for xv in x_values for yv in y_values]
    if _is_threshold(x_path) and not _is_threshold(y_path):
        # Points sharing a window run together, so each window's grids are freed early.
        points = [(xv, yv) for yv in y_values for xv in x_values]
    variants = [set_parameter(set_parameter(rules, x_path, xv), y_path, yv) for xv, yv in points]
    cache = _MetCache(ctx, variants)
    rows = []
    for i, ((xv, yv), variant) in enumerate(zip(points, variants)):
        count = np.zeros((ctx.prep.n_countries, ctx.end - ctx.first + 1), dtype=np.int8)
        for crit in variant.enabled_criteria:
            count += cache.met(i, variant, crit)
        point = score(ctx, "rules", on_codes(ctx, count >= variant.min_criteria), tables=False)
        rows.append({x_path: xv, y_path: yv, **point.metrics})
        if progress is not None:
            progress(i + 1, len(points))
    return pd.DataFrame(rows).sort_values([x_path, y_path], kind="stable").reset_index(drop=True)


def _is_threshold(path: str) -> bool:
    return path == "min_criteria" or path.rsplit(".", 1)[-1] in THRESHOLD_FIELDS.values()

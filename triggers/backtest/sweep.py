"""The parameter sweep: the back-test's metrics at every point of a grid of two parameters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

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
    without_data,
)
from triggers.backtest.scoring import score
from triggers.bundle import Bundle
from triggers.criteria import THRESHOLD_FIELDS, bind
from triggers.prepared import Prepared, from_day
from triggers.rules import RuleSet, parse_rule_set


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


def _criterion_of(path: str) -> str | None:
    """The criterion id a sweep path belongs to ("special_procedures.min_issuers"), or None
    for a rule-set field."""
    head, _, rest = path.partition(".")
    return head if rest else None


def sweep(data: Bundle | Prepared, rules: RuleSet, outcomes: pd.DataFrame, start, end,
          x: tuple[str, Sequence], y: tuple[str, Sequence],
          lookback_days: int = DEFAULT_LOOKBACK_DAYS, horizon_days: int = DEFAULT_HORIZON_DAYS,
          progress: Callable[[int, int], None] | None = None, *,
          states: Sequence[str] | None = None, kinds: Iterable[str] | None = None,
          quiet_days: int = DEFAULT_QUIET_DAYS) -> pd.DataFrame:
    """The back-test's metrics for the rule set at every point of a grid of two parameters.

    Each point is scored exactly as backtest() scores the rule set (a test holds them equal).
    A parameter of a criterion with no data at all in the period is not swept: its axis holds
    the rule set's value only, and `frame.attrs["notes"]` says so.
    """
    ctx = build_context(data, outcomes, start, end, lookback_days, horizon_days, states=states,
                        kinds=kinds, quiet_days=quiet_days)
    (x_path, x_values), (y_path, y_values) = x, y
    for path in (x_path, y_path):
        set_parameter(rules, path, _current(rules, path))  # a bad path fails before any work
    cache: dict = {}
    table, _ = criteria_coverage(ctx, rules, cache)
    empty = set(without_data(table))
    notes = []
    axes = []
    for path, values in ((x_path, list(x_values)), (y_path, list(y_values))):
        cid = _criterion_of(path)
        if cid in empty and len(values):
            current = _current(rules, path)
            notes.append(f"{path} not swept: criterion {cid} has no data at all between "
                         f"{from_day(ctx.start - ctx.lookback)} and {from_day(ctx.end)} (no "
                         f"coverage row, no signal), so every value gives the same figures; "
                         f"shown at the rule set's value {current}")
            values = [current]
        axes.append(values)
    x_values, y_values = axes
    points = [(xv, yv) for xv in x_values for yv in y_values]
    if _is_threshold(x_path) and not _is_threshold(y_path):
        # Points sharing a window run together, so each window's grids are freed early.
        points = [(xv, yv) for yv in y_values for xv in x_values]
    variants = [set_parameter(set_parameter(rules, x_path, xv), y_path, yv) for xv, yv in points]
    met_cache = _MetCache(ctx, variants)
    covered_by: dict[tuple, object] = {}
    rows = []
    for i, ((xv, yv), variant) in enumerate(zip(points, variants)):
        count = np.zeros((ctx.prep.n_countries, ctx.n_days), dtype=np.int8)
        for crit in variant.enabled_criteria:
            count += met_cache.met(i, variant, crit)
        which = tuple((c.id, c.kinds) for c in variant.enabled_criteria)
        if which not in covered_by:
            covered_by[which] = outcome_coverage(ctx, variant,
                                                 criterion_grids(ctx, variant, cache))
        runs = Runs.of(on_codes(ctx, count >= variant.min_criteria))
        point = score(ctx, "rules", runs, covered_by[which], tables=False)
        rows.append({x_path: xv, y_path: yv, **point.metrics})
        if progress is not None:
            progress(i + 1, len(points))
    frame = pd.DataFrame(rows).sort_values([x_path, y_path], kind="stable").reset_index(drop=True)
    frame.attrs["notes"] = notes
    return frame


def _current(rules: RuleSet, path: str):
    """The rule set's value of a sweep path (a criterion's own window falls back to the rule
    set's)."""
    head, _, rest = path.partition(".")
    if not rest:
        return getattr(rules, head, None)
    crit = next((c for c in rules.criteria if c.id == head), None)
    if crit is None:
        return None
    value = getattr(crit, rest, None)
    if rest == "window_days" and value is None:
        return rules.window_days
    return value


def _is_threshold(path: str) -> bool:
    """Is the path a threshold (points sharing a window can then run together)?"""
    return path == "min_criteria" or path.rsplit(".", 1)[-1] in THRESHOLD_FIELDS.values()

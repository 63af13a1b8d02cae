"""Back-testing: did a rule set warn before the Council acted, and were its warnings followed?

Pure: a bundle (or a prepared one), a rule set and an outcomes frame in; tables and metrics
out. Every definition (warned, lead time, followed, the baselines, range edges, coverage) is
written out in docs/backtest.md; the code follows it line by line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from triggers.bundle import Bundle
from triggers.criteria import bind
from triggers.outcomes import OUTCOME_LABELS
from triggers.prepared import EPOCH, Prepared, from_day, prepare, to_day
from triggers.rules import RuleSet, parse_rule_set
from triggers.timeline import timeline
from triggers.vocabulary import ISSUER_KINDS, KIND_LABELS
from triggers.windows import windowed_count

DEFAULT_LOOKBACK_DAYS = 365
DEFAULT_HORIZON_DAYS = 365
PREVIOUS_OUTCOME_DAYS = 730  # "an outcome in the previous 24 months"
# A calendar year the period covers for fewer days than this is too short to call a gap.
MIN_YEAR_DAYS_FOR_GAP = 60

METHOD_LABELS = {
    "rules": "the rule set",
    "previous_outcome": "baseline: a Council outcome on the State in the previous 24 months",
    "any_signal": "baseline: any signal of concern about the State in the window",
}
THRESHOLD_FIELDS = {"statement_by": "min_signals", "joint_group": "min_issuers",
                    "nhri_with_ngos": "min_ngos"}
_KEY = 1 << 20  # country index * _KEY + day: one sortable key per (State, day); days < 2^20


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


# -- the shared context: outcomes and range turned into arrays once ---------------------------

@dataclass(frozen=True)
class _Context:
    prep: Prepared
    codes: np.ndarray  # every State of the grids: the bundle's and the outcomes'
    rows: np.ndarray  # grid row of each prep.countries entry
    first: int  # history start (day number)
    start: int
    end: int
    lookback: int
    horizon: int
    scored: pd.DataFrame  # outcomes with a State dated in [start, end], with `row`, `day`
    follow_keys: np.ndarray  # sorted row*_KEY+day of every outcome with a State (any date)
    follow_order: np.ndarray  # position in `located` of each sorted key
    located: pd.DataFrame  # every outcome with a State, with `row` and `day`
    thematic: pd.DataFrame


def _context(data: Bundle | Prepared, outcomes: pd.DataFrame, start, end, lookback_days: int,
             horizon_days: int) -> _Context:
    if lookback_days < 1:
        raise ValueError(f"lookback_days must be 1 or more (got {lookback_days})")
    if horizon_days < 0:
        raise ValueError(f"horizon_days must be 0 or more (got {horizon_days})")
    s, e = to_day(start), to_day(end)
    if e < s:
        raise ValueError(f"end ({from_day(e)}) is before start ({from_day(s)})")
    missing = [c for c in ("country", "date", "kind", "reference") if c not in outcomes.columns]
    if missing:
        raise ValueError(f"outcomes frame lacks column(s) {', '.join(missing)}; "
                         "read it with triggers.outcomes.read_outcomes")
    outcomes = outcomes.copy()
    for col in ("title", "url"):
        if col not in outcomes.columns:
            outcomes[col] = ""
    outcomes["country"] = outcomes["country"].fillna("").astype(str)
    outcomes["date"] = pd.to_datetime(outcomes["date"]).astype("datetime64[ns]")
    with_state = outcomes["country"] != ""
    outcome_codes = sorted(set(outcomes.loc[with_state, "country"]))
    prep = data if isinstance(data, Prepared) else prepare(data, outcome_codes)
    codes = np.asarray(sorted(set(prep.countries) | set(outcome_codes)), dtype=object)
    index = pd.Index(codes)
    located = outcomes[with_state].reset_index(drop=True)
    located["row"] = index.get_indexer(located["country"])
    located["day"] = ((located["date"].to_numpy().astype("datetime64[D]") - EPOCH)
                      .astype(np.int64))
    keys = located["row"].to_numpy(np.int64) * _KEY + located["day"].to_numpy()
    order = np.argsort(keys, kind="stable")
    in_range = (located["day"] >= s) & (located["day"] <= e)
    scored = located[in_range].sort_values(["date", "country", "reference"]).reset_index(drop=True)
    thematic_days = (outcomes["date"].to_numpy().astype("datetime64[D]") - EPOCH).astype(np.int64)
    thematic = outcomes[~with_state & (thematic_days >= s) & (thematic_days <= e)]
    # History: the grids start early enough that every episode touching the lookback or the
    # range is seen from its real first day (before the earliest signal or outcome, every
    # State is clear under every method).
    earliest = [s - lookback_days]
    if prep.n_signals:
        earliest.append(int(prep.sig_day.min()))
    if len(located):
        earliest.append(int(located["day"].min()))
    return _Context(prep=prep, codes=codes, rows=index.get_indexer(prep.countries),
                    first=min(earliest), start=s, end=e, lookback=lookback_days,
                    horizon=horizon_days, scored=scored, follow_keys=keys[order],
                    follow_order=order, located=located,
                    thematic=thematic[["country", "date", "kind", "reference", "title", "url"]]
                    .reset_index(drop=True))


def _on_codes(ctx: _Context, grid: np.ndarray) -> np.ndarray:
    """A (bundle countries x days) grid placed on the rows of every State of the back-test."""
    if len(ctx.codes) == grid.shape[0]:
        return grid
    out = np.zeros((len(ctx.codes), grid.shape[1]), dtype=grid.dtype)
    out[ctx.rows] = grid
    return out


# -- scoring one method -----------------------------------------------------------------------

def _score(ctx: _Context, method: str, triggered: np.ndarray,
           met: dict[str, np.ndarray] | None = None, tables: bool = True) -> Score:
    """Warned, lead time and followed for one (States x days) triggered grid from ctx.first."""
    trig = triggered.astype(bool, copy=False)
    n_rows, n_days = trig.shape
    # Episodes are runs of triggered days: a first day has no triggered day before it, a
    # last day none after it. In row-major order the k-th first day pairs with the k-th last.
    began = trig.copy()
    began[:, 1:] &= ~trig[:, :-1]
    ended = trig.copy()
    ended[:, :-1] &= ~trig[:, 1:]
    b_idx, e_idx = np.flatnonzero(began), np.flatnonzero(ended)
    all_row, all_start, all_end = b_idx // n_days, b_idx % n_days, e_idx % n_days

    # Warned: the State's last episode starting before the outcome reaches into the lookback.
    sc = ctx.scored
    o_row = sc["row"].to_numpy(np.int64)
    o_col = sc["day"].to_numpy(np.int64) - ctx.first
    if len(all_row):
        j = np.searchsorted(all_row * _KEY + all_start, o_row * _KEY + o_col - 1, side="right") - 1
        jj = np.maximum(j, 0)
        same = (j >= 0) & (all_row[jj] == o_row)
        last = np.where(same, np.minimum(all_end[jj], o_col - 1), -1)
        ep_col = all_start[jj]
    else:
        same = np.zeros(len(sc), dtype=bool)
        last = ep_col = np.full(len(sc), -1, dtype=np.int64)
    warned = same & (last >= o_col - ctx.lookback)
    ep_col = np.where(warned, ep_col, -1)
    lead = np.where(warned, o_col - ep_col, -1)

    # Scored episodes: those not over before the range starts.
    s0 = ctx.start - ctx.first
    keep = all_end >= s0
    e_row, e_start, e_end = all_row[keep], all_start[keep], all_end[keep]
    base = e_row.astype(np.int64) * _KEY + ctx.first
    lo = np.searchsorted(ctx.follow_keys, base + e_start, side="left")
    hi = np.searchsorted(ctx.follow_keys, base + e_end + ctx.horizon, side="right")
    followed = hi > lo
    leads = lead[warned]
    n_out, n_ep = len(sc), len(e_row)
    years = (ctx.end - ctx.start + 1) / 365.25
    range_days = n_rows * (n_days - s0)
    inside = np.maximum(e_end - np.maximum(e_start, s0) + 1, 0).sum()
    metrics = {
        "outcomes": int(n_out),
        "warned": int(warned.sum()),
        "recall": float(warned.mean()) if n_out else None,
        "episodes": int(n_ep),
        "followed": int(followed.sum()),
        "precision": float(followed.mean()) if n_ep else None,
        "false_alarms": int(n_ep - followed.sum()),
        "false_alarms_per_year": float((n_ep - followed.sum()) / years),
        "lead_days_median": float(np.median(leads)) if len(leads) else None,
        "lead_days_q1": float(np.percentile(leads, 25)) if len(leads) else None,
        "lead_days_q3": float(np.percentile(leads, 75)) if len(leads) else None,
        "triggered_share": float(inside / range_days) if range_days else 0.0,
    }
    if not tables:
        return Score(method, METHOD_LABELS.get(method, method), pd.DataFrame(), pd.DataFrame(),
                     metrics)

    def day(col):
        return (EPOCH + (ctx.first + np.asarray(col, dtype=np.int64))).astype("datetime64[ns]")

    def criteria_on(rows, start_cols, mask):
        if met is None:
            return [""] * len(rows)
        out = []
        for r, c, ok in zip(rows, start_cols, mask):
            out.append(";".join(cid for cid, g in met.items() if ok and g[r, c]) if ok else "")
        return out

    outcome_table = pd.DataFrame({
        "country": sc["country"].to_numpy(object),
        "date": sc["date"].to_numpy(),
        "kind": sc["kind"].to_numpy(object),
        "reference": sc["reference"].to_numpy(object),
        "title": sc["title"].to_numpy(object),
        "warned": warned,
        "last_triggered": pd.Series(day(last)).where(warned).to_numpy(),
        "episode_start": pd.Series(day(ep_col)).where(warned).to_numpy(),
        "lead_days": pd.array(np.where(warned, lead, 0), dtype="Int64"),
        "criteria_at_start": criteria_on(o_row, ep_col, warned),
    })
    outcome_table.loc[~warned, "lead_days"] = pd.NA

    if n_ep and len(ctx.located):
        # For a followed episode, lo points at its first outcome in the follow-up window.
        hit = ctx.located.iloc[ctx.follow_order[np.minimum(lo, len(ctx.located) - 1)]]
        hit_day = np.where(followed, hit["day"].to_numpy(np.int64), 0)
        hit_ref = np.where(followed, hit["reference"].to_numpy(object), None)
        hit_kind = np.where(followed, hit["kind"].to_numpy(object), None)
    else:
        hit_day = np.zeros(n_ep, np.int64)
        hit_ref = hit_kind = np.full(n_ep, None, dtype=object)
    episode_table = pd.DataFrame({
        "country": ctx.codes[e_row],
        "start": day(e_start),
        "end": day(e_end),
        "days": (e_end - e_start + 1).astype(np.int64),
        "began_before_range": e_start + ctx.first < ctx.start,
        "ongoing_at_end": e_end == n_days - 1,
        "horizon_past_end": e_end + ctx.first + ctx.horizon > ctx.end,
        "followed": followed,
        "outcome_date": pd.Series(day(hit_day - ctx.first)).where(followed).to_numpy(),
        "outcome_reference": hit_ref,
        "outcome_kind": hit_kind,
        "days_to_outcome": pd.array(hit_day - ctx.first - e_start, dtype="Int64"),
        "criteria_at_start": criteria_on(e_row, e_start, np.ones(n_ep, bool)),
    })
    episode_table.loc[~followed, "days_to_outcome"] = pd.NA
    episode_table = episode_table.sort_values(["start", "country"], kind="stable").reset_index(drop=True)
    return Score(method, METHOD_LABELS.get(method, method), outcome_table, episode_table, metrics)


# -- the three methods ------------------------------------------------------------------------

def any_signal_rules(rules: RuleSet) -> RuleSet:
    """The "any signal" baseline as a rule set: one signal of concern by anyone, same window."""
    return parse_rule_set({
        "id": f"{rules.id}-any-signal", "version": rules.version,
        "title": "Baseline: any signal of concern",
        "source": "Back-test baseline (docs/backtest.md)", "window_days": rules.window_days,
        "criteria": [{"id": "any_signal", "type": "statement_by",
                      "issuer_kinds": list(ISSUER_KINDS), "min_signals": 1}],
    })


def previous_outcome_grid(ctx: _Context) -> np.ndarray:
    """Triggered on day d when the State had an outcome dated in [d - 730, d - 1]."""
    loc = ctx.located
    # Shifting each outcome one day later turns "dated d-730 .. d-1" into a plain window
    # ending on d, which the shared primitive counts.
    counts = windowed_count(loc["row"].to_numpy(np.int32), loc["day"].to_numpy(np.int64) + 1,
                            len(ctx.codes), ctx.first, ctx.end, PREVIOUS_OUTCOME_DAYS)
    return counts > 0


def backtest(data: Bundle | Prepared, rules: RuleSet, outcomes: pd.DataFrame, start, end,
             lookback_days: int = DEFAULT_LOOKBACK_DAYS, horizon_days: int = DEFAULT_HORIZON_DAYS,
             declared_coverage: pd.DataFrame | None = None) -> BacktestResult:
    """Score a rule set and the two baselines against the Council's outcomes over [start, end]."""
    ctx = _context(data, outcomes, start, end, lookback_days, horizon_days)
    tl = timeline(ctx.prep, rules, from_day(ctx.first), from_day(ctx.end))
    met = {cid: _on_codes(ctx, g) for cid, g in tl.met.items()
           if any(c.id == cid and c.enabled for c in rules.criteria)}
    scores = {"rules": _score(ctx, "rules", _on_codes(ctx, tl.status == 2), met)}
    scores["previous_outcome"] = _score(ctx, "previous_outcome", previous_outcome_grid(ctx))
    any_tl = timeline(ctx.prep, any_signal_rules(rules), from_day(ctx.first), from_day(ctx.end))
    scores["any_signal"] = _score(ctx, "any_signal", _on_codes(ctx, any_tl.status == 2))
    cov, warnings = coverage(ctx.prep, rules, from_day(ctx.start - ctx.lookback),
                             from_day(ctx.end), declared_coverage)
    if not len(ctx.scored):
        warnings.append(f"no outcome with a State is dated between {from_day(ctx.start)} and "
                        f"{from_day(ctx.end)}: recall and lead times cannot be measured")
    return BacktestResult(rules=rules, start=from_day(ctx.start), end=from_day(ctx.end),
                          lookback_days=lookback_days, horizon_days=horizon_days,
                          history_start=from_day(ctx.first), scores=scores,
                          thematic=ctx.thematic, coverage=cov, warnings=warnings)


# -- coverage ---------------------------------------------------------------------------------

def criterion_kinds(criterion) -> list[str]:
    """The issuer kinds whose signals a criterion can count."""
    if criterion.type == "nhri_with_ngos":
        return ["nhri", "ngo"]
    return list(criterion.issuer_kinds)


def coverage(data: Bundle | Prepared, rules: RuleSet, start, end,
             declared: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Signals loaded per issuer kind over [start, end], and a warning per criterion with gaps.

    A gap is a calendar year (covered by the period for at least MIN_YEAR_DAYS_FOR_GAP days)
    with no signal at all from any of the criterion's issuer kinds; `declared` (columns kind,
    since, until; until exclusive, empty = open) adds the periods a source is known to be
    loaded for, and any part of the period outside them is a gap too.
    """
    prep = data if isinstance(data, Prepared) else prepare(data)
    s, e = to_day(start), to_day(end)
    years = _years(s, e)
    kind_of_sig = _kind_of_signal(prep)
    rows = []
    for kind in ISSUER_KINDS:
        days = prep.sig_day[kind_of_sig[kind] & (prep.sig_day >= s) & (prep.sig_day <= e)]
        year_of = (EPOCH + days).astype("datetime64[Y]").astype(int) + 1970
        seen = set(year_of.tolist())
        empty = [y for y, covered, _ in years if covered >= MIN_YEAR_DAYS_FOR_GAP and y not in seen]
        rows.append({"kind": kind, "label": KIND_LABELS[kind], "signals": int(len(days)),
                     "first": from_day(int(days.min())) if len(days) else None,
                     "last": from_day(int(days.max())) if len(days) else None,
                     "years_without_signals": ";".join(map(str, empty))})
    table = pd.DataFrame(rows)
    warnings = []
    for crit in rules.enabled_criteria:
        kinds = criterion_kinds(crit)
        mask = np.zeros(prep.n_signals, dtype=bool)
        for k in kinds:
            mask |= kind_of_sig[k]
        days = prep.sig_day[mask & (prep.sig_day >= s) & (prep.sig_day <= e)]
        labels = " or ".join(KIND_LABELS[k] for k in kinds)
        if not len(days):
            warnings.append(f"criterion {crit.id}: no signal at all from {labels} between "
                            f"{from_day(s)} and {from_day(e)}; this back-test says nothing about "
                            f"whether it would have warned")
            continue
        seen = set(((EPOCH + days).astype("datetime64[Y]").astype(int) + 1970).tolist())
        gaps = [y for y, covered, _ in years if covered >= MIN_YEAR_DAYS_FOR_GAP and y not in seen]
        if gaps:
            warnings.append(f"criterion {crit.id}: no signal from {labels} in {_year_list(gaps)}; "
                            f"for those years the back-test cannot tell whether it would have warned")
        if declared is not None:
            uncovered = _outside_declared(declared, kinds, s, e)
            if uncovered:
                warnings.append(f"criterion {crit.id}: {labels} not loaded for "
                                + ", ".join(f"{from_day(a)} to {from_day(b)}" for a, b in uncovered))
    return table, warnings


def _kind_of_signal(prep: Prepared) -> dict[str, np.ndarray]:
    kinds = prep.issuer_kind[prep.link_issuer]
    out = {}
    for k in ISSUER_KINDS:
        mask = np.zeros(prep.n_signals, dtype=bool)
        mask[prep.link_sig[kinds == k]] = True
        out[k] = mask
    return out


def _years(s: int, e: int) -> list[tuple[int, int, int]]:
    """(year, days of it inside [s, e], first day) for every calendar year the period touches."""
    first_year = int(str(EPOCH + s)[:4])
    last_year = int(str(EPOCH + e)[:4])
    out = []
    for y in range(first_year, last_year + 1):
        a, b = max(s, to_day(f"{y}-01-01")), min(e, to_day(f"{y}-12-31"))
        out.append((y, b - a + 1, a))
    return out


def _year_list(years: list[int]) -> str:
    """'2008-2010, 2014' from [2008, 2009, 2010, 2014]."""
    parts, run = [], [years[0]]
    for y in years[1:]:
        if y == run[-1] + 1:
            run.append(y)
        else:
            parts.append(run)
            run = [y]
    parts.append(run)
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in parts)


def _outside_declared(declared: pd.DataFrame, kinds: list[str], s: int, e: int) -> list[tuple[int, int]]:
    """Stretches of [s, e] that no declared loading period of the given kinds covers."""
    rows = declared[declared["kind"].isin(kinds)]
    spans = []
    for since, until in zip(rows["since"], rows["until"]):
        a = s if pd.isna(since) or since == "" else to_day(since)
        b = e if pd.isna(until) or until == "" else to_day(until) - 1
        spans.append((max(a, s), min(b, e)))
    spans = sorted(sp for sp in spans if sp[0] <= sp[1])
    gaps, cursor = [], s
    for a, b in spans:
        if a > cursor:
            gaps.append((cursor, a - 1))
        cursor = max(cursor, b + 1)
    if cursor <= e:
        gaps.append((cursor, e))
    return gaps


# -- consistency ------------------------------------------------------------------------------

CONSISTENCY_CATEGORIES = ("criteria met, Council acted", "criteria met, no Council action",
                          "Council acted, criteria not met")


def consistency(result: BacktestResult) -> pd.DataFrame:
    """Per State: did it meet the threshold in the range, and what did the Council do?

    A State met the threshold when it was triggered on at least one day of the range; the
    Council acted when the State has an outcome dated in the range.
    """
    sc = result.score
    ep, out = sc.episodes, sc.outcomes
    start = pd.Timestamp(result.start)
    in_range = ep.assign(start=ep["start"].clip(lower=start))
    met = in_range.groupby("country").agg(
        first_triggered=("start", "min"), episodes=("start", "size"),
        episodes_followed=("followed", "sum"))
    # Days before the range are not the range's: count only the part inside it.
    met["triggered_days"] = (in_range.assign(days=(in_range["end"] - in_range["start"]).dt.days + 1)
                             .groupby("country")["days"].sum())
    acted = out.assign(action=out["kind"].map(OUTCOME_LABELS).fillna(out["kind"]) + " "
                       + out["reference"] + " (" + out["date"].dt.strftime("%Y-%m-%d") + ")")
    acts = acted.groupby("country").agg(council_action=("action", "; ".join),
                                        outcomes=("reference", "size"),
                                        outcomes_warned=("warned", "sum"))
    table = met.join(acts, how="outer").reset_index().rename(columns={"index": "country"})
    has_met = table["episodes"].fillna(0) > 0
    has_acted = table["outcomes"].fillna(0) > 0
    table["category"] = np.where(has_met & has_acted, CONSISTENCY_CATEGORIES[0],
                                 np.where(has_met, CONSISTENCY_CATEGORIES[1], CONSISTENCY_CATEGORIES[2]))
    for col in ("episodes", "episodes_followed", "outcomes", "outcomes_warned", "triggered_days"):
        table[col] = table[col].fillna(0).astype(int)
    table["council_action"] = table["council_action"].fillna("nothing")
    order = {c: i for i, c in enumerate(CONSISTENCY_CATEGORIES)}
    table = table.sort_values(["category", "triggered_days"], key=lambda s: s.map(order)
                              if s.name == "category" else -s, kind="stable")
    return table[["country", "category", "first_triggered", "triggered_days", "episodes",
                  "episodes_followed", "council_action", "outcomes", "outcomes_warned"]] \
        .reset_index(drop=True)


# -- the parameter sweep ----------------------------------------------------------------------

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

    def __init__(self, ctx: _Context, variants: list[RuleSet]):
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
    ctx = _context(data, outcomes, start, end, lookback_days, horizon_days)
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
        score = _score(ctx, "rules", _on_codes(ctx, count >= variant.min_criteria), tables=False)
        rows.append({x_path: xv, y_path: yv, **score.metrics})
        if progress is not None:
            progress(i + 1, len(points))
    return pd.DataFrame(rows).sort_values([x_path, y_path], kind="stable").reset_index(drop=True)


def _is_threshold(path: str) -> bool:
    return path == "min_criteria" or path.rsplit(".", 1)[-1] in THRESHOLD_FIELDS.values()

"""Tables, sentences and charts for the Back-test, Consistency and Track record pages.

Pure shaping of triggers.backtest results for display; no Streamlit here, so every function is
tested directly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from triggers.backtest import (
    THRESHOLD_FIELDS,
    BacktestResult,
    backtest,
    consistency,
)
from triggers.outcomes import OUTCOME_LABELS
from triggers.prepared import Prepared
from triggers.rules import RuleSet
from triggers.vocabulary import country_name

# The Council's first session opened on 19 June 2006: no outcome can be older.
COUNCIL_FIRST_DAY = "2006-06-19"


def declared_coverage(sources: pd.DataFrame) -> pd.DataFrame | None:
    """frames.load_coverage() as loading periods per issuer kind: [kind, since, until).

    A source counts as loaded from its first to its last stored signal; `until` is the day
    after the last (exclusive, as in the back-test's `declared` argument).
    """
    if sources is None or sources.empty:
        return None
    rows = []
    for kinds, first, last in zip(sources["issuer_kinds"], sources["first_date"], sources["last_date"]):
        for kind in kinds:
            rows.append({"kind": kind, "since": first,
                         "until": None if pd.isna(last) else pd.Timestamp(last) + pd.Timedelta(days=1)})
    return pd.DataFrame(rows, columns=["kind", "since", "until"])


def run(prepared: Prepared, rules: RuleSet, outcomes: pd.DataFrame, start, end, lookback: int,
        horizon: int, sources: pd.DataFrame | None = None) -> BacktestResult:
    """The back-test as the pages run it: stored outcomes, warnings from the loaded sources."""
    return backtest(prepared, rules, outcomes, start, end, lookback, horizon,
                    declared_coverage(sources))


def _names(codes, names: dict[str, str] | None) -> list[str]:
    names = names or {}
    return [names.get(c) or country_name(c) for c in codes]


def pct(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.0%}"


def days_text(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.0f}"


def metrics_display(result: BacktestResult) -> pd.DataFrame:
    """One row per method, in words and percentages."""
    m = result.metrics_table()
    return pd.DataFrame({
        "Method": m["label"].str.capitalize(),
        "Outcomes": m["outcomes"],
        "Warned": m["warned"],
        "Recall": [pct(v) for v in m["recall"]],
        "Episodes": m["episodes"],
        "Followed": m["followed"],
        "Precision": [pct(v) for v in m["precision"]],
        "Median lead (days)": [days_text(v) for v in m["lead_days_median"]],
        "Lead, quartiles (days)": [f"{days_text(a)}–{days_text(b)}" if a is not None and not pd.isna(a) else "—"
                                   for a, b in zip(m["lead_days_q1"], m["lead_days_q3"])],
        "False alarms a year": [f"{v:.1f}" for v in m["false_alarms_per_year"]],
        "State-days triggered": [pct(v) for v in m["triggered_share"]],
    })


def _criteria_titles(rules: RuleSet, ids: str) -> str:
    titles = {c.id: c.title or c.id for c in rules.criteria}
    return "; ".join(titles.get(i, i) for i in ids.split(";") if i)


def outcome_display(result: BacktestResult, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Per outcome: warned or not, lead time, criteria, and whether each baseline warned it."""
    t = result.score.outcomes
    out = pd.DataFrame({
        "State": _names(t["country"], names),
        "ISO3": t["country"].to_numpy(),
        "Date": t["date"].dt.strftime("%Y-%m-%d").to_numpy(),
        "Outcome": t["kind"].map(OUTCOME_LABELS).fillna(t["kind"]).to_numpy(),
        "Reference": t["reference"].to_numpy(),
        "Title": t["title"].to_numpy(),
        "Warned": t["warned"].to_numpy(),
        "Lead (days)": t["lead_days"].to_numpy(),
        "Episode began": t["episode_start"].dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
        "Criteria met when it began": [_criteria_titles(result.rules, c) for c in t["criteria_at_start"]],
    })
    for method, label in (("previous_outcome", "Previous-outcome baseline warned"),
                          ("any_signal", "Any-signal baseline warned")):
        if method in result.scores:
            out[label] = result.scores[method].outcomes["warned"].to_numpy()
    return out


def episode_display(result: BacktestResult, names: dict[str, str] | None = None) -> pd.DataFrame:
    t = result.score.episodes
    edge = np.where(t["began_before_range"] & t["ongoing_at_end"], "began before and runs past the range",
                    np.where(t["began_before_range"], "began before the range",
                             np.where(t["ongoing_at_end"], "still triggered at the range end", "")))
    return pd.DataFrame({
        "State": _names(t["country"], names),
        "ISO3": t["country"].to_numpy(),
        "First day": t["start"].dt.strftime("%Y-%m-%d").to_numpy(),
        "Last day": t["end"].dt.strftime("%Y-%m-%d").to_numpy(),
        "Days": t["days"].to_numpy(),
        "Followed": t["followed"].to_numpy(),
        "Council outcome": [f"{OUTCOME_LABELS.get(k, k)} {r}" if f else ""
                            for f, k, r in zip(t["followed"], t["outcome_kind"], t["outcome_reference"])],
        "Days to outcome": t["days_to_outcome"].to_numpy(),
        "Criteria met on the first day": [_criteria_titles(result.rules, c) for c in t["criteria_at_start"]],
        "Range edge": edge,
        "Follow-up window past the range": t["horizon_past_end"].to_numpy(),
    })


def consistency_display(result: BacktestResult, names: dict[str, str] | None = None) -> pd.DataFrame:
    t = consistency(result)
    return pd.DataFrame({
        "State": _names(t["country"], names),
        "ISO3": t["country"].to_numpy(),
        "Finding": t["category"].to_numpy(),
        "Threshold first met in the period": t["first_triggered"].dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
        "Days triggered in the period": t["triggered_days"].to_numpy(),
        "What the Council did": t["council_action"].to_numpy(),
        "Outcomes warned": [f"{w} of {n}" if n else "" for w, n in zip(t["outcomes_warned"], t["outcomes"])],
    })


def track_record_sentences(result: BacktestResult) -> list[str]:
    """The record in a few plain sentences, the rule set first, then the baselines."""
    m = result.score.metrics
    L, H = result.lookback_days, result.horizon_days
    out = []
    if m["outcomes"]:
        lead = ""
        if m["warned"]:
            lead = (f", typically {m['lead_days_median']:.0f} days before it acted (half of the leads "
                    f"between {m['lead_days_q1']:.0f} and {m['lead_days_q3']:.0f} days)")
        out.append(f"From {result.start} to {result.end} the Council acted {m['outcomes']} times on a "
                   f"State (special sessions, inquiries, fact-finding missions, urgent debates). In the "
                   f"{L} days before {m['warned']} of them ({pct(m['recall'])}) the criteria were met"
                   f"{lead}.")
    else:
        out.append(f"No Council outcome on a State is recorded from {result.start} to {result.end}.")
    if m["episodes"]:
        out.append(f"The criteria were met in {m['episodes']} separate periods; the Council acted on "
                   f"the State during or within {H} days after {m['followed']} of them "
                   f"({pct(m['precision'])}). The other {m['false_alarms']} "
                   f"({m['false_alarms_per_year']:.1f} a year) were not followed by Council action, "
                   f"which is what the criteria are meant to make visible, not necessarily an error.")
    for method, what in (("previous_outcome", "Simply expecting the Council to return to States it acted "
                                              "on in the previous two years"),
                         ("any_signal", "Treating any expression of concern as a warning")):
        b = result.scores.get(method)
        if b is not None and b.metrics["outcomes"]:
            out.append(f"{what} would have warned {pct(b.metrics['recall'])} of the outcomes, with a "
                       f"precision of {pct(b.metrics['precision'])}.")
    return out


def sweep_parameters(rules: RuleSet) -> dict[str, str]:
    """Sweepable parameters of a rule set: path -> label."""
    out = {"window_days": "Window (days), for every criterion without its own",
           "min_criteria": "Criteria required (min_criteria)"}
    for c in rules.enabled_criteria:
        fld = THRESHOLD_FIELDS[c.type]
        out[f"{c.id}.{fld}"] = f"{c.title or c.id}: {fld.replace('_', ' ')}"
        out[f"{c.id}.window_days"] = f"{c.title or c.id}: own window (days)"
    return out


def parse_values(text: str, what: str = "values") -> list[int]:
    """'1, 2, 4-6' -> [1, 2, 4, 5, 6]; a ValueError names the bad part and what is allowed."""
    values: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        lo, sep, hi = part.partition("-")
        try:
            if sep:
                a, b = int(lo), int(hi)
                if b < a:
                    raise ValueError
                values.extend(range(a, b + 1))
            else:
                values.append(int(part))
        except ValueError:
            raise ValueError(f"{what}: {part!r} is not a whole number or a range like 2-6; "
                             "write numbers separated by commas, e.g. 90, 180, 365") from None
    if not values:
        raise ValueError(f"{what}: give at least one number, e.g. 90, 180, 365")
    if len(set(values)) > 25:
        raise ValueError(f"{what}: at most 25 values (got {len(set(values))}); the sweep runs every pair")
    return sorted(set(values))


def sweep_figure(table: pd.DataFrame, x: str, y: str, labels: dict[str, str] | None = None) -> go.Figure:
    """Two heatmaps side by side: recall and precision at each (x, y) point."""
    labels = labels or {}
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Recall (outcomes warned)",
                                                        "Precision (episodes followed)"),
                        horizontal_spacing=0.12)
    for col, metric in enumerate(("recall", "precision"), start=1):
        grid = table.pivot(index=y, columns=x, values=metric).astype(float)
        text = [[pct(v) for v in row] for row in grid.to_numpy()]
        fig.add_trace(go.Heatmap(z=grid.to_numpy(), x=[str(v) for v in grid.columns],
                                 y=[str(v) for v in grid.index], zmin=0, zmax=1,
                                 colorscale="Blues", text=text, texttemplate="%{text}",
                                 showscale=col == 2, hovertemplate=f"{x}=%{{x}}<br>{y}=%{{y}}<br>"
                                 f"{metric}=%{{text}}<extra></extra>"), row=1, col=col)
        fig.update_xaxes(title_text=labels.get(x, x), type="category", row=1, col=col)
        fig.update_yaxes(title_text=labels.get(y, y), type="category", row=1, col=col)
    fig.update_layout(height=420, margin=dict(l=10, r=10, t=40, b=10))
    return fig

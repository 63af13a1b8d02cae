"""The Back-test page's sweep for display: the thresholds a sweep may vary, the values typed for
each axis, and the heat map of a metric over two of them. No Streamlit here."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from prevention.web.views.backtest import pct
from triggers.backtest import THRESHOLD_FIELDS
from triggers.rules import RuleSet


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

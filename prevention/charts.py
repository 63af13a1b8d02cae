"""The dashboard's plotly figures, built from the tables in prevention.views (no Streamlit)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from prevention import geo
from prevention.views import STATUS_COLOURS, STATUS_SHAPES, status_label
from triggers.outcomes import OUTCOME_LABELS

_ORDER = [status_label(s) for s in ("triggered", "watch", "clear")]
_COLOURS = {status_label(s): c for s, c in STATUS_COLOURS.items()}


def status_map(table: pd.DataFrame, title: str = "", outlines: str | None = None) -> go.Figure:
    """World map of status, one colour per status with the shape and word in the legend.

    Outlines come from the vendored file in prevention.geo (no CDN): inline by default (a
    figure that works on its own, for exports), or the URL the app serves them at, which keeps
    the page's figure small. Very small States are not in the 1:110m outlines; the table has
    them."""
    world = outlines or geo.world()
    # Built from graph objects, not plotly.express: express costs a few hundred ms a render.
    ids = geo.world_ids()
    traces = [go.Choropleth(geojson=world, featureidkey="id", locations=ids, z=[0] * len(ids),
                            colorscale=[[0, "#e6e6e6"], [1, "#e6e6e6"]], showscale=False,
                            hoverinfo="skip", showlegend=False,
                            marker={"line": {"color": "#999", "width": 0.3}})]
    for label in _ORDER:
        part = table[table["Status"] == label]
        traces.append(go.Choropleth(
            geojson=world, featureidkey="id", locations=part["ISO3"].tolist(), z=[1] * len(part),
            colorscale=[[0, _COLOURS[label]], [1, _COLOURS[label]]], showscale=False,
            name=label, showlegend=True, legendgroup=label,
            customdata=list(zip(part["State"], part["Criteria met"])),
            hovertemplate="<b>%{customdata[0]}</b> (%{location})<br>" + label
                          + "<br>criteria met: %{customdata[1]}<extra></extra>",
            marker={"line": {"color": "#555", "width": 0.4}}))
    fig = go.Figure(traces)
    fig.update_geos(visible=False, projection_type="natural earth", lataxis_range=[-58, 85],
                    showframe=False)
    fig.update_layout(margin=dict(l=0, r=0, t=30 if title else 0, b=0), title_text=title,
                      legend_title_text="Status", height=420)
    return fig


def country_timeline(counts: pd.DataFrame, met: pd.DataFrame, episodes: pd.DataFrame,
                     outcomes: pd.DataFrame, title: str = "") -> go.Figure:
    """Signals per month by issuer kind (bars), criteria met (line), triggered episodes
    (shaded) and Council outcomes (dotted lines with their reference)."""
    fig = go.Figure()
    for kind, part in counts.groupby("issuer kind"):
        fig.add_bar(x=part["month"], y=part["signals"], name=str(kind), yaxis="y")
    if not met.empty:
        fig.add_scatter(x=met["date"], y=met["criteria_met"], name="criteria met",
                        mode="lines", line=dict(color="#000", width=2, shape="hv"), yaxis="y2")
    for ep in episodes.itertuples():
        fig.add_vrect(x0=ep.start, x1=ep.end + pd.Timedelta(days=1), fillcolor=STATUS_COLOURS["triggered"],
                      opacity=0.15, line_width=0, layer="below")
    if len(episodes):
        # A legend entry for the shading, which add_vrect does not create.
        fig.add_scatter(x=[None], y=[None], mode="markers", name=f"{STATUS_SHAPES['triggered']} triggered episode",
                        marker=dict(symbol="square", size=12, color=STATUS_COLOURS["triggered"], opacity=0.3))
    for o in outcomes.itertuples():
        fig.add_vline(x=o.date, line_dash="dot", line_color="#0072B2")
        fig.add_annotation(x=o.date, y=1, yref="paper", text=f"{o.reference}", showarrow=False,
                           textangle=-90, xanchor="right", yanchor="top", font=dict(size=10, color="#0072B2"),
                           hovertext=f"{OUTCOME_LABELS.get(o.kind, o.kind)}: {o.title}")
    fig.update_layout(
        barmode="stack", height=380, title_text=title, margin=dict(l=0, r=0, t=30 if title else 10, b=0),
        yaxis=dict(title="signals per month"),
        yaxis2=dict(title="criteria met", overlaying="y", side="right", rangemode="tozero",
                    dtick=1, showgrid=False),
        xaxis=dict(type="date", tickformat="%Y-%m"),
        legend=dict(orientation="h", y=-0.15),
    )
    return fig

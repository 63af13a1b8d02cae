"""The dashboard's plotly figures, built from the tables in prevention.web.views (no Streamlit)."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from prevention.web import geo
from prevention.web.views import (
    STATUS_COLOURS,
    STATUS_MEANINGS,
    STATUS_SHAPES,
    status_label,
)
from triggers.outcomes import OUTCOME_LABELS
from triggers.vocabulary import STATUS_ORDER

# Territories the table does not list (not evaluated): lighter than the undetermined grey, so
# "not on the list" and "the data cannot tell" stay apart.
_BACKGROUND = "#f4f4f4"
# A State's fill is a tint of its status colour, and its weight on the map is one marker of
# one size at its label point: Russia's area must not outweigh Tuvalu's marker.
_FILL_OPACITY = 0.45
# The marker of each status: the legend's shape, so that status never rests on colour alone
# (▲ triggered, ◆ watch, ○ clear; undetermined a small grey dot, its own class: the data
# loaded cannot tell, neither clear nor not assessed).
_MARKERS = {
    "triggered": dict(symbol="triangle-up", size=12, line=dict(color="#5a2000", width=0.8)),
    "watch": dict(symbol="diamond", size=11, line=dict(color="#5a3c00", width=0.8)),
    "undetermined": dict(symbol="circle", size=5, line=dict(color="#444", width=0.6)),
    "clear": dict(symbol="circle-open", size=10, line=dict(width=2)),
}
_OUTLINES = {"undetermined": {"color": "#555", "width": 0.7}}
_DEFAULT_OUTLINE = {"color": "#666", "width": 0.4}
NOT_ASSESSED = "not assessed (territories without signals)"


def status_map(table: pd.DataFrame, title: str = "", outlines: str | None = None) -> go.Figure:
    """World map of status: each State once, as a marker of its status's shape and colour at
    its label point (geo.label_points), over its outline tinted in that colour; States too
    small for the 1:110m outlines (Andorra, Tuvalu, ...) are their marker alone. The legend
    counts each status and names the territories not assessed.

    Outlines come from the vendored file in prevention.web.geo (no CDN): inline by default (a
    figure that works on its own, for exports), or the URL the app serves them at, which keeps
    the page's figure small. exports.figure_image hands plotly.js the base layer as well."""
    world = outlines or geo.world()
    points = geo.label_points()
    # Built from graph objects, not plotly.express: express costs a few hundred ms a render.
    ids = geo.world_ids()
    traces = [go.Choropleth(geojson=world, featureidkey="id", locations=ids, z=[0] * len(ids),
                            colorscale=[[0, _BACKGROUND], [1, _BACKGROUND]], showscale=False,
                            hoverinfo="skip", showlegend=False,
                            marker={"line": {"color": "#bbb", "width": 0.3}})]
    markers = []
    # One trace per status, most pressing first, each in the legend with its count even when
    # empty: the legend is where a reader learns that grey is "undetermined", not "clear".
    for rank, status in enumerate(STATUS_ORDER):
        label = status_label(status)
        colour = STATUS_COLOURS[status]
        part = table[table["Status"] == label]
        # The meaning in short lines: one long line runs off a phone's screen.
        meaning = "<br>".join(textwrap.wrap(f"{label}: {STATUS_MEANINGS[status]}", 44))
        hover = ("<b>%{customdata[0]}</b> (%{customdata[1]})<br>" + meaning
                 + "<br>criteria met: %{customdata[2]}<extra></extra>")
        custom = list(zip(part["State"], part["ISO3"], part["Criteria met"]))
        if len(part):
            traces.append(go.Choropleth(
                geojson=world, featureidkey="id", locations=part["ISO3"].tolist(),
                z=[1] * len(part), colorscale=[[0, colour], [1, colour]], showscale=False,
                showlegend=False, legendgroup=label, customdata=custom, hovertemplate=hover,
                marker={"line": _OUTLINES.get(status, _DEFAULT_OUTLINE), "opacity": _FILL_OPACITY}))
        placed = [(points[c], row) for c, row in zip(part["ISO3"], custom) if c in points]
        style = dict(_MARKERS[status])
        style["line"] = dict(style["line"], color=style["line"].get("color", colour))
        markers.append(go.Scattergeo(
            lon=[p[0] for p, _ in placed] or [None], lat=[p[1] for p, _ in placed] or [None],
            mode="markers", name=f"{label} ({len(part)})", legendgroup=label, showlegend=True,
            legendrank=rank + 1,
            customdata=[r for _, r in placed] or None, hovertemplate=hover if placed else None,
            hoverinfo=None if placed else "skip", marker=dict(style, color=colour)))
    # The most pressing drawn last, on top.
    traces += markers[::-1]
    traces.append(go.Scattergeo(lon=[None], lat=[None], mode="markers", name=NOT_ASSESSED,
                                showlegend=True, hoverinfo="skip", legendrank=len(STATUS_ORDER) + 1,
                                marker=dict(symbol="square", size=12, color=_BACKGROUND,
                                            line={"color": "#bbb", "width": 1})))
    fig = go.Figure(traces)
    fig.update_geos(visible=False, projection_type="natural earth", lataxis_range=[-58, 85],
                    showframe=False)
    # The legend under the map, left-aligned, ordered as added (most pressing first): never
    # at the top, where plotly's toolbar sits, and on a phone it wraps below the map instead
    # of covering it.
    fig.update_layout(margin=dict(l=0, r=0, t=30 if title else 24, b=0), title_text=title,
                      legend=dict(title_text="Status", orientation="h", x=0, xanchor="left",
                                  y=-0.02, yanchor="top", traceorder="normal",
                                  itemclick="toggleothers"),
                      height=460)
    return fig


MAX_OUTCOME_LABELS = 3  # references printed at one place; the hover lists them all
# Two outcomes closer than this share of the time axis share one label: a rotated label is
# about 14 px wide, and the chart is about 600 px wide on a laptop, 350 on a phone.
OUTCOME_LABEL_SPACING = 0.04


def outcome_label_groups(outcomes: pd.DataFrame, start=None, end=None) -> list[list[dict]]:
    """Council outcomes in date order, grouped so that each group's first date is at least
    OUTCOME_LABEL_SPACING of the time axis after the previous group's last one."""
    if outcomes is None or outcomes.empty:
        return []
    rows = sorted(outcomes.to_dict("records"), key=lambda o: pd.Timestamp(o["date"]))
    dates = [pd.Timestamp(o["date"]) for o in rows]
    lo = pd.Timestamp(start) if start is not None else dates[0]
    hi = pd.Timestamp(end) if end is not None else dates[-1]
    gap = max((hi - lo).days, 1) * OUTCOME_LABEL_SPACING
    groups: list[list[dict]] = []
    last = None
    for day, row in zip(dates, rows):
        if groups and (day - last).days < gap:
            groups[-1].append(row)
        else:
            groups.append([row])
        last = day
    return groups


BAND_ROW_PX = 26  # height of one issuer kind's coverage strip: its label above its line
# Row i of the strips: its label sits just above i, its line just below, so they never overlap.
_LABEL_ABOVE, _LINE_BELOW = 0.15, 0.05
_SEARCHED = {"complete": ("searched completely", "#009E73", "solid"),
             "sample": ("searched in part (sample)", "#56B4E9", "dot")}


def country_timeline(counts: pd.DataFrame, met: pd.DataFrame, episodes: pd.DataFrame,
                     outcomes: pd.DataFrame, title: str = "", bands: pd.DataFrame | None = None,
                     band_kinds: list[str] | None = None, start=None, end=None) -> go.Figure:
    """Signals per month by issuer kind (bars), criteria met (line), triggered episodes
    (shaded) and Council outcomes (dotted lines with their reference); below them, one strip
    per issuer kind in `band_kinds` (labels) showing the days `bands`
    (views.coverage_bands) says were searched: solid for complete rows, dotted for samples.
    A strip with nothing in it says "no source loaded", so a quiet stretch of the bars is not
    read as a quiet stretch of the world."""
    kinds = list(band_kinds or [])
    base_h = 380
    strip_h = BAND_ROW_PX * len(kinds) + (30 if kinds else 0)
    height = base_h + strip_h
    split = strip_h / height
    fig = go.Figure()
    for kind, part in counts.groupby("issuer kind"):
        fig.add_bar(x=part["month"], y=part["signals"], name=str(kind), yaxis="y")
    if not met.empty:
        fig.add_scatter(x=met["date"], y=met["criteria_met"], name="criteria met",
                        mode="lines", line=dict(color="#000", width=2, shape="hv"), yaxis="y2")
    for ep in episodes.itertuples():
        fig.add_vrect(x0=ep.start, x1=ep.end + pd.Timedelta(days=1), fillcolor=STATUS_COLOURS["triggered"],
                      opacity=0.15, line_width=0, layer="below", yref="y" if kinds else "paper")
    if len(episodes):
        # A legend entry for the shading, which add_vrect does not create.
        fig.add_scatter(x=[None], y=[None], mode="markers", name=f"{STATUS_SHAPES['triggered']} triggered episode",
                        marker=dict(symbol="square", size=12, color=STATUS_COLOURS["triggered"], opacity=0.3))
    for o in outcomes.itertuples():
        fig.add_vline(x=o.date, line_dash="dot", line_color="#0072B2")
    # Outcomes close in time share one label (their references one per line, side by side
    # once rotated), so that labels never print over each other.
    for group in outcome_label_groups(outcomes, start, end):
        refs = list(dict.fromkeys(str(o["reference"]) for o in group))  # each reference once
        shown = refs[:MAX_OUTCOME_LABELS] + ([f"+{len(refs) - MAX_OUTCOME_LABELS} more"]
                                            if len(refs) > MAX_OUTCOME_LABELS else [])
        hover = "<br>".join(f"{pd.Timestamp(o['date']):%Y-%m-%d} "
                            f"{OUTCOME_LABELS.get(o['kind'], o['kind'])}: {o['reference']}"
                            for o in group)
        fig.add_annotation(x=group[0]["date"], y=1, yref="paper", text="<br>".join(shown),
                           showarrow=False, textangle=-90, xanchor="right", yanchor="top",
                           align="right", font=dict(size=10, color="#0072B2"), hovertext=hover,
                           bgcolor="rgba(255,255,255,0.85)")
    labels = kinds
    if kinds:
        labels = _coverage_strips(fig, bands if bands is not None else pd.DataFrame(), kinds)
    fig.update_layout(
        barmode="stack", height=height, title_text=title,
        margin=dict(l=0, r=0, t=30 if title else 10, b=0),
        yaxis=dict(title="signals per month", domain=[split + 0.07 if kinds else 0, 1]),
        yaxis2=dict(title="criteria met", overlaying="y", side="right", rangemode="tozero",
                    dtick=1, showgrid=False),
        xaxis=dict(type="date", tickformat="%Y-%m",
                   range=[pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)]
                   if start is not None and end is not None else None),
        legend=dict(orientation="h", y=-0.15 if not kinds else -0.04, yanchor="top"),
    )
    if kinds:
        # Labels inside the plot, above their strip: beside it they would take half the
        # width of a phone's screen.
        fig.update_layout(yaxis3=dict(domain=[0, split], anchor="x", range=[len(kinds) - 0.5, -1.0],
                                      tickvals=[i - _LABEL_ABOVE for i in range(len(kinds))],
                                      ticktext=labels,
                                      ticklabelposition="inside top", tickfont=dict(size=10, color="#444"),
                                      ticks="", showgrid=False, zeroline=False, fixedrange=True))
    return fig


def _coverage_strips(fig: go.Figure, bands: pd.DataFrame, kinds: list[str]) -> list[str]:
    """One horizontal line per searched span on its kind's row of the third y axis; each
    completeness is one trace, spans separated by gaps, so the legend has one entry each.
    Returns the rows' labels, ': no source loaded' after a kind with no span at all."""
    row = {k: i for i, k in enumerate(kinds)}
    for completeness, (name, colour, dash) in _SEARCHED.items():
        part = bands[bands["completeness"] == completeness] if len(bands) else bands
        xs, ys, hover = [], [], []
        for b in part.itertuples(index=False):
            y = row.get(b[1])  # the "issuer kind" label column
            if y is None:
                continue
            text = f"{b[1]}: {name}, {b.start:%Y-%m-%d} to {b.end:%Y-%m-%d}"
            xs += [b.start, b.end + pd.Timedelta(days=1), None]
            ys += [y + _LINE_BELOW, y + _LINE_BELOW, None]
            hover += [text, text, None]
        fig.add_scatter(x=xs or [None], y=ys or [None], yaxis="y3", mode="lines", name=name,
                        legendgroup=name, line=dict(color=colour, width=BAND_ROW_PX * 0.25, dash=dash),
                        hovertext=hover or None, hoverinfo="text")
    searched = set(bands["issuer kind"]) if len(bands) else set()
    return [k if k in searched else f"{k}: no source loaded" for k in kinds]

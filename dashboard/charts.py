"""Altair charts drawn from slices of the metric layer's long table.

Every chart colours groups with the same mapping (``colours``: label -> hex), so a
centre keeps its colour across pages; in-house centres are blue, vendors warm/green.
Frames are expected to carry ``centre_name`` (the group label) and ``metric_name``.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

WIDTH = 250
HEIGHT = 170


def _colour(colours: dict[str, str], title: str = "Centre") -> alt.Color:
    return alt.Color(
        "centre_name:N",
        title=title,
        scale=alt.Scale(domain=list(colours), range=list(colours.values())),
        legend=alt.Legend(orient="top"),
    )


def trend_small_multiples(weekly: pd.DataFrame, colours: dict[str, str]) -> alt.FacetChart:
    """One panel per metric: weekly value per group, with its confidence band."""
    base = alt.Chart().encode(
        x=alt.X("period_start:T", title=None, axis=alt.Axis(format="%d %b", labelAngle=0)),
        color=_colour(colours),
    )
    band = base.mark_area(opacity=0.12).encode(y="ci_low:Q", y2="ci_high:Q")
    value = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False))
    line = base.mark_line().encode(y=value)
    # Provisional values (repeat window still open) are drawn as hollow points.
    points = base.mark_point(size=24, filled=False).encode(
        y=value,
        fill=alt.condition("datum.provisional", alt.value("white"),
                           alt.Fill("centre_name:N", legend=None,
                                    scale=alt.Scale(domain=list(colours),
                                                    range=list(colours.values())))),
        tooltip=[
            alt.Tooltip("centre_name:N", title="Centre"),
            alt.Tooltip("period_start:T", title="Week of", format="%d %b %Y"),
            alt.Tooltip("metric_name:N", title="Metric"),
            alt.Tooltip("value:Q", format=".1f"),
            alt.Tooltip("ci_low:Q", title="CI low", format=".1f"),
            alt.Tooltip("ci_high:Q", title="CI high", format=".1f"),
            alt.Tooltip("n:Q", format=","),
            alt.Tooltip("provisional:N"),
        ],
    )
    return (
        alt.layer(band, line, points, data=weekly)
        .properties(width=WIDTH, height=HEIGHT)
        .facet(facet=alt.Facet("metric_name:N", title=None, sort=None), columns=3)
        .resolve_scale(y="independent")
    )


def interval_dots(table: pd.DataFrame, colours: dict[str, str]) -> alt.FacetChart:
    """Value per group with its interval as an error bar, one panel per metric."""
    base = alt.Chart().encode(
        y=alt.Y("centre_name:N", title=None, sort=list(colours)),
        color=_colour(colours),
    )
    bars = base.mark_rule(strokeWidth=2).encode(x=alt.X("ci_low:Q", title=None), x2="ci_high:Q")
    dots = base.mark_point(filled=True, size=70).encode(
        x=alt.X("value:Q", scale=alt.Scale(zero=False)),
        tooltip=[
            alt.Tooltip("centre_name:N", title="Centre"),
            alt.Tooltip("metric_name:N", title="Metric"),
            alt.Tooltip("value:Q", format=".1f"),
            alt.Tooltip("ci_low:Q", title="CI low", format=".1f"),
            alt.Tooltip("ci_high:Q", title="CI high", format=".1f"),
            alt.Tooltip("gap:Q", title="Gap to baseline", format="+.1f"),
            alt.Tooltip("p_value:Q", title="p", format=".3f"),
            alt.Tooltip("n:Q", format=","),
        ],
    )
    return (
        alt.layer(bars, dots, data=table)
        .properties(width=WIDTH, height=28 * max(len(colours), 2))
        .facet(facet=alt.Facet("metric_name:N", title=None, sort=None), columns=3)
        .resolve_scale(x="independent")
    )


def quadrant(points: pd.DataFrame, colours: dict[str, str], label: str) -> alt.LayerChart:
    """Handle time (x) against CSAT (y); bubble area is volume. Good is top-left."""
    scatter = (
        alt.Chart(points)
        .mark_circle(opacity=0.75, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("aht_s:Q", title="Average handle time (seconds)", scale=alt.Scale(zero=False)),
            y=alt.Y("csat_pct:Q", title="CSAT (% satisfied)", scale=alt.Scale(zero=False)),
            size=alt.Size("contacts:Q", title="Contacts", scale=alt.Scale(range=[30, 1500])),
            color=_colour(colours),
            tooltip=[
                alt.Tooltip("centre_name:N", title="Centre"),
                alt.Tooltip(f"{label}:N"),
                alt.Tooltip("aht_s:Q", title="AHT (s)", format=".0f"),
                alt.Tooltip("csat_pct:Q", title="CSAT %", format=".1f"),
                alt.Tooltip("csat_n:Q", title="CSAT responses", format=","),
                alt.Tooltip("contacts:Q", format=","),
            ],
        )
    )
    mean_x = alt.Chart(points).mark_rule(strokeDash=[4, 4], color="#888").encode(x="mean(aht_s):Q")
    mean_y = alt.Chart(points).mark_rule(strokeDash=[4, 4], color="#888").encode(
        y="mean(csat_pct):Q"
    )
    return alt.layer(scatter, mean_x, mean_y).properties(height=380)


def volume_and_quality(weekly: pd.DataFrame, colours: dict[str, str],
                       quality_metrics: list[str]) -> alt.VConcatChart:
    """Weekly volume above weekly quality metrics, on one time axis, to see the peak."""
    x = alt.X("period_start:T", title=None, axis=alt.Axis(format="%d %b"))
    volume = (
        alt.Chart(weekly[weekly.metric == "contacts"])
        .mark_line(point=True)
        .encode(x=x, y=alt.Y("value:Q", title="Contacts"), color=_colour(colours),
                tooltip=["centre_name:N", alt.Tooltip("period_start:T", format="%d %b"),
                         alt.Tooltip("value:Q", title="Contacts", format=",")])
        .properties(height=160, width=820)
    )
    panels = [
        alt.Chart(weekly[weekly.metric == metric])
        .mark_line(point=True)
        .encode(x=x, y=alt.Y("value:Q", title=weekly.loc[weekly.metric == metric,
                                                          "metric_name"].iloc[0],
                             scale=alt.Scale(zero=False)),
                color=_colour(colours),
                tooltip=["centre_name:N", alt.Tooltip("period_start:T", format="%d %b"),
                         alt.Tooltip("value:Q", format=".1f"), alt.Tooltip("n:Q")])
        .properties(height=160, width=820)
        for metric in quality_metrics
        if (weekly.metric == metric).any()
    ]
    return alt.vconcat(volume, *panels)


def contribution_bars(contributions: pd.DataFrame, category: str, value: str,
                      title: str) -> alt.Chart:
    """Signed horizontal bars, largest absolute first: what drives a gap."""
    ordered = contributions.assign(_abs=contributions[value].abs()).sort_values(
        "_abs", ascending=False
    )
    return (
        alt.Chart(ordered)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", sort=list(ordered[category]), title=None),
            x=alt.X(f"{value}:Q", title=title),
            color=alt.condition(f"datum['{value}'] < 0", alt.value("#D55E00"),
                                alt.value("#0072B2")),
            tooltip=list(contributions.columns),
        )
        .properties(height=alt.Step(26), width=480)
    )


def shares_bar(flows: pd.DataFrame, colours: dict[str, str], category: str,
               value: str, title: str) -> alt.Chart:
    """Horizontal bars of shares by category (e.g. where repeat contacts went)."""
    return (
        alt.Chart(flows)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", sort="-x", title=None),
            x=alt.X(f"{value}:Q", title=title),
            color=alt.Color(f"{category}:N", legend=None,
                            scale=alt.Scale(domain=list(colours), range=list(colours.values()))),
            tooltip=list(flows.columns),
        )
        .properties(height=alt.Step(30), width=480)
    )

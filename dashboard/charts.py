"""Altair charts drawn from slices of the metric layer's long table.

Every chart colours groups with the same mapping (``colours``: label -> hex, from
``view.group_colours``), so a centre keeps its colour across pages and selections;
in-house centres are blue, vendors warm/green. Frames are expected to carry
``centre_name`` (the group label) and ``metric_name``.

Values read as the tables do: durations as m:ss on axes and in tooltips, every tooltip
value formatted by ``formatting`` (the tables' own functions). Weekly charts put their
ticks on the weeks' Mondays.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import altair as alt
import pandas as pd

from dashboard.formatting import format_gap, format_value
from pipelines.metrics import CATALOGUE

WIDTH = 250
HEIGHT = 170
WIDE = 820
# Pixels per tick label on a weekly axis ("16 Nov" plus a gap).
WEEK_LABEL_PX = 55
HEAT_ROW_PX = 36
# Heatmap cells darker than this share of the colour scale get white text.
DARK_SHARE = 0.55
CHART_COLUMNS = [
    "period_start",
    "centre_name",
    "metric",
    "metric_name",
    "value",
    "ci_low",
    "ci_high",
    "gap",
    "p_value",
    "n",
    "provisional",
    "category",
]


def duration_label(field: str = "datum.value") -> str:
    """A Vega expression writing seconds as m:ss (h:mm:ss from an hour), rounded to the
    second like ``formatting.format_duration``."""
    s = f"round({field})"
    mm = f"floor(({s} % 3600) / 60)"
    ss = f"({s} % 60)"
    pad = "(({x}) < 10 ? '0' : '') + ({x})"
    minutes = f"({s} >= 3600 ? floor({s} / 3600) + ':' + {pad.format(x=mm)} : floor({s} / 60))"
    return f"{minutes} + ':' + {pad.format(x=ss)}"


def unit_of(metric: str) -> str:
    return CATALOGUE[metric].unit if metric in CATALOGUE else "score"


def metric_title(metric: str) -> str:
    """The metric's name for a chart: durations say m:ss, the unit their axis shows."""
    name = CATALOGUE[metric].name if metric in CATALOGUE else metric
    return f"{name} (m:ss)" if unit_of(metric) == "seconds" else name


def with_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns charts draw from ``frame`` plus tooltip texts in each row's unit:
    value_text, ci_text, gap_text, n_text (what the tables show, so a chart and a table
    never disagree). Fewer columns also keep the chart specs small and quick to build."""
    keep = [c for c in CHART_COLUMNS if c in frame]
    frame = frame[keep]
    units = (
        frame["metric"].map(unit_of) if "metric" in frame else pd.Series("score", index=frame.index)
    )

    def column(name: str) -> pd.Series:
        return frame[name] if name in frame else pd.Series(float("nan"), index=frame.index)

    values, lows, highs, gaps, ns = (column(c) for c in ["value", "ci_low", "ci_high", "gap", "n"])
    if "metric" in frame:
        frame = frame.assign(metric_name=frame["metric"].map(metric_title))
    return frame.assign(
        value_text=[format_value(v, u) for v, u in zip(values, units, strict=True)],
        ci_text=[
            f"{format_value(lo, u)} – {format_value(hi, u)}"
            for lo, hi, u in zip(lows, highs, units, strict=True)
        ],
        gap_text=[format_gap(g, u) for g, u in zip(gaps, units, strict=True)],
        n_text=[format_value(n, "count") for n in ns],
    )


def week_axis(period_starts: pd.Series, width: int = WIDTH, **kwargs) -> alt.Axis:
    """A time axis with its ticks on the weeks' Mondays (the periods' starts), thinned
    to fit ``width`` but always including the latest week."""
    mondays = sorted({pd.Timestamp(day).normalize() for day in period_starts.dropna()})
    if not mondays:
        return alt.Axis(format="%d %b", labelAngle=0, **kwargs)
    step = max(1, math.ceil(len(mondays) / max(2, width // WEEK_LABEL_PX)))
    ticks = mondays[::-1][::step][::-1]
    values = [alt.DateTime(year=d.year, month=d.month, date=d.day) for d in ticks]
    return alt.Axis(values=values, format="%d %b", labelAngle=0, labelOverlap=False, **kwargs)


def _colour(colours: dict[str, str], title: str = "Centre") -> alt.Color:
    return alt.Color(
        "centre_name:N",
        title=title,
        scale=alt.Scale(domain=list(colours), range=list(colours.values())),
        legend=alt.Legend(orient="top", labelLimit=0),
    )


def _small_multiples(
    data: pd.DataFrame,
    layers: Callable[[bool], list[alt.Chart]],
    width: int,
    height: int,
    independent: str,
) -> alt.TopLevelMixin:
    """One panel per metric (in the data's order), three to a row. Durations get their
    own facet, whose axes read m:ss; a facet shares one axis format, and one chart per
    metric would cost Altair a second per page to build."""
    parts = []
    for durations in (False, True):
        rows = data[(data["metric"].map(unit_of) == "seconds") == durations]
        if rows.empty:
            continue
        parts.append(
            alt.layer(*layers(durations), data=rows)
            .properties(width=width, height=height)
            .facet(
                facet=alt.Facet(
                    "metric_name:N",
                    title=None,
                    sort=list(dict.fromkeys(rows["metric_name"])),
                    header=alt.Header(labelFontWeight="bold"),
                ),
                columns=3,
            )
            .resolve_scale(**{independent: "independent"})
        )
    if not parts:
        return (
            alt.Chart(pd.DataFrame({"text": ["No data for this selection."]}))
            .mark_text(align="left", color="#666")
            .encode(text="text:N")
            .properties(width=width, height=30)
        )
    return parts[0] if len(parts) == 1 else alt.vconcat(*parts).resolve_scale(color="shared")


def _value_axis(durations: bool) -> alt.Axis:
    return alt.Axis(labelExpr=duration_label()) if durations else alt.Axis()


def trend_small_multiples(weekly: pd.DataFrame, colours: dict[str, str]) -> alt.TopLevelMixin:
    """One panel per metric: weekly value per group, with its confidence band."""
    weekly = with_text(weekly)
    x = alt.X("period_start:T", title=None, axis=week_axis(weekly["period_start"]))
    fill_scale = alt.Scale(domain=list(colours), range=list(colours.values()))

    def layers(durations: bool) -> list[alt.Chart]:
        base = alt.Chart().encode(x=x, color=_colour(colours))
        y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False), axis=_value_axis(durations))
        band = base.mark_area(opacity=0.12).encode(
            y=alt.Y("ci_low:Q", title=None, axis=_value_axis(durations)), y2="ci_high:Q"
        )
        line = base.mark_line().encode(y=y)
        # Provisional values (repeat window still open) are drawn as hollow points.
        points = base.mark_point(size=24, filled=False).encode(
            y=y,
            fill=alt.condition(
                "datum.provisional",
                alt.value("white"),
                alt.Fill("centre_name:N", legend=None, scale=fill_scale),
            ),
            tooltip=[
                alt.Tooltip("centre_name:N", title="Centre"),
                alt.Tooltip("period_start:T", title="Week of", format="%a %d %b %Y"),
                alt.Tooltip("metric_name:N", title="Metric"),
                alt.Tooltip("value_text:N", title="Value"),
                alt.Tooltip("ci_text:N", title="Interval"),
                alt.Tooltip("n_text:N", title="n"),
                alt.Tooltip("provisional:N"),
            ],
        )
        return [band, line, points]

    return _small_multiples(weekly, layers, WIDTH, HEIGHT, "y")


def interval_dots(table: pd.DataFrame, colours: dict[str, str]) -> alt.TopLevelMixin:
    """Value per group with its interval as an error bar, one panel per metric."""
    table = with_text(table)

    def layers(durations: bool) -> list[alt.Chart]:
        base = alt.Chart().encode(
            y=alt.Y("centre_name:N", title=None, sort=list(colours), axis=alt.Axis(labelLimit=0)),
            color=_colour(colours),
        )
        bars = base.mark_rule(strokeWidth=2).encode(
            x=alt.X(
                "ci_low:Q", title=None, scale=alt.Scale(zero=False), axis=_value_axis(durations)
            ),
            x2="ci_high:Q",
        )
        dots = base.mark_point(filled=True, size=70).encode(
            x=alt.X(
                "value:Q", title=None, scale=alt.Scale(zero=False), axis=_value_axis(durations)
            ),
            tooltip=[
                alt.Tooltip("centre_name:N", title="Centre"),
                alt.Tooltip("metric_name:N", title="Metric"),
                alt.Tooltip("value_text:N", title="Value"),
                alt.Tooltip("ci_text:N", title="Interval"),
                alt.Tooltip("gap_text:N", title="Gap to baseline"),
                alt.Tooltip("p_value:Q", title="p", format=".3f"),
                alt.Tooltip("n_text:N", title="n"),
            ],
        )
        return [bars, dots]

    return _small_multiples(table, layers, WIDTH, 28 * max(len(colours), 2), "x")


def quadrant(points: pd.DataFrame, colours: dict[str, str], label: str) -> alt.LayerChart:
    """Handle time (x) against CSAT (y); bubble area is volume. Good is top-left."""
    points = points.assign(
        aht_text=points["aht_s"].map(lambda v: format_value(v, "seconds")),
        csat_text=points["csat_pct"].map(lambda v: format_value(v, "pct")),
    )
    scatter = (
        alt.Chart(points)
        .mark_circle(opacity=0.75, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "aht_s:Q",
                title="Average handle time (m:ss)",
                scale=alt.Scale(zero=False),
                axis=alt.Axis(labelExpr=duration_label()),
            ),
            y=alt.Y("csat_pct:Q", title="CSAT (% satisfied)", scale=alt.Scale(zero=False)),
            size=alt.Size("contacts:Q", title="Contacts", scale=alt.Scale(range=[30, 1500])),
            color=_colour(colours),
            tooltip=[
                alt.Tooltip("centre_name:N", title="Centre"),
                alt.Tooltip(f"{label}:N"),
                alt.Tooltip("aht_text:N", title="AHT"),
                alt.Tooltip("csat_text:N", title="CSAT"),
                alt.Tooltip("csat_n:Q", title="CSAT responses", format=","),
                alt.Tooltip("contacts:Q", format=","),
            ],
        )
    )
    mean_x = alt.Chart(points).mark_rule(strokeDash=[4, 4], color="#888").encode(x="mean(aht_s):Q")
    mean_y = (
        alt.Chart(points).mark_rule(strokeDash=[4, 4], color="#888").encode(y="mean(csat_pct):Q")
    )
    return alt.layer(scatter, mean_x, mean_y).properties(height=380)


def volume_and_quality(
    weekly: pd.DataFrame, colours: dict[str, str], quality_metrics: list[str]
) -> alt.VConcatChart:
    """Weekly volume above weekly quality metrics, on one time axis, to see the peak."""
    weekly = with_text(weekly)
    x = alt.X("period_start:T", title=None, axis=week_axis(weekly["period_start"], WIDE))
    tooltip = [
        alt.Tooltip("centre_name:N", title="Centre"),
        alt.Tooltip("period_start:T", title="Week of", format="%a %d %b %Y"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("n_text:N", title="n"),
    ]
    volume = (
        alt.Chart(weekly[weekly.metric == "contacts"])
        .mark_line(point=True)
        .encode(x=x, y=alt.Y("value:Q", title="Contacts"), color=_colour(colours), tooltip=tooltip)
        .properties(height=160, width=WIDE)
    )
    panels = [
        alt.Chart(weekly[weekly.metric == metric])
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y(
                "value:Q",
                title=metric_title(metric),
                scale=alt.Scale(zero=False),
                axis=_value_axis(unit_of(metric) == "seconds"),
            ),
            color=_colour(colours),
            tooltip=tooltip,
        )
        .properties(height=160, width=WIDE)
        for metric in quality_metrics
        if (weekly.metric == metric).any()
    ]
    return alt.vconcat(volume, *panels)


def breakdown_heatmap(
    split: pd.DataFrame, group_labels: list[str], metric: str, min_sample: int
) -> alt.LayerChart:
    """Groups (columns) by category (rows): one cell per value, labelled in the metric's
    unit. Rows keep a readable height however few there are, labels are never cut, and
    the text turns white on dark cells. Cells below ``min_sample`` are hatched grey text.
    """
    cells = with_text(split.assign(metric=metric)).assign(
        small=lambda f: f["n"].fillna(0) < min_sample
    )
    lower_is_better = CATALOGUE[metric].direction == "lower" if metric in CATALOGUE else False
    low, high = cells["value"].min(), cells["value"].max()
    if not (pd.notna(low) and pd.notna(high)) or high == low:
        high = (low if pd.notna(low) else 0) + 1
        low = high - 2
    dark_from = low + DARK_SHARE * (high - low)
    legend_labels = {"labelExpr": duration_label()} if unit_of(metric) == "seconds" else {}
    heat = (
        alt.Chart(cells)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                "centre_name:N",
                title=None,
                sort=group_labels,
                axis=alt.Axis(orient="top", labelAngle=0, labelLimit=0),
            ),
            y=alt.Y("category:N", title=None, axis=alt.Axis(labelLimit=0)),
            color=alt.Color(
                "value:Q",
                title=metric_title(metric),
                scale=alt.Scale(
                    scheme="oranges" if lower_is_better else "blues", domain=[low, high]
                ),
                # below the cells: a side legend is taller than a few rows
                legend=alt.Legend(
                    orient="bottom", direction="horizontal", gradientLength=240, **legend_labels
                ),
            ),
            tooltip=[
                alt.Tooltip("centre_name:N", title="Group"),
                alt.Tooltip("category:N", title="Category"),
                alt.Tooltip("value_text:N", title="Value"),
                alt.Tooltip("ci_text:N", title="Interval"),
                alt.Tooltip("n_text:N", title="n"),
            ],
        )
    )
    text = (
        alt.Chart(cells)
        .mark_text(fontSize=12)
        .encode(
            x=alt.X("centre_name:N", sort=group_labels),
            y=alt.Y("category:N"),
            text=alt.Text("value_text:N"),
            color=alt.condition(
                f"datum.value >= {float(dark_from)!r}", alt.value("white"), alt.value("#222")
            ),
            opacity=alt.condition("datum.small", alt.value(0.55), alt.value(1.0)),
        )
    )
    return alt.layer(heat, text).properties(height=alt.Step(HEAT_ROW_PX))


def _tooltips(frame: pd.DataFrame) -> list[alt.Tooltip]:
    """Every column as a tooltip, typed from its dtype (an empty frame's columns would
    leave Altair guessing)."""
    return [
        alt.Tooltip(
            field=str(column),
            type="quantitative" if pd.api.types.is_numeric_dtype(frame[column]) else "nominal",
        )
        for column in frame.columns
    ]


def contribution_bars(
    contributions: pd.DataFrame, category: str, value: str, title: str
) -> alt.Chart:
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
            color=alt.condition(
                f"datum['{value}'] < 0", alt.value("#D55E00"), alt.value("#0072B2")
            ),
            tooltip=_tooltips(contributions),
        )
        .properties(height=alt.Step(26), width=480)
    )


def shares_bar(
    flows: pd.DataFrame, colours: dict[str, str], category: str, value: str, title: str
) -> alt.Chart:
    """Horizontal bars of shares by category (e.g. where repeat contacts went)."""
    return (
        alt.Chart(flows)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", sort="-x", title=None),
            x=alt.X(f"{value}:Q", title=title),
            color=alt.Color(
                f"{category}:N",
                legend=None,
                scale=alt.Scale(domain=list(colours), range=list(colours.values())),
            ),
            tooltip=_tooltips(flows),
        )
        .properties(height=alt.Step(30), width=480)
    )


CALIBRATION_OUT = "#D55E00"  # out of calibration
CALIBRATION_IN = "#0072B2"  # within tolerance
CALIBRATION_BAND = "#009E73"  # the ±tolerance band


def calibration_gap_chart(periods: pd.DataFrame, tolerance: float, grain: str) -> alt.LayerChart:
    """The QA calibration gap (own − client, points) per period with its interval, over
    the ±``tolerance`` band and a zero line. ``periods``: the long table's
    ``qa_calibration_gap`` rows (``period_start``, ``value``, ``ci_low``, ``ci_high``,
    ``n``, ``p_value``, ``flag``, ``insufficient_sample``). Out-of-calibration periods are
    drawn in orange, the others in blue; a period with too few pairs to judge is hollow.
    """
    rows = with_text(periods.assign(metric="qa_calibration_gap")).assign(
        flag=periods["flag"].to_numpy(),
        state=[
            "out of calibration"
            if flag == "out_of_calibration"
            else "too few pairs"
            if small
            else "within tolerance"
            for flag, small in zip(periods["flag"], periods["insufficient_sample"], strict=True)
        ],
        ci_text=[
            f"{format_gap(lo, 'pct')} to {format_gap(hi, 'pct')}"
            for lo, hi in zip(periods["ci_low"], periods["ci_high"], strict=True)
        ],
        gap_text=periods["value"].map(lambda v: format_gap(v, "pct")),
    )
    weekly = grain == "week"
    axis = (
        week_axis(rows["period_start"], WIDE)
        if weekly
        else alt.Axis(format="%b %Y", labelAngle=0, tickCount="month")
    )
    x = alt.X("period_start:T", title=None, axis=axis)
    states = ["out of calibration", "within tolerance", "too few pairs"]
    scale = alt.Scale(domain=states, range=[CALIBRATION_OUT, CALIBRATION_IN, "#999999"])
    colour = alt.Color(
        "state:N", title=None, scale=scale, legend=alt.Legend(orient="top", labelLimit=0)
    )
    band = (
        alt.Chart(pd.DataFrame({"low": [-tolerance], "high": [tolerance]}))
        .mark_rect(color=CALIBRATION_BAND, opacity=0.12)
        .encode(y=alt.Y("low:Q"), y2="high:Q")
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#888").encode(y="zero:Q")
    base = alt.Chart(rows).encode(x=x, color=colour)
    bars = base.mark_rule(strokeWidth=2).encode(
        y=alt.Y("ci_low:Q", title="Own − client QA score (points)"), y2="ci_high:Q"
    )
    points = base.mark_point(size=80, filled=False, strokeWidth=2, opacity=1).encode(
        y=alt.Y("value:Q"),
        fill=alt.condition(
            "datum.state == 'too few pairs'",
            alt.value("white"),
            alt.Fill("state:N", legend=None, scale=scale),
        ),
        tooltip=[
            alt.Tooltip(
                "period_start:T", title="Week of" if weekly else "Month", format="%d %b %Y"
            ),
            alt.Tooltip("gap_text:N", title="Gap (own − client)"),
            alt.Tooltip("ci_text:N", title="Interval"),
            alt.Tooltip("n_text:N", title="Pairs"),
            alt.Tooltip("p_value:Q", title="p", format=".4f"),
            alt.Tooltip("state:N", title="Verdict"),
        ],
    )
    return alt.layer(band, zero, bars, points).properties(width=WIDE, height=260)


def staff_and_satisfaction(points: pd.DataFrame, colours: dict[str, str]) -> alt.LayerChart:
    """The share of answered contacts handled by new hires (x) against CSAT (y), one
    bubble per group sized by contacts; attrition and median tenure in the tooltip. Good
    is top-left: experienced agents, satisfied customers."""
    points = points.assign(
        new_hire_text=points["new_hire_contact_pct"].map(lambda v: format_value(v, "pct")),
        csat_text=points["csat_pct"].map(lambda v: format_value(v, "pct")),
        attrition_text=points["attrition_pct"].map(lambda v: format_value(v, "pct")),
        tenure_text=points["tenure_median_days"].map(
            lambda v: f"{format_value(v, 'count')} days" if pd.notna(v) else "–"
        ),
    )
    scatter = (
        alt.Chart(points)
        .mark_circle(opacity=0.75, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "new_hire_contact_pct:Q",
                title="Contacts handled by new hires (%)",
                scale=alt.Scale(zero=True),
            ),
            y=alt.Y("csat_pct:Q", title="CSAT (% satisfied)", scale=alt.Scale(zero=False)),
            size=alt.Size("contacts:Q", title="Contacts", scale=alt.Scale(range=[30, 1500])),
            color=_colour(colours),
            tooltip=[
                alt.Tooltip("centre_name:N", title="Centre"),
                alt.Tooltip("new_hire_text:N", title="New-hire contacts"),
                alt.Tooltip("csat_text:N", title="CSAT"),
                alt.Tooltip("attrition_text:N", title="Attrition (annualised)"),
                alt.Tooltip("tenure_text:N", title="Median tenure"),
                alt.Tooltip("contacts:Q", format=","),
            ],
        )
    )
    return alt.layer(scatter).properties(height=340)

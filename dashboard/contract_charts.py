"""The contract section's chart: what each contract style pays or charges per month."""

from __future__ import annotations

import altair as alt
import pandas as pd

from pipelines.export.money import SYMBOLS, money_text, money_unit

# Okabe-Ito hues not used for centres' in-house blues: one per contract style
STYLE_COLOURS = ["#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442"]
AS_WRITTEN_OPACITY = 0.35
HEIGHT = 220
# Streamlit sizes a layered chart with a legend below it too short ("content"): the page
# gives the whole height, the plot plus its month labels and the legend
PAGE_HEIGHT = HEIGHT + 110
LEGEND_TEXT = "Light bars: as written; solid: with confidence (bonuses up, credits down)."


def money_axis(currency: str) -> alt.Axis:
    """An axis reading "£5,000" and "-£5,000"."""
    prefix = SYMBOLS.get(currency, f"{currency} ").replace("'", "\\'")
    return alt.Axis(
        tickCount=6,
        labelExpr=(f"(datum.value < 0 ? '-' : '') + '{prefix}' + format(abs(datum.value), ',.0f')"),
        title=f"Earned per month ({currency})",
    )


def style_months_chart(monthly: pd.DataFrame, currency: str) -> alt.LayerChart:
    """Per month, one bar per contract style: light, the amount as written; solid, the
    amount with confidence (bonuses up, credits down). ``monthly``: the rows of
    pipelines.metrics.contracts.monthly_totals for one vendor."""
    signed = money_unit(currency, signed=True)
    styles = list(dict.fromkeys(monthly["style"]))
    data = monthly.assign(
        month=pd.to_datetime(monthly["month_start"]).dt.strftime("%b %Y"),
        style_label=[
            s + (" (in force)" if f else "")
            for s, f in zip(monthly["style"], monthly["in_force"], strict=True)
        ],
        as_written_text=monthly["earned_as_written"].map(lambda v: money_text(v, signed)),
        confident_text=monthly["earned_with_confidence"].map(lambda v: money_text(v, signed)),
        hinging_text=[
            f"{n} ({money_text(a, money_unit(currency))})"
            for n, a in zip(monthly["hinging_payments"], monthly["hinging_amount"], strict=True)
        ],
    )[
        [
            "month",
            "month_start",
            "style_label",
            "earned_as_written",
            "earned_with_confidence",
            "as_written_text",
            "confident_text",
            "hinging_text",
        ]
    ]
    data["month_start"] = pd.to_datetime(data["month_start"])
    labels = list(dict.fromkeys(data["style_label"]))
    months = list(dict.fromkeys(data.sort_values("month_start")["month"]))
    colour = alt.Color(
        "style_label:N",
        title="Contract style",
        sort=labels,
        scale=alt.Scale(domain=labels, range=STYLE_COLOURS[: len(styles)] or STYLE_COLOURS[:1]),
        legend=alt.Legend(orient="bottom", labelLimit=400),
    )
    tooltip = [
        alt.Tooltip("month:N", title="Month"),
        alt.Tooltip("style_label:N", title="Style"),
        alt.Tooltip("as_written_text:N", title="As written"),
        alt.Tooltip("confident_text:N", title="With confidence"),
        alt.Tooltip("hinging_text:N", title="Hinging on inconclusive"),
    ]
    base = alt.Chart().encode(
        x=alt.X("month:N", title=None, sort=months, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("style_label:N", sort=labels),
        color=colour,
        tooltip=tooltip,
    )
    as_written = base.mark_bar(opacity=AS_WRITTEN_OPACITY).encode(
        y=alt.Y("earned_as_written:Q", axis=money_axis(currency))
    )
    confident = base.mark_bar().encode(y=alt.Y("earned_with_confidence:Q"))
    # one data set for every layer: Streamlit draws nothing of a layer chart whose layers
    # bring data of their own
    zero = alt.Chart().mark_rule(color="#444").encode(y=alt.datum(0))
    # no chart title: Streamlit draws a layered chart with a title collapsed (the page's
    # subheader and LEGEND_TEXT say what it shows)
    return alt.layer(as_written, confident, zero, data=data).properties(
        width=max(400, 110 * len(months)), height=HEIGHT
    )

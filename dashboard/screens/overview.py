"""Weekly overview: the service head's Monday screen."""

from datetime import timedelta
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import context
from dashboard.charts import trend_small_multiples
from dashboard.formatting import format_gap
from dashboard.freshness import show_data_status
from dashboard.plain import APP_TEXT_LIMIT, md_text
from dashboard.queries import long_table
from dashboard.scorecard import scorecard_html
from dashboard.trust import TRUST_METRICS, trust_warnings
from dashboard.view import baseline_label, group_colours, ordered_groups, period_rows
from pipelines.metrics import CATALOGUE
from pipelines.metrics.persistence import describe, gap_persistence

TREND_METRICS = ["csat_pct", "nps", "fcr_repeat_pct", "complaint_pct"]
PERSISTENCE_WEEKS = 26  # history read for "behind for N weeks", whatever the span shown
# describes the survey sample, not how customers fared: never a "behind" alarm alone
NOT_AN_ALARM = {"response_rate_pct"}

ctx = context.current()
filters = ctx.filters
week = filters.week
baseline_name = baseline_label(filters.baseline, ctx.dims)

st.title("Weekly overview")
st.caption(
    f"Week of {week:%a %d %b %Y} (ISO week {week:%V}) in {ctx.settings.reporting_timezone} · "
    f"gaps against {md_text(baseline_name)} · "
    "customer metrics first, then quality, then operations"
)
show_data_status(
    ctx.warehouse,
    ctx.dims,
    ctx.settings.reporting_timezone,
    period=(week, filters.end),
    centres=filters.centres,
)

history_start = min(filters.start, week - timedelta(weeks=PERSISTENCE_WEEKS - 1))
history = long_table(ctx.warehouse, filters.query(start=history_start), ctx.settings)
# a streak reaching the history's first week may be longer, unless the data begins there
streak_may_be_longer = history_start > ctx.dims.first_day
this_week = period_rows(history, week)
last_week = period_rows(history, week - timedelta(weeks=1))

if this_week.empty or not (this_week["n"].fillna(0) > 0).any():
    st.info(
        "No contacts, surveys or evaluations in this week for these filters. "
        "Pick another week or widen the filters in the sidebar."
    )
    st.stop()

groups = ordered_groups(this_week)
colours = group_colours(groups, ctx.dims)
persistence = gap_persistence(
    history[pd.to_datetime(history["period_start"]).dt.date <= week], ctx.settings
)
persistence_words = {
    (r.metric, r.centre_id): describe(r.weeks_behind, r.at_least and streak_may_be_longer, r.trend)
    for r in persistence.itertuples()
    if r.weeks_behind
}

# What a service head must not miss: centres significantly behind on customer metrics.
customer = this_week[
    this_week["metric"].map(lambda m: CATALOGUE[m].family == "customer")
    & ~this_week["metric"].isin(NOT_AN_ALARM)
]
behind = customer[customer["judgement"] == "worse"]
behind = behind[behind["sourcing"] != "in_house"] if filters.baseline == "in_house" else behind
# only a gap that could be tested (both samples large enough) can clear a centre
testable = (
    customer["p_value"].notna()
    & (customer["n"] >= ctx.settings.min_sample)
    & (customer["baseline_n"] >= ctx.settings.min_sample)
)
if behind.empty and testable.any():
    st.success("No centre is significantly behind the baseline on customer metrics this week.")
elif behind.empty:
    st.info(
        f"Too few responses this week to test any centre against {md_text(baseline_name)}"
        f" (each side needs at least {ctx.settings.min_sample}). Widen the history or "
        "the filters."
    )
# Numbers a vendor reports about itself that should not be taken at face value, over
# the whole span shown (a week holds too few calibration pairs to judge).
span = long_table(ctx.warehouse, filters.query(grain="range", metrics=TRUST_METRICS), ctx.settings)
for sentence in trust_warnings(span, ctx.settings):
    st.warning(
        f"{md_text(sentence, limit=APP_TEXT_LIMIT)} (last {filters.span_weeks} weeks)", icon="🚩"
    )
for label, rows in behind.groupby("centre_name", sort=False):
    gaps = ", ".join(
        f"{CATALOGUE[r.metric].name} {format_gap(r.gap, CATALOGUE[r.metric].unit)}"
        + (
            f" ({persistence_words[(r.metric, r.centre_id)]})"
            if (r.metric, r.centre_id) in persistence_words
            else ""
        )
        for r in rows.itertuples()
    )
    st.error(
        f"**{md_text(label)}** is significantly behind {md_text(baseline_name)}: "
        f"{md_text(gaps, limit=APP_TEXT_LIMIT)}",
        icon="⚠️",
    )


def drilldown_link(metric: str, centre_id: str) -> str:
    """The drill-down of one cell, with the sidebar's filters (a new session reads them)."""
    params = {
        "week": week.isoformat(),
        "weeks": str(filters.span_weeks),
        "centre": centre_id,
        "metric": metric,
        "baseline": filters.baseline,
        "channel": list(filters.channels),
        "reason": list(filters.reasons),
    }
    return "drilldown?" + urlencode(params, doseq=True)


baseline_shown = any((this_week["gap"] == 0) & this_week["p_value"].isna() & this_week["n"].gt(0))
st.subheader("Scorecard")
st.markdown(
    scorecard_html(
        this_week,
        last_week,
        groups,
        CATALOGUE,
        persistence_words,
        drilldown_link,
        None if baseline_shown else baseline_name,
    ),
    unsafe_allow_html=True,
)
st.caption(
    "▼/▲ tinted: significantly worse/better than the baseline "
    f"(p < {1 - ctx.settings.confidence:.2f}, both samples ≥ {ctx.settings.min_sample}); "
    "“behind for N weeks”: consecutive significant weeks, with the trend of the gap. "
    "Grey values: sample below the minimum, shown but never judged (“too few to judge”). "
    "“wk”: change on the previous week. ✔ met · ≈ near · ✖ missed target. "
    "Provisional: the repeat-contact window has not closed, so repeats may still arrive. "
    "Hover a cell for its interval; click it for what lies behind it."
)
st.download_button(
    "Download this week's scorecard (CSV)",
    data=this_week.to_csv(index=False).encode("utf-8"),
    file_name=f"scorecard_{week.isoformat()}.csv",
    mime="text/csv",
)

st.subheader(f"Customer metrics, last {filters.span_weeks} weeks")
trend = history[
    history["metric"].isin(TREND_METRICS)
    & (pd.to_datetime(history["period_start"]).dt.date >= filters.start)
]
st.altair_chart(trend_small_multiples(trend, colours), width="content")
st.caption(
    "Bands are the confidence intervals; hollow points are provisional; "
    "gaps in a line are weeks without data."
)

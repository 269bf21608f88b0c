"""Weekly overview: the service head's Monday screen."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import context
from dashboard.charts import trend_small_multiples
from dashboard.formatting import format_gap
from dashboard.queries import long_table
from dashboard.scorecard import judged_gaps, scorecard_html
from dashboard.view import baseline_label, group_colours, ordered_groups, period_rows
from pipelines.metrics import CATALOGUE

TREND_METRICS = ["csat_pct", "nps", "fcr_repeat_pct", "complaint_pct"]

ctx = context.current()
filters = ctx.filters
week = filters.week

st.title("Weekly overview")
st.caption(
    f"Week of {week:%a %d %b %Y} (ISO week {week:%V}) in {ctx.settings.reporting_timezone} · "
    f"gaps against {baseline_label(filters.baseline, ctx.dims)} · "
    "customer metrics first, then quality, then operations"
)

history = long_table(
    ctx.warehouse,
    filters.query(start=min(filters.start, week - timedelta(weeks=1))),
    ctx.settings,
)
this_week = period_rows(history, week)
last_week = period_rows(history, week - timedelta(weeks=1))

if this_week.empty or not (this_week["n"].fillna(0) > 0).any():
    st.info("No contacts, surveys or evaluations in this week for these filters. "
            "Pick another week or widen the filters in the sidebar.")
    st.stop()

groups = ordered_groups(this_week)
colours = group_colours(groups)

# What a service head must not miss: vendors significantly behind on customer metrics.
customer = this_week[this_week["metric"].map(lambda m: CATALOGUE[m].family == "customer")]
directions = {metric_id: d.direction for metric_id, d in CATALOGUE.items()}
behind = customer[judged_gaps(customer, directions) == "worse"]
behind = behind[behind["sourcing"] != "in_house"] if filters.baseline == "in_house" else behind
if behind.empty:
    st.success("No centre is significantly behind the baseline on customer metrics this week.")
for label, rows in behind.groupby("centre_name", sort=False):
    gaps = ", ".join(
        f"{CATALOGUE[r.metric].name} {format_gap(r.gap, CATALOGUE[r.metric].unit)}"
        for r in rows.itertuples()
    )
    st.error(f"**{label}** is significantly behind "
             f"{baseline_label(filters.baseline, ctx.dims)}: {gaps}", icon="⚠️")

st.subheader("Scorecard")
st.markdown(scorecard_html(this_week, last_week, groups, CATALOGUE), unsafe_allow_html=True)
st.caption(
    "▼/▲ tinted: significantly worse/better than the baseline "
    f"(p < {1 - ctx.settings.confidence:.2f}, both samples ≥ {ctx.settings.min_sample}). "
    "Grey values: sample below the minimum, shown but never judged. "
    "“wk”: change on the previous week. ✔ met · ≈ near · ✖ missed target. "
    "Provisional: the repeat-contact window has not closed, so repeats may still arrive. "
    "Hover a cell for its interval."
)
st.download_button(
    "Download this week's scorecard (CSV)",
    data=this_week.to_csv(index=False).encode("utf-8"),
    file_name=f"scorecard_{week.isoformat()}.csv",
    mime="text/csv",
)

st.subheader(f"Customer metrics, last {filters.span_weeks} weeks")
trend = history[history["metric"].isin(TREND_METRICS)
                & (pd.to_datetime(history["period_start"]).dt.date >= filters.start)]
st.altair_chart(trend_small_multiples(trend, colours), width="content")
st.caption("Bands are the confidence intervals; hollow points are provisional; "
           "gaps in a line are weeks without data.")

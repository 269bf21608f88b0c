"""Drill-down: what lies behind one scorecard cell (a centre, a metric, a period).

Reached from a scorecard cell (its link carries the sidebar's filters, the centre and
the metric) or chosen here. Reads top to bottom: the gap and how long it has lasted,
its trend, the contact reasons and channels behind it, QA sections, agents, what
customers said, where they called next.
"""

from dataclasses import replace
from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import context
from dashboard.charts import trend_small_multiples
from dashboard.filters import reason_label
from dashboard.formatting import BASELINE_COLOUR, format_duration, format_gap, format_value
from dashboard.plain import APP_TEXT_LIMIT, md_text
from dashboard.queries import agent_points, comments, contributions, flows, long_table
from dashboard.view import baseline_label, group_colours
from pipelines.metrics import CATALOGUE
from pipelines.metrics.persistence import describe, gap_persistence

SURVEY_METRICS = {
    "csat_pct",
    "csat_mean",
    "delight_pct",
    "nps",
    "fcr_survey_pct",
    "csat_pct_adjusted",
}
QA_METRICS = {"qa_score", "qa_pass_pct", "qa_critical_fail_pct"} | {
    m for m in CATALOGUE if m.startswith("qa_section_")
}
AGENT_ROWS = 15

ctx = context.current()
filters = ctx.filters
centres = {c.centre_id: c for c in ctx.dims.centres}
baseline_name = baseline_label(filters.baseline, ctx.dims)

st.title("Drill-down")
# a vendor's view starts on its own centre (the others are anonymised peers)
linked_centre = (filters.centres or ctx.dims.own_centre_ids or (None,))[0]
centre_ids = list(centres)
left, middle, right = st.columns(3)
centre_id = left.selectbox(
    "Centre",
    centre_ids,
    format_func=lambda c: centres[c].name,
    key="drill_centre",
    index=centre_ids.index(linked_centre) if linked_centre in centres else 0,
)
metric_ids = [m for m in CATALOGUE if m != "contacts"]
linked_metric = st.query_params.get("metric")
if linked_metric is not None and linked_metric not in CATALOGUE:
    st.warning(
        f"Unknown metric in the link: {md_text(linked_metric)}; showing "
        f"{CATALOGUE[metric_ids[0]].name}."
    )
metric = middle.selectbox(
    "Metric",
    metric_ids,
    format_func=lambda m: CATALOGUE[m].name,
    key="drill_metric",
    index=metric_ids.index(linked_metric) if linked_metric in metric_ids else 0,
)
st.query_params["metric"] = metric
spans = {"week": f"Week of {filters.week:%d %b %Y}", "history": f"Last {filters.span_weeks} weeks"}
span = right.radio("Period", list(spans), format_func=spans.get, horizontal=True, key="drill_span")
start = filters.week if span == "week" else filters.start
end = filters.end
definition = CATALOGUE[metric]
unit = definition.unit
centre_name = centres[centre_id].name
st.caption(
    f"{md_text(centre_name)} · {definition.name} · {start:%d %b %Y} – "
    f"{end:%d %b %Y} · against {md_text(baseline_name)} · "
    f"{md_text(definition.definition, limit=APP_TEXT_LIMIT)}"
)

# One group, the chosen centre, whatever the sidebar shows; the baseline as in the sidebar.
query = filters.query(grain="range", start=start, end=end, centres=(centre_id,), metrics=(metric,))
headline = long_table(ctx.warehouse, query, ctx.settings)
row = headline.iloc[0] if not headline.empty else None
if row is None or not row["n"]:
    st.info(
        f"No data for {definition.name} at {md_text(centre_name)} in this period. "
        "Pick another period or metric."
    )
    st.stop()

weekly_start = min(filters.start, filters.week - timedelta(weeks=25))
weekly = long_table(
    ctx.warehouse,
    filters.query(start=weekly_start, centres=(centre_id,), metrics=(metric,)),
    ctx.settings,
)
weekly = weekly[pd.to_datetime(weekly["period_start"]).dt.date <= filters.week]
lasting = gap_persistence(weekly, ctx.settings)
words = ""
if not lasting.empty:
    streak = lasting.iloc[0]
    words = describe(
        streak["weeks_behind"],
        streak["at_least"] and weekly_start > ctx.dims.first_day,
        streak["trend"],
    )

value_col, baseline_col, gap_col = st.columns(3)
value_col.metric(
    md_text(centre_name),
    format_value(row["value"], unit),
    help=f"n = {int(row['n']):,}; interval {format_value(row['ci_low'], unit)} "
    f"to {format_value(row['ci_high'], unit)}",
)
baseline_col.metric(
    f"Baseline: {md_text(baseline_name)}",
    format_value(row["baseline_value"], unit),
    help=f"n = {int(row['baseline_n']):,}",
)
is_baseline = row["gap"] == 0 and pd.isna(row["p_value"])
significance = (
    "significant"
    if row["significant"]
    else "too few to judge"
    if row["insufficient_sample"]
    else "not significant"
)
gap_col.metric(
    "Gap",
    format_gap(row["gap"], unit),
    help=f"p = {row['p_value']:.4f}" if pd.notna(row["p_value"]) else None,
)
st.text(
    "This centre is the baseline itself."
    if is_baseline
    else f"The gap is {significance}" + (f"; {words} (weekly)." if words else ".")
)

st.subheader("Week by week")
baseline_series = f"Baseline: {baseline_name}"
colours = {
    baseline_series: BASELINE_COLOUR,
    **group_colours([(centre_id, centre_name, centres[centre_id].sourcing)], ctx.dims),
}
shown_weeks = weekly[pd.to_datetime(weekly["period_start"]).dt.date >= filters.start]
baseline_weeks = shown_weeks.assign(
    centre_name=baseline_series,
    value=shown_weeks["baseline_value"],
    ci_low=float("nan"),
    ci_high=float("nan"),
    n=shown_weeks["baseline_n"],
)
both = pd.concat([baseline_weeks, shown_weeks])
st.altair_chart(trend_small_multiples(both, colours), width="content")
st.caption(
    "The centre's weekly value with its confidence band. The gap's trend is a "
    "weighted test over the last 8 weeks (docs/METRIC_LAYER.md)."
)


def breakdown_table(dimension: str, label) -> pd.DataFrame:
    """The metric per value of ``dimension`` at the centre, against the baseline's."""
    split = long_table(ctx.warehouse, replace(query, breakdown=dimension), ctx.settings)
    split = split[split["n"] > 0]
    direction = {"higher": -1, "lower": 1}.get(definition.direction, 0)
    share = split["n"] / split["n"].sum()
    return pd.DataFrame(
        {
            "Value": split["breakdown_value"].map(label),
            "n": split["n"],
            definition.name: split["value"],
            "Baseline": split["baseline_value"],
            "Gap": split["gap"],
            "Significant": split["significant"].map({True: "yes", False: ""}),
            # weighs each value's shortfall by its share of the centre's population
            "Weighted shortfall": direction * split["gap"] * share,
        }
    ).sort_values("Weighted shortfall", ascending=False)


number = st.column_config.NumberColumn(format="%.1f")
tables = {"contact_reason": ("Contact reasons", reason_label), "channel": ("Channels", str)}
for dimension, (title, label) in tables.items():
    st.subheader(title)
    table = breakdown_table(dimension, label)
    if table.empty:
        st.caption(f"No {title.lower()} recorded for this metric.")
        continue
    st.dataframe(
        table.rename(columns={"Value": title[:-1]}),
        hide_index=True,
        height="content",
        width="stretch",
        column_config={
            definition.name: number,
            "Baseline": number,
            "Gap": number,
            "Weighted shortfall": number,
        },
    )
    st.caption(
        "Largest weighted shortfall first: where the centre falls furthest behind "
        "the baseline, weighed by how much of its population that is."
    )

if metric in QA_METRICS:
    st.subheader("QA sections")
    sections = contributions(
        ctx.warehouse, replace(query, metrics=()), ctx.settings, centre_id
    ).sections
    if sections.empty:
        st.caption("This centre's QA exports hold no section scores.")
    else:
        st.dataframe(
            sections.rename(
                columns={
                    "section": "Section",
                    "group_mean": "Score",
                    "group_n": "n",
                    "baseline_mean": "Baseline score",
                    "baseline_n": "Baseline n",
                    "gap": "Gap (points)",
                }
            ),
            hide_index=True,
            height="content",
            width="stretch",
        )

# a vendor's view: the agents and comments of other centres are not theirs to see
own_rows = ctx.dims.vendor_scope is None or centre_id in ctx.dims.own_centre_ids
if not own_rows:
    st.caption(
        "Agents and customers' comments are shown for your own centres only; "
        "other centres appear as anonymised aggregates."
    )
    st.stop()

st.subheader("Agents")
agents = agent_points(
    ctx.warehouse,
    filters.query(grain="range", start=start, end=end, centres=(centre_id,)),
    ctx.settings,
)
if agents.empty:
    st.caption("No agents recorded for this centre in the period.")
else:
    # the agents behind most of the shortfall: most dissatisfied customers, or most
    # handle time above the centre's average; a handful of responses says little alone
    by_handle_time = metric == "aht_s"
    if by_handle_time:
        average = (agents["aht_s"] * agents["aht_n"]).sum() / agents["aht_n"].sum()
        weight = (agents["aht_s"] - average) * agents["aht_n"]
    else:
        weight = agents["csat_n"] * (100 - agents["csat_pct"]) / 100
    ordered = agents.assign(weight=weight).sort_values(
        "weight", ascending=False, na_position="last"
    )
    shown = ordered.head(AGENT_ROWS)
    st.dataframe(
        pd.DataFrame(
            {
                "Agent": shown["agent_id"],
                "Contacts": shown["contacts"],
                "AHT": shown["aht_s"].map(format_duration),
                "CSAT %": shown["csat_pct"],
                "CSAT responses": shown["csat_n"],
                (
                    "Handle time above average (h)" if by_handle_time else "Dissatisfied responses"
                ): shown["weight"] / 3600 if by_handle_time else shown["weight"].round(),
            }
        ),
        hide_index=True,
        height="content",
        width="stretch",
        column_config={"CSAT %": number},
    )
    st.caption(
        f"{len(shown)} of {len(agents)} agents shown, "
        + (
            "most handle time above the centre's average first."
            if by_handle_time
            else "most dissatisfied customers first."
        )
        + (" Download all below." if len(agents) > len(shown) else "")
    )
    st.download_button(
        "All agents (CSV)",
        data=agents.to_csv(index=False).encode("utf-8"),
        file_name=f"agents_{centre_id}_{start}_{end}.csv",
        mime="text/csv",
    )

if metric in SURVEY_METRICS:
    st.subheader("What dissatisfied customers said")
    said = comments(ctx.warehouse, query, ctx.settings, centre_id, False, 10)
    if said.empty:
        st.caption("No comments from dissatisfied customers in this period.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Date": said["responded_date"],
                    "CSAT": said["csat_on_scale"],
                    "Reason": said["contact_reason"].map(reason_label),
                    "Comment": said["comment"],
                }
            ),
            hide_index=True,
            height="content",
            width="stretch",
        )

if metric == "fcr_repeat_pct":
    st.subheader("Where its customers called next")
    next_centres = flows(ctx.warehouse, query, ctx.settings)
    if next_centres.empty:
        st.caption("No repeat contacts in this period.")
    else:
        st.dataframe(
            next_centres[["next_centre_name", "count", "share_pct"]].rename(
                columns={
                    "next_centre_name": "Next contact at",
                    "count": "Repeats",
                    "share_pct": "Share %",
                }
            ),
            hide_index=True,
            height="content",
            width="stretch",
            column_config={"Share %": number},
        )

"""Compare: centres or groups side by side, metric by metric, and what lies behind."""

import altair as alt
import streamlit as st

from dashboard import context
from dashboard.charts import interval_dots, quadrant, volume_and_quality
from dashboard.filters import reason_label
from dashboard.formatting import format_value
from dashboard.queries import agent_points, long_table
from dashboard.view import baseline_label, group_colours, ordered_groups, wide
from pipelines.metrics import CATALOGUE

GROUPINGS = {"centre": "Centre", "vendor": "Vendor", "sourcing": "In-house v. vendor",
             "shore": "Shore"}
BREAKDOWNS = {"contact_reason": "Contact reason", "channel": "Channel"}

ctx = context.current()
filters = ctx.filters

st.title("Compare")
group_by = st.query_params.get("group_by", "centre")
group_by = st.segmented_control(
    "Compare by", list(GROUPINGS), format_func=GROUPINGS.get,
    default=group_by if group_by in GROUPINGS else "centre", key="compare_group_by",
) or "centre"
st.query_params["group_by"] = group_by
st.caption(
    f"{filters.start:%d %b %Y} – {filters.end:%d %b %Y} ({filters.span_weeks} weeks) · "
    f"gaps against {baseline_label(filters.baseline, ctx.dims)}"
)

whole_period = long_table(ctx.warehouse, filters.query(grain="range", group_by=group_by),
                          ctx.settings)
if whole_period.empty or not (whole_period["n"].fillna(0) > 0).any():
    st.info("No data in this period for these filters. Widen the period or the filters.")
    st.stop()
groups = ordered_groups(whole_period)
colours = group_colours(groups)

st.header("Metric by metric")
st.caption("Dots are values over the whole period; bars their confidence intervals.")
for tab, family in zip(st.tabs(["Customer", "Quality", "Operations"]),
                       ["customer", "quality", "operations"], strict=True):
    family_rows = whole_period[
        whole_period["metric"].map(lambda m, f=family: CATALOGUE[m].family == f)
        & whole_period["ci_low"].notna()
    ]
    with tab:
        st.altair_chart(interval_dots(family_rows, colours), width="content")

st.header("Raw v. mix-adjusted CSAT")
st.caption(
    "Mix-adjusted CSAT re-weights each group's CSAT by contact reason to the reason mix "
    "of all responses in the selection, so a group is not flattered by easy contacts. "
    "Coverage is the share of that mix the group has seen."
)
adjusted = whole_period[whole_period["metric"].isin(["csat_pct", "csat_pct_adjusted"])]
mix_table = adjusted.pivot_table(index=["centre_id", "centre_name"], columns="metric",
                                 values="value", aggfunc="first").reset_index()
coverage = adjusted[adjusted["metric"] == "csat_pct_adjusted"].set_index("centre_id")["coverage"]
mix_table["coverage"] = mix_table["centre_id"].map(coverage)
mix_table = mix_table.set_index("centre_id").loc[[g[0] for g in groups]].reset_index()
mix_table["rank raw"] = mix_table["csat_pct"].rank(ascending=False).astype("Int64")
mix_table["rank adjusted"] = mix_table["csat_pct_adjusted"].rank(ascending=False).astype("Int64")
st.dataframe(
    mix_table.drop(columns="centre_id").rename(columns={
        "centre_name": GROUPINGS[group_by], "csat_pct": "CSAT % (raw)",
        "csat_pct_adjusted": "CSAT % (mix-adjusted)", "coverage": "Coverage"}),
    hide_index=True,
    column_config={
        "CSAT % (raw)": st.column_config.NumberColumn(format="%.1f%%"),
        "CSAT % (mix-adjusted)": st.column_config.NumberColumn(format="%.1f%%"),
        "Coverage": st.column_config.ProgressColumn(format="%.0f%%", min_value=0,
                                                    max_value=100),
    },
)

st.header("Breakdown")
left, right = st.columns(2)
breakdown = left.segmented_control("Break down by", list(BREAKDOWNS),
                                   format_func=BREAKDOWNS.get, default="contact_reason",
                                   key="compare_breakdown") or "contact_reason"
metric = right.selectbox("Metric", [m for m in CATALOGUE if m != "csat_pct_adjusted"],
                         format_func=lambda m: CATALOGUE[m].name, key="compare_metric")
split = long_table(ctx.warehouse, filters.query(grain="range", group_by=group_by,
                                                breakdown=breakdown, metrics=(metric,)),
                   ctx.settings)
split = split[split["n"].fillna(0) > 0]
if split.empty:
    st.info("No data for this metric in the selection.")
else:
    label = reason_label if breakdown == "contact_reason" else str
    split = split.assign(category=split["breakdown_value"].map(label))
    heat = (
        alt.Chart(split)
        .mark_rect()
        .encode(
            x=alt.X("centre_name:N", title=None, sort=[g[1] for g in groups]),
            y=alt.Y("category:N", title=None),
            color=alt.Color("value:Q", title=CATALOGUE[metric].name,
                            scale=alt.Scale(scheme="blues" if CATALOGUE[metric].direction
                                            != "lower" else "oranges")),
            tooltip=["centre_name:N", "category:N", alt.Tooltip("value:Q", format=".1f"),
                     alt.Tooltip("n:Q", format=","), alt.Tooltip("ci_low:Q", format=".1f"),
                     alt.Tooltip("ci_high:Q", format=".1f")],
        )
    )
    text = heat.mark_text(fontSize=11).encode(
        text=alt.Text("value:Q", format=".1f"), color=alt.value("#222")
    )
    st.altair_chart((heat + text).properties(height=40 * split["category"].nunique()),
                    width="stretch")
    st.caption("Cells with fewer than "
               f"{ctx.settings.min_sample} in the sample are shown but uncertain.")

st.header("Productivity v. satisfaction")
by_agent = st.toggle("By agent", key="compare_by_agent",
                     help="One bubble per agent instead of per group.")
if by_agent:
    points = agent_points(ctx.warehouse, filters.query(grain="range", group_by=group_by),
                          ctx.settings).rename(columns={"group_label": "centre_name"})
    label_column = "agent_id"
else:
    points = wide(whole_period, ["aht_s", "csat_pct", "contacts"], ["centre_id", "centre_name"])
    csat_n = whole_period[whole_period["metric"] == "csat_pct"].set_index("centre_id")["n"]
    points["csat_n"] = points["centre_id"].map(csat_n)
    label_column = "centre_id"
points = points.dropna(subset=["aht_s", "csat_pct"])
st.altair_chart(quadrant(points, colours, label_column), width="stretch")
st.caption("Top-left is fast and satisfying; dashed lines are the averages of the bubbles.")

st.header("Does quality hold at peak?")
weekly = long_table(ctx.warehouse, filters.query(group_by=group_by,
                                                 metrics=("contacts", "csat_pct", "qa_score",
                                                          "service_level_pct")),
                    ctx.settings)
st.altair_chart(volume_and_quality(weekly, colours, ["csat_pct", "qa_score",
                                                     "service_level_pct"]), width="content")

st.download_button(
    "Download the comparison (CSV, long table)",
    data=whole_period.to_csv(index=False).encode("utf-8"),
    file_name=f"comparison_{filters.start}_{filters.end}.csv", mime="text/csv",
)
volumes = wide(whole_period, ["contacts"], ["centre_name"])
st.caption("Contacts in the period: " + " · ".join(
    f"{name} {format_value(value, 'count')}" for name, value in volumes.itertuples(index=False)))

"""Partner review: one vendor over a period, ready to take into the review meeting."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import context
from dashboard.charts import contribution_bars, shares_bar, trend_small_multiples
from dashboard.filters import IN_HOUSE_BASELINE, reason_label
from dashboard.formatting import format_gap
from dashboard.plain import md_text
from dashboard.queries import comments, contributions, flows, long_table
from dashboard.review_pack import PackSection, PackTable, ReviewPack
from dashboard.view import baseline_label, group_colours
from pipelines.metrics import CATALOGUE
from pipelines.metrics.persistence import describe, gap_persistence

TREND_METRICS = ["csat_pct", "nps", "fcr_repeat_pct", "complaint_pct", "qa_score", "aht_s"]
STATUS_ICONS = {
    "met": "✔ met",
    "near": "≈ near",
    "missed": "✖ missed",
    "no data": "– no data",
    "too few": "? too few to judge",
}
JUDGED = ["met", "near", "missed"]

REASON_COLUMNS = {
    "contact_reason": "Reason",
    "group_csat_pct": "CSAT %",
    "group_n": "n",
    "baseline_csat_pct": "Baseline CSAT %",
    "baseline_n": "Baseline n",
    "group_share_pct": "Share %",
    "baseline_share_pct": "Baseline share %",
    "contribution": "Contribution (pts)",
}
SECTION_COLUMNS = {
    "section": "Section",
    "group_mean": "Score",
    "group_n": "n",
    "baseline_mean": "Baseline score",
    "baseline_n": "Baseline n",
    "gap": "Gap (points)",
}


def one_decimal(columns) -> dict:
    return {
        c: st.column_config.NumberColumn(format="%.1f")
        for c in columns
        if c not in ("n", "Baseline n", "Reason", "Section")
    }


ctx = context.current()
filters = ctx.filters

st.title("Partner review")
vendors = sorted({c.vendor for c in ctx.dims.centres if c.sourcing == "vendor" and c.vendor})
if not vendors:
    st.info(
        "No vendor centres are loaded yet. Add a vendor's source config and load its "
        "exports (see docs/SOURCE_CONFIG.md)."
    )
    st.stop()
linked = st.query_params.get("vendor")
vendor = st.selectbox(
    "Vendor", vendors, key="review_vendor", index=vendors.index(linked) if linked in vendors else 0
)
st.query_params["vendor"] = vendor

# Vendors are compared as groups; a centre chosen as baseline stands for its own group.
baseline_centre = next((c for c in ctx.dims.centres if c.centre_id == filters.baseline), None)
baseline = (
    IN_HOUSE_BASELINE
    if baseline_centre is None or baseline_centre.sourcing == "in_house"
    else baseline_centre.vendor
)
baseline_name = (
    baseline_label(IN_HOUSE_BASELINE, ctx.dims) if baseline == IN_HOUSE_BASELINE else baseline
)
period_text = f"{filters.start:%d %b %Y} – {filters.end:%d %b %Y} ({filters.span_weeks} weeks)"
st.caption(
    f"{period_text} · compared with {md_text(baseline_name)} · change the period in the sidebar"
)

query = filters.query(grain="range", group_by="vendor", centres=(), baseline=baseline)
period_table = long_table(ctx.warehouse, query, ctx.settings)
vendor_rows = period_table[period_table["centre_id"] == vendor]
if not (vendor_rows["n"].fillna(0) > 0).any():
    st.info(f"No data for {md_text(vendor)} in this period and these filters.")
    st.stop()

colours = group_colours(
    [(IN_HOUSE_BASELINE, "In-house", "in_house"), (vendor, vendor, "vendor")], ctx.dims, "vendor"
)
pack_sections: list[PackSection] = []

st.header("Scorecard against targets")
# Typed values with each row's unit: the screen and the pack show them formatted, the
# workbook gets numbers with number formats.
row_units = vendor_rows["unit"]
gap_column = f"Gap to {baseline_name}"
scorecard = PackTable(
    pd.DataFrame(
        {
            "Metric": vendor_rows["metric"].map(lambda m: CATALOGUE[m].name),
            "Value": vendor_rows["value"],
            "Target": vendor_rows["target"],
            # a target is not judged on a sample below the minimum
            "Status": vendor_rows["status"]
            .where(
                ~(vendor_rows["insufficient_sample"] & vendor_rows["status"].isin(JUDGED)),
                "too few",
            )
            .map(STATUS_ICONS)
            .fillna(""),
            gap_column: vendor_rows["gap"],
            "Significant": vendor_rows["significant"].map({True: "yes", False: ""}),
            "n": vendor_rows["n"],
        }
    ),
    units={"Value": row_units, "Target": row_units, gap_column: "gap:" + row_units, "n": "count"},
)
with_targets = scorecard.rows(vendor_rows["target"].notna())
numbers_right = {c: st.column_config.Column(alignment="right") for c in scorecard.numeric_columns()}
st.subheader("Targets")
st.dataframe(
    with_targets.display(),
    hide_index=True,
    height="content",
    width="stretch",
    column_config=numbers_right,
)
met = ((vendor_rows["status"] == "met") & ~vendor_rows["insufficient_sample"]).sum()
st.caption(
    f"{met} of {len(with_targets.frame)} targets met over the period "
    "(targets from targets.yaml; ≈ near is within the metric's tolerance; "
    f"fewer than {ctx.settings.min_sample} in the sample: too few to judge)."
)
with st.expander("All metrics, with and without targets"):
    st.dataframe(
        scorecard.display(),
        hide_index=True,
        height="content",
        width="stretch",
        column_config=numbers_right,
    )
pack_sections.append(
    PackSection(
        "Scorecard against targets",
        period_text,
        tables=[("Targets", with_targets), ("All metrics", scorecard)],
    )
)

st.header("Since the previous period")
# the same number of weeks just before, and the weekly streak of each gap up to now
previous_query = filters.query(
    grain="range",
    group_by="vendor",
    centres=(),
    baseline=baseline,
    start=filters.start - timedelta(weeks=filters.span_weeks),
    end=filters.start - timedelta(days=1),
)
previous = long_table(ctx.warehouse, previous_query, ctx.settings)
previous = previous[previous["centre_id"] == vendor].set_index("metric")
history_start = filters.week - timedelta(weeks=25)
all_weeks = long_table(
    ctx.warehouse,
    filters.query(group_by="vendor", centres=(), baseline=baseline, start=history_start),
    ctx.settings,
)
lasting = gap_persistence(all_weeks[all_weeks["centre_id"] == vendor], ctx.settings)
lasting = lasting.set_index("metric")
now = vendor_rows.set_index("metric")
compared_metrics = [m for m in now.index if CATALOGUE[m].direction is not None]
behind_words = [
    describe(
        lasting.at[m, "weeks_behind"],
        bool(lasting.at[m, "at_least"]) and history_start > ctx.dims.first_day,
        lasting.at[m, "trend"],
    )
    if m in lasting.index
    else ""
    for m in compared_metrics
]
compared_units = now.loc[compared_metrics, "unit"].reset_index(drop=True)
change = PackTable(
    pd.DataFrame(
        {
            "Metric": [CATALOGUE[m].name for m in compared_metrics],
            "This period": now.loc[compared_metrics, "value"].to_numpy(),
            "Previous period": previous["value"].reindex(compared_metrics).to_numpy(),
            "Change": (
                now.loc[compared_metrics, "value"] - previous["value"].reindex(compared_metrics)
            ).to_numpy(),
            "Gap now": now.loc[compared_metrics, "gap"].to_numpy(),
            "Gap before": previous["gap"].reindex(compared_metrics).to_numpy(),
            "Weekly": behind_words,
        }
    ),
    units={
        "This period": compared_units,
        "Previous period": compared_units,
        "Change": "gap:" + compared_units,
        "Gap now": "gap:" + compared_units,
        "Gap before": "gap:" + compared_units,
    },
)
st.dataframe(
    change.display(),
    hide_index=True,
    height="content",
    width="stretch",
    column_config={c: st.column_config.Column(alignment="right") for c in change.numeric_columns()},
)
previous_text = f"{previous_query.start:%d %b %Y} – {previous_query.end:%d %b %Y}"
st.caption(
    f"Previous period: {previous_text}. “Weekly”: for how many consecutive weeks up "
    "to the selected one the gap has been significant, and whether it is narrowing "
    "or widening (docs/METRIC_LAYER.md). Gaps are against "
    f"{md_text(baseline_name)} in each period."
)
pack_sections.append(
    PackSection(
        "Since the previous period",
        f"Previous period: {previous_text}",
        tables=[("Since the previous period", change)],
    )
)

st.header("Trends")
weekly = long_table(
    ctx.warehouse,
    filters.query(group_by="vendor", centres=(), baseline=baseline, metrics=tuple(TREND_METRICS)),
    ctx.settings,
)
weekly = weekly[weekly["centre_id"].isin([vendor, IN_HOUSE_BASELINE])]
trend_chart = trend_small_multiples(weekly, colours)
st.altair_chart(trend_chart, width="content")
pack_sections.append(
    PackSection("Trends", "Weekly values with confidence bands.", charts=[trend_chart])
)

st.header("What explains the gap")
explained = contributions(ctx.warehouse, query, ctx.settings, vendor)
left, right = st.columns(2)
reasons = explained.reasons.assign(contact_reason=lambda f: f["contact_reason"].map(reason_label))
with left:
    st.subheader("Contact reasons behind the CSAT gap")
    st.caption(
        f"CSAT gap {format_gap(explained.csat_gap, 'pct')}: within-reason performance "
        f"(bars) plus {format_gap(explained.csat_mix_term, 'pct')} from a different "
        "reason mix. Largest contributions first."
    )
    reason_chart = contribution_bars(
        reasons, "contact_reason", "contribution", "Contribution to the CSAT gap (pts)"
    )
    st.altair_chart(reason_chart, width="content")
    st.dataframe(
        reasons.rename(columns=REASON_COLUMNS),
        hide_index=True,
        height="content",
        column_config=one_decimal(REASON_COLUMNS.values()),
    )
sections = explained.sections
with right:
    st.subheader("QA sections behind the QA gap")
    st.caption(
        f"QA score gap {format_gap(explained.qa_gap, 'score')}; "
        "each bar is the section's gap to the baseline."
    )
    section_chart = contribution_bars(sections, "section", "gap", "Section gap (points)")
    st.altair_chart(section_chart, width="content")
    st.dataframe(
        sections.rename(columns=SECTION_COLUMNS),
        hide_index=True,
        height="content",
        column_config=one_decimal(SECTION_COLUMNS.values()),
    )
pack_sections.append(
    PackSection(
        "What explains the gap",
        f"CSAT gap {format_gap(explained.csat_gap, 'pct')} (mix term "
        f"{format_gap(explained.csat_mix_term, 'pct')}); QA gap "
        f"{format_gap(explained.qa_gap, 'score')}.",
        tables=[
            ("Contact reasons", reasons.rename(columns=REASON_COLUMNS)),
            ("QA sections", sections.rename(columns=SECTION_COLUMNS)),
        ],
        charts=[reason_chart, section_chart],
    )
)

st.header("What customers said")
comment_columns = {
    "responded_date": "Date",
    "centre_name": "Centre",
    "csat_on_scale": "CSAT",
    "contact_reason": "Reason",
    "comment": "Comment",
}
happy, unhappy = st.columns(2)
said = {}
for column, satisfied, title in [(happy, True, "Satisfied"), (unhappy, False, "Dissatisfied")]:
    sample = comments(ctx.warehouse, query, ctx.settings, vendor, satisfied)
    said[title] = sample[list(comment_columns)].rename(columns=comment_columns)
    with column:
        st.subheader(title)
        if sample.empty:
            st.caption("No comments in this period.")
        for record in sample.itertuples():  # customers' words: plain text, never markdown
            st.text(record.comment)
            st.caption(
                md_text(
                    f"{record.responded_date:%d %b %Y} · {record.centre_name} · "
                    f"CSAT {record.csat_on_scale} · "
                    f"{reason_label(record.contact_reason)}"
                )
            )
pack_sections.append(PackSection("What customers said", tables=list(said.items())))

st.header("Where its customers called next")
vendor_flows = flows(ctx.warehouse, query, ctx.settings)
vendor_flows = vendor_flows[vendor_flows["group_key"] == vendor]
if vendor_flows.empty:
    st.caption("No repeat contacts in this period.")
else:
    st.caption(
        "Answered contacts followed by another contact from the same customer within "
        f"{ctx.settings.repeat_window_days} days: the centre of that next contact."
    )
    flow_colours = group_colours(
        [(c.centre_id, c.name, c.sourcing) for c in ctx.dims.centres], ctx.dims
    )
    flow_chart = shares_bar(
        vendor_flows, flow_colours, "next_centre_name", "share_pct", "Share of repeat contacts (%)"
    )
    st.altair_chart(flow_chart, width="content")
    pack_sections.append(
        PackSection(
            "Where its customers called next",
            tables=[
                (
                    "Repeat flows",
                    vendor_flows[["next_centre_name", "count", "share_pct"]].rename(
                        columns={
                            "next_centre_name": "Next contact at",
                            "count": "Repeats",
                            "share_pct": "Share %",
                        }
                    ),
                )
            ],
            charts=[flow_chart],
        )
    )

st.header("Take it to the meeting")
pack = ReviewPack(
    f"Partner review: {vendor}",
    f"{period_text} · compared with {baseline_name}",
    pack_sections,
    reporting_timezone=ctx.settings.reporting_timezone,
    labels={"Reason": {code: reason_label(code) for code in ctx.dims.reasons}},
)
stem = f"review_{vendor.replace(' ', '_')}_{filters.start}_{filters.end}"
left, right = st.columns(2)
left.download_button(
    "Review pack (HTML, opens offline)",
    data=pack.to_html,
    file_name=f"{stem}.html",
    mime="text/html",
    on_click="ignore",
)
right.download_button(
    "Tables (Excel)",
    data=pack.to_xlsx,
    file_name=f"{stem}.xlsx",
    on_click="ignore",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

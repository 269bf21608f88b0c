"""Partner review: one vendor over a period, ready to take into the review meeting.

The content (tables, charts, the pack's notes) comes from dashboard/partner_pack.py,
which ``python -m pipelines review-pack`` uses too; this page draws it."""

import sqlite3
from datetime import date
from functools import partial

import streamlit as st

from dashboard import context, contract_section, review_meetings
from dashboard.filters import IN_HOUSE_BASELINE, reason_label
from dashboard.formatting import format_gap
from dashboard.partner_pack import (
    REASON_COLUMNS,
    SECTION_COLUMNS,
    Reader,
    ReviewRequest,
    build_review,
    pack_file_stem,
)
from dashboard.plain import APP_TEXT_LIMIT, md_text, shortened
from dashboard.queries import comments, contributions, flows, long_table, reported
from dashboard.view import baseline_label
from pipelines.reviews.store import ReviewStore


def one_decimal(columns) -> dict:
    return {
        c: st.column_config.NumberColumn(format="%.1f")
        for c in columns
        if c not in ("n", "Baseline n", "Reason", "Section")
    }


def numbers_right(columns) -> dict:
    return {c: st.column_config.Column(alignment="right") for c in columns}


def last_review_on(vendor: str, by: date) -> date | None:
    """The day of the last review meeting with ``vendor`` held by ``by``; None without
    one, or when the store cannot be read (the Review meetings section says why)."""
    try:
        held = [m.held_on for m in ReviewStore().meetings(vendor) if m.held_on <= by]
    except (OSError, sqlite3.Error):
        return None
    return held[0] if held else None


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

# Vendors are compared as groups; a centre chosen as baseline stands for its own group
# (an anonymised peer, whose vendor is not shown, for itself).
baseline_centre = next((c for c in ctx.dims.centres if c.centre_id == filters.baseline), None)
if baseline_centre is None or baseline_centre.sourcing == "in_house":
    baseline, baseline_name = IN_HOUSE_BASELINE, baseline_label(IN_HOUSE_BASELINE, ctx.dims)
elif baseline_centre.vendor:
    baseline, baseline_name = baseline_centre.vendor, baseline_centre.vendor
else:
    baseline, baseline_name = baseline_centre.centre_id, baseline_centre.name
request = ReviewRequest(
    vendor,
    filters.start,
    filters.end,
    baseline_name,
    baseline=baseline,
    channels=filters.channels,
    reasons=filters.reasons,
    vendor_scope=filters.vendor_scope,
    last_review_on=last_review_on(vendor, filters.end),
)
st.caption(
    f"{request.period_text} · compared with {md_text(baseline_name)} · "
    "change the period in the sidebar"
)
reader = Reader(
    long_table=partial(long_table, ctx.warehouse, settings=ctx.settings),
    contributions=lambda query, group: contributions(ctx.warehouse, query, ctx.settings, group),
    flows=partial(flows, ctx.warehouse, settings=ctx.settings),
    comments=lambda query, group, satisfied, limit: comments(
        ctx.warehouse, query, ctx.settings, group, satisfied, limit
    ),
    reported=lambda centres, start, end, scope: reported(
        ctx.warehouse, ctx.settings, centres, start, end, scope
    ),
)
contracts, contract_problem = contract_section.load()
review = build_review(reader, request, ctx.dims, ctx.settings, reason_label, contracts)
if review is None:
    st.info(f"No data for {md_text(vendor)} in this period and these filters.")
    st.stop()

st.header("Scorecard against targets")
scorecard = review.scorecard
st.subheader("Targets")
st.dataframe(
    scorecard.with_targets.display(),
    hide_index=True,
    height="content",
    width="stretch",
    column_config=numbers_right(scorecard.all_metrics.numeric_columns()),
)
st.caption(
    f"{scorecard.met} of {len(scorecard.with_targets.frame)} targets met over the period "
    "(targets from targets.yaml; ≈ near is within the metric's tolerance; "
    f"fewer than {ctx.settings.min_sample} in the sample: too few to judge)."
)
with st.expander("All metrics, with and without targets"):
    st.dataframe(
        scorecard.all_metrics.display(),
        hide_index=True,
        height="content",
        width="stretch",
        column_config=numbers_right(scorecard.all_metrics.numeric_columns()),
    )

st.header("Since the previous period")
st.dataframe(
    review.change.table.display(),
    hide_index=True,
    height="content",
    width="stretch",
    column_config=numbers_right(review.change.table.numeric_columns()),
)
st.caption(
    f"{review.change.note} “Weekly”: for how many consecutive "
    "weeks up to the selected one the gap has been significant, and whether it is "
    "narrowing or widening (docs/METRIC_LAYER.md). Gaps are against "
    f"{md_text(baseline_name)} in each period."
)

st.header("Trends")
st.altair_chart(review.trend_chart, width="content")

st.header("What explains the gap")
explained = review.gap.explained
left, right = st.columns(2)
with left:
    st.subheader("Contact reasons behind the CSAT gap")
    st.caption(
        f"CSAT gap {format_gap(explained.csat_gap, 'pct')}: within-reason performance "
        f"(bars) plus {format_gap(explained.csat_mix_term, 'pct')} from a different "
        "reason mix. Largest contributions first."
    )
    st.altair_chart(review.gap.reason_chart, width="content")
    st.dataframe(
        review.gap.reasons,
        hide_index=True,
        height="content",
        column_config=one_decimal(REASON_COLUMNS.values()),
    )
with right:
    st.subheader("QA sections behind the QA gap")
    st.caption(
        f"QA score gap {format_gap(explained.qa_gap, 'score')}; "
        "each bar is the section's gap to the baseline."
    )
    st.altair_chart(review.gap.section_chart, width="content")
    st.dataframe(
        review.gap.sections,
        hide_index=True,
        height="content",
        column_config=one_decimal(SECTION_COLUMNS.values()),
    )

st.header("Can we trust its own numbers?")
trust = review.trust
for sentence in trust.warnings:
    st.warning(md_text(sentence, limit=APP_TEXT_LIMIT), icon="🚩")
if not trust.warnings:
    st.success(
        "Its own QA agrees with the client's within the tolerance (or there are too few "
        "pairs to say otherwise), and its survey respondents are not a flattering sample."
    )
st.subheader("QA calibration: its own QA team v. the client's, on the same contacts")
st.dataframe(trust.calibration.display(), hide_index=True, height="content", width="stretch")
st.caption(
    "Gap = own score − client score per contact both teams scored (> 0: the vendor scores "
    f"itself higher); out of calibration when the gap is significant and beyond "
    f"±{ctx.settings.calibration_tolerance_pts:g} points. Kappa: agreement on pass/fail "
    "beyond chance (1 perfect, 0 chance). The QA calibration page has the detail."
)
left, right = st.columns(2)
with left:
    st.subheader("QA by who scored it")
    st.dataframe(trust.qa_by_scorer.display(), hide_index=True, height="content")
with right:
    st.subheader("Survey response bias")
    st.dataframe(trust.response_bias.display(), hide_index=True, height="content")
st.subheader("Figures it reported v. the warehouse")
if trust.reported.frame.empty:
    st.caption("No reported figures loaded for this vendor in this period.")
else:
    st.dataframe(trust.reported.display(), hide_index=True, height="content", width="stretch")
    st.caption(
        "Discrepant: outside the computed value's interval and further from it than the "
        "metric's target tolerance. Unverifiable: no data in the warehouse for that period."
    )

st.header("What customers said")
for column, (title, sample) in zip(st.columns(2), review.said.items(), strict=True):
    with column:
        st.subheader(title)
        if sample.empty:
            st.caption("No comments in this period.")
        for record in sample.itertuples():  # customers' words: plain text, never markdown
            st.text(shortened(record.comment))
            st.caption(
                md_text(
                    f"{record.responded_date:%d %b %Y} · {record.centre_name} · "
                    f"CSAT {record.csat_on_scale} · "
                    f"{reason_label(record.contact_reason)}"
                )
            )

st.header("Where its customers called next")
if review.flows.chart is None:
    st.caption("No repeat contacts in this period.")
else:
    st.caption(
        "Answered contacts followed by another contact from the same customer within "
        f"{ctx.settings.repeat_window_days} days: the centre of that next contact."
    )
    st.altair_chart(review.flows.chart, width="content")

# what the contract in force pays, and the other styles (dashboard/contract_view.py)
contract_section.draw(review.contract, contract_problem, ctx.settings)

# last time's objectives and the open actions (dashboard/review_meetings.py); the pack
# opens with them
last_review = review_meetings.draw(ctx, vendor)

st.header("Take it to the meeting")
pack = review.pack(ctx.settings.reporting_timezone, [last_review] if last_review else [])
stem = pack_file_stem(vendor, request.start, request.end)
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

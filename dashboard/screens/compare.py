"""Compare: centres or groups side by side, metric by metric, and what lies behind.

The page's own choices live in the URL beside the sidebar's: ``group_by`` (centre,
vendor, sourcing, shore), ``breakdown`` (contact_reason, channel), ``metric`` (the
breakdown's metric id) and ``by_agent`` (1 for one bubble per agent). A value the page
does not offer is ignored with a notice naming it.
"""

import pandas as pd
import streamlit as st

from dashboard import context
from dashboard.charts import (
    breakdown_heatmap,
    interval_dots,
    metric_title,
    quadrant,
    staff_and_satisfaction,
    volume_and_quality,
)
from dashboard.filters import linked_choice, linked_flag, reason_label, show_ignored
from dashboard.formatting import format_value
from dashboard.plain import APP_TEXT_LIMIT, md_text
from dashboard.queries import agent_points, long_table
from dashboard.trust import trust_warnings
from dashboard.view import baseline_label, group_colours, ordered_groups, wide
from pipelines.metrics import CATALOGUE
from pipelines.metrics.long_table import CSAT_LIKELY_FLATTERED, OUT_OF_CALIBRATION

GROUPINGS = {
    "centre": "Centre",
    "vendor": "Vendor",
    "sourcing": "In-house v. vendor",
    "shore": "Shore",
}
BREAKDOWNS = {"contact_reason": "Contact reason", "channel": "Channel"}
BREAKDOWN_METRICS = [m for m in CATALOGUE if m != "csat_pct_adjusted"]


def read_link() -> None:
    """Seed the page's widgets from the link where the session has no value yet (its
    first visit; the widgets keep their values for the session after), with a notice
    for each value not offered; then write the choices back, so the URL always says
    what is shown."""
    choices = {
        "compare_group_by": linked_choice(
            "group_by",
            list(GROUPINGS),
            "centre",
            "grouping",
            lambda g: f"by {GROUPINGS[g].lower()}",
        ),
        "compare_breakdown": linked_choice(
            "breakdown",
            list(BREAKDOWNS),
            "contact_reason",
            "breakdown",
            lambda b: f"the breakdown by {BREAKDOWNS[b].lower()}",
        ),
        "compare_metric": linked_choice(
            "metric",
            BREAKDOWN_METRICS,
            BREAKDOWN_METRICS[0],
            "metric for the breakdown",
            lambda m: f"{CATALOGUE[m].name} in the breakdown",
        ),
        "compare_by_agent": linked_flag(
            "by_agent", False, {False: "one bubble per group", True: "one bubble per agent"}
        ),
    }
    ignored = []
    for key, (value, problem) in choices.items():
        if key not in st.session_state:
            st.session_state[key] = value
            ignored += [problem] if problem else []
    show_ignored(ignored)
    _write_link()


def _write_link() -> None:
    state = st.session_state
    wanted = {
        "group_by": state.compare_group_by,
        "breakdown": state.compare_breakdown,
        "metric": state.compare_metric,
        "by_agent": "1" if state.compare_by_agent else None,
    }
    for param, value in wanted.items():
        if value is None:
            if param in st.query_params:
                del st.query_params[param]
        elif st.query_params.get(param) != value:
            st.query_params[param] = value


def _metric(whole_period: pd.DataFrame, metric: str) -> pd.DataFrame:
    return whole_period[whole_period["metric"] == metric].set_index("centre_id")


def mix_table(whole_period: pd.DataFrame, groups: list[tuple[str, str, str]]) -> pd.DataFrame:
    """One row per shown group, in display order: raw and mix-adjusted CSAT, coverage and
    both ranks (ties share the better rank; a group without responses has none), and
    whether its survey sample flatters it (response rate, responder repeat gap)."""
    adjusted = _metric(whole_period, "csat_pct_adjusted")
    bias = _metric(whole_period, "responder_repeat_gap")
    table = pd.DataFrame(
        {"centre_id": [g[0] for g in groups], "centre_name": [g[1] for g in groups]}
    )
    table["csat_pct"] = (
        table["centre_id"].map(_metric(whole_period, "csat_pct")["value"]).astype(float)
    )
    table["csat_pct_adjusted"] = table["centre_id"].map(adjusted["value"]).astype(float)
    table["coverage"] = table["centre_id"].map(adjusted["coverage"]).astype(float)
    for rank, column in [("rank raw", "csat_pct"), ("rank adjusted", "csat_pct_adjusted")]:
        table[rank] = table[column].rank(ascending=False, method="min").astype("Int64")
    table["response_rate_pct"] = (
        table["centre_id"].map(_metric(whole_period, "response_rate_pct")["value"]).astype(float)
    )
    table["responder_repeat_gap"] = table["centre_id"].map(bias["value"]).astype(float)
    table["flattered"] = table["centre_id"].map(bias["flag"]).eq(CSAT_LIKELY_FLATTERED)
    return table.drop(columns="centre_id")


def qa_by_scorer(
    whole_period: pd.DataFrame, own: pd.DataFrame, client: pd.DataFrame, groups
) -> pd.DataFrame:
    """One row per shown group: QA score and pass rate as its own QA team and as the
    client's QA team scored it, and the calibration gap on the contacts both scored."""
    gap = _metric(whole_period, "qa_calibration_gap")
    table = pd.DataFrame(
        {"centre_id": [g[0] for g in groups], "centre_name": [g[1] for g in groups]}
    )
    for org, rows in (("own", own), ("client", client)):
        for metric in ("qa_score", "qa_pass_pct"):
            values = _metric(rows, metric)
            table[f"{metric}_{org}"] = table["centre_id"].map(values["value"]).astype(float)
        table[f"n_{org}"] = table["centre_id"].map(_metric(rows, "qa_score")["n"]).astype("Int64")
    table["calibration_gap"] = table["centre_id"].map(gap["value"]).astype(float)
    table["pairs"] = table["centre_id"].map(gap["n"]).astype("Int64")
    table["out_of_calibration"] = table["centre_id"].map(gap["flag"]).eq(OUT_OF_CALIBRATION)
    return table.drop(columns="centre_id")


ctx = context.current()
filters = ctx.filters

st.title("Compare")
read_link()
group_by = st.segmented_control(
    "Compare by",
    list(GROUPINGS),
    format_func=GROUPINGS.get,
    key="compare_group_by",
    persist_state="session",
    required=True,
)
st.caption(
    f"{filters.start:%d %b %Y} – {filters.end:%d %b %Y} ({filters.span_weeks} weeks) · "
    f"gaps against {baseline_label(filters.baseline, ctx.dims)}"
)

whole_period = long_table(
    ctx.warehouse, filters.query(grain="range", group_by=group_by), ctx.settings
)
if whole_period.empty or not (whole_period["n"].fillna(0) > 0).any():
    st.info("No data in this period for these filters. Widen the period or the filters.")
    st.stop()
groups = ordered_groups(whole_period)
colours = group_colours(groups, ctx.dims, group_by)
group_title = GROUPINGS[group_by]
for sentence in trust_warnings(whole_period, ctx.settings):
    st.warning(md_text(sentence, limit=APP_TEXT_LIMIT), icon="🚩")

st.header("Metric by metric")
st.caption(
    "Dots are values over the whole period; bars their confidence intervals. Durations are m:ss."
)
for tab, family in zip(
    st.tabs(["Customer", "People", "Quality", "Operations"]),
    ["customer", "people", "quality", "operations"],
    strict=True,
):
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
st.dataframe(
    mix_table(whole_period, groups),
    hide_index=True,
    height="content",
    column_config={
        "centre_name": st.column_config.TextColumn(group_title),
        "csat_pct": st.column_config.NumberColumn("CSAT % (raw)", format="%.1f%%"),
        "csat_pct_adjusted": st.column_config.NumberColumn(
            "CSAT % (mix-adjusted)", format="%.1f%%"
        ),
        "coverage": st.column_config.ProgressColumn(
            "Coverage", format="%.0f%%", min_value=0, max_value=100
        ),
        "rank raw": st.column_config.NumberColumn("Rank (raw)"),
        "rank adjusted": st.column_config.NumberColumn("Rank (mix-adjusted)"),
        "response_rate_pct": st.column_config.NumberColumn("Response rate", format="%.1f%%"),
        "responder_repeat_gap": st.column_config.NumberColumn(
            "Responder repeat gap (pts)",
            format="%+.1f",
            help="No-repeat share of the surveyed contacts minus that of all answered "
            "contacts; > 0: customers who came back answered less often",
        ),
        "flattered": st.column_config.CheckboxColumn("CSAT likely flattered"),
    },
)

st.header("QA: its own scores v. the client's")
st.caption(
    "A vendor's QA team scores its own contacts; the client's QA team scores a sample too. "
    "Compare centres on the client's scores: the calibration gap is own − client on the "
    f"contacts both scored (out of calibration: significant and beyond "
    f"±{ctx.settings.calibration_tolerance_pts:g} points). In-house centres are scored by "
    "the client's own team, shown as their own."
)
qa_metrics = ("qa_score", "qa_pass_pct")
scored_by = {
    org: long_table(
        ctx.warehouse,
        filters.query(grain="range", group_by=group_by, metrics=qa_metrics, qa_evaluator_org=org),
        ctx.settings,
    )
    for org in ("own", "client")
}
st.dataframe(
    qa_by_scorer(whole_period, scored_by["own"], scored_by["client"], groups),
    hide_index=True,
    height="content",
    column_config={
        "centre_name": st.column_config.TextColumn(group_title),
        "qa_score_own": st.column_config.NumberColumn("QA score (own QA)", format="%.1f"),
        "qa_pass_pct_own": st.column_config.NumberColumn("QA pass (own QA)", format="%.1f%%"),
        "n_own": st.column_config.NumberColumn("n (own)"),
        "qa_score_client": st.column_config.NumberColumn("QA score (client QA)", format="%.1f"),
        "qa_pass_pct_client": st.column_config.NumberColumn("QA pass (client QA)", format="%.1f%%"),
        "n_client": st.column_config.NumberColumn("n (client)"),
        "calibration_gap": st.column_config.NumberColumn("Calibration gap (pts)", format="%+.1f"),
        "pairs": st.column_config.NumberColumn("Pairs"),
        "out_of_calibration": st.column_config.CheckboxColumn("Out of calibration"),
    },
)

st.header("Breakdown")
left, right = st.columns(2)
breakdown = left.segmented_control(
    "Break down by",
    list(BREAKDOWNS),
    format_func=BREAKDOWNS.get,
    key="compare_breakdown",
    persist_state="session",
    required=True,
)
metric = right.selectbox(
    "Metric",
    BREAKDOWN_METRICS,
    format_func=metric_title,
    key="compare_metric",
    persist_state="session",
)
split = long_table(
    ctx.warehouse,
    filters.query(grain="range", group_by=group_by, breakdown=breakdown, metrics=(metric,)),
    ctx.settings,
)
split = split[split["n"].fillna(0) > 0]
if split.empty:
    st.info(f"No {CATALOGUE[metric].name} in this selection (by {BREAKDOWNS[breakdown].lower()}).")
else:
    label = reason_label if breakdown == "contact_reason" else str
    split = split.assign(category=split["breakdown_value"].map(label))
    st.altair_chart(
        breakdown_heatmap(split, [g[1] for g in groups], metric, ctx.settings.min_sample),
        width="stretch",
    )
    st.caption(
        f"Faded values: fewer than {ctx.settings.min_sample} in the sample, shown "
        "but uncertain. Darker cells are higher values."
    )

st.header("Productivity v. satisfaction")
by_agent = st.toggle(
    "By agent",
    key="compare_by_agent",
    persist_state="session",
    help="One bubble per agent instead of per group.",
)
if by_agent:
    points = agent_points(
        ctx.warehouse, filters.query(grain="range", group_by=group_by), ctx.settings
    ).rename(columns={"group_label": "centre_name"})
    label_column = "agent_id"
else:
    points = wide(whole_period, ["aht_s", "csat_pct", "contacts"], ["centre_id", "centre_name"])
    csat_n = whole_period[whole_period["metric"] == "csat_pct"].set_index("centre_id")["n"]
    points["csat_n"] = points["centre_id"].map(csat_n)
    label_column = "centre_id"
needed = ["aht_s", "csat_pct"]
points = points.dropna(subset=needed) if set(needed) <= set(points.columns) else points.iloc[:0]
if points.empty:
    st.info(
        "No " + ("agent" if by_agent else "group") + " has both handle time and CSAT "
        "in this selection."
    )
else:
    st.altair_chart(quadrant(points, colours, label_column), width="stretch")
    st.caption(
        "Top-left is fast and satisfying; dashed lines are the averages of the "
        "bubbles. Handle time is m:ss."
    )

st.header("Staff before customers")
PEOPLE_COLUMNS = ["new_hire_contact_pct", "csat_pct", "attrition_pct", "tenure_median_days"]
staff = wide(whole_period, [*PEOPLE_COLUMNS, "contacts"], ["centre_id", "centre_name"])
staff = staff.reindex(columns=["centre_id", "centre_name", *PEOPLE_COLUMNS, "contacts"])
staff = staff.dropna(subset=["new_hire_contact_pct", "csat_pct"])
if staff.empty:
    st.info("No group has both a roster (new-hire contacts) and CSAT in this selection.")
else:
    st.altair_chart(staff_and_satisfaction(staff, colours), width="stretch")
    st.caption(
        "New hires are agents in their first "
        f"{ctx.settings.new_hire_days} days. Top-left: experienced agents, satisfied "
        "customers. Attrition is annualised; tenure is the median on the period's last day."
    )

st.header("Does quality hold at peak?")
weekly = long_table(
    ctx.warehouse,
    filters.query(
        group_by=group_by, metrics=("contacts", "csat_pct", "qa_score", "service_level_pct")
    ),
    ctx.settings,
)
st.altair_chart(
    volume_and_quality(weekly, colours, ["csat_pct", "qa_score", "service_level_pct"]),
    width="content",
)

st.download_button(
    "Download the comparison (CSV, long table)",
    data=whole_period.to_csv(index=False).encode("utf-8"),
    file_name=f"comparison_{filters.start}_{filters.end}.csv",
    mime="text/csv",
)
volumes = wide(whole_period, ["contacts"], ["centre_name"])
st.caption(
    "Contacts in the period: "
    + " · ".join(
        f"{md_text(name)} {format_value(value, 'count')}"
        for name, value in volumes.itertuples(index=False)
    )
)

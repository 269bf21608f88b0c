"""QA calibration: does a vendor's own QA team score its contacts as the client's does?

A *pair* is a contact both QA teams scored (METRICS.md, "Trusting the vendor's own
numbers"). Reads top to bottom: the verdict for the sidebar's period, the gap per month
(or week) with its interval and the ±tolerance band, agreement and kappa per period, the
gap by QA section, the two teams' QA score and pass rate side by side, and the contacts
they disagree on most (with a CSV download). Every number comes from the metric layer.

URL: ``centre`` (the vendor centre shown; it is the sidebar's centre filter too, so a
copied link opens the same centre) and ``grain`` (``month`` or ``week``). A value the
page does not offer is ignored with a notice naming it.
"""

import pandas as pd
import streamlit as st

from dashboard import context
from dashboard.charts import calibration_gap_chart
from dashboard.filters import IN_HOUSE_BASELINE, linked_choice, reason_label, show_ignored
from dashboard.formatting import format_gap
from dashboard.plain import md_text
from dashboard.queries import calibration_disagreements, long_table
from dashboard.view import wide
from pipelines.export.tables import frame_csv_bytes
from pipelines.metrics import CATALOGUE, QA_SECTIONS

GAP = "qa_calibration_gap"
AGREEMENT = "qa_calibration_agreement_pct"
KAPPA = "qa_calibration_kappa"
SECTION_GAPS = {f"qa_calibration_gap_{section}": section for section in QA_SECTIONS}
QA_BY_SIDE = ("qa_score", "qa_pass_pct", "qa_critical_fail_pct")
SIDES = {"own": "Vendor's own QA", "client": "Client's QA"}
GRAINS = {"month": "Month", "week": "Week"}
DISAGREEMENTS = 50  # rows of the largest-disagreements table (and its download)
OUT, SMALL, WITHIN = "out of calibration", "too few pairs", "within tolerance"

ctx = context.current()
filters = ctx.filters
dims = ctx.dims
tolerance = ctx.settings.calibration_tolerance_pts

st.title("QA calibration")
st.caption(
    "Does the vendor's own QA team score its contacts as the client's QA team does? "
    "Compared on the same contacts (pairs: contacts both teams scored), each in the "
    "period of its latest client evaluation. Gap = own − client score; above 0 the "
    f"vendor scores itself higher. Out of calibration: a significant gap beyond "
    f"±{tolerance:g} points."
)

# Vendor centres only: an in-house centre has one QA team. A vendor's user sees its own.
vendor_centres = {
    c.centre_id: c.name
    for c in dims.centres
    if c.sourcing == "vendor" and (dims.vendor_scope is None or c.centre_id in dims.own_centre_ids)
}
if not vendor_centres:
    st.info(
        "No vendor centre to calibrate. QA calibration compares a vendor's own QA team "
        "with the client's on the same contacts; in-house centres have one QA team. "
        "Load a vendor's exports (docs/SOURCE_CONFIG.md), with the client's QA "
        "evaluations of its contacts."
    )
    st.stop()
options = list(vendor_centres)


def read_link() -> None:
    """Seed the page's choices: the centre from the sidebar's centre filter (the link's
    ``centre``), the grain from ``?grain=``; notices for values not offered. When the
    sidebar's centre filter changes, the page follows it."""
    state = st.session_state
    ignored = []
    in_sidebar = [c for c in filters.centres if c in vendor_centres]
    if "calibration_centre" not in state:
        if in_sidebar:
            state.calibration_centre = in_sidebar[0]
        else:
            state.calibration_centre, problem = linked_choice(
                "centre",
                options,
                options[0],
                "vendor centre with two QA teams",
                lambda c: md_text(vendor_centres[c]),
            )
            ignored += [problem] if problem else []
    elif in_sidebar and state.calibration_centre not in filters.centres:
        state.calibration_centre = in_sidebar[0]
    elif state.calibration_centre not in vendor_centres:  # e.g. another warehouse
        state.calibration_centre = options[0]
    if "calibration_grain" not in state:
        state.calibration_grain, problem = linked_choice(
            "grain", list(GRAINS), "month", "grain (month or week)", lambda g: f"per {g}"
        )
        ignored += [problem] if problem else []
    show_ignored(ignored)


def follow_in_sidebar() -> None:
    """The page's centre becomes the sidebar's centre filter (and so the link's)."""
    st.session_state.f_centres = [st.session_state.calibration_centre]


read_link()
left, right = st.columns([3, 1])
centre_id = left.selectbox(
    "Vendor centre",
    options,
    format_func=vendor_centres.get,
    key="calibration_centre",
    on_change=follow_in_sidebar,
    persist_state="session",
)
grain = right.segmented_control(
    "Per",
    list(GRAINS),
    format_func=GRAINS.get,
    key="calibration_grain",
    persist_state="session",
    required=True,
)
st.query_params["grain"] = grain
centre_name = vendor_centres[centre_id]
period_text = f"{filters.start:%d %b %Y} – {filters.end:%d %b %Y}"
st.caption(
    f"{md_text(centre_name)} · {period_text} · the sidebar's channel and reason filters "
    "apply · change the period in the sidebar"
)


def query(**fields):
    """The sidebar's query for this one centre (calibration has no baseline)."""
    return filters.query(centres=(centre_id,), baseline=IN_HOUSE_BASELINE, **fields)


def state_of(row: pd.Series) -> str:
    if row["flag"] == "out_of_calibration":
        return OUT
    return SMALL if row["insufficient_sample"] else WITHIN


def points(value: float) -> str:
    return format_gap(value, "pct")  # signed, one decimal, "pts"


def p_text(p_value: float) -> str:
    return "p < 0.0001" if p_value < 0.0001 else f"p = {p_value:.4f}"


whole = long_table(
    ctx.warehouse,
    query(grain="range", metrics=(GAP, AGREEMENT, KAPPA, *SECTION_GAPS)),
    ctx.settings,
)
overall = whole[whole["metric"] == GAP].iloc[0]
pairs_n = int(overall["n"])

# --- the verdict -----------------------------------------------------------------------
if pairs_n == 0:
    st.info(
        f"No contact of {md_text(centre_name)} was scored by both QA teams in "
        f"{period_text}, so there is nothing to compare. Calibration needs the client's "
        "QA evaluations of the vendor's contacts: load them, or widen the history or "
        "the filters in the sidebar."
    )
    st.stop()
interval = f"interval {points(overall['ci_low'])} to {points(overall['ci_high'])}"
direction = "higher" if overall["value"] > 0 else "lower"
verdict = state_of(overall)
if verdict == OUT:
    st.error(
        f"**Out of calibration.** {md_text(centre_name)}'s own QA scores its contacts "
        f"{points(abs(overall['value'])).lstrip('+')} {direction} than the client's QA on "
        f"the same {pairs_n:,} contacts ({interval}, {p_text(overall['p_value'])}); the "
        f"tolerance is ±{tolerance:g} points. Trust the client-scored QA figures for this "
        "centre.",
        icon=":material/gpp_bad:",
    )
elif verdict == SMALL:
    st.info(
        f"**Too few pairs to judge.** {pairs_n:,} contacts of {md_text(centre_name)} were "
        f"scored by both QA teams in {period_text}; at least {ctx.settings.min_sample} "
        f"are needed. The gap so far is {points(overall['value'])} ({interval}). "
        "Widen the history in the sidebar.",
        icon=":material/hourglass_empty:",
    )
else:
    how = (
        f"a real but small difference, within ±{tolerance:g} points"
        if overall["significant"]
        else "not significantly different from zero"
    )
    st.success(
        f"**Within tolerance.** On {pairs_n:,} contacts both teams scored, "
        f"{md_text(centre_name)}'s own QA differs from the client's by "
        f"{points(overall['value'])} ({interval}): {how}.",
        icon=":material/verified:",
    )

# --- the gap per period ------------------------------------------------------------------
st.header(f"Gap per {grain}")
per_period = long_table(
    ctx.warehouse, query(grain=grain, metrics=(GAP, AGREEMENT, KAPPA)), ctx.settings
)
gaps = per_period[per_period["metric"] == GAP].reset_index(drop=True)
st.altair_chart(calibration_gap_chart(gaps, tolerance, grain), width="content")
st.caption(
    f"Each point is the mean gap of the {grain}'s pairs with its 95 % interval (t); the "
    f"shaded band is the ±{tolerance:g}-point tolerance. Hollow: fewer than "
    f"{ctx.settings.min_sample} pairs, too few to judge. The first and last {grain} may "
    "be partial: the range is the sidebar's history."
)
values = wide(per_period, [GAP, AGREEMENT, KAPPA], ["period_start"]).set_index("period_start")
period_table = pd.DataFrame(
    {
        GRAINS[grain]: gaps["period_start"].dt.date,
        "Pairs": gaps["n"].astype("int64"),
        "Gap (points)": gaps["value"],
        "Interval from": gaps["ci_low"],
        "Interval to": gaps["ci_high"],
        "p": gaps["p_value"],
        "Verdict": [state_of(row) for _, row in gaps.iterrows()],
        "Agreement %": gaps["period_start"].map(values[AGREEMENT]).to_numpy(),
        "Kappa": gaps["period_start"].map(values[KAPPA]).to_numpy(),
    }
)
one_decimal = st.column_config.NumberColumn(format="%.1f")
st.dataframe(
    period_table,
    hide_index=True,
    width="stretch",
    height="content",
    column_config={
        GRAINS[grain]: st.column_config.DateColumn(
            format="MMM YYYY" if grain == "month" else "[Week of] DD MMM YYYY"
        ),
        "Gap (points)": one_decimal,
        "Interval from": one_decimal,
        "Interval to": one_decimal,
        "p": st.column_config.NumberColumn(format="%.4f"),
        "Agreement %": one_decimal,
        "Kappa": st.column_config.NumberColumn(format="%.2f"),
    },
)
st.caption(
    "Agreement %: pairs whose pass/fail verdicts agree. Kappa: that agreement beyond "
    "chance (1 perfect, 0 no better than chance; None when undefined: both teams gave "
    "every pair the same verdict)."
)

# --- by QA section -----------------------------------------------------------------------
st.header("By QA section")
sections = whole[whole["metric"].isin(list(SECTION_GAPS))].reset_index(drop=True)
st.dataframe(
    pd.DataFrame(
        {
            "Section": sections["metric"].map(SECTION_GAPS).str.capitalize(),
            "Gap (points)": sections["value"],
            "Interval from": sections["ci_low"],
            "Interval to": sections["ci_high"],
            "Pairs": sections["n"].astype("int64"),
            "p": sections["p_value"],
            "Verdict": [state_of(row) for _, row in sections.iterrows()],
        }
    ),
    hide_index=True,
    width="stretch",
    height="content",
    column_config={
        "Gap (points)": one_decimal,
        "Interval from": one_decimal,
        "Interval to": one_decimal,
        "p": st.column_config.NumberColumn(format="%.4f"),
    },
)
st.caption(
    f"Per section, over the pairs where both teams scored it; {period_text}. Where the "
    "vendor's section scores run high, that section is where calibration sessions "
    "should start."
)

# --- own v. client QA ----------------------------------------------------------------
st.header("Own v. client QA")
side_rows = {
    side: long_table(
        ctx.warehouse, query(grain="range", metrics=QA_BY_SIDE, qa_evaluator_org=side), ctx.settings
    ).set_index("metric")
    for side in SIDES
}
st.dataframe(
    pd.DataFrame(
        {
            "Metric": [CATALOGUE[m].name for m in QA_BY_SIDE],
            **{
                column: side_rows[side].loc[list(QA_BY_SIDE), field].to_numpy()
                for side, label in SIDES.items()
                for column, field in ((label, "value"), (f"{label}: n", "n"))
            },
        }
    ),
    hide_index=True,
    width="stretch",
    height="content",
    column_config={label: one_decimal for label in SIDES.values()},
)
st.caption(
    "Every evaluation each team made of this centre's contacts in the period, not only "
    "the pairs. The client-scored figures are the ones to compare across centres."
)

# --- the largest disagreements ---------------------------------------------------------
st.header("Largest disagreements")
pairs = calibration_disagreements(ctx.warehouse, query(grain="range"), ctx.settings, DISAGREEMENTS)


def verdicts(side: str) -> list[str]:
    return [
        "critical fail" if critical else "pass" if passed else "fail"
        for passed, critical in zip(
            pairs[f"{side}_passed"], pairs[f"{side}_critical_fail"], strict=True
        )
    ]


def evaluators(side: str) -> pd.Series:
    return pairs[f"{side}_evaluator_ids"].map(", ".join)


disagreements = pd.DataFrame(
    {
        "Contact": pairs["contact_id"],
        "Started": pairs["contact_started_at"],
        "Channel": pairs["channel"],
        "Reason": pairs["contact_reason"].map(
            lambda r: reason_label(r) if isinstance(r, str) else None
        ),
        "Agent": pairs["agent_id"],
        "Own score": pairs["own_score"],
        "Client score": pairs["client_score"],
        "Gap (points)": pairs["gap"],
        "Own verdict": verdicts("own"),
        "Client verdict": verdicts("client"),
        "Own evaluations": pairs["own_evaluations"],
        "Client evaluations": pairs["client_evaluations"],
        "Own evaluators": evaluators("own"),
        "Client evaluators": evaluators("client"),
        "Client scored on": pairs["client_evaluated_date"],
        **{
            f"{section.capitalize()}: {who}": pairs[f"{side}_{section}"]
            for section in QA_SECTIONS
            for side, who in (("own", "own"), ("client", "client"))
        },
    }
)
st.dataframe(
    disagreements,
    hide_index=True,
    width="stretch",
    height="content",
    column_config={
        "Started": st.column_config.DatetimeColumn(format="DD MMM YYYY, HH:mm"),
        "Client scored on": st.column_config.DateColumn(format="DD MMM YYYY"),
        "Own score": one_decimal,
        "Client score": one_decimal,
        "Gap (points)": one_decimal,
        **{
            f"{section.capitalize()}: {who}": one_decimal
            for section in QA_SECTIONS
            for who in ("own", "client")
        },
    },
)
st.caption(
    f"The {len(pairs):,} of {pairs_n:,} pairs with the largest difference between the two "
    f"teams' scores, largest first (start times in {ctx.settings.reporting_timezone}). A "
    "side's score is the mean of its evaluations of the contact; it passes at "
    f"{ctx.settings.qa_pass_mark:g} or more with no critical fail. Section scores where "
    "both teams scored the section."
)
st.download_button(
    "Largest disagreements (CSV)",
    data=frame_csv_bytes(
        pairs.assign(
            own_evaluator_ids=pairs["own_evaluator_ids"].map("; ".join),
            client_evaluator_ids=pairs["client_evaluator_ids"].map("; ".join),
        )
    ),
    file_name=f"calibration_pairs_{centre_id}_{filters.start}_{filters.end}.csv",
    mime="text/csv",
)

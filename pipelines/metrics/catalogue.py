"""The metric catalogue: every metric of METRICS.md, in display order.

Order matters: satisfaction first, then the agents' experience beside it (family
"people": staff before customers), then quality, then operations. The dashboard uses
it for labels and tooltips, the exports for column order and the "definitions" sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["pct", "score", "seconds", "count", "nps", "pts"]  # pts: a signed difference
Direction = Literal["higher", "lower"]
Family = Literal["customer", "people", "quality", "operations"]
# How a metric's uncertainty and significance are computed (see stats.py). The last three
# carry their own test against zero (METRICS.md), which is the one a long table row's
# p_value and significant report (SELF_TESTED): paired_mean (n pairs, x and xx the sum and
# sum of squares of the differences), kappa (n pairs, x agreeing, xx passed by the own
# side, y passed by the client) and proportion_difference (n, x the sample; y, xx the
# whole population it is compared with). rate: attrition, an annualised Poisson rate (n
# agents employed at some time in the period, x leavers, xx headcount on the first + on
# the last day; the period's days from its dates). median: tenure, from the pooled
# tenure distribution (n agents; the value is set apart from the sums, people.py).
Kind = Literal[
    "proportion",
    "mean",
    "nps",
    "count",
    "adjusted_proportion",
    "paired_mean",
    "kappa",
    "proportion_difference",
    "rate",
    "median",
]
SELF_TESTED: frozenset[str] = frozenset({"paired_mean", "proportion_difference"})

QA_SECTIONS: tuple[str, ...] = ("accuracy", "empathy", "brand", "compliance", "process")


@dataclass(frozen=True)
class MetricDef:
    id: str
    name: str
    definition: str
    unit: Unit
    direction: Direction | None
    population: str
    family: Family
    kind: Kind = "proportion"


def _calibration_section(section: str) -> MetricDef:
    return MetricDef(
        f"qa_calibration_gap_{section}",
        f"QA calibration gap, {section}",
        f"mean of (own - client) '{section}' section score over pairs where both sides "
        "scored the section; > 0: the vendor scores itself higher",
        "pts",
        None,
        f"calibration pairs with a '{section}' score on both sides",
        "quality",
        "paired_mean",
    )


def _section(section: str) -> MetricDef:
    return MetricDef(
        f"qa_section_{section}",
        f"QA {section} section",
        f"mean score_pct (0-100) of the '{section}' section, where the source scores it",
        "score",
        "higher",
        f"QA evaluations with a '{section}' section score",
        "quality",
        "mean",
    )


_DEFINITIONS: tuple[MetricDef, ...] = (
    MetricDef(
        "csat_pct",
        "CSAT %",
        "share of responses that are satisfied: csat_raw >= lo + 0.75 * (hi - lo) "
        "(4-5 of 5; 8-10 of 1-10 or 0-10; 6-7 of 1-7)",
        "pct",
        "higher",
        "surveys with a CSAT answer",
        "customer",
        "proportion",
    ),
    MetricDef(
        "csat_mean",
        "CSAT mean (1-5)",
        "mean of normalised csat = 1 + 4 * (csat_raw - lo) / (hi - lo)",
        "score",
        "higher",
        "surveys with a CSAT answer",
        "customer",
        "mean",
    ),
    MetricDef(
        "delight_pct",
        "Delight %",
        "share of responses at the top of the scale: csat_raw = hi",
        "pct",
        "higher",
        "surveys with a CSAT answer",
        "customer",
        "proportion",
    ),
    MetricDef(
        "nps",
        "NPS",
        "100 * (promoters - detractors) / responses; promoter 9-10, detractor 0-6",
        "nps",
        "higher",
        "surveys with an NPS answer (0-10)",
        "customer",
        "nps",
    ),
    MetricDef(
        "fcr_survey_pct",
        "FCR % (survey)",
        "share of answers saying the issue was resolved",
        "pct",
        "higher",
        "surveys with a resolved answer",
        "customer",
        "proportion",
    ),
    MetricDef(
        "fcr_repeat_pct",
        "FCR % (no repeat)",
        "share of answered contacts with no other contact (any centre, any channel, "
        "answered or not) from the same customer_key starting in "
        "(started_at, started_at + repeat_window_days]",
        "pct",
        "higher",
        "answered contacts with a customer_key",
        "customer",
        "proportion",
    ),
    MetricDef(
        "complaint_pct",
        "Complaint %",
        "share of answered contacts flagged as a complaint",
        "pct",
        "lower",
        "answered contacts",
        "customer",
        "proportion",
    ),
    MetricDef(
        "response_rate_pct",
        "Survey response rate %",
        "surveys / answered contacts, same centre and period",
        "pct",
        "higher",
        "answered contacts",
        "customer",
        "proportion",
    ),
    MetricDef(
        "csat_pct_adjusted",
        "CSAT % (mix-adjusted)",
        "csat_pct standardised to the contact-reason mix of all CSAT responses in the "
        "selection: sum_r w_r * csat_pct(r) / sum of w_r over reasons seen at the centre; "
        "coverage = that sum of w_r",
        "pct",
        "higher",
        "surveys with a CSAT answer",
        "customer",
        "adjusted_proportion",
    ),
    MetricDef(
        "responder_repeat_gap",
        "Responder repeat gap",
        "fcr_repeat_pct over answered contacts with a survey - fcr_repeat_pct over all "
        "answered contacts (two-proportion z-test); > 0: customers who came back answered "
        "less often, so CSAT flatters the centre",
        "pts",
        None,
        "answered contacts with a customer_key and a survey",
        "customer",
        "proportion_difference",
    ),
    MetricDef(
        "headcount",
        "Headcount",
        "agents employed on the period's last day (hired_on <= day <= left_on, left_on "
        "the last day employed)",
        "count",
        None,
        "roster",
        "people",
        "count",
    ),
    MetricDef(
        "attrition_pct",
        "Attrition % (annualised)",
        "leavers in the period / mean of headcount on its first and last day, annualised: "
        "x 365 / days in period x 100",
        "pct",
        "lower",
        "roster (agents employed at some time in the period)",
        "people",
        "rate",
    ),
    MetricDef(
        "tenure_median_days",
        "Median tenure (days)",
        "median days since hired_on (of the current spell) of agents employed on the "
        "period's last day",
        "count",
        "higher",
        "roster (agents employed on the period's last day)",
        "people",
        "median",
    ),
    MetricDef(
        "new_hire_contact_pct",
        "New-hire contacts %",
        "share of answered contacts handled by an agent with tenure < new_hire_days "
        "(setting, default 90) on the contact's day",
        "pct",
        "lower",
        "answered contacts whose agent the roster has employed that day",
        "people",
        "proportion",
    ),
    MetricDef(
        "enps",
        "eNPS",
        "as nps, over staff-survey answers: 100 * (promoters - detractors) / answers; "
        "promoter 9-10, detractor 0-6",
        "nps",
        "higher",
        "staff-survey answers (0-10)",
        "people",
        "nps",
    ),
    MetricDef(
        "qa_score",
        "QA score",
        "mean score_pct (0-100)",
        "score",
        "higher",
        "QA evaluations",
        "quality",
        "mean",
    ),
    MetricDef(
        "qa_pass_pct",
        "QA pass %",
        "share with score_pct >= qa_pass_mark and no critical fail",
        "pct",
        "higher",
        "QA evaluations",
        "quality",
        "proportion",
    ),
    MetricDef(
        "qa_critical_fail_pct",
        "QA critical fail %",
        "share with a critical (compliance) fail",
        "pct",
        "lower",
        "QA evaluations",
        "quality",
        "proportion",
    ),
    *(_section(section) for section in QA_SECTIONS),
    MetricDef(
        "qa_calibration_gap",
        "QA calibration gap",
        "mean of (own score - client score) over contacts both QA teams scored, each "
        "side's score the mean of its evaluations; > 0: the vendor scores itself higher",
        "pts",
        None,
        "calibration pairs",
        "quality",
        "paired_mean",
    ),
    MetricDef(
        "qa_calibration_agreement_pct",
        "QA calibration agreement %",
        "share of calibration pairs whose pass/fail verdicts agree",
        "pct",
        "higher",
        "calibration pairs",
        "quality",
        "proportion",
    ),
    MetricDef(
        "qa_calibration_kappa",
        "QA calibration kappa",
        "Cohen's kappa of the two sides' pass/fail verdicts: (agreement - chance "
        "agreement) / (1 - chance agreement)",
        "score",
        "higher",
        "calibration pairs",
        "quality",
        "kappa",
    ),
    *(_calibration_section(section) for section in QA_SECTIONS),
    MetricDef(
        "contacts",
        "Contacts",
        "count of contacts",
        "count",
        None,
        "all contacts",
        "operations",
        "count",
    ),
    MetricDef(
        "aht_s",
        "AHT",
        "mean of talk_s + hold_s + wrap_s",
        "seconds",
        "lower",
        "answered contacts",
        "operations",
        "mean",
    ),
    MetricDef(
        "asa_s",
        "ASA",
        "mean wait_s",
        "seconds",
        "lower",
        "answered real-time (voice, chat) contacts",
        "operations",
        "mean",
    ),
    MetricDef(
        "service_level_pct",
        "Service level %",
        "answered with wait_s <= service_level_threshold_s / offered",
        "pct",
        "higher",
        "offered real-time contacts",
        "operations",
        "proportion",
    ),
    MetricDef(
        "abandon_pct",
        "Abandon %",
        "abandoned (wait_s >= short_abandon_s) / offered",
        "pct",
        "lower",
        "offered real-time contacts",
        "operations",
        "proportion",
    ),
    MetricDef(
        "transfer_pct",
        "Transfer %",
        "transferred / answered",
        "pct",
        "lower",
        "answered contacts",
        "operations",
        "proportion",
    ),
)

CATALOGUE: dict[str, MetricDef] = {metric.id: metric for metric in _DEFINITIONS}
METRIC_IDS: tuple[str, ...] = tuple(CATALOGUE)
# the calibration gap per section: read on the calibration view and in exports, too much
# detail for a scorecard
DETAIL_METRICS: frozenset[str] = frozenset(f"qa_calibration_gap_{s}" for s in QA_SECTIONS)
HEADLINE_METRICS: tuple[str, ...] = tuple(m for m in METRIC_IDS if m not in DETAIL_METRICS)


def validate_metric_ids(metric_ids: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The requested ids in catalogue order; all of them when none are requested."""
    unknown = sorted(set(metric_ids) - set(CATALOGUE))
    if unknown:
        raise ValueError(
            f"Unknown metric id(s): {', '.join(unknown)}. Known: {', '.join(METRIC_IDS)}"
        )
    wanted = set(metric_ids) or set(METRIC_IDS)
    return tuple(metric_id for metric_id in METRIC_IDS if metric_id in wanted)

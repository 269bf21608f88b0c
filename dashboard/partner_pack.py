"""The partner review's content: its tables, charts and notes, from the metric layer.

No Streamlit call here: the Partner review page draws this content and offers it as
the review pack, and ``python -m pipelines review-pack`` writes the same pack for a
scheduler. Both hand ``build_review`` the same request and a ``Reader`` (the page's
cached queries, or the metric layer on a read-only connection), so the same inputs
give the same pack.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import altair as alt
import duckdb
import pandas as pd

from dashboard.charts import contribution_bars, shares_bar, trend_small_multiples
from dashboard.contract_view import ContractView, contract_view
from dashboard.formatting import format_gap
from dashboard.lookups import Dimensions
from dashboard.review_pack import PackSection, PackTable, ReviewPack
from dashboard.trust import FLAG_LABELS, TRUST_METRICS, reported_sentence, trust_warnings
from dashboard.view import group_colours
from pipelines.metrics import (
    CATALOGUE,
    GapContributions,
    MetricQuery,
    Targets,
    customer_comments,
    gap_contributions,
    metric_table,
    repeat_flows,
)
from pipelines.metrics.catalogue import QA_SECTIONS
from pipelines.metrics.contract_config import Contracts
from pipelines.metrics.persistence import describe, gap_persistence
from pipelines.metrics.query import IN_HOUSE_BASELINE
from pipelines.metrics.reconciliation import reconciliation
from pipelines.settings import MetricSettings

TREND_METRICS = ("csat_pct", "nps", "fcr_repeat_pct", "complaint_pct", "qa_score", "aht_s")
HISTORY_WEEKS = 26  # weeks read for the weekly streak of each gap
COMMENT_LIMIT = 8  # comments per side (satisfied, dissatisfied)
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
COMMENT_COLUMNS = {
    "responded_date": "Date",
    "centre_name": "Centre",
    "csat_on_scale": "CSAT",
    "contact_reason": "Reason",
    "comment": "Comment",
}
CALIBRATION_METRICS = (
    "qa_calibration_gap",
    "qa_calibration_agreement_pct",
    "qa_calibration_kappa",
    *(f"qa_calibration_gap_{section}" for section in QA_SECTIONS),
)
QA_METRICS = ("qa_score", "qa_pass_pct", "qa_critical_fail_pct")
BIAS_METRICS = ("response_rate_pct", "responder_repeat_gap")
RECONCILIATION_STATUS = {
    "discrepant": "✖ discrepant",
    "consistent": "✔ consistent",
    "unverifiable": "? unverifiable",
}
FLAG_WORDS = {flag: label.removeprefix("⚑ ") for flag, label in FLAG_LABELS.items()}
FLOW_COLUMNS = {"next_centre_name": "Next contact at", "count": "Repeats", "share_pct": "Share %"}


def pack_file_stem(vendor: str, start: date, end: date) -> str:
    """``review_<vendor>_<start>_<end>``, safe as a file name anywhere: the vendor's name
    folded to lower-case ASCII words joined by hyphens ("Atlântico Serviços" ->
    "atlantico-servicos"); a name with no such letters gets a short hash of itself."""
    folded = unicodedata.normalize("NFKD", vendor).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:60].strip("-")
    if not slug:
        slug = "vendor-" + hashlib.sha256(vendor.encode()).hexdigest()[:8]
    return f"review_{slug}_{start:%Y-%m-%d}_{end:%Y-%m-%d}"


@dataclass(frozen=True)
class Reader:
    """Where the review's numbers come from: each is a metric-layer call."""

    long_table: Callable[[MetricQuery], pd.DataFrame]
    contributions: Callable[[MetricQuery, str], GapContributions]
    flows: Callable[[MetricQuery], pd.DataFrame]
    comments: Callable[[MetricQuery, str, bool, int], pd.DataFrame]
    # the reconciliation of reported figures: (centre ids, start, end, vendor scope)
    reported: Callable[[tuple[str, ...], date, date, str | None], pd.DataFrame]

    @classmethod
    def direct(
        cls, con: duckdb.DuckDBPyConnection, settings: MetricSettings, targets: Targets
    ) -> Reader:
        """The metric layer on one connection, uncached (the command line)."""
        return cls(
            long_table=lambda query: metric_table(con, query, settings, targets),
            contributions=lambda query, group: gap_contributions(con, query, settings, group),
            flows=lambda query: repeat_flows(con, query, settings),
            comments=lambda query, group, satisfied, limit: customer_comments(
                con, query, settings, group, satisfied=satisfied, limit=limit
            ),
            reported=lambda centres, start, end, scope: reconciliation(
                con, settings, targets, scope, centres, start, end
            ),
        )


@dataclass(frozen=True)
class ReviewRequest:
    """One vendor over a period (inclusive dates), against a baseline: the in-house
    pool, a vendor group key or a centre id. ``vendor_scope`` builds the vendor's own
    view (other centres anonymised); None names every centre."""

    vendor: str
    start: date
    end: date
    baseline_name: str  # as the page names it: "in-house (pooled)", a vendor, a centre
    baseline: str = IN_HOUSE_BASELINE
    channels: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    vendor_scope: str | None = None
    last_review_on: date | None = None  # the last recorded review meeting with the vendor

    def query(self, **overrides: object) -> MetricQuery:
        """Every vendor pooled over the period; overrides change grain, dates, metrics."""
        fields = {
            "grain": "range",
            "start": self.start,
            "end": self.end,
            "group_by": "vendor",
            "channels": self.channels,
            "contact_reasons": self.reasons,
            "baseline": self.baseline,
            "vendor_scope": self.vendor_scope,
        }
        return MetricQuery(**{**fields, **overrides})

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def period_text(self) -> str:
        length = f"{self.days // 7} weeks" if self.days % 7 == 0 else f"{self.days} days"
        return f"{self.start:%d %b %Y} – {self.end:%d %b %Y} ({length})"

    @property
    def previous(self) -> tuple[date, date]:
        """The period of the same length just before."""
        return self.start - timedelta(days=self.days), self.start - timedelta(days=1)

    @property
    def at_last_review(self) -> tuple[date, date] | None:
        """The period of the same length that ended the day before the last review: what
        that meeting looked at (None without a recorded review)."""
        if self.last_review_on is None:
            return None
        end = self.last_review_on - timedelta(days=1)
        return end - timedelta(days=self.days - 1), end

    @property
    def history_start(self) -> date:
        last_monday = self.end - timedelta(days=self.end.weekday())
        return last_monday - timedelta(weeks=HISTORY_WEEKS - 1)


@dataclass(frozen=True)
class Scorecard:
    all_metrics: PackTable
    with_targets: PackTable
    met: int  # targets met on a sufficient sample

    def section(self, period_text: str) -> PackSection:
        return PackSection(
            "Scorecard against targets",
            period_text,
            tables=[("Targets", self.with_targets), ("All metrics", self.all_metrics)],
        )


@dataclass(frozen=True)
class Change:
    table: PackTable
    previous_text: str
    last_review_text: str | None = None  # the period before the last review, as text

    @property
    def note(self) -> str:
        note = f"Previous period: {self.previous_text}."
        if self.last_review_text:
            note += f" At the last review: {self.last_review_text}."
        return note

    def section(self) -> PackSection:
        return PackSection(
            "Since the previous period",
            self.note,
            tables=[("Since the previous period", self.table)],
        )


@dataclass(frozen=True)
class GapDrivers:
    explained: GapContributions
    reasons: pd.DataFrame  # reasons by name, screen columns
    sections: pd.DataFrame
    reason_chart: alt.Chart
    section_chart: alt.Chart

    def section(self) -> PackSection:
        explained = self.explained
        return PackSection(
            "What explains the gap",
            f"CSAT gap {format_gap(explained.csat_gap, 'pct')} (mix term "
            f"{format_gap(explained.csat_mix_term, 'pct')}); QA gap "
            f"{format_gap(explained.qa_gap, 'score')}.",
            tables=[("Contact reasons", self.reasons), ("QA sections", self.sections)],
            charts=[self.reason_chart, self.section_chart],
        )


@dataclass(frozen=True)
class Trust:
    """Can the vendor's own numbers be trusted: QA calibration, QA by who scored it,
    survey response bias and the reconciliation of the figures it reported."""

    warnings: list[str]  # plain sentences (dashboard/trust.py)
    calibration: PackTable
    qa_by_scorer: PackTable
    response_bias: PackTable
    reported: PackTable  # empty when the vendor reported no figures for the period

    def section(self) -> PackSection:
        tables = [
            ("QA calibration", self.calibration),
            ("QA by who scored it", self.qa_by_scorer),
            ("Survey response bias", self.response_bias),
        ]
        if not self.reported.frame.empty:
            tables.append(("Reported v. warehouse", self.reported))
        return PackSection(
            "Can we trust its own numbers?",
            " ".join(self.warnings) or "No warning about the vendor's own numbers.",
            tables=tables,
        )


@dataclass(frozen=True)
class Flows:
    flows: pd.DataFrame  # the vendor's repeat flows; empty when there were none
    chart: alt.Chart | None

    def section(self) -> PackSection | None:
        if self.chart is None:
            return None
        return PackSection(
            "Where its customers called next",
            tables=[("Repeat flows", self.flows[list(FLOW_COLUMNS)].rename(columns=FLOW_COLUMNS))],
            charts=[self.chart],
        )


@dataclass(frozen=True)
class PartnerReview:
    request: ReviewRequest
    scorecard: Scorecard
    change: Change
    trend_chart: alt.TopLevelMixin
    gap: GapDrivers
    said: dict[str, pd.DataFrame]  # "Satisfied" / "Dissatisfied": the comment samples
    flows: Flows
    reason_labels: dict[str, str]
    trust: Trust
    contract: ContractView | None = None  # dashboard/contract_view.py; None: no contract

    def pack(self, reporting_timezone: str, opening: Sequence[PackSection] = ()) -> ReviewPack:
        """``opening``: sections before the scorecard (the last review's objectives)."""
        request = self.request
        sections = [
            *opening,
            self.scorecard.section(request.period_text),
            self.change.section(),
            PackSection(
                "Trends", "Weekly values with confidence bands.", charts=[self.trend_chart]
            ),
            self.gap.section(),
            self.trust.section(),
            PackSection(
                "What customers said",
                tables=[
                    (title, sample[list(COMMENT_COLUMNS)].rename(columns=COMMENT_COLUMNS))
                    for title, sample in self.said.items()
                ],
            ),
        ]
        if (flows := self.flows.section()) is not None:
            sections.append(flows)
        if self.contract is not None:
            sections.append(self.contract.section())
        return ReviewPack(
            f"Partner review: {request.vendor}",
            f"{request.period_text} · compared with {request.baseline_name}",
            sections,
            reporting_timezone=reporting_timezone,
            labels={"Reason": self.reason_labels},
        )


def build_review(
    reader: Reader,
    request: ReviewRequest,
    dims: Dimensions,
    settings: MetricSettings,
    reason_label: Callable[[str], str],
    contracts: Contracts | None = None,
) -> PartnerReview | None:
    """The review's content, or None when the vendor has no data in the period."""
    period = reader.long_table(request.query())
    vendor_rows = period[period["centre_id"] == request.vendor]
    if not (vendor_rows["n"].fillna(0) > 0).any():
        return None
    return PartnerReview(
        request,
        scorecard(vendor_rows, request.baseline_name),
        change(reader, request, vendor_rows, dims, settings),
        trends(reader, request, dims),
        gap_drivers(reader, request, reason_label),
        {
            title: reader.comments(request.query(), request.vendor, satisfied, COMMENT_LIMIT)
            for title, satisfied in (("Satisfied", True), ("Dissatisfied", False))
        },
        flows(reader, request, dims),
        {code: reason_label(code) for code in dims.reasons},
        trust(reader, request, dims, settings),
        contract_view(
            reader.long_table,
            contracts or Contracts(),
            request.vendor,
            request.start,
            request.end,
            settings,
            request.vendor_scope,
            (dims.first_day, dims.last_day),
        ),
    )


def scorecard(vendor_rows: pd.DataFrame, baseline_name: str) -> Scorecard:
    """Typed values with each row's unit: the screen and the pack show them formatted,
    the workbook gets numbers with number formats."""
    row_units = vendor_rows["unit"]
    gap_column = f"Gap to {baseline_name}"
    table = PackTable(
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
        units={
            "Value": row_units,
            "Target": row_units,
            gap_column: "gap:" + row_units,
            "n": "count",
        },
    )
    met = ((vendor_rows["status"] == "met") & ~vendor_rows["insufficient_sample"]).sum()
    return Scorecard(table, table.rows(vendor_rows["target"].notna()), int(met))


def change(
    reader: Reader,
    request: ReviewRequest,
    vendor_rows: pd.DataFrame,
    dims: Dimensions,
    settings: MetricSettings,
) -> Change:
    """The period against the one just before and, with a recorded review, the one the
    last review looked at; and the weekly streak of each gap."""

    def vendor_values(start: date, end: date) -> pd.DataFrame:
        table = reader.long_table(request.query(start=start, end=end))
        return table[table["centre_id"] == request.vendor].set_index("metric")

    previous_start, previous_end = request.previous
    previous = vendor_values(previous_start, previous_end)
    all_weeks = reader.long_table(request.query(grain="week", start=request.history_start))
    lasting = gap_persistence(all_weeks[all_weeks["centre_id"] == request.vendor], settings)
    lasting = lasting.set_index("metric")
    now = vendor_rows.set_index("metric")
    compared = [m for m in now.index if CATALOGUE[m].direction is not None]
    history_cut = dims.first_day is not None and request.history_start > dims.first_day
    weekly_words = [
        describe(
            lasting.at[m, "weeks_behind"],
            bool(lasting.at[m, "at_least"]) and history_cut,
            lasting.at[m, "trend"],
        )
        if m in lasting.index
        else ""
        for m in compared
    ]
    units = now.loc[compared, "unit"].reset_index(drop=True)
    before = previous.reindex(compared)
    table = PackTable(
        pd.DataFrame(
            {
                "Metric": [CATALOGUE[m].name for m in compared],
                "This period": now.loc[compared, "value"].to_numpy(),
                "Previous period": before["value"].to_numpy(),
                "Change": (now.loc[compared, "value"] - before["value"]).to_numpy(),
                "Gap now": now.loc[compared, "gap"].to_numpy(),
                "Gap before": before["gap"].to_numpy(),
                "Weekly": weekly_words,
            }
        ),
        units={
            "This period": units,
            "Previous period": units,
            "Change": "gap:" + units,
            "Gap now": "gap:" + units,
            "Gap before": "gap:" + units,
        },
    )
    previous_text = f"{previous_start:%d %b %Y} – {previous_end:%d %b %Y}"
    if request.at_last_review is None:
        return Change(table, previous_text)
    review_start, review_end = request.at_last_review
    then = vendor_values(review_start, review_end).reindex(compared)
    frame = table.frame.assign(
        **{
            "At last review": then["value"].to_numpy(),
            "Since last review": (now.loc[compared, "value"] - then["value"]).to_numpy(),
        }
    )
    units = {**table.units, "At last review": units, "Since last review": "gap:" + units}
    return Change(
        PackTable(frame, units=units),
        previous_text,
        f"{review_start:%d %b %Y} – {review_end:%d %b %Y}, the {request.days} days before "
        f"the review of {request.last_review_on:%d %b %Y}",
    )


def trends(reader: Reader, request: ReviewRequest, dims: Dimensions) -> alt.TopLevelMixin:
    """Weekly values of the vendor and the in-house centres (pooled; the client's
    in-house in a vendor's view), with confidence bands."""
    weekly = reader.long_table(request.query(grain="week", metrics=TREND_METRICS))
    in_house = weekly["sourcing"] == "in_house"
    weekly = weekly[(weekly["centre_id"] == request.vendor) | in_house]
    # charts take dates as datetimes (Vega-Lite reads the ISO text as times)
    weekly = weekly.assign(period_start=pd.to_datetime(weekly["period_start"]))
    in_house_label = weekly.loc[in_house, "centre_name"].iloc[0] if in_house.any() else "In-house"
    colours = group_colours(
        [
            (IN_HOUSE_BASELINE, in_house_label, "in_house"),
            (request.vendor, request.vendor, "vendor"),
        ],
        dims,
        "vendor",
    )
    return trend_small_multiples(weekly, colours)


def gap_drivers(
    reader: Reader, request: ReviewRequest, reason_label: Callable[[str], str]
) -> GapDrivers:
    """The contact reasons behind the CSAT gap and the QA sections behind the QA gap."""
    explained = reader.contributions(request.query(), request.vendor)
    reasons = explained.reasons.assign(
        contact_reason=lambda f: f["contact_reason"].map(reason_label)
    )
    return GapDrivers(
        explained,
        reasons.rename(columns=REASON_COLUMNS),
        explained.sections.rename(columns=SECTION_COLUMNS),
        contribution_bars(
            reasons, "contact_reason", "contribution", "Contribution to the CSAT gap (pts)"
        ),
        contribution_bars(explained.sections, "section", "gap", "Section gap (points)"),
    )


def flows(reader: Reader, request: ReviewRequest, dims: Dimensions) -> Flows:
    """Where the vendor's repeat callers went next, as shares of its repeats."""
    repeats = reader.flows(request.query())
    repeats = repeats[repeats["group_key"] == request.vendor]
    if repeats.empty:
        return Flows(repeats, None)
    colours = group_colours([(c.centre_id, c.name, c.sourcing) for c in dims.centres], dims)
    chart = shares_bar(
        repeats, colours, "next_centre_name", "share_pct", "Share of repeat contacts (%)"
    )
    return Flows(repeats, chart)


def _metric_rows(rows: pd.DataFrame, metrics: tuple[str, ...]) -> pd.DataFrame:
    return rows.set_index("metric").reindex([m for m in metrics if m in set(rows["metric"])])


def _tested_rows(rows: pd.DataFrame, n_title: str) -> PackTable:
    """Long-table rows (indexed by metric) with their interval, test and flag."""
    units = rows["unit"].reset_index(drop=True)
    return PackTable(
        pd.DataFrame(
            {
                "Metric": [CATALOGUE[m].name for m in rows.index],
                "Value": rows["value"].to_numpy(),
                "Low": rows["ci_low"].to_numpy(),
                "High": rows["ci_high"].to_numpy(),
                n_title: rows["n"].to_numpy(),
                "p": rows["p_value"].to_numpy(),
                "Flag": rows["flag"].map(FLAG_WORDS).fillna("").to_numpy(),
            }
        ),
        units={"Value": units, "Low": units, "High": units, n_title: "count", "p": "p_value"},
    )


def trust(
    reader: Reader, request: ReviewRequest, dims: Dimensions, settings: MetricSettings
) -> Trust:
    """The vendor's QA calibration, its QA by who scored it, its survey response bias and
    its reported figures against the warehouse, over the review's period."""
    metrics = (*TRUST_METRICS, *CALIBRATION_METRICS, *QA_METRICS, *BIAS_METRICS)
    period = reader.long_table(request.query(metrics=tuple(dict.fromkeys(metrics))))
    vendor = period[period["centre_id"] == request.vendor]
    calibration_table = _tested_rows(_metric_rows(vendor, CALIBRATION_METRICS), "Pairs")

    by_scorer = {
        org: _metric_rows(
            reader.long_table(request.query(metrics=QA_METRICS, qa_evaluator_org=org)).loc[
                lambda t: t["centre_id"] == request.vendor
            ],
            QA_METRICS,
        )
        for org in ("own", "client")
    }
    qa_units = by_scorer["own"]["unit"].reset_index(drop=True)
    qa_table = PackTable(
        pd.DataFrame(
            {
                "Metric": [CATALOGUE[m].name for m in QA_METRICS],
                "Vendor's own QA": by_scorer["own"]["value"].to_numpy(),
                "n (own)": by_scorer["own"]["n"].to_numpy(),
                "Client's QA": by_scorer["client"]["value"].to_numpy(),
                "n (client)": by_scorer["client"]["n"].to_numpy(),
                "Own - client": (
                    by_scorer["own"]["value"] - by_scorer["client"]["value"]
                ).to_numpy(),
            }
        ),
        units={
            "Vendor's own QA": qa_units,
            "Client's QA": qa_units,
            "Own - client": "gap:" + qa_units,
            "n (own)": "count",
            "n (client)": "count",
        },
    )

    bias_table = _tested_rows(_metric_rows(vendor, BIAS_METRICS), "n")
    # the vendor's reported figures whose period starts in the review's, reconciled
    centres = tuple(c.centre_id for c in dims.centres if c.vendor == request.vendor)
    figures = reader.reported(centres, request.start, request.end, request.vendor_scope)
    warnings = trust_warnings(vendor, settings)
    if (unsupported := reported_sentence(request.vendor, figures)) is not None:
        warnings.append(unsupported)
    return Trust(warnings, calibration_table, qa_table, bias_table, reported_table(figures))


def reported_table(figures: pd.DataFrame) -> PackTable:
    """Reconciliation rows (pipelines.metrics.reconciliation) as the pack shows them."""
    units = figures["unit"].reset_index(drop=True)
    return PackTable(
        pd.DataFrame(
            {
                "Centre": figures["centre_name"].to_numpy(),
                "Metric": figures["metric_name"].to_numpy(),
                "Period": pd.to_datetime(figures["period_start"]).to_numpy(),
                "Grain": figures["grain"].to_numpy(),
                "Reported": figures["reported"].to_numpy(),
                "Computed": figures["computed"].to_numpy(),
                "Low": figures["ci_low"].to_numpy(),
                "High": figures["ci_high"].to_numpy(),
                "n": figures["n"].to_numpy(),
                "Discrepancy": figures["discrepancy"].to_numpy(),
                "Status": figures["status"].map(RECONCILIATION_STATUS).to_numpy(),
            }
        ),
        units={
            "Reported": units,
            "Computed": units,
            "Low": units,
            "High": units,
            "Discrepancy": "gap:" + units,
            "n": "count",
            "Period": "date",
        },
    )

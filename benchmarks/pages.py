"""The metric-layer calls behind each dashboard page and each export, as the app makes
them on first load with the default filters (latest week, 13 weeks, all centres,
in-house baseline). Read from dashboard/app.py, dashboard/screens/*.py and
pipelines/export/cli.py; keep in step when those change.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import duckdb

from pipelines import metrics
from pipelines.export import long_table_xlsx_bytes, write_exports
from pipelines.ingest.reports import load_status, rejected_rows
from pipelines.metrics import CATALOGUE, MetricQuery
from pipelines.metrics.calibration_pairs import calibration_pairs
from pipelines.metrics.catalogue import HEADLINE_METRICS
from pipelines.metrics.periods import ContactChoices, contact_choices
from pipelines.metrics.reconciliation import reconciliation
from pipelines.settings import MetricSettings

DEFAULT_SPAN_WEEKS = 13  # dashboard.filters.sidebar_filters(default_span)
OVERVIEW_TRENDS = ("csat_pct", "nps", "fcr_repeat_pct", "complaint_pct")
COMPARE_PEAK_METRICS = ("contacts", "csat_pct", "qa_score", "service_level_pct")
REVIEW_TRENDS = ("csat_pct", "nps", "fcr_repeat_pct", "complaint_pct", "qa_score", "aht_s")
# what the pages read about the vendor's own numbers (dashboard/trust.py, partner_pack.py,
# screens/compare.py and screens/calibration.py)
TRUST_METRICS = ("qa_calibration_gap", "responder_repeat_gap", "fcr_repeat_pct")
QA_BY_SCORER = ("qa_score", "qa_pass_pct", "qa_critical_fail_pct")
CALIBRATION = ("qa_calibration_gap", "qa_calibration_agreement_pct", "qa_calibration_kappa")
SECTION_GAPS = tuple(f"qa_calibration_gap_{s}" for s in metrics.QA_SECTIONS)
REVIEW_TRUST = (*TRUST_METRICS, *CALIBRATION[1:], *SECTION_GAPS, *QA_BY_SCORER, "response_rate_pct")

Call = Callable[[duckdb.DuckDBPyConnection], object]


@dataclass(frozen=True)
class Defaults:
    """The default filters of a first visit, from the data (as the sidebar derives them)."""

    week: date
    first_vendor: str | None
    first_vendor_centre: str | None
    settings: MetricSettings
    targets: metrics.Targets

    @property
    def start(self) -> date:
        return self.week - timedelta(weeks=DEFAULT_SPAN_WEEKS - 1)

    @property
    def end(self) -> date:
        return self.week + timedelta(days=6)

    def query(self, **overrides: object) -> MetricQuery:
        # the pages' default metric list (dashboard.filters.Filters.query)
        fields = {
            "grain": "week",
            "start": self.start,
            "end": self.end,
            "metrics": HEADLINE_METRICS,
        }
        fields.update(overrides)
        return MetricQuery(**fields)


def dimensions_query(con: duckdb.DuckDBPyConnection, settings: MetricSettings) -> ContactChoices:
    """dashboard.lookups.dimensions: run by app.py before every page."""
    con.execute(
        "SELECT centre_id, name, sourcing, vendor, shore FROM centres "
        "ORDER BY sourcing <> 'in_house', name"
    ).fetchall()
    return contact_choices(con, settings)


def find_defaults(
    con: duckdb.DuckDBPyConnection, settings: MetricSettings, targets: metrics.Targets
) -> Defaults:
    last_day = dimensions_query(con, settings).last_day
    vendors = con.execute(
        "SELECT DISTINCT vendor FROM centres WHERE sourcing = 'vendor' "
        "AND vendor IS NOT NULL ORDER BY vendor"
    ).fetchall()
    # the QA calibration page opens on the first vendor centre by name
    vendor_centres = con.execute(
        "SELECT centre_id FROM centres WHERE sourcing = 'vendor' ORDER BY name"
    ).fetchall()
    return Defaults(
        week=last_day - timedelta(days=last_day.weekday()),
        first_vendor=vendors[0][0] if vendors else None,
        first_vendor_centre=vendor_centres[0][0] if vendor_centres else None,
        settings=settings,
        targets=targets,
    )


class MetricLayer:
    """The page's calls straight into the metric layer: every call computes."""

    def __init__(self, d: Defaults):
        self.s, self.t = d.settings, d.targets

    def table(self, query: MetricQuery) -> Call:
        return lambda con: metrics.metric_table(con, query, self.s, self.t)

    def dimensions(self) -> Call:
        return lambda con: dimensions_query(con, self.s)

    def agents(self, query: MetricQuery) -> Call:
        return lambda con: metrics.agent_scatter(con, query, self.s)

    def contributions(self, query: MetricQuery, group: str) -> Call:
        return lambda con: metrics.gap_contributions(con, query, self.s, group)

    def comments(self, query: MetricQuery, group: str, satisfied: bool) -> Call:
        return lambda con: metrics.customer_comments(
            con, query, self.s, group, satisfied=satisfied, limit=8
        )

    def flows(self, query: MetricQuery) -> Call:
        return lambda con: metrics.repeat_flows(con, query, self.s)

    def ledger(self) -> Call:
        return lambda con: con.execute(
            "SELECT * FROM loads ORDER BY started_at DESC, load_id DESC"
        ).df()

    def reported(self, d: Defaults) -> Call:
        return lambda con: reconciliation(con, self.s, self.t, None, (), d.start, d.end)

    def disagreements(self, query: MetricQuery) -> Call:
        return lambda con: calibration_pairs(con, query, self.s, 50)


class AppCache(MetricLayer):
    """The same calls through the app's own cached functions (dashboard/queries.py,
    dashboard/lookups.py), as a page rerun makes them: a repeat is a cache hit."""

    def __init__(self, d: Defaults, warehouse: object):
        super().__init__(d)
        from dashboard import lookups, queries  # Streamlit only where measured

        self.queries, self.lookups, self.warehouse = queries, lookups, warehouse

    def table(self, query: MetricQuery) -> Call:
        return lambda con: self.queries.long_table(self.warehouse, query, self.s)

    def dimensions(self) -> Call:
        return lambda con: self.lookups.dimensions(self.warehouse, self.s)

    def agents(self, query: MetricQuery) -> Call:
        return lambda con: self.queries.agent_points(self.warehouse, query, self.s)

    def contributions(self, query: MetricQuery, group: str) -> Call:
        return lambda con: self.queries.contributions(self.warehouse, query, self.s, group)

    def comments(self, query: MetricQuery, group: str, satisfied: bool) -> Call:
        return lambda con: self.queries.comments(self.warehouse, query, self.s, group, satisfied, 8)

    def flows(self, query: MetricQuery) -> Call:
        return lambda con: self.queries.flows(self.warehouse, query, self.s)

    def ledger(self) -> Call:
        return lambda con: self.lookups.loads_ledger(self.warehouse)

    def reported(self, d: Defaults) -> Call:
        return lambda con: self.queries.reported(self.warehouse, self.s, (), d.start, d.end, None)

    def disagreements(self, query: MetricQuery) -> Call:
        return lambda con: self.queries.calibration_disagreements(self.warehouse, query, self.s, 50)


def page_calls(d: Defaults, via: MetricLayer | None = None) -> dict[str, dict[str, Call]]:
    """Page -> named calls, in the order the page makes them."""
    via = via or MetricLayer(d)
    first_metric = next(m for m in CATALOGUE if m != "csat_pct_adjusted")
    review = d.query(grain="range", group_by="vendor", centres=(), baseline="in_house")
    centre = (d.first_vendor_centre,) if d.first_vendor_centre else ()

    def calibration(metric_ids: tuple[str, ...], grain: str = "range", **fields) -> MetricQuery:
        return d.query(grain=grain, centres=centre, metrics=metric_ids, **fields)

    app_shell = {"dimensions": via.dimensions()}
    return {
        "overview": {
            **app_shell,
            "weekly history (week grain, 13 weeks)": via.table(d.query()),
            "trust warnings (range, 3 metrics)": via.table(
                d.query(grain="range", metrics=TRUST_METRICS)
            ),
        },
        "compare": {
            **app_shell,
            "whole period (range, by centre)": via.table(d.query(grain="range")),
            "breakdown by reason (one metric)": via.table(
                d.query(grain="range", breakdown="contact_reason", metrics=(first_metric,))
            ),
            "peak (week grain, 4 metrics)": via.table(d.query(metrics=COMPARE_PEAK_METRICS)),
            **{
                f"QA scored by {org} (range)": via.table(
                    d.query(grain="range", metrics=QA_BY_SCORER[:2], qa_evaluator_org=org)
                )
                for org in ("own", "client")
            },
        },
        "compare: by-agent toggle": {
            "agent scatter": via.agents(d.query(grain="range")),
        },
        "partner review": {
            **app_shell,
            "period scorecard (range, by vendor)": via.table(review),
            "trends (week grain, by vendor)": via.table(
                d.query(group_by="vendor", centres=(), baseline="in_house", metrics=REVIEW_TRENDS)
            ),
            "gap contributions": via.contributions(review, d.first_vendor),
            "comments (satisfied)": via.comments(review, d.first_vendor, True),
            "comments (dissatisfied)": via.comments(review, d.first_vendor, False),
            "repeat flows": via.flows(review),
            "trust (range, by vendor)": via.table(replace(review, metrics=REVIEW_TRUST)),
            **{
                f"QA scored by {org} (range, by vendor)": via.table(
                    replace(review, metrics=QA_BY_SCORER, qa_evaluator_org=org)
                )
                for org in ("own", "client")
            },
            "reported figures reconciled": via.reported(d),
        },
        "qa calibration": {
            **app_shell,
            "whole period with sections (range)": via.table(
                calibration(CALIBRATION + SECTION_GAPS)
            ),
            "per month": via.table(calibration(CALIBRATION, grain="month")),
            **{
                f"QA scored by {org} (range)": via.table(
                    calibration(QA_BY_SCORER, qa_evaluator_org=org)
                )
                for org in ("own", "client")
            },
            "largest disagreements": via.disagreements(calibration(())),
        },
        "data": {
            # the Data page reads these two uncached: they are small and must be fresh
            "freshness": lambda con: load_status(con).df(),
            "loads ledger": via.ledger(),
            "rejected rows": lambda con: rejected_rows(con).df(),
        },
    }


def export_calls(d: Defaults) -> dict[str, dict[str, Call]]:
    """``python -m pipelines export`` defaults (all data, weekly, by centre), per format,
    and the dashboard's Excel download of a long table."""
    s, t = d.settings, d.targets
    everything = MetricQuery(grain="week")

    def write(fmt: str) -> Call:
        def run(con: duckdb.DuckDBPyConnection) -> object:
            long = metrics.metric_table(con, everything, s, t)
            with tempfile.TemporaryDirectory(prefix="bench_export_") as out:
                return write_exports(long, Path(out), (fmt,), show_progress=False)

        return run

    return {
        f"export {fmt}": {"metric table + write": write(fmt)} for fmt in ("csv", "xlsx", "parquet")
    } | {
        "export: scorecard xlsx download": {
            "metric table + xlsx bytes": lambda con: io.BytesIO(
                long_table_xlsx_bytes(metrics.metric_table(con, d.query(grain="range"), s, t))
            ),
        },
    }

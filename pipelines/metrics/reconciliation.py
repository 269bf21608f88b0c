"""Reconciling a vendor's own figures with the warehouse's (METRICS.md, "Vendor-reported
figures").

For every row of ``reported_figures`` (the ``reported`` export kind) the computed value of
the same metric, centre and period comes from the metric layer itself (``metric_table``,
one call per grain over the figures' date range, grouped by centre); nothing is computed
here but the comparison:

* ``discrepancy = reported - computed``;
* **discrepant** when the reported value lies outside ``[ci_low, ci_high]`` *and*
  ``|discrepancy| > tolerance``; **consistent** otherwise; **unverifiable** when the
  computed ``n`` is 0 (or the centre is not in the warehouse).

The tolerance is the applicable target's (targets.py: 2 points for percentages, scores and
NPS, 5 % of the target for durations, unless the target sets its own); without a target,
2 points for percentages, scores and NPS, 5 % of the *computed* value for durations and 0
for counts. Metrics without an interval (counts; means with n < 2) compare with the point
value: outside means "not equal". See docs/METRIC_LAYER.md, "Reconciling reported figures".
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics.catalogue import CATALOGUE, METRIC_IDS
from pipelines.metrics.groups import centre_groups
from pipelines.metrics.long_table import metric_table
from pipelines.metrics.query import MetricQuery
from pipelines.metrics.targets import (
    DEFAULT_POINTS_TOLERANCE,
    DEFAULT_SECONDS_TOLERANCE_SHARE,
    Targets,
)
from pipelines.settings import MetricSettings

RECONCILIATION_COLUMNS = [
    "centre_id",
    "centre_name",
    "metric",
    "metric_name",
    "unit",
    "metric_label",
    "grain",
    "period_start",
    "period_end",
    "reported",
    "computed",
    "n",
    "ci_low",
    "ci_high",
    "discrepancy",
    "tolerance",
    "status",
]
DISCREPANT, CONSISTENT, UNVERIFIABLE = "discrepant", "consistent", "unverifiable"

FIGURES_SQL = """
SELECT centre_id, metric, grain, period_start, value AS reported, metric_label
FROM reported_figures
WHERE ($start IS NULL OR period_start >= $start) AND ($end IS NULL OR period_start <= $end)
ORDER BY centre_id, metric, grain, period_start
"""


def reconciliation(
    con: duckdb.DuckDBPyConnection,
    settings: MetricSettings | None = None,
    targets: Targets | None = None,
    vendor_scope: str | None = None,
    centre_ids: tuple[str, ...] | list[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """One row per reported figure (RECONCILIATION_COLUMNS), ordered by centre, metric
    (catalogue order), grain and period. ``start``/``end`` keep the figures whose period
    starts in that range; ``centre_ids`` those centres; ``vendor_scope`` only the
    vendor's own centres' figures (a vendor never sees another's claims)."""
    settings = settings or MetricSettings()
    targets = targets or Targets()
    figures = _figures(con, start, end)
    centres = centre_groups(con, "centre", vendor_scope)
    if vendor_scope is not None:
        figures = figures[figures["centre_id"].isin(centres.loc[centres["visible"], "centre_id"])]
    if centre_ids:
        known = set(centres["shown_id"][centres["visible"]])
        unknown = sorted(set(centre_ids) - known)
        if unknown:
            raise ValueError(
                f"Unknown centre id(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}"
            )
        figures = figures[figures["centre_id"].isin(centre_ids)]
    if figures.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in RECONCILIATION_COLUMNS})

    figures = figures.assign(
        period_end=[
            _period_end(g, s)
            for g, s in zip(figures["grain"], figures["period_start"], strict=True)
        ]
    )
    centre_info = centres.set_index("centre_id")[["shown_id", "name", "vendor"]]
    figures = figures.join(centre_info, on="centre_id")
    computed = _computed(con, figures, settings, targets, vendor_scope)
    table = figures.merge(computed, on=["shown_id", "grain", "period_start", "metric"], how="left")
    table["n"] = table["n"].fillna(0).astype("int64")
    table["discrepancy"] = table["reported"] - table["computed"]
    table["tolerance"] = [
        _tolerance(targets, metric, centre, vendor, value)
        for metric, centre, vendor, value in zip(
            table["metric"], table["centre_id"], table["vendor"], table["computed"], strict=True
        )
    ]
    table["status"] = _status(table)
    table["centre_name"] = table["name"]
    table["metric_name"] = table["metric"].map(lambda m: CATALOGUE[m].name)
    table["unit"] = table["metric"].map(lambda m: CATALOGUE[m].unit)
    table["_order"] = table["metric"].map(METRIC_IDS.index)
    table = table.sort_values(["centre_id", "_order", "grain", "period_start"], kind="stable")
    return table[RECONCILIATION_COLUMNS].reset_index(drop=True)


def _figures(con: duckdb.DuckDBPyConnection, start: dt.date | None, end: dt.date | None):
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'reported_figures'"
    ).fetchone()[0]
    if not exists:  # a warehouse built before the reported kind
        return pd.DataFrame(columns=["centre_id", "metric", "grain", "period_start", "reported"])
    figures = con.execute(FIGURES_SQL, {"start": start, "end": end}).df()
    figures["period_start"] = pd.to_datetime(figures["period_start"]).dt.date
    # an id the catalogue no longer knows (ingestion rejects unknown ids) is left out
    return figures[figures["metric"].isin(CATALOGUE)]


def _period_end(grain: str, start: dt.date) -> dt.date:
    if grain == "week":
        return start + dt.timedelta(days=6)
    following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _computed(
    con: duckdb.DuckDBPyConnection,
    figures: pd.DataFrame,
    settings: MetricSettings,
    targets: Targets,
    vendor_scope: str | None,
) -> pd.DataFrame:
    """The metric layer's value, n and interval per shown centre, grain, period and
    metric: one ``metric_table`` call per grain over the figures' date range."""
    known = figures[figures["shown_id"].notna()]
    parts = []
    for grain, rows in known.groupby("grain"):
        query = MetricQuery(
            grain=grain,
            start=min(rows["period_start"]),
            end=max(rows["period_end"]),
            group_by="centre",
            centres=tuple(sorted(set(rows["shown_id"]))),
            metrics=tuple(sorted(set(rows["metric"]))),
            vendor_scope=vendor_scope,
        )
        long = metric_table(con, query, settings, targets)
        if long.empty:
            continue
        part = long[["centre_id", "period_start", "metric", "value", "n", "ci_low", "ci_high"]]
        parts.append(
            part.rename(columns={"centre_id": "shown_id", "value": "computed"}).assign(grain=grain)
        )
    if not parts:
        return pd.DataFrame(
            columns=["shown_id", "grain", "period_start", "metric", "computed", "n"]
            + ["ci_low", "ci_high"]
        )
    computed = pd.concat(parts, ignore_index=True)
    computed["period_start"] = pd.to_datetime(computed["period_start"]).dt.date
    for column in ("computed", "ci_low", "ci_high"):
        computed[column] = pd.to_numeric(computed[column], errors="coerce").astype("float64")
    return computed


def _tolerance(
    targets: Targets, metric: str, centre: str, vendor: str | None, computed: float
) -> float:
    """The target's tolerance; without a target, the default rule, a duration's 5 % taken
    of the computed value (NaN when there is none: the figure is unverifiable anyway)."""
    vendor = vendor if isinstance(vendor, str) else None
    target = targets.lookup(metric, centre, vendor)
    if target is not None:
        return float(target.tolerance)
    unit = CATALOGUE[metric].unit
    if unit == "seconds":
        return abs(computed) * DEFAULT_SECONDS_TOLERANCE_SHARE
    if unit == "count":
        return 0.0
    return DEFAULT_POINTS_TOLERANCE


def _status(table: pd.DataFrame) -> np.ndarray:
    computed, reported = table["computed"], table["reported"]
    low = table["ci_low"].fillna(computed)  # no interval: the point value
    high = table["ci_high"].fillna(computed)
    outside = (reported < low) | (reported > high)
    beyond = table["discrepancy"].abs() > table["tolerance"]
    unverifiable = (table["n"] == 0) | computed.isna()
    return np.select(
        [unverifiable, outside & beyond], [UNVERIFIABLE, DISCREPANT], default=CONSISTENT
    )

"""Cached calls into the metric layer. Pages call these; nothing here computes a metric.

Every cache key includes the warehouse file's identity, so a freshly swapped-in
warehouse is never answered from an old file's results.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.connection import WarehouseFile, cursor
from pipelines import metrics
from pipelines.metrics.calibration_pairs import calibration_pairs
from pipelines.metrics.reconciliation import reconciliation
from pipelines.settings import MetricSettings, config_dir


@st.cache_resource(show_spinner=False)
def targets() -> metrics.Targets:
    return metrics.load_targets(config_dir() / "targets.yaml")


def _labelled(table: pd.DataFrame) -> pd.DataFrame:
    """Adds metric names; periods become datetimes, which charts and packs serialise."""
    names = {metric_id: d.name for metric_id, d in metrics.CATALOGUE.items()}
    return table.assign(
        metric_name=table["metric"].map(names),
        period_start=pd.to_datetime(table["period_start"]),
        period_end=pd.to_datetime(table["period_end"]),
    )


@st.cache_data(show_spinner="Computing metrics…", max_entries=128)
def long_table(
    warehouse: WarehouseFile, query: metrics.MetricQuery, settings: MetricSettings
) -> pd.DataFrame:
    return _labelled(metrics.metric_table(cursor(warehouse), query, settings, targets()))


@st.cache_data(show_spinner=False, max_entries=64)
def agent_points(
    warehouse: WarehouseFile, query: metrics.MetricQuery, settings: MetricSettings
) -> pd.DataFrame:
    return metrics.agent_scatter(cursor(warehouse), query, settings)


@st.cache_data(show_spinner=False, max_entries=64)
def contributions(
    warehouse: WarehouseFile, query: metrics.MetricQuery, settings: MetricSettings, group: str
):
    return metrics.gap_contributions(cursor(warehouse), query, settings, group)


@st.cache_data(show_spinner=False, max_entries=64)
def flows(
    warehouse: WarehouseFile, query: metrics.MetricQuery, settings: MetricSettings
) -> pd.DataFrame:
    return metrics.repeat_flows(cursor(warehouse), query, settings)


@st.cache_data(show_spinner=False, max_entries=64)
def comments(
    warehouse: WarehouseFile,
    query: metrics.MetricQuery,
    settings: MetricSettings,
    group: str,
    satisfied: bool,
    limit: int = 8,
) -> pd.DataFrame:
    return metrics.customer_comments(
        cursor(warehouse), query, settings, group, satisfied=satisfied, limit=limit
    )


@st.cache_data(show_spinner=False, max_entries=64)
def reported(
    warehouse: WarehouseFile,
    settings: MetricSettings,
    centres: tuple[str, ...],
    start,
    end,
    vendor_scope: str | None,
) -> pd.DataFrame:
    """Reported figures of ``centres`` whose period starts in [start, end], reconciled."""
    return reconciliation(cursor(warehouse), settings, targets(), vendor_scope, centres, start, end)


@st.cache_data(show_spinner=False, max_entries=64)
def calibration_disagreements(
    warehouse: WarehouseFile, query: metrics.MetricQuery, settings: MetricSettings, limit: int
) -> pd.DataFrame:
    return calibration_pairs(cursor(warehouse), query, settings, limit)

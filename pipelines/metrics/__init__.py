"""The metric layer: every number of METRICS.md, one definition each.

The dashboard and the exports call these functions and never compute a metric on
their own. See docs/METRIC_LAYER.md for the table's columns and the choices made.
"""

from pipelines.metrics.catalogue import CATALOGUE, METRIC_IDS, QA_SECTIONS, MetricDef
from pipelines.metrics.drilldowns import (
    GapContributions,
    agent_scatter,
    customer_comments,
    gap_contributions,
    repeat_flows,
)
from pipelines.metrics.long_table import LONG_COLUMNS, metric_table
from pipelines.metrics.periods import DataRange, data_range
from pipelines.metrics.query import MetricQuery
from pipelines.metrics.targets import Target, Targets, load_targets

__all__ = [
    "CATALOGUE",
    "LONG_COLUMNS",
    "METRIC_IDS",
    "QA_SECTIONS",
    "DataRange",
    "GapContributions",
    "MetricDef",
    "MetricQuery",
    "Target",
    "Targets",
    "agent_scatter",
    "customer_comments",
    "data_range",
    "gap_contributions",
    "load_targets",
    "metric_table",
    "repeat_flows",
]

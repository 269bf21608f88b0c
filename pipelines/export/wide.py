"""The wide human table: one row per period and group, one column per metric."""

from __future__ import annotations

import pandas as pd

from pipelines.metrics import CATALOGUE

ROW_KEYS = [
    "period_start",
    "period_end",
    "group_by",
    "centre_id",
    "centre_name",
    "sourcing",
    "breakdown_value",
]
ROW_LABELS = {
    "period_start": "Period start",
    "period_end": "Period end",
    "group_by": "Grouped by",
    "centre_id": "Group",
    "centre_name": "Name",
    "sourcing": "Sourcing",
    "breakdown_value": "Breakdown",
}


def wide_table(long: pd.DataFrame) -> pd.DataFrame:
    """Metric values side by side, columns in catalogue order and named for people
    (e.g. "CSAT %"); rows keep the long table's order. The breakdown column appears only
    when the long table has one."""
    metric_ids = [m for m in CATALOGUE if m in set(long["metric"])]
    keys = list(ROW_KEYS)
    if long.empty or long["breakdown_value"].isna().all():
        keys.remove("breakdown_value")
    frame = long.copy()
    frame["row_order"] = frame.groupby(keys, sort=False, dropna=False).ngroup()
    rows = frame.drop_duplicates("row_order").set_index("row_order")[keys]
    values = frame.set_index(["row_order", "metric"])["value"].unstack("metric")
    wide = rows.join(values.reindex(columns=metric_ids)).sort_index().reset_index(drop=True)
    wide.columns.name = None
    return wide.rename(columns={**ROW_LABELS, **{m: CATALOGUE[m].name for m in metric_ids}})


def wide_units(columns: list[str]) -> dict[str, str]:
    """Column label -> unit, for number formats of the wide table's metric columns."""
    by_name = {metric.name: metric.unit for metric in CATALOGUE.values()}
    return {column: by_name[column] for column in columns if column in by_name}

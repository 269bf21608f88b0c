"""Small helpers the pages share for slicing the long table and naming things."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.filters import IN_HOUSE_BASELINE
from dashboard.formatting import centre_colours
from dashboard.lookups import Dimensions


def period_rows(table: pd.DataFrame, period_start: date) -> pd.DataFrame:
    """The long table's rows for the period starting on ``period_start``."""
    return table[pd.to_datetime(table["period_start"]).dt.date == period_start]


def ordered_groups(table: pd.DataFrame) -> list[tuple[str, str, str]]:
    """[(centre_id, label, sourcing)] in the metric layer's order (in-house first)."""
    firsts = table.drop_duplicates("centre_id")
    return list(firsts[["centre_id", "centre_name", "sourcing"]].itertuples(index=False,
                                                                              name=None))


def group_colours(groups: list[tuple[str, str, str]]) -> dict[str, str]:
    return centre_colours([(label, sourcing) for _, label, sourcing in groups])


def baseline_label(baseline: str, dims: Dimensions) -> str:
    if baseline == IN_HOUSE_BASELINE:
        return "in-house (pooled)"
    names = {centre.centre_id: centre.name for centre in dims.centres}
    return names.get(baseline, baseline)


def wide(table: pd.DataFrame, metrics: list[str], index: list[str]) -> pd.DataFrame:
    """One row per ``index`` combination, one column per metric value."""
    subset = table[table["metric"].isin(metrics)]
    return subset.pivot_table(index=index, columns="metric", values="value",
                              aggfunc="first").reset_index()

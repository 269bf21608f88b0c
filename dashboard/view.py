"""Small helpers the pages share for slicing the long table and naming things."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import context
from dashboard.filters import IN_HOUSE_BASELINE
from dashboard.formatting import (
    IN_HOUSE_COLOURS,
    MIXED_COLOUR,
    SHORE_COLOURS,
    SHORE_ORDER,
    VENDOR_COLOURS,
    centre_colours,
)
from dashboard.lookups import Dimensions

# At most this many rows of a table are drawn (all of them go in its download).
MAX_TABLE_ROWS = 200


def period_rows(table: pd.DataFrame, period_start: date) -> pd.DataFrame:
    """The long table's rows for the period starting on ``period_start``."""
    return table[pd.to_datetime(table["period_start"]).dt.date == period_start]


def ordered_groups(table: pd.DataFrame) -> list[tuple[str, str, str]]:
    """[(centre_id, label, sourcing)] in the metric layer's order (in-house first)."""
    firsts = table.drop_duplicates("centre_id")
    return list(firsts[["centre_id", "centre_name", "sourcing"]].itertuples(index=False, name=None))


def stable_colours(dims: Dimensions, group_by: str = "centre") -> dict[str, str]:
    """Group key -> colour for every group of ``group_by`` the warehouse has, whatever
    is selected: colours follow the warehouse's centres (in-house first, then vendors,
    each by name), so a centre keeps its colour when others are filtered out.

    A vendor takes the colour of its first centre (a one-centre vendor looks like its
    centre); in-house groups the first in-house blue; shores their own hues in the order
    onshore, nearshore, offshore.
    """
    by_centre = centre_colours([(c.centre_id, c.sourcing) for c in dims.centres])
    if group_by == "centre":
        return by_centre
    if group_by == "vendor":
        colours = {IN_HOUSE_BASELINE: IN_HOUSE_COLOURS[0]}
        for centre in dims.centres:
            if centre.sourcing != "in_house" and centre.vendor:
                colours.setdefault(centre.vendor, by_centre[centre.centre_id])
        return colours
    if group_by == "sourcing":
        return {"in_house": IN_HOUSE_COLOURS[0], "vendor": VENDOR_COLOURS[0], "mixed": MIXED_COLOUR}
    if group_by == "shore":
        shores = sorted(
            {c.shore for c in dims.centres if c.shore},
            key=lambda s: (SHORE_ORDER.index(s) if s in SHORE_ORDER else len(SHORE_ORDER), s),
        )
        return {shore: SHORE_COLOURS[i % len(SHORE_COLOURS)] for i, shore in enumerate(shores)}
    raise ValueError(f"Unknown group_by {group_by!r}")


def group_colours(
    groups: list[tuple[str, str, str]], dims: Dimensions | None = None, group_by: str = "centre"
) -> dict[str, str]:
    """Label -> colour for the groups shown, in display order, from ``stable_colours``
    (the page's look-ups when ``dims`` is not given). A group the look-ups do not know
    (a centre loaded since) takes the next colour no known group uses."""
    if dims is None:
        dims = context.current().dims
    known = stable_colours(dims, group_by)
    spare = [c for c in [*VENDOR_COLOURS, *IN_HOUSE_COLOURS] if c not in known.values()]
    colours = {}
    for key, label, _sourcing in groups:
        if key in known:
            colours[label] = known[key]
        else:
            colours[label] = spare.pop(0) if spare else MIXED_COLOUR
    return colours


def baseline_label(baseline: str, dims: Dimensions) -> str:
    if baseline == IN_HOUSE_BASELINE:
        return "in-house (pooled)"
    names = {centre.centre_id: centre.name for centre in dims.centres}
    return names.get(baseline, baseline)


def wide(table: pd.DataFrame, metrics: list[str], index: list[str]) -> pd.DataFrame:
    """One row per ``index`` combination, one column per metric value."""
    subset = table[table["metric"].isin(metrics)]
    return subset.pivot_table(
        index=index, columns="metric", values="value", aggfunc="first"
    ).reset_index()


def rejected_by_row(rejects: pd.DataFrame) -> pd.DataFrame:
    """The rejects report (one record per row and column at fault) as one record per
    rejected row: its problems joined as "column: reason; ..." (whole-row problems
    first, then by column), the file's name without its folder.

    Columns: load_id, centre_id, kind, file_name, row_number, reason, raw_row.
    """
    columns = ["load_id", "centre_id", "kind", "file_name", "row_number", "reason", "raw_row"]
    if rejects.empty:
        return pd.DataFrame(columns=columns)
    problems = rejects.assign(
        problem=[
            reason if pd.isna(column) or column == "" else f"{column}: {reason}"
            for column, reason in zip(rejects["column_name"], rejects["reason"], strict=True)
        ],
        whole_row=rejects["column_name"].isna(),
    ).sort_values(
        ["load_id", "row_number", "whole_row", "column_name"],
        ascending=[True, True, False, True],
        kind="stable",
    )
    rows = (
        problems.groupby(["load_id", "row_number"], sort=True, dropna=False)
        .agg(
            centre_id=("centre_id", "first"),
            kind=("kind", "first"),
            file_name=("file_name", "first"),
            reason=("problem", "; ".join),
            raw_row=("raw_row", "first"),
        )
        .reset_index()
    )
    rows["file_name"] = rows["file_name"].str.extract(r"([^/\\]+)$", expand=False)
    return rows[columns]


def show_table(
    table: pd.DataFrame, columns: dict, what: str, max_rows: int = MAX_TABLE_ROWS
) -> None:
    """``table`` under human column names (``columns``: column -> label or
    st.column_config; the frame keeps its own names), only those columns, in that order,
    tall enough for every row; beyond ``max_rows`` it says how many are not drawn."""
    st.dataframe(
        table.head(max_rows),
        hide_index=True,
        width="stretch",
        height="content",
        column_order=list(columns),
        column_config=columns,
    )
    if len(table) > max_rows:
        st.caption(
            f"The first {max_rows:,} of {len(table):,} {what} are shown; the other "
            f"{len(table) - max_rows:,} are in the download."
        )

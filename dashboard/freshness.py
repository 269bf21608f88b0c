"""Is the data complete? Up to when each centre's feeds are loaded, which are late against
their usual cadence, and which periods they cover only in part. Every page shows it."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.connection import WarehouseFile, cursor
from dashboard.lookups import Dimensions
from dashboard.plain import md_text
from pipelines.ingest.reports import feed_freshness

KIND_NAMES = {"contacts": "contacts", "surveys": "surveys", "qa": "QA"}


@st.cache_data(show_spinner=False)
def feeds(warehouse: WarehouseFile, timezone: str, centre_ids: tuple[str, ...]) -> pd.DataFrame:
    """The feeds of ``centre_ids`` (a vendor's view: its own centres only)."""
    table = feed_freshness(cursor(warehouse), timezone).df()
    table = table[table["centre_id"].isin(centre_ids)]
    return table.assign(last_day=pd.to_datetime(table["last_day"]).dt.date)


def _feed_name(row, names: dict[str, str]) -> str:
    name = f"{names.get(row.centre_id, row.centre_id)} {KIND_NAMES.get(row.kind, row.kind)}"
    return md_text(name)


def _day(value: date) -> str:
    return f"{pd.Timestamp(value):%a %d %b}"


def show_data_status(
    warehouse: WarehouseFile,
    dims: Dimensions,
    timezone: str,
    period: tuple[date, date] | None = None,
    centres: tuple[str, ...] = (),
    where=st,
    details: bool = True,
) -> None:
    """A line saying up to when data is loaded, warnings for late feeds and for feeds
    that cover the period only in part, and (``details``) the per-feed table in an
    expander; drawn in ``where`` (the page, or st.sidebar)."""
    table = feeds(warehouse, timezone, dims.own_centre_ids)
    if table.empty:
        return
    if centres:
        table = table[table["centre_id"].isin(centres)]
    if table.empty:  # e.g. only a vendor's anonymised peers chosen: no feed of theirs
        return
    names = {c.centre_id: c.name for c in dims.centres}
    as_of = max(table["last_day"])
    where.caption(
        f"Data loaded up to {_day(as_of)} {pd.Timestamp(as_of):%Y} "
        f"({timezone})"
        + (
            " · per centre and kind in “Data as of”."
            if details
            else " · per centre and kind on the Data page."
            if dims.vendor_scope is None  # a vendor's view has no Data page
            else "."
        )
    )
    late = table[table["late"]]
    if not late.empty:
        where.warning(
            "Late feeds: "
            + "; ".join(
                f"{_feed_name(r, names)}: last record {_day(r.last_day)}, {r.lag_days} days "
                f"behind (usually every {r.cadence_days:g} day{'s' if r.cadence_days != 1 else ''})"
                for r in late.itertuples()
            ),
            icon=":material/schedule:",
        )
    if period is not None:
        start, end = period
        partial = table[(table["last_day"] < end) & (table["last_day"] >= start)]
        missing = table[table["last_day"] < start]
        notes = [
            f"{_feed_name(r, names)} (data to {_day(r.last_day)})" for r in partial.itertuples()
        ]
        notes += [f"{_feed_name(r, names)} (no data yet)" for r in missing.itertuples()]
        if notes:
            where.info(
                f"{_day(start)} – {_day(end)} is partial for: " + "; ".join(notes),
                icon=":material/hourglass_top:",
            )
    if not details:
        return
    with where.expander("Data as of, per centre and kind"):
        shown = table.assign(
            centre=table["centre_id"].map(names).fillna(table["centre_id"]),
            kind=table["kind"].map(KIND_NAMES),
            latest=pd.to_datetime(table["latest_record_at"]),
            status=table["late"].map({True: "late", False: "on time"}),
        )
        st.dataframe(
            shown[["centre", "kind", "last_day", "latest", "cadence_days", "lag_days", "status"]],
            hide_index=True,
            height="content",
            width="stretch",
            column_config={
                "centre": "Centre",
                "kind": "Kind",
                "last_day": st.column_config.DateColumn(
                    "Last day with data", format="ddd D MMM YYYY"
                ),
                "latest": st.column_config.DatetimeColumn(
                    "Latest record (UTC)", format="D MMM YYYY, HH:mm"
                ),
                "cadence_days": st.column_config.NumberColumn(
                    "Usual cadence (days)", format="%.0f"
                ),
                "lag_days": st.column_config.NumberColumn("Days behind the newest feed"),
                "status": "Status",
            },
        )

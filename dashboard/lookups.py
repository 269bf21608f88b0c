"""Dimension look-ups for the filter widgets (what exists to choose from, not metrics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd
import streamlit as st

from dashboard.connection import WarehouseFile, cursor
from pipelines.metrics.groups import centre_groups, visible_centres
from pipelines.metrics.periods import contact_choices
from pipelines.settings import MetricSettings


@dataclass(frozen=True)
class Centre:
    centre_id: str
    name: str
    sourcing: str
    vendor: str | None
    shore: str


@dataclass(frozen=True)
class Dimensions:
    centres: tuple[Centre, ...]  # in-house first, then vendors, each by name (as shown)
    channels: tuple[str, ...]
    reasons: tuple[str, ...]
    first_day: date | None  # first and last local day with a contact
    last_day: date | None
    vendor_scope: str | None = None  # a vendor's view: other centres anonymised
    own_centre_ids: tuple[str, ...] = ()  # centres whose own rows may be shown


@st.cache_data(show_spinner=False)
def dimensions(
    warehouse: WarehouseFile, settings: MetricSettings, vendor_scope: str | None = None
) -> Dimensions:
    """What there is to choose from, as the viewer may see it (cached per warehouse)."""
    return dimensions_of(cursor(warehouse), settings, vendor_scope)


def dimensions_of(
    con: duckdb.DuckDBPyConnection, settings: MetricSettings, vendor_scope: str | None = None
) -> Dimensions:
    """What there is to choose from on ``con``: in a vendor's view the other centres
    appear under their aliases (the metric layer's centre_groups). The review-pack
    command calls it directly, outside the app."""
    seen = centre_groups(con, "centre", vendor_scope).drop_duplicates("shown_id")
    seen = seen.assign(in_house_last=seen["sourcing"] != "in_house").sort_values(
        ["in_house_last", "name"], kind="stable"
    )
    centres = tuple(
        Centre(row.shown_id, row.name, row.sourcing, _text(row.vendor), row.shore)
        for row in seen.itertuples()
    )
    choices = contact_choices(con, settings)
    return Dimensions(
        centres,
        choices.channels,
        choices.reasons,
        choices.first_day,
        choices.last_day,
        vendor_scope,
        visible_centres(centre_groups(con, "centre", vendor_scope)),
    )


def _text(value: object) -> str | None:
    return None if pd.isna(value) else str(value)


@st.cache_data(show_spinner=False)
def loads_ledger(warehouse: WarehouseFile):
    """Every load attempt, newest first: what came in, when, and how it went."""
    return (
        cursor(warehouse)
        .execute(
            """
        SELECT load_id, centre_id, kind, regexp_extract(file_name, '[^/\\\\]+$') AS file,
               status, rows_read, rows_loaded, rows_rejected,
               started_at, finished_at, message, sha256
        FROM loads
        ORDER BY started_at DESC, load_id DESC
        """
        )
        .df()
    )

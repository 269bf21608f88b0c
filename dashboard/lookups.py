"""Dimension look-ups for the filter widgets (what exists to choose from, not metrics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from dashboard.connection import WarehouseFile, cursor
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
    centres: tuple[Centre, ...]  # in-house first, then vendors, each by name
    channels: tuple[str, ...]
    reasons: tuple[str, ...]
    first_day: date | None  # first and last local day with a contact
    last_day: date | None


@st.cache_data(show_spinner=False)
def dimensions(warehouse: WarehouseFile, settings: MetricSettings) -> Dimensions:
    con = cursor(warehouse)
    centres = tuple(
        Centre(*row)
        for row in con.execute(
            """
            SELECT centre_id, name, sourcing, vendor, shore
            FROM centres
            ORDER BY sourcing <> 'in_house', name
            """
        ).fetchall()
    )
    choices = contact_choices(con, settings)
    return Dimensions(
        centres, choices.channels, choices.reasons, choices.first_day, choices.last_day
    )


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

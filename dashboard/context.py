"""What the entry point hands every page: the warehouse, settings, look-ups, filters and
who is looking."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.connection import WarehouseFile
from dashboard.filters import Filters
from dashboard.lookups import Dimensions
from dashboard.roles import Viewer
from pipelines.settings import MetricSettings

_KEY = "page_context"


@dataclass(frozen=True)
class PageContext:
    warehouse: WarehouseFile
    settings: MetricSettings
    dims: Dimensions
    filters: Filters | None  # None on pages without the metric filters
    # The signed-in user (role, vendor_id for vendor users) for scoping what they see;
    # None in the demo, where nobody signs in. Nothing is scoped by it yet.
    viewer: Viewer | None = None


def publish(context: PageContext) -> None:
    st.session_state[_KEY] = context


def current() -> PageContext:
    return st.session_state[_KEY]

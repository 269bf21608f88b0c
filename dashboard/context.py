"""What the entry point hands every page: the warehouse, settings, look-ups, filters."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.connection import WarehouseFile
from dashboard.filters import Filters
from dashboard.lookups import Dimensions
from pipelines.settings import MetricSettings

_KEY = "page_context"


@dataclass(frozen=True)
class PageContext:
    warehouse: WarehouseFile
    settings: MetricSettings
    dims: Dimensions
    filters: Filters | None  # None on pages without the metric filters


def publish(context: PageContext) -> None:
    st.session_state[_KEY] = context


def current() -> PageContext:
    return st.session_state[_KEY]

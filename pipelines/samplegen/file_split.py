"""Splitting one export over several files by period when a single file would hold
more rows than a spreadsheet sheet can, as a vendor's reporting system does: the whole
window in one file when it fits, else one file per calendar month, else one per ISO
week. Each file covers the window's days within its month or week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.samplegen.calendar import Window

UNITS = ("month", "week")  # tried in this order after the whole window


@dataclass(frozen=True)
class Period:
    first_day: dt.date
    last_day: dt.date
    rows: np.ndarray  # positions of the period's rows in the table, in table order


def row_days(day_text: pd.Series, day_format: str) -> np.ndarray:
    """Each row's local day (datetime64[D]). A dirt row whose date does not parse goes
    with the row before it in the file (the first rows: with the row after)."""
    parsed = pd.to_datetime(day_text.reset_index(drop=True), format=day_format, errors="coerce")
    return parsed.ffill().bfill().to_numpy().astype("datetime64[D]")


def _unit_bounds(days: np.ndarray, unit: str) -> tuple[np.ndarray, np.ndarray]:
    """First and last day of the month or ISO week (Monday-Sunday) holding each day."""
    if unit == "month":
        month = days.astype("datetime64[M]")
        return month.astype("datetime64[D]"), (month + 1).astype("datetime64[D]") - 1
    # 1970-01-01 was a Thursday: shift by 3 days so that weeks start on Monday.
    monday = ((days.astype(np.int64) + 3) // 7 * 7 - 3).astype("datetime64[D]")
    return monday, monday + 6


def split_by(days: np.ndarray, window: Window, unit: str) -> list[Period]:
    """The rows grouped by month or ISO week, in date order; each period clipped to the
    window."""
    first = np.datetime64(window.first_day, "D")
    last = np.datetime64(window.last_day, "D")
    start, end = _unit_bounds(np.clip(days, first, last), unit)
    periods = []
    for unit_start in np.unique(start):
        rows = np.flatnonzero(start == unit_start)
        unit_end = end[rows[0]]
        periods.append(
            Period(
                max(unit_start, first).astype(dt.date), min(unit_end, last).astype(dt.date), rows
            )
        )
    return periods


def periods_that_fit(days: np.ndarray, window: Window, capacity: int) -> list[Period]:
    """The coarsest split (whole window, months, ISO weeks) whose every file holds at
    most ``capacity`` rows."""
    if len(days) <= capacity:
        return [Period(window.first_day, window.last_day, np.arange(len(days)))]
    for unit in UNITS:
        periods = split_by(days, window, unit)
        if all(len(period.rows) <= capacity for period in periods):
            return periods
    busiest = max(len(period.rows) for period in periods)
    raise ValueError(
        f"one ISO week holds {busiest:,} rows, more than the {capacity:,} a "
        f"sheet can hold: lower --scale"
    )

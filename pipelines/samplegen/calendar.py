"""The export window, the peak weeks and the hourly arrival shape of contacts.

The window always ends on Sunday 2026-11-22 (the exports are sent the next morning)
and starts ``weeks`` ISO weeks earlier on a Monday; 26 weeks is the committed sample.
The peak weeks are fixed dates, wholly inside any window of 8 weeks or more.

Times are int64 seconds since the Unix epoch, UTC. Opening hours and the weekly and
intraday shape follow the customers' clock (UK, Europe/London), whichever centre serves
them: Manila's offshore shift therefore works 15:00-03:00 Manila time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

CUSTOMER_TIMEZONE = "Europe/London"
DEFAULT_WEEKS = 26
MAX_WEEKS = 104
FIRST_DAY = "2026-05-25"  # Monday: the first day of the default window
LAST_DAY = "2026-11-22"  # Sunday: the last day of every window
PEAK_FIRST_DAY = "2026-09-28"
PEAK_LAST_DAY = "2026-10-25"
OPEN_HOUR, CLOSE_HOUR = 8, 20  # voice and chat; e-mail arrives at any hour

# Relative volume by ISO weekday (Mon..Sun) and by local hour.
WEEKDAY_WEIGHT = np.array([1.25, 1.12, 1.05, 1.0, 0.95, 0.45, 0.25])
_LIVE_HOUR_WEIGHT = {
    8: 0.7,
    9: 1.2,
    10: 1.3,
    11: 1.15,
    12: 0.95,
    13: 1.0,
    14: 1.1,
    15: 1.05,
    16: 0.95,
    17: 0.85,
    18: 0.65,
    19: 0.45,
}
LIVE_HOUR_WEIGHT = np.array([_LIVE_HOUR_WEIGHT.get(hour, 0.0) for hour in range(24)])
EMAIL_HOUR_WEIGHT = np.array(
    [
        0.2,
        0.15,
        0.1,
        0.1,
        0.1,
        0.15,
        0.3,
        0.6,
        0.9,
        1.1,
        1.2,
        1.2,
        1.2,
        1.2,
        1.1,
        1.1,
        1.0,
        1.0,
        1.0,
        0.9,
        0.8,
        0.6,
        0.45,
        0.3,
    ]
)


def local_midnight_utc(day: str) -> int:
    """Epoch seconds of 00:00 UK time on ``day``."""
    return int(pd.Timestamp(day, tz=CUSTOMER_TIMEZONE).tz_convert("UTC").timestamp())


WINDOW_START = local_midnight_utc(FIRST_DAY)  # of the default window
WINDOW_END = local_midnight_utc("2026-11-23")  # exclusive; the same for every window
PEAK_START = local_midnight_utc(PEAK_FIRST_DAY)
PEAK_END = local_midnight_utc("2026-10-26")  # exclusive
DAY_S = 86_400
WEEK_S = 7 * DAY_S


@dataclass(frozen=True)
class Window:
    """The UK-local days an export covers, Monday ``first_day`` to Sunday ``last_day``."""

    weeks: int
    first_day: dt.date
    last_day: dt.date
    start: int  # epoch seconds of 00:00 UK time on first_day
    end: int  # exclusive: 00:00 UK time the day after last_day


def export_window(weeks: int = DEFAULT_WEEKS) -> Window:
    """The ``weeks`` ISO weeks ending on Sunday LAST_DAY."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"--weeks must be between 1 and {MAX_WEEKS}, got {weeks}")
    last_day = dt.date.fromisoformat(LAST_DAY)
    first_day = last_day - dt.timedelta(days=7 * weeks - 1)
    return Window(
        weeks,
        first_day,
        last_day,
        local_midnight_utc(first_day.isoformat()),
        local_midnight_utc((last_day + dt.timedelta(days=1)).isoformat()),
    )


DEFAULT_WINDOW = export_window()


@dataclass(frozen=True)
class HourGrid:
    """Every UTC hour of the window, with its UK-local hour, weekday and peak flag."""

    window: Window
    start: np.ndarray  # int64 epoch seconds of each hour
    local_hour: np.ndarray
    weekday: np.ndarray  # 0 = Monday
    local_day: np.ndarray  # day number since the window's first day
    peak: np.ndarray  # bool


def hour_grid(window: Window = DEFAULT_WINDOW) -> HourGrid:
    start = np.arange(window.start, window.end, 3600, dtype=np.int64)
    local = (
        pd.DatetimeIndex(start.astype("datetime64[s]"))
        .tz_localize("UTC")
        .tz_convert(CUSTOMER_TIMEZONE)
    )
    first = pd.Timestamp(window.first_day)
    local_day = (local.tz_localize(None).normalize() - first).days.to_numpy()
    return HourGrid(
        window=window,
        start=start,
        local_hour=local.hour.to_numpy(),
        weekday=local.day_of_week.to_numpy(),
        local_day=local_day,
        peak=(start >= PEAK_START) & (start < PEAK_END),
    )


def is_peak(epoch_s: np.ndarray) -> np.ndarray:
    return (epoch_s >= PEAK_START) & (epoch_s < PEAK_END)


def expected_per_hour(
    grid: HourGrid, channel: str, weekly_total: float, peak_multiplier: float
) -> np.ndarray:
    """Expected arrivals of one channel in each hour, summing to ``weekly_total`` a week
    outside the peak and ``weekly_total * peak_multiplier`` a week inside it."""
    hour_weight = EMAIL_HOUR_WEIGHT if channel == "email" else LIVE_HOUR_WEIGHT
    weight = WEEKDAY_WEIGHT[grid.weekday] * hour_weight[grid.local_hour]
    week_weight = WEEKDAY_WEIGHT.sum() * hour_weight.sum()
    return weekly_total * weight / week_weight * np.where(grid.peak, peak_multiplier, 1.0)


def random_open_second(
    rng: np.random.Generator, local_day: np.ndarray, window: Window = DEFAULT_WINDOW
) -> np.ndarray:
    """A random opening-hours instant (UTC epoch s) on each given UK-local day number
    (0 = the window's first day), drawn from the live intraday shape. Opening hours are
    never ambiguous or skipped by a DST change (those happen at 01:00-02:00)."""
    probability = LIVE_HOUR_WEIGHT / LIVE_HOUR_WEIGHT.sum()
    local_hour = rng.choice(24, size=len(local_day), p=probability)
    seconds_into_day = local_hour * 3600 + rng.integers(0, 3600, size=len(local_day))
    naive_local = (
        np.datetime64(window.first_day, "s") + local_day.astype(np.int64) * DAY_S + seconds_into_day
    )
    return to_epoch(pd.DatetimeIndex(naive_local).tz_localize(CUSTOMER_TIMEZONE))


def to_epoch(moments: pd.DatetimeIndex) -> np.ndarray:
    """Epoch seconds (int64) of tz-aware moments."""
    return moments.tz_convert("UTC").tz_localize(None).as_unit("s").asi8

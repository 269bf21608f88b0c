"""Daylight-saving changes of a time zone as local-time intervals, for the DST policy.

At a change at UTC instant T from offset ``before`` to ``after``:

- clocks go forward (after > before): local times in [T + before, T + after) never
  happen; a row holding one is rejected;
- clocks go back (after < before): local times in [T + after, T + before) happen twice,
  first at ``L - before`` (the earliest instant), then at ``L - after`` (the latest).

Computed in Python (zoneinfo) once per zone and date range, then checked in SQL with a
few comparisons per row, so a zone without changes costs nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass

_UTC = dt.UTC


@dataclass(frozen=True)
class ClockChange:
    local_start: dt.datetime  # naive local time: the interval [local_start, local_end)
    local_end: dt.datetime
    skipped: bool  # True: the times never happen; False: they happen twice
    before_s: int  # UTC offset before the change, seconds
    after_s: int


def _offset_s(zone: zoneinfo.ZoneInfo, instant: dt.datetime) -> int:
    return int(instant.astimezone(zone).utcoffset().total_seconds())


@functools.lru_cache(maxsize=64)
def clock_changes(timezone: str, first: dt.date, last: dt.date) -> tuple[ClockChange, ...]:
    """Every offset change of ``timezone`` between ``first`` and ``last`` (UTC dates)."""
    zone = zoneinfo.ZoneInfo(timezone)
    changes = []
    day = dt.datetime.combine(first, dt.time(), _UTC)
    end = dt.datetime.combine(last, dt.time(), _UTC) + dt.timedelta(days=1)
    offset = _offset_s(zone, day)
    while day < end:
        following = day + dt.timedelta(days=1)
        if _offset_s(zone, following) != offset:
            # refine to the minute within the day (changes fall on whole minutes)
            low, high = day, following
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if middle <= low:
                    middle = low + dt.timedelta(minutes=1)
                if _offset_s(zone, middle) == offset:
                    low = middle
                else:
                    high = middle
            after = _offset_s(zone, high)
            instant = high.replace(tzinfo=None)
            start = instant + dt.timedelta(seconds=min(offset, after))
            stop = instant + dt.timedelta(seconds=max(offset, after))
            changes.append(ClockChange(start, stop, after > offset, offset, after))
            offset = after
        day = following
    return tuple(changes)

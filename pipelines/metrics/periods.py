"""Reporting periods: the data's date range, the period spine, provisional periods."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipelines.metrics.sql_files import execute
from pipelines.metrics.summaries import DATA_RANGE_SQL, SummaryInfo, summary_info
from pipelines.settings import MetricSettings

LATEST_CONTACT_SQL = "SELECT MAX(started_at) FROM contacts"

# UTC instant of local midnight at the start of each given date (the end of the
# period before it): the exclusive end of a period, for the provisional flag.
LOCAL_MIDNIGHTS_UTC_SQL = """
SELECT
    day,
    local_midnight_utc(day, $tz) AS midnight_utc
FROM (SELECT UNNEST(CAST($days AS DATE[])) AS day) AS days
"""


@dataclass(frozen=True)
class DataRange:
    """First and last local date with data; ``week_starts``/``month_starts`` for pickers."""

    first_date: dt.date
    last_date: dt.date

    @property
    def first_week_start(self) -> dt.date:
        return week_start(self.first_date)

    @property
    def last_week_start(self) -> dt.date:
        return week_start(self.last_date)

    @property
    def first_month_start(self) -> dt.date:
        return self.first_date.replace(day=1)

    @property
    def last_month_start(self) -> dt.date:
        return self.last_date.replace(day=1)


def data_range(
    con: duckdb.DuckDBPyConnection,
    settings: MetricSettings | None = None,
    info: SummaryInfo | None = None,
) -> DataRange | None:
    """The first and last date with data in the reporting time zone; None when empty.
    ``info`` (or the warehouse's matching summaries) saves scanning the records."""
    settings = settings or MetricSettings()
    info = info or summary_info(con, settings)
    if info is not None:
        first_date, last_date = info.first_date, info.last_date
    else:
        first_date, last_date, _ = execute(
            con, DATA_RANGE_SQL, {"tz": settings.reporting_timezone}
        ).fetchone()
    if first_date is None:
        return None
    return DataRange(first_date, last_date)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def period_spine(grain: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Every period touching [start, end]: period_start, period_end (inclusive) and
    next_start (the first day after it). A "range" is one period, start..end."""
    rows = []
    if grain == "range":
        rows.append((start, end, end + dt.timedelta(days=1)))
    elif grain == "week":
        current = week_start(start)
        while current <= end:
            rows.append((current, current + dt.timedelta(days=6), current + dt.timedelta(days=7)))
            current += dt.timedelta(days=7)
    elif grain == "month":
        current = start.replace(day=1)
        while current <= end:
            following = _next_month(current)
            rows.append((current, following - dt.timedelta(days=1), following))
            current = following
    else:
        raise ValueError(f"Unknown grain {grain!r}")
    return pd.DataFrame(rows, columns=["period_start", "period_end", "next_start"])


def provisional_periods(
    con: duckdb.DuckDBPyConnection,
    spine: pd.DataFrame,
    settings: MetricSettings,
    info: SummaryInfo | None = None,
) -> pd.Series:
    """True for periods whose last instant + repeat window reaches past the latest
    loaded contact: a repeat in that window may not be loaded yet."""
    if info is not None:
        latest = info.latest_contact_at
    else:
        latest = con.execute(LATEST_CONTACT_SQL).fetchone()[0]
    if latest is None or spine.empty:
        return pd.Series(True, index=spine.index, dtype=bool)
    ends = execute(
        con,
        LOCAL_MIDNIGHTS_UTC_SQL,
        {"tz": settings.reporting_timezone, "days": list(spine["next_start"])},
    ).df()
    end_utc = dict(zip(pd.to_datetime(ends["day"]).dt.date, ends["midnight_utc"], strict=True))
    window = pd.Timedelta(days=settings.repeat_window_days)
    latest = pd.Timestamp(latest)
    return spine["next_start"].map(lambda day: end_utc[day] + window > latest).astype(bool)


@dataclass(frozen=True)
class ContactChoices:
    """What the contact filters can choose from, and the local days with contacts."""

    channels: tuple[str, ...]
    reasons: tuple[str, ...]
    first_day: dt.date | None
    last_day: dt.date | None


CONTACT_CHOICES_SQL = """
SELECT
    list_sort(list(DISTINCT channel)),
    list_sort(list(DISTINCT contact_reason)),
    MIN({day}),
    MAX({day})
FROM {relation}
"""


def contact_choices(
    con: duckdb.DuckDBPyConnection, settings: MetricSettings | None = None
) -> ContactChoices:
    """Channels and reasons of the loaded contacts and their first and last local day;
    from the day cells when the summaries match ``settings`` (a scan of thousands of
    rows rather than every contact)."""
    settings = settings or MetricSettings()
    if summary_info(con, settings) is not None:
        sql = CONTACT_CHOICES_SQL.format(day="local_date", relation="contact_days")
    else:
        sql = CONTACT_CHOICES_SQL.format(day="local_day(started_at, $tz)", relation="contacts")
    channels, reasons, first_day, last_day = execute(
        con, sql, {"tz": settings.reporting_timezone}
    ).fetchone()
    return ContactChoices(tuple(channels or ()), tuple(reasons or ()), first_day, last_day)

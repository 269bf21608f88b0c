"""Day-level summary tables: the row-level work of the metrics, done once at ingestion.

Every metric is a sum of per-record counts and sums, and every period, filter and
breakdown the metric layer offers is a union of (local day, centre, channel, queue,
contact reason) cells. Ingestion therefore stores those cells (``contact_days``,
``survey_days``, ``qa_days``, ``calibration_days``, ``repeat_flow_days``,
``staff_survey_days``; ``agent_days``
per day, centre and agent serves the agent scatter when no contact filter is set) and
the page queries sum a few thousand of them instead of rescanning millions of records.
The cells depend on the reporting time zone and the metric settings they were built with
(``summary_info``); when the reader's settings differ, or the warehouse has no
summaries, the same day-level SQL runs over the raw tables as a CTE instead, so the
numbers never depend on which route was taken (tests/metrics/test_summaries.py compares
the two).

The summaries are trusted only while the source tables are what ingestion built them
from: same row counts (checked on every call, free) and the same content checksum (the
sum of every row's hash, written at build time). The checksum costs a scan (about 0.2 s
per million contacts), so a reader verifies it once per version of the warehouse file
(path, size, modification time) and remembers the verdict; an edit made outside
ingestion (an UPDATE that keeps the counts) changes the file and fails the check, and
the pages answer from the raw route.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import duckdb

from pipelines.metrics.sql_files import execute, read_sql
from pipelines.settings import MetricSettings

# the stats query -> the day-level relation it sums
DAY_RELATIONS = {
    "contact_stats": "contact_days",
    "survey_stats": "survey_days",
    "qa_stats": "qa_days",
    "calibration_stats": "calibration_days",
    "staff_survey_stats": "staff_survey_days",
    "repeat_flows": "repeat_flow_days",
    "agent_stats": "agent_days",  # built unfiltered: serves queries without contact filters
}
INFO_TABLE = "summary_info"
# the roster feeds contact_days (new_hire_contact_pct), the staff surveys their own cells
SOURCE_TABLES = (
    "contacts",
    "surveys",
    "qa_evaluations",
    "qa_sections",
    "agents",
    "staff_surveys",
    "centres",  # contact_days reads each centre's time zone
)

CREATE_INFO_SQL = f"""
CREATE OR REPLACE TABLE {INFO_TABLE} (
    reporting_timezone        VARCHAR NOT NULL,
    repeat_window_days        INTEGER NOT NULL,
    short_abandon_s           DOUBLE NOT NULL,
    service_level_threshold_s DOUBLE NOT NULL,
    qa_pass_mark              DOUBLE NOT NULL,
    new_hire_days             INTEGER NOT NULL,
    source_rows               BIGINT[] NOT NULL, -- rows of SOURCE_TABLES when built
    source_checksums          VARCHAR[] NOT NULL,-- sum of row hashes of SOURCE_TABLES
    first_date                DATE,              -- first/last local date with any record
    last_date                 DATE,
    latest_contact_at         TIMESTAMP,         -- UTC, for the provisional flag
    built_at                  TIMESTAMP NOT NULL -- UTC
)
"""

SOURCE_ROWS_SQL = (
    "SELECT [" + ", ".join(f"(SELECT COUNT(*) FROM {table})" for table in SOURCE_TABLES) + "]"
)
# order-independent and, unlike XOR, not cancelled by equal rows; as text (HUGEINT sums)
SOURCE_CHECKSUMS_SQL = (
    "SELECT ["
    + ", ".join(
        f"(SELECT CAST(coalesce(SUM(hash(t)), 0) AS VARCHAR) FROM {table} AS t)"
        for table in SOURCE_TABLES
    )
    + "]"
)
DATABASE_FILE_SQL = "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
_verified: dict[tuple, bool] = {}  # (file, size, mtime, checksums) -> content matched

# First and last local date with any record (contact, survey, QA evaluation or staff
# survey; the roster's dates do not stretch the range: hires go back years).
DATA_RANGE_SQL = """
WITH instants AS (
    SELECT MIN(started_at) AS first_at, MAX(started_at) AS last_at FROM contacts
    UNION ALL
    SELECT MIN(responded_at), MAX(responded_at) FROM surveys
    UNION ALL
    SELECT MIN(evaluated_at), MAX(evaluated_at) FROM qa_evaluations
    UNION ALL
    SELECT MIN(responded_at), MAX(responded_at) FROM staff_surveys
)
SELECT
    local_day(MIN(first_at), $tz) AS first_date,
    local_day(MAX(last_at), $tz) AS last_date,
    (SELECT MAX(started_at) FROM contacts) AS latest_contact_at
FROM instants
"""


@dataclass(frozen=True)
class SummaryInfo:
    """What the summaries were built with, and the data's extent when they were."""

    first_date: dt.date | None
    last_date: dt.date | None
    latest_contact_at: dt.datetime | None


def settings_row(settings: MetricSettings) -> tuple:
    return (
        settings.reporting_timezone,
        int(settings.repeat_window_days),
        float(settings.short_abandon_s),
        float(settings.service_level_threshold_s),
        float(settings.qa_pass_mark),
        int(settings.new_hire_days),
    )


def build_summaries(con: duckdb.DuckDBPyConnection, settings: MetricSettings) -> None:
    """(Re)build every summary table from the canonical tables, for ``settings``.

    Runs inside the ingest run's building copy, after all files are loaded, so the
    published warehouse always has summaries matching its data.
    """
    first_date, last_date, latest = execute(
        con, DATA_RANGE_SQL, {"tz": settings.reporting_timezone}
    ).fetchone()
    # an empty warehouse still gets (empty) tables with the right columns
    start = first_date or dt.date(1970, 1, 1)
    end = last_date or start - dt.timedelta(days=1)
    parameters = {
        "tz": settings.reporting_timezone,
        "start": start,
        "end": end,
        "repeat_window_days": int(settings.repeat_window_days),
        "short_abandon_s": float(settings.short_abandon_s),
        "service_level_threshold_s": float(settings.service_level_threshold_s),
        "qa_pass_mark": float(settings.qa_pass_mark),
        "new_hire_days": int(settings.new_hire_days),
        "channels": [],
        "queues": [],
        "reasons": [],
    }
    for relation in DAY_RELATIONS.values():
        # relation names come from DAY_RELATIONS above, never from input
        execute(con, f"CREATE OR REPLACE TABLE {relation} AS {read_sql(relation)}", parameters)
    source_rows = con.execute(SOURCE_ROWS_SQL).fetchone()[0]
    checksums = con.execute(SOURCE_CHECKSUMS_SQL).fetchone()[0]
    con.execute(CREATE_INFO_SQL)
    con.execute(
        f"INSERT INTO {INFO_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "CAST(now() AT TIME ZONE 'UTC' AS TIMESTAMP))",
        [*settings_row(settings), source_rows, checksums, first_date, last_date, latest],
    )


def _content_matches(con: duckdb.DuckDBPyConnection, checksums: list[str]) -> bool:
    """The source tables' checksums equal the built ones; verified once per file version
    (an in-memory database, with no file, is verified every time)."""
    path = con.execute(DATABASE_FILE_SQL).fetchone()[0]
    key = None
    if path and os.path.exists(path):
        stat = os.stat(path)
        key = (os.path.realpath(path), stat.st_size, stat.st_mtime_ns, tuple(checksums))
        if key in _verified:
            return _verified[key]
    matches = con.execute(SOURCE_CHECKSUMS_SQL).fetchone()[0] == list(checksums)
    if key is not None:
        _verified[key] = matches
    return matches


def summary_info(con: duckdb.DuckDBPyConnection, settings: MetricSettings) -> SummaryInfo | None:
    """The summaries' info when they exist, match ``settings`` and the tables' row counts
    and content (a warehouse changed outside ingestion falls back to the raw route)."""
    # look before querying: a missing table would make DuckDB's Python client scan a
    # Python variable of that name instead
    exists = con.execute(
        "SELECT COUNT(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = current_schema() AND table_name = $name",
        {"name": INFO_TABLE},
    ).fetchone()[0]
    if not exists:
        return None
    try:
        row = con.execute(
            f"SELECT reporting_timezone, repeat_window_days, short_abandon_s, "
            f"service_level_threshold_s, qa_pass_mark, new_hire_days, source_rows, "
            f"source_checksums, first_date, last_date, latest_contact_at FROM {INFO_TABLE}"
        ).fetchone()
    except duckdb.BinderException:  # built by an older version: no checksums, rebuild
        return None
    if row is None or tuple(row[:6]) != settings_row(settings):
        return None
    if list(row[6]) != con.execute(SOURCE_ROWS_SQL).fetchone()[0]:
        return None
    if not _content_matches(con, row[7]):
        return None
    return SummaryInfo(*row[8:])


def stats_sql(name: str, use_summaries: bool) -> str:
    """The SQL of stats query ``name``: over the summary table, or with the day-level
    SQL as a CTE of the same name (which shadows any table of that name)."""
    sql = read_sql(name)
    if use_summaries:
        return sql
    relation = DAY_RELATIONS[name]
    return f"WITH {relation} AS (\n{read_sql(relation)}\n)\n{sql}"

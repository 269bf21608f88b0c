"""Run the metric SQL and return sufficient statistics per period, centre and metric.

The SQL files (``sql/*.sql``) do all the row-level work inside DuckDB and return one
row per period, centre and breakdown value with ``<metric>__n``/``__x``/``__xx``/``__y``
columns; this module reshapes those few rows into a long frame the table can pool.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics.catalogue import CATALOGUE
from pipelines.metrics.periods import period_spine
from pipelines.metrics.query import MetricQuery
from pipelines.metrics.sql_files import execute, read_sql
from pipelines.metrics.summaries import stats_sql
from pipelines.settings import MetricSettings

KEYS = ["period_start", "centre_id", "breakdown_value"]
STAT_COLUMNS = ["n", "x", "xx", "y"]  # population, successes/sum, sum of squares, detractors
NO_BREAKDOWN = ""  # the breakdown value of every row when the query has no breakdown


def check_timezone(con: duckdb.DuckDBPyConnection, tz: str) -> None:
    known = con.execute(
        "SELECT COUNT(*) FROM pg_timezone_names() WHERE name = $tz", {"tz": tz}
    ).fetchone()[0]
    if not known:
        raise ValueError(
            f"reporting_timezone {tz!r} is not a known IANA time zone "
            "(settings.yaml, section metrics); use e.g. Europe/London"
        )


def sql_parameters(
    query: MetricQuery, settings: MetricSettings, start: dt.date, end: dt.date
) -> dict[str, object]:
    """Every parameter the metric SQL files use (DuckDB ignores none: pass only used)."""
    return {
        "tz": settings.reporting_timezone,
        "grain": query.grain,
        "range_start": start,
        "start": start,
        "end": end,
        "channels": list(query.channels),
        "queues": list(query.queues),
        "reasons": list(query.contact_reasons),
        "breakdown": query.breakdown,
        "qa_org": query.qa_evaluator_org,
        "repeat_window_days": int(settings.repeat_window_days),
        "short_abandon_s": float(settings.short_abandon_s),
        "service_level_threshold_s": float(settings.service_level_threshold_s),
        "qa_pass_mark": float(settings.qa_pass_mark),
        "new_hire_days": int(settings.new_hire_days),
    }


def roster_parameters(query: MetricQuery, start: dt.date, end: dt.date) -> dict[str, object]:
    """The periods of the query as roster_stats.sql / roster_tenure.sql take them: each
    period's label (period_start) and its first and last day, clipped to [start, end]."""
    spine = period_spine(query.grain, start, end)
    return {
        "period_starts": list(spine["period_start"]),
        "first_days": [max(day, start) for day in spine["period_start"]],
        "last_days": [min(day, end) for day in spine["period_end"]],
        "channels": list(query.channels),
        "queues": list(query.queues),
        "reasons": list(query.contact_reasons),
        "breakdown": query.breakdown,
    }


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame["period_start"] = pd.to_datetime(frame["period_start"]).dt.date
    frame["breakdown_value"] = frame["breakdown_value"].astype(object).fillna(NO_BREAKDOWN)
    return frame


def roster_statistics(
    con: duckdb.DuckDBPyConnection, query: MetricQuery, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """headcount / attrition / tenure statistics per period, centre and breakdown value
    (wide: ``<metric>__<stat>`` columns), from the agents table on either route."""
    return _typed(execute(con, read_sql("roster_stats"), roster_parameters(query, start, end)).df())


def tenure_distribution(
    con: duckdb.DuckDBPyConnection, query: MetricQuery, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Agents employed on each period's last day by tenure (days): period_start,
    centre_id, breakdown_value, tenure_days, agents; the median pools these counts."""
    frame = execute(con, read_sql("roster_tenure"), roster_parameters(query, start, end)).df()
    frame = _typed(frame)
    return frame.astype({"tenure_days": float, "agents": float})


def run_stats_sql(
    con: duckdb.DuckDBPyConnection, name: str, parameters: dict[str, object], use_summaries: bool
) -> pd.DataFrame:
    """A stats query, over the summary tables or the raw ones (summaries.stats_sql)."""
    return execute(con, stats_sql(name, use_summaries), parameters).df()


def run_sql(
    con: duckdb.DuckDBPyConnection, name: str, parameters: dict[str, object], use_summaries: bool
) -> pd.DataFrame:
    # a plain string key (never NULL) keeps pandas merges and groupbys exact
    return _typed(run_stats_sql(con, name, parameters, use_summaries))


def to_long(wide: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``<metric>__<stat>`` columns -> one row per key and metric with n, x, xx, y."""
    metric_ids = [
        metric
        for metric in CATALOGUE
        if f"{metric}__n" in wide.columns or f"{metric}__x" in wide.columns
    ]
    rows = len(wide)
    long = wide[keys].iloc[np.tile(np.arange(rows), len(metric_ids))].reset_index(drop=True)
    long["metric"] = np.repeat(np.array(metric_ids, dtype=object), rows)
    zeros = np.zeros(rows)
    for stat in STAT_COLUMNS:
        columns = [
            wide[f"{metric}__{stat}"].to_numpy(float, na_value=0.0)
            if f"{metric}__{stat}" in wide.columns
            else zeros
            for metric in metric_ids
        ]
        long[stat] = np.concatenate(columns) if columns else np.zeros(0)
    return long


def centre_statistics(
    con: duckdb.DuckDBPyConnection,
    query: MetricQuery,
    settings: MetricSettings,
    start: dt.date,
    end: dt.date,
    use_summaries: bool,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(stats, csat_by_reason): long sufficient statistics per period, centre,
    breakdown value and metric; and CSAT counts per reason for the mix adjustment."""
    parameters = sql_parameters(query, settings, start, end)
    contact_wide = run_sql(con, "contact_stats", parameters, use_summaries)
    survey_wide = run_sql(con, "survey_stats", parameters, use_summaries)
    qa_wide = run_sql(con, "qa_stats", parameters, use_summaries)
    calibration_wide = run_sql(con, "calibration_stats", parameters, use_summaries)
    staff_wide = run_sql(con, "staff_survey_stats", parameters, use_summaries)
    roster_wide = roster_statistics(con, query, start, end)

    survey_keys = [*KEYS, "contact_reason"]
    csat_by_reason = survey_wide[[*survey_keys, "csat_pct__n", "csat_pct__x"]].rename(
        columns={"csat_pct__n": "n", "csat_pct__x": "x"}
    )
    csat_by_reason = csat_by_reason.astype({"n": float, "x": float})
    survey_cells = (
        survey_wide.drop(columns="contact_reason")
        .groupby(KEYS, as_index=False, sort=False)
        .sum(min_count=1)
    )
    # one row per period, centre and breakdown value; response_rate_pct takes its n from
    # the contacts and its x from the surveys of the same row
    wide = (
        contact_wide.merge(survey_cells, on=KEYS, how="outer")
        .merge(qa_wide, on=KEYS, how="outer")
        .merge(calibration_wide, on=KEYS, how="outer")
        .merge(staff_wide, on=KEYS, how="outer")
        .merge(roster_wide, on=KEYS, how="outer")
    )
    return to_long(wide, KEYS), csat_by_reason

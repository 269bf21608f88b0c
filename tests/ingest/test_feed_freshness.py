"""Feed freshness: each centre's and kind's latest record, usual cadence, lag and lateness."""

from __future__ import annotations

import datetime as dt

import duckdb

from pipelines.ingest.reports import feed_freshness
from pipelines.warehouse import create_schema

DAY1 = dt.datetime(2026, 11, 2, 12, 0)  # a Monday, 12:00 UTC = 12:00 in London (GMT)


def _warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    create_schema(con)
    return con


def _contacts(con, centre: str, days: list[int]) -> None:
    for day in days:
        con.execute(
            "INSERT INTO contacts (centre_id, contact_id, channel, contact_reason, "
            "started_at, answered, abandoned, load_id) VALUES (?, ?, 'voice', "
            "'unknown', ?, true, false, 1)",
            [centre, f"{centre}{day}", DAY1 + dt.timedelta(days=day - 1)],
        )


def _surveys(con, centre: str, days: list[int]) -> None:
    for day in days:
        con.execute(
            "INSERT INTO surveys (centre_id, survey_id, responded_at, resolved, load_id)"
            " VALUES (?, ?, ?, true, 1)",
            [centre, f"s{centre}{day}", DAY1 + dt.timedelta(days=day - 1)],
        )


def test_late_feeds_against_their_own_cadence():
    con = _warehouse()
    _contacts(con, "leeds", list(range(1, 11)))  # daily to day 10: the newest data
    _surveys(con, "leeds", [1, 8])  # weekly, last on day 8
    _contacts(con, "manila", list(range(1, 7)))  # daily, stopped on day 6
    _surveys(con, "manila", list(range(1, 9)))  # daily, to day 8
    rows = {(r[0], r[1]): r for r in feed_freshness(con, "Europe/London").fetchall()}
    columns = [
        "centre_id",
        "kind",
        "latest_record_at",
        "last_day",
        "cadence_days",
        "lag_days",
        "late",
    ]
    feeds = {key: dict(zip(columns, row, strict=True)) for key, row in rows.items()}
    # daily, lag 0: on time
    assert (
        feeds["leeds", "contacts"]["cadence_days"],
        feeds["leeds", "contacts"]["lag_days"],
        feeds["leeds", "contacts"]["late"],
    ) == (1.0, 0, False)
    # weekly (one gap of 7 days), 2 days behind day 10: within max(2 * 7, 7 + 1) = 14
    assert (
        feeds["leeds", "surveys"]["cadence_days"],
        feeds["leeds", "surveys"]["lag_days"],
        feeds["leeds", "surveys"]["late"],
    ) == (7.0, 2, False)
    # daily but 4 days behind: 4 > max(2, 2) = 2, late
    assert (feeds["manila", "contacts"]["lag_days"], feeds["manila", "contacts"]["late"]) == (
        4,
        True,
    )
    # daily, 2 days behind: 2 is not more than 2, not late yet
    assert (feeds["manila", "surveys"]["lag_days"], feeds["manila", "surveys"]["late"]) == (
        2,
        False,
    )
    assert feeds["manila", "contacts"]["latest_record_at"] == DAY1 + dt.timedelta(days=5)
    # a kind without records is not a feed: no row
    assert ("leeds", "qa") not in feeds

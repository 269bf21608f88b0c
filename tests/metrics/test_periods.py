"""Weeks and months in a non-UTC reporting zone, DST, empty periods, range grain."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.metrics import MetricQuery, data_range, metric_table
from pipelines.metrics.periods import period_spine

CONTACTS = MetricQuery(metrics=("contacts",), centres=("leeds",))


@pytest.fixture
def london(settings):
    return settings.with_overrides(reporting_timezone="Europe/London")


def _counts(table):
    return {row.period_start.isoformat(): row.n for row in table.itertuples()}


def test_sunday_late_evening_utc_in_summer_belongs_to_the_next_week(wh, con, london):
    # Sun 2026-07-05 23:30 UTC = Mon 00:30 BST: week of Mon 2026-07-06
    wh.contact("leeds", "2026-07-05 23:30:00")
    # Sun 2026-07-05 22:59 UTC = 23:59 BST: still the week of Mon 2026-06-29
    wh.contact("leeds", "2026-07-05 22:59:00")
    counts = _counts(metric_table(con, CONTACTS, london))
    assert counts == {"2026-06-29": 1, "2026-07-06": 1}


def test_in_winter_london_is_utc(wh, con, london):
    # Sun 2026-11-01 23:30 UTC = 23:30 GMT: the week of Mon 2026-10-26
    wh.contact("leeds", "2026-11-01 23:30:00")
    # Sun 2026-10-25 00:30 UTC = 01:30 BST, the morning the clocks go back: week 10-19
    wh.contact("leeds", "2026-10-25 00:30:00")
    counts = _counts(metric_table(con, CONTACTS, london))
    assert counts == {"2026-10-19": 1, "2026-10-26": 1}


def test_utc_reporting_keeps_utc_weeks(wh, con, settings):
    wh.contact("leeds", "2026-07-05 23:30:00")
    assert _counts(metric_table(con, CONTACTS, settings)) == {"2026-06-29": 1}


def test_months_in_local_time(wh, con, london):
    # Tue 2026-06-30 23:30 UTC = Wed 07-01 00:30 BST: July
    wh.contact("leeds", "2026-06-30 23:30:00")
    wh.contact("leeds", "2026-06-30 22:30:00")  # 23:30 BST: June
    table = metric_table(
        con, MetricQuery(grain="month", metrics=("contacts",), centres=("leeds",)), london
    )
    assert _counts(table) == {"2026-06-01": 1, "2026-07-01": 1}
    assert table["period_end"].tolist() == [dt.date(2026, 6, 30), dt.date(2026, 7, 31)]


def test_surveys_and_qa_belong_to_their_own_timestamps(wh, con, london, pick):
    contact = wh.contact("leeds", "2026-07-05 12:00:00")  # week 06-29
    wh.survey("leeds", "2026-07-05 23:30:00", contact_id=contact, csat_raw=5)  # week 07-06
    wh.qa("leeds", "2026-07-05 23:30:00", 90, contact_id=contact)  # week 07-06
    table = metric_table(con, MetricQuery(centres=("leeds",)), london)
    assert pick(table, "contacts", "leeds", "2026-06-29")["n"] == 1
    assert pick(table, "csat_pct", "leeds", "2026-06-29")["n"] == 0
    assert pick(table, "csat_pct", "leeds", "2026-07-06")["n"] == 1
    assert pick(table, "qa_score", "leeds", "2026-07-06")["n"] == 1


def test_empty_periods_stay_in_the_table(wh, con, settings, pick):
    wh.contact("leeds", "2026-06-01 10:00")
    wh.contact("leeds", "2026-06-15 10:00")
    table = metric_table(
        con, MetricQuery(metrics=("contacts", "aht_s"), centres=("leeds",)), settings
    )
    assert sorted(set(table["period_start"].astype(str))) == [
        "2026-06-01",
        "2026-06-08",
        "2026-06-15",
    ]
    gap_week = pick(table, "aht_s", "leeds", "2026-06-08")
    assert gap_week["n"] == 0
    assert gap_week[["value", "ci_low", "ci_high"]].isna().all()
    assert gap_week["status"] == "no data"
    assert bool(gap_week["insufficient_sample"])


def test_start_and_end_are_inclusive_local_dates(wh, con, london):
    wh.contact("leeds", "2026-06-01 23:30:00")  # 06-02 00:30 BST
    wh.contact("leeds", "2026-06-02 22:30:00")  # 06-02 23:30 BST
    wh.contact("leeds", "2026-06-02 23:30:00")  # 06-03 00:30 BST: after the end
    query = MetricQuery(
        grain="range",
        start=dt.date(2026, 6, 2),
        end=dt.date(2026, 6, 2),
        metrics=("contacts",),
        centres=("leeds",),
    )
    table = metric_table(con, query, london)
    assert table[["period_start", "period_end", "n"]].values.tolist() == [
        [dt.date(2026, 6, 2), dt.date(2026, 6, 2), 2]
    ]


def test_data_range_and_spine(wh, con, london):
    assert data_range(con, london) is None
    wh.contact("leeds", "2026-06-01 23:30:00")  # 06-02 local
    wh.survey("leeds", "2026-06-20 10:00:00", csat_raw=4)
    available = data_range(con, london)
    assert (available.first_date, available.last_date) == (
        dt.date(2026, 6, 2),
        dt.date(2026, 6, 20),
    )
    assert available.first_week_start == dt.date(2026, 6, 1)
    spine = period_spine("week", dt.date(2026, 6, 3), dt.date(2026, 6, 15))
    assert spine["period_start"].tolist() == [
        dt.date(2026, 6, 1),
        dt.date(2026, 6, 8),
        dt.date(2026, 6, 15),
    ]


def test_empty_warehouse_gives_an_empty_table(con, settings):
    table = metric_table(con, MetricQuery(), settings)
    assert table.empty
    assert "status" in table.columns


def test_unknown_time_zone_is_reported(wh, con, settings):
    with pytest.raises(ValueError, match="Europe/Londn.*settings.yaml"):
        metric_table(con, MetricQuery(), settings.with_overrides(reporting_timezone="Europe/Londn"))


def test_a_zone_behind_utc_keeps_the_last_local_evening(wh, con, settings, pick):
    new_york = settings.with_overrides(reporting_timezone="America/New_York")
    # Mon 2026-06-08 03:30 UTC = Sun 06-07 23:30 EDT: the last evening of the week of
    # Mon 06-01 in New York, though already the next UTC day
    wh.survey("leeds", "2026-06-08 03:30", csat_raw=5)
    wh.qa("leeds", "2026-06-08 03:30", 90.0)
    query = MetricQuery(
        metrics=("csat_pct", "qa_score"),
        centres=("leeds",),
        start=dt.date(2026, 6, 1),
        end=dt.date(2026, 6, 7),
    )
    table = metric_table(con, query, new_york)
    assert pick(table, "csat_pct", "leeds", "2026-06-01")["n"] == 1
    assert pick(table, "qa_score", "leeds", "2026-06-01")["n"] == 1


def test_a_period_is_final_once_its_local_end_plus_the_window_is_loaded(wh, con, settings, pick):
    tokyo = settings.with_overrides(reporting_timezone="Asia/Tokyo", repeat_window_days=7)
    # the week of Mon 2026-06-01 in Tokyo ends at local midnight 06-08 = 06-07 15:00 UTC;
    # its repeats can come until 06-14 15:00 UTC. The latest contact, 06-14 20:00 UTC, is
    # past that: the week is final (taking UTC midnight, 06-15 00:00, would keep it open)
    wh.contact("leeds", "2026-06-03 01:00", customer="k1")
    wh.contact("leeds", "2026-06-14 20:00", customer="k2")  # Mon 06-15 05:00 in Tokyo
    table = metric_table(con, MetricQuery(metrics=("fcr_repeat_pct",), centres=("leeds",)), tokyo)
    assert not pick(table, "fcr_repeat_pct", "leeds", "2026-06-01")["provisional"]
    assert pick(table, "fcr_repeat_pct", "leeds", "2026-06-15")["provisional"]

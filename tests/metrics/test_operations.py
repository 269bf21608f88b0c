"""Contacts, AHT, ASA, service level, abandons (short ones out), transfers."""

from __future__ import annotations

import statistics

import pytest

from pipelines.metrics import MetricQuery, metric_table
from pipelines.metrics.stats import z_value

WEEK = "2026-06-01"


@pytest.fixture
def operations(wh, con, settings):
    day = "2026-06-02 09:00"
    # voice
    wh.contact("leeds", day, wait_s=10, talk_s=100, hold_s=20, wrap_s=30, transferred=True)
    wh.contact("leeds", day, wait_s=30, talk_s=200, hold_s=0, wrap_s=50)
    wh.contact("leeds", day, answered=False, abandoned=True, wait_s=3, talk_s=None)  # short
    wh.contact("leeds", day, answered=False, abandoned=True, wait_s=5, talk_s=None)  # = 5 s
    wh.contact("leeds", day, answered=False, abandoned=True, wait_s=40, talk_s=None)
    # chat: wait exactly at the 20 s threshold counts as within
    wh.contact("leeds", day, channel="chat", wait_s=20, talk_s=300, hold_s=0, wrap_s=0)
    # email: deferred, out of the queue metrics, in AHT and transfers
    wh.contact(
        "leeds", day, channel="email", wait_s=5000, talk_s=100, hold_s=0, wrap_s=20, complaint=True
    )
    wh.contact("leeds", day, channel="email", answered=False, wait_s=None, talk_s=None)
    return metric_table(con, MetricQuery(), settings)


def test_contacts_count_everything(operations, pick):
    row = pick(operations, "contacts", "leeds", WEEK)
    assert (row["value"], row["n"]) == (8, 8)
    assert row[["ci_low", "ci_high"]].isna().all()  # counts get no interval


def test_aht_is_the_mean_handle_time_of_answered_contacts(operations, pick):
    row = pick(operations, "aht_s", "leeds", WEEK)
    # answered handle times: 150, 250, 300 (chat), 120 (email) -> 820 / 4 = 205
    assert (row["value"], row["n"]) == (205.0, 4)
    half = z_value(0.95) * statistics.stdev([150, 250, 300, 120]) / 2  # sd / sqrt(4)
    assert row["ci_low"] == pytest.approx(205 - half)
    assert row["ci_high"] == pytest.approx(205 + half)


def test_asa_only_on_answered_real_time_contacts(operations, pick):
    row = pick(operations, "asa_s", "leeds", WEEK)
    assert (row["value"], row["n"]) == (20.0, 3)  # (10 + 30 + 20) / 3; email's 5000 s out


def test_service_level_and_abandons_leave_short_abandons_out(operations, pick):
    # offered real-time: 3 answered (voice 10 s, voice 30 s, chat 20 s) + abandons with
    # wait >= 5 s (5 s, 40 s) = 5; the 3 s abandon is short and out of both
    service = pick(operations, "service_level_pct", "leeds", WEEK)
    assert (service["value"], service["n"]) == (40.0, 5)  # 10 s and 20 s within 20 s
    abandon = pick(operations, "abandon_pct", "leeds", WEEK)
    assert (abandon["value"], abandon["n"]) == (40.0, 5)  # 2 of 5


def test_transfers_and_complaints_over_answered(operations, pick):
    transfer = pick(operations, "transfer_pct", "leeds", WEEK)
    assert (transfer["value"], transfer["n"]) == (25.0, 4)
    complaint = pick(operations, "complaint_pct", "leeds", WEEK)
    assert (complaint["value"], complaint["n"]) == (25.0, 4)


def test_settings_move_the_thresholds(wh, con, settings, pick):
    wh.contact("leeds", "2026-06-02 09:00", wait_s=25)
    wh.contact("leeds", "2026-06-02 09:00", answered=False, abandoned=True, wait_s=8)
    wider = settings.with_overrides(service_level_threshold_s=30, short_abandon_s=10)
    table = metric_table(con, MetricQuery(), wider)
    # the 8 s abandon is now short: offered = 1, answered within 30 s = 1
    assert pick(table, "service_level_pct", "leeds", WEEK)[["value", "n"]].tolist() == [100, 1]
    assert pick(table, "abandon_pct", "leeds", WEEK)[["value", "n"]].tolist() == [0, 1]


def test_inputs_a_centre_does_not_export_give_no_data(wh, con, settings, pick):
    # Manila's export has no waits, no complaint and no transfer flags: stored as NULL
    # ("not provided"), so those metrics have no population there, never 0 %.
    for talk in (100, 200, 300):
        wh.contact(
            "manila", "2026-06-02 09:00", wait_s=None, talk_s=talk, complaint=None, transferred=None
        )
    wh.contact(
        "manila",
        "2026-06-02 09:00",
        answered=False,
        abandoned=True,
        wait_s=None,
        talk_s=None,
        complaint=None,
        transferred=None,
    )
    table = metric_table(con, MetricQuery(), settings)
    for metric in ("complaint_pct", "transfer_pct", "service_level_pct", "asa_s"):
        row = pick(table, metric, "manila", WEEK)
        assert row["n"] == 0 and row["value"] != row["value"], metric  # n = 0, value NaN
    # handle time is exported: (100 + 200 + 300) / 3 = 200 over 3 answered contacts
    assert pick(table, "aht_s", "manila", WEEK)[["value", "n"]].tolist() == [200.0, 3]
    # the abandon has no wait, so it cannot be shown to be short: 1 of 4 offered
    assert pick(table, "abandon_pct", "manila", WEEK)[["value", "n"]].tolist() == [25.0, 4]

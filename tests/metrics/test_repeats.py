"""fcr_repeat_pct across centres and channels, the window edge, provisional periods."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.metrics import MetricQuery, metric_table, repeat_flows


@pytest.fixture
def repeats(wh):
    # K1: answered at leeds, then an unanswered chat at manila exactly 7 days later:
    #     a repeat for leeds (the window (t, t + 7 days] includes its end)
    wh.contact("leeds", "2026-06-01 10:00:00", customer="K1")
    wh.contact(
        "manila",
        "2026-06-08 10:00:00",
        customer="K1",
        channel="chat",
        answered=False,
        abandoned=True,
        wait_s=30,
    )
    # K2: answered at leeds, next contact at glasgow 7 days + 1 second later: no repeat
    wh.contact("leeds", "2026-06-02 10:00:00", customer="K2")
    wh.contact("glasgow", "2026-06-09 10:00:01", customer="K2")
    # K3: two leeds contacts in the same instant (voice and email): neither is the
    #     other's repeat, the window is open on the left
    wh.contact("leeds", "2026-06-03 10:00:00", customer="K3")
    wh.contact("leeds", "2026-06-03 10:00:00", customer="K3", channel="email")
    # outside the population: no customer_key; not answered
    wh.contact("leeds", "2026-06-04 10:00:00", customer=None)
    wh.contact("leeds", "2026-06-04 11:00:00", customer="K4", answered=False, abandoned=True)
    wh.contact("leeds", "2026-06-04 11:30:00", customer="K4")  # answered, repeat-free
    # the latest loaded contact: 2026-06-20
    wh.contact("lisbon", "2026-06-20 12:00:00", customer="K9")
    return wh


def test_repeat_rate_across_centres_and_the_window_edge(repeats, con, settings, pick):
    table = metric_table(con, MetricQuery(metrics=("fcr_repeat_pct",)), settings)
    leeds = pick(table, "fcr_repeat_pct", "leeds", "2026-06-01")
    # population: K1, K2, K3 voice, K3 email, K4 answered = 5; repeated: K1 only.
    # (K4's abandoned contact at 11:00 precedes its answered one: no repeat either,
    # and the abandoned one is not answered, so not in the population)
    assert leeds["n"] == 5
    assert leeds["value"] == pytest.approx(80.0)  # 4 of 5 without a repeat
    glasgow = pick(table, "fcr_repeat_pct", "glasgow", "2026-06-08")
    assert (glasgow["n"], glasgow["value"]) == (1, 100.0)
    manila = pick(table, "fcr_repeat_pct", "manila", "2026-06-08")
    assert manila["n"] == 0  # its only contact was not answered


def test_filters_restrict_the_population_not_the_repeats(repeats, con, settings, pick):
    query = MetricQuery(metrics=("fcr_repeat_pct",), channels=("voice",))
    leeds = pick(metric_table(con, query, settings), "fcr_repeat_pct", "leeds", "2026-06-01")
    # voice population: K1, K2, K3 voice, K4 = 4; K1's repeat is a *chat* at manila and
    # still counts -> 3 of 4 without a repeat
    assert (leeds["n"], leeds["value"]) == (4, 75.0)


def test_provisional_when_the_window_reaches_past_the_latest_contact(repeats, con, settings, pick):
    table = metric_table(con, MetricQuery(), settings)
    # week of 06-01 ends 06-08 00:00; + 7 days = 06-15 <= latest contact 06-20: final
    assert not pick(table, "fcr_repeat_pct", "leeds", "2026-06-01")["provisional"]
    # week of 06-08 ends 06-15; + 7 days = 06-22 > 06-20: provisional
    assert pick(table, "fcr_repeat_pct", "leeds", "2026-06-08")["provisional"]
    assert pick(table, "fcr_repeat_pct", "lisbon", "2026-06-15")["provisional"]
    # only the repeat metric depends on later data
    assert not pick(table, "contacts", "leeds", "2026-06-08")["provisional"]


def test_a_window_setting_of_one_day(repeats, con, settings, pick):
    query = MetricQuery(metrics=("fcr_repeat_pct",))
    one_day = settings.with_overrides(repeat_window_days=1)
    leeds = pick(metric_table(con, query, one_day), "fcr_repeat_pct", "leeds", "2026-06-01")
    assert leeds["value"] == 100.0  # K1's manila contact is 7 days later: outside 1 day


def test_repeat_flows_show_where_the_next_contact_went(repeats, con, settings):
    flows = repeat_flows(con, MetricQuery(), settings)
    # one repeat: leeds K1 -> manila
    assert flows[["group_key", "next_centre_id", "count", "share_pct"]].values.tolist() == [
        ["leeds", "manila", 1, 100.0]
    ]
    assert flows["next_centre_name"].tolist() == ["Pacific Reach Manila"]


def test_repeat_flows_shares_within_a_group(wh, con, settings):
    # leeds: three repeats, two back to leeds and one to glasgow
    for customer, target in (("A", "leeds"), ("B", "leeds"), ("C", "glasgow")):
        wh.contact("leeds", "2026-06-01 10:00", customer=customer)
        wh.contact(target, "2026-06-02 10:00", customer=customer, answered=False)
    flows = repeat_flows(con, MetricQuery(centres=("leeds",)), settings)
    assert flows[["next_centre_id", "count"]].values.tolist() == [["leeds", 2], ["glasgow", 1]]
    assert flows["share_pct"].tolist() == pytest.approx([200 / 3, 100 / 3])


def test_a_repeat_after_the_query_end_still_counts(repeats, con, settings, pick):
    query = MetricQuery(
        metrics=("fcr_repeat_pct",),
        grain="range",
        start=dt.date(2026, 6, 1),
        end=dt.date(2026, 6, 1),
        centres=("leeds",),
    )
    leeds = pick(metric_table(con, query, settings), "fcr_repeat_pct", "leeds")
    # only K1's 06-01 contact is in range; its repeat (06-08 at manila) is outside the range
    assert (leeds["n"], leeds["value"]) == (1, 0.0)

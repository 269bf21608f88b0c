"""Mix-adjusted CSAT (direct standardisation) and filters through the linked contact."""

from __future__ import annotations

import math

import pytest

from pipelines.metrics import MetricQuery, metric_table

WEEK = "2026-06-01"


def _linked_surveys(
    wh, centre: str, reason: str, satisfied: int, total: int, channel: str = "voice"
) -> None:
    for index in range(total):
        contact = wh.contact(centre, "2026-06-02 09:00", reason=reason, channel=channel)
        wh.survey(
            centre, "2026-06-02 10:00", contact_id=contact, csat_raw=5 if index < satisfied else 1
        )


@pytest.fixture
def mix(wh):
    _linked_surveys(wh, "leeds", "billing_query", 8, 10)  # 80 %
    _linked_surveys(wh, "leeds", "payment", 4, 10)  # 40 %
    _linked_surveys(wh, "glasgow", "billing_query", 27, 30)  # 90 %; no payment at glasgow
    for index in range(10):  # 50 %, no linked contact: reason 'unknown'
        wh.survey(
            "glasgow",
            "2026-06-02 10:00",
            contact_id=f"missing{index}",
            csat_raw=5 if index < 5 else 1,
        )
    return wh


def test_mix_adjusted_csat_with_a_reason_missing_at_one_centre(mix, con, settings, pick):
    table = metric_table(con, MetricQuery(metrics=("csat_pct", "csat_pct_adjusted")), settings)
    # all 60 responses: w(billing) = 40/60, w(payment) = 10/60, w(unknown) = 10/60
    # leeds sees billing, payment: (2/3*0.8 + 1/6*0.4) / (5/6) = 0.6 / (5/6) = 72 %
    # glasgow sees billing, unknown: (2/3*0.9 + 1/6*0.5) / (5/6) = 0.68333 / (5/6) = 82 %
    leeds = pick(table, "csat_pct_adjusted", "leeds", WEEK)
    glasgow = pick(table, "csat_pct_adjusted", "glasgow", WEEK)
    assert leeds["value"] == pytest.approx(72.0)
    assert glasgow["value"] == pytest.approx(82.0)
    assert leeds["coverage"] == pytest.approx(500 / 6)  # 5/6 of the weight
    assert glasgow["coverage"] == pytest.approx(500 / 6)
    assert (leeds["n"], glasgow["n"]) == (20, 40)
    assert glasgow["baseline_value"] == pytest.approx(72.0)
    assert glasgow["gap"] == pytest.approx(10.0)
    # raw CSAT: leeds 12/20 = 60 %, glasgow 32/40 = 80 %; coverage only on the adjusted row
    assert pick(table, "csat_pct", "leeds", WEEK)["value"] == pytest.approx(60.0)
    assert math.isnan(pick(table, "csat_pct", "leeds", WEEK)["coverage"])
    # se(leeds): weights within coverage 0.8 and 0.2:
    # sqrt(0.64*0.8*0.2/10 + 0.04*0.4*0.6/10) = sqrt(0.0112) = 0.10583 -> 10.583 points
    half = 1.959964 * 100 * math.sqrt(0.0112)
    assert leeds["ci_low"] == pytest.approx(72.0 - half, abs=1e-3)
    assert leeds["ci_high"] == pytest.approx(min(100.0, 72.0 + half), abs=1e-3)


def test_channel_filter_drops_surveys_without_a_linked_contact(mix, con, settings, pick):
    table = metric_table(con, MetricQuery(metrics=("csat_pct",), channels=("voice",)), settings)
    glasgow = pick(table, "csat_pct", "glasgow", WEEK)
    assert (glasgow["n"], glasgow["value"]) == (30, 90.0)  # the 10 unlinked ones are out


def test_reason_filter_reaches_surveys_through_the_contact(mix, con, settings, pick):
    table = metric_table(
        con, MetricQuery(metrics=("csat_pct",), contact_reasons=("payment",)), settings
    )
    assert pick(table, "csat_pct", "leeds", WEEK)[["n", "value"]].tolist() == [10, 40.0]
    assert pick(table, "csat_pct", "glasgow", WEEK)["n"] == 0


def test_breakdown_by_reason_puts_unlinked_surveys_under_unknown(mix, con, settings, pick):
    table = metric_table(
        con, MetricQuery(metrics=("csat_pct",), breakdown="contact_reason"), settings
    )
    assert pick(table, "csat_pct", "glasgow", WEEK, "unknown")[["n", "value"]].tolist() == [
        10,
        50.0,
    ]
    assert table["breakdown_value"].unique().tolist() == ["billing_query", "payment", "unknown"]


def test_queue_filter_on_contacts_and_qa(wh, con, settings, pick):
    sales = wh.contact("leeds", "2026-06-02 09:00", queue="sales")
    wh.contact("leeds", "2026-06-02 09:00", queue="service")
    wh.qa("leeds", "2026-06-02 12:00", 90, contact_id=sales)
    wh.qa("leeds", "2026-06-02 12:00", 50)  # no linked contact: out under a queue filter
    table = metric_table(con, MetricQuery(queues=("sales",)), settings)
    assert pick(table, "contacts", "leeds", WEEK)["n"] == 1
    assert pick(table, "qa_score", "leeds", WEEK)[["n", "value"]].tolist() == [1, 90.0]


def test_a_breakdown_of_a_selection_without_data_is_an_empty_table(wh, con, settings):
    # email contacts about payments exist, but no survey of one: no CSAT breakdown value
    wh.contact("glasgow", "2026-06-02 09:00", channel="email", reason="payment")
    contact = wh.contact("glasgow", "2026-06-02 09:00", channel="email", reason="billing_query")
    wh.survey("glasgow", "2026-06-02 10:00", contact_id=contact, csat_raw=5)
    for breakdown in ("contact_reason", "channel"):
        query = MetricQuery(
            grain="range",
            centres=("glasgow",),
            channels=("email",),
            contact_reasons=("payment",),
            breakdown=breakdown,
            metrics=("csat_pct",),
        )
        table = metric_table(con, query, settings)
        assert table.empty, breakdown

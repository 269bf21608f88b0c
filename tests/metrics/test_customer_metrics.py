"""CSAT on every scale, delight, CSAT mean, NPS, survey FCR, complaints, response rate."""

from __future__ import annotations

import math

import pytest

from pipelines.metrics import MetricQuery, metric_table
from pipelines.metrics.stats import z_value

WEEK = "2026-06-01"  # Monday; settings fixture reports in UTC


def test_csat_on_each_scale(wh, con, settings, pick):
    # leeds 1-5: satisfied when raw >= 1 + 0.75*4 = 4 -> 5, 4 of (5, 4, 3, 1): 50 %
    for raw in (5, 4, 3, 1):
        wh.survey("leeds", "2026-06-02 10:00", csat_raw=raw, scale=(1, 5))
    # glasgow 1-10: threshold 1 + 0.75*9 = 7.75 -> 10, 8 of (10, 8, 7, 1): 50 %
    for raw in (10, 8, 7, 1):
        wh.survey("glasgow", "2026-06-02 10:00", csat_raw=raw, scale=(1, 10))
    # lisbon 0-10: threshold 7.5 -> 8, 10 of (8, 7, 10, 0): 50 %
    for raw in (8, 7, 10, 0):
        wh.survey("lisbon", "2026-06-02 10:00", csat_raw=raw, scale=(0, 10))
    # manila 1-7: threshold 1 + 0.75*6 = 5.5 -> 6, 7 of (6, 5, 7): 66.67 %
    for raw in (6, 5, 7):
        wh.survey("manila", "2026-06-02 10:00", csat_raw=raw, scale=(1, 7))
    table = metric_table(con, MetricQuery(), settings)

    expected_csat = {"leeds": 50.0, "glasgow": 50.0, "lisbon": 50.0, "manila": 200 / 3}
    # delight = raw at the top: one per centre -> 1/4, 1/4, 1/4, 1/3
    expected_delight = {"leeds": 25.0, "glasgow": 25.0, "lisbon": 25.0, "manila": 100 / 3}
    # normalised 1 + 4*(raw - lo)/(hi - lo):
    # leeds raw itself: (5+4+3+1)/4 = 3.25
    # glasgow: 5, 1+28/9, 1+24/9, 1 -> (6 + 70/9)/4 = 31/9
    # lisbon: 4.2, 3.8, 5, 1 -> 14/4 = 3.5
    # manila: 1+20/6, 1+16/6, 5 -> 13/3
    expected_mean = {"leeds": 3.25, "glasgow": 31 / 9, "lisbon": 3.5, "manila": 13 / 3}
    for centre in expected_csat:
        assert pick(table, "csat_pct", centre, WEEK)["value"] == pytest.approx(
            expected_csat[centre]
        )
        assert pick(table, "delight_pct", centre, WEEK)["value"] == pytest.approx(
            expected_delight[centre]
        )
        assert pick(table, "csat_mean", centre, WEEK)["value"] == pytest.approx(
            expected_mean[centre]
        )
    assert pick(table, "csat_pct", "manila", WEEK)["n"] == 3


def test_surveys_without_csat_answer_are_outside_the_csat_population(wh, con, settings, pick):
    wh.survey("leeds", "2026-06-02 10:00", csat_raw=5)
    wh.survey("leeds", "2026-06-02 11:00", csat_raw=None, nps=10)  # NPS only
    table = metric_table(con, MetricQuery(), settings)
    assert pick(table, "csat_pct", "leeds", WEEK)["n"] == 1
    assert pick(table, "nps", "leeds", WEEK)["n"] == 1  # the first has no NPS answer


def test_nps_with_passives_and_its_interval(wh, con, settings, pick):
    # answers 10, 9, 9 promoters; 8, 7 passives; 3 detractor -> 100*(3-1)/6 = 33.33
    for answer in (10, 9, 9, 8, 7, 3):
        wh.survey("leeds", "2026-06-02 10:00", nps=answer)
    row = pick(metric_table(con, MetricQuery(), settings), "nps", "leeds", WEEK)
    assert row["value"] == pytest.approx(100 / 3)
    assert row["n"] == 6
    # p = 1/2, d = 1/6: half-width = z*100*sqrt((p + d - (p - d)^2)/n)
    #                              = 1.959964 * 100 * sqrt((2/3 - 1/9)/6) = 59.64
    half = z_value(0.95) * 100 * math.sqrt((2 / 3 - 1 / 9) / 6)
    assert half == pytest.approx(59.64, abs=0.01)
    assert row["ci_low"] == pytest.approx(100 / 3 - half)
    assert row["ci_high"] == pytest.approx(100 / 3 + half)


def test_fcr_survey_counts_only_resolved_answers(wh, con, settings, pick):
    for resolved in (True, True, False, None):
        wh.survey("leeds", "2026-06-02 10:00", resolved=resolved)
    row = pick(metric_table(con, MetricQuery(), settings), "fcr_survey_pct", "leeds", WEEK)
    assert row["n"] == 3  # the unanswered one is outside the population
    assert row["value"] == pytest.approx(200 / 3)


def test_complaints_and_response_rate_on_answered_contacts(wh, con, settings, pick):
    answered = [wh.contact("leeds", "2026-06-01 09:00", complaint=(i == 0)) for i in range(4)]
    wh.contact(
        "leeds", "2026-06-01 09:30", answered=False, abandoned=True, wait_s=60, complaint=True
    )  # not answered: outside both populations
    wh.survey("leeds", "2026-06-02 10:00", contact_id=answered[0], csat_raw=5)
    wh.survey("leeds", "2026-06-02 10:00", contact_id=answered[1])  # no CSAT, still a survey
    table = metric_table(con, MetricQuery(), settings)
    complaint = pick(table, "complaint_pct", "leeds", WEEK)
    assert (complaint["value"], complaint["n"]) == (25.0, 4)  # 1 of 4 answered
    response = pick(table, "response_rate_pct", "leeds", WEEK)
    assert (response["value"], response["n"]) == (50.0, 4)  # 2 surveys / 4 answered


def test_surveys_without_a_csat_answer_are_outside_every_csat_population(wh, con, settings, pick):
    wh.survey("leeds", "2026-06-02 10:00", csat_raw=5)  # satisfied and delighted
    wh.survey("leeds", "2026-06-02 10:00", csat_raw=3)  # neither
    wh.survey("leeds", "2026-06-02 10:00", nps=9)  # NPS only: no score, no scale
    # the CSAT question skipped on a survey whose export still gives the scale
    con.execute(
        "INSERT INTO surveys VALUES ('leeds', 'skipped', NULL, "
        "TIMESTAMP '2026-06-02 10:00', NULL, 1, 5, NULL, 10, NULL, NULL, 1)"
    )
    table = metric_table(con, MetricQuery(centres=("leeds",)), settings)
    # CSAT, delight and mean over the two scored responses only: 1/2, 1/2, (5 + 3)/2
    for metric, value in (("csat_pct", 50.0), ("delight_pct", 50.0), ("csat_mean", 4.0)):
        row = pick(table, metric, "leeds", WEEK)
        assert (row["n"], row["value"]) == (2, pytest.approx(value)), metric
    # NPS over its own two answers (9 and 10, both promoters): 100
    nps = pick(table, "nps", "leeds", WEEK)
    assert (nps["n"], nps["value"]) == (2, pytest.approx(100.0))

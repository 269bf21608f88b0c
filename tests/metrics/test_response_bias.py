"""Survey response bias: responder_repeat_gap (METRICS.md) and its warning flag.

responder_repeat_gap = fcr_repeat_pct over answered contacts that have a survey -
fcr_repeat_pct over all answered contacts, same centre and period; pooled two-proportion
z-test. Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from pipelines.metrics import MetricQuery, metric_table

WEEK = "2026-06-01"
METRICS = ("fcr_repeat_pct", "responder_repeat_gap", "response_rate_pct")


def bias_table(con, settings, **query):
    return metric_table(con, MetricQuery(metrics=METRICS, **query), settings)


@pytest.fixture
def glasgow_week(wh):
    """Seven answered contacts with a customer key, three of them surveyed."""
    c1 = wh.contact("glasgow", "2026-06-02 09:00", customer="k1")
    wh.survey("glasgow", "2026-06-02 10:00", contact_id=c1, csat_raw=5)
    wh.survey("glasgow", "2026-06-02 11:00", contact_id=c1, csat_raw=4)  # twice: counts once
    c2 = wh.contact("glasgow", "2026-06-02 09:10", customer="k2")
    wh.survey("glasgow", "2026-06-02 10:00", contact_id=c2, csat_raw=5)
    wh.contact("glasgow", "2026-06-02 09:20", customer="k3")  # repeated by the next one
    wh.contact("glasgow", "2026-06-04 09:20", customer="k3")
    wh.contact("glasgow", "2026-06-03 09:30", customer="k4")
    c5 = wh.contact("glasgow", "2026-06-03 09:40", customer="k5")  # surveyed, repeated
    wh.survey("glasgow", "2026-06-03 10:00", contact_id=c5, csat_raw=2)
    wh.contact("glasgow", "2026-06-05 09:40", customer="k5")
    # not in the population: unanswered, and answered without a customer key
    lost = wh.contact("glasgow", "2026-06-03 12:00", customer="k6", answered=False)
    wh.survey("glasgow", "2026-06-03 12:30", contact_id=lost, csat_raw=1)
    anonymous = wh.contact("glasgow", "2026-06-03 12:10")
    wh.survey("glasgow", "2026-06-03 12:30", contact_id=anonymous, csat_raw=1)
    wh.survey("glasgow", "2026-06-03 12:40", csat_raw=1)  # no linked contact
    return wh


def test_gap_interval_and_test(glasgow_week, con, settings, pick):
    table = bias_table(con, settings)
    # all answered with a key: c1, c2, k3 (repeated), k3's repeat, k4, c5 (repeated),
    # c5's repeat = 7; without a repeat 5: 5/7 = 71.4286 %
    assert pick(table, "fcr_repeat_pct", "glasgow", WEEK)["value"] == pytest.approx(500 / 7)
    gap = pick(table, "responder_repeat_gap", "glasgow", WEEK)
    # surveyed: c1, c2, c5 = 3, without a repeat 2: 66.6667 %; gap = 200/3 - 500/7
    # = -4.7619 points
    assert gap["n"] == 3
    assert gap["value"] == pytest.approx(200 / 3 - 500 / 7)
    # Wald: se = sqrt((2/3)(1/3)/3 + (5/7)(2/7)/7) = sqrt(0.0740741 + 0.0291545)
    # = 0.321293, so +- 1.959964 * 32.1293 = +- 62.972 points
    half = 1.959964 * 100 * math.sqrt((2 / 3) * (1 / 3) / 3 + (5 / 7) * (2 / 7) / 7)
    assert gap["ci_high"] - gap["value"] == pytest.approx(half, rel=1e-6)
    # pooled p = 7/10; se = sqrt(.7 * .3 * (1/3 + 1/7)) = sqrt(0.1) = 0.316228;
    # z = (0.666667 - 0.714286) / 0.316228 = -0.150585: two-sided p = 0.88030
    assert gap["p_value"] == pytest.approx(2 * stats.norm.sf(0.150585), abs=1e-5)
    assert not gap["significant"] and pd.isna(gap["flag"])


def test_flattered_when_the_surveyed_come_back_significantly_less(wh, con, settings, pick):
    for i in range(30):
        happy = wh.contact("lisbon", f"2026-06-02 {8 + i % 10:02d}:{i:02d}", customer=f"h{i}")
        wh.survey("lisbon", "2026-06-02 21:00", contact_id=happy, csat_raw=9, scale=(0, 10))
        wh.contact("lisbon", f"2026-06-02 {8 + i % 10:02d}:{i:02d}", customer=f"u{i}")
        wh.contact("lisbon", f"2026-06-04 {8 + i % 10:02d}:{i:02d}", customer=f"u{i}")
    table = bias_table(con, settings)
    gap = pick(table, "responder_repeat_gap", "lisbon", WEEK)
    # surveyed: 30 of 30 without a repeat (100 %); all: 90 answered, 60 without a
    # repeat (the 30 happy and the 30 repeats): 66.67 %; gap +33.33 points
    assert gap["value"] == pytest.approx(100 - 200 / 3)
    # pooled p = 90/120 = 0.75; se = sqrt(.75 * .25 * (1/30 + 1/90)) = 0.0912871;
    # z = 0.333333 / 0.0912871 = 3.6515: p = 0.00026
    assert gap["p_value"] == pytest.approx(2 * stats.norm.sf(3.651484), rel=1e-4)
    assert gap["flag"] == "csat_likely_flattered"
    # response rate: 30 surveys / 90 answered contacts = 33.33 %
    assert pick(table, "response_rate_pct", "lisbon", WEEK)["value"] == pytest.approx(100 / 3)


def test_the_repeat_can_be_at_another_centre(wh, con, settings, pick):
    c = wh.contact("manila", "2026-06-02 09:00", customer="k1")
    wh.survey("manila", "2026-06-02 10:00", contact_id=c, csat_raw=5)
    wh.contact("leeds", "2026-06-03 09:00", customer="k1")  # the customer calls Leeds back
    wh.contact("manila", "2026-06-02 09:30", customer="k2")
    table = bias_table(con, settings)
    gap = pick(table, "responder_repeat_gap", "manila", WEEK)
    # surveyed: c, repeated at Leeds: 0 of 1; all Manila: k1 (repeated) and k2: 1 of 2
    # -> 0 - 50 = -50 points
    assert (gap["n"], gap["value"]) == (1, -50.0)


def test_a_survey_belongs_to_its_own_centres_contact(wh, con, settings, pick):
    # two centres use the same contact id; only Glasgow's contact was surveyed
    wh.contact("glasgow", "2026-06-02 09:00", contact_id="X1", customer="k1")
    wh.survey("glasgow", "2026-06-02 10:00", contact_id="X1", csat_raw=5)
    wh.contact("lisbon", "2026-06-02 09:00", contact_id="X1", customer="k2")
    table = bias_table(con, settings)
    assert pick(table, "responder_repeat_gap", "glasgow", WEEK)["n"] == 1
    assert pick(table, "responder_repeat_gap", "lisbon", WEEK)["n"] == 0


def test_no_surveys_no_gap(wh, con, settings, pick):
    wh.contact("glasgow", "2026-06-02 09:00", customer="k1")
    table = bias_table(con, settings)
    gap = pick(table, "responder_repeat_gap", "glasgow", WEEK)
    assert gap["n"] == 0 and pd.isna(gap["value"]) and pd.isna(gap["p_value"])

"""QA calibration (METRICS.md, "Trusting the vendor's own numbers"): pairs, gap with its
t interval and paired test, agreement, Cohen's kappa, sections and the flag.

Every expected value is worked out by hand in the comments. The conftest's settings have
min_sample 2, so tiny samples can be significant; the tolerance is the default 5 points.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pipelines.metrics import MetricQuery, metric_table

WEEK = "2026-06-01"
NEXT_WEEK = "2026-06-08"
CALIBRATION = (
    "qa_calibration_gap",
    "qa_calibration_agreement_pct",
    "qa_calibration_kappa",
    "qa_calibration_gap_brand",
    "qa_calibration_gap_empathy",
)
T_975_3DF = 3.182446305284263  # Student t, 97.5 % quantile, 3 degrees of freedom (tables)


def calibration_table(con, settings, **query):
    return metric_table(con, MetricQuery(metrics=CALIBRATION, **query), settings)


@pytest.fixture
def pairs(wh):
    """Glasgow, week of Mon 1 June: four pairs, one contact per side only, and a pair whose
    latest client evaluation falls in the next week."""
    day, later = "2026-06-03 10:00", "2026-06-04 10:00"
    a = wh.contact("glasgow", "2026-06-02 09:00")
    wh.qa("glasgow", day, 90, contact_id=a, sections={"brand": 90})  # own passes
    wh.qa("glasgow", later, 80, contact_id=a, org="client", sections={"brand": 70})  # 80: passes
    b = wh.contact("glasgow", "2026-06-02 09:05")
    # scored twice by the vendor: mean 80, passes
    wh.qa("glasgow", day, 85, contact_id=b, sections={"brand": 80})
    wh.qa("glasgow", day, 75, contact_id=b, sections={"brand": 60})
    wh.qa("glasgow", later, 70, contact_id=b, org="client", sections={"brand": 75})  # fails
    c = wh.contact("glasgow", "2026-06-02 09:10")
    wh.qa("glasgow", day, 70, contact_id=c, sections={"brand": 70})  # fails
    # fails; an empathy score but no brand score
    wh.qa("glasgow", later, 72, contact_id=c, org="client", sections={"empathy": 60})
    d = wh.contact("glasgow", "2026-06-02 09:15")
    # own mean 91.5, but one evaluation is a critical fail: the vendor's verdict is fail
    wh.qa("glasgow", day, 95, contact_id=d)
    wh.qa("glasgow", day, 88, contact_id=d, critical=True)
    wh.qa("glasgow", later, 85, contact_id=d, org="client")  # passes
    one_sided = wh.contact("glasgow", "2026-06-02 09:20")
    wh.qa("glasgow", day, 99, contact_id=one_sided)  # no client evaluation: no pair
    client_only = wh.contact("glasgow", "2026-06-02 09:25")
    wh.qa("glasgow", later, 10, contact_id=client_only, org="client")  # no pair either
    g = wh.contact("glasgow", "2026-06-02 09:30")
    wh.qa("glasgow", day, 82, contact_id=g)
    wh.qa("glasgow", "2026-06-05 10:00", 80, contact_id=g, org="client")
    # the latest client evaluation (Mon 8 June) decides the pair's week
    wh.qa("glasgow", "2026-06-08 10:00", 84, contact_id=g, org="client")
    return wh


def test_gap_interval_and_paired_test(pairs, con, settings, pick):
    table = calibration_table(con, settings)
    gap = pick(table, "qa_calibration_gap", "glasgow", WEEK)
    # gaps own - client: a 90-80 = 10, b 80-70 = 10, c 70-72 = -2, d 91.5-85 = 6.5
    # n 4, mean 24.5 / 4 = 6.125; deviations 3.875, 3.875, -8.125, 0.375, squares
    # 15.015625 + 15.015625 + 66.015625 + 0.140625 = 96.1875; sd = sqrt(96.1875 / 3)
    # = sqrt(32.0625) = 5.662376; se = sd / 2 = 2.831188
    assert gap["n"] == 4
    assert gap["value"] == pytest.approx(6.125)
    se = math.sqrt(32.0625) / 2
    assert gap["ci_low"] == pytest.approx(6.125 - T_975_3DF * se)  # -2.885
    assert gap["ci_high"] == pytest.approx(6.125 + T_975_3DF * se)  # 15.135
    # t = 6.125 / 2.831188 = 2.16340 on 3 df: two-sided p = 0.1191 (t tables)
    assert gap["p_value"] == pytest.approx(0.1191, abs=5e-4)
    # beyond the 5-point tolerance but not significant: not out of calibration
    assert not gap["significant"]
    assert pd.isna(gap["flag"])


def test_agreement_and_kappa(pairs, con, settings, pick):
    table = calibration_table(con, settings)
    # verdicts own/client: a pass/pass, b pass/fail, c fail/fail, d fail/pass
    agreement = pick(table, "qa_calibration_agreement_pct", "glasgow", WEEK)
    assert (agreement["value"], agreement["n"]) == (50.0, 4)  # a and c agree
    kappa = pick(table, "qa_calibration_kappa", "glasgow", WEEK)
    # po = 0.5; own passes 2/4, client passes 2/4: pe = .5 * .5 + .5 * .5 = 0.5
    # kappa = (0.5 - 0.5) / (1 - 0.5) = 0; se = sqrt(.5 * .5 / (4 * .5^2)) = 0.5
    assert kappa["value"] == pytest.approx(0.0)
    assert kappa["ci_low"] == pytest.approx(-1.959964 * 0.5, abs=1e-6)
    assert kappa["ci_high"] == pytest.approx(1.959964 * 0.5, abs=1e-6)


def test_sections_pair_only_where_both_sides_scored_the_section(pairs, con, settings, pick):
    table = calibration_table(con, settings)
    brand = pick(table, "qa_calibration_gap_brand", "glasgow", WEEK)
    # a: 90 - 70 = 20; b: own mean (80 + 60) / 2 = 70, client 75: -5; c: client has no
    # brand score (and the own side no empathy score); d: no sections. n 2, mean
    # (20 - 5) / 2 = 7.5
    assert (brand["n"], brand["value"]) == (2, 7.5)
    assert pick(table, "qa_calibration_gap_empathy", "glasgow", WEEK)["n"] == 0


def test_a_pair_belongs_to_the_week_of_its_latest_client_evaluation(pairs, con, settings, pick):
    table = calibration_table(con, settings)
    later = pick(table, "qa_calibration_gap", "glasgow", NEXT_WEEK)
    # g: own 82, client mean (80 + 84) / 2 = 82: gap 0, n 1 (no interval from one pair)
    assert (later["n"], later["value"]) == (1, 0.0)
    assert pd.isna(later["ci_low"]) and pd.isna(later["p_value"])


def test_latest_client_evaluation_in_the_reporting_time_zone(wh, con, settings, pick):
    c = wh.contact("glasgow", "2026-06-05 09:00")
    wh.qa("glasgow", "2026-06-05 10:00", 90, contact_id=c)
    # Sun 7 June 23:30 UTC is Mon 8 June 00:30 in London: the next week there
    wh.qa("glasgow", "2026-06-07 23:30", 85, contact_id=c, org="client")
    utc = calibration_table(con, settings)
    assert pick(utc, "qa_calibration_gap", "glasgow", WEEK)["n"] == 1
    london = calibration_table(con, settings.with_overrides(reporting_timezone="Europe/London"))
    assert pick(london, "qa_calibration_gap", "glasgow", NEXT_WEEK)["n"] == 1
    assert pick(london, "qa_calibration_gap", "glasgow", WEEK)["n"] == 0


def test_out_of_calibration_needs_a_significant_gap_beyond_the_tolerance(wh, con, settings, pick):
    for minute in range(3):
        m = wh.contact("manila", f"2026-06-02 09:0{minute}")
        # every pair 8 points apart: no spread, a certain gap (p = 0), beyond 5 points
        wh.qa("manila", "2026-06-03 10:00", 88, contact_id=m)
        wh.qa("manila", "2026-06-04 10:00", 80, contact_id=m, org="client")
        lis = wh.contact("lisbon", f"2026-06-02 09:0{minute}")
        # every pair 3 points apart: just as certain, but within the tolerance
        wh.qa("lisbon", "2026-06-03 10:00", 83, contact_id=lis)
        wh.qa("lisbon", "2026-06-04 10:00", 80, contact_id=lis, org="client")
    table = calibration_table(con, settings)
    manila = pick(table, "qa_calibration_gap", "manila", WEEK)
    assert (manila["value"], manila["p_value"], manila["flag"]) == (8.0, 0.0, "out_of_calibration")
    lisbon = pick(table, "qa_calibration_gap", "lisbon", WEEK)
    assert lisbon["significant"] and pd.isna(lisbon["flag"])
    wider = calibration_table(con, settings.with_overrides(calibration_tolerance_pts=10))
    assert pd.isna(pick(wider, "qa_calibration_gap", "manila", WEEK)["flag"])


def test_tied_pairs_and_kappa_with_no_variation(wh, con, settings, pick):
    for minute in range(3):
        c = wh.contact("glasgow", f"2026-06-02 09:0{minute}")
        wh.qa("glasgow", "2026-06-03 10:00", 90, contact_id=c)
        wh.qa("glasgow", "2026-06-04 10:00", 90, contact_id=c, org="client")
    table = calibration_table(con, settings)
    gap = pick(table, "qa_calibration_gap", "glasgow", WEEK)
    # three ties: gap 0 with no spread, no evidence of a difference (p = 1)
    assert (gap["value"], gap["p_value"], gap["significant"]) == (0.0, 1.0, False)
    # both sides pass everything: agreement 100 %, but chance agreement is 1 too, so
    # kappa = (1 - 1) / (1 - 1) is undefined
    assert pick(table, "qa_calibration_agreement_pct", "glasgow", WEEK)["value"] == 100.0
    kappa = pick(table, "qa_calibration_kappa", "glasgow", WEEK)
    assert kappa["n"] == 3 and pd.isna(kappa["value"]) and pd.isna(kappa["ci_low"])


def test_empty_periods_and_evaluations_without_a_contact(wh, con, settings, pick):
    c = wh.contact("glasgow", "2026-06-02 09:00")
    wh.qa("glasgow", "2026-06-03 10:00", 90, contact_id=c)
    wh.qa("glasgow", "2026-06-04 10:00", 70, contact_id=c, org="client")
    # no contact id on either side: never a pair
    wh.qa("glasgow", "2026-06-03 10:00", 90)
    wh.qa("glasgow", "2026-06-04 10:00", 60, org="client")
    wh.qa("glasgow", "2026-06-17 10:00", 90)  # a later week with one-sided QA only
    table = calibration_table(con, settings)
    assert pick(table, "qa_calibration_gap", "glasgow", WEEK)["n"] == 1
    empty = pick(table, "qa_calibration_gap", "glasgow", "2026-06-15")
    assert empty["n"] == 0 and pd.isna(empty["value"]) and not empty["significant"]


def test_pairs_pool_across_a_vendors_centres_and_follow_contact_filters(pairs, con, settings, pick):
    chat = pairs.contact("glasgow", "2026-06-02 11:00", channel="chat")
    pairs.qa("glasgow", "2026-06-03 10:00", 60, contact_id=chat)
    pairs.qa("glasgow", "2026-06-04 10:00", 70, contact_id=chat, org="client")
    voice = calibration_table(con, settings, channels=("voice",))
    # the chat pair (gap -10) drops out under a voice filter: the four pairs remain
    assert pick(voice, "qa_calibration_gap", "glasgow", WEEK)["value"] == pytest.approx(6.125)
    vendor = calibration_table(con, settings, group_by="vendor")
    pooled = vendor[(vendor["metric"] == "qa_calibration_gap") & (vendor["n"] == 5)]
    # (24.5 - 10) / 5 = 2.9
    assert pooled["value"].tolist() == pytest.approx([2.9])

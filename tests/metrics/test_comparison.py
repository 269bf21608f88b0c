"""Baseline, gap, significance, sample flags, grouping and row order."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from pipelines.metrics import MetricQuery, metric_table

WEEK = "2026-06-01"
CSAT = ("csat_pct",)


def _surveys(wh, centre: str, satisfied: int, total: int) -> None:
    for index in range(total):
        wh.survey(centre, "2026-06-02 10:00", csat_raw=5 if index < satisfied else 2)


@pytest.fixture
def csat(wh):
    _surveys(wh, "leeds", 32, 40)  # 80 %
    _surveys(wh, "manila", 20, 40)  # 50 %
    _surveys(wh, "glasgow", 2, 10)  # 20 %, below min_sample 30
    return wh


@pytest.fixture
def strict(settings):
    return settings.with_overrides(min_sample=30)


def test_gap_and_pooled_z_test_against_in_house(csat, con, strict, pick):
    table = metric_table(con, MetricQuery(metrics=CSAT), strict)
    manila = pick(table, "csat_pct", "manila", WEEK)
    assert manila["baseline_value"] == 80.0
    assert manila["gap"] == pytest.approx(-30.0)
    # pooled p = 52/80 = 0.65; se = sqrt(0.65*0.35*(1/40 + 1/40)) = 0.106654;
    # z = 0.3 / 0.106654 = 2.8128 -> p = 0.00491
    z = 0.3 / math.sqrt(0.65 * 0.35 * (2 / 40))
    assert manila["p_value"] == pytest.approx(2 * stats.norm.sf(z))
    assert manila["p_value"] == pytest.approx(0.00491, abs=1e-5)
    assert manila["significant"]
    assert not manila["insufficient_sample"]


def test_small_samples_are_flagged_and_never_significant(csat, con, strict, pick):
    glasgow = pick(
        metric_table(con, MetricQuery(metrics=CSAT), strict), "csat_pct", "glasgow", WEEK
    )
    assert glasgow["value"] == 20.0
    assert glasgow["insufficient_sample"]
    assert glasgow["p_value"] < 0.05  # 2/10 v 32/40 is a big difference ...
    assert not glasgow["significant"]  # ... but n = 10 < 30


def test_the_baseline_row_has_gap_zero_and_no_test(csat, con, strict, pick):
    leeds = pick(metric_table(con, MetricQuery(metrics=CSAT), strict), "csat_pct", "leeds", WEEK)
    assert leeds["gap"] == 0.0
    assert math.isnan(leeds["p_value"])
    assert not leeds["significant"]


def test_a_chosen_centre_as_baseline(csat, con, strict, pick):
    table = metric_table(con, MetricQuery(metrics=CSAT, baseline="manila"), strict)
    leeds = pick(table, "csat_pct", "leeds", WEEK)
    assert (leeds["baseline_value"], leeds["gap"]) == (50.0, pytest.approx(30.0))
    assert leeds["significant"]
    manila = pick(table, "csat_pct", "manila", WEEK)
    assert manila["gap"] == 0.0 and math.isnan(manila["p_value"])


def test_hiding_the_baseline_centre_does_not_change_the_gap(csat, con, strict, pick):
    table = metric_table(con, MetricQuery(metrics=CSAT, centres=("manila",)), strict)
    assert table["centre_id"].unique().tolist() == ["manila"]
    assert pick(table, "csat_pct", "manila", WEEK)["gap"] == pytest.approx(-30.0)


def test_a_single_centre_baseline_under_every_grouping(csat, con, strict, pick):
    # The sidebar offers centres as baselines whatever the grouping (METRICS.md: "any
    # centre can be chosen instead").
    by_vendor = metric_table(
        con, MetricQuery(metrics=CSAT, group_by="vendor", baseline="manila"), strict
    )
    in_house = pick(by_vendor, "csat_pct", "in_house", WEEK)
    assert (in_house["baseline_value"], in_house["gap"]) == (50.0, pytest.approx(30.0))
    manila_vendor = pick(by_vendor, "csat_pct", "Pacific Reach BPO", WEEK)
    assert manila_vendor["gap"] == 0.0 and math.isnan(manila_vendor["p_value"])

    by_shore = metric_table(
        con, MetricQuery(metrics=CSAT, group_by="shore", baseline="leeds"), strict
    )
    # onshore = leeds 32/40 + glasgow 2/10 = 34/50 = 68 %, against leeds alone 80 %
    onshore = pick(by_shore, "csat_pct", "onshore", WEEK)
    assert (onshore["baseline_value"], onshore["gap"]) == (80.0, pytest.approx(-12.0))
    assert not math.isnan(onshore["p_value"])  # glasgow is in it: not the baseline
    # offshore = manila 20/40 = 50 %: 30 points behind leeds
    assert pick(by_shore, "csat_pct", "offshore", WEEK)["gap"] == pytest.approx(-30.0)


def test_unknown_baseline_is_reported(csat, con, strict):
    with pytest.raises(ValueError, match="Baseline .york. is neither a centre nor a centre key"):
        metric_table(con, MetricQuery(baseline="york"), strict)


def test_welch_test_on_a_mean_metric(wh, con, settings, pick):
    leeds_handle = [300.0, 320.0, 280.0, 310.0]
    manila_handle = [200.0, 210.0, 190.0]
    for talk in leeds_handle:
        wh.contact("leeds", "2026-06-02 10:00", talk_s=talk)
    for talk in manila_handle:
        wh.contact("manila", "2026-06-02 10:00", talk_s=talk)
    row = pick(
        metric_table(con, MetricQuery(metrics=("aht_s",)), settings), "aht_s", "manila", WEEK
    )
    assert row["gap"] == pytest.approx(200.0 - 302.5)
    assert row["p_value"] == pytest.approx(
        stats.ttest_ind(manila_handle, leeds_handle, equal_var=False).pvalue
    )


def test_nps_gap_uses_the_z_test_on_the_difference(wh, con, settings, pick):
    for answer in (10,) * 6 + (8,) * 2 + (3,) * 2:  # leeds 60 - 20 = 40
        wh.survey("leeds", "2026-06-02 10:00", nps=answer)
    for answer in (10,) * 2 + (8,) * 2 + (3,) * 6:  # manila 20 - 60 = -40
        wh.survey("manila", "2026-06-02 10:00", nps=answer)
    row = pick(metric_table(con, MetricQuery(metrics=("nps",)), settings), "nps", "manila", WEEK)
    # each se = 100*sqrt((0.8 - 0.16)/10) = 25.298; z = 80/sqrt(2*640) = 2.236
    assert row["gap"] == pytest.approx(-80.0)
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(80 / math.sqrt(1280)))


def test_group_by_vendor_sourcing_and_shore(csat, con, strict, pick):
    by_vendor = metric_table(con, MetricQuery(metrics=CSAT, group_by="vendor"), strict)
    assert by_vendor["centre_id"].tolist() == [
        "in_house",
        "Atlântico Serviços",
        "Claremont Contact",
        "Pacific Reach BPO",
    ]
    assert by_vendor["centre_name"].tolist()[0] == "In-house"
    assert pick(by_vendor, "csat_pct", "in_house", WEEK)["gap"] == 0.0  # it is the baseline

    by_sourcing = metric_table(con, MetricQuery(metrics=CSAT, group_by="sourcing"), strict)
    vendors = pick(by_sourcing, "csat_pct", "vendor", WEEK)
    # vendors pooled: manila 20/40 + glasgow 2/10 (+ lisbon none) = 22/50 = 44 %
    assert (vendors["value"], vendors["n"]) == (pytest.approx(44.0), 50)
    assert vendors["gap"] == pytest.approx(-36.0)

    by_shore = metric_table(con, MetricQuery(metrics=CSAT, group_by="shore"), strict)
    assert by_shore["centre_id"].tolist() == ["onshore", "nearshore", "offshore"]
    onshore = pick(by_shore, "csat_pct", "onshore", WEEK)
    # leeds 32/40 + glasgow 2/10 = 34/50 = 68 %: in-house and vendor together
    assert (onshore["sourcing"], onshore["value"]) == ("mixed", pytest.approx(68.0))
    assert not math.isnan(onshore["p_value"])  # not the baseline: it has a vendor in it


def test_two_in_house_centres_pool_into_the_baseline(csat, con, strict, pick):
    con.execute(
        "INSERT INTO centres VALUES ('york', 'Northwind York', 'in_house', NULL, "
        "'onshore', 'GB', 'Europe/London')"
    )
    _surveys(csat, "york", 8, 40)  # 20 %
    table = metric_table(con, MetricQuery(metrics=CSAT), strict)
    # baseline = (32 + 8) / 80 = 50 %; leeds is no longer the baseline on its own
    leeds = pick(table, "csat_pct", "leeds", WEEK)
    assert (leeds["baseline_value"], leeds["gap"]) == (50.0, pytest.approx(30.0))
    assert not math.isnan(leeds["p_value"])
    assert table["centre_id"].tolist()[:2] == ["leeds", "york"]  # in-house first, by name


def test_rows_are_ordered_period_group_metric(csat, con, strict):
    table = metric_table(con, MetricQuery(metrics=("nps", "contacts", "csat_pct")), strict)
    assert table["centre_id"].tolist()[:3] == ["leeds"] * 3
    assert table["metric"].tolist()[:3] == ["csat_pct", "nps", "contacts"]  # catalogue order
    # in-house first, then vendors by name: Atlântico, Claremont, Pacific Reach
    assert table["centre_id"].unique().tolist() == ["leeds", "lisbon", "glasgow", "manila"]


def test_breakdown_by_channel_compares_like_with_like(wh, con, settings, pick):
    for channel, count in (("voice", 3), ("chat", 1)):
        for _ in range(count):
            wh.contact("leeds", "2026-06-02 10:00", channel=channel)
    wh.contact("manila", "2026-06-02 10:00", channel="chat")
    table = metric_table(con, MetricQuery(metrics=("contacts",), breakdown="channel"), settings)
    assert pick(table, "contacts", "leeds", WEEK, "voice")["n"] == 3
    chat = pick(table, "contacts", "manila", WEEK, "chat")
    assert (chat["n"], chat["baseline_value"]) == (1, 1.0)  # leeds chat only
    assert sorted(set(table["breakdown_value"])) == ["chat", "voice"]


def test_the_judgement_follows_each_metric_direction(csat, con, strict, pick):
    # complaints, lower is better: Leeds 4/40 = 10 %, Manila 20/40 = 50 %; pooled 24/80 =
    # 0.3, se = sqrt(0.3 * 0.7 * 2/40) = 0.1025, z = 0.4 / 0.1025 = 3.90 -> p < 0.001
    for centre, complaints in (("leeds", 4), ("manila", 20)):
        for index in range(40):
            csat.contact(centre, "2026-06-02 10:00", complaint=index < complaints)
    table = metric_table(
        con, MetricQuery(metrics=("csat_pct", "complaint_pct", "contacts")), strict
    )
    # CSAT, higher is better: Manila 50 % v 80 % is significantly worse
    assert pick(table, "csat_pct", "manila", WEEK)["judgement"] == "worse"
    # a higher complaint share is worse too, though its gap (+40) is positive
    complaints = pick(table, "complaint_pct", "manila", WEEK)
    assert (complaints["gap"], complaints["judgement"]) == (pytest.approx(40.0), "worse")
    # not judged: below min_sample, the baseline itself, a count with no direction
    assert pd.isna(pick(table, "csat_pct", "glasgow", WEEK)["judgement"])
    assert pd.isna(pick(table, "csat_pct", "leeds", WEEK)["judgement"])
    assert pd.isna(pick(table, "contacts", "manila", WEEK)["judgement"])
    # with Manila as the baseline, Leeds' 80 % is significantly better
    against_manila = metric_table(con, MetricQuery(metrics=CSAT, baseline="manila"), strict)
    assert pick(against_manila, "csat_pct", "leeds", WEEK)["judgement"] == "better"

"""QA score, pass rate, critical fails, section means, evaluator organisation."""

from __future__ import annotations

import pytest

from pipelines.metrics import MetricQuery, metric_table

WEEK = "2026-06-01"


@pytest.fixture
def evaluations(wh):
    day = "2026-06-03 12:00"
    wh.qa("leeds", day, 90, sections={"accuracy": 80, "empathy": 70})
    wh.qa("leeds", day, 85, critical=True, sections={"accuracy": 90})  # high, but critical
    wh.qa("leeds", day, 70)
    wh.qa("leeds", day, 80)  # exactly the pass mark: passes
    wh.qa("leeds", day, 50, org="client")
    return wh


def test_qa_metrics_of_the_own_team(evaluations, con, settings, pick):
    table = metric_table(con, MetricQuery(qa_evaluator_org="own"), settings)
    assert pick(table, "qa_score", "leeds", WEEK)["value"] == pytest.approx(81.25)  # 325/4
    assert pick(table, "qa_pass_pct", "leeds", WEEK)["value"] == 50.0  # 90 and 80
    assert pick(table, "qa_critical_fail_pct", "leeds", WEEK)["value"] == 25.0
    accuracy = pick(table, "qa_section_accuracy", "leeds", WEEK)
    assert (accuracy["value"], accuracy["n"]) == (85.0, 2)  # (80 + 90) / 2
    empathy = pick(table, "qa_section_empathy", "leeds", WEEK)
    assert (empathy["value"], empathy["n"]) == (70.0, 1)
    assert pick(table, "qa_section_brand", "leeds", WEEK)["n"] == 0


def test_evaluator_org_filter(evaluations, con, settings, pick):
    client = metric_table(con, MetricQuery(qa_evaluator_org="client"), settings)
    assert pick(client, "qa_score", "leeds", WEEK)[["value", "n"]].tolist() == [50, 1]
    everyone = metric_table(con, MetricQuery(), settings)
    assert pick(everyone, "qa_score", "leeds", WEEK)["value"] == 75.0  # 375 / 5


def test_pass_mark_setting(evaluations, con, settings, pick):
    strict = settings.with_overrides(qa_pass_mark=90)
    table = metric_table(con, MetricQuery(qa_evaluator_org="own"), strict)
    assert pick(table, "qa_pass_pct", "leeds", WEEK)["value"] == 25.0  # only the 90

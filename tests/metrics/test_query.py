"""MetricQuery validation and the catalogue's shape."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.metrics import CATALOGUE, MetricQuery


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"grain": "day"}, "grain must be one of week, month, range"),
        ({"group_by": "country"}, "group_by must be one of"),
        ({"breakdown": "queue"}, "breakdown must be one of"),
        ({"qa_evaluator_org": "vendor"}, "qa_evaluator_org must be one of"),
        ({"start": "2026-06-01"}, "start must be a datetime.date"),
        ({"start": dt.date(2026, 6, 2), "end": dt.date(2026, 6, 1)}, "is after end"),
        ({"centres": "leeds"}, "centres must be a tuple of strings"),
        ({"metrics": ("csat",)}, "Unknown metric id"),
    ],
)
def test_invalid_queries_say_what_is_wrong(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MetricQuery(**kwargs)


def test_metric_ids_come_back_in_catalogue_order():
    assert MetricQuery(metrics=("aht_s", "csat_pct")).metric_ids == ("csat_pct", "aht_s")
    assert MetricQuery().metric_ids == tuple(CATALOGUE)
    assert MetricQuery(centres=["leeds"]).centres == ("leeds",)  # lists become tuples


def test_catalogue_order_and_families():
    assert list(CATALOGUE)[:9] == [
        "csat_pct",
        "csat_mean",
        "delight_pct",
        "nps",
        "fcr_survey_pct",
        "fcr_repeat_pct",
        "complaint_pct",
        "response_rate_pct",
        "csat_pct_adjusted",
    ]
    families = [metric.family for metric in CATALOGUE.values()]
    # the agents' experience beside the customer metrics, before quality (staff first)
    order = ["customer", "people", "quality", "operations"]
    assert families == sorted(families, key=order.index)
    assert [m for m in CATALOGUE if CATALOGUE[m].family == "people"] == [
        "headcount",
        "attrition_pct",
        "tenure_median_days",
        "new_hire_contact_pct",
        "enps",
    ]
    assert CATALOGUE["contacts"].direction is None

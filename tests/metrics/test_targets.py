"""Targets YAML: scope precedence, tolerance defaults, statuses, errors."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pipelines.metrics import MetricQuery, load_targets, metric_table
from pipelines.metrics.targets import Target

REPO = Path(__file__).resolve().parents[2]

TARGETS = """
targets:
  - {metric: csat_pct, target: 80, direction: higher}
  - {metric: csat_pct, vendor: Pacific Reach BPO, target: 75}
  - {metric: csat_pct, centre: manila, target: 70}
  - {metric: aht_s, target: 400, direction: lower}
  - {metric: complaint_pct, target: 2, direction: lower, tolerance: 0.5}
"""


@pytest.fixture
def targets(tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS, encoding="utf-8")
    return load_targets(path)


def test_most_specific_target_wins(targets):
    assert targets.lookup("csat_pct", centre="manila", vendor="Pacific Reach BPO").value == 70
    assert targets.lookup("csat_pct", centre="other", vendor="Pacific Reach BPO").value == 75
    assert targets.lookup("csat_pct", centre="glasgow", vendor="Claremont Contact").value == 80
    assert targets.lookup("nps", centre="leeds") is None


def test_default_tolerances(targets):
    assert targets.lookup("csat_pct").tolerance == 2.0  # points
    assert targets.lookup("aht_s").tolerance == 20.0  # 5 % of 400 s
    assert targets.lookup("complaint_pct").tolerance == 0.5  # given


@pytest.mark.parametrize(
    ("value", "status"), [(70.0, "met"), (71.0, "met"), (68.0, "near"), (67.9, "missed")]
)
def test_status_higher_is_better(value, status):
    assert Target("csat_pct", 70, "higher", 2).status(value, n=50) == status


@pytest.mark.parametrize(
    ("value", "status"), [(400.0, "met"), (380.0, "met"), (420.0, "near"), (420.5, "missed")]
)
def test_status_lower_is_better(value, status):
    assert Target("aht_s", 400, "lower", 20).status(value, n=50) == status


def test_status_without_data():
    assert Target("aht_s", 400, "lower", 20).status(None, n=0) == "no data"


def test_statuses_in_the_table(wh, con, settings, targets, pick):
    for raw in (5,) * 69 + (1,) * 31:  # manila 69 % against its own 70: near
        wh.survey("manila", "2026-06-02 10:00", csat_raw=raw)
    for raw in (5,) * 81 + (1,) * 19:  # glasgow 81 % against the all-centres 80: met
        wh.survey("glasgow", "2026-06-02 10:00", csat_raw=raw)
    for raw in (5,) * 70 + (1,) * 30:  # leeds 70 % against 80: missed
        wh.survey("leeds", "2026-06-02 10:00", csat_raw=raw)
    table = metric_table(con, MetricQuery(metrics=("csat_pct", "nps")), settings, targets)
    assert pick(table, "csat_pct", "manila", "2026-06-01")[["target", "status"]].tolist() == [
        70.0,
        "near",
    ]
    assert pick(table, "csat_pct", "glasgow", "2026-06-01")["status"] == "met"
    assert pick(table, "csat_pct", "leeds", "2026-06-01")["status"] == "missed"
    lisbon = pick(table, "csat_pct", "lisbon", "2026-06-01")
    assert (lisbon["target"], lisbon["status"]) == (80.0, "no data")
    nps = pick(table, "nps", "leeds", "2026-06-01")  # no target and no NPS answers
    assert math.isnan(nps["target"]) and nps["status"] == "no data"

    by_vendor = metric_table(
        con, MetricQuery(metrics=("csat_pct",), group_by="vendor"), settings, targets
    )
    assert pick(by_vendor, "csat_pct", "Pacific Reach BPO")["target"] == 75.0
    assert pick(by_vendor, "csat_pct", "in_house")["target"] == 80.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("targets:\n  - {metric: csat, target: 80}\n", "entry 1: unknown metric 'csat'"),
        ("targets:\n  - {metric: csat_pct}\n", "entry 1: 'target' is required"),
        ("targets:\n  - {metric: csat_pct, target: high}\n", "'target' must be a number"),
        ("targets:\n  - {metric: csat_pct, target: 8, direction: up}\n", "direction must be"),
        ("targets:\n  - {metric: csat_pct, target: 8, centre: a, vendor: b}\n", "not both"),
        ("targets:\n  - {metric: csat_pct, target: 8, scope: all}\n", "unknown key"),
        (
            "targets:\n  - {metric: csat_pct, target: 8}\n  - {metric: csat_pct, target: 9}\n",
            "two targets for csat_pct",
        ),
        ("targets: [\n", "not valid YAML"),
    ],
)
def test_errors_name_the_file_and_entry(tmp_path, text, message):
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as raised:
        load_targets(path)
    assert str(path) in str(raised.value)


def test_the_sample_targets_file_loads_and_covers_the_sample_vendors():
    targets = load_targets(REPO / "sample_data" / "config" / "targets.yaml")
    assert targets.lookup("csat_pct", centre="leeds").value == 82
    assert targets.lookup("csat_pct", centre="manila", vendor="Pacific Reach BPO").value == 78
    vendors = {entry.vendor for entry in targets.entries if entry.vendor}
    assert vendors == {"Claremont Contact", "Atlântico Serviços", "Pacific Reach BPO"}


def test_missing_file_means_no_targets(tmp_path):
    assert load_targets(tmp_path / "absent.yaml").entries == ()

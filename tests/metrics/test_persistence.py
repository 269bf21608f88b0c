"""Persistence and direction of gaps: consecutive significant weeks and the trend test."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from pipelines.metrics.long_table import judgement
from pipelines.metrics.persistence import describe, gap_persistence
from pipelines.settings import MetricSettings

MONDAY = dt.date(2026, 9, 7)


def _weeks(
    metric: str, gaps: list[float], se: float, significant: list[bool], centre: str = "manila"
) -> pd.DataFrame:
    weeks = pd.DataFrame(
        {
            "period_start": [MONDAY + dt.timedelta(weeks=i) for i in range(len(gaps))],
            "centre_id": centre,
            "metric": metric,
            "gap": gaps,
            "gap_se": se,
            "significant": significant,
        }
    )
    # as the long table has it (its judgement is tested in test_comparison.py)
    return weeks.assign(judgement=judgement(weeks["significant"], weeks["gap"], weeks["metric"]))


def _one(frame: pd.DataFrame) -> pd.Series:
    (row,) = gap_persistence(frame, MetricSettings()).itertuples(index=False)
    return pd.Series(row._asdict())


def test_a_widening_shortfall_on_a_higher_is_better_metric():
    row = _one(
        _weeks("csat_pct", [-2, -8, -9, -10, -12, -14], 1.0, [False, True, True, True, True, True])
    )
    assert (row["weeks_behind"], row["at_least"]) == (5, False)
    # shortfall 2, 8, 9, 10, 12, 14 over t = 0..5, equal weights: slope = 36.5 / 17.5
    assert row["slope_per_week"] == pytest.approx(36.5 / 17.5)
    # se of the slope = 1 / sqrt(17.5) (se 1 each): z = 8.73, far past 1.96
    assert row["trend"] == "widening"
    assert (
        describe(row["weeks_behind"], row["at_least"], row["trend"])
        == "behind for 5 weeks, widening"
    )


def test_a_narrowing_gap_on_a_lower_is_better_metric_from_the_first_week():
    row = _one(_weeks("complaint_pct", [10, 8, 6, 5], 0.5, [True] * 4))
    # shortfall = gap for lower-is-better: 10, 8, 6, 5; slope = -8.5 / 5 = -1.7
    assert row["slope_per_week"] == pytest.approx(-1.7)
    # weights 1 / 0.25 = 4: se = 1 / sqrt(4 * 5) = 0.224, z = 7.6
    assert row["trend"] == "narrowing"
    # the streak reaches the table's first week: it may have begun earlier
    assert (row["weeks_behind"], row["at_least"]) == (4, True)
    assert describe(4, True, "narrowing") == "behind for at least 4 weeks, narrowing"


def test_noise_is_steady_and_too_few_weeks_have_no_trend():
    steady = _one(_weeks("nps", [-5, -6, -5, -6], 3.0, [True] * 4))
    # slope = 1.0 / 5 = 0.2; se = 1 / sqrt(5 / 9) = 1.342: z = 0.15, p = 0.88
    assert steady["slope_per_week"] == pytest.approx(0.2)
    assert steady["trend_p"] == pytest.approx(0.8815, abs=1e-3)
    assert steady["trend"] == "steady"
    short = _one(_weeks("nps", [-5, -6, -7], 3.0, [True] * 3))
    assert short["trend"] is None and math.isnan(short["slope_per_week"])


def test_a_streak_ends_at_the_last_week_and_better_gaps_do_not_count():
    # significant but better (positive CSAT gap) in the last week: not behind
    assert _one(_weeks("csat_pct", [-9, -9, 4], 1.0, [True, True, True]))["weeks_behind"] == 0
    # the last week not significant: no streak, whatever came before
    assert _one(_weeks("csat_pct", [-9, -9, -1], 1.0, [True, True, False]))["weeks_behind"] == 0
    # a week without data (no gap, no se) breaks the streak and is left out of the trend
    frame = _weeks("csat_pct", [-9, float("nan"), -9, -9], 1.0, [True, False, True, True])
    frame.loc[1, "gap_se"] = float("nan")
    assert _one(frame)["weeks_behind"] == 2


def test_metrics_without_a_better_direction_are_never_behind():
    row = _one(_weeks("contacts", [100, 200, 300, 400], 1.0, [True] * 4))
    assert row["weeks_behind"] == 0 and row["trend"] is None


def test_groups_and_metrics_are_kept_apart():
    frame = pd.concat(
        [
            _weeks("csat_pct", [-9, -9], 1.0, [True, True], "manila"),
            _weeks("csat_pct", [-9, 1], 1.0, [True, False], "lisbon"),
        ]
    )
    table = gap_persistence(frame, MetricSettings()).set_index("centre_id")
    assert table.loc["manila", "weeks_behind"] == 2
    assert table.loc["lisbon", "weeks_behind"] == 0

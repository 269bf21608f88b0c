"""How long a gap has been significant, and whether it is narrowing or widening.

From a weekly long table (one row per week, group and metric) ending with the week of
interest. Definitions (docs/METRIC_LAYER.md, "Persistence and direction"):

- ``weeks_behind``: consecutive weeks, ending with the last week, in which the group is
  significantly worse than the baseline (0 when the last week is not). ``at_least`` is
  true when the streak reaches the table's first week: it may be longer.
- ``trend``: a weighted least-squares slope of the *shortfall* (the gap oriented so that
  positive is worse: ``-gap`` for higher-is-better metrics, ``gap`` for lower-is-better)
  on the week number, over the last ``TREND_WEEKS`` weeks that have a gap and a
  ``gap_se``; each week weighs ``1 / gap_se²``. The slope's standard error is
  ``1 / sqrt(sum w (t - t̄)²)``; a two-sided z-test at the settings' confidence. With at
  least ``MIN_TREND_WEEKS`` such weeks: ``widening`` (slope > 0, significant),
  ``narrowing`` (slope < 0, significant) or ``steady``; else ``None`` (too few weeks).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from pipelines.metrics.long_table import shortfall
from pipelines.settings import MetricSettings

TREND_WEEKS = 8
MIN_TREND_WEEKS = 4
PERSISTENCE_COLUMNS = [
    "centre_id",
    "metric",
    "weeks_behind",
    "at_least",
    "trend",
    "slope_per_week",
    "trend_p",
]


def _worse(rows: pd.DataFrame) -> pd.Series:
    return rows["judgement"].eq("worse")


def _streak(worse: list[bool]) -> int:
    count = 0
    for flag in reversed(worse):
        if not flag:
            break
        count += 1
    return count


def _trend(weeks: pd.DataFrame, settings: MetricSettings) -> tuple[str | None, float, float]:
    usable = weeks[weeks["gap_se"].gt(0) & weeks["shortfall"].notna()].tail(TREND_WEEKS)
    if len(usable) < MIN_TREND_WEEKS:
        return None, math.nan, math.nan
    t = (usable["period_start"] - usable["period_start"].iloc[0]).dt.days.to_numpy() / 7
    y = usable["shortfall"].to_numpy(float)
    w = 1 / usable["gap_se"].to_numpy(float) ** 2
    t_bar, y_bar = np.average(t, weights=w), np.average(y, weights=w)
    spread = np.sum(w * (t - t_bar) ** 2)
    slope = np.sum(w * (t - t_bar) * (y - y_bar)) / spread
    p_value = 2 * stats.norm.sf(abs(slope) * math.sqrt(spread))
    if p_value >= 1 - settings.confidence:
        return "steady", slope, p_value
    return ("widening" if slope > 0 else "narrowing"), slope, p_value


def gap_persistence(weekly: pd.DataFrame, settings: MetricSettings) -> pd.DataFrame:
    """One row per group and metric of a weekly long table (no breakdown)."""
    if weekly.empty:
        return pd.DataFrame(columns=PERSISTENCE_COLUMNS)
    rows = weekly.assign(period_start=pd.to_datetime(weekly["period_start"]))
    rows = rows.sort_values("period_start", kind="stable")
    rows = rows.assign(worse=_worse(rows), shortfall=shortfall(rows["gap"], rows["metric"]))
    first_week = rows["period_start"].min()
    records = []
    for (centre_id, metric), weeks in rows.groupby(["centre_id", "metric"], sort=False):
        streak = _streak(weeks["worse"].tolist())
        trend, slope, p_value = _trend(weeks, settings)
        starts_at = weeks["period_start"].iloc[len(weeks) - streak] if streak else None
        records.append(
            (
                centre_id,
                metric,
                streak,
                bool(streak) and starts_at == first_week,
                trend,
                slope,
                p_value,
            )
        )
    return pd.DataFrame(records, columns=PERSISTENCE_COLUMNS)


def describe(weeks_behind: int, at_least: bool, trend: str | None) -> str:
    """'behind for 6 weeks, widening' — the words the pages show beside a flagged gap."""
    if not weeks_behind:
        return ""
    count = f"{'at least ' if at_least else ''}{weeks_behind} week" + (
        "s" if weeks_behind > 1 else ""
    )
    words = f"behind for {count}"
    if trend in ("widening", "narrowing"):
        words += f", {trend}"
    elif trend == "steady":
        words += ", no clear trend"
    return words

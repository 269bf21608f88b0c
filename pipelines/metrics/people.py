"""The agent-experience metrics that are not plain sums (METRICS.md, "Agent experience").

``attrition_pct`` is a rate: leavers / mean headcount (of the period's first and last
day), annualised x 365 / days x 100. Its statistics pool by summing (leavers, the two
headcounts), so a vendor's attrition pools its centres' leavers and headcounts. Its
interval treats the leavers as a Poisson count over that exposure: the exact (Garwood)
interval of the count, scaled like the value; its test against the baseline is the
z-test on the difference of the two rates with ``se = factor * sqrt(leavers)``.

``tenure_median_days`` is a median: it is taken from the pooled distribution of the
group's agents' tenures (``sql/roster_tenure.sql``), never from the centres' medians. A
median has no interval and no test here (its gap is the plain difference).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from scipy import stats

DAYS_PER_YEAR = 365


def period_days(
    period_start: pd.Series, period_end: pd.Series, start: dt.date, end: dt.date
) -> np.ndarray:
    """Days of each period inside [start, end] (a mid-week start shortens the first)."""
    first = [max(day, start) for day in period_start]
    last = [min(day, end) for day in period_end]
    return np.array([(b - a).days + 1 for a, b in zip(first, last, strict=True)], dtype=float)


def attrition(
    leavers: np.ndarray,
    headcount_ends: np.ndarray,
    agents: np.ndarray,
    days: np.ndarray,
    confidence: float,
) -> dict[str, np.ndarray]:
    """Value, Poisson interval and se of the annualised attrition rate (%). ``headcount_ends``
    is headcount on the first day + on the last day; ``agents`` (n) those employed at some
    time in the period. NaN without agents or with both headcounts 0."""
    leavers, headcount_ends = np.asarray(leavers, float), np.asarray(headcount_ends, float)
    defined = (np.asarray(agents, float) > 0) & (headcount_ends > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(
            defined, DAYS_PER_YEAR / np.asarray(days, float) * 100 / (headcount_ends / 2), np.nan
        )
    alpha = 1 - confidence
    low_count = np.where(leavers > 0, stats.chi2.ppf(alpha / 2, 2 * leavers) / 2, 0.0)
    high_count = stats.chi2.ppf(1 - alpha / 2, 2 * (leavers + 1)) / 2
    return {
        "value": factor * leavers,
        "ci_low": factor * low_count,
        "ci_high": factor * high_count,
        "se": factor * np.sqrt(leavers),
    }


def weighted_medians(distribution: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The median ``tenure_days`` per key, each row counting ``agents`` times (the mean
    of the two middle values when the count is even)."""
    if distribution.empty:
        return pd.DataFrame(columns=[*keys, "median"])
    ordered = distribution.sort_values([*keys, "tenure_days"], kind="stable")
    grouped = ordered.groupby(keys, sort=False)
    total = grouped["agents"].transform("sum")
    before = grouped["agents"].cumsum() - ordered["agents"]  # agents with a shorter tenure
    after = before + ordered["agents"]
    # the lower and upper middle positions (1-based): equal when the count is odd
    lower, upper = np.floor((total + 1) / 2), np.ceil((total + 1) / 2)
    ordered = ordered.assign(
        lower=np.where((before < lower) & (lower <= after), ordered["tenure_days"], np.nan),
        upper=np.where((before < upper) & (upper <= after), ordered["tenure_days"], np.nan),
    )
    middle = ordered.groupby(keys, sort=False)[["lower", "upper"]].max().reset_index()
    middle["median"] = (middle["lower"] + middle["upper"]) / 2
    return middle[[*keys, "median"]]

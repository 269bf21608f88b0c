"""Intervals and significance tests of METRICS.md, vectorised over numpy arrays.

Every function takes sufficient statistics (counts, sums) so the same numbers serve a
centre, a pooled group and the baseline. Undefined results (n = 0, n = 1 for a mean,
zero variance on both sides) come back as NaN, which the long table shows as NULL.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

Array = np.ndarray


def z_value(confidence: float) -> float:
    """The two-sided normal quantile: 1.959964 for 95 %."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return float(stats.norm.ppf(1 - (1 - confidence) / 2))


def _safe_divide(numerator: Array, denominator: Array) -> Array:
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan
        )


def wilson_interval(successes: Array, n: Array, z: float) -> tuple[Array, Array]:
    """Wilson score interval for x successes out of n, as proportions (0-1)."""
    n = np.asarray(n, dtype=float)
    p = _safe_divide(successes, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z / denominator * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def mean_and_sd(total: Array, total_sq: Array, n: Array) -> tuple[Array, Array]:
    """Mean and sample standard deviation (ddof 1) from sum, sum of squares and n."""
    n = np.asarray(n, dtype=float)
    mean = _safe_divide(total, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = (np.asarray(total_sq, dtype=float) - n * mean**2) / (n - 1)
    variance = np.where(n >= 2, np.maximum(variance, 0.0), np.nan)  # rounding below 0
    return mean, np.sqrt(variance)


def mean_interval(mean: Array, sd: Array, n: Array, z: float) -> tuple[Array, Array]:
    """mean +- z * sd / sqrt(n)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = z * sd / np.sqrt(n)
    return mean - half, mean + half


def nps_value_and_se(promoters: Array, detractors: Array, n: Array) -> tuple[Array, Array]:
    """NPS and its standard error 100 * sqrt((p + d - (p - d)^2) / n)."""
    p = _safe_divide(promoters, n)
    d = _safe_divide(detractors, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = 100 * np.sqrt((p + d - (p - d) ** 2) / np.asarray(n, dtype=float))
    return 100 * (p - d), se


def _two_sided_p(z_statistic: Array) -> Array:
    return 2 * stats.norm.sf(np.abs(z_statistic))


def two_proportion_p(x1: Array, n1: Array, x2: Array, n2: Array) -> Array:
    """Pooled two-proportion z-test, two-sided p-value.

    When the pooled proportion is 0 or 1 both sides are identical (all or none), so
    there is no evidence of a difference: p = 1.
    """
    n1 = np.asarray(n1, dtype=float)
    n2 = np.asarray(n2, dtype=float)
    p1 = _safe_divide(x1, n1)
    p2 = _safe_divide(x2, n2)
    pooled = _safe_divide(np.asarray(x1, float) + np.asarray(x2, float), n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z_statistic = (p1 - p2) / se
    p_value = _two_sided_p(z_statistic)
    degenerate = (n1 > 0) & (n2 > 0) & (se == 0)
    return np.where(degenerate, 1.0, np.where((n1 > 0) & (n2 > 0), p_value, np.nan))


def welch_p(mean1: Array, sd1: Array, n1: Array, mean2: Array, sd2: Array, n2: Array) -> Array:
    """Welch's unequal-variance t-test, two-sided p-value (NaN when undefined)."""
    n1 = np.asarray(n1, dtype=float)
    n2 = np.asarray(n2, dtype=float)
    defined = (n1 >= 2) & (n2 >= 2) & ((np.nan_to_num(sd1) > 0) | (np.nan_to_num(sd2) > 0))
    if not defined.any():
        return np.full(np.shape(n1), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = stats.ttest_ind_from_stats(
            np.where(defined, mean1, 0.0),
            np.where(defined, sd1, 1.0),
            np.where(defined, n1, 2),
            np.where(defined, mean2, 0.0),
            np.where(defined, sd2, 1.0),
            np.where(defined, n2, 2),
            equal_var=False,
        )
    return np.where(defined, result.pvalue, np.nan)


def difference_z_p(value1: Array, se1: Array, value2: Array, se2: Array) -> Array:
    """z-test on the difference of two independent estimates (NPS, adjusted CSAT)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(np.asarray(se1, float) ** 2 + np.asarray(se2, float) ** 2)
        z_statistic = (np.asarray(value1, float) - np.asarray(value2, float)) / se
    p_value = _two_sided_p(z_statistic)
    same = (se == 0) & (np.asarray(value1, float) == np.asarray(value2, float))
    return np.where(same, 1.0, np.where(se > 0, p_value, np.nan))


def t_value(confidence: float, n: Array) -> Array:
    """The two-sided Student t quantile with n - 1 degrees of freedom (NaN for n < 2)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore"):
        quantile = stats.t.ppf(1 - (1 - confidence) / 2, np.where(n >= 2, n - 1, 1))
    return np.where(n >= 2, quantile, np.nan)


def paired_t_p(mean: Array, sd: Array, n: Array) -> Array:
    """Paired t-test of mean difference 0, two-sided (NaN for n < 2). Differences that
    are all equal: p = 1 when they are all 0, else 0 (no spread, a certain difference)."""
    mean = np.asarray(mean, dtype=float)
    sd = np.asarray(sd, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_statistic = mean / (sd / np.sqrt(n))
        p_value = 2 * stats.t.sf(np.abs(t_statistic), np.where(n >= 2, n - 1, 1))
    no_spread = np.where(mean == 0, 1.0, 0.0)
    return np.where(n >= 2, np.where(sd > 0, p_value, no_spread), np.nan)


def cohen_kappa(agree: Array, own_pass: Array, client_pass: Array, n: Array) -> tuple[Array, Array]:
    """Cohen's kappa of two pass/fail raters and its large-sample standard error
    sqrt(po * (1 - po) / (n * (1 - pe)^2)); NaN when chance agreement pe is 1 (both
    raters gave one and the same verdict throughout: kappa is undefined)."""
    po = _safe_divide(agree, n)
    p_own = _safe_divide(own_pass, n)
    p_client = _safe_divide(client_pass, n)
    pe = p_own * p_client + (1 - p_own) * (1 - p_client)
    defined = np.asarray(n, dtype=float) > 0
    defined &= np.nan_to_num(pe, nan=1.0) < 1
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (po - pe) / (1 - pe)
        se = np.sqrt(po * (1 - po) / (np.asarray(n, dtype=float) * (1 - pe) ** 2))
    return np.where(defined, kappa, np.nan), np.where(defined, se, np.nan)

"""Intervals and tests against hand-worked numbers and scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from pipelines.metrics import stats as metric_stats

Z95 = 1.959963984540054


def test_z_from_confidence():
    assert metric_stats.z_value(0.95) == pytest.approx(Z95)
    assert metric_stats.z_value(0.90) == pytest.approx(1.644854, abs=1e-6)
    with pytest.raises(ValueError):
        metric_stats.z_value(95)


def test_wilson_interval_for_8_of_10():
    # p = 0.8, z^2/n = 0.38415: centre = (0.8 + 0.19207)/1.38415 = 0.71674,
    # half = 1.95996/1.38415 * sqrt(0.016 + 0.0096037) = 0.22658 -> (0.4902, 0.9433)
    low, high = metric_stats.wilson_interval(np.array([8]), np.array([10]), Z95)
    assert low[0] == pytest.approx(0.4902, abs=1e-4)
    assert high[0] == pytest.approx(0.9433, abs=1e-4)


def test_wilson_interval_at_zero_successes_stays_inside_0_1():
    low, high = metric_stats.wilson_interval(np.array([0]), np.array([10]), Z95)
    # upper = z^2/n / (1 + z^2/n) = 0.38415 / 1.38415 = 0.27753
    assert low[0] == pytest.approx(0.0)
    assert high[0] == pytest.approx(0.27753, abs=1e-5)


def test_mean_interval_from_sums():
    values = np.array([150.0, 250.0, 300.0, 120.0])
    mean, sd = metric_stats.mean_and_sd(values.sum(), (values**2).sum(), len(values))
    assert mean == pytest.approx(205.0)
    assert sd == pytest.approx(math.sqrt(21300 / 3))  # squared deviations 3025+2025+9025+7225
    low, high = metric_stats.mean_interval(mean, sd, 4, Z95)
    assert (low, high) == pytest.approx((205 - Z95 * sd / 2, 205 + Z95 * sd / 2))


def test_mean_of_one_value_has_no_interval():
    mean, sd = metric_stats.mean_and_sd(np.array([7.0]), np.array([49.0]), np.array([1]))
    assert mean[0] == 7.0
    assert np.isnan(sd[0])


def test_two_proportion_z_test_pooled():
    # 30/50 v 20/50: pooled 0.5, se = sqrt(0.25 * 0.04) = 0.1, z = 2 -> p = 0.0455
    p = metric_stats.two_proportion_p(
        np.array([30]), np.array([50]), np.array([20]), np.array([50])
    )
    assert p[0] == pytest.approx(2 * stats.norm.sf(2.0))
    assert p[0] == pytest.approx(0.0455003, abs=1e-6)


def test_two_proportion_identical_extremes_are_not_different():
    p = metric_stats.two_proportion_p(np.array([10]), np.array([10]), np.array([5]), np.array([5]))
    assert p[0] == 1.0


def test_welch_matches_scipy_on_raw_data():
    a = np.array([150.0, 250.0, 300.0, 120.0, 210.0])
    b = np.array([100.0, 90.0, 140.0, 95.0])
    mean_a, sd_a = metric_stats.mean_and_sd(a.sum(), (a**2).sum(), len(a))
    mean_b, sd_b = metric_stats.mean_and_sd(b.sum(), (b**2).sum(), len(b))
    p = metric_stats.welch_p(
        np.array([mean_a]),
        np.array([sd_a]),
        np.array([5]),
        np.array([mean_b]),
        np.array([sd_b]),
        np.array([4]),
    )
    assert p[0] == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue)


def test_nps_difference_z_test():
    # A: 6 promoters, 2 detractors of 10 -> 40, se = 100*sqrt((0.8 - 0.16)/10) = 25.298
    # B: 2 promoters, 6 detractors of 10 -> -40, same se; z = 80 / sqrt(2 * 640) = 2.2361
    value_a, se_a = metric_stats.nps_value_and_se(np.array([6]), np.array([2]), np.array([10]))
    value_b, se_b = metric_stats.nps_value_and_se(np.array([2]), np.array([6]), np.array([10]))
    assert (value_a[0], value_b[0]) == pytest.approx((40.0, -40.0))
    assert se_a[0] == pytest.approx(25.298, abs=1e-3)
    p = metric_stats.difference_z_p(value_a, se_a, value_b, se_b)
    assert p[0] == pytest.approx(2 * stats.norm.sf(80 / math.sqrt(1280)))
    assert p[0] == pytest.approx(0.02535, abs=1e-5)

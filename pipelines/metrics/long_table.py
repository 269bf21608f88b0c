"""The long metric table: one row per period, group, breakdown value and metric.

Pipeline: SQL sufficient statistics per centre (sufficient_stats) -> pooled per shown
group and for the baseline -> a full spine of periods x groups x breakdown values x
metrics (empty periods stay, n = 0) -> values, intervals, gaps and tests (stats) ->
mix-adjusted CSAT (mix) -> targets and flags.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics import stats as metric_stats
from pipelines.metrics.catalogue import CATALOGUE, SELF_TESTED
from pipelines.metrics.groups import (
    Group,
    baseline_centres,
    centre_groups,
    membership,
    shown_groups,
)
from pipelines.metrics.mix import adjusted_csat
from pipelines.metrics.people import attrition, period_days, weighted_medians
from pipelines.metrics.periods import data_range, period_spine, provisional_periods
from pipelines.metrics.query import MetricQuery
from pipelines.metrics.sufficient_stats import (
    NO_BREAKDOWN,
    STAT_COLUMNS,
    centre_statistics,
    check_timezone,
    tenure_distribution,
)
from pipelines.metrics.summaries import SummaryInfo, summary_info
from pipelines.metrics.targets import STATUS_NO_DATA, Targets
from pipelines.settings import MetricSettings

LONG_COLUMNS = [
    "period_start",
    "period_end",
    "group_by",
    "centre_id",
    "centre_name",
    "sourcing",
    "breakdown_value",
    "metric",
    "unit",
    "value",
    "n",
    "ci_low",
    "ci_high",
    "baseline_value",
    "baseline_n",
    "gap",
    "gap_se",
    "p_value",
    "significant",
    "judgement",
    "insufficient_sample",
    "provisional",
    "target",
    "status",
    "coverage",
    "flag",
]
# the long table's flags (METRICS.md, "Trusting the vendor's own numbers")
OUT_OF_CALIBRATION = "out_of_calibration"
CSAT_LIKELY_FLATTERED = "csat_likely_flattered"
BASELINE_KEY = "\x00baseline"  # never a real group key
CELL = ["period_start", "breakdown_value"]


def resolve_bounds(
    con: duckdb.DuckDBPyConnection,
    query: MetricQuery,
    settings: MetricSettings,
    info: SummaryInfo | None,
) -> tuple[dt.date, dt.date] | None:
    """The query's dates, with the data's first/last date standing in for None."""
    if query.start and query.end:
        return query.start, query.end
    available = data_range(con, settings, info)
    if available is None:
        return None
    start = query.start or available.first_date
    end = query.end or available.last_date
    return (start, end) if start <= end else None


def pool(stats: pd.DataFrame, members: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Sum centre statistics into groups (sums and counts pool exactly)."""
    rows = stats.merge(membership(members), on="centre_id")
    return rows.groupby([*CELL, "metric", "group_key"], dropna=False, as_index=False)[
        STAT_COLUMNS
    ].sum()


def empty_long_table() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in LONG_COLUMNS})


def metric_table(
    con: duckdb.DuckDBPyConnection,
    query: MetricQuery,
    settings: MetricSettings | None = None,
    targets: Targets | None = None,
) -> pd.DataFrame:
    """The long table of METRICS.md for ``query`` (see docs/METRIC_LAYER.md)."""
    settings = settings or MetricSettings()
    targets = targets or Targets()
    check_timezone(con, settings.reporting_timezone)
    metric_ids = query.metric_ids
    centres = centre_groups(con, query.group_by, query.vendor_scope)
    groups = shown_groups(centres, query)
    base_centres = baseline_centres(centres, query)
    info = summary_info(con, settings)
    bounds = resolve_bounds(con, query, settings, info)
    if bounds is None or not groups:
        return empty_long_table()
    start, end = bounds

    centre_stats, csat_by_reason = centre_statistics(
        con, query, settings, start, end, use_summaries=info is not None
    )
    centre_stats = centre_stats[centre_stats["metric"].isin(metric_ids)]
    members = {group.key: group.centre_ids for group in groups}
    group_stats = pool(centre_stats, members)
    baseline_stats = pool(centre_stats, {BASELINE_KEY: base_centres}).drop(columns="group_key")

    spine = period_spine(query.grain, start, end)
    spine["provisional"] = provisional_periods(con, spine, settings, info)
    spine["days"] = period_days(spine["period_start"], spine["period_end"], start, end)
    table = _skeleton(spine, groups, group_stats, query, metric_ids)
    table = table.merge(
        group_stats, on=["period_start", "group_key", "breakdown_value", "metric"], how="left"
    )
    table = table.merge(baseline_stats, on=[*CELL, "metric"], how="left", suffixes=("", "_b"))
    for stat in STAT_COLUMNS:
        table[stat] = table[stat].fillna(0.0)
        table[f"{stat}_b"] = table[f"{stat}_b"].fillna(0.0)

    table = _compute_values(table, settings)
    if "attrition_pct" in metric_ids:
        table = _apply_attrition(table, settings)
    if "tenure_median_days" in metric_ids:
        distribution = tenure_distribution(con, query, start, end)
        table = _apply_medians(table, distribution, members, base_centres)
    if "csat_pct_adjusted" in metric_ids:
        adjusted = adjusted_csat(csat_by_reason, {**members, BASELINE_KEY: base_centres})
        table = _apply_adjusted(table, adjusted, settings)
    table = _compare_with_baseline(table, groups, base_centres, settings)
    table = _apply_targets(table, groups, targets, query)
    table["flag"] = _flags(table, settings)
    return _finish(table, query, groups, metric_ids)


def _skeleton(
    spine: pd.DataFrame,
    groups: list[Group],
    group_stats: pd.DataFrame,
    query: MetricQuery,
    metric_ids: tuple[str, ...],
) -> pd.DataFrame:
    """Every period x shown group x breakdown value x metric, data or not."""
    group_frame = pd.DataFrame(
        {
            "group_key": [g.key for g in groups],
            "centre_name": [g.label for g in groups],
            "sourcing": [g.sourcing for g in groups],
            "group_order": range(len(groups)),
        }
    )
    if query.breakdown is None:
        values: list[object] = [NO_BREAKDOWN]
    else:
        seen = group_stats.loc[group_stats["n"] > 0, "breakdown_value"].dropna().unique()
        values = sorted(seen, key=lambda v: (v == "unknown", str(v)))
    breakdown_frame = pd.DataFrame(
        {"breakdown_value": pd.Series(values, dtype=object), "breakdown_order": range(len(values))}
    )
    metric_frame = pd.DataFrame(
        {"metric": list(metric_ids), "metric_order": range(len(metric_ids))}
    )
    skeleton = (
        spine.merge(group_frame, how="cross")
        .merge(breakdown_frame, how="cross")
        .merge(metric_frame, how="cross")
    )
    skeleton["kind"] = skeleton["metric"].map({m: CATALOGUE[m].kind for m in metric_ids})
    skeleton["unit"] = skeleton["metric"].map({m: CATALOGUE[m].unit for m in metric_ids})
    return skeleton


def _estimate(
    n: np.ndarray,
    x: np.ndarray,
    xx: np.ndarray,
    y: np.ndarray,
    kind: np.ndarray,
    confidence: float,
) -> dict[str, np.ndarray]:
    """Value, interval, and what the tests need (sd for means, se for NPS)."""
    value = np.full(n.shape, np.nan)
    low = np.full(n.shape, np.nan)
    high = np.full(n.shape, np.nan)
    sd = np.full(n.shape, np.nan)
    se = np.full(n.shape, np.nan)
    has = n > 0
    z = metric_stats.z_value(confidence)

    proportion = (kind == "proportion") & has
    value[proportion] = 100 * x[proportion] / n[proportion]
    # Wilson only where x <= n (a response rate can exceed 100 %: no interval then)
    wilson = proportion & (x <= n)
    w_low, w_high = metric_stats.wilson_interval(x[wilson], n[wilson], z)
    low[wilson], high[wilson] = 100 * w_low, 100 * w_high

    mean = (kind == "mean") & has
    m, s = metric_stats.mean_and_sd(x[mean], xx[mean], n[mean])
    value[mean], sd[mean] = m, s
    low[mean], high[mean] = metric_stats.mean_interval(m, s, n[mean], z)

    nps = (kind == "nps") & has
    v, e = metric_stats.nps_value_and_se(x[nps], y[nps], n[nps])
    value[nps], se[nps] = v, e
    low[nps], high[nps] = v - z * e, v + z * e

    count = (kind == "count") & has
    value[count] = n[count]

    # the mean of paired differences, with a t interval (METRICS.md: calibration gap)
    paired = (kind == "paired_mean") & has
    m, s = metric_stats.mean_and_sd(x[paired], xx[paired], n[paired])
    value[paired], sd[paired] = m, s
    half = metric_stats.t_value(confidence, n[paired]) * s / np.sqrt(n[paired])
    low[paired], high[paired] = m - half, m + half

    kappa = (kind == "kappa") & has
    k, e = metric_stats.cohen_kappa(x[kappa], xx[kappa], y[kappa], n[kappa])
    value[kappa], se[kappa] = k, e
    low[kappa], high[kappa] = np.maximum(k - z * e, -1), np.minimum(k + z * e, 1)

    # a sample's share against its whole population's, in points, with a Wald interval
    difference = (kind == "proportion_difference") & has & (y > 0)
    p1, p2 = x[difference] / n[difference], xx[difference] / y[difference]
    d, e = (
        100 * (p1 - p2),
        100 * np.sqrt(p1 * (1 - p1) / n[difference] + p2 * (1 - p2) / y[difference]),
    )
    value[difference], se[difference] = d, e
    low[difference], high[difference] = d - z * e, d + z * e
    return {"value": value, "ci_low": low, "ci_high": high, "sd": sd, "se": se}


def _compute_values(table: pd.DataFrame, settings: MetricSettings) -> pd.DataFrame:
    kind = table["kind"].to_numpy()
    confidence = settings.confidence
    own = _estimate(*(table[c].to_numpy(float) for c in ("n", "x", "xx", "y")), kind, confidence)
    base = _estimate(
        *(table[f"{c}_b"].to_numpy(float) for c in ("n", "x", "xx", "y")), kind, confidence
    )
    for name, values in own.items():
        table[name] = values
    table["baseline_value"] = base["value"]
    table["sd_b"] = base["sd"]
    table["se_b"] = base["se"]
    table["coverage"] = np.nan
    return table


def _apply_attrition(table: pd.DataFrame, settings: MetricSettings) -> pd.DataFrame:
    """Fill attrition_pct rows (a rate, people.py): value, Poisson interval, se; and the
    baseline's value and se (same period, so the same days)."""
    rows = table["kind"].to_numpy() == "rate"
    days = table.loc[rows, "days"].to_numpy(float)
    own = attrition(
        table.loc[rows, "x"].to_numpy(float),
        table.loc[rows, "xx"].to_numpy(float),
        table.loc[rows, "n"].to_numpy(float),
        days,
        settings.confidence,
    )
    base = attrition(
        table.loc[rows, "x_b"].to_numpy(float),
        table.loc[rows, "xx_b"].to_numpy(float),
        table.loc[rows, "n_b"].to_numpy(float),
        days,
        settings.confidence,
    )
    for column in ("value", "ci_low", "ci_high", "se"):
        table.loc[rows, column] = own[column]
    table.loc[rows, "baseline_value"] = base["value"]
    table.loc[rows, "se_b"] = base["se"]
    return table


def _apply_medians(
    table: pd.DataFrame,
    distribution: pd.DataFrame,
    members: dict[str, tuple[str, ...]],
    base_centres: tuple[str, ...],
) -> pd.DataFrame:
    """Fill tenure_median_days rows: the median over each group's (and the baseline's)
    agents, from the pooled tenure distribution; no interval."""
    keys = [*CELL, "group_key"]
    pooled = distribution.merge(membership({**members, BASELINE_KEY: base_centres}), on="centre_id")
    pooled = pooled.groupby([*keys, "tenure_days"], as_index=False)["agents"].sum()
    medians = weighted_medians(pooled, keys)
    rows = table["kind"].to_numpy() == "median"
    own = table.loc[rows, keys].merge(medians, on=keys, how="left")
    base = table.loc[rows, CELL].merge(
        medians[medians["group_key"] == BASELINE_KEY].drop(columns="group_key"),
        on=CELL,
        how="left",
    )
    table.loc[rows, "value"] = own["median"].to_numpy(float)
    table.loc[rows, "baseline_value"] = base["median"].to_numpy(float)
    return table


def _apply_adjusted(
    table: pd.DataFrame, adjusted: pd.DataFrame, settings: MetricSettings
) -> pd.DataFrame:
    """Fill csat_pct_adjusted rows: value, n, interval, se, coverage, baseline."""
    z = metric_stats.z_value(settings.confidence)
    is_adjusted = table["metric"] == "csat_pct_adjusted"
    own = table.loc[is_adjusted, ["period_start", "group_key", "breakdown_value"]].merge(
        adjusted, on=["period_start", "group_key", "breakdown_value"], how="left"
    )
    base = table.loc[is_adjusted, CELL].merge(
        adjusted[adjusted["group_key"] == BASELINE_KEY].drop(columns="group_key"),
        on=CELL,
        how="left",
    )
    table.loc[is_adjusted, "value"] = own["value"].to_numpy(float)
    table.loc[is_adjusted, "n"] = own["n"].fillna(0).to_numpy(float)
    table.loc[is_adjusted, "se"] = own["se"].to_numpy(float)
    table.loc[is_adjusted, "coverage"] = own["coverage"].to_numpy(float)
    low = own["value"].to_numpy(float) - z * own["se"].to_numpy(float)
    high = own["value"].to_numpy(float) + z * own["se"].to_numpy(float)
    table.loc[is_adjusted, "ci_low"] = np.clip(low, 0, 100)
    table.loc[is_adjusted, "ci_high"] = np.clip(high, 0, 100)
    table.loc[is_adjusted, "baseline_value"] = base["value"].to_numpy(float)
    table.loc[is_adjusted, "n_b"] = base["n"].fillna(0).to_numpy(float)
    table.loc[is_adjusted, "se_b"] = base["se"].to_numpy(float)
    return table


def _compare_with_baseline(
    table: pd.DataFrame,
    groups: list[Group],
    base_centres: tuple[str, ...],
    settings: MetricSettings,
) -> pd.DataFrame:
    kind = table["kind"].to_numpy()
    n, n_b = table["n"].to_numpy(float), table["n_b"].to_numpy(float)
    p_value = np.full(len(table), np.nan)

    proportion = kind == "proportion"
    p_value[proportion] = metric_stats.two_proportion_p(
        table["x"].to_numpy(float)[proportion],
        n[proportion],
        table["x_b"].to_numpy(float)[proportion],
        n_b[proportion],
    )
    mean = kind == "mean"
    p_value[mean] = metric_stats.welch_p(
        table["value"].to_numpy(float)[mean],
        table["sd"].to_numpy(float)[mean],
        n[mean],
        table["baseline_value"].to_numpy(float)[mean],
        table["sd_b"].to_numpy(float)[mean],
        n_b[mean],
    )
    by_difference = np.isin(kind, ["nps", "adjusted_proportion", "kappa", "rate"])
    p_value[by_difference] = metric_stats.difference_z_p(
        table["value"].to_numpy(float)[by_difference],
        table["se"].to_numpy(float)[by_difference],
        table["baseline_value"].to_numpy(float)[by_difference],
        table["se_b"].to_numpy(float)[by_difference],
    )

    is_baseline_group = {g.key: set(g.centre_ids) == set(base_centres) for g in groups}
    is_baseline = table["group_key"].map(is_baseline_group).to_numpy(bool)
    table["gap"] = np.where(
        is_baseline & ~np.isnan(table["value"].to_numpy(float)),
        0.0,
        table["value"] - table["baseline_value"],
    )
    table["baseline_n"] = n_b
    table["gap_se"] = np.where(is_baseline, np.nan, _gap_se(table, kind, n, n_b))
    p_value[is_baseline] = np.nan
    # a calibration gap or a response bias is tested against zero, not against the
    # baseline, for every group (the baseline's own included)
    self_tested = np.isin(kind, list(SELF_TESTED))
    p_value[self_tested] = _self_test_p(table[self_tested])
    table["p_value"] = p_value

    min_sample = settings.min_sample
    counted = kind == "count"
    table["insufficient_sample"] = (n < min_sample) & ~counted
    below_alpha = np.nan_to_num(p_value, nan=1.0) < 1 - settings.confidence
    table["significant"] = np.where(
        self_tested,
        below_alpha & (n >= min_sample),
        below_alpha & (n >= min_sample) & (n_b >= min_sample) & ~is_baseline & ~counted,
    )
    table["judgement"] = judgement(table["significant"], table["gap"], table["metric"])
    return table


def _self_test_p(rows: pd.DataFrame) -> np.ndarray:
    """The metric's own test against zero: the paired t-test of the differences, or the
    pooled two-proportion z-test of the sample against its whole population."""
    kind = rows["kind"].to_numpy()
    p_value = np.full(len(rows), np.nan)
    paired = kind == "paired_mean"
    p_value[paired] = metric_stats.paired_t_p(
        rows["value"].to_numpy(float)[paired],
        rows["sd"].to_numpy(float)[paired],
        rows["n"].to_numpy(float)[paired],
    )
    difference = kind == "proportion_difference"
    p_value[difference] = metric_stats.two_proportion_p(
        rows["x"].to_numpy(float)[difference],
        rows["n"].to_numpy(float)[difference],
        rows["xx"].to_numpy(float)[difference],
        rows["y"].to_numpy(float)[difference],
    )
    return p_value


def _flags(table: pd.DataFrame, settings: MetricSettings) -> np.ndarray:
    """Out of calibration: a significant calibration gap (overall or a section's) beyond
    calibration_tolerance_pts. CSAT likely flattered: a significant positive responder
    repeat gap (the surveyed contacts came back less often than all of them)."""
    metric = table["metric"].astype(str)
    value = table["value"].to_numpy(float)
    significant = table["significant"].to_numpy(bool)
    calibration = metric.str.startswith("qa_calibration_gap").to_numpy()
    out_of_calibration = (
        calibration
        & significant
        & (np.abs(np.nan_to_num(value)) > settings.calibration_tolerance_pts)
    )
    flattered = (metric == "responder_repeat_gap").to_numpy() & significant & (value > 0)
    return np.select(
        [out_of_calibration, flattered],
        np.array([OUT_OF_CALIBRATION, CSAT_LIKELY_FLATTERED], dtype=object),
        default=None,
    )


def judgement(significant: pd.Series, gap: pd.Series, metric: pd.Series) -> np.ndarray:
    """'worse' / 'better' than the baseline by the metric's direction, for significant
    gaps only; None otherwise (and for metrics with no better direction)."""
    worse_by = shortfall(gap, metric).to_numpy(float)
    significant = significant.to_numpy(bool)
    return np.select(
        [significant & (worse_by > 0), significant & (worse_by < 0)],
        np.array(["worse", "better"], dtype=object),
        default=None,
    )


def shortfall(gap: pd.Series, metric: pd.Series) -> pd.Series:
    """The gap oriented so that positive means worse than the baseline (NaN when the
    metric has no better direction)."""
    sign = metric.map(lambda m: {"higher": -1.0, "lower": 1.0}.get(CATALOGUE[m].direction, np.nan))
    # as floats: a table with no rows can carry the gap column as (empty) text
    return pd.Series(gap.to_numpy(float) * sign.to_numpy(float), index=gap.index)


def _gap_se(table: pd.DataFrame, kind: np.ndarray, n: np.ndarray, n_b: np.ndarray) -> np.ndarray:
    """Unpooled standard error of value - baseline_value, in the metric's unit: what a
    trend over several periods' gaps weighs them by (pipelines/metrics/persistence.py)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = table["value"].to_numpy(float) / 100
        p_b = table["baseline_value"].to_numpy(float) / 100
        proportion = 100 * np.sqrt(p * (1 - p) / n + p_b * (1 - p_b) / n_b)
        mean = np.sqrt(
            table["sd"].to_numpy(float) ** 2 / n + table["sd_b"].to_numpy(float) ** 2 / n_b
        )
        by_se = np.sqrt(table["se"].to_numpy(float) ** 2 + table["se_b"].to_numpy(float) ** 2)
    se = np.full(len(table), np.nan)
    se[kind == "proportion"] = proportion[kind == "proportion"]
    se[kind == "mean"] = mean[kind == "mean"]
    se[kind == "paired_mean"] = mean[kind == "paired_mean"]
    differenced = np.isin(
        kind, ["nps", "adjusted_proportion", "kappa", "proportion_difference", "rate"]
    )
    se[differenced] = by_se[differenced]
    return np.where((n > 0) & (n_b > 0) & np.isfinite(se), se, np.nan)


def _apply_targets(
    table: pd.DataFrame, groups: list[Group], targets: Targets, query: MetricQuery
) -> pd.DataFrame:
    by_key = {g.key: g for g in groups}
    chosen = {}
    for group_key, metric in (
        table[["group_key", "metric"]].drop_duplicates().itertuples(index=False)
    ):
        group = by_key[group_key]
        centre = group.key if query.group_by == "centre" else None
        vendor = group.vendor if query.group_by in ("centre", "vendor") else None
        chosen[(group_key, metric)] = targets.lookup(metric, centre=centre, vendor=vendor)
    pairs = list(zip(table["group_key"], table["metric"], strict=True))
    found = [chosen[pair] for pair in pairs]
    table["target"] = [np.nan if t is None else t.value for t in found]
    statuses = []
    for target, value, n in zip(found, table["value"], table["n"], strict=True):
        if n == 0:
            statuses.append(STATUS_NO_DATA)
        elif target is None:
            statuses.append(None)
        else:
            statuses.append(target.status(float(value), int(n)))
    table["status"] = pd.Series(statuses, index=table.index, dtype=object)
    return table


def _finish(
    table: pd.DataFrame, query: MetricQuery, groups: list[Group], metric_ids: tuple[str, ...]
) -> pd.DataFrame:
    table = table.sort_values(
        ["period_start", "group_order", "breakdown_order", "metric_order"], kind="stable"
    )
    # the provisional flag belongs to the repeat metric: only its value can still change
    table["provisional"] = table["provisional"] & (table["metric"] == "fcr_repeat_pct")
    table["group_by"] = query.group_by
    table["centre_id"] = table["group_key"]
    table["n"] = table["n"].astype("int64")
    table["baseline_n"] = table["baseline_n"].astype("int64")
    for column in ("significant", "insufficient_sample", "provisional"):
        table[column] = table[column].astype(bool)
    result = table[LONG_COLUMNS].reset_index(drop=True)
    result["breakdown_value"] = (
        result["breakdown_value"]
        .astype(object)
        .where(result["breakdown_value"] != NO_BREAKDOWN, None)
    )
    return result

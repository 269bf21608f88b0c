"""Drill-downs behind the scorecard: agents, gap drivers, repeat flows, comments.

Each takes the same MetricQuery as metric_table, so group filters and the baseline
apply the same way everywhere; each works over the query's whole date range.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics.groups import (
    Group,
    baseline_centres,
    centre_groups,
    shown_groups,
    visible_centres,
)
from pipelines.metrics.long_table import resolve_bounds
from pipelines.metrics.query import MetricQuery
from pipelines.metrics.sql_files import execute, read_sql
from pipelines.metrics.sufficient_stats import (
    centre_statistics,
    check_timezone,
    run_stats_sql,
    sql_parameters,
)
from pipelines.metrics.summaries import summary_info
from pipelines.settings import MetricSettings


def _context(con: duckdb.DuckDBPyConnection, query: MetricQuery, settings: MetricSettings | None):
    settings = settings or MetricSettings()
    check_timezone(con, settings.reporting_timezone)
    centres = centre_groups(con, query.group_by, query.vendor_scope)
    groups = shown_groups(centres, query)
    info = summary_info(con, settings)
    bounds = resolve_bounds(con, query, settings, info)
    return settings, centres, groups, bounds, info is not None


def _own_rows_only(groups: list[Group], centres: pd.DataFrame) -> list[Group]:
    """The groups cut down to the centres whose own rows (agents, comments, repeats)
    the query may show: all of them, or a vendor's own in its view."""
    visible = set(visible_centres(centres))
    cut = [
        dataclasses.replace(g, centre_ids=tuple(c for c in g.centre_ids if c in visible))
        for g in groups
    ]
    return [g for g in cut if g.centre_ids]


def _run(con: duckdb.DuckDBPyConnection, name: str, parameters: dict[str, object]):
    return execute(con, read_sql(name), parameters).df()


def _group_columns(groups: list[Group]) -> pd.DataFrame:
    """centre_id -> group_key, group_label, sourcing, group_order for the shown groups."""
    rows = [
        (centre_id, g.key, g.label, g.sourcing, order)
        for order, g in enumerate(groups)
        for centre_id in g.centre_ids
    ]
    return pd.DataFrame(
        rows, columns=["centre_id", "group_key", "group_label", "sourcing", "group_order"]
    )


def _find_group(groups: list[Group], group: str, query: MetricQuery) -> Group:
    for candidate in groups:
        if candidate.key == group:
            return candidate
    raise ValueError(
        f"Group {group!r} is not among the query's {query.group_by} groups: "
        f"{', '.join(g.key for g in groups)}"
    )


# ---------------------------------------------------------------- agent scatter

AGENT_COLUMNS = [
    "group_key",
    "group_label",
    "sourcing",
    "agent_id",
    "contacts",
    "aht_s",
    "aht_n",
    "csat_pct",
    "csat_n",
]


def agent_scatter(
    con: duckdb.DuckDBPyConnection, query: MetricQuery, settings: MetricSettings | None = None
) -> pd.DataFrame:
    """Per shown group and agent over the query range: contacts, aht_s (with aht_n)
    and csat_pct (with csat_n, surveys of the agent's contacts)."""
    settings, centres, groups, bounds, use_summaries = _context(con, query, settings)
    groups = _own_rows_only(groups, centres)
    if bounds is None or not groups:
        return pd.DataFrame(columns=AGENT_COLUMNS)
    parameters = sql_parameters(query, settings, *bounds)
    parameters["centre_ids"] = [c for g in groups for c in g.centre_ids]
    # the agent summary has no channel, queue or reason: filtered queries take the raw route
    agents = run_stats_sql(
        con, "agent_stats", parameters, use_summaries and not query.filters_by_contact
    )
    agents = agents.merge(_group_columns(groups), on="centre_id")
    pooled = agents.groupby(
        ["group_order", "group_key", "group_label", "sourcing", "agent_id"], as_index=False
    )[["contacts", "aht_n", "aht_sum", "csat_n", "csat_satisfied"]].sum(min_count=1)
    pooled[["contacts", "aht_n", "csat_n", "csat_satisfied"]] = (
        pooled[["contacts", "aht_n", "csat_n", "csat_satisfied"]].fillna(0).astype("int64")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled["aht_s"] = np.where(
            pooled["aht_n"] > 0, pooled["aht_sum"] / pooled["aht_n"].clip(lower=1), np.nan
        )
        pooled["csat_pct"] = np.where(
            pooled["csat_n"] > 0,
            100 * pooled["csat_satisfied"] / pooled["csat_n"].clip(lower=1),
            np.nan,
        )
    pooled = pooled.sort_values(["group_order", "agent_id"], kind="stable")
    return pooled[AGENT_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------- gap contributions


@dataclass(frozen=True)
class GapContributions:
    """Why one group's csat_pct and qa_score differ from the baseline's.

    CSAT: with s_r the share of a side's CSAT responses with reason r and p_r its
    csat_pct for r, gap = P_g - P_b = sum_r s_gr (p_gr - p_br) + sum_r (s_gr - s_br) p_br.
    ``reasons.contribution`` is the first sum's term (how the group does within each
    reason); ``csat_mix_term`` the second (how its reason mix differs). Where the
    baseline has no responses for r, p_br is taken as the baseline's overall csat_pct
    (s_br = 0 there, so the identity holds whatever value is used). A reason the group
    lacks contributes 0 and enters only the mix term.
    QA: ``sections.gap`` = group section mean - baseline section mean (sections do not
    add up to qa_score, so these are gaps, not shares of it).
    """

    group: str
    csat_gap: float
    csat_mix_term: float
    reasons: pd.DataFrame  # reason, group/baseline csat_pct, n, share_pct, contribution
    qa_gap: float
    sections: pd.DataFrame  # section, group/baseline mean and n, gap


def gap_contributions(
    con: duckdb.DuckDBPyConnection, query: MetricQuery, settings: MetricSettings | None, group: str
) -> GapContributions:
    """Contact reasons behind ``group``'s csat_pct gap and QA sections behind its
    qa_score gap, versus the query's baseline over the whole range; largest first."""
    settings, centres, groups, bounds, use_summaries = _context(con, query, settings)
    chosen = _find_group(groups, group, query)
    base_centres = baseline_centres(centres, query)
    whole_range = dataclasses.replace(query, grain="range", breakdown=None)
    if bounds is None:
        empty = pd.DataFrame()
        return GapContributions(group, np.nan, np.nan, empty, np.nan, empty)
    stats, by_reason = centre_statistics(con, whole_range, settings, *bounds, use_summaries)
    reasons, csat_gap, mix_term = _reason_contributions(by_reason, chosen.centre_ids, base_centres)
    sections, qa_gap = _section_gaps(stats, chosen.centre_ids, base_centres)
    return GapContributions(group, csat_gap, mix_term, reasons, qa_gap, sections)


def _reason_contributions(
    by_reason: pd.DataFrame, group_centres: tuple[str, ...], base_centres: tuple[str, ...]
) -> tuple[pd.DataFrame, float, float]:
    def side(centre_ids: tuple[str, ...]) -> pd.DataFrame:
        rows = by_reason[by_reason["centre_id"].isin(centre_ids)]
        return rows.groupby("contact_reason", as_index=False)[["n", "x"]].sum()

    g, b = side(group_centres), side(base_centres)
    merged = g.merge(b, on="contact_reason", how="outer", suffixes=("_g", "_b")).fillna(0.0)
    merged = merged[(merged["n_g"] > 0) | (merged["n_b"] > 0)]
    total_g, total_b = merged["n_g"].sum(), merged["n_b"].sum()
    if total_g == 0 or total_b == 0:
        return pd.DataFrame(columns=REASON_COLUMNS), np.nan, np.nan
    overall_b = merged["x_b"].sum() / total_b
    share_g = merged["n_g"] / total_g
    share_b = merged["n_b"] / total_b
    p_g = merged["x_g"] / merged["n_g"].where(merged["n_g"] > 0)
    p_b = merged["x_b"] / merged["n_b"].where(merged["n_b"] > 0)
    p_b_filled = p_b.fillna(overall_b)
    contribution = (share_g * (p_g - p_b_filled)).fillna(0.0)
    mix_term = float((share_g - share_b).mul(p_b_filled).sum())
    reasons = pd.DataFrame(
        {
            "contact_reason": merged["contact_reason"],
            "group_csat_pct": 100 * p_g,
            "group_n": merged["n_g"].astype("int64"),
            "baseline_csat_pct": 100 * p_b,
            "baseline_n": merged["n_b"].astype("int64"),
            "group_share_pct": 100 * share_g,
            "baseline_share_pct": 100 * share_b,
            "contribution": 100 * contribution,
        }
    )
    reasons = reasons.iloc[
        np.argsort(-reasons["contribution"].abs().to_numpy(), kind="stable")
    ].reset_index(drop=True)
    csat_gap = 100 * (merged["x_g"].sum() / total_g - overall_b)
    return reasons, float(csat_gap), 100 * mix_term


REASON_COLUMNS = [
    "contact_reason",
    "group_csat_pct",
    "group_n",
    "baseline_csat_pct",
    "baseline_n",
    "group_share_pct",
    "baseline_share_pct",
    "contribution",
]
SECTION_COLUMNS = ["section", "group_mean", "group_n", "baseline_mean", "baseline_n", "gap"]


def _section_gaps(
    stats: pd.DataFrame, group_centres: tuple[str, ...], base_centres: tuple[str, ...]
) -> tuple[pd.DataFrame, float]:
    qa = stats[stats["metric"].str.startswith("qa_section_") | (stats["metric"] == "qa_score")]

    def side(centre_ids: tuple[str, ...]) -> pd.DataFrame:
        rows = qa[qa["centre_id"].isin(centre_ids)]
        summed = rows.groupby("metric", as_index=False)[["n", "x"]].sum()
        summed["mean"] = summed["x"] / summed["n"].where(summed["n"] > 0)
        return summed

    merged = side(group_centres).merge(
        side(base_centres), on="metric", how="outer", suffixes=("_g", "_b")
    )
    overall = merged[merged["metric"] == "qa_score"]
    qa_gap = (
        float(overall["mean_g"].iloc[0] - overall["mean_b"].iloc[0]) if len(overall) else np.nan
    )
    sections = merged[merged["metric"] != "qa_score"]
    result = pd.DataFrame(
        {
            "section": sections["metric"].str.removeprefix("qa_section_"),
            "group_mean": sections["mean_g"],
            "group_n": sections["n_g"].fillna(0).astype("int64"),
            "baseline_mean": sections["mean_b"],
            "baseline_n": sections["n_b"].fillna(0).astype("int64"),
            "gap": sections["mean_g"] - sections["mean_b"],
        }
    )
    result = result[(result["group_n"] > 0) | (result["baseline_n"] > 0)]
    order = np.argsort(-result["gap"].abs().fillna(-1).to_numpy(), kind="stable")
    return result.iloc[order].reset_index(drop=True)[SECTION_COLUMNS], qa_gap


# ---------------------------------------------------------------- repeat flows

FLOW_COLUMNS = [
    "group_key",
    "group_label",
    "next_centre_id",
    "next_centre_name",
    "count",
    "share_pct",
]


def repeat_flows(
    con: duckdb.DuckDBPyConnection, query: MetricQuery, settings: MetricSettings | None = None
) -> pd.DataFrame:
    """For answered contacts of each shown group that were followed by a repeat within
    the window: the centre of the next contact, the count, and its share (0-100) of
    the group's repeats. Largest flows first within each group."""
    settings, centres, groups, bounds, use_summaries = _context(con, query, settings)
    groups = _own_rows_only(groups, centres)
    if bounds is None or not groups:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    flows = run_stats_sql(
        con, "repeat_flows", sql_parameters(query, settings, *bounds), use_summaries
    )
    flows = flows.merge(_group_columns(groups), on="centre_id")
    # the next centre as the query may name it (a vendor's view: peers aliased, the
    # in-house centres pooled)
    names = dict(zip(centres["shown_id"], centres["name"], strict=False))
    shown = dict(zip(centres["centre_id"], centres["shown_id"], strict=True))
    flows["next_centre_id"] = flows["next_centre_id"].map(shown)
    pooled = flows.groupby(
        ["group_order", "group_key", "group_label", "next_centre_id"], as_index=False
    )["repeats"].sum()
    pooled = pooled.rename(columns={"repeats": "count"})
    pooled["count"] = pooled["count"].astype("int64")
    pooled["share_pct"] = (
        100 * pooled["count"] / pooled.groupby("group_key")["count"].transform("sum")
    )
    pooled["next_centre_name"] = pooled["next_centre_id"].map(names)
    pooled = pooled.sort_values(
        ["group_order", "count", "next_centre_id"], ascending=[True, False, True], kind="stable"
    )
    return pooled[FLOW_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------- customer comments

COMMENT_COLUMNS = [
    "responded_date",
    "centre_id",
    "centre_name",
    "survey_id",
    "csat_raw",
    "csat_lo",
    "csat_hi",
    "csat_on_scale",
    "contact_reason",
    "comment",
]


def customer_comments(
    con: duckdb.DuckDBPyConnection,
    query: MetricQuery,
    settings: MetricSettings | None,
    group: str,
    satisfied: bool,
    limit: int = 20,
) -> pd.DataFrame:
    """Up to ``limit`` non-empty comments of satisfied (or dissatisfied) customers of
    one group: a deterministic sample, newest first, with the answer on its own scale
    (e.g. "8 on 1-10") and the contact reason ('unknown' without a linked contact)."""
    if int(limit) < 0:
        raise ValueError(f"limit must be zero or more, got {limit}")
    settings, centres, groups, bounds, _ = _context(con, query, settings)
    chosen = _find_group(_own_rows_only(groups, centres), group, query)
    if bounds is None:
        return pd.DataFrame(columns=COMMENT_COLUMNS)
    parameters = sql_parameters(query, settings, *bounds)
    parameters.update(
        centre_ids=list(chosen.centre_ids), satisfied=bool(satisfied), limit=int(limit)
    )
    comments = _run(con, "customer_comments", parameters)
    names = dict(zip(centres["centre_id"], centres["name"], strict=True))
    comments["centre_name"] = comments["centre_id"].map(names)
    comments["csat_on_scale"] = [
        f"{_number(raw)} on {_number(lo)}-{_number(hi)}"
        for raw, lo, hi in zip(
            comments["csat_raw"], comments["csat_lo"], comments["csat_hi"], strict=True
        )
    ]
    comments = comments.sort_values(
        ["responded_date", "centre_id", "survey_id"], ascending=[False, True, True], kind="stable"
    )
    return comments[COMMENT_COLUMNS].reset_index(drop=True)


def _number(value: float) -> str:
    return f"{value:g}"

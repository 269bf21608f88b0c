"""Mix-adjusted CSAT % by direct standardisation (METRICS.md, "Mix-adjusted").

For each period (and breakdown value), ``w_r`` is the share of all CSAT responses in
the selection whose contact reason is ``r`` ('unknown' when the survey has no linked
contact). The selection is every centre under the query's period and channel, queue
and reason filters: the centres filter chooses what is shown, not the standard mix, so
a centre's adjusted value does not change with which other centres are on screen.

A group's adjusted value is ``sum_r w_r * csat_pct(group, r) / sum_{r seen} w_r`` and
its coverage (0-100) is ``100 * sum_{r seen} w_r``. Its standard error treats reasons as
independent strata: ``sqrt(sum_r (w_r / coverage)^2 * p_r (1 - p_r) / n_r)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.metrics.groups import membership

CELL = ["period_start", "breakdown_value"]


def adjusted_csat(
    csat_by_reason: pd.DataFrame, members: dict[str, tuple[str, ...]]
) -> pd.DataFrame:
    """Adjusted CSAT % per period, breakdown value and group (``members``: group key ->
    centre ids). Columns: period_start, breakdown_value, group_key, value (0-100),
    se (points), n (responses), coverage (0-100)."""
    columns = [*CELL, "group_key", "value", "se", "n", "coverage"]
    by_reason = csat_by_reason[csat_by_reason["n"] > 0]
    if by_reason.empty or not members:
        return pd.DataFrame(columns=columns)
    standard = by_reason.groupby([*CELL, "contact_reason"], dropna=False, as_index=False)["n"].sum()
    standard["w"] = standard["n"] / standard.groupby(CELL, dropna=False)["n"].transform("sum")

    cells = (
        by_reason.merge(membership(members), on="centre_id")
        .groupby([*CELL, "group_key", "contact_reason"], dropna=False, as_index=False)[["n", "x"]]
        .sum()
    )
    if cells.empty:
        return pd.DataFrame(columns=columns)
    cells = cells.merge(
        standard[[*CELL, "contact_reason", "w"]], on=[*CELL, "contact_reason"], how="left"
    )
    cells["p"] = cells["x"] / cells["n"]
    cells["w_p"] = cells["w"] * cells["p"]
    per_group = [*CELL, "group_key"]
    cells["coverage"] = cells.groupby(per_group, dropna=False)["w"].transform("sum")
    cells["variance_term"] = (
        (cells["w"] / cells["coverage"]) ** 2 * cells["p"] * (1 - cells["p"]) / cells["n"]
    )
    totals = cells.groupby(per_group, dropna=False, as_index=False, sort=False).agg(
        w_p=("w_p", "sum"),
        coverage=("w", "sum"),
        n=("n", "sum"),
        variance_term=("variance_term", "sum"),
    )
    totals["value"] = 100 * totals["w_p"] / totals["coverage"]
    totals["se"] = 100 * np.sqrt(totals["variance_term"])
    totals["coverage"] = 100 * totals["coverage"]
    return totals[columns]

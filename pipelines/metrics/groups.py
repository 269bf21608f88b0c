"""Centres grouped by centre, vendor, sourcing or shore, and the baseline's centres."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from pipelines.metrics.query import IN_HOUSE_BASELINE, MetricQuery

IN_HOUSE_LABEL = "In-house"
_SOURCING_LABELS = {"in_house": IN_HOUSE_LABEL, "vendor": "Vendors"}
# In-house groups first, then groups mixing both, then vendors (each by name).
_SOURCING_ORDER = {"in_house": 0, "mixed": 1, "vendor": 2}

CENTRES_SQL = """
SELECT centre_id, name, sourcing, vendor, shore
FROM centres
ORDER BY centre_id
"""


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    sourcing: str  # "in_house" | "vendor" | "mixed"
    centre_ids: tuple[str, ...]  # the group's centres after the centres filter
    vendor: str | None  # for targets: the vendor all its centres belong to, if one


def centre_groups(con: duckdb.DuckDBPyConnection, group_by: str) -> pd.DataFrame:
    """One row per centre with its group's key and label under ``group_by``."""
    centres = con.execute(CENTRES_SQL).df()
    if group_by == "centre":
        centres["group_key"] = centres["centre_id"]
        centres["group_label"] = centres["name"]
    elif group_by == "vendor":
        in_house = centres["vendor"].isna() | (centres["sourcing"] == "in_house")
        centres["group_key"] = centres["vendor"].where(~in_house, IN_HOUSE_BASELINE)
        centres["group_label"] = centres["vendor"].where(~in_house, IN_HOUSE_LABEL)
    elif group_by == "sourcing":
        centres["group_key"] = centres["sourcing"]
        centres["group_label"] = (
            centres["sourcing"].map(_SOURCING_LABELS).fillna(centres["sourcing"])
        )
    elif group_by == "shore":
        centres["group_key"] = centres["shore"]
        centres["group_label"] = centres["shore"].str.capitalize()
    else:
        raise ValueError(f"Unknown group_by {group_by!r}")
    return centres


def shown_groups(centres: pd.DataFrame, query: MetricQuery) -> list[Group]:
    """The groups the query shows, in display order, each with its filtered centres."""
    unknown = sorted(set(query.centres) - set(centres["centre_id"]))
    if unknown:
        raise ValueError(
            f"Unknown centre id(s) in the centres filter: {', '.join(unknown)}. "
            f"Known: {', '.join(centres['centre_id'])}"
        )
    selected = centres
    if query.centres:
        selected = centres[centres["centre_id"].isin(query.centres)]
    groups = []
    for key, members in selected.groupby("group_key", sort=False):
        sourcings = set(members["sourcing"])
        vendors = set(members["vendor"].dropna())
        groups.append(
            Group(
                key=str(key),
                label=str(members["group_label"].iloc[0]),
                sourcing=sourcings.pop() if len(sourcings) == 1 else "mixed",
                centre_ids=tuple(sorted(members["centre_id"])),
                vendor=vendors.pop()
                if len(vendors) == 1 and members["vendor"].notna().all()
                else None,
            )
        )
    return sorted(groups, key=lambda g: (_SOURCING_ORDER.get(g.sourcing, 3), g.label, g.key))


def baseline_centres(centres: pd.DataFrame, query: MetricQuery) -> tuple[str, ...]:
    """The baseline's centres: the in-house centres pooled, a group of the query's
    grouping, or any one centre (METRICS.md: "any centre can be chosen instead"), under
    every grouping. The centres filter does not apply: it chooses what is shown, and a
    vendor's gap must not change because the in-house centre is hidden."""
    if query.baseline == IN_HOUSE_BASELINE:
        members = centres[centres["sourcing"] == "in_house"]
    else:
        members = centres[centres["group_key"] == query.baseline]
        if members.empty:
            members = centres[centres["centre_id"] == query.baseline]
        if members.empty:
            raise ValueError(
                f"Baseline {query.baseline!r} is neither a centre nor a {query.group_by} "
                f"key; use '{IN_HOUSE_BASELINE}', a centre id "
                f"({', '.join(centres['centre_id'])}) or one of: "
                f"{', '.join(sorted(set(centres['group_key'])))}"
            )
    return tuple(sorted(members["centre_id"]))


def membership(members: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """group_key, centre_id: one row per centre of each group (a centre may be in two)."""
    return pd.DataFrame(
        [(key, centre) for key, centres in members.items() for centre in centres],
        columns=["group_key", "centre_id"],
    )

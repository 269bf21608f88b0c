"""Centres grouped by centre, vendor, sourcing or shore, and the baseline's centres.

A vendor's view (``MetricQuery.vendor_scope``) sees its own centres by name and every
other centre only anonymised: other vendors' centres as "Peer 1", "Peer 2" ... and the
client's in-house centres pooled as "Client in-house". Names, vendor names and centre
ids of other centres never leave this module for such a query: each centre carries a
``shown_id`` (its own id, or the alias) that outputs use instead of ``centre_id``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipelines.metrics.query import IN_HOUSE_BASELINE, MetricQuery

IN_HOUSE_LABEL = "In-house"
CLIENT_IN_HOUSE = "client_in_house"  # the in-house centres, pooled, in a vendor's view
CLIENT_IN_HOUSE_LABEL = "Client in-house"
PEER_PREFIX = "peer_"
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


def centre_groups(
    con: duckdb.DuckDBPyConnection, group_by: str, vendor_scope: str | None = None
) -> pd.DataFrame:
    """One row per centre with its group's key and label under ``group_by``; for a
    vendor's view, other centres anonymised (``visible`` False, see the module doc)."""
    centres = con.execute(CENTRES_SQL).df()
    centres["shown_id"] = centres["centre_id"]
    centres["visible"] = True
    if vendor_scope is not None:
        centres = _as_seen_by(centres, vendor_scope)
    if group_by == "centre":
        centres["group_key"] = centres["shown_id"]
        centres["group_label"] = centres["name"]
    elif group_by == "vendor":
        in_house = centres["vendor"].isna() | (centres["sourcing"] == "in_house")
        centres["group_key"] = centres["vendor"].where(~in_house, IN_HOUSE_BASELINE)
        centres["group_label"] = centres["vendor"].where(~in_house, IN_HOUSE_LABEL)
        if vendor_scope is not None:  # other vendors as their peer alias, per vendor
            hidden = ~centres["visible"]
            centres.loc[hidden, "group_key"] = centres.loc[hidden, "peer_vendor_key"]
            centres.loc[hidden, "group_label"] = centres.loc[hidden, "peer_vendor_label"]
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


def _as_seen_by(centres: pd.DataFrame, vendor: str) -> pd.DataFrame:
    """Centres as a vendor's user sees them: own ones as they are, the rest aliased.

    Peers are numbered in an order that says nothing about them (a hash of the id), so
    "Peer 1" is the same centre on every page and in every pack."""
    centres = centres.copy()
    own = centres["vendor"].eq(vendor) & centres["sourcing"].eq("vendor")
    in_house = centres["sourcing"].eq("in_house") & ~own
    peers = ~own & ~in_house
    centres["visible"] = own
    centres.loc[in_house, "shown_id"] = CLIENT_IN_HOUSE
    centres.loc[in_house, "name"] = CLIENT_IN_HOUSE_LABEL
    by_hash = sorted(centres.loc[peers, "centre_id"], key=_stable_hash)
    number = {centre: n for n, centre in enumerate(by_hash, start=1)}
    centres.loc[peers, "shown_id"] = centres.loc[peers, "centre_id"].map(
        lambda c: f"{PEER_PREFIX}{number[c]}"
    )
    centres.loc[peers, "name"] = centres.loc[peers, "centre_id"].map(lambda c: f"Peer {number[c]}")
    vendors = sorted(set(centres.loc[peers, "vendor"].dropna()), key=_stable_hash)
    vendor_number = {name: n for n, name in enumerate(vendors, start=1)}
    centres["peer_vendor_key"] = centres["vendor"].map(
        lambda v: f"{PEER_PREFIX}vendor_{vendor_number[v]}" if v in vendor_number else None
    )
    centres["peer_vendor_label"] = centres["vendor"].map(
        lambda v: f"Peer vendor {vendor_number[v]}" if v in vendor_number else None
    )
    centres.loc[in_house, ["peer_vendor_key", "peer_vendor_label"]] = [
        CLIENT_IN_HOUSE,
        CLIENT_IN_HOUSE_LABEL,
    ]
    centres.loc[~own, "vendor"] = None
    return centres


def _stable_hash(text: str) -> str:
    return hashlib.sha256(str(text).encode()).hexdigest()


def visible_centres(centres: pd.DataFrame) -> tuple[str, ...]:
    """The centres whose own rows (agents, comments, loads) the query may show."""
    return tuple(sorted(centres.loc[centres["visible"], "centre_id"]))


def shown_groups(centres: pd.DataFrame, query: MetricQuery) -> list[Group]:
    """The groups the query shows, in display order, each with its filtered centres.
    The centres filter names centres by ``shown_id`` (a vendor's view: aliases)."""
    unknown = sorted(set(query.centres) - set(centres["shown_id"]))
    if unknown:
        raise ValueError(
            f"Unknown centre id(s) in the centres filter: {', '.join(unknown)}. "
            f"Known: {', '.join(sorted(set(centres['shown_id'])))}"
        )
    selected = centres
    if query.centres:
        selected = centres[centres["shown_id"].isin(query.centres)]
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
            members = centres[centres["shown_id"] == query.baseline]
        if members.empty:
            raise ValueError(
                f"Baseline {query.baseline!r} is neither a centre nor a {query.group_by} "
                f"key; use '{IN_HOUSE_BASELINE}', a centre id "
                f"({', '.join(sorted(set(centres['shown_id'])))}) or one of: "
                f"{', '.join(sorted(set(centres['group_key'])))}"
            )
    return tuple(sorted(members["centre_id"]))


def membership(members: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """group_key, centre_id: one row per centre of each group (a centre may be in two)."""
    return pd.DataFrame(
        [(key, centre) for key, centres in members.items() for centre in centres],
        columns=["group_key", "centre_id"],
    )

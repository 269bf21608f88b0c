"""A vendor's view: its own centres by name, every other centre anonymised, other
centres' own rows (agents, comments, repeats) unreachable — in the metric layer."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.metrics import (
    MetricQuery,
    agent_scatter,
    customer_comments,
    metric_table,
    repeat_flows,
)

PACIFIC = "Pacific Reach BPO"  # the vendor of the Manila centre (conftest.SAMPLE_CENTRES)
WEEK = "2026-06-01"
# what a Pacific Reach user must never see: other centres' ids, names and vendors
OTHERS = ["leeds", "glasgow", "lisbon", "Northwind", "Claremont", "Atlântico"]


def _surveys(wh, centre: str, satisfied: int, total: int, comment: str | None = None):
    contacts = []
    for index in range(total):
        contact = wh.contact(centre, "2026-06-02 09:00", agent=f"{centre}-agent")
        wh.survey(
            centre,
            "2026-06-02 10:00",
            contact_id=contact,
            csat_raw=5 if index < satisfied else 2,
            comment=comment,
        )
        contacts.append(contact)
    return contacts


@pytest.fixture
def csat(wh):
    _surveys(wh, "leeds", 32, 40, comment="Leeds was lovely")  # 80 %
    _surveys(wh, "manila", 20, 40, comment="Manila was fine")  # 50 %
    _surveys(wh, "glasgow", 2, 10, comment="Glasgow was slow")  # 20 %
    _surveys(wh, "lisbon", 6, 10, comment="Lisbon was kind")  # 60 %
    return wh


def _texts(frame: pd.DataFrame) -> str:
    return " ".join(str(v) for v in frame.astype(str).to_numpy().ravel())


def test_own_centres_by_name_others_as_peers_and_client_in_house(csat, con, settings):
    table = metric_table(con, MetricQuery(metrics=("csat_pct",), vendor_scope=PACIFIC), settings)
    values = dict(zip(table["centre_name"], table["value"], strict=True))
    # own by name; in-house pooled as the client's; the other vendors' centres as
    # peers whose values are theirs (20 % and 60 %), in an order that names nobody
    assert values["Pacific Reach Manila"] == 50.0
    assert values["Client in-house"] == 80.0
    assert sorted(v for name, v in values.items() if name.startswith("Peer ")) == [20.0, 60.0]
    assert sorted(table["centre_id"]) == ["client_in_house", "manila", "peer_1", "peer_2"]
    shown = _texts(table)
    assert [word for word in OTHERS if word in shown] == []
    # the gap is still against the real in-house baseline: 50 - 80
    manila = table[table["centre_id"] == "manila"].iloc[0]
    assert manila["gap"] == pytest.approx(-30.0)


def test_the_same_peer_keeps_its_alias_across_queries(csat, con, settings):
    first = metric_table(con, MetricQuery(metrics=("csat_pct",), vendor_scope=PACIFIC), settings)
    again = metric_table(
        con, MetricQuery(metrics=("csat_pct", "nps"), vendor_scope=PACIFIC), settings
    )
    pairs = dict(zip(first["centre_id"], first["value"], strict=True))
    again_csat = again[again["metric"] == "csat_pct"]
    assert dict(zip(again_csat["centre_id"], again_csat["value"], strict=True)) == pairs


def test_by_vendor_other_vendors_are_peer_vendors(csat, con, settings):
    table = metric_table(
        con, MetricQuery(metrics=("csat_pct",), group_by="vendor", vendor_scope=PACIFIC), settings
    )
    labels = sorted(table["centre_name"])
    assert labels == ["Client in-house", "Pacific Reach BPO", "Peer vendor 1", "Peer vendor 2"]
    assert [word for word in OTHERS if word in _texts(table)] == []


def test_other_centres_own_rows_are_unreachable(csat, con, settings):
    query = MetricQuery(vendor_scope=PACIFIC)
    agents = agent_scatter(con, query, settings)
    assert set(agents["agent_id"]) == {"manila-agent"}
    mine = customer_comments(con, query, settings, "manila", satisfied=True)
    assert set(mine["comment"]) == {"Manila was fine"} and len(mine) == 20
    for peer in ("peer_1", "peer_2", "client_in_house"):
        with pytest.raises(ValueError) as refused:
            customer_comments(con, query, settings, peer, satisfied=True)
        assert [word for word in OTHERS if word in str(refused.value)] == []


def test_repeats_name_the_next_centre_only_by_its_alias(wh, con, settings):
    # one Manila customer calls again at Leeds, another at Glasgow, within the window
    wh.contact("manila", "2026-06-02 09:00", customer="k1")
    wh.contact("leeds", "2026-06-03 09:00", customer="k1")
    wh.contact("manila", "2026-06-02 09:00", customer="k2")
    wh.contact("glasgow", "2026-06-04 09:00", customer="k2")
    flows = repeat_flows(con, MetricQuery(vendor_scope=PACIFIC), settings)
    # only Manila's own repeats (Leeds' and Glasgow's contacts have no repeat of theirs)
    assert set(flows["group_key"]) == {"manila"}
    by_name = dict(zip(flows["next_centre_name"], flows["count"], strict=True))
    assert by_name.pop("Client in-house") == 1
    ((peer, count),) = by_name.items()
    assert peer.startswith("Peer ") and count == 1
    assert [word for word in OTHERS if word in _texts(flows)] == []


def test_a_vendor_cannot_name_another_centre(csat, con, settings):
    for asked, fields in (
        ("glasgow", {"baseline": "glasgow"}),
        ("lisbon", {"centres": ("lisbon",)}),
    ):
        with pytest.raises(ValueError) as refused:
            metric_table(con, MetricQuery(vendor_scope=PACIFIC, **fields), settings)
        # the message may repeat what was asked, and names nothing else
        told = str(refused.value).replace(repr(asked), "").replace(asked, "")
        assert [word for word in OTHERS if word in told] == []
    # its own centre and the aliases are fine
    peer_baseline = MetricQuery(
        metrics=("csat_pct",), baseline="client_in_house", centres=("manila",), vendor_scope=PACIFIC
    )
    (row,) = metric_table(con, peer_baseline, settings).itertuples()
    assert (row.centre_id, row.baseline_value) == ("manila", 80.0)

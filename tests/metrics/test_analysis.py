"""Drill-downs: agent scatter, gap contributions, customer comments."""

from __future__ import annotations

import pytest

from pipelines.metrics import MetricQuery, agent_scatter, customer_comments, gap_contributions


def _surveys(wh, centre, reason, satisfied, total, scale=(1, 5)):
    lo, hi = scale
    for index in range(total):
        contact = None
        if reason is not None:
            contact = wh.contact(centre, "2026-06-02 09:00", reason=reason)
        wh.survey(
            centre,
            "2026-06-02 10:00",
            contact_id=contact or f"none{index}",
            csat_raw=hi if index < satisfied else lo,
            scale=scale,
        )


def test_gap_contributions_add_up_to_the_gap(wh, con, settings):
    _surveys(wh, "leeds", "billing_query", 8, 10)  # 80 %
    _surveys(wh, "leeds", "payment", 4, 10)  # 40 %   leeds overall 12/20 = 60 %
    _surveys(wh, "glasgow", "billing_query", 27, 30)  # 90 %
    _surveys(wh, "glasgow", None, 5, 10)  # 50 %, unknown reason; glasgow 32/40 = 80 %
    wh.qa("leeds", "2026-06-02 12:00", 80, sections={"accuracy": 80, "empathy": 90})
    wh.qa("glasgow", "2026-06-02 12:00", 76, sections={"accuracy": 70, "empathy": 90})
    result = gap_contributions(con, MetricQuery(), settings, "glasgow")

    assert result.csat_gap == pytest.approx(20.0)  # 80 - 60
    reasons = result.reasons.set_index("contact_reason")
    # billing: share 0.75 * (0.9 - 0.8) = 7.5 points
    assert reasons.loc["billing_query", "contribution"] == pytest.approx(7.5)
    # unknown: leeds has none, so p_b = leeds overall 0.6: 0.25 * (0.5 - 0.6) = -2.5
    assert reasons.loc["unknown", "contribution"] == pytest.approx(-2.5)
    assert reasons.loc["payment", "contribution"] == 0.0  # glasgow has no payment answers
    # mix: (0.75-0.5)*0.8 + (0-0.5)*0.4 + (0.25-0)*0.6 = 0.2 - 0.2 + 0.15 = 15 points
    assert result.csat_mix_term == pytest.approx(15.0)
    assert result.reasons["contribution"].sum() + result.csat_mix_term == pytest.approx(20.0)
    assert result.reasons["contact_reason"].tolist() == ["billing_query", "unknown", "payment"]
    assert reasons.loc["billing_query", ["group_n", "baseline_n"]].tolist() == [30, 10]
    assert reasons.loc["billing_query", "group_share_pct"] == pytest.approx(75.0)

    assert result.qa_gap == pytest.approx(-4.0)
    sections = result.sections.set_index("section")
    assert sections.loc["accuracy", "gap"] == pytest.approx(-10.0)
    assert sections.loc["empathy", "gap"] == 0.0
    assert result.sections["section"].tolist()[0] == "accuracy"  # largest first


def test_gap_contributions_reject_an_unknown_group(wh, con, settings):
    with pytest.raises(ValueError, match="'york' is not among"):
        gap_contributions(con, MetricQuery(), settings, "york")


def test_agent_scatter(wh, con, settings):
    first = wh.contact("leeds", "2026-06-02 09:00", agent="a1", talk_s=100, hold_s=20, wrap_s=30)
    second = wh.contact("leeds", "2026-06-02 09:00", agent="a1", talk_s=200, hold_s=None, wrap_s=50)
    wh.contact("leeds", "2026-06-02 09:00", agent="a1", answered=False, abandoned=True, talk_s=None)
    wh.contact("manila", "2026-06-02 09:00", agent="m1", talk_s=60)
    wh.survey("leeds", "2026-06-02 10:00", contact_id=first, csat_raw=5)
    # 0-10: satisfied from 0 + 0.75 * 10 = 7.5, so 7 is not
    wh.survey("leeds", "2026-06-02 10:00", contact_id=second, csat_raw=7, scale=(0, 10))
    agents = agent_scatter(con, MetricQuery(), settings).set_index("agent_id")
    a1 = agents.loc["a1"]
    # 3 contacts; handle time talk + hold + wrap: 100 + 20 + 30 = 150 and 200 + 0 + 50 =
    # 250, AHT 400 / 2 = 200 over the 2 answered; CSAT 1 of 2 satisfied
    assert a1[["group_key", "contacts", "aht_s", "aht_n", "csat_pct", "csat_n"]].tolist() == [
        "leeds",
        3,
        200.0,
        2,
        50.0,
        2,
    ]
    assert agents.loc["m1", "csat_n"] == 0
    assert agents.index.tolist() == ["a1", "m1"]  # in-house group first


def test_customer_comments_sample(wh, con, settings):
    contact = wh.contact("glasgow", "2026-06-02 09:00", reason="technical_fault")
    wh.survey(
        "glasgow",
        "2026-06-03 10:00",
        contact_id=contact,
        csat_raw=9,
        scale=(1, 10),
        comment="Sorted my fault quickly",
    )
    wh.survey("glasgow", "2026-06-04 10:00", csat_raw=8, scale=(1, 10), comment="=good")
    wh.survey("glasgow", "2026-06-04 10:00", csat_raw=3, scale=(1, 10), comment="slow")
    wh.survey("glasgow", "2026-06-04 10:00", csat_raw=10, scale=(1, 10), comment="   ")
    happy = customer_comments(con, MetricQuery(), settings, "glasgow", satisfied=True, limit=10)
    assert happy["comment"].tolist() == ["=good", "Sorted my fault quickly"]  # newest first
    assert happy["csat_on_scale"].tolist() == ["8 on 1-10", "9 on 1-10"]
    assert happy["contact_reason"].tolist() == ["unknown", "technical_fault"]
    unhappy = customer_comments(con, MetricQuery(), settings, "glasgow", satisfied=False, limit=10)
    assert unhappy["comment"].tolist() == ["slow"]
    one = customer_comments(con, MetricQuery(), settings, "glasgow", satisfied=True, limit=1)
    again = customer_comments(con, MetricQuery(), settings, "glasgow", satisfied=True, limit=1)
    assert len(one) == 1 and one.equals(again)  # deterministic

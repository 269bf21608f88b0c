"""Integration: the metric layer over the ingested sample exports (docs/SAMPLE_DATA.md).

Checks totals against the warehouse and the story the sample data is built to tell,
not exact numbers (the generator may be re-tuned).
"""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.metrics import (
    MetricQuery,
    gap_contributions,
    load_targets,
    metric_table,
    repeat_flows,
)
from pipelines.settings import DEFAULT_CONFIG_DIR, load_metric_settings
from pipelines.warehouse import connect_read_only


@pytest.fixture(scope="module")
def sample(sample_warehouse):
    con = connect_read_only(sample_warehouse)
    yield con, load_metric_settings(DEFAULT_CONFIG_DIR)
    con.close()


def _by_centre(table, metric):
    rows = table[table["metric"] == metric]
    return dict(zip(rows["centre_id"], rows["value"], strict=True))


def test_weekly_totals_match_the_warehouse(sample):
    con, settings = sample
    weekly = metric_table(
        con,
        MetricQuery(metrics=("contacts", "csat_pct", "qa_score")),
        settings,
        load_targets(DEFAULT_CONFIG_DIR),
    )
    assert len(set(weekly["period_start"])) == 26  # Mon 2026-05-25 .. Sun 2026-11-22
    totals = weekly.groupby("metric")["n"].sum()
    assert totals["contacts"] == con.execute("SELECT COUNT(*) FROM contacts").fetchone()[0]
    assert (
        totals["csat_pct"]
        == con.execute("SELECT COUNT(*) FROM surveys WHERE csat_raw IS NOT NULL").fetchone()[0]
    )
    assert totals["qa_score"] == con.execute("SELECT COUNT(*) FROM qa_evaluations").fetchone()[0]


def test_the_sample_story(sample):
    con, settings = sample
    whole = metric_table(con, MetricQuery(grain="range"), settings)
    csat = _by_centre(whole, "csat_pct")
    adjusted = _by_centre(whole, "csat_pct_adjusted")
    aht = _by_centre(whole, "aht_s")
    repeat_free = _by_centre(whole, "fcr_repeat_pct")
    # Manila: fastest, and worst for customers
    assert min(aht, key=aht.get) == "manila"
    assert min(csat, key=csat.get) == "manila"
    assert min(repeat_free, key=repeat_free.get) == "manila"
    # raw CSAT ranks Lisbon above Glasgow; the mix adjustment reverses it
    assert csat["lisbon"] > csat["glasgow"]
    assert adjusted["glasgow"] > adjusted["lisbon"]
    manila = whole[(whole["centre_id"] == "manila") & (whole["metric"] == "csat_pct")].iloc[0]
    assert manila["significant"] and manila["gap"] < 0

    # Pacific Reach's own QA is more generous than the client's
    own = _by_centre(
        metric_table(
            con, MetricQuery(grain="range", qa_evaluator_org="own", metrics=("qa_score",)), settings
        ),
        "qa_score",
    )
    client = _by_centre(
        metric_table(
            con,
            MetricQuery(grain="range", qa_evaluator_org="client", metrics=("qa_score",)),
            settings,
        ),
        "qa_score",
    )
    assert own["manila"] > client["manila"]

    # some of Manila's customers call Leeds back
    flows = repeat_flows(con, MetricQuery(centres=("manila",)), settings)
    assert "leeds" in set(flows["next_centre_id"])

    gaps = gap_contributions(con, MetricQuery(), settings, "glasgow")
    assert gaps.reasons["contribution"].sum() + gaps.csat_mix_term == pytest.approx(gaps.csat_gap)


def test_the_sample_story_of_trust(sample):
    """Pacific Reach scores itself far above Northwind's QA on the same contacts;
    Claremont and Atlântico are within the tolerance. Atlântico's unhappy customers who
    call back rarely answer its survey, so its CSAT is flagged as likely flattered."""
    con, settings = sample
    calibration_metrics = ("qa_calibration_gap", "qa_calibration_kappa", "responder_repeat_gap")
    whole = metric_table(con, MetricQuery(grain="range", metrics=calibration_metrics), settings)
    rows = whole.set_index(["centre_id", "metric"])
    assert rows.loc[("manila", "qa_calibration_gap"), "flag"] == "out_of_calibration"
    assert rows.loc[("manila", "qa_calibration_gap"), "value"] > 10
    for vendor in ("glasgow", "lisbon"):
        assert pd.isna(rows.loc[(vendor, "qa_calibration_gap"), "flag"])
        assert abs(rows.loc[(vendor, "qa_calibration_gap"), "value"]) < 5
        assert (
            rows.loc[(vendor, "qa_calibration_kappa"), "value"]
            > rows.loc[("manila", "qa_calibration_kappa"), "value"]
        )
    assert rows.loc[("leeds", "qa_calibration_gap"), "n"] == 0  # in-house: one QA team
    flattered = set(whole.loc[whole["flag"] == "csat_likely_flattered", "centre_id"])
    assert flattered == {"lisbon"}


def test_the_sample_story_of_the_agents(sample):
    """Staff before customers: Pacific Reach Manila loses its agents fastest, so the most
    of its contacts are handled by agents in their first 90 days, and its customers are
    the least satisfied; Leeds keeps its people longest."""
    con, settings = sample
    whole = metric_table(con, MetricQuery(grain="range"), settings)
    attrition = _by_centre(whole, "attrition_pct")
    new_hire = _by_centre(whole, "new_hire_contact_pct")
    tenure = _by_centre(whole, "tenure_median_days")
    enps = _by_centre(whole, "enps")
    csat = _by_centre(whole, "csat_pct")
    assert max(attrition, key=attrition.get) == "manila"
    assert max(new_hire, key=new_hire.get) == "manila"
    assert min(csat, key=csat.get) == "manila"
    assert min(tenure, key=tenure.get) == "manila"
    assert min(enps, key=enps.get) == "manila"
    assert min(attrition, key=attrition.get) == "leeds"
    assert max(tenure, key=tenure.get) == "leeds"
    # the new-hire share is real: at least one contact in six at Manila, few at Leeds
    assert new_hire["manila"] > 15 > 3 > new_hire["leeds"]
    # every answered contact's agent is on the roster that day: the whole population
    rows = whole[whole["metric"] == "new_hire_contact_pct"].set_index("centre_id")["n"]
    answered = dict(
        con.execute(
            "SELECT centre_id, count(*) FROM contacts WHERE answered AND agent_id IS NOT NULL "
            "GROUP BY ALL"
        ).fetchall()
    )
    assert rows.to_dict() == answered
    # the vendor's difference from in-house is significant on attrition and eNPS
    manila = whole[(whole["centre_id"] == "manila")].set_index("metric")
    assert manila.loc["attrition_pct", "judgement"] == "worse"
    assert manila.loc["new_hire_contact_pct", "judgement"] == "worse"


def test_the_rehired_leeds_agent_has_two_spells(sample):
    con, _ = sample
    spells = con.execute(
        "SELECT agent_id, count(*) FROM agents WHERE centre_id = 'leeds' GROUP BY ALL "
        "HAVING count(*) > 1"
    ).fetchall()
    assert spells == [("L1001", 2)]

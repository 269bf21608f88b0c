"""Day-level summary tables: built by ingestion, matched to settings, same numbers.

Every other metric test already runs over both routes (conftest.summary_route); this
module checks the ingestion side and compares the two routes on the sample warehouse
for queries that combine grains, non-week-aligned dates, filters and breakdowns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil

import duckdb
import pandas as pd
import pytest

from pipelines.ingest import ingest_files
from pipelines.metrics import (
    MetricQuery,
    agent_scatter,
    drilldowns,
    gap_contributions,
    long_table,
    metric_table,
    periods,
    repeat_flows,
    summaries,
)
from pipelines.settings import DEFAULT_CONFIG_DIR, load_metric_settings
from pipelines.warehouse import connect_read_only


@pytest.fixture(autouse=True)
def summary_route() -> str:
    """Overrides conftest's two-route run: these tests choose the route per call."""
    return "chosen per call"


@pytest.fixture(scope="module")
def sample(sample_warehouse):
    con = connect_read_only(sample_warehouse)
    yield con, load_metric_settings(DEFAULT_CONFIG_DIR)
    con.close()


def raw_route(monkeypatch):
    for module in (long_table, drilldowns, periods):
        monkeypatch.setattr(module, "summary_info", lambda con, settings: None)


def test_ingestion_builds_summaries_for_the_configured_settings(sample):
    con, settings = sample
    info = summaries.summary_info(con, settings)
    assert info is not None
    assert (info.first_date, info.last_date) == (dt.date(2026, 5, 25), dt.date(2026, 11, 22))
    assert (
        info.latest_contact_at == con.execute("SELECT MAX(started_at) FROM contacts").fetchone()[0]
    )
    # every contact, survey and evaluation lands in exactly one cell
    for cells, records in (
        ("SELECT SUM(contacts__n) FROM contact_days", "SELECT COUNT(*) FROM contacts"),
        ("SELECT SUM(response_rate_pct__x) FROM survey_days", "SELECT COUNT(*) FROM surveys"),
        ("SELECT SUM(qa_score__n) FROM qa_days", "SELECT COUNT(*) FROM qa_evaluations"),
    ):
        assert con.execute(cells).fetchone()[0] == con.execute(records).fetchone()[0]


def test_other_settings_or_changed_rows_fall_back_to_the_raw_route(
    sample, sample_warehouse, tmp_path
):
    con, settings = sample
    assert summaries.summary_info(con, dataclasses.replace(settings, repeat_window_days=3)) is None
    assert (
        summaries.summary_info(con, dataclasses.replace(settings, reporting_timezone="UTC")) is None
    )
    # min_sample and confidence act after the sums: the summaries still serve
    assert summaries.summary_info(con, dataclasses.replace(settings, min_sample=5)) is not None
    changed = tmp_path / "changed.duckdb"
    shutil.copy(sample_warehouse, changed)
    writer = duckdb.connect(str(changed))
    writer.execute(
        "DELETE FROM contacts WHERE contact_id IN (SELECT contact_id FROM contacts LIMIT 1)"
    )
    assert summaries.summary_info(writer, settings) is None
    writer.close()


def test_a_run_that_changes_nothing_keeps_the_summaries_and_a_settings_change_rebuilds(
    sample_warehouse, tmp_path
):
    live = tmp_path / "warehouse.duckdb"
    shutil.copy(sample_warehouse, live)
    assert not ingest_files(warehouse=live).published  # same files: nothing to do

    config = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, config)
    settings_file = config / "settings.yaml"
    settings_file.write_text(
        settings_file.read_text(encoding="utf-8").replace(
            "repeat_window_days: 7", "repeat_window_days: 3"
        ),
        encoding="utf-8",
    )
    new_settings = load_metric_settings(config)
    assert new_settings.repeat_window_days == 3
    assert ingest_files(warehouse=live, config_dir=config).published
    con = connect_read_only(live)
    assert summaries.summary_info(con, new_settings) is not None
    con.close()


QUERIES = [
    MetricQuery(grain="week"),
    MetricQuery(grain="month", group_by="vendor", breakdown="contact_reason"),
    # Wednesday to Tuesday: periods that are not whole weeks
    MetricQuery(
        grain="range",
        start=dt.date(2026, 9, 2),
        end=dt.date(2026, 10, 27),
        channels=("chat", "email"),
        breakdown="channel",
        baseline="glasgow",
    ),
    MetricQuery(
        grain="week",
        start=dt.date(2026, 10, 19),
        end=dt.date(2026, 11, 1),
        contact_reasons=("billing_query", "unknown"),
        qa_evaluator_org="client",
        group_by="shore",
        baseline="onshore",
    ),
    MetricQuery(
        grain="range", centres=("manila", "leeds"), queues=("LDS_VOICE_BILLING", "NWE Billing")
    ),
]


@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_both_routes_give_the_same_metric_table(sample, monkeypatch, query):
    con, settings = sample
    over_summaries = metric_table(con, query, settings)
    raw_route(monkeypatch)
    over_raw = metric_table(con, query, settings)
    assert len(over_summaries) > 0 and over_summaries["n"].sum() > 0
    pd.testing.assert_frame_equal(over_summaries, over_raw, check_exact=False, rtol=1e-9)


def test_both_routes_give_the_same_drill_downs(sample, monkeypatch):
    con, settings = sample
    query = MetricQuery(
        grain="range",
        group_by="vendor",
        start=dt.date(2026, 8, 5),
        end=dt.date(2026, 11, 22),
        channels=("voice", "chat"),
    )
    vendor = "Pacific Reach BPO"
    gaps = gap_contributions(con, query, settings, vendor)
    flows = repeat_flows(con, query, settings)
    raw_route(monkeypatch)
    raw_gaps = gap_contributions(con, query, settings, vendor)
    assert gaps.csat_gap == pytest.approx(raw_gaps.csat_gap, rel=1e-9)
    pd.testing.assert_frame_equal(gaps.reasons, raw_gaps.reasons, rtol=1e-9)
    pd.testing.assert_frame_equal(gaps.sections, raw_gaps.sections, rtol=1e-9)
    assert flows["count"].sum() > 0
    pd.testing.assert_frame_equal(flows, repeat_flows(con, query, settings))


def test_both_routes_give_the_same_agent_scatter(sample, monkeypatch):
    con, settings = sample
    # no contact filter: the agent_days summary serves it
    query = MetricQuery(grain="range", start=dt.date(2026, 9, 9), end=dt.date(2026, 11, 3))
    agents = agent_scatter(con, query, settings)
    raw_route(monkeypatch)
    assert agents["contacts"].sum() > 0 and agents["csat_n"].sum() > 0
    pd.testing.assert_frame_equal(agents, agent_scatter(con, query, settings), rtol=1e-9)


def test_both_routes_give_the_same_filter_choices(sample, monkeypatch):
    con, settings = sample
    choices = periods.contact_choices(con, settings)
    raw_route(monkeypatch)
    assert choices == periods.contact_choices(con, settings)
    assert "voice" in choices.channels and "unknown" not in choices.channels
    assert (choices.first_day, choices.last_day) == (dt.date(2026, 5, 25), dt.date(2026, 11, 22))


def test_an_edit_outside_ingestion_that_keeps_the_counts_is_caught(
    sample, sample_warehouse, tmp_path
):
    con, settings = sample
    query = MetricQuery(grain="range", metrics=("complaint_pct",), centres=("manila",))
    before = metric_table(con, query, settings).iloc[0]
    edited = tmp_path / "edited.duckdb"
    shutil.copy(sample_warehouse, edited)
    writer = duckdb.connect(str(edited))
    # every complaint flag flipped in place: the same row counts, other content
    writer.execute("UPDATE contacts SET complaint = NOT complaint")
    writer.close()
    reader = connect_read_only(edited)
    try:
        assert summaries.summary_info(reader, settings) is None
        after = metric_table(reader, query, settings).iloc[0]
    finally:
        reader.close()
    # complaint_pct is complaints / answered: flipping every flag gives 100 - before
    # (the summaries, had they served, would still say `before`)
    assert after["n"] == before["n"]
    assert after["value"] == pytest.approx(100 - before["value"])


def test_the_content_check_is_remembered_per_file_version(sample, monkeypatch):
    con, settings = sample
    assert summaries.summary_info(con, settings) is not None
    scans = []
    real_execute = type(con).execute

    def counting(self, sql, *args, **kwargs):
        if sql == summaries.SOURCE_CHECKSUMS_SQL:
            scans.append(sql)
        return real_execute(self, sql, *args, **kwargs)

    monkeypatch.setattr(type(con), "execute", counting)
    for _ in range(3):
        assert summaries.summary_info(con, settings) is not None
    assert scans == []  # the unchanged file was verified once, before
    monkeypatch.setattr(summaries, "_verified", {})  # a new process: verified again, once
    for _ in range(3):
        assert summaries.summary_info(con, settings) is not None
    assert len(scans) == 1

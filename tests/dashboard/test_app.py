"""Every page under Streamlit's AppTest, on the sample warehouse.

Numbers on screen are checked against the metric layer called directly with the same
filters, so a page can never drift from the contract.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from dashboard.formatting import format_value
from pipelines.metrics import CATALOGUE, MetricQuery, load_targets, metric_table
from pipelines.settings import DEFAULT_CONFIG_DIR, load_metric_settings
from pipelines.warehouse import connect_read_only, create_schema

LATEST_WEEK = date(2026, 11, 16)  # the sample exports end on Sun 2026-11-22


def _metric_layer(warehouse, **fields) -> pd.DataFrame:
    con = connect_read_only(warehouse)
    try:
        return metric_table(con, MetricQuery(**fields), load_metric_settings(DEFAULT_CONFIG_DIR),
                            load_targets(DEFAULT_CONFIG_DIR / "targets.yaml"))
    finally:
        con.close()


def _scorecard_values(at) -> dict[str, list[str]]:
    """Metric name -> the displayed values, one per centre column, from the scorecard."""
    html = next(m.value for m in at.markdown if 'class="scorecard"' in m.value)
    rows = re.findall(r'<tr><td title="[^"]*">([^<]+)</td>(.*?)</tr>', html)
    return {name: re.findall(r'<div class="value">([^<]+)</div>', cells) for name, cells in rows}


def _expected(table: pd.DataFrame, metric: str) -> list[str]:
    rows = table[table["metric"] == metric]
    return [format_value(v, CATALOGUE[metric].unit) for v in rows["value"]]


def test_overview_shows_the_metric_layers_numbers_for_the_latest_week(app, sample_warehouse):
    at = app()
    assert at.title[0].value == "Weekly overview"
    assert "Week of Mon 16 Nov 2026" in at.caption[0].value

    expected = _metric_layer(sample_warehouse, start=LATEST_WEEK,
                             end=LATEST_WEEK + timedelta(days=6))
    shown = _scorecard_values(at)
    for metric in ["csat_pct", "nps", "fcr_repeat_pct", "qa_score", "aht_s",
                   "service_level_pct"]:
        assert shown[CATALOGUE[metric].name] == _expected(expected, metric), metric
    # In-house first, then vendors: the columns follow the metric layer's order.
    assert list(expected.drop_duplicates("centre_id")["centre_name"])[0] == "Northwind Leeds"


def test_overview_flags_the_fast_vendor_behind_in_house(app):
    at = app()
    flags = [e.value for e in at.error]
    assert any(f.startswith("**Pacific Reach Manila** is significantly behind") for f in flags)
    html = next(m.value for m in at.markdown if 'class="scorecard"' in m.value)
    assert "sig." in html and "provisional" in html


def test_url_parameters_choose_week_and_centres(app, sample_warehouse):
    at = app(week="2026-10-05", centre=["glasgow", "manila"], weeks="4")
    assert "Week of Mon 05 Oct 2026" in at.caption[0].value
    html = next(m.value for m in at.markdown if 'class="scorecard"' in m.value)
    assert "Claremont Glasgow" in html and "Pacific Reach Manila" in html
    assert "Northwind Leeds" not in html and "Atlântico Lisbon" not in html
    expected = _metric_layer(sample_warehouse, start=date(2026, 10, 5), end=date(2026, 10, 11),
                             centres=("glasgow", "manila"))
    assert _scorecard_values(at)["CSAT %"] == _expected(expected, "csat_pct")
    assert at.subheader[-1].value == "Customer metrics, last 4 weeks"


def test_changing_a_filter_updates_the_view_and_the_link(app):
    at = app()
    at.selectbox(key="f_week").set_value(date(2026, 9, 28)).run()
    assert "Week of Mon 28 Sep 2026" in at.caption[0].value
    assert at.query_params["week"] == "2026-09-28"
    at.selectbox(key="f_baseline").set_value("glasgow").run()
    assert "gaps against Claremont Glasgow" in at.caption[0].value
    assert at.query_params["baseline"] == "glasgow"


def test_unknown_link_values_are_ignored_with_a_notice(app):
    at = app(week="1999-01-04", centre=["atlantis"])
    assert "Week of Mon 16 Nov 2026" in at.caption[0].value
    assert any("atlantis" in c.value for c in at.sidebar.caption)


def test_compare_shows_raw_and_mix_adjusted_csat_from_the_metric_layer(app, sample_warehouse):
    at = app("compare")
    assert at.title[0].value == "Compare"
    start = LATEST_WEEK - timedelta(weeks=12)
    expected = _metric_layer(sample_warehouse, grain="range", start=start,
                             end=LATEST_WEEK + timedelta(days=6))
    mix = at.dataframe[0].value
    by_centre = expected.pivot_table(index="centre_name", columns="metric", values="value")
    for record in mix.itertuples(index=False):
        assert record[1] == pytest.approx(by_centre.loc[record[0], "csat_pct"])
        assert record[2] == pytest.approx(by_centre.loc[record[0], "csat_pct_adjusted"])
    # The story: Lisbon beats Glasgow on raw CSAT, Glasgow beats Lisbon once mix-adjusted.
    ranks = mix.set_index(mix.columns[0])
    assert ranks.loc["Atlântico Lisbon", "rank raw"] < ranks.loc["Claremont Glasgow", "rank raw"]
    assert (ranks.loc["Claremont Glasgow", "rank adjusted"]
            < ranks.loc["Atlântico Lisbon", "rank adjusted"])


def test_compare_by_vendor_from_the_link(app):
    at = app("compare", group_by="vendor")
    groups = list(at.dataframe[0].value.iloc[:, 0])
    assert groups == ["In-house", "Atlântico Serviços", "Claremont Contact", "Pacific Reach BPO"]


@pytest.mark.parametrize(("baseline", "group_by"), [("glasgow", "vendor"),
                                                     ("leeds", "shore"),
                                                     ("manila", "sourcing")])
def test_compare_groups_against_a_single_centre_baseline(app, baseline, group_by):
    # These links raised a ValueError: the sidebar offers centres as baselines, but the
    # metric layer only accepted a group key of the grouping.
    at = app("compare", baseline=baseline, group_by=group_by)
    centre_name = {"glasgow": "Claremont Glasgow", "leeds": "Northwind Leeds",
                   "manila": "Pacific Reach Manila"}[baseline]
    assert f"gaps against {centre_name}" in at.caption[0].value
    assert not at.exception


def test_partner_review_scorecard_against_targets(app, sample_warehouse):
    at = app("partner_review", vendor="Pacific Reach BPO")
    assert at.title[0].value == "Partner review"
    assert at.selectbox(key="review_vendor").value == "Pacific Reach BPO"
    targets = at.dataframe[0].value.set_index("Metric")
    start = LATEST_WEEK - timedelta(weeks=12)
    expected = _metric_layer(sample_warehouse, grain="range", group_by="vendor", start=start,
                             end=LATEST_WEEK + timedelta(days=6))
    vendor = expected[expected["centre_id"] == "Pacific Reach BPO"].set_index("metric")
    for metric in ["csat_pct", "fcr_repeat_pct", "aht_s"]:
        row = targets.loc[CATALOGUE[metric].name]
        assert row["Value"] == format_value(vendor.loc[metric, "value"], CATALOGUE[metric].unit)
        assert row["Status"].endswith(vendor.loc[metric, "status"])
    assert targets.loc["CSAT %", "Status"] == "✖ missed"
    assert [b.label for b in at.get("download_button")] == [
        "Review pack (HTML, opens offline)", "Tables (Excel)"]
    # customers' comments are shown as plain text, never as markdown
    assert len(at.text) > 0
    assert not [m for m in at.markdown if m.value.startswith("> ")]


def test_data_page_lists_loads_rejects_and_definitions(app, sample_warehouse):
    at = app("data")
    assert at.title[0].value == "Data"
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    loads, rejects = con.execute(
        "SELECT (SELECT count(*) FROM loads), (SELECT count(*) FROM rejects)").fetchone()
    con.close()
    _as_of, freshness, ledger, rejected, definitions = (d.value for d in at.dataframe)
    assert len(ledger) == loads
    assert len(rejected) == rejects > 0
    assert set(freshness["kind"]) == {"contacts", "surveys", "qa"}
    assert list(definitions["metric"]) == list(CATALOGUE)

    at.multiselect(key="rejects_centre").set_value(["manila"]).run()
    assert set(at.dataframe[3].value["centre_id"]) == {"manila"}


def test_no_warehouse_says_how_to_load(app, monkeypatch, tmp_path):
    monkeypatch.setenv("CC_WAREHOUSE", str(tmp_path / "missing.duckdb"))
    from streamlit.testing.v1 import AppTest

    from tests.dashboard.conftest import APP

    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "python -m pipelines ingest" in at.info[0].value


def test_empty_warehouse_explains_itself(monkeypatch, tmp_path):
    path = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(path))
    create_schema(con)
    con.close()
    monkeypatch.setenv("CC_WAREHOUSE", str(path))
    from streamlit.testing.v1 import AppTest

    from tests.dashboard.conftest import APP

    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "no contacts yet" in at.info[0].value
    at.switch_page("screens/data.py").run()
    assert not at.exception
    assert at.title[-1].value == "Data"


def test_the_app_follows_a_warehouse_swapped_in_by_a_load(sample_warehouse, monkeypatch,
                                                          tmp_path):
    import shutil

    from streamlit.testing.v1 import AppTest

    from tests.dashboard.conftest import APP

    live = tmp_path / "live.duckdb"
    shutil.copy(sample_warehouse, live)
    monkeypatch.setenv("CC_WAREHOUSE", str(live))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert "Pacific Reach Manila" in next(m.value for m in at.markdown if "scorecard" in m.value)

    # What ingestion does: build a new file beside the live one, then rename it over.
    building = tmp_path / "live.duckdb.building"
    shutil.copy(sample_warehouse, building)
    con = duckdb.connect(str(building))
    for table in ["contacts", "surveys", "qa_evaluations", "qa_sections", "centres"]:
        con.execute(f"DELETE FROM {table} WHERE centre_id = 'manila'")
    con.close()
    building.replace(live)

    at.run()
    assert not at.exception
    html = next(m.value for m in at.markdown if "scorecard" in m.value)
    assert "Pacific Reach Manila" not in html and "Northwind Leeds" in html

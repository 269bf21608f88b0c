"""Fixtures for the dashboard tests: the sample warehouse and the app under AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.ingest import ingest_files
from pipelines.metrics import MetricQuery, load_targets, metric_table
from pipelines.settings import DEFAULT_CONFIG_DIR, REPO_ROOT, load_metric_settings
from pipelines.warehouse import connect_read_only

APP = str(REPO_ROOT / "dashboard" / "app.py")


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample exports loaded through the real pipeline into a fresh DuckDB file."""
    path = tmp_path_factory.mktemp("dashboard") / "warehouse.duckdb"
    report = ingest_files(config_dir=DEFAULT_CONFIG_DIR, warehouse=path)
    assert not report.failed
    return path


@pytest.fixture
def app(sample_warehouse: Path, monkeypatch: pytest.MonkeyPatch):
    """A function that runs the app (optionally a page, with URL parameters)."""
    monkeypatch.setenv("CC_WAREHOUSE", str(sample_warehouse))

    def run(page: str | None = None, **query_params: str | list[str]) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in query_params.items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(f"screens/{page}.py")
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def metric_layer(warehouse: Path, **fields):
    """The long table the pages should show, from the metric layer called directly."""
    con = connect_read_only(warehouse)
    try:
        return metric_table(con, MetricQuery(**fields), load_metric_settings(DEFAULT_CONFIG_DIR),
                            load_targets(DEFAULT_CONFIG_DIR / "targets.yaml"))
    finally:
        con.close()

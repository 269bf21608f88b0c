"""Fixtures shared by every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.ingest import ingest_files
from pipelines.settings import DEFAULT_CONFIG_DIR


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample exports loaded once per session through the real pipeline into a fresh
    DuckDB file. Read it only (connect_read_only); a test that edits copies it first."""
    path = tmp_path_factory.mktemp("sample") / "warehouse.duckdb"
    report = ingest_files(config_dir=DEFAULT_CONFIG_DIR, warehouse=path)
    assert not report.failed
    return path

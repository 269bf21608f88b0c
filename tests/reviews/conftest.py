"""Fixtures for the review-meetings tests: a store in a temporary folder."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.reviews import store as store_module
from pipelines.reviews.store import ReviewStore

FIXED_NOW = datetime(2026, 11, 23, 9, 30, 0, 123456, tzinfo=UTC)


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(store_module, "clock", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def store(tmp_path: Path) -> ReviewStore:
    return ReviewStore(tmp_path / "reviews.sqlite")

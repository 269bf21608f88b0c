"""Where things live and the metric settings of METRICS.md, configurable in one place.

Paths come from the environment when set, else from the repository's defaults:

- ``CC_CONFIG_DIR``: folder with ``settings.yaml``, ``targets.yaml`` and ``sources/*.yaml``
- ``CC_WAREHOUSE``: the DuckDB warehouse file
- ``CC_CUSTOMER_SALT``: salt for hashing customer identifiers (overrides settings.yaml)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_DIR = REPO_ROOT / "sample_data" / "config"
DEFAULT_WAREHOUSE = REPO_ROOT / "warehouse" / "contact_centre.duckdb"


def config_dir() -> Path:
    return Path(os.environ.get("CC_CONFIG_DIR", DEFAULT_CONFIG_DIR))


def warehouse_path() -> Path:
    return Path(os.environ.get("CC_WAREHOUSE", DEFAULT_WAREHOUSE))


@dataclass(frozen=True)
class MetricSettings:
    """The settings table of METRICS.md, with its defaults."""

    reporting_timezone: str = "UTC"
    repeat_window_days: int = 7
    service_level_threshold_s: float = 20
    short_abandon_s: float = 5
    qa_pass_mark: float = 80
    min_sample: int = 30
    confidence: float = 0.95

    def with_overrides(self, **overrides: object) -> MetricSettings:
        return replace(self, **overrides)


def read_settings_file(directory: Path) -> dict:
    path = directory / "settings.yaml"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def load_metric_settings(directory: Path | None = None) -> MetricSettings:
    """Metric settings from ``settings.yaml`` (section ``metrics``), defaults elsewhere."""
    raw = read_settings_file(directory or config_dir()).get("metrics") or {}
    known = {field.name for field in fields(MetricSettings)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(
            f"settings.yaml: unknown metric setting(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known))}"
        )
    return MetricSettings(**raw)


def customer_salt(directory: Path | None = None) -> str:
    """The salt for customer identifiers: environment first, then settings.yaml."""
    salt = os.environ.get("CC_CUSTOMER_SALT") or read_settings_file(directory or config_dir()).get(
        "customer_salt"
    )
    if not salt:
        raise ValueError("No customer salt: set CC_CUSTOMER_SALT or customer_salt in settings.yaml")
    return str(salt)

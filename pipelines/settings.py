"""Where things live and the metric settings of METRICS.md, configurable in one place.

Paths come from the environment when set, else from the repository's defaults:

- ``CC_CONFIG_DIR``: folder with ``settings.yaml``, ``targets.yaml`` and ``sources/*.yaml``
- ``CC_WAREHOUSE``: the DuckDB warehouse file
- ``CC_REVIEWS``: the review-meetings store (SQLite), default ``reviews.sqlite`` beside
  the warehouse (docs/REVIEW_MEETINGS.md)
- ``CC_CUSTOMER_SALT``: salt for hashing customer identifiers; required unless
  settings.yaml says ``deployment: demo`` (then its ``customer_salt`` may be used)
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


def reviews_path(warehouse: Path | None = None) -> Path:
    """The writable review-meetings store: ``CC_REVIEWS``, else beside the warehouse."""
    beside = (warehouse or warehouse_path()).parent / "reviews.sqlite"
    return Path(os.environ.get("CC_REVIEWS") or beside)


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
    calibration_tolerance_pts: float = 5
    new_hire_days: int = 90

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


DEPLOYMENTS = ("demo", "production")


def deployment(directory: Path | None = None) -> str:
    """``deployment`` in settings.yaml: ``demo`` or (the default) ``production``."""
    value = read_settings_file(directory or config_dir()).get("deployment", "production")
    if value not in DEPLOYMENTS:
        raise ValueError(
            f"settings.yaml: deployment is {value!r}; it must be one of {', '.join(DEPLOYMENTS)}"
        )
    return value


def customer_salt(directory: Path | None = None) -> str:
    """The salt for customer identifiers: ``CC_CUSTOMER_SALT``, else, in a demo deployment
    only, ``customer_salt`` from settings.yaml (a committed value is no secret)."""
    directory = directory or config_dir()
    if salt := os.environ.get("CC_CUSTOMER_SALT"):
        return salt
    committed = read_settings_file(directory).get("customer_salt")
    if deployment(directory) == "demo" and committed:
        return str(committed)
    why = (
        f"{directory / 'settings.yaml'} has a customer_salt, but it is used only when that "
        "file says 'deployment: demo'"
        if committed
        else f"{directory / 'settings.yaml'} is not a demo deployment ('deployment: demo')"
    )
    raise ValueError(
        f"No customer salt: set CC_CUSTOMER_SALT in the environment ({why}). Create one "
        "once, e.g. export CC_CUSTOMER_SALT=\"$(python -c 'import secrets; "
        "print(secrets.token_hex(32))')\", keep it in the deployment's secret store and set "
        "the same value for every load: the warehouse refuses another salt "
        "(docs/INGESTION.md, 'Changing the salt')."
    )

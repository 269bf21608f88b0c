"""Targets from ``targets.yaml`` and the met / near / missed / no data status.

A target applies to all centres, to one vendor's centres or to one centre; the most
specific one wins (centre, then vendor, then all). See docs/METRIC_LAYER.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipelines.metrics.catalogue import CATALOGUE

TARGETS_FILE = "targets.yaml"
DEFAULT_POINTS_TOLERANCE = 2.0  # pct, score and nps: 2 points
DEFAULT_SECONDS_TOLERANCE_SHARE = 0.05  # durations: 5 % of the target

STATUS_MET = "met"
STATUS_NEAR = "near"
STATUS_MISSED = "missed"
STATUS_NO_DATA = "no data"


@dataclass(frozen=True)
class Target:
    metric: str
    value: float
    direction: str  # "higher" | "lower": which side of the target is good
    tolerance: float  # absolute, in the metric's unit
    centre: str | None = None
    vendor: str | None = None

    def status(self, value: float | None, n: int) -> str:
        if n == 0 or value is None or (isinstance(value, float) and math.isnan(value)):
            return STATUS_NO_DATA
        shortfall = self.value - value if self.direction == "higher" else value - self.value
        if shortfall <= 0:
            return STATUS_MET
        if shortfall <= self.tolerance:
            return STATUS_NEAR
        return STATUS_MISSED


@dataclass(frozen=True)
class Targets:
    entries: tuple[Target, ...] = ()

    def lookup(
        self, metric: str, centre: str | None = None, vendor: str | None = None
    ) -> Target | None:
        """The most specific target for a metric: centre, then vendor, then all."""
        candidates = [entry for entry in self.entries if entry.metric == metric]
        for entry in candidates:
            if centre is not None and entry.centre == centre:
                return entry
        for entry in candidates:
            if vendor is not None and entry.vendor == vendor and entry.centre is None:
                return entry
        for entry in candidates:
            if entry.centre is None and entry.vendor is None:
                return entry
        return None


def default_tolerance(metric: str, target: float) -> float:
    unit = CATALOGUE[metric].unit
    if unit == "seconds":
        return abs(target) * DEFAULT_SECONDS_TOLERANCE_SHARE
    if unit == "count":
        return 0.0
    return DEFAULT_POINTS_TOLERANCE


def load_targets(path: Path | str | None = None) -> Targets:
    """Read targets from a YAML file (default: ``targets.yaml`` in the config folder)."""
    if path is None:
        from pipelines.settings import config_dir

        path = config_dir() / TARGETS_FILE
    path = Path(path)
    if path.is_dir():
        path = path / TARGETS_FILE
    if not path.exists():
        return Targets()
    with path.open(encoding="utf-8") as handle:
        try:
            document = yaml.safe_load(handle) or {}
        except yaml.YAMLError as error:
            raise ValueError(f"{path}: not valid YAML ({error}); fix the syntax") from error
    raw_entries = document.get("targets") if isinstance(document, dict) else None
    if raw_entries is None:
        raw_entries = []
    if not isinstance(raw_entries, list):
        raise ValueError(f"{path}: 'targets' must be a list of entries")
    entries = tuple(_parse_entry(path, index, raw) for index, raw in enumerate(raw_entries, 1))
    _check_duplicates(path, entries)
    return Targets(entries)


def _parse_entry(path: Path, index: int, raw: object) -> Target:
    where = f"{path}: targets entry {index}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a mapping with metric and target, got {raw!r}")
    allowed = {"metric", "target", "direction", "tolerance", "centre", "vendor"}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ValueError(
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )
    metric = raw.get("metric")
    if metric not in CATALOGUE:
        raise ValueError(f"{where}: unknown metric {metric!r}; use one of {', '.join(CATALOGUE)}")
    value = _number(where, "target", raw.get("target"))
    if value is None:
        raise ValueError(f"{where}: 'target' is required (a number)")
    direction = raw.get("direction", CATALOGUE[metric].direction)
    if direction not in ("higher", "lower"):
        raise ValueError(f"{where}: direction must be 'higher' or 'lower', got {direction!r}")
    tolerance = _number(where, "tolerance", raw.get("tolerance"))
    if tolerance is None:
        tolerance = default_tolerance(metric, value)
    if tolerance < 0:
        raise ValueError(f"{where}: tolerance must not be negative, got {tolerance}")
    centre, vendor = raw.get("centre"), raw.get("vendor")
    if centre is not None and vendor is not None:
        raise ValueError(f"{where}: give either centre or vendor, not both")
    return Target(
        metric,
        value,
        direction,
        tolerance,
        None if centre is None else str(centre),
        None if vendor is None else str(vendor),
    )


def _number(where: str, key: str, raw: object) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError(f"{where}: '{key}' must be a number, got {raw!r}")
    return float(raw)


def _check_duplicates(path: Path, entries: tuple[Target, ...]) -> None:
    seen: set[tuple[str, str | None, str | None]] = set()
    for entry in entries:
        scope = (entry.metric, entry.centre, entry.vendor)
        if scope in seen:
            raise ValueError(
                f"{path}: two targets for {entry.metric} with the same scope "
                f"(centre={entry.centre}, vendor={entry.vendor}); keep one"
            )
        seen.add(scope)

"""What a caller asks the metric layer for: periods, grouping, filters, baseline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pipelines.metrics.catalogue import validate_metric_ids

Grain = Literal["week", "month", "range"]
GroupBy = Literal["centre", "vendor", "sourcing", "shore"]
Breakdown = Literal["contact_reason", "channel"]

GRAINS: tuple[str, ...] = ("week", "month", "range")
GROUP_BYS: tuple[str, ...] = ("centre", "vendor", "sourcing", "shore")
BREAKDOWNS: tuple[str, ...] = ("contact_reason", "channel")
EVALUATOR_ORGS: tuple[str, ...] = ("own", "client")
IN_HOUSE_BASELINE = "in_house"


@dataclass(frozen=True)
class MetricQuery:
    """One request to the metric layer. Empty filter tuples mean "all"."""

    grain: Grain = "week"
    start: dt.date | None = None  # inclusive, a date in reporting_timezone
    end: dt.date | None = None  # inclusive
    group_by: GroupBy = "centre"
    centres: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    contact_reasons: tuple[str, ...] = ()
    baseline: str = IN_HOUSE_BASELINE  # in-house pooled, a group key or a centre id
    breakdown: Breakdown | None = None
    qa_evaluator_org: Literal["own", "client"] | None = None
    metrics: tuple[str, ...] = ()
    # a vendor's view (its vendor id): other centres anonymised, their own rows unreachable
    vendor_scope: str | None = None

    def __post_init__(self) -> None:
        _check_choice("grain", self.grain, GRAINS)
        _check_choice("group_by", self.group_by, GROUP_BYS)
        if self.breakdown is not None:
            _check_choice("breakdown", self.breakdown, BREAKDOWNS)
        if self.qa_evaluator_org is not None:
            _check_choice("qa_evaluator_org", self.qa_evaluator_org, EVALUATOR_ORGS)
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and (
                not isinstance(value, dt.date) or isinstance(value, dt.datetime)
            ):
                raise ValueError(f"MetricQuery.{name} must be a datetime.date, got {value!r}")
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"MetricQuery: start {self.start} is after end {self.end}")
        for name in ("centres", "channels", "queues", "contact_reasons", "metrics"):
            value = getattr(self, name)
            if isinstance(value, str):  # a bare string would be read as its characters
                raise ValueError(f"MetricQuery.{name} must be a tuple of strings, got {value!r}")
            object.__setattr__(self, name, tuple(value))
        validate_metric_ids(self.metrics)

    @property
    def metric_ids(self) -> tuple[str, ...]:
        return validate_metric_ids(self.metrics)

    @property
    def filters_by_contact(self) -> bool:
        """True when a filter needs the linked contact (surveys and QA without one drop)."""
        return bool(self.channels or self.queues or self.contact_reasons)


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"MetricQuery.{name} must be one of {', '.join(choices)}; got {value!r}")

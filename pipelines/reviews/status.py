"""Where each objective agreed at a review meeting stands, measured by the metric layer.

An objective (metric, target, due date, agreed at a meeting on ``held_on``) is measured
over the vendor's centres pooled, from the meeting date to its due date, or to the
latest day with data when the due date is not reached yet::

    MetricQuery(grain="range", start=held_on, end=min(due, as_of), group_by="vendor")

``as_of`` is the last day the warehouse holds data for (``data_range``), not today's
date: an objective is judged on the data, so it is due (its window complete) when
``due <= as_of``. The value is compared with the objective's own target by the Targets
rule of METRICS.md (``pipelines.metrics.targets.Target.status``, the objective's
direction and the metric's default tolerance):

| status               | when                                                          |
|----------------------|---------------------------------------------------------------|
| `met`                | due, and the value is on the right side of the target        |
| `missed`             | due, and it is not                                            |
| `on track`           | not due yet, and the value so far meets the target            |
| `behind`             | not due yet, and the value so far does not meet it            |
| `not yet measurable` | no data in the window (n = 0, or no day of data since the     |
|                      | meeting), or fewer than ``min_sample`` in it (too few to judge)|

"Near" (on the wrong side, within the tolerance) is **not** met: an objective is a
commitment to reach the target, so near counts as missed (or behind), and ``near`` says
it was close (the page shows "within tolerance" beside the status).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from pipelines.metrics import MetricQuery, data_range, metric_table
from pipelines.metrics.catalogue import CATALOGUE
from pipelines.metrics.targets import (
    STATUS_MET,
    STATUS_NEAR,
    Target,
    default_tolerance,
)
from pipelines.reviews.store import Meeting, Objective
from pipelines.settings import MetricSettings

ON_TRACK = "on track"
BEHIND = "behind"
MET = "met"
MISSED = "missed"
NOT_MEASURABLE = "not yet measurable"
STATUSES = (ON_TRACK, BEHIND, MET, MISSED, NOT_MEASURABLE)


@dataclass(frozen=True)
class ObjectiveStatus:
    objective: Objective
    status: str  # one of STATUSES
    value: float | None  # over start..end; None when nothing could be measured
    n: int
    start: date  # the meeting date
    end: date | None  # min(due, as_of); None when there is no data since the meeting
    near: bool = False  # not met, but within the metric's tolerance of the target
    detail: str = ""  # why it is not measurable, for people


def window(objective: Objective, held_on: date, as_of: date | None) -> date | None:
    """The last day the objective is measured over, or None when no day of data follows
    the meeting."""
    if as_of is None or as_of < held_on:
        return None
    return min(objective.due, as_of)


def judge(
    objective: Objective,
    value: float | None,
    n: int,
    as_of: date | None,
    min_sample: int,
) -> tuple[str, bool, str]:
    """(status, near, detail) for a measured value; see the module's table."""
    if n == 0 or value is None or pd.isna(value):
        return NOT_MEASURABLE, False, "no data since the meeting"
    if n < min_sample:
        return NOT_MEASURABLE, False, f"too few to judge (n = {n} < {min_sample})"
    rule = Target(
        objective.metric,
        objective.target,
        objective.direction,
        default_tolerance(objective.metric, objective.target),
    )
    verdict = rule.status(float(value), n)
    meets = verdict == STATUS_MET
    due = as_of is not None and objective.due <= as_of
    outcomes = {(True, True): MET, (True, False): MISSED, (False, True): ON_TRACK}
    return outcomes.get((due, meets), BEHIND), verdict == STATUS_NEAR, ""


def measure_objectives(
    read_long: Callable[[MetricQuery], pd.DataFrame],
    meeting: Meeting,
    objectives: Sequence[Objective],
    as_of: date | None,
    settings: MetricSettings,
    vendor_scope: str | None = None,
) -> list[ObjectiveStatus]:
    """The status of each objective of ``meeting`` (in order). ``read_long`` answers a
    MetricQuery with the long table (the metric layer, or the app's cached call of it);
    ``vendor_scope`` is the viewer's vendor in a vendor's view."""
    vendor = meeting.vendor
    if vendor_scope is not None and vendor != vendor_scope:
        raise ValueError(f"{vendor!r}'s objectives are not {vendor_scope!r}'s to see")
    measured: dict[date, pd.DataFrame] = {}
    for end in sorted({e for o in objectives if (e := window(o, meeting.held_on, as_of))}):
        metrics = tuple(dict.fromkeys(o.metric for o in objectives if o.metric in CATALOGUE))
        table = read_long(
            MetricQuery(
                grain="range",
                start=meeting.held_on,
                end=end,
                group_by="vendor",
                metrics=metrics,
                vendor_scope=vendor_scope,
            )
        )
        measured[end] = table[table["centre_id"] == vendor].set_index("metric")
    results = []
    for objective in objectives:
        end = window(objective, meeting.held_on, as_of)
        rows = measured.get(end) if end is not None else None
        if rows is None or objective.metric not in rows.index:
            value, n = None, 0
        else:
            row = rows.loc[objective.metric]
            value = None if pd.isna(row["value"]) else float(row["value"])
            n = int(row["n"]) if pd.notna(row["n"]) else 0
        status, near, detail = judge(objective, value, n, as_of, settings.min_sample)
        if end is None:
            detail = "no data since the meeting"
        results.append(
            ObjectiveStatus(objective, status, value, n, meeting.held_on, end, near, detail)
        )
    return results


def objective_statuses(
    con: duckdb.DuckDBPyConnection,
    meeting: Meeting,
    objectives: Sequence[Objective],
    settings: MetricSettings,
    vendor_scope: str | None = None,
) -> list[ObjectiveStatus]:
    """``measure_objectives`` on a warehouse connection, as of its latest data."""
    span = data_range(con, settings)
    return measure_objectives(
        lambda query: metric_table(con, query, settings),
        meeting,
        objectives,
        None if span is None else span.last_date,
        settings,
        vendor_scope,
    )

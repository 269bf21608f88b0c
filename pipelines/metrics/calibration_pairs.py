"""QA calibration disagreements: the pairs behind ``qa_calibration_gap``, largest first.

A *pair* is a contact both the vendor's own QA team and the client's QA team scored
(METRICS.md, "Trusting the vendor's own numbers"; the ``qa_calibration_pairs`` macro of
sql/definitions.sql, which calibration_days.sql counts too). ``calibration_pairs``
lists the pairs of a selection with their |own - client| difference largest first, so
a partner manager can take the contacts the two teams disagree on most into a
calibration session. Rows belong to one centre: a vendor's view lists its own centres'
pairs only, like the other drill-downs (``drilldowns._own_rows_only``).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.metrics import drilldowns
from pipelines.metrics.catalogue import QA_SECTIONS
from pipelines.metrics.query import MetricQuery
from pipelines.metrics.sql_files import execute, read_sql
from pipelines.metrics.sufficient_stats import sql_parameters
from pipelines.settings import MetricSettings

SIDES = ("own", "client")
SIDE_COLUMNS = (
    "score",
    "passed",
    "critical_fail",
    "evaluations",
    "evaluator_ids",
)
PAIR_COLUMNS = [
    "centre_id",
    "centre_name",
    "contact_id",
    "contact_started_at",
    "channel",
    "contact_reason",
    "agent_id",
    *(f"{side}_{column}" for side in SIDES for column in SIDE_COLUMNS),
    "gap",
    "client_evaluated_date",
    *(f"{side}_{section}" for section in QA_SECTIONS for side in SIDES),
]
DEFAULT_LIMIT = 50


def calibration_pairs(
    con: duckdb.DuckDBPyConnection,
    query: MetricQuery,
    settings: MetricSettings | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> pd.DataFrame:
    """Up to ``limit`` calibration pairs of ``query``'s selection (every pair with
    ``limit=None``), largest |own - client| score difference first; ties by centre and
    contact id.

    The selection: pairs whose latest client evaluation falls on a local day between
    ``query.start`` and ``query.end`` (the data's range when not given), at the query's
    centres (``query.centres`` by shown id; a vendor's view only ever its own centres),
    whose contact matches the channel, queue and reason filters. ``qa_evaluator_org``,
    the grouping, the baseline and the metrics do not apply.

    Columns (``PAIR_COLUMNS``): the centre (id and name), the contact (id, start in the
    reporting time zone, channel, reason, agent; NULL when the contact is not loaded),
    per side (``own_`` / ``client_``) the mean score, the verdict (``passed``:
    mean >= qa_pass_mark and no critical fail), ``critical_fail`` (any of its
    evaluations), the number of evaluations and the sorted evaluator ids; ``gap`` = own -
    client score; ``client_evaluated_date``, the local day of the latest client
    evaluation (the pair's period); and per QA section ``own_<section>`` /
    ``client_<section>``, both NULL unless both sides scored that section.
    """
    if limit is not None and int(limit) < 0:
        raise ValueError(f"limit must be zero or more (or None for every pair), got {limit}")
    settings, centres, groups, bounds, _ = drilldowns._context(con, query, settings)
    groups = drilldowns._own_rows_only(groups, centres)
    if bounds is None or not groups:
        return _empty()
    parameters = sql_parameters(query, settings, *bounds)
    parameters.update(
        centre_ids=sorted({c for g in groups for c in g.centre_ids}),
        limit=None if limit is None else int(limit),
    )
    pairs = execute(con, read_sql("calibration_pairs"), parameters).df()
    names = dict(zip(centres["centre_id"], centres["name"], strict=True))
    shown = dict(zip(centres["centre_id"], centres["shown_id"], strict=True))
    pairs["centre_name"] = pairs["centre_id"].map(names)
    pairs["centre_id"] = pairs["centre_id"].map(shown)  # own centres: their own id
    pairs["client_evaluated_date"] = pd.to_datetime(pairs["client_evaluated_date"]).dt.date
    for side in SIDES:
        pairs[f"{side}_evaluator_ids"] = pairs[f"{side}_evaluator_ids"].map(_ids)
    return pairs[PAIR_COLUMNS].reset_index(drop=True)


def _ids(value: object) -> tuple[str, ...]:
    """A side's evaluator ids as a tuple (hashable, so the frame caches and compares)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ()
    return tuple(str(item) for item in value if item is not None)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=PAIR_COLUMNS)

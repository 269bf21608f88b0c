"""Objective status on a hand-made warehouse, every expected value worked out by hand.

Pacific Reach BPO's centre is manila. The meeting is on Mon 02 Mar 2026; the data ends
on Sun 15 Mar 2026 (as_of). Manila's answered contacts and CSAT answers (1-5 scale;
satisfied is 4 or 5):

    date         contacts (complaint)   CSAT answers
    01 Mar       1 (1)                  1              <- before the meeting: not counted
    02-05 Mar    4 (1, on 03 Mar)       5, 4, 2, 1     week 1: complaints 1/4, CSAT 2/4
    10, 15 Mar   2 (0)                  5 (on 12 Mar)  to 15 Mar: complaints 1/6, CSAT 3/5

Claremont Glasgow has a complaint on 03 Mar: another vendor's, not counted.
"""
# ruff: noqa: F811 (the metric tests' fixtures, imported, are parameters here)

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pipelines.metrics import MetricQuery, metric_table
from pipelines.reviews.status import (
    BEHIND,
    MET,
    MISSED,
    NOT_MEASURABLE,
    ON_TRACK,
    judge,
    measure_objectives,
    objective_statuses,
)
from pipelines.reviews.store import ObjectiveInput
from tests.metrics.conftest import con, settings, summary_route, wh  # noqa: F401

VENDOR = "Pacific Reach BPO"
HELD = date(2026, 3, 2)
AS_OF = date(2026, 3, 15)


@pytest.fixture
def data(wh):
    wh.contact("manila", "2026-03-01 12:00", complaint=True)
    wh.survey("manila", "2026-03-01 12:30", csat_raw=1)
    for day, complaint in (("02", False), ("03", True), ("04", False), ("05", False)):
        wh.contact("manila", f"2026-03-{day} 10:00", complaint=complaint)
    for day, csat in (("02", 5), ("03", 4), ("04", 2), ("05", 1)):
        wh.survey("manila", f"2026-03-{day} 11:00", csat_raw=csat)
    wh.contact("manila", "2026-03-10 10:00")
    wh.survey("manila", "2026-03-12 11:00", csat_raw=5)
    wh.contact("manila", "2026-03-15 10:00")
    wh.contact("glasgow", "2026-03-03 10:00", complaint=True)
    return wh


def _meeting(store, *objectives):
    meeting_id = store.record_meeting(VENDOR, HELD, who="priya", objectives=objectives)
    return store.meeting(meeting_id), store.objectives(meeting_id)


def _statuses(con, store, settings, *objectives, scope=None):
    meeting, recorded = _meeting(store, *objectives)
    return objective_statuses(con, meeting, recorded, settings, scope)


def test_each_status_from_the_hand_made_data(con, data, store, settings):
    results = _statuses(
        con,
        store,
        settings,
        # 1/4 = 25 % complaints in week 1, due 08 Mar: on the target counts as met
        ObjectiveInput("complaint_pct", 25, date(2026, 3, 8)),
        # 2/4 = 50 % CSAT in week 1, due 08 Mar: missed
        ObjectiveInput("csat_pct", 75, date(2026, 3, 8)),
        # 3/5 = 60 % CSAT up to 15 Mar, due 31 Mar: on track (with 01 Mar's answer it
        # would be 3/6 = 50 %, behind)
        ObjectiveInput("csat_pct", 51, date(2026, 3, 31)),
        # 1/6 = 16.7 % complaints up to 15 Mar, due 30 Apr: behind, 1.7 points over the
        # target, within the 2-point tolerance
        ObjectiveInput("complaint_pct", 15, date(2026, 4, 30)),
        # the same 16.7 %, due on the last day of data: the window is complete, missed
        ObjectiveInput("complaint_pct", 10, date(2026, 3, 15)),
        # no QA evaluation at all: nothing to measure
        ObjectiveInput("qa_score", 80, date(2026, 3, 31)),
    )
    got = [(r.status, r.value, r.n, r.end, r.near) for r in results]
    assert got[0] == (MET, 25.0, 4, date(2026, 3, 8), False)
    assert got[1] == (MISSED, 50.0, 4, date(2026, 3, 8), False)
    assert got[2] == (ON_TRACK, 60.0, 5, AS_OF, False)
    assert got[3][0] == BEHIND and got[3][1] == pytest.approx(100 / 6)
    assert got[3][2:] == (6, AS_OF, True)
    assert got[4][0] == MISSED and got[4][1] == pytest.approx(100 / 6)
    assert got[4][2:] == (6, AS_OF, False)
    assert got[5] == (NOT_MEASURABLE, None, 0, AS_OF, False)
    assert results[5].detail == "no data since the meeting"
    assert {r.start for r in results} == {HELD}


def test_the_window_is_the_metric_layers_range_query(con, data, store, settings):
    (result,) = _statuses(con, store, settings, ObjectiveInput("csat_pct", 51, date(2026, 3, 31)))
    table = metric_table(
        con,
        MetricQuery(grain="range", start=HELD, end=AS_OF, group_by="vendor"),
        settings,
    )
    row = table[(table["centre_id"] == VENDOR) & (table["metric"] == "csat_pct")].iloc[0]
    assert (result.value, result.n) == (row["value"], row["n"])


def test_too_few_to_judge_is_not_yet_measurable(con, data, store, settings):
    (result,) = _statuses(
        con,
        store,
        settings.with_overrides(min_sample=5),
        ObjectiveInput("complaint_pct", 25, date(2026, 3, 8)),  # 4 contacts in the window
    )
    assert (result.status, result.value, result.n) == (NOT_MEASURABLE, 25.0, 4)
    assert result.detail == "too few to judge (n = 4 < 5)"


def test_a_meeting_after_the_latest_data_has_nothing_to_measure_yet(con, data, store, settings):
    meeting_id = store.record_meeting(
        VENDOR,
        date(2026, 3, 20),
        who="priya",
        objectives=[ObjectiveInput("csat_pct", 51, date(2026, 4, 30))],
    )
    (result,) = objective_statuses(
        con, store.meeting(meeting_id), store.objectives(meeting_id), settings
    )
    assert (result.status, result.end, result.n) == (NOT_MEASURABLE, None, 0)


def test_a_vendor_view_measures_its_own_objectives_only(con, data, store, settings):
    objective = ObjectiveInput("complaint_pct", 25, date(2026, 3, 8))
    (scoped,) = _statuses(con, store, settings, objective, scope=VENDOR)
    assert (scoped.status, scoped.value, scoped.n) == (MET, 25.0, 4)
    meeting, recorded = _meeting(store, objective)
    with pytest.raises(ValueError, match="not 'Claremont Contact''s to see"):
        objective_statuses(con, meeting, recorded, settings, "Claremont Contact")


def test_lower_is_better_and_near_by_the_metrics_tolerance(store):
    meeting, (aht, csat) = _meeting(
        store,
        ObjectiveInput("aht_s", 300, date(2026, 3, 31)),  # tolerance 5 % = 15 s
        ObjectiveInput("csat_pct", 75, date(2026, 3, 8)),  # tolerance 2 points
    )
    assert judge(aht, 299.0, 100, AS_OF, 30) == (ON_TRACK, False, "")
    assert judge(aht, 315.0, 100, AS_OF, 30) == (BEHIND, True, "")
    assert judge(aht, 315.1, 100, AS_OF, 30) == (BEHIND, False, "")
    assert judge(csat, 73.0, 100, AS_OF, 30) == (MISSED, True, "")
    assert judge(csat, 72.9, 100, AS_OF, 30) == (MISSED, False, "")
    assert judge(csat, 75.0, 100, AS_OF, 30) == (MET, False, "")
    # as of the day before the due date, the same value is only on track
    assert judge(csat, 75.0, 100, date(2026, 3, 7), 30) == (ON_TRACK, False, "")


def test_one_query_per_window(store, settings):
    asked = []

    def read(query):
        asked.append((query.start, query.end, query.metrics, query.grain, query.group_by))
        return pd.DataFrame(columns=["centre_id", "metric", "value", "n"])

    meeting, recorded = _meeting(
        store,
        ObjectiveInput("csat_pct", 75, date(2026, 3, 8)),
        ObjectiveInput("complaint_pct", 5, date(2026, 3, 8)),
        ObjectiveInput("aht_s", 300, date(2026, 6, 30)),
    )
    results = measure_objectives(read, meeting, recorded, AS_OF, settings)
    assert [(s, e, g, b) for s, e, _, g, b in asked] == [
        (HELD, date(2026, 3, 8), "range", "vendor"),
        (HELD, AS_OF, "range", "vendor"),
    ]
    assert {r.status for r in results} == {NOT_MEASURABLE}

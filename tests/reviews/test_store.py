"""The review store: what a meeting records, what the audit keeps, and the errors a user
can cause."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from pipelines.reviews.store import (
    ActionInput,
    ObjectiveInput,
    ReviewInputError,
    ReviewStore,
    StaleEditError,
)
from pipelines.settings import reviews_path

VENDOR = "Pacific Reach BPO"
HELD = date(2026, 10, 5)
CSAT = ObjectiveInput("csat_pct", 65, date(2026, 11, 15), "Marco", "half-way to 80")
AHT = ObjectiveInput("aht_s", 330, date(2026, 12, 31))
CALL = ActionInput("Coaching plan", "Marco", date(2026, 10, 19))
QA = ActionInput("Joint QA calibration", "Joy")  # no due date


def _record(store: ReviewStore, **changes) -> int:
    fields = {
        "who": "priya@northwind.example",
        "attendees": "Priya; Marco",
        "notes": "first review",
        "objectives": [CSAT, AHT],
        "actions": [CALL, QA],
    } | changes
    return store.record_meeting(VENDOR, HELD, **fields)


def test_a_meeting_is_stored_with_its_objectives_and_actions(store):
    meeting_id = _record(store)
    meeting = store.last_meeting(VENDOR)
    assert (meeting.meeting_id, meeting.vendor, meeting.held_on) == (meeting_id, VENDOR, HELD)
    assert (meeting.attendees, meeting.notes, meeting.version) == (
        "Priya; Marco",
        "first review",
        1,
    )
    csat, aht = store.objectives(meeting_id)
    # the direction comes from the catalogue: higher CSAT, lower handle time
    assert (csat.metric, csat.target, csat.direction, csat.due) == (
        "csat_pct",
        65.0,
        "higher",
        date(2026, 11, 15),
    )
    assert (csat.owner, csat.note) == ("Marco", "half-way to 80")
    assert (aht.metric, aht.direction, aht.owner, aht.note) == ("aht_s", "lower", "", "")
    actions = store.actions(VENDOR)
    assert [(a.what, a.who, a.due, a.done, a.held_on) for a in actions] == [
        ("Coaching plan", "Marco", date(2026, 10, 19), False, HELD),
        ("Joint QA calibration", "Joy", None, False, HELD),  # no due date: last
    ]
    assert store.meetings("Claremont Contact") == []


def test_every_insert_is_audited_with_who_when_and_the_new_values(store, fixed_clock):
    meeting_id = _record(store)
    audit = store.audit()
    # 1 meeting + 2 objectives + 2 actions, in the order they were written
    assert [(e.table_name, e.change) for e in audit] == [
        ("meetings", "insert"),
        ("objectives", "insert"),
        ("objectives", "insert"),
        ("actions", "insert"),
        ("actions", "insert"),
    ]
    assert {e.who for e in audit} == {"priya@northwind.example"}
    assert {e.at_utc for e in audit} == {fixed_clock}
    assert {e.vendor for e in audit} == {VENDOR}
    assert all(e.old_values is None for e in audit)
    assert audit[0].row_id == meeting_id
    assert audit[0].new_values == {
        "meeting_id": meeting_id,
        "vendor": VENDOR,
        "held_on": "2026-10-05",
        "attendees": "Priya; Marco",
        "notes": "first review",
        "version": 1,
    }
    assert audit[1].new_values["metric"] == "csat_pct"
    assert audit[1].new_values["direction"] == "higher"
    assert store.audit("Claremont Contact") == []


def test_the_last_meeting_is_the_latest_by_date(store):
    later = store.record_meeting(VENDOR, date(2026, 11, 2), who="priya")
    _record(store)  # recorded afterwards, but held earlier
    store.record_meeting("Claremont Contact", date(2026, 11, 30), who="priya")
    assert store.last_meeting(VENDOR).meeting_id == later
    assert [m.held_on for m in store.meetings(VENDOR)] == [date(2026, 11, 2), HELD]
    assert store.last_meeting("Atlântico Serviços") is None


def test_open_actions_come_from_every_meeting_of_the_vendor(store):
    first = _record(store)
    store.record_meeting(
        VENDOR,
        date(2026, 11, 2),
        who="priya",
        actions=[ActionInput("Second review follow-up", due=date(2026, 11, 9))],
    )
    store.record_meeting("Claremont Contact", HELD, who="priya", actions=[CALL])
    coaching = store.actions(VENDOR)[0]
    store.set_action_done(coaching.action_id, True, version=coaching.version, who="marco")
    assert [(a.what, a.meeting_id == first) for a in store.actions(VENDOR, open_only=True)] == [
        ("Second review follow-up", False),
        ("Joint QA calibration", True),
    ]


def test_ticking_an_action_bumps_its_version_and_audits_old_and_new(store, fixed_clock):
    _record(store)
    action = store.actions(VENDOR)[0]
    done = store.set_action_done(action.action_id, True, version=1, who="marco@pacific.example")
    assert (done.done, done.version) == (True, 2)
    last = store.audit()[-1]
    assert (last.table_name, last.row_id, last.change, last.who) == (
        "actions",
        action.action_id,
        "update",
        "marco@pacific.example",
    )
    assert (last.old_values["done"], last.old_values["version"]) == (0, 1)
    assert (last.new_values["done"], last.new_values["version"]) == (1, 2)
    assert last.old_values["what"] == last.new_values["what"] == "Coaching plan"


def test_a_stale_edit_is_refused_and_changes_nothing(store):
    _record(store)
    action = store.actions(VENDOR)[0]
    store.set_action_done(action.action_id, True, version=action.version, who="marco")
    audited = len(store.audit())
    # someone who opened the page before Marco's tick re-opens it from version 1
    with pytest.raises(StaleEditError, match="changed by marco at .* after you opened it"):
        store.set_action_done(action.action_id, False, version=action.version, who="joy")
    assert store.action(action.action_id).done is True
    assert store.action(action.action_id).version == 2
    assert len(store.audit()) == audited  # nothing written


def test_an_objective_edit_is_checked_versioned_and_audited(store):
    meeting_id = _record(store)
    csat = store.objectives(meeting_id)[0]
    edited = store.update_objective(csat.objective_id, version=1, who="priya", target=70)
    assert (edited.target, edited.version, edited.due, edited.owner) == (70.0, 2, csat.due, "Marco")
    last = store.audit()[-1]
    assert (last.old_values["target"], last.new_values["target"]) == (65.0, 70.0)
    with pytest.raises(StaleEditError):
        store.update_objective(csat.objective_id, version=1, who="tom", target=60)
    with pytest.raises(ReviewInputError, match="before the meeting date 05 Oct 2026"):
        store.update_objective(csat.objective_id, version=2, who="tom", due=date(2026, 9, 1))
    assert store.objective(csat.objective_id).target == 70.0


def test_a_meeting_deleted_by_mistake_leaves_its_rows_in_the_audit(store):
    meeting_id = _record(store)
    store.delete_meeting(meeting_id, version=1, who="priya")
    assert store.meetings(VENDOR) == [] and store.actions(VENDOR) == []
    deletes = [e for e in store.audit() if e.change == "delete"]
    assert [e.table_name for e in deletes] == [
        "objectives",
        "objectives",
        "actions",
        "actions",
        "meetings",
    ]
    assert deletes[-1].old_values["notes"] == "first review" and deletes[-1].new_values is None
    assert deletes[0].old_values["metric"] == "csat_pct"


@pytest.mark.parametrize(
    ("objective", "message"),
    [
        (
            ObjectiveInput("csat_percent", 65, date(2026, 11, 1)),
            "Objective 2: unknown metric 'csat_percent'; use a metric id of the catalogue",
        ),
        (
            ObjectiveInput("csat_pct", 65, date(2026, 10, 4)),
            r"Objective 2 \(CSAT %\): the due date 04 Oct 2026 is before the meeting date "
            "05 Oct 2026",
        ),
        (ObjectiveInput("", None, None), "Objective 2 is empty: pick a metric"),
        (ObjectiveInput("", 65, date(2026, 11, 1)), "Objective 2: pick a metric"),
        (ObjectiveInput("contacts", 100, date(2026, 11, 1)), "Contacts has no better direction"),
        (ObjectiveInput("csat_pct", None, date(2026, 11, 1)), "the target must be a number"),
        (ObjectiveInput("csat_pct", float("nan"), date(2026, 11, 1)), "must be a number"),
        (ObjectiveInput("csat_pct", 65, None), r"Objective 2 \(CSAT %\): give a due date"),
    ],
)
def test_bad_objectives_are_refused_and_nothing_is_stored(store, objective, message):
    with pytest.raises(ReviewInputError, match=message):
        _record(store, objectives=[CSAT, objective])
    assert store.is_empty() and store.audit() == []  # all or nothing


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"who": "  "}, "Saving: who is empty"),
        ({"actions": [CALL, ActionInput("   ", "Joy")]}, "Action 2 is empty: say what"),
        (
            {"actions": [ActionInput("Call back", due=date(2026, 10, 1))]},
            "Action 1: the due date 01 Oct 2026 is before the meeting date 05 Oct 2026",
        ),
        ({"notes": "x" * 5001}, "notes is 5,001 characters long; keep it within 5,000"),
    ],
)
def test_other_bad_input_is_refused_with_what_to_do(store, changes, message):
    with pytest.raises(ReviewInputError, match=message):
        _record(store, **changes)
    assert store.is_empty()


def test_the_store_lives_beside_the_warehouse_unless_told_otherwise(tmp_path, monkeypatch):
    monkeypatch.delenv("CC_REVIEWS", raising=False)
    monkeypatch.setenv("CC_WAREHOUSE", str(tmp_path / "wh" / "contact_centre.duckdb"))
    assert reviews_path() == tmp_path / "wh" / "reviews.sqlite"
    assert reviews_path(tmp_path / "other" / "w.duckdb") == tmp_path / "other" / "reviews.sqlite"
    monkeypatch.setenv("CC_REVIEWS", str(tmp_path / "elsewhere.sqlite"))
    assert reviews_path() == tmp_path / "elsewhere.sqlite"
    assert ReviewStore().path == tmp_path / "elsewhere.sqlite"


def test_the_file_is_in_wal_mode_and_text_is_kept_as_typed(store):
    hostile = "<b>**bold**</b> [link](http://evil.example) :smile:\nsecond line"
    meeting_id = _record(store, notes=hostile)
    assert store.meeting(meeting_id).notes == hostile
    con = sqlite3.connect(store.path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    finally:
        con.close()
    assert ReviewStore(store.path).meeting(meeting_id).notes == hostile  # reopened as is

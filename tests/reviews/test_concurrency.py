"""Two people saving at once lose nothing: separate processes, each with its own SQLite
connections, released together by a barrier before every save."""

from __future__ import annotations

import multiprocessing
import queue
import sys
import types
from datetime import date

import pytest

from pipelines.reviews.store import ActionInput, ReviewStore
from tests.reviews.writers import save_meetings, tick

ROUNDS = 25
WRITERS = ("ann@northwind.example", "priya@northwind.example")
SPAWN = multiprocessing.get_context("spawn")


def _run(target, argument_sets) -> list:
    barrier, results = SPAWN.Barrier(len(argument_sets)), SPAWN.Queue()
    processes = [
        SPAWN.Process(target=target, args=(*arguments, barrier, results))
        for arguments in argument_sets
    ]
    # A spawned child re-runs the parent's __main__ module; after an AppTest in the same
    # pytest process that is dashboard/app.py. A bare __main__ makes it run nothing.
    real_main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        for process in processes:
            process.start()
    finally:
        sys.modules["__main__"] = real_main
    try:
        collected = [results.get(timeout=120) for _ in processes]
    except queue.Empty:
        pytest.fail("a writer process did not finish")
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return collected


def test_two_writers_saving_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "reviews.sqlite")
    ReviewStore(path)  # the schema exists before the race
    saved = dict(_run(save_meetings, [(path, writer, ROUNDS) for writer in WRITERS]))
    store = ReviewStore(path)
    meetings = store.meetings("Pacific Reach BPO")
    assert len(meetings) == len(WRITERS) * ROUNDS
    ids = sorted(m.meeting_id for m in meetings)
    assert ids == sorted(saved[WRITERS[0]] + saved[WRITERS[1]])  # every id returned is there
    for writer in WRITERS:
        mine = [m for m in meetings if m.attendees.startswith(writer)]
        assert sorted(m.attendees for m in mine) == sorted(
            f"{writer} round {r}" for r in range(ROUNDS)
        )
        for meeting in mine:
            round_ = int(meeting.attendees.rsplit(" ", 1)[1])
            csat, aht = store.objectives(meeting.meeting_id)
            assert (csat.metric, csat.target, aht.metric, aht.owner) == (
                "csat_pct",
                60 + round_,
                "aht_s",
                writer,
            )
    actions = store.actions("Pacific Reach BPO")
    assert sorted(a.what for a in actions) == sorted(
        f"{w} action {r}" for w in WRITERS for r in range(ROUNDS)
    )
    audit = store.audit()
    # per meeting: the meeting, two objectives, one action; each by the writer who saved it
    assert len(audit) == len(WRITERS) * ROUNDS * 4
    assert len({(e.table_name, e.row_id) for e in audit}) == len(audit)
    assert {e.change for e in audit} == {"insert"}
    assert sorted(e.row_id for e in audit if e.table_name == "meetings") == ids
    assert {e.table_name for e in audit} == {"meetings", "objectives", "actions"}
    by_writer = {w: sum(e.who == w for e in audit) for w in WRITERS}
    assert by_writer == {w: ROUNDS * 4 for w in WRITERS}


def test_of_two_people_ticking_the_same_action_the_second_is_refused(tmp_path):
    path = str(tmp_path / "reviews.sqlite")
    store = ReviewStore(path)
    store.record_meeting(
        "Pacific Reach BPO", date(2026, 10, 5), who="priya", actions=[ActionInput("Coaching")]
    )
    (action,) = store.actions("Pacific Reach BPO")
    # both opened the page at version 1 and save at the same moment
    outcomes = dict(_run(tick, [(path, w, action.action_id, action.version) for w in WRITERS]))
    assert sorted(outcome == "saved" for outcome in outcomes.values()) == [False, True]
    (winner,) = [w for w, outcome in outcomes.items() if outcome == "saved"]
    (loser,) = [w for w, outcome in outcomes.items() if outcome != "saved"]
    assert outcomes[loser].startswith(f"StaleEditError: This action was changed by {winner} at")
    assert "your change was not saved. Reload the page" in outcomes[loser]
    updates = [e for e in ReviewStore(path).audit() if e.change == "update"]
    assert [(e.who, e.old_values["version"], e.new_values["version"]) for e in updates] == [
        (winner, 1, 2)
    ]
    assert ReviewStore(path).action(action.action_id).version == 2

"""A writer process for the concurrency test: its own connections to the store, waiting
at a shared barrier before every save so that the writers collide."""

from __future__ import annotations

from datetime import date, timedelta

from pipelines.reviews.store import ActionInput, ObjectiveInput, ReviewStore

START = date(2026, 10, 5)


def save_meetings(path: str, writer: str, rounds: int, barrier, results) -> None:
    store = ReviewStore(path)
    saved = []
    for round_ in range(rounds):
        held_on = START + timedelta(days=round_)
        barrier.wait(timeout=60)  # every writer saves at the same moment
        saved.append(
            store.record_meeting(
                "Pacific Reach BPO",
                held_on,
                who=writer,
                attendees=f"{writer} round {round_}",
                objectives=[
                    ObjectiveInput("csat_pct", 60 + round_, held_on + timedelta(days=30)),
                    ObjectiveInput("aht_s", 300, held_on + timedelta(days=60), writer),
                ],
                actions=[ActionInput(f"{writer} action {round_}", writer)],
            )
        )
    results.put((writer, saved))


def tick(path: str, writer: str, action_id: int, version: int, barrier, results) -> None:
    store = ReviewStore(path)
    barrier.wait(timeout=60)
    try:
        store.set_action_done(action_id, True, version=version, who=writer)
        results.put((writer, "saved"))
    except ValueError as error:
        results.put((writer, f"{type(error).__name__}: {error}"))

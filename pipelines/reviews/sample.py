"""The demo's recorded review: one earlier meeting with Pacific Reach BPO, written into an
empty store by ``python -m pipelines seed-reviews`` (``make demo``), in a demo deployment
only. What the sample data says of its objectives, as of its last week (Sun 22 Nov 2026):
service level met, CSAT missed, abandonment on track, complaints behind."""

from __future__ import annotations

from datetime import date

from pipelines.reviews.store import ActionInput, ObjectiveInput, ReviewStore

SAMPLE_VENDOR = "Pacific Reach BPO"
SAMPLE_MEETING_DATE = date(2026, 10, 5)
SAMPLE_WHO = "sample data (python -m pipelines seed-reviews)"
SAMPLE_ATTENDEES = (
    "Priya Shah (Northwind, partner manager); Tom Hale (Northwind, head of service); "
    "Marco Reyes (Pacific Reach, account director); Joy Santos (Pacific Reach, operations)"
)
SAMPLE_NOTES = (
    "CSAT and first-contact resolution have been behind the in-house team since the "
    "summer while handle time is the lowest of all centres. Agreed to trade some speed "
    "for resolution: longer calls are fine if customers do not call back. Pacific Reach's "
    "own QA scores run far above the client's re-scores of the same calls."
)
SAMPLE_OBJECTIVES = (
    ObjectiveInput(
        "service_level_pct",
        85.0,
        date(2026, 11, 1),
        "Joy Santos",
        "Keep answering fast while calls get longer",
    ),
    ObjectiveInput("csat_pct", 65.0, date(2026, 11, 15), "Marco Reyes", "Half-way to 80 %"),
    ObjectiveInput("abandon_pct", 5.0, date(2026, 12, 31), "Joy Santos", "Through the peak"),
    ObjectiveInput(
        "complaint_pct", 5.0, date(2026, 12, 31), "Marco Reyes", "Cancellation calls first"
    ),
)
SAMPLE_ACTIONS = (
    ActionInput(
        "Send the client's QA re-scores of September to Pacific Reach's QA lead",
        "Priya Shah",
        date(2026, 10, 9),
        done=True,
    ),
    ActionInput(
        "Coaching plan for billing-query calls (resolve first, then close)",
        "Marco Reyes",
        date(2026, 10, 19),
        done=True,
    ),
    ActionInput(
        "Joint QA calibration session on 20 scored calls", "Joy Santos", date(2026, 11, 30)
    ),
    ActionInput(
        "Review complaint handling on the cancellation queue", "Marco Reyes", date(2026, 12, 14)
    ),
)


def seed_sample_review(store: ReviewStore) -> int | None:
    """Records the sample meeting when the store holds no meeting; its id, or None."""
    if not store.is_empty():
        return None
    return store.record_meeting(
        SAMPLE_VENDOR,
        SAMPLE_MEETING_DATE,
        who=SAMPLE_WHO,
        attendees=SAMPLE_ATTENDEES,
        notes=SAMPLE_NOTES,
        objectives=SAMPLE_OBJECTIVES,
        actions=SAMPLE_ACTIONS,
    )

"""Review meetings with a vendor: the objectives agreed and the actions taken away, kept
from one meeting to the next in a writable store beside the (read-only) warehouse.

``store`` holds the schema and every write (each one audited); ``status`` measures the
objectives with the metric layer. See docs/REVIEW_MEETINGS.md.
"""

from pipelines.reviews.status import (
    STATUSES,
    ObjectiveStatus,
    judge,
    measure_objectives,
    objective_statuses,
)
from pipelines.reviews.store import (
    Action,
    ActionInput,
    AuditEntry,
    Meeting,
    Objective,
    ObjectiveInput,
    ReviewInputError,
    ReviewStore,
    StaleEditError,
    reviews_path,
)

__all__ = [
    "STATUSES",
    "Action",
    "ActionInput",
    "AuditEntry",
    "Meeting",
    "Objective",
    "ObjectiveInput",
    "ObjectiveStatus",
    "ReviewInputError",
    "ReviewStore",
    "StaleEditError",
    "judge",
    "measure_objectives",
    "objective_statuses",
    "reviews_path",
]

"""Partner review: the "Review meetings" section and its part of the review pack.

The next review opens with what was agreed last time: the last meeting's objectives and
where each stands (pipelines/reviews/status.py, from the metric layer), and the actions
still open from any meeting. A form records a meeting (date, attendees, objectives with
a metric from the catalogue, actions) and another ticks actions done. Both write to the
review store beside the warehouse (pipelines/reviews/store.py), never to the warehouse.

``last_review`` builds the content without Streamlit (tables as PackTables, the pack's
"Objectives from the last review" section); ``draw`` draws it with the forms.

Everything people typed (attendees, notes, objectives' notes, actions) is shown as plain
text: st.text, st.dataframe, or md_text in markdown elements.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard.connection import WarehouseFile, cursor
from dashboard.formatting import format_value
from dashboard.plain import md_text, shortened
from dashboard.queries import long_table
from dashboard.review_pack import PackSection, PackTable
from pipelines.metrics import MetricQuery, data_range, metric_table
from pipelines.metrics.catalogue import CATALOGUE
from pipelines.reviews.status import (
    BEHIND,
    MET,
    MISSED,
    NOT_MEASURABLE,
    ON_TRACK,
    ObjectiveStatus,
    measure_objectives,
)
from pipelines.reviews.store import (
    METRICS_WITH_DIRECTION,
    Action,
    ActionInput,
    AuditEntry,
    Meeting,
    ObjectiveInput,
    ReviewInputError,
    ReviewStore,
    StaleEditError,
    check_action,
    check_objective,
)
from pipelines.settings import MetricSettings

STATUS_LABELS = {
    MET: "✔ met",
    MISSED: "✖ missed",
    ON_TRACK: "● on track",
    BEHIND: "▼ behind",
    NOT_MEASURABLE: "– not yet measurable",
}
NEAR_NOTE = " (within tolerance)"
NO_METRIC = "—"
METRIC_BY_NAME = {CATALOGUE[m].name: m for m in METRICS_WITH_DIRECTION}
DEFAULT_OBJECTIVE_SLOTS = 3
DEFAULT_ACTION_SLOTS = 3
MAX_SLOTS = 12


def status_label(status: ObjectiveStatus) -> str:
    """'✔ met', '✖ missed (within tolerance)', '– not yet measurable (too few ...)'."""
    label = STATUS_LABELS[status.status]
    if status.near:
        label += NEAR_NOTE
    if status.detail and status.status == NOT_MEASURABLE:
        label += f" ({status.detail})"
    return label


def target_text(metric: str, target: float, direction: str) -> str:
    """'≥ 85.0%', '≤ 5:30'."""
    sign = "≥" if direction == "higher" else "≤"
    return f"{sign} {format_value(target, CATALOGUE[metric].unit)}"


@dataclass(frozen=True)
class LastReview:
    vendor: str
    meeting: Meeting | None  # the latest meeting with the vendor; None before the first
    statuses: list[ObjectiveStatus]  # its objectives, measured
    open_actions: list[Action]  # from every meeting
    as_of: date | None  # the last day with data

    def objectives_table(self) -> PackTable:
        statuses = self.statuses
        units = pd.Series([CATALOGUE[s.objective.metric].unit for s in statuses], dtype=object)
        frame = pd.DataFrame(
            {
                "Metric": [CATALOGUE[s.objective.metric].name for s in statuses],
                "Target": [
                    target_text(s.objective.metric, s.objective.target, s.objective.direction)
                    for s in statuses
                ],
                "Due": [s.objective.due for s in statuses],
                "Status": [status_label(s) for s in statuses],
                "Value": pd.Series([s.value for s in statuses], dtype="float64"),
                "n": pd.Series([s.n for s in statuses], dtype="int64"),
                "Measured": [
                    f"{s.start:%d %b %Y} – {s.end:%d %b %Y}" if s.end else "" for s in statuses
                ],
                "Owner": [s.objective.owner for s in statuses],
                "Note": [s.objective.note for s in statuses],
            }
        )
        return PackTable(frame, units={"Value": units, "n": "count", "Due": "date"})

    def actions_table(self) -> PackTable:
        actions = self.open_actions
        frame = pd.DataFrame(
            {
                "Action": [a.what for a in actions],
                "Who": [a.who for a in actions],
                "Due": [a.due for a in actions],
                "Agreed": [a.held_on for a in actions],
            }
        )
        return PackTable(frame, units={"Due": "date", "Agreed": "date"})

    def note(self) -> str:
        if self.meeting is None:
            return f"No review meeting with {self.vendor} is recorded yet."
        when = f"as of the data up to {self.as_of:%d %b %Y}" if self.as_of else "no data yet"
        attendees = f" with {self.meeting.attendees}" if self.meeting.attendees else ""
        return (
            f"Agreed at the review of {self.meeting.held_on:%d %b %Y}{attendees}. Each "
            f"objective is measured from the meeting to its due date ({when}); "
            "near the target but on the wrong side counts as not met."
        )

    def pack_section(self) -> PackSection:
        """The pack's 'Objectives from the last review': the objectives and open actions."""
        tables: list[tuple[str, PackTable | pd.DataFrame]] = []
        if self.meeting is not None:
            tables.append(("Objectives", self.objectives_table()))
        if self.open_actions:
            tables.append(("Open actions", self.actions_table()))
        return PackSection("Objectives from the last review", self.note(), tables=tables)


def last_review(
    store: ReviewStore,
    read_long: Callable[[MetricQuery], pd.DataFrame],
    vendor: str,
    as_of: date | None,
    settings: MetricSettings,
    vendor_scope: str | None = None,
) -> LastReview:
    """The vendor's last meeting, its objectives measured, and its open actions."""
    meeting = store.last_meeting(vendor)
    statuses = []
    if meeting is not None:
        statuses = measure_objectives(
            read_long,
            meeting,
            store.objectives(meeting.meeting_id),
            as_of,
            settings,
            vendor_scope,
        )
    return LastReview(vendor, meeting, statuses, store.actions(vendor, open_only=True), as_of)


def pack_section_of(
    con: duckdb.DuckDBPyConnection,
    store_path: Path,
    vendor: str,
    settings: MetricSettings,
    vendor_scope: str | None = None,
) -> PackSection:
    """The pack's section straight from a warehouse connection and a store file (the
    review-pack command); a store that does not exist yet holds no meeting."""
    span = data_range(con, settings)
    as_of = None if span is None else span.last_date
    if not store_path.exists():
        return LastReview(vendor, None, [], [], as_of).pack_section()
    return last_review(
        ReviewStore(store_path),
        lambda query: metric_table(con, query, settings),
        vendor,
        as_of,
        settings,
        vendor_scope,
    ).pack_section()


@st.cache_data(show_spinner=False)
def latest_day(warehouse: WarehouseFile, settings: MetricSettings) -> date | None:
    span = data_range(cursor(warehouse), settings)
    return None if span is None else span.last_date


def history_table(entries: list[AuditEntry]) -> pd.DataFrame:
    """The audit as people read it: when, who, what changed."""

    def changed(entry: AuditEntry) -> str:
        old, new = entry.old_values or {}, entry.new_values or {}
        keys = [k for k in (new or old) if k != "version" and old.get(k) != new.get(k)]
        return "; ".join(f"{k}: {old.get(k, '')!s} → {new.get(k, '')!s}" for k in keys)

    return pd.DataFrame(
        {
            "When (UTC)": [f"{e.at_utc:%Y-%m-%d %H:%M:%S}" for e in entries],
            "Who": [e.who for e in entries],
            "Change": [f"{e.change} {e.table_name.removesuffix('s')} {e.row_id}" for e in entries],
            "What": [shortened(changed(e), 500) for e in entries],
        }
    )


# --- drawing ---------------------------------------------------------------------------

_SAVED = "review_meetings_saved"  # a message for the run after a save
_FORM_ROUND = "review_meetings_form_round"  # bumped after a save: empty widgets again
_ACTIONS_SEEN = "review_meetings_actions_seen"  # action id -> version the page showed
_NAME = "review_meetings_name"  # the demo user's name, remembered for the next form


def draw(ctx, vendor: str) -> PackSection | None:
    """Draws the section for ``vendor``; returns its pack section (None when the store
    cannot be read)."""
    viewer = ctx.viewer
    vendor_user = viewer is not None and viewer.role == "vendor"
    if vendor_user and viewer.vendor_id != vendor:
        return None  # a vendor's users see their own vendor's meetings only
    st.header("Review meetings")
    try:
        store = ReviewStore()
        review = last_review(
            store,
            lambda query: long_table(ctx.warehouse, query, settings=ctx.settings),
            vendor,
            latest_day(ctx.warehouse, ctx.settings),
            ctx.settings,
            ctx.filters.vendor_scope if ctx.filters is not None else None,
        )
    except (OSError, sqlite3.Error) as error:
        st.warning(
            "The review-meetings store cannot be opened, so meetings cannot be shown or "
            "recorded. Check that the folder is writable (docs/REVIEW_MEETINGS.md)."
        )
        st.text(str(error))
        return None

    if message := st.session_state.pop(_SAVED, None):
        st.success(md_text(message))
    _draw_last_review(review)
    who = viewer.email if viewer is not None else None
    _draw_open_actions(store, review, who, editable=not vendor_user)
    if not vendor_user:
        _draw_record_form(store, vendor, who)
    with st.expander("Earlier meetings and the change history"):
        meetings = store.meetings(vendor)
        st.dataframe(
            pd.DataFrame(
                {
                    "Date": [m.held_on for m in meetings],
                    "Attendees": [m.attendees for m in meetings],
                    "Objectives": [len(store.objectives(m.meeting_id)) for m in meetings],
                    "Notes": [shortened(m.notes, 500) for m in meetings],
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={"Date": st.column_config.DateColumn(format="DD MMM YYYY")},
        )
        st.dataframe(history_table(store.audit(vendor)), hide_index=True, width="stretch")
    return review.pack_section()


def _draw_last_review(review: LastReview) -> None:
    meeting = review.meeting
    if meeting is None:
        st.caption(
            f"No review meeting with {md_text(review.vendor)} is recorded yet: record "
            "the first below, and the next review opens with its objectives."
        )
        return
    st.subheader(f"Objectives from the last review ({meeting.held_on:%a %d %b %Y})")
    if meeting.attendees:
        st.caption("Attendees")
        st.text(shortened(meeting.attendees))
    if meeting.notes:
        st.caption("Notes")
        st.text(shortened(meeting.notes))
    if not review.statuses:
        st.caption("No objectives were agreed at that meeting.")
        return
    table = review.objectives_table()
    st.dataframe(
        table.display(),
        hide_index=True,
        width="stretch",
        column_config={
            c: st.column_config.Column(alignment="right") for c in ("Value", "n", "Target")
        },
    )
    as_of = f"{review.as_of:%d %b %Y}" if review.as_of else "–"
    st.caption(
        "Each objective is measured over the vendor's centres from the meeting date to its "
        f"due date, or to the latest data ({as_of}) before then: on track / behind until "
        "it is due, then met / missed. Within tolerance: on the wrong side of the target "
        "but within the metric's tolerance, which still counts as not met. Not yet "
        "measurable: no data in the window, or too few to judge."
    )


def _draw_open_actions(store: ReviewStore, review: LastReview, who: str | None, editable: bool):
    st.subheader("Open actions")
    actions = review.open_actions
    seen = st.session_state.get(_ACTIONS_SEEN, {})
    st.session_state[_ACTIONS_SEEN] = {a.action_id: a.version for a in actions}
    if not actions:
        st.caption("No open actions.")
        return
    if not editable:
        st.dataframe(review.actions_table().display(), hide_index=True, width="stretch")
        return
    with st.form("review_actions_done"):
        ticked = []
        for action in actions:
            due = f" · due {action.due:%d %b %Y}" if action.due else ""
            who_does = f" · {action.who}" if action.who else ""
            label = f"{action.what}{who_does}{due} (agreed {action.held_on:%d %b %Y})"
            if st.checkbox(md_text(label), key=f"review_action_done_{action.action_id}"):
                ticked.append(action)
        name = _name_input(who, "review_actions_name")
        if not st.form_submit_button("Save: ticked actions are done"):
            return
    if not ticked:
        st.warning("Tick the actions that are done first.")
        return
    if not name:
        st.error("Say who you are (your name) before saving: the change history records it.")
        return
    problems = []
    for action in ticked:  # the version the page showed when it was ticked
        try:
            store.set_action_done(
                action.action_id, True, version=seen.get(action.action_id, action.version), who=name
            )
        except (StaleEditError, ReviewInputError) as error:
            problems.append(f"{action.what}: {error}")
    for problem in problems:
        st.error(md_text(problem, limit=1000))
    if len(problems) < len(ticked):
        count = len(ticked) - len(problems)
        _saved(f"{count} action{'s' if count > 1 else ''} marked done.", name, keep=bool(problems))


def _name_input(who: str | None, key: str) -> str | None:
    """The signed-in user's e-mail, or (in the demo) the name the form asks for."""
    if who is not None:
        st.caption(f"Saved as {md_text(who)}")
        return who
    name = st.text_input(
        "Your name (recorded in the change history)",
        value=st.session_state.get(_NAME, ""),
        key=f"{key}_{st.session_state.get(_FORM_ROUND, 0)}",
    )
    return name.strip() or None


def _saved(message: str, name: str, keep: bool = False) -> None:
    """Says what was saved; reruns with emptied forms unless errors are to stay shown."""
    st.session_state[_NAME] = name
    if keep:
        st.success(md_text(message))
        return
    st.session_state[_SAVED] = message
    st.session_state[_FORM_ROUND] = st.session_state.get(_FORM_ROUND, 0) + 1
    st.rerun()


def _draw_record_form(store: ReviewStore, vendor: str, who: str | None) -> None:
    st.subheader("Record a review meeting")
    round_ = st.session_state.get(_FORM_ROUND, 0)
    left, right = st.columns(2)
    objective_slots = left.number_input(
        "Objectives to record", 0, MAX_SLOTS, DEFAULT_OBJECTIVE_SLOTS, key="review_objective_slots"
    )
    action_slots = right.number_input(
        "Actions to record", 0, MAX_SLOTS, DEFAULT_ACTION_SLOTS, key="review_action_slots"
    )
    metric_names = [NO_METRIC, *METRIC_BY_NAME]
    with st.form(f"review_record_{round_}"):
        st.caption(f"A meeting with {md_text(vendor)}")
        held_on = st.date_input(
            "Meeting date", value=date.today(), format="DD/MM/YYYY", key=f"review_date_{round_}"
        )
        attendees = st.text_input("Attendees", key=f"review_attendees_{round_}")
        notes = st.text_area("Notes", height=80, key=f"review_notes_{round_}")
        objectives = []
        for i in range(1, int(objective_slots) + 1):
            st.markdown(f"**Objective {i}**")
            metric_col, target_col, due_col, owner_col, note_col = st.columns([3, 2, 2, 2, 3])
            objectives.append(
                (
                    metric_col.selectbox(
                        "Metric", metric_names, key=f"review_obj_metric_{round_}_{i}"
                    ),
                    target_col.number_input(
                        "Target", value=None, step=0.1, key=f"review_obj_target_{round_}_{i}"
                    ),
                    due_col.date_input(
                        "Due", value=None, format="DD/MM/YYYY", key=f"review_obj_due_{round_}_{i}"
                    ),
                    owner_col.text_input("Owner", key=f"review_obj_owner_{round_}_{i}"),
                    note_col.text_input("Note", key=f"review_obj_note_{round_}_{i}"),
                )
            )
        actions = []
        for i in range(1, int(action_slots) + 1):
            st.markdown(f"**Action {i}**")
            what_col, who_col, due_col, done_col = st.columns([5, 2, 2, 1])
            actions.append(
                (
                    what_col.text_input("What", key=f"review_act_what_{round_}_{i}"),
                    who_col.text_input("Who", key=f"review_act_who_{round_}_{i}"),
                    due_col.date_input(
                        "Due", value=None, format="DD/MM/YYYY", key=f"review_act_due_{round_}_{i}"
                    ),
                    done_col.checkbox("Done", key=f"review_act_done_{round_}_{i}"),
                )
            )
        name = _name_input(who, "review_record_name")
        if not st.form_submit_button("Save the meeting", type="primary"):
            return
    if not name:
        st.error("Say who you are (your name) before saving: the change history records it.")
        return
    # slots left wholly empty are not objectives or actions; the others are checked by
    # slot number, so an error names the slot the user sees
    objective_inputs = {
        slot: ObjectiveInput(METRIC_BY_NAME.get(metric, ""), target, due, owner, note)
        for slot, (metric, target, due, owner, note) in enumerate(objectives, 1)
        if metric != NO_METRIC or target is not None or due is not None or owner or note
    }
    action_inputs = {
        slot: ActionInput(what, who_does, due, done)
        for slot, (what, who_does, due, done) in enumerate(actions, 1)
        if what or who_does or due is not None or done
    }
    try:
        for slot, objective in objective_inputs.items():
            check_objective(objective, held_on, f"Objective {slot}")
        for slot, action in action_inputs.items():
            check_action(action, held_on, f"Action {slot}")
        store.record_meeting(
            vendor,
            held_on,
            who=name,
            attendees=attendees,
            notes=notes,
            objectives=list(objective_inputs.values()),
            actions=list(action_inputs.values()),
        )
    except ReviewInputError as error:
        st.error(md_text(f"Not saved. {error}", limit=1000))
        return
    _saved(
        f"Saved the review of {held_on:%d %b %Y}: {len(objective_inputs)} objectives, "
        f"{len(action_inputs)} actions.",
        name,
    )

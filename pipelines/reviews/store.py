"""The review-meetings store: meetings, their objectives and actions, and an audit of
every change, in one SQLite file beside the warehouse (never in it: the app opens the
warehouse read-only and ingestion swaps it for a new file).

Several app sessions may write at once. Each write is one transaction that takes
SQLite's write lock first (``BEGIN IMMEDIATE``) and waits for it (``busy_timeout``)
rather than failing, in WAL mode so readers never wait for a writer: two people saving
at the same moment both land, one after the other. Each row carries a ``version``; an
edit names the version its author saw and is refused with ``StaleEditError`` when
somebody else changed the row in between, so nobody overwrites an edit unseen. Every
insert, update and delete writes an audit row (who, when in UTC, the old and new
values) in the same transaction as the change.

Errors a user can cause (an unknown metric, a due date before the meeting, an empty
objective) raise ``ReviewInputError`` saying what was wrong and what to do.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from pipelines.metrics.catalogue import CATALOGUE
from pipelines.settings import reviews_path

SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 30.0  # how long a write waits for another session's write to finish
TEXT_LIMITS = {"attendees": 500, "notes": 5000, "owner": 200, "note": 1000, "what": 500}
TEXT_LIMITS |= {"who": 200}

SCHEMA = """
CREATE TABLE IF NOT EXISTS meetings (
    meeting_id  INTEGER PRIMARY KEY,
    vendor      TEXT NOT NULL CHECK (vendor <> ''),
    held_on     TEXT NOT NULL,                 -- ISO date
    attendees   TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS meetings_by_vendor ON meetings (vendor, held_on);
CREATE TABLE IF NOT EXISTS objectives (
    objective_id INTEGER PRIMARY KEY,
    meeting_id   INTEGER NOT NULL REFERENCES meetings (meeting_id),
    metric       TEXT NOT NULL,                -- a metric id of the catalogue
    target       REAL NOT NULL,
    direction    TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
    due_on       TEXT NOT NULL,                -- ISO date, on or after held_on
    owner        TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS objectives_by_meeting ON objectives (meeting_id);
CREATE TABLE IF NOT EXISTS actions (
    action_id  INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings (meeting_id),
    what       TEXT NOT NULL CHECK (what <> ''),
    who        TEXT NOT NULL DEFAULT '',
    due_on     TEXT,                           -- ISO date or NULL
    done       INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS actions_by_meeting ON actions (meeting_id);
CREATE TABLE IF NOT EXISTS audit (
    audit_id   INTEGER PRIMARY KEY,
    at_utc     TEXT NOT NULL,                  -- ISO 8601, UTC, microseconds
    who        TEXT NOT NULL CHECK (who <> ''),
    vendor     TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_id     INTEGER NOT NULL,
    change     TEXT NOT NULL CHECK (change IN ('insert', 'update', 'delete')),
    old_values TEXT,                           -- JSON, NULL for an insert
    new_values TEXT                            -- JSON, NULL for a delete
);
CREATE INDEX IF NOT EXISTS audit_by_vendor ON audit (vendor, at_utc);
"""

_KEYS = {"meetings": "meeting_id", "objectives": "objective_id", "actions": "action_id"}


class ReviewInputError(ValueError):
    """Input a user can get wrong; the message says what and what to do."""


class StaleEditError(ValueError):
    """The record changed since the editor read it; their edit was not saved."""


def clock() -> datetime:
    """Now, in UTC: when an audit row says a change happened (tests may fix it)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class ObjectiveInput:
    metric: str  # a metric id of pipelines/metrics/catalogue.py
    target: float
    due: date
    owner: str = ""
    note: str = ""


@dataclass(frozen=True)
class ActionInput:
    what: str
    who: str = ""
    due: date | None = None
    done: bool = False


@dataclass(frozen=True)
class Meeting:
    meeting_id: int
    vendor: str
    held_on: date
    attendees: str
    notes: str
    version: int


@dataclass(frozen=True)
class Objective:
    objective_id: int
    meeting_id: int
    metric: str
    target: float
    direction: str  # "higher" | "lower", the catalogue's direction when it was agreed
    due: date
    owner: str
    note: str
    version: int


@dataclass(frozen=True)
class Action:
    action_id: int
    meeting_id: int
    what: str
    who: str
    due: date | None
    done: bool
    version: int
    held_on: date  # the meeting that agreed it


@dataclass(frozen=True)
class AuditEntry:
    audit_id: int
    at_utc: datetime
    who: str
    vendor: str
    table_name: str
    row_id: int
    change: str  # insert | update | delete
    old_values: dict | None
    new_values: dict | None


def _date_text(day: date) -> str:
    return f"{day:%d %b %Y}"


def _text(value: object, field: str, where: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ReviewInputError(f"{where}: {field} must be text, not {value!r}")
    text = value.strip()
    if required and not text:
        raise ReviewInputError(f"{where}: {field} is empty; fill it in")
    limit = TEXT_LIMITS.get(field)
    if limit is not None and len(text) > limit:
        raise ReviewInputError(
            f"{where}: {field} is {len(text):,} characters long; keep it within {limit:,}"
        )
    return text


def _day(value: object, field: str, where: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ReviewInputError(f"{where}: {field} must be a date, not {value!r}")
    return value


def _who(who: object) -> str:
    return _text(who, "who", "Saving", required=True)


METRICS_WITH_DIRECTION = tuple(m for m, d in CATALOGUE.items() if d.direction is not None)


def check_objective(objective: ObjectiveInput, held_on: date, where: str) -> ObjectiveInput:
    """The objective with its text trimmed, or a ReviewInputError naming ``where``."""
    metric = objective.metric.strip() if isinstance(objective.metric, str) else objective.metric
    if not metric and objective.target is None:
        raise ReviewInputError(f"{where} is empty: pick a metric and give a target and due date")
    if not metric:
        raise ReviewInputError(f"{where}: pick a metric from the catalogue")
    if metric not in CATALOGUE:
        raise ReviewInputError(
            f"{where}: unknown metric {metric!r}; use a metric id of the catalogue, "
            f"e.g. {', '.join(METRICS_WITH_DIRECTION[:5])}"
        )
    definition = CATALOGUE[metric]
    if definition.direction is None:
        raise ReviewInputError(
            f"{where}: {definition.name} has no better direction, so no target can be met "
            "on it; pick a metric where higher or lower is better"
        )
    target = objective.target
    if isinstance(target, bool) or not isinstance(target, int | float) or not math.isfinite(target):
        raise ReviewInputError(f"{where} ({definition.name}): the target must be a number")
    if objective.due is None:
        raise ReviewInputError(f"{where} ({definition.name}): give a due date")
    due = _day(objective.due, "the due date", f"{where} ({definition.name})")
    if due < held_on:
        raise ReviewInputError(
            f"{where} ({definition.name}): the due date {_date_text(due)} is before the "
            f"meeting date {_date_text(held_on)}; give a due date on or after the meeting"
        )
    return ObjectiveInput(
        metric,
        float(target),
        due,
        _text(objective.owner, "owner", where),
        _text(objective.note, "note", where),
    )


def check_action(action: ActionInput, held_on: date, where: str) -> ActionInput:
    what = _text(action.what, "what", where)
    if not what:
        raise ReviewInputError(f"{where} is empty: say what is to be done")
    due = action.due
    if due is not None:
        due = _day(due, "the due date", where)
        if due < held_on:
            raise ReviewInputError(
                f"{where}: the due date {_date_text(due)} is before the meeting date "
                f"{_date_text(held_on)}; give a due date on or after the meeting, or none"
            )
    return ActionInput(what, _text(action.who, "who", where), due, bool(action.done))


class ReviewStore:
    """One SQLite file. Each call opens its own connection (safe from any thread or
    process); the schema is created on first use."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else reviews_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as con:
            con.execute("PRAGMA journal_mode = WAL")
            if con.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                with _transaction(con):  # two sessions creating it at once: one waits
                    for statement in filter(str.strip, SCHEMA.split(";")):
                        con.execute(statement)
                    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        con.execute("PRAGMA foreign_keys = ON")
        return con

    @contextmanager
    def _writing(self, who: str) -> Iterator[_Writer]:
        with closing(self._connect()) as con, _transaction(con):
            yield _Writer(con, who, clock())

    # --- writes ---------------------------------------------------------------------

    def record_meeting(
        self,
        vendor: str,
        held_on: date,
        *,
        who: str,
        attendees: str = "",
        notes: str = "",
        objectives: Sequence[ObjectiveInput] = (),
        actions: Sequence[ActionInput] = (),
    ) -> int:
        """Stores a meeting with its objectives and actions in one transaction (all or
        nothing); returns the meeting's id."""
        who = _who(who)
        vendor = _text(vendor, "vendor", "The meeting", required=True)
        held_on = _day(held_on, "the meeting date", "The meeting")
        attendees = _text(attendees, "attendees", "The meeting")
        notes = _text(notes, "notes", "The meeting")
        checked_objectives = [
            check_objective(o, held_on, f"Objective {i}") for i, o in enumerate(objectives, 1)
        ]
        checked_actions = [
            check_action(a, held_on, f"Action {i}") for i, a in enumerate(actions, 1)
        ]
        with self._writing(who) as writer:
            meeting_id = writer.insert(
                "meetings",
                vendor,
                {
                    "vendor": vendor,
                    "held_on": held_on.isoformat(),
                    "attendees": attendees,
                    "notes": notes,
                },
            )
            for objective in checked_objectives:
                writer.insert(
                    "objectives",
                    vendor,
                    {
                        "meeting_id": meeting_id,
                        "metric": objective.metric,
                        "target": objective.target,
                        "direction": CATALOGUE[objective.metric].direction,
                        "due_on": objective.due.isoformat(),
                        "owner": objective.owner,
                        "note": objective.note,
                    },
                )
            for action in checked_actions:
                writer.insert(
                    "actions",
                    vendor,
                    {
                        "meeting_id": meeting_id,
                        "what": action.what,
                        "who": action.who,
                        "due_on": None if action.due is None else action.due.isoformat(),
                        "done": int(action.done),
                    },
                )
        return meeting_id

    def set_action_done(self, action_id: int, done: bool, *, version: int, who: str) -> Action:
        """Ticks an action done (or open again). ``version`` is the one the user saw."""
        with self._writing(_who(who)) as writer:
            writer.update("actions", action_id, version, {"done": int(bool(done))})
        return self.action(action_id)

    def update_objective(
        self,
        objective_id: int,
        *,
        version: int,
        who: str,
        target: float | None = None,
        due: date | None = None,
        owner: str | None = None,
        note: str | None = None,
    ) -> Objective:
        """Changes the given fields of an objective (checked as when it was recorded)."""
        who = _who(who)
        current = self.objective(objective_id)
        meeting = self.meeting(current.meeting_id)
        edited = check_objective(
            ObjectiveInput(
                current.metric,
                current.target if target is None else target,
                current.due if due is None else due,
                current.owner if owner is None else owner,
                current.note if note is None else note,
            ),
            meeting.held_on,
            "The objective",
        )
        changes = {
            "target": edited.target,
            "due_on": edited.due.isoformat(),
            "owner": edited.owner,
            "note": edited.note,
        }
        with self._writing(who) as writer:
            writer.update("objectives", objective_id, version, changes)
        return self.objective(objective_id)

    def update_meeting(
        self,
        meeting_id: int,
        *,
        version: int,
        who: str,
        attendees: str | None = None,
        notes: str | None = None,
    ) -> Meeting:
        who = _who(who)
        changes = {}
        if attendees is not None:
            changes["attendees"] = _text(attendees, "attendees", "The meeting")
        if notes is not None:
            changes["notes"] = _text(notes, "notes", "The meeting")
        with self._writing(who) as writer:
            writer.update("meetings", meeting_id, version, changes)
        return self.meeting(meeting_id)

    def delete_meeting(self, meeting_id: int, *, version: int, who: str) -> None:
        """Deletes a meeting recorded by mistake, with its objectives and actions; the
        audit keeps every deleted row's values."""
        with self._writing(_who(who)) as writer:
            writer.check_version("meetings", meeting_id, version)
            for table in ("objectives", "actions"):
                key = _KEYS[table]
                rows = writer.con.execute(
                    f"SELECT {key} FROM {table} WHERE meeting_id = ?", (meeting_id,)
                ).fetchall()
                for row in rows:
                    writer.delete(table, row[key])
            writer.delete("meetings", meeting_id)

    # --- reads ----------------------------------------------------------------------

    def _rows(self, sql: str, parameters: Sequence[object] = ()) -> list[sqlite3.Row]:
        with closing(self._connect()) as con:
            return con.execute(sql, parameters).fetchall()

    def meetings(self, vendor: str) -> list[Meeting]:
        """The vendor's meetings, latest first."""
        rows = self._rows(
            "SELECT * FROM meetings WHERE vendor = ? ORDER BY held_on DESC, meeting_id DESC",
            (vendor,),
        )
        return [_meeting(row) for row in rows]

    def last_meeting(self, vendor: str) -> Meeting | None:
        meetings = self.meetings(vendor)
        return meetings[0] if meetings else None

    def meeting(self, meeting_id: int) -> Meeting:
        rows = self._rows("SELECT * FROM meetings WHERE meeting_id = ?", (meeting_id,))
        if not rows:
            raise ReviewInputError(f"There is no meeting {meeting_id} (deleted?)")
        return _meeting(rows[0])

    def objectives(self, meeting_id: int) -> list[Objective]:
        rows = self._rows(
            "SELECT * FROM objectives WHERE meeting_id = ? ORDER BY objective_id", (meeting_id,)
        )
        return [_objective(row) for row in rows]

    def objective(self, objective_id: int) -> Objective:
        rows = self._rows("SELECT * FROM objectives WHERE objective_id = ?", (objective_id,))
        if not rows:
            raise ReviewInputError(f"There is no objective {objective_id} (deleted?)")
        return _objective(rows[0])

    def actions(self, vendor: str, *, open_only: bool = False) -> list[Action]:
        """The vendor's actions from every meeting: the earliest due first (those with no
        due date last), then in the order they were agreed."""
        rows = self._rows(
            "SELECT a.*, m.held_on FROM actions a JOIN meetings m USING (meeting_id) "
            "WHERE m.vendor = ? AND (NOT ? OR a.done = 0) "
            "ORDER BY a.due_on IS NULL, a.due_on, m.held_on, a.action_id",
            (vendor, open_only),
        )
        return [_action(row) for row in rows]

    def action(self, action_id: int) -> Action:
        rows = self._rows(
            "SELECT a.*, m.held_on FROM actions a JOIN meetings m USING (meeting_id) "
            "WHERE a.action_id = ?",
            (action_id,),
        )
        if not rows:
            raise ReviewInputError(f"There is no action {action_id} (deleted?)")
        return _action(rows[0])

    def audit(self, vendor: str | None = None) -> list[AuditEntry]:
        """Every change, oldest first; one vendor's only when ``vendor`` is given."""
        rows = self._rows(
            "SELECT * FROM audit WHERE ? IS NULL OR vendor = ? ORDER BY audit_id",
            (vendor, vendor),
        )
        return [
            AuditEntry(
                row["audit_id"],
                datetime.fromisoformat(row["at_utc"]),
                row["who"],
                row["vendor"],
                row["table_name"],
                row["row_id"],
                row["change"],
                None if row["old_values"] is None else json.loads(row["old_values"]),
                None if row["new_values"] is None else json.loads(row["new_values"]),
            )
            for row in rows
        ]

    def is_empty(self) -> bool:
        return not self._rows("SELECT 1 FROM meetings LIMIT 1")


@contextmanager
def _transaction(con: sqlite3.Connection) -> Iterator[None]:
    """One write transaction holding the write lock from its start: a second writer
    waits (busy_timeout) instead of reading, then failing to upgrade its lock."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    if con.in_transaction:
        con.execute("COMMIT")


@dataclass
class _Writer:
    """The changes of one transaction, each with its audit row."""

    con: sqlite3.Connection
    who: str
    at: datetime

    def _audit(
        self,
        vendor: str,
        table: str,
        row_id: int,
        change: str,
        old: Mapping[str, object] | None,
        new: Mapping[str, object] | None,
    ) -> None:
        self.con.execute(
            "INSERT INTO audit (at_utc, who, vendor, table_name, row_id, change, old_values, "
            "new_values) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.at.isoformat(timespec="microseconds"),
                self.who,
                vendor,
                table,
                row_id,
                change,
                None if old is None else json.dumps(dict(old), ensure_ascii=False),
                None if new is None else json.dumps(dict(new), ensure_ascii=False),
            ),
        )

    def _row(self, table: str, row_id: int) -> dict | None:
        row = self.con.execute(
            f"SELECT * FROM {table} WHERE {_KEYS[table]} = ?", (row_id,)
        ).fetchone()
        return None if row is None else dict(row)

    def _vendor(self, table: str, row: Mapping[str, object]) -> str:
        if table == "meetings":
            return str(row["vendor"])
        found = self.con.execute(
            "SELECT vendor FROM meetings WHERE meeting_id = ?", (row["meeting_id"],)
        ).fetchone()
        return found["vendor"]

    def insert(self, table: str, vendor: str, values: Mapping[str, object]) -> int:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.con.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())
        )
        row_id = int(cursor.lastrowid)
        self._audit(vendor, table, row_id, "insert", None, self._row(table, row_id))
        return row_id

    def check_version(self, table: str, row_id: int, version: int) -> dict:
        current = self._row(table, row_id)
        what = table.removesuffix("s")
        if current is None:
            raise StaleEditError(
                f"This {what} no longer exists: someone deleted it since you opened the "
                "page. Reload the page to see the current records."
            )
        if current["version"] != version:
            last = self.con.execute(
                "SELECT who, at_utc FROM audit WHERE table_name = ? AND row_id = ? "
                "ORDER BY audit_id DESC LIMIT 1",
                (table, row_id),
            ).fetchone()
            by = f" by {last['who']} at {last['at_utc'][:16].replace('T', ' ')} UTC" if last else ""
            raise StaleEditError(
                f"This {what} was changed{by} after you opened it, so your change was not "
                "saved. Reload the page to see the current version, then make your change "
                "again."
            )
        return current

    def update(self, table: str, row_id: int, version: int, changes: Mapping[str, object]) -> None:
        old = self.check_version(table, row_id, version)
        settings = ", ".join(f"{column} = ?" for column in changes)
        self.con.execute(
            f"UPDATE {table} SET {settings}{', ' if changes else ''}version = version + 1 "
            f"WHERE {_KEYS[table]} = ? AND version = ?",
            (*changes.values(), row_id, version),
        )
        new = self._row(table, row_id)
        self._audit(self._vendor(table, old), table, row_id, "update", old, new)

    def delete(self, table: str, row_id: int) -> None:
        old = self._row(table, row_id)
        if old is None:
            return
        vendor = self._vendor(table, old)
        self.con.execute(f"DELETE FROM {table} WHERE {_KEYS[table]} = ?", (row_id,))
        self._audit(vendor, table, row_id, "delete", old, None)


def _meeting(row: sqlite3.Row) -> Meeting:
    return Meeting(
        row["meeting_id"],
        row["vendor"],
        date.fromisoformat(row["held_on"]),
        row["attendees"],
        row["notes"],
        row["version"],
    )


def _objective(row: sqlite3.Row) -> Objective:
    return Objective(
        row["objective_id"],
        row["meeting_id"],
        row["metric"],
        row["target"],
        row["direction"],
        date.fromisoformat(row["due_on"]),
        row["owner"],
        row["note"],
        row["version"],
    )


def _action(row: sqlite3.Row) -> Action:
    return Action(
        row["action_id"],
        row["meeting_id"],
        row["what"],
        row["who"],
        None if row["due_on"] is None else date.fromisoformat(row["due_on"]),
        bool(row["done"]),
        row["version"],
        date.fromisoformat(row["held_on"]),
    )

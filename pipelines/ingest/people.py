"""The people kinds: an agent ``roster`` (employment spells) and ``staff_surveys`` (eNPS).

A roster export lists each agent of a centre with the day they were hired and, once
gone, the day they left (HR reports: "Active"/"Leaver" status columns, day-first or
month-first dates, "N/A" for no end date, repeated rows). Each row is one employment
spell, keyed (centre_id, agent_id, hired_on): a rehired agent is a second row with a
later hired_on, and a later roster restating a spell (now with its left_on) replaces
it. ``left_on`` is the last day employed. Rejects: a date in no configured format,
left_on before hired_on, a leaver (by the status column) without left_on, a date
before 1950.

Staff surveys are an ordinary record kind (config.CANONICAL_COLUMNS["staff_surveys"]:
response_id, agent_id, responded_at, enps), checked by validate.py like surveys; this
module only writes their rows.
"""

from __future__ import annotations

import datetime as dt

from .config import (
    FLAG,
    ROSTER,
    ROSTER_COLUMNS,
    STAFF_SURVEYS,
    ColumnSpec,
    KindMapping,
    _formats,
    _parse_filters,
    _Section,
    _words,
    _yaml_word,
)
from .validate import CheckedColumn, KindValidator, _quote_sql_text, _raw_in_reason, _trimmed

ROSTER_KEYS = {
    "columns",
    "date_format",
    "empty_words",
    "present_if",
    "filters",
    "duplicates",
    "on_conflict",
}
EMPLOYED_KEYS = {"column", "true_words", "false_words"}
KEY_PARTS = ("agent_id", "hired_on")
# tried after the configured formats: typed XLSX and Parquet cells arrive as ISO text
ISO_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S")
DEFAULT_EMPTY_WORDS = ("n/a", "na", "-", "none", "null")
EARLIEST_PLAUSIBLE = dt.date(1950, 1, 1)


def parse_roster(export: _Section) -> KindMapping:
    """The ``roster`` block of an export (docs/SOURCE_CONFIG.md, "Agent rosters")."""
    section = _Section(export.path, export.key(ROSTER), export.get(ROSTER), ROSTER_KEYS)
    columns_section = _Section(
        export.path, section.key("columns"), section.required("columns"), set(ROSTER_COLUMNS)
    )
    columns: dict[str, ColumnSpec] = {}
    for name, raw in columns_section.raw.items():
        if raw is None:
            continue
        if isinstance(raw, str | int) and not isinstance(raw, bool):
            columns[name] = ColumnSpec(name, sources=(str(raw),))
            continue
        if ROSTER_COLUMNS[name].conversion != FLAG:
            raise columns_section.fail(name, "must be a source column name")
        entry = _Section(export.path, columns_section.key(name), raw, EMPLOYED_KEYS)
        columns[name] = ColumnSpec(
            name,
            sources=(entry.text("column", required=True),),
            true_words=_words(entry, "true_words"),
            false_words=_words(entry, "false_words"),
        )
    for name, spec in ROSTER_COLUMNS.items():
        if spec.required and name not in columns:
            raise columns_section.fail(name, "is required for roster: map it to a source column")
    date_formats = (
        _formats(section, "date_format", section.get("date_format"))
        if section.get("date_format") is not None
        else ()
    )
    empty_words = tuple(
        _yaml_word(w).lower() for w in section.words("empty_words", DEFAULT_EMPTY_WORDS)
    )
    duplicates = section.choice("duplicates", ("reject", "keep"), default="reject")
    if duplicates == "keep":
        raise section.fail(
            "duplicates", "keep needs a synthetic key; a roster's key is agent_id and hired_on"
        )
    return KindMapping(
        kind=ROSTER,
        columns=columns,
        timestamp=None,
        constants={},
        value_maps={},
        codes={},
        csat_scale=None,
        sections={},
        present_if=section.text("present_if"),
        legs=None,
        filters=_parse_filters(section),
        duplicates=duplicates,
        on_conflict=section.choice(
            "on_conflict", ("reject_both", "keep_first", "keep_last"), default="reject_both"
        ),
        conflict_order=None,
        date_formats=date_formats,
        empty_words=empty_words,
    )


class RosterValidator(KindValidator):
    """The checks of one roster file; the key is (agent_id, hired_on), so exact duplicate
    rows and conflicting restatements work as for the other kinds."""

    def key_parts(self) -> list[str]:
        return [f"v_{part}" for part in KEY_PARTS]

    def key_source(self) -> str | None:
        return self.mapping.columns["agent_id"].source

    def columns(self) -> list[CheckedColumn]:
        checked = [self._agent(), self._date("hired_on"), self._date("left_on")]
        if "employed" in self.mapping.columns:
            checked.append(self._employed())
        for column in checked:
            spec = ROSTER_COLUMNS[column.name]
            if spec.required and column.text_sql is not None:
                column.errors.insert(
                    0, (f"t_{column.name} IS NULL", _quote_sql_text("missing required value"))
                )
        # across columns: the spell must not end before it starts
        checked[2].errors.append(
            (
                "v_left_on < v_hired_on",
                "'left_on ' || strftime(v_left_on, '%Y-%m-%d') || ' is before hired_on ' "
                "|| strftime(v_hired_on, '%Y-%m-%d')",
            )
        )
        return checked

    def _agent(self) -> CheckedColumn:
        column = self.mapping.columns["agent_id"]
        return CheckedColumn(
            "agent_id", column.source, _trimmed(column.sources[0]), "t_agent_id", []
        )

    def _date(self, name: str) -> CheckedColumn:
        if name not in self.mapping.columns:
            return CheckedColumn(name, None, None, "CAST(NULL AS DATE)", [])
        column = self.mapping.columns[name]
        t, v = f"t_{name}", f"v_{name}"
        empty = self.params.add(list(self.mapping.empty_words))
        trimmed = _trimmed(column.sources[0])
        text = f"CASE WHEN NOT list_contains({empty}, lower({trimmed})) THEN {trimmed} END"
        configured = list(self.mapping.date_formats)
        formats = configured + [f for f in ISO_DATE_FORMATS if f not in configured]
        value = f"CAST(try_strptime({t}, {self.params.add(formats)}) AS DATE)"
        shown = " or ".join(configured or ISO_DATE_FORMATS[:1])
        earliest = self.params.add(EARLIEST_PLAUSIBLE)
        return CheckedColumn(
            name,
            column.source,
            text,
            value,
            [
                (
                    f"{t} IS NOT NULL AND {v} IS NULL",
                    _raw_in_reason("bad date ", t, f": expected format {shown} (date_format)"),
                ),
                (
                    f"{v} < {earliest}",
                    _raw_in_reason("date ", t, f" is before {EARLIEST_PLAUSIBLE}: not plausible"),
                ),
            ],
        )

    def _employed(self) -> CheckedColumn:
        column = self.mapping.columns["employed"]
        t = "t_employed"
        value, errors = self._flag("employed", column, t)
        errors.append(
            (
                "v_employed = false AND v_left_on IS NULL",
                _raw_in_reason("a leaver (", t, ") needs a left_on date"),
            )
        )
        return CheckedColumn("employed", column.source, _trimmed(column.sources[0]), value, errors)


def insert_roster_sql() -> list[str]:
    """Statements replacing spells by key (a restatement wins) and inserting the good rows
    of ``checked_roster``."""
    good = f"(SELECT * FROM checked_{ROSTER} WHERE len(errors) = 0)"
    return [
        f"DELETE FROM agents AS a WHERE a.centre_id = $centre AND EXISTS (SELECT 1 FROM {good} "
        "AS g WHERE g.v_agent_id = a.agent_id AND g.v_hired_on = a.hired_on)",
        f"INSERT INTO agents SELECT $centre, v_agent_id, v_hired_on, v_left_on, $load_id "
        f"FROM {good}",
    ]


def insert_staff_surveys_sql() -> list[str]:
    """Statements replacing staff-survey answers by key and inserting the good rows."""
    good = f"(SELECT * FROM checked_{STAFF_SURVEYS} WHERE len(errors) = 0)"
    return [
        f"DELETE FROM staff_surveys WHERE centre_id = $centre AND response_id IN "
        f"(SELECT v_response_id FROM {good})",
        "INSERT INTO staff_surveys SELECT $centre, v_response_id, v_agent_id, v_responded_at, "
        f"CAST(v_enps AS INTEGER), $load_id FROM {good}",
    ]

"""Source configs: one YAML file per centre saying how its exports map onto the warehouse.

Parsing validates the file itself (unknown keys, missing mappings, bad names) and raises
``ConfigError`` naming the YAML file and the key, so an analyst can fix a new vendor's
config without reading code. docs/SOURCE_CONFIG.md documents every field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import zoneinfo
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from pipelines import settings

FORMATS = ("csv", "csv.gz", "xlsx", "parquet")
ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "utf-16": "utf-16",
}
DURATION_FORMATS = ("seconds", "milliseconds", "minutes", "hms", "mmss", "auto")
AMBIGUOUS_TIMES = ("reject", "earliest", "latest")
ON_CONFLICT = ("reject_both", "keep_first", "keep_last")
DUPLICATES = ("reject", "keep")
SYNTHETIC_KEYS = ("row", "content")
# strptime directives that carry a date: a format without any of them is time-only
DATE_DIRECTIVES = ("%d", "%j", "%Y", "%y", "%m", "%b", "%B", "%x", "%c", "%G", "%U", "%W")
PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
IDENTIFIER_TYPES = ("phone", "email", "account")
KINDS = ("contacts", "surveys", "qa")  # record kinds: one row per contact, survey, QA
# A vendor's own figures (metric, period, value): a kind of its own, see reported.py
REPORTED = "reported"
# The people kinds (people.py): an agent roster (employment spells, no timestamp) and
# staff survey answers (eNPS, a record kind like surveys)
ROSTER = "roster"
STAFF_SURVEYS = "staff_surveys"
RECORD_KINDS = (*KINDS, STAFF_SURVEYS)  # parsed and checked by the generic code
ALL_KINDS = (*KINDS, REPORTED, ROSTER, STAFF_SURVEYS)
QA_SECTIONS = ("accuracy", "empathy", "brand", "compliance", "process")
CHANNELS = ("voice", "chat", "email", "sms", "social", "post")
# The sample deployment's reason catalogue; a deployment defines its own in settings.yaml
# (ingest.contact_reasons). "unknown" is always allowed: an empty reason is stored as it.
CONTACT_REASONS = (
    "billing_query",
    "payment",
    "account_update",
    "technical_fault",
    "moving_home",
    "cancellation",
    "unknown",
)
EVALUATOR_ORGS = ("own", "client")

# Canonical column -> how its text is converted. Columns marked required must be mapped
# (or given a constant) and must hold a value on every row.
TEXT, CODE, TIMESTAMP, FLAG, DURATION, CSAT, NPS, PERCENT, INTEGER, PERIOD, FIGURE, DATE = (
    "text",
    "code",
    "timestamp",
    "flag",
    "duration",
    "csat",
    "nps",
    "percent",
    "integer",
    "period",
    "figure",  # a reported value: read by its metric's unit (reported.py)
    "date",  # a calendar date (roster: hired_on, left_on)
)


@dataclass(frozen=True)
class CanonicalColumn:
    name: str
    conversion: str
    required: bool


def _columns(*specs: tuple[str, str, bool]) -> dict[str, CanonicalColumn]:
    return {name: CanonicalColumn(name, conv, req) for name, conv, req in specs}


CANONICAL_COLUMNS: dict[str, dict[str, CanonicalColumn]] = {
    "contacts": _columns(
        ("contact_id", TEXT, True),
        ("channel", CODE, True),
        ("queue", TEXT, False),
        ("contact_reason", CODE, False),
        ("agent_id", TEXT, False),
        ("started_at", TIMESTAMP, True),
        ("answered", FLAG, True),
        ("abandoned", FLAG, True),
        ("wait_s", DURATION, False),
        ("talk_s", DURATION, False),
        ("hold_s", DURATION, False),
        ("wrap_s", DURATION, False),
        ("transferred", FLAG, False),
        ("complaint", FLAG, False),
    ),
    "surveys": _columns(
        ("survey_id", TEXT, True),
        ("contact_id", TEXT, False),
        ("responded_at", TIMESTAMP, True),
        ("csat", CSAT, False),
        ("nps", NPS, False),
        ("resolved", FLAG, False),
        ("comment", TEXT, False),
    ),
    "qa": _columns(
        ("evaluation_id", TEXT, True),
        ("contact_id", TEXT, False),
        ("agent_id", TEXT, False),
        ("evaluator_id", TEXT, False),
        ("evaluator_org", CODE, True),
        ("evaluated_at", TIMESTAMP, True),
        ("score_pct", PERCENT, True),
        ("critical_fail", FLAG, True),
    ),
    "staff_surveys": _columns(
        ("response_id", TEXT, True),
        ("agent_id", TEXT, False),
        ("responded_at", TIMESTAMP, True),
        ("enps", NPS, False),
    ),
}
# The reported kind's columns (reported.py); its key is (centre_id, metric, grain,
# period_start), its period and value parsed by the metric's unit.
REPORTED_COLUMNS: dict[str, CanonicalColumn] = _columns(
    ("centre_id", CODE, False),  # default: the config's centre
    ("metric", CODE, True),
    ("period", PERIOD, True),
    ("value", FIGURE, True),
)
# The roster kind's columns (people.py); its key is (centre_id, agent_id, hired_on).
ROSTER_COLUMNS: dict[str, CanonicalColumn] = _columns(
    ("agent_id", TEXT, True),
    ("hired_on", DATE, True),
    ("left_on", DATE, False),  # empty (or an empty_words word) while employed
    ("employed", FLAG, False),  # a status column: a leaver must have a left_on
)
KEY_COLUMN = {
    "contacts": "contact_id",
    "surveys": "survey_id",
    "qa": "evaluation_id",
    STAFF_SURVEYS: "response_id",
}
TIMESTAMP_COLUMN = {
    "contacts": "started_at",
    "surveys": "responded_at",
    "qa": "evaluated_at",
    STAFF_SURVEYS: "responded_at",
}
CODE_VALUES = {
    "channel": CHANNELS,
    "contact_reason": CONTACT_REASONS,
    "evaluator_org": EVALUATOR_ORGS,
}


class ConfigError(ValueError):
    """A source config is invalid; the message names the YAML file and key."""


@dataclass(frozen=True)
class Centre:
    id: str
    name: str
    sourcing: str
    vendor: str | None
    shore: str
    country: str
    timezone: str


@dataclass(frozen=True)
class Identifier:
    column: str
    type: str  # phone | email | account


@dataclass(frozen=True)
class ColumnSpec:
    """How one canonical column is read: its source column(s) and per-column formats.

    Options left None fall back to the export's (decimal separator, flag words, ...).
    """

    name: str
    sources: tuple[str, ...] = ()  # several for a composite key
    separator: str = "-"  # joins a composite key's parts
    synthetic: str | None = None  # keys only: "row" | "content"
    format: str | None = None  # durations only
    decimal_separator: str | None = None
    thousands_separator: str | None = None
    true_words: tuple[str, ...] | None = None
    false_words: tuple[str, ...] | None = None
    otherwise: bool | None = None  # flags: every other non-empty value
    negate: bool = False  # flags: the opposite of what the words say

    @property
    def source(self) -> str | None:
        """The source column named in rejects (the parts of a composite key joined)."""
        return "+".join(self.sources) or None


@dataclass(frozen=True)
class TimestampSource:
    """Where a record's timestamp comes from: one column, a date column and a time
    column, or a time column whose date comes from the file name or a constant."""

    column: str | None
    date: str | None
    time: str | None
    formats: tuple[str, ...]  # strptime formats of the whole value
    date_format: str | None = None  # with separate parts: each part's own format
    time_format: str | None = None
    date_from_file: str | None = None  # a {placeholder} of the export's pattern
    date_value: str | None = None  # ISO date for every row
    offset: str | None = None  # a column holding the UTC offset

    @property
    def source_columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.column, self.date, self.time, self.offset) if c)

    @property
    def source(self) -> str:
        if self.column:
            return self.column
        return "+".join(c for c in (self.date, self.time) if c)


# legs rule -> the canonical column types it can combine
LEG_RULES = {
    "first_leg": (TEXT, CODE, FLAG, DURATION),
    "last_leg": (TEXT, CODE, FLAG, DURATION),
    "answering_leg": (TEXT, CODE, FLAG, DURATION),
    "sum": (DURATION,),
    "max": (DURATION,),
    "union": (DURATION,),
    "any": (FLAG,),
    "all": (FLAG,),
}


@dataclass(frozen=True)
class Legs:
    """Several rows (legs) per contact collapse into one contact."""

    leg_column: str | None  # numbers the legs; or they are ordered by order_by
    order_by: str | None  # a canonical timestamp column
    rules: dict[str, str]  # canonical column -> a LEG_RULES key; else first_leg
    transferred_when_several_legs: bool

    def rule(self, column: str) -> str:
        return self.rules.get(column, "first_leg")


@dataclass(frozen=True)
class RowFilters:
    """Rows kept: matching every include and no exclude (trimmed, lower-cased values)."""

    include: dict[str, tuple[str, ...]]
    exclude: dict[str, tuple[str, ...]]

    @property
    def source_columns(self) -> set[str]:
        return set(self.include) | set(self.exclude)

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude)


@dataclass(frozen=True)
class KindMapping:
    kind: str
    columns: dict[str, ColumnSpec]  # canonical -> how it is read (not timestamps)
    timestamp: TimestampSource | None  # None for reported figures (they have a period)
    constants: dict[str, Any]  # canonical -> value when no column exists
    value_maps: dict[str, dict[str, str]]  # canonical -> {lower-cased source word: code}
    codes: dict[str, tuple[str, ...]]  # canonical code column -> the allowed codes
    csat_scale: tuple[float, float] | None
    sections: dict[str, ColumnSpec]  # QA section -> its score column
    present_if: str | None  # rows with this column empty hold no record
    legs: Legs | None
    filters: RowFilters
    duplicates: str  # reject | keep
    on_conflict: str  # reject_both | keep_first | keep_last
    conflict_order: str | None  # canonical column ordering keep_first/last
    # reported figures only (reported.py)
    grain: str | None = None  # month | week; None: read from each period's shape
    period_formats: tuple[str, ...] = ()  # strptime formats tried before the built-in ones
    percentages: str = "points"  # points (87.3) | fraction (0.873 = 87.3 %)
    # rosters only (people.py)
    date_formats: tuple[str, ...] = ()  # strptime formats of hired_on / left_on
    empty_words: tuple[str, ...] = ()  # lower-cased words meaning "no date" ("n/a")

    @property
    def timestamp_formats(self) -> tuple[str, ...]:
        return self.timestamp.formats if self.timestamp else ()

    @property
    def source_columns(self) -> set[str]:
        used = {c for spec in self.columns.values() for c in spec.sources}
        if self.timestamp:
            used |= set(self.timestamp.source_columns)
        used |= {c for spec in self.sections.values() for c in spec.sources}
        used |= self.filters.source_columns
        if self.present_if:
            used.add(self.present_if)
        if self.legs and self.legs.leg_column:
            used.add(self.legs.leg_column)
        return used

    @property
    def provided(self) -> set[str]:
        """Canonical columns this mapping fills (mapped, constant or derived)."""
        names = set(self.columns) | set(self.constants)
        if self.kind in TIMESTAMP_COLUMN:
            names.add(TIMESTAMP_COLUMN[self.kind])
        if self.kind == "contacts" and self.legs and self.legs.transferred_when_several_legs:
            names.add("transferred")
        return names


@dataclass(frozen=True)
class ExportSpec:
    config_path: Path
    index: int  # position in the config's `exports` list
    pattern: str  # may hold {placeholders}
    format: str
    delimiter: str
    quote: str
    decimal_separator: str
    encoding: str
    skip_rows: int
    sheet: str | None
    true_words: tuple[str, ...]
    false_words: tuple[str, ...]
    duration_format: str
    identifiers: tuple[Identifier, ...]
    default_country_code: str
    kinds: dict[str, KindMapping]
    thousands_separator: str | None = None
    ambiguous_times: str = "reject"
    max_reject_pct: float | None = None  # None: the deployment's setting
    config_sha256: str = ""  # of what this export's loaded rows depend on

    @property
    def where(self) -> str:
        return f"{self.config_path}: exports[{self.index}]"

    @property
    def glob(self) -> str:
        """The pattern as a glob: each {placeholder} matches like *."""
        return PLACEHOLDER_RE.sub("*", self.pattern)

    def captures(self, relative_path: str) -> dict[str, str] | None:
        """The placeholders' values for a file path (relative to the exports folder, or its
        tail); None when the path does not match. Matches from the end of the path."""
        parts = re.split(r"(\{[A-Za-z_][A-Za-z0-9_]*\})", self.pattern)
        regex = ""
        for part in parts:
            if match := PLACEHOLDER_RE.fullmatch(part):
                regex += f"(?P<{match.group(1)}>[^/]*?)"
            else:
                regex += "".join(
                    "[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch) for ch in part
                )
        found = re.search(rf"(?:^|/){regex}$", relative_path.replace("\\", "/"))
        return found.groupdict() if found else None

    @property
    def source_columns(self) -> set[str]:
        used = {i.column for i in self.identifiers}
        for mapping in self.kinds.values():
            used |= mapping.source_columns
        return used


@dataclass(frozen=True)
class SourceConfig:
    path: Path
    centre: Centre
    exports: tuple[ExportSpec, ...] = field(default=())


# --- parsing helpers -------------------------------------------------------------------


class _Section:
    """A mapping from the YAML with its location, for precise error messages."""

    def __init__(self, path: Path, where: str, raw: Any, allowed: set[str]):
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: {where or 'top level'} must be a mapping of keys")
        unknown = sorted(set(map(str, raw)) - allowed)
        if unknown:
            hints = [
                f"'{key}'"
                + (
                    f" (did you mean '{m[0]}'?)"
                    if (m := difflib.get_close_matches(key, sorted(allowed), n=1))
                    else ""
                )
                for key in unknown
            ]
            raise ConfigError(
                f"{path}: unknown key(s) {', '.join(hints)} in {where or 'top level'}; "
                f"allowed: {', '.join(sorted(allowed))}"
            )
        self.path, self.where, self.raw = path, where, raw

    def key(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def fail(self, name: str, message: str) -> ConfigError:
        return ConfigError(f"{self.path}: {self.key(name)}: {message}")

    def get(self, name: str, default: Any = None) -> Any:
        return self.raw.get(name, default)

    def required(self, name: str) -> Any:
        if self.raw.get(name) in (None, ""):
            raise self.fail(name, "is required")
        return self.raw[name]

    def text(self, name: str, default: str | None = None, required: bool = False) -> str | None:
        value = self.required(name) if required else self.raw.get(name, default)
        if value is None:
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(name, f"must be text, got {value!r}")
        return str(value)

    def choice(
        self, name: str, choices: tuple[str, ...] | dict[str, str], default: str | None = None
    ) -> str:
        value = self.text(name, default, required=default is None)
        key = str(value).lower()
        if key not in choices:
            raise self.fail(name, f"'{value}' is not one of {', '.join(choices)}")
        return choices[key] if isinstance(choices, dict) else key

    def words(self, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.raw.get(name)
        if value is None:
            return default
        if not isinstance(value, list) or not value:
            raise self.fail(name, "must be a non-empty list of words")
        return tuple(_yaml_word(v) for v in value)


def _yaml_word(value: Any) -> str:
    # YAML reads yes/no/true as booleans and 1 as an int: keep the word the file holds.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


CENTRE_KEYS = {"id", "name", "sourcing", "vendor", "shore", "country", "timezone"}
EXPORT_KEYS = {
    "pattern",
    "format",
    "delimiter",
    "quote",
    "decimal_separator",
    "encoding",
    "skip_rows",
    "sheet",
    "true_words",
    "false_words",
    "duration_format",
    "customer_identifiers",
    "default_country_code",
    "thousands_separator",
    "ambiguous_times",
    "max_reject_pct",
    *ALL_KINDS,
}
KIND_KEYS = {
    "columns",
    "timestamp_format",
    "constants",
    "value_maps",
    "csat_scale",
    "sections",
    "present_if",
    "legs",
    "filters",
    "duplicates",
    "on_conflict",
    "conflict_order",
}
LEG_KEYS = {
    "leg_column",
    "order_by",
    "first_leg",
    "last_leg",
    "answering_leg",
    "sum",
    "max",
    "union",
    "any",
    "all",
    "transferred_when_several_legs",
}
COLUMN_KEYS = {
    TEXT: {"column"},
    CODE: {"column"},
    INTEGER: {"column"},
    DURATION: {"column", "format", "decimal_separator", "thousands_separator"},
    FLAG: {"column", "true_words", "false_words", "otherwise", "negate"},
    **{
        conversion: {"column", "decimal_separator", "thousands_separator"}
        for conversion in (CSAT, NPS, PERCENT)
    },
}
KEY_KEYS = {"column", "columns", "separator", "synthetic"}
TIMESTAMP_KEYS = {
    "column",
    "format",
    "date",
    "time",
    "date_format",
    "time_format",
    "date_from_file",
    "date_value",
    "offset",
}
IDENTIFIER_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class IngestSettings:
    """The guards of every load (settings.yaml, section ``ingest``)."""

    max_reject_pct: float = 50.0
    earliest_date: str = "2015-01-01"
    future_tolerance_hours: float = 24.0
    contact_reasons: dict[str, str] = field(
        default_factory=lambda: {
            code: code.replace("_", " ").capitalize() for code in CONTACT_REASONS
        }
    )

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.contact_reasons, "unknown"]))


def _parse_centre(path: Path, raw: Any) -> Centre:
    section = _Section(path, "centre", raw, CENTRE_KEYS)
    centre_id = section.text("id", required=True)
    if not IDENTIFIER_RE.match(centre_id):
        raise section.fail("id", f"'{centre_id}' must be lower-case letters, digits and _")
    sourcing = section.choice("sourcing", ("in_house", "vendor"))
    vendor = section.text("vendor")
    if sourcing == "vendor" and not vendor:
        raise section.fail("vendor", "is required when sourcing is vendor")
    timezone = section.text("timezone", required=True)
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise section.fail(
            "timezone", f"'{timezone}' is not an IANA time zone (e.g. Europe/London)"
        ) from None
    country = section.text("country", required=True)
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise section.fail("country", f"'{country}' must be an ISO 3166-1 alpha-2 code")
    return Centre(
        id=centre_id,
        name=section.text("name", required=True),
        sourcing=sourcing,
        vendor=vendor,
        shore=section.choice("shore", ("onshore", "nearshore", "offshore")),
        country=country,
        timezone=timezone,
    )


def _parse_identifiers(section: _Section) -> tuple[Identifier, ...]:
    raw = section.get("customer_identifiers") or []
    if not isinstance(raw, list):
        raise section.fail("customer_identifiers", "must be a list of {column, type}")
    identifiers = []
    for position, item in enumerate(raw):
        entry = _Section(
            section.path, section.key(f"customer_identifiers[{position}]"), item, {"column", "type"}
        )
        identifiers.append(
            Identifier(
                column=entry.text("column", required=True),
                type=entry.choice("type", IDENTIFIER_TYPES),
            )
        )
    return tuple(identifiers)


def _is_time_only(fmt: str) -> bool:
    return not any(directive in fmt for directive in DATE_DIRECTIVES)


def _formats(section: _Section, name: str, value: Any) -> tuple[str, ...]:
    formats = [value] if isinstance(value, str) else value
    if (
        not formats
        or not isinstance(formats, list)
        or not all(isinstance(f, str) and "%" in f for f in formats)
    ):
        raise section.fail(
            name, "must be a strptime format such as '%d/%m/%Y %H:%M:%S', or a list of them"
        )
    return tuple(formats)


def _parse_timestamp(
    section: _Section, name: str, raw: Any, kind_formats: tuple[str, ...] | None, pattern: str
) -> TimestampSource:
    """Three shapes: one ``column``; ``date`` (+ ``time``) columns, joined or each with its
    own format; a ``time`` column on a date from the file name or a constant."""
    if isinstance(raw, str):
        raw = {"column": raw}
    parts = _Section(section.path, section.key(f"columns.{name}"), raw, TIMESTAMP_KEYS)
    column, date, time = parts.text("column"), parts.text("date"), parts.text("time")
    date_from_file, date_value = parts.text("date_from_file"), parts.text("date_value")
    date_format, time_format = parts.text("date_format"), parts.text("time_format")
    formats = (
        _formats(parts, "format", parts.get("format"))
        if parts.get("format")
        else kind_formats or ()
    )
    given = [k for k in ("column", "date", "date_from_file", "date_value") if parts.get(k)]
    if len(given) != 1:
        raise parts.fail(
            "column",
            "give exactly one of column, date (a column), "
            "date_from_file or date_value" + (f"; got {', '.join(given)}" if given else ""),
        )
    if column and time:
        raise parts.fail("time", "goes with date, date_from_file or date_value, not column")
    no_format = (
        "is required: a strptime format such as '%d/%m/%Y %H:%M:%S' "
        "(timestamp_format of the kind, or format here)"
    )
    if date and (date_format or time_format):  # each part parsed on its own
        if not date_format or _is_time_only(date_format):
            raise parts.fail(
                "date_format",
                "is required with time_format: the date part's format, e.g. '%d.%m.%Y'",
            )
        if time and not time_format:
            raise parts.fail("time_format", "is required with date_format and a time column")
    elif column or date:  # the (joined) value parsed whole
        if not formats:
            raise section.fail("timestamp_format", no_format)
        if time_only := [f for f in formats if _is_time_only(f)]:
            raise parts.fail(
                "format" if parts.get("format") else "column",
                f"'{time_only[0]}' holds a time only and there is no date "
                "source: add date (a column), date_from_file (a {placeholder} "
                "of the pattern) or date_value; a time is never given a "
                "made-up date",
            )
    else:  # a time on a date from elsewhere
        if not time:
            raise parts.fail("time", f"is required with {given[0]}")
        time_formats = (time_format,) if time_format else formats
        if not time_formats:
            raise parts.fail("time_format", no_format)
        if not all(_is_time_only(f) for f in time_formats):
            raise parts.fail(
                "time_format",
                "the time column's format must hold a time only "
                "('%H:%M:%S'): the date comes from "
                f"{given[0]}",
            )
        formats, time_format = (), time_formats[0] if len(time_formats) == 1 else None
        if time_format is None:
            formats = time_formats
    if date_from_file:
        if date_from_file not in PLACEHOLDER_RE.findall(pattern):
            raise parts.fail(
                "date_from_file",
                f"'{date_from_file}' is not a {{placeholder}} of the export's pattern '{pattern}'",
            )
        if not date_format or _is_time_only(date_format):
            raise parts.fail(
                "date_format",
                "is required with date_from_file: the strptime "
                "format of the file name's date, e.g. '%Y%m%d'",
            )
    if date_value:
        try:
            dt.date.fromisoformat(date_value)
        except ValueError:
            raise parts.fail(
                "date_value", f"'{date_value}' is not an ISO date (2026-11-16)"
            ) from None
    return TimestampSource(
        column=column,
        date=date,
        time=time,
        formats=formats,
        date_format=date_format,
        time_format=time_format,
        date_from_file=date_from_file,
        date_value=date_value,
        offset=parts.text("offset"),
    )


def _words(section: _Section, name: str) -> tuple[str, ...] | None:
    value = section.get(name)
    return None if value is None else section.words(name, ())


def _parse_column(section: _Section, kind: str, name: str, raw: Any) -> ColumnSpec:
    """One ``columns`` entry: a source column name or a mapping with per-column options."""
    conversion = CANONICAL_COLUMNS[kind][name].conversion
    is_key = name == KEY_COLUMN[kind]
    if isinstance(raw, str | int) and not isinstance(raw, bool):
        return ColumnSpec(name, sources=(str(raw),))
    allowed = COLUMN_KEYS[conversion] | (KEY_KEYS if is_key else set())
    entry = _Section(section.path, section.key(f"columns.{name}"), raw, allowed)
    synthetic = entry.get("synthetic")
    if synthetic is not None:
        if synthetic not in SYNTHETIC_KEYS:
            raise entry.fail("synthetic", f"'{synthetic}' is not one of row, content")
        if len(entry.raw) > 1:
            raise entry.fail("synthetic", "takes no other option")
        return ColumnSpec(name, synthetic=synthetic)
    if entry.get("columns") is not None:
        columns = entry.get("columns")
        if entry.get("column") is not None:
            raise entry.fail("columns", "give column or columns, not both")
        if not isinstance(columns, list) or len(columns) < 2:
            raise entry.fail("columns", "must list two or more source columns")
        sources = tuple(str(c) for c in columns)
    else:
        sources = (entry.text("column", required=True),)
    fmt = entry.get("format")
    if fmt is not None:
        fmt = entry.choice("format", DURATION_FORMATS)
    decimal = entry.text("decimal_separator")
    if decimal is not None and decimal not in (".", ","):
        raise entry.fail("decimal_separator", f"'{decimal}' must be '.' or ','")
    otherwise = entry.get("otherwise")
    if otherwise is not None and not isinstance(otherwise, bool):
        raise entry.fail("otherwise", "must be true or false")
    negate = entry.get("negate", False)
    if not isinstance(negate, bool):
        raise entry.fail("negate", "must be true or false")
    true_words, false_words = _words(entry, "true_words"), _words(entry, "false_words")
    if (
        true_words
        and false_words
        and (clash := {w.lower() for w in true_words} & {w.lower() for w in false_words})
    ):
        raise entry.fail("true_words", f"{sorted(clash)} also listed in false_words")
    return ColumnSpec(
        name,
        sources=sources,
        separator=entry.text("separator", "-"),
        format=fmt,
        decimal_separator=decimal,
        thousands_separator=entry.text("thousands_separator"),
        true_words=true_words,
        false_words=false_words,
        otherwise=otherwise,
        negate=negate,
    )


def _parse_legs(section: _Section) -> Legs:
    legs = _Section(section.path, section.key("legs"), section.get("legs"), LEG_KEYS)

    def canonical_list(name: str, conversions: tuple[str, ...]) -> tuple[str, ...]:
        value = legs.get(name) or []
        if not isinstance(value, list):
            raise legs.fail(name, "must be a list of canonical column names")
        for column in value:
            spec = CANONICAL_COLUMNS["contacts"].get(column)
            if spec is None or spec.conversion not in conversions:
                raise legs.fail(
                    name,
                    f"'{column}' is not a contacts column that can be "
                    f"combined this way ({'/'.join(conversions)} columns)",
                )
        return tuple(value)

    leg_column, order_by = legs.text("leg_column"), legs.text("order_by")
    if bool(leg_column) == bool(order_by):
        raise legs.fail(
            "leg_column",
            "give leg_column (a leg number) or order_by (a "
            "timestamp such as started_at), one of them",
        )
    if order_by and order_by != "started_at":
        raise legs.fail("order_by", f"'{order_by}' must be started_at, the legs' start")
    rules: dict[str, str] = {}
    for rule, conversions in LEG_RULES.items():
        for column in canonical_list(rule, conversions):
            if column in rules:
                raise legs.fail(rule, f"'{column}' is already combined by {rules[column]}")
            rules[column] = rule
    if any(rule == "union" and column != "talk_s" for column, rule in rules.items()):
        raise legs.fail("union", "only talk_s can be combined over its intervals")
    return Legs(
        leg_column=leg_column,
        order_by=order_by,
        rules=rules,
        transferred_when_several_legs=bool(legs.get("transferred_when_several_legs", True)),
    )


def _parse_filters(section: _Section) -> RowFilters:
    raw = section.get("filters")
    if raw is None:
        return RowFilters({}, {})
    filters = _Section(section.path, section.key("filters"), raw, {"include", "exclude"})
    parsed = {}
    for name in ("include", "exclude"):
        rules = _Section(
            section.path,
            filters.key(name),
            filters.get(name) or {},
            set(map(str, (filters.get(name) or {}))),
        )
        values = {}
        for column, words in rules.raw.items():
            if not isinstance(words, list) or not words:
                raise rules.fail(str(column), "must be a list of values")
            values[str(column)] = tuple(_yaml_word(w).lower() for w in words)
        parsed[name] = values
    return RowFilters(parsed["include"], parsed["exclude"])


def _parse_kind(export: _Section, kind: str, reason_codes: tuple[str, ...]) -> KindMapping:
    section = _Section(export.path, export.key(kind), export.get(kind), KIND_KEYS)
    canonical = CANONICAL_COLUMNS[kind]
    codes = {**CODE_VALUES, "contact_reason": reason_codes}
    columns_section = _Section(
        export.path, section.key("columns"), section.required("columns"), set(canonical)
    )
    timestamp_name = TIMESTAMP_COLUMN[kind]
    columns = {
        name: _parse_column(columns_section, kind, name, value)
        for name, value in columns_section.raw.items()
        if name != timestamp_name and value is not None
    }
    if timestamp_name not in columns_section.raw:
        raise columns_section.fail(timestamp_name, "is required (a column, or date: and time:)")
    kind_formats = (
        _formats(section, "timestamp_format", section.get("timestamp_format"))
        if section.get("timestamp_format") is not None
        else None
    )
    timestamp = _parse_timestamp(
        section,
        timestamp_name,
        columns_section.raw[timestamp_name],
        kind_formats,
        str(export.get("pattern") or ""),
    )

    constants_section = _Section(
        export.path, section.key("constants"), section.get("constants") or {}, set(canonical)
    )
    constants = dict(constants_section.raw)
    for name, value in constants.items():
        if name in columns:
            raise constants_section.fail(name, "is both mapped to a column and a constant")
        conversion = canonical[name].conversion
        if conversion == FLAG and not isinstance(value, bool):
            raise constants_section.fail(name, "must be true or false")
        if conversion == CODE and value not in codes[name]:
            raise constants_section.fail(name, f"'{value}' is not one of {', '.join(codes[name])}")
        if conversion not in (FLAG, CODE, TEXT):
            raise constants_section.fail(name, "only text, code and flag columns take constants")

    maps_section = _Section(
        export.path,
        section.key("value_maps"),
        section.get("value_maps") or {},
        {c for c, spec in canonical.items() if spec.conversion == CODE},
    )
    value_maps: dict[str, dict[str, str]] = {}
    for name, mapping in maps_section.raw.items():
        if not isinstance(mapping, dict) or not mapping:
            raise maps_section.fail(name, "must map source words to codes")
        for word, code in mapping.items():
            if code not in codes[name]:
                raise maps_section.fail(
                    f"{name}.{word}",
                    f"'{code}' is not one of {', '.join(codes[name])}"
                    + (
                        " (the reason catalogue: ingest.contact_reasons in settings.yaml)"
                        if name == "contact_reason"
                        else ""
                    ),
                )
        value_maps[name] = {_yaml_word(word).lower(): code for word, code in mapping.items()}

    legs = None
    if section.get("legs") is not None:
        if kind != "contacts":
            raise section.fail("legs", "only contacts can be collapsed from legs")
        legs = _parse_legs(section)

    for name, spec in canonical.items():
        provided = name in columns or name in constants or name == timestamp_name
        optional_code = name == "contact_reason"
        if spec.required and not (provided or optional_code):
            raise columns_section.fail(
                name,
                f"is required for {kind}: map it to a source column"
                + (" or give it under constants" if spec.conversion in (FLAG, CODE) else ""),
            )
    if legs and legs.transferred_when_several_legs and "transferred" in columns:
        raise section.fail(
            "legs",
            "transferred is both mapped to a column and derived from "
            "legs: set transferred_when_several_legs: false or unmap it",
        )
    key = columns[KEY_COLUMN[kind]]
    for name, spec in columns.items():
        if spec.synthetic and name != KEY_COLUMN[kind]:
            raise columns_section.fail(name, "only the key column can be synthetic")
    if key.synthetic and legs:
        raise columns_section.fail(
            KEY_COLUMN[kind], "legs need a real contact id to group by, not a synthetic key"
        )

    duplicates = section.choice("duplicates", DUPLICATES, default="reject")
    if duplicates == "keep" and key.synthetic != "row":
        raise section.fail(
            "duplicates",
            "keep needs contact_id: {synthetic: row}: with a "
            "real or content key, identical rows share a key",
        )
    on_conflict = section.choice("on_conflict", ON_CONFLICT, default="reject_both")
    conflict_order = section.text("conflict_order")
    if conflict_order is not None:
        if on_conflict == "reject_both":
            raise section.fail("conflict_order", "only applies to keep_first / keep_last")
        if conflict_order not in canonical or (
            conflict_order not in columns and conflict_order != timestamp_name
        ):
            raise section.fail(
                "conflict_order", f"'{conflict_order}' is not a mapped {kind} column"
            )

    csat_scale = None
    if kind == "surveys":
        if not {"csat", "nps", "resolved"} & set(columns):
            raise columns_section.fail(
                "csat", "surveys need at least one of csat, nps, resolved mapped"
            )
        if "csat" in columns:
            scale = section.get("csat_scale")
            if (
                not isinstance(scale, list)
                or len(scale) != 2
                or not all(isinstance(v, int | float) for v in scale)
                or scale[0] >= scale[1]
            ):
                raise section.fail(
                    "csat_scale", "is required with csat: [lowest, highest] answer, e.g. [1, 5]"
                )
            csat_scale = (float(scale[0]), float(scale[1]))

    sections: dict[str, ColumnSpec] = {}
    if section.get("sections") is not None:
        if kind != "qa":
            raise section.fail("sections", "only qa has section scores")
        sections_section = _Section(
            export.path, section.key("sections"), section.get("sections"), set(QA_SECTIONS)
        )
        for name, value in sections_section.raw.items():
            if isinstance(value, dict):
                entry = _Section(
                    export.path, sections_section.key(name), value, COLUMN_KEYS[PERCENT]
                )
                sections[name] = ColumnSpec(
                    name,
                    sources=(entry.text("column", required=True),),
                    decimal_separator=entry.text("decimal_separator"),
                    thousands_separator=entry.text("thousands_separator"),
                )
            else:
                sections[name] = ColumnSpec(name, sources=(str(value),))

    return KindMapping(
        kind=kind,
        columns=columns,
        timestamp=timestamp,
        constants=constants,
        value_maps=value_maps,
        codes=codes,
        csat_scale=csat_scale,
        sections=sections,
        present_if=section.text("present_if"),
        legs=legs,
        filters=_parse_filters(section),
        duplicates=duplicates,
        on_conflict=on_conflict,
        conflict_order=conflict_order,
    )


def _parse_export(
    path: Path, index: int, raw: Any, centre_raw: Any, ingest: IngestSettings
) -> ExportSpec:
    section = _Section(path, f"exports[{index}]", raw, EXPORT_KEYS)
    file_format = section.choice("format", FORMATS)
    section.text("pattern", required=True)
    kinds = {
        kind: _parse_kind(section, kind, ingest.reason_codes)
        for kind in RECORD_KINDS
        if section.get(kind) is not None
    }
    if section.get(ROSTER) is not None:
        from .people import parse_roster  # people.py builds on this module

        if kinds:
            raise section.fail(ROSTER, "a roster comes in a file of its own (no other kind beside)")
        kinds[ROSTER] = parse_roster(section)
    if section.get(REPORTED) is not None:
        from .reported import parse_reported  # reported.py builds on this module

        if kinds:
            raise section.fail(
                REPORTED, "reported figures come in a file of their own (no other kind beside)"
            )
        kinds[REPORTED] = parse_reported(section, _parse_centre(path, centre_raw).id)
    if not kinds:
        raise section.fail(
            "contacts",
            "each export needs at least one of contacts, surveys, qa, reported, roster, "
            "staff_surveys",
        )
    delimiter = section.text("delimiter", ",")
    if len(delimiter) != 1:
        raise section.fail("delimiter", f"'{delimiter}' must be a single character")
    decimal = section.text("decimal_separator", ".")
    if decimal not in (".", ","):
        raise section.fail("decimal_separator", f"'{decimal}' must be '.' or ','")
    skip_rows = section.get("skip_rows", 0)
    if not isinstance(skip_rows, int) or skip_rows < 0:
        raise section.fail("skip_rows", "must be a whole number >= 0")
    sheet = section.text("sheet")
    if sheet and file_format != "xlsx":
        raise section.fail("sheet", "only applies to xlsx exports")
    identifiers = _parse_identifiers(section)
    country_code = section.text("default_country_code", "")
    if any(i.type == "phone" for i in identifiers) and not re.fullmatch(r"\d{1,3}", country_code):
        raise section.fail(
            "default_country_code", "is required with phone identifiers: digits only, e.g. '44'"
        )
    true_words = section.words("true_words", ("true", "yes", "y", "1"))
    false_words = section.words("false_words", ("false", "no", "n", "0"))
    if clash := {w.lower() for w in true_words} & {w.lower() for w in false_words}:
        raise section.fail("true_words", f"{sorted(clash)} also listed in false_words")
    max_reject_pct = section.get("max_reject_pct")
    if max_reject_pct is not None and (
        not isinstance(max_reject_pct, int | float)
        or isinstance(max_reject_pct, bool)
        or not 0 <= max_reject_pct <= 100
    ):
        raise section.fail("max_reject_pct", "must be a number from 0 to 100")
    # what the loaded rows depend on besides the file: a change here makes them stale
    depends_on = json.dumps(
        {"export": raw, "centre": centre_raw, "reasons": list(ingest.reason_codes)},
        sort_keys=True,
        default=str,
    )
    return ExportSpec(
        config_path=path,
        index=index,
        pattern=section.text("pattern", required=True),
        format=file_format,
        delimiter=delimiter,
        quote=section.text("quote", '"'),
        decimal_separator=decimal,
        encoding=section.choice("encoding", ENCODINGS, default="utf-8"),
        skip_rows=skip_rows,
        sheet=sheet,
        true_words=true_words,
        false_words=false_words,
        duration_format=section.choice("duration_format", DURATION_FORMATS, default="seconds"),
        identifiers=identifiers,
        default_country_code=country_code,
        kinds=kinds,
        thousands_separator=section.text("thousands_separator"),
        ambiguous_times=section.choice("ambiguous_times", AMBIGUOUS_TIMES, default="reject"),
        max_reject_pct=max_reject_pct,
        config_sha256=hashlib.sha256(depends_on.encode()).hexdigest(),
    )


def load_ingest_settings(config_dir: Path | None = None) -> IngestSettings:
    """The ``ingest`` section of settings.yaml (defaults for what it leaves out)."""
    raw = settings.read_settings_file(Path(config_dir or settings.config_dir())).get("ingest") or {}
    where = "settings.yaml: ingest"
    known = {f.name for f in fields(IngestSettings)}
    if unknown := sorted(set(raw) - known):
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    values = dict(raw)
    if "contact_reasons" in values:
        reasons = values["contact_reasons"]
        if isinstance(reasons, list):
            reasons = {str(code): str(code).replace("_", " ").capitalize() for code in reasons}
        if (
            not isinstance(reasons, dict)
            or not reasons
            or not all(IDENTIFIER_RE.match(str(code)) for code in reasons)
        ):
            raise ConfigError(
                f"{where}.contact_reasons: a mapping of reason codes (lower-case "
                "letters, digits, _) to labels"
            )
        values["contact_reasons"] = {str(k): str(v) for k, v in reasons.items()}
    if "earliest_date" in values:
        values["earliest_date"] = str(values["earliest_date"])
        try:
            dt.date.fromisoformat(values["earliest_date"])
        except ValueError:
            raise ConfigError(
                f"{where}.earliest_date: '{values['earliest_date']}' is not an ISO date"
            ) from None
    for name in ("max_reject_pct", "future_tolerance_hours"):
        if name in values and (
            not isinstance(values[name], int | float)
            or isinstance(values[name], bool)
            or values[name] < 0
        ):
            raise ConfigError(f"{where}.{name}: must be a number >= 0")
    return IngestSettings(**values)


def parse_source_config(path: Path, ingest: IngestSettings | None = None) -> SourceConfig:
    """Read and validate one source config YAML file."""
    ingest = ingest or IngestSettings()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    top = _Section(path, "", raw, {"centre", "exports"})
    centre = _parse_centre(path, top.required("centre"))
    exports = top.required("exports")
    if not isinstance(exports, list) or not exports:
        raise top.fail("exports", "must be a non-empty list of export files")
    return SourceConfig(
        path=path,
        centre=centre,
        exports=tuple(
            _parse_export(path, i, e, raw["centre"], ingest) for i, e in enumerate(exports)
        ),
    )


def load_source_configs(config_dir: Path) -> list[SourceConfig]:
    """All ``sources/*.yaml`` under the config folder; centre ids must be unique."""
    sources_dir = Path(config_dir) / "sources"
    paths = sorted(sources_dir.glob("*.yaml")) + sorted(sources_dir.glob("*.yml"))
    if not paths:
        raise ConfigError(f"{sources_dir}: no source configs (*.yaml) found")
    ingest = load_ingest_settings(config_dir)
    configs = [parse_source_config(p, ingest) for p in paths]
    seen: dict[str, Path] = {}
    for config in configs:
        if config.centre.id in seen:
            raise ConfigError(
                f"{config.path}: centre.id '{config.centre.id}' is already "
                f"used by {seen[config.centre.id]}"
            )
        seen[config.centre.id] = config.path
    from .reported import allow_vendor_centres  # reported.py builds on this module

    return allow_vendor_centres(configs)

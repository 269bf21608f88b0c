"""Source configs: one YAML file per centre saying how its exports map onto the warehouse.

Parsing validates the file itself (unknown keys, missing mappings, bad names) and raises
``ConfigError`` naming the YAML file and the key, so an analyst can fix a new vendor's
config without reading code. docs/SOURCE_CONFIG.md documents every field.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FORMATS = ("csv", "csv.gz", "xlsx", "parquet")
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "latin-1": "latin-1", "latin1": "latin-1",
             "iso-8859-1": "latin-1", "utf-16": "utf-16"}
DURATION_FORMATS = ("seconds", "hms")
IDENTIFIER_TYPES = ("phone", "email", "account")
KINDS = ("contacts", "surveys", "qa")
QA_SECTIONS = ("accuracy", "empathy", "brand", "compliance", "process")
CHANNELS = ("voice", "chat", "email", "sms", "social", "post")
CONTACT_REASONS = ("billing_query", "payment", "account_update", "technical_fault",
                   "moving_home", "cancellation", "unknown")
EVALUATOR_ORGS = ("own", "client")

# Canonical column -> how its text is converted. Columns marked required must be mapped
# (or given a constant) and must hold a value on every row.
TEXT, CODE, TIMESTAMP, FLAG, DURATION, CSAT, NPS, PERCENT, INTEGER = (
    "text", "code", "timestamp", "flag", "duration", "csat", "nps", "percent", "integer")


@dataclass(frozen=True)
class CanonicalColumn:
    name: str
    conversion: str
    required: bool


def _columns(*specs: tuple[str, str, bool]) -> dict[str, CanonicalColumn]:
    return {name: CanonicalColumn(name, conv, req) for name, conv, req in specs}


CANONICAL_COLUMNS: dict[str, dict[str, CanonicalColumn]] = {
    "contacts": _columns(
        ("contact_id", TEXT, True), ("channel", CODE, True), ("queue", TEXT, False),
        ("contact_reason", CODE, False), ("agent_id", TEXT, False),
        ("started_at", TIMESTAMP, True), ("answered", FLAG, True),
        ("abandoned", FLAG, True), ("wait_s", DURATION, False), ("talk_s", DURATION, False),
        ("hold_s", DURATION, False), ("wrap_s", DURATION, False),
        ("transferred", FLAG, True), ("complaint", FLAG, True),
    ),
    "surveys": _columns(
        ("survey_id", TEXT, True), ("contact_id", TEXT, False),
        ("responded_at", TIMESTAMP, True), ("csat", CSAT, False), ("nps", NPS, False),
        ("resolved", FLAG, False), ("comment", TEXT, False),
    ),
    "qa": _columns(
        ("evaluation_id", TEXT, True), ("contact_id", TEXT, False), ("agent_id", TEXT, False),
        ("evaluator_id", TEXT, False), ("evaluator_org", CODE, True),
        ("evaluated_at", TIMESTAMP, True), ("score_pct", PERCENT, True),
        ("critical_fail", FLAG, True),
    ),
}
KEY_COLUMN = {"contacts": "contact_id", "surveys": "survey_id", "qa": "evaluation_id"}
TIMESTAMP_COLUMN = {"contacts": "started_at", "surveys": "responded_at", "qa": "evaluated_at"}
CODE_VALUES = {"channel": CHANNELS, "contact_reason": CONTACT_REASONS,
               "evaluator_org": EVALUATOR_ORGS}


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
class TimestampSource:
    """Either one column holding date and time, or a date column plus a time column."""

    column: str | None
    date: str | None
    time: str | None

    @property
    def source_columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.column, self.date, self.time) if c)


@dataclass(frozen=True)
class Legs:
    """Several rows (legs) per contact collapse into one contact."""

    leg_column: str
    last_leg: tuple[str, ...]      # canonical columns taken from the highest leg
    summed: tuple[str, ...]        # canonical columns summed over legs
    any_leg: tuple[str, ...]       # flags true when any leg has them
    transferred_when_several_legs: bool


@dataclass(frozen=True)
class KindMapping:
    kind: str
    columns: dict[str, str]                 # canonical -> source column (not timestamps)
    timestamp: TimestampSource
    timestamp_formats: tuple[str, ...]
    constants: dict[str, Any]               # canonical -> value when no column exists
    value_maps: dict[str, dict[str, str]]   # canonical -> {lower-cased source word: code}
    csat_scale: tuple[float, float] | None
    sections: dict[str, str]                # QA section -> source column
    present_if: str | None                  # rows with this column empty hold no record
    legs: Legs | None

    @property
    def source_columns(self) -> set[str]:
        used = set(self.columns.values()) | set(self.timestamp.source_columns)
        used |= set(self.sections.values())
        if self.present_if:
            used.add(self.present_if)
        if self.legs:
            used.add(self.legs.leg_column)
        return used


@dataclass(frozen=True)
class ExportSpec:
    config_path: Path
    index: int                  # position in the config's `exports` list
    pattern: str
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

    @property
    def where(self) -> str:
        return f"{self.config_path}: exports[{self.index}]"

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
                f"'{key}'" + (f" (did you mean '{m[0]}'?)" if (m := difflib.get_close_matches(
                    key, sorted(allowed), n=1)) else "")
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

    def choice(self, name: str, choices: tuple[str, ...] | dict[str, str],
               default: str | None = None) -> str:
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
EXPORT_KEYS = {"pattern", "format", "delimiter", "quote", "decimal_separator", "encoding",
               "skip_rows", "sheet", "true_words", "false_words", "duration_format",
               "customer_identifiers", "default_country_code", *KINDS}
KIND_KEYS = {"columns", "timestamp_format", "constants", "value_maps", "csat_scale",
             "sections", "present_if", "legs"}
LEG_KEYS = {"leg_column", "last_leg", "sum", "any", "transferred_when_several_legs"}
IDENTIFIER_RE = re.compile(r"^[a-z][a-z0-9_]*$")


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
        raise section.fail("timezone", f"'{timezone}' is not an IANA time zone "
                                       "(e.g. Europe/London)") from None
    country = section.text("country", required=True)
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise section.fail("country", f"'{country}' must be an ISO 3166-1 alpha-2 code")
    return Centre(
        id=centre_id, name=section.text("name", required=True), sourcing=sourcing,
        vendor=vendor, shore=section.choice("shore", ("onshore", "nearshore", "offshore")),
        country=country, timezone=timezone,
    )


def _parse_identifiers(section: _Section) -> tuple[Identifier, ...]:
    raw = section.get("customer_identifiers") or []
    if not isinstance(raw, list):
        raise section.fail("customer_identifiers", "must be a list of {column, type}")
    identifiers = []
    for position, item in enumerate(raw):
        entry = _Section(section.path, section.key(f"customer_identifiers[{position}]"),
                         item, {"column", "type"})
        identifiers.append(Identifier(column=entry.text("column", required=True),
                                      type=entry.choice("type", IDENTIFIER_TYPES)))
    return tuple(identifiers)


def _parse_timestamp(section: _Section, name: str, raw: Any) -> TimestampSource:
    if isinstance(raw, str):
        return TimestampSource(column=raw, date=None, time=None)
    parts = _Section(section.path, section.key(f"columns.{name}"), raw, {"date", "time"})
    return TimestampSource(column=None, date=parts.text("date", required=True),
                           time=parts.text("time"))


def _parse_legs(section: _Section) -> Legs:
    legs = _Section(section.path, section.key("legs"), section.get("legs"), LEG_KEYS)

    def canonical_list(name: str, conversions: tuple[str, ...]) -> tuple[str, ...]:
        value = legs.get(name) or []
        if not isinstance(value, list):
            raise legs.fail(name, "must be a list of canonical column names")
        for column in value:
            spec = CANONICAL_COLUMNS["contacts"].get(column)
            if spec is None or spec.conversion not in conversions:
                raise legs.fail(name, f"'{column}' is not a contacts column that can be "
                                      f"combined this way ({'/'.join(conversions)} columns)")
        return tuple(value)

    return Legs(
        leg_column=legs.text("leg_column", required=True),
        last_leg=canonical_list("last_leg", (TEXT, CODE, FLAG, DURATION)),
        summed=canonical_list("sum", (DURATION,)),
        any_leg=canonical_list("any", (FLAG,)),
        transferred_when_several_legs=bool(legs.get("transferred_when_several_legs", True)),
    )


def _parse_kind(export: _Section, kind: str) -> KindMapping:
    section = _Section(export.path, export.key(kind), export.get(kind), KIND_KEYS)
    canonical = CANONICAL_COLUMNS[kind]
    columns_section = _Section(export.path, section.key("columns"),
                               section.required("columns"), set(canonical))
    timestamp_name = TIMESTAMP_COLUMN[kind]
    columns = {name: str(value) for name, value in columns_section.raw.items()
               if name != timestamp_name and value is not None}
    if timestamp_name not in columns_section.raw:
        raise columns_section.fail(timestamp_name, "is required (a column, or date: and time:)")
    timestamp = _parse_timestamp(section, timestamp_name, columns_section.raw[timestamp_name])

    formats = section.get("timestamp_format")
    if isinstance(formats, str):
        formats = [formats]
    if not formats or not all(isinstance(f, str) and "%" in f for f in formats):
        raise section.fail("timestamp_format", "is required: a strptime format such as "
                                               "'%d/%m/%Y %H:%M:%S', or a list of them")

    constants_section = _Section(export.path, section.key("constants"),
                                 section.get("constants") or {}, set(canonical))
    constants = dict(constants_section.raw)
    for name, value in constants.items():
        if name in columns:
            raise constants_section.fail(name, "is both mapped to a column and a constant")
        conversion = canonical[name].conversion
        if conversion == FLAG and not isinstance(value, bool):
            raise constants_section.fail(name, "must be true or false")
        if conversion == CODE and value not in CODE_VALUES[name]:
            raise constants_section.fail(
                name, f"'{value}' is not one of {', '.join(CODE_VALUES[name])}")
        if conversion not in (FLAG, CODE, TEXT):
            raise constants_section.fail(name, "only text, code and flag columns take "
                                               "constants")

    maps_section = _Section(export.path, section.key("value_maps"),
                            section.get("value_maps") or {},
                            {c for c, spec in canonical.items() if spec.conversion == CODE})
    value_maps: dict[str, dict[str, str]] = {}
    for name, mapping in maps_section.raw.items():
        if not isinstance(mapping, dict) or not mapping:
            raise maps_section.fail(name, "must map source words to codes")
        for word, code in mapping.items():
            if code not in CODE_VALUES[name]:
                raise maps_section.fail(
                    f"{name}.{word}", f"'{code}' is not one of {', '.join(CODE_VALUES[name])}")
        value_maps[name] = {_yaml_word(word).lower(): code for word, code in mapping.items()}

    legs = None
    if section.get("legs") is not None:
        if kind != "contacts":
            raise section.fail("legs", "only contacts can be collapsed from legs")
        legs = _parse_legs(section)

    for name, spec in canonical.items():
        provided = name in columns or name in constants or name == timestamp_name
        derived = name == "transferred" and legs and legs.transferred_when_several_legs
        optional_code = name == "contact_reason"
        if spec.required and not (provided or derived or optional_code):
            raise columns_section.fail(
                name, f"is required for {kind}: map it to a source column"
                      + (" or give it under constants" if spec.conversion in (FLAG, CODE)
                         else ""))
    if legs and legs.transferred_when_several_legs and "transferred" in columns:
        raise section.fail("legs", "transferred is both mapped to a column and derived from "
                                   "legs: set transferred_when_several_legs: false or unmap it")

    csat_scale = None
    if kind == "surveys":
        if not {"csat", "nps", "resolved"} & set(columns):
            raise columns_section.fail("csat", "surveys need at least one of csat, nps, "
                                               "resolved mapped")
        if "csat" in columns:
            scale = section.get("csat_scale")
            if (not isinstance(scale, list) or len(scale) != 2
                    or not all(isinstance(v, int | float) for v in scale)
                    or scale[0] >= scale[1]):
                raise section.fail("csat_scale", "is required with csat: [lowest, highest] "
                                                 "answer, e.g. [1, 5]")
            csat_scale = (float(scale[0]), float(scale[1]))

    sections: dict[str, str] = {}
    if section.get("sections") is not None:
        if kind != "qa":
            raise section.fail("sections", "only qa has section scores")
        sections_section = _Section(export.path, section.key("sections"),
                                    section.get("sections"), set(QA_SECTIONS))
        sections = {name: str(value) for name, value in sections_section.raw.items()}

    return KindMapping(
        kind=kind, columns=columns, timestamp=timestamp, timestamp_formats=tuple(formats),
        constants=constants, value_maps=value_maps, csat_scale=csat_scale,
        sections=sections, present_if=section.text("present_if"), legs=legs,
    )


def _parse_export(path: Path, index: int, raw: Any) -> ExportSpec:
    section = _Section(path, f"exports[{index}]", raw, EXPORT_KEYS)
    file_format = section.choice("format", FORMATS)
    kinds = {kind: _parse_kind(section, kind) for kind in KINDS if section.get(kind) is not None}
    if not kinds:
        raise section.fail("contacts", "each export needs at least one of contacts, surveys, qa")
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
    if any(i.type == "phone" for i in identifiers) and not re.fullmatch(r"\d{1,3}",
                                                                         country_code):
        raise section.fail("default_country_code", "is required with phone identifiers: "
                                                   "digits only, e.g. '44'")
    true_words = section.words("true_words", ("true", "yes", "y", "1"))
    false_words = section.words("false_words", ("false", "no", "n", "0"))
    if clash := {w.lower() for w in true_words} & {w.lower() for w in false_words}:
        raise section.fail("true_words", f"{sorted(clash)} also listed in false_words")
    return ExportSpec(
        config_path=path, index=index, pattern=section.text("pattern", required=True),
        format=file_format, delimiter=delimiter, quote=section.text("quote", '"'),
        decimal_separator=decimal,
        encoding=section.choice("encoding", ENCODINGS, default="utf-8"),
        skip_rows=skip_rows, sheet=sheet, true_words=true_words, false_words=false_words,
        duration_format=section.choice("duration_format", DURATION_FORMATS, default="seconds"),
        identifiers=identifiers, default_country_code=country_code, kinds=kinds,
    )


def parse_source_config(path: Path) -> SourceConfig:
    """Read and validate one source config YAML file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    top = _Section(path, "", raw, {"centre", "exports"})
    centre = _parse_centre(path, top.required("centre"))
    exports = top.required("exports")
    if not isinstance(exports, list) or not exports:
        raise top.fail("exports", "must be a non-empty list of export files")
    return SourceConfig(path=path, centre=centre,
                        exports=tuple(_parse_export(path, i, e) for i, e in enumerate(exports)))


def load_source_configs(config_dir: Path) -> list[SourceConfig]:
    """All ``sources/*.yaml`` under the config folder; centre ids must be unique."""
    sources_dir = Path(config_dir) / "sources"
    paths = sorted(sources_dir.glob("*.yaml")) + sorted(sources_dir.glob("*.yml"))
    if not paths:
        raise ConfigError(f"{sources_dir}: no source configs (*.yaml) found")
    configs = [parse_source_config(p) for p in paths]
    seen: dict[str, Path] = {}
    for config in configs:
        if config.centre.id in seen:
            raise ConfigError(f"{config.path}: centre.id '{config.centre.id}' is already "
                              f"used by {seen[config.centre.id]}")
        seen[config.centre.id] = config.path
    return configs

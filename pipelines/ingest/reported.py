"""The ``reported`` kind: a vendor's own figures (centre, metric, period, value).

A vendor's KPI report ("Month | KPI | Target | Actual", labels such as "CSAT %" or
"AHT (mm:ss)", months like ``Jun-26``, values like ``87.3%`` or ``6:12``) loads into
``reported_figures`` keyed by (centre_id, metric, grain, period_start), so the metric layer
can reconcile each figure with its own value (pipelines/metrics/reconciliation.py).

This module parses the config block (``parse_reported``), widens the centres a report may
name to its vendor's (``allow_vendor_centres``) and writes the conversion and checks as
one SQL query, like the other kinds (``ReportedValidator``, built on validate.py). Periods
and values are parsed in DuckDB: a period by its shape (a month, an ISO week, a date on a
period start), a value by its metric's unit (a percentage, a duration, a number).
"""

from __future__ import annotations

import dataclasses

from pipelines.metrics.catalogue import CATALOGUE

from .config import (
    CODE,
    DURATION_FORMATS,
    IDENTIFIER_RE,
    REPORTED,
    REPORTED_COLUMNS,
    ColumnSpec,
    ConfigError,
    KindMapping,
    SourceConfig,
    _formats,
    _parse_filters,
    _Section,
    _yaml_word,
)
from .validate import (
    DURATION_UNITS,
    CheckedColumn,
    KindValidator,
    _number_sql,
    _quote_sql_text,
    _raw_in_reason,
    _trimmed,
    duration_sql,
)

GRAINS = ("month", "week")
PERCENTAGES = ("points", "fraction")
REPORTED_KEYS = {
    "columns",
    "constants",
    "value_maps",
    "grain",
    "period_format",
    "percentages",
    "present_if",
    "filters",
    "duplicates",
    "on_conflict",
}
VALUE_KEYS = {"column", "format", "decimal_separator", "thousands_separator"}
KEY_PARTS = ("centre_id", "metric", "grain", "period_start")
# Built-in period shapes. Months: Jun-26, Jun-2026, June 2026, 2026-06, 06/2026, ...
MONTH_FORMATS = (
    "%b-%y",
    "%b-%Y",
    "%B-%y",
    "%B-%Y",
    "%b %Y",
    "%B %Y",
    "%b %y",
    "%B %y",
    "%Y-%m",
    "%m/%Y",
    "%m-%Y",
)
# Dates (a week-commencing date, a month's first day): ISO only, as typed XLSX and
# Parquet cells arrive; day-first or month-first text needs period_format.
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S")
DAY_DIRECTIVES = ("%d", "%j", "%e")
WEEK_RE = r"^(\d{4})[- ]?[Ww](\d{1,2})$"  # ISO week: 2026-W23, 2026W23, 2026 W23
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def parse_reported(export: _Section, centre_id: str) -> KindMapping:
    """The ``reported`` block of an export (docs/SOURCE_CONFIG.md, "Reported figures")."""
    section = _Section(export.path, export.key(REPORTED), export.get(REPORTED), REPORTED_KEYS)
    columns_section = _Section(
        export.path, section.key("columns"), section.required("columns"), set(REPORTED_COLUMNS)
    )
    columns: dict[str, ColumnSpec] = {}
    for name, raw in columns_section.raw.items():
        if raw is None:
            continue
        if isinstance(raw, str | int) and not isinstance(raw, bool):
            columns[name] = ColumnSpec(name, sources=(str(raw),))
            continue
        if name != "value":
            raise columns_section.fail(name, "must be a source column name")
        entry = _Section(export.path, columns_section.key(name), raw, VALUE_KEYS)
        fmt = entry.get("format")
        decimal = entry.text("decimal_separator")
        if decimal is not None and decimal not in (".", ","):
            raise entry.fail("decimal_separator", f"'{decimal}' must be '.' or ','")
        columns[name] = ColumnSpec(
            name,
            sources=(entry.text("column", required=True),),
            format=entry.choice("format", DURATION_FORMATS) if fmt is not None else None,
            decimal_separator=decimal,
            thousands_separator=entry.text("thousands_separator"),
        )
    for name, spec in REPORTED_COLUMNS.items():
        if spec.required and name not in columns:
            raise columns_section.fail(name, "is required for reported: map it to a source column")

    constants_section = _Section(
        export.path, section.key("constants"), section.get("constants") or {}, {"centre_id"}
    )
    constants = dict(constants_section.raw)
    if "centre_id" in constants:
        if "centre_id" in columns:
            raise constants_section.fail("centre_id", "is both mapped to a column and a constant")
        if not IDENTIFIER_RE.match(str(constants["centre_id"])):
            raise constants_section.fail("centre_id", "must be a centre id (lower-case, _)")
        constants["centre_id"] = str(constants["centre_id"])

    maps_section = _Section(
        export.path,
        section.key("value_maps"),
        section.get("value_maps") or {},
        {c for c, spec in REPORTED_COLUMNS.items() if spec.conversion == CODE},
    )
    value_maps: dict[str, dict[str, str]] = {}
    for name, mapping in maps_section.raw.items():
        if not isinstance(mapping, dict) or not mapping:
            raise maps_section.fail(name, "must map source words to ids")
        for word, code in mapping.items():
            if name == "metric" and code not in CATALOGUE:
                raise maps_section.fail(
                    f"{name}.{word}",
                    f"'{code}' is not a metric id of the catalogue ({', '.join(CATALOGUE)})",
                )
            if name == "centre_id" and not IDENTIFIER_RE.match(str(code)):
                raise maps_section.fail(f"{name}.{word}", f"'{code}' is not a centre id")
        value_maps[name] = {_yaml_word(word).lower(): str(code) for word, code in mapping.items()}

    grain = section.get("grain")
    if grain is not None:
        grain = section.choice("grain", GRAINS)
    period_formats = (
        _formats(section, "period_format", section.get("period_format"))
        if section.get("period_format") is not None
        else ()
    )
    duplicates = section.choice("duplicates", ("reject", "keep"), default="reject")
    if duplicates == "keep":
        raise section.fail("duplicates", "keep needs a synthetic key; reported figures have none")
    return KindMapping(
        kind=REPORTED,
        columns=columns,
        timestamp=None,
        constants=constants,
        value_maps=value_maps,
        codes={"metric": tuple(CATALOGUE), "centre_id": (centre_id,)},
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
        grain=grain,
        period_formats=period_formats,
        percentages=section.choice("percentages", PERCENTAGES, default="points"),
    )


def allow_vendor_centres(configs: list[SourceConfig]) -> list[SourceConfig]:
    """A report may state figures for its own centre and its vendor's other centres (one
    report for a vendor's sites); the ids its config names must be among them."""
    by_vendor: dict[str | None, list[str]] = {}
    for config in configs:
        if config.centre.sourcing == "vendor":
            by_vendor.setdefault(config.centre.vendor, []).append(config.centre.id)
    result = []
    for config in configs:
        exports = []
        for spec in config.exports:
            mapping = spec.kinds.get(REPORTED)
            if mapping is None:
                exports.append(spec)
                continue
            allowed = (
                sorted(by_vendor.get(config.centre.vendor, []))
                if config.centre.sourcing == "vendor"
                else [config.centre.id]
            )
            named = dict(mapping.value_maps.get("centre_id", {}))
            if "centre_id" in mapping.constants:
                named["constants"] = mapping.constants["centre_id"]
            for word, centre in named.items():
                if centre not in allowed:
                    key = (
                        "constants.centre_id"
                        if word == "constants"
                        else f"value_maps.centre_id.{word}"
                    )
                    raise ConfigError(
                        f"{spec.where}.reported.{key}: '{centre}' is not one of the "
                        f"centres this config's report may name ({', '.join(allowed)})"
                    )
            codes = {**mapping.codes, "centre_id": tuple(allowed)}
            kinds = {**spec.kinds, REPORTED: dataclasses.replace(mapping, codes=codes)}
            exports.append(dataclasses.replace(spec, kinds=kinds))
        result.append(dataclasses.replace(config, exports=tuple(exports)))
    return result


def _split_formats(formats: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(month formats, date formats) of the configured period formats."""
    dates = [f for f in formats if any(d in f for d in DAY_DIRECTIVES)]
    return [f for f in formats if f not in dates], dates


class ReportedValidator(KindValidator):
    """The checks of one reported-figures file; the key is (centre_id, metric, grain,
    period_start), so duplicates and conflicts work as for the other kinds."""

    def key_parts(self) -> list[str]:
        return [f"v_{part}" for part in KEY_PARTS]

    def key_source(self) -> str | None:
        return self.mapping.columns["period"].source

    def columns(self) -> list[CheckedColumn]:
        checked = [
            self._centre(),
            self._metric(),
            CheckedColumn("metric_label", None, None, "t_metric", []),
            *self._period(),
            self._value(),
        ]
        for column in checked:
            spec = REPORTED_COLUMNS.get(column.name)
            if spec is not None and spec.required and column.text_sql is not None:
                column.errors.insert(
                    0, (f"t_{column.name} IS NULL", _quote_sql_text("missing required value"))
                )
        return checked

    # --- columns -----------------------------------------------------------------

    def _code_sql(self, name: str, t: str) -> str:
        words = self.mapping.value_maps.get(name, {})
        codes = list(self.mapping.codes[name])
        mapped = (
            f"MAP({self.params.add(list(words))}::VARCHAR[], "
            f"{self.params.add(list(words.values()))}::VARCHAR[])[lower({t})]"
            if words
            else "NULL"
        )
        return (
            f"coalesce({mapped}, CASE WHEN list_contains({self.params.add(codes)}, "
            f"lower({t})) THEN lower({t}) END)"
        )

    def _centre(self) -> CheckedColumn:
        mapping = self.mapping
        if "centre_id" in mapping.constants:
            value = self.params.add(mapping.constants["centre_id"])
            return CheckedColumn("centre_id", None, None, value, [])
        if "centre_id" not in mapping.columns:  # the config's own centre
            value = self.params.add(mapping.codes["centre_id"][0])
            return CheckedColumn("centre_id", None, None, value, [])
        column = mapping.columns["centre_id"]
        t, v = "t_centre_id", "v_centre_id"
        words = mapping.value_maps.get("centre_id", {})
        known = ", ".join(sorted(words) or mapping.codes["centre_id"])
        return CheckedColumn(
            "centre_id",
            column.source,
            _trimmed(column.sources[0]),
            self._code_sql("centre_id", t),
            [
                (
                    f"{t} IS NOT NULL AND {v} IS NULL",
                    _raw_in_reason(
                        "unknown centre ",
                        t,
                        f" (value_maps.centre_id knows: {known}; a report names its "
                        f"vendor's centres: {', '.join(mapping.codes['centre_id'])})",
                    ),
                )
            ],
        )

    def _metric(self) -> CheckedColumn:
        column = self.mapping.columns["metric"]
        t = "t_metric"
        words = self.mapping.value_maps.get("metric", {})
        known = (
            f"value_maps.metric knows: {', '.join(sorted(words))}"
            if words
            else f"metric ids: {', '.join(CATALOGUE)}"
        )
        return CheckedColumn(
            "metric",
            column.source,
            _trimmed(column.sources[0]),
            "m_metric",
            [
                (
                    f"{t} IS NOT NULL AND m_metric IS NULL",
                    _raw_in_reason("unknown metric ", t, f" ({known})"),
                )
            ],
            helpers=(f"{self._code_sql('metric', t)} AS m_metric",),
        )

    def _period(self) -> list[CheckedColumn]:
        """period_start and grain from the period text: an ISO week, a month, or a date
        that must start a period of the export's grain."""
        column = self.mapping.columns["period"]
        params, grain = self.params, self.mapping.grain
        t = "t_period_start"
        own_months, own_dates = _split_formats(self.mapping.period_formats)
        months = params.add(own_months + [f for f in MONTH_FORMATS if f not in own_months])
        dates = params.add(own_dates + [f for f in DATE_FORMATS if f not in own_dates])
        week_re = params.add(WEEK_RE)
        # "Sept" is common in UK reports; strptime knows "Sep"
        month_text = f"regexp_replace({t}, '(?i)\\bsept\\b', 'Sep')"
        year = f"CAST(regexp_extract({t}, {week_re}, 1) AS INTEGER)"
        week = f"CAST(regexp_extract({t}, {week_re}, 2) AS INTEGER)"
        monday = f"(CAST(date_trunc('week', make_date({year}, 1, 4)) AS DATE) + ({week} - 1) * 7)"
        parsed = (
            f"CASE WHEN {t} IS NULL THEN NULL "
            f"WHEN regexp_full_match({t}, {week_re}) THEN {{'shape': 'week', 'start': "
            f"CASE WHEN {week} BETWEEN 1 AND 53 AND isoyear({monday}) = {year} "
            f"THEN {monday} END}} "
            f"WHEN try_strptime({month_text}, {months}) IS NOT NULL THEN {{'shape': 'month', "
            f"'start': CAST(try_strptime({month_text}, {months}) AS DATE)}} "
            f"WHEN try_strptime({t}, {dates}) IS NOT NULL THEN {{'shape': 'date', "
            f"'start': CAST(try_strptime({t}, {dates}) AS DATE)}} END"
        )
        shape, start = "p_period.shape", "p_period.start"
        declared = params.add(grain) if grain else "NULL"
        grain_sql = f"coalesce({declared}, CASE WHEN {shape} IN ('month', 'week') THEN {shape} END)"
        on_start = (
            f"({shape} <> 'date' OR ({grain_sql} = 'month' AND day({start}) = 1) "
            f"OR ({grain_sql} = 'week' AND isodow({start}) = 1))"
        )
        fits = f"({declared} IS NULL OR {shape} = 'date' OR {shape} = {declared})"
        valid = f"{start} IS NOT NULL AND {grain_sql} IS NOT NULL AND {fits} AND {on_start}"
        shown_formats = ", ".join(own_months + own_dates) or "none"
        errors = [
            (
                f"{t} IS NOT NULL AND p_period IS NULL",
                _raw_in_reason(
                    "bad period ",
                    t,
                    ": expected a month (Jun-26, June 2026, 2026-06), an ISO week "
                    f"(2026-W23) or an ISO date; period_format: {shown_formats}",
                ),
            ),
            (
                f"{shape} = 'week' AND {start} IS NULL",
                _raw_in_reason("period ", t, " is not an ISO week of that year"),
            ),
        ]
        if grain:
            other = "an ISO week" if grain == "month" else "a month"
            errors.append(
                (
                    f"{shape} IN ('month', 'week') AND {shape} <> {declared}",
                    _raw_in_reason("period ", t, f" is {other}, but the export's grain is {grain}"),
                )
            )
            if grain == "month":
                errors.append(
                    (
                        f"{shape} = 'date' AND day({start}) <> 1",
                        _raw_in_reason(
                            "period ", t, " is not the first day of a month (grain: month)"
                        ),
                    )
                )
            else:
                day_name = f"{params.add(list(DAY_NAMES))}[isodow({start})]"
                errors.append(
                    (
                        f"{shape} = 'date' AND isodow({start}) <> 1",
                        _raw_in_reason("period ", t, " is a ")
                        + f" || {day_name} || "
                        + _quote_sql_text(", not the Monday a week starts on (grain: week)"),
                    )
                )
        else:
            errors.append(
                (
                    f"{shape} = 'date'",
                    _raw_in_reason(
                        "period ",
                        t,
                        " is a date: say which period it starts with the export's "
                        "grain (month or week)",
                    ),
                )
            )
        return [
            CheckedColumn(
                "period_start",
                column.source,
                _trimmed(column.sources[0]),
                f"CASE WHEN {valid} THEN {start} END",
                errors,
                helpers=(f"{parsed} AS p_period",),
            ),
            CheckedColumn("grain", None, None, f"CASE WHEN {valid} THEN {grain_sql} END", []),
        ]

    def _value(self) -> CheckedColumn:
        """The value by its metric's unit: percentages 0-100 (a % sign, or a fraction of 1
        with ``percentages: fraction``), durations in seconds, other numbers as written."""
        column, spec, params = self.mapping.columns["value"], self.spec, self.params
        t, v = "t_value", "v_value"
        decimal = column.decimal_separator or spec.decimal_separator
        thousands = column.thousands_separator or spec.thousands_separator
        units = params.add([metric.unit for metric in CATALOGUE.values()])
        unit = f"MAP({params.add(list(CATALOGUE))}::VARCHAR[], {units}::VARCHAR[])[m_metric]"
        number = _number_sql(t, decimal, thousands, percent_sign=True)
        fmt = column.format or "auto"
        seconds = duration_sql(t, fmt, decimal, thousands)
        factor = "100" if self.mapping.percentages == "fraction" else "1"
        has_sign = f"contains({t}, '%')"
        value = (
            f"CASE {unit} WHEN 'pct' THEN CASE WHEN {has_sign} THEN {number} "
            f"ELSE {number} * {factor} END "
            f"WHEN 'seconds' THEN {seconds} ELSE {number} END"
        )
        fraction_hint = (
            " (percentages: fraction reads a number without % as a share of 1)"
            if factor == "100"
            else ""
        )
        known = "m_metric IS NOT NULL"
        unsigned = f"({unit} = 'pct' OR NOT {has_sign})"  # else the % sign is the error
        return CheckedColumn(
            "value",
            column.source,
            _trimmed(column.sources[0]),
            value,
            [
                (
                    f"{known} AND {unsigned} AND {t} IS NOT NULL AND {v} IS NULL "
                    f"AND {unit} = 'seconds'",
                    _raw_in_reason("bad duration ", t, f": expected {DURATION_UNITS[fmt]}"),
                ),
                (
                    f"{known} AND {unsigned} AND {t} IS NOT NULL AND {v} IS NULL "
                    f"AND {unit} <> 'seconds'",
                    _raw_in_reason("", t, " is not a number"),
                ),
                (
                    f"{known} AND {has_sign} AND {unit} <> 'pct'",
                    _raw_in_reason("", t, " has a % sign, but ")
                    + " || m_metric || "
                    + _quote_sql_text(" is not a percentage"),
                ),
                (
                    f"{unit} = 'pct' AND {v} NOT BETWEEN 0 AND 100",
                    _raw_in_reason("percentage ", t, f" outside 0-100{fraction_hint}"),
                ),
                (f"{unit} = 'seconds' AND {v} < 0", _raw_in_reason("negative duration ", t, "")),
                (
                    f"{unit} = 'nps' AND {v} NOT BETWEEN -100 AND 100",
                    _raw_in_reason("NPS ", t, " outside -100 to 100"),
                ),
                (
                    f"{unit} = 'count' AND ({v} < 0 OR {v} <> floor({v}))",
                    _raw_in_reason("count ", t, " is not a whole number >= 0"),
                ),
            ],
        )


def insert_reported_sql() -> list[str]:
    """Statements replacing figures by key (a restatement wins) and inserting the good
    rows of ``checked_reported``."""
    good = "(SELECT * FROM checked_reported WHERE len(errors) = 0)"
    return [
        f"DELETE FROM reported_figures AS r WHERE EXISTS (SELECT 1 FROM {good} AS g "
        "WHERE g.v_centre_id = r.centre_id AND g.v_metric = r.metric "
        "AND g.v_grain = r.grain AND g.v_period_start = r.period_start)",
        "INSERT INTO reported_figures SELECT v_centre_id, v_metric, v_grain, v_period_start, "
        f"v_value, v_metric_label, $load_id FROM {good}",
    ]

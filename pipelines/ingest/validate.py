"""Set-based conversion and validation of one export kind, in a single DuckDB query.

From the staged text rows (``staged``: ``_ord`` plus every source column as VARCHAR)
it builds the temp table ``checked_<kind>``: per row the converted canonical values
(``v_<column>``) and ``errors``, a list of {column, reason}; an empty list means the row
loads. Layers: convert -> per-value checks -> duplicates (exact rows, then keys) ->
legs (a contact whose leg was rejected is rejected whole).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .clock_changes import clock_changes
from .config import (
    CANONICAL_COLUMNS,
    CODE,
    CSAT,
    DURATION,
    FLAG,
    INTEGER,
    KEY_COLUMN,
    NPS,
    PERCENT,
    TEXT,
    TIMESTAMP_COLUMN,
    ColumnSpec,
    ExportSpec,
    IngestSettings,
    KindMapping,
)
from .identifiers import customer_key_sql
from .keyed_hash import HmacKey
from .masking import masked_sql
from .readers import StagedFile
from .sql_text import SqlParams, quote_ident, shown_value_sql

ISO_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


@dataclass(frozen=True)
class CheckedColumn:
    """One canonical value: its source (for reject messages) and SQL expressions."""

    name: str
    source: str | None  # source column(s) named in rejects
    text_sql: str | None  # trimmed source text, NULL when empty
    value_sql: str  # converted value, NULL when unparseable or empty
    errors: list[tuple]  # (condition on t_/v_ columns, reason SQL[, source column])
    helpers: tuple[str, ...] = ()  # select items computed from the t_ columns
    extra_texts: tuple[str, ...] = ()  # more source texts the helpers read


@dataclass(frozen=True)
class FileContext:
    """What the checks need to know beyond the config: the file and the run's clock."""

    file_name: str  # shown in synthetic row keys
    captures: dict[str, str]  # the pattern's {placeholders} for this file
    guards: IngestSettings
    now_utc: dt.datetime


def _trimmed(column: str) -> str:
    return f"NULLIF(trim({quote_ident(column)}), '')"


def _number_sql(
    text: str,
    decimal_separator: str,
    thousands_separator: str | None = None,
    percent_sign: bool = False,
) -> str:
    if thousands_separator:
        text = f"replace({text}, {_quote_sql_text(thousands_separator)}, '')"
    if decimal_separator == ",":
        text = f"replace({text}, ',', '.')"
    if percent_sign:
        text = f"rtrim(rtrim({text}, '%'))"
    return f"try_cast({text} AS DOUBLE)"


def _clock_sql(text: str, parts: int) -> str:
    """Seconds of a [-]H:MM:SS (parts=3) or [-]M:SS (parts=2) text; NULL if not one.
    The pattern guards the casts (minutes of M:SS may pass 59)."""
    pattern = r"-?\d+:[0-5]\d:[0-5]\d(\.\d+)?" if parts == 3 else r"-?\d+:[0-5]\d(\.\d+)?"
    unsigned = f"ltrim({text}, '-')"
    fields = [f"CAST(split_part({unsigned}, ':', {i}) AS DOUBLE)" for i in range(1, parts + 1)]
    seconds = (
        f"{fields[0]} * 3600 + {fields[1]} * 60 + {fields[2]}"
        if parts == 3
        else f"{fields[0]} * 60 + {fields[1]}"
    )
    return (
        f"CASE WHEN regexp_full_match({text}, '{pattern}') THEN "
        f"(CASE WHEN starts_with({text}, '-') THEN -1 ELSE 1 END) * ({seconds}) END"
    )


DURATION_UNITS = {
    "seconds": "seconds",
    "milliseconds": "milliseconds",
    "minutes": "minutes",
    "hms": "H:MM:SS",
    "mmss": "M:SS",
    "auto": "H:MM:SS, M:SS or seconds",
}


def duration_sql(
    text: str, fmt: str, decimal_separator: str, thousands_separator: str | None = None
) -> str:
    """Seconds from a duration text in one of the DURATION_FORMATS."""
    number = _number_sql(text, decimal_separator, thousands_separator)
    if fmt == "seconds":
        return number
    if fmt == "milliseconds":
        return f"({number} / 1000.0)"
    if fmt == "minutes":
        return f"({number} * 60.0)"
    if fmt == "hms":
        return _clock_sql(text, 3)
    if fmt == "mmss":
        return _clock_sql(text, 2)
    return f"coalesce({_clock_sql(text, 3)}, {_clock_sql(text, 2)}, {number})"


def _quote_sql_text(reason: str) -> str:
    return "'" + reason.replace("'", "''") + "'"


def _raw_in_reason(prefix: str, t: str, suffix: str) -> str:
    """Reason text quoting the offending value (cut when long, phone- and e-mail-like
    tokens masked: masking.py): prefix 'value' suffix."""
    return (
        f"{_quote_sql_text(prefix)} || '''' || {shown_value_sql(masked_sql(t))} || '''' || "
        f"{_quote_sql_text(suffix)}"
    )


class KindValidator:
    """Writes the SQL that converts and checks one kind of record from the staged rows."""

    def __init__(
        self,
        spec: ExportSpec,
        mapping: KindMapping,
        timezone: str,
        key: HmacKey,
        params: SqlParams,
        staged: StagedFile,
        context: FileContext,
    ):
        self.spec, self.mapping, self.params = spec, mapping, params
        self.timezone, self.key = timezone, key
        self.staged = staged
        self.context = context

    # --- per-column conversions ----------------------------------------------------

    def _local_timestamp(self, name: str) -> tuple[str, str, str, list[str]]:
        """(text SQL, source shown, local naive timestamp SQL over t_, formats shown)."""
        ts, params = self.mapping.timestamp, self.params
        t = f"t_{name}"
        typed = list(ISO_FORMATS) if self.spec.format in ("xlsx", "parquet") else []
        if ts.column or (ts.date and not ts.date_format):  # the whole value, one parse
            if ts.column:
                text = _trimmed(ts.column)
            else:
                parts = [_trimmed(ts.date)] + ([_trimmed(ts.time)] if ts.time else [])
                text = f"NULLIF(concat_ws(' ', {', '.join(parts)}), '')"
            formats = list(ts.formats) + [f for f in typed if f not in ts.formats]
            return text, ts.source, f"try_strptime({t}, {params.add(formats)})", list(ts.formats)
        time_formats = [ts.time_format] if ts.time_format else list(ts.formats)
        time_part = ""
        if ts.time:
            # a typed time cell arrives as HH:MM:SS: accept it besides the configured format
            extra = ["%H:%M:%S"] if typed and "%H:%M:%S" not in time_formats else []
            time_part = (
                f" + (try_strptime(split_part({t}, '|', 2), "
                f"{params.add(time_formats + extra)}) - TIMESTAMP '1900-01-01')"
            )
        if ts.date:  # separate date and time columns, each with its own format
            date_formats = [ts.date_format] + [f for f in typed if f not in (ts.date_format,)]
            date_sql = f"try_strptime(split_part({t}, '|', 1), {params.add(date_formats)})"
            text_parts = [_trimmed(ts.date), _trimmed(ts.time) if ts.time else "''"]
            text = (
                f"CASE WHEN {text_parts[0]} IS NOT NULL "
                + (f"AND {text_parts[1]} IS NOT NULL " if ts.time else "")
                + f"THEN concat_ws('|', {', '.join(text_parts)}) END"
            )
            shown = [ts.date_format] + ([ts.time_format] if ts.time_format else [])
            local = f"({date_sql}{time_part})" if ts.time else date_sql
            return text, ts.source, local, [" + ".join(shown)]
        # a time column on a date from the file name or a constant
        day = self._file_date(ts)
        text = f"CASE WHEN {_trimmed(ts.time)} IS NOT NULL THEN '|' || {_trimmed(ts.time)} END"
        local = f"(CAST({params.add(day)} AS TIMESTAMP){time_part})"
        return text, ts.time, local, time_formats

    def _file_date(self, ts) -> dt.date:
        if ts.date_value:
            return dt.date.fromisoformat(ts.date_value)
        captured = self.context.captures.get(ts.date_from_file)
        if captured is None:
            raise ValueError(
                f"the file name has no {{{ts.date_from_file}}} part (pattern {self.spec.pattern})"
            )
        try:
            return dt.datetime.strptime(captured, ts.date_format).date()
        except ValueError:
            raise ValueError(
                f"the file name's {{{ts.date_from_file}}} is '{captured}', "
                f"not a date in format {ts.date_format} (date_format of "
                f"{self.spec.where})"
            ) from None

    def _timestamp(self, name: str) -> CheckedColumn:
        """Local time -> UTC with the DST policy, then the plausibility window."""
        ts, params, guards = self.mapping.timestamp, self.params, self.context.guards
        t, v = f"t_{name}", f"v_{name}"
        text, source, local_sql, shown_formats = self._local_timestamp(name)
        local = f"l_{name}"
        zone = params.add(self.timezone)
        earliest = dt.date.fromisoformat(guards.earliest_date)
        latest = self.context.now_utc + dt.timedelta(hours=guards.future_tolerance_hours)
        changes = clock_changes(
            self.timezone, earliest - dt.timedelta(days=2), latest.date() + dt.timedelta(days=2)
        )
        helpers = [f"{local_sql} AS {local}"]
        skipped = [c for c in changes if c.skipped]
        repeated = [c for c in changes if not c.skipped]

        def inside(change) -> str:
            return (
                f"({local} >= {params.add(change.local_start)} "
                f"AND {local} < {params.add(change.local_end)})"
            )

        zone_utc = f"timezone('UTC', timezone({zone}, {local}))"
        policy = self.spec.ambiguous_times
        branches = []
        if repeated and policy != "reject":
            for change in repeated:
                offset = change.before_s if policy == "earliest" else change.after_s
                branches.append(
                    f"WHEN {inside(change)} THEN {local} - INTERVAL ({params.add(offset)}) SECOND"
                )
        extra_texts = []
        if ts.offset:
            extra_texts.append(f"{_trimmed(ts.offset)} AS o_{name}")
            offset_s = f"os_{name}"
            helpers.append(f"{_offset_seconds_sql(f'o_{name}')} AS {offset_s}")
            branches.insert(
                0, f"WHEN {offset_s} IS NOT NULL THEN {local} - INTERVAL ({offset_s}) SECOND"
            )
        value = f"CASE {' '.join(branches)} ELSE {zone_utc} END" if branches else zone_utc
        formats_shown = " or ".join(shown_formats)
        errors = [
            (
                f"{t} IS NOT NULL AND {local} IS NULL",
                _raw_in_reason(
                    "bad date/time ", t, f": expected format {formats_shown} (timestamp_format)"
                ),
            )
        ]
        if ts.offset:
            errors.append(
                (
                    f"o_{name} IS NOT NULL AND os_{name} IS NULL",
                    _raw_in_reason(
                        "bad UTC offset ",
                        f"o_{name}",
                        f" in {ts.offset}: expected +01:00, -0500 or Z",
                    ),
                    ts.offset,
                )
            )
        no_offset = f"os_{name} IS NULL AND " if ts.offset else ""
        if skipped:
            errors.append(
                (
                    f"{no_offset}({' OR '.join(inside(c) for c in skipped)})",
                    _raw_in_reason(
                        "local time ",
                        f"strftime({local}, '%Y-%m-%d %H:%M:%S')",
                        f" does not exist in {self.timezone} (clocks went forward)",
                    ),
                )
            )
        if repeated and policy == "reject":
            errors.append(
                (
                    f"{no_offset}({' OR '.join(inside(c) for c in repeated)})",
                    _raw_in_reason(
                        "local time ",
                        f"strftime({local}, '%Y-%m-%d %H:%M:%S')",
                        f" happened twice in {self.timezone} (clocks went back): set "
                        "ambiguous_times: earliest or latest, or map an offset "
                        "column",
                    ),
                )
            )
        errors += [
            (
                f"{v} < {params.add(dt.datetime.combine(earliest, dt.time()))}",
                _raw_in_reason(
                    "timestamp ",
                    f"strftime({v}, '%Y-%m-%d %H:%M:%S')",
                    f" UTC is before earliest_date {guards.earliest_date} (settings.yaml, ingest)",
                ),
            ),
            (
                f"{v} > {params.add(latest)}",
                _raw_in_reason(
                    "timestamp ",
                    f"strftime({v}, '%Y-%m-%d %H:%M:%S')",
                    f" UTC is in the future (after the load time + "
                    f"{guards.future_tolerance_hours:g} h)",
                ),
            ),
        ]
        return CheckedColumn(name, source, text, value, errors, tuple(helpers), tuple(extra_texts))

    def _key(self, name: str, spec: ColumnSpec) -> CheckedColumn:
        """A key column: one source column, several joined, or synthetic."""
        params = self.params
        if spec.synthetic == "row":
            value = (
                f"{params.add(self.context.file_name + '#')} || {self.staged.data_row_sql('_ord')}"
            )
            return CheckedColumn(name, None, value, f"t_{name}", [])
        if spec.synthetic == "content":
            row = ", ".join(f"coalesce({quote_ident(c)}, '\\x00')" for c in self.staged.columns)
            value = f"'h:' || left({self.key.sql(f'concat_ws(chr(31), {row})', params)}, 16)"
            return CheckedColumn(name, None, value, f"t_{name}", [])
        parts = [_trimmed(c) for c in spec.sources]
        if len(parts) == 1:
            return CheckedColumn(name, spec.source, parts[0], f"t_{name}", [])
        text = (
            f"CASE WHEN {' AND '.join(f'{p} IS NOT NULL' for p in parts)} THEN "
            f"concat_ws({_quote_sql_text(spec.separator)}, {', '.join(parts)}) END"
        )
        return CheckedColumn(name, spec.source, text, f"t_{name}", [])

    def _flag(self, name: str, spec: ColumnSpec, t: str) -> tuple[str, list]:
        """Words of the column when it gives any (else the export's); ``otherwise`` takes
        every other non-empty value; ``negate`` inverts the result."""
        own_words = spec.true_words is not None or spec.false_words is not None
        true_words = (spec.true_words or ()) if own_words else self.spec.true_words
        false_words = (spec.false_words or ()) if own_words else self.spec.false_words
        trues = self.params.add([w.lower() for w in true_words])
        falses = self.params.add([w.lower() for w in false_words])
        otherwise = {True: "true", False: "false", None: "NULL"}[spec.otherwise]
        value = (
            f"CASE WHEN {t} IS NULL THEN NULL "
            f"WHEN list_contains({trues}, lower({t})) THEN true "
            f"WHEN list_contains({falses}, lower({t})) THEN false ELSE {otherwise} END"
        )
        if spec.negate:
            value = f"(NOT {value})"
        words = f"true_words {list(true_words)}, false_words {list(false_words)}"
        errors = (
            []
            if spec.otherwise is not None
            else [
                (
                    f"{t} IS NOT NULL AND v_{name} IS NULL",
                    _raw_in_reason("", t, f" is not a true/false word ({words})"),
                )
            ]
        )
        return value, errors

    def _column(self, name: str, conversion: str) -> CheckedColumn:
        mapping, spec, params = self.mapping, self.spec, self.params
        if name in mapping.constants:
            return CheckedColumn(name, None, None, params.add(mapping.constants[name]), [])
        if name not in mapping.columns:  # not provided; a reason not given is 'unknown'
            return CheckedColumn(
                name, None, None, "'unknown'" if name == "contact_reason" else "NULL", []
            )
        column = mapping.columns[name]
        if name == KEY_COLUMN[mapping.kind]:
            return self._key(name, column)
        source = column.source
        text = _trimmed(column.sources[0])
        t, v = f"t_{name}", f"v_{name}"
        decimal = column.decimal_separator or spec.decimal_separator
        thousands = column.thousands_separator or spec.thousands_separator
        errors: list[tuple[str, str]] = []
        if conversion == TEXT:
            value = t
        elif conversion == CODE:
            words = mapping.value_maps.get(name, {})
            codes = list(mapping.codes[name])
            mapped = (
                f"MAP({params.add(list(words))}::VARCHAR[], "
                f"{params.add(list(words.values()))}::VARCHAR[])[lower({t})]"
                if words
                else "NULL"
            )
            value = (
                f"coalesce({mapped}, CASE WHEN list_contains({params.add(codes)}, "
                f"lower({t})) THEN lower({t}) END)"
            )
            if name == "contact_reason":
                value = f"CASE WHEN {t} IS NULL THEN 'unknown' ELSE {value} END"
            known = ", ".join(sorted(words) or codes)
            errors.append(
                (
                    f"{t} IS NOT NULL AND {v} IS NULL",
                    _raw_in_reason(f"unknown {name} ", t, f" (value_maps.{name} knows: {known})"),
                )
            )
        elif conversion == FLAG:
            value, errors = self._flag(name, column, t)
        elif conversion == DURATION:
            fmt = column.format or spec.duration_format
            value = duration_sql(t, fmt, decimal, thousands)
            errors += [
                (
                    f"{t} IS NOT NULL AND {v} IS NULL",
                    _raw_in_reason(
                        "bad duration ", t, f": expected {DURATION_UNITS[fmt]} (duration_format)"
                    ),
                ),
                (f"{v} < 0", _raw_in_reason("negative duration ", t, "")),
            ]
        else:  # numbers: CSAT, NPS, percent, integer
            value = _number_sql(t, decimal, thousands, percent_sign=conversion == PERCENT)
            errors.append(
                (f"{t} IS NOT NULL AND {v} IS NULL", _raw_in_reason("", t, " is not a number"))
            )
            if conversion == CSAT:
                lo, hi = mapping.csat_scale or (0.0, 0.0)
                errors.append(
                    (
                        f"{v} NOT BETWEEN {params.add(lo)} AND {params.add(hi)}",
                        _raw_in_reason(
                            "CSAT ", t, f" outside the scale {lo:g}-{hi:g} (csat_scale)"
                        ),
                    )
                )
            elif conversion == NPS:
                errors.append(
                    (
                        f"{v} NOT BETWEEN 0 AND 10 OR {v} <> floor({v})",
                        _raw_in_reason(
                            "eNPS " if name == "enps" else "NPS ",
                            t,
                            " is not a whole number 0-10",
                        ),
                    )
                )
            elif conversion == PERCENT:
                errors.append(
                    (f"{v} NOT BETWEEN 0 AND 100", _raw_in_reason("score ", t, " outside 0-100"))
                )
            elif conversion == INTEGER:
                errors.append(
                    (f"{v} <> floor({v})", _raw_in_reason("", t, " is not a whole number"))
                )
        return CheckedColumn(name, source, text, value, errors)

    def columns(self) -> list[CheckedColumn]:
        checked = []
        for name, canonical in CANONICAL_COLUMNS[self.mapping.kind].items():
            if name == TIMESTAMP_COLUMN[self.mapping.kind]:
                column = self._timestamp(name)
            else:
                column = self._column(name, canonical.conversion)
            if canonical.required and column.text_sql is not None:
                column.errors.insert(
                    0, (f"t_{name} IS NULL", _quote_sql_text("missing required value"))
                )
            checked.append(column)
        for section, spec in self.mapping.sections.items():
            checked.append(self._section(section, spec))
        if self.mapping.legs:
            checked.append(self._leg())
        return checked

    def _section(self, section: str, spec: ColumnSpec) -> CheckedColumn:
        name = f"section_{section}"
        t, v = f"t_{name}", f"v_{name}"
        value = _number_sql(
            t,
            spec.decimal_separator or self.spec.decimal_separator,
            spec.thousands_separator or self.spec.thousands_separator,
            percent_sign=True,
        )
        return CheckedColumn(
            name,
            spec.source,
            _trimmed(spec.sources[0]),
            value,
            [
                (f"{t} IS NOT NULL AND {v} IS NULL", _raw_in_reason("", t, " is not a number")),
                (
                    f"{v} NOT BETWEEN 0 AND 100",
                    _raw_in_reason("section score ", t, " outside 0-100"),
                ),
            ],
        )

    def _leg(self) -> CheckedColumn:
        column = self.mapping.legs.leg_column
        if column is None:  # numbered after the checks, in start order (see number_legs_sql)
            return CheckedColumn("leg", None, None, "CAST(NULL AS INTEGER)", [])
        t, v = "t_leg", "v_leg"
        return CheckedColumn(
            "leg",
            column,
            _trimmed(column),
            f"try_cast({t} AS INTEGER)",
            [
                (f"{t} IS NULL", _quote_sql_text("missing leg number")),
                (
                    f"{t} IS NOT NULL AND {v} IS NULL",
                    _raw_in_reason("leg ", t, " is not a whole number"),
                ),
            ],
        )

    # --- the query ------------------------------------------------------------------

    def kept_rows_sql(self) -> str:
        """The condition on staged rows that hold a record of this kind and pass the
        row filters (a WHERE clause, or '')."""
        conditions = []
        if self.mapping.present_if:
            conditions.append(f"{_trimmed(self.mapping.present_if)} IS NOT NULL")
        filters = self.mapping.filters
        for column, words in filters.include.items():
            conditions.append(
                f"list_contains({self.params.add(list(words))}, "
                f"lower(coalesce(trim({quote_ident(column)}), '')))"
            )
        for column, words in filters.exclude.items():
            conditions.append(
                f"NOT list_contains({self.params.add(list(words))}, "
                f"lower(coalesce(trim({quote_ident(column)}), '')))"
            )
        return f"WHERE {' AND '.join(conditions)}" if conditions else ""

    def filtered_count_sql(self) -> str | None:
        """Rows holding this kind's record that the row filters leave out."""
        if not self.mapping.filters:
            return None
        present = (
            f"{_trimmed(self.mapping.present_if)} IS NOT NULL"
            if self.mapping.present_if
            else "true"
        )
        return (
            f"SELECT count(*) FILTER (WHERE {present}) - (SELECT count(*) FROM "
            f"checked_{self.mapping.kind}) FROM staged"
        )

    def create_checked_sql(self, has_cell_problems: bool = False) -> list[str]:
        """Statements creating ``checked_<kind>``, run in order. ``has_cell_problems``:
        the reader recorded problems of single cells (table ``cell_problems``)."""
        kind, mapping = self.mapping.kind, self.mapping
        columns = self.columns()
        texts = [f"{c.text_sql} AS t_{c.name}" for c in columns if c.text_sql]
        texts += [text for c in columns for text in c.extra_texts]
        helpers = [h for c in columns for h in c.helpers]
        all_source = ", ".join(quote_ident(c) for c in self.staged.columns)
        customer_key = customer_key_sql(self.spec.identifiers)
        values = [f"{c.value_sql} AS v_{c.name}" for c in columns]
        checks = []
        for c in columns:
            for condition, reason, *source in c.errors:
                checks.append(
                    f"CASE WHEN {condition} THEN {{'column': "
                    f"{self.params.add(source[0] if source else c.source)}, "
                    f"'reason': {reason}}} END"
                )
        # The list is built only for rows failing some check (CASE evaluates its branch
        # on those rows alone): building it for every row costs more than the reading.
        # OR is true as soon as one condition is (NULL and false both fall to ELSE).
        any_failure = " OR ".join(f"({error[0]})" for c in columns for error in c.errors)
        null_error = 'CAST(NULL AS STRUCT("column" VARCHAR, reason VARCHAR))'
        no_errors = f"list_filter([{null_error}], lambda e: e IS NOT NULL)"
        error_list = (
            f"CASE WHEN {any_failure} THEN list_filter([{', '.join(checks)}], "
            f"lambda e: e IS NOT NULL) ELSE {no_errors} END"
            if checks
            else no_errors
        )
        # problems the reader found in single cells (an XLSX formula without a value), for
        # the columns this kind reads
        cell_problems = (
            no_errors
            if not has_cell_problems
            else (
                f"coalesce((SELECT list({{'column': p.column_name, 'reason': p.reason}}) FROM "
                f"cell_problems AS p WHERE p._ord = converted._ord AND list_contains("
                f"{self.params.add(sorted(mapping.source_columns))}, p.column_name)), "
                f"{no_errors})"
            )
        )
        key_parts = self.key_parts()
        key_shown = " || '/' || ".join(f"coalesce(CAST({k} AS VARCHAR), '')" for k in key_parts)
        duplicate_row = f"'exact duplicate of row ' || {self.staged.data_row_sql('d.first_row')}"
        key_column = self.params.add(self.key_source())
        # Duplicates are rare: the query below keeps a hash of each source row, exact
        # duplicates are then compared column by column on rows sharing a hash only.
        # (Windows over every row would buffer every column and dominate the load time.)
        v_columns = ", ".join(f"v_{c.name}" for c in columns)
        checked = f"""
CREATE OR REPLACE TEMP TABLE checked_{kind} AS
WITH source AS (
    SELECT * FROM staged {self.kept_rows_sql()}
), texts AS (
    SELECT _ord, {", ".join(texts + [f"{customer_key} AS v_customer_key"])},
           hash({all_source}) AS row_hash
    FROM source
), prepared AS (
    SELECT *{"".join(", " + h for h in helpers)} FROM texts
), converted AS (
    SELECT *, {", ".join(values)} FROM prepared
)
-- Only converted values are kept: the text columns serve the error messages above.
SELECT _ord, row_hash, v_customer_key, {v_columns},
    list_concat({cell_problems}, {error_list}) AS errors,
    _ord AS first_row,                     -- set for rejected exact duplicates
    CAST(NULL AS BIGINT) AS first_valid_row  -- set for rejected duplicate keys
FROM converted
"""
        statements = [checked]
        if mapping.duplicates == "reject":
            statements.append(f"""
UPDATE checked_{kind} AS c
SET errors = [{{'column': NULL, 'reason': {duplicate_row}}}], first_row = d.first_row
FROM (
    SELECT _ord, min(_ord) OVER (PARTITION BY {all_source}) AS first_row
    FROM staged
    WHERE _ord IN (SELECT _ord FROM checked_{kind} WHERE row_hash IN (
        SELECT row_hash FROM checked_{kind} GROUP BY ALL HAVING count(*) > 1))
) AS d
WHERE c._ord = d._ord AND d.first_row < d._ord
""")
        if not (mapping.legs and mapping.legs.order_by):
            statements.append(self._conflicts_sql(key_parts, key_shown, key_column))
        if mapping.legs and mapping.legs.order_by:
            statements.append(f"""
UPDATE checked_{kind} AS c SET v_leg = n.leg
FROM (SELECT _ord, row_number() OVER (PARTITION BY v_contact_id
                                      ORDER BY v_started_at, _ord) AS leg
      FROM checked_{kind} WHERE len(errors) = 0) AS n
WHERE c._ord = n._ord
""")
        return statements

    def key_parts(self) -> list[str]:
        """The checked columns that make a record's key (duplicates, conflicts)."""
        mapping = self.mapping
        numbered_legs = bool(mapping.legs and mapping.legs.leg_column)
        return [f"v_{KEY_COLUMN[mapping.kind]}"] + (["v_leg"] if numbered_legs else [])

    def key_source(self) -> str | None:
        """The source column named in a duplicate-key reject."""
        return self.mapping.columns[KEY_COLUMN[self.mapping.kind]].source

    def _conflicts_sql(self, key_parts: list[str], key_shown: str, key_column: str) -> str:
        """Rows sharing a key with different content (exact duplicates are already out):
        all rejected (reject_both), or all but the first/last by conflict_order."""
        kind, mapping = self.mapping.kind, self.mapping
        keys = ", ".join(key_parts)
        rows = self.staged.data_row_sql("o")
        listed = f"array_to_string(list_transform(k.rows, lambda o: {rows}), ', ')"
        kept = "k.kept"  # a kept row's duplicates do not reject its other legs
        if mapping.on_conflict == "reject_both":
            keep, kept = "false", "NULL"
            reason = (
                f"'conflicting rows for key ' || {key_shown} || ' (rows ' || {listed} "
                "|| '): they differ, so none is loaded (on_conflict: reject_both)'"
            )
        else:
            direction = "ASC" if mapping.on_conflict == "keep_first" else "DESC"
            order = f"v_{mapping.conflict_order} {direction}, " if mapping.conflict_order else ""
            keep = "k.position = 1"
            kept_row = self.staged.data_row_sql("k.kept")
            reason = (
                f"'duplicate key ' || {key_shown} || ' (rows ' || {listed} || '): row ' "
                f"|| {kept_row} || ' was kept (on_conflict: {mapping.on_conflict})'"
            )
        ordering = (
            f"ORDER BY {order}_ord {direction}"
            if mapping.on_conflict != "reject_both"
            else "ORDER BY _ord"
        )
        return f"""
UPDATE checked_{kind} AS c
SET errors = [{{'column': {key_column}, 'reason': {reason}}}],
    first_valid_row = {kept}
FROM (
    SELECT _ord, row_number() OVER w AS position, first_value(_ord) OVER w AS kept,
           list(_ord ORDER BY _ord) OVER (PARTITION BY {keys}) AS rows
    FROM checked_{kind}
    WHERE len(errors) = 0 AND ({keys}) IN (
        SELECT ({keys}) FROM checked_{kind} WHERE len(errors) = 0
        GROUP BY ALL HAVING count(*) > 1)
    WINDOW w AS (PARTITION BY {keys} {ordering}
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
) AS k
WHERE c._ord = k._ord AND NOT ({keep})
"""

    def reject_whole_contacts_sql(self) -> str | None:
        """With legs: a contact with a rejected leg is rejected whole (partial sums lie).

        Rejected duplicates (exact rows, repeated keys kept by on_conflict) do not count:
        their first copy loads.
        """
        if not self.mapping.legs:
            return None
        return f"""
UPDATE checked_contacts AS c SET errors = [{{'column': NULL, 'reason':
    'another leg of contact ' || c.v_contact_id || ' was rejected (row '
    || {self.staged.data_row_sql("bad.row")} || ')'}}]
FROM (SELECT v_contact_id, min(_ord) AS row FROM checked_contacts
      WHERE len(errors) > 0 AND v_contact_id IS NOT NULL
        AND first_row = _ord AND first_valid_row IS NULL  -- duplicates: the first is kept
      GROUP BY v_contact_id) AS bad
WHERE c.v_contact_id = bad.v_contact_id AND len(c.errors) = 0
"""


def _offset_seconds_sql(text: str) -> str:
    """Seconds east of UTC from '+01:00', '-0500', '+1', 'UTC+2', 'Z'; NULL otherwise."""
    pattern = r"^(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})?$"
    parts = f"regexp_extract(upper({text}), '{pattern}', ['sign', 'h', 'm'])"
    return (
        f"CASE WHEN upper({text}) IN ('Z', 'UTC', 'GMT') THEN 0 "
        f"WHEN regexp_full_match(upper({text}), '{pattern}') THEN "
        f"(CASE WHEN {parts}.sign = '-' THEN -1 ELSE 1 END) * "
        f"(CAST({parts}.h AS INTEGER) * 3600 + "
        f"coalesce(CAST(NULLIF({parts}.m, '') AS INTEGER), 0) * 60) END"
    )

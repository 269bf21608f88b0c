"""Set-based conversion and validation of one export kind, in a single DuckDB query.

From the staged text rows (``staged``: ``_ord`` plus every source column as VARCHAR)
it builds the temp table ``checked_<kind>``: per row the converted canonical values
(``v_<column>``) and ``errors``, a list of {column, reason}; an empty list means the row
loads. Layers: convert -> per-value checks -> duplicates (exact rows, then keys) ->
legs (a contact whose leg was rejected is rejected whole).
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import (
    CANONICAL_COLUMNS,
    CODE,
    CODE_VALUES,
    CSAT,
    DURATION,
    FLAG,
    INTEGER,
    KEY_COLUMN,
    NPS,
    PERCENT,
    TEXT,
    TIMESTAMP_COLUMN,
    ExportSpec,
    KindMapping,
)
from .identifiers import customer_key_sql, identifier_columns_sql
from .readers import StagedFile
from .sql_text import SqlParams, quote_ident

ISO_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


@dataclass(frozen=True)
class CheckedColumn:
    """One canonical value: its source (for reject messages) and SQL expressions."""

    name: str
    source: str | None         # source column(s) named in rejects
    text_sql: str | None       # trimmed source text, NULL when empty
    value_sql: str             # converted value, NULL when unparseable or empty
    errors: list[tuple[str, str]]  # (condition on t_/v_ columns, reason SQL)


def _trimmed(column: str) -> str:
    return f"NULLIF(trim({quote_ident(column)}), '')"


def _number_sql(text: str, decimal_separator: str) -> str:
    if decimal_separator == ",":
        text = f"replace({text}, ',', '.')"
    return f"try_cast({text} AS DOUBLE)"


def _duration_sql(text: str, spec: ExportSpec) -> str:
    if spec.duration_format == "seconds":
        return _number_sql(text, spec.decimal_separator)
    # The pattern guards the cast: an INTERVAL cast alone would accept '5 minutes'.
    return (
        f"CASE WHEN regexp_full_match({text}, '-?\\d+:[0-5]\\d:[0-5]\\d') THEN "
        f"(CASE WHEN starts_with({text}, '-') THEN -1 ELSE 1 END) * "
        f"epoch(CAST(ltrim({text}, '-') AS INTERVAL)) END"
    )


def _quote_sql_text(reason: str) -> str:
    return "'" + reason.replace("'", "''") + "'"


def _raw_in_reason(prefix: str, t: str, suffix: str) -> str:
    """Reason text quoting the offending value: prefix 'value' suffix."""
    return f"{_quote_sql_text(prefix)} || '''' || {t} || '''' || {_quote_sql_text(suffix)}"


class KindValidator:
    """Writes the SQL that converts and checks one kind of record from the staged rows."""

    def __init__(self, spec: ExportSpec, mapping: KindMapping, timezone: str,
                 salt: str, params: SqlParams, staged: StagedFile):
        self.spec, self.mapping, self.params = spec, mapping, params
        self.timezone, self.salt = timezone, salt
        self.staged = staged

    # --- per-column conversions ----------------------------------------------------

    def _timestamp(self, name: str) -> CheckedColumn:
        ts = self.mapping.timestamp
        if ts.column:
            text = _trimmed(ts.column)
            source = ts.column
        else:
            parts = [_trimmed(ts.date)] + ([_trimmed(ts.time)] if ts.time else [])
            text = f"NULLIF(concat_ws(' ', {', '.join(parts)}), '')"
            source = ts.date + (f"+{ts.time}" if ts.time else "")
        formats = list(self.mapping.timestamp_formats)
        if self.spec.format in ("xlsx", "parquet"):
            formats += [f for f in ISO_FORMATS if f not in formats]  # typed cells as ISO
        local = f"try_strptime(t_{name}, {self.params.add(formats)})"
        value = f"timezone('UTC', timezone({self.params.add(self.timezone)}, {local}))"
        shown = " or ".join(self.mapping.timestamp_formats)
        return CheckedColumn(name, source, text, value, [
            (f"t_{name} IS NOT NULL AND v_{name} IS NULL",
             _raw_in_reason("bad date/time ", f"t_{name}",
                            f": expected format {shown} (timestamp_format)")),
        ])

    def _column(self, name: str, conversion: str) -> CheckedColumn:
        mapping, spec, params = self.mapping, self.spec, self.params
        if name in mapping.constants:
            return CheckedColumn(name, None, None, params.add(mapping.constants[name]), [])
        if name not in mapping.columns:
            return CheckedColumn(name, None, None, "NULL", [])
        source = mapping.columns[name]
        text = _trimmed(source)
        t, v = f"t_{name}", f"v_{name}"
        errors: list[tuple[str, str]] = []
        if conversion == TEXT:
            value = t
        elif conversion == CODE:
            words = mapping.value_maps.get(name, {})
            codes = list(CODE_VALUES[name])
            mapped = (f"MAP({params.add(list(words))}::VARCHAR[], "
                      f"{params.add(list(words.values()))}::VARCHAR[])[lower({t})]"
                      if words else "NULL")
            value = (f"coalesce({mapped}, CASE WHEN list_contains({params.add(codes)}, "
                     f"lower({t})) THEN lower({t}) END)")
            if name == "contact_reason":
                value = f"CASE WHEN {t} IS NULL THEN 'unknown' ELSE {value} END"
            known = ", ".join(sorted(words) or codes)
            errors.append((f"{t} IS NOT NULL AND {v} IS NULL",
                           _raw_in_reason(f"unknown {name} ", t,
                                          f" (value_maps.{name} knows: {known})")))
        elif conversion == FLAG:
            trues = params.add([w.lower() for w in spec.true_words])
            falses = params.add([w.lower() for w in spec.false_words])
            value = (f"CASE WHEN list_contains({trues}, lower({t})) THEN true "
                     f"WHEN list_contains({falses}, lower({t})) THEN false END")
            words = f"true_words {list(spec.true_words)}, false_words {list(spec.false_words)}"
            errors.append((f"{t} IS NOT NULL AND {v} IS NULL",
                           _raw_in_reason("", t, f" is not a true/false word ({words})")))
        elif conversion == DURATION:
            value = _duration_sql(t, spec)
            unit = "H:MM:SS" if spec.duration_format == "hms" else "seconds"
            errors += [
                (f"{t} IS NOT NULL AND {v} IS NULL",
                 _raw_in_reason("bad duration ", t, f": expected {unit} (duration_format)")),
                (f"{v} < 0", _raw_in_reason("negative duration ", t, "")),
            ]
        else:  # numbers: CSAT, NPS, percent, integer
            value = _number_sql(t, spec.decimal_separator)
            errors.append((f"{t} IS NOT NULL AND {v} IS NULL",
                           _raw_in_reason("", t, " is not a number")))
            if conversion == CSAT:
                lo, hi = mapping.csat_scale or (0.0, 0.0)
                errors.append((f"{v} NOT BETWEEN {params.add(lo)} AND {params.add(hi)}",
                               _raw_in_reason("CSAT ", t,
                                              f" outside the scale {lo:g}-{hi:g} (csat_scale)")))
            elif conversion == NPS:
                errors.append((f"{v} NOT BETWEEN 0 AND 10 OR {v} <> floor({v})",
                               _raw_in_reason("NPS ", t, " is not a whole number 0-10")))
            elif conversion == PERCENT:
                errors.append((f"{v} NOT BETWEEN 0 AND 100",
                               _raw_in_reason("score ", t, " outside 0-100")))
            elif conversion == INTEGER:
                errors.append((f"{v} <> floor({v})",
                               _raw_in_reason("", t, " is not a whole number")))
        return CheckedColumn(name, source, text, value, errors)

    def columns(self) -> list[CheckedColumn]:
        checked = []
        for name, canonical in CANONICAL_COLUMNS[self.mapping.kind].items():
            if name == TIMESTAMP_COLUMN[self.mapping.kind]:
                column = self._timestamp(name)
            else:
                column = self._column(name, canonical.conversion)
            if canonical.required and column.text_sql is not None:
                column.errors.insert(0, (f"t_{name} IS NULL",
                                         _quote_sql_text("missing required value")))
            checked.append(column)
        for section, source in self.mapping.sections.items():
            checked.append(self._section(section, source))
        if self.mapping.legs:
            checked.append(self._leg())
        return checked

    def _section(self, section: str, source: str) -> CheckedColumn:
        name = f"section_{section}"
        t, v = f"t_{name}", f"v_{name}"
        return CheckedColumn(name, source, _trimmed(source),
                             _number_sql(t, self.spec.decimal_separator), [
            (f"{t} IS NOT NULL AND {v} IS NULL", _raw_in_reason("", t, " is not a number")),
            (f"{v} NOT BETWEEN 0 AND 100", _raw_in_reason("section score ", t,
                                                          " outside 0-100")),
        ])

    def _leg(self) -> CheckedColumn:
        column = self.mapping.legs.leg_column
        t, v = "t_leg", "v_leg"
        return CheckedColumn("leg", column, _trimmed(column), f"try_cast({t} AS INTEGER)", [
            (f"{t} IS NULL", _quote_sql_text("missing leg number")),
            (f"{t} IS NOT NULL AND {v} IS NULL",
             _raw_in_reason("leg ", t, " is not a whole number")),
        ])

    # --- the query ------------------------------------------------------------------

    def create_checked_sql(self) -> list[str]:
        """Statements creating ``checked_<kind>``, run in order."""
        kind = self.mapping.kind
        columns = self.columns()
        salt = self.params.add(self.salt)
        texts = [f"{c.text_sql} AS t_{c.name}" for c in columns if c.text_sql]
        all_source = ", ".join(quote_ident(c) for c in self.staged.columns)
        customer_key = customer_key_sql(self.spec.identifiers, self.params, salt,
                                        self.spec.default_country_code)
        present = (f"WHERE {_trimmed(self.mapping.present_if)} IS NOT NULL"
                   if self.mapping.present_if else "")
        values = [f"{c.value_sql} AS v_{c.name}" for c in columns]
        checks = []
        for c in columns:
            for condition, reason in c.errors:
                checks.append(f"CASE WHEN {condition} THEN {{'column': "
                              f"{self.params.add(c.source)}, 'reason': {reason}}} END")
        # The list is built only for rows failing some check (CASE evaluates its branch
        # on those rows alone): building it for every row costs more than the reading.
        # OR is true as soon as one condition is (NULL and false both fall to ELSE).
        any_failure = " OR ".join(f"({condition})" for c in columns for condition, _ in c.errors)
        null_error = "CAST(NULL AS STRUCT(\"column\" VARCHAR, reason VARCHAR))"
        no_errors = f"list_filter([{null_error}], lambda e: e IS NOT NULL)"
        error_list = (f"CASE WHEN {any_failure} THEN list_filter([{', '.join(checks)}], "
                      f"lambda e: e IS NOT NULL) ELSE {no_errors} END" if checks
                      else no_errors)
        key = f"v_{KEY_COLUMN[kind]}"
        key_parts = [key] + (["v_leg"] if self.mapping.legs else [])
        key_shown = " || '/' || ".join(f"coalesce(CAST({k} AS VARCHAR), '')" for k in key_parts)
        duplicate_row = f"'exact duplicate of row ' || {self.staged.data_row_sql('d.first_row')}"
        duplicate_key = (f"'duplicate key ' || {key_shown} || ' (first seen at row ' || "
                         f"{self.staged.data_row_sql('k.first_valid_row')} || "
                         "'); the first row was kept'")
        key_column = self.params.add(self.mapping.columns.get(KEY_COLUMN[kind]))
        # Duplicates are rare: the query below keeps a hash of each source row, exact
        # duplicates are then compared column by column on rows sharing a hash only.
        # (Windows over every row would buffer every column and dominate the load time.)
        v_columns = ", ".join(f"v_{c.name}" for c in columns)
        checked = f"""
CREATE OR REPLACE TEMP TABLE checked_{kind} AS
WITH source AS (
    SELECT {', '.join(['*'] + identifier_columns_sql(self.spec.identifiers))}
    FROM staged {present}
), texts AS (
    SELECT _ord, {', '.join(texts + [f'{customer_key} AS v_customer_key'])},
           hash({all_source}) AS row_hash
    FROM source
), converted AS (
    SELECT *, {', '.join(values)} FROM texts
)
-- Only converted values are kept: the text columns serve the error messages above.
SELECT _ord, row_hash, v_customer_key, {v_columns},
    {error_list} AS errors,
    _ord AS first_row,                     -- set for rejected exact duplicates
    CAST(NULL AS BIGINT) AS first_valid_row  -- set for rejected duplicate keys
FROM converted
"""
        duplicate_rows = f"""
UPDATE checked_{kind} AS c
SET errors = [{{'column': NULL, 'reason': {duplicate_row}}}], first_row = d.first_row
FROM (
    SELECT _ord, min(_ord) OVER (PARTITION BY {all_source}) AS first_row
    FROM staged
    WHERE _ord IN (SELECT _ord FROM checked_{kind} WHERE row_hash IN (
        SELECT row_hash FROM checked_{kind} GROUP BY ALL HAVING count(*) > 1))
) AS d
WHERE c._ord = d._ord AND d.first_row < d._ord
"""
        keys = ", ".join(key_parts)
        duplicate_keys = f"""
UPDATE checked_{kind} AS c
SET errors = [{{'column': {key_column}, 'reason': {duplicate_key}}}],
    first_valid_row = k.first_valid_row
FROM (
    SELECT _ord, min(_ord) OVER (PARTITION BY {keys}) AS first_valid_row
    FROM checked_{kind}
    WHERE len(errors) = 0 AND ({keys}) IN (
        SELECT ({keys}) FROM checked_{kind} WHERE len(errors) = 0
        GROUP BY ALL HAVING count(*) > 1)
) AS k
WHERE c._ord = k._ord AND k.first_valid_row < k._ord
"""
        return [checked, duplicate_rows, duplicate_keys]

    def reject_whole_contacts_sql(self) -> str | None:
        """With legs: a contact with a rejected leg is rejected whole (partial sums lie).

        Rejected duplicates (exact rows, repeated keys) do not count: their first copy loads.
        """
        if not self.mapping.legs:
            return None
        return f"""
UPDATE checked_contacts AS c SET errors = [{{'column': NULL, 'reason':
    'another leg of contact ' || c.v_contact_id || ' was rejected (row '
    || {self.staged.data_row_sql('bad.row')} || ')'}}]
FROM (SELECT v_contact_id, min(_ord) AS row FROM checked_contacts
      WHERE len(errors) > 0 AND v_contact_id IS NOT NULL
        AND first_row = _ord AND first_valid_row IS NULL  -- duplicates: the first is kept
      GROUP BY v_contact_id) AS bad
WHERE c.v_contact_id = bad.v_contact_id AND len(c.errors) = 0
"""

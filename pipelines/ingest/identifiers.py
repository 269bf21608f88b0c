"""Customer identifiers: normalised and hashed inside DuckDB, never stored raw.

customer_key = HMAC-SHA256(salt, type || ':' || normalised value) (keyed_hash.py), where
- phone: digits with the country code and no trunk zero; ``07700 900123``,
  ``+44 7700 900123``, ``+44 (0)7700 900123`` and ``447700900123`` all give
  ``447700900123`` (with default country code 44);
- email: trimmed and lower-cased;
- account: trimmed.
"""

from __future__ import annotations

from .config import Identifier
from .keyed_hash import HmacKey
from .sql_text import SqlParams, quote_ident


def phone_digits_sql(trimmed_sql: str) -> str:
    """The digits of a trimmed phone number, a ``(0)`` after an international code dropped.

    The regular expression runs only on values holding ``(0)``: it cannot match others.
    """
    no_trunk = (
        f"CASE WHEN contains({trimmed_sql}, '(0)') THEN regexp_replace({trimmed_sql}, "
        f"'^(\\+|00)(\\d{{1,3}})\\s*\\(0\\)', '+\\2') ELSE {trimmed_sql} END"
    )
    return f"regexp_replace({no_trunk}, '[^0-9]', '', 'g')"


def normalised_phone_sql(
    trimmed_sql: str, digits_sql: str, params: SqlParams, country_code: str
) -> str:
    """SQL for the digits of a phone number with its country code.

    A leading ``+`` or ``00`` marks an international number (a ``(0)`` after the country
    code is dropped); a leading 0 is a national trunk prefix, replaced by the default
    country code; digits that already start with the default country code and are longer
    than a national number (over 10 digits) are kept; anything else gets the code.
    ``digits_sql`` is ``phone_digits_sql(trimmed_sql)`` or a column holding it, so the
    regular expressions run once per value.
    """
    code = params.add(country_code)
    international = f"(starts_with({trimmed_sql}, '+') OR starts_with({trimmed_sql}, '00'))"
    return (
        f"CASE WHEN {international} THEN (CASE WHEN starts_with({digits_sql}, '00') "
        f"THEN substr({digits_sql}, 3) ELSE {digits_sql} END)"
        f" WHEN starts_with({digits_sql}, '0') THEN {code} || substr({digits_sql}, 2)"
        f" WHEN starts_with({digits_sql}, {code}) AND length({digits_sql}) > 10 THEN {digits_sql}"
        f" ELSE {code} || {digits_sql} END"
    )


def _hash_of_trimmed(
    trimmed_sql: str,
    kind: str,
    params: SqlParams,
    key: HmacKey,
    country_code: str,
    digits_sql: str | None = None,
) -> str:
    """SQL hashing a trimmed identifier (NULL when empty) of the given type."""
    if kind == "phone":
        normalised = normalised_phone_sql(
            trimmed_sql, digits_sql or phone_digits_sql(trimmed_sql), params, country_code
        )
    elif kind == "email":
        normalised = f"lower({trimmed_sql})"
    else:
        normalised = trimmed_sql
    message = f"{params.add(kind + ':')} || {normalised}"
    return f"CASE WHEN {trimmed_sql} <> '' THEN {key.sql(message, params)} END"


def hashed_columns(identifiers: tuple[Identifier, ...]) -> dict[str, str]:
    """Identifier column -> its type (a column listed twice keeps its first type)."""
    columns: dict[str, str] = {}
    for identifier in identifiers:
        columns.setdefault(identifier.column, identifier.type)
    return columns


def staging_select_sql(
    columns: list[str],
    identifiers: tuple[Identifier, ...],
    params: SqlParams,
    key: HmacKey,
    country_code: str,
    source_sql: str,
    extra: tuple[str, ...] = (),
) -> str:
    """A SELECT of ``columns`` from ``source_sql`` with every identifier column replaced
    by its HMAC (NULL when empty): what staging writes, so no raw identifier reaches the
    scratch file. The inner query trims each identifier and extracts a phone's digits
    once per row; the outer one hashes them. ``extra``: more outer items, which may read
    the raw values (e.g. a count of line breaks in them)."""
    types = hashed_columns(identifiers)
    inner, outer = ["*"], []
    for column in columns:
        if column not in types:
            outer.append(quote_ident(column))
            continue
        number = len(inner) - 1
        inner.append(f"trim({quote_ident(column)}) AS _cc_id_{number}")
        digits = None
        if types[column] == "phone":
            digits = f"_cc_id_{number}_digits"
            inner.append(f"{phone_digits_sql(f'_cc_id_{number}')} AS {digits}")
        hashed = _hash_of_trimmed(
            f"_cc_id_{number}", types[column], params, key, country_code, digits
        )
        outer.append(f"{hashed} AS {quote_ident(column)}")
    items = ", ".join(outer + list(extra))
    return f"SELECT {items} FROM (SELECT {', '.join(inner)} FROM {source_sql})"


def customer_key_sql(identifiers: tuple[Identifier, ...]) -> str:
    """The first non-empty identifier of a staged row: staging hashed them already."""
    if not identifiers:
        return "CAST(NULL AS VARCHAR)"
    staged = [quote_ident(column) for column in hashed_columns(identifiers)]
    return staged[0] if len(staged) == 1 else f"coalesce({', '.join(staged)})"

"""Customer identifiers: normalised and hashed inside DuckDB, never stored raw.

customer_key = sha256(salt || ':' || type || ':' || normalised value), where
- phone: digits with the country code and no trunk zero; ``07700 900123``,
  ``+44 7700 900123``, ``+44 (0)7700 900123`` and ``447700900123`` all give
  ``447700900123`` (with default country code 44);
- email: trimmed and lower-cased;
- account: trimmed.
"""

from __future__ import annotations

from .config import Identifier
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
    salt_param: str,
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
    return (
        f"CASE WHEN {trimmed_sql} <> '' THEN "
        f"sha256({salt_param} || ':' || {params.add(kind)} || ':' || {normalised}) END"
    )


def hashed_sql(
    text_sql: str, kind: str, params: SqlParams, salt_param: str, country_code: str
) -> str:
    """SQL hashing one identifier value; NULL when the value is empty."""
    return _hash_of_trimmed(f"trim({text_sql})", kind, params, salt_param, country_code)


def identifier_columns_sql(identifiers: tuple[Identifier, ...]) -> list[str]:
    """Select-list items computing, once per row, what ``customer_key_sql`` reads:
    ``id_<i>`` (the trimmed value) and, for phones, ``id_<i>_digits``."""
    items = []
    for number, identifier in enumerate(identifiers):
        items.append(f"trim({quote_ident(identifier.column)}) AS id_{number}")
        if identifier.type == "phone":
            items.append(f"{phone_digits_sql(f'id_{number}')} AS id_{number}_digits")
    return items


def customer_key_sql(
    identifiers: tuple[Identifier, ...], params: SqlParams, salt_param: str, country_code: str
) -> str:
    """The first non-empty identifier of the row, hashed, from the columns of
    ``identifier_columns_sql`` (computed in an earlier step of the query)."""
    if not identifiers:
        return "CAST(NULL AS VARCHAR)"
    hashes = [
        _hash_of_trimmed(
            f"id_{number}",
            i.type,
            params,
            salt_param,
            country_code,
            f"id_{number}_digits" if i.type == "phone" else None,
        )
        for number, i in enumerate(identifiers)
    ]
    return hashes[0] if len(hashes) == 1 else f"coalesce({', '.join(hashes)})"

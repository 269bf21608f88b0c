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


def normalised_phone_sql(text_sql: str, params: SqlParams, country_code: str) -> str:
    """SQL for the digits of a phone number with its country code.

    A leading ``+`` or ``00`` marks an international number (a ``(0)`` after the country
    code is dropped); a leading 0 is a national trunk prefix, replaced by the default
    country code; digits that already start with the default country code and are longer
    than a national number (over 10 digits) are kept; anything else gets the code.
    """
    code = params.add(country_code)
    no_trunk = f"regexp_replace(trim({text_sql}), '^(\\+|00)(\\d{{1,3}})\\s*\\(0\\)', '+\\2')"
    digits = f"regexp_replace({no_trunk}, '[^0-9]', '', 'g')"
    international = f"regexp_matches(trim({text_sql}), '^(\\+|00)')"
    return (
        f"CASE WHEN {international} THEN regexp_replace({digits}, '^00', '')"
        f" WHEN starts_with({digits}, '0') THEN {code} || substr({digits}, 2)"
        f" WHEN starts_with({digits}, {code}) AND length({digits}) > 10 THEN {digits}"
        f" ELSE {code} || {digits} END"
    )


def normalised_sql(text_sql: str, kind: str, params: SqlParams, country_code: str) -> str:
    if kind == "phone":
        return normalised_phone_sql(text_sql, params, country_code)
    if kind == "email":
        return f"lower(trim({text_sql}))"
    return f"trim({text_sql})"


def hashed_sql(text_sql: str, kind: str, params: SqlParams, salt_param: str,
               country_code: str) -> str:
    """SQL hashing one identifier value; NULL when the value is empty."""
    normalised = normalised_sql(text_sql, kind, params, country_code)
    return (f"CASE WHEN NULLIF(trim({text_sql}), '') IS NOT NULL THEN "
            f"sha256({salt_param} || ':' || {params.add(kind)} || ':' || {normalised}) END")


def customer_key_sql(identifiers: tuple[Identifier, ...], params: SqlParams,
                     salt_param: str, country_code: str) -> str:
    """The first non-empty identifier column of the row, hashed."""
    if not identifiers:
        return "CAST(NULL AS VARCHAR)"
    hashes = [hashed_sql(quote_ident(i.column), i.type, params, salt_param, country_code)
              for i in identifiers]
    return hashes[0] if len(hashes) == 1 else f"coalesce({', '.join(hashes)})"

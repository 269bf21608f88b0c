"""Building parameterised SQL: quoted identifiers and named parameters.

Source column names come from config files and export headers, so they are always
quoted with ``quote_ident``; every value (formats, words, salt, time zone) travels as a
named parameter collected in ``SqlParams``.
"""

from __future__ import annotations

import re
from typing import Any

import duckdb


def quote_ident(name: str) -> str:
    """A SQL identifier for any column name, however odd its characters."""
    if "\x00" in name:
        raise ValueError(f"column name {name!r} contains a NUL character")
    return '"' + name.replace('"', '""') + '"'


class SqlParams:
    """Named parameters ($p0, $p1, ...) collected while an SQL text is assembled."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def add(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


MAX_SHOWN_CHARS = 1000  # of an offending value, in a reject's reason and raw row


def cut_marker(length: int | str) -> str:
    return f"… [cut: {length} characters]"


def shown_value_sql(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """An offending value as stored in a reject: at most ``limit`` characters, marked when
    cut (the marker holds no delimiter, so a cut line still splits into its fields)."""
    return (
        f"CASE WHEN length({text}) > {limit} THEN left({text}, {limit}) || "
        f"'… [cut: ' || length({text}) || ' characters]' ELSE {text} END"
    )


def execute(con: duckdb.DuckDBPyConnection, sql: str, values: dict[str, Any]) -> None:
    """Run ``sql`` with the named parameters it references (DuckDB rejects extra ones)."""
    used = set(re.findall(r"\$(\w+)", sql))
    con.execute(sql, {name: value for name, value in values.items() if name in used})

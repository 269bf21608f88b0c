"""The metric layer's SQL files (``sql/*.sql``) and the one way to run them.

``execute`` runs metric SQL on any connection: it passes only the parameters the SQL
uses (DuckDB rejects unused ones) and creates the definitions' macros
(``sql/definitions.sql``) on a connection that does not have them yet. Macros are per
connection (a cursor is a connection of its own), so rather than asking every caller to
set them up, the first query that misses one creates them all and runs again.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).with_name("sql")


@cache
def read_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@cache
def definition_names() -> frozenset[str]:
    return frozenset(re.findall(r"MACRO (\w+)\(", read_sql("definitions")))


def install_definitions(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(read_sql("definitions"))


def execute(
    con: duckdb.DuckDBPyConnection, sql: str, parameters: dict[str, object] | None = None
) -> duckdb.DuckDBPyConnection:
    """``con.execute(sql, the used parameters)``, with the definitions in place."""
    used = {key: value for key, value in (parameters or {}).items() if f"${key}" in sql}
    try:
        return con.execute(sql, used)
    except duckdb.CatalogException as error:
        if not _misses_a_definition(error):
            raise
    install_definitions(con)
    return con.execute(sql, used)


def _misses_a_definition(error: duckdb.CatalogException) -> bool:
    found = re.search(r"Function with name (\w+) does not exist", str(error))
    return found is not None and found.group(1) in definition_names()

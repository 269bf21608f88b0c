"""The DuckDB warehouse: canonical schema and connections."""

from __future__ import annotations

from pathlib import Path

import duckdb

SCHEMA_SQL = Path(__file__).with_name("schema.sql")


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the canonical tables if they are missing (idempotent)."""
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for reading only, as the dashboard and exports do."""
    if not Path(path).exists():
        raise FileNotFoundError(
            f"No warehouse at {path}. Load the exports first: python -m pipelines ingest"
        )
    return duckdb.connect(str(path), read_only=True)

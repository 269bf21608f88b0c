"""The DuckDB warehouse: canonical schema and connections."""

from __future__ import annotations

from pathlib import Path

import duckdb

SCHEMA_SQL = Path(__file__).with_name("schema.sql")


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the canonical tables if they are missing (idempotent)."""
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


READER_CATALOG = "warehouse"


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for reading only, as the dashboard and exports do.

    The file is attached to a private in-memory instance rather than opened with
    ``duckdb.connect(path)``: DuckDB shares one instance per path within a process, so
    a long-running reader would keep seeing a file that ingestion has since swapped
    out (docs/INGESTION.md). Cursors need ``read_only_cursor`` to find the tables.

    Once the file is attached the connection loses all other file and network access
    (``enable_external_access = false``: no read_csv, COPY, ATTACH or extension loading,
    whatever SQL reaches it) and its configuration is locked, so that cannot be undone
    (DuckDB's terminal progress bar is switched off before: readers report their own).
    """
    if not Path(path).exists():
        raise FileNotFoundError(
            f"No warehouse at {path}. Load the exports first: python -m pipelines ingest"
        )
    con = duckdb.connect()
    con.execute(f"ATTACH ? AS {READER_CATALOG} (READ_ONLY)", [str(path)])
    con.execute(f"USE {READER_CATALOG}")
    con.execute("SET enable_progress_bar = false")  # readers report their own progress
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def read_only_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor (its own connection, for one thread) of a ``connect_read_only`` reader."""
    cursor = con.cursor()
    cursor.execute(f"USE {READER_CATALOG}")
    return cursor

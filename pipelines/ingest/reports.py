"""Read-only views of what is loaded: freshness per centre and kind, rejected rows."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.metrics.sql_files import execute

SQL_DIR = Path(__file__).with_name("sql")


def _query(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def load_status(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """One row per centre and kind: latest file, latest record time, row counts."""
    return con.sql(_query("status"))


def feed_freshness(con: duckdb.DuckDBPyConnection, timezone: str) -> duckdb.DuckDBPyConnection:
    """Per centre and kind with records: latest record, usual cadence, lag, late or not
    (local days as METRICS.md defines them, hence the metric layer's execute)."""
    return execute(con, _query("feeds"), {"tz": timezone})


def rejected_rows(
    con: duckdb.DuckDBPyConnection, centre_id: str | None = None, load_id: int | None = None
) -> duckdb.DuckDBPyRelation:
    return con.sql(_query("rejects"), params={"centre": centre_id, "load_id": load_id})


def format_table(headers: list[str], rows: list[tuple]) -> str:
    """A plain-text table for the terminal."""
    texts = [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in texts]) for i, h in enumerate(headers)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in texts]
    return "\n".join(lines)

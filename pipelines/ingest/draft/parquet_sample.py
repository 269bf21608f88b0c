"""Reading a Parquet export's sample (its typed columns as text)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..sql_text import quote_ident
from .sample import SAMPLE_ROWS, DraftError, Sample, text_cell


def read_parquet_sample(path: Path, limit: int = SAMPLE_ROWS) -> Sample:
    con = duckdb.connect()
    try:
        described = con.execute(
            "DESCRIBE SELECT * FROM read_parquet($path)", {"path": str(path)}
        ).fetchall()
        header = [row[0] for row in described]
        casts = ", ".join(f"CAST({quote_ident(c)} AS VARCHAR)" for c in header)
        rows = con.execute(
            f"SELECT {casts} FROM read_parquet($path) LIMIT {int(limit)}", {"path": str(path)}
        ).fetchall()
        total = con.execute(
            "SELECT count(*) FROM read_parquet($path)", {"path": str(path)}
        ).fetchone()[0]
    except duckdb.Error as error:
        raise DraftError(f"{path}: not a readable Parquet file ({error})") from None
    finally:
        con.close()
    types = ", ".join(f"{name} {kind}" for name, kind, *_ in described[:6])
    return Sample(
        path=path,
        format="parquet",
        header=header,
        rows=[[text_cell(v) for v in r] for r in rows],
        notes={"format": f"typed columns ({types}{', ...' if len(header) > 6 else ''})"},
        complete=total <= limit,
    )

"""The baseline: DuckDB's own readers straight into a table, file by file.

Same files as the pipeline, read with the delimiter, encoding and title rows of their
source config (types auto-detected, malformed rows skipped), no validation, mapping,
hashing or reject bookkeeping. XLSX has no built-in DuckDB reader here (the excel
extension cannot be downloaded), so XLSX files are left out of the baseline.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
from tqdm import tqdm

from pipelines.ingest import load_source_configs
from pipelines.ingest.run import discover_files

RAW_FORMATS = ("csv", "csv.gz", "parquet")

READ_CSV = (
    "CREATE TABLE {table} AS SELECT * FROM read_csv($path, header = true, delim = $delim, "
    "quote = $quote, escape = $quote, skip = $skip, encoding = $encoding, "
    "ignore_errors = true)"
)
READ_PARQUET = "CREATE TABLE {table} AS SELECT * FROM read_parquet($path)"


def raw_load(config_dir: Path, exports: Path, database: Path) -> list[dict]:
    """Load every CSV, CSV.GZ and Parquet export into its own table; time each file."""
    jobs = [
        job
        for job in discover_files(load_source_configs(config_dir), exports)
        if job.spec.format in RAW_FORMATS
    ]
    database.unlink(missing_ok=True)
    con = duckdb.connect(str(database))
    con.execute("SET enable_progress_bar = false")
    timings = []
    try:
        for number, job in enumerate(tqdm(jobs, desc="raw DuckDB load", unit="file")):
            table = f"raw_{number}"  # generated here, never from input
            started = time.perf_counter()
            if job.spec.format == "parquet":
                con.execute(READ_PARQUET.format(table=table), {"path": str(job.path)})
            else:
                con.execute(
                    READ_CSV.format(table=table),
                    {
                        "path": str(job.path),
                        "delim": job.spec.delimiter,
                        "quote": job.spec.quote,
                        "skip": job.spec.skip_rows,
                        "encoding": job.spec.encoding,
                    },
                )
            con.execute("CHECKPOINT")
            rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            timings.append(
                {
                    "file": str(job.path.relative_to(exports)),
                    "format": job.spec.format,
                    "rows": rows,
                    "seconds": time.perf_counter() - started,
                }
            )
    finally:
        con.close()
    return timings

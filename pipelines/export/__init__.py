"""Analyst exports of the metric layer's tables: CSV, XLSX and Parquet.

The dashboard's download buttons call the ``*_bytes`` functions; the CLI
(``python -m pipelines export``) calls ``write_exports``. Both take the long table
from ``pipelines.metrics.metric_table`` and never compute a metric themselves.
"""

from pipelines.export.formula_guard import guard_frame, guard_text
from pipelines.export.tables import (
    FORMATS,
    frame_csv_bytes,
    frame_parquet_bytes,
    long_table_csv_bytes,
    wide_table_csv_bytes,
    write_exports,
)
from pipelines.export.wide import wide_table
from pipelines.export.workbook import definitions_frame, long_table_xlsx_bytes, write_workbook

__all__ = [
    "FORMATS",
    "definitions_frame",
    "frame_csv_bytes",
    "frame_parquet_bytes",
    "guard_frame",
    "guard_text",
    "long_table_csv_bytes",
    "long_table_xlsx_bytes",
    "wide_table",
    "wide_table_csv_bytes",
    "write_exports",
    "write_workbook",
]

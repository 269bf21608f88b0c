"""The reconciliation of vendor-reported figures (pipelines/metrics/reconciliation.py) as
an analyst's table: CSV, XLSX (numbers in each row's metric unit) and Parquet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.export.tables import FORMATS, frame_csv_bytes, frame_parquet_bytes
from pipelines.export.workbook import Sheet, write_workbook

STEM = "reconciliation"
IN_UNIT = ("reported", "computed", "ci_low", "ci_high")  # in the row's metric unit
SIGNED = ("discrepancy", "tolerance")  # differences: points, seconds, ...


def reconciliation_sheet(table: pd.DataFrame) -> Sheet:
    """The sheet with each number in its row's unit: 87.3 as "87.3%", 372 s as 6:12,
    a discrepancy as "+6.1 pts"."""
    units = table["unit"].astype(object)
    gaps = units.map(lambda unit: f"gap:{unit}" if isinstance(unit, str) else None)
    return Sheet(
        "reconciliation",
        table,
        {
            **{column: units for column in IN_UNIT},
            **{column: gaps for column in SIGNED},
            "n": "count",
        },
    )


def write_reconciliation(
    table: pd.DataFrame,
    out_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    show_progress: bool = False,
) -> list[Path]:
    """``reconciliation.csv`` / ``.xlsx`` / ``.parquet`` in ``out_dir``; the files written."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"Unknown export format(s) {', '.join(unknown)}; use {', '.join(FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for export_format in dict.fromkeys(formats):
        path = out_dir / f"{STEM}.{export_format}"
        if export_format == "csv":
            path.write_bytes(frame_csv_bytes(table))
        elif export_format == "parquet":
            path.write_bytes(frame_parquet_bytes(table))
        else:
            write_workbook(str(path), [reconciliation_sheet(table)], show_progress)
        written.append(path)
    return written

"""CSV and Parquet renderings of the long and wide tables, in memory or on disk."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from pipelines.export.formula_guard import guard_frame
from pipelines.export.wide import wide_table
from pipelines.export.workbook import write_workbook

FORMATS = ("csv", "xlsx", "parquet")


def frame_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV, text cells guarded against formulas, NULL as an empty field."""
    return guard_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


def long_table_csv_bytes(long: pd.DataFrame) -> bytes:
    return frame_csv_bytes(long)


def wide_table_csv_bytes(long: pd.DataFrame) -> bytes:
    return frame_csv_bytes(wide_table(long))


def frame_parquet_bytes(frame: pd.DataFrame) -> bytes:
    """Typed Parquet (dates stay dates, NULLs stay NULL); no guard, it is not a sheet."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def write_exports(
    long: pd.DataFrame,
    out_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    show_progress: bool = False,
    stem: str = "metrics",
) -> list[Path]:
    """Write the long and wide tables in each format; returns the files written."""
    from tqdm import tqdm

    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"Unknown export format(s) {', '.join(unknown)}; use {', '.join(FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    wide = wide_table(long)
    written: list[Path] = []
    steps = tqdm(
        list(dict.fromkeys(formats)), desc="export", unit="format", disable=not show_progress
    )
    for export_format in steps:
        if export_format == "csv":
            for name, frame in (("long", long), ("wide", wide)):
                path = out_dir / f"{stem}_{name}.csv"
                path.write_bytes(frame_csv_bytes(frame))
                written.append(path)
        elif export_format == "parquet":
            for name, frame in (("long", long), ("wide", wide)):
                path = out_dir / f"{stem}_{name}.parquet"
                path.write_bytes(frame_parquet_bytes(frame))
                written.append(path)
        else:
            path = out_dir / f"{stem}.xlsx"
            write_workbook(str(path), [("long", long), ("wide", wide)], show_progress)
            written.append(path)
    return written

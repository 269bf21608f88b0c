"""Writing finished tables to disk byte-reproducibly: CSV (any delimiter, encoding,
BOM, line ending, optional gzip with mtime 0), XLSX (constant memory, fixed document
dates, one sheet within Excel's row limit) and Parquet (typed)."""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

CHUNK_ROWS = 200_000
EXCEL_MAX_ROWS = 1_048_576
FIELD_COUNT = "_fields"  # optional column: how many leading fields a row keeps (dirt)
DOCUMENT_DATE = dt.datetime(2026, 11, 23, 6, 0, 0)  # the Monday the exports are sent


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str = ","
    encoding: str = "utf-8"
    bom: bool = False
    line_end: str = "\n"
    gzip: bool = False


def _quoted(column: pd.Series, delimiter: str) -> pd.Series:
    """Minimal CSV quoting: quote a field holding the delimiter, a quote or a line break,
    doubling inner quotes."""
    text = column.astype("str")
    needs_quotes = text.str.contains(f'[{delimiter}"\r\n]', regex=True)
    return text.where(~needs_quotes, '"' + text.str.replace('"', '""', regex=False) + '"')


def _lines(table: pd.DataFrame, delimiter: str) -> list[str]:
    columns = [c for c in table.columns if c != FIELD_COUNT]
    quoted = [_quoted(table[c], delimiter) for c in columns]
    lines = quoted[0].str.cat(quoted[1:], sep=delimiter).tolist()
    if FIELD_COUNT in table.columns:
        # Truncated rows ("too few fields") are a handful of dirt rows: joined one by one.
        keep = table[FIELD_COUNT].to_numpy()
        for row in np.flatnonzero(keep < len(columns)):
            lines[row] = delimiter.join(q.iloc[row] for q in quoted[: keep[row]])
    return lines


def write_csv(path: Path, table: pd.DataFrame, dialect: CsvDialect) -> None:
    """Header plus rows; every value must already be text in its final form."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = dialect.delimiter.join(c for c in table.columns if c != FIELD_COUNT)
    with path.open("wb") as raw:
        sink = (
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
            if dialect.gzip
            else raw
        )
        encoder = codecs.getincrementalencoder(dialect.encoding)()
        if dialect.bom:
            sink.write(codecs.BOM_UTF8)
        sink.write(encoder.encode(header + dialect.line_end))
        for start in range(0, len(table), CHUNK_ROWS):
            chunk = _lines(table.iloc[start : start + CHUNK_ROWS], dialect.delimiter)
            sink.write(encoder.encode(dialect.line_end.join(chunk) + dialect.line_end))
        if dialect.gzip:
            sink.close()


def sheet_capacity(title_rows: list[str]) -> int:
    """Data rows one sheet holds below its title rows and header row."""
    return EXCEL_MAX_ROWS - len(title_rows) - 1


def write_xlsx(path: Path, table: pd.DataFrame, sheet: str, title_rows: list[str]) -> None:
    """All cells as text on one sheet under ``title_rows`` and the header row. A table
    beyond one sheet's capacity must be split over files first (periods.py): a loader
    reads one named sheet."""
    capacity = sheet_capacity(title_rows)
    if len(table) > capacity:
        raise ValueError(
            f"{path.name}: {len(table):,} rows do not fit on one sheet "
            f"(at most {capacity:,}); split the export by period"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = [c for c in table.columns if c != FIELD_COUNT]
    keep = (
        table[FIELD_COUNT].to_numpy()
        if FIELD_COUNT in table.columns
        else np.full(len(table), len(columns))
    )
    workbook = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    workbook.set_properties({"created": DOCUMENT_DATE, "author": "Claremont Contact MI"})
    bold = workbook.add_format({"bold": True})
    worksheet = workbook.add_worksheet(sheet)
    for row, title in enumerate(title_rows):
        worksheet.write_string(row, 0, title, bold)
    header_row = len(title_rows)
    for col, name in enumerate(columns):
        worksheet.write_string(header_row, col, name, bold)
    write_string = worksheet.write_string
    for offset, cells in enumerate(table[columns].to_numpy(dtype=object)):
        row = header_row + 1 + offset  # xlsxwriter writes cell by cell
        for col in range(keep[offset]):
            if cells[col]:
                write_string(row, col, cells[col])
    workbook.close()


def write_parquet(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd", store_schema=False)
    path.write_bytes(buffer.getvalue())

"""Reading an XLSX export's sheet into the staged text rows.

Two row sources give the same cell values (tests/ingest/test_xlsx.py compares them):

- python-calamine (Rust): about 10x faster than openpyxl, but it holds the whole sheet
  in memory, roughly twice the sheet's uncompressed XML;
- openpyxl read-only streaming (pure Python): slow, memory bounded by the batch size.

Calamine reads the sheet unless its XML is larger than ``CALAMINE_MAX_SHEET_XML_BYTES``,
which keeps a run's peak memory within budget for sheets of a million rows.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from .scratch import SCRATCH
from .sql_text import quote_ident

XLSX_BATCH_ROWS = 50_000
# ~105 k rows x 16 columns are 95 MB of sheet XML and cost calamine ~170 MB; this
# limit (~550 k such rows) keeps its share of memory near 1 GB.
CALAMINE_MAX_SHEET_XML_BYTES = 512 * 1024 * 1024

Cell = object  # str | int | float | bool | date | datetime | time | timedelta | None


class SheetProblem(Exception):
    """The workbook or its sheet cannot be read; the message says why."""


class MissingSheet(SheetProblem):
    """The configured sheet is not in the workbook."""


def cell_text(value: Cell) -> str | None:
    """Typed spreadsheet cells as the text a CSV export would hold (dates in ISO)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet_xml_bytes(path: Path) -> int:
    """Uncompressed size of the largest worksheet part (the zip directory says it)."""
    with zipfile.ZipFile(path) as archive:
        return max((i.file_size for i in archive.infolist()
                    if i.filename.startswith("xl/worksheets/")), default=0)


def calamine_rows(path: Path, sheet_name: str | None) -> Iterator[list[Cell]]:
    """Rows from the sheet's first row and column, as openpyxl gives them.

    calamine's ``iter_rows`` starts at row 1 but at the first used column: the columns
    left of it are added back so positions match the header's.
    """
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises several types for broken files
        raise SheetProblem(f"not a readable XLSX workbook ({error})") from None
    try:
        names = [m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        if sheet_name is not None and sheet_name not in names:
            raise MissingSheet(f"no sheet '{sheet_name}'; sheets: {names}")
        if not names:
            raise SheetProblem("the workbook holds no worksheet")
        try:
            sheet = workbook.get_sheet_by_name(sheet_name or names[0])
        except Exception as error:
            raise SheetProblem(f"not a readable XLSX workbook ({error})") from None
        left = [None] * (sheet.start[1] if sheet.start else 0)
        for row in sheet.iter_rows():
            yield left + row if left else row
    finally:
        workbook.close()


def openpyxl_rows(path: Path, sheet_name: str | None) -> Iterator[tuple[Cell, ...]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for broken files
        raise SheetProblem(f"not a readable XLSX workbook ({error})") from None
    try:
        if sheet_name is not None and sheet_name not in workbook.sheetnames:
            raise MissingSheet(f"no sheet '{sheet_name}'; sheets: {workbook.sheetnames}")
        sheet = workbook[sheet_name] if sheet_name else workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def sheet_rows(path: Path, sheet_name: str | None) -> Iterator[list[Cell] | tuple[Cell, ...]]:
    """The sheet's rows through calamine, or openpyxl for sheets too large for memory.

    A generator: problems surface at the first ``next``; ``close()`` closes the workbook.
    """
    try:
        size = _sheet_xml_bytes(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise SheetProblem(f"not a readable XLSX workbook ({error})") from None
    reader = openpyxl_rows if size > CALAMINE_MAX_SHEET_XML_BYTES else calamine_rows
    yield from reader(path, sheet_name)


def column_texts(values: list[Cell]) -> list[Cell]:
    """One column of a batch as text. Columns of text cells pass as they are (empty
    strings become NULL in SQL): converting cell by cell in Python is the slow part."""
    if set(map(type, values)) <= {str}:
        return values
    return [cell_text(v) for v in values]


def _is_blank(cells: list[Cell] | tuple[Cell, ...]) -> bool:
    # any() is false for 0 and False too: those are data, so look again
    return not any(cells) and all(c is None or c == "" for c in cells)


def stage_rows(con: duckdb.DuckDBPyConnection, header: list[str],
               rows: Iterator[list[Cell] | tuple[Cell, ...]]) -> int:
    """Append the data rows below the header to the scratch table ``staged_raw`` in Arrow
    batches; blank rows are skipped and not counted. Returns the data rows.

    A batch is one flat list of cells, row after row; column j is the slice
    ``[j::width]``, so no Python code runs per cell for text cells.
    """
    con.execute(
        f"CREATE OR REPLACE TABLE {SCRATCH}.staged_raw ("
        + ", ".join(["_cc_row BIGINT"] + [f"{quote_ident(c)} VARCHAR" for c in header])
        + ")"
    )
    width, rows_staged, cells = len(header), 0, []
    padding = [None] * width
    for row in rows:
        row = row[:width]
        if _is_blank(row):
            continue  # blank rows (often trailing) are not data
        cells.extend(row)
        if len(row) < width:
            cells.extend(padding[len(row):])
        if len(cells) >= XLSX_BATCH_ROWS * width:
            rows_staged += _append_batch(con, header, cells, rows_staged)
            cells = []
    rows_staged += _append_batch(con, header, cells, rows_staged)
    return rows_staged


def _append_batch(con: duckdb.DuckDBPyConnection, header: list[str], cells: list[Cell],
                  rows_before: int) -> int:
    """Insert the batch's rows, numbered after ``rows_before``; return how many."""
    width = len(header)
    count = len(cells) // width
    if not count:
        return 0
    arrays = [pa.array(range(rows_before + 1, rows_before + count + 1), pa.int64())]
    arrays += [pa.array(column_texts(cells[j::width]), pa.string()) for j in range(width)]
    names = ["_cc_row"] + [f"c{j}" for j in range(width)]
    xlsx_batch = pa.table(arrays, names=names)
    con.register("xlsx_batch", xlsx_batch)
    con.execute(f"INSERT INTO {SCRATCH}.staged_raw SELECT _cc_row, "
                + ", ".join(f"NULLIF(c{j}, '')" for j in range(width)) + " FROM xlsx_batch")
    con.unregister("xlsx_batch")
    return count

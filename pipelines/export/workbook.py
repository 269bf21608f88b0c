"""The analyst's Excel workbook: long and wide tables plus metric definitions.

Written cell by cell with xlsxwriter so every number keeps its type and format
(percent points, seconds, p-values, dates), text never becomes a formula, the header
row is bold and frozen and columns are sized to their content.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable, Iterable

import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipelines.export.formula_guard import guard_text
from pipelines.export.wide import wide_table, wide_units
from pipelines.metrics import CATALOGUE

# Percentages are stored on a 0-100 scale, so they get a literal "%" rather than
# Excel's percent format (which would multiply by 100 again).
UNIT_FORMATS = {
    "pct": '0.0"%"',
    "score": "0.00",
    "nps": "0.0",
    "seconds": '#,##0.0" s"',
    "count": "#,##0",
}
COLUMN_FORMATS = {"p_value": "0.0000", "n": "#,##0", "target": None, "coverage": '0.0"%"'}
UNIT_VALUED_COLUMNS = ("value", "ci_low", "ci_high", "baseline_value", "gap", "target")
MAX_WIDTH = 60


class _Formats:
    def __init__(self, workbook: Workbook) -> None:
        self.header = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": False})
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.text_wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self._numbers: dict[str, object] = {}
        self._workbook = workbook

    def number(self, pattern: str | None):
        if pattern is None:
            return None
        if pattern not in self._numbers:
            self._numbers[pattern] = self._workbook.add_format({"num_format": pattern})
        return self._numbers[pattern]


def _write_cell(sheet: Worksheet, row: int, col: int, value: object, formats: _Formats,
                number_format: str | None) -> None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), formats.date)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, float(value), formats.number(number_format))
    elif hasattr(value, "item"):  # numpy scalar
        _write_cell(sheet, row, col, value.item(), formats, number_format)
    else:
        sheet.write_string(row, col, str(guard_text(str(value))))


def _write_sheet(workbook: Workbook, formats: _Formats, name: str, frame: pd.DataFrame,
                 number_format: Callable[[str, pd.Series], str | None],
                 progress: Callable[[int], None] | None = None) -> None:
    sheet = workbook.add_worksheet(name)
    columns = list(frame.columns)
    widths = [len(str(column)) for column in columns]
    for col, column in enumerate(columns):
        sheet.write_string(0, col, str(guard_text(str(column))), formats.header)
    for row_index, (_, record) in enumerate(frame.iterrows(), start=1):
        for col, column in enumerate(columns):
            value = record[column]
            _write_cell(sheet, row_index, col, value, formats, number_format(column, record))
            if row_index <= 500:  # widths from the first rows keep big exports fast
                widths[col] = max(widths[col], _display_width(value))
        if progress and row_index % 1000 == 0:
            progress(1000)
    if progress:
        progress(len(frame) % 1000)
    sheet.freeze_panes(1, 0)
    if columns:
        sheet.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width + 2, MAX_WIDTH))


def _display_width(value: object) -> int:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    if isinstance(value, dt.date):
        return 10
    return len(str(value))


def _long_format(column: str, record: pd.Series) -> str | None:
    if column in UNIT_VALUED_COLUMNS:
        return UNIT_FORMATS.get(record.get("unit"))
    return COLUMN_FORMATS.get(column)


def _wide_format(frame: pd.DataFrame) -> Callable[[str, pd.Series], str | None]:
    units = wide_units(list(frame.columns))

    def chooser(column: str, _record: pd.Series) -> str | None:
        return UNIT_FORMATS.get(units.get(column, ""))

    return chooser


def definitions_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [(m.id, m.name, m.family, m.unit, m.direction or "", m.definition, m.population)
         for m in CATALOGUE.values()],
        columns=["metric", "name", "family", "unit", "better when", "definition",
                 "population"],
    )


def write_workbook(target: str | io.BytesIO, sheets: Iterable[tuple[str, pd.DataFrame]],
                   show_progress: bool = False) -> None:
    """Write the given (name, frame) sheets plus "definitions" to a path or buffer."""
    from tqdm import tqdm

    sheets = list(sheets)
    total = sum(len(frame) for _, frame in sheets)
    workbook = xlsxwriter.Workbook(target, {"in_memory": True, "nan_inf_to_errors": False})
    formats = _Formats(workbook)
    with tqdm(total=total, unit="row", desc="xlsx", disable=not show_progress) as bar:
        for name, frame in sheets:
            chooser = _wide_format(frame) if name == "wide" else _long_format
            _write_sheet(workbook, formats, name, frame, chooser, bar.update)
    definitions = definitions_frame()
    _write_sheet(workbook, formats, "definitions", definitions, lambda _c, _r: None)
    workbook.get_worksheet_by_name("definitions").set_column(5, 6, MAX_WIDTH,
                                                              formats.text_wrap)
    workbook.close()


def long_table_xlsx_bytes(long: pd.DataFrame, show_progress: bool = False) -> bytes:
    """The workbook (sheets "long", "wide", "definitions") as bytes, for downloads."""
    buffer = io.BytesIO()
    write_workbook(buffer, [("long", long), ("wide", wide_table(long))], show_progress)
    return buffer.getvalue()

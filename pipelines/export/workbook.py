"""Excel workbooks: the analyst's long and wide tables, and the partner-review pack's.

Written cell by cell with xlsxwriter so every number stays a number with a number format
chosen by its *unit*, text never becomes a formula, the header row is bold and frozen and
columns are sized to their content.

Units are the metric units of METRICS.md (``pct``, ``score``, ``nps``, ``seconds``,
``count``) for values in that unit, ``gap:<unit>`` for signed differences, and ``pts``,
``p_value``, ``number``, ``precise``, ``date`` (see ``NUMBER_FORMATS``), and ``money:<ISO code>``
/ ``gap:money:<ISO code>`` for amounts (pipelines/export/money.py). A sheet gives a
unit per column, for the whole column or one per row (the long table: each row is one
metric); columns without one are inferred (``default_units``).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipelines.export.formula_guard import needs_guard
from pipelines.export.money import is_money, money_number_format
from pipelines.export.wide import wide_table, wide_units
from pipelines.metrics import CATALOGUE

POINTS = '+0.0" pts";-0.0" pts";0.0" pts"'
SECONDS_PER_DAY = 86_400
# Unit -> Excel number format. Percentages are stored on a 0-100 scale, so they get a
# literal "%" rather than Excel's percent format (which would multiply by 100 again).
# Signs of differences come from the format, never from text.
NUMBER_FORMATS: dict[str, str] = {
    "pct": '0.0"%"',
    "score": "0.00",  # "0.0" from 10 up, as the dashboard shows scores
    "nps": "+0;-0;0",
    "seconds": "[m]:ss",  # written as Excel time (value / 86400); "[h]:mm:ss" from an hour
    "count": "#,##0",
    "pts": POINTS,
    "gap:pct": POINTS,
    "gap:nps": POINTS,
    "gap:pts": POINTS,
    "gap:score": "+0.00;-0.00;0.00",
    # Excel cannot show a negative time (#####), so differences of durations stay seconds.
    "gap:seconds": '+#,##0" s";-#,##0" s";0" s"',
    "gap:count": "+#,##0;-#,##0;0",
    "p_value": "0.0000",
    "number": "#,##0.0",
    "precise": "0.000",
}
DATE_FORMAT = "yyyy-mm-dd"
# How the definitions sheet explains each unit's cells.
UNIT_NOTES = {
    "pct": "0-100 with a % sign; gaps in points (pts)",
    "score": "number; gaps signed",
    "nps": "-100 to +100; gaps in points (pts)",
    "seconds": "m:ss, stored as Excel time (days; x 86400 gives seconds); gaps in seconds",
    "count": "whole number; gaps signed",
}
UNIT_VALUED_COLUMNS = ("value", "ci_low", "ci_high", "baseline_value", "target")
LONG_COLUMN_UNITS = {
    "gap_se": "precise",
    "p_value": "p_value",
    "n": "count",
    "baseline_n": "count",
    "coverage": "pct",
}
MAX_WIDTH = 60

Units = Mapping[str, str | Sequence[str | None] | pd.Series | None]


class Sheet(NamedTuple):
    """One worksheet: its name, its table and the unit of each column (str for the whole
    column, a sequence or row-aligned Series for one per row; missing: inferred)."""

    name: str
    frame: pd.DataFrame
    units: Units = {}


def excel_number(value: float, unit: str | None) -> tuple[float, str | None]:
    """The number to store and its Excel number format, for ``value`` in ``unit``."""
    if unit == "seconds":
        return value / SECONDS_PER_DAY, "[h]:mm:ss" if abs(value) >= 3600 else "[m]:ss"
    if unit == "score" and abs(value) >= 10:
        return value, "0.0"
    if is_money(unit):
        return value, money_number_format(value, unit)
    if unit in NUMBER_FORMATS:
        return value, NUMBER_FORMATS[unit]
    return value, NUMBER_FORMATS["count" if float(value).is_integer() else "number"]


def default_units(frame: pd.DataFrame) -> dict[str, str | pd.Series | None]:
    """Units of the columns a caller did not name: the long table's (one metric per row,
    its ``unit`` column), the wide table's metric columns, then by type."""
    units: dict[str, str | pd.Series | None] = {}
    if {"unit", "value"} <= set(frame.columns):
        row_units = frame["unit"].astype(object)
        units.update({column: row_units for column in UNIT_VALUED_COLUMNS})
        units["gap"] = row_units.map(lambda unit: f"gap:{unit}" if isinstance(unit, str) else None)
        units.update(LONG_COLUMN_UNITS)
    units.update(wide_units([str(column) for column in frame.columns]))
    for column in frame.columns:
        if column in units:
            continue
        series = frame[column]
        if pd.api.types.is_bool_dtype(series):
            units[column] = None
        elif pd.api.types.is_integer_dtype(series):
            units[column] = "count"
        elif pd.api.types.is_float_dtype(series):
            units[column] = "number"
        elif pd.api.types.is_datetime64_any_dtype(series):
            units[column] = "date"
    return {column: units.get(column) for column in frame.columns}


class _Formats:
    def __init__(self, workbook: Workbook, date_format: str) -> None:
        self.header = workbook.add_format({"bold": True, "bottom": 1})
        self.header_quoted = workbook.add_format({"bold": True, "bottom": 1, "quote_prefix": True})
        self.quoted = workbook.add_format({"quote_prefix": True})
        self.date = workbook.add_format({"num_format": date_format})
        self.text_wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self._numbers: dict[str, object] = {}
        self._workbook = workbook

    def number(self, pattern: str | None):
        if pattern is None:
            return None
        if pattern not in self._numbers:
            self._numbers[pattern] = self._workbook.add_format({"num_format": pattern})
        return self._numbers[pattern]


def _missing(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    )


def _write_cell(
    sheet: Worksheet, row: int, col: int, value: object, formats: _Formats, unit: str | None
) -> None:
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    elif isinstance(value, np.generic):  # numpy scalar
        value = value.item()
    if _missing(value):
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, dt.datetime | dt.date):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), formats.date)
    elif isinstance(value, int | float):
        if math.isinf(value):
            sheet.write_blank(row, col, None)
            return
        number, pattern = excel_number(float(value), unit)
        sheet.write_number(row, col, number, formats.number(pattern))
    else:
        # A string cell is never a formula; the quote prefix keeps it text when edited.
        text = str(value)
        sheet.write_string(row, col, text, formats.quoted if needs_guard(text) else None)


def _column_units(frame: pd.DataFrame, units: Units) -> list[str | list | None]:
    """Per column: one unit, or a list with one unit per row (in frame order)."""
    resolved = {**default_units(frame), **units}
    per_column: list[str | list | None] = []
    for column in frame.columns:
        unit = resolved.get(column)
        if isinstance(unit, pd.Series):
            per_column.append(list(unit.reindex(frame.index)))
        elif unit is None or isinstance(unit, str):
            per_column.append(unit)
        else:
            per_column.append(list(unit))
    return per_column


def _write_sheet(
    workbook: Workbook,
    formats: _Formats,
    sheet_spec: Sheet,
    progress: Callable[[int], None] | None = None,
) -> Worksheet:
    name, frame, units = sheet_spec
    sheet = workbook.add_worksheet(name)
    columns = list(frame.columns)
    widths = [len(str(column)) for column in columns]
    for col, column in enumerate(columns):
        label = str(column)
        sheet.write_string(
            0, col, label, formats.header_quoted if needs_guard(label) else formats.header
        )
    column_units = _column_units(frame, units)
    for row_index, record in enumerate(frame.itertuples(index=False, name=None), start=1):
        for col, value in enumerate(record):
            unit = column_units[col]
            if isinstance(unit, list):
                unit = unit[row_index - 1]
            _write_cell(sheet, row_index, col, value, formats, unit)
            if row_index <= 500:  # widths from the first rows keep big exports fast
                widths[col] = max(widths[col], _display_width(value, unit))
        if progress and row_index % 1000 == 0:
            progress(1000)
    if progress:
        progress(len(frame) % 1000)
    sheet.freeze_panes(1, 0)
    if columns:
        sheet.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width + 2, MAX_WIDTH))
    return sheet


def _display_width(value: object, unit: str | None) -> int:
    if _missing(value):
        return 0
    if isinstance(value, dt.date):
        return 11
    if isinstance(value, float | int) and not isinstance(value, bool):
        extra = 4 if unit in ("pts", "gap:pct", "gap:nps", "gap:seconds") else 1
        return len(f"{value:,.1f}") + extra
    return len(str(value))


def definitions_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            (m.id, m.name, m.family, m.unit, m.direction or "", m.definition, m.population)
            for m in CATALOGUE.values()
        ],
        columns=["metric", "name", "family", "unit", "better when", "definition", "population"],
    )


def write_workbook(
    target: str | io.BytesIO,
    sheets: Iterable[Sheet | tuple[str, pd.DataFrame]],
    show_progress: bool = False,
    *,
    date_format: str = DATE_FORMAT,
    properties: Mapping[str, str] | None = None,
) -> None:
    """Write the given sheets plus "definitions" to a path or buffer.

    ``sheets`` are ``Sheet``s or ``(name, frame)`` pairs (units inferred);
    ``properties`` become the file's document properties (title, subject, comments).
    """
    from tqdm import tqdm

    specs = [sheet if isinstance(sheet, Sheet) else Sheet(*sheet) for sheet in sheets]
    total = sum(len(spec.frame) for spec in specs)
    workbook = xlsxwriter.Workbook(target, {"in_memory": True, "nan_inf_to_errors": False})
    if properties:
        workbook.set_properties(dict(properties))
    formats = _Formats(workbook, date_format)
    with tqdm(total=total, unit="row", desc="xlsx", disable=not show_progress) as bar:
        for spec in specs:
            _write_sheet(workbook, formats, spec, bar.update)
    definitions = definitions_frame()
    definitions["in this workbook"] = definitions["unit"].map(UNIT_NOTES)
    sheet = _write_sheet(workbook, formats, Sheet("definitions", definitions))
    sheet.set_column(5, 7, MAX_WIDTH, formats.text_wrap)
    workbook.close()


def long_table_xlsx_bytes(long: pd.DataFrame, show_progress: bool = False) -> bytes:
    """The workbook (sheets "long", "wide", "definitions") as bytes, for downloads."""
    buffer = io.BytesIO()
    write_workbook(buffer, [("long", long), ("wide", wide_table(long))], show_progress)
    return buffer.getvalue()

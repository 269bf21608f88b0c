"""What every downloaded workbook must satisfy, read back with openpyxl: no formula, no
text cell that reads as a number (numbers are numbers, formatted by number format)."""

from __future__ import annotations

import re

# "57.7%", "-21.6 pts", "'+3", "7:45", "1,247": a number written as text
NUMBER_TEXT = re.compile(r"^'?[+-]?(\d[\d,]*(\.\d+)?\s*(%|pts|s)?|\d+:\d\d(:\d\d)?)$")


def assert_cells_typed(workbook, formatted: tuple[str, ...] = ()) -> None:
    """Every data cell below the header rows: not a formula, not a number as text; cells
    of the openpyxl data types in ``formatted`` ('n', 'd') carry a number format."""
    for sheet in workbook:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                assert not (cell.data_type == "s" and NUMBER_TEXT.match(cell.value)), (
                    sheet.title,
                    cell.coordinate,
                    cell.value,
                )
                if cell.data_type in formatted and cell.value is not None:
                    assert cell.number_format != "General", (sheet.title, cell.coordinate)

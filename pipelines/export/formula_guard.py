"""Keep free text from turning into spreadsheet formulas (CSV/formula injection).

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return may be
evaluated by Excel or LibreOffice when the file is opened or the cell edited.

- In CSV there is no cell type, so ``guard_text`` prefixes ``'`` to keep it text.
- In XLSX a cell written as a string is never a formula; the workbook writer keeps the
  text as it is and marks such cells with Excel's quote prefix (``needs_guard``), so an
  edit in Excel keeps them text too, and no apostrophe shows.

Only text changes: numbers (including negative gaps) are never touched, so numeric
columns stay numeric.
"""

from __future__ import annotations

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def needs_guard(value: object) -> bool:
    """True for text a spreadsheet could read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def guard_text(value: object) -> object:
    """``value`` with ``'`` in front when it is text that could become a formula (CSV)."""
    return "'" + value if needs_guard(value) else value


def guard_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell guarded; other columns unchanged."""
    guarded = frame.copy()
    for column in guarded.columns:
        series = guarded[column]
        if pd.api.types.is_string_dtype(series) or series.dtype == object:
            guarded[column] = series.map(guard_text).astype(object)
    guarded.columns = [guard_text(str(column)) for column in guarded.columns]
    return guarded

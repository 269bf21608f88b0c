"""Keep free text from turning into spreadsheet formulas (CSV/formula injection).

A text cell starting with ``=``, ``+``, ``-`` or ``@`` would be evaluated by Excel or
LibreOffice; prefixing ``'`` keeps it text. Only text cells change: numbers (including
negative gaps) are never touched, so numeric columns stay numeric.
"""

from __future__ import annotations

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@")


def guard_text(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def guard_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell guarded; other columns unchanged."""
    guarded = frame.copy()
    for column in guarded.columns:
        series = guarded[column]
        if pd.api.types.is_string_dtype(series) or series.dtype == object:
            guarded[column] = series.map(guard_text).astype(object)
    guarded.columns = [guard_text(str(column)) for column in guarded.columns]
    return guarded

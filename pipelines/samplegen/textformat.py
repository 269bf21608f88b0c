"""Vectorised formatting of columns into the exact text each export format writes."""

from __future__ import annotations

import numpy as np
import pandas as pd


def local_time(epoch_s: np.ndarray | pd.Series, timezone: str, pattern: str) -> pd.Series:
    """UTC epoch seconds as local wall-clock text, e.g. ``%d/%m/%Y`` in Europe/London.
    tz_convert handles the DST change (2026-10-25) per row."""
    moments = pd.DatetimeIndex(np.asarray(epoch_s, dtype=np.int64).astype("datetime64[s]"))
    local = moments.tz_localize("UTC").tz_convert(timezone)
    return pd.Series(local.strftime(pattern), dtype="str")


def zero_padded(numbers: np.ndarray | pd.Series, width: int, prefix: str = "") -> pd.Series:
    return prefix + pd.Series(np.asarray(numbers, dtype=np.int64)).astype(str).str.zfill(width)


def whole(values: np.ndarray | pd.Series) -> pd.Series:
    """Whole numbers without a decimal point (``12``)."""
    return pd.Series(np.rint(np.asarray(values, dtype=float)).astype(np.int64)).astype(str)


def one_decimal(values: np.ndarray | pd.Series, separator: str = ".") -> pd.Series:
    """Fixed one-decimal text (``12.5``, ``12,5``, ``86.0``) for non-negative values,
    built from integer tenths so no float formatting is involved."""
    tenths = np.rint(np.asarray(values, dtype=float) * 10).astype(np.int64)
    return pd.Series(tenths // 10).astype(str) + separator + pd.Series(tenths % 10).astype(str)


def clock_duration(seconds: np.ndarray | pd.Series) -> pd.Series:
    """Non-negative seconds as ``H:MM:SS`` (hours not padded, may exceed 23)."""
    total = np.rint(np.asarray(seconds, dtype=float)).astype(np.int64)
    hours, rest = np.divmod(total, 3600)
    minutes, secs = np.divmod(rest, 60)
    return (
        pd.Series(hours).astype(str)
        + ":"
        + pd.Series(minutes).astype(str).str.zfill(2)
        + ":"
        + pd.Series(secs).astype(str).str.zfill(2)
    )


def flag(values: np.ndarray | pd.Series, true_text: str, false_text: str) -> pd.Series:
    return pd.Series(np.where(np.asarray(values, dtype=bool), true_text, false_text), dtype="str")


def blank_where(text: pd.Series, missing: np.ndarray | pd.Series) -> pd.Series:
    """Empty text where ``missing`` is true (e.g. no agent on an abandoned call)."""
    return text.where(~np.asarray(missing, dtype=bool), "")

"""The value of a column mapping: a source column's name, or its per-column form when the
column differs from the export's defaults (separators, duration format, flag words)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .guess import ColumnGuess
from .render import Quoted


@dataclass
class ExportDefaults:
    """What the export-level keys settle for the columns below them."""

    decimal: str = "."
    duration_format: str | None = None


def _own_decimal(guess: ColumnGuess, defaults: ExportDefaults) -> dict[str, str]:
    """decimal_separator when the column's differs from the export's (whole numbers have
    none to differ)."""
    if (
        guess.decimal_separator
        and guess.decimal_separator != defaults.decimal
        and not guess.integer
    ):
        return {"decimal_separator": guess.decimal_separator}
    return {}


def _mapping(guess: ColumnGuess, options: dict[str, Any]) -> Any:
    return {"column": guess.name, **options} if options else guess.name


def number_value(guess: ColumnGuess, defaults: ExportDefaults) -> Any:
    options = _own_decimal(guess, defaults)
    if guess.thousands_separator:
        options["thousands_separator"] = guess.thousands_separator
    return _mapping(guess, options)


def duration_value(guess: ColumnGuess, defaults: ExportDefaults) -> Any:
    fmt = guess.format or "seconds"
    options: dict[str, Any] = {}
    if fmt != (defaults.duration_format or "seconds"):
        options["format"] = fmt
    options.update(_own_decimal(guess, defaults))
    if guess.thousands_separator:
        # a thousands separator is read with an explicit format and decimal separator
        options.setdefault("format", fmt)
        options["decimal_separator"] = guess.decimal_separator or defaults.decimal
        options["thousands_separator"] = guess.thousands_separator
    return _mapping(guess, options)


def flag_value(guess: ColumnGuess) -> dict[str, Any]:
    return {
        "column": guess.name,
        "true_words": [Quoted(w) for w in guess.true_words],
        "false_words": [Quoted(w) for w in guess.false_words],
    }

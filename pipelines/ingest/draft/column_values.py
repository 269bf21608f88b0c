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


def number_value(column: str, guess: ColumnGuess, ctx: ExportDefaults) -> Any:
    options = {}
    if guess.decimal_separator and guess.decimal_separator != ctx.decimal \
            and not guess.integer:
        options["decimal_separator"] = guess.decimal_separator
    if guess.thousands_separator:
        options["thousands_separator"] = guess.thousands_separator
    return {"column": column, **options} if options else column


def duration_value(guess: ColumnGuess, ctx: ExportDefaults) -> Any:
    fmt = guess.format or "seconds"
    options: dict[str, Any] = {}
    if fmt != (ctx.duration_format or "seconds"):
        options["format"] = fmt
    if guess.decimal_separator and guess.decimal_separator != ctx.decimal \
            and not guess.integer:
        options["decimal_separator"] = guess.decimal_separator
    if guess.thousands_separator:
        options.setdefault("format", fmt)
        options["decimal_separator"] = ctx.decimal if not guess.decimal_separator \
            else guess.decimal_separator
        options["thousands_separator"] = guess.thousands_separator
    return {"column": guess.name, **options} if options else guess.name


def flag_value(guess: ColumnGuess) -> dict[str, Any]:
    return {"column": guess.name, "true_words": [Quoted(w) for w in guess.true_words],
            "false_words": [Quoted(w) for w in guess.false_words]}

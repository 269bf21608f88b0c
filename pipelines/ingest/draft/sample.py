"""What the draft knows about an export as a table (``Sample``), and why it may not
draft one (``DraftError``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_ROWS = 20_000  # data rows read for format guessing


class DraftError(Exception):
    """The file cannot be drafted from; the message says why."""


TOTAL_WORDS = {
    "total",
    "totals",
    "grand total",
    "sum",
    "summe",
    "gesamt",
    "totaal",
    "totale",
    "soma",
    "suma",
}


@dataclass
class Sample:
    """What the draft knows about the file as a table."""

    path: Path
    format: str
    header: list[str]
    rows: list[list[str | None]]  # sampled data rows, cells as text or None
    notes: dict[str, str] = field(default_factory=dict)  # export key -> evidence
    encoding: str | None = None
    delimiter: str | None = None
    quote: str | None = None
    skip_rows: int = 0
    sheet: str | None = None
    malformed: int = 0  # sampled rows with the wrong field count
    complete: bool = True  # rows holds every data row of the file
    all_rows: list[list[str | None]] | None = None  # XLSX: every row, for the key check
    formulas: dict[str, str] = field(default_factory=dict)  # column -> its first formula
    uncached: dict[str, int] = field(default_factory=dict)  # column -> formula cells w/o value
    date_cells: dict[str, int] = field(default_factory=dict)  # column -> real date cells

    def column(self, index: int) -> list[str | None]:
        return [row[index] for row in self.rows]


def text_cell(value: str | None) -> str | None:
    """A cell as the sample holds it: trimmed text, None when empty."""
    return (value.strip() or None) if value is not None else None

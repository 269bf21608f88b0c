"""Sniffing a text export's first bytes and lines: the encoding, the delimiter and quote,
and which row is the header."""

from __future__ import annotations

import codecs
import csv
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .sample import DraftError
from .wording import count_text, shortened

HEAD_BYTES = 1 << 20  # bytes read for the encoding and the dialect
DIALECT_LINES = 200  # lines the delimiter, quote and header are guessed from
DELIMITERS = (",", ";", "\t", "|")
QUOTES = ('"', "'")


def sniff_encoding(head: bytes, complete: bool = True) -> tuple[str, str]:
    """The encoding of a text file's first bytes, and why.

    A byte-order mark decides (UTF-16 or UTF-8); else text that decodes as UTF-8 is UTF-8
    and anything else Latin-1. ``complete`` is false when ``head`` is a cut prefix (a
    character split by the cut is then not an error).
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16 byte-order mark"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", "UTF-8 byte-order mark (the loader skips it)"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if not complete and error.reason == "unexpected end of data":
            text = head[: error.start].decode("utf-8", errors="replace")
        else:
            line = head[: error.start].count(b"\n") + 1
            return "latin-1", (
                f"byte {head[error.start]:#04x} on line {count_text(line)} is not UTF-8"
            )
    word = re.search(r"\w*[^\x00-\x7f]\w*", text)
    if word:
        return "utf-8", f"valid UTF-8 (non-ASCII text such as '{shortened(word.group(), 20)}')"
    return "utf-8", "ASCII only"


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    quote: str
    width: int  # fields per data row
    consistent: float  # share of the lines from the first full-width one with that width
    quoted: int  # fields enclosed in the quote character


def _quoted_fields(lines: Sequence[str], delimiter: str, quote: str) -> int:
    d, q = re.escape(delimiter), re.escape(quote)
    opening = re.compile(rf"(?:^|{d}) *{q}")
    closing = re.compile(rf"{q} *(?:{d}|\r?\n?$)")
    return sum(min(len(opening.findall(line)), len(closing.findall(line))) for line in lines)


def sniff_dialect(lines: Sequence[str]) -> Dialect:
    """Delimiter and quote character from a file's first lines.

    Each delimiter is scored by the field count most lines share (from the first line that
    has it: title lines above the header do not count against it): consistent counts
    first, then more fields (a ``;`` file with decimal commas splits into fewer fields at
    ``,``). The quote is ``'`` when more fields are enclosed in it than in ``"``.
    """
    best: tuple[tuple, Dialect] | None = None
    for delimiter in DELIMITERS:
        quoted = {q: _quoted_fields(lines, delimiter, q) for q in QUOTES}
        quote = "'" if quoted["'"] > quoted['"'] else '"'
        rows = [r for r in csv.reader(lines, delimiter=delimiter, quotechar=quote) if r]
        counts = [len(r) for r in rows]
        if not counts:
            continue
        tally = Counter(counts)
        width = max(tally, key=lambda w: (tally[w], w))
        tail = counts[counts.index(width) :]
        consistent = tail.count(width) / len(tail)
        dialect = Dialect(delimiter, quote, width, consistent, quoted[quote])
        # a header of names must split the same way (a ; file with decimal commas splits
        # its data rows evenly at "," too, but not its header)
        header = find_header(rows, width) is not None
        score = (header, width >= 2, consistent >= 0.9, width, consistent)
        if best is None or score > best[0]:
            best = (score, dialect)
    if best is None or best[1].width < 2:
        raise DraftError("no delimiter splits the lines into columns (tried , ; tab |)")
    return best[1]


_DATEISH = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|^\d{1,2}:\d{2}")
_NUMBERISH = re.compile(r"^[+-]?[\d.,\s]+%?$")


def _looks_like_name(cell: str) -> bool:
    return (
        bool(re.search(r"[^\W\d_]", cell))
        and not _DATEISH.match(cell)
        and not _NUMBERISH.match(cell)
    )


def find_header(rows: Sequence[Sequence[str]], width: int, exact: bool = True) -> int | None:
    """The index of the header: the first row with the data rows' field count (``exact``)
    or at least 80 % of their filled cells (spreadsheets), whose cells are mostly names
    (text that is not a number, date or time)."""
    for index, row in enumerate(rows):
        cells = [str(c).strip() for c in row]
        filled = [c for c in cells if c]
        if exact and len(cells) != width:
            continue
        if not exact and len(filled) < max(2, 0.8 * width):
            continue
        if len(filled) < max(1, (width + 1) // 2):
            continue
        if sum(map(_looks_like_name, filled)) * 2 > len(filled):
            return index
    return None

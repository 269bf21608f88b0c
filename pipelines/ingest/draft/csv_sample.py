"""Reading a CSV or CSV.GZ export's sample with the sniffed encoding and dialect."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

from .sample import SAMPLE_ROWS, DraftError, Sample, text_cell
from .sniff import DIALECT_LINES, HEAD_BYTES, find_header, sniff_dialect, sniff_encoding
from .wording import plural, shortened


def _open_bytes(path: Path, file_format: str):
    return gzip.open(path, "rb") if file_format == "csv.gz" else path.open("rb")


def _python_encoding(encoding: str) -> str:
    return "utf-8-sig" if encoding == "utf-8" else encoding


def read_csv_sample(path: Path, file_format: str, limit: int = SAMPLE_ROWS) -> Sample:
    try:
        with _open_bytes(path, file_format) as handle:
            head = handle.read(HEAD_BYTES)
    except (OSError, EOFError) as error:
        raise DraftError(f"{path}: cannot read the file ({error})") from None
    if not head.strip():
        raise DraftError(f"{path}: the file is empty")
    complete = len(head) < HEAD_BYTES
    encoding, encoding_why = sniff_encoding(head, complete)
    text = head.decode(_python_encoding(encoding), errors="replace")
    lines = list(io.StringIO(text, newline=""))
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut by the read
    dialect = sniff_dialect(lines[:DIALECT_LINES])
    first_rows = list(
        csv.reader(lines[:DIALECT_LINES], delimiter=dialect.delimiter, quotechar=dialect.quote)
    )
    skip = find_header(first_rows, dialect.width)
    if skip is None:
        raise DraftError(
            f"{path}: no header row found: no line with {dialect.width} "
            f"fields of column names (delimiter {dialect.delimiter!r})"
        )
    header, rows, malformed, exhausted = [], [], 0, True
    with (
        _open_bytes(path, file_format) as raw,
        io.TextIOWrapper(
            raw, encoding=_python_encoding(encoding), errors="replace", newline=""
        ) as handle,
    ):
        reader = csv.reader(handle, delimiter=dialect.delimiter, quotechar=dialect.quote)
        for _ in range(skip):
            next(reader, None)
        header = [c.strip() for c in next(reader)]
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                malformed += 1
                continue
            rows.append([text_cell(c) for c in row])
            if len(rows) >= limit:
                exhausted = next(reader, None) is None
                break
    delimiter_names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
    notes = {
        "encoding": encoding_why,
        "delimiter": (
            f"{delimiter_names[dialect.delimiter]}: {dialect.width} fields on "
            f"{dialect.consistent:.0%} of the first lines"
        ),
        "quote": (
            f"{plural(dialect.quoted, 'field')} enclosed in {dialect.quote}"
            if dialect.quoted
            else "no quoted fields seen; the default"
        ),
        "skip_rows": (
            f"{plural(skip, 'line')} above the header: '{shortened(lines[0].strip(), 50)}'"
            if skip
            else "the header is the first line"
        ),
    }
    if "\r\n" in text[:10_000]:
        notes["delimiter"] += "; CRLF line ends (fine)"
    return Sample(
        path=path,
        format=file_format,
        header=header,
        rows=rows,
        notes=notes,
        encoding=encoding,
        delimiter=dialect.delimiter,
        quote=dialect.quote,
        skip_rows=skip,
        malformed=malformed,
        complete=exhausted,
    )

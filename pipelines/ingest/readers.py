"""Reading one export file into DuckDB as text rows, once, losing nothing silently.

Every format ends in the same shape: the temp view ``staged`` over the scratch table
``staged_raw`` (see scratch.py) (``_ord``, the row's 1-based
position among the well-formed rows, plus every source column as VARCHAR), the temp
table ``malformed`` (``_cc_row``, the data row in the file, of rows the CSV reader could
not split into the header's fields, with a reason naming the physical line the row
starts on and the row's text, cut after 1,000 characters) and the temp table
``cell_problems`` (``_ord``, ``column_name``, ``reason``: cells that hold no value to
read, such as an XLSX formula without a cached value; empty for CSV and Parquet).
``StagedFile.data_row_sql`` turns an ``_ord`` into the data row number shown to users.
Problems that make the whole file unusable raise ``FileProblem``.

Data row numbers count records (a quoted value spanning lines is one row) after the
skipped rows and the header; blank lines are not rows. DuckDB numbers a reject's
``line`` by records but counting blank lines; those are taken off.

A stray quote (``2,"bob,20``) makes DuckDB's reader swallow the lines after it, up to
the next quote or the end of its scan range, into one reject (or, in a parallel scan,
into nothing: the reject names the line before and the rows are gone). When lines are
missing (the cheap count below) and the reader reports quote errors, each broken row is
isolated: a copy of the text is written with the row, through the line its offending
quote opened on, replaced by a placeholder row the reader rejects, and read again
(``_CsvReading``); at most MAX_BROKEN_QUOTE_ROWS rows, beyond that the file fails.

CSV reconciliation, the rule: after staging, the records read must account for the
file's lines. Counted after the skipped rows and the header, over the lines holding more
than CR/LF characters ("content lines": blank lines are skipped by the reader, a missing
final line break does not matter),

    content lines = good rows + runs of line breaks inside the good rows' values
                    + the content lines of the rejected records' text

(a value spanning n content lines holds n - 1 runs of breaks; a quote error's record
counts its lines through the one its offending quote opened on: lines after that in it
are rows it swallowed). The cheap check comes first: one pass counting line breaks
(numpy over 1 MiB chunks, a gzip file streamed, in a thread beside DuckDB's read); when
the lines up to the last content line number exactly the records read, every record is
one line and nothing was lost (no further pass; a reject's physical line then follows
from its record number). Only when they differ is the file scanned (blank lines, each
reject's physical line) and the staged values queried for embedded breaks. A difference
fails the file (``FileProblem``: "the CSV reader accounted for N of M lines"), naming
both counts: lost rows, and rows the reader read twice, are never loaded silently.

Not caught: a stray quote closed by another stray quote further on with the field count
still right reads as one good row holding the lines between in a value (so does a
legitimate multi-line value); the lines are then accounted for.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import gzip
import io
import os
import re
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from . import xlsx
from .config import ExportSpec
from .identifiers import hashed_columns, staging_select_sql
from .keyed_hash import HmacKey
from .masking import masked_sql
from .scratch import SCRATCH, clean_copies_prefix
from .sql_text import MAX_SHOWN_CHARS, SqlParams, cut_marker, quote_ident, shown_value_sql

MAGIC = {b"PK\x03\x04": "xlsx", b"PAR1": "parquet", b"\x1f\x8b": "csv.gz"}


class FileProblem(Exception):
    """The file cannot be loaded at all; the message says what, where and what to do."""


@dataclass(frozen=True)
class StagedFile:
    columns: list[str]  # source columns in file order
    data_rows: int  # rows in the file, malformed ones included
    malformed_rows: int
    # With malformed data rows r_1 < r_2 < ..., r_i - i well-formed rows precede the i-th;
    # these are the r_i - i, ascending.
    gaps: tuple[int, ...] = ()

    def data_row_sql(self, ord_sql: str) -> str:
        """SQL for the data row of the well-formed row at ``ord_sql``.

        Ordinal g sits at g + #{i: r_i - i < g}. Only evaluated for rejected rows, so a
        list scan is cheaper than joining every row to the gaps.
        """
        if not self.gaps:
            return ord_sql
        gaps = "[" + ", ".join(str(int(g)) for g in self.gaps) + "]"
        return f"({ord_sql} + len(list_filter({gaps}, lambda g: g < {ord_sql})))"


def _create_cell_problems(con: duckdb.DuckDBPyConnection) -> None:
    """The (empty) table of cells without a value to read; the XLSX reader fills it."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cell_problems "
        "(_ord BIGINT, column_name VARCHAR, reason VARCHAR)"
    )


def detect_format(path: Path) -> str:
    """The format the file's first bytes show (csv when none of the binary signatures)."""
    with path.open("rb") as handle:
        head = handle.read(4)
    for magic, name in MAGIC.items():
        if head.startswith(magic):
            return name
    return "csv"


def check_format(path: Path, spec: ExportSpec) -> None:
    if path.stat().st_size == 0:
        raise FileProblem(f"{path}: the file is empty (0 bytes); ask the centre to re-send it")
    found = detect_format(path)
    if found != spec.format:
        raise FileProblem(
            f"{path}: the config ({spec.where}) says format {spec.format}, but the file's "
            f"content is {found}; fix the file name/pattern or the format in the config"
        )


def check_columns(path: Path, header: list[str], spec: ExportSpec) -> None:
    """Every mapped source column must be in the header."""
    if len(set(header)) != len(header):
        duplicates = sorted({c for c in header if header.count(c) > 1})
        raise FileProblem(
            f"{path}: header repeats column(s) {duplicates}; column names must be unique"
        )
    missing = sorted(spec.source_columns - set(header))
    if not missing:
        return
    hints = []
    for column in missing:
        close = difflib.get_close_matches(column, header, n=1)
        hints.append(f"'{column}'" + (f" (file has '{close[0]}')" if close else ""))
    message = (
        f"{path}: mapped column(s) {', '.join(hints)} not in the file's header "
        f"(config {spec.where}); header found: {header}"
    )
    if spec.format in ("csv", "csv.gz") and len(header) == 1:
        others = [d for d in (",", ";", "\t", "|") if d != spec.delimiter and d in header[0]]
        if others:
            message += (
                f". The header has one field containing '{others[0]}': the file is "
                f"probably delimited by '{others[0]}', not '{spec.delimiter}' "
                "(delimiter in the config)"
            )
    raise FileProblem(message)


# --- CSV -------------------------------------------------------------------------------

CHUNK_BYTES = 1 << 20
# A stray quote swallows the lines after it into one rejected record; each such record is
# isolated and the file read again, at most this many times before the file fails.
MAX_BROKEN_QUOTE_ROWS = 1_000
RAW_LINE_CHARS = MAX_SHOWN_CHARS  # of a malformed row kept in its reject
# DuckDB keeps at most this many bytes of a rejected record's text (csv_line)
CSV_LINE_CAP_BYTES = 10_000
# bytes read from the file for a malformed record whose csv_line the cap cut
RECORD_WINDOW_BYTES = 4 << 20
QUOTE_ERRORS = ("UNQUOTED VALUE", "LINE SIZE OVER MAXIMUM")
# More read_csv options (tests set a small buffer_size: DuckDB's parallel scan then splits
# small files as it does large ones)
READ_OPTIONS: dict[str, int] = {}
# staged beside the hashed identifiers: the line breaks their raw values held
ID_BREAKS = "_cc_id_breaks"
TRIMMED_LINE = "trim(r.csv_line, chr(13) || chr(10))"
PLACEHOLDER_REASON = "unterminated or stray quote (the lines after it were read as rows)"


@dataclass(frozen=True)
class CsvHeader:
    columns: list[str]
    physical_lines: int  # lines of the skipped rows and the header
    newline: bytes  # b"\n" (also for CRLF), or b"\r" for old Mac files


@dataclass(frozen=True)
class _CsvSource:
    """Bytes DuckDB reads: the export itself, or a cleaned copy (plain UTF-8)."""

    path: Path
    compression: str  # gzip | none
    encoding: str  # as configured, or utf-8 for a copy

    def raw_chunks(self) -> Iterator[bytes]:
        opener = gzip.open if self.compression == "gzip" else open
        with opener(self.path, "rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                yield chunk

    def view_chunks(self) -> Iterator[bytes]:
        """The text as UTF-8 bytes, as DuckDB sees it: its reject byte positions count
        these bytes (a latin-1 or UTF-16 file is transcoded, a UTF-16 BOM kept as U+FEFF)."""
        if self.encoding == "utf-8":
            yield from self.raw_chunks()
            return
        if self.encoding == "latin-1":
            for chunk in self.raw_chunks():
                yield chunk.decode("latin-1").encode("utf-8")
            return
        decoder = None
        for chunk in self.raw_chunks():
            if decoder is None:
                codec = "utf-16-be" if chunk.startswith(b"\xfe\xff") else "utf-16-le"
                decoder = codecs.getincrementaldecoder(codec)("replace")
            yield decoder.decode(chunk).encode("utf-8")
        if decoder is not None:
            yield decoder.decode(b"", final=True).encode("utf-8")

    def line_chunks(self) -> Iterator[bytes]:
        """Bytes whose line breaks are the text's: the raw bytes unless UTF-16."""
        return self.view_chunks() if self.encoding == "utf-16" else self.raw_chunks()


def read_csv_header(path: Path, spec: ExportSpec) -> list[str]:
    return csv_header(path, spec).columns


def csv_header(path: Path, spec: ExportSpec) -> CsvHeader:
    opener = gzip.open if spec.format == "csv.gz" else open
    encoding = "utf-8-sig" if spec.encoding == "utf-8" else spec.encoding
    try:
        with opener(path, "rb") as handle:
            head = handle.read(1 << 16)
    except (OSError, EOFError) as error:
        raise FileProblem(f"{path}: cannot read the file ({error})") from None
    try:
        text = head.decode(encoding)
    except UnicodeDecodeError as error:
        if len(head) == 1 << 16 and error.start > len(head) - 4:
            text = head[: error.start].decode(encoding)  # a character cut by the 64 KiB read
        else:
            line = head[: error.start].count(b"\n") + 1
            raise FileProblem(
                f"{path}: line {line} is not valid {spec.encoding} (byte "
                f"{head[error.start]:#04x}); set encoding in the config ({spec.where}), "
                "e.g. latin-1"
            ) from None
    # newline="": lines end at \n, \r\n or \r, so line_num counts physical lines
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=spec.delimiter, quotechar=spec.quote
    )
    rows = []
    with contextlib.suppress(csv.Error):  # e.g. a quote left open by the 64 KiB read
        for row in reader:
            rows.append(row)
            if len(rows) > spec.skip_rows:
                break
    if len(rows) <= spec.skip_rows or not any(c.strip() for c in rows[spec.skip_rows]):
        raise FileProblem(
            f"{path}: no header row found (skip_rows: {spec.skip_rows}); the file holds no data"
        )
    newline = b"\r" if "\n" not in text and "\r" in text else b"\n"
    return CsvHeader([c.strip() for c in rows[spec.skip_rows]], reader.line_num, newline)


@dataclass(frozen=True)
class _LineCount:
    """Line breaks in a file, counted in one cheap pass."""

    breaks: int
    final_breaks: int  # in the run of CR/LF bytes that ends the file

    @property
    def lines_to_last_content(self) -> int:
        return self.breaks - self.final_breaks + 1


def _count_lines(
    chunks: Iterable[bytes], newline: bytes, stop: threading.Event | None = None
) -> _LineCount | None:
    """None when ``stop`` is set before the end (the read failed: no count needed).

    numpy counts a byte about twice as fast as ``bytes.count`` and releases the GIL.
    """
    breaks = final = 0
    code = newline[0]
    for chunk in chunks:
        if stop is not None and stop.is_set():
            return None
        if not chunk:
            continue
        breaks += int(np.count_nonzero(np.frombuffer(chunk, dtype=np.uint8) == code))
        if chunk[-1:] not in (b"\r", b"\n"):
            final = 0
            continue
        stripped = chunk.rstrip(b"\r\n")
        if len(stripped) == len(chunk):
            final = 0
        elif stripped:
            final = chunk.count(newline, len(stripped))
        else:
            final += chunk.count(newline)
    return _LineCount(breaks, final)


@dataclass
class _FileLines:
    """What one pass over a file's text found (see _scan_lines)."""

    content_lines: int = 0  # after the header: lines holding more than CR/LF
    blank_lines: int = 0  # after the header, those inside quoted values too
    blank_before_last: int = 0  # of those, before the last offset asked for
    # physical line (1-based) of each offset asked for
    line_at: dict[int, int] = field(default_factory=dict)
    # up to RECORD_WINDOW_BYTES of the text from each window offset asked for
    windows: dict[int, bytes] = field(default_factory=dict)


def _scan_lines(
    chunks: Iterable[bytes],
    newline: bytes,
    header_lines: int,
    offsets: list[int],
    window_offsets: set[int],
) -> _FileLines:
    """One pass over the text (UTF-8 view): content and blank lines after the first
    ``header_lines`` lines, the physical line of each byte offset (sorted) and windows.

    A blank line is empty, or a lone CR before an LF; vectorised over each chunk's line
    breaks, so the pass costs about as much as counting them.
    """
    found = _FileLines()
    wanted = np.asarray(offsets, dtype=np.int64)
    last = int(wanted[-1]) if len(wanted) else -1
    code, lf = newline[0], newline == b"\n"
    pos = lines = data_breaks = 0
    data_start = 0 if header_lines == 0 else None
    previous_break = -1  # offset of the last break seen
    tail_content = False  # after the last break of the data
    open_windows: dict[int, bytearray] = {}
    for chunk in chunks:
        if not chunk:
            continue
        end = pos + len(chunk)
        array = np.frombuffer(chunk, dtype=np.uint8)
        breaks = np.flatnonzero(array == code)
        lo, hi = np.searchsorted(wanted, [pos, end])
        if hi > lo:
            inside = wanted[lo:hi] - pos
            numbers = lines + np.searchsorted(breaks, inside) + 1
            for offset, line in zip(wanted[lo:hi].tolist(), numbers.tolist(), strict=True):
                found.line_at[offset] = line
                if offset in window_offsets:
                    open_windows[offset] = bytearray()
        for offset, window in list(open_windows.items()):
            start = max(offset - pos, 0)
            window += chunk[start : start + RECORD_WINDOW_BYTES - len(window)]
            if len(window) >= RECORD_WINDOW_BYTES:
                found.windows[offset] = bytes(open_windows.pop(offset))
        if data_start is None and lines + len(breaks) >= header_lines:
            data_start = pos + int(breaks[header_lines - lines - 1]) + 1
        if data_start is not None and data_start < end:
            first = max(data_start - pos, 0)
            index = int(np.searchsorted(breaks, first))
            data = breaks[index:]  # the breaks ending data lines
            if len(data):
                starts = np.empty_like(data)  # the break before each
                starts[0] = breaks[index - 1] if index else previous_break - pos
                starts[1:] = data[:-1]
                if lf and b"\r" in chunk:  # a line of CRs only is blank too
                    not_cr = np.cumsum(array != 13)
                    upto = np.where(data > 0, not_cr[np.maximum(data - 1, 0)], 0)
                    since = np.where(starts >= 0, not_cr[np.maximum(starts, 0)], 0)
                    blank = upto == since
                else:
                    blank = data - starts == 1
                    if starts[0] < 0:
                        blank[0] = data[0] == 0
                if starts[0] < 0 and tail_content:
                    blank[0] = False  # the line began in an earlier chunk, with content
                data_breaks += len(data)
                found.blank_lines += int(np.count_nonzero(blank))
                if last >= pos:
                    cut = np.searchsorted(data, last - pos)
                    found.blank_before_last += int(np.count_nonzero(blank[:cut]))
                tail = chunk[int(data[-1]) + 1 :]
                tail_content = bool(tail.strip(b"\r"))
            else:
                tail_content = tail_content or bool(chunk[first:].strip(b"\r"))
        if len(breaks):
            previous_break = pos + int(breaks[-1])
        lines += len(breaks)
        pos = end
    found.windows.update((offset, bytes(w)) for offset, w in open_windows.items())
    if last >= pos:
        raise ValueError(f"byte {last} is beyond the end of the text ({pos} bytes)")
    found.content_lines = data_breaks - found.blank_lines + (1 if tail_content else 0)
    return found


def _parse_record(text: str, delimiter: str, quote: str) -> tuple[int | None, int]:
    """Parse the record at the start of ``text`` as DuckDB's reader does (blanks around a
    quoted value allowed, a doubled quote inside one is a quote; a quote inside an
    unquoted value is a character): (where the first quoted field that does not parse
    opens, or None; the end of the record, its line break excluded). A quoted field does
    not parse when its closing quote is missing (the record then runs to the end of the
    text) or is followed by more than blanks before the delimiter or line end (the
    record then ends with that line)."""
    q, d = re.escape(quote), re.escape(delimiter)
    quoted = re.compile(f"{q}(?:[^{q}]|{q}{q})*+{q}[ \t]*")
    unquoted = re.compile(f"[^{d}\r\n]*")
    pos, size = 0, len(text)
    while True:
        start = pos
        while pos < size and text[pos] in " \t" and text[pos] != delimiter:
            pos += 1
        if text.startswith(quote, pos):
            opened = pos
            match = quoted.match(text, pos)
            if match is None:
                return opened, size
            pos = match.end()
            if pos < size and text[pos] not in "\r\n" and text[pos] != delimiter:
                ends = [i for i in (text.find("\n", pos), text.find("\r", pos)) if i >= 0]
                return opened, min(ends, default=size)
        else:
            pos = unquoted.match(text, start).end()
        if pos == size or text[pos] != delimiter:
            return None, pos
        pos += 1


@dataclass(frozen=True)
class _BrokenRecord:
    """A record a stray quote broke, as a quote error's reject shows it: its text
    ``expect`` at byte ``start`` of the UTF-8 text. When that text parses (a parallel
    scan reports the line before the broken record, its position pointing nowhere near
    the quote), the broken record is the line after it (``next_line``). The record is
    parsed again from the file; it ends with the line where its offending quote opened."""

    start: int
    expect: bytes
    next_line: bool


@dataclass
class _Placeholder:
    marker: str  # the placeholder row's text, found again among the rejects
    original_line: int  # physical line of the broken record in the export
    removed_lines: int  # physical lines it took
    raw_line: str  # its text, cut


def _cut(text: str, length: int | None = None) -> str:
    length = len(text) if length is None else length
    if length <= RAW_LINE_CHARS:
        return text
    return text[:RAW_LINE_CHARS] + cut_marker(length)


class _CsvReading:
    """Reads one CSV export into ``staged_raw`` and ``malformed``, making every loss loud.

    A broken row (see the module's docstring) is isolated in a copy of the text (plain
    UTF-8, in memory, see ``_new_copy``): its lines, through the line where the offending
    quote opened, become a placeholder row of one field too many, and the copy is read
    again; the placeholder's reject stands for the broken row (one record for one, so
    later rows keep their numbers). Repeated for stray quotes exposed by the re-read, at
    most MAX_BROKEN_QUOTE_ROWS rows.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        spec: ExportSpec,
        header: CsvHeader,
        key: HmacKey,
    ):
        self.con, self.path, self.spec, self.header = con, path, spec, header
        self.key = key
        self.source = _CsvSource(path, "gzip" if spec.format == "csv.gz" else "none", spec.encoding)
        self.placeholders: list[_Placeholder] = []
        self.markers_issued = 0
        self.workdir: tempfile.TemporaryDirectory | None = None
        self.memory_copies: list[int] = []  # descriptors of in-memory cleaned copies

    # --- reading ----------------------------------------------------------------------

    def read(self) -> None:
        spec = self.spec
        self.con.execute(
            "DROP TABLE IF EXISTS csv_reject_errors; DROP TABLE IF EXISTS csv_reject_scans"
        )
        options = {
            "columns": {c: "VARCHAR" for c in self.header.columns},
            "delim": spec.delimiter,
            "quote": spec.quote,
            "escape": spec.quote,
            "skip": spec.skip_rows,
            "encoding": self.source.encoding,
            "compression": self.source.compression,
        }
        source = (
            "read_csv($path, "
            "columns = $columns, header = true, auto_detect = false, delim = $delim, "
            "quote = $quote, escape = $escape, skip = $skip, encoding = $encoding, "
            "compression = $compression, store_rejects = true, "
            "rejects_table = 'csv_reject_errors', rejects_scan = 'csv_reject_scans'"
            + "".join(f", {name} = {int(value)}" for name, value in READ_OPTIONS.items())
            + ")"
        )
        # identifiers hashed on the way in; the line breaks inside them counted first
        # (the reconciliation counts breaks inside values, see _finish_csv)
        identifier_columns = list(hashed_columns(spec.identifiers))
        extra = (
            (f"{_runs_in_values_sql(identifier_columns, self.header.newline)} AS {ID_BREAKS}",)
            if identifier_columns
            else ()
        )
        params = SqlParams()
        select = staging_select_sql(
            self.header.columns,
            spec.identifiers,
            params,
            self.key,
            spec.default_country_code,
            source,
            extra,
        )
        self.con.execute(
            f"CREATE OR REPLACE TABLE {SCRATCH}.staged_raw AS {select}",
            {"path": str(self.source.path), **options, **params.values},
        )

    def check_encoding(self) -> None:
        """An encoding error fails the file, naming the physical line. DuckDB also reports
        spurious ones (on a stray quote's line in a latin-1 file, where every byte is
        valid): each is checked by decoding the file, and dropped when it decodes."""
        encoding_error = self.con.execute(
            "SELECT min(line) FROM csv_reject_errors WHERE error_type = 'INVALID ENCODING'"
        ).fetchall()[0][0]
        if encoding_error is None:
            return
        line = _first_undecodable_line(self.source)
        if line is None:
            self.con.execute("DELETE FROM csv_reject_errors WHERE error_type = 'INVALID ENCODING'")
            return
        raise FileProblem(
            f"{self.path}: line {line} is not valid {self.spec.encoding}; set "
            f"encoding in the config ({self.spec.where}), e.g. latin-1"
        )

    def records(self) -> tuple[int, int]:
        """(good, rejected) records of the last read."""
        return self.con.execute(
            f"SELECT (SELECT count(*) FROM {SCRATCH}.staged_raw), "
            "(SELECT count(DISTINCT line) FROM csv_reject_errors)"
        ).fetchall()[0]

    def one_line_each(self, count: _LineCount | None) -> bool:
        """The lines up to the last content line are exactly the records read: every
        record is one line, none is lost (the cheap reconciliation)."""
        return (
            count is not None
            and count.lines_to_last_content - self.header.physical_lines == sum(self.records())
        )

    def broken_records(self) -> list[_BrokenRecord]:
        """The quote errors' records (isolated only when lines are missing)."""
        rows = self.con.execute(
            "SELECT arg_min(line_byte_position, byte_position), "
            "arg_min(csv_line, byte_position) FROM csv_reject_errors "
            "WHERE list_contains($types, error_type) GROUP BY line ORDER BY 1",
            {"types": list(QUOTE_ERRORS)},
        ).fetchall()
        broken = []
        for line_position, csv_line in rows:
            body = csv_line.lstrip("\r\n")
            start = line_position - 1 + len(csv_line) - len(body)
            body = body.rstrip("\r\n")
            opened, _ = _parse_record(body, self.spec.delimiter, self.spec.quote)
            broken.append(_BrokenRecord(start, body.encode("utf-8"), opened is None))
        return broken

    def isolate(self, broken: list[_BrokenRecord]) -> _LineCount:
        """Write the next copy with each broken record replaced by a placeholder row;
        return the copy's line count."""
        if len(self.placeholders) + len(broken) > MAX_BROKEN_QUOTE_ROWS:
            raise FileProblem(
                f"{self.path}: more than {MAX_BROKEN_QUOTE_ROWS:,} rows have an unterminated "
                f"or stray quote ({self.spec.quote!r}); the file is probably not quoted as "
                f"the config says (quote in {self.spec.where}) or is damaged: re-export it"
            )
        target = self._new_copy()
        done = self.markers_issued
        self.markers_issued += len(broken)
        found, count = _write_clean_copy(
            self.source.view_chunks(),
            target,
            broken,
            self.header.newline,
            lambda n: self._marker(done + n),
            self.spec.delimiter,
            self.spec.quote,
            self.path,
        )
        previous = self.source
        for placeholder, line in found:
            placeholder.original_line = self.original_line(line)
        self.placeholders = sorted(
            self.placeholders + [p for p, _ in found], key=lambda p: p.original_line
        )
        self.source = _CsvSource(target, "none", "utf-8")
        if previous.path != self.path:
            self._release(previous.path)
        return count

    def _new_copy(self) -> Path:
        """Where the next cleaned copy goes: an anonymous in-memory file (Linux memfd,
        read by DuckDB through /proc/self/fd), as the copy holds the export's raw rows;
        without memfd, a folder beside the scratch database (removed after the file, or
        by the next run when this one is killed)."""
        if hasattr(os, "memfd_create"):
            descriptor = os.memfd_create(f"csv-clean-{len(self.placeholders)}")
            self.memory_copies.append(descriptor)
            return Path(f"/proc/self/fd/{descriptor}")
        if self.workdir is None:
            scratch = _scratch_path(self.con)
            self.workdir = tempfile.TemporaryDirectory(
                prefix=clean_copies_prefix(scratch) if scratch else "csv-clean-",
                dir=scratch.parent if scratch else None,
            )
        return Path(self.workdir.name) / f"clean-{len(self.placeholders)}.csv"

    def _release(self, copy: Path) -> None:
        if copy.parent == Path("/proc/self/fd"):
            descriptor = int(copy.name)
            self.memory_copies.remove(descriptor)
            os.close(descriptor)
        else:
            copy.unlink()

    def _marker(self, number: int) -> str:
        """A placeholder row: a word no export holds, then one field too many."""
        letters = [
            c
            for c in "abcdefghijklmnopqrstuvwxyz"
            if c not in (self.spec.delimiter, self.spec.quote)
        ]
        word, number = "", number + len(letters) ** 4
        while number:
            number, digit = divmod(number, len(letters))
            word += letters[digit]
        # (the last field is not empty: the reader ignores one trailing delimiter)
        return word + self.spec.delimiter * len(self.header.columns) + word

    def original_line(self, line: int) -> int:
        """The export's physical line of a line of the current copy."""
        shift = 0
        for placeholder in self.placeholders:
            if placeholder.original_line - shift >= line:
                break
            shift += placeholder.removed_lines - 1
        return line + shift

    def close(self) -> None:
        for descriptor in self.memory_copies:
            os.close(descriptor)
        self.memory_copies = []
        if self.workdir is not None:
            self.workdir.cleanup()
            self.workdir = None


def _first_undecodable_line(source: _CsvSource) -> int | None:
    """The physical line of the first bytes that are not valid in the source's encoding;
    None when it all decodes."""
    codec = "utf-16" if source.encoding == "utf-16" else source.encoding
    decoder = codecs.getincrementaldecoder(codec)("strict")
    lines = 0
    for chunk in source.raw_chunks():
        try:
            lines += decoder.decode(chunk).count("\n")
        except UnicodeDecodeError as error:
            good = codecs.getincrementaldecoder(codec)("replace").decode(chunk[: error.start])
            return lines + good.count("\n") + 1
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return lines + 1
    return None


def _scratch_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The scratch database's file (cleaned copies go beside it: they are as large as the
    export, and scratch.py removes a killed run's leftovers)."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = $name", {"name": SCRATCH}
    ).fetchall()
    return Path(row[0][0]) if row and row[0][0] else None


def _write_clean_copy(
    chunks: Iterable[bytes],
    target: Path,
    broken: list[_BrokenRecord],
    newline: bytes,
    marker: Callable[[int], str],
    delimiter: str,
    quote: str,
    shown: Path,
) -> tuple[list[tuple[_Placeholder, int]], _LineCount]:
    """Copy the text to ``target``, each broken record (through the end of the line its
    offending quote opened on) replaced by a placeholder row. Returns the placeholders
    with the physical line (in the text copied) each record started on, and the copy's
    line count."""
    found: list[tuple[_Placeholder, int]] = []
    source = iter(chunks)
    buffer, position, lines = b"", 0, 0  # the buffer holds the text from byte `position`
    final = 0  # breaks in the run of CR/LF ending the copy

    def more() -> bool:
        nonlocal buffer
        chunk = next(source, None)
        if chunk is not None:
            buffer += chunk
        return chunk is not None

    def write(data: bytes) -> None:
        nonlocal lines, final
        if not data:
            return
        out.write(data)
        breaks = data.count(newline)
        lines += breaks
        if data[-1:] not in (b"\r", b"\n"):
            final = 0
            return
        stripped = data.rstrip(b"\r\n")
        final = final + breaks if not stripped else data.count(newline, len(stripped))

    def window(start: int) -> str:
        """The text from buffer index ``start``, enough of it to parse one record."""
        size = 1 << 16
        while True:
            while len(buffer) - start < size and more():
                pass
            text = buffer[start : start + size].decode("utf-8", "replace")
            opened, end = _parse_record(text, delimiter, quote)
            if end < len(text) or size >= RECORD_WINDOW_BYTES or len(buffer) - start < size:
                return text
            size *= 4

    def unusable(record: _BrokenRecord) -> FileProblem:
        return FileProblem(
            f"{shown}: the CSV reader reports a broken quote near byte {record.start}, but "
            "the file's text there does not show it, so the row cannot be isolated; fix the "
            f"quoting in the file (quote: {quote!r})"
        )

    with target.open("wb") as out:
        for number, record in enumerate(broken):
            if record.start < position:
                # within the record isolated last: a report of the same line, or (a
                # parallel scan's) of the line before the next one
                if not record.next_line or record.start + len(record.expect) + 2 < position:
                    continue
                record = _BrokenRecord(position, b"", False)
                guessed = True
            else:
                guessed = record.next_line
            while position + len(buffer) < record.start + len(record.expect):
                keep = min(buffer.rfind(newline) + 1, max(record.start - position, 0))
                write(buffer[:keep])
                position, buffer = position + keep, buffer[keep:]
                if not more():
                    raise unusable(record)
            start = record.start - position
            if not buffer.startswith(record.expect, start):
                raise unusable(record)
            if record.next_line:  # past the reported line's break and any blank lines
                while buffer.find(newline, start + len(record.expect)) < 0 and more():
                    pass
                start = buffer.find(newline, start + len(record.expect)) + 1
                while start and len(buffer) - start < 2 and more():
                    pass
                while start and buffer[start : start + 1] in (b"\r", b"\n"):
                    start += 1
                    while len(buffer) - start < 2 and more():
                        pass
                if not start or start >= len(buffer):
                    raise unusable(record)
            write(buffer[:start])
            buffer, position = buffer[start:], position + start
            text = window(0)
            opened, _ = _parse_record(text, delimiter, quote)
            if opened is None:
                if guessed:
                    continue  # no broken quote on the line guessed: left as it is
                raise unusable(record)
            at = len(text[:opened].encode("utf-8"))
            # the record: through the line break after its quote (or the end of the text)
            decoder = codecs.getincrementaldecoder("utf-8")("replace")
            kept, chars, taken, record_breaks, search = [], 0, 0, 0, at
            while True:
                at_break = buffer.find(newline, search)
                piece = buffer if at_break < 0 else buffer[: at_break + 1]
                text = decoder.decode(piece)
                chars += len(text)
                if taken < RAW_LINE_CHARS * 4:
                    kept.append(text)
                taken += len(piece)
                record_breaks += piece.count(newline)
                buffer = buffer[len(piece) :]
                if at_break >= 0 or not more():
                    break
                search = 0
            position += taken
            text = "".join(kept)
            line_break = (
                0 if at_break < 0 else 2 if newline == b"\n" and piece.endswith(b"\r\n") else 1
            )
            if len(text) == chars:  # all of it kept
                text = text[: len(text) - line_break]
            row = marker(number)
            removed = record_breaks if at_break >= 0 else record_breaks + 1
            found.append((_Placeholder(row, 0, removed, _cut(text, chars - line_break)), lines + 1))
            write(row.encode("utf-8") + piece[len(piece) - line_break :])
        write(buffer)
        for chunk in source:
            write(chunk)
    return found, _LineCount(lines, final)


def _blank_rows_before(
    source: _CsvSource, spec: ExportSpec, lines: list[int]
) -> dict[int, int] | None:
    """For each reader line number (records and blank lines counted from the file's
    first line, as DuckDB numbers rejects), the blank lines after the header before it.

    Python's csv module splits the records as DuckDB does; None when the two disagree
    (a wanted line is blank) or the module cannot parse the text.
    """
    wanted = iter(sorted(lines))
    target = next(wanted, None)
    found: dict[int, int] = {}
    header_records = spec.skip_rows + 1
    opener = gzip.open if source.compression == "gzip" else open
    limit = csv.field_size_limit(2**31 - 1)
    try:
        with opener(
            source.path, "rt", encoding=source.encoding, errors="replace", newline=""
        ) as handle:
            blanks = 0
            for entry, row in enumerate(
                csv.reader(handle, delimiter=spec.delimiter, quotechar=spec.quote), start=1
            ):
                if target is None:
                    break
                if entry == target:
                    if not row:
                        return None
                    found[entry] = blanks
                    target = next(wanted, None)
                elif not row and entry > header_records:
                    blanks += 1
    except csv.Error:
        pass  # the last record left a quote open: nothing after it is wanted
    finally:
        csv.field_size_limit(limit)
    return found if target is None else None


def _content_lines(text: str, newline: str) -> int:
    if newline == "\n":
        text = text.replace("\r", "")
    return sum(1 for line in text.split(newline) if line)


def _runs_in_values_sql(columns: list[str], newline: bytes) -> str:
    """SQL: per staged row, the runs of line breaks inside its values (a value spanning
    n lines that are not blank holds n - 1 runs)."""
    if newline == b"\n":
        runs = "len(regexp_extract_all(replace({c}, chr(13), ''), chr(10) || '+'))"
        test = "contains({c}, chr(10))"
    else:
        runs = "len(regexp_extract_all({c}, chr(13) || '+'))"
        test = "contains({c}, chr(13))"
    terms = [
        f"CASE WHEN {test.format(c=quote_ident(c))} THEN {runs.format(c=quote_ident(c))} ELSE 0 END"
        for c in columns
    ]
    return " + ".join(terms)


def _cut_sql(text: str) -> str:
    return shown_value_sql(text, RAW_LINE_CHARS)


def _finish_csv(reading: _CsvReading, fast: _LineCount | None) -> StagedFile:
    """Build ``malformed`` (one row per rejected record), reconcile records with lines."""
    con, spec, header, path = reading.con, reading.spec, reading.header, reading.path
    newline = header.newline.decode()
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE csv_rejected AS
        SELECT line, arg_min(error_type, byte_position) AS error_type,
               arg_min(error_message, byte_position) AS error_message,
               arg_min(csv_line, byte_position) AS csv_line,
               arg_min(line_byte_position, byte_position) - 1 AS line_offset,
               min(byte_position) - 1 AS error_offset
        FROM csv_reject_errors GROUP BY line
        """
    )
    good, rejected = reading.records()
    records = good + rejected
    one_line_each = reading.one_line_each(fast)
    info: dict[str, list] = {
        "line": [],
        "physical_line": [],
        "blanks_before": [],
        "reason": [],
        "raw_line": [],
    }
    capped_any = (
        rejected
        and con.execute(
            f"SELECT count(*) FROM csv_rejected WHERE strlen(csv_line) >= {CSV_LINE_CAP_BYTES - 3} "
            "AND NOT list_contains($quote_errors, error_type)",
            {"quote_errors": list(QUOTE_ERRORS)},
        ).fetchall()[0][0]
    )
    # Every record one line, no blank line before the last: a reject's physical line is
    # its record number shifted by the header's extra lines; nothing to scan.
    line_shift = header.physical_lines - (spec.skip_rows + 1)
    if one_line_each and not capped_any and reading.placeholders:
        # in a copy: each line mapped to the export's
        markers = {p.marker: p for p in reading.placeholders}
        for line, text in con.execute(
            "SELECT line, CASE WHEN error_type = 'TOO MANY COLUMNS' "
            "THEN trim(csv_line, chr(13) || chr(10)) END FROM csv_rejected"
        ).fetchall():
            placeholder = markers.get(text)
            info["line"].append(line)
            info["blanks_before"].append(0)
            if placeholder is None:
                info["physical_line"].append(reading.original_line(line + line_shift))
                info["reason"].append(None)
                info["raw_line"].append(None)
            else:
                info["physical_line"].append(placeholder.original_line)
                info["reason"].append(PLACEHOLDER_REASON)
                info["raw_line"].append(placeholder.raw_line)
    elif not one_line_each or capped_any:
        # A reject's record start, unless its line and text are of another line (seen in
        # parallel scans): then where the error was found.
        starts = con.execute(
            "SELECT line, CASE WHEN error_offset BETWEEN start AND start + strlen(trim("
            "csv_line, chr(13) || chr(10))) THEN start ELSE error_offset END AS start, "
            # capped: the text DuckDB kept is cut; read from the file (a quote error's
            # is not: its lines after the quote's are not its own)
            f"strlen(csv_line) >= {CSV_LINE_CAP_BYTES - 3} AND NOT list_contains("
            "$quote_errors, error_type) AS capped, "
            "CASE WHEN $placeholders AND error_type = 'TOO MANY COLUMNS' "  # for matching
            "THEN trim(csv_line, chr(13) || chr(10)) END AS text FROM (SELECT *, "
            "line_offset + strlen(csv_line) - strlen(ltrim(csv_line, chr(13) || chr(10))) "
            "AS start FROM csv_rejected) ORDER BY start",
            {"placeholders": bool(reading.placeholders), "quote_errors": list(QUOTE_ERRORS)},
        ).fetchall()
        capped = {start for _, start, is_capped, _ in starts if is_capped}
        # the file's pass runs beside the queries over the staged values (both release
        # the GIL)
        with ThreadPoolExecutor(max_workers=1) as pool:
            scanning = pool.submit(
                _scan_lines,
                reading.source.view_chunks(),
                header.newline,
                header.physical_lines,
                [s for _, s, _, _ in starts],
                capped,
            )
            runs = malformed_content = 0
            if not one_line_each:
                identifier_columns = hashed_columns(spec.identifiers)
                plain = [c for c in header.columns if c not in identifier_columns]
                runs_sql = " + ".join(
                    ([_runs_in_values_sql(plain, header.newline)] if plain else [])
                    + ([ID_BREAKS] if identifier_columns else [])
                )
                runs = con.execute(
                    f"SELECT coalesce(sum({runs_sql}), 0) FROM {SCRATCH}.staged_raw"
                ).fetchall()[0][0]
                break_char = "chr(10)" if header.newline == b"\n" else "chr(13)"
                no_cr = "replace(csv_line, chr(13), '')" if header.newline == b"\n" else "csv_line"
                malformed_content = con.execute(
                    f"SELECT coalesce(sum(len(list_filter(string_split({no_cr}, {break_char})"
                    f", lambda x: x <> ''))), 0) FROM csv_rejected WHERE strlen(csv_line) < "
                    f"{CSV_LINE_CAP_BYTES - 3} AND NOT list_contains($quote_errors, "
                    "error_type)",
                    {"quote_errors": list(QUOTE_ERRORS)},
                ).fetchall()[0][0]
                # A quote error's record accounts for its lines through the one its
                # offending quote opened on: lines after that inside it are rows a stray
                # quote swallowed, unaccounted for.
                for (csv_line,) in con.execute(
                    "SELECT csv_line FROM csv_rejected WHERE list_contains($quote_errors, "
                    "error_type)",
                    {"quote_errors": list(QUOTE_ERRORS)},
                ).fetchall():
                    body = csv_line.strip("\r\n")
                    opened, _ = _parse_record(body, spec.delimiter, spec.quote)
                    end = body.find(newline, opened) if opened is not None else -1
                    own = body if end < 0 else body[:end]
                    malformed_content += max(_content_lines(own, newline), 1)
            try:
                lines = scanning.result()
            except ValueError as error:
                raise FileProblem(
                    f"{path}: the CSV reader's rejects do not match the file ({error})"
                ) from None
        blanks = (
            _blank_rows_before(reading.source, spec, [r[0] for r in starts])
            if lines.blank_before_last and starts
            else {}
        )
        placeholders = {p.marker: p for p in reading.placeholders}
        for line, start, is_capped, text in starts:
            placeholder = placeholders.get(text)
            reason = raw_line = None
            if placeholder is not None:
                physical = placeholder.original_line
                reason = PLACEHOLDER_REASON
                raw_line = placeholder.raw_line
            else:
                physical = reading.original_line(lines.line_at[start])
                if is_capped:
                    window = lines.windows[start].decode("utf-8", "replace")
                    _, end = _parse_record(window, spec.delimiter, spec.quote)
                    record = window[:end].rstrip("\r\n")
                    raw_line = _cut(record)
                    malformed_content += _content_lines(record, newline)
            info["line"].append(line)
            info["physical_line"].append(physical)
            info["blanks_before"].append((blanks or {}).get(line, 0))
            info["reason"].append(reason)
            info["raw_line"].append(raw_line)
        if not one_line_each:
            accounted = good + runs + malformed_content
            if accounted != lines.content_lines:
                raise FileProblem(
                    f"{path}: the CSV reader accounted for {accounted} of "
                    f"{lines.content_lines} lines after the header ({good} rows read, "
                    f"{rejected} rejected, {runs} line breaks inside quoted values; blank "
                    "lines not counted), so rows would be lost or doubled without a reject; "
                    f"check the quoting (quote: {spec.quote!r}) or re-export the file"
                )
    line_info = pa.table(
        {
            "line": pa.array(info["line"], pa.int64()),
            "physical_line": pa.array(info["physical_line"], pa.int64()),
            "blanks_before": pa.array(info["blanks_before"], pa.int64()),
            "reason": pa.array(info["reason"], pa.string()),
            "raw_line": pa.array(info["raw_line"], pa.string()),
        }
    )
    con.register("csv_line_info", line_info)
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE malformed AS
            SELECT r.line - $header_records - coalesce(i.blanks_before, 0) AS _cc_row,
                   CAST(NULL AS VARCHAR) AS column_name,
                   coalesce(i.reason, CASE r.error_type
                       WHEN 'MISSING COLUMNS' THEN 'too few fields: the header has '
                           || $width || ' (truncated or malformed row)'
                       WHEN 'TOO MANY COLUMNS' THEN 'too many fields: the header has '
                           || $width || ' (unquoted delimiter in a value?)'
                       WHEN 'UNQUOTED VALUE' THEN 'unterminated or stray quote (truncated row?)'
                       ELSE lower(r.error_type) || ': ' || r.error_message END)
                   || ' (line ' || coalesce(i.physical_line, r.line + $line_shift) || ')'
                       AS reason,
                   {masked_sql(f"coalesce(i.raw_line, {_cut_sql(TRIMMED_LINE)})")}
                       AS raw_line
            FROM csv_rejected AS r LEFT JOIN csv_line_info AS i USING (line)
            """,
            {
                "header_records": spec.skip_rows + 1,
                "width": len(header.columns),
                "line_shift": line_shift,
            },
        )
    finally:
        con.unregister("csv_line_info")
        con.execute("DROP TABLE csv_rejected")
    # Good rows keep file order in staged_raw (its rowid, as it is created outside any
    # transaction); their data row numbers follow from the malformed rows' (see gaps).
    breaks = f" EXCLUDE ({ID_BREAKS})" if spec.identifiers else ""
    con.execute(
        "CREATE OR REPLACE TEMP VIEW staged AS "
        f"SELECT rowid + 1 AS _ord, *{breaks} FROM {SCRATCH}.staged_raw"
    )
    gaps = con.execute(
        "SELECT coalesce(list(_cc_row - position ORDER BY _cc_row), []) FROM "
        "(SELECT _cc_row, row_number() OVER (ORDER BY _cc_row) AS position FROM malformed)"
    ).fetchone()[0]
    _create_cell_problems(con)
    return StagedFile(
        columns=header.columns, data_rows=records, malformed_rows=rejected, gaps=tuple(gaps)
    )


def stage_csv(
    con: duckdb.DuckDBPyConnection, path: Path, spec: ExportSpec, key: HmacKey
) -> StagedFile:
    header = csv_header(path, spec)
    check_columns(path, header.columns, spec)
    reading = _CsvReading(con, path, spec, header, key)
    try:
        # The cheap line count runs beside DuckDB's read (it releases the GIL; a gzip
        # file is decompressed by both, on different cores).
        stop = threading.Event()
        with ThreadPoolExecutor(max_workers=1) as pool:
            counted = pool.submit(_count_lines, reading.source.line_chunks(), header.newline, stop)
            try:
                reading.read()
                reading.check_encoding()
            except BaseException:
                stop.set()
                raise
            try:
                fast = counted.result()
            except (OSError, EOFError, zlib.error) as error:
                raise FileProblem(f"{path}: cannot read the file ({error})") from None
        # Lines missing and quote errors: stray quotes swallowed lines; isolate them.
        while not reading.one_line_each(fast) and (broken := reading.broken_records()):
            isolated = len(reading.placeholders)
            fast = reading.isolate(broken)
            if len(reading.placeholders) == isolated:
                break  # nothing found to isolate: the reconciliation tells what is lost
            reading.read()
        return _finish_csv(reading, fast)
    finally:
        reading.close()


# --- XLSX ------------------------------------------------------------------------------


def stage_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, spec: ExportSpec, key: HmacKey
) -> StagedFile:
    _create_cell_problems(con)
    # The sheet's XML is searched for formula and error cells beside the row reader
    # (decompressing releases the GIL): a sheet without them costs no wall time.
    with ThreadPoolExecutor(max_workers=1) as pool:
        noted = pool.submit(xlsx.cell_notes, path, spec.sheet)
        rows = xlsx.sheet_rows(path, spec.sheet)
        skipped: list[int] = []
        try:
            for _ in range(spec.skip_rows):
                next(rows, None)
            header_cells = next(rows, None)
            if not header_cells or not any(c not in (None, "") for c in header_cells):
                raise FileProblem(
                    f"{path}: no header row after {spec.skip_rows} title "
                    f"row(s) (skip_rows in {spec.where}); the sheet holds no "
                    "data"
                )
            header = [(xlsx.cell_text(c) or "").strip() for c in header_cells]
            while header and not header[-1]:
                header.pop()
            check_columns(path, header, spec)
            hashing = xlsx.Hashing(spec.identifiers, key, spec.default_country_code)
            data_rows = xlsx.stage_rows(con, header, rows, skipped, hashing)
        except xlsx.MissingSheet as problem:
            raise FileProblem(f"{path}: {problem} (sheet in {spec.where})") from None
        except xlsx.SheetProblem as problem:
            raise FileProblem(f"{path}: {problem}") from None
        finally:
            rows.close()  # closes the workbook
        notes = noted.result()
    # rows: the header is sheet row skip_rows + 1 (both readers start at row 1)
    data_rows += xlsx.apply_cell_notes(
        con, header, notes, spec.skip_rows + 2, skipped, set(hashed_columns(spec.identifiers))
    )
    con.execute(
        "CREATE OR REPLACE TEMP VIEW staged AS "
        f"SELECT _cc_row AS _ord, * EXCLUDE (_cc_row) FROM {SCRATCH}.staged_raw"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE malformed (_cc_row BIGINT, column_name VARCHAR, "
        "reason VARCHAR, raw_line VARCHAR)"
    )
    return StagedFile(columns=header, data_rows=data_rows, malformed_rows=0)


# --- Parquet ---------------------------------------------------------------------------


def stage_parquet(
    con: duckdb.DuckDBPyConnection, path: Path, spec: ExportSpec, key: HmacKey
) -> StagedFile:
    try:
        described = con.execute(
            "DESCRIBE SELECT * FROM read_parquet($path)", {"path": str(path)}
        ).fetchall()
    except duckdb.Error as error:
        raise FileProblem(f"{path}: not a readable Parquet file ({error})") from None
    header = [row[0] for row in described]
    check_columns(path, header, spec)
    casts = ", ".join(f"CAST({quote_ident(c)} AS VARCHAR) AS {quote_ident(c)}" for c in header)
    params = SqlParams()
    select = staging_select_sql(
        ["_cc_row", *header],
        spec.identifiers,
        params,
        key,
        spec.default_country_code,
        f"(SELECT file_row_number + 1 AS _cc_row, {casts} "
        "FROM read_parquet($path, file_row_number = true))",
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {SCRATCH}.staged_raw AS {select}",
        {"path": str(path), **params.values},
    )
    con.execute(
        "CREATE OR REPLACE TEMP VIEW staged AS "
        f"SELECT _cc_row AS _ord, * EXCLUDE (_cc_row) FROM {SCRATCH}.staged_raw"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE malformed (_cc_row BIGINT, column_name VARCHAR, "
        "reason VARCHAR, raw_line VARCHAR)"
    )
    _create_cell_problems(con)
    rows = con.execute(f"SELECT count(*) FROM {SCRATCH}.staged_raw").fetchone()[0]
    return StagedFile(columns=header, data_rows=rows, malformed_rows=0)


def stage_file(
    con: duckdb.DuckDBPyConnection, path: Path, spec: ExportSpec, key: HmacKey
) -> StagedFile:
    """Stage the file's rows as text, identifier columns as their HMAC with ``key``;
    raise FileProblem when it cannot be loaded."""
    check_format(path, spec)
    if spec.format == "xlsx":
        staged = stage_xlsx(con, path, spec, key)
    elif spec.format == "parquet":
        staged = stage_parquet(con, path, spec, key)
    else:
        try:
            staged = stage_csv(con, path, spec, key)
        except duckdb.Error as error:
            raise FileProblem(f"{path}: the CSV reader failed: {error}") from None
    if staged.data_rows == 0:
        raise FileProblem(f"{path}: the file has a header but no data rows")
    return staged

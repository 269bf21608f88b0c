"""Reading one export file into DuckDB as text rows, once.

Every format ends in the same shape: the temp view ``staged`` over the scratch table
``staged_raw`` (see scratch.py) (``_ord``, the row's 1-based
position among the well-formed rows, plus every source column as VARCHAR) and the temp
table ``malformed`` (``_cc_row``, the data row in the file, of rows the CSV reader could
not split into the header's fields). ``StagedFile.data_row_sql`` turns an ``_ord`` into
the data row number shown to users. Problems that make the whole file unusable raise
``FileProblem``.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import xlsx
from .config import ExportSpec
from .scratch import SCRATCH
from .sql_text import quote_ident

MAGIC = {b"PK\x03\x04": "xlsx", b"PAR1": "parquet", b"\x1f\x8b": "csv.gz"}


class FileProblem(Exception):
    """The file cannot be loaded at all; the message says what, where and what to do."""


@dataclass(frozen=True)
class StagedFile:
    columns: list[str]       # source columns in file order
    data_rows: int           # rows in the file, malformed ones included
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
            f"content is {found}; fix the file name/pattern or the format in the config")


def check_columns(path: Path, header: list[str], spec: ExportSpec) -> None:
    """Every mapped source column must be in the header."""
    if len(set(header)) != len(header):
        duplicates = sorted({c for c in header if header.count(c) > 1})
        raise FileProblem(f"{path}: header repeats column(s) {duplicates}; "
                          "column names must be unique")
    missing = sorted(spec.source_columns - set(header))
    if not missing:
        return
    hints = []
    for column in missing:
        close = difflib.get_close_matches(column, header, n=1)
        hints.append(f"'{column}'" + (f" (file has '{close[0]}')" if close else ""))
    message = (f"{path}: mapped column(s) {', '.join(hints)} not in the file's header "
               f"(config {spec.where}); header found: {header}")
    if spec.format in ("csv", "csv.gz") and len(header) == 1:
        others = [d for d in (",", ";", "\t", "|") if d != spec.delimiter and d in header[0]]
        if others:
            message += (f". The header has one field containing '{others[0]}': the file is "
                        f"probably delimited by '{others[0]}', not '{spec.delimiter}' "
                        "(delimiter in the config)")
    raise FileProblem(message)


# --- CSV -------------------------------------------------------------------------------


def read_csv_header(path: Path, spec: ExportSpec) -> list[str]:
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
                "e.g. latin-1") from None
    rows = list(csv.reader(io.StringIO(text), delimiter=spec.delimiter, quotechar=spec.quote))
    if len(rows) <= spec.skip_rows or not any(c.strip() for c in rows[spec.skip_rows]):
        raise FileProblem(f"{path}: no header row found (skip_rows: {spec.skip_rows}); "
                          "the file holds no data")
    return [c.strip() for c in rows[spec.skip_rows]]


def stage_csv(con: duckdb.DuckDBPyConnection, path: Path, spec: ExportSpec) -> StagedFile:
    header = read_csv_header(path, spec)
    check_columns(path, header, spec)
    con.execute("DROP TABLE IF EXISTS csv_reject_errors; DROP TABLE IF EXISTS csv_reject_scans")
    options = {
        "columns": {c: "VARCHAR" for c in header},
        "delim": spec.delimiter, "quote": spec.quote, "escape": spec.quote,
        "skip": spec.skip_rows, "encoding": spec.encoding,
        "compression": "gzip" if spec.format == "csv.gz" else "none",
    }
    con.execute(
        f"CREATE OR REPLACE TABLE {SCRATCH}.staged_raw AS SELECT * FROM read_csv($path, "
        "columns = $columns, header = true, auto_detect = false, delim = $delim, "
        "quote = $quote, escape = $escape, skip = $skip, encoding = $encoding, "
        "compression = $compression, store_rejects = true, "
        "rejects_table = 'csv_reject_errors', rejects_scan = 'csv_reject_scans')",
        {"path": str(path), **options},
    )
    header_lines = spec.skip_rows + 1
    encoding_error = con.execute(
        "SELECT min(line) FROM csv_reject_errors WHERE error_type = 'INVALID ENCODING'"
    ).fetchone()[0]
    if encoding_error is not None:
        raise FileProblem(
            f"{path}: line {encoding_error} is not valid {spec.encoding}; set encoding in "
            f"the config ({spec.where}), e.g. latin-1")
    # One reject per malformed row (the reader may report several errors for one line).
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE malformed AS
        SELECT line - $header_lines AS _cc_row, CAST(NULL AS VARCHAR) AS column_name,
               CASE arg_min(error_type, byte_position)
                   WHEN 'MISSING COLUMNS' THEN 'too few fields: the header has '
                       || $width || ' (truncated or malformed row)'
                   WHEN 'TOO MANY COLUMNS' THEN 'too many fields: the header has '
                       || $width || ' (unquoted delimiter in a value?)'
                   WHEN 'UNQUOTED VALUE' THEN 'unterminated or stray quote (truncated row?)'
                   ELSE lower(arg_min(error_type, byte_position)) || ': '
                       || arg_min(error_message, byte_position) END AS reason,
               any_value(rtrim(csv_line, chr(13) || chr(10))) AS raw_line
        FROM csv_reject_errors GROUP BY line
        """,
        {"header_lines": header_lines, "width": len(header)},
    )
    # Good rows keep file order in staged_raw (its rowid, as it is created outside any
    # transaction); their data row numbers follow from the malformed rows' (see gaps).
    con.execute("CREATE OR REPLACE TEMP VIEW staged AS "
                f"SELECT rowid + 1 AS _ord, * FROM {SCRATCH}.staged_raw")
    gaps = con.execute(
        "SELECT coalesce(list(_cc_row - position ORDER BY _cc_row), []) FROM "
        "(SELECT _cc_row, row_number() OVER (ORDER BY _cc_row) AS position FROM malformed)"
    ).fetchone()[0]
    good, malformed = con.execute(
        f"SELECT (SELECT count(*) FROM {SCRATCH}.staged_raw), (SELECT count(*) FROM malformed)"
    ).fetchone()
    return StagedFile(columns=header, data_rows=good + malformed, malformed_rows=malformed,
                      gaps=tuple(gaps))


# --- XLSX ------------------------------------------------------------------------------


def stage_xlsx(con: duckdb.DuckDBPyConnection, path: Path, spec: ExportSpec) -> StagedFile:
    rows = xlsx.sheet_rows(path, spec.sheet)
    try:
        for _ in range(spec.skip_rows):
            next(rows, None)
        header_cells = next(rows, None)
        if not header_cells or not any(c not in (None, "") for c in header_cells):
            raise FileProblem(f"{path}: no header row after {spec.skip_rows} title row(s) "
                              f"(skip_rows in {spec.where}); the sheet holds no data")
        header = [(xlsx.cell_text(c) or "").strip() for c in header_cells]
        while header and not header[-1]:
            header.pop()
        check_columns(path, header, spec)
        data_rows = xlsx.stage_rows(con, header, rows)
    except xlsx.MissingSheet as problem:
        raise FileProblem(f"{path}: {problem} (sheet in {spec.where})") from None
    except xlsx.SheetProblem as problem:
        raise FileProblem(f"{path}: {problem}") from None
    finally:
        rows.close()  # closes the workbook
    con.execute("CREATE OR REPLACE TEMP VIEW staged AS "
                f"SELECT _cc_row AS _ord, * EXCLUDE (_cc_row) FROM {SCRATCH}.staged_raw")
    con.execute("CREATE OR REPLACE TEMP TABLE malformed (_cc_row BIGINT, column_name VARCHAR, "
                "reason VARCHAR, raw_line VARCHAR)")
    return StagedFile(columns=header, data_rows=data_rows, malformed_rows=0)


# --- Parquet ---------------------------------------------------------------------------


def stage_parquet(con: duckdb.DuckDBPyConnection, path: Path, spec: ExportSpec) -> StagedFile:
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet($path)",
                                {"path": str(path)}).fetchall()
    except duckdb.Error as error:
        raise FileProblem(f"{path}: not a readable Parquet file ({error})") from None
    header = [row[0] for row in described]
    check_columns(path, header, spec)
    casts = ", ".join(f"CAST({quote_ident(c)} AS VARCHAR) AS {quote_ident(c)}" for c in header)
    con.execute(
        f"CREATE OR REPLACE TABLE {SCRATCH}.staged_raw AS SELECT file_row_number + 1 AS _cc_row, "
        f"{casts} FROM read_parquet($path, file_row_number = true)", {"path": str(path)})
    con.execute("CREATE OR REPLACE TEMP VIEW staged AS "
                f"SELECT _cc_row AS _ord, * EXCLUDE (_cc_row) FROM {SCRATCH}.staged_raw")
    con.execute("CREATE OR REPLACE TEMP TABLE malformed (_cc_row BIGINT, column_name VARCHAR, "
                "reason VARCHAR, raw_line VARCHAR)")
    rows = con.execute(f"SELECT count(*) FROM {SCRATCH}.staged_raw").fetchone()[0]
    return StagedFile(columns=header, data_rows=rows, malformed_rows=0)


def stage_file(con: duckdb.DuckDBPyConnection, path: Path, spec: ExportSpec) -> StagedFile:
    """Stage the file's rows as text; raise FileProblem when it cannot be loaded."""
    check_format(path, spec)
    if spec.format == "xlsx":
        staged = stage_xlsx(con, path, spec)
    elif spec.format == "parquet":
        staged = stage_parquet(con, path, spec)
    else:
        try:
            staged = stage_csv(con, path, spec)
        except duckdb.Error as error:
            raise FileProblem(f"{path}: the CSV reader failed: {error}") from None
    if staged.data_rows == 0:
        raise FileProblem(f"{path}: the file has a header but no data rows")
    return staged

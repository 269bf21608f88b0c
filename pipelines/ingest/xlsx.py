"""Reading an XLSX export's sheet into the staged text rows.

Two row sources give the same cell values (tests/ingest/test_xlsx.py compares them):

- python-calamine (Rust): about 10x faster than openpyxl, but it holds the whole sheet
  in memory, roughly twice the sheet's uncompressed XML;
- openpyxl read-only streaming (pure Python): slow, memory bounded by the batch size.

Calamine reads the sheet unless its XML is larger than ``CALAMINE_MAX_SHEET_XML_BYTES``,
which keeps a run's peak memory within budget for sheets of a million rows.

Neither reader says when a cell holds no value to read: a formula without a cached value
(written by tools that do not calculate, openpyxl among them) reads as empty, and
calamine reads a cached error (``#DIV/0!``) as empty too. ``cell_notes`` finds both in
the sheet's XML, only when it holds a formula or an error cell at all (a cheap search of
the decompressed XML, run beside the row reader): the formula cells become
``cell_problems`` rows, the errors their text. A time-only cell read as a datetime on
Excel's day 0 (1899-12-30/31) is a time.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import duckdb
import pyarrow as pa

from .config import Identifier
from .identifiers import staging_select_sql
from .keyed_hash import HmacKey
from .scratch import SCRATCH
from .sql_text import SqlParams, quote_ident

XLSX_BATCH_ROWS = 50_000
# ~105 k rows x 16 columns are 95 MB of sheet XML and cost calamine ~170 MB; this
# limit (~550 k such rows) keeps its share of memory near 1 GB.
CALAMINE_MAX_SHEET_XML_BYTES = 512 * 1024 * 1024

Cell = object  # str | int | float | bool | date | datetime | time | timedelta | None
# Excel's day 0 (serial 0 in the 1900 date system), as readers give a time-only cell
# stored as a full date-time: 1899-12-30 (openpyxl, calamine) or 1899-12-31
EXCEL_DAY_ZERO = (dt.date(1899, 12, 30), dt.date(1899, 12, 31))


class SheetProblem(Exception):
    """The workbook or its sheet cannot be read; the message says why."""


class MissingSheet(SheetProblem):
    """The configured sheet is not in the workbook."""


def cell_text(value: Cell) -> str | None:
    """Typed spreadsheet cells as the text a CSV export would hold (dates in ISO)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.date() in EXCEL_DAY_ZERO:  # a time-only cell
            return value.strftime("%H:%M:%S")
        if value.time() == dt.time(0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet_xml_bytes(path: Path) -> int:
    """Uncompressed size of the largest worksheet part (the zip directory says it)."""
    with zipfile.ZipFile(path) as archive:
        return max(
            (i.file_size for i in archive.infolist() if i.filename.startswith("xl/worksheets/")),
            default=0,
        )


def calamine_rows(path: Path, sheet_name: str | None) -> Iterator[list[Cell]]:
    """Rows from the sheet's first row and column, as openpyxl gives them.

    calamine's ``iter_rows`` starts at row 1 but at the first used column: the columns
    left of it are added back so positions match the header's.
    """
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises several types for broken files
        raise SheetProblem(f"not a readable XLSX workbook ({error})") from None
    try:
        names = [m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        if sheet_name is not None and sheet_name not in names:
            raise MissingSheet(f"no sheet '{sheet_name}'; sheets: {names}")
        if not names:
            raise SheetProblem("the workbook holds no worksheet")
        try:
            sheet = workbook.get_sheet_by_name(sheet_name or names[0])
        except Exception as error:
            raise SheetProblem(f"not a readable XLSX workbook ({error})") from None
        left = [None] * (sheet.start[1] if sheet.start else 0)
        for row in sheet.iter_rows():
            yield left + row if left else row
    finally:
        workbook.close()


def openpyxl_rows(path: Path, sheet_name: str | None) -> Iterator[tuple[Cell, ...]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for broken files
        raise SheetProblem(f"not a readable XLSX workbook ({error})") from None
    try:
        if sheet_name is not None and sheet_name not in workbook.sheetnames:
            raise MissingSheet(f"no sheet '{sheet_name}'; sheets: {workbook.sheetnames}")
        sheet = workbook[sheet_name] if sheet_name else workbook.worksheets[0]
        # read-only mode stops at the sheet's recorded <dimension>, which writers
        # sometimes leave stale: rows below it would be lost without a word
        sheet.reset_dimensions()
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def sheet_rows(path: Path, sheet_name: str | None) -> Iterator[list[Cell] | tuple[Cell, ...]]:
    """The sheet's rows through calamine, or openpyxl for sheets too large for memory.

    A generator: problems surface at the first ``next``; ``close()`` closes the workbook.
    """
    try:
        size = _sheet_xml_bytes(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise SheetProblem(f"not a readable XLSX workbook ({error})") from None
    reader = openpyxl_rows if size > CALAMINE_MAX_SHEET_XML_BYTES else calamine_rows
    yield from reader(path, sheet_name)


def column_texts(values: list[Cell]) -> list[Cell]:
    """One column of a batch as text. Columns of text cells pass as they are (empty
    strings become NULL in SQL): converting cell by cell in Python is the slow part."""
    if set(map(type, values)) <= {str}:
        return values
    return [cell_text(v) for v in values]


def _is_blank(cells: list[Cell] | tuple[Cell, ...]) -> bool:
    # any() is false for 0 and False too: those are data, so look again
    return not any(cells) and all(c is None or c == "" for c in cells)


@dataclass(frozen=True)
class Hashing:
    """How staging hashes the export's identifier columns (identifiers.py)."""

    identifiers: tuple[Identifier, ...] = ()
    key: HmacKey = HmacKey(b"", b"")
    country_code: str = ""


def stage_rows(
    con: duckdb.DuckDBPyConnection,
    header: list[str],
    rows: Iterator[list[Cell] | tuple[Cell, ...]],
    skipped: list[int] | None = None,
    hashing: Hashing = Hashing(),
) -> int:
    """Append the data rows below the header to the scratch table ``staged_raw`` in Arrow
    batches; blank rows are skipped and not counted (their 0-based positions among the
    rows given are appended to ``skipped``). Returns the data rows.

    A batch is one flat list of cells, row after row; column j is the slice
    ``[j::width]``, so no Python code runs per cell for text cells.
    """
    con.execute(
        f"CREATE OR REPLACE TABLE {SCRATCH}.staged_raw ("
        + ", ".join(["_cc_row BIGINT"] + [f"{quote_ident(c)} VARCHAR" for c in header])
        + ")"
    )
    width, rows_staged, cells = len(header), 0, []
    padding = [None] * width
    for position, row in enumerate(rows):
        row = row[:width]
        if _is_blank(row):
            if skipped is not None:
                skipped.append(position)
            continue  # blank rows (often trailing) are not data
        cells.extend(row)
        if len(row) < width:
            cells.extend(padding[len(row) :])
        if len(cells) >= XLSX_BATCH_ROWS * width:
            rows_staged += _append_batch(con, header, cells, rows_staged, hashing)
            cells = []
    rows_staged += _append_batch(con, header, cells, rows_staged, hashing)
    return rows_staged


def _append_batch(
    con: duckdb.DuckDBPyConnection,
    header: list[str],
    cells: list[Cell],
    rows_before: int,
    hashing: Hashing,
) -> int:
    """Insert the batch's rows, numbered after ``rows_before``; return how many."""
    width = len(header)
    count = len(cells) // width
    if not count:
        return 0
    arrays = [pa.array(range(rows_before + 1, rows_before + count + 1), pa.int64())]
    arrays += [pa.array(column_texts(cells[j::width]), pa.string()) for j in range(width)]
    names = ["_cc_row"] + [f"c{j}" for j in range(width)]
    xlsx_batch = pa.table(arrays, names=names)
    con.register("xlsx_batch", xlsx_batch)
    texts = ", ".join(f"NULLIF(c{j}, '') AS {quote_ident(c)}" for j, c in enumerate(header))
    params = SqlParams()
    select = staging_select_sql(
        ["_cc_row", *header],
        hashing.identifiers,
        params,
        hashing.key,
        hashing.country_code,
        f"(SELECT _cc_row, {texts} FROM xlsx_batch)",
    )
    con.execute(f"INSERT INTO {SCRATCH}.staged_raw {select}", params.values)
    con.unregister("xlsx_batch")
    return count


# --- cells without a value to read --------------------------------------------------

NOTE_CHUNK_BYTES = 1 << 20
# Cheap tests on the decompressed sheet XML: a formula element holds an "f", an error
# value a "#" (#DIV/0!, #N/A, ...); single bytes are found at memchr speed, while a
# longer pattern is searched some 20 times slower. Where one shows, a closer test, then
# the cells' parse.
_FORMULA_BYTE, _ERROR_BYTE = b"f", b"#"
_FORMULA_TAGS, _ERROR_TYPES = (b"<f", b":f"), (b't="e', b"t='e")
_FORMULA_OR_ERROR = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]|\st\s*=\s*[\"']e[\"']")
_CELL = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)c(\s[^>]*?)?(?:/>|>(.*?)</\1c>)", re.S)
_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CHILD = {
    name: re.compile(
        rb"<(?:[A-Za-z_][\w.-]*:)?" + name + rb"(\s[^>]*?)?(?:/>|>(.*?)</"
        rb"(?:[A-Za-z_][\w.-]*:)?" + name + rb">)",
        re.S,
    )
    for name in (b"f", b"v", b"is")
}
_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]+)")


@dataclass(frozen=True)
class CellNote:
    """A cell whose value the row readers do not give: a formula without a cached value
    (``formula`` set) or a cached error (``error``: its text, e.g. ``#DIV/0!``)."""

    row: int  # sheet row, 1-based
    column: int  # 0-based, column A = 0
    formula: str | None = None
    error: str | None = None

    @property
    def reference(self) -> str:
        return column_letters(self.column) + str(self.row)


def column_letters(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheet_part(archive: zipfile.ZipFile, sheet_name: str | None) -> str | None:
    """The zip member holding the sheet's XML (the first worksheet when no name)."""
    try:
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
        relations = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return None
    targets = {}
    for relation in relations:
        target = relation.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[relation.get("Id")] = part
    for sheet in workbook.iter():
        if _local(sheet.tag) != "sheet":
            continue
        relation = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
        part = targets.get(relation)
        if part is None or not part.startswith("xl/worksheets/"):
            continue
        if sheet_name is None or sheet.get("name") == sheet_name:
            return part
    return None


def cell_notes(path: Path, sheet_name: str | None) -> list[CellNote]:
    """The sheet's formula cells without a cached value and its cached error cells.

    The XML is searched as it is decompressed; cells are parsed only in the chunks
    where a formula or error cell shows, so a sheet without either costs one pass of
    decompression and byte search. Problems reading the workbook are left to the row
    reader (its messages name them): here they give no notes.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            part = sheet_part(archive, sheet_name)
            if part is None:
                return []
            with archive.open(part) as handle:
                return _notes_in(handle)
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, ValueError):
        return []


def _notes_in(handle) -> list[CellNote]:
    notes: list[CellNote] = []
    shared: dict[bytes, tuple[str, str]] = {}  # si -> (formula, master cell)
    carry = b""
    while True:
        chunk = handle.read(NOTE_CHUNK_BYTES)
        text = carry + chunk
        if chunk:
            # whole rows only; the rest waits for the next chunk
            cut = text.rfind(b"row>")
            if cut < 0:
                carry = text
                continue
            text, carry = text[: cut + 4], text[cut + 4 :]
        if (_FORMULA_BYTE in text and any(tag in text for tag in _FORMULA_TAGS)) or (
            _ERROR_BYTE in text and any(t in text for t in _ERROR_TYPES)
        ):
            _parse_notes(text, notes, shared)
        if not chunk:
            return notes


def _parse_notes(text: bytes, notes: list[CellNote], shared: dict) -> None:
    done = 0  # the end of the last cell parsed
    for hit in _FORMULA_OR_ERROR.finditer(text):
        start = text.rfind(b"<", 0, hit.start() + 1)
        while start >= done and not _CELL_START.match(text, start):
            start = text.rfind(b"<", 0, start)
        if start < done:
            continue  # in the cell parsed last, or not in a cell
        cell = _CELL.match(text, start)
        if cell is None:
            continue
        done = cell.end()
        note = _cell_note(cell.group(2) or b"", cell.group(3) or b"", shared)
        if note is not None:
            notes.append(note)


def _attributes(raw: bytes) -> dict[str, str]:
    return {
        m.group(1).decode().rsplit(":", 1)[-1]: html.unescape(
            (m.group(2) if m.group(2) is not None else m.group(3)).decode()
        )
        for m in _ATTRIBUTE.finditer(raw)
    }


def _cell_note(attributes: bytes, content: bytes, shared: dict) -> CellNote | None:
    cell = _attributes(attributes)
    reference = _REFERENCE.fullmatch(cell.get("r", ""))
    if reference is None:
        return None  # Excel, openpyxl and xlsxwriter always write r
    row, column = int(reference.group(2)), _column_index(reference.group(1))
    value = _CHILD[b"v"].search(content)
    cached = html.unescape(value.group(2).decode()) if value and value.group(2) else ""
    if cell.get("t") == "e" and cached:
        return CellNote(row, column, error=cached)
    formula = _CHILD[b"f"].search(content)
    if formula is None or cached or _CHILD[b"is"].search(content):
        return None
    if cell.get("t") == "str" and value is not None:
        return None  # a formula whose cached result is the empty string
    details = _attributes(formula.group(1) or b"")
    body = html.unescape(formula.group(2).decode()) if formula.group(2) else ""
    if details.get("t") == "shared" and "si" in details:
        key = details["si"].encode()
        if body:
            shared[key] = (body, column_letters(column) + str(row))
        elif key in shared:
            master, where = shared[key]
            body = f"{master} (shared from {where})"
    return CellNote(row, column, formula=body or "?")


def apply_cell_notes(
    con: duckdb.DuckDBPyConnection,
    header: list[str],
    notes: list[CellNote],
    first_data_row: int,
    skipped: list[int],
    hashed: set[str] | None = None,
) -> int:
    """Put the notes of the staged data rows into effect after ``stage_rows``: cached
    errors become the cells' text, formulas without a cached value ``cell_problems``
    rows (``_ord`` = the staged row). A row staged as blank because its only cells were
    such is staged after all (later rows renumbered). ``hashed``: identifier columns,
    whose error cells keep what staging wrote. Returns the rows added."""
    width = len(header)
    notes = [n for n in notes if n.row >= first_data_row and n.column < width]
    if not notes:
        return 0
    skipped_set = set(skipped)
    revive = sorted(
        {n.row - first_data_row for n in notes} & skipped_set
    )  # data positions of blank-read rows holding notes
    columns = ", ".join(quote_ident(c) for c in header)
    for position in revive:
        # rank among the rows now staged: earlier rows not skipped, or revived
        number = (
            position
            + 1
            - (bisect.bisect_left(skipped, position) - bisect.bisect_left(revive, position))
        )
        con.execute(
            f"UPDATE {SCRATCH}.staged_raw SET _cc_row = _cc_row + 1 WHERE _cc_row >= $n",
            {"n": number},
        )
        con.execute(
            f"INSERT INTO {SCRATCH}.staged_raw (_cc_row, {columns}) "
            f"VALUES ($n, {', '.join(['NULL'] * width)})",
            {"n": number},
        )
    still_skipped = sorted(skipped_set - set(revive))

    def staged_row(note: CellNote) -> int:
        position = note.row - first_data_row
        return position + 1 - bisect.bisect_left(still_skipped, position)

    for note in notes:
        # a hashed identifier column keeps its staged hash, never a raw cell text
        if note.error is not None and header[note.column] not in (hashed or set()):
            con.execute(
                f"UPDATE {SCRATCH}.staged_raw SET {quote_ident(header[note.column])}"
                " = $text WHERE _cc_row = $row",
                {"text": note.error, "row": staged_row(note)},
            )
    problems = [
        (
            staged_row(n),
            header[n.column],
            f"formula ={n.formula} has no cached value (open and save the workbook "
            "in Excel, or export values)",
        )
        for n in notes
        if n.formula is not None
    ]
    if problems:
        con.executemany("INSERT INTO cell_problems VALUES (?, ?, ?)", problems)
    return len(revive)

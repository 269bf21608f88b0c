"""Drafting a source config from one export file: ``python -m pipelines draft-config FILE``.

Onboarding a vendor starts from the file it sends, not from a blank YAML file. This reads
a bounded sample of the export (CSV, CSV.GZ, XLSX or Parquet, told apart by content),
guesses how it is written and what each column holds, and writes a commented proposal in
the language of docs/SOURCE_CONFIG.md. Every guess carries a comment with its evidence,
so the user checks evidence instead of reading code, fills in the ``centre`` block and
runs ``python -m pipelines ingest FILE``.

The pieces are small and pure where they can be:

- reading: ``sniff_encoding``, ``sniff_dialect``, ``find_header`` (text in, guess out);
  ``read_sample`` puts them together for a file;
- columns: ``classify_column`` turns one column's sampled values into a ``ColumnGuess``
  (timestamp formats, duration formats, flag words, numbers, codes, ids, ...);
- fields: ``name_scores`` and ``map_fields`` place canonical fields by header vocabulary
  (English, German, Portuguese, Spanish, French, ACD/BPO jargon) and value type;
- keys: ``choose_key`` searches a key over a ``Uniqueness`` oracle (DuckDB over the whole
  file, or rows held in memory);
- output: ``build_draft`` assembles a ``Draft``; ``render_yaml`` writes it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import gzip
import io
import json
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, Protocol

import duckdb
import yaml

from . import xlsx
from .config import CANONICAL_COLUMNS, CHANNELS, CONTACT_REASONS, KEY_COLUMN, TIMESTAMP_COLUMN
from .sql_text import quote_ident

SAMPLE_ROWS = 20_000          # data rows read for format guessing
HEAD_BYTES = 1 << 20          # bytes read for the encoding and the dialect
DIALECT_LINES = 200           # lines the delimiter, quote and header are guessed from
DELIMITERS = (",", ";", "\t", "|")
QUOTES = ('"', "'")
MAX_CODES = 30                # distinct values listed in a value_maps skeleton
XLSX_MAX_ROWS = 2_000_000     # rows of a sheet held in memory for the key check

KINDS = ("contacts", "surveys", "qa")
FLAG_FIELDS = ("answered", "abandoned", "transferred", "complaint", "resolved",
               "critical_fail")
DURATION_FIELDS = ("wait_s", "talk_s", "hold_s", "wrap_s")
ID_FIELDS = ("contact_id", "survey_id", "evaluation_id")
SECTIONS = ("accuracy", "empathy", "brand", "compliance", "process")


class DraftError(Exception):
    """The file cannot be drafted from; the message says why."""


MAGIC = {b"PK\x03\x04": "xlsx", b"PAR1": "parquet", b"\x1f\x8b": "csv.gz"}


def detect_format(path: Path) -> str:
    """The format the file's first bytes show (csv when no binary signature), as the
    loader checks it."""
    with Path(path).open("rb") as handle:
        head = handle.read(4)
    return next((name for magic, name in MAGIC.items() if head.startswith(magic)), "csv")


# --- text helpers ------------------------------------------------------------------------


def normalise(name: str) -> str:
    """A header as lower-case ASCII words: ``Gesprächszeit`` -> ``gesprachszeit``,
    ``CallID`` -> ``call id``, ``ID_Contacto`` -> ``id contacto``."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9%]+", text))


def _n(count: int) -> str:
    return f"{count:,}"


def _plural(count: int, word: str) -> str:
    return f"{_n(count)} {word}{'' if count == 1 else 's'}"


def _verb(count: int, singular: str) -> str:
    """``repeats`` for one, ``repeat`` for several."""
    return singular if count == 1 else singular[:-1]


def _short(value: str, width: int = 40) -> str:
    value = value.replace("\n", " ").replace("\r", " ")
    return value if len(value) <= width else value[: width - 1] + "…"


# --- reading: encoding, dialect, header ----------------------------------------------------


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
            return "latin-1", (f"byte {head[error.start]:#04x} on line {_n(line)} is not "
                               "UTF-8")
    word = re.search(r"\w*[^\x00-\x7f]\w*", text)
    if word:
        return "utf-8", f"valid UTF-8 (non-ASCII text such as '{_short(word.group(), 20)}')"
    return "utf-8", "ASCII only"


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    quote: str
    width: int           # fields per data row
    consistent: float    # share of the lines from the first full-width one with that width
    quoted: int          # fields enclosed in the quote character


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
        tail = counts[counts.index(width):]
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
    return (bool(re.search(r"[^\W\d_]", cell)) and not _DATEISH.match(cell)
            and not _NUMBERISH.match(cell))


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


@dataclass
class Sample:
    """What the draft knows about the file as a table."""

    path: Path
    format: str
    header: list[str]
    rows: list[list[str | None]]             # sampled data rows, cells as text or None
    notes: dict[str, str] = field(default_factory=dict)   # export key -> evidence
    encoding: str | None = None
    delimiter: str | None = None
    quote: str | None = None
    skip_rows: int = 0
    sheet: str | None = None
    malformed: int = 0                       # sampled rows with the wrong field count
    complete: bool = True                    # rows holds every data row of the file
    all_rows: list[list[str | None]] | None = None   # XLSX: every row, for the key check
    formulas: dict[str, tuple[str, int]] = field(default_factory=dict)  # column -> (f, n)
    uncached: dict[str, int] = field(default_factory=dict)  # column -> formula cells w/o value
    date_cells: dict[str, int] = field(default_factory=dict)  # column -> real date cells

    def column(self, index: int) -> list[str | None]:
        return [row[index] for row in self.rows]


def _cell(value: str) -> str | None:
    value = value.strip()
    return value or None


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
    first_rows = list(csv.reader(lines[:DIALECT_LINES], delimiter=dialect.delimiter,
                                 quotechar=dialect.quote))
    skip = find_header(first_rows, dialect.width)
    if skip is None:
        raise DraftError(f"{path}: no header row found: no line with {dialect.width} "
                         f"fields of column names (delimiter {dialect.delimiter!r})")
    header, rows, malformed, exhausted = [], [], 0, True
    with _open_bytes(path, file_format) as raw, io.TextIOWrapper(
            raw, encoding=_python_encoding(encoding), errors="replace", newline="") as handle:
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
            rows.append([_cell(c) for c in row])
            if len(rows) >= limit:
                exhausted = next(reader, None) is None
                break
    delimiter_names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
    notes = {
        "encoding": encoding_why,
        "delimiter": (f"{delimiter_names[dialect.delimiter]}: {dialect.width} fields on "
                      f"{dialect.consistent:.0%} of the first lines"),
        "quote": (f"{_plural(dialect.quoted, 'field')} enclosed in {dialect.quote}"
                  if dialect.quoted else "no quoted fields seen; the default"),
        "skip_rows": (f"{_plural(skip, 'line')} above the header: "
                      f"'{_short(lines[0].strip(), 50)}'" if skip
                      else "the header is the first line"),
    }
    if "\r\n" in text[:10_000]:
        notes["delimiter"] += "; CRLF line ends (fine)"
    return Sample(path=path, format=file_format, header=header, rows=rows, notes=notes,
                  encoding=encoding, delimiter=dialect.delimiter, quote=dialect.quote,
                  skip_rows=skip, malformed=malformed, complete=exhausted)


def _trimmed(cells: Sequence[Any]) -> list[str]:
    texts = [(xlsx.cell_text(c) or "").strip() for c in cells]
    while texts and not texts[-1]:
        texts.pop()
    return texts


def _choose_sheet(path: Path) -> tuple[str, str]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises several types for broken files
        raise DraftError(f"{path}: not a readable XLSX workbook ({error})") from None
    try:
        names = [m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        if not names:
            raise DraftError(f"{path}: the workbook holds no worksheet")
        sizes = {}
        for name in names:
            sheet = workbook.get_sheet_by_name(name)
            sizes[name] = sheet.height * sheet.width
    finally:
        workbook.close()
    chosen = max(names, key=lambda n: (sizes[n], -names.index(n)))
    if len(names) == 1:
        return chosen, "the only sheet"
    others = ", ".join(f"'{n}'" for n in names if n != chosen)
    return chosen, f"the largest of {len(names)} sheets (also {others})"


def _formula_cells(path: Path, sheet: str, header_row: int, header: list[str],
                   data: Sequence[Sequence[str | None]], limit: int = 200
                   ) -> tuple[dict[str, tuple[str, int]], dict[str, int]]:
    """Formula cells per column in the first ``limit`` data rows (openpyxl reads formulas,
    calamine their saved values), and how many of them have no saved value (calamine
    reads those as empty: the loader cannot know what they were)."""
    import openpyxl

    formulas: dict[str, tuple[str, int]] = {}
    uncached: Counter[str] = Counter()
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception:  # a workbook calamine reads but openpyxl does not: skip the check
        return {}, {}
    try:
        rows = book[sheet].iter_rows(min_row=header_row + 2,
                                     max_row=header_row + 1 + limit, values_only=True)
        texts = iter(data)
        for row in rows:
            if all(c is None or c == "" for c in row):
                continue  # blank rows are not data rows (nor in ``data``)
            values = next(texts, None)
            if any(isinstance(c, str) and c.strip().lower() in TOTAL_WORDS for c in row):
                continue  # a totals row (filtered below)
            for index, cell in enumerate(row[: len(header)]):
                if not (isinstance(cell, str) and cell.startswith("=")):
                    continue
                name = header[index]
                first, count = formulas.get(name, (cell, 0))
                formulas[name] = (first, count + 1)
                if values is not None and values[index] is None:
                    uncached[name] += 1
    finally:
        book.close()
    return formulas, dict(uncached)


def read_xlsx_sample(path: Path, limit: int = SAMPLE_ROWS, sheet: str | None = None
                     ) -> Sample:
    sheet_why = "given"
    if sheet is None:
        sheet, sheet_why = _choose_sheet(path)
    rows_iter = xlsx.sheet_rows(path, sheet)
    try:
        head: list[list[Any]] = []
        for row in rows_iter:
            head.append(list(row))
            if len(head) >= DIALECT_LINES:
                break
        trimmed = [_trimmed(r) for r in head]
        widths = Counter(sum(1 for c in r if c) for r in trimmed if any(r))
        if not widths:
            raise DraftError(f"{path}: sheet '{sheet}' is empty")
        width = max(widths, key=lambda w: (widths[w], w))
        skip = find_header(trimmed, width, exact=False)
        if skip is None:
            raise DraftError(f"{path}: no header row found in sheet '{sheet}'")
        header = trimmed[skip]
        data, all_rows, date_cells = [], [], Counter()
        complete = True

        def take(cells: Sequence[Any]) -> None:
            cells = list(cells[: len(header)])
            if all(c is None or c == "" for c in cells):
                return
            texts = [xlsx.cell_text(c) for c in cells] + [None] * (len(header) - len(cells))
            texts = [t.strip() or None if isinstance(t, str) else t for t in texts]
            if len(data) < limit:
                data.append(texts)
                for index, cell in enumerate(cells):
                    if isinstance(cell, dt.date | dt.time):
                        date_cells[header[index]] += 1
            all_rows.append(texts)

        for row in head[skip + 1:]:
            take(row)
        for row in rows_iter:
            take(row)
            if len(all_rows) >= XLSX_MAX_ROWS:
                complete = False
                break
    except xlsx.SheetProblem as problem:
        raise DraftError(f"{path}: {problem}") from None
    finally:
        rows_iter.close()
    formulas, uncached = _formula_cells(path, sheet, skip, header, data)
    title = next((c for c in trimmed[0] if c), "") if skip else ""
    notes = {
        "sheet": sheet_why,
        "skip_rows": (f"{_plural(skip, 'row')} above the header (title: "
                      f"'{_short(title, 50)}')" if skip else "the header is the first row"),
    }
    return Sample(path=path, format="xlsx", header=header, rows=data, notes=notes,
                  skip_rows=skip, sheet=sheet, complete=complete, all_rows=all_rows,
                  formulas=formulas, uncached=uncached, date_cells=dict(date_cells))


def read_parquet_sample(path: Path, limit: int = SAMPLE_ROWS) -> Sample:
    con = duckdb.connect()
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet($path)",
                                {"path": str(path)}).fetchall()
        header = [row[0] for row in described]
        casts = ", ".join(f"CAST({quote_ident(c)} AS VARCHAR)" for c in header)
        rows = con.execute(f"SELECT {casts} FROM read_parquet($path) LIMIT {int(limit)}",
                           {"path": str(path)}).fetchall()
        total = con.execute("SELECT count(*) FROM read_parquet($path)",
                            {"path": str(path)}).fetchone()[0]
    except duckdb.Error as error:
        raise DraftError(f"{path}: not a readable Parquet file ({error})") from None
    finally:
        con.close()
    types = ", ".join(f"{name} {kind}" for name, kind, *_ in described[:6])
    return Sample(path=path, format="parquet", header=header,
                  rows=[[_cell(v) if v is not None else None for v in r] for r in rows],
                  notes={"format": f"typed columns ({types}{', ...' if len(header) > 6 else ''})"},
                  complete=total <= limit)


def read_sample(path: Path, limit: int = SAMPLE_ROWS) -> Sample:
    """The file's header and first ``limit`` data rows as text, with how it is written."""
    path = Path(path)
    if not path.is_file():
        raise DraftError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise DraftError(f"{path}: the file is empty (0 bytes)")
    file_format = detect_format(path)
    if file_format == "xlsx":
        sample = read_xlsx_sample(path, limit)
    elif file_format == "parquet":
        sample = read_parquet_sample(path, limit)
    else:
        sample = read_csv_sample(path, file_format, limit)
    if len(set(sample.header)) != len(sample.header):
        repeated = sorted({c for c in sample.header if sample.header.count(c) > 1})
        raise DraftError(f"{path}: the header repeats column(s) {repeated}; the loader needs "
                         "unique column names (ask for a corrected export)")
    if not sample.rows:
        raise DraftError(f"{path}: the file has a header but no data rows")
    magic = {"xlsx": "content starts PK (a zip): an XLSX workbook",
             "parquet": "content starts PAR1: Parquet", "csv.gz": "gzip content",
             "csv": "plain text"}[file_format]
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix.lower() == ".gz" \
        else path.suffix.lower()
    if suffix.lstrip(".") != file_format:
        magic += f" (named {suffix or 'without extension'}: the loader goes by content)"
    sample.notes["format"] = magic + ("; " + sample.notes["format"]
                                      if "format" in sample.notes else "")
    return sample


# --- header vocabulary ----------------------------------------------------------------------
# Canonical field -> (score, regex over the normalised header). 10 = the header names the
# field; lower scores are weaker hints (a generic "Date" or "Type"). The key of each kind
# also takes a bare "ID" (see _vocabulary).

_ID = r"(id|ref|reference|nr|no|num|number|nummer|numero|guid|uid|key|code|codigo)"
_CONTACT = (r"(call|contact|interaction|conversation|session|ticket|case|anruf|kontakt|"
            r"gesprachs?|appel|llamada|chamada|contacto|contato|interaccion|interacao|"
            r"interaktion|vorgang|contacte)")
_SURVEY = (r"(survey|umfrage|befragung|encuesta|enquete|inquerito|questionario|feedback|"
           r"response|sondage|csat)")
_EVAL = (r"(evaluation|eval|avaliacao|bewertung|evaluacion|evaluacao|qa|audit|auditoria|"
         r"review|assessment|monitoring|scorecard)")
_OF = r"(?: (?:de|do|da|du|del|de la|des))?"

VOCABULARY: dict[str, list[tuple[int, str]]] = {
    "contact_id": [
        (10, rf"^{_CONTACT} ?{_ID}$"), (10, rf"^{_ID}{_OF} ?{_CONTACT}$"),
        (9, r"^(callid|contactid|callref|ucid|call guid|interactionid|anrufid|anrufnummer)$"),
        (4, r"^(interaction|contact|call|anruf|conversation)$"),
    ],
    "survey_id": [(10, rf"^{_SURVEY} ?{_ID}$"), (10, rf"^{_ID}{_OF} ?{_SURVEY}$")],
    "evaluation_id": [(10, rf"^{_EVAL} ?{_ID}?$"), (10, rf"^{_ID}{_OF} ?{_EVAL}$")],
    "channel": [
        (10, r"^(channel|canal|kanal|media|medium|media type|mediatype|channel type|"
             r"contact type|contact channel|tipo de canal|type de canal|canal de contacto|"
             r"contact media|medientyp|kontaktart|kontaktkanal|channel name|media channel)$"),
        (4, r"^(type|tipo|typ|art|source|origem|origen)$"),
    ],
    "queue": [
        (10, r"^(queue|queue name|queue id|skill|skill name|skillset|skill group|split|"
             r"split skill|skill split|fila|fila de espera|cola|warteschlange|file d attente|"
             r"vdn|service|workgroup|group|gruppe|routing point|hotline|queue group|"
             r"nome da fila|nombre de cola)$"),
        (6, r"\b(queue|skill|split|fila|cola|warteschlange)\b"),
        (4, r"^(campaign|campanha|campana|kampagne|campagne)$"),
    ],
    "contact_reason": [
        (10, r"^(reason|contact reason|call reason|reason code|motivo|motivo contacto|"
             r"motivo do contacto|motivo de contacto|motivo da chamada|grund|anrufgrund|"
             r"kontaktgrund|anliegen|disposition|disposition code|wrap code|wrapup code|"
             r"wrap up code|category|kategorie|categoria|motif|motif d appel|topic|thema|"
             r"call type|subject|assunto|asunto|tipificacao|tipificacion|outcome code)$"),
        (6, r"(reason|motivo|grund|anliegen|disposition|categor|motif|topic)"),
    ],
    "agent_id": [
        (10, r"^(agent|agent id|agent name|agent login|agent nr|agent no|agentid|advisor|"
             r"adviser|advisor id|rep|rep id|representative|agente|mitarbeiter|login|"
             r"login id|logid|operator|operador|user|user id|conseiller|asesor|atendente|"
             r"sachbearbeiter|employee|staff|handled by|agent code)$"),
        (6, r"(agent|advisor|mitarbeiter|operador|asesor|atendente|conseiller)"),
        (4, r"^(extension|nebenstelle|ext)$"),
    ],
    "started_at": [
        (10, r"^(start|start time|start date time|start datetime|started|started at|begin|"
             r"beginn|begin time|call start|call start time|contact start|data hora|"
             r"data hora inicio|data e hora|fecha hora|fecha y hora|hora inicio|inicio|"
             r"date heure|date debut|debut|startzeit|anrufbeginn|anfang|datum uhrzeit|"
             r"zeitpunkt|timestamp|time stamp|call time|call date|contact date|contact time|"
             r"date time|datetime|created|created at|received|arrival|arrival time|"
             r"eingang|start timestamp|segment start|leg start|call start date)$"),
        (7, r"\b(start|beginn|inicio|debut|started)\b"),
        (6, r"^(date|datum|data|fecha|time|uhrzeit|hora|heure|start date|call date)$"),
    ],
    "answered": [
        (10, r"^(answered|handled|answer|atendida|atendido|angenommen|beantwortet|"
             r"contestada|contestado|repondu|decroche|connected|accepted|taken|is answered|"
             r"was answered|answered flag|handled flag)$"),
        (7, r"(answered|handled|atendid|angenommen|beantwort|contestad)"),
    ],
    "abandoned": [
        (10, r"^(abandoned|abandon|abandonada|abandonado|aufgelegt|abgebrochen|verloren|"
             r"lost|dropped|abandonne|perdida|perdido|abandono|hung up|hangup|"
             r"caller abandoned|is abandoned|abandoned flag)$"),
        (7, r"(abandon|abgebrochen|aufgelegt|verlor)"),
    ],
    "wait_s": [
        (10, r"^(wait|wait time|waiting time|queue time|queue duration|queue wait|"
             r"queue wait time|time in queue|queued|wartezeit|wartedauer|tempo espera|"
             r"tempo de espera|tiempo espera|tiempo de espera|temps d attente|attente|"
             r"duree attente|asa|speed of answer|ring|ring time|ringing|answer time|"
             r"wait duration|queue seconds|queue secs)( (s|sec|secs|seconds|ms|sek|seg|min))?$"),
        (6, r"(wait|warte|espera|attente|queue time|\bring\b)"),
    ],
    "talk_s": [
        (10, r"^(talk|talk time|talk duration|talktime|conversation time|conversation|"
             r"tempo conversa|tempo de conversa|tempo conversacao|tiempo conversacion|"
             r"tiempo de conversacion|temps de conversation|duree conversation|"
             r"gesprachszeit|gesprachsdauer|sprechzeit|connected time|speak time|"
             r"talk seconds|talk secs)( (s|sec|secs|seconds|ms|sek|seg|min))?$"),
        (7, r"(talk|gesprach|conversa|sprech)"),
        (5, r"^(duration|call duration|dauer|duracao|duracion|duree)( (s|sec|secs|seconds|ms|"
            r"sek|seg|min))?$"),
    ],
    "hold_s": [
        (10, r"^(hold|hold time|hold duration|on hold|haltezeit|halten|gehalten|"
             r"warteschleife|tempo espera hold|tempo em espera|tempo de espera hold|"
             r"tiempo en espera|tiempo espera hold|temps de mise en attente|mise en attente|"
             r"retenue|parked|parkzeit|hold seconds|hold secs)( (s|sec|secs|seconds|ms|sek|seg|"
             r"min))?$"),
        (9, r"(hold|halte|warteschleife|retenue|parkzeit)"),
    ],
    "wrap_s": [
        (10, r"^(wrap|wrap time|wrap up|wrapup|wrap up time|wrapup time|acw|acw time|"
             r"after call work|after call work time|after call|after call time|post call|"
             r"nachbearbeitung|nachbearbeitungszeit|nacharbeit|nacharbeitszeit|"
             r"tempo pos chamada|pos chamada|tempo pos atendimento|tiempo post llamada|"
             r"post llamada|posllamada|temps post appel|post appel|travail post appel|ncz|"
             r"nbz|wrap seconds|wrap secs)( (s|sec|secs|seconds|ms|sek|seg|min))?$"),
        (8, r"(wrap|\bacw\b|nachbearb|nacharbeit|pos chamada|post call|post llamada|"
            r"post appel|after call)"),
    ],
    "transferred": [
        (10, r"^(transfer|transferred|transfered|xfer|xferred|transferida|transferido|"
             r"weitergeleitet|weiterleitung|vermittelt|transfere|transferencia|"
             r"is transferred|was transferred|transfer flag|umgeleitet)$"),
        (7, r"(transfer|xfer|weiterge|weiterleit|vermittel)"),
    ],
    "complaint": [
        (10, r"^(complaint|complaints|complaint flag|reclamacao|reclamacion|reclamo|"
             r"beschwerde|plainte|queja|reclamation|is complaint|complaint raised)$"),
        (7, r"(complain|reclama|beschwerde|plainte|queja)"),
    ],
    "responded_at": [
        (10, r"^(completed|completed at|completion time|response time|responded|"
             r"responded at|response date|survey time|survey date|survey completed|"
             r"data resposta|data da resposta|fecha respuesta|fecha de respuesta|"
             r"antwortzeit|antwortdatum|beantwortet am|date reponse|date de reponse|"
             r"submitted|submitted at|submission date|feedback date)$"),
        (7, r"(survey (time|date)|resposta|respuesta|reponse|umfrage datum)"),
        (5, r"^(date|datum|data|fecha|time|timestamp|date time|datetime|received)$"),
    ],
    "csat": [
        (10, r"^(csat|csat score|satisfaction|satisfaction score|overall satisfaction|"
             r"satisfacao|satisfaccion|zufriedenheit|gesamtzufriedenheit|sat|sat score)$"),
        (9, r"(csat|satisf|zufrieden)"),
        (4, r"^(rating|score|bewertung|nota|note|puntuacion)$"),
    ],
    "nps": [(10, r"^(nps|nps score|ltr)$"),
            (9, r"(nps|recommend|recomend|empfehl|recommand|likelihood)")],
    "resolved": [
        (10, r"^(fcr|resolved|resolution|resolvido|resolvida|resuelto|resuelta|gelost|"
             r"geloest|resolu|solved|issue resolved|first contact resolution|"
             r"problem solved|problema resolvido|anliegen gelost|is resolved)$"),
        (8, r"(resolv|fcr|gelost|resuelt|resolu|solved)"),
    ],
    "comment": [
        (9, r"(comment|verbatim|comentario|kommentar|bemerkung|commentaire|remark|"
            r"freitext|free text|observac|observaci|anmerkung)"),
        (5, r"^(feedback|text|notes|note text|notizen)$"),
    ],
    "evaluator_org": [
        (10, r"^(scored by|evaluator org|evaluator organisation|evaluator organization|"
             r"evaluator company|evaluator team|evaluator source|equipa|equipo|equipe|team|"
             r"org|organisation|organization|company|qa team|qa org|bewerter firma|"
             r"bewerterfirma|empresa avaliadora|empresa evaluadora|evaluated by team)$"),
        (7, r"\b(org|organisation|organization|company|empresa|firma|equipa|equipo|team)\b"),
    ],
    "evaluator_id": [
        (10, r"^(evaluator|evaluator id|evaluator name|avaliador|avaliadora|bewerter|"
             r"bewerterin|evaluador|evaluadora|evaluateur|evaluatrice|qa analyst|"
             r"qa evaluator|reviewer|assessor|scorer|auditor|auditora|coach|"
             r"quality analyst|analyst|monitor|evaluated by)$"),
        (6, r"(evaluator|avaliador|bewerter|evaluador|evaluateur|reviewer|auditor)"),
    ],
    "evaluated_at": [
        (10, r"^(date|eval date|evaluation date|evaluated on|evaluated at|evaluated|"
             r"review date|scored on|scored at|audit date|data|data avaliacao|"
             r"data da avaliacao|datum|bewertungsdatum|fecha|fecha evaluacion|"
             r"fecha de evaluacion|date evaluation|date d evaluation|qa date|"
             r"evaluation time)$"),
        (6, r"\b(date|datum|data|fecha)\b"),
    ],
    "score_pct": [
        (10, r"^(score|total|total %|total score|overall|overall score|overall %|"
             r"final score|quality score|qa score|score %|score pct|score percent|"
             r"pontuacao|pontuacao final|pontuacao total|nota|nota final|punktzahl|"
             r"gesamtpunktzahl|ergebnis|gesamtergebnis|gesamt|puntuacion|"
             r"puntuacion total|calificacion|note|note finale|resultat|result|percentage|"
             r"percent|%|quality %)$"),
        (6, r"(score|pontua|punkt|puntua|\btotal\b|overall|ergebnis)"),
    ],
    "critical_fail": [
        (10, r"^(critical fail|critical failure|critical|critical error|auto fail|autofail|"
             r"automatic fail|fatal|fatal error|ko|k o|knock out|falha critica|falha grave|"
             r"erro critico|kritischer fehler|kritisch|fallo critico|error critico|"
             r"echec critique|erreur critique|compliance fail|zero tolerance)$"),
        (8, r"(critical|critica|kritisch|fatal|auto fail|autofail|echec)"),
    ],
    # QA section scores (qa only)
    "section:accuracy": [(9, r"(accura|rigor|rigour|genauigkeit|korrektheit|precisao|"
                             r"exactitud|exactitude|correctness)")],
    "section:empathy": [(9, r"(empath|empatia|einfuhlung)")],
    "section:brand": [(9, r"(brand|\bmarca\b|\bmarke\b|\bmarque\b|tone of voice)")],
    "section:compliance": [(9, r"(complian|conformidade|cumplimiento|conformite|"
                               r"regelkonform|konformitat)")],
    "section:process": [(9, r"(process|processo|prozess|proceso|procedure|procedimento|"
                            r"procedimiento|\bablauf\b)")],
}
_GENERIC_ID = (4, r"^(id|ref|reference|record id|nr|no|key|row id)$")
_COMPILED = {name: [(score, re.compile(p)) for score, p in rules]
             for name, rules in VOCABULARY.items()}
_COMPILED_GENERIC_ID = re.compile(_GENERIC_ID[1])


def name_scores(header: str) -> dict[str, int]:
    """Canonical field (or ``section:<name>``) -> how strongly the header names it."""
    norm = normalise(header)
    scores: dict[str, int] = {}
    for name, rules in _COMPILED.items():
        for score, pattern in rules:
            if pattern.search(norm):
                scores[name] = max(scores.get(name, 0), score)
                break
    if _COMPILED_GENERIC_ID.match(norm):
        for key in ID_FIELDS:
            scores.setdefault(key, _GENERIC_ID[0])
    return scores


_WORDS = {
    "duration": re.compile(
        r"(wait|warte|talk|gesprach|conversa|sprech|hold|halte|halten|wrap|\bacw\b|after call|"
        r"nachbearb|nacharbeit|pos chamada|post call|duration|dauer|duracao|duracion|duree|"
        r"length|\bring\b|queue time|queue wait|\btempo\b|tiempo|\btemps\b|espera|attente|"
        r"\bsek\b|\bsec\b|\bsecs\b|seconds|segundos|secondes|sekunden|\bms\b|msec|millis|"
        r"\bmin\b|minutes|minuten|minutos|\baht\b|handle time|handling time|talktime|\basa\b|"
        r"(?<!uhr)(?<!start)(?<!end)(?<!an)zeit\b)"),
    "time_of_day": re.compile(
        r"(start|begin|\bend\b|ende|uhrzeit|\bhora\b|heure|\btime\b|timestamp|zeitpunkt|"
        r"inicio|\bfim\b|\bfin\b|debut|started|ended|datum|\bdate\b|\bdata\b|fecha|\bat\b|"
        r"completed|created|received|arrival)"),
    "ms": re.compile(r"(\bms\b|msec|millis)"),
    "minutes": re.compile(r"(\bmin\b|\bmins\b|minutes|minuten|minutos)"),
    "phone": re.compile(r"(\bani\b|\bcli\b|caller|phone|telephone|\btel\b|telefon|telefono|"
                        r"mobile|\bmobil\b|msisdn|rufnummer|anrufer|calling|handy|\bcell\b|"
                        r"\bdnis\b|numero de telefone|contact number)"),
    "email": re.compile(r"(e ?mail|correo|courriel)"),
    "account": re.compile(r"(account|customer id|customer number|customer no|customer ref|"
                          r"kundennummer|kunden nr|kunden id|numero cliente|n cliente|"
                          r"id cliente|cliente id|numero de cuenta|\bconta\b|\bcuenta\b|"
                          r"\bcompte\b|contract|vertrag|\bmpan\b|meter)"),
    "number": re.compile(r"(score|csat|nps|rating|count|anzahl|\bqty\b|quantidade|"
                         r"%|pontuacao|punkt|nota|total)"),
    "leg": re.compile(r"^(leg|legs|leg no|leg nr|leg number|leg id|leg seq|segment|"
                      r"segment no|segment nr|segment number|seg|hop|hop no|seq|sequence|"
                      r"sequence no|part|teil|abschnitt|perna|tramo|troncon|leg index|"
                      r"call leg|step|schritt)$"),
    "line": re.compile(r"\b(line|linie|linha|linea|ligne|site|standort|tenant|mandant|"
                       r"server|node|switch|pbx|system|trunk|location|sede|filiale|branch|"
                       r"region|centre|center|platform|instance|lob)\b"),
    "direction": re.compile(r"^(direction|call direction|richtung|anrufrichtung|direcao|"
                            r"direccion|sens|sens d appel|inbound outbound|io|"
                            r"call direction type|direction type)$"),
    "outcome": re.compile(r"\b(status|outcome|result|disposition|ergebnis|estado|resultado|"
                          r"statut|resultat|state|call status|call result|call outcome|"
                          r"termination|end reason)\b"),
}


def has_words(header: str, kind: str) -> bool:
    return bool(_WORDS[kind].search(normalise(header)))


def _duration_named(norm: str) -> bool:
    return bool(_WORDS["duration"].search(norm))


def _flag_named(header: str) -> bool:
    scores = name_scores(header)
    return any(scores.get(f, 0) >= 7 for f in FLAG_FIELDS) or header.rstrip().endswith("?") \
        or bool(re.match(r"^(is|has|was|flag)\b", normalise(header)))


# --- values: flags ----------------------------------------------------------------------

TRUE_WORDS = ("yes", "y", "true", "t", "1", "ja", "j", "s", "sim", "si", "sí", "oui", "wahr",
              "verdadeiro", "verdadero", "vrai")
FALSE_WORDS = ("no", "n", "false", "f", "0", "nein", "não", "nao", "non", "falsch", "falso",
               "faux")
PARTNERS = {"n": ("y", "j", "s"), "no": ("yes", "si", "sí"), "0": ("1",), "false": ("true",),
            "f": ("t",), "nein": ("ja",), "não": ("sim",), "nao": ("sim",), "non": ("oui",),
            "falsch": ("wahr",), "falso": ("verdadeiro", "verdadero"), "faux": ("vrai",)}
for _false, _trues in list(PARTNERS.items()):
    for _true in _trues:
        PARTNERS.setdefault(_true, (_false,))

# Outcome / status values that say whether a contact was answered or abandoned.
ANSWER_WORDS = {"answered", "answer", "handled", "connected", "agent", "accepted", "taken",
                "angenommen", "beantwortet", "atendida", "atendido", "contestada",
                "contestado", "repondu", "decroche", "answered by agent", "agent answered",
                "served"}
ABANDON_WORDS = {"abandoned", "abandon", "hang", "hangup", "hung up", "caller hangup",
                 "caller abandoned", "lost", "dropped", "verloren", "abgebrochen",
                 "aufgelegt", "abandonada", "abandonado", "perdida", "perdido",
                 "abandonne", "abandonnee", "no answer", "noanswer", "not answered",
                 "unanswered", "missed", "abandon in queue", "queue abandon"}
NOT_CONTACT_WORDS = {"phantom", "test", "test call", "ghost"}
DIRECTION_IN = {"inbound", "in", "ib", "incoming", "eingehend", "entrada", "entrante",
                "entrant", "inbound call"}
DIRECTION_OUT = {"outbound", "out", "ob", "outgoing", "ausgehend", "saida", "saída", "salida",
                 "saliente", "sortant", "internal", "intern", "interno", "interna", "interne",
                 "outbound call", "transfer"}
TOTAL_WORDS = {"total", "totals", "grand total", "sum", "summe", "gesamt", "totaal", "totale",
               "soma", "suma"}


# --- values: classification -------------------------------------------------------------


@dataclass
class ColumnGuess:
    """What one column holds, from its sampled values (and its header)."""

    name: str
    type: str          # empty datetime date time duration flag integer number percent
    #                    email phone offset code id text
    count: int         # non-empty sampled values
    empty: int         # empty sampled cells
    distinct: int
    top: list[tuple[str, int]]               # most common values as written
    example: str | None
    formats: tuple[str, ...] = ()            # strptime formats (timestamps)
    format: str | None = None                # duration format
    decimal_separator: str | None = None
    thousands_separator: str | None = None
    true_words: tuple[str, ...] = ()
    false_words: tuple[str, ...] = ()
    guessed_word: str | None = None          # a flag word not seen but assumed
    low: float | None = None
    high: float | None = None
    integer: bool = False
    bad: list[str] = field(default_factory=list)   # sampled values that do not fit
    bad_count: int = 0
    reason: str = ""

    @property
    def norm(self) -> str:
        return normalise(self.name)

    def like(self, n: int = 1) -> str:
        values = [v for v, _ in self.top[:n]] if n > 1 else [self.example or ""]
        return ", ".join(_short(v, 30) for v in values)


def _tolerance(count: int) -> int:
    """Values a column may hold that do not fit its type (bad rows, rejected at load)."""
    return max(1, count // 50) if count >= 5 else 0


def _bad_note(guess: ColumnGuess) -> str:
    if not guess.bad_count:
        return ""
    examples = ", ".join(f"'{_short(b, 20)}'" for b in guess.bad[:2])
    return (f"; {_plural(guess.bad_count, 'value')} ({examples}) "
            f"{'does' if guess.bad_count == 1 else 'do'} not fit: rejected at load")


def _as_flag(guess: ColumnGuess, values: list[str], file_pairs: dict[str, str]
             ) -> ColumnGuess | None:
    if _duration_named(guess.norm) or has_words(guess.name, "number") and not \
            _flag_named(guess.name):
        return None
    lower = Counter(v.lower() for v in values)
    trues = [w for w in lower if w in TRUE_WORDS]
    falses = [w for w in lower if w in FALSE_WORDS]
    unknown = [w for w in lower if w not in TRUE_WORDS and w not in FALSE_WORDS]
    bad_count = sum(lower[w] for w in unknown)
    if not (trues or falses) or len(trues) > 2 or len(falses) > 2 \
            or bad_count > _tolerance(len(values)) or len(unknown) > 1:
        return None
    numeric = set(trues + falses) <= {"0", "1"}
    if numeric and not (_flag_named(guess.name) or (trues and falses)):
        return None
    if numeric and has_words(guess.name, "leg"):
        return None
    written = {}
    for value in values:
        written.setdefault(value.lower(), value)
    guessed = None
    if not trues or not falses:
        seen = (trues or falses)[0]
        if not _flag_named(guess.name) and seen not in file_pairs:
            return None
        partner = file_pairs.get(seen) or PARTNERS.get(seen, ("?",))[0]
        partner = partner.upper() if written[seen].isupper() else \
            partner.capitalize() if written[seen][:1].isupper() else partner
        guessed = partner
        if trues:
            falses_out, trues_out = (partner,), tuple(written[w] for w in trues)
        else:
            trues_out, falses_out = (partner,), tuple(written[w] for w in falses)
    else:
        trues_out = tuple(written[w] for w in trues)
        falses_out = tuple(written[w] for w in falses)
    counts = {written[w]: lower[w] for w in trues + falses}
    seen_text = " / ".join(f"{w} ×{_n(c)}" for w, c in counts.items())
    reason = f"flag: {seen_text}"
    if guessed:
        reason += f"; only {'true' if trues else 'false'} seen, '{guessed}' assumed"
    guess.type = "flag"
    guess.true_words, guess.false_words, guess.guessed_word = trues_out, falses_out, guessed
    guess.bad = [written[w] for w in unknown]
    guess.bad_count = bad_count
    guess.reason = reason + _bad_note(guess)
    return guess


_DATE_PARTS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y",
               "%Y/%m/%d", "%d/%m/%y", "%m/%d/%y", "%d.%m.%y", "%d-%b-%Y", "%d %b %Y",
               "%d-%b-%y", "%Y.%m.%d")
_TIME_PARTS = ("%H:%M:%S", "%H:%M", "%H:%M:%S.%f", "%I:%M:%S %p", "%I:%M %p")
TIMESTAMP_FORMATS = tuple(
    [f"{d} {t}" for d in _DATE_PARTS for t in _TIME_PARTS]
    + [f"%Y-%m-%dT{t}" for t in ("%H:%M:%S", "%H:%M:%S.%f", "%H:%M:%S%z", "%H:%M:%S.%f%z",
                                  "%H:%M", "%H:%M:%SZ")]
    + list(_DATE_PARTS) + list(_TIME_PARTS))
_STAMP_SHAPE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}|^\d{1,2}[- ][A-Za-z]{3}[- ]\d{2}"
                          r"|^\d{1,2}:\d{2}")
_DAY_FIRST = {"%d/%m": "%m/%d", "%d-%m": "%m-%d", "%d.%m": "%m.%d"}


def is_time_only(fmt: str) -> bool:
    return not any(d in fmt for d in ("%d", "%j", "%Y", "%y", "%m", "%b", "%B"))


def is_date_only(fmt: str) -> bool:
    return not any(t in fmt for t in ("%H", "%I", "%M", "%S"))


@functools.lru_cache(maxsize=1 << 16)
def _parses(fmt: str, value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, fmt)
    except ValueError:
        return None


def _month_first(fmt: str) -> str | None:
    """The month-first twin of a day-first format (or the reverse), if any."""
    if fmt.startswith("%Y"):
        return None  # year first: ISO order, never day first
    for day_first, month_first in _DAY_FIRST.items():
        if day_first in fmt:
            return fmt.replace(day_first, month_first)
        if month_first in fmt:
            return fmt.replace(month_first, day_first)
    return None


def fit_timestamp_formats(values: Sequence[str]) -> tuple[list[tuple[str, int]], int, str]:
    """strptime formats that together parse the values: [(format, values)], unparsed
    values, and a note on day-first v. month-first.

    Values are grouped by shape (digits and letters collapsed); each group gets the
    formats that parse all of its (up to 400 checked) values. Day-first v. month-first is
    decided over all groups: a day field > 12 settles it; when nothing does, day-first is
    assumed, except with AM/PM (a US habit).
    """
    counts = Counter(values)
    groups: dict[str, list[str]] = defaultdict(list)
    for value in counts:
        groups[re.sub(r"\d+", "9", re.sub(r"[A-Za-z]+", "a", value))].append(value)
    fits: dict[str, list[str]] = {}
    for shape, members in groups.items():
        candidates = [f for f in TIMESTAMP_FORMATS if any(_parses(f, v) for v in members[:5])]
        checked = members[:400]
        # an impossible date or two (30.02.) among them
        allowed = sum(counts[v] for v in checked) // 50
        fits[shape] = [f for f in candidates
                       if sum(counts[v] for v in checked if _parses(f, v) is None) <= allowed]
    orientation, evidence = None, ""
    for shape, found in fits.items():
        for fmt in found:
            twin = _month_first(fmt)
            if twin and twin not in found:
                orientation = "day" if fmt.index("%d") < fmt.index("%m") else "month"
                example = next(v for v in groups[shape]
                               if _parses(twin, v) is None and _parses(fmt, v))
                parsed = _parses(fmt, example)
                evidence = (f"{orientation} first: {example} has "
                            f"{parsed.day if orientation == 'day' else parsed.month} "
                            f"{'> 12' if orientation == 'day' else ''}").rstrip()
                if orientation == "month":
                    evidence = f"month first: {example} has day {parsed.day} > 12"
                break
        if orientation:
            break
    chosen: list[tuple[str, int]] = []
    unparsed = 0
    ambiguous = False
    for shape, found in sorted(fits.items(), key=lambda kv: -sum(counts[v] for v in
                                                                  groups[kv[0]])):
        size = sum(counts[v] for v in groups[shape])
        if not found:
            unparsed += size
            continue
        preferred = found
        if orientation:
            preferred = [f for f in found if _month_first(f) is None
                         or (f.index("%d") < f.index("%m")) == (orientation == "day")] or found
        elif any(_month_first(f) for f in found):
            ambiguous = True
            us = any("%p" in f for f in found)
            preferred = [f for f in found if _month_first(f) is None
                         or (f.index("%d") > f.index("%m")) == us] or found
        fmt = preferred[0]
        failed = sum(counts[v] for v in groups[shape] if _parses(fmt, v) is None)
        unparsed += failed
        size -= failed
        for known, n in chosen:
            if known == fmt:
                chosen[chosen.index((known, n))] = (known, n + size)
                break
        else:
            chosen.append((fmt, size))
    if ambiguous and not orientation:
        us = any("%p" in f for f, _ in chosen)
        evidence = (f"no day or month > 12 seen: {'month' if us else 'day'} first assumed"
                    f"{' (AM/PM)' if us else ''} — check")
    return chosen, unparsed, evidence


def _as_timestamp(guess: ColumnGuess, values: list[str]) -> ColumnGuess | None:
    distinct = list(dict.fromkeys(values))[:5_000]
    shaped = sum(1 for v in distinct if _STAMP_SHAPE.match(v))
    if shaped < 0.9 * len(distinct):
        return None
    chosen, unparsed, evidence = fit_timestamp_formats(values)
    if len(values) >= 50 and len(chosen) > 1:
        # a format only a stray value or two use is more likely an error than a habit
        minor = [(f, n) for f, n in chosen[1:] if n <= _tolerance(len(values))]
        chosen = [c for c in chosen if c not in minor]
        unparsed += sum(n for _, n in minor)
    if not chosen or unparsed > _tolerance(len(values)):
        return None
    formats = tuple(f for f, _ in chosen)
    if all(is_time_only(f) for f in formats):
        guess.type = "time"
    elif all(is_date_only(f) for f in formats):
        guess.type = "date"
    else:
        guess.type = "datetime"
    guess.formats = formats
    if unparsed:
        for value in dict.fromkeys(values):
            if not any(_parses(f, value) for f in formats):
                guess.bad.append(value)
                if len(guess.bad) == 3:
                    break
        guess.bad_count = unparsed
    if len(chosen) == 1:
        reason = f"{_plural(len(values), 'value')} like {guess.example} → {formats[0]}"
    else:
        parts = []
        for fmt, n in chosen:
            example = next(v for v in values if _parses(fmt, v))
            parts.append(f"{_n(n)} like {example}")
        reason = ", ".join(parts) + " → " + " or ".join(formats)
    if evidence:
        reason += f"; {evidence}"
    guess.reason = reason + _bad_note(guess)
    return guess


_HMS = re.compile(r"^-?\d+:\d{2}:\d{2}(?:[.,]\d+)?$")
_MMSS = re.compile(r"^-?\d+:\d{2}(?:[.,]\d+)?$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)?|\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|[.,]\d+)$")


def _clock_like_duration(guess: ColumnGuess, values: list[str]) -> bool:
    """Is an H:MM:SS / M:SS looking column a duration (else a time of day)?"""
    if _duration_named(guess.norm):
        return True
    if _WORDS["time_of_day"].search(guess.norm):
        return False
    first = []
    for value in values[:5_000]:
        head = value.lstrip("-").split(":")[0]
        if head.isdigit():
            first.append(int(head))
    if not first:
        return False
    if max(first) > 23:
        return True
    if any(_HMS.match(v) for v in values[:50]):
        return sum(1 for f in first if f == 0) > 0.5 * len(first)
    return statistics.median(first) < 7


def _number_style(values: Iterable[str], comma_decimal: bool | None
                  ) -> tuple[str, str | None, list[float]] | None:
    """(decimal separator, thousands separator, numbers) when every value is a number."""
    values = list(values)
    decimal = None
    has_dot_groups = has_comma_groups = False
    for value in values:
        body = value.lstrip("+-")
        if "." in body and "," in body:
            decimal = "," if body.rindex(",") > body.rindex(".") else "."
            break
    if decimal is None:
        for value in values:
            body = value.lstrip("+-")
            for sep in (",", "."):
                if sep in body:
                    if body.count(sep) > 1:
                        if sep == ".":
                            has_dot_groups = True
                        else:
                            has_comma_groups = True
                        continue
                    tail = body.split(sep)[1]
                    if len(tail) != 3:
                        decimal = sep
                    elif sep == ".":
                        has_dot_groups = True
                    else:
                        has_comma_groups = True
            if decimal:
                break
    if decimal is None:
        if has_comma_groups and not has_dot_groups or has_dot_groups and not has_comma_groups:
            decimal = "," if comma_decimal else "."
        else:
            decimal = "," if comma_decimal else "."
    thousands = "." if decimal == "," else ","
    numbers, grouped = [], False
    for value in values:
        body = value
        if thousands in body:
            if not re.fullmatch(rf"[+-]?\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+"
                                rf"(?:{re.escape(decimal)}\d+)?", body):
                return None
            grouped = True
            body = body.replace(thousands, "")
        try:
            numbers.append(float(body.replace(decimal, ".")))
        except ValueError:
            return None
    return decimal, (thousands if grouped else None), numbers


def _numbers_or_bad(values: list[str], comma_decimal: bool | None
                    ) -> tuple[tuple[str, str | None, list[float]], list[str]] | None:
    good = [v for v in values if _NUMBER.match(v)]
    bad = [v for v in values if not _NUMBER.match(v)]
    if not good or len(bad) > _tolerance(len(values)):
        return None
    style = _number_style(good, comma_decimal)
    if style is None:
        return None
    return style, bad


def _as_duration(guess: ColumnGuess, values: list[str], comma_decimal: bool | None
                 ) -> ColumnGuess | None:
    hms = [v for v in values if _HMS.match(v)]
    mmss = [v for v in values if _MMSS.match(v)]
    numbers = [v for v in values if _NUMBER.match(v)]
    bad = [v for v in values if not (_HMS.match(v) or _MMSS.match(v) or _NUMBER.match(v))]
    if len(bad) > _tolerance(len(values)):
        return None
    clock = len(hms) + len(mmss)
    named = _duration_named(guess.norm)
    if not clock and not named:
        return None
    if clock and not _clock_like_duration(guess, values):
        return None
    # a seconds (or minutes) field over 59 is not a valid clock duration
    for value in hms + mmss:
        parts = value.lstrip("-").split(":")
        if int(parts[-1].split(".")[0].split(",")[0]) > 59 or (len(parts) == 3
                                                              and int(parts[1]) > 59):
            bad.append(value)
    guess.bad = list(dict.fromkeys(bad))[:3]
    guess.bad_count = len(bad)
    shares = {"hms": len(hms), "mmss": len(mmss), "seconds": len(numbers)}
    dominant = max(shares, key=shares.get)
    total = len(values)
    if shares[dominant] >= 0.8 * total or sum(1 for s in shares.values() if s) == 1:
        fmt = dominant
    else:
        fmt = "auto"
    style = None
    if numbers:
        style = _number_style(numbers, comma_decimal)
        if style is None and fmt == "seconds":
            return None
    if fmt == "seconds":
        if _WORDS["ms"].search(guess.norm):
            fmt = "milliseconds"
        elif _WORDS["minutes"].search(guess.norm):
            fmt = "minutes"
    guess.type, guess.format = "duration", fmt
    if style:
        guess.decimal_separator, guess.thousands_separator, parsed = style
        guess.low, guess.high = min(parsed), max(parsed)
        guess.integer = all(p.is_integer() for p in parsed)
    like = {"hms": "H:MM:SS", "mmss": "M:SS", "seconds": "plain numbers"}
    if fmt == "auto":
        parts = [f"{_n(n)} {like[k]} (like {next(v for v in values if _shape_of(v) == k)})"
                 for k, n in shares.items() if n]
        reason = "auto: " + ", ".join(parts)
    else:
        example = next((v for v in values if _shape_of(v) == dominant), guess.example)
        reason = f"{_plural(shares[dominant], 'value')} like {example} → {fmt}"
        if fmt == "milliseconds" and guess.high is not None:
            reason += f" (header says ms; up to {_n(int(guess.high))})"
        elif fmt == "seconds" and guess.high is not None and guess.integer \
                and statistics.median(float(v.replace(",", ".")) for v in numbers[:2_000]
                                      if "." not in v or "," not in v) > 10_000:
            reason += " (large: milliseconds? the header does not say)"
        minority = [f"{_n(n)} {like[k]} like "
                    f"{next(v for v in values if _shape_of(v) == k)}"
                    for k, n in shares.items() if n and k != dominant]
        if minority:
            reason += f"; {', '.join(minority)} rejected with {fmt} (auto would read them)"
    if guess.thousands_separator:
        reason += f"; thousands written with '{guess.thousands_separator}' (like " \
                  f"{next(v for v in values if guess.thousands_separator in v)})"
    guess.reason = reason + _bad_note(guess)
    return guess


def _shape_of(value: str) -> str:
    if _HMS.match(value):
        return "hms"
    if _MMSS.match(value):
        return "mmss"
    return "seconds" if _NUMBER.match(value) else "other"


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^(?:\+|00)?[\d\s().\-/]{6,22}$")
_OFFSET = re.compile(r"^(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?$")


def _as_contact_point(guess: ColumnGuess, values: list[str]) -> ColumnGuess | None:
    tolerance = _tolerance(len(values))
    emails = sum(1 for v in values if _EMAIL.match(v))
    if len(values) - emails <= tolerance and emails:
        guess.type = "email"
        guess.reason = f"{_n(emails)} e-mail addresses like {guess.example}"
        return guess
    phones = [v for v in values if _PHONE.match(v)
              and 7 <= sum(c.isdigit() for c in v) <= 15]
    if has_words(guess.name, "phone"):
        tolerance = max(tolerance, len(values) // 4)  # extensions on internal calls
    if len(values) - len(phones) > tolerance or not phones:
        return None
    phone_set = set(phones)
    guess.bad = list(dict.fromkeys(v for v in values if v not in phone_set))[:3]
    marked = sum(1 for v in phones if v.startswith(("+", "00", "0", "(")) or " " in v)
    if has_words(guess.name, "phone") or marked >= 0.2 * len(phones):
        guess.type = "phone"
        guess.reason = f"{_plural(len(phones), 'phone number')} like {phones[0]}"
        if len(phones) < len(values):
            guess.reason += (f"; {_plural(len(values) - len(phones), 'other value')} "
                             f"(like {guess.bad[0]}): no customer_key for those")
        return guess
    return None


def _as_number(guess: ColumnGuess, values: list[str], comma_decimal: bool | None
               ) -> ColumnGuess | None:
    percent = [v for v in values if re.fullmatch(r"[+-]?[\d.,]+\s?%", v)]
    plain = [v.rstrip("%").strip() for v in values]
    found = _numbers_or_bad(plain, comma_decimal)
    if found is None:
        return None
    (decimal, thousands, numbers), bad = found
    guess.decimal_separator, guess.thousands_separator = decimal, thousands
    guess.low, guess.high = min(numbers), max(numbers)
    guess.integer = all(n.is_integer() for n in numbers)
    guess.bad, guess.bad_count = bad[:3], len(bad)
    if percent and len(percent) >= 0.5 * len(values):
        guess.type = "percent"
    else:
        guess.type = "integer" if guess.integer else "number"
    low = _n(int(guess.low)) if guess.low.is_integer() else f"{guess.low:g}"
    high = _n(int(guess.high)) if guess.high.is_integer() else f"{guess.high:g}"
    guess.reason = (f"{'whole ' if guess.integer else ''}numbers {low}..{high}"
                    + (f" (decimal '{decimal}', like {next((v for v in values if decimal in v), guess.example)})"  # noqa: E501
                       if not guess.integer else "")
                    + (" with %" if guess.type == "percent" else "")) + _bad_note(guess)
    return guess


def _as_text(guess: ColumnGuess, values: list[str]) -> ColumnGuess:
    if _OFFSET.match(values[0]) and all(_OFFSET.match(v) for v in values[:2_000]):
        guess.type = "offset"
        guess.reason = f"UTC offsets like {guess.example}"
        return guess
    spaced = sum(1 for v in values if " " in v)
    average = sum(map(len, values)) / len(values)
    if spaced >= 0.5 * len(values) and average >= 20 and guess.distinct > 3:
        guess.type = "text"
        guess.reason = f"free text, {_plural(guess.distinct, 'distinct value')}"
    elif guess.distinct <= 0.5 * len(values) or (
            guess.distinct <= MAX_CODES
            and sum(1 for v in values if any(c.isdigit() for c in v)) < 0.5 * len(values)):
        guess.type = "code"
        guess.reason = f"{_plural(guess.distinct, 'distinct value')}: " + ", ".join(
            _short(v, 20) for v, _ in guess.top[:4]) + (", ..." if guess.distinct > 4 else "")
    elif guess.distinct >= 0.5 * len(values) and spaced <= 0.1 * len(values) \
            and average <= 40:
        guess.type = "id"
        guess.reason = f"{_plural(guess.distinct, 'distinct value')} like {guess.example}"
    else:
        guess.type = "text"
        guess.reason = f"free text, {_plural(guess.distinct, 'distinct value')}"
    return guess


def classify_column(name: str, cells: Sequence[str | None], comma_decimal: bool | None = None,
                    file_pairs: dict[str, str] | None = None) -> ColumnGuess:
    """What a column holds, from its sampled cells and its header.

    ``comma_decimal``: the file writes decimal commas (settles ``1.234`` as one thousand
    two hundred and thirty-four); ``file_pairs``: flag words seen paired in other columns
    (``n`` -> ``s``), to complete a column that holds only one of them.
    """
    values = [c.strip() for c in cells if c is not None and c.strip()]
    counter = Counter(values)
    guess = ColumnGuess(name=name, type="empty", count=len(values),
                        empty=len(cells) - len(values), distinct=len(counter),
                        top=counter.most_common(MAX_CODES + 1),
                        example=values[0] if values else None)
    if not values:
        guess.reason = f"empty in all {_plural(len(cells), 'sampled row')}"
        return guess
    scores = name_scores(name)
    if any(scores.get(f, 0) >= 9 for f in ID_FIELDS):
        return _as_text(guess, values)  # ids stay text, even 1794816005.41 or 00012
    flag = _as_flag(guess, values, file_pairs or {})
    if flag:
        return flag
    stamp = _as_timestamp(guess, values)
    if stamp and stamp.type != "time":
        return stamp
    if stamp:
        stamp_state = (stamp.type, stamp.formats, stamp.reason, stamp.bad, stamp.bad_count)
    duration = _as_duration(guess, values, comma_decimal)
    if duration:
        return duration
    if stamp:
        guess.type, guess.formats, guess.reason, guess.bad, guess.bad_count = stamp_state
        return guess
    if has_words(name, "phone") or has_words(name, "email"):
        contact = _as_contact_point(guess, values)
        if contact:
            return contact
    number = _as_number(guess, values, comma_decimal)
    if number:
        if number.integer and has_words(name, "phone"):
            contact = _as_contact_point(guess, values)
            if contact:
                return contact
        return number
    contact = _as_contact_point(guess, values)
    if contact:
        return contact
    return _as_text(guess, values)


def file_decimal_comma(sample: Sample) -> tuple[bool, str]:
    """Does the file write decimal commas? Numbers like ``12,5`` (a comma not followed by
    exactly three digits) in a file not delimited by commas say so."""
    comma = dot = 0
    example = None
    for index in range(len(sample.header)):
        for value in sample.column(index)[:2_000]:
            if not value:
                continue
            if re.fullmatch(r"-?\d+,\d{1,2}|-?\d+,\d{4,}|-?\d{1,3}(?:\.\d{3})+,\d+", value):
                comma += 1
                example = example or value
            elif re.fullmatch(r"-?\d+\.\d{1,2}|-?\d+\.\d{4,}|-?\d{1,3}(?:,\d{3})+\.\d+",
                              value):
                dot += 1
    if comma > dot:
        return True, f"{_plural(comma, 'number')} like {example} → decimal comma"
    return False, ""


def flag_pairs(sample: Sample) -> dict[str, str]:
    """Flag words and their partners as this file writes them, lower-cased: from columns
    holding a true and a false word (``s`` <-> ``n``), else from words seen anywhere in
    the file's one- or two-word columns (a ``J`` column makes ``N``'s partner ``J``)."""
    pairs: dict[str, str] = {}
    seen: set[str] = set()
    for index in range(len(sample.header)):
        words = {v.strip().lower() for v in sample.column(index)[:5_000] if v}
        if not 1 <= len(words) <= 2 or not words <= set(TRUE_WORDS) | set(FALSE_WORDS):
            continue
        seen |= words
        trues, falses = words & set(TRUE_WORDS), words & set(FALSE_WORDS)
        if len(trues) == 1 and len(falses) == 1:
            (true,), (false,) = trues, falses
            pairs.setdefault(true, false)
            pairs.setdefault(false, true)
    for word in seen:
        if word not in pairs:
            partner = next((p for p in PARTNERS.get(word, ()) if p in seen), None)
            if partner:
                pairs[word] = partner
    return pairs


# --- codes: value_maps guesses ------------------------------------------------------------

CHANNEL_WORDS = {
    "voice": ("voice", "phone", "telephone", "telefone", "telefon", "telefono", "tel", "call",
              "calls", "anruf", "llamada", "chamada", "appel", "callback", "voz", "voix",
              "ivr", "inbound call", "phone call", "audio", "telefonie", "ligacao"),
    "chat": ("chat", "webchat", "web chat", "livechat", "live chat", "messaging", "messenger",
             "whatsapp", "in app chat", "conversa web"),
    "email": ("email", "e mail", "mail", "correo", "courriel", "correio", "e-mail"),
    "sms": ("sms", "text", "texto", "text message", "mensagem"),
    "social": ("social", "twitter", "facebook", "instagram", "social media",
               "redes sociais", "redes sociales", "reseaux sociaux"),
    "post": ("post", "letter", "brief", "carta", "courrier", "postal"),
}
REASON_WORDS = (  # checked in order: the first match wins
    ("cancellation", ("cancel", "leaving", "kundigung", "kuendigung", "resiliation", "churn",
                      "baja", "close account", "termination", "rescisao", "storno")),
    ("moving_home", ("move", "moving", "mudanca", "umzug", "mudanza", "demenagement",
                     "relocation", "new home")),
    ("technical_fault", ("fault", "tech", "avaria", "storung", "stoerung", "averia",
                         "panne", "outage", "broken", "repair", "incidencia", "defeito",
                         "incident", "stoer")),
    ("payment", ("pay", "pagamento", "pago", "zahlung", "paiement", "direct debit",
                 "lastschrift", "debit", "refund")),
    ("billing_query", ("bill", "invoice", "rechnung", "fatura", "factura", "facture",
                       "statement", "tarif")),
    ("account_update", ("account", "details", "acct", "daten", "dados", "datos", "donnees",
                        "update", "address", "adresse", "personal", "alteracao", "profile",
                        "cambio")),
)
ORG_WORDS = (("client", ("client", "kunde", "cliente", "customer", "auftraggeber")),
             ("own", ("own", "internal", "intern", "interno", "vendor", "bpo", "self",
                      "in house")))


def guess_code(canonical: str, word: str) -> str | None:
    """A canonical code for a source word of a code column, or None when unsure."""
    norm = normalise(word)
    if canonical == "channel":
        if norm in CHANNELS:
            return norm
        for code, words in CHANNEL_WORDS.items():
            if norm in words:
                return code
        tokens = set(norm.split())
        for code, words in CHANNEL_WORDS.items():
            if tokens & {w for w in words if " " not in w and len(w) > 3}:
                return code
        return None
    if canonical == "contact_reason":
        if norm.replace(" ", "_") in CONTACT_REASONS:
            return norm.replace(" ", "_")
        for code, words in REASON_WORDS:
            if any(w in norm for w in words):
                return code
        return None
    if canonical == "evaluator_org":
        if norm in ("own", "client"):
            return norm
        for code, words in ORG_WORDS:
            if any(re.search(rf"\b{w}\b", norm) for w in words):
                return code
    return None


def _code_share(canonical: str, guess: ColumnGuess) -> float:
    values = [v for v, _ in guess.top[:MAX_CODES]]
    return sum(1 for v in values if guess_code(canonical, v)) / max(1, len(values))


def _words_in(guess: ColumnGuess, words: set[str]) -> list[str]:
    """The column's values (as written, trimmed, first spelling) whose lower case is in
    ``words``."""
    found: dict[str, str] = {}
    for value, _ in guess.top:
        key = value.strip().lower()
        if key in words:
            found.setdefault(key, value.strip())
    return list(found.values())


# --- fields: placing canonical columns ----------------------------------------------------


def fits(canonical: str, guess: ColumnGuess) -> bool:
    """Can the column hold this canonical field, by its values?"""
    kind = guess.type
    if canonical.startswith("section:") or canonical == "score_pct":
        return kind in ("integer", "number", "percent") and guess.low is not None \
            and guess.low >= 0 and guess.high <= 200
    if canonical in ID_FIELDS:
        return kind in ("id", "integer", "code")
    if canonical in ("queue", "agent_id", "evaluator_id"):
        return kind in ("code", "id", "integer", "text")
    if canonical in ("channel", "contact_reason"):
        return kind == "code"
    if canonical == "evaluator_org":
        return kind == "code" and guess.distinct <= 6
    if canonical in TIMESTAMP_COLUMN.values():
        return kind in ("datetime", "date", "time")
    if canonical in FLAG_FIELDS:
        return kind == "flag"
    if canonical in DURATION_FIELDS:
        return kind == "duration" or (kind in ("integer", "number") and guess.low >= 0)
    if canonical == "csat":
        return kind in ("integer", "number") and guess.low >= 0 and guess.high <= 110
    if canonical == "nps":
        return kind == "integer" and guess.low >= 0 and guess.high <= 12
    if canonical == "comment":
        return kind in ("text", "code", "id")
    return False


def kind_fields(kind: str) -> list[str]:
    names = list(CANONICAL_COLUMNS[kind])
    if kind == "qa":
        names += [f"section:{s}" for s in SECTIONS]
    return names


def map_fields(kind: str, guesses: Sequence[ColumnGuess], exclude: Iterable[str] = ()
               ) -> dict[str, tuple[str, int]]:
    """Canonical field -> (source column, name score), greedily by score then file order;
    each source column placed once."""
    allowed = set(kind_fields(kind))
    excluded = set(exclude)
    candidates = []
    for position, guess in enumerate(guesses):
        if guess.name in excluded or guess.type == "empty":
            continue
        for canonical, score in name_scores(guess.name).items():
            if canonical not in allowed or not fits(canonical, guess):
                continue
            if canonical == KEY_COLUMN[kind] and score <= 4:
                score += 1  # a bare "ID" is the kind's own key before a reference
            candidates.append((-score, position, canonical, guess.name))
    placed: dict[str, tuple[str, int]] = {}
    used: set[str] = set()
    for negative, _, canonical, column in sorted(candidates):
        if canonical in placed or column in used:
            continue
        placed[canonical] = (column, -negative)
        used.add(column)
    return placed


KIND_SPECIFIC = {
    "contacts": {"channel", "queue", "answered", "abandoned", "wait_s", "talk_s", "hold_s",
                 "wrap_s", "transferred", "complaint", "contact_reason", "started_at"},
    "surveys": {"survey_id", "csat", "nps", "resolved", "comment", "responded_at"},
    "qa": {"evaluation_id", "evaluator_id", "evaluator_org", "score_pct", "critical_fail",
           "evaluated_at", *(f"section:{s}" for s in SECTIONS)},
}
KIND_FILE_WORDS = {
    "contacts": r"(call|contact|interaction|cdr|acd|anruf|contacto|chamada|llamada|appel|"
                r"calllog|conversation|ticket)",
    "surveys": r"(csat|survey|nps|inquerito|umfrage|encuesta|enquete|feedback|satisf)",
    "qa": r"(\bqa\b|quality|qualidade|qualitat|evaluation|avaliac|bewertung|calidad|"
          r"qualite|scorecard|audit)",
}


def kind_scores(guesses: Sequence[ColumnGuess], file_name: str) -> dict[str, float]:
    """How strongly the file's columns (and name) say contacts, surveys or qa."""
    name = normalise(PurePath(file_name).name.split(".")[0])
    scores = {}
    for kind in KINDS:
        placed = map_fields(kind, guesses)
        score = sum(s if c not in TIMESTAMP_COLUMN.values() else s / 2
                    for c, (_, s) in placed.items() if c in KIND_SPECIFIC[kind])
        if re.search(KIND_FILE_WORDS[kind], name):
            score += 5
        scores[kind] = score
    return scores


# --- keys ---------------------------------------------------------------------------------


class Uniqueness(Protocol):
    """Counts over every row of the file, for the key search."""

    rows: int

    def distinct(self, columns: Sequence[str]) -> tuple[int, int]:
        """(distinct value combinations among rows where every column has a value,
        rows where some column is empty)."""

    def distinct_rows(self) -> int:
        """Rows left when exact repeats are set aside."""

    def sharing_rows(self, columns: Sequence[str]) -> int:
        """Distinct rows whose key value another, different row also has."""


class RowsUniqueness:
    """The oracle over rows in memory (XLSX sheets, tests)."""

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[str | None]]):
        self.index = {name: i for i, name in enumerate(header)}
        self.data = [tuple(r) for r in rows]
        self.rows = len(self.data)

    def _keys(self, columns: Sequence[str], rows: Iterable[tuple]) -> tuple[Counter, int]:
        positions = [self.index[c] for c in columns]
        keys, missing = Counter(), 0
        for row in rows:
            key = tuple(row[p] for p in positions)
            if any(k is None for k in key):
                missing += 1
            else:
                keys[key] += 1
        return keys, missing

    def distinct(self, columns: Sequence[str]) -> tuple[int, int]:
        keys, missing = self._keys(columns, self.data)
        return len(keys), missing

    def distinct_rows(self) -> int:
        return len(set(self.data))

    def sharing_rows(self, columns: Sequence[str]) -> int:
        keys, _ = self._keys(columns, set(self.data))
        return sum(n for n in keys.values() if n > 1)


class DuckDBUniqueness:
    """The oracle over a DuckDB relation holding every row of the file as text."""

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str):
        self.con, self.table = con, table
        self.rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def distinct(self, columns: Sequence[str]) -> tuple[int, int]:
        cols = ", ".join(quote_ident(c) for c in columns)
        missing = " OR ".join(f"{quote_ident(c)} IS NULL" for c in columns)
        present = " AND ".join(f"{quote_ident(c)} IS NOT NULL" for c in columns)
        return self.con.execute(
            f"SELECT (SELECT count(*) FROM (SELECT DISTINCT {cols} FROM {self.table} "
            f"WHERE {present})), (SELECT count(*) FROM {self.table} WHERE {missing})"
        ).fetchone()

    def distinct_rows(self) -> int:
        return self.con.execute(
            f"SELECT count(*) FROM (SELECT DISTINCT * FROM {self.table})").fetchone()[0]

    def sharing_rows(self, columns: Sequence[str]) -> int:
        cols = ", ".join(quote_ident(c) for c in columns)
        present = " AND ".join(f"{quote_ident(c)} IS NOT NULL" for c in columns)
        return self.con.execute(
            f"SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM (SELECT DISTINCT * "
            f"FROM {self.table}) WHERE {present} GROUP BY {cols} HAVING count(*) > 1)"
        ).fetchone()[0]


@dataclass(frozen=True)
class KeyChoice:
    columns: tuple[str, ...]        # the key's source column(s); () for a synthetic key
    legs: str | None = None         # "leg_column" | "order_by": the second column's role
    synthetic: str | None = None    # "row"
    exact_repeats: int = 0          # rows that repeat an earlier row exactly
    conflicts: int = 0              # rows sharing the key with a different row
    reason: str = ""


def choose_key(oracle: Uniqueness, kind: str, id_column: str | None,
               singles: Sequence[str] = (), partners: Sequence[str] = (),
               leg_columns: Sequence[str] = (), started_at: str | None = None,
               header: Sequence[str] = ()) -> KeyChoice:
    """The key: the named id column when unique (exact repeats aside); else the first
    partner making a unique pair with it (a leg number or the start time of a contacts
    file: legs); else another unique column; else a pair of id-like columns; else a
    synthetic row key.

    ``singles``: other id-like columns, best first; ``partners``: columns to pair with,
    best first; ``leg_columns``: partners that number legs.
    """
    total = oracle.rows
    repeats = total - oracle.distinct_rows()
    rows = _plural(total, "row")
    allowed_missing = max(2, total // 100)   # rows without a key value: rejected at load
    repeat_note = (f"; {_plural(repeats, 'row')} exactly {_verb(repeats, 'repeats')} an "
                   "earlier row (rejected as duplicates)") if repeats else ""

    def state(columns: Sequence[str]) -> tuple[str, int]:
        distinct, missing = oracle.distinct(columns)
        if missing > allowed_missing:
            return "missing", missing
        present = total - missing
        if distinct == present:
            return "unique", missing
        if repeats and distinct >= present - repeats:
            return "unique_but_repeats", missing
        return "repeats", missing

    def missing_note(missing: int) -> str:
        return f"; {_plural(missing, 'row')} without a value (rejected)" if missing else ""

    def ordered(pair: Sequence[str]) -> tuple[str, ...]:
        return tuple(sorted(pair, key=lambda c: header.index(c) if c in header else 0))

    def pair_choice(first: str, partner: str) -> KeyChoice | None:
        found, missing = state((first, partner))
        if found not in ("unique", "unique_but_repeats"):
            return None
        extra = (repeat_note if found == "unique_but_repeats" else "") + missing_note(missing)
        distinct, _ = oracle.distinct((first,))
        again = total - (repeats if found == "unique_but_repeats" else 0) - distinct
        if kind == "contacts" and partner in leg_columns:
            return KeyChoice((first, partner), legs="leg_column", exact_repeats=repeats,
                             reason=f"{first} repeats on {_plural(again, 'row')}; with "
                                    f"{partner} it is unique over all {rows}: one row per "
                                    f"leg{extra}")
        if kind == "contacts" and partner == started_at:
            return KeyChoice((first, partner), legs="order_by", exact_repeats=repeats,
                             reason=f"{first} repeats on {_plural(again, 'row')} with "
                                    f"different start times and no leg number: one row per "
                                    f"leg, ordered by start{extra}")
        pair = ordered((first, partner))
        return KeyChoice(pair, exact_repeats=repeats,
                         reason=f"{first} repeats on {_plural(again, 'row')}; "
                                f"({', '.join(pair)}) is unique over all {rows}{extra}")

    id_state = state((id_column,)) if id_column else ("none", 0)
    if id_state[0] == "unique":
        return KeyChoice((id_column,), reason=f"unique over all {rows}"
                                               + missing_note(id_state[1]))
    if id_state[0] == "unique_but_repeats":
        return KeyChoice((id_column,), exact_repeats=repeats,
                         reason=f"unique over all {rows} once exact repeats are set "
                                f"aside{repeat_note}{missing_note(id_state[1])}")
    if id_state[0] == "repeats":
        # An id on a row or two more is a conflict (on_conflict), not a second key part:
        # then only a leg number or a line/site column (named so) may complete the key.
        few = oracle.sharing_rows((id_column,)) <= allowed_missing
        for partner in partners:
            named = partner in leg_columns or has_words(partner, "line")
            if few and not named:
                continue
            if partner != id_column and (choice := pair_choice(id_column, partner)):
                return choice
    for column in singles:
        if column != id_column and state((column,))[0] == "unique":
            return KeyChoice((column,), reason=f"unique over all {rows}")
    if id_state[0] == "repeats":
        conflicts = oracle.sharing_rows((id_column,))
        if conflicts <= max(2, total // 100):
            return KeyChoice((id_column,), exact_repeats=repeats, conflicts=conflicts,
                             reason=f"{_plural(conflicts, 'row')} share an id with a "
                                    f"different row{repeat_note}")
    for first in [c for c in singles if c != id_column][:3]:
        for partner in partners:
            if partner != first and (choice := pair_choice(first, partner)):
                return choice
    if repeats:
        why = (f"no column or pair of columns is unique; {_plural(repeats, 'row')} exactly "
               f"{_verb(repeats, 'repeats')} an earlier row")
    else:
        why = "no column or pair of columns is unique (no id in the file)"
    return KeyChoice((), synthetic="row", exact_repeats=repeats,
                     reason=why + ": the key is the file name and the row number")


def open_oracle(sample: Sample) -> tuple[Uniqueness, duckdb.DuckDBPyConnection | None]:
    """Counts over every row of the file: DuckDB reads CSV and Parquet files whole (with
    the sniffed dialect); an XLSX sheet's rows are already in memory."""
    if sample.format == "xlsx":
        return RowsUniqueness(sample.header, sample.all_rows or sample.rows), None
    con = duckdb.connect()
    columns = ", ".join(f"NULLIF(trim(CAST({quote_ident(c)} AS VARCHAR)), '') AS "
                        f"{quote_ident(c)}" for c in sample.header)
    try:
        if sample.format == "parquet":
            con.execute(f"CREATE TABLE whole AS SELECT {columns} FROM read_parquet($path)",
                        {"path": str(sample.path)})
        else:
            con.execute(
                f"CREATE TABLE whole AS SELECT {columns} FROM read_csv($path, "
                "columns = $columns, header = true, auto_detect = false, delim = $delim, "
                "quote = $quote, escape = $quote, skip = $skip, encoding = $encoding, "
                "compression = $compression, ignore_errors = true)",
                {"path": str(sample.path), "columns": {c: "VARCHAR" for c in sample.header},
                 "delim": sample.delimiter, "quote": sample.quote, "skip": sample.skip_rows,
                 "encoding": sample.encoding,
                 "compression": "gzip" if sample.format == "csv.gz" else "none"})
    except duckdb.Error:
        con.close()  # the reader disagrees with the sniffed dialect: fall back to the sample
        return RowsUniqueness(sample.header, sample.rows), None
    return DuckDBUniqueness(con, "whole"), con


# --- file name pattern ----------------------------------------------------------------------

_NAME_DATES = (
    (r"\d{4}-\d{2}-\d{2}", ("%Y-%m-%d",)), (r"\d{4}_\d{2}_\d{2}", ("%Y_%m_%d",)),
    (r"\d{2}\.\d{2}\.\d{4}", ("%d.%m.%Y",)), (r"\d{2}-\d{2}-\d{4}", ("%d-%m-%Y",)),
    (r"\d{8}", ("%Y%m%d", "%d%m%Y")),
)


def name_dates(name: str) -> list[tuple[int, int, str]]:
    """(start, end, strptime format) of each date written in a file name."""
    found = []
    for pattern, formats in _NAME_DATES:
        for match in re.finditer(rf"(?<!\d){pattern}(?!\d)", name):
            if any(s < match.end() and match.start() < e for s, e, _ in found):
                continue
            fmt = next((f for f in formats if _parses(f, match.group())
                        and 1990 < _parses(f, match.group()).year < 2100), None)
            if fmt:
                found.append((match.start(), match.end(), fmt))
    return sorted(found)


def file_pattern(path: Path, exports_root: Path | None, placeholder: str | None = None
                 ) -> tuple[str, str | None, str]:
    """The ``pattern`` for the export: the path under the exports folder (else the parent
    folder's name), the dates and run numbers of the name as ``*`` (the first date as
    ``{placeholder}`` when one is asked for). Returns (pattern, date format of the
    placeholder or None, why)."""
    name = path.name
    dates = name_dates(name)
    date_format = None
    pieces, last = [], 0
    for index, (start, end, fmt) in enumerate(dates):
        pieces.append(name[last:start])
        if index == 0 and placeholder:
            pieces.append("{" + placeholder + "}")
            date_format = fmt
        else:
            pieces.append("*")
        last = end
    pieces.append(name[last:])
    general = "".join(pieces)
    stem, dot, extension = general.partition(".")
    stem = re.sub(r"(?i)(?<![a-z])(kw|wk|week|woche|semana|sem)\d{1,2}(?!\d)", "*", stem)
    stem = re.sub(r"(?<![\d{])\d{4,}(?![\d}])", "*", stem)
    previous = None
    while previous != stem:
        previous = stem
        stem = re.sub(r"\*[_\-. ]*(?:(?:to|bis|a|al|au|ate|until)[_\-. ]*)?\*", "*", stem)
    general = stem + dot + extension
    folder = None
    if exports_root is not None:
        try:
            folder = path.resolve().parent.relative_to(Path(exports_root).resolve())
        except ValueError:
            folder = None
    if folder is None:
        folder = PurePath(path.resolve().parent.name)
    pattern = (PurePath(folder) / general).as_posix() if str(folder) not in ("", ".") \
        else general
    if general == name:
        why = "no date in the file name: this matches this file only; put * where it changes"
    elif placeholder and date_format:
        why = f"the file name's date as {{{placeholder}}} ({date_format}), the rest as *"
    else:
        why = "the file name with its dates as *"
    return pattern, date_format, why


# --- phones ---------------------------------------------------------------------------------

_ONE_DIGIT = {"1", "7"}
_TWO_DIGITS = {"20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44",
               "45", "46", "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58",
               "60", "61", "62", "63", "64", "65", "66", "81", "82", "84", "86", "90", "91",
               "92", "93", "94", "95", "98"}
COUNTRY_OF_CODE = {"1": "US/CA", "7": "RU", "20": "EG", "27": "ZA", "30": "GR", "31": "NL",
                   "32": "BE", "33": "FR", "34": "ES", "36": "HU", "39": "IT", "40": "RO",
                   "41": "CH", "43": "AT", "44": "GB", "45": "DK", "46": "SE", "47": "NO",
                   "48": "PL", "49": "DE", "52": "MX", "55": "BR", "57": "CO", "60": "MY",
                   "61": "AU", "63": "PH", "64": "NZ", "65": "SG", "81": "JP", "82": "KR",
                   "86": "CN", "90": "TR", "91": "IN", "212": "MA", "351": "PT", "353": "IE",
                   "354": "IS", "356": "MT", "420": "CZ", "421": "SK"}


def calling_code(digits: str) -> str:
    if digits[:1] in _ONE_DIGIT:
        return digits[:1]
    if digits[:2] in _TWO_DIGITS:
        return digits[:2]
    return digits[:3]


def guess_country_code(values: Iterable[str]) -> tuple[str | None, str]:
    """The country calling code most international numbers use (``+44``, ``0044``), or
    ``1`` for North American numbers written without it; None when the numbers do not
    say."""
    values = [v.strip() for v in values if v and v.strip()]
    codes: Counter[str] = Counter()
    for value in values:
        digits = re.sub(r"\D", "", value)
        if value.startswith("+"):
            codes[calling_code(digits)] += 1
        elif digits.startswith("00") and len(digits) > 9:
            codes[calling_code(digits[2:])] += 1
    if codes:
        code, count = codes.most_common(1)[0]
        country = COUNTRY_OF_CODE.get(code, "")
        return code, (f"{_n(count)} of {_n(len(values))} numbers are international, "
                      f"{'most ' if len(codes) > 1 else ''}+{code}"
                      + (f" ({country})" if country else ""))
    lengths = Counter(len(re.sub(r"\D", "", v)) for v in values)
    digits_all = [re.sub(r"\D", "", v) for v in values]
    if values and all(len(d) == 10 or (len(d) == 11 and d.startswith("1")) for d in digits_all) \
            and lengths[10]:
        return "1", "10-digit numbers (and 11 digits starting 1): North American (+1)"
    return None, "no number carries an international prefix"


# --- the draft --------------------------------------------------------------------------------


class Raw(str):
    """A YAML scalar written as it is (a canonical code, a number)."""


class Quoted(str):
    """A string always written in quotes (flag words: YAML would read Y, no, 1 as
    booleans and numbers)."""


class Block(list):
    """A nested block mapping: a list of Entry."""


class Items(list):
    """A block sequence: Block items, or (inline value, comment) pairs."""


@dataclass
class Entry:
    key: str | None          # None: a comment line (or a blank line without a comment)
    value: Any = None        # an inline value, a Block or Items
    comment: str = ""
    off: bool = False        # written commented out (a suggestion)


COMMENT_COLUMN = 44
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*(?: [A-Za-z0-9_.\-]+)*")
_YAML_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}


def yaml_scalar(text: str) -> str:
    """A string as a YAML scalar: plain when that reads back as the same string, else
    double-quoted (JSON string syntax is valid YAML)."""
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    if '"' in text and "'" not in text and text.isprintable():
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)


def yaml_inline(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, Quoted):
        return json.dumps(str(value), ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, str):
        return yaml_scalar(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_scalar(str(k))}: {yaml_inline(v)}"
                               for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r} inline")


def _line(text: str, comment: str) -> str:
    if not comment:
        return text
    comment = " ".join(comment.split())
    return f"{text:<{COMMENT_COLUMN}}  # {comment}" if len(text) < COMMENT_COLUMN \
        else f"{text}  # {comment}"


def _emit(entries: Iterable[Entry], indent: int, out: list[str], within_off: bool = False
          ) -> None:
    pad = " " * indent
    for entry in entries:
        off = entry.off and not within_off
        inner_off = within_off or entry.off
        start = len(out)
        if entry.key is None:
            out.append(f"{pad}# {' '.join(entry.comment.split())}" if entry.comment else "")
        elif isinstance(entry.value, Block):
            out.append(_line(f"{pad}{yaml_scalar(entry.key)}:", entry.comment))
            _emit(entry.value, indent + 2, out, inner_off)
        elif isinstance(entry.value, Items):
            out.append(_line(f"{pad}{yaml_scalar(entry.key)}:", entry.comment))
            for item in entry.value:
                if isinstance(item, Block):
                    nested: list[str] = []
                    _emit(item, indent + 4, nested, inner_off)
                    nested[0] = f"{pad}  - {nested[0][indent + 4:]}"
                    out.extend(nested)
                else:
                    value, comment = item
                    out.append(_line(f"{pad}  - {yaml_inline(value)}", comment))
        else:
            out.append(_line(f"{pad}{yaml_scalar(entry.key)}: {yaml_inline(entry.value)}",
                             entry.comment))
        if off:
            for index in range(start, len(out)):
                text = out[index]
                body = text.lstrip(" ")
                if body:
                    out[index] = text[: len(text) - len(body)] + "# " + body


def render_yaml(entries: Sequence[Entry], preamble: Sequence[str] = ()) -> str:
    """The document: comment lines, then the entries (checked to read back as YAML)."""
    out = [f"# {line}" if line else "#" for line in preamble]
    _emit(entries, 0, out)
    text = "\n".join(out) + "\n"
    yaml.safe_load(text)  # raises on a bug in the writer, never on the user's data
    return text


@dataclass
class Draft:
    path: Path
    sample: Sample
    guesses: list[ColumnGuess]
    kinds: list[str]
    key: KeyChoice
    entries: list[Entry]
    preamble: list[str]
    total_rows: int

    @property
    def text(self) -> str:
        return render_yaml(self.entries, self.preamble)


CENTRE_PLACEHOLDERS = (
    ("id", "<centre id>", "FILL IN: lower-case letters, digits and _ (e.g. acme_cpt)"),
    ("name", "<display name>", "FILL IN"),
    ("sourcing", "<in_house or vendor>", "FILL IN"),
    ("vendor", "<vendor company>", "FILL IN, or null for an in-house centre"),
    ("shore", "<onshore, nearshore or offshore>", "FILL IN"),
    ("country", "<XX>", "FILL IN: ISO 3166-1 alpha-2 code of the centre"),
    ("timezone", "<Area/City>", "FILL IN: the IANA zone the local times are written in "
                                "(e.g. Europe/London)"),
)


@dataclass
class _Context:
    """What the export-level keys settle for the columns below them."""

    decimal: str = "."
    duration_format: str | None = None


def _number_value(column: str, guess: ColumnGuess, ctx: _Context) -> Any:
    options = {}
    if guess.decimal_separator and guess.decimal_separator != ctx.decimal \
            and not guess.integer:
        options["decimal_separator"] = guess.decimal_separator
    if guess.thousands_separator:
        options["thousands_separator"] = guess.thousands_separator
    return {"column": column, **options} if options else column


def _duration_value(guess: ColumnGuess, ctx: _Context) -> Any:
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


def _flag_value(guess: ColumnGuess) -> dict[str, Any]:
    return {"column": guess.name, "true_words": [Quoted(w) for w in guess.true_words],
            "false_words": [Quoted(w) for w in guess.false_words]}


def csat_scale(guess: ColumnGuess) -> tuple[int, int, str]:
    """[lowest, highest] answer: from the header (``csat_1_5``, ``Satisfacao_0_10``), else
    the smallest usual scale holding all but stray values."""
    header = re.search(r"(?<!\d)(\d{1,2})\D+(\d{1,3})$", normalise(guess.name))
    if header and int(header.group(1)) < int(header.group(2)) <= 100:
        lo, hi = int(header.group(1)), int(header.group(2))
        return lo, hi, f"the header says {lo}-{hi}; values {guess.low:g}..{guess.high:g}"
    counts = Counter()
    for value, n in guess.top:
        try:
            counts[float(value.replace(",", "."))] += n
        except ValueError:
            continue
    tolerance = _tolerance(guess.count)
    hi = next((h for h in (5, 7, 10, 100)
               if sum(n for v, n in counts.items() if v > h) <= tolerance), 100)
    lo = 0 if sum(n for v, n in counts.items() if v < 1) > tolerance else 1
    above = sum(n for v, n in counts.items() if v > hi)
    reason = f"values {guess.low:g}..{guess.high:g}"
    if above:
        reason += f" ({_plural(above, 'value')} above {hi}: rejected)"
    if lo == 1 and hi == 10:
        reason += "; no 0 seen, so [1, 10] (a 0-10 scale would show some 0s)"
    return lo, hi, reason


def _nps_note(guess: ColumnGuess) -> str:
    """NPS answers are whole 0-10 (there is no scale to set): say what does not fit."""
    counts: Counter[float] = Counter()
    for value, n in guess.top:
        try:
            counts[float(value)] += n
        except ValueError:
            continue
    above = sum(n for v, n in counts.items() if v > 10)
    if guess.high is not None and guess.high <= 5:
        return "; ? NPS answers are 0-10 but these stop at 5: a CSAT column?"
    if above:
        return f"; NPS is 0-10: {_plural(above, 'value')} above 10 rejected"
    return "; NPS 0-10"


def _outcome_column(guesses: Sequence[ColumnGuess]) -> ColumnGuess | None:
    """A code column (status, outcome, disposition) whose values say answered / abandoned."""
    best = None
    for guess in guesses:
        if guess.type != "code" or guess.distinct > 15:
            continue
        hits = _words_in(guess, ANSWER_WORDS | ABANDON_WORDS)
        if hits and (best is None or has_words(guess.name, "outcome")):
            best = guess
    return best


def _direction_column(guesses: Sequence[ColumnGuess]) -> ColumnGuess | None:
    for guess in guesses:
        if guess.type not in ("code", "flag"):
            continue
        words = {v.strip().lower() for v, _ in guess.top}
        if (has_words(guess.name, "direction") or words <= DIRECTION_IN | DIRECTION_OUT) \
                and words & DIRECTION_IN and words & DIRECTION_OUT:
            return guess
    return None


def _distinct_written(values: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.strip().lower(), value.strip())
    return list(seen.values())


def _dst_note(guess: ColumnGuess, cells: Sequence[str | None]) -> str | None:
    """Local times in an autumn clock-change hour (EU: last Sunday of October 01:00-02:59;
    US: first Sunday of November 01:00-01:59) happen twice in most time zones there."""
    hits, example = 0, None
    for value in cells:
        if not value:
            continue
        stamp = next((p for f in guess.formats if (p := _parses(f, value.strip()))), None)
        if stamp is None:
            continue
        day = stamp.date()
        if day.weekday() != 6:
            continue
        eu = day.month == 10 and day.day >= 25 and 1 <= stamp.hour <= 3
        us = day.month == 11 and day.day <= 7 and stamp.hour == 1
        if eu or us:
            hits += 1
            example = example or value.strip()
    if not hits:
        return None
    return (f"? {_plural(hits, 'local time')} (like {example}) fall in the night Europe (last "
            "Sunday of October) or North America (first Sunday of November) turns clocks "
            "back; if the centre's zone does, its repeated hour is rejected unless "
            "ambiguous_times says earliest or latest")


def _placeholder(what: str) -> str:
    return f"<{what}>"


def known_value_maps(config_dir: Path | None) -> dict[str, dict[str, tuple[str, str]]]:
    """Words existing source configs already map: canonical -> lower-cased word ->
    (code, config file name). Read leniently: a broken config is skipped."""
    known: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    if config_dir is None:
        return known
    for path in sorted(Path(config_dir, "sources").glob("*.y*ml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        exports = raw.get("exports") if isinstance(raw, dict) else None
        for export in exports if isinstance(exports, list) else []:
            for kind in KINDS:
                section = export.get(kind) if isinstance(export, dict) else None
                maps = section.get("value_maps") if isinstance(section, dict) else None
                for canonical, mapping in (maps or {}).items() if isinstance(maps, dict) \
                        else ():
                    if isinstance(mapping, dict):
                        for word, code in mapping.items():
                            known[str(canonical)].setdefault(
                                str(word).strip().lower(), (str(code), path.name))
    return known


def build_draft(path: Path, centre_id: str | None = None, exports_root: Path | None = None,
                sample_rows: int = SAMPLE_ROWS, config_dir: Path | None = None) -> Draft:
    """Read the file and assemble the commented proposal. ``config_dir``: existing
    source configs whose value_maps suggest codes for the same words."""
    path = Path(path)
    known = known_value_maps(config_dir)
    sample = read_sample(path, sample_rows)
    comma, comma_why = (file_decimal_comma(sample) if sample.format in ("csv", "csv.gz")
                        else (False, ""))
    pairs = flag_pairs(sample)
    guesses = [classify_column(h, sample.column(i), comma, pairs)
               for i, h in enumerate(sample.header)]
    by_name = {g.name: g for g in guesses}
    scores = kind_scores(guesses, path.name)
    primary = max(KINDS, key=lambda k: (scores[k], -KINDS.index(k)))
    oracle, con = open_oracle(sample)
    if con is None and sample.format != "xlsx" and not sample.complete:
        sample.notes["keys"] = "sampled rows only (DuckDB could not read the whole file)"
    try:
        return _assemble(path, sample, guesses, by_name, primary, scores, oracle, comma,
                         comma_why, centre_id, exports_root, known)
    finally:
        if con is not None:
            con.close()


def _assemble(path: Path, sample: Sample, guesses: list[ColumnGuess],
              by_name: dict[str, ColumnGuess], primary: str, scores: dict[str, float],
              oracle: Uniqueness, comma: bool, comma_why: str, centre_id: str | None,
              exports_root: Path | None, known: dict[str, dict[str, tuple[str, str]]]
              ) -> Draft:
    header = sample.header
    outcome = _outcome_column(guesses) if primary == "contacts" else None
    direction = _direction_column(guesses) if primary == "contacts" else None
    reserved = {g.name for g in (outcome, direction) if g}
    placed = map_fields(primary, guesses, reserved)
    plans: dict[str, dict[str, tuple[str, int]]] = {primary: placed}
    used = {c for c, _ in placed.values()} | reserved
    if primary == "contacts":
        surveys = map_fields("surveys", guesses, used)
        strong = [f for f in ("csat", "nps") if surveys.get(f, ("", 0))[1] >= 9]
        if strong and ("survey_id" in surveys or "responded_at" in surveys):
            surveys.pop("contact_id", None)
            plans["surveys"] = surveys
            used |= {c for c, _ in surveys.values()}

    # timestamps
    timestamps: dict[str, dict[str, Any]] = {}
    for kind, fields_ in plans.items():
        timestamps[kind] = _timestamp_plan(kind, fields_, guesses, used, path, exports_root,
                                           sample.date_cells)
        used |= set(timestamps[kind]["columns"])

    # the key of the main kind
    key_field = KEY_COLUMN[primary]
    id_column = placed.get(key_field, (None, 0))[0]
    started = timestamps[primary]["source"].get("column") if primary == "contacts" else None
    placed_columns = {c for f in plans.values() for c, _ in f.values()}
    singles = [g.name for g in guesses if g.name != id_column and g.name not in placed_columns
               and g.type in ("id", "integer") and g.distinct >= 0.9 * g.count
               and g.empty <= g.count // 50]
    leg_columns = [g.name for g in guesses if has_words(g.name, "leg")
                   and g.type in ("integer", "code", "id", "flag")]
    leg_columns += [g.name for g in guesses if g.type == "integer" and g.low is not None
                    and g.low >= 0 and g.high <= 20 and g.name not in placed_columns
                    and g.name not in leg_columns]
    line_columns = [g.name for g in guesses if has_words(g.name, "line")
                    and g.type in ("code", "id", "integer") and g.name not in leg_columns]
    others = sorted((g for g in guesses if g.type in ("code", "id", "integer")
                     and g.name not in leg_columns + line_columns and g.name != started),
                    key=lambda g: g.distinct)
    partners = list(dict.fromkeys(
        [*line_columns, *leg_columns, *([started] if started else []),
         *(g.name for g in others)]))[:12]
    partners = [p for p in partners if p != id_column]
    key = choose_key(oracle, primary, id_column, singles, partners, leg_columns, started,
                     header)
    total_rows = oracle.rows

    ctx = _Context(decimal="," if comma else ".")
    durations = [by_name[c] for kind, f in plans.items() for name, (c, _) in f.items()
                 if name in DURATION_FIELDS]
    formats = {(g.format or "seconds") for g in durations}
    if len(formats) == 1 and formats <= {"seconds", "hms"}:
        ctx.duration_format = formats.pop()

    export: list[Entry] = []
    placeholder = "day" if timestamps[primary].get("date_from_file") else None
    pattern, _, pattern_why = file_pattern(path, exports_root, placeholder)
    export.append(Entry("pattern", pattern, pattern_why))
    export.append(Entry("format", Raw(sample.format), sample.notes.get("format", "")))
    if sample.sheet:
        export.append(Entry("sheet", sample.sheet, sample.notes.get("sheet", "")))
    if sample.format in ("csv", "csv.gz"):
        export.append(Entry("encoding", Raw(sample.encoding), sample.notes["encoding"]))
        export.append(Entry("delimiter", sample.delimiter, sample.notes["delimiter"]))
        export.append(Entry("quote", sample.quote, sample.notes["quote"]))
    if sample.format in ("csv", "csv.gz", "xlsx"):
        export.append(Entry("skip_rows", sample.skip_rows, sample.notes["skip_rows"]))
    if comma:
        export.append(Entry("decimal_separator", ",", comma_why))
    if ctx.duration_format:
        example = next(g for g in durations if (g.format or "seconds") == ctx.duration_format)
        export.append(Entry("duration_format", Raw(ctx.duration_format),
                            f"every duration column: {example.reason}"))
    export.extend(_identifier_entries(guesses, used | set(key.columns), sample))
    if sample.malformed:
        export.append(Entry(None, comment=f"{_plural(sample.malformed, 'sampled row')} "
                                          "with the wrong field count: rejected at load"))
    for kind in plans:
        stamp_col = timestamps[kind]["source"].get("column")
        if stamp_col and (note := _dst_note(by_name[stamp_col],
                                            sample.column(header.index(stamp_col)))):
            export.append(Entry("ambiguous_times", Raw("earliest"), note, off=True))
            break

    unplaced: list[str] = []
    for kind, fields_ in plans.items():
        block = _kind_block(kind, fields_, plans, timestamps[kind], by_name, guesses, key,
                            primary, outcome, direction, ctx, sample, oracle, unplaced, known)
        export.append(Entry(kind, block, _kind_reason(kind, scores, primary)))
    used_now = _used_columns(export)
    unused = [c for c in header if c not in used_now]
    export.append(Entry(None))
    if unplaced:
        export.append(Entry(None, comment="Not placed (no column found): "
                                          + ", ".join(unplaced)))
    export.append(Entry(None, comment="Source columns not used: "
                                      + (", ".join(f"{c} ({by_name[c].type})" for c in unused)
                                         or "none")))

    centre = Block()
    for name, placeholder_text, why in CENTRE_PLACEHOLDERS:
        if name == "id" and centre_id:
            centre.append(Entry("id", centre_id, "from --centre"))
            continue
        if name == "country":
            code = next((e.comment for e in export if e.key == "default_country_code"), "")
            if code:
                why += f"; the customers' phones say {code.split(' (')[-1].rstrip(')')}"
        centre.append(Entry(name, placeholder_text, why))
    entries = [Entry("centre", centre), Entry(None), Entry("exports", Items([Block(export)]))]
    sampled = len(sample.rows)
    preamble = [
        f"Draft source config for {path.name}, written by `python -m pipelines draft-config`.",
        f"Formats guessed from the first {_plural(sampled, 'data row')}"
        + ("" if sample.complete else " (a sample)")
        + (f"; keys checked over the {_plural(total_rows, 'sampled row')} only "
           "(DuckDB could not read the whole file)." if "keys" in sample.notes
           else f"; keys checked over all {_plural(total_rows, 'row')}."),
        "Every guess says why in its comment. A comment starting with ? is a weak guess;",
        "FILL IN marks what only you know. Save it as <config dir>/sources/<centre id>.yaml,",
        "then dry-run it, load, and look at the rejects:",
        f"  python -m pipelines check {path}",
        f"  python -m pipelines ingest {path}",
        "  python -m pipelines rejects --centre <centre id>",
        "(docs/SOURCE_CONFIG.md explains every key.)",
    ]
    return Draft(path=path, sample=sample, guesses=guesses, kinds=list(plans), key=key,
                 entries=entries, preamble=preamble, total_rows=total_rows)


def _kind_reason(kind: str, scores: dict[str, float], primary: str) -> str:
    if kind != primary:
        return "the same rows also carry a survey (its columns are filled in when one was answered)"
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    return (f"the columns look like {kind} (score {ranked[0][1]:g}; "
            + ", ".join(f"{k} {v:g}" for k, v in ranked[1:]) + ")")


def _source_names(value: Any) -> set[str]:
    """Source columns in a column mapping's value (a name, or a per-column form)."""
    if isinstance(value, Raw) or value is None:
        return set()
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        names = {v for k, v in value.items() if k in ("column", "date", "time", "offset")}
        return names | set(value.get("columns", ()))
    return set()


def _used_columns(entries: Iterable[Entry]) -> set[str]:
    """Source columns the export's entries name (commented-out suggestions aside)."""
    used: set[str] = set()
    for entry in entries:
        if entry.off:
            continue
        if entry.key in ("columns", "sections") and isinstance(entry.value, Block):
            for inner in entry.value:
                if inner.key and not inner.off:
                    used |= _source_names(inner.value)
        elif entry.key in ("present_if", "leg_column"):
            used |= _source_names(entry.value)
        elif entry.key in ("include", "exclude") and isinstance(entry.value, dict):
            used |= set(entry.value)
        elif entry.key == "customer_identifiers" and isinstance(entry.value, Items):
            used |= {item[0]["column"] for item in entry.value if isinstance(item, tuple)}
        if isinstance(entry.value, Block):
            used |= _used_columns(entry.value)
    return used


def _identifier_entries(guesses: Sequence[ColumnGuess], used: set[str], sample: Sample
                        ) -> list[Entry]:
    phones = [g for g in guesses if g.type == "phone"]
    emails = [g for g in guesses if g.type == "email"]
    accounts = [g for g in guesses if has_words(g.name, "account") and g.name not in used
                and g.type in ("id", "integer", "code") and g not in phones]
    items = Items()
    for g in phones:
        items.append(({"column": g.name, "type": Raw("phone")}, g.reason))
    for g in emails:
        items.append(({"column": g.name, "type": Raw("email")}, g.reason))
    for g in accounts:
        items.append(({"column": g.name, "type": Raw("account")},
                      f"? the header says account: {g.reason}"))
    if not items:
        return [Entry(None, comment="no phone, e-mail or account column found: contacts get "
                                    "no customer_key (repeat-contact metrics stay empty)")]
    entries = []
    if phones:
        values = [v for g in phones for v in sample.column(sample.header.index(g.name)) if v]
        code, why = guess_country_code(values)
        if code is None:
            return [Entry("customer_identifiers", items,
                          "the first non-empty one of a row becomes customer_key", off=True),
                    Entry("default_country_code", _placeholder("digits"),
                          f"FILL IN, then remove the # of both keys: {why}", off=True)]
        entries.append(Entry("customer_identifiers", items,
                             "the first non-empty one of a row becomes customer_key (hashed)"))
        entries.append(Entry("default_country_code", code, why))
        return entries
    return [Entry("customer_identifiers", items,
                  "the first non-empty one of a row becomes customer_key (hashed)")]


def _timestamp_plan(kind: str, fields_: dict[str, tuple[str, int]],
                    guesses: Sequence[ColumnGuess], used: set[str], path: Path,
                    exports_root: Path | None, date_cells: dict[str, int]) -> dict[str, Any]:
    canonical = TIMESTAMP_COLUMN[kind]
    stamps = [g for g in guesses if g.type in ("datetime", "date", "time")]
    chosen = None
    why = ""
    if canonical in fields_:
        chosen = next(g for g in guesses if g.name == fields_[canonical][0])
    else:
        free = [g for g in stamps if g.name not in used]
        chosen = next((g for t in ("datetime", "date", "time") for g in free if g.type == t),
                      None)
        if chosen:
            why = "? no header names it: the first timestamp column; "
    plan: dict[str, Any] = {"columns": [], "source": {}, "formats": [], "why": why}
    if chosen is None:
        plan["missing"] = True
        return plan
    offset = next((g for g in guesses if g.type == "offset" and g.name not in used), None)
    if chosen.type == "datetime":
        plan["source"] = {"column": chosen.name}
        plan["formats"] = list(chosen.formats)
        plan["why"] += chosen.reason
        if date_cells.get(chosen.name):
            plan["why"] += (f"; {_plural(date_cells[chosen.name], 'real date cell')} "
                            "(read in ISO form)")
    else:
        wanted = "time" if chosen.type == "date" else "date"
        tokens = set(chosen.norm.split())
        partners = [g for g in stamps if g.type == wanted and g.name != chosen.name
                    and g.name not in used]
        partners.sort(key=lambda g: -len(tokens & set(g.norm.split())))
        if partners:
            date, time = (chosen, partners[0]) if chosen.type == "date" else (partners[0],
                                                                             chosen)
            plan["source"] = {"date": date.name, "time": time.name}
            plan["formats"] = [f"{d} {t}" for d in date.formats for t in time.formats]
            plan["why"] += f"date {date.reason}; time {time.reason}"
        elif chosen.type == "date":
            plan["source"] = {"column": chosen.name}
            plan["formats"] = list(chosen.formats)
            plan["why"] += chosen.reason + " (dates only: local midnight)"
        else:
            pattern, date_format, _ = file_pattern(path, exports_root, "day")
            plan["formats"] = list(chosen.formats)
            if date_format:
                plan["source"] = {"time": chosen.name, "date_from_file": "day",
                                  "date_format": date_format}
                plan["date_from_file"] = True
                plan["why"] += (f"{chosen.reason}: times only, the date is the file name's "
                                f"({path.name} → {date_format})")
            else:
                plan["source"] = {"time": chosen.name, "date_value": _placeholder("YYYY-MM-DD")}
                plan["column_comment"] = ("FILL IN: the date these times are on (date_value), "
                                          "or put the date in the file name")
                plan["why"] += (f"FILL IN: {chosen.reason}: times only and no date in the file "
                                "name: a date source is needed (date_value, or a {placeholder} "
                                "in pattern with date_from_file)")
    if offset:
        plan["source"]["offset"] = offset.name
        plan["why"] += f"; UTC offsets in {offset.name}"
    plan["columns"] = [v for k, v in plan["source"].items() if k in ("column", "date", "time",
                                                                      "offset")]
    return plan


def _kind_block(kind: str, fields_: dict[str, tuple[str, int]],
                plans: dict[str, dict[str, tuple[str, int]]], stamp: dict[str, Any],
                by_name: dict[str, ColumnGuess], guesses: Sequence[ColumnGuess],
                key: KeyChoice, primary: str, outcome: ColumnGuess | None,
                direction: ColumnGuess | None, ctx: _Context, sample: Sample,
                oracle: Uniqueness, unplaced: list[str],
                known: dict[str, dict[str, tuple[str, str]]]) -> Block:
    block = Block()
    columns = Block()
    constants = Block()
    canonical_names = list(CANONICAL_COLUMNS[kind])
    timestamp_field = TIMESTAMP_COLUMN[kind]
    key_field = KEY_COLUMN[kind]

    if kind == "surveys" and kind != primary:
        survey_id = fields_.get("survey_id", (None, 0))[0]
        presence = survey_id or next(fields_[f][0] for f in ("csat", "nps") if f in fields_)
        block.append(Entry("present_if", presence,
                           f"filled in on {_plural(by_name[presence].count, 'sampled row')} "
                           f"of {_n(by_name[presence].count + by_name[presence].empty)}"))

    # timestamp format
    if stamp.get("missing"):
        block.append(Entry("timestamp_format", "%Y-%m-%d %H:%M:%S",
                           f"FILL IN: no timestamp column found for {timestamp_field}"))
    else:
        formats = stamp["formats"]
        block.append(Entry("timestamp_format", formats[0] if len(formats) == 1 else formats,
                           _short(stamp["why"], 400)))

    for name in canonical_names:
        if name == key_field and kind == primary:
            if key.synthetic:
                columns.append(Entry(name, {"synthetic": Raw(key.synthetic)}, key.reason))
            elif len(key.columns) == 2 and not key.legs:
                columns.append(Entry(name, {"columns": list(key.columns)}, key.reason))
            else:
                columns.append(Entry(name, key.columns[0],
                                     "one row per leg: see legs" if key.legs
                                     else key.reason))
            continue
        if name == key_field:  # the survey on a contacts row: its own id
            column = fields_.get(name, (None, 0))[0]
            if column:
                distinct, _ = oracle.distinct((column,))
                sharing = oracle.sharing_rows((column,))
                columns.append(Entry(name, column, (
                    f"unique over the {_plural(distinct, 'row')} that have one"
                    if not sharing else f"? not unique: {_plural(sharing, 'row')} share "
                                        "an id with a different row")))
            else:
                columns.append(Entry(name, {"synthetic": Raw("row")},
                                     "no survey id column: the file name and row number"))
            continue
        if name == "contact_id" and kind != primary:
            if primary == "contacts" and key.columns:
                columns.append(Entry(name, key.columns[0] if len(key.columns) == 1 or key.legs
                                     else {"columns": list(key.columns)},
                                     "the contact on the same row"))
            continue
        if name == timestamp_field:
            if stamp.get("missing"):
                columns.append(Entry(name, _placeholder("column"),
                                     "FILL IN: no timestamp column found"))
                unplaced.append(f"{kind}.{name} (required)")
                continue
            source = stamp["source"]
            value = source["column"] if set(source) == {"column"} else dict(source)
            columns.append(Entry(name, value, stamp.get("column_comment",
                                                        "see timestamp_format")))
            continue
        if name in fields_:
            column, score = fields_[name]
            guess = by_name[column]
            weak = "? " if score <= 6 else ""
            value: Any = column
            if name in FLAG_FIELDS:
                value = _flag_value(guess)
            elif name in DURATION_FIELDS:
                value = _duration_value(guess, ctx)
            elif name in ("csat", "nps", "score_pct"):
                value = _number_value(column, guess, ctx)
            comment = weak + guess.reason
            if column in sample.formulas:
                formula, count = sample.formulas[column]
                comment += f"; formulas ({formula}) — the loader reads their saved values"
                if sample.uncached.get(column):
                    comment += (f"; {_plural(sample.uncached[column], 'formula cell')} "
                                "without a saved value: rejected (recalculate, save in Excel)")
            if name == "score_pct" and guess.high and guess.high <= 1:
                comment += "; ? values up to 1: a fraction, not a percentage?"
            if name == "nps":
                comment += _nps_note(guess)
            columns.append(Entry(name, value, comment))
            continue
        derived = _derived_entry(name, kind, fields_, by_name, outcome)
        if derived:
            columns.append(derived)
            continue
        if name == "transferred" and key.legs:
            continue  # derived from several legs (see legs)
        value_based = _value_based(name, kind, guesses, plans)
        if value_based:
            columns.append(value_based)
            fields_[name] = (value_based.value, 5)
            continue
        spec = CANONICAL_COLUMNS[kind][name]
        if name == "channel" and _looks_like_calls(sample):
            constants.append(Entry("channel", Raw("voice"),
                                   "? no channel column; a call log (header/file name): voice"))
            continue
        if name == "evaluator_org":
            constants.append(Entry("evaluator_org", Raw("own"),
                                   "? no column says who scored: own (the centre's QA team) "
                                   "assumed; client if the client's team scored these"))
            continue
        if spec.required and name not in ("contact_reason",):
            columns.append(Entry(name, _placeholder("column"),
                                 f"FILL IN: required, no {name} column found"))
            unplaced.append(f"{kind}.{name} (required)")
        elif kind == "surveys" and name in ("csat", "nps", "resolved"):
            unplaced.append(f"{kind}.{name}")
        else:
            unplaced.append(f"{kind}.{name}")
    block.append(Entry("columns", columns))
    if constants:
        block.append(Entry("constants", constants))

    maps = Block()
    for name in ("channel", "contact_reason", "evaluator_org"):
        if name in fields_ and name in CANONICAL_COLUMNS[kind]:
            column = fields_[name][0]
            entry = _value_map(name, by_name[column], known.get(name, {}))
            if entry and entry.key is None:
                block.append(entry)
            elif entry:
                maps.append(entry)
    if maps:
        block.append(Entry("value_maps", maps, off=all(e.off for e in maps)))

    if kind == "surveys" and "csat" in fields_:
        lo, hi, why = csat_scale(by_name[fields_["csat"][0]])
        block.append(Entry("csat_scale", [lo, hi], why))
    if kind == "qa":
        sections = Block()
        for section in SECTIONS:
            if f"section:{section}" in fields_:
                column = fields_[f"section:{section}"][0]
                guess = by_name[column]
                sections.append(Entry(section, _number_value(column, guess, ctx),
                                      guess.reason))
        if sections:
            block.append(Entry("sections", sections, "0-100 section scores"))
    if kind == "contacts" and key.legs:
        block.append(Entry("legs", _legs_block(key, fields_), key.reason))
    if kind == primary:
        filters = _filters(guesses, direction, outcome, key, fields_, by_name)
        if filters:
            block.append(Entry("filters", filters,
                               "rows that are not contacts: counted as filtered, not loaded"))
        if key.synthetic and key.exact_repeats:
            block.append(Entry("duplicates", Raw("reject"), (
                f"? {_plural(key.exact_repeats, 'row')} exactly "
                f"{_verb(key.exact_repeats, 'repeats')} an earlier row: reject "
                "keeps the first (a file pasted twice); keep loads each (two customers, same "
                "minute, same figures)")))
        elif key.synthetic:
            block.append(Entry(None, comment="duplicates: reject (the default) rejects a row "
                                             "that exactly repeats an earlier one; keep loads "
                                             "both"))
        elif key.exact_repeats:
            verb = "repeats" if key.exact_repeats == 1 else "repeat"
            block.append(Entry(None, comment=f"{_plural(key.exact_repeats, 'row')} exactly "
                                             f"{verb} an earlier row: rejected as duplicates "
                                             "(duplicates: reject, the default)"))
        if key.conflicts:
            block.append(Entry("on_conflict", Raw("reject_both"), (
                f"? {_plural(key.conflicts, 'row')} share their key with a different row: "
                "reject_both quarantines them; keep_first / keep_last keep one")))
    return block


def _looks_like_calls(sample: Sample) -> bool:
    words = normalise(sample.path.name) + " " + " ".join(normalise(h) for h in sample.header)
    return bool(re.search(r"\b(call|calls|calllog|call log|cdr|acd|pbx|ani|dnis|anruf|"
                          r"anrufe|llamada|chamada|appel|trunk|ring|dial)\b", words))


def _derived_entry(name: str, kind: str, fields_: dict[str, tuple[str, int]],
                   by_name: dict[str, ColumnGuess], outcome: ColumnGuess | None
                   ) -> Entry | None:
    """answered / abandoned from an outcome column, or as the negation of each other."""
    if kind != "contacts" or name not in ("answered", "abandoned"):
        return None
    other = "abandoned" if name == "answered" else "answered"
    if other in fields_:
        source = by_name[fields_[other][0]]
        return Entry(name, {**_flag_value(source), "negate": True},
                     f"? no {name} column: {name} = not {other} ({source.name}); a contact "
                     f"that was neither counts as {name}")
    if outcome is None:
        return None
    answers = _words_in(outcome, ANSWER_WORDS)
    abandons = _words_in(outcome, ABANDON_WORDS)
    ignored = _words_in(outcome, NOT_CONTACT_WORDS)
    rest = [v for v, _ in outcome.top if v not in answers + abandons + ignored]
    seen = ", ".join(f"{_short(v, 16)} ×{_n(n)}" for v, n in outcome.top[:6])
    if name == "answered":
        if answers:
            value = {"column": outcome.name, "true_words": [Quoted(w) for w in answers],
                     "otherwise": False}
        else:
            value = {"column": outcome.name, "false_words": [Quoted(w) for w in abandons],
                     "otherwise": True}
    elif abandons:
        value = {"column": outcome.name, "true_words": [Quoted(w) for w in abandons],
                 "otherwise": False}
    else:
        value = {"column": outcome.name, "false_words": [Quoted(w) for w in answers],
                 "otherwise": True}
    note = f"? derived from the outcome: {seen}"
    if rest and answers and abandons:
        note += f"; {', '.join(rest[:3])}: neither"
    return Entry(name, value, note)


def _value_based(name: str, kind: str, guesses: Sequence[ColumnGuess],
                 plans: dict[str, dict[str, tuple[str, int]]]) -> Entry | None:
    if name not in ("channel", "contact_reason") or kind != "contacts":
        return None
    taken = {c for f in plans.values() for c, _ in f.values()}
    for guess in guesses:
        if guess.type == "code" and guess.name not in taken \
                and _code_share(name, guess) >= 0.5:
            return Entry(name, guess.name, f"? the values look like {name} codes: "
                                           f"{guess.reason}")
    return None


_ORG_NOISE = {"qa", "team", "quality", "the", "ltd", "gmbh", "sa", "inc", "bpo", "group",
              "services", "servicos", "support", "contact", "centre", "center", "evaluation"}


def _org_tokens(word: str) -> set[str]:
    return {t for t in normalise(word).split() if t not in _ORG_NOISE and len(t) > 2}


def value_map_guesses(name: str, values: Sequence[str],
                      known: dict[str, tuple[str, str]] | None = None
                      ) -> dict[str, tuple[str | None, str]]:
    """Source word -> (canonical code or None, why) for a value_maps skeleton.

    A word another source config already maps keeps that code; else the vocabulary of
    ``guess_code``; for evaluator_org, a word sharing a name with a team another config
    maps (``Northwind QA`` ~ ``Northwind``) takes its code, and with two words the other
    one then takes the opposite code.
    """
    known = known or {}
    found: dict[str, tuple[str | None, str]] = {}
    for value in values:
        word = value.strip().lower()
        if word in known:
            found[value] = (known[word][0], f"as in {known[word][1]}")
        elif code := guess_code(name, value):
            found[value] = (code, "")
        else:
            found[value] = (None, "")
    if name == "evaluator_org":
        for value in values:
            if found[value][0]:
                continue
            for word, (code, source) in known.items():
                if _org_tokens(value) & _org_tokens(word):
                    found[value] = (code, f"? like '{word}' in {source}")
                    break
        if len(values) == 2:
            first, second = values
            for this, other in ((first, second), (second, first)):
                if found[this][0] is None and found[other][0]:
                    opposite = "own" if found[other][0] == "client" else "client"
                    found[this] = (opposite, f"? the other team is {found[other][0]}")
    return found


def _value_map(name: str, guess: ColumnGuess,
               known: dict[str, tuple[str, str]] | None = None) -> Entry | None:
    values = [v for v, _ in guess.top[:MAX_CODES]]
    counts = dict(guess.top)
    codes = {"channel": CHANNELS, "contact_reason": CONTACT_REASONS,
             "evaluator_org": ("own", "client")}[name]
    if all(v.strip().lower() in codes for v in values):
        return Entry(None, comment=f"{name}: the values are canonical codes already "
                                   f"({', '.join(values[:6])}): no map needed")
    mapping = Block()
    guessed = 0
    guesses = value_map_guesses(name, values, known)
    for value in values:
        code, why = guesses[value]
        if code:
            guessed += 1
            mapping.append(Entry(value, Raw(code), f"{_plural(counts[value], 'row')}"
                                                   + (f"; {why}" if why else "")))
        else:
            mapping.append(Entry(value, Raw("?"), f"{_plural(counts[value], 'row')}; no "
                                 f"guess: one of {', '.join(codes)}", off=True))
    if guess.distinct > MAX_CODES:
        mapping.append(Entry(None, comment=f"... and {_n(guess.distinct - MAX_CODES)} more "
                                           "values not listed: map them or they are rejected"))
    note = f"{_plural(guess.distinct, 'distinct value')} in {guess.name}"
    if name == "contact_reason":
        note += "; codes from settings.yaml ingest.contact_reasons"
    if name == "evaluator_org":
        note += "; own = the centre's QA team, client = the client's"
    return Entry(name, mapping, note, off=not guessed)


def _legs_block(key: KeyChoice, fields_: dict[str, tuple[str, int]]) -> Block:
    mapped = set(fields_)
    block = Block()
    if key.legs == "leg_column":
        block.append(Entry("leg_column", key.columns[1], "numbers the legs of a contact"))
        if "agent_id" in mapped:
            block.append(Entry("last_leg", ["agent_id"], "the agent who finished the contact "
                                                         "(answering_leg: the first to answer)"))
        summed = [f for f in DURATION_FIELDS if f in mapped and f != "wait_s"]
        if summed:
            block.append(Entry("sum", summed, "handle time over all legs (union: talk_s when "
                                              "hop records overlap)"))
        flags = [f for f in ("complaint",) if f in mapped]
        if flags:
            block.append(Entry("any", flags, "true when any leg has it; answered/abandoned "
                                             "come from the first leg"))
    else:
        block.append(Entry("order_by", Raw("started_at"), "no leg number: legs in start order"))
        if "agent_id" in mapped:
            block.append(Entry("answering_leg", ["agent_id"], "the first agent to answer"))
        if "talk_s" in mapped:
            block.append(Entry("union", ["talk_s"], "hops may overlap: talk counted once"))
        summed = [f for f in ("hold_s", "wrap_s") if f in mapped]
        if summed:
            block.append(Entry("sum", summed, "summed over the legs"))
        block.append(Entry("any", ["answered"] + [f for f in ("complaint",) if f in mapped],
                           "answered when any leg was"))
        block.append(Entry("all", ["abandoned"], "abandoned only when no leg was answered"))
    if "transferred" in mapped:
        block.append(Entry("transferred_when_several_legs", False,
                           "the file has a transfer column (mapped above)"))
        if key.legs == "leg_column":
            block.append(Entry("any", ["transferred"], off=True))
    else:
        block.append(Entry("transferred_when_several_legs", True,
                           "a contact with several legs counts as transferred"))
    return block


def _filters(guesses: Sequence[ColumnGuess], direction: ColumnGuess | None,
             outcome: ColumnGuess | None, key: KeyChoice,
             fields_: dict[str, tuple[str, int]], by_name: dict[str, ColumnGuess]) -> Block:
    exclude: dict[str, list[str]] = {}
    notes = []
    if direction:
        out = _distinct_written(v for v, _ in direction.top
                                if v.strip().lower() in DIRECTION_OUT)
        exclude[direction.name] = out
        notes.append(f"{direction.name} also holds {', '.join(out)}")
    if outcome:
        ignored = _words_in(outcome, NOT_CONTACT_WORDS)
        if ignored:
            exclude[outcome.name] = ignored
            notes.append(f"{outcome.name} {', '.join(ignored)}: not a contact")
    key_column = key.columns[0] if key.columns else None
    for guess in guesses:
        if guess.name != key_column and guess is not by_name.get(guess.name):
            continue
        totals = _words_in(guess, TOTAL_WORDS) if guess.name == key_column else []
        if totals:
            exclude[guess.name] = totals
            notes.append(f"a {totals[0]} row in {guess.name}")
    block = Block()
    if exclude:
        block.append(Entry("exclude", exclude, "; ".join(notes)))
    return block

"""Nothing is lost silently while reading a file (pipelines/ingest/readers.py, xlsx.py).

CSV: a stray quote rejects its own row only (DuckDB's reader alone swallows the lines
after it into that reject); the records read are reconciled with the file's lines; row
numbers are data rows and reasons name the physical line; offending values are cut.
XLSX: formula cells load their cached value, a formula without one is a cell problem;
cached errors come through as text; time-only cells stay times.

Expected values are worked out by hand from the fixtures: in the CSV fixtures "line"
is the physical line in the file (the header is line 1), "row" the data row (records
after the header, blank lines not counted).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import gzip
import itertools
import json
import random
import re
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
import xlsxwriter
import yaml

from pipelines.ingest import readers, xlsx
from pipelines.ingest.config import parse_source_config
from pipelines.ingest.keyed_hash import HmacKey
from pipelines.ingest.readers import FileProblem, stage_file
from pipelines.ingest.scratch import SCRATCH, scratch_database

from .conftest import (
    CENTRE,
    CONTACTS_EXPORT,
    CONTACTS_HEADER,
    SALT,
    SURVEYS_EXPORT,
    SURVEYS_HEADER,
    contacts_row,
    lenient,
)

KEY = HmacKey.from_salt(SALT)

STRAY = 'C3,voice,"payment,A1,07700 900123,2026-06-01 10:00:00,1,0,10,100,0,20,0,0'


def _contacts(*rows: str, newline: str = "\n") -> str:
    return newline.join([CONTACTS_HEADER, *rows]) + newline


def _loaded_ids(workspace) -> list[str]:
    return [r[0] for r in workspace.query("SELECT contact_id FROM contacts ORDER BY 1")]


def _counts(report) -> tuple:
    (result,) = report.results
    return result.status, result.rows_read, result.rows_loaded, result.rows_rejected


# --- the reader alone: what the fix is for ----------------------------------------------


def test_duckdb_alone_swallows_the_rows_after_a_stray_quote(tmp_path):
    """Documents the reader's behaviour the staging works around: one reject holding
    line 3 and every line after it, those rows not read, no error."""
    path = tmp_path / "f.csv"
    path.write_text('a,b\n1,alice\n2,"bob,20\n3,carol\n4,dave\n')
    con = duckdb.connect()
    rows = con.execute(
        "SELECT * FROM read_csv($p, columns = {'a': 'VARCHAR', 'b': 'VARCHAR'}, "
        "header = true, auto_detect = false, quote = '\"', escape = '\"', "
        "store_rejects = true)",
        {"p": str(path)},
    ).fetchall()
    assert rows == [("1", "alice")]
    assert con.execute("SELECT line, error_type, csv_line FROM reject_errors").fetchall() == [
        (3, "UNQUOTED VALUE", '2,"bob,20\n3,carol\n4,dave\n')
    ]


# --- 1. a stray quote rejects its own row only ------------------------------------------


def test_stray_quote_rejects_its_row_and_the_rows_after_it_load(workspace, load_one):
    text = _contacts(
        contacts_row("C1"),
        contacts_row("C2"),
        STRAY,
        contacts_row("C4"),
        contacts_row("C5"),
        contacts_row("C6", wait="-1"),
    )
    report = load_one(lenient(CONTACTS_EXPORT), "testco/contacts_1.csv", text)
    assert _counts(report) == ("loaded", 6, 4, 2)
    assert _loaded_ids(workspace) == ["C1", "C2", "C4", "C5"]
    # C3 is data row 3 on line 4; C6 (a negative wait) keeps its own row number 6
    assert workspace.rejects() == [
        (3, None, "unterminated or stray quote (the lines after it were read as rows) (line 4)"),
        (6, "wait", "negative duration '-1'"),
    ]
    raw = json.loads(workspace.query("SELECT raw_row FROM rejects WHERE row_number = 3")[0][0])
    assert raw["fields"][0] == "C3" and raw["fields"][2] == '"payment'
    assert len(raw["fields"]) == 14 and "900123" not in json.dumps(raw)  # phone hashed


def _parallel_stray_quote_file(tmp_path, monkeypatch) -> tuple[object, Path]:
    """60,000 rows, a stray quote on data row 30,001, read in 64 KiB buffers: DuckDB's
    parallel scan then reports the reject with the line before's text and position
    (one line only), and the rows up to the end of that scan range are lost."""
    monkeypatch.setitem(readers.READ_OPTIONS, "buffer_size", 1 << 16)
    rows = [contacts_row(f"C{i}") for i in range(1, 60001)]
    rows[30000] = rows[30000].replace(",payment,", ',"payment,', 1)
    path = tmp_path / "contacts_1.csv"
    path.write_text(_contacts(*rows))
    return _spec(tmp_path, CONTACTS_EXPORT), path


def test_stray_quote_misreported_by_a_parallel_scan(tmp_path, monkeypatch):
    spec, path = _parallel_stray_quote_file(tmp_path, monkeypatch)
    with _scratch(tmp_path) as con:
        # the reader alone: the reject names row 30,000's text, rows are missing
        con.execute(
            "SELECT * FROM read_csv($p, columns = $c, header = true, "
            "auto_detect = false, store_rejects = true, buffer_size = 65536)",
            {"p": str(path), "c": {c: "VARCHAR" for c in CONTACTS_HEADER.split(",")}},
        ).fetchall()
        ((line, text),) = con.execute("SELECT line, csv_line FROM reject_errors").fetchall()
        assert line == 30002 and text.startswith("C30000,") and "\n" not in text
        staged = stage_file(con, path, spec, KEY)
        assert (staged.data_rows, staged.malformed_rows) == (60000, 1)
        assert con.execute("SELECT * FROM malformed").fetchall() == [
            (
                30001,
                None,
                readers.PLACEHOLDER_REASON + " (line 30002)",
                # its phone masked as it was read (masking.py)
                rows_text(path, 30002).replace("07700 900123", "[phone]"),
            )
        ]
        assert con.execute("SELECT count(*), count(DISTINCT id) FROM staged").fetchall() == [
            (59999, 59999)
        ]
        assert con.execute(
            f"SELECT {staged.data_row_sql('_ord')} FROM staged WHERE id = 'C30002'"
        ).fetchall() == [(30002,)]


def test_reconciliation_catches_rows_the_reader_lost(tmp_path, monkeypatch):
    """The same file without isolating the stray quote: the reader's rows and rejects
    leave lines unaccounted for, and the file fails instead of loading without them."""
    spec, path = _parallel_stray_quote_file(tmp_path, monkeypatch)
    monkeypatch.setattr(readers._CsvReading, "broken_records", lambda self: [])
    with _scratch(tmp_path) as con, pytest.raises(FileProblem) as failure:
        stage_file(con, path, spec, KEY)
    message = str(failure.value)
    assert re.search(
        r"contacts_1.csv: the CSV reader accounted for (\d+) of 60000 lines", message
    ), message
    accounted = int(re.search(r"accounted for (\d+)", message).group(1))
    assert accounted < 60000


def rows_text(path: Path, line: int) -> str:
    return path.read_text().split("\n")[line - 1]


@pytest.mark.parametrize("seed", range(6))
def test_random_broken_files_lose_no_row_silently(tmp_path, monkeypatch, seed):
    """Files of good rows (some with a quoted value over two or three lines), rows with
    a stray quote, short rows and blank lines, LF or CRLF, plain or gzip, read in small
    buffers (parallel scans): every good row is staged with its data row number, every
    broken row is rejected with its data row and physical line. Expected values follow
    from how each file is built."""
    chooser = random.Random(seed)
    monkeypatch.setitem(readers.READ_OPTIONS, "buffer_size", chooser.choice([1 << 16, 1 << 18]))
    rows, good, broken, line, row = [], [], {}, 1, 0
    for i in range(1, chooser.choice([400, 4000, 12000]) + 1):
        pick = chooser.random()
        if pick < 0.01:
            rows.append("")  # a blank line: not a row
            line += 1
            continue
        row += 1
        if pick < 0.04:
            text = f'C{i},voice,"payment,A1,07700 900123,2026-06-01 10:00:00,1,0,10,1,0,2,0,0'
            broken[row] = line + 1
        elif pick < 0.06:
            text = f"C{i},voice"
            broken[row] = line + 1
        elif pick < 0.12:
            text = contacts_row(f"C{i}", reason='"pay\nment"' if pick < 0.09 else '"p\n\nay"')
            good.append((row, f"C{i}"))
        else:
            text = contacts_row(f"C{i}")
            good.append((row, f"C{i}"))
        rows.append(text)
        line += 1 + text.count("\n")
    newline = chooser.choice(["\n", "\r\n"])
    body = newline.join([CONTACTS_HEADER, *rows]).replace("\n", newline) + newline
    body = body.replace("\r\r\n", "\r\n")
    if chooser.random() < 0.5:
        export, path = dict(CONTACTS_EXPORT, format="csv.gz"), tmp_path / "contacts_1.csv.gz"
        path.write_bytes(gzip.compress(body.encode()))
    else:
        export, path = CONTACTS_EXPORT, tmp_path / "contacts_1.csv"
        path.write_bytes(body.encode())
    with _scratch(tmp_path) as con:
        staged = stage_file(con, path, _spec(tmp_path, export), KEY)
        assert staged.data_rows == row
        assert (
            dict(
                con.execute(
                    "SELECT _cc_row, CAST(regexp_extract(reason, "
                    "'\\(line (\\d+)\\)$', 1) AS INTEGER) FROM malformed"
                ).fetchall()
            )
            == broken
        )
        assert (
            con.execute(
                f"SELECT {staged.data_row_sql('_ord')}, id FROM staged ORDER BY _ord"
            ).fetchall()
            == good
        )


def test_stray_quote_in_a_gzip_file(workspace, load_one):
    export = dict(lenient(CONTACTS_EXPORT), pattern="testco/contacts_*.csv.gz", format="csv.gz")
    workspace.source(export)
    body = _contacts(
        contacts_row("C1"), 'C2,voice,"payment', contacts_row("C3"), contacts_row("C4")
    )
    (workspace.exports / "testco" / "contacts_1.csv.gz").write_bytes(gzip.compress(body.encode()))
    report = workspace.ingest()
    assert _counts(report) == ("loaded", 4, 3, 1)
    assert _loaded_ids(workspace) == ["C1", "C3", "C4"]
    assert workspace.rejects() == [
        (2, None, "unterminated or stray quote (the lines after it were read as rows) (line 3)")
    ]


def test_stray_quotes_in_crlf_latin1_file_each_reject_one_row(workspace, load_one):
    """Two stray quotes, the second exposed only once the first is isolated; the file is
    latin-1 (DuckDB's positions count UTF-8 bytes) with CRLF line ends."""
    rows = [
        contacts_row("Cé1"),
        'C2,"voice',
        contacts_row("C3"),
        contacts_row("C4"),
        'C5,voice,payment,"A1',
        contacts_row("C6"),
    ]
    report = load_one(
        dict(lenient(CONTACTS_EXPORT), encoding="latin-1"),
        "testco/contacts_1.csv",
        _contacts(*rows, newline="\r\n"),
        encoding="latin-1",
    )
    assert _counts(report) == ("loaded", 6, 4, 2)
    assert _loaded_ids(workspace) == ["C3", "C4", "C6", "Cé1"]
    assert [r[:2] for r in workspace.rejects()] == [(2, None), (5, None)]
    assert [r[2][-8:] for r in workspace.rejects()] == ["(line 3)", "(line 6)"]


def test_multiline_value_then_stray_quote_numbers_rows_as_records(workspace, load_one):
    """A quoted comment spanning lines loads as one value; the rows after it keep data
    row numbers (records), while reasons name the physical line."""
    text = (
        "\n".join(
            [
                SURVEYS_HEADER,
                'S1,C1,2026-06-01 10:00:00,5,10,Y,"great\nservice"',  # lines 2-3, row 1
                'S2,C1,2026-06-01 10:00:00,4,9,Y,"one\n\ntwo, three"',  # lines 4-6, row 2
                'S3,C1,2026-06-01 10:00:00,4,9,Y,"oops',  # line 7, row 3
                "S4,C1,2026-06-01 10:00:00,3,7,N,",  # line 8, row 4
                "S5,C1",  # line 9, row 5
                "S6,C1,2026-06-01 10:00:00,9,7,N,",  # line 10, row 6
                'S7,C1,2026-06-01 10:00:00,2,5,N,"fine"',  # line 11, row 7
            ]
        )
        + "\n"
    )
    report = load_one(lenient(SURVEYS_EXPORT), "testco/surveys_1.csv", text)
    assert _counts(report) == ("loaded", 7, 4, 3)
    assert workspace.query("SELECT survey_id, comment FROM surveys ORDER BY 1") == [
        ("S1", "great\nservice"),
        ("S2", "one\n\ntwo, three"),
        ("S4", None),
        ("S7", "fine"),
    ]
    assert workspace.rejects() == [
        (3, None, "unterminated or stray quote (the lines after it were read as rows) (line 7)"),
        (5, None, "too few fields: the header has 7 (truncated or malformed row) (line 9)"),
        (6, "csat", "CSAT '9' outside the scale 1-5 (csat_scale)"),
    ]


def test_blank_lines_do_not_count_as_rows(workspace, load_one):
    """DuckDB numbers a reject's line counting blank lines; data rows do not (the good
    rows' positions never did), so a malformed row after blank lines kept a number
    one too high per blank line, out of order with the rows around it."""
    text = _contacts(
        contacts_row("C1"),
        "",
        "",
        "C2,voice",
        contacts_row("C3", wait="-1"),
        "",
        contacts_row("C4"),
    )
    report = load_one(lenient(CONTACTS_EXPORT), "testco/contacts_1.csv", text + "\n\n")
    assert _counts(report) == ("loaded", 4, 2, 2)
    assert workspace.rejects() == [
        (2, None, "too few fields: the header has 14 (truncated or malformed row) (line 5)"),
        (3, "wait", "negative duration '-1'"),
    ]


# --- 2. reconciliation ------------------------------------------------------------------


def test_files_whose_lines_are_not_one_row_each_reconcile(workspace, load_one):
    """Title rows, CRLF, blank lines (inside a value too), a value with line breaks, a
    whitespace-only line and no final line break: every line is accounted for."""
    export = dict(lenient(CONTACTS_EXPORT), skip_rows=2)
    rows = [
        "Call report",
        '"generated\nby PBX"',  # 2 title rows, 3 lines
        CONTACTS_HEADER,
        contacts_row("C1"),
        "",
        contacts_row("C2", reason='"pay\r\n\r\nment"'),  # rejected: unknown reason
        "   ",
        contacts_row("C3"),
    ]
    report = load_one(export, "testco/contacts_1.csv", "\r\n".join(rows))
    assert _counts(report) == ("loaded", 4, 2, 2)
    assert [r[:2] for r in workspace.rejects()] == [(2, "reason"), (3, None)]
    assert workspace.rejects()[1][2].endswith("(line 10)")


def test_reconciliation_fails_the_file_when_lines_are_unaccounted(workspace, load_one, monkeypatch):
    """A reader losing a line without a reject: simulated by a file text with one line
    more than DuckDB is given (every line count sees it, the reader does not)."""
    real = readers._CsvSource.view_chunks

    def one_more_line(self):
        yield from real(self)
        yield contacts_row("C9").encode() + b"\n"

    monkeypatch.setattr(readers._CsvSource, "view_chunks", one_more_line)
    monkeypatch.setattr(readers._CsvSource, "line_chunks", one_more_line)
    report = load_one(
        CONTACTS_EXPORT, "testco/contacts_1.csv", _contacts(contacts_row("C1"), contacts_row("C2"))
    )
    (result,) = report.results
    assert result.status == "failed"
    assert "contacts_1.csv: the CSV reader accounted for 2 of 3 lines" in result.message
    assert _loaded_ids(workspace) == []


def test_clean_file_is_read_once_and_not_scanned(tmp_path, monkeypatch):
    """The normal path: one DuckDB read, one line count, no second pass over the file."""
    spec = _spec(tmp_path, CONTACTS_EXPORT)
    path = tmp_path / "contacts_1.csv"
    path.write_text(_contacts(*[contacts_row(f"C{i}") for i in range(1, 2001)]))
    reads = []
    real_read = readers._CsvReading.read
    monkeypatch.setattr(
        readers._CsvReading, "read", lambda self: reads.append(1) or real_read(self)
    )

    def no_scan(*args, **kwargs):
        raise AssertionError("a clean file was scanned again")

    monkeypatch.setattr(readers, "_scan_lines", no_scan)
    with _scratch(tmp_path) as con:
        staged = stage_file(con, path, spec, KEY)
        assert (staged.data_rows, staged.malformed_rows) == (2000, 0)
        assert con.execute("SELECT count(*) FROM cell_problems").fetchall() == [(0,)]
    assert reads == [1]


def test_one_line_rejects_are_numbered_without_a_second_pass(tmp_path, monkeypatch):
    """When every record is one line (the cheap count says so), a reject's physical line
    follows from its record number: no pass over the file. A title row spanning two
    lines shifts the lines by one."""
    monkeypatch.setattr(readers, "_scan_lines", lambda *a: pytest.fail("file scanned"))
    spec = _spec(tmp_path, dict(CONTACTS_EXPORT, skip_rows=1))
    path = tmp_path / "contacts_1.csv"
    path.write_text(
        '"Calls,\nweek 23"\n'
        + _contacts(contacts_row("C1"), "C2,voice", contacts_row("C3"), contacts_row("C4") + ",x")
    )
    with _scratch(tmp_path) as con:
        staged = stage_file(con, path, spec, KEY)
        assert (staged.data_rows, staged.malformed_rows) == (4, 2)
        assert con.execute("SELECT _cc_row, reason FROM malformed ORDER BY 1").fetchall() == [
            (2, "too few fields: the header has 14 (truncated or malformed row) (line 5)"),
            (4, "too many fields: the header has 14 (unquoted delimiter in a value?) (line 7)"),
        ]


def test_too_many_stray_quotes_fail_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_BROKEN_QUOTE_ROWS", 2)
    spec = _spec(tmp_path, CONTACTS_EXPORT)
    path = tmp_path / "contacts_1.csv"
    path.write_text(
        _contacts(
            contacts_row("C1"),
            'C2,"voice',
            contacts_row("C3"),
            'C4,"voice',
            contacts_row("C5"),
            'C6,"voice',
            contacts_row("C7"),
        )
    )
    with (
        _scratch(tmp_path) as con,
        pytest.raises(
            FileProblem,
            match=(r"contacts_1.csv: more than 2 rows have an unterminated or stray quote"),
        ),
    ):
        stage_file(con, path, spec, KEY)
    with _scratch(tmp_path) as con:
        monkeypatch.setattr(readers, "MAX_BROKEN_QUOTE_ROWS", 3)
        staged = stage_file(con, path, spec, KEY)
        assert (staged.data_rows, staged.malformed_rows) == (7, 3)
        assert con.execute("SELECT _cc_row FROM malformed ORDER BY 1").fetchall() == [
            (2,),
            (4,),
            (6,),
        ]
        assert con.execute("SELECT id FROM staged ORDER BY _ord").fetchall() == [
            ("C1",),
            ("C3",),
            ("C5",),
            ("C7",),
        ]
    assert not list(tmp_path.glob("*csv-clean-*")), "the cleaned copies were not removed"


@pytest.mark.parametrize(
    ("codec", "encoding"), [("utf-8-sig", "utf-8"), ("utf-16", "utf-16"), ("latin-1", "latin-1")]
)
def test_stray_quote_in_each_encoding(tmp_path, codec, encoding):
    """DuckDB's reject positions count the text's UTF-8 bytes (a BOM included): the
    broken row is found in a UTF-16 or latin-1 file as in a UTF-8 one."""
    spec = _spec(tmp_path, dict(CONTACTS_EXPORT, encoding=encoding))
    path = tmp_path / "contacts_1.csv"
    path.write_bytes(
        _contacts(contacts_row("Cé1"), 'C2,"voice', contacts_row("Cé3"), contacts_row("C4")).encode(
            codec
        )
    )
    with _scratch(tmp_path) as con:
        staged = stage_file(con, path, spec, KEY)
        assert (staged.data_rows, staged.malformed_rows) == (4, 1)
        assert con.execute("SELECT _cc_row, reason, raw_line FROM malformed").fetchall() == [
            (
                2,
                "unterminated or stray quote (the lines after it were read as rows) (line 3)",
                'C2,"voice',
            )
        ]
        assert con.execute("SELECT id FROM staged ORDER BY _ord").fetchall() == [
            ("Cé1",),
            ("Cé3",),
            ("C4",),
        ]


def test_line_count_across_chunks():
    """Breaks in the run of CR/LF ending the file, split over chunks (an empty last
    chunk, as a decoder's flush gives, changes nothing)."""
    count = readers._count_lines([b"h\na\nb", b"\n", b"\r\n\n", b""], b"\n")
    assert (count.breaks, count.final_breaks, count.lines_to_last_content) == (5, 3, 3)
    count = readers._count_lines([b"h\ra\r", b"b"], b"\r")
    assert (count.breaks, count.final_breaks, count.lines_to_last_content) == (2, 0, 3)


def _plain_split(text: bytes, newline: bytes, header: int, offsets: list[int]):
    """_scan_lines's answers worked out the plain way, on the whole text at once."""
    start = 0
    for _ in range(header):
        start = text.index(newline, start) + 1
    *lines, last_line = text[start:].split(newline)
    ends = list(itertools.accumulate((len(line) + 1 for line in lines), initial=start - 1))[1:]

    def blank(line: bytes) -> bool:
        return not (line.replace(b"\r", b"") if newline == b"\n" else line)

    until = offsets[-1] if offsets else -1
    return (
        sum(not blank(line) for line in lines) + (not blank(last_line)),
        sum(blank(line) for line in lines),
        sum(blank(line) and end < until for line, end in zip(lines, ends, strict=True)),
        {offset: text.count(newline, 0, offset) + 1 for offset in offsets},
    )


def test_line_scan_matches_a_plain_split_in_any_chunking():
    """Content and blank lines (CR-only lines blank too), blank lines before the last
    offset and each offset's physical line, with chunks cut anywhere (a CRLF split, a
    line over several chunks)."""
    chooser = random.Random(5)
    for _ in range(1500):
        newline = chooser.choice([b"\n", b"\r"])
        words = (
            [b"a", b"bb", b"", b"\r", b" ", b"\r\r", b"x\ry"]
            if newline == b"\n"
            else [b"a", b"bb", b"", b" "]
        )
        end = chooser.choice([b"\n", b"\r\n"]) if newline == b"\n" else b"\r"
        lines = [chooser.choice(words) for _ in range(chooser.randint(3, 25))]
        text = end.join(lines) + chooser.choice([b"", end, end + end])
        header = chooser.randint(1, 2)
        offsets = sorted(chooser.sample(range(len(text)), chooser.randint(0, 3)))
        size = chooser.randint(1, 9)
        found = readers._scan_lines(
            [text[i : i + size] for i in range(0, len(text), size)], newline, header, offsets, set()
        )
        assert (
            found.content_lines,
            found.blank_lines,
            found.blank_before_last,
            found.line_at,
        ) == _plain_split(text, newline, header, offsets), (text, size)


# --- 4. offending values are cut --------------------------------------------------------


def test_malformed_row_text_is_cut_after_1000_characters(workspace, load_one):
    long_field = "x" * 1500
    text = _contacts(
        contacts_row("C1"),
        "C2," + long_field,
        contacts_row("C3"),
        'C4,"' + "y" * 12000,
        contacts_row("C5"),
    )
    report = load_one(lenient(CONTACTS_EXPORT), "testco/contacts_1.csv", text)
    assert _counts(report) == ("loaded", 5, 3, 2)
    # the reject's raw row holds the line's fields (split at the delimiter, the cut
    # marker's comma too)
    raws = [
        ",".join(json.loads(r[0])["fields"])
        for r in workspace.query("SELECT raw_row FROM rejects ORDER BY row_number")
    ]
    # "C2," + 1500 x = 1503 characters; the first 1000 kept: "C2," and 997 x
    assert raws[0] == "C2," + "x" * 997 + "… [cut: 1503 characters]"
    # beyond DuckDB's 10,000-byte csv_line: the length comes from the file
    assert raws[1] == 'C4,"' + "y" * 996 + "… [cut: 12004 characters]"


# --- helpers for stage-level tests ------------------------------------------------------


def _spec(folder: Path, export: dict):
    config = folder / "config.yaml"
    config.write_text(
        yaml.safe_dump({"centre": CENTRE, "exports": [copy.deepcopy(export)]}, sort_keys=False)
    )
    return parse_source_config(config).exports[0]


class _scratch:
    """A connection with a scratch database in ``folder``."""

    def __init__(self, folder: Path):
        self.folder, self.con = folder, duckdb.connect()

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        self.context = scratch_database(self.con, self.folder / "run.scratch")
        self.context.__enter__()
        return self.con

    def __exit__(self, *exc) -> None:
        self.context.__exit__(*exc)
        self.con.close()


# --- 5. XLSX formula cells --------------------------------------------------------------

XLSX_EXPORT = dict(lenient(CONTACTS_EXPORT), pattern="testco/contacts_*.xlsx", format="xlsx")
del XLSX_EXPORT["delimiter"]
NO_CACHE = "has no cached value (open and save the workbook in Excel, or export values)"


@pytest.fixture(params=["calamine", "openpyxl"])
def xlsx_reader(request, monkeypatch):
    """Both row sources: openpyxl is forced by a zero calamine size limit."""
    if request.param == "openpyxl":
        monkeypatch.setattr(xlsx, "CALAMINE_MAX_SHEET_XML_BYTES", 0)
    return request.param


def _patch_sheet(
    path: Path,
    cells: dict[str, str | None],
    part="xl/worksheets/sheet1.xml",
    replace: dict[str, str] | None = None,
) -> None:
    """Rewrite cells of the sheet XML: ``cells`` maps a reference to its new ``<c>``
    element, or to None to drop the cell's cached ``<v>``; ``replace``: plain text
    replacements."""
    with zipfile.ZipFile(path) as archive:
        parts = {info: archive.read(info.filename) for info in archive.infolist()}
    for info, data in parts.items():
        if info.filename != part:
            continue
        xml = data.decode()
        for reference, element in cells.items():
            pattern = re.compile(rf'<c r="{reference}"[^>]*?(?:/>|>.*?</c>)', re.S)
            (old,) = pattern.findall(xml)
            new = re.sub(r"<v>[^<]*</v>|<v\s*/>", "", old) if element is None else element
            xml = xml.replace(old, new)
        for old, new in (replace or {}).items():
            assert old in xml, old
            xml = xml.replace(old, new)
        parts[info] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts.items():
            archive.writestr(info, data)


def _stage_xlsx(folder: Path, path: Path, export: dict | None = None):
    """Stage a workbook whatever its header (the spec maps no columns)."""
    spec = dataclasses.replace(
        _spec(folder, export or dict(XLSX_EXPORT, pattern="*.xlsx")), kinds={}, identifiers=()
    )
    with _scratch(folder) as con:
        staged = stage_file(con, path, spec, KEY)
        rows = con.execute(f"SELECT * FROM {SCRATCH}.staged_raw ORDER BY _cc_row").fetchall()
        problems = con.execute("SELECT * FROM cell_problems ORDER BY _ord, column_name").fetchall()
    return staged, rows, problems


def _formula_workbook(path: Path) -> None:
    """Header in row 1; data rows 2-6 (Excel rows). Cached values by xlsxwriter; three
    cached values are then removed, and rows 5-6 get a shared formula."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Calls")
    sheet.write_row(0, 0, ["id", "hold", "wrap", "talk", "note", "wait"])
    sheet.write_row(1, 0, ["R1", 10, 20])
    sheet.write_formula(1, 3, "=B2+C2", None, 30)
    sheet.write_formula(1, 4, '="x"&"y"', None, "xy")
    sheet.write_formula(1, 5, "=1/0", None, "#DIV/0!")
    sheet.write_row(2, 0, ["R2", 1, 2])
    sheet.write_formula(2, 3, "=B3+C3", None, 3)  # cached value removed below
    sheet.write_formula(2, 5, "=NA()", None, "#N/A")
    sheet.write_formula(3, 3, "=B4+C4", None, 0)  # the row's only cell, no cache
    sheet.write_row(4, 0, ["R4", 5, 6])
    sheet.write_formula(4, 3, "=B5+C5", None, 11)  # shared master, no cache
    sheet.write_row(5, 0, ["R5", 7, 8])
    sheet.write_formula(5, 3, "=B6+C6", None, 15)  # shared child, cached 15
    sheet.write_row(6, 0, ["R6", 1, 1, 2, "plain", 0])
    book.close()
    _patch_sheet(
        path,
        {
            "D3": None,
            "D4": None,
            "D5": '<c r="D5"><f t="shared" ref="D5:D6" si="0">B5+C5</f></c>',
            "D6": '<c r="D6"><f t="shared" si="0"/><v>15</v></c>',
        },
    )


def test_formula_cells_cached_values_errors_and_missing_values(tmp_path, xlsx_reader):
    path = tmp_path / "calls.xlsx"
    _formula_workbook(path)
    staged, rows, problems = _stage_xlsx(
        tmp_path, path, dict(XLSX_EXPORT, pattern="*.xlsx", sheet="Calls")
    )
    # the row holding only an uncached formula (Excel row 4) is data row 3, not skipped
    assert staged.data_rows == 6
    assert rows == [
        (1, "R1", "10", "20", "30", "xy", "#DIV/0!"),  # cached values; the error as text
        (2, "R2", "1", "2", None, None, "#N/A"),
        (3, None, None, None, None, None, None),
        (4, "R4", "5", "6", None, None, None),
        (5, "R5", "7", "8", "15", None, None),  # a shared formula's cached value
        (6, "R6", "1", "1", "2", "plain", "0"),
    ]
    assert problems == [
        (2, "talk", f"formula =B3+C3 {NO_CACHE}"),
        (3, "talk", f"formula =B4+C4 {NO_CACHE}"),
        (4, "talk", f"formula =B5+C5 {NO_CACHE}"),
    ]


def test_openpyxl_written_formulas_have_no_cached_values(tmp_path, xlsx_reader):
    """openpyxl writes <f>...</f><v /> and no value: every formula cell is a problem."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "hold", "wrap", "talk"])
    sheet.append(["R1", 10, 20, "=B2+C2"])
    sheet.append(["R2", 1, 2, "=SUM(B3:C3)"])
    sheet.append([None, None, None, None])
    sheet.append(["R3", 1, 2, 3])
    path = tmp_path / "calls.xlsx"
    book.save(path)
    assert "<f>SUM(B3:C3)</f><v" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    staged, rows, problems = _stage_xlsx(tmp_path, path)
    assert staged.data_rows == 3  # the blank row (Excel row 4) is not data
    assert [r[4] for r in rows] == [None, None, "3"]
    assert problems == [
        (1, "talk", f"formula =B2+C2 {NO_CACHE}"),
        (2, "talk", f"formula =SUM(B3:C3) {NO_CACHE}"),
    ]


def test_sheet_without_formulas_is_not_parsed(tmp_path, monkeypatch):
    def no_parse(*args):
        raise AssertionError("a sheet without formula or error cells was parsed")

    monkeypatch.setattr(xlsx, "_parse_notes", no_parse)
    # inline strings (constant_memory): the text is in the sheet XML, with f, # and "e"
    book = xlsxwriter.Workbook(str(tmp_path / "calls.xlsx"), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["id", "talk", "note"])
    for r in range(1, 3000):
        sheet.write_row(r, 0, [f"R{r}", r, "fee #1 of 'e', \"e\" f>"])
    book.close()
    xml = zipfile.ZipFile(tmp_path / "calls.xlsx").read("xl/worksheets/sheet1.xml")
    assert b"<t>fee #1 of 'e', \"e\" f&gt;</t>" in xml
    staged, rows, problems = _stage_xlsx(tmp_path, tmp_path / "calls.xlsx")
    assert staged.data_rows == 2999 and problems == []
    assert rows[0] == (1, "R1", "1", "fee #1 of 'e', \"e\" f>")


def test_workbook_cached_formula_values_load_and_errors_are_rejected(workspace, xlsx_reader):
    workspace.source(XLSX_EXPORT)
    book = xlsxwriter.Workbook(str(workspace.exports / "testco" / "contacts_1.xlsx"))
    sheet = book.add_worksheet()
    header = CONTACTS_HEADER.split(",")
    sheet.write_row(0, 0, header)
    talk = header.index("talk")
    for r, (contact, formula, cached) in enumerate(
        [("C1", "=60+40", 100), ("C2", "=1/0", "#DIV/0!"), ("C3", "=2*60", 120)], start=1
    ):
        sheet.write_row(r, 0, contacts_row(contact).split(","))
        sheet.write_formula(r, talk, formula, None, cached)
    book.close()
    report = workspace.ingest()
    assert _counts(report) == ("loaded", 3, 2, 1)
    assert workspace.query("SELECT contact_id, talk_s FROM contacts ORDER BY 1") == [
        ("C1", 100.0),
        ("C3", 120.0),
    ]
    assert workspace.rejects() == [
        (2, "talk", "bad duration '#DIV/0!': expected seconds (duration_format)")
    ]


# --- 6. XLSX time-only cells ------------------------------------------------------------


def test_time_only_cells_on_excel_day_zero_stage_as_times(tmp_path, xlsx_reader):
    book = xlsxwriter.Workbook(str(tmp_path / "calls.xlsx"))
    sheet = book.add_worksheet()
    clock = book.add_format({"num_format": "hh:mm:ss"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, ["id", "a", "b", "c", "d"])
    sheet.write_row(1, 0, ["R1", "x", "x"])
    sheet.write_number(1, 3, 0.4375, clock)  # 10:30 as a time
    sheet.write_datetime(1, 4, dt.datetime(2026, 6, 2, 11, 0), stamp)
    sheet.write_row(2, 0, ["R2", "x", "x"])
    sheet.write_number(2, 3, 0.25, stamp)  # day 0 with a date format
    book.close()
    # ISO date-time cells (t="d"), as some writers store time-only values
    _patch_sheet(
        tmp_path / "calls.xlsx",
        {
            "B2": '<c r="B2" t="d"><v>1899-12-30T10:30:00</v></c>',
            "C2": '<c r="C2" t="d"><v>1899-12-31T08:00:05</v></c>',
            "B3": '<c r="B3" t="d"><v>1899-12-30T00:00:00</v></c>',
            "C3": '<c r="C3" t="d"><v>2026-06-02T00:00:00</v></c>',
        },
    )
    _, rows, _ = _stage_xlsx(tmp_path, tmp_path / "calls.xlsx", dict(XLSX_EXPORT, pattern="*.xlsx"))
    assert rows == [
        (1, "R1", "10:30:00", "08:00:05", "10:30:00", "2026-06-02 11:00:00"),
        (2, "R2", "00:00:00", "2026-06-02", "06:00:00", None),
    ]


def test_cell_text_of_day_zero_datetimes():
    assert xlsx.cell_text(dt.datetime(1899, 12, 30, 10, 30)) == "10:30:00"
    assert xlsx.cell_text(dt.datetime(1899, 12, 31, 23, 59, 59)) == "23:59:59"
    assert xlsx.cell_text(dt.datetime(1899, 12, 30)) == "00:00:00"
    assert xlsx.cell_text(dt.datetime(1900, 1, 1, 6, 0)) == "1900-01-01 06:00:00"
    assert xlsx.cell_text(dt.datetime(2026, 6, 2)) == "2026-06-02"


# --- openpyxl: a stale <dimension> ------------------------------------------------------


def test_openpyxl_reads_rows_beyond_a_stale_dimension(tmp_path, xlsx_reader):
    book = xlsxwriter.Workbook(str(tmp_path / "calls.xlsx"))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["id", "talk"])
    for r in range(1, 6):
        sheet.write_row(r, 0, [f"R{r}", r])
    book.close()
    _patch_sheet(
        tmp_path / "calls.xlsx",
        {},
        replace={'<dimension ref="A1:B6"/>': '<dimension ref="A1:B2"/>'},
    )
    staged, rows, _ = _stage_xlsx(tmp_path, tmp_path / "calls.xlsx")
    assert staged.data_rows == 5
    assert [r[1] for r in rows] == ["R1", "R2", "R3", "R4", "R5"]

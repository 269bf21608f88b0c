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
import gzip
import json
from pathlib import Path

import duckdb
import pytest
import yaml

from pipelines.ingest import readers
from pipelines.ingest.config import parse_source_config
from pipelines.ingest.readers import FileProblem, stage_file
from pipelines.ingest.scratch import scratch_database

from .conftest import (
    CENTRE,
    CONTACTS_EXPORT,
    CONTACTS_HEADER,
    SURVEYS_EXPORT,
    SURVEYS_HEADER,
    contacts_row,
    lenient,
)

STRAY = "C3,voice,\"payment,A1,07700 900123,2026-06-01 10:00:00,1,0,10,100,0,20,0,0"


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
    path.write_text("a,b\n1,alice\n2,\"bob,20\n3,carol\n4,dave\n")
    con = duckdb.connect()
    rows = con.execute(
        "SELECT * FROM read_csv($p, columns = {'a': 'VARCHAR', 'b': 'VARCHAR'}, "
        "header = true, auto_detect = false, quote = '\"', escape = '\"', "
        "store_rejects = true)", {"p": str(path)}).fetchall()
    assert rows == [("1", "alice")]
    assert con.execute("SELECT line, error_type, csv_line FROM reject_errors").fetchall() == [
        (3, "UNQUOTED VALUE", "2,\"bob,20\n3,carol\n4,dave\n")]


# --- 1. a stray quote rejects its own row only ------------------------------------------


def test_stray_quote_rejects_its_row_and_the_rows_after_it_load(workspace, load_one):
    text = _contacts(contacts_row("C1"), contacts_row("C2"), STRAY, contacts_row("C4"),
                     contacts_row("C5"), contacts_row("C6", wait="-1"))
    report = load_one(lenient(CONTACTS_EXPORT), "testco/contacts_1.csv", text)
    assert _counts(report) == ("loaded", 6, 4, 2)
    assert _loaded_ids(workspace) == ["C1", "C2", "C4", "C5"]
    # C3 is data row 3 on line 4; C6 (a negative wait) keeps its own row number 6
    assert workspace.rejects() == [
        (3, None, "unterminated or stray quote (the lines after it were read as rows) "
                  "(line 4)"),
        (6, "wait", "negative duration '-1'")]
    raw = json.loads(workspace.query("SELECT raw_row FROM rejects WHERE row_number = 3")[0][0])
    assert raw["fields"][0] == "C3" and raw["fields"][2] == "\"payment"
    assert len(raw["fields"]) == 14 and "900123" not in json.dumps(raw)  # phone hashed


def test_stray_quote_in_a_gzip_file(workspace, load_one):
    export = dict(lenient(CONTACTS_EXPORT), pattern="testco/contacts_*.csv.gz",
                  format="csv.gz")
    workspace.source(export)
    body = _contacts(contacts_row("C1"), "C2,voice,\"payment", contacts_row("C3"),
                     contacts_row("C4"))
    (workspace.exports / "testco" / "contacts_1.csv.gz").write_bytes(
        gzip.compress(body.encode()))
    report = workspace.ingest()
    assert _counts(report) == ("loaded", 4, 3, 1)
    assert _loaded_ids(workspace) == ["C1", "C3", "C4"]
    assert workspace.rejects() == [
        (2, None, "unterminated or stray quote (the lines after it were read as rows) "
                  "(line 3)")]


def test_stray_quotes_in_crlf_latin1_file_each_reject_one_row(workspace, load_one):
    """Two stray quotes, the second exposed only once the first is isolated; the file is
    latin-1 (DuckDB's positions count UTF-8 bytes) with CRLF line ends."""
    rows = [contacts_row("Cé1"), "C2,\"voice", contacts_row("C3"), contacts_row("C4"),
            "C5,voice,payment,\"A1", contacts_row("C6")]
    report = load_one(dict(lenient(CONTACTS_EXPORT), encoding="latin-1"),
                      "testco/contacts_1.csv", _contacts(*rows, newline="\r\n"),
                      encoding="latin-1")
    assert _counts(report) == ("loaded", 6, 4, 2)
    assert _loaded_ids(workspace) == ["C3", "C4", "C6", "Cé1"]
    assert [r[:2] for r in workspace.rejects()] == [(2, None), (5, None)]
    assert [r[2][-8:] for r in workspace.rejects()] == ["(line 3)", "(line 6)"]


def test_multiline_value_then_stray_quote_numbers_rows_as_records(workspace, load_one):
    """A quoted comment spanning lines loads as one value; the rows after it keep data
    row numbers (records), while reasons name the physical line."""
    text = "\n".join([
        SURVEYS_HEADER,
        "S1,C1,2026-06-01 10:00:00,5,10,Y,\"great\nservice\"",     # lines 2-3, row 1
        "S2,C1,2026-06-01 10:00:00,4,9,Y,\"one\n\ntwo, three\"",    # lines 4-6, row 2
        "S3,C1,2026-06-01 10:00:00,4,9,Y,\"oops",                   # line 7, row 3
        "S4,C1,2026-06-01 10:00:00,3,7,N,",                         # line 8, row 4
        "S5,C1",                                                    # line 9, row 5
        "S6,C1,2026-06-01 10:00:00,9,7,N,",                         # line 10, row 6
        "S7,C1,2026-06-01 10:00:00,2,5,N,\"fine\"",                 # line 11, row 7
    ]) + "\n"
    report = load_one(lenient(SURVEYS_EXPORT), "testco/surveys_1.csv", text)
    assert _counts(report) == ("loaded", 7, 4, 3)
    assert workspace.query("SELECT survey_id, comment FROM surveys ORDER BY 1") == [
        ("S1", "great\nservice"), ("S2", "one\n\ntwo, three"), ("S4", None), ("S7", "fine")]
    assert workspace.rejects() == [
        (3, None, "unterminated or stray quote (the lines after it were read as rows) "
                  "(line 7)"),
        (5, None, "too few fields: the header has 7 (truncated or malformed row) (line 9)"),
        (6, "csat", "CSAT '9' outside the scale 1-5 (csat_scale)")]


def test_blank_lines_do_not_count_as_rows(workspace, load_one):
    """DuckDB numbers a reject's line counting blank lines; data rows do not (the good
    rows' positions never did), so a malformed row after blank lines kept a number
    one too high per blank line, out of order with the rows around it."""
    text = _contacts(contacts_row("C1"), "", "", "C2,voice", contacts_row("C3", wait="-1"),
                     "", contacts_row("C4"))
    report = load_one(lenient(CONTACTS_EXPORT), "testco/contacts_1.csv", text + "\n\n")
    assert _counts(report) == ("loaded", 4, 2, 2)
    assert workspace.rejects() == [
        (2, None, "too few fields: the header has 14 (truncated or malformed row) (line 5)"),
        (3, "wait", "negative duration '-1'")]


# --- 2. reconciliation ------------------------------------------------------------------


def test_files_whose_lines_are_not_one_row_each_reconcile(workspace, load_one):
    """Title rows, CRLF, blank lines (inside a value too), a value with line breaks, a
    whitespace-only line and no final line break: every line is accounted for."""
    export = dict(lenient(CONTACTS_EXPORT), skip_rows=2)
    rows = ["Call report", "\"generated\nby PBX\"",            # 2 title rows, 3 lines
            CONTACTS_HEADER, contacts_row("C1"), "",
            contacts_row("C2", reason="\"pay\r\n\r\nment\""),   # rejected: unknown reason
            "   ", contacts_row("C3")]
    report = load_one(export, "testco/contacts_1.csv", "\r\n".join(rows))
    assert _counts(report) == ("loaded", 4, 2, 2)
    assert [r[:2] for r in workspace.rejects()] == [(2, "reason"), (3, None)]
    assert workspace.rejects()[1][2].endswith("(line 10)")


def test_reconciliation_fails_the_file_when_lines_are_unaccounted(workspace, load_one,
                                                                   monkeypatch):
    """A reader losing a line without a reject: simulated by a file text with one line
    more than DuckDB is given (every line count sees it, the reader does not)."""
    real = readers._CsvSource.view_chunks

    def one_more_line(self):
        yield from real(self)
        yield contacts_row("C9").encode() + b"\n"

    monkeypatch.setattr(readers._CsvSource, "view_chunks", one_more_line)
    monkeypatch.setattr(readers._CsvSource, "line_chunks", one_more_line)
    report = load_one(CONTACTS_EXPORT, "testco/contacts_1.csv",
                      _contacts(contacts_row("C1"), contacts_row("C2")))
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
    monkeypatch.setattr(readers._CsvReading, "read",
                        lambda self: reads.append(1) or real_read(self))

    def no_scan(*args, **kwargs):
        raise AssertionError("a clean file was scanned again")

    monkeypatch.setattr(readers, "_scan_lines", no_scan)
    with _scratch(tmp_path) as con:
        staged = stage_file(con, path, spec)
        assert (staged.data_rows, staged.malformed_rows) == (2000, 0)
        assert con.execute("SELECT count(*) FROM cell_problems").fetchall() == [(0,)]
    assert reads == [1]


def test_too_many_stray_quotes_fail_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_BROKEN_QUOTE_ROWS", 2)
    spec = _spec(tmp_path, CONTACTS_EXPORT)
    path = tmp_path / "contacts_1.csv"
    path.write_text(_contacts(contacts_row("C1"), "C2,\"voice", contacts_row("C3"),
                              "C4,\"voice", contacts_row("C5"), "C6,\"voice",
                              contacts_row("C7")))
    with _scratch(tmp_path) as con, pytest.raises(FileProblem, match=(
            r"contacts_1.csv: more than 2 rows have an unterminated or stray quote")):
        stage_file(con, path, spec)
    with _scratch(tmp_path) as con:
        monkeypatch.setattr(readers, "MAX_BROKEN_QUOTE_ROWS", 3)
        staged = stage_file(con, path, spec)
        assert (staged.data_rows, staged.malformed_rows) == (7, 3)
        assert con.execute("SELECT _cc_row FROM malformed ORDER BY 1").fetchall() == [
            (2,), (4,), (6,)]
        assert con.execute("SELECT id FROM staged ORDER BY _ord").fetchall() == [
            ("C1",), ("C3",), ("C5",), ("C7",)]
    assert not list(tmp_path.glob("csv-clean-*")), "the cleaned copies were not removed"


# --- 4. offending values are cut --------------------------------------------------------


def test_malformed_row_text_is_cut_after_1000_characters(workspace, load_one):
    long_field = "x" * 1500
    text = _contacts(contacts_row("C1"), "C2," + long_field, contacts_row("C3"),
                     "C4,\"" + "y" * 12000, contacts_row("C5"))
    report = load_one(lenient(CONTACTS_EXPORT), "testco/contacts_1.csv", text)
    assert _counts(report) == ("loaded", 5, 3, 2)
    # the reject's raw row holds the line's fields (split at the delimiter, the cut
    # marker's comma too)
    raws = [",".join(json.loads(r[0])["fields"]) for r in workspace.query(
        "SELECT raw_row FROM rejects ORDER BY row_number")]
    # "C2," + 1500 x = 1503 characters; the first 1000 kept: "C2," and 997 x
    assert raws[0] == "C2," + "x" * 997 + "… [cut, 1503 characters]"
    # beyond DuckDB's 10,000-byte csv_line: the length comes from the file
    assert raws[1] == "C4,\"" + "y" * 996 + "… [cut, 12004 characters]"


# --- helpers for stage-level tests ------------------------------------------------------


def _spec(folder: Path, export: dict):
    config = folder / "config.yaml"
    config.write_text(yaml.safe_dump({"centre": CENTRE, "exports": [copy.deepcopy(export)]},
                                     sort_keys=False))
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

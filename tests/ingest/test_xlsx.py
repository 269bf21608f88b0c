"""XLSX row sources: calamine (default) and openpyxl (very large sheets) read alike."""

from __future__ import annotations

import copy
import datetime as dt

import duckdb
import openpyxl
import pytest

from pipelines.ingest import xlsx
from pipelines.ingest.scratch import SCRATCH, scratch_database

from .conftest import CONTACTS_EXPORT, CONTACTS_HEADER


def typed_workbook(path) -> None:
    """A first sheet to skip, then 'Calls' starting at C3 with one cell of each type."""
    book = openpyxl.Workbook()
    book.active.title = "Other"
    book.active.append(["not this sheet"])
    sheet = book.create_sheet("Calls")
    sheet["C3"] = "Title"
    sheet.append([])
    rows = [
        ["id", "when", "day", "clock", "dur", "int", "float", "big", "flag", "text"],
        [
            "A",
            dt.datetime(2026, 6, 2, 11, 0, 5),
            dt.datetime(2026, 6, 2),
            dt.time(11, 0),
            dt.timedelta(hours=26, minutes=3, seconds=4),
            42,
            0.1,
            1e20,
            True,
            "  padded ",
        ],
        [
            "B",
            dt.date(2026, 1, 31),
            None,
            dt.time(0, 0, 5),
            dt.timedelta(seconds=-65),
            3.0,
            2.5e-7,
            123456789012,
            False,
            "",
        ],
        [None] * 10,
        ["C", "01/06/2026", "x", "10:00", "0:01:40", "7", -3.5, 0, None, "=text"],
    ]
    for row in rows:
        sheet.append([None, None, *row])
    book.save(path)


# What a CSV export would hold, worked out by hand: midnight datetimes as dates, whole
# floats as integers (1e20 too), timedeltas as H:MM:SS (26:03:04; -65 s = -0:01:05), booleans
# TRUE/FALSE, empty cells None; row 1-2 empty, columns A-B empty.
EXPECTED = [
    [None] * 12,
    [None] * 12,
    [None, None, "Title"] + [None] * 9,
    [None] * 12,
    [None, None, "id", "when", "day", "clock", "dur", "int", "float", "big", "flag", "text"],
    [
        None,
        None,
        "A",
        "2026-06-02 11:00:05",
        "2026-06-02",
        "11:00:00",
        "26:03:04",
        "42",
        "0.1",
        "100000000000000000000",
        "TRUE",
        "  padded ",
    ],
    [
        None,
        None,
        "B",
        "2026-01-31",
        None,
        "00:00:05",
        "-0:01:05",
        "3",
        "2.5e-07",
        "123456789012",
        "FALSE",
        None,
    ],
    [None] * 12,
    [
        None,
        None,
        "C",
        "01/06/2026",
        "x",
        "10:00",
        "0:01:40",
        "7",
        "-3.5",
        "0",
        None,
        None,
    ],  # "=text" is a formula; openpyxl saves no cached value, so both read it empty
]


def row_texts(cells, width: int) -> list[str | None]:
    texts = [xlsx.cell_text(c) for c in cells[:width]]
    return texts + [None] * (width - len(texts))


@pytest.mark.parametrize("reader", [xlsx.calamine_rows, xlsx.openpyxl_rows])
def test_both_readers_give_the_same_cell_texts(tmp_path, reader):
    path = tmp_path / "typed.xlsx"
    typed_workbook(path)
    rows = [row_texts(cells, 12) for cells in reader(path, "Calls")]
    assert rows == EXPECTED


@pytest.mark.parametrize("reader", [xlsx.calamine_rows, xlsx.openpyxl_rows])
def test_default_sheet_is_the_first_and_missing_sheet_is_named(tmp_path, reader):
    path = tmp_path / "typed.xlsx"
    typed_workbook(path)
    assert [row_texts(c, 1) for c in reader(path, None)] == [["not this sheet"]]
    with pytest.raises(xlsx.MissingSheet, match=r"no sheet 'Nope'; sheets: \['Other', 'Calls'\]"):
        list(reader(path, "Nope"))


def _load_workbook(workspace):
    export = copy.deepcopy(CONTACTS_EXPORT)
    export.update(
        pattern="testco/contacts_*.xlsx",
        format="xlsx",
        sheet="Calls",
        skip_rows=1,
        duration_format="hms",
        true_words=["Yes"],
        false_words=["No"],
    )
    del export["delimiter"]
    export["contacts"]["columns"]["started_at"] = {"date": "day", "time": "clock"}
    export["contacts"]["timestamp_format"] = "%d/%m/%Y %H:%M:%S"
    export["contacts"]["on_conflict"] = "keep_first"
    export["max_reject_pct"] = 100  # 2 of its 3 rows are bad on purpose
    workspace.source(export)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Calls"
    sheet.append(["report title"])
    sheet.append(CONTACTS_HEADER.replace("start", "day,clock").split(","))
    good = ["voice", "payment", "A1", "07700 900123"]
    sheet.append(
        [
            "C1",
            *good,
            dt.datetime(2026, 6, 2),
            dt.time(11, 0),
            "Yes",
            "No",
            dt.time(0, 0, 5),
            "0:01:00",
            "0:00:00",
            "0:00:20",
            "No",
            "Yes",
        ]
    )
    sheet.append([None] * 5)  # a blank row: not data, not counted
    sheet.append(
        [
            "C2",
            *good,
            "02/06/2026",
            "12:00:00",
            "Maybe",
            "No",
            "0:00:05",
            "0:01:00",
            "0:00:00",
            "0:00:20",
            "No",
            "No",
        ]
    )
    sheet.append(
        [
            "C1",
            *good,
            "03/06/2026",
            "12:00:00",
            "Yes",
            "No",
            "0:00:05",
            "0:01:00",
            "0:00:00",
            "0:00:20",
            "No",
            "No",
        ]
    )
    book.save(workspace.exports / "testco" / "contacts_1.xlsx")
    report = workspace.ingest()
    return (
        [(r.status, r.rows_read, r.rows_loaded, r.rows_rejected) for r in report.results],
        workspace.query(
            "SELECT contact_id, started_at, answered, wait_s, talk_s, complaint, "
            "customer_key FROM contacts ORDER BY contact_id"
        ),
        workspace.query(
            "SELECT row_number, column_name, reason, raw_row FROM rejects ORDER BY row_number"
        ),
    )


def test_openpyxl_fallback_loads_the_same_as_calamine(workspace, monkeypatch, tmp_path):
    calamine = _load_workbook(workspace)
    workspace.warehouse.unlink()
    monkeypatch.setattr(xlsx, "CALAMINE_MAX_SHEET_XML_BYTES", 0)  # every sheet "too large"
    used = []
    monkeypatch.setattr(
        xlsx, "openpyxl_rows", lambda *a, real=xlsx.openpyxl_rows: used.append(1) or real(*a)
    )
    fallback = _load_workbook(workspace)
    assert used, "the fallback reader was not used"
    assert fallback == calamine
    # 3 data rows (the blank one not counted): C1 loads; C2 has an unknown flag word
    # (data row 2); the second C1 (data row 3) repeats the key.
    assert calamine[0] == [("loaded", 3, 1, 2)]
    assert [(r[0], r[1]) for r in calamine[2]] == [(2, "answered"), (3, "id")]
    # 2 June 2026 11:00 London summer time is 10:00 UTC.
    assert calamine[1][0][:6] == ("C1", dt.datetime(2026, 6, 2, 10), True, 5.0, 60.0, True)


def test_stage_rows_numbers_pads_and_skips_blank_rows_across_batches(monkeypatch, tmp_path):
    monkeypatch.setattr(xlsx, "XLSX_BATCH_ROWS", 2)  # 5 data rows: batches of 2, 2 and 1
    con = duckdb.connect()
    rows = [
        ["A", 0, ""],
        ["", "", ""],
        [None, False],
        ["B"],
        ["  ", dt.time(9, 5), 1.5],
        [None, None, None],
        ["C", "x", "y", "beyond the header"],
    ]
    with scratch_database(con, tmp_path / "scratch"):
        assert xlsx.stage_rows(con, ["a", "b", "c"], iter(rows)) == 5
        # Blank rows ("" or None only) are skipped and not counted; 0 and False are data;
        # short rows are padded; cells beyond the header are dropped; "" is NULL.
        assert con.execute(f"SELECT * FROM {SCRATCH}.staged_raw ORDER BY _cc_row").fetchall() == [
            (1, "A", "0", None),
            (2, None, "FALSE", None),
            (3, "B", None, None),
            (4, "  ", "09:05:00", "1.5"),
            (5, "C", "x", "y"),
        ]

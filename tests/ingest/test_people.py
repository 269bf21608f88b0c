"""The people kinds: agent rosters (employment spells into ``agents``) and staff surveys
(eNPS into ``staff_surveys``), from the shapes HR exports take, with rejects naming row
and column, idempotent reloads, restatements and kill -9 safety."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import xlsxwriter

from pipelines.ingest import ConfigError, load_source_configs
from pipelines.ingest.check import check_export

from .conftest import CONTACTS_EXPORT, kill_ingest_at, lenient

ROSTER_EXPORT = {
    "pattern": "testco/roster_*.csv",
    "format": "csv",
    "delimiter": ",",
    "roster": {
        "date_format": "%d/%m/%Y",
        "columns": {
            "agent_id": "Employee",
            "hired_on": "Start Date",
            "left_on": "Leaving Date",
            "employed": {"column": "Status", "true_words": ["Active"], "false_words": ["Leaver"]},
        },
    },
}
ROSTER_HEADER = "Employee,Status,Start Date,Leaving Date"
STAFF_EXPORT = {
    "pattern": "testco/pulse_*.csv",
    "format": "csv",
    "delimiter": ",",
    "staff_surveys": {
        "timestamp_format": "%d/%m/%Y %H:%M",
        "columns": {
            "response_id": "Response",
            "agent_id": "Employee",
            "responded_at": "Submitted",
            "enps": "Recommend",
        },
    },
}
STAFF_HEADER = "Response,Employee,Submitted,Recommend"


def spells(workspace) -> list[tuple]:
    return workspace.query(
        "SELECT centre_id, agent_id, hired_on, left_on, load_id FROM agents "
        "ORDER BY agent_id, hired_on"
    )


def load(workspace, export: dict, header: str, *rows: str, name: str = "roster_1.csv"):
    workspace.source(export)
    workspace.write(f"testco/{name}", "\n".join([header, *rows]) + "\n")
    return workspace.ingest()


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_a_roster_loads_spells_with_day_first_dates_and_empty_end_dates(workspace):
    rows = [
        "A1,Active,03/02/2025,",  # employed: no end date
        "A2,Leaver,15/01/2025,28/02/2026",
        "A3,Active,01/06/2026,N/A",  # "N/A" is no date (empty_words)
        "A2,Active,01/05/2026,-",  # A2 rehired: a second spell
    ]
    result = load(workspace, ROSTER_EXPORT, ROSTER_HEADER, *rows)
    assert [(r.kind, r.rows_read, r.rows_loaded, r.rows_rejected) for r in result.results] == [
        ("roster", 4, 4, 0)
    ]
    assert spells(workspace) == [
        ("testco", "A1", d("2025-02-03"), None, 1),
        ("testco", "A2", d("2025-01-15"), d("2026-02-28"), 1),
        ("testco", "A2", d("2026-05-01"), None, 1),
        ("testco", "A3", d("2026-06-01"), None, 1),
    ]


def test_roster_rejects_name_row_column_and_reason(workspace):
    rows = [
        "A1,Active,03/02/2025,",  # 1 loads
        "A2,Leaver,15/03/2025,28/02/2025",  # 2 left before hired
        "A3,Active,2025-13-45,",  # 3 no date in the format
        "A4,Leaver,01/02/2025,",  # 4 a leaver without a left_on
        "A5,Active,,",  # 5 no hire date
        "A6,On leave,01/02/2025,",  # 6 a status word the config does not know
        "A7,Active,01/02/1925,",  # 7 implausible
        ",Active,01/02/2025,",  # 8 no agent
        "A1,Active,03/02/2025,",  # 9 an exact duplicate of row 1
    ]
    result = load(workspace, lenient(ROSTER_EXPORT), ROSTER_HEADER, *rows)
    assert [(r.rows_read, r.rows_loaded, r.rows_rejected) for r in result.results] == [(9, 1, 8)]
    assert workspace.rejects() == [
        (2, "Leaving Date", "left_on 2025-02-28 is before hired_on 2025-03-15"),
        (3, "Start Date", "bad date '2025-13-45': expected format %d/%m/%Y (date_format)"),
        (4, "Status", "a leaver ('Leaver') needs a left_on date"),
        (5, "Start Date", "missing required value"),
        (
            6,
            "Status",
            "'On leave' is not a true/false word (true_words ['Active'], false_words ['Leaver'])",
        ),
        (7, "Start Date", "date '01/02/1925' is before 1950-01-01: not plausible"),
        (8, "Employee", "missing required value"),
        (9, None, "exact duplicate of row 1"),
    ]
    assert spells(workspace) == [("testco", "A1", d("2025-02-03"), None, 1)]


def test_two_rows_for_one_spell_that_differ_are_both_rejected_unless_told(workspace):
    rows = ["A1,Active,03/02/2025,", "A1,Leaver,03/02/2025,31/03/2026"]
    load(workspace, lenient(ROSTER_EXPORT), ROSTER_HEADER, *rows)
    assert [r[0] for r in workspace.rejects()] == [1, 2]
    assert "conflicting rows for key A1/2025-02-03" in workspace.rejects()[0][2]
    keep_last = copy.deepcopy(ROSTER_EXPORT)
    keep_last["roster"]["on_conflict"] = "keep_last"
    # (a third row: the same bytes again would be skipped as already loaded)
    load(workspace, keep_last, ROSTER_HEADER, *rows, "A9,Active,05/01/2026,", name="roster_2.csv")
    assert spells(workspace) == [
        ("testco", "A1", d("2025-02-03"), d("2026-03-31"), 2),
        ("testco", "A9", d("2026-01-05"), None, 2),
    ]


def test_loading_the_same_roster_twice_changes_nothing(workspace):
    first = load(workspace, ROSTER_EXPORT, ROSTER_HEADER, "A1,Active,03/02/2025,")
    assert [r.status for r in first.results] == ["loaded"]
    again = workspace.ingest()
    assert [r.status for r in again.results] == ["skipped"]
    assert spells(workspace) == [("testco", "A1", d("2025-02-03"), None, 1)]
    assert workspace.query("SELECT count(*) FROM loads") == [(1,)]


def test_a_later_roster_restating_a_spell_replaces_it(workspace):
    load(workspace, ROSTER_EXPORT, ROSTER_HEADER, "A1,Active,03/02/2025,", "A2,Active,01/03/2025,")
    # next month's roster: A1 has left; A2 unchanged; A3 new
    workspace.write(
        "testco/roster_2.csv",
        f"{ROSTER_HEADER}\nA1,Leaver,03/02/2025,30/06/2026\nA2,Active,01/03/2025,\n"
        "A3,Active,01/07/2026,\n",
    )
    workspace.ingest()
    assert spells(workspace) == [
        ("testco", "A1", d("2025-02-03"), d("2026-06-30"), 2),
        ("testco", "A2", d("2025-03-01"), None, 2),
        ("testco", "A3", d("2026-07-01"), None, 2),
    ]


def test_a_roster_comes_in_a_file_of_its_own(workspace):
    export = {**copy.deepcopy(CONTACTS_EXPORT), "roster": ROSTER_EXPORT["roster"]}
    workspace.source(export)
    with pytest.raises(ConfigError, match="a roster comes in a file of its own"):
        load_source_configs(workspace.config_dir)


def test_a_roster_needs_agent_and_hire_date(workspace):
    export = copy.deepcopy(ROSTER_EXPORT)
    del export["roster"]["columns"]["hired_on"]
    workspace.source(export)
    with pytest.raises(ConfigError, match=r"roster.columns.hired_on: is required for roster"):
        load_source_configs(workspace.config_dir)


def test_an_xlsx_hr_report_with_typed_dates_and_a_title_row(workspace):
    path = workspace.exports / "testco" / "roster_1.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Headcount")
    date = workbook.add_format({"num_format": "dd-mmm-yyyy"})
    sheet.write_string(0, 0, "Test BPO - HR headcount report")
    for col, name in enumerate(["Emp No", "Status", "Date Joined", "Date Left"]):
        sheet.write_string(1, col, name)
    sheet.write_string(2, 0, "A1")
    sheet.write_string(2, 1, "Active")
    sheet.write_datetime(2, 2, dt.datetime(2026, 1, 5), date)
    sheet.write_string(2, 3, "N/A")
    sheet.write_string(3, 0, "A2")
    sheet.write_string(3, 1, "Resigned")
    sheet.write_datetime(3, 2, dt.datetime(2025, 11, 3), date)
    sheet.write_datetime(3, 3, dt.datetime(2026, 2, 13), date)
    workbook.close()
    export = {
        "pattern": "testco/roster_*.xlsx",
        "format": "xlsx",
        "sheet": "Headcount",
        "skip_rows": 1,
        "roster": {
            "columns": {
                "agent_id": "Emp No",
                "hired_on": "Date Joined",
                "left_on": "Date Left",
                "employed": {
                    "column": "Status",
                    "true_words": ["Active"],
                    "false_words": ["Resigned", "Terminated"],
                },
            },
        },
    }
    workspace.source(export)
    result = workspace.ingest()
    assert [(r.status, r.rows_loaded) for r in result.results] == [("loaded", 2)]
    assert spells(workspace) == [
        ("testco", "A1", d("2026-01-05"), None, 1),
        ("testco", "A2", d("2025-11-03"), d("2026-02-13"), 1),
    ]


def test_staff_surveys_load_enps_in_utc_and_reject_answers_outside_0_to_10(workspace):
    rows = [
        "R1,A1,05/06/2026 09:30,9",  # London BST: 08:30 UTC
        "R2,,05/06/2026 10:00,3",  # anonymous
        "R3,A2,05/06/2026 10:00,11",  # outside 0-10
        "R4,A2,05/06/2026 10:00,7.5",  # not whole
        "R5,A3,31/06/2026 10:00,8",  # no such date
        "R6,A3,06/06/2026 10:00,",  # no answer: kept, outside the eNPS population
    ]
    result = load(workspace, lenient(STAFF_EXPORT), STAFF_HEADER, *rows, name="pulse_1.csv")
    assert [(r.kind, r.rows_read, r.rows_loaded, r.rows_rejected) for r in result.results] == [
        ("staff_surveys", 6, 3, 3)
    ]
    assert workspace.rejects() == [
        (3, "Recommend", "eNPS '11' is not a whole number 0-10"),
        (4, "Recommend", "eNPS '7.5' is not a whole number 0-10"),
        (
            5,
            "Submitted",
            "bad date/time '31/06/2026 10:00': expected format %d/%m/%Y %H:%M (timestamp_format)",
        ),
    ]
    assert workspace.query(
        "SELECT centre_id, response_id, agent_id, responded_at, enps, load_id "
        "FROM staff_surveys ORDER BY response_id"
    ) == [
        ("testco", "R1", "A1", dt.datetime(2026, 6, 5, 8, 30), 9, 1),
        ("testco", "R2", None, dt.datetime(2026, 6, 5, 9, 0), 3, 1),
        ("testco", "R6", "A3", dt.datetime(2026, 6, 6, 9, 0), None, 1),
    ]


def test_staff_surveys_without_ids_take_a_content_key_and_reload_idempotently(workspace):
    export = copy.deepcopy(STAFF_EXPORT)
    export["staff_surveys"]["columns"]["response_id"] = {"synthetic": "content"}
    load(workspace, export, STAFF_HEADER, ",A1,05/06/2026 09:30,9", name="pulse_1.csv")
    before = workspace.query("SELECT * FROM staff_surveys")
    workspace.write("testco/pulse_2.csv", f"{STAFF_HEADER}\n,A1,05/06/2026 09:30,9\n")
    workspace.ingest()  # the same answer in another file: the same key, replaced
    after = workspace.query("SELECT response_id, agent_id, enps FROM staff_surveys")
    assert len(before) == 1 and after == [(before[0][1], "A1", 9)]


def test_check_lists_what_a_roster_would_load(workspace):
    workspace.source(lenient(ROSTER_EXPORT))
    path = workspace.write(
        "testco/roster_1.csv", f"{ROSTER_HEADER}\nA1,Active,03/02/2025,\nA2,Leaver,03/02/2025,\n"
    )
    checked = check_export(path, config_dir=workspace.config_dir, exports_root=workspace.exports)
    (kind,) = checked.kinds
    assert (kind.kind, kind.read, kind.loads, kind.rejected, kind.records) == (
        "roster",
        2,
        1,
        1,
        1,
    )
    assert set(kind.supported) == {
        "headcount",
        "attrition_pct",
        "tenure_median_days",
        "new_hire_contact_pct",
    }


def test_status_lists_rosters_and_staff_surveys_only_where_some_were_sent(workspace):
    from pipelines.ingest.reports import load_status
    from pipelines.warehouse import connect_read_only

    workspace.source(ROSTER_EXPORT, STAFF_EXPORT)
    workspace.write("testco/roster_1.csv", f"{ROSTER_HEADER}\nA1,Leaver,03/02/2025,30/06/2026\n")
    workspace.write("testco/pulse_1.csv", f"{STAFF_HEADER}\nR1,A1,05/06/2026 09:30,9\n")
    workspace.ingest()
    with connect_read_only(workspace.warehouse) as con:
        status = load_status(con).df()
    assert list(status["kind"]) == ["contacts", "surveys", "qa", "roster", "staff_surveys"]
    roster = status[status["kind"] == "roster"].iloc[0]
    # the latest hire or leave: A1 left on 30 June
    assert roster["latest_record_at"] == dt.datetime(2026, 6, 30)


@pytest.mark.parametrize("kill_point", ["checked", "mid-transaction"])
def test_kill_9_while_loading_a_roster_leaves_the_warehouse_as_before(
    workspace, tmp_path, kill_point
):
    load(workspace, ROSTER_EXPORT, ROSTER_HEADER, "A1,Active,03/02/2025,")
    before = spells(workspace)
    workspace.write("testco/roster_2.csv", f"{ROSTER_HEADER}\nA1,Leaver,03/02/2025,30/06/2026\n")
    kill_ingest_at(workspace, kill_point, tmp_path / "reached")
    assert spells(workspace) == before
    assert [r.status for r in workspace.ingest().results] == ["skipped", "loaded"]
    assert spells(workspace) == [("testco", "A1", d("2025-02-03"), d("2026-06-30"), 2)]

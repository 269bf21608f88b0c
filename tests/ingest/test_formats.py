"""Each format, locale and mapping feature on small hand-made files with known answers."""

from __future__ import annotations

import copy
import datetime as dt
import gzip

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from .conftest import (
    CENTRE,
    CONTACTS_EXPORT,
    CONTACTS_HEADER,
    QA_EXPORT,
    SURVEYS_EXPORT,
    SURVEYS_HEADER,
    contacts_row,
    customer_key,
)

UTC = dt.datetime


def test_plain_csv_loads_every_column(workspace, load_one):
    text = (
        "\n".join(
            [
                CONTACTS_HEADER,
                contacts_row(
                    "C1",
                    start="2026-06-01 10:00:00",
                    wait="7",
                    talk="100",
                    hold="5",
                    wrap="20",
                    complaint="1",
                ),
            ]
        )
        + "\n"
    )
    report = load_one(CONTACTS_EXPORT, "testco/contacts_1.csv", text)
    assert [(r.status, r.rows_read, r.rows_loaded, r.rows_rejected) for r in report.results] == [
        ("loaded", 1, 1, 0)
    ]
    row = workspace.query(
        "SELECT centre_id, contact_id, channel, contact_reason, agent_id, "
        "started_at, answered, abandoned, wait_s, talk_s, hold_s, wrap_s, "
        "transferred, complaint FROM contacts"
    )
    # 10:00 BST (UTC+1 in June) is 09:00 UTC.
    assert row == [
        (
            "testco",
            "C1",
            "voice",
            "payment",
            "A1",
            UTC(2026, 6, 1, 9, 0),
            True,
            False,
            7.0,
            100.0,
            5.0,
            20.0,
            False,
            True,
        )
    ]
    assert workspace.query("SELECT * FROM centres")[0][0] == "testco"


def test_dst_change_london(workspace, load_one):
    # Europe/London leaves BST on 2026-10-25 at 01:00 UTC: 23:30 on the 24th is BST
    # (UTC+1) -> 22:30 UTC; 23:30 on the 25th is GMT -> 23:30 UTC.
    text = (
        "\n".join(
            [
                CONTACTS_HEADER,
                contacts_row("C1", start="2026-10-24 23:30:00"),
                contacts_row("C2", start="2026-10-25 23:30:00"),
            ]
        )
        + "\n"
    )
    load_one(CONTACTS_EXPORT, "testco/contacts_1.csv", text)
    assert workspace.query("SELECT contact_id, started_at FROM contacts ORDER BY 1") == [
        ("C1", UTC(2026, 10, 24, 22, 30)),
        ("C2", UTC(2026, 10, 25, 23, 30)),
    ]


def test_semicolon_latin1_gzip_decimal_comma_day_first(workspace, load_one):
    export = copy.deepcopy(CONTACTS_EXPORT)
    export.update(
        pattern="testco/contacts_*.csv.gz",
        format="csv.gz",
        delimiter=";",
        decimal_separator=",",
        encoding="latin-1",
        true_words=["S"],
        false_words=["N"],
    )
    export["contacts"]["timestamp_format"] = "%d-%m-%Y %H:%M:%S"
    export["contacts"]["value_maps"] = {
        "contact_reason": {"Faturação": "billing_query"},
        "channel": {"Telefone": "voice"},
    }
    header = CONTACTS_HEADER.replace(",", ";")
    row = "C1;Telefone;Faturação;A1;07700 900123;02-06-2026 14:05:09;S;N;12,5;60,25;0;3;N;S"
    workspace.source(export)
    path = workspace.exports / "testco" / "contacts_1.csv.gz"
    path.write_bytes(gzip.compress(f"{header}\n{row}\n".encode("latin-1")))
    workspace.ingest()
    assert workspace.query(
        "SELECT contact_reason, channel, started_at, wait_s, talk_s, complaint FROM contacts"
    ) == [
        # 14:05:09 on 2 June, London summer time (UTC+1) -> 13:05:09 UTC.
        ("billing_query", "voice", UTC(2026, 6, 2, 13, 5, 9), 12.5, 60.25, True)
    ]


def test_us_am_pm_and_hms_durations_in_manila_time(workspace, load_one):
    export = copy.deepcopy(CONTACTS_EXPORT)
    export.update(duration_format="hms", true_words=["TRUE"], false_words=["FALSE"])
    export["contacts"]["timestamp_format"] = "%m/%d/%Y %I:%M:%S %p"
    centre = {**CENTRE, "timezone": "Asia/Manila"}
    workspace.source(export, centre=centre)
    rows = [
        CONTACTS_HEADER,
        "C1,voice,payment,A1,,06/01/2026 01:05:09 PM,TRUE,FALSE,0:00:12,1:02:03,0:00:00,"
        "0:01:00,FALSE,FALSE",
        "C2,voice,payment,A1,,06/01/2026 12:30:00 AM,TRUE,FALSE,0:00:12,0:00:00,,"
        "0:00:00,FALSE,FALSE",
    ]
    workspace.write("testco/contacts_1.csv", "\n".join(rows) + "\n")
    workspace.ingest()
    # Manila is UTC+8 all year: 13:05:09 -> 05:05:09 UTC; 00:30 -> 16:30 the day before.
    # 1:02:03 = 3600 + 120 + 3 = 3723 s. An empty hold is NULL, not an error.
    assert workspace.query(
        "SELECT contact_id, started_at, wait_s, talk_s, hold_s, wrap_s FROM contacts ORDER BY 1"
    ) == [
        ("C1", UTC(2026, 6, 1, 5, 5, 9), 12.0, 3723.0, 0.0, 60.0),
        ("C2", UTC(2026, 5, 31, 16, 30), 12.0, 0.0, None, 0.0),
    ]


def test_separate_date_and_time_columns(workspace, load_one):
    export = copy.deepcopy(CONTACTS_EXPORT)
    export["contacts"]["columns"]["started_at"] = {"date": "day", "time": "clock"}
    export["contacts"]["timestamp_format"] = "%d/%m/%Y %H:%M:%S"
    header = CONTACTS_HEADER.replace("start", "day,clock")
    row = contacts_row("C1", start="25/10/2026,00:30:00")
    load_one(export, "testco/contacts_1.csv", f"{header}\n{row}\n")
    # 00:30 on 25 Oct is still BST (the change is at 02:00 local): 23:30 UTC on the 24th.
    assert workspace.query("SELECT started_at FROM contacts") == [(UTC(2026, 10, 24, 23, 30),)]


@pytest.mark.parametrize(
    ("scale", "answers", "expected"),
    [
        # csat = 1 + 4 * (raw - lo) / (hi - lo)
        ([1, 5], ["1", "3", "5"], [1.0, 3.0, 5.0]),
        ([1, 10], ["1", "7", "10"], [1.0, 1 + 4 * 6 / 9, 5.0]),  # 7 -> 3.6667
        ([0, 10], ["0", "5", "10"], [1.0, 3.0, 5.0]),
    ],
)
def test_csat_scales_normalised(workspace, load_one, scale, answers, expected):
    export = copy.deepcopy(SURVEYS_EXPORT)
    export["surveys"]["csat_scale"] = scale
    rows = [SURVEYS_HEADER] + [
        f"S{i},C{i},2026-06-01 10:00:00,{a},9,Y,ok" for i, a in enumerate(answers)
    ]
    load_one(export, "testco/surveys_1.csv", "\n".join(rows) + "\n")
    got = workspace.query("SELECT csat_raw, csat_lo, csat_hi, csat FROM surveys ORDER BY 1")
    assert [g[:3] for g in got] == [(float(a), scale[0], scale[1]) for a in answers]
    assert [g[3] for g in got] == pytest.approx(expected)


def test_flag_words_are_case_insensitive_and_configurable(workspace, load_one):
    export = copy.deepcopy(SURVEYS_EXPORT)
    export.update(true_words=["yes", "Sim"], false_words=["no"])
    rows = [
        SURVEYS_HEADER,
        "S1,C1,2026-06-01 10:00:00,4,9,YES,",
        "S2,C1,2026-06-01 10:00:00,4,9,sim,",
        "S3,C1,2026-06-01 10:00:00,4,9,No,",
        "S4,C1,2026-06-01 10:00:00,4,9,,",
    ]
    load_one(export, "testco/surveys_1.csv", "\n".join(rows) + "\n")
    assert workspace.query("SELECT survey_id, resolved, nps FROM surveys ORDER BY 1") == [
        ("S1", True, 9),
        ("S2", True, 9),
        ("S3", False, 9),
        ("S4", None, 9),
    ]


def test_legs_collapse_into_one_contact(workspace, load_one):
    export = copy.deepcopy(CONTACTS_EXPORT)
    del export["contacts"]["columns"]["transferred"]
    export["contacts"]["legs"] = {
        "leg_column": "leg",
        "last_leg": ["agent_id"],
        "sum": ["talk_s", "hold_s", "wrap_s"],
        "any": ["complaint"],
    }
    header = (
        "id,leg,channel,reason,agent,phone,start,answered,abandoned,wait,talk,hold,wrap,"
        "transferred,complaint"
    )
    rows = [
        header,
        # legs listed out of order on purpose: leg 2 first
        "C1,2,chat,cancellation,A2,07700 900123,2026-06-01 10:05:00,1,0,3,50,0,10,0,1",
        "C1,1,voice,payment,A1,07700 900123,2026-06-01 10:00:00,1,0,30,100,5,20,0,0",
        "C2,1,voice,payment,A3,07700 900999,2026-06-01 11:00:00,1,0,4,60,0,5,0,0",
    ]
    report = load_one(export, "testco/contacts_1.csv", "\n".join(rows) + "\n")
    assert report.results[0].rows_loaded == 3
    assert "3 legs collapsed into 2 contacts" in report.results[0].message
    # C1: start, wait, channel, reason of leg 1; agent of leg 2; talk 100+50, hold 5+0,
    # wrap 20+10; transferred (2 legs); complaint (leg 2 has it).
    assert workspace.query(
        "SELECT contact_id, channel, contact_reason, agent_id, started_at, "
        "wait_s, talk_s, hold_s, wrap_s, transferred, complaint "
        "FROM contacts ORDER BY 1"
    ) == [
        ("C1", "voice", "payment", "A2", UTC(2026, 6, 1, 9, 0), 30.0, 150.0, 5.0, 30.0, True, True),
        ("C2", "voice", "payment", "A3", UTC(2026, 6, 1, 10, 0), 4.0, 60.0, 0.0, 5.0, False, False),
    ]


def test_combined_calls_and_csat_file(workspace, load_one):
    export = copy.deepcopy(CONTACTS_EXPORT)
    export["surveys"] = {
        "present_if": "sid",
        "timestamp_format": "%Y-%m-%d %H:%M",
        "columns": {
            "survey_id": "sid",
            "contact_id": "id",
            "responded_at": "stime",
            "csat": "csat",
        },
        "csat_scale": [1, 5],
    }
    rows = [
        CONTACTS_HEADER + ",sid,stime,csat",
        contacts_row("C1") + ",S1,2026-06-01 10:30,5",
        contacts_row("C2") + ",,,",
        contacts_row("C3") + ",S3,2026-06-01 10:40,9",
    ]
    report = load_one(export, "testco/contacts_1.csv", "\n".join(rows) + "\n")
    by_kind = {r.kind: (r.rows_read, r.rows_loaded, r.rows_rejected) for r in report.results}
    # 3 calls; 2 rows carry a survey, one with CSAT 9 on a 1-5 scale: that row is one
    # record of the export, so its call is rejected with it.
    assert by_kind == {"contacts": (3, 2, 1), "surveys": (2, 1, 1)}
    assert workspace.query("SELECT survey_id, contact_id, responded_at, csat FROM surveys") == [
        ("S1", "C1", UTC(2026, 6, 1, 9, 30), 5.0)
    ]
    assert workspace.query("SELECT contact_id FROM contacts ORDER BY 1") == [("C1",), ("C2",)]
    assert workspace.rejects() == [
        (
            3,
            None,
            "rejected with the row's surveys part: CSAT '9' outside the scale 1-5 (csat_scale)",
        ),
        (3, "csat", "CSAT '9' outside the scale 1-5 (csat_scale)"),
    ]


def test_xlsx_with_title_rows_and_typed_cells(workspace):
    export = copy.deepcopy(CONTACTS_EXPORT)
    export.update(
        pattern="testco/contacts_*.xlsx",
        format="xlsx",
        sheet="Calls",
        skip_rows=2,
        duration_format="hms",
        true_words=["Yes"],
        false_words=["No"],
    )
    del export["delimiter"]
    export["contacts"]["columns"]["started_at"] = {"date": "day", "time": "clock"}
    export["contacts"]["timestamp_format"] = "%d/%m/%Y %H:%M:%S"
    workspace.source(export)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Calls"
    sheet.append(["Claremont interactions report"])
    sheet.append(["Generated 2026-11-23"])
    sheet.append(CONTACTS_HEADER.replace("start", "day,clock").split(","))
    # a text date and a real Excel date; a text duration and a real time cell
    sheet.append(
        [
            "C1",
            "voice",
            "payment",
            "A1",
            "07700 900123",
            "01/06/2026",
            "10:00:00",
            "Yes",
            "No",
            "0:00:10",
            "0:01:40",
            "0:00:00",
            "0:00:20",
            "No",
            "No",
        ]
    )
    sheet.append(
        [
            "C2",
            "voice",
            "payment",
            "A1",
            "07700 900123",
            dt.datetime(2026, 6, 2),
            dt.time(11, 0, 0),
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
    book.save(workspace.exports / "testco" / "contacts_1.xlsx")
    report = workspace.ingest()
    assert report.results[0].rows_loaded == 2, report.results[0].message
    assert workspace.query(
        "SELECT contact_id, started_at, wait_s, talk_s, complaint FROM contacts ORDER BY 1"
    ) == [
        ("C1", UTC(2026, 6, 1, 9, 0), 10.0, 100.0, False),
        ("C2", UTC(2026, 6, 2, 10, 0), 5.0, 60.0, True),
    ]


def test_parquet_typed_columns_and_qa_sections(workspace):
    export = copy.deepcopy(QA_EXPORT)
    export.update(
        pattern="testco/qa_*.parquet", format="parquet", true_words=["true"], false_words=["false"]
    )
    del export["delimiter"]
    workspace.source(export)
    table = pa.table(
        {
            "eid": ["E1", "E2"],
            "cid": ["C1", "C2"],
            "org": ["Us", "Client"],
            "date": pa.array([dt.date(2026, 6, 1), dt.date(2026, 12, 1)], pa.date32()),
            "score": [85.5, 60.0],
            "fail": [False, True],
            "acc": [90.0, None],
            "emp": [80.0, 70.0],
        }
    )
    pq.write_table(table, workspace.exports / "testco" / "qa_1.parquet")
    report = workspace.ingest()
    assert report.results[0].rows_loaded == 2, report.results[0].message
    # Dates are local midnight: 1 June (BST) -> 31 May 23:00 UTC; 1 Dec (GMT) -> 00:00.
    assert workspace.query(
        "SELECT evaluation_id, evaluator_org, evaluated_at, score_pct, "
        "critical_fail FROM qa_evaluations ORDER BY 1"
    ) == [
        ("E1", "own", UTC(2026, 5, 31, 23, 0), 85.5, False),
        ("E2", "client", UTC(2026, 12, 1, 0, 0), 60.0, True),
    ]
    assert workspace.query(
        "SELECT evaluation_id, section, score_pct FROM qa_sections ORDER BY 1, 2"
    ) == [("E1", "accuracy", 90.0), ("E1", "empathy", 80.0), ("E2", "empathy", 70.0)]


def test_customer_identifiers_normalise_and_hash_alike(workspace, load_one):
    export = copy.deepcopy(CONTACTS_EXPORT)
    export["customer_identifiers"] = [
        {"column": "phone", "type": "phone"},
        {"column": "email", "type": "email"},
    ]
    header = CONTACTS_HEADER.replace("phone", "phone,email")
    phones = [
        "07700 900123",
        "+44 7700 900123",
        "447700900123",
        "(0)7700-900-123",
        "+44 (0)7700 900123",
        "0044 7700 900123",
    ]
    rows = [header] + [contacts_row(f"C{i}", phone=f"{p},") for i, p in enumerate(phones)]
    rows.append(contacts_row("E1", phone=", Bob@Example.COM "))
    rows.append(contacts_row("N1", phone=","))
    load_one(export, "testco/contacts_1.csv", "\n".join(rows) + "\n")
    keys = dict(workspace.query("SELECT contact_id, customer_key FROM contacts"))
    phone_key = customer_key("phone", "447700900123")
    assert {keys[f"C{i}"] for i in range(len(phones))} == {phone_key}
    assert keys["E1"] == customer_key("email", "bob@example.com")
    assert keys["N1"] is None


def test_surveys_with_unknown_contact_still_load(workspace):
    workspace.source(CONTACTS_EXPORT, SURVEYS_EXPORT)
    workspace.write("testco/contacts_1.csv", f"{CONTACTS_HEADER}\n{contacts_row('C1')}\n")
    workspace.write(
        "testco/surveys_1.csv",
        SURVEYS_HEADER + "\nS1,C1,2026-06-01 10:00:00,4,9,Y,\nS2,C404,2026-06-01 10:00:00,4,9,Y,\n",
    )
    report = workspace.ingest()
    surveys = next(r for r in report.results if r.kind == "surveys")
    assert (surveys.rows_loaded, surveys.rows_rejected) == (2, 0)
    assert "1 surveys name no loaded contact" in surveys.message


def test_legs_duplicate_leg_rejects_the_later_and_keeps_contact(workspace, load_one):
    export = copy.deepcopy(CONTACTS_EXPORT)
    del export["contacts"]["columns"]["transferred"]
    export["contacts"]["legs"] = {"leg_column": "leg", "sum": ["talk_s"]}
    export["contacts"]["on_conflict"] = "keep_first"
    export["max_reject_pct"] = 100
    header = (
        "id,leg,channel,reason,agent,phone,start,answered,abandoned,wait,talk,hold,wrap,"
        "transferred,complaint"
    )
    rows = [
        header,
        "C1,1,voice,payment,A1,,2026-06-01 10:00:00,1,0,30,100,5,20,0,0",
        "C1,2,voice,payment,A2,,2026-06-01 10:05:00,1,0,3,50,0,10,0,0",
        "C1,2,voice,payment,A2,,2026-06-01 10:05:00,1,0,3,70,0,10,0,0",
    ]
    load_one(export, "testco/contacts_1.csv", "\n".join(rows) + "\n")
    # the second leg 2 (row 3) is a conflicting duplicate key: rejected, the first kept;
    # talk = 100 + 50
    assert workspace.query("SELECT contact_id, talk_s, transferred FROM contacts") == [
        ("C1", 150.0, True)
    ]
    assert workspace.rejects() == [
        (3, "id", "duplicate key C1/2 (rows 2, 3): row 2 was kept (on_conflict: keep_first)")
    ]

    # by default (reject_both) neither leg 2 is trusted, so the contact is rejected whole
    export["contacts"].pop("on_conflict")
    workspace.warehouse.unlink()
    load_one(export, "testco/contacts_1.csv", "\n".join(rows) + "\n")
    assert workspace.query("SELECT count(*) FROM contacts") == [(0,)]
    assert [r[0] for r in workspace.rejects()] == [1, 2, 3]

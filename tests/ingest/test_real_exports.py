"""Real exports, as other people's systems write them, load through a source config alone.

The files and what must load from them come from ``realistic_exports`` (worked out by
construction there). Each fixture is written into a workspace with its centre, ingested,
and checked for exact counts per file (read, loaded, filtered, rejected, in the run's
results and in the ``loads`` ledger), concrete values, customer keys, columns not
provided (NULL) and the rejected rows with their reasons. Then each loss case: the file
fails or rejects rows as docs/SOURCE_CONFIG.md says, and what loaded earlier in the same
warehouse is unchanged.

Readings of the docs chosen here where they leave room (see also the fixture module):

- ``rows_read`` counts every data row: read = loaded + filtered + rejected. With legs,
  loaded counts legs (rows), not contacts.
- A filtered row is not validated: "neither loaded nor rejected" holds even when a value
  in it would be rejected (PBX row 15 has a talk time ``-``).
- ``complaint`` and ``transferred`` are optional (the "Optional columns" section lists
  the required ones: contact_id, channel, started_at, answered, abandoned); not mapped,
  they are NULL.
- With ``{time, date_from_file, date_format}`` the time values are parsed with
  ``timestamp_format`` (a time-only format, allowed because a date source is given).
- ``thousands_separator`` is accepted on a duration in ``seconds`` too (German Excel's
  ``#.##0`` writes 1234 s as ``1.234``).
- A mapped XLSX cell holding a formula without a cached value is rejected with a reason
  naming the formula (reading it as empty would load a made-up NULL/0); a file where
  that is most rows fails as a whole under ``max_reject_pct``.
- A rejected row does not remove the record its key already has in the warehouse: only
  rows that load replace rows by key.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from pipelines.ingest import ConfigError, RunReport, xlsx

from . import realistic_exports as rx
from .conftest import customer_key

CONTACT_COLUMNS = (
    "contact_id",
    "channel",
    "queue",
    "contact_reason",
    "agent_id",
    "customer_key",
    "started_at",
    "answered",
    "abandoned",
    "wait_s",
    "talk_s",
    "hold_s",
    "wrap_s",
    "transferred",
    "complaint",
    "load_id",
)


def _load(
    workspace, writer: Callable[[Path], tuple[dict, rx.Expected]]
) -> tuple[dict, rx.Expected, RunReport]:
    export, expected = writer(workspace.exports)
    workspace.source(export, centre=expected.centre)
    return export, expected, workspace.ingest()


def _result(report: RunReport, relative: str):
    (result,) = [r for r in report.results if r.file.as_posix().endswith(relative)]
    return result


def _contacts(workspace) -> list[tuple]:
    return workspace.query(f"SELECT {', '.join(CONTACT_COLUMNS)} FROM contacts ORDER BY 1")


def _contact(workspace, contact_id: str, columns: list[str]) -> tuple:
    assert set(columns) <= set(CONTACT_COLUMNS)
    rows = workspace.query(
        f"SELECT {', '.join(columns)} FROM contacts WHERE contact_id = ?", [contact_id]
    )
    assert len(rows) == 1, f"{contact_id}: {len(rows)} rows"
    return rows[0]


def _rejects_by_row(workspace, relative: str) -> dict[int, list[str]]:
    rows = workspace.query(
        "SELECT r.row_number, r.reason FROM rejects AS r JOIN loads AS l USING (load_id) "
        "WHERE l.file_name LIKE ? AND l.kind = 'contacts' ORDER BY 1",
        [f"%{relative}"],
    )
    found: dict[int, list[str]] = {}
    for row, reason in rows:
        found.setdefault(row, []).append(reason)
    return found


FIXTURES = sorted(rx.ALL_FIXTURES)


@pytest.fixture(params=FIXTURES)
def loaded(request, workspace):
    export, expected, report = _load(workspace, rx.ALL_FIXTURES[request.param])
    return workspace, export, expected, report


# --- every fixture: counts, values, rejects, keys, columns not provided -----------------


def test_counts_per_file_in_results_and_ledger(loaded):
    workspace, _, expected, report = loaded
    assert not report.failed, [r.message for r in report.results]
    assert len(report.results) == len(expected.files)
    for relative, counts in expected.files.items():
        result = _result(report, relative)
        assert result.status == "loaded", result.message
        assert (
            result.rows_read,
            result.rows_loaded,
            result.rows_filtered,
            result.rows_rejected,
        ) == (counts.rows_read, counts.rows_loaded, counts.rows_filtered, counts.rows_rejected)
        assert workspace.query(
            "SELECT rows_read, rows_loaded, rows_filtered, rows_rejected, status FROM loads "
            "WHERE file_name LIKE ?",
            [f"%{relative}"],
        ) == [
            (
                counts.rows_read,
                counts.rows_loaded,
                counts.rows_filtered,
                counts.rows_rejected,
                "loaded",
            )
        ]
    assert workspace.query("SELECT count(*) FROM contacts") == [(expected.contacts,)]


def test_values(loaded):
    workspace, _, expected, _ = loaded
    for contact_id, values in expected.values.items():
        columns = list(values)
        assert (
            dict(zip(columns, _contact(workspace, contact_id, columns), strict=True)) == values
        ), contact_id


def test_rejected_rows_and_reasons(loaded):
    workspace, _, expected, _ = loaded
    for relative in expected.files:
        wanted = expected.rejects.get(relative, {})
        found = _rejects_by_row(workspace, relative)
        assert sorted(found) == sorted(wanted), found
        for row, fragments in wanted.items():
            reasons = " | ".join(found[row]).lower()
            assert any(f.lower() in reasons for f in fragments), (row, found[row])


def test_customer_keys(loaded):
    workspace, _, expected, _ = loaded
    for contact_id, (kind, normalised) in expected.customers.items():
        assert _contact(workspace, contact_id, ["customer_key"]) == (
            customer_key(kind, normalised),
        ), contact_id


def test_columns_not_provided_are_null(loaded):
    workspace, _, expected, _ = loaded
    for column in expected.not_provided:
        assert column in CONTACT_COLUMNS
        assert workspace.query(
            f"SELECT count(*) FILTER (WHERE {column} IS NOT NULL), count(*) FROM contacts"
        ) == [(0, expected.contacts)], column


def test_filtered_rows_are_neither_loaded_nor_rejected(loaded):
    workspace, _, expected, _ = loaded
    for contact_id in expected.filtered_ids:
        assert workspace.query(
            "SELECT count(*) FROM contacts WHERE contact_id = ?", [contact_id]
        ) == [(0,)]
        assert workspace.query(
            "SELECT count(*) FROM rejects WHERE raw_row LIKE ?", [f"%{contact_id}%"]
        ) == [(0,)]


def test_raw_identifiers_never_stored(loaded):
    workspace, export, _, _ = loaded
    # every value of an identifier column as the file wrote it: hashed in the rejects'
    # raw rows too
    columns = [i["column"] for i in export.get("customer_identifiers", [])]
    for (raw_row,) in workspace.query("SELECT raw_row FROM rejects"):
        row = json.loads(raw_row)
        for column in columns:
            value = row.get(column)
            assert value is None or len(value) == 64, (column, value)


# --- 1. PBX legs --------------------------------------------------------------------------


def test_pbx_legs_collapse_by_start_order_with_talk_counted_once(workspace):
    _, expected, report = _load(workspace, rx.pbx_leg_export)
    # B: hops of 100 s talk each, the second starting 40 s into the first: 140 s, not 200
    talk, hold, wrap, agent = _contact(
        workspace, "1794816005.42", ["talk_s", "hold_s", "wrap_s", "agent_id"]
    )
    assert (talk, hold, wrap, agent) == (140.0, 35.0, 45.0, "202")
    # handle time of B: 140 + 35 + 45
    assert talk + hold + wrap == 220.0
    # a ';' inside '...' quotes is part of the value
    assert workspace.query(
        "SELECT DISTINCT queue FROM contacts WHERE queue LIKE '%;%' ORDER BY 1"
    ) == [("Support; 1st line",)]
    # rows_loaded counts legs: 9 rows into 5 contacts
    assert _result(report, "cdr_trunk3_20261116.csv").rows_loaded == 9
    assert expected.contacts == 5


def test_pbx_rejected_leg_keeps_the_contact_loaded_earlier(workspace):
    """A re-export whose hop of call F went bad (talk -1) must not touch F as loaded from
    the first export of the day, and rejects F's other hop with it."""
    export, expected = rx.pbx_leg_export(workspace.exports)
    workspace.source(export, centre=expected.centre)
    full = workspace.exports / "pbx/cdr_trunk3_20261116.csv"
    text = full.read_bytes()
    lines = text.split(b"\r\n")
    # title, header and F's two hops, hop 2's talk fixed to 20 s
    first = [lines[0], lines[1]] + [
        line.replace(b";-1;", b";20;") for line in lines if line.startswith(b"1794816005.46")
    ]
    earlier = workspace.exports / "pbx/cdr_trunk3_20261116_0900.csv"
    earlier.write_bytes(b"\r\n".join(first) + b"\r\n")
    full.unlink()
    report = workspace.ingest()
    assert [(r.status, r.rows_read, r.rows_loaded) for r in report.results] == [("loaded", 2, 2)]
    # F: hop 1 talks [5, 105], hop 2 (09:51:00, no ring) [60, 80], inside it: 100 s;
    # wrap 0 + 10; agent of hop 1
    before = _contacts(workspace)
    assert [(r[0], r[4], r[10], r[12], r[13]) for r in before] == [
        ("1794816005.46", "207", 100.0, 10.0, True)
    ]

    full.write_bytes(text)
    report = workspace.ingest()
    result = _result(report, "cdr_trunk3_20261116.csv")
    assert (result.status, result.rows_rejected) == ("loaded", 3)
    rows = {r[0]: r for r in _contacts(workspace)}
    assert rows["1794816005.46"] == before[0]
    assert len(rows) == 6  # A-E of the full file plus F from the earlier one


# --- 2. ACD time-only log ---------------------------------------------------------------


def test_acd_date_comes_from_each_file_name(workspace):
    _load(workspace, rx.acd_call_log)
    days = workspace.query(
        "SELECT l.file_name, min(c.started_at), max(c.started_at) "
        "FROM contacts AS c JOIN loads AS l USING (load_id) "
        "GROUP BY 1 ORDER BY 1"
    )
    assert [(Path(f).name, lo, hi) for f, lo, hi in days] == [
        (
            "CallLog_20261116.csv",
            dt.datetime(2026, 11, 16, 13, 0, 12),
            dt.datetime(2026, 11, 17, 4, 59, 40),
        ),  # 23:59:40 EST is the next day in UTC
        (
            "CallLog_20261117.csv",
            dt.datetime(2026, 11, 17, 12, 30),
            dt.datetime(2026, 11, 17, 12, 31, 10),
        ),
    ]


def test_acd_outcome_words_derive_both_flags(workspace):
    _load(workspace, rx.acd_call_log)
    # AGENT -> answered, HANG -> abandoned, BUSY -> neither; PHANTOM filtered
    assert workspace.query(
        "SELECT answered, abandoned, count(*) FROM contacts GROUP BY ALL ORDER BY ALL"
    ) == [(False, False, 1), (False, True, 2), (True, False, 4)]


def test_acd_file_name_without_a_date_fails_and_changes_nothing(workspace):
    export, expected, _ = _load(workspace, rx.acd_call_log)
    before = _contacts(workspace)
    source = workspace.exports / "acd/CallLog_20261117.csv"
    # a manual re-export named by the operator: {day} captures 'latest', no %Y%m%d date,
    # so every row's start is bad: more than max_reject_pct (50 %) rejected, the file fails
    stray = workspace.exports / "acd/CallLog_latest.csv"
    stray.write_bytes(source.read_bytes().replace(b"07:30:00\t301\t4104", b"07:30:00\t301\t4199"))
    report = workspace.ingest([stray])
    (result,) = report.results
    assert result.status == "failed"
    assert "CallLog_latest.csv" in result.message
    # the message says why: the file name's date does not fit the configured date format
    assert any(k in result.message for k in ("%Y%m%d", "date_format", "date_from_file")), (
        result.message
    )
    assert _contacts(workspace) == before


def test_time_only_format_without_a_date_source_is_a_config_error(workspace):
    export, expected = rx.acd_call_log(workspace.exports)
    export = copy.deepcopy(export)
    export["contacts"]["columns"]["started_at"] = "Time"
    workspace.source(export, centre=expected.centre)
    with pytest.raises(ConfigError, match=r"exports\[0\]\.contacts.*started_at"):
        workspace.ingest()


def test_date_from_file_must_name_a_placeholder_of_the_pattern(workspace):
    export, expected = rx.acd_call_log(workspace.exports)
    export = copy.deepcopy(export)
    export["contacts"]["columns"]["started_at"]["date_from_file"] = "date"  # pattern: {day}
    workspace.source(export, centre=expected.centre)
    with pytest.raises(ConfigError, match=r"date_from_file.*'date'"):
        workspace.ingest()


# --- 3. No id at all ----------------------------------------------------------------------


def test_synthetic_row_keys_name_file_and_row(workspace):
    _load(workspace, lambda folder: rx.no_id_export(folder, "keep"))
    assert [
        r[0]
        for r in workspace.query(
            "SELECT contact_id FROM contacts ORDER BY CAST(split_part(contact_id, '#', 2) AS INT)"
        )
    ] == [f"calls_20261116.csv#{n}" for n in (1, 2, 3, 4, 5, 6, 7, 9, 10)]
    # rows 5, 6, 7 are identical: three abandoned contacts
    assert workspace.query("SELECT count(*) FROM contacts WHERE abandoned") == [(3,)]


def test_synthetic_row_keys_resent_file_replaces_its_rows(workspace):
    _load(workspace, lambda folder: rx.no_id_export(folder, "keep"))
    path = workspace.exports / "smallbpo/keep/calls_20261116.csv"
    # the corrected re-send: row 4's talk 96 -> 160, row 8's complaint fixed
    text = path.read_text().replace(",20,96,15,N", ",20,160,15,N").replace(",Maybe", ",N")
    path.write_text(text)
    report = workspace.ingest()
    (result,) = report.results
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (10, 10, 0)
    assert workspace.query("SELECT count(*) FROM contacts") == [(10,)]
    assert _contact(workspace, "calls_20261116.csv#4", ["talk_s", "load_id"]) == (160.0, 2)
    assert _contact(workspace, "calls_20261116.csv#8", ["channel", "talk_s"]) == ("chat", 400.0)


def test_duplicates_reject_keeps_earlier_loads(workspace):
    export, expected = rx.no_id_export(workspace.exports, "reject")
    workspace.source(export, centre=expected.centre)
    # the day before, loaded first: its rows keep their keys and values
    relative = "smallbpo/reject/calls_20261116.csv"
    day = workspace.exports / relative
    earlier = workspace.exports / "smallbpo/reject/calls_20261115.csv"
    earlier.write_text(day.read_text().replace("16/11/2026", "15/11/2026"))
    day.rename(day.with_suffix(".later"))
    workspace.ingest()
    before = _contacts(workspace)
    assert len(before) == 6
    day.with_suffix(".later").rename(day)
    report = workspace.ingest()
    assert _result(report, relative).rows_rejected == 4
    rows = _contacts(workspace)
    assert [r for r in rows if r[0].startswith("calls_20261115.csv#")] == before
    assert len(rows) == 12


def test_duplicates_keep_needs_synthetic_row_keys(workspace):
    export, expected = rx.no_id_export(workspace.exports, "keep")
    export = copy.deepcopy(export)
    export["contacts"]["columns"]["contact_id"] = {"synthetic": "content"}
    workspace.source(export, centre=expected.centre)
    with pytest.raises(ConfigError, match=r"duplicates"):
        workspace.ingest()


# --- 4. Mixed duration formats ----------------------------------------------------------


def test_mixed_durations_handle_time(workspace):
    _load(workspace, rx.mixed_durations_export)
    first = "3f1c2a9e-0b7d-4c1e-9a55-0d6b1e7f2a01"
    # 00:02:23 (hms) + 2:05 (mmss) + 30000 ms = 143 + 125 + 30
    assert workspace.query(
        "SELECT talk_s + hold_s + wrap_s FROM contacts WHERE contact_id = ?", [first]
    ) == [(298.0,)]


def test_mixed_durations_changed_format_fails_and_changes_nothing(workspace):
    export, expected, _ = _load(workspace, rx.mixed_durations_export)
    before = _contacts(workspace)
    source = (workspace.exports / "genesys/interactions_2026-11-16.csv").read_text()
    # the next day the vendor's report writes talk in seconds: every loaded-looking
    # row's talk is no H:MM:SS any more; 5 of 7 rows rejected (> 50 %): the file fails
    changed = (
        source.replace("11/16/2026", "11/17/2026")
        .replace(",00:02:23,", ",143,")
        .replace(",00:10:00,", ",600,")
        .replace(",1:02:03,", ",3723,")
        .replace(",00:05:00,", ",300,")
        .replace(",00:03:00,", ",180,")
        .replace("-0d6b1e7f2a", "-1d6b1e7f2a")
    )
    later = workspace.write("genesys/interactions_2026-11-17.csv", changed)
    report = workspace.ingest([later])
    (result,) = report.results
    assert result.status == "failed"
    assert "Talk" in result.message, result.message  # the top reason names the column
    assert _contacts(workspace) == before


# --- 5. German vendor file --------------------------------------------------------------


def test_german_one_customer_four_spellings(workspace):
    _load(workspace, rx.german_vendor_export)
    keys = workspace.query(
        "SELECT DISTINCT customer_key FROM contacts WHERE contact_id IN "
        "('L1-4711', 'L2-4711', 'L1-4712', 'L2-4715')"
    )
    assert keys == [(customer_key("phone", "49301234567"),)]


def test_german_composite_key_keeps_both_lines(workspace):
    _load(workspace, rx.german_vendor_export)
    assert workspace.query(
        "SELECT contact_id, agent_id FROM contacts WHERE contact_id LIKE '%-4711' ORDER BY 1"
    ) == [("L1-4711", "m.schulz"), ("L2-4711", "a.yilmaz")]


def test_german_dst_rejects_keep_earlier_loads(workspace):
    """The week before loads first; the week with the repeated hour rejects its four
    rows (3 ambiguous, 1 nonexistent) and leaves the earlier week as it was."""
    export, expected = rx.german_vendor_export(workspace.exports)
    workspace.source(export, centre=expected.centre)
    week43 = workspace.exports / "kundenservice/Anrufe_KW43.csv"
    data = week43.read_bytes()
    header, first_row = data.split(b"\r\n")[:2]
    # KW42: row 1 of KW43 a week earlier, with another call id
    week42 = workspace.exports / "kundenservice/Anrufe_KW42.csv"
    week42.write_bytes(
        header
        + b"\r\n"
        + first_row.replace(b"24.10.2026", b"17.10.2026").replace(b"L1;4711", b"L1;4611")
        + b"\r\n"
    )
    week43.unlink()
    workspace.ingest()
    before = _contacts(workspace)
    assert [(r[0], r[6]) for r in before] == [("L1-4611", dt.datetime(2026, 10, 17, 12, 5))]
    week43.write_bytes(data)
    report = workspace.ingest()
    assert _result(report, "Anrufe_KW43.csv").rows_rejected == 4
    rows = _contacts(workspace)
    assert [r for r in rows if r[0] == "L1-4611"] == before
    assert len(rows) == 8


def test_german_ambiguous_hour_earliest(workspace):
    _load(workspace, lambda folder: rx.german_vendor_export(folder, "earliest"))
    # the repeated hour read as its first pass (CEST, UTC+2)
    assert workspace.query(
        "SELECT contact_id, started_at FROM contacts WHERE started_at "
        "BETWEEN '2026-10-24 23:00' AND '2026-10-25 03:00' ORDER BY 2"
    ) == [
        ("L1-4712", dt.datetime(2026, 10, 24, 23, 59, 59)),
        ("L2-4718", dt.datetime(2026, 10, 25, 0, 0, 0)),
        ("L1-4713", dt.datetime(2026, 10, 25, 0, 30, 0)),
        ("L2-4714", dt.datetime(2026, 10, 25, 0, 59, 59)),
        ("L2-4715", dt.datetime(2026, 10, 25, 2, 0, 0)),
    ]


# --- 6. Formula workbook ----------------------------------------------------------------


@pytest.fixture(params=["calamine", "openpyxl"])
def xlsx_reader(request, monkeypatch):
    """Both XLSX row sources: openpyxl is forced by a zero calamine size limit."""
    if request.param == "openpyxl":
        monkeypatch.setattr(xlsx, "CALAMINE_MAX_SHEET_XML_BYTES", 0)
    return request.param


def test_workbook_loads_cached_formula_values(workspace, xlsx_reader):
    _, expected, report = _load(workspace, rx.formula_workbook)
    result = _result(report, "CallLog_2026-11-16.xlsx")
    assert (
        result.status,
        result.rows_read,
        result.rows_loaded,
        result.rows_filtered,
        result.rows_rejected,
    ) == ("loaded", 7, 5, 1, 1)
    handle = dict(workspace.query("SELECT contact_id, talk_s + hold_s + wrap_s FROM contacts"))
    assert handle == rx.WORKBOOK_HANDLE_S
    assert _contact(workspace, "C-001", ["talk_s", "started_at"]) == (
        240.0,
        dt.datetime(2026, 11, 16, 1, 0),
    )
    ((row, column, reason),) = workspace.rejects()
    assert (row, column) == (4, "TALK TIME")
    assert "formula" in reason.lower()


def test_workbook_without_cached_values_fails_and_changes_nothing(workspace, xlsx_reader):
    """openpyxl saves formulas without calculating them: a workbook built that way holds
    no talk time on any row; the file fails (every row rejected) and names the cause."""
    _load(workspace, rx.formula_workbook)
    before = _contacts(workspace)
    book = openpyxl.load_workbook(workspace.exports / "five9/CallLog_2026-11-16.xlsx")
    sheet = book["Call Log"]
    for row in range(4, 10):
        sheet.cell(row, 1).value = f"D-{row:03d}"  # the next day's calls
    book.save(workspace.exports / "five9/CallLog_2026-11-17.xlsx")
    report = workspace.ingest([workspace.exports / "five9/CallLog_2026-11-17.xlsx"])
    (result,) = report.results
    assert result.status == "failed"
    assert "formula" in result.message.lower()
    assert _contacts(workspace) == before

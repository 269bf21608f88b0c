"""The ``reported`` kind: a vendor's own figures, parsed from the shapes real KPI reports
use, with rejects naming row and column, idempotent reloads and restatements."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import xlsxwriter

from pipelines.ingest import ConfigError, load_source_configs
from pipelines.ingest.check import check_export

from .conftest import CENTRE, kill_ingest_at, lenient

LABELS = {
    "CSAT %": "csat_pct",
    "Customer Satisfaction": "csat_pct",
    "Service Level (80/20)": "service_level_pct",
    "AHT (mm:ss)": "aht_s",
    "FCR": "fcr_survey_pct",
    "NPS": "nps",
    "Contacts": "contacts",
}
REPORT_EXPORT = {
    "pattern": "testco/kpi_*.csv",
    "format": "csv",
    "delimiter": ",",
    "reported": {
        "columns": {"period": "Month", "metric": "KPI", "value": "Actual"},
        "value_maps": {"metric": LABELS},
    },
}
HEADER = "Month,KPI,Target,Actual"


def report(**changes) -> dict:
    export = copy.deepcopy(REPORT_EXPORT)
    export["reported"].update(changes)
    return export


def figures(workspace) -> list[tuple]:
    return workspace.query(
        "SELECT centre_id, metric, grain, period_start, value, metric_label "
        "FROM reported_figures ORDER BY period_start, metric"
    )


def load(workspace, export: dict, *rows: str, name: str = "kpi_1.csv"):
    workspace.source(export)
    workspace.write(f"testco/{name}", "\n".join([HEADER, *rows]) + "\n")
    return workspace.ingest()


JUNE = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("period", "changes", "grain", "start"),
    [
        ("Jun-26", {}, "month", JUNE),
        ("jun-2026", {}, "month", JUNE),
        ("June 2026", {}, "month", JUNE),
        ("Sept 2026", {}, "month", dt.date(2026, 9, 1)),
        ("2026-06", {}, "month", JUNE),
        ("06/2026", {}, "month", JUNE),
        ("01/06/2026", {"period_format": "%d/%m/%Y", "grain": "month"}, "month", JUNE),
        ("2026-06-01", {"grain": "month"}, "month", JUNE),
        # ISO week 23 of 2026: 4 January 2026 is a Sunday, so week 1 starts Mon
        # 2025-12-29 and week 23 starts 22 weeks later, Mon 2026-06-01
        ("2026-W23", {}, "week", JUNE),
        ("2026w23", {"grain": "week"}, "week", JUNE),
        ("2026-W01", {}, "week", dt.date(2025, 12, 29)),
        # a week-commencing date (a Monday), day first
        ("08/06/2026", {"period_format": "%d/%m/%Y", "grain": "week"}, "week", dt.date(2026, 6, 8)),
        ("2026-06-08", {"grain": "week"}, "week", dt.date(2026, 6, 8)),
    ],
)
def test_period_shapes(workspace, period, changes, grain, start):
    report_ = load(workspace, report(**changes), f"{period},CSAT %,80%,87.3%")
    assert [r.status for r in report_.results] == ["loaded"]
    assert figures(workspace) == [("testco", "csat_pct", grain, start, 87.3, "CSAT %")]


@pytest.mark.parametrize(
    ("label", "value", "changes", "export_changes", "metric", "expected"),
    [
        ("CSAT %", "87.3%", {}, {}, "csat_pct", 87.3),
        ("CSAT %", "87.3 %", {}, {}, "csat_pct", 87.3),
        ("Customer Satisfaction", "87.3", {}, {}, "csat_pct", 87.3),
        ('"CSAT %"', '"87,3"', {}, {"decimal_separator": ","}, "csat_pct", 87.3),
        # a fraction of 1, as Excel stores a percentage cell: 0.873 -> 87.3 %
        ("CSAT %", "0.873", {"percentages": "fraction"}, {}, "csat_pct", 87.3),
        # with a % sign the value is points even when percentages are fractions
        ("CSAT %", "87.3%", {"percentages": "fraction"}, {}, "csat_pct", 87.3),
        ("AHT (mm:ss)", "6:12", {}, {}, "aht_s", 372.0),  # 6 * 60 + 12
        ("AHT (mm:ss)", "0:06:12", {}, {}, "aht_s", 372.0),
        ("AHT (mm:ss)", "372", {}, {}, "aht_s", 372.0),
        ("AHT (mm:ss)", "14:05", {}, {}, "aht_s", 845.0),  # 14 * 60 + 5
        ("FCR", "76.1", {}, {}, "fcr_survey_pct", 76.1),
        ("NPS", "-12", {}, {}, "nps", -12.0),
        ("Contacts", "1,204", {}, {"thousands_separator": ","}, "contacts", 1204.0),
        ("csat_pct", "80", {}, {}, "csat_pct", 80.0),  # an id without a map entry
        ("  fcr ", "70", {}, {}, "fcr_survey_pct", 70.0),  # case and spaces ignored
    ],
)
def test_values_and_labels(workspace, label, value, changes, export_changes, metric, expected):
    export = {**report(**changes), **export_changes}
    if export_changes.get("thousands_separator"):
        row = f'Jun-26,{label},,"{value}"'
    else:
        row = f"Jun-26,{label},,{value}"
    result = load(workspace, export, row)
    assert [r.rows_loaded for r in result.results] == [1], workspace.rejects()
    ((_, got_metric, _, _, got, _),) = figures(workspace)
    assert got_metric == metric
    assert got == pytest.approx(expected)


def test_rejects_name_row_column_and_reason(workspace):
    rows = [
        "Jun-26,CSAT %,80%,87.3%",  # 1 loads
        "Jun-26,Bogus KPI,,1",  # 2 unknown label
        "Jun-26,csat_pctx,,1",  # 3 an id the catalogue does not know
        "Junly 2026,FCR,,70",  # 4 unparseable period
        "2026-06-03,FCR,,70",  # 5 a date without a grain
        "Jun-26,Service Level (80/20),,eighty",  # 6 not a number
        "Jun-26,NPS,,101",  # 7 NPS outside -100..100
        "Jul-26,CSAT %,,187%",  # 8 percentage outside 0-100
        "Jul-26,AHT (mm:ss),,-0:05",  # 9 negative duration
        "Jul-26,AHT (mm:ss),,six",  # 10 not a duration
        "Jul-26,FCR,,",  # 11 empty value
        "2026-W54,FCR,,70",  # 12 2026 has 53 ISO weeks at most; W54 none
        "Jul-26,AHT (mm:ss),,372%",  # 13 a % sign on a duration
        "Aug-26,Contacts,,12.5",  # 14 a count that is no whole number
    ]
    result = load(workspace, lenient(REPORT_EXPORT), *rows)
    assert [(r.rows_read, r.rows_loaded, r.rows_rejected) for r in result.results] == [(14, 1, 13)]
    assert workspace.rejects() == [
        (
            2,
            "KPI",
            "unknown metric 'Bogus KPI' (value_maps.metric knows: aht (mm:ss), contacts, "
            "csat %, customer satisfaction, fcr, nps, service level (80/20))",
        ),
        (
            3,
            "KPI",
            "unknown metric 'csat_pctx' (value_maps.metric knows: aht (mm:ss), contacts, "
            "csat %, customer satisfaction, fcr, nps, service level (80/20))",
        ),
        (
            4,
            "Month",
            "bad period 'Junly 2026': expected a month (Jun-26, June 2026, 2026-06), an ISO "
            "week (2026-W23) or an ISO date; period_format: none",
        ),
        (
            5,
            "Month",
            "period '2026-06-03' is a date: say which period it starts with the export's "
            "grain (month or week)",
        ),
        (6, "Actual", "'eighty' is not a number"),
        (7, "Actual", "NPS '101' outside -100 to 100"),
        (8, "Actual", "percentage '187%' outside 0-100"),
        (9, "Actual", "negative duration '-0:05'"),
        (10, "Actual", "bad duration 'six': expected H:MM:SS, M:SS or seconds"),
        (11, "Actual", "missing required value"),
        (12, "Month", "period '2026-W54' is not an ISO week of that year"),
        (13, "Actual", "'372%' has a % sign, but aht_s is not a percentage"),
        (14, "Actual", "count '12.5' is not a whole number >= 0"),
    ]
    assert figures(workspace) == [("testco", "csat_pct", "month", JUNE, 87.3, "CSAT %")]


def test_periods_off_their_start_and_against_the_grain(workspace):
    weekly = {**lenient(report(grain="week", period_format="%d/%m/%Y"))}
    rows = [
        "03/06/2026,FCR,,70",  # a Wednesday
        "Jun-26,FCR,,70",  # a month in a weekly report
        "08/06/2026,FCR,,71",  # a Monday: loads
    ]
    load(workspace, weekly, *rows)
    assert workspace.rejects() == [
        (
            1,
            "Month",
            "period '03/06/2026' is a Wednesday, not the Monday a week starts on (grain: week)",
        ),
        (2, "Month", "period 'Jun-26' is a month, but the export's grain is week"),
    ]
    monthly = lenient(report(grain="month", period_format="%d/%m/%Y"))
    load(workspace, monthly, "15/06/2026,FCR,,70", "2026-W23,FCR,,70", name="kpi_2.csv")
    assert workspace.rejects()[2:] == [
        (1, "Month", "period '15/06/2026' is not the first day of a month (grain: month)"),
        (2, "Month", "period '2026-W23' is an ISO week, but the export's grain is month"),
    ]


def test_a_value_map_to_an_unknown_metric_id_is_a_config_error(workspace):
    workspace.source(report(value_maps={"metric": {"CSAT %": "csat_percent"}}))
    with pytest.raises(ConfigError) as caught:
        load_source_configs(workspace.config_dir)
    assert "exports[0].reported.value_maps.metric.CSAT %: 'csat_percent' is not a metric id" in str(
        caught.value
    )


def test_a_reported_block_feeds_no_other_kind(workspace):
    from .conftest import CONTACTS_EXPORT

    export = {**copy.deepcopy(CONTACTS_EXPORT), "reported": REPORT_EXPORT["reported"]}
    workspace.source(export)
    with pytest.raises(ConfigError, match="reported figures come in a file of their own"):
        load_source_configs(workspace.config_dir)


def test_loading_the_same_file_twice_changes_nothing(workspace):
    first = load(workspace, REPORT_EXPORT, "Jun-26,CSAT %,,87.3%", "Jun-26,FCR,,76")
    assert [r.status for r in first.results] == ["loaded"]
    before = workspace.query("SELECT * FROM reported_figures ORDER BY metric")
    again = workspace.ingest()
    assert [r.status for r in again.results] == ["skipped"]
    assert workspace.query("SELECT * FROM reported_figures ORDER BY metric") == before
    assert workspace.query("SELECT count(*) FROM loads") == [(1,)]


def test_a_later_file_restating_a_figure_replaces_it(workspace):
    load(workspace, REPORT_EXPORT, "Jun-26,CSAT %,,87.3%", "Jun-26,FCR,,76")
    # the July report restates June's CSAT (corrected) and adds July
    workspace.write(
        "testco/kpi_2.csv", f"{HEADER}\nJune 2026,Customer Satisfaction,,85.0\nJul-26,FCR,,77\n"
    )
    result = workspace.ingest()
    assert [(r.file.name, r.status) for r in result.results] == [
        ("kpi_1.csv", "skipped"),
        ("kpi_2.csv", "loaded"),
    ]
    assert workspace.query(
        "SELECT metric, period_start, value, metric_label, load_id FROM reported_figures "
        "ORDER BY period_start, metric"
    ) == [
        ("csat_pct", JUNE, 85.0, "Customer Satisfaction", 2),
        ("fcr_survey_pct", JUNE, 76.0, "FCR", 1),
        ("fcr_survey_pct", dt.date(2026, 7, 1), 77.0, "FCR", 2),
    ]


def test_reload_replaces_the_files_own_figures(workspace):
    from pipelines.ingest import ingest_files

    path = workspace.exports / "testco" / "kpi_1.csv"
    load(workspace, REPORT_EXPORT, "Jun-26,CSAT %,,87.3%", "Jun-26,FCR,,76")
    path.write_text(f"{HEADER}\nJun-26,CSAT %,,86.0%\n", encoding="utf-8")  # FCR dropped
    ingest_files(
        [path],
        config_dir=workspace.config_dir,
        warehouse=workspace.warehouse,
        exports_root=workspace.exports,
        reload=True,
    )
    assert figures(workspace) == [("testco", "csat_pct", "month", JUNE, 86.0, "CSAT %")]
    assert workspace.query("SELECT load_id, status FROM loads ORDER BY load_id") == [
        (1, "replaced"),
        (2, "loaded"),
    ]


def test_two_rows_for_one_figure_with_different_values_are_both_rejected(workspace):
    rows = ["Jun-26,CSAT %,,87.3%", "June 2026,Customer Satisfaction,,86%", "Jun-26,FCR,,76"]
    load(workspace, lenient(REPORT_EXPORT), *rows)
    reasons = workspace.rejects()
    assert [(row, column) for row, column, _ in reasons] == [(1, "Month"), (2, "Month")]
    assert reasons[0][2].startswith("conflicting rows for key testco/csat_pct/month/2026-06-01")
    assert figures(workspace) == [("testco", "fcr_survey_pct", "month", JUNE, 76.0, "FCR")]


VENDOR_CENTRES = [
    {**CENTRE, "id": "testco", "name": "Test North"},
    {**CENTRE, "id": "testco_south", "name": "Test South"},
    {**CENTRE, "id": "other", "name": "Other", "vendor": "Other BPO"},
]


def _centres(workspace) -> None:
    for centre in VENDOR_CENTRES[1:]:
        workspace.source(
            {**REPORT_EXPORT, "pattern": f"{centre['id']}/none_*.csv"},
            centre=centre,
            name=centre["id"],
        )


def test_a_centre_column_names_the_vendors_centres(workspace):
    _centres(workspace)
    export = report(
        columns={"period": "Month", "metric": "KPI", "value": "Actual", "centre_id": "Site"},
        value_maps={"metric": LABELS, "centre_id": {"North": "testco", "South": "testco_south"}},
    )
    workspace.source(lenient(export))
    workspace.write(
        "testco/kpi_1.csv",
        "Site,Month,KPI,Actual\nNorth,Jun-26,FCR,76\nSouth,Jun-26,FCR,71\nEast,Jun-26,FCR,70\n",
    )
    workspace.ingest()
    assert workspace.query("SELECT centre_id, value FROM reported_figures ORDER BY centre_id") == [
        ("testco", 76.0),
        ("testco_south", 71.0),
    ]
    assert workspace.rejects() == [
        (
            3,
            "Site",
            "unknown centre 'East' (value_maps.centre_id knows: north, south; a report "
            "names its vendor's centres: testco, testco_south)",
        )
    ]


def test_a_report_cannot_name_another_vendors_centre(workspace):
    _centres(workspace)
    workspace.source(report(constants={"centre_id": "other"}))
    with pytest.raises(ConfigError) as caught:
        load_source_configs(workspace.config_dir)
    assert "reported.constants.centre_id: 'other' is not one of the centres this config's " in (
        str(caught.value)
    )


def test_xlsx_kpi_report_with_title_row_and_typed_cells(workspace):
    """An Excel report: a title row, a real date cell for the month, percentage cells
    stored as fractions (Excel's 87.3 % is 0.873), a duration as text."""
    path = workspace.exports / "testco" / "kpi_1.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("KPI Report")
    month = workbook.add_format({"num_format": "mmm-yy"})
    percent = workbook.add_format({"num_format": "0.0%"})
    sheet.write_string(0, 0, "Test BPO - Monthly KPI Report")
    for col, name in enumerate(["Month", "KPI", "Target", "Actual"]):
        sheet.write_string(1, col, name)
    sheet.write_datetime(2, 0, dt.datetime(2026, 6, 1), month)
    sheet.write_string(2, 1, "CSAT %")
    sheet.write_number(2, 3, 0.873, percent)
    sheet.write_datetime(3, 0, dt.datetime(2026, 6, 1), month)
    sheet.write_string(3, 1, "AHT (mm:ss)")
    sheet.write_string(3, 3, "6:12")
    workbook.close()
    export = {
        "pattern": "testco/kpi_*.xlsx",
        "format": "xlsx",
        "sheet": "KPI Report",
        "skip_rows": 1,
        "reported": {
            **REPORT_EXPORT["reported"],
            "grain": "month",
            "percentages": "fraction",
        },
    }
    workspace.source(export)
    result = workspace.ingest()
    assert [(r.status, r.rows_loaded) for r in result.results] == [("loaded", 2)]
    assert figures(workspace) == [
        ("testco", "aht_s", "month", JUNE, 372.0, "AHT (mm:ss)"),
        ("testco", "csat_pct", "month", JUNE, pytest.approx(87.3), "CSAT %"),
    ]


def test_check_lists_the_figures_a_report_would_load(workspace):
    workspace.source(lenient(REPORT_EXPORT))
    path = workspace.write(
        "testco/kpi_1.csv", f"{HEADER}\nJun-26,CSAT %,,87%\nJul-26,CSAT %,,88%\nJul-26,X,,1\n"
    )
    checked = check_export(path, config_dir=workspace.config_dir, exports_root=workspace.exports)
    (kind,) = checked.kinds
    assert (kind.kind, kind.read, kind.loads, kind.rejected, kind.records) == (
        "reported",
        3,
        2,
        1,
        2,
    )
    assert kind.supported == {"csat_pct": 2}
    assert not workspace.warehouse.exists()


def test_status_lists_reported_figures_only_where_some_were_sent(workspace):
    from pipelines.ingest.reports import load_status
    from pipelines.warehouse import connect_read_only

    load(workspace, REPORT_EXPORT, "Jun-26,CSAT %,,87.3%", "2026-W23,FCR,,76")
    with connect_read_only(workspace.warehouse) as con:
        status = load_status(con).df()
    assert list(status["kind"]) == ["contacts", "surveys", "qa", "reported"]
    reported = status[status["kind"] == "reported"].iloc[0]
    assert reported["record_rows"] == 2
    # the latest period start: week 23 and June both start on Mon 2026-06-01
    assert reported["latest_record_at"] == dt.datetime(2026, 6, 1)


@pytest.mark.parametrize("kill_point", ["checked", "mid-transaction"])
def test_kill_9_while_loading_a_report_leaves_the_warehouse_as_before(
    workspace, tmp_path, kill_point
):
    load(workspace, REPORT_EXPORT, "Jun-26,CSAT %,,87.3%")
    before = figures(workspace)
    workspace.write("testco/kpi_2.csv", f"{HEADER}\nJun-26,CSAT %,,80%\nJul-26,FCR,,70\n")
    kill_ingest_at(workspace, kill_point, tmp_path / "reached")
    assert figures(workspace) == before
    assert [r.status for r in workspace.ingest().results] == ["skipped", "loaded"]
    assert [f[4] for f in figures(workspace)] == [80.0, 70.0]

"""Exports: files read back, the formula guard, the CLI, the in-memory bytes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import duckdb
import openpyxl
import pandas as pd
import pytest

from pipelines.__main__ import main
from pipelines.export import (
    guard_frame,
    long_table_csv_bytes,
    long_table_xlsx_bytes,
    wide_table,
    write_exports,
)
from pipelines.metrics import CATALOGUE, LONG_COLUMNS, MetricQuery, metric_table
from pipelines.warehouse import create_schema
from tests.typed_workbook import assert_cells_typed

HOSTILE = '=HYPERLINK("http://x")'
POINTS = '+0.0" pts";-0.0" pts";0.0" pts"'
# Text that a reader would take for a number: 57.7%, -21.6 pts, 1,247, 7:45, '+30 ...


@pytest.fixture
def long(wh, con, settings):
    # a centre name that would be a formula in a spreadsheet
    con.execute("UPDATE centres SET name = '=HYPERLINK(\"http://x\")' WHERE centre_id = 'manila'")
    for raw in (5, 5, 2):
        wh.survey("leeds", "2026-06-02 10:00", csat_raw=raw)
    for raw in (5, 2, 2):
        wh.survey("manila", "2026-06-02 10:00", csat_raw=raw)
    wh.contact("leeds", "2026-06-02 09:00")  # handle time 200 s
    wh.contact("manila", "2026-06-02 09:00", talk_s=400.0, hold_s=45.0, wrap_s=20.0)  # 465 s
    return metric_table(con, MetricQuery(), settings)


def test_formula_guard_touches_text_only():
    frame = pd.DataFrame(
        {
            "text": ["=1+1", "+44 7700", "-x", "@home", "\tcmd", "\rcmd", "fine", None],
            "gap": [-30.5, 1.0, -2.0, 0.0, 3.0, 4.0, 5.0, None],
        }
    )
    guarded = guard_frame(frame)
    assert guarded["text"].tolist()[:7] == [
        "'=1+1",
        "'+44 7700",
        "'-x",
        "'@home",
        "'\tcmd",
        "'\rcmd",
        "fine",
    ]
    assert guarded["text"].isna().tolist()[7]
    assert guarded["gap"].tolist()[:7] == [-30.5, 1.0, -2.0, 0.0, 3.0, 4.0, 5.0]


def test_csv_parquet_xlsx_round_trip(long, tmp_path):
    written = write_exports(long, tmp_path)
    assert sorted(path.name for path in written) == [
        "metrics.xlsx",
        "metrics_long.csv",
        "metrics_long.parquet",
        "metrics_wide.csv",
        "metrics_wide.parquet",
    ]

    csv = pd.read_csv(tmp_path / "metrics_long.csv")
    assert csv.columns.tolist() == LONG_COLUMNS
    assert len(csv) == len(long) == 4 * len(CATALOGUE)
    manila_csat = csv[(csv["centre_id"] == "manila") & (csv["metric"] == "csat_pct")].iloc[0]
    assert manila_csat["centre_name"] == '\'=HYPERLINK("http://x")'
    assert manila_csat["gap"] == pytest.approx(100 / 3 - 200 / 3)  # negative, still a number
    assert manila_csat["value"] == pytest.approx(100 / 3)

    parquet = pd.read_parquet(tmp_path / "metrics_long.parquet")
    assert parquet["period_start"].iloc[0] == dt.date(2026, 6, 1)
    assert parquet["centre_name"].tolist() == long["centre_name"].tolist()  # unguarded
    pd.testing.assert_series_equal(parquet["value"], long["value"], check_names=False)

    wide = pd.read_csv(tmp_path / "metrics_wide.csv")
    assert len(wide) == 4
    metric_columns = [
        column for column in wide.columns if column in {m.name for m in CATALOGUE.values()}
    ]
    assert metric_columns == [m.name for m in CATALOGUE.values()]  # satisfaction first
    assert wide.loc[wide["Group"] == "leeds", "CSAT %"].iloc[0] == pytest.approx(200 / 3)


def _rows(sheet, **key) -> dict[str, object]:
    """The first data row whose cells match ``key``, as column name -> cell."""
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        if all(cells[name].value == value for name, value in key.items()):
            return cells
    raise AssertionError(f"no row {key}")


def test_xlsx_is_formatted_and_guarded(long, tmp_path):
    workbook = openpyxl.load_workbook(io.BytesIO(long_table_xlsx_bytes(long)))
    assert workbook.sheetnames == ["long", "wide", "definitions"]
    sheet = workbook["long"]
    header = [cell.value for cell in sheet[1]]
    assert header == LONG_COLUMNS
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["E"].width > 10  # centre_name sized to content
    manila = _rows(sheet, centre_id="manila", metric="csat_pct")
    # Text that would be a formula stays text, as written, marked so an edit keeps it text
    name = manila["centre_name"]
    assert (name.data_type, name.value, name.quotePrefix) == ("s", HOSTILE, True)
    assert manila["centre_id"].quotePrefix is False
    assert manila["period_start"].value == dt.datetime(2026, 6, 1)
    assert manila["period_start"].number_format == "yyyy-mm-dd"
    definitions = workbook["definitions"]
    assert definitions["A2"].value == "csat_pct"
    assert definitions.max_row == len(CATALOGUE) + 1


def test_xlsx_numbers_are_numbers_in_their_units(long):
    data = long_table_xlsx_bytes(long)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["long"]

    # CSAT: leeds 2 of 3 satisfied, manila 1 of 3: 33.3 %, a gap of -33.3 points.
    csat = _rows(sheet, centre_id="manila", metric="csat_pct")
    assert csat["value"].data_type == "n" and csat["value"].value == pytest.approx(100 / 3)
    for column in ("value", "ci_low", "ci_high", "baseline_value"):
        assert csat[column].number_format == '0.0"%"', column
    assert csat["baseline_value"].value == pytest.approx(200 / 3)
    assert csat["gap"].data_type == "n" and csat["gap"].value == pytest.approx(-100 / 3)
    assert csat["gap"].number_format == POINTS  # the sign from the format, not from text
    assert (csat["n"].value, csat["n"].number_format) == (3, "#,##0")
    assert csat["p_value"].data_type == "n" and csat["p_value"].number_format == "0.0000"
    assert csat["significant"].data_type == "b"

    # AHT: manila 400 + 45 + 20 = 465 s (7:45) against leeds' 200 s (3:20): +265 s.
    aht = _rows(sheet, centre_id="manila", metric="aht_s")
    assert aht["value"].value == dt.timedelta(seconds=465)  # an Excel time, read back
    assert aht["value"].number_format == "[m]:ss"
    assert aht["baseline_value"].value == dt.timedelta(seconds=200)
    assert (aht["gap"].data_type, aht["gap"].value) == ("n", pytest.approx(265))
    assert aht["gap"].number_format == '+#,##0" s";-#,##0" s";0" s"'
    contacts = _rows(sheet, centre_id="manila", metric="contacts")
    assert (contacts["value"].value, contacts["value"].number_format) == (1, "#,##0")
    assert contacts["gap"].number_format == "+#,##0;-#,##0;0"

    wide = workbook["wide"]
    manila = _rows(wide, Group="manila")
    assert manila["CSAT %"].value == pytest.approx(100 / 3)
    assert manila["CSAT %"].number_format == '0.0"%"'
    assert manila["AHT"].value == dt.timedelta(seconds=465)
    assert manila["AHT"].number_format == "[m]:ss"
    assert manila["Contacts"].number_format == "#,##0"
    assert (manila["Name"].value, manila["Name"].quotePrefix) == (HOSTILE, True)

    assert_cells_typed(workbook, formatted=("n", "d"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 3 and not any(b"<f>" in archive.read(n) for n in sheets)


def test_cli_xlsx_is_typed(warehouse_file, tmp_path):
    path, config = warehouse_file
    out = tmp_path / "out"
    assert (
        main(
            [
                "export",
                "--warehouse",
                str(path),
                "--config-dir",
                str(config),
                "--out",
                str(out),
                "--format",
                "xlsx",
                "--grain",
                "month",
                "--quiet",
            ]
        )
        == 0
    )
    workbook = openpyxl.load_workbook(out / "metrics.xlsx")
    aht = _rows(workbook["long"], metric="aht_s")
    # 100 s (1:40) against a 90 s (1:30) target, both Excel times
    assert aht["value"].value == dt.timedelta(seconds=100)
    assert aht["target"].value == dt.timedelta(seconds=90)
    assert aht["target"].number_format == "[m]:ss"
    assert aht["status"].value == "missed"
    assert _rows(workbook["wide"], Group="leeds")["AHT"].number_format == "[m]:ss"


def test_csv_bytes_match_the_file(long, tmp_path):
    write_exports(long, tmp_path, ("csv",))
    assert (tmp_path / "metrics_long.csv").read_bytes() == long_table_csv_bytes(long)


def test_wide_table_has_one_row_per_period_and_group(long):
    wide = wide_table(long)
    # vendors by name: manila's renamed "=HYPERLINK..." sorts before "Atlântico"
    assert wide["Group"].tolist() == ["leeds", "manila", "lisbon", "glasgow"]
    assert "Breakdown" not in wide.columns


@pytest.fixture
def warehouse_file(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    create_schema(con)
    con.execute(
        "INSERT INTO centres VALUES ('leeds', 'Northwind Leeds', 'in_house', NULL, "
        "'onshore', 'GB', 'Europe/London')"
    )
    con.execute(
        "INSERT INTO contacts VALUES ('leeds', 'c1', 'voice', 'q', 'payment', 'a1', "
        "'k1', TIMESTAMP '2026-06-02 09:00', TRUE, FALSE, 5, 100, 0, 0, FALSE, FALSE, 1)"
    )
    con.close()
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.yaml").write_text("metrics:\n  reporting_timezone: Europe/London\n")
    (config / "targets.yaml").write_text("targets:\n  - {metric: aht_s, target: 90}\n")
    return path, config


def test_cli_writes_the_files(warehouse_file, tmp_path, capsys):
    path, config = warehouse_file
    out = tmp_path / "out"
    code = main(
        [
            "export",
            "--warehouse",
            str(path),
            "--config-dir",
            str(config),
            "--out",
            str(out),
            "--format",
            "csv",
            "parquet",
            "--grain",
            "month",
            "--quiet",
        ]
    )
    assert code == 0
    long = pd.read_csv(out / "metrics_long.csv")
    aht = long[long["metric"] == "aht_s"].iloc[0]
    # 100 s against a lower-is-better 90 s, tolerance 5 % = 4.5 s: missed
    assert (aht["period_start"], aht["value"], aht["status"]) == ("2026-06-01", 100.0, "missed")
    assert not (out / "metrics.xlsx").exists()
    assert str(out / "metrics_long.csv") in capsys.readouterr().out


def test_cli_reports_user_errors(warehouse_file, tmp_path, capsys):
    path, config = warehouse_file
    assert (
        main(
            [
                "export",
                "--warehouse",
                str(tmp_path / "nope.duckdb"),
                "--config-dir",
                str(config),
                "--out",
                str(tmp_path),
            ]
        )
        == 2
    )
    assert "No warehouse at" in capsys.readouterr().err
    assert (
        main(
            [
                "export",
                "--warehouse",
                str(path),
                "--config-dir",
                str(config),
                "--centre",
                "york",
                "--out",
                str(tmp_path),
            ]
        )
        == 2
    )
    assert "Unknown centre id(s) in the centres filter: york" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", "--start", "02/06/2026"])
    assert "write it as YYYY-MM-DD" in capsys.readouterr().err

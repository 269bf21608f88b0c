"""Reconciling vendor-reported figures with the metric layer, on hand-made warehouses
whose computed value, Wilson interval and tolerance are worked out in the comments."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.metrics import long_table
from pipelines.metrics import reconciliation as reconciliation_module
from pipelines.metrics.reconciliation import RECONCILIATION_COLUMNS, reconciliation
from pipelines.metrics.targets import Target, Targets
from pipelines.settings import MetricSettings

LONDON = MetricSettings(reporting_timezone="Europe/London")
JUNE = dt.date(2026, 6, 1)


def report(con, centre, metric, grain, start, value, label=None):
    con.execute(
        "INSERT INTO reported_figures VALUES (?, ?, ?, ?, ?, ?, 1)",
        [centre, metric, grain, start, value, label or metric],
    )


def csat_week(wh):
    """Glasgow, ISO week 2026-W23 (Mon 1 - Sun 7 June): 10 answers on 1-5, 8 satisfied
    (4 or 5). One satisfied answer is at Sun 31 May 23:30 UTC = Mon 1 June 00:30 in
    London (summer time), so it is in the week in the reporting zone Europe/London."""
    wh.survey("glasgow", "2026-05-31 23:30", csat_raw=5)
    for day in range(1, 8):
        wh.survey("glasgow", f"2026-06-0{day} 12:00", csat_raw=4)
    for day in (2, 3):
        wh.survey("glasgow", f"2026-06-0{day} 13:00", csat_raw=2)


def complaint_month(con, centre="glasgow", contacts=400):
    """``contacts`` answered contacts in June, none a complaint: complaint_pct = 0 %."""
    con.execute(
        "INSERT INTO contacts SELECT $centre, 'k' || i, 'voice', 'general', 'payment', 'a1', "
        "NULL, TIMESTAMP '2026-06-10 09:00' + i * INTERVAL 1 MINUTE, true, false, 10, 300, "
        "0, 0, false, false, 1 FROM range($n) AS t(i)",
        {"centre": centre, "n": contacts},
    )


def by_metric(table):
    return {(row.centre_id, row.metric, row.period_start): row for row in table.itertuples()}


def test_inside_the_interval_is_consistent_even_beyond_the_tolerance(con, wh):
    csat_week(wh)
    report(con, "glasgow", "csat_pct", "week", JUNE, 90.0, "CSAT %")
    (row,) = reconciliation(con, LONDON).itertuples()
    # p = 8/10, z = 1.959964, z^2 = 3.841459:
    # centre = (0.8 + z^2/20) / (1 + z^2/10) = 0.992073 / 1.384146 = 0.716738
    # half = z * sqrt(0.8 * 0.2 / 10 + z^2 / 400) / 1.384146
    #      = 1.959964 * sqrt(0.0256036) / 1.384146 = 0.226577
    # interval [49.016, 94.332]; 90 lies inside, so consistent although 90 - 80 = 10 > 2
    assert (row.computed, row.n) == (pytest.approx(80.0), 10)
    assert row.ci_low == pytest.approx(49.016, abs=0.001)
    assert row.ci_high == pytest.approx(94.332, abs=0.001)
    assert row.discrepancy == pytest.approx(10.0)
    assert row.tolerance == 2.0  # no target: 2 points for a percentage
    assert (row.grain, row.period_start, row.period_end) == ("week", JUNE, dt.date(2026, 6, 7))
    assert (row.centre_name, row.metric_name, row.metric_label) == (
        "Claremont Glasgow",
        "CSAT %",
        "CSAT %",
    )
    assert row.status == "consistent"
    assert list(reconciliation(con, LONDON).columns) == RECONCILIATION_COLUMNS


def test_the_reporting_time_zone_decides_the_period(con, wh):
    csat_week(wh)
    report(con, "glasgow", "csat_pct", "week", JUNE, 90.0)
    (row,) = reconciliation(con, MetricSettings(reporting_timezone="UTC")).itertuples()
    # in UTC the 23:30 answer is in the previous week: 7 of 9 satisfied = 77.78 %
    assert (row.computed, row.n) == (pytest.approx(700 / 9), 9)


def test_outside_the_interval_within_or_beyond_the_tolerance(con):
    complaint_month(con)
    report(con, "glasgow", "complaint_pct", "month", JUNE, 1.5)
    report(con, "lisbon", "complaint_pct", "month", JUNE, 3.0)
    complaint_month(con, "lisbon")
    table = by_metric(reconciliation(con, LONDON))
    # 0 complaints of 400: Wilson interval [0, z^2 / (400 + z^2)] = [0, 3.841459 / 403.841459]
    # = [0, 0.951 %]
    glasgow = table[("glasgow", "complaint_pct", JUNE)]
    assert (glasgow.computed, glasgow.n, glasgow.ci_low) == (0.0, 400, pytest.approx(0.0))
    assert glasgow.ci_high == pytest.approx(0.9512, abs=0.0001)
    # 1.5 is outside [0, 0.951] but |1.5 - 0| <= 2 points: consistent
    assert (glasgow.discrepancy, glasgow.tolerance, glasgow.status) == (1.5, 2.0, "consistent")
    # 3.0 is outside and 3.0 > 2: discrepant
    lisbon = table[("lisbon", "complaint_pct", JUNE)]
    assert (lisbon.discrepancy, lisbon.status) == (3.0, "discrepant")


def test_a_targets_own_tolerance_applies(con):
    complaint_month(con)
    report(con, "glasgow", "complaint_pct", "month", JUNE, 1.5)
    targets = Targets((Target("complaint_pct", 2.0, "lower", 0.5, vendor="Claremont Contact"),))
    (row,) = reconciliation(con, LONDON, targets).itertuples()
    # the vendor's target allows 0.5 points: 1.5 outside [0, 0.951] and 1.5 > 0.5
    assert (row.tolerance, row.status) == (0.5, "discrepant")


def test_a_duration_against_its_target_and_without_one(con, wh):
    # five answered June contacts, each 300 s talk + 0 hold + 0 wrap: aht_s = 300, sd = 0,
    # so the interval is [300, 300]
    for day in range(1, 6):
        wh.contact("glasgow", f"2026-06-0{day} 10:00", talk_s=300.0, hold_s=0.0, wrap_s=0.0)
        wh.contact("lisbon", f"2026-06-0{day} 10:00", talk_s=300.0, hold_s=0.0, wrap_s=0.0)
    report(con, "glasgow", "aht_s", "month", JUNE, 310.0)
    report(con, "glasgow", "aht_s", "month", dt.date(2026, 7, 1), 310.0)  # no July data
    report(con, "lisbon", "aht_s", "month", JUNE, 320.0)
    targets = Targets((Target("aht_s", 480.0, "lower", 24.0, vendor="Claremont Contact"),))
    table = by_metric(reconciliation(con, LONDON, targets))
    glasgow = table[("glasgow", "aht_s", JUNE)]
    assert (glasgow.computed, glasgow.n, glasgow.ci_low, glasgow.ci_high) == (
        300.0,
        5,
        300.0,
        300.0,
    )
    # Claremont's target 480 s: tolerance 5 % of 480 = 24 s; 310 is outside, but 10 <= 24
    assert (glasgow.discrepancy, glasgow.tolerance, glasgow.status) == (10.0, 24.0, "consistent")
    # Lisbon has no aht target: 5 % of the computed 300 s = 15 s; 320 - 300 = 20 > 15
    lisbon = table[("lisbon", "aht_s", JUNE)]
    assert (lisbon.tolerance, lisbon.status) == (15.0, "discrepant")
    # July: no contacts, n = 0
    july = table[("glasgow", "aht_s", dt.date(2026, 7, 1))]
    assert (july.n, july.status) == (0, "unverifiable")
    assert july.computed != july.computed  # NaN: nothing computed


def test_no_data_is_unverifiable(con, wh):
    csat_week(wh)
    report(con, "glasgow", "csat_pct", "month", dt.date(2026, 8, 1), 99.0)
    (row,) = reconciliation(con, LONDON).itertuples()
    assert (row.n, row.status, row.period_end) == (0, "unverifiable", dt.date(2026, 8, 31))


def test_a_vendors_view_shows_only_its_own_figures(con, wh):
    csat_week(wh)
    for day in range(1, 4):
        wh.survey("manila", f"2026-06-0{day} 12:00", csat_raw=5)
    report(con, "glasgow", "csat_pct", "week", JUNE, 90.0)
    report(con, "manila", "csat_pct", "week", JUNE, 100.0)
    everyone = reconciliation(con, LONDON)
    assert list(everyone["centre_id"]) == ["glasgow", "manila"]
    claremont = reconciliation(con, LONDON, vendor_scope="Claremont Contact")
    assert list(claremont["centre_id"]) == ["glasgow"]
    # the same number as without the scope (the statistics pool the same way)
    assert claremont.iloc[0]["computed"] == everyone.iloc[0]["computed"]
    with pytest.raises(ValueError, match="Unknown centre id"):
        reconciliation(con, LONDON, vendor_scope="Claremont Contact", centre_ids=["manila"])


def test_filters_and_one_metric_table_call_per_grain(con, wh, monkeypatch):
    csat_week(wh)
    complaint_month(con)
    report(con, "glasgow", "csat_pct", "week", JUNE, 90.0)
    report(con, "glasgow", "csat_pct", "week", dt.date(2026, 6, 8), 90.0)
    report(con, "glasgow", "complaint_pct", "month", JUNE, 0.0)
    report(con, "glasgow", "complaint_pct", "month", dt.date(2026, 7, 1), 0.0)
    report(con, "lisbon", "complaint_pct", "month", JUNE, 0.0)
    calls = []
    real = long_table.metric_table

    def counting(con_, query, settings, targets):
        calls.append((query.grain, query.start, query.end, query.centres, query.metrics))
        return real(con_, query, settings, targets)

    monkeypatch.setattr(reconciliation_module, "metric_table", counting)
    table = reconciliation(con, LONDON)
    assert len(table) == 5
    assert sorted(calls) == [
        (
            "month",
            JUNE,
            dt.date(2026, 7, 31),
            ("glasgow", "lisbon"),
            ("complaint_pct",),
        ),
        ("week", JUNE, dt.date(2026, 6, 14), ("glasgow",), ("csat_pct",)),
    ]
    june_only = reconciliation(con, LONDON, centre_ids=["glasgow"], start=JUNE, end=JUNE)
    assert list(zip(june_only["metric"], june_only["grain"], strict=True)) == [
        ("csat_pct", "week"),
        ("complaint_pct", "month"),
    ]


def test_an_empty_or_old_warehouse_gives_an_empty_table(con):
    assert list(reconciliation(con, LONDON).columns) == RECONCILIATION_COLUMNS
    con.execute("DROP TABLE reported_figures")
    assert reconciliation(con, LONDON).empty


@pytest.fixture
def reconciliation_files(tmp_path):
    """A warehouse file: Glasgow's June with five 300 s contacts (aht_s = 300, sd 0) and
    complaint_pct 0 of 5; the vendor reports AHT 6:12 (372 s) and complaints 0 %, the
    metric label a formula-like text."""
    import duckdb

    from pipelines.warehouse import create_schema

    from .conftest import SAMPLE_CENTRES, Warehouse

    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    create_schema(con)
    con.executemany("INSERT INTO centres VALUES (?, ?, ?, ?, ?, ?, ?)", SAMPLE_CENTRES)
    wh = Warehouse(con)
    for day in range(1, 6):
        wh.contact("glasgow", f"2026-06-0{day} 10:00", talk_s=300.0, hold_s=0.0, wrap_s=0.0)
    report(con, "glasgow", "aht_s", "month", JUNE, 372.0, "=AHT (mm:ss)")
    report(con, "glasgow", "complaint_pct", "month", JUNE, 0.0, "Complaints %")
    con.close()
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.yaml").write_text("metrics:\n  reporting_timezone: Europe/London\n")
    (config / "targets.yaml").write_text("targets:\n  - {metric: aht_s, target: 480}\n")
    return path, config


def test_export_cli_writes_the_reconciliation(reconciliation_files, tmp_path, capsys):
    import openpyxl
    import pandas as pd

    from pipelines.__main__ import main
    from tests.typed_workbook import assert_cells_typed

    path, config = reconciliation_files
    out = tmp_path / "out"
    arguments = ["export", "--table", "reconciliation", "--warehouse", str(path)]
    code = main([*arguments, "--config-dir", str(config), "--out", str(out), "--quiet"])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "reconciliation.csv",
        "reconciliation.parquet",
        "reconciliation.xlsx",
    ]
    table = pd.read_csv(out / "reconciliation.csv")
    assert list(table.columns) == RECONCILIATION_COLUMNS
    aht = table[table["metric"] == "aht_s"].iloc[0]
    # 372 - 300 = 72 s > 5 % of the 480 s target (24 s), and outside [300, 300]
    assert (aht["reported"], aht["computed"], aht["discrepancy"], aht["tolerance"]) == (
        372.0,
        300.0,
        72.0,
        24.0,
    )
    assert (aht["status"], aht["metric_label"]) == ("discrepant", "'=AHT (mm:ss)")  # guarded
    parquet = pd.read_parquet(out / "reconciliation.parquet")
    assert parquet.loc[parquet["metric"] == "aht_s", "metric_label"].item() == "=AHT (mm:ss)"
    sheet = openpyxl.load_workbook(out / "reconciliation.xlsx")["reconciliation"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[header.index("metric")].value: row for row in sheet.iter_rows(min_row=2)}
    reported = rows["aht_s"][header.index("reported")]
    # seconds as Excel time: 372 / 86400 days shown as 6:12 (openpyxl reads a timedelta)
    assert (reported.value, reported.number_format) == (dt.timedelta(seconds=372), "[m]:ss")
    complaint = rows["complaint_pct"][header.index("reported")]
    assert (complaint.value, complaint.number_format) == (0.0, '0.0"%"')
    gap = rows["aht_s"][header.index("discrepancy")]
    assert (gap.value, gap.number_format) == (72.0, '+#,##0" s";-#,##0" s";0" s"')
    assert rows["aht_s"][header.index("metric_label")].quotePrefix
    assert_cells_typed(openpyxl.load_workbook(out / "reconciliation.xlsx"))
    assert str(out / "reconciliation.csv") in capsys.readouterr().out


def test_export_cli_reconciliation_user_errors(reconciliation_files, tmp_path, capsys):
    from pipelines.__main__ import main

    path, config = reconciliation_files
    base = ["export", "--table", "reconciliation", "--warehouse", str(path)]
    base += ["--config-dir", str(config), "--out", str(tmp_path / "out"), "--quiet"]
    assert main([*base, "--channel", "voice"]) == 2
    assert "--channel do(es) not apply to --table reconciliation" in capsys.readouterr().err
    assert main([*base, "--centre", "york"]) == 2
    assert "Unknown centre id(s): york" in capsys.readouterr().err
    assert main([*base, "--metric", "nope"]) == 2
    assert "Unknown metric id(s): nope" in capsys.readouterr().err
    assert main([*base, "--start", "2026-07-01"]) == 1  # no figure starts from July on
    assert "no reported figures for this selection" in capsys.readouterr().err

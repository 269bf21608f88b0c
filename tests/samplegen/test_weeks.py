"""The ``weeks`` window and splitting the Glasgow workbook by period beyond a sheet."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

from pipelines.__main__ import main
from pipelines.samplegen import calendar, generate_samples
from pipelines.samplegen.file_split import periods_that_fit, row_days, split_by
from pipelines.samplegen.writers import glasgow

REPO = Path(__file__).resolve().parents[2]
D = dt.date


def test_window_ends_on_the_sunday_and_starts_weeks_earlier_on_a_monday():
    # 2026-11-22 is a Sunday; 52 weeks = 364 days: 2026-11-22 - 363 days = 2025-11-24.
    window = calendar.export_window(52)
    assert (window.first_day, window.last_day) == (D(2025, 11, 24), D(2026, 11, 22))
    assert window.first_day.isoweekday() == 1 and window.last_day.isoweekday() == 7
    # 2025-11-24 00:00 GMT (winter) = 1763942400 epoch s; the end is the same for all.
    assert window.start == 1_763_942_400 and window.end == calendar.WINDOW_END
    default = calendar.export_window()
    assert default.first_day.isoformat() == calendar.FIRST_DAY == "2026-05-25"
    assert default.start == calendar.WINDOW_START  # 2026-05-24 23:00 UTC (BST)
    assert calendar.export_window(1).first_day == D(2026, 11, 16)
    for weeks in (0, calendar.MAX_WEEKS + 1):
        with pytest.raises(ValueError, match="--weeks must be between 1 and"):
            calendar.export_window(weeks)


def test_hour_grid_covers_the_window_hour_by_hour():
    grid = calendar.hour_grid(calendar.export_window(52))
    # 364 days, 24 h each, plus one from the autumn clock change 2026-10-25, and minus
    # one from the spring change 2026-03-29: 364 * 24 = 8736 hours.
    assert len(grid.start) == 8736
    assert grid.local_day[0] == 0 and grid.local_day[-1] == 363
    assert grid.weekday[0] == 0 and grid.local_hour[0] == 0
    # The peak weeks (2026-09-28 .. 10-25, 28 days) hold 28 * 24 + 1 hours (10-25: 25 h).
    assert grid.peak.sum() == 28 * 24 + 1


def days(*isoformat: str) -> np.ndarray:
    return np.array(isoformat, dtype="datetime64[D]")


TEN_WEEKS = calendar.export_window(10)  # Mon 2026-09-14 .. Sun 2026-11-22


def test_periods_whole_window_when_it_fits_else_months_else_weeks():
    rows = days("2026-09-14", "2026-09-30", "2026-10-01", "2026-10-05", "2026-11-22")
    whole = periods_that_fit(rows, TEN_WEEKS, capacity=5)
    assert [(p.first_day, p.last_day, p.rows.tolist()) for p in whole] == [
        (D(2026, 9, 14), D(2026, 11, 22), [0, 1, 2, 3, 4])
    ]
    # 4 a file: September 2 rows, October 2, November 1; months clipped to the window.
    months = periods_that_fit(rows, TEN_WEEKS, capacity=2)
    assert [(p.first_day, p.last_day, p.rows.tolist()) for p in months] == [
        (D(2026, 9, 14), D(2026, 9, 30), [0, 1]),
        (D(2026, 10, 1), D(2026, 10, 31), [2, 3]),
        (D(2026, 11, 1), D(2026, 11, 22), [4]),
    ]
    # 1 a file: October has 2 rows, so ISO weeks: 09-14..20, 09-28..10-04 (09-30 and
    # 10-01), 10-05..11, 11-16..22.
    crowded = days("2026-09-14", "2026-09-30", "2026-10-01", "2026-10-05", "2026-11-22")
    with pytest.raises(ValueError, match="one ISO week holds 2 rows, more than the 1"):
        periods_that_fit(crowded, TEN_WEEKS, capacity=1)
    weeks = split_by(crowded, TEN_WEEKS, "week")
    assert [(p.first_day, p.last_day, p.rows.tolist()) for p in weeks] == [
        (D(2026, 9, 14), D(2026, 9, 20), [0]),
        (D(2026, 9, 28), D(2026, 10, 4), [1, 2]),
        (D(2026, 10, 5), D(2026, 10, 11), [3]),
        (D(2026, 11, 16), D(2026, 11, 22), [4]),
    ]


def test_an_unparseable_day_goes_with_the_row_before_it():
    text = pd.Series(["31/06/2026", "30/09/2026", "31/06/2026", "01/10/2026"])
    assert row_days(text, "%d/%m/%Y").tolist() == [
        D(2026, 9, 30),
        D(2026, 9, 30),
        D(2026, 9, 30),
        D(2026, 10, 1),
    ]


@pytest.fixture(scope="module")
def ten_weeks(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("weeks10")
    return out, generate_samples(out, scale=0.05, weeks=10)


def test_ten_weeks_cover_only_the_window_and_name_it(ten_weeks):
    out, content = ten_weeks
    assert content["window"]["first_day"] == "2026-09-14"
    assert content["window"]["last_day"] == "2026-11-22"
    assert "leeds/leeds_contacts_20260914_20261122.csv" in content["files"]
    assert "manila/PR_NorthwindEnergy_calls_20260914-20261122.csv" in content["files"]
    assert "glasgow/Claremont_Interactions_2026-09-14_to_2026-11-22.xlsx" in content["files"]
    interactions = pd.read_excel(
        out / "glasgow/Claremont_Interactions_2026-09-14_to_2026-11-22.xlsx",
        skiprows=2,
        dtype=str,
        engine="openpyxl",
    )
    start = pd.to_datetime(interactions["Start Date"], format="%d/%m/%Y", errors="coerce")
    assert start.min() == pd.Timestamp("2026-09-14")
    assert pd.Timestamp("2026-11-16") <= start.max() <= pd.Timestamp("2026-11-22")
    # Glasgow takes the peak (2026-09-28 .. 10-25) at 2.7 x the volume of the two weeks
    # before it (the weeks after carry the peak's repeat contacts).
    weekly = start.groupby(start.dt.to_period("W-SUN").dt.start_time).count()
    assert len(weekly) == 10
    in_peak = (weekly.index >= "2026-09-28") & (weekly.index <= "2026-10-19")
    assert weekly[in_peak].mean() > 2 * weekly.iloc[:2].mean()


def test_cli_weeks_option(tmp_path: Path, capsys):
    assert (
        main(
            [
                "generate-samples",
                "--out",
                str(tmp_path),
                "--scale",
                "0.01",
                "--centres",
                "1",
                "--weeks",
                "3",
            ]
        )
        == 0
    )
    content = json.loads((tmp_path / "MANIFEST.json").read_text())
    assert content["window"] == {
        "first_day": "2026-11-02",
        "last_day": "2026-11-22",
        "peak_first_day": "2026-09-28",
        "peak_last_day": "2026-10-25",
    }
    assert main(["generate-samples", "--out", str(tmp_path), "--weeks", "0"]) == 2
    assert "--weeks must be between 1 and 104, got 0" in capsys.readouterr().out


def glasgow_rows(path: Path) -> list[tuple]:
    sheet = openpyxl.load_workbook(path, read_only=True)["Interactions"]
    return list(sheet.iter_rows(values_only=True))


MONTHS = [("2026-09-14", "2026-09-30"), ("2026-10-01", "2026-10-31"), ("2026-11-01", "2026-11-22")]
WEEKS = list(
    zip(
        pd.date_range("2026-09-14", periods=10, freq="7D").strftime("%Y-%m-%d"),
        pd.date_range("2026-09-20", periods=10, freq="7D").strftime("%Y-%m-%d"),
        strict=True,
    )
)


# The 10 weeks' Glasgow workbook at scale 0.05 holds 342 rows: ~63 in September, ~218
# in October (the peak), ~59 in November, the busiest ISO week ~60. A sheet of 250 rows
# takes a month, not the window: monthly workbooks. A sheet of 100 rows cannot take
# October: weekly workbooks.
@pytest.mark.parametrize(("sheet_rows", "periods"), [(250, MONTHS), (100, WEEKS)])
def test_a_workbook_beyond_a_sheet_is_split_by_period(
    ten_weeks, tmp_path: Path, monkeypatch, sheet_rows, periods
):
    whole_out, whole = ten_weeks
    monkeypatch.setattr(glasgow, "SHEET_ROWS", sheet_rows)
    content = generate_samples(tmp_path, scale=0.05, weeks=10)
    workbooks = sorted(p for p in content["files"] if "_Interactions_" in p)
    assert workbooks == [
        f"glasgow/Claremont_Interactions_{first}_to_{last}.xlsx" for first, last in periods
    ]
    # The source config's pattern finds every workbook, as ingestion globs it.
    config = yaml.safe_load((REPO / "sample_data/config/sources/glasgow.yaml").read_text())
    pattern = next(e["pattern"] for e in config["exports"] if "contacts" in e)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.glob(pattern)) == workbooks
    # Splitting moves rows only: the other files are unchanged and the rows, dirt and
    # records of the parts add up to the single workbook's.
    for path, entry in whole["files"].items():
        if "_Interactions_" not in path:
            assert content["files"][path]["sha256"] == entry["sha256"], path
    ((single_path, single),) = ((p, e) for p, e in whole["files"].items() if "_Interactions_" in p)
    parts = [content["files"][p] for p in workbooks]
    assert sum(p["rows"] for p in parts) == single["rows"]
    assert sum(p["records"]["contacts"] for p in parts) == single["records"]["contacts"]
    dirt_total: dict[str, int] = {}
    for part in parts:
        assert part["rows"] <= sheet_rows and part["sheets"] == 1
        for kind, count in part["dirt"].items():
            dirt_total[kind] = dirt_total.get(kind, 0) + count
    assert dirt_total == single["dirt"]
    single_rows = glasgow_rows(whole_out / single_path)
    part_rows = []
    for path, part in zip(workbooks, parts, strict=True):
        rows = glasgow_rows(tmp_path / path)
        first, last = (
            dt.date.fromisoformat(d).strftime("%d/%m/%Y")
            for d in path.removesuffix(".xlsx").split("_")[-3::2]
        )
        assert rows[1][0].startswith(f"Period: {first} to {last}    Generated:")
        assert rows[2] == single_rows[2]  # the header
        assert len(rows) - 3 == part["rows"]
        part_rows.extend(rows[3:])
    assert sorted(part_rows, key=str) == sorted(single_rows[3:], key=str)


def test_a_sheet_never_silently_overflows(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(glasgow, "SHEET_ROWS", 30)  # below a peak week's ~40-60 rows
    with pytest.raises(ValueError, match="one ISO week holds .* rows, more than the 30"):
        generate_samples(tmp_path, scale=0.05, weeks=10, centres=2)

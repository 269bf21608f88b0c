"""The contracts (pipelines/metrics/contracts.py) as analysts' tables: per vendor, style,
term and month, and the monthly totals; CSV and Parquet (one file per table) and XLSX
(sheets ``terms``, ``monthly totals``, ``style totals``; values in each row's metric
unit, amounts in the vendor's currency)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.export.money import money_unit
from pipelines.export.tables import FORMATS, frame_csv_bytes, frame_parquet_bytes
from pipelines.export.workbook import Sheet, write_workbook
from pipelines.metrics.contracts import monthly_totals, style_totals

STEM = "contracts"
IN_METRIC_UNIT = ("target", "value", "ci_low", "ci_high")
EARNED = ("earned_as_written", "earned_with_confidence")


def _money(table: pd.DataFrame, signed: bool) -> pd.Series:
    return table["currency"].map(lambda currency: money_unit(currency, signed))


def contract_sheets(terms: pd.DataFrame) -> list[Sheet]:
    """The workbook's sheets: the terms, the monthly and the style totals."""
    metric_units = terms["unit"].astype(object)
    term_units = {
        **{column: metric_units for column in IN_METRIC_UNIT},
        **{column: _money(terms, True) for column in EARNED},
        "amount": _money(terms, False),
        "n": "count",
    }
    sheets = [Sheet("terms", terms, term_units)]
    for name, totals in (
        ("monthly totals", monthly_totals(terms)),
        ("style totals", style_totals(terms)),
    ):
        units = {
            **{column: _money(totals, True) for column in EARNED},
            "hinging_amount": _money(totals, False),
            "hinging_payments": "count",
        }
        sheets.append(Sheet(name, totals, units))
    return sheets


def write_contracts(
    terms: pd.DataFrame,
    out_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    show_progress: bool = False,
) -> list[Path]:
    """``contracts_terms`` and ``contracts_monthly`` as CSV / Parquet, ``contracts.xlsx``
    with all three tables, in ``out_dir``; returns the files written."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"Unknown export format(s) {', '.join(unknown)}; use {', '.join(FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {"terms": terms, "monthly": monthly_totals(terms)}
    written = []
    for export_format in dict.fromkeys(formats):
        if export_format == "xlsx":
            path = out_dir / f"{STEM}.xlsx"
            write_workbook(str(path), contract_sheets(terms), show_progress)
            written.append(path)
            continue
        render = frame_csv_bytes if export_format == "csv" else frame_parquet_bytes
        for name, table in tables.items():
            path = out_dir / f"{STEM}_{name}.{export_format}"
            path.write_bytes(render(table))
            written.append(path)
    return written

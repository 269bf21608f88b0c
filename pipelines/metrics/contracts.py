"""What each vendor's contract pays or charges per month (METRICS.md, "Contracts").

For every vendor, contract style, term and calendar month (in ``reporting_timezone``)
the metric's value, ``n`` and interval come from the metric layer itself
(``metric_table``, grain ``month``, grouped by vendor: one call per QA evaluator org the
terms ask for, never one per term); nothing is computed here but the contract:

* **status as written**, from the point value: ``met`` on the right side of the target
  (equal counts as met), ``missed`` otherwise, ``no data`` when ``n = 0``;
* **status with confidence**: ``met with confidence`` when the whole interval lies on
  the met side (``ci_low >= target`` for higher-is-better, ``ci_high <= target`` for
  lower), ``missed with confidence`` when it lies wholly on the missed side
  (``ci_high < target`` / ``ci_low > target``), ``inconclusive`` otherwise and whenever
  ``n < min_sample``; ``no data`` when ``n = 0``. A metric without an interval (a count)
  is judged on its point value;
* **earned as written**: ``+amount`` when met and the term pays a bonus, ``-amount``
  when missed and it charges a credit, 0 otherwise; **earned with confidence** the same
  from the confident statuses only;
* a payment **hinges on an inconclusive outcome** when the status with confidence is
  inconclusive and the contract as written pays or charges for it: then
  ``earned_as_written - earned_with_confidence`` is exactly the sum of those payments.

See docs/CONTRACTS.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics.catalogue import CATALOGUE
from pipelines.metrics.contract_config import Contracts, VendorContract
from pipelines.metrics.long_table import metric_table
from pipelines.metrics.periods import data_range
from pipelines.metrics.query import MetricQuery
from pipelines.settings import MetricSettings

MET, MISSED, NO_DATA = "met", "missed", "no data"
MET_CONFIDENT = "met with confidence"
MISSED_CONFIDENT = "missed with confidence"
INCONCLUSIVE = "inconclusive"

TERM_COLUMNS = [
    "vendor",
    "style",
    "in_force",
    "term",
    "metric",
    "metric_name",
    "unit",
    "qa_evaluator_org",
    "direction",
    "target",
    "month_start",
    "month_end",
    "month_complete",
    "value",
    "n",
    "ci_low",
    "ci_high",
    "insufficient_sample",
    "provisional",
    "status",
    "confident_status",
    "bonus_when_met",
    "credit_when_missed",
    "amount",
    "currency",
    "earned_as_written",
    "earned_with_confidence",
    "hinges_on_inconclusive",
]
TOTAL_COLUMNS = [
    "vendor",
    "style",
    "in_force",
    "month_start",
    "month_end",
    "month_complete",
    "currency",
    "terms",
    "earned_as_written",
    "earned_with_confidence",
    "hinging_payments",
    "hinging_amount",
]
STYLE_TOTAL_COLUMNS = [
    "vendor",
    "style",
    "in_force",
    "currency",
    "first_month",
    "last_month",
    "months",
    "term_months",
    "earned_as_written",
    "earned_with_confidence",
    "hinging_payments",
    "hinging_amount",
]
LongTable = Callable[[MetricQuery], pd.DataFrame]


def month_bounds(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The first day of ``start``'s month and the last day of ``end``'s: the whole
    calendar months a period touches (a contract is settled per whole month)."""
    following = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start.replace(day=1), following - dt.timedelta(days=1)


def contract_terms(
    con: duckdb.DuckDBPyConnection,
    contracts: Contracts,
    settings: MetricSettings | None = None,
    *,
    vendors: Iterable[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    vendor_scope: str | None = None,
) -> pd.DataFrame:
    """One row per vendor, style, term and month (TERM_COLUMNS): every whole calendar
    month that ``start``..``end`` touches (default: the data's first to last day), from
    the metric layer on ``con``. ``vendors`` narrows the contracts; ``vendor_scope`` (a
    vendor's view) keeps that vendor's contract only."""
    settings = settings or MetricSettings()
    available = data_range(con, settings)
    if start is None or end is None:
        if available is None:
            return empty_terms()
        start = start or available.first_date
        end = end or available.last_date
    span = None if available is None else (available.first_date, available.last_date)
    return contract_terms_from(
        lambda query: metric_table(con, query, settings),
        contracts,
        settings,
        start,
        end,
        vendors=vendors,
        vendor_scope=vendor_scope,
        data_span=span,
    )


def contract_terms_from(
    long_table: LongTable,
    contracts: Contracts,
    settings: MetricSettings,
    start: dt.date,
    end: dt.date,
    *,
    vendors: Iterable[str] | None = None,
    vendor_scope: str | None = None,
    data_span: tuple[dt.date, dt.date] | None = None,
) -> pd.DataFrame:
    """``contract_terms`` with the long table from ``long_table`` (a metric-layer call,
    e.g. the dashboard's cached one). ``data_span`` (first, last day with data) marks
    the months the data covers whole (``month_complete``); None: every month."""
    if start > end:
        raise ValueError(f"contracts: start {start} is after end {end}")
    chosen = _chosen(contracts, vendors, vendor_scope)
    if not chosen:
        return empty_terms()
    first, last = month_bounds(start, end)
    spine = _spine(chosen, first, last)
    values = _values(long_table, chosen, first, last, vendor_scope)
    table = spine.merge(
        values, on=["vendor", "metric", "qa_evaluator_org", "month_start"], how="left"
    )
    table["n"] = table["n"].fillna(0).astype("int64")
    table["provisional"] = table["provisional"].astype("boolean").fillna(False).astype(bool)
    table["insufficient_sample"] = table["n"] < settings.min_sample
    table["month_end"] = [month_bounds(m, m)[1] for m in table["month_start"]]
    table["month_complete"] = (
        True
        if data_span is None
        else (table["month_start"] >= data_span[0]) & (table["month_end"] <= data_span[1])
    )
    table["metric_name"] = table["metric"].map(lambda m: CATALOGUE[m].name)
    table["unit"] = table["metric"].map(lambda m: CATALOGUE[m].unit)
    table["status"] = _status_as_written(table)
    table["confident_status"] = _status_with_confidence(table)
    table["earned_as_written"] = _earned(table, table["status"], MET, MISSED)
    table["earned_with_confidence"] = _earned(
        table, table["confident_status"], MET_CONFIDENT, MISSED_CONFIDENT
    )
    table["hinges_on_inconclusive"] = (table["confident_status"] == INCONCLUSIVE) & (
        table["earned_as_written"] != 0
    )
    table = table.sort_values(["vendor_order", "style_order", "month_start", "term_order"])
    return table[TERM_COLUMNS].reset_index(drop=True)


def monthly_totals(terms: pd.DataFrame) -> pd.DataFrame:
    """Per vendor, style and month (TOTAL_COLUMNS): the net amounts as written and with
    confidence (bonuses positive, credits negative), and how many payments, for what
    amount (absolute, summed), hinge on inconclusive outcomes."""
    keys = ["vendor", "style", "in_force", "month_start", "month_end", "month_complete"]
    return _totals(terms, keys)[TOTAL_COLUMNS]


def style_totals(terms: pd.DataFrame) -> pd.DataFrame:
    """Per vendor and style over all the months of ``terms`` (STYLE_TOTAL_COLUMNS)."""
    totals = _totals(terms, ["vendor", "style", "in_force"])
    spans = terms.groupby(["vendor", "style"], sort=False)["month_start"].agg(
        first_month="min", last_month="max", months="nunique"
    )
    totals = totals.join(spans, on=["vendor", "style"]).rename(columns={"terms": "term_months"})
    return totals[STYLE_TOTAL_COLUMNS]


def empty_terms() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in TERM_COLUMNS})


def _totals(terms: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    rows = terms.assign(
        hinging_amount=terms["earned_as_written"].abs().where(terms["hinges_on_inconclusive"], 0.0)
    )
    totals = rows.groupby(keys, sort=False, as_index=False).agg(
        currency=("currency", "first"),
        terms=("term", "size"),
        earned_as_written=("earned_as_written", "sum"),
        earned_with_confidence=("earned_with_confidence", "sum"),
        hinging_payments=("hinges_on_inconclusive", "sum"),
        hinging_amount=("hinging_amount", "sum"),
    )
    totals["hinging_payments"] = totals["hinging_payments"].astype("int64")
    return totals


def _chosen(
    contracts: Contracts, vendors: Iterable[str] | None, vendor_scope: str | None
) -> list[VendorContract]:
    names = list(contracts.vendor_names) if vendors is None else list(vendors)
    unknown = [name for name in names if contracts.for_vendor(name) is None]
    if unknown:
        raise ValueError(
            f"No contract for vendor(s) {', '.join(unknown)} in contracts.yaml; vendors "
            f"with a contract: {', '.join(contracts.vendor_names) or 'none'}"
        )
    if vendor_scope is not None:
        others = [name for name in names if name != vendor_scope]
        if vendors is not None and others:
            raise ValueError(
                f"A view of {vendor_scope} shows its own contract only, not {', '.join(others)}'s"
            )
        names = [name for name in names if name == vendor_scope]
    return [contracts.for_vendor(name) for name in names]


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _spine(chosen: list[VendorContract], first: dt.date, last: dt.date) -> pd.DataFrame:
    """Every vendor x style x term x month, data or not."""
    records = []
    for vendor_order, contract in enumerate(chosen):
        for style_order, style in enumerate(contract.styles):
            for term_order, term in enumerate(style.terms):
                records.append(
                    {
                        "vendor": contract.vendor,
                        "style": style.name,
                        "in_force": style.name == contract.in_force,
                        "term": term.name,
                        "metric": term.metric,
                        "qa_evaluator_org": term.qa_evaluator_org,
                        "direction": term.direction,
                        "target": term.target,
                        "bonus_when_met": term.bonus_when_met,
                        "credit_when_missed": term.credit_when_missed,
                        "amount": term.amount,
                        "currency": term.currency,
                        "vendor_order": vendor_order,
                        "style_order": style_order,
                        "term_order": term_order,
                    }
                )
    terms = pd.DataFrame.from_records(records)
    months = pd.DataFrame({"month_start": _months(first, last)})
    spine = terms.merge(months, how="cross")
    spine["qa_evaluator_org"] = spine["qa_evaluator_org"].astype(object)
    return spine


def _values(
    long_table: LongTable,
    chosen: list[VendorContract],
    first: dt.date,
    last: dt.date,
    vendor_scope: str | None,
) -> pd.DataFrame:
    """Value, n, interval and provisional flag per vendor, metric, QA org and month: one
    metric-layer call per QA evaluator org the terms name (None: every evaluation)."""
    by_org: dict[str | None, set[str]] = {}
    for contract in chosen:
        for style in contract.styles:
            for term in style.terms:
                by_org.setdefault(term.qa_evaluator_org, set()).add(term.metric)
    wanted = {contract.vendor for contract in chosen}
    parts = []
    for org, metrics in by_org.items():
        query = MetricQuery(
            grain="month",
            start=first,
            end=last,
            group_by="vendor",
            metrics=tuple(sorted(metrics)),
            qa_evaluator_org=org,
            vendor_scope=vendor_scope,
        )
        long = long_table(query)
        if long.empty:
            continue
        rows = long[long["centre_id"].isin(wanted) & long["breakdown_value"].isna()]
        part = rows[["centre_id", "metric", "period_start", "value", "n", "ci_low", "ci_high"]]
        parts.append(
            part.rename(columns={"centre_id": "vendor", "period_start": "month_start"}).assign(
                qa_evaluator_org=org, provisional=rows["provisional"].to_numpy()
            )
        )
    columns = ["vendor", "metric", "qa_evaluator_org", "month_start", "value", "n"]
    columns += ["ci_low", "ci_high", "provisional"]
    if not parts:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})
    values = pd.concat(parts, ignore_index=True)
    values["month_start"] = pd.to_datetime(values["month_start"]).dt.date
    values["qa_evaluator_org"] = values["qa_evaluator_org"].astype(object)
    for column in ("value", "ci_low", "ci_high"):
        values[column] = pd.to_numeric(values[column], errors="coerce").astype("float64")
    return values[columns]


def _status_as_written(table: pd.DataFrame) -> np.ndarray:
    higher = table["direction"] == "higher"
    met = np.where(higher, table["value"] >= table["target"], table["value"] <= table["target"])
    no_data = (table["n"] == 0) | table["value"].isna()
    return np.select([no_data, met], [NO_DATA, MET], default=MISSED)


def _status_with_confidence(table: pd.DataFrame) -> np.ndarray:
    # a metric without an interval (a count) has no sampling uncertainty: its point value
    low = table["ci_low"].fillna(table["value"])
    high = table["ci_high"].fillna(table["value"])
    target, higher = table["target"], table["direction"] == "higher"
    wholly_met = np.where(higher, low >= target, high <= target)
    wholly_missed = np.where(higher, high < target, low > target)
    no_data = (table["n"] == 0) | table["value"].isna()
    too_few = table["insufficient_sample"]
    return np.select(
        [no_data, too_few, wholly_met, wholly_missed],
        [NO_DATA, INCONCLUSIVE, MET_CONFIDENT, MISSED_CONFIDENT],
        default=INCONCLUSIVE,
    )


def _earned(table: pd.DataFrame, status: pd.Series, met: str, missed: str) -> pd.Series:
    bonus = (status == met) & table["bonus_when_met"]
    credit = (status == missed) & table["credit_when_missed"]
    amount = table["amount"].astype("float64")
    return pd.Series(np.select([bonus, credit], [amount, -amount], default=0.0), index=table.index)

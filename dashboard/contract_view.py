"""The partner review's "Contract" section: what the vendor's contract in force pays or
charges over the review period's months, both as written and with confidence, and what
its other contract styles would have paid over the same months.

No Streamlit call here: the Partner review page draws this content and the review pack
(page download and ``python -m pipelines review-pack``) carries it. Every number comes
from pipelines/metrics/contracts.py, which reads the metric layer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import altair as alt
import pandas as pd

from dashboard.contract_charts import LEGEND_TEXT, style_months_chart
from dashboard.formatting import format_value
from dashboard.review_pack import PackSection, PackTable
from pipelines.export.money import money_text, money_unit
from pipelines.metrics.catalogue import CATALOGUE
from pipelines.metrics.contract_config import Contracts, ContractTerm, VendorContract
from pipelines.metrics.contracts import (
    INCONCLUSIVE,
    contract_terms_from,
    monthly_totals,
    style_totals,
)
from pipelines.metrics.query import MetricQuery
from pipelines.settings import MetricSettings

HEADING = "Contract"
STATUS_TEXT = {"met": "✔ met", "missed": "✖ missed", "no data": "– no data"}
# the column says "with confidence": its cells keep to the outcome
CONFIDENT_TEXT = {
    "met with confidence": "✔ met",
    "missed with confidence": "✖ missed",
    INCONCLUSIVE: "? inconclusive",
    "no data": "– no data",
}
TOO_FEW = "? too few"  # inconclusive because n < min_sample
PROVISIONAL = " (prov.)"  # fcr_repeat_pct whose repeat window is still open
ALL_MONTHS = "All months"


def month_label(month: date, complete: bool) -> str:
    """ "Aug 2026"; "Nov 2026 (partial)" when the data do not cover the whole month."""
    return f"{month:%b %Y}" + ("" if complete else " (partial)")


def hinge_sentence(count: int, amount: float, currency: str) -> str:
    """ "3 payments (£7,000) hinge on inconclusive outcomes"."""
    payments = "payment" if count == 1 else "payments"
    verb = "hinges" if count == 1 else "hinge"
    amount_text = money_text(amount, money_unit(currency))
    return f"{count} {payments} ({amount_text}) {verb} on inconclusive outcomes"


@dataclass(frozen=True)
class ContractView:
    vendor: str
    in_force: str
    currency: str
    months_text: str  # "Aug 2026 – Nov 2026"
    summary: str  # plain sentences: what the contract in force pays, what the others would
    terms: PackTable  # each style's terms: target, bonus, credit
    in_force_months: PackTable  # the style in force: each term per month, both statuses
    in_force_totals: PackTable  # its totals per month and over all months
    styles: PackTable  # every style per month and over all months
    chart: alt.TopLevelMixin
    hinging_payments: int  # the style in force, over the months
    hinging_amount: float
    earned_as_written: float  # the style in force, over the months
    earned_with_confidence: float

    @property
    def hinge_text(self) -> str:
        return hinge_sentence(self.hinging_payments, self.hinging_amount, self.currency)

    def section(self) -> PackSection:
        return PackSection(
            HEADING,
            f"{self.summary} Chart: what each style pays per month. {LEGEND_TEXT}",
            tables=[
                # captions name the workbook's sheets too: at most 31 characters, no ":"
                ("Contract in force, by month", self.in_force_months),
                ("Contract in force, totals", self.in_force_totals),
                ("Every contract style", self.styles),
                ("Contract terms", self.terms),
            ],
            charts=[self.chart],
        )


def contract_view(
    long_table: Callable[[MetricQuery], pd.DataFrame],
    contracts: Contracts,
    vendor: str,
    start: date,
    end: date,
    settings: MetricSettings,
    vendor_scope: str | None = None,
    data_span: tuple[date | None, date | None] | None = None,
) -> ContractView | None:
    """The section for ``vendor`` over the calendar months ``start``..``end`` touches, or
    None when the vendor has no contract. ``long_table`` is a metric-layer call (the
    page's cached one, or ``metric_table`` on a connection)."""
    contract = contracts.for_vendor(vendor)
    if contract is None:
        return None
    span = data_span if data_span and None not in data_span else None
    terms = contract_terms_from(
        long_table,
        Contracts((contract,)),
        settings,
        start,
        end,
        vendor_scope=vendor_scope,
        data_span=span,
    )
    monthly = monthly_totals(terms)
    overall = style_totals(terms).set_index("style")
    in_force = overall.loc[contract.in_force]
    first, last = terms["month_start"].min(), terms["month_start"].max()
    months_text = f"{first:%b %Y}" if first == last else f"{first:%b %Y} – {last:%b %Y}"
    return ContractView(
        vendor,
        contract.in_force,
        contract.currency,
        months_text,
        _summary(contract, overall, monthly, months_text),
        _terms_table(contract),
        _in_force_months(terms[terms["in_force"]], contract.currency),
        _totals_table(monthly[monthly["in_force"]], overall.loc[[contract.in_force]], contract),
        _totals_table(monthly, overall, contract, with_style=True),
        style_months_chart(monthly, contract.currency),
        int(in_force["hinging_payments"]),
        float(in_force["hinging_amount"]),
        float(in_force["earned_as_written"]),
        float(in_force["earned_with_confidence"]),
    )


def _signed(amount: float, currency: str) -> str:
    return money_text(amount, money_unit(currency, signed=True))


def _summary(
    contract: VendorContract, overall: pd.DataFrame, monthly: pd.DataFrame, months_text: str
) -> str:
    currency = contract.currency
    in_force = overall.loc[contract.in_force]
    sentences = [
        f"In force: {contract.in_force}. Over {months_text} it comes to "
        f"{_signed(in_force['earned_as_written'], currency)} as written and "
        f"{_signed(in_force['earned_with_confidence'], currency)} with confidence "
        "(bonuses +, credits −); "
        + hinge_sentence(
            int(in_force["hinging_payments"]), float(in_force["hinging_amount"]), currency
        )
        + "."
    ]
    for style in contract.styles:
        if style.name == contract.in_force:
            continue
        other = overall.loc[style.name]
        sentences.append(
            f"Under {style.name} the same months would have come to "
            f"{_signed(other['earned_as_written'], currency)} as written "
            f"({_signed(other['earned_with_confidence'], currency)} with confidence)."
        )
    partial = monthly.loc[~monthly["month_complete"], "month_start"].drop_duplicates()
    if len(partial):
        months = ", ".join(f"{m:%b %Y}" for m in partial)
        sentences.append(f"The data cover only part of {months}.")
    return " ".join(sentences)


def _target_text(term: ContractTerm) -> str:
    side = "≥" if term.direction == "higher" else "≤"
    return f"{side} {format_value(term.target, CATALOGUE[term.metric].unit)}"


def _terms_table(contract: VendorContract) -> PackTable:
    rows = [
        {
            "Style": style.name + (" (in force)" if style.name == contract.in_force else ""),
            "Term": term.name,
            "Target": _target_text(term),
            "Bonus when met": term.amount if term.bonus_when_met else None,
            "Credit when missed": term.amount if term.credit_when_missed else None,
        }
        for style in contract.styles
        for term in style.terms
    ]
    money = money_unit(contract.currency)
    return PackTable(
        pd.DataFrame(rows), units={"Bonus when met": money, "Credit when missed": money}
    )


def _in_force_months(terms: pd.DataFrame, currency: str) -> PackTable:
    units = terms["unit"].reset_index(drop=True)
    as_written = terms["status"].map(STATUS_TEXT) + terms["provisional"].map(
        {True: PROVISIONAL, False: ""}
    )
    too_few = (terms["confident_status"] == INCONCLUSIVE) & terms["insufficient_sample"]
    confident = terms["confident_status"].map(CONFIDENT_TEXT).where(~too_few, TOO_FEW)
    signed = money_unit(currency, signed=True)
    frame = pd.DataFrame(
        {
            "Month": [
                month_label(m, c)
                for m, c in zip(terms["month_start"], terms["month_complete"], strict=True)
            ],
            "Term": terms["term"].to_numpy(),
            "Target": terms["target"].to_numpy(),
            "Value": terms["value"].to_numpy(),
            "n": terms["n"].to_numpy(),
            "Low": terms["ci_low"].to_numpy(),
            "High": terms["ci_high"].to_numpy(),
            "As written": as_written.to_numpy(),
            "With confidence": confident.to_numpy(),
            "Earned as written": terms["earned_as_written"].to_numpy(),
            "Earned with confidence": terms["earned_with_confidence"].to_numpy(),
        }
    )
    return PackTable(
        frame,
        units={
            "Target": units,
            "Value": units,
            "Low": units,
            "High": units,
            "n": "count",
            "Earned as written": signed,
            "Earned with confidence": signed,
        },
    )


def _totals_table(
    monthly: pd.DataFrame,
    overall: pd.DataFrame,
    contract: VendorContract,
    with_style: bool = False,
) -> PackTable:
    """Per month and then over all months; with_style: every style, one after another."""
    rows = []
    for style in contract.styles:
        if style.name not in overall.index:
            continue
        name = style.name + (" (in force)" if style.name == contract.in_force else "")
        for record in monthly[monthly["style"] == style.name].itertuples():
            rows.append(
                _total_row(name, month_label(record.month_start, record.month_complete), record)
            )
        rows.append(_total_row(name, ALL_MONTHS, overall.loc[style.name]))
    frame = pd.DataFrame(rows)
    if not with_style:
        frame = frame.drop(columns="Style")
    signed = money_unit(contract.currency, signed=True)
    return PackTable(
        frame,
        units={
            "Earned as written": signed,
            "Earned with confidence": signed,
            "Hinging payments": "count",
            "Hinging amount": money_unit(contract.currency),
        },
    )


def _total_row(style: str, month: str, record) -> dict:
    return {
        "Style": style,
        "Month": month,
        "Earned as written": float(_field(record, "earned_as_written")),
        "Earned with confidence": float(_field(record, "earned_with_confidence")),
        "Hinging payments": int(_field(record, "hinging_payments")),
        "Hinging amount": float(_field(record, "hinging_amount")),
    }


def _field(record, name: str):
    return record[name] if isinstance(record, pd.Series) else getattr(record, name)

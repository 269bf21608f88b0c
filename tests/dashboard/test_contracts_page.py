"""The Partner review's "Contract" section on the page and in its pack: the same numbers
as pipelines/metrics/contracts.py called directly on the sample warehouse, over the
calendar months of the page's default period (24 Aug - 22 Nov 2026: Aug to Nov)."""

from __future__ import annotations

import datetime as dt
import html
import io
import shutil

import openpyxl
import pytest

from dashboard.contract_view import hinge_sentence
from dashboard.formatting import format_value
from pipelines.export.money import money_text, money_unit
from pipelines.metrics.contract_config import load_contracts
from pipelines.metrics.contracts import contract_terms, monthly_totals, style_totals
from pipelines.settings import DEFAULT_CONFIG_DIR, load_metric_settings
from pipelines.warehouse import connect_read_only
from tests.dashboard.test_review_pack_cli import END, START, _page_downloads
from tests.dashboard.test_trust import as_read
from tests.typed_workbook import assert_cells_typed

MONTHS = [dt.date(2026, month, 1) for month in (8, 9, 10, 11)]
AS_WRITTEN = {"met": "✔ met", "missed": "✖ missed", "no data": "– no data"}
WITH_CONFIDENCE = {
    "met with confidence": "✔ met",
    "missed with confidence": "✖ missed",
    "inconclusive": "? inconclusive",
    "no data": "– no data",
}


def layer(warehouse, vendor):
    """The metric layer's contract rows for ``vendor`` over the page's default period."""
    con = connect_read_only(warehouse)
    try:
        return contract_terms(
            con,
            load_contracts(DEFAULT_CONFIG_DIR),
            load_metric_settings(DEFAULT_CONFIG_DIR),
            vendors=[vendor],
            start=START,
            end=END,
        )
    finally:
        con.close()


def table_with(at, *columns):
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def signed(amount, currency):
    return money_text(amount, money_unit(currency, signed=True))


@pytest.mark.parametrize(
    ("vendor", "currency"), [("Pacific Reach BPO", "USD"), ("Atlântico Serviços", "EUR")]
)
def test_the_page_shows_the_metric_layers_contract(app, sample_warehouse, vendor, currency):
    at = app("partner_review", vendor=vendor)
    assert "Contract" in [h.value for h in at.header]
    terms = layer(sample_warehouse, vendor)
    in_force = terms[terms["in_force"]].reset_index(drop=True)
    assert sorted(set(in_force["month_start"])) == MONTHS

    shown = table_with(at, "Term", "As written", "With confidence", "Earned as written")
    assert len(shown) == len(in_force)
    for row, expected in zip(shown.to_dict("records"), in_force.itertuples(), strict=True):
        assert row["Term"] == expected.term
        assert row["Value"] == format_value(expected.value, expected.unit)
        assert row["n"] == f"{expected.n:,}"
        assert row["Earned as written"] == signed(expected.earned_as_written, currency)
        assert row["Earned with confidence"] == signed(expected.earned_with_confidence, currency)
        as_written = AS_WRITTEN[expected.status] + (" (prov.)" if expected.provisional else "")
        assert row["As written"] == as_written
        too_few = expected.confident_status == "inconclusive" and expected.insufficient_sample
        confident = "? too few" if too_few else WITH_CONFIDENCE[expected.confident_status]
        assert row["With confidence"] == confident

    totals = style_totals(terms).set_index("style")
    everything = table_with(at, "Style", "Month", "Earned with confidence").set_index(
        ["Style", "Month"]
    )
    for style, total in totals.iterrows():
        label = style + (" (in force)" if total["in_force"] else "")
        shown_total = everything.loc[(label, "All months")]
        assert shown_total["Earned as written"] == signed(total["earned_as_written"], currency)
        assert shown_total["Earned with confidence"] == signed(
            total["earned_with_confidence"], currency
        )
        assert shown_total["Hinging payments"] == f"{total['hinging_payments']:,}"
    month_rows = monthly_totals(terms)
    assert len(everything) == len(month_rows) + len(totals)

    in_force_total = totals[totals["in_force"]].iloc[0]
    sentence = hinge_sentence(
        int(in_force_total["hinging_payments"]), in_force_total["hinging_amount"], currency
    )
    summary = next(as_read(m.value) for m in at.markdown if as_read(m.value).startswith("In force"))
    assert sentence in summary
    if in_force_total["hinging_payments"]:
        assert any(sentence in as_read(w.value) for w in at.warning)


def test_the_sample_story_pacific_reach_earns_by_speed_not_by_its_customers(sample_warehouse):
    totals = style_totals(layer(sample_warehouse, "Pacific Reach BPO")).set_index("style")
    # fast (AHT about 5:30 against 7:00) and a service level about 90 %: the handle-time
    # bonus in each of the four months, no credit; poor CSAT, FCR and client-scored QA:
    # no bonus at all under the satisfaction-reward style
    assert totals.loc["productivity-penalty", "earned_with_confidence"] == 4 * 2500
    assert totals.loc["productivity-penalty", "earned_as_written"] == 4 * 2500
    assert totals.loc["satisfaction-reward", "earned_as_written"] == 0
    claremont = style_totals(layer(sample_warehouse, "Claremont Contact")).set_index("style")
    # Claremont misses the service level (its autumn overflow) and loses under the
    # penalty style, but would have earned under the reward style
    assert claremont.loc["productivity-penalty", "earned_as_written"] < 0
    assert claremont.loc["satisfaction-reward", "earned_as_written"] > 0


def test_the_pack_carries_the_contract_section(app, sample_warehouse, monkeypatch):
    vendor, currency = "Atlântico Serviços", "EUR"
    offered = _page_downloads(app, monkeypatch, vendor)
    page = next(data for name, data in offered.items() if name.endswith(".html"))
    text = html.unescape(page.decode("utf-8"))
    assert "<h2>Contract</h2>" in text
    terms = layer(sample_warehouse, vendor)
    total = style_totals(terms).set_index("style").loc["satisfaction-reward"]
    assert hinge_sentence(int(total["hinging_payments"]), total["hinging_amount"], currency) in text
    assert "Chart: what each style pays per month." in text
    assert "<svg" in text.split("<h2>Contract</h2>")[1]  # the chart, drawn in the file

    book = next(data for name, data in offered.items() if name.endswith(".xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(book))
    for sheet in ("Contract in force, by month", "Contract in force, totals"):
        assert sheet in workbook.sheetnames
    assert {"Every contract style", "Contract terms"} <= set(workbook.sheetnames)
    sheet = workbook["Contract in force, totals"]
    header = [cell.value for cell in sheet[1]]
    last = list(sheet.iter_rows(min_row=2))[-1]
    assert last[header.index("Month")].value == "All months"
    earned = last[header.index("Earned as written")]
    assert earned.value == pytest.approx(total["earned_as_written"])
    assert earned.number_format == '+"€"#,##0;-"€"#,##0;"€"#,##0'
    assert_cells_typed(workbook)


def test_a_malformed_contracts_file_is_an_error_in_the_section_only(app, tmp_path, monkeypatch):
    config = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, config)
    path = config / "contracts.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("metric: csat_pct", "metric: csat", 1),
        encoding="utf-8",
    )
    monkeypatch.setenv("CC_CONFIG_DIR", str(config))
    at = app("partner_review", vendor="Claremont Contact")
    headers = [h.value for h in at.header]
    assert "Contract" in headers and "Scorecard against targets" in headers
    (error,) = [as_read(e.value) for e in at.error]
    assert (
        f"{path}: vendor 'Claremont Contact', style 'satisfaction-reward', term 1 (csat): "
        "key 'metric': unknown metric 'csat'"
    ) in error
    assert not any("Term" in d.value.columns for d in at.dataframe)

"""The partner-review pack on its own: self-contained HTML and a readable workbook."""

from __future__ import annotations

import io
from datetime import date

import altair as alt
import openpyxl
import pandas as pd

from dashboard.review_pack import PackSection, ReviewPack


def _pack() -> ReviewPack:
    weekly = pd.DataFrame({"period_start": [date(2026, 11, 9), date(2026, 11, 16)],
                           "value": [61.5, 58.0]})
    chart = alt.Chart(weekly).mark_line().encode(x="period_start:T", y="value:Q")
    comments = pd.DataFrame({"Comment": ["=HYPERLINK(\"x\")", "<b>rude</b>"], "CSAT": [1, 2]})
    return ReviewPack("Partner review: Vendor & Co", "Nov 2026", [
        PackSection("Trends", "weekly", charts=[chart]),
        PackSection("What customers said", tables=[("Dissatisfied", comments)]),
    ])


def test_html_is_self_contained_and_escaped():
    html = _pack().to_html().decode("utf-8")
    assert "<svg" in html  # the chart is drawn inside the file, dates and all
    assert "<script" not in html and "src=" not in html
    assert "Partner review: Vendor &amp; Co" in html
    assert "&lt;b&gt;rude&lt;/b&gt;" in html
    assert "@media print" in html


def test_workbook_has_the_tables_with_formulas_defused():
    workbook = openpyxl.load_workbook(io.BytesIO(_pack().to_xlsx()))
    assert workbook.sheetnames == ["Dissatisfied", "definitions"]
    sheet = workbook["Dissatisfied"]
    assert sheet["A1"].value == "Comment"
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("'=")

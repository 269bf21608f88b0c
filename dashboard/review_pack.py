"""The partner-review pack: one self-contained HTML file (charts as inline SVG, so it
opens offline and prints well) and an Excel workbook of the same tables."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

import altair as alt
import pandas as pd
import vl_convert

from pipelines.export.formula_guard import guard_frame
from pipelines.export.workbook import write_workbook

STYLE = """
body {font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
      color: #222; margin: 2rem auto; max-width: 1100px; padding: 0 1rem;}
h1 {margin-bottom: 0.2rem;} h2 {border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem;
    margin-top: 2rem;}
.meta {color: #666;}
table {border-collapse: collapse; width: 100%; font-size: 0.85rem; margin: 0.5rem 0 1rem;}
th, td {border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left;}
th {background: #f2f2f2;}
td.num {text-align: right; font-variant-numeric: tabular-nums;}
.chart svg {max-width: 100%; height: auto;}
@media print {
  body {margin: 0; max-width: none;}
  section {break-inside: avoid;}
  h2 {break-after: avoid;}
  @page {size: A4 landscape; margin: 12mm;}
}
"""


@dataclass
class PackSection:
    heading: str
    note: str = ""
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    charts: list[alt.TopLevelMixin] = field(default_factory=list)


@dataclass
class ReviewPack:
    title: str
    subtitle: str
    sections: list[PackSection]

    def to_html(self) -> bytes:
        body = [
            f"<h1>{escape(self.title)}</h1>",
            f'<p class="meta">{escape(self.subtitle)} · generated '
            f"{datetime.now():%d %b %Y %H:%M}</p>",
        ]
        for section in self.sections:
            body.append(f"<section><h2>{escape(section.heading)}</h2>")
            if section.note:
                body.append(f'<p class="meta">{escape(section.note)}</p>')
            for chart in section.charts:
                # Dates in chart data become ISO strings, which Vega-Lite reads as times.
                svg = vl_convert.vegalite_to_svg(json.dumps(chart.to_dict(), default=str))
                body.append(f'<div class="chart">{svg}</div>')
            for caption, table in section.tables:
                if caption:
                    body.append(f"<h3>{escape(caption)}</h3>")
                body.append(_html_table(table))
            body.append("</section>")
        html = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(self.title)}</title><style>{STYLE}</style></head>"
            f"<body>{''.join(body)}</body></html>"
        )
        return html.encode("utf-8")

    def to_xlsx(self) -> bytes:
        sheets: list[tuple[str, pd.DataFrame]] = []
        for section in self.sections:
            for caption, table in section.tables:
                name = (caption or section.heading)[:31]
                sheets.append((_unique(name, {n for n, _ in sheets}), guard_frame(table)))
        buffer = io.BytesIO()
        write_workbook(buffer, sheets)
        return buffer.getvalue()


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        suffix = f" {number}"
        candidate, number = name[: 31 - len(suffix)] + suffix, number + 1
    return candidate


def _html_table(table: pd.DataFrame) -> str:
    if table.empty:
        return '<p class="meta">Nothing in this period.</p>'
    numeric = [pd.api.types.is_numeric_dtype(table[c]) for c in table.columns]
    head = "".join(f"<th>{escape(str(c))}</th>" for c in table.columns)
    rows = []
    for record in table.itertuples(index=False):
        cells = []
        for value, is_number in zip(record, numeric, strict=True):
            text = "" if pd.isna(value) else (f"{value:,.1f}" if isinstance(value, float)
                                              else str(value))
            cells.append(f'<td class="num">{escape(text)}</td>' if is_number
                         else f"<td>{escape(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
